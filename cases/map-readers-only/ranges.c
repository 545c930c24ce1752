/*
 * map-readers-only, ranges: two goroutines range over one map at the same
 * time, no lock, and nobody writes it. Not a race.
 *
 * Go:
 *
 *     m := load() // filled before the goroutines start, never written after
 *     go func() { for _, v := range m { sum += v } }()
 *     go func() { for _, v := range m { sum += v } }()
 *
 * mapiterinit and mapiternext only read the map: h->count, h->B,
 * h->buckets, h->flags (Go's check), h->race, the buckets. One exception,
 * which is not a race: mapiterinit sets the iterator bits, which Go keeps
 * in h.flags and sets with an atomic Or8; the model keeps them in
 * h->iterflags with relaxed atomics (model/map.h says why). Each range
 * writes only its own iterator (Go: the hiter on its own stack).
 *
 * Forced (MAPRACE_FORCE=1): each reader's first mapiternext waits, just
 * past Go's check, until the other reader is there too, so the two
 * ranges really run at the same time every run, without any
 * happens-before edge between them (model/window.h).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"
#include "window.h"

enum {
    nkeys = 64,
    rounds = 200,
    reader1_role = 1,
    reader2_role = 2,
};

/* Non-static: clang renames static objects at -O1. */
struct hmap *m;
uint64_t sums[2]; /* one per reader */

/* for _, v := range m { sum += v } */
static __attribute__((noinline)) uint64_t sum_values(void)
{
    struct hiter it;
    uint64_t sum = 0;

    mapiterinit(m, &it); /* RACE: range m (two readers) */
    for (; it.key != NULL; mapiternext(&it))
        sum += *it.elem; /* RACE: v of range m (two readers) */
    return sum;
}

static void *reader(void *arg)
{
    int id = (int)(intptr_t)arg;
    uint64_t sum = 0;

    window_role(id == 0 ? reader1_role : reader2_role);
    for (int r = 0; r < rounds; r++)
        sum += sum_values();
    sums[id] = sum;
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* each reader's first mapiternext waits for the other's */
        {reader1_role, W_MAPITERNEXT, reader2_role, W_MAPITERNEXT},
        {reader2_role, W_MAPITERNEXT, reader1_role, W_MAPITERNEXT},
    };
    pthread_t t1, t2;

    m = makemap(0);
    for (uint64_t k = 1; k <= nkeys; k++)
        mapstore(m, k, k);

    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
    if (pthread_create(&t1, NULL, reader, (void *)(intptr_t)0) ||
        pthread_create(&t2, NULL, reader, (void *)(intptr_t)1)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("sums %llu and %llu; no fatal error\n", (unsigned long long)sums[0],
           (unsigned long long)sums[1]);
    mapfree(m);
    return 0;
}
