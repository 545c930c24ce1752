/*
 * TEST FIXTURE for maprace grade: a C11 atomic_flag spinlock around each
 * assignment: correct. TSan and the native run pass it; Helgrind and DRD
 * report it, as they do not model C11 atomics. The grader must pass it,
 * with a note. Made from the case's own program with its race markers
 * removed, as a learner's edited copy usually is.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#include "map.h"
#include "window.h"

enum { rounds = 10000, role1 = 1, role2 = 2 };

/* The map both goroutines share. Non-static: clang renames static objects
 * at -O1 and the reports would name 'm.0'. */
struct hmap *m;

/* A spinlock: acquire test-and-set, release clear. */
atomic_flag lock = ATOMIC_FLAG_INIT;

static void spin_lock(void)
{
    while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
        sched_yield();
}

static void spin_unlock(void)
{
    atomic_flag_clear_explicit(&lock, memory_order_release);
}

/* m[5] = 0 */
static __attribute__((noinline)) void assign_five(void)
{
    spin_lock();
    mapstore(m, 5, 0);
    spin_unlock();
}

/* m[6] = 0 */
static __attribute__((noinline)) void assign_six(void)
{
    spin_lock();
    mapstore(m, 6, 0);
    spin_unlock();
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
