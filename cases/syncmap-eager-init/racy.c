/*
 * syncmap-eager-init, racy: a cache of connections in a sync.Map, filled
 * with LoadOrStore(key, dial(key)).
 *
 *     var conns sync.Map // addr -> *Conn
 *
 *     func get(addr string) *Conn {
 *             v, _ := conns.LoadOrStore(addr, dial(addr))
 *             return v.(*Conn)
 *     }
 *
 * Go evaluates a call's arguments before the call: dial(addr) runs on
 * every get, hit or miss, and LoadOrStore throws the new connection away
 * whenever the key is already there. golang/go#27114 ("Undocumented
 * behaviour by map.LoadOrStore") reported it as a sync.Map bug: "The
 * sMap.LoadOrStore method did only store once, but it invoked the Foo
 * function 10 times." The answer: "This doesn't have anything to do with
 * sync.Map; you're incrementing functionCallCounter before LoadOrStore is
 * even called."
 *
 * There is no data race here: every detector is silent, and rightly so.
 * The cost is work and resources: each discarded connection was dialed
 * for nothing (and in Go, unless someone closes it, stays open until the
 * collector finds it). The program prints how often dial ran.
 *
 * Threads: two request handlers (roles 1 and 2) get the same few
 * connections over and over. Nothing to force: the waste happens on every
 * call.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "syncmap.h"
#include "window.h"

enum { rounds = 2000, naddrs = 4, handler1 = 1, handler2 = 2 };

struct Conn {
    uint64_t addr;
};

/* var conns sync.Map. Non-static: clang renames static objects at -O1. */
struct Map conns;
/* How often dial ran, and how many of its connections were thrown away,
 * counted per thread and added up after the joins (an atomic counter
 * shared by the threads would earn false reports from Helgrind and DRD,
 * which do not model C11 atomics). */
_Thread_local unsigned long dials, discarded;

struct handler {
    int role;
    unsigned long dials, discarded, bad;
};

/* dial(addr): the expensive initializer. */
static __attribute__((noinline)) struct Conn *dial(uint64_t addr)
{
    struct Conn *c = malloc(sizeof(*c));

    if (!c) {
        fprintf(stderr, "dial: out of memory\n");
        exit(1);
    }
    c->addr = addr;
    dials++;
    return c;
}

/* get(addr) */
static __attribute__((noinline)) struct Conn *get(uint64_t addr)
{
    struct Conn *c = dial(addr); /* the argument, evaluated first */
    uint64_t v;

    if (Map_LoadOrStore(&conns, addr, (uint64_t)(uintptr_t)c, &v)) {
        /* loaded: the new connection is not used (Go: conn leaks until
         * collected; here it is closed at once and counted) */
        free(c);
        discarded++;
    }
    return (struct Conn *)(uintptr_t)v;
}

static void *handler(void *arg)
{
    struct handler *h = arg;

    window_role(h->role);
    for (int i = 0; i < rounds; i++) {
        uint64_t addr = (uint64_t)(i % naddrs);

        if (get(addr)->addr != addr)
            h->bad++;
    }
    h->dials = dials;
    h->discarded = discarded;
    return NULL;
}

static bool close_conn(uint64_t key, uint64_t value, void *arg)
{
    free((struct Conn *)(uintptr_t)value);
    return true;
}

int main(void)
{
    struct handler h1 = {handler1, 0, 0, 0}, h2 = {handler2, 0, 0, 0};
    pthread_t t1, t2;

    syncmap_init(&conns);
    if (pthread_create(&t1, NULL, handler, &h1) ||
        pthread_create(&t2, NULL, handler, &h2)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    if (h1.bad || h2.bad) {
        printf("get returned a connection to the wrong address\n");
        return 1;
    }
    printf("dial ran %lu times for %d addresses (%d gets): %lu connections "
           "dialed for nothing\n",
           h1.dials + h2.dials, naddrs, 2 * rounds,
           h1.discarded + h2.discarded);
    Map_Range(&conns, close_conn, NULL);
    syncmap_free(&conns);
    return 0;
}
