/*
 * map-grow-read, fixed: the same filler and reader, the map guarded by a
 * sync.RWMutex.
 *
 * Go:
 *
 *     var mu sync.RWMutex
 *     go func() { // the filler
 *             for i := uint64(0); i < n; i++ {
 *                     mu.Lock()
 *                     m[next(i)] = i
 *                     mu.Unlock()
 *             }
 *     }()
 *     go func() { // the reader
 *             for i := 0; i < rounds; i++ {
 *                     mu.RLock()
 *                     _, ok := m[k]
 *                     mu.RUnlock()
 *                     if !ok {
 *                             fmt.Println("present key reported missing")
 *                     }
 *             }
 *     }()
 *
 * A growth step (hashGrow, growWork, evacuate) now happens entirely inside
 * one write critical section: a lookup sees the map either before or after
 * it, never half-evacuated. No detector reports anything, and k is always
 * found.
 *
 * No window plan: the racy variant's plan would hold the writer inside
 * evacuate, with the write lock, waiting for a reader that cannot get in.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "map.h"
#include "window.h"

enum { ninserts = 10000, rounds = 10000, writer_role = 1, reader_role = 2 };

/* Non-static: clang renames static objects at -O1. */
struct hmap *m;
uint64_t present;      /* k: in the map the whole time */
uint64_t first_insert; /* the writer's first key, in k's old bucket */
pthread_rwlock_t mu = PTHREAD_RWLOCK_INITIALIZER;

/* mu.Lock(); m[key] = v; mu.Unlock() */
static __attribute__((noinline)) void insert(uint64_t key, uint64_t v)
{
    pthread_rwlock_wrlock(&mu);
    mapstore(m, key, v); /* RACE: write m[key] (hashGrow, evacuate) */
    pthread_rwlock_unlock(&mu);
}

/* mu.RLock(); v, ok := m[key]; mu.RUnlock() */
static __attribute__((noinline)) uint64_t lookup(uint64_t key, bool *ok)
{
    uint64_t v;

    pthread_rwlock_rdlock(&mu);
    v = *mapaccess2(m, key, ok); /* RACE: read m[k] */
    pthread_rwlock_unlock(&mu);
    return v;
}

static void *writer(void *arg)
{
    window_role(writer_role);
    insert(first_insert, 1);
    for (uint64_t i = 1; i < ninserts; i++)
        insert(1000000 + i, i);
    return NULL;
}

static void *reader(void *arg)
{
    window_role(reader_role);
    for (int i = 0; i < rounds; i++) {
        bool ok;
        uint64_t v = lookup(present, &ok);

        if (!ok) {
            printf("present key reported missing: m[%llu] read as %llu, "
                   "ok=false, lookup %d\n",
                   (unsigned long long)present, (unsigned long long)v, i);
            break;
        }
    }
    return NULL;
}

/*
 * Build the map the lesson needs, alone (no race yet): B = 1 (two
 * buckets), 13 keys, so that the next new key (6.5 per bucket reached)
 * starts a growth.
 *  - old bucket 1: slot 0 empty (its key deleted), slots 1-7 full; the
 *    last one is k (present);
 *  - old bucket 0: 6 keys.
 * The writer's first key also hashes to old bucket 1, so that growWork
 * evacuates that bucket first. Keys are chosen with maphash, as the
 * layout depends on the map's random hash seed.
 */
static void setup(void)
{
    uint64_t b1[bucketCnt], b0[6];
    int n1 = 0, n0 = 0;

    m = makemap(13);
    for (uint64_t k = 1; n1 < bucketCnt || n0 < 6; k++) {
        if (maphash(m, k) & 1) {
            if (n1 < bucketCnt)
                b1[n1++] = k;
        } else if (n0 < 6) {
            b0[n0++] = k;
        }
    }
    for (int i = 0; i < bucketCnt; i++)
        mapstore(m, b1[i], b1[i] * 10);
    mapdelete(m, b1[0]); /* slot 0 of old bucket 1: emptyOne */
    for (int i = 0; i < 6; i++)
        mapstore(m, b0[i], b0[i] * 10);
    present = b1[bucketCnt - 1];

    first_insert = 100000;
    while (!(maphash(m, first_insert) & 1))
        first_insert++;

    if (m->B != 1 || growing(m) || maplen(m) != 13) {
        fprintf(stderr,
                "setup: map not in the expected state (B=%d, "
                "growing=%d, len=%lld)\n",
                m->B, growing(m), (long long)maplen(m));
        exit(1);
    }
}

int main(void)
{
    pthread_t w, r;

    setup();
    if (pthread_create(&w, NULL, writer, NULL) ||
        pthread_create(&r, NULL, reader, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(w, NULL);
    pthread_join(r, NULL);
    printf("len(m) = %lld after %d inserts\n", (long long)maplen(m), ninserts);
    mapfree(m);
    return 0;
}
