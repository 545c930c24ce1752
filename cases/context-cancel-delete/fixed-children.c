/*
 * context-cancel-delete, fixed-children: request contexts derived with
 * context.WithCancel itself, whose propagateCancel (model/context.c, as
 * Go 1.21's) checks p.err and adds the child to p.children with p.mu held:
 *
 *     p.mu.Lock()
 *     if p.err != nil {
 *             child.cancel(false, p.err, p.cause)
 *     } else {
 *             if p.children == nil {
 *                     p.children = make(map[canceler]struct{})
 *             }
 *             p.children[child] = struct{}{}
 *     }
 *     p.mu.Unlock()
 *
 * cancel() holds the same p.mu from setting p.err to setting p.children to
 * nil. So the check and the insertion happen either wholly before the
 * cancel (the child is in the map the cancel walks) or wholly after it
 * (p.err is set: the child is canceled at once). No child is lost, and the
 * detectors see the lock's happens-before edges.
 *
 * Forced (MAPRACE_FORCE=1): the same approach as racy-children.c: the
 * canceler starts once the handler is at W_PROPAGATE_CANCEL, about to add
 * its first child. The handler cannot also be held there until the cancel
 * has returned: it holds p.mu, which cancel needs. So the cancel waits for
 * the lock, and then walks a map that has the child in it.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "context.h"
#include "map.h"
#include "window.h"

enum { requests = 100, earlier = 3, canceler_role = 1, handler_role = 2 };

/* The server's context and its cancel function. Non-static: clang renames
 * static objects at -O1. */
struct cancelCtx *serverCtx;
CancelFunc serverCancel;
/* The contexts the handler derived from it. */
struct cancelCtx *reqCtx[requests];

/* reqCtx[i] = context.WithCancel(serverCtx): the model's, with p.mu held
 * while it adds the child */
static __attribute__((noinline)) void newRequest(int i)
{
    reqCtx[i] = WithCancel(ctxOf(serverCtx), NULL); /* RACE: add to children */
}

/* cancel() of the server's context */
static __attribute__((noinline)) void cancelServer(void)
{
    CallCancelFunc(serverCancel); /* RACE: cancel writes p.err, p.children */
    WINDOW(W_CASE_B);             /* cancel returned */
}

static void *canceler(void *arg)
{
    window_role(canceler_role);
    WINDOW(W_CASE_A); /* about to cancel */
    cancelServer();
    return NULL;
}

static void *handler(void *arg)
{
    window_role(handler_role);
    for (int i = 0; i < requests; i++)
        newRequest(i);
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* the canceler starts once the handler has seen p.err == nil and
         * is about to add its first child (holding p.mu) */
        {canceler_role, W_CASE_A, handler_role, W_PROPAGATE_CANCEL},
    };
    struct cancelCtx *before[earlier];
    pthread_t c, h;
    int lost = 0, i;

    serverCtx = WithCancel(Background(), &serverCancel);
    /* requests that were already running, linked the right way */
    for (i = 0; i < earlier; i++)
        before[i] = WithCancel(ctxOf(serverCtx), NULL);

    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
    if (pthread_create(&c, NULL, canceler, NULL) ||
        pthread_create(&h, NULL, handler, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(c, NULL);
    pthread_join(h, NULL);

    /* The server's context is canceled; every context derived from it
     * must be too. */
    for (i = 0; i < requests; i++)
        if (!Context_Err(ctxOf(reqCtx[i])))
            lost++;
    for (i = 0; i < earlier; i++)
        if (!Context_Err(ctxOf(before[i])))
            lost++;
    if (lost)
        printf("lost children: %d of %d contexts never canceled (Err() == "
               "nil, Done() open) although their parent was: %s\n",
               lost, requests + earlier,
               ctxerr_Error(Context_Err(ctxOf(serverCtx))));
    else
        printf("all %d children canceled with their parent: %s\n",
               requests + earlier, ctxerr_Error(Context_Err(ctxOf(serverCtx))));

    for (i = 0; i < requests; i++)
        ctxfree(reqCtx[i]);
    for (i = 0; i < earlier; i++)
        ctxfree(before[i]);
    ctxfree(serverCtx);
    return 0;
}
