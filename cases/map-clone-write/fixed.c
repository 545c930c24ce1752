/*
 * map-clone-write, fixed: the same two goroutines, with a read-write lock
 * beside the map (Go: sync.RWMutex): maps.Clone under the read lock (a
 * clone only reads the map), each assignment under the write lock.
 *
 *     var mu sync.RWMutex
 *     go func() { // the writer
 *             for i := 0; i < rounds; i++ {
 *                     mu.Lock()
 *                     m[uint64(i%keys)] = uint64(i)
 *                     mu.Unlock()
 *                     runtime.Gosched()
 *             }
 *             done <- 0
 *     }()
 *     go func() { // the cloner
 *             n := 0
 *             for i := 0; i < rounds; i++ {
 *                     mu.RLock()
 *                     c := maps.Clone(m)
 *                     mu.RUnlock()
 *                     n += len(c)
 *                     runtime.Gosched()
 *             }
 *             done <- n
 *     }()
 *
 * The write lock excludes every reader, so no clone starts while
 * hashWriting is set and no slot is written while a clone copies it; each
 * unlock happens before the next lock, a happens-before edge every
 * detector sees. The markers stay on the same accesses, now protected.
 *
 * There is no window plan: a plan that holds the writer inside mapassign
 * until a clone has started could never be met (the cloner waits for the
 * lock), so the wait would only time out.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"
#include "window.h"

enum { keys = 64, rounds = 1000, role1 = 1, role2 = 2 };

/* The map both goroutines share, and the lock that guards it. */
struct hmap *m;
pthread_rwlock_t mu = PTHREAD_RWLOCK_INITIALIZER;

/* mu.Lock(); m[k] = v; mu.Unlock() */
static __attribute__((noinline)) void assign(uint64_t k, uint64_t v)
{
    pthread_rwlock_wrlock(&mu);
    mapstore(m, k, v); /* RACE: write m[k] (mapassign flips the writing flag) */
    pthread_rwlock_unlock(&mu);
}

/* mu.RLock(); c := maps.Clone(m); mu.RUnlock() */
static __attribute__((noinline)) struct hmap *clone_m(void)
{
    pthread_rwlock_rdlock(&mu);
    struct hmap *c =
        mapclone(m); /* RACE: maps.Clone(m) reads the flag and every slot */
    pthread_rwlock_unlock(&mu);
    return c;
}

static void *writer(void *arg)
{
    window_role(role1);
    for (int i = 0; i < rounds; i++) {
        assign((uint64_t)(i % keys), (uint64_t)i);
        sched_yield(); /* runtime.Gosched() */
    }
    return NULL;
}

static void *cloner(void *arg)
{
    int64_t *n = arg;
    window_role(role2);
    for (int i = 0; i < rounds; i++) {
        struct hmap *c = clone_m();
        *n += maplen(c);
        mapfree(c);    /* Go: the clone becomes garbage */
        sched_yield(); /* runtime.Gosched() */
    }
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    int64_t n = 0;

    m = makemap(0);
    for (uint64_t k = 0; k < keys; k++)
        mapstore(m, k, k);

    if (pthread_create(&t1, NULL, writer, NULL) ||
        pthread_create(&t2, NULL, cloner, &n)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("%d clones beside %d writes, no fatal error\n", rounds, rounds);
    mapfree(m);
    return 0;
}
