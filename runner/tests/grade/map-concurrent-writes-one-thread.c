/*
 * TEST FIXTURE for maprace grade: the second thread removed: the first
 * does both writers' work (race-free, does the job, not concurrent). Made
 * from the case's own program with its race markers removed, as a
 * learner's edited copy usually is.
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
    mapstore(m, 5, 0);
}

/* m[6] = 0 */
static __attribute__((noinline)) void assign_six(void)
{
    mapstore(m, 6, 0);
}

/* go func() { for ... { m[5] = 0; runtime.Gosched() } }() */
static void *func1(void *arg)
{
    window_role(role1);
    for (int i = 0; i < rounds; i++) {
        assign_five();
        assign_six();  /* "no second writer, no race" */
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

    (void)t2;
    (void)func2;
    if (pthread_create(&t1, NULL, func1, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(t1, NULL);
    printf("%d + %d assignments, no fatal error\n", rounds, rounds);
    mapfree(m);
    return 0;
}
