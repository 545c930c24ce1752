/*
 * map-op-pairs, racy-range-delete-empty: range m and delete(m, k) on an empty map.
 *
 * Go:
 *
 *     m := map[uint64]uint64{}
 *     go func() { for _, v := range m { ... } }()
 *     go func() { delete(m, 1) }()
 *
 * mapiterinit and mapdelete both return at once on an empty map, after one read of h->count each: two reads.
 * In the memory they touch, the two calls never meet as a write and
 * another access. Go's race detector reports them anyway: it does not
 * watch those bytes, it treats the map as one object (every map call
 * reads or writes the header at its entry, len(m) reads it), so any
 * writing call races any other call on the same map. The model does the
 * same with h->race, a header word only the detectors see (model/map.h):
 * without it, no C detector reported this pair.
 *
 * No window plan: each thread makes its one call, nothing orders the two
 * calls, and a race detector needs no overlap in time to see that.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"

enum { nkeys = 0 };

/* Non-static: clang renames static objects at -O1. */
struct hmap *m;
uint64_t sink1, sink2; /* one per thread: a shared one would race */

static __attribute__((noinline)) uint64_t op1(void)
{
    uint64_t sink = 0;
    struct hiter it;

    /* for _, v := range m { sink += v } */
    mapiterinit(m, &it); /* RACE: range m on the empty map */
    for (; it.key != NULL; mapiternext(&it))
        sink += *it.elem;
    return sink;
}

static __attribute__((noinline)) uint64_t op2(void)
{
    uint64_t sink = 0;

    mapdelete(m, 1); /* RACE: delete(m, 1) on the empty map */
    return sink;
}

static void *g1(void *arg)
{
    sink1 = op1();
    return NULL;
}

static void *g2(void *arg)
{
    sink2 = op2();
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;

    m = makemap(0);
    if (pthread_create(&t1, NULL, g1, NULL) ||
        pthread_create(&t2, NULL, g2, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("len(m) = %lld; no fatal error\n", (long long)maplen(m));
    mapfree(m);
    return 0;
}
