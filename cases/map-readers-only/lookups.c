/*
 * map-readers-only, lookups: two goroutines look keys up in one map at
 * the same time, no lock, and nobody writes it. Not a race.
 *
 * Go:
 *
 *     m := load() // filled before the goroutines start, never written after
 *     go func() { for k := range keys { hits += m[k] } }()
 *     go func() { for k := range keys { hits += m[k] } }()
 *
 * A data race needs a write. mapaccess1 only reads: h->count, h->flags
 * (Go's check, which finds hashWriting clear), h->race, the buckets. The
 * map was filled before the threads were created, and pthread_create
 * orders those writes before everything each thread does (Go: the go
 * statement). Go's documentation says it in so many words: maps are not
 * safe for concurrent use *when one of the goroutines writes*; readers
 * alone need no lock.
 *
 * Forced (MAPRACE_FORCE=1): each reader's first lookup waits, just past
 * Go's check, until the other reader is there too, so the two lookups
 * really run at the same time every run. The wait adds no
 * happens-before edge (model/window.h): if anything raced, every detector
 * would say so.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"
#include "window.h"

enum {
    nkeys = 64,
    rounds = 1000,
    reader1_role = 1,
    reader2_role = 2,
};

/* Non-static: clang renames static objects at -O1. */
struct hmap *m;
uint64_t hits[2]; /* one per reader */

/* hits += m[k] */
static __attribute__((noinline)) uint64_t lookup(uint64_t k)
{
    return *mapaccess1(m, k); /* RACE: v := m[k] (two readers) */
}

static void *reader(void *arg)
{
    int id = (int)(intptr_t)arg;
    uint64_t sum = 0;

    window_role(id == 0 ? reader1_role : reader2_role);
    for (int r = 0; r < rounds; r++)
        for (uint64_t k = 1; k <= nkeys; k++)
            sum += lookup(k);
    hits[id] = sum;
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* each reader's first lookup waits for the other inside its own */
        {reader1_role, W_MAPACCESS, reader2_role, W_MAPACCESS},
        {reader2_role, W_MAPACCESS, reader1_role, W_MAPACCESS},
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
    printf("sums %llu and %llu; no fatal error\n", (unsigned long long)hits[0],
           (unsigned long long)hits[1]);
    mapfree(m);
    return 0;
}
