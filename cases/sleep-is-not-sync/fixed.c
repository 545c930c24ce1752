/*
 * sleep-is-not-sync, fixed: a real handoff instead of a sleep.
 *
 * Go:
 *
 *     done := make(chan struct{})
 *     go func() {
 *             config["addr"] = ":8080"
 *             close(done)
 *     }()
 *     <-done // happens after close(done), so after the write
 *     fmt.Println(config["addr"])
 *
 * "The closing of a channel is synchronized before a receive that returns
 * because the channel is closed" (the Go memory model). The C model of
 * that channel is a flag under a mutex with a condition variable, as
 * Go's runtime chan is a lock plus a queue of waiting goroutines: the
 * unlock in close_chan() and the lock in recv_chan() are the edge every
 * detector understands. No sleep is needed at all.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"

enum { key_addr = 1, addr_port = 8080 };

/* A chan struct{} that is only ever closed and received from. */
struct chan_done {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool closed;
};

/* close(done): wake every receiver. */
static void close_chan(struct chan_done *c)
{
    pthread_mutex_lock(&c->mu);
    c->closed = true;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

/* <-done: block until closed. */
static void recv_chan(struct chan_done *c)
{
    pthread_mutex_lock(&c->mu);
    while (!c->closed)
        pthread_cond_wait(&c->cv, &c->mu);
    pthread_mutex_unlock(&c->mu);
}

struct chan_done done = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
                         false};

/* The configuration map. Non-static: clang renames static objects at -O1. */
struct hmap *config;

static __attribute__((noinline)) void load_config(struct hmap *m)
{
    /* Now before close(done), hence before the read. */
    mapstore(m, key_addr, addr_port); /* RACE: write config["addr"] */
}

static __attribute__((noinline)) uint64_t read_addr(struct hmap *m)
{
    /* Now after <-done, hence after the write. */
    return *mapaccess1(m, key_addr); /* RACE: read config["addr"] */
}

static void *init_goroutine(void *arg)
{
    load_config(config);
    close_chan(&done);
    return NULL;
}

int main(void)
{
    pthread_t init;

    config = makemap(0);
    if (pthread_create(&init, NULL, init_goroutine, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    recv_chan(&done); /* after close(done), hence after the write */
    printf("addr = :%llu\n", (unsigned long long)read_addr(config));

    pthread_join(init, NULL);
    mapfree(config);
    return 0;
}
