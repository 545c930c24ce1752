/*
 * map-waitgroup-writes, racy: workers fill one map; wg.Wait() is the only
 * synchronisation, and it only orders the workers before main's read.
 *
 * Go original (the shape of countless "fatal error: concurrent map
 * writes" reports: fan out, collect into one map, wait):
 *
 *     m := make(map[int]int)
 *     var wg sync.WaitGroup
 *     for i := 0; i < 4; i++ {
 *             wg.Add(1)
 *             go func(i int) {
 *                     defer wg.Done()
 *                     for j := 0; j < 100; j++ {
 *                             m[i*100+j] = j * j // every worker, one map
 *                     }
 *             }(i)
 *     }
 *     wg.Wait()
 *     fmt.Println(len(m))
 *
 * sync.WaitGroup's contract (src/sync/waitgroup.go): "a call to Done
 * synchronizes before the return of any Wait call that it unblocks". So
 * every worker's writes happen before main's len(m): that part is right.
 * But nothing orders one worker's writes against another's: the workers
 * run mapassign on the same hmap at the same time. Each flips hashWriting
 * in h->flags and writes bucket slots, h->count, and on growth the bucket
 * arrays, with no lock. Go's check catches it when two writers overlap:
 * "fatal error: concurrent map writes". When they do not, the program
 * prints 400, or a smaller number, or crashes later.
 *
 * The WaitGroup is modelled as Go's: an atomic counter, Done -> Wait edges
 * and no others (see struct waitgroup). Its edges are real and every
 * detector sees them, which is exactly why the final read is not reported
 * and the workers' writes are.
 *
 * Threads: workers 0 and 1 have roles 1 and 2. Forced (MAPRACE_FORCE=1):
 * worker 1's first m[k] = v waits, before Go's check, until worker 0 is
 * inside its own mapassign with hashWriting set; worker 0 stays there
 * (until worker 1 would be inside too, which it never is): worker 1's
 * check sees hashWriting and throws "concurrent map writes".
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

/* The map every worker fills. Non-static: clang renames static objects at
 * -O1 and the reports would name 'm.0'. */
struct hmap *m;
struct waitgroup wg;

/* m[i*100+j] = j * j */
static __attribute__((noinline)) void put(uint64_t k, uint64_t v)
{
    mapstore(m, k, v); /* RACE: m[k] = v from several workers */
}

static void *worker(void *arg)
{
    uint64_t i = (uint64_t)(uintptr_t)arg;

    if (i < 2)
        window_role((int)i + 1);
    for (uint64_t j = 0; j < per_worker; j++)
        put(i * per_worker + j, j * j);
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

    m = makemap(0);
    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
    for (uintptr_t i = 0; i < nworkers; i++) {
        wg_add(&wg, 1);
        if (pthread_create(&th[i], NULL, worker, (void *)i)) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    wg_wait(&wg);
    /* Ordered after every worker's writes by Done -> Wait: no race here. */
    printf("len(m) = %lld (want %d)\n", (long long)maplen(m),
           nworkers * per_worker);

    for (int i = 0; i < nworkers; i++)
        pthread_join(th[i], NULL); /* Go has no join: the threads' cleanup */
    mapfree(m);
    return 0;
}
