/*
 * map-grow-split, fixed: lookups under the read lock, inserts under the
 * write lock (Go: sync.RWMutex). A split, directory and all, happens
 * inside one write critical section: a lookup sees the directory before
 * it or after it, never a new shift over an old directory. Same map, same
 * threads as racy.c (see there); no plan: there is no race to force, and
 * k is found by every lookup.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "map.h"

#ifndef MAPRACE_SWISS_MAP_H
#error                                                                         \
    "map-grow-split reads the Swiss-table model's directory: build it on model/swiss (the -swiss flavours)"
#endif

enum { ninserts = 10000, rounds = 10000 };
enum { others = 10 }; /* keys of table 1 */

/* Non-static: clang renames static objects at -O1. */
struct hmap *m;
uint64_t present;      /* k: in the map the whole time */
uint64_t first_insert; /* the writer's first key, into the full table 0 */
pthread_rwlock_t mu = PTHREAD_RWLOCK_INITIALIZER;

/* mu.Lock(); m[key] = v; mu.Unlock() */
static __attribute__((noinline)) void insert(uint64_t key, uint64_t v)
{
    pthread_rwlock_wrlock(&mu);
    mapstore(m, key, v); /* RACE: write m[key] (rehash, split) */
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
    insert(first_insert, 1);
    for (uint64_t i = 1; i < ninserts; i++)
        insert(1000000 + i, i);
    return NULL;
}

static void *reader(void *arg)
{
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

/* The first two bits of a key's hash: its directory index at globalDepth 2
 * (hash >> 62). */
static unsigned top2(uint64_t key)
{
    return (unsigned)(maphash(m, key) >> 62);
}

/*
 * Build the map the lesson needs, alone (no race yet): make(map, 1792) is
 * a directory of two tables of 1024 slots, globalDepth 1. Table 0 (hashes
 * 0...) gets its 896 keys (7/8 of 1024: growthLeft 0), k among them, with
 * a hash 01...; table 1 gets a few. The writer's first key also hashes to
 * table 0, which then has to split. Keys are chosen with maphash, as the
 * layout depends on the map's random hash seed.
 */
static void setup(void)
{
    int n0 = 0, n1 = 0;

    m = makemap(1792);
    present = 0;
    for (uint64_t k = 1; n0 < 896 || n1 < others; k++) {
        unsigned t = top2(k);
        if (t < 2 && n0 < 896) {
            if (t == 1 && !present)
                present = k;
            mapstore(m, k, k * 10);
            n0++;
        } else if (t >= 2 && n1 < others) {
            mapstore(m, k, k * 10);
            n1++;
        }
    }

    first_insert = 100000;
    while (top2(first_insert) >= 2)
        first_insert++;

    table **dir = m->dirPtr;
    if (m->dirLen != 2 || m->globalDepth != 1 || dir[0]->capacity != 1024 ||
        dir[0]->growthLeft != 0 || maplen(m) != 896 + others) {
        fprintf(stderr,
                "setup: map not in the expected state (dirLen=%lld, "
                "globalDepth=%d, len=%lld)\n",
                (long long)m->dirLen, m->globalDepth, (long long)maplen(m));
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
