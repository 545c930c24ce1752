/*
 * map-grow-read, racy: a reader looks a key up while a writer's inserts
 * make the map grow. The key is in the map the whole time, and the reader
 * is told it is not there. Go's check does not fire.
 *
 * Go original (the shape of every "read-mostly" cache filled in the
 * background):
 *
 *     m := make(map[uint64]uint64) // already holds k
 *     go func() { // the filler
 *             for i := uint64(0); i < n; i++ {
 *                     m[next(i)] = i // inserts: hashGrow, growWork, evacuate
 *             }
 *     }()
 *     go func() { // the reader
 *             for i := 0; i < rounds; i++ {
 *                     if _, ok := m[k]; !ok {
 *                             fmt.Println("present key reported missing")
 *                     }
 *             }
 *     }()
 *
 * Go's runtime (map.go before Go 1.24) grows a map incrementally: hashGrow
 * moves h.buckets to h.oldbuckets and installs an array twice as big, and
 * each later write evacuates one or two old buckets (growWork, evacuate):
 * it copies their keys to the new array and marks the old slots
 * evacuatedX/evacuatedY/evacuatedEmpty. A lookup (mapaccess2_fast64) picks
 * the old bucket if it is not evacuated yet, else the new one; "evacuated"
 * is read from the old bucket's first slot, tophash[0].
 *
 * The reader's mapaccess2 checks hashWriting once, on entry, then reads
 * h->B, h->buckets, h->oldbuckets and the old bucket's tophash[0], then the
 * slots. The writer writes all of those, with no lock: they race.
 *
 * Threads: the writer (role 1) inserts, the reader (role 2) looks up k.
 * The map is built (setup(), single-threaded) so that the writer's first
 * insert starts a growth and evacuates k's old bucket first, and so that
 * that bucket's slot 0 is empty (a deleted key) and k sits in its last
 * slot.
 * Forced (MAPRACE_FORCE=1): the writer's first insert waits until the
 * reader is past Go's check (nothing to see: no writer yet). The reader
 * then waits until the writer is in evacuate, having marked slot 0
 * evacuatedEmpty and copied slot 1, with k not copied yet. The reader goes
 * on: tophash[0] says "evacuated", so it looks in the new bucket, where k
 * is not: ok == false. Every run, and no fatal error: the check was passed
 * before the write began.
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

/* m[key] = v */
static __attribute__((noinline)) void insert(uint64_t key, uint64_t v)
{
    mapstore(m, key, v); /* RACE: write m[key] (hashGrow, evacuate) */
}

/* v, ok := m[key] */
static __attribute__((noinline)) uint64_t lookup(uint64_t key, bool *ok)
{
    return *mapaccess2(m, key, ok); /* RACE: read m[k] */
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

        WINDOW(W_CASE_A); /* forced: the writer may finish its insert */
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
    static const struct window_rule plan[] = {
        /* the writer's first insert waits until the reader is past the
         * hashWriting check */
        {writer_role, W_MAPASSIGN_ENTRY, reader_role, W_MAPACCESS},
        /* the reader then waits, before choosing a bucket, until the
         * writer is in the middle of evacuating k's old bucket */
        {reader_role, W_MAPACCESS, writer_role, W_EVACUATE},
        /* the writer stays there until the reader has its answer */
        {writer_role, W_EVACUATE, reader_role, W_CASE_A},
    };
    pthread_t w, r;

    setup();
    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
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
