/*
 * map-article-reproducer, racy: the shape of the article's chapter-1
 * reproducer. One goroutine fills a fresh map with 1000 keys while another
 * reads the same keys; a WaitGroup waits for both.
 *
 * Go (racy.go beside this file is the full program, our own code):
 *
 *     m := make(map[int]int)
 *     var wg sync.WaitGroup
 *     wg.Add(2)
 *     go fill(m, &wg)  // m[k] = k for k in 0..999
 *     go probe(m, &wg) // _ = m[k] for k in 0..999
 *     wg.Wait()
 *
 * The article lists two fatal errors, "concurrent map writes" and
 * "concurrent map iteration and map write". This program has one writer
 * and no range: what it can die of is the third one, "concurrent map read
 * and map write", from mapaccess1_fast64's check of hashWriting in
 * h->flags (src/runtime/map_fast64.go of Go 1.19). The fill also grows the
 * map eight times (1000 keys, 6.5 per bucket), so the reader races with
 * hashGrow and evacuate as well, but the crash, when it comes, is the
 * flags check, not a stale bucket pointer.
 *
 * Threads: writer (role 1) runs m[i] = i, reader (role 2) runs m[i].
 * wg.Wait() is pthread_join: Done -> Wait orders each goroutine before
 * main, and nothing orders the two goroutines with each other.
 * Forced (MAPRACE_FORCE=1): the reader's first read waits before Go's check
 * until the writer is inside m[0] = 0 with hashWriting set; the writer
 * stays there until the reader is past the check, which it never is: the
 * check sees hashWriting and throws "concurrent map read and map write".
 * Unforced, the check fires only when the two calls happen to overlap.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"
#include "window.h"

enum { n = 1000, writer_role = 1, reader_role = 2 };

/* The map both goroutines share. Non-static: clang renames static objects
 * at -O1 and the reports would name 'm.0'. */
struct hmap *m;

/* What the reader read, so that the read is not optimised away (Go: _). */
uint64_t sink;

/* m[i] = i */
static __attribute__((noinline)) void write_key(uint64_t i)
{
    mapstore(m, i, i); /* RACE: write m[i] (mapassign flips h->flags) */
}

/* _ = m[i] */
static __attribute__((noinline)) void read_key(uint64_t i)
{
    sink = *mapaccess1(m, i); /* RACE: read m[i] (mapaccess1 checks h->flags) */
}

/* go func() { defer wg.Done(); for ... { m[i] = i } }() */
static void *writer(void *arg)
{
    window_role(writer_role);
    for (uint64_t i = 0; i < n; i++)
        write_key(i);
    return NULL;
}

/* go func() { defer wg.Done(); for ... { _ = m[i] } }() */
static void *reader(void *arg)
{
    window_role(reader_role);
    for (uint64_t i = 0; i < n; i++)
        read_key(i);
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* the reader's first m[i] waits, before the check, until the
         * writer is inside m[0] = 0 with hashWriting set */
        {reader_role, W_MAPACCESS_ENTRY, writer_role, W_MAPASSIGN_WRITING},
        /* the writer stays inside until the reader is past the check */
        {writer_role, W_MAPASSIGN_WRITING, reader_role, W_MAPACCESS},
    };
    pthread_t w, r;

    m = makemap(0);

    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
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
