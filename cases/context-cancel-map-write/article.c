/*
 * context-cancel-map-write, article: the example of the article's section
 * 3.3, which it presents as a race between cancel() and a map write. It is
 * not one, and this variant shows it: clean under every detector.
 *
 * Go (article.go beside this file is the full program, our own code):
 *
 *     reg := make(map[string]context.Context)
 *     c, stop := context.WithCancel(context.Background())
 *     go record(reg, c, &wg) // record: reg["key"] = c
 *     stop()
 *
 * (record(reg, c, wg): defer wg.Done(); reg["key"] = c.)
 *
 * Why there is no race:
 *  - m has one writer, the goroutine; nobody else touches m.
 *  - cancel() touches ctx's own fields (err, done, children) under ctx.mu
 *    and its parent's children under the parent's mu; the goroutine only
 *    copies the ctx pointer, it reads no field of ctx.
 *  - The parent is Background(), whose Done() is nil: propagateCancel
 *    returns at once and registers ctx in no children map at all
 *    (src/context/context.go of Go 1.19, propagateCancel). ctx itself has
 *    no children. So the children map the article blames is never even
 *    made.
 * Also: the article's main returns right after cancel(), so its goroutine
 * may never run. Here main waits for it (wg.Wait(), pthread_join), after
 * both are done, so that the write does happen; the wait orders nothing
 * between the goroutine and cancel().
 *
 * Threads: the goroutine (role 1) writes m; main (role 2) cancels.
 * Forced (MAPRACE_FORCE=1): the overlap the article fears is made real.
 * main waits before cancel() until the goroutine is inside m["key"] = ctx
 * with hashWriting set; the goroutine stays there until cancel() has
 * returned. The waits add no happens-before edge: if cancel() and the
 * map write shared any memory unordered, every detector would report it.
 * None does.
 *
 * The RACE: markers name the two accesses the article calls racing, so
 * that a report, if there were one, would name them.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "context.h"
#include "map.h"
#include "window.h"

enum { key = 1 /* "key" */, writer_role = 1, main_role = 2 };

/* Non-static: clang renames static objects at -O1. */
struct cancelCtx *ctx;
CancelFunc cancel;
struct hmap *m; /* map[string]context.Context */

/* m["key"] = ctx */
static __attribute__((noinline)) void store_ctx(void)
{
    mapstore(m, key, (uint64_t)(uintptr_t)ctx); /* RACE: m["key"] = ctx */
}

/* cancel() */
static __attribute__((noinline)) void do_cancel(void)
{
    CallCancelFunc(cancel); /* RACE: cancel() */
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

    ctx = WithCancel(Background(), &cancel);
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
    printf("ctx.Err() = %s, len(m) = %lld, m[\"key\"] == ctx: %s\n",
           ctxerr_Error(Context_Err(ctxOf(ctx))), (long long)maplen(m),
           *mapaccess1(m, key) == (uint64_t)(uintptr_t)ctx ? "true" : "false");
    mapfree(m);
    ctxfree(ctx);
    return 0;
}
