/*
 * TEST FIXTURE for maprace grade: the lock taken by the writer only
 * (wrong: the reader's mapaccess1 still reads h->flags unordered). Made
 * from the case's own program with its race markers removed, as a
 * learner's edited copy usually is.
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
pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* What the reader read, so that the read is not optimised away (Go: _). */
uint64_t sink;

/* m[5] = 0 */
static __attribute__((noinline)) void write_five(void)
{
    pthread_mutex_lock(&mu); /* "only writers need the lock" */
    mapstore(m, 5, 0);
    pthread_mutex_unlock(&mu);
}

/* _ = m[6] */
static __attribute__((noinline)) void read_six(void)
{
    sink = *mapaccess1(m, 6);
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
    pthread_t w, r;

    m = makemap(0);
    mapstore(m, 5, 0);
    mapstore(m, 6, 0);

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
