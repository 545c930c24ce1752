/*
 * TEST FIXTURE for maprace grade: the catalog's fixed.c with a missing '&'
 * in one pthread_mutex_lock call (line marked "missing"): a compile error.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#include "map.h"
#include "window.h"

enum { rounds = 10000, role1 = 1, role2 = 2 };

/* The map both goroutines share, and the mutex that guards it. */
struct hmap *m;
pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* mu.Lock(); m[5] = 0; mu.Unlock() */
static __attribute__((noinline)) void assign_five(void)
{
    pthread_mutex_lock(mu); /* missing & */
    mapstore(m, 5, 0);
    pthread_mutex_unlock(&mu);
}

/* mu.Lock(); m[6] = 0; mu.Unlock() */
static __attribute__((noinline)) void assign_six(void)
{
    pthread_mutex_lock(&mu);
    mapstore(m, 6, 0);
    pthread_mutex_unlock(&mu);
}

static void *func1(void *arg)
{
    window_role(role1);
    for (int i = 0; i < rounds; i++) {
        assign_five();
        sched_yield(); /* runtime.Gosched() */
    }
    return NULL;
}

static void *func2(void *arg)
{
    window_role(role2);
    for (int i = 0; i < rounds; i++) {
        assign_six();
        sched_yield(); /* runtime.Gosched() */
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
