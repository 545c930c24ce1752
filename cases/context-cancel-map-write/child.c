/*
 * context-cancel-map-write, child: the article's section 3.3 example made
 * as strong as it can be: this time the context stored in the map IS in a
 * children map, and cancel() walks that map while the goroutine writes m.
 * Still no race: clean under every detector.
 *
 * Go (child.go beside this file is the full program):
 *
 *     parent, cancel := context.WithCancel(context.Background())
 *     ctx, cancelChild := context.WithCancel(parent) // parent.children[ctx]
 *     defer cancelChild()
 *     m := make(map[string]context.Context)
 *     go func() {
 *             m["key"] = ctx
 *     }()
 *     cancel() // cancels ctx too, under parent.mu, then ctx.mu
 *
 * parent.children is touched by WithCancel (propagateCancel) and by
 * cancel(), both with parent.mu held; m is touched by the goroutine only.
 * The two maps are different maps; each has one lock or one owner.
 *
 * Forced (MAPRACE_FORCE=1): main waits before cancel() until the
 * goroutine is inside m["key"] = ctx with hashWriting set; the goroutine
 * stays there until cancel() has walked parent.children and canceled ctx
 * (W_CANCEL_CHILDREN) and returned. No happens-before edge is added.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "context.h"
#include "map.h"
#include "window.h"

enum { key = 1 /* "key" */, writer_role = 1, main_role = 2 };

/* Non-static: clang renames static objects at -O1. */
struct cancelCtx *parent, *ctx;
CancelFunc cancel, cancelChild;
struct hmap *m; /* map[string]context.Context */

/* m["key"] = ctx */
static __attribute__((noinline)) void store_ctx(void)
{
    mapstore(m, key, (uint64_t)(uintptr_t)ctx); /* RACE: m["key"] = ctx */
}

/* cancel() of the parent: walks parent.children, cancels ctx */
static __attribute__((noinline)) void do_cancel(void)
{
    CallCancelFunc(cancel); /* RACE: cancel() walks parent.children */
}

/* go func() { m["key"] = ctx }() */
static void *func1(void *arg)
{
    window_role(writer_role);
    store_ctx();
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* main cancels only once the goroutine is inside the write */
        {main_role, W_CASE_A, writer_role, W_MAPASSIGN_WRITING},
        /* the goroutine stays inside until cancel() has returned */
        {writer_role, W_MAPASSIGN_WRITING, main_role, W_CASE_B},
    };
    pthread_t t;

    parent = WithCancel(Background(), &cancel);
    ctx = WithCancel(ctxOf(parent), &cancelChild);
    m = makemap(0);

    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
    window_role(main_role);
    if (pthread_create(&t, NULL, func1, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    WINDOW(W_CASE_A); /* about to cancel */
    do_cancel();
    WINDOW(W_CASE_B);      /* cancel() returned */
    pthread_join(t, NULL); /* not in the article: wait for the goroutine */
    CallCancelFunc(cancelChild); /* defer cancelChild(): already canceled */
    printf("ctx.Err() = %s, len(m) = %lld, m[\"key\"] == ctx: %s\n",
           ctxerr_Error(Context_Err(ctxOf(ctx))), (long long)maplen(m),
           *mapaccess1(m, key) == (uint64_t)(uintptr_t)ctx ? "true" : "false");
    mapfree(m);
    ctxfree(ctx);
    ctxfree(parent);
    return 0;
}
