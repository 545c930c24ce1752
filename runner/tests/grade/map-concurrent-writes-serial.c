/*
 * TEST FIXTURE for maprace grade: the catalog's fixed variant, serialised
 * (see the lines marked "serialised"): race-free, does the job, and no
 * two threads ever overlap. The grader must fail it. Below, the original
 * header.
 *
 * map-concurrent-writes, fixed: the same two goroutines, each assignment
 * under one mutex (Go: a sync.Mutex beside the map).
 *
 *     var mu sync.Mutex
 *     go func() {
 *             for i := 0; i < 10000; i++ {
 *                     mu.Lock()
 *                     m[5] = 0
 *                     mu.Unlock()
 *                     runtime.Gosched()
 *             }
 *             c <- struct{}{}
 *     }()
 *     (and the same for m[6])
 *
 * The mutex orders every mapassign after the previous one: h->flags is
 * never seen by two writers at once, and each unlock/lock pair is a
 * happens-before edge every detector sees. The markers stay on the same
 * accesses, now protected.
 *
 * There is no window plan here: a plan that holds one writer inside
 * mapassign until the other one enters could never be satisfied (the
 * other writer waits for the lock), so the wait would only time out.
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
    mapstore(m, 5, 0); /* RACE: write m[5] (mapassign flips h->flags) */
}

/* mu.Lock(); m[6] = 0; mu.Unlock() */
static __attribute__((noinline)) void assign_six(void)
{
    mapstore(m, 6, 0); /* RACE: write m[6] (mapassign flips h->flags) */
}

static void *func1(void *arg)
{
    window_role(role1);
    pthread_mutex_lock(&mu); /* serialised: the whole loop */
    for (int i = 0; i < rounds; i++) {
        assign_five();
        sched_yield(); /* runtime.Gosched() */
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

static void *func2(void *arg)
{
    window_role(role2);
    pthread_mutex_lock(&mu); /* serialised: the whole loop */
    for (int i = 0; i < rounds; i++) {
        assign_six();
        sched_yield(); /* runtime.Gosched() */
    }
    pthread_mutex_unlock(&mu);
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
