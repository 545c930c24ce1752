/*
 * map-op-pairs, racy-len-delete-absent: len(m) and delete(m, k) of an absent key.
 *
 * Go:
 *
 *     m := map[uint64]uint64{1: 1, 2: 2, 3: 3, 4: 4}
 *     go func() { sink = uint64(len(m)) }()
 *     go func() { delete(m, 99) }()
 *
 * A delete that finds nothing writes h->flags (hashWriting) and no slot, no h->count, and len(m) reads only h->count.
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

enum { nkeys = 4 };

/* Non-static: clang renames static objects at -O1. */
struct hmap *m;
uint64_t sink1, sink2; /* one per thread: a shared one would race */

static __attribute__((noinline)) uint64_t op1(void)
{
    uint64_t sink = 0;

    sink = (uint64_t)maplen(m); /* RACE: len(m) */
    return sink;
}

static __attribute__((noinline)) uint64_t op2(void)
{
    uint64_t sink = 0;

    mapdelete(m, 99); /* RACE: delete(m, 99), key 99 absent */
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
    for (uint64_t k = 1; k <= nkeys; k++)
        mapstore(m, k, k);
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
