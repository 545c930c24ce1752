/*
 * TEST FIXTURE for maprace grade: a right answer other than the catalog's:
 * a mutex around each Load + Store of the sync.Map (the solution sheet,
 * docs/instructor/solutions.md, names it). The grader must pass it.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "syncmap.h"
#include "window.h"

enum { rounds = 5000, handler1 = 1, handler2 = 2, page = 42 };

/* var hits sync.Map. Non-static: clang renames static objects at -O1. */
struct Map hits;

/* One lock around each Load + Store: the two calls become one step. */
pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* record(page) */
static __attribute__((noinline)) void record(void)
{
    uint64_t n;

    pthread_mutex_lock(&mu);
    Map_Load(&hits, page, &n);
    Map_Store(&hits, page, n + 1);
    pthread_mutex_unlock(&mu);
}

static void *handler(void *arg)
{
    window_role((int)(intptr_t)arg);
    for (int i = 0; i < rounds; i++)
        record();
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    uint64_t n;

    syncmap_init(&hits);
    Map_Store(&hits, page, 0);
    if (pthread_create(&t1, NULL, handler, (void *)(intptr_t)handler1) ||
        pthread_create(&t2, NULL, handler, (void *)(intptr_t)handler2)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);

    Map_Load(&hits, page, &n);
    if (n != 2 * rounds)
        printf("lost updates: %llu (hits = %llu, want %d)\n",
               (unsigned long long)(2 * rounds - n), (unsigned long long)n,
               2 * rounds);
    else
        printf("every update counted: hits = %llu\n", (unsigned long long)n);
    syncmap_free(&hits);
    return 0;
}
