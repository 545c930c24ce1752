/*
 * sharded-false-sharing, padded: unpadded.c with each shard aligned to a
 * 64-byte cache line, so that no two shard locks share a line. Race-free,
 * like unpadded.c: every detector must stay silent.
 *
 * Go original, the shape of github.com/orcaman/concurrent-map, the most
 * used sharded map package (its ConcurrentMapShared, with sync.Mutex in
 * place of its sync.RWMutex):
 *
 *     type shard struct {
 *             items map[uint64]uint64
 *             sync.Mutex // guards items
 *     }
 *     type ShardedMap []*shard // each shard allocated on its own
 *
 *     func (m ShardedMap) Get(k uint64) uint64 {
 *             sh := m[k%uint64(len(m))]
 *             sh.Lock()
 *             defer sh.Unlock()
 *             return sh.items[k]
 *     }
 *
 * In Go a shard is 8 + 24 = 32 bytes with orcaman's RWMutex, and the shards
 * are allocated one after another from the same size class: two shards per
 * 64-byte cache line.
 *
 * The Go fix pads the struct to a full line: `_ [64 - 32]byte` after the
 * fields (or golang.org/x/sys/cpu.CacheLinePad). Here _Alignas(64) on the
 * first member makes struct shard 64 bytes, aligned to 64: shard 0 and
 * shard 1 (thread 0's and thread 1's hot shards) are on different lines.
 *
 * Ops per thread: 1,000,000 natively (well under 0.5 s), 100,000 under
 * ThreadSanitizer, 5,000 under valgrind (RUNNING_ON_VALGRIND): under the
 * detectors the figure means nothing; the run checks that the program is
 * race-free.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <valgrind/valgrind.h>

#include "map.h"

#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif

enum { nshards = 16, nthreads = 2, keys_per_shard = 64 };

/* One cache line per shard: the alignment of the first member makes the
 * struct 64-byte aligned, and its size rounds up to 64. */
struct shard {
    _Alignas(64) pthread_mutex_t mu;
    struct hmap *m;
};

/* Non-static: clang renames static objects at -O1. */
struct shard shards[nshards];

/* Get(k) with the shard's lock held. */
static __attribute__((noinline)) uint64_t get(struct shard *sh, uint64_t k)
{
    uint64_t v;

    pthread_mutex_lock(&sh->mu);
    v = *mapaccess1(sh->m, k); /* guarded: sh->mu held */
    pthread_mutex_unlock(&sh->mu);
    return v;
}

/* Set(k, v) with the shard's lock held. */
static __attribute__((noinline)) void set(struct shard *sh, uint64_t k,
                                          uint64_t v)
{
    pthread_mutex_lock(&sh->mu);
    mapstore(sh->m, k, v); /* guarded: sh->mu held */
    pthread_mutex_unlock(&sh->mu);
}

static long ops_per_thread;

/* Thread t's hot keys live in shard t: the two threads never share a
 * shard (no contention on any lock), but shards 0 and 1 are neighbours in
 * the array, as two hot keys' shards often are. One write in 16
 * operations, the rest reads. */
static void *worker(void *arg)
{
    uintptr_t t = (uintptr_t)arg;
    uint64_t sum = 0;

    for (long i = 0; i < ops_per_thread; i++) {
        uintptr_t s = t;
        uint64_t k = (uint64_t)i % keys_per_shard;
        if (i % 16 == 0)
            set(&shards[s], k, (uint64_t)i);
        else
            sum += get(&shards[s], k);
    }
    return (void *)(uintptr_t)(sum & 1);
}

int main(void)
{
    pthread_t th[nthreads];
    void *spacer[nshards];
    struct timespec t0, t1;
    const char *under = "";
    double secs;

    ops_per_thread = 1000000;
#ifdef UNDER_TSAN
    ops_per_thread = 100000;
    under = " (ThreadSanitizer: figure meaningless)";
#endif
    if (RUNNING_ON_VALGRIND) {
        ops_per_thread = 5000;
        under = " (valgrind: figure meaningless)";
    }

    for (int i = 0; i < nshards; i++) {
        pthread_mutex_init(&shards[i].mu, NULL);
        shards[i].m = makemap(keys_per_shard);
        /* makemap mallocs the map header (Go: the hmap behind the map
         * pointer); a spacer keeps two headers off one cache line, in
         * both variants, so that only the locks differ. */
        spacer[i] = malloc(128);
        for (uint64_t k = 0; k < keys_per_shard; k++)
            mapstore(shards[i].m, k, k);
    }

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (uintptr_t t = 0; t < nthreads; t++)
        if (pthread_create(&th[t], NULL, worker, (void *)t)) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    for (int t = 0; t < nthreads; t++)
        pthread_join(th[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);

    secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("padded: shard size %zu bytes, %d threads x %ld ops in %.3f s: "
           "%.0f ops/s%s\n",
           sizeof(struct shard), nthreads, ops_per_thread, secs,
           nthreads * ops_per_thread / secs, under);

    for (int i = 0; i < nshards; i++) {
        mapfree(shards[i].m);
        free(spacer[i]);
        pthread_mutex_destroy(&shards[i].mu);
    }
    return 0;
}
