/*
 * map-var-reassign, racy: one goroutine empties a cache by making a new
 * map, `cache = make(map[uint64]uint64)`, while another looks keys up in
 * it. The race is on the variable cache, not in any map.
 *
 * Go original (a cache reset by a timer):
 *
 *     var cache = map[uint64]uint64{}
 *     go func() { // the janitor
 *             for i := 0; i < resets; i++ {
 *                     cache = make(map[uint64]uint64) // "just start over"
 *             }
 *     }()
 *     go func() { // a request handler
 *             for i := 0; i < rounds; i++ {
 *                     hits += cache[key(i)]
 *             }
 *     }()
 *
 * `cache[k]` first loads the variable cache (one pointer word: the map's
 * *hmap), then calls mapaccess1 on whatever map it found. The janitor
 * stores a new pointer into that word. The plain store and the plain load
 * are not ordered: a data race on the variable, the same race as on any
 * shared int. No map is ever written by two goroutines: the janitor only
 * makes new, empty maps. And because the new map reaches the handler
 * through that racy pointer, nothing orders makemap's initialisation of
 * it before the handler's reads of its header either (model/map.h: h->count,
 * h->race): in C, a detector that follows the pointer reports those too.
 *
 * Threads: the janitor (role 1) and the handler (role 2). No window plan:
 * nothing orders the two threads, so every detector sees the race in every
 * run, whether or not they overlap in time. The maps the janitor drops are
 * freed after both threads are joined (Go's collector frees them).
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
uint64_t hits;

/* cache = make(map[uint64]uint64) */
static __attribute__((noinline)) void reset(int i)
{
    dropped[i] = cache; /* the janitor's own earlier store: no race */
    cache = makemap(0); /* RACE: cache = make(map[uint64]uint64) */
}

/* hits += cache[k] */
static __attribute__((noinline)) uint64_t get(uint64_t k)
{
    return *mapaccess1(cache, k); /* RACE: cache[k] loads the variable cache */
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
