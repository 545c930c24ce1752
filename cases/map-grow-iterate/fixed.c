/*
 * map-grow-iterate, fixed: the same filler and reporter, the map guarded by
 * a sync.RWMutex held across the whole range.
 *
 * Go:
 *
 *     mu.Lock()
 *     m[next(i)] = i
 *     mu.Unlock()
 *
 *     mu.RLock()
 *     for k := range m {
 *             seen[k]++
 *     }
 *     mu.RUnlock()
 *
 * No insert, hence no growth step, can happen while a range is in
 * progress: every range sees each of the 13 keys exactly once, Go's check
 * never fires and no detector reports anything.
 *
 * No window plan: the racy variant's plan would make the range wait,
 * holding the read lock, for a growth that cannot start.
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
pthread_rwlock_t mu = PTHREAD_RWLOCK_INITIALIZER;

/* mu.Lock(); m[key] = v; mu.Unlock() */
static __attribute__((noinline)) void insert(uint64_t key, uint64_t v)
{
    pthread_rwlock_wrlock(&mu);
    mapstore(m, key, v); /* RACE: write m[key] (hashGrow, evacuate) */
    pthread_rwlock_unlock(&mu);
}

/* mu.RLock(); for k := range m { seen[k]++ }; mu.RUnlock() */
static __attribute__((noinline)) void report(void)
{
    struct hiter it;

    memset(seen, 0, sizeof(seen));
    pthread_rwlock_rdlock(&mu);
    for (mapiterinit(m, &it); it.key; /* RACE: range m */
         mapiternext(&it)) {          /* RACE: range m */
        uint64_t k = *it.key;         /* RACE: read k */

        if (k <= nkeys)
            seen[k]++;
    }
    pthread_rwlock_unlock(&mu);
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
