/*
 * map-waitgroup-writes, fixed-merge: each worker fills a map of its own;
 * main merges them after wg.Wait(). No lock at all.
 *
 * Go:
 *
 *     parts := make([]map[int]int, 4)
 *     for i := 0; i < 4; i++ {
 *             wg.Add(1)
 *             go func(i int) {
 *                     defer wg.Done()
 *                     part := make(map[int]int, 100) // this worker's own
 *                     for j := 0; j < 100; j++ {
 *                             part[i*100+j] = j * j
 *                     }
 *                     parts[i] = part
 *             }(i)
 *     }
 *     wg.Wait()
 *     m := make(map[int]int, 400)
 *     for _, part := range parts { // after Wait: every part is complete
 *             for k, v := range part {
 *                     m[k] = v
 *             }
 *     }
 *
 * No two goroutines ever touch the same map at the same time: a part is
 * written by its worker only, then read by main only after that worker's
 * Done, which synchronizes before Wait's return. The pattern scales better
 * than a shared lock (no contention while filling) and is what the Go
 * code review advice "share memory by communicating" amounts to here.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <valgrind/helgrind.h>

#include "map.h"
#include "window.h"

enum { nworkers = 4, per_worker = 100 };

/*
 * sync.WaitGroup, with Go's edges and no others: an atomic counter; Done
 * releases into the WaitGroup and Wait, once the counter is zero,
 * acquires from it. Go tells its race detector exactly that
 * (race.ReleaseMerge(wg) in Add with delta < 0, race.Acquire(wg) in Wait,
 * src/sync/waitgroup.go): Add(+1) creates no edge. C11 release/acquire
 * gives ThreadSanitizer those edges; ANNOTATE_HAPPENS_BEFORE/AFTER gives
 * them to Helgrind and DRD, which do not model C11 atomics. (A mutex in
 * Add would order a finished worker before main's next Add, so before the
 * next worker's start, and hide the race whenever workers do not overlap.)
 */
struct waitgroup {
    atomic_long counter;
};

static void wg_add(struct waitgroup *wg, long delta)
{
    if (delta < 0) {
        ANNOTATE_HAPPENS_BEFORE(wg); /* race.ReleaseMerge(wg) */
        atomic_fetch_add_explicit(&wg->counter, delta, memory_order_release);
    } else {
        atomic_fetch_add_explicit(&wg->counter, delta, memory_order_relaxed);
    }
}

static void wg_done(struct waitgroup *wg)
{
    wg_add(wg, -1);
}

static void wg_wait(struct waitgroup *wg)
{
    while (atomic_load_explicit(&wg->counter, memory_order_acquire) != 0)
        sched_yield();          /* Go: runtime_Semacquire(&wg.sema) */
    ANNOTATE_HAPPENS_AFTER(wg); /* race.Acquire(wg) */
}

/* The merged map, and each worker's own part. Non-static: clang renames
 * static objects at -O1 and the reports would name 'm.0'. */
struct hmap *m;
struct hmap *parts[nworkers];
struct waitgroup wg;

/* part[i*100+j] = j * j */
static __attribute__((noinline)) void put(struct hmap *part, uint64_t k,
                                          uint64_t v)
{
    mapstore(part, k, v); /* RACE: m[k] = v (now into this worker's part) */
}

/* for k, v := range part { m[k] = v } */
static void merge(struct hmap *part)
{
    struct hiter it;

    for (mapiterinit(part, &it); it.key; mapiternext(&it))
        mapstore(m, *it.key, *it.elem);
}

static void *worker(void *arg)
{
    uint64_t i = (uint64_t)(uintptr_t)arg;
    struct hmap *part = makemap(per_worker);

    if (i < 2)
        window_role((int)i + 1);
    for (uint64_t j = 0; j < per_worker; j++)
        put(part, i * per_worker + j, j * j);
    parts[i] = part;
    wg_done(&wg);
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* worker 1's first write waits, before the check, until worker 0
         * is inside mapassign with hashWriting set */
        {2, W_MAPASSIGN_ENTRY, 1, W_MAPASSIGN_WRITING},
        /* worker 0 stays inside until worker 1 is inside too (never) */
        {1, W_MAPASSIGN_WRITING, 2, W_MAPASSIGN_WRITING},
    };
    pthread_t th[nworkers];

    /* racy.c's plan, unchanged: the two workers are forced into
     * mapassign at the same time, as in racy.c, but into two different
     * maps: each sees only its own hashWriting, and nothing is shared. */
    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
    for (uintptr_t i = 0; i < nworkers; i++) {
        wg_add(&wg, 1);
        if (pthread_create(&th[i], NULL, worker, (void *)i)) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    wg_wait(&wg);
    /* Every part is complete: Done -> Wait orders its writes before. */
    m = makemap(nworkers * per_worker);
    for (int i = 0; i < nworkers; i++)
        merge(parts[i]);
    printf("len(m) = %lld (want %d)\n", (long long)maplen(m),
           nworkers * per_worker);

    for (int i = 0; i < nworkers; i++)
        pthread_join(th[i], NULL); /* Go has no join: the threads' cleanup */
    for (int i = 0; i < nworkers; i++)
        mapfree(parts[i]);
    mapfree(m);
    return 0;
}
