/*
 * context-cancel-delete, fixed-registry: the registry of cancel functions
 * with one mutex beside it, taken around every access to the map. That is
 * the fix of pulumi/pulumi-command#122 ("Prevent against panic concurrent
 * writes in addContext", fixes #88), after review:
 *
 *     func (k *commandProvider) addContext(c context.Context) context.Context {
 *             k.providerMutex.Lock()
 *             defer k.providerMutex.Unlock()
 *             ...
 *
 * Its first version passed a new *sync.Mutex to each call, which excludes
 * nobody; the reviewer asked for one mutex in the commandProvider struct,
 * taken "wherever there's operations on the map" (removeContext and
 * Cancel's range too). Here: providerMutex, a pthread mutex.
 *
 * The mutex orders every mapassign and mapdelete after the previous one:
 * hashWriting is never seen set by another writer, and the detectors see
 * the lock's happens-before edges.
 *
 * Forced (MAPRACE_FORCE=1): the same approach as racy-registry.c: B starts
 * its insertion once A is about to remove, and A's delete waits until B is
 * inside mapassign. B cannot be held inside mapassign until A's delete is
 * done, as in the racy plan: B holds the lock there, and A could never get
 * it. So A simply waits for the lock, and deletes after B is done.
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
pthread_mutex_t providerMutex = PTHREAD_MUTEX_INITIALIZER;

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

    WINDOW(W_CASE_C); /* about to register */
    pthread_mutex_lock(&providerMutex);
    mapstore(cancelFuncs, key, fnv); /* RACE: write k.cancelFuncs[newctx] */
    pthread_mutex_unlock(&providerMutex);
    return newctx;
}

/* k.removeContext(c) */
static __attribute__((noinline)) void removeContext(struct cancelCtx *c)
{
    WINDOW(W_CASE_A); /* about to delete */
    pthread_mutex_lock(&providerMutex);
    mapdelete(cancelFuncs, ctxkey(c)); /* RACE: delete(k.cancelFuncs, c) */
    pthread_mutex_unlock(&providerMutex);
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
        /* A's delete waits until B is inside mapassign, hashWriting set
         * (B holds providerMutex there) */
        {request_a, W_CASE_A, request_b, W_MAPASSIGN_WRITING},
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
