/*
 * TEST FIXTURE for maprace grade: the reader sleeps 100 ms "until the
 * writer is done" instead of taking the lock (wrong: a sleep orders
 * nothing; cases/sleep-is-not-sync). The writer keeps its lock. Made from
 * the case's fixed program with its race markers removed, as a learner's
 * edited copy usually is. The two threads' accesses are 100 ms apart, so a
 * ThreadSanitizer with a short history can lose the writer's access and
 * say nothing: maprace runs TSan with history_size=7, and this answer must
 * fail every time.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "map.h"
#include "window.h"

enum { rounds = 10000, writer_role = 1, reader_role = 2 };

struct hmap *m;
pthread_rwlock_t mu = PTHREAD_RWLOCK_INITIALIZER;
uint64_t sink;

/* mu.Lock(); m[5] = 0; mu.Unlock() */
static __attribute__((noinline)) void write_five(void)
{
    pthread_rwlock_wrlock(&mu);
    mapstore(m, 5, 0);
    pthread_rwlock_unlock(&mu);
}

/* _ = m[6], with no lock: the sleep was meant to make it safe */
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
    usleep(100 * 1000); /* time.Sleep(100 * time.Millisecond) */
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
