/*
 * TEST FIXTURE for maprace grade: the catalog's fixed variant, serialised
 * (see the lines marked "serialised"): race-free, does the job, and no
 * two threads ever overlap. The grader must fail it. Below, the original
 * header.
 *
 * map-waitgroup-writes, fixed: a mutex around each write; wg.Wait() still
 * orders all of them before main's read.
 *
 * Go:
 *
 *     var mu sync.Mutex
 *     ...
 *             go func(i int) {
 *                     defer wg.Done()
 *                     for j := 0; j < 100; j++ {
 *                             mu.Lock()
 *                             m[i*100+j] = j * j
 *                             mu.Unlock()
 *                     }
 *             }(i)
 *     ...
 *     wg.Wait()
 *     fmt.Println(len(m)) // 400
 *
 * Each unlock happens before the next lock, so the writes are ordered one
 * after the other: mapassign never runs twice at once on the map.
 *
 * No race window plan here: under the lock two writes cannot overlap, so
 * holding one worker inside mapassign (as racy.c does) would only make the
 * other wait for the lock until the window gave up. The roles are kept, so
 * that a forced run shows the windows reached and passed.
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

/* Guards m. */
pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* mu.Lock(); m[i*100+j] = j * j; mu.Unlock() */
static __attribute__((noinline)) void put(uint64_t k, uint64_t v)
{
    pthread_mutex_lock(&mu);
    mapstore(m, k, v); /* RACE: m[k] = v from several workers (under mu) */
    pthread_mutex_unlock(&mu);
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
    pthread_t th[nworkers];

    m = makemap(0);
    for (uintptr_t i = 0; i < nworkers; i++) {
        wg_add(&wg, 1);
        if (pthread_create(&th[i], NULL, worker, (void *)i)) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
        pthread_join(th[i], NULL); /* serialised: wait for it */
    }
    wg_wait(&wg);
    /* Ordered after every worker's writes by Done -> Wait: no race here. */
    printf("len(m) = %lld (want %d)\n", (long long)maplen(m),
           nworkers * per_worker);

    mapfree(m);
    return 0;
}
