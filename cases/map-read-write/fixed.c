/*
 * map-read-write, fixed: the same two goroutines, the map guarded by a
 * sync.RWMutex. Readers share the lock; the writer holds it alone.
 *
 * Go:
 *
 *     var mu sync.RWMutex
 *     go func() {
 *             for i := 0; i < 10000; i++ {
 *                     mu.Lock()
 *                     m[5] = 0
 *                     mu.Unlock()
 *                     runtime.Gosched()
 *             }
 *             c <- struct{}{}
 *     }()
 *     go func() {
 *             for i := 0; i < 10000; i++ {
 *                     mu.RLock()
 *                     _ = m[6]
 *                     mu.RUnlock()
 *                     runtime.Gosched()
 *             }
 *             c <- struct{}{}
 *     }()
 *
 * pthread_rwlock_t is sync.RWMutex. The unlock of one critical section
 * happens before the lock of the next, so every access to h->flags is
 * ordered: no detector reports anything, and Go's check can never see
 * hashWriting from the reader's side.
 *
 * No window plan: the racy variant's plan would make the reader wait,
 * holding the read lock, for a writer that cannot get in.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"
#include "window.h"

enum { rounds = 10000, writer_role = 1, reader_role = 2 };

struct hmap *m;
pthread_rwlock_t mu = PTHREAD_RWLOCK_INITIALIZER;
uint64_t sink;

/* mu.Lock(); m[5] = 0; mu.Unlock() */
static __attribute__((noinline)) void write_five(void)
{
    pthread_rwlock_wrlock(&mu);
    mapstore(m, 5, 0); /* RACE: write m[5] (mapassign flips h->flags) */
    pthread_rwlock_unlock(&mu);
}

/* mu.RLock(); _ = m[6]; mu.RUnlock() */
static __attribute__((noinline)) void read_six(void)
{
    pthread_rwlock_rdlock(&mu);
    sink = *mapaccess1(m, 6); /* RACE: read m[6] (mapaccess1 checks h->flags) */
    pthread_rwlock_unlock(&mu);
}

static void *writer(void *arg)
{
    window_role(writer_role);
    for (int i = 0; i < rounds; i++) {
        write_five();
        sched_yield(); /* runtime.Gosched() */
    }
    return NULL;
}

static void *reader(void *arg)
{
    window_role(reader_role);
    for (int i = 0; i < rounds; i++) {
        read_six();
        sched_yield(); /* runtime.Gosched() */
    }
    return NULL;
}

int main(void)
{
    pthread_t w, r;

    m = makemap(0);
    mapstore(m, 5, 0);
    mapstore(m, 6, 0);

    if (pthread_create(&w, NULL, writer, NULL) ||
        pthread_create(&r, NULL, reader, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(w, NULL);
    pthread_join(r, NULL);
    printf("%d reads and %d writes, no fatal error\n", rounds, rounds);
    mapfree(m);
    return 0;
}
