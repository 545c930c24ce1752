/*
 * bench/maps/design.h - one concurrent map design of the article's
 * chapter 4, behind one API, for mapbench.
 *
 * A design is a map from uint64_t keys to uint64_t values that any number
 * of threads may use at once. The benchmark creates it for a number of
 * keys, fills it with every key (0 .. nkeys-1) from one thread, loads each
 * key once, then times threads doing load and store on random keys: a
 * store always hits a key that is present (an update), so no design grows
 * while it is timed.
 *
 * Invariants:
 *  - load and store are safe to call from any registered thread at any
 *    time between create and destroy, with no other locking;
 *  - a thread calls thread_enter before it first touches any map of the
 *    design (create and destroy included) and thread_exit after its last
 *    use (both may be NULL: nothing to do);
 *  - load returns true and the last value stored for a key that is
 *    present; false for a key never stored.
 */
#ifndef MAPBENCH_DESIGN_H
#define MAPBENCH_DESIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct design {
    const char *name; /* short, for tables: "mutex", "shard64-pad" */
    const char *what; /* one line: what it is and what it stands for */

    /* A new, empty map sized for nkeys keys; NULL when out of memory. */
    void *(*create)(size_t nkeys);
    void (*destroy)(void *map);
    bool (*load)(void *map, uint64_t key, uint64_t *value);
    void (*store)(void *map, uint64_t key, uint64_t value);
    void (*thread_enter)(void);
    void (*thread_exit)(void);
};

/* The designs, each in its own file. */
extern const struct design design_mutex;       /* mutex.c */
extern const struct design design_rwlock;      /* rwlock.c */
extern const struct design design_shard16;     /* sharded.c */
extern const struct design design_shard16_pad; /* sharded.c */
extern const struct design design_shard64;     /* sharded.c */
extern const struct design design_shard64_pad; /* sharded.c */
extern const struct design design_lockfree;    /* lockfree.c */
extern const struct design design_syncmap;     /* syncmap.c */
extern const struct design design_urcu;        /* urcu.c */

/* Every design, in table order, NULL-terminated. */
extern const struct design *const designs[];

/* splitmix64's finalizer: the key hash of the designs that pick a shard
 * or a bucket themselves (the model's map hashes with its own seed). */
static inline uint64_t design_hash(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

#endif
