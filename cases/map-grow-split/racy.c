/*
 * map-grow-split, racy: a reader looks a key up while a writer's insert
 * splits a table of Go 1.26's map (Swiss tables) and doubles its
 * directory. The key is in the map the whole time, and the reader is told
 * it is not there. Go's check does not fire. This case runs on the
 * Swiss-table model only (case.ini: no-hmap); map-grow-read is the same
 * misuse on Go <= 1.23's map.
 *
 * Go original (the read-mostly cache filled in the background of
 * map-grow-read, grown large):
 *
 *     m := make(map[uint64]uint64, 1792) // two tables; holds k
 *     go func() { // the filler
 *             for i := uint64(0); i < n; i++ {
 *                     m[next(i)] = i // inserts: rehash, split
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
 * Go's map since Go 1.24 (internal/runtime/maps) is a directory of tables
 * of at most 1024 slots. A table with no growth left is rebuilt at once by
 * rehash: split into two tables when it is at 1024 slots; when the table's
 * localDepth equals the map's globalDepth, installTableSplit first doubles
 * the directory: it increments globalDepth, decrements globalShift, then
 * stores dirPtr and dirLen, one field after the other. A lookup
 * (runtime_mapaccess2_fast64) checks writing once, on entry, then picks
 * its table with directoryIndex (dirLen, then hash >> globalShift) and
 * directoryAt (dirPtr[idx]).
 *
 * Threads: the writer (role 1) inserts, the reader (role 2) looks up k.
 * The map is built (setup(), single-threaded) with two tables of 1024
 * slots (globalDepth 1): table 0 (hashes 0...) has no growth left, so that
 * the writer's first insert, whose hash also starts with a 0 bit, splits
 * it and doubles the directory; k is in table 0, and its hash starts with
 * the bits 01.
 * Forced (MAPRACE_FORCE=1): the writer's first insert waits until the
 * reader is past Go's check (no writer yet). The reader then waits until
 * the writer, inside installTableSplit, has stored the new globalDepth and
 * globalShift but not yet the new directory. The reader goes on: the old
 * dirLen (2), the new shift (62): index hash >> 62 = 1, applied to the
 * old directory, whose entry 1 is table 1. k is in table 0: ok == false.
 * Every run, and no fatal error: the check was passed before the write
 * began.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "map.h"
#include "window.h"

#ifndef MAPRACE_SWISS_MAP_H
#error                                                                         \
    "map-grow-split reads the Swiss-table model's directory: build it on model/swiss (the -swiss flavours)"
#endif

enum { ninserts = 10000, rounds = 10000, writer_role = 1, reader_role = 2 };
enum { others = 10 }; /* keys of table 1 */

/* Non-static: clang renames static objects at -O1. */
struct hmap *m;
uint64_t present;      /* k: in the map the whole time */
uint64_t first_insert; /* the writer's first key, into the full table 0 */

/* m[key] = v */
static __attribute__((noinline)) void insert(uint64_t key, uint64_t v)
{
    mapstore(m, key, v); /* RACE: write m[key] (rehash, split) */
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
    static const struct window_rule plan[] = {
        /* the writer's first insert waits until the reader is past the
         * writing check */
        {writer_role, W_MAPASSIGN_ENTRY, reader_role, W_MAPACCESS},
        /* the reader then waits, before it reads dirLen, globalShift and
         * dirPtr, until the writer has stored the new globalDepth and
         * globalShift, not yet the new directory */
        {reader_role, W_MAPACCESS, writer_role, W_INSTALLTABLESPLIT},
        /* the writer stays there until the reader has its answer */
        {writer_role, W_INSTALLTABLESPLIT, reader_role, W_CASE_A},
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
