/*
 * context-cancel-delete, racy-registry: a registry of cancel functions,
 * map[context.Context]context.CancelFunc, that concurrent requests add to
 * and delete from with no lock.
 *
 * Go original: pulumi-command's provider (provider/pkg/provider/
 * provider.go, 2022), reported as pulumi/pulumi-command#54
 * "commandProvider.addContext can panic" (fatal error: concurrent map
 * writes; more traces in #88 and pulumi/pulumi#5993):
 *
 *     func (k *commandProvider) addContext(c context.Context) context.Context {
 *             newctx, fn := context.WithCancel(c)
 *             k.cancelFuncs[newctx] = fn
 *             return newctx
 *     }
 *
 *     func (k *commandProvider) removeContext(c context.Context) {
 *             delete(k.cancelFuncs, c)
 *     }
 *
 * Every Create adds its context on entry and removes it when it returns;
 * gRPC runs the Creates of independent resources at once. (Cancel ranges
 * over the same map to cancel everything; left out here.) The traces in
 * the issues show both ends: runtime.mapdelete called from removeContext,
 * and runtime.mapassign called from addContext.
 *
 * Threads: request A (role 2) has registered its context and is finishing
 * (removeContext); request B (role 1) is starting (addContext). Both run
 * mapassign/mapdelete on the one hmap with no lock.
 * Forced (MAPRACE_FORCE=1): B starts its insertion only once A has
 * registered and is about to remove; A's delete waits until B is inside
 * mapassign with hashWriting set; B stays there until A's delete is done,
 * which never comes: mapdelete sees hashWriting and throws "concurrent map
 * writes" from removeContext, as in the issue. Unforced, the two requests
 * loop and the check fires only when two calls happen to overlap.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "context.h"
#include "map.h"
#include "window.h"

enum { rounds = 1000, request_b = 1, request_a = 2 };

/* k.cancelFuncs: map[context.Context]context.CancelFunc. Keys are the
 * contexts' addresses, elems the cancelCtx the CancelFunc cancels.
 * Non-static: clang renames static objects at -O1. */
struct hmap *cancelFuncs;

static uint64_t ctxkey(struct cancelCtx *c)
{
    return (uint64_t)(uintptr_t)c;
}

/* k.addContext(c) */
static __attribute__((noinline)) struct cancelCtx *addContext(struct Context *c)
{
    CancelFunc fn;
    struct cancelCtx *newctx = WithCancel(c, &fn);
    uint64_t key = ctxkey(newctx), fnv = (uint64_t)(uintptr_t)fn.c;

    WINDOW(W_CASE_C);                /* about to register */
    mapstore(cancelFuncs, key, fnv); /* RACE: write k.cancelFuncs[newctx] */
    return newctx;
}

/* k.removeContext(c) */
static __attribute__((noinline)) void removeContext(struct cancelCtx *c)
{
    WINDOW(W_CASE_A);                  /* about to delete */
    mapdelete(cancelFuncs, ctxkey(c)); /* RACE: delete(k.cancelFuncs, c) */
    WINDOW(W_CASE_B);                  /* deleted */
}

/* k.Create(ctx, req): ctx = k.addContext(ctx); defer k.removeContext(ctx);
 * run the command. */
static void Create(void)
{
    struct cancelCtx *ctx = addContext(Background());

    /* ... the command runs with ctx ... */
    removeContext(ctx);
    ctxfree(ctx); /* Go's collector */
}

static void *request(void *arg)
{
    window_role((int)(intptr_t)arg);
    for (int i = 0; i < rounds; i++)
        Create();
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* B registers only once A has registered and is about to
         * remove */
        {request_b, W_CASE_C, request_a, W_CASE_A},
        /* A's delete waits until B is inside mapassign, hashWriting set */
        {request_a, W_CASE_A, request_b, W_MAPASSIGN_WRITING},
        /* B stays inside until A's delete is done (if Go's check failed
         * to fire, this lets both go on) */
        {request_b, W_MAPASSIGN_WRITING, request_a, W_CASE_B},
    };
    pthread_t a, b;

    cancelFuncs = makemap(0);
    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
    if (pthread_create(&a, NULL, request, (void *)(intptr_t)request_a) ||
        pthread_create(&b, NULL, request, (void *)(intptr_t)request_b)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%d + %d requests, no fatal error, %lld contexts left "
           "registered\n",
           rounds, rounds, (long long)maplen(cancelFuncs));
    mapfree(cancelFuncs);
    return 0;
}
