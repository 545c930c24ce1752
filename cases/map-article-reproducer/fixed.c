/*
 * map-article-reproducer, fixed: the article's chapter-1 reproducer with
 * the fix it recommends first, a sync.RWMutex: the writer takes the write
 * lock for each m[i] = i, the reader the read lock for each m[i].
 *
 * Go (fixed.go beside this file is the full program):
 *
 *     var mu sync.RWMutex
 *     go func() {
 *             defer wg.Done()
 *             for i := 0; i < 1000; i++ {
 *                     mu.Lock()
 *                     m[i] = i
 *                     mu.Unlock()
 *             }
 *     }()
 *     go func() {
 *             defer wg.Done()
 *             for i := 0; i < 1000; i++ {
 *                     mu.RLock()
 *                     _ = m[i]
 *                     mu.RUnlock()
 *             }
 *     }()
 *
 * pthread_rwlock_t is sync.RWMutex: every unlock happens before the next
 * lock, so every access to the map (h->flags, the buckets, the growth) is
 * ordered and no detector reports anything.
 *
 * No window plan: the racy variant's plan would make the reader wait,
 * holding the read lock, for a writer that cannot get in.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"

enum { n = 1000 };

struct hmap *m;
pthread_rwlock_t mu = PTHREAD_RWLOCK_INITIALIZER;
uint64_t sink;

/* mu.Lock(); m[i] = i; mu.Unlock() */
static __attribute__((noinline)) void write_key(uint64_t i)
{
    pthread_rwlock_wrlock(&mu);
    mapstore(m, i, i); /* RACE: write m[i] (mapassign flips h->flags) */
    pthread_rwlock_unlock(&mu);
}

/* mu.RLock(); _ = m[i]; mu.RUnlock() */
static __attribute__((noinline)) void read_key(uint64_t i)
{
    pthread_rwlock_rdlock(&mu);
    sink = *mapaccess1(m, i); /* RACE: read m[i] (mapaccess1 checks h->flags) */
    pthread_rwlock_unlock(&mu);
}

static void *writer(void *arg)
{
    for (uint64_t i = 0; i < n; i++)
        write_key(i);
    return NULL;
}

static void *reader(void *arg)
{
    for (uint64_t i = 0; i < n; i++)
        read_key(i);
    return NULL;
}

int main(void)
{
    pthread_t w, r;

    m = makemap(0);
    if (pthread_create(&w, NULL, writer, NULL) ||
        pthread_create(&r, NULL, reader, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(w, NULL); /* wg.Wait() */
    pthread_join(r, NULL);
    printf("%d writes and %d reads, len(m) = %lld, no fatal error\n", n, n,
           (long long)maplen(m));
    mapfree(m);
    return 0;
}
