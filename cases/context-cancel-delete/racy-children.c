/*
 * context-cancel-delete, racy-children: a propagateCancel that adds the
 * child to its parent's children without the parent's lock, while another
 * thread cancels the parent.
 *
 * Go original: src/context/context.go (Go 1.21), the part of
 * (*cancelCtx).propagateCancel that links a child to a *cancelCtx parent:
 *
 *     if p, ok := parentCancelCtx(parent); ok {
 *             // parent is a *cancelCtx, or derives from one.
 *             p.mu.Lock()
 *             if p.err != nil {
 *                     // parent has already been canceled
 *                     child.cancel(false, p.err, p.cause)
 *             } else {
 *                     if p.children == nil {
 *                             p.children = make(map[canceler]struct{})
 *                     }
 *                     p.children[child] = struct{}{}
 *             }
 *             p.mu.Unlock()
 *             return
 *     }
 *
 * and (*cancelCtx).cancel, which under p.mu sets p.err, closes done, walks
 * p.children canceling each child, then sets p.children = nil. This
 * variant is propagateCancel with p.mu.Lock() and p.mu.Unlock() taken out:
 * the shape of a home-grown cancellation tree (a custom context type, a
 * "fast path" that skips the lock because the parent is "almost never
 * canceled"). The model's own propagateCancel (model/context.c) keeps the
 * lock; fixed-children.c uses it.
 *
 * Threads: the canceler (role 1) cancels the parent, as a server does when
 * the client goes away; the handler (role 2) derives request contexts from
 * it with the lock-less propagateCancel.
 * Forced (MAPRACE_FORCE=1): the handler checks p.err (nil) and stops at
 * W_PROPAGATE_CANCEL, before it touches p.children; only then does the
 * canceler cancel the parent, completely: err set, done closed, the
 * children there walked and canceled, p.children set to nil. Then the
 * handler goes on: p.children is nil, so it makes a new map and adds the
 * child to it. Nobody will ever walk that map: the child is never
 * canceled, and whatever waits on its Done() waits forever (in Go, a
 * leaked goroutine). No Go check fires: the map itself is never shared.
 * The program prints the lost children. Unforced, a loss needs the same
 * unlucky timing, and an insert during the walk may instead trip Go's
 * "concurrent map iteration and map write".
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

/* c.propagateCancel(parent, child), with the parent's lock taken out. */
static __attribute__((noinline)) void
propagateCancelNoLock(struct cancelCtx *child, struct Context *parent)
{
    uint64_t key = (uint64_t)(uintptr_t)child;
    struct hchan *done;
    struct cancelCtx *p;

    child->Context = parent;
    done = Context_Done(parent);
    if (!done)
        return; /* parent is never canceled */
    if (selectnbrecv(done)) {
        /* parent is already canceled */
        cancelCtx_cancel(child, false, Context_Err(parent), Cause(parent));
        return;
    }
    p = parentCancelCtx(parent);
    if (!p)
        return;
    /* p.mu.Lock() was here */
    if (p->err) { /* RACE: read p.err without p.mu */
        cancelCtx_cancel(child, false, p->err, p->cause);
    } else {
        WINDOW(W_PROPAGATE_CANCEL);
        if (!p->children)              /* RACE: read p.children */
            p->children = makemap(0);  /* RACE: write p.children */
        mapstore(p->children, key, 1); /* RACE: write p.children[child] */
    }
    /* p.mu.Unlock() was here */
}

/* context.WithCancel(parent), with the lock-less propagateCancel. */
static __attribute__((noinline)) struct cancelCtx *
withCancelNoLock(struct Context *parent)
{
    struct cancelCtx *c = newCancelCtx(parent);

    propagateCancelNoLock(c, parent);
    return c;
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
        reqCtx[i] = withCancelNoLock(ctxOf(serverCtx));
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* the canceler starts once the handler has seen p.err == nil and
         * is about to add its first child */
        {canceler_role, W_CASE_A, handler_role, W_PROPAGATE_CANCEL},
        /* the handler adds it only after cancel has returned */
        {handler_role, W_PROPAGATE_CANCEL, canceler_role, W_CASE_B},
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
