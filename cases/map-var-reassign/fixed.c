/*
 * map-var-reassign, fixed: the variable cache is shared data like any
 * other, so the lock that guards the map guards the variable too.
 *
 * Go:
 *
 *     mu.Lock()
 *     cache = make(map[uint64]uint64)
 *     mu.Unlock()
 *
 *     mu.RLock()
 *     v := cache[k]
 *     mu.RUnlock()
 *
 * (A cache that is only ever replaced, never written in place, can also
 * be published with atomic.Pointer: Load in the handler, Store in the
 * janitor. Helgrind and DRD do not model C11 atomics, so this variant
 * shows the lock.)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"

enum {
    resets = 100,
    rounds = 10000,
    nkeys = 8,
};

/* Non-static: clang renames static objects at -O1. */
struct hmap *cache;
struct hmap *dropped[resets]; /* the collector's work, done in main */
pthread_rwlock_t mu = PTHREAD_RWLOCK_INITIALIZER;
uint64_t hits;

/* mu.Lock(); cache = make(map[uint64]uint64); mu.Unlock() */
static __attribute__((noinline)) void reset(int i)
{
    struct hmap *fresh = makemap(0);

    pthread_rwlock_wrlock(&mu);
    dropped[i] = cache;
    cache = fresh; /* RACE: cache = make(map[uint64]uint64) */
    pthread_rwlock_unlock(&mu);
}

/* mu.RLock(); v := cache[k]; mu.RUnlock() */
static __attribute__((noinline)) uint64_t get(uint64_t k)
{
    uint64_t v;

    pthread_rwlock_rdlock(&mu);
    v = *mapaccess1(cache, k); /* RACE: cache[k] loads the variable cache */
    pthread_rwlock_unlock(&mu);
    return v;
}

static void *janitor(void *arg)
{
    for (int i = 0; i < resets; i++)
        reset(i);
    return NULL;
}

static void *handler(void *arg)
{
    for (int i = 0; i < rounds; i++)
        hits += get((uint64_t)i % nkeys + 1);
    return NULL;
}

int main(void)
{
    pthread_t j, h;

    cache = makemap(0);
    for (uint64_t k = 1; k <= nkeys; k++)
        mapstore(cache, k, k);

    if (pthread_create(&j, NULL, janitor, NULL) ||
        pthread_create(&h, NULL, handler, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(j, NULL);
    pthread_join(h, NULL);
    printf("%d lookups, %d resets; no fatal error\n", rounds, resets);
    for (int i = 0; i < resets; i++)
        mapfree(dropped[i]);
    mapfree(cache);
    return 0;
}
