/*
 * bench/maps/mutex.c - the model's map (model/map.h) behind one
 * pthread mutex: Go's `struct { sync.Mutex; m map[uint64]uint64 }`, the
 * baseline of the article's 4.1.
 */
#include <pthread.h>
#include <stdlib.h>

#include "design.h"
#include "map.h"

struct mutex_map {
    pthread_mutex_t mu;
    struct hmap *m;
};

static void *mutex_create(size_t nkeys)
{
    struct mutex_map *mm = malloc(sizeof(*mm));

    if (!mm)
        return NULL;
    pthread_mutex_init(&mm->mu, NULL);
    mm->m = makemap((int64_t)nkeys);
    return mm;
}

static void mutex_destroy(void *map)
{
    struct mutex_map *mm = map;

    mapfree(mm->m);
    pthread_mutex_destroy(&mm->mu);
    free(mm);
}

static bool mutex_load(void *map, uint64_t key, uint64_t *value)
{
    struct mutex_map *mm = map;
    bool ok;

    pthread_mutex_lock(&mm->mu);
    *value = *mapaccess2(mm->m, key, &ok);
    pthread_mutex_unlock(&mm->mu);
    return ok;
}

static void mutex_store(void *map, uint64_t key, uint64_t value)
{
    struct mutex_map *mm = map;

    pthread_mutex_lock(&mm->mu);
    mapstore(mm->m, key, value);
    pthread_mutex_unlock(&mm->mu);
}

const struct design design_mutex = {
    .name = "mutex",
    .what = "model map + one pthread mutex (Go: map + sync.Mutex)",
    .create = mutex_create,
    .destroy = mutex_destroy,
    .load = mutex_load,
    .store = mutex_store,
};
