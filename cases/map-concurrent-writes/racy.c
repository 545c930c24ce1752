/*
 * map-concurrent-writes, racy: two goroutines assign to one map.
 *
 * Go original: runtime/testdata/testprog/map.go, concurrentMapWrites (the
 * program Go's crash test TestConcurrentMapWrites runs to see the fatal
 * error):
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
 *                     m[6] = 0
 *                     runtime.Gosched()
 *             }
 *             c <- struct{}{}
 *     }()
 *     <-c
 *     <-c
 *
 * The keys differ, so no slot is shared: what the two writers share is the
 * map header. Each mapassign checks hashWriting in h->flags on entry, sets
 * it, and clears it on the way out, all with plain (non-atomic) accesses.
 * Those accesses to h->flags race, and they are Go's own check.
 *
 * Threads: func1 (role 1) runs m[5] = 0, func2 (role 2) runs m[6] = 0.
 * Forced (MAPRACE_FORCE=1): func2's first m[6] = 0 waits before Go's
 * entry check until func1 is inside m[5] = 0 with hashWriting set; func1
 * stays there until func2 has finished an assignment, which it never does:
 * its check sees hashWriting and throws "concurrent map writes". Unforced,
 * the check fires only when the two calls happen to overlap.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#include "map.h"
#include "window.h"

enum { rounds = 10000, role1 = 1, role2 = 2 };

/* The map both goroutines share. Non-static: clang renames static objects
 * at -O1 and the reports would name 'm.0'. */
struct hmap *m;

/* m[5] = 0 */
static __attribute__((noinline)) void assign_five(void)
{
    mapstore(m, 5, 0); /* RACE: write m[5] (mapassign flips h->flags) */
}

/* m[6] = 0 */
static __attribute__((noinline)) void assign_six(void)
{
    mapstore(m, 6, 0); /* RACE: write m[6] (mapassign flips h->flags) */
}

/* go func() { for ... { m[5] = 0; runtime.Gosched() } }() */
static void *func1(void *arg)
{
    window_role(role1);
    for (int i = 0; i < rounds; i++) {
        assign_five();
        sched_yield(); /* runtime.Gosched() */
    }
    return NULL;
}

/* go func() { for ... { m[6] = 0; runtime.Gosched() } }() */
static void *func2(void *arg)
{
    window_role(role2);
    for (int i = 0; i < rounds; i++) {
        assign_six();
        WINDOW(W_CASE_A); /* an assignment completed */
        sched_yield();    /* runtime.Gosched() */
    }
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* func2's first m[6] = 0 waits, before the entry check, until
         * func1 is inside m[5] = 0 with hashWriting set */
        {role2, W_MAPASSIGN_ENTRY, role1, W_MAPASSIGN_WRITING},
        /* func1 stays inside until func2 has completed an assignment (if
         * Go's check failed to fire, this lets both go on) */
        {role1, W_MAPASSIGN_WRITING, role2, W_CASE_A},
    };
    pthread_t t1, t2;

    m = makemap(0);
    mapstore(m, 5, 0);
    mapstore(m, 6, 0);

    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
    if (pthread_create(&t1, NULL, func1, NULL) ||
        pthread_create(&t2, NULL, func2, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("%d + %d assignments, no fatal error\n", rounds, rounds);
    mapfree(m);
    return 0;
}
