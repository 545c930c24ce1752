/*
 * map-read-write, racy: one goroutine reads a map while another writes it.
 *
 * Go original: runtime/testdata/testprog/map.go, concurrentMapReadWrite
 * (the program Go's own crash tests run to see the fatal error):
 *
 *     m := map[int]int{}
 *     m[5] = 0
 *     m[6] = 0
 *     c := make(chan struct{})
 *     go func() {
 *             for i := 0; i < 10000; i++ {
 *                     m[5] = 0
 *                     runtime.Gosched()
 *             }
 *             c <- struct{}{}
 *     }()
 *     go func() {
 *             for i := 0; i < 10000; i++ {
 *                     _ = m[6]
 *                     runtime.Gosched()
 *             }
 *             c <- struct{}{}
 *     }()
 *     <-c
 *     <-c
 *
 * The two goroutines touch different keys, so no slot is shared: the only
 * memory they share is the map header. The writer flips hashWriting in
 * h->flags on entry to mapassign and flips it back on exit; the reader's
 * mapaccess1 reads h->flags to check for a writer. Those plain accesses to
 * h->flags race, and they are Go's own check.
 *
 * Threads: writer (role 1) runs m[5] = 0, reader (role 2) runs m[6].
 * Forced (MAPRACE_FORCE=1): the reader's first m[6] waits before Go's check
 * until the writer is inside m[5] = 0 with hashWriting set; the writer
 * stays there until the reader is past the check, which it never is: the
 * check sees hashWriting and throws "concurrent map read and map write".
 * Unforced, the check fires only when the two calls happen to overlap.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"
#include "window.h"

enum { rounds = 10000, writer_role = 1, reader_role = 2 };

/* The map both goroutines share. Non-static: clang renames static objects
 * at -O1 and the reports would name 'm.0'. */
struct hmap *m;

/* What the reader read, so that the read is not optimised away (Go: _). */
uint64_t sink;

/* m[5] = 0 */
static __attribute__((noinline)) void write_five(void)
{
    mapstore(m, 5, 0); /* RACE: write m[5] (mapassign flips h->flags) */
}

/* _ = m[6] */
static __attribute__((noinline)) void read_six(void)
{
    sink = *mapaccess1(m, 6); /* RACE: read m[6] (mapaccess1 checks h->flags) */
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
    static const struct window_rule plan[] = {
        /* the reader's first m[6] waits, before the check, until the
         * writer is inside m[5] = 0 with hashWriting set */
        {reader_role, W_MAPACCESS_ENTRY, writer_role, W_MAPASSIGN_WRITING},
        /* the writer stays inside until the reader is past the check */
        {writer_role, W_MAPASSIGN_WRITING, reader_role, W_MAPACCESS},
    };
    pthread_t w, r;

    m = makemap(0);
    mapstore(m, 5, 0);
    mapstore(m, 6, 0);

    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
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
