/*
 * bench/maps/rwlock.c - the model's map (model/map.h) behind one pthread
 * read/write lock: readers share it, a writer holds it alone. Go's
 * `struct { sync.RWMutex; m map[uint64]uint64 }`, the article's 4.1 fix.
 *
 * glibc's default rwlock prefers readers; Go's RWMutex blocks new readers
 * once a writer waits. Under the benchmark's mixes both let readers run
 * together, which is what is measured.
 */
#include <pthread.h>
#include <stdlib.h>

#include "design.h"
#include "map.h"

struct rwlock_map {
    pthread_rwlock_t mu;
    struct hmap *m;
};

static void *rwlock_create(size_t nkeys)
{
    struct rwlock_map *rm = malloc(sizeof(*rm));

    if (!rm)
        return NULL;
    pthread_rwlock_init(&rm->mu, NULL);
    rm->m = makemap((int64_t)nkeys);
    return rm;
}

static void rwlock_destroy(void *map)
{
    struct rwlock_map *rm = map;

    mapfree(rm->m);
    pthread_rwlock_destroy(&rm->mu);
    free(rm);
}

static bool rwlock_load(void *map, uint64_t key, uint64_t *value)
{
    struct rwlock_map *rm = map;
    bool ok;

    pthread_rwlock_rdlock(&rm->mu);
    *value = *mapaccess2(rm->m, key, &ok);
    pthread_rwlock_unlock(&rm->mu);
    return ok;
}

static void rwlock_store(void *map, uint64_t key, uint64_t value)
{
    struct rwlock_map *rm = map;

    pthread_rwlock_wrlock(&rm->mu);
    mapstore(rm->m, key, value);
    pthread_rwlock_unlock(&rm->mu);
}

const struct design design_rwlock = {
    .name = "rwlock",
    .what = "model map + one pthread rwlock (Go: map + sync.RWMutex)",
    .create = rwlock_create,
    .destroy = rwlock_destroy,
    .load = rwlock_load,
    .store = rwlock_store,
};
