/*
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
#include <stdint.h>
#include <stdio.h>

#include "map.h"
#include "window.h"

enum { nworkers = 4, per_worker = 100 };

/* sync.WaitGroup: Add(delta), Done() = Add(-1), Wait(). */
struct waitgroup {
    pthread_mutex_t mu;
    pthread_cond_t zero;
    long counter;
};

static void wg_add(struct waitgroup *wg, long delta)
{
    pthread_mutex_lock(&wg->mu);
    wg->counter += delta;
    if (wg->counter == 0)
        pthread_cond_broadcast(&wg->zero);
    pthread_mutex_unlock(&wg->mu);
}

static void wg_done(struct waitgroup *wg)
{
    wg_add(wg, -1);
}

static void wg_wait(struct waitgroup *wg)
{
    pthread_mutex_lock(&wg->mu);
    while (wg->counter != 0)
        pthread_cond_wait(&wg->zero, &wg->mu);
    pthread_mutex_unlock(&wg->mu);
}

/* The map every worker fills. Non-static: clang renames static objects at
 * -O1 and the reports would name 'm.0'. */
struct hmap *m;
struct waitgroup wg = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};

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
