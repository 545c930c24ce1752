/*
 * bench/maps/syncmap.c - the model of Go's sync.Map (model/syncmap.h):
 * Load and Store as they are, no lock of the benchmark's own.
 *
 * After the benchmark's fill every key is in the dirty map; the first
 * loads miss the read map until the dirty map is promoted, then loads and
 * updates of present keys take the lock-free path (an atomic load, or a
 * compare-and-swap of the entry's value pointer). Each Store allocates a
 * box (Go: the interface value), kept until syncmap_free as the model
 * keeps them for Go's collector: memory grows with the number of stores
 * while the map lives.
 */
#include <stdlib.h>

#include "design.h"
#include "syncmap.h"

static void *syncmap_create(size_t nkeys)
{
    struct Map *m = malloc(sizeof(*m));

    (void)nkeys;
    if (m)
        syncmap_init(m);
    return m;
}

static void syncmap_destroy(void *map)
{
    syncmap_free(map);
    free(map);
}

static bool syncmap_load(void *map, uint64_t key, uint64_t *value)
{
    return Map_Load(map, key, value);
}

static void syncmap_store(void *map, uint64_t key, uint64_t value)
{
    Map_Store(map, key, value);
}

const struct design design_syncmap = {
    .name = "syncmap",
    .what = "model of Go's sync.Map (read map + dirty map + misses)",
    .create = syncmap_create,
    .destroy = syncmap_destroy,
    .load = syncmap_load,
    .store = syncmap_store,
};
