/*
 * TEST FIXTURE for maprace grade: a volatile flag as a hand-made lock
 * (wrong: volatile orders nothing between threads; the flag itself races,
 * and so does the map). Made from the case's own program with its race
 * markers removed, as a learner's edited copy usually is.
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

/* "a flag so that only one thread writes at a time" */
volatile int busy;

/* m[5] = 0 */
static __attribute__((noinline)) void assign_five(void)
{
    while (busy)
        ;
    busy = 1;
    mapstore(m, 5, 0);
    busy = 0;
}

/* m[6] = 0 */
static __attribute__((noinline)) void assign_six(void)
{
    while (busy)
        ;
    busy = 1;
    mapstore(m, 6, 0);
    busy = 0;
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
    pthread_t t1, t2;

    m = makemap(0);
    mapstore(m, 5, 0);
    mapstore(m, 6, 0);

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
