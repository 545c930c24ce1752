/*
 * syncmap-eager-init, fixed: Load first, and dial only on a miss.
 *
 *     func get(addr string) *Conn {
 *             if v, ok := conns.Load(addr); ok {
 *                     return v.(*Conn)
 *             }
 *             c := dial(addr)
 *             v, loaded := conns.LoadOrStore(addr, c)
 *             if loaded {
 *                     c.Close() // another goroutine stored first
 *             }
 *             return v.(*Conn)
 *     }
 *
 * After the first get of an address, every get is a Load hit and dial
 * never runs again. Two goroutines that miss the same address at the same
 * time still both dial: LoadOrStore keeps the first connection and the
 * other is closed. When the initializer must run exactly once per key,
 * store a per-key sync.Once (or use golang.org/x/sync/singleflight).
 *
 * Forced (MAPRACE_FORCE=1): both handlers miss their first address before
 * either dials (each waits at W_CASE_A for the other's miss), so that the
 * remaining waste shows: one extra dial for that address. No window adds
 * a happens-before edge, and there is no data race to hide anyway.
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
    struct Conn *c;
    uint64_t v;

    if (Map_Load(&conns, addr, &v))
        return (struct Conn *)(uintptr_t)v;
    WINDOW(W_CASE_A); /* missed, about to dial */
    c = dial(addr);
    if (Map_LoadOrStore(&conns, addr, (uint64_t)(uintptr_t)c, &v)) {
        /* another handler stored first: c.Close() */
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
    static const struct window_rule plan[] = {
        /* each handler dials its first address only once the other has
         * missed it too */
        {handler1, W_CASE_A, handler2, W_CASE_A},
        {handler2, W_CASE_A, handler1, W_CASE_A},
    };
    struct handler h1 = {handler1, 0, 0, 0}, h2 = {handler2, 0, 0, 0};
    pthread_t t1, t2;

    syncmap_init(&conns);
    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
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
