/*
 * map-grow-iterate, racy: a goroutine ranges over a map while another
 * goroutine's inserts make it grow.
 *
 * Go original (a periodic report over a map that is still being filled):
 *
 *     go func() { // the filler
 *             for i := uint64(0); i < n; i++ {
 *                     m[next(i)] = i // the map grows: hashGrow, evacuate
 *             }
 *     }()
 *     go func() { // the reporter
 *             for i := 0; i < rounds; i++ {
 *                     seen := map[uint64]int{}
 *                     for k := range m {
 *                             seen[k]++
 *                     }
 *                     // every key that was there before must be seen once
 *             }
 *     }()
 *
 * What really happens. Go's iterator is built to survive a growth that
 * happens between two of its steps, because the goroutine that ranges may
 * itself insert: it keeps walking the array it started on, and for a slot
 * marked evacuatedX/evacuatedY it fetches the "golden data" from the new
 * array (mapaccessK); an iterator started during a growth checks each old
 * bucket's evacuation mark before choosing where to read. So a growth that
 * falls *between* two steps loses nothing. What the other goroutine breaks
 * is the step itself: each mapiternext checks hashWriting on entry, and a
 * growth is a write that lasts (hashGrow, then growWork/evacuate under
 * hashWriting). If the range takes a step while the filler is in the
 * middle of evacuating, Go's check fires: "concurrent map iteration and
 * map write". A silent loss needs the evacuation to fall inside a single
 * step, after its check: the model can set that up (see README.md), but
 * whether keys are lost then depends on the iterator's random start bucket
 * and offset, which Go randomises on purpose; no forced run can promise it.
 *
 * The range's reads of h->flags, h->B, h->buckets and the bucket slots
 * race with the filler's writes of the same words.
 *
 * Threads: the filler (role 1) inserts, the reporter (role 2) ranges. The
 * map is built with 13 keys in 2 buckets (6.5 per bucket), so that the
 * filler's first insert starts a growth.
 * Forced (MAPRACE_FORCE=1): the filler's first insert waits until the range
 * has produced its first key; the range then waits, between two steps,
 * until the filler is inside evacuate (growth started, hashWriting set);
 * its next step throws.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "window.h"

enum {
    nkeys = 13, /* keys 1..13, there from the start */
    ninserts = 1000,
    rounds = 100,
    filler_role = 1,
    reporter_role = 2,
};

/* Non-static: clang renames static objects at -O1. */
struct hmap *m;
int seen[nkeys + 1]; /* the reporter's own: how often each key was seen */

/* m[key] = v */
static __attribute__((noinline)) void insert(uint64_t key, uint64_t v)
{
    mapstore(m, key, v); /* RACE: write m[key] (hashGrow, evacuate) */
}

/* for k := range m { seen[k]++ } */
static __attribute__((noinline)) void report(void)
{
    struct hiter it;

    memset(seen, 0, sizeof(seen));
    for (mapiterinit(m, &it); it.key; /* RACE: range m */
         mapiternext(&it)) {          /* RACE: range m */
        uint64_t k = *it.key;         /* RACE: read k */

        if (k <= nkeys)
            seen[k]++;
        WINDOW(W_CASE_A); /* forced: the first key is out */
        WINDOW(W_CASE_B); /* forced: wait for the growth to start */
    }
    WINDOW(W_CASE_C); /* forced: the range is over (never reached) */
}

static void *filler(void *arg)
{
    window_role(filler_role);
    for (uint64_t i = 0; i < ninserts; i++) {
        insert(1000000 + i, i);
        sched_yield(); /* runtime.Gosched() */
    }
    return NULL;
}

static void *reporter(void *arg)
{
    window_role(reporter_role);
    for (int i = 0; i < rounds; i++) {
        report();
        for (int k = 1; k <= nkeys; k++)
            if (seen[k] != 1)
                printf("key %d seen %d times in one range (round %d)\n", k,
                       seen[k], i);
    }
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* the filler's first insert waits for the range's first key */
        {filler_role, W_MAPASSIGN_ENTRY, reporter_role, W_CASE_A},
        /* the range, between two steps, waits until the filler is inside
         * evacuate: the map is growing and hashWriting is set */
        {reporter_role, W_CASE_B, filler_role, W_EVACUATE},
        /* the filler stays there until the range is over */
        {filler_role, W_EVACUATE, reporter_role, W_CASE_C},
    };
    pthread_t f, r;

    /* 13 keys in 2 buckets: the next new key starts a growth. */
    m = makemap(nkeys);
    for (uint64_t k = 1; k <= nkeys; k++)
        mapstore(m, k, k * 10);
    if (m->B != 1 || growing(m)) {
        fprintf(stderr,
                "setup: map not in the expected state (B=%d, "
                "growing=%d)\n",
                m->B, growing(m));
        exit(1);
    }

    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
    if (pthread_create(&f, NULL, filler, NULL) ||
        pthread_create(&r, NULL, reporter, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(f, NULL);
    pthread_join(r, NULL);
    printf("%d ranges during %d inserts, no fatal error\n", rounds, ninserts);
    mapfree(m);
    return 0;
}
