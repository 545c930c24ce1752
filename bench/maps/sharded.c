/*
 * bench/maps/sharded.c - the article's 4.2 sharded map: the key's hash
 * picks one of N shards, each a model map (model/map.h) behind its own
 * pthread mutex (the shape of cases/sharded-false-sharing and of
 * github.com/orcaman/concurrent-map). Four designs: 16 or 64 shards,
 * unpadded or padded.
 *
 * Unpadded, a shard is its lock and its map pointer (48 bytes on x86-64
 * glibc), the shards one after another in one array: neighbouring shards
 * share a cache line, so a thread locking shard i invalidates the line of
 * the thread working on shard i+1 (false sharing). Padded, each shard
 * starts a 64-byte line of its own. Everything else is the same.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"
#include "map.h"

enum { cacheline = 64 };

struct shard {
    pthread_mutex_t mu;
    struct hmap *m;
};

struct sharded {
    uint64_t mask;  /* nshards - 1 (a power of two) */
    size_t stride;  /* bytes from one shard to the next */
    char *shards;   /* nshards shards, stride bytes apart */
    size_t nshards; /* for destroy */
};

static struct shard *shard_of(struct sharded *s, uint64_t key)
{
    return (struct shard *)(s->shards +
                            (design_hash(key) & s->mask) * s->stride);
}

static void *sharded_create(size_t nkeys, size_t nshards, size_t stride)
{
    struct sharded *s = malloc(sizeof(*s));

    if (!s)
        return NULL;
    s->shards = aligned_alloc(cacheline, nshards * stride);
    if (!s->shards) {
        free(s);
        return NULL;
    }
    memset(s->shards, 0, nshards * stride);
    s->mask = nshards - 1;
    s->stride = stride;
    s->nshards = nshards;
    for (size_t i = 0; i < nshards; i++) {
        struct shard *sh = (struct shard *)(s->shards + i * stride);
        pthread_mutex_init(&sh->mu, NULL);
        sh->m = makemap((int64_t)(nkeys / nshards + 1));
    }
    return s;
}

static size_t padded(void)
{
    return (sizeof(struct shard) + cacheline - 1) / cacheline * cacheline;
}

static void *create16(size_t nkeys)
{
    return sharded_create(nkeys, 16, sizeof(struct shard));
}

static void *create16_pad(size_t nkeys)
{
    return sharded_create(nkeys, 16, padded());
}

static void *create64(size_t nkeys)
{
    return sharded_create(nkeys, 64, sizeof(struct shard));
}

static void *create64_pad(size_t nkeys)
{
    return sharded_create(nkeys, 64, padded());
}

static void sharded_destroy(void *map)
{
    struct sharded *s = map;

    for (size_t i = 0; i < s->nshards; i++) {
        struct shard *sh = (struct shard *)(s->shards + i * s->stride);
        mapfree(sh->m);
        pthread_mutex_destroy(&sh->mu);
    }
    free(s->shards);
    free(s);
}

static bool sharded_load(void *map, uint64_t key, uint64_t *value)
{
    struct shard *sh = shard_of(map, key);
    bool ok;

    pthread_mutex_lock(&sh->mu);
    *value = *mapaccess2(sh->m, key, &ok);
    pthread_mutex_unlock(&sh->mu);
    return ok;
}

static void sharded_store(void *map, uint64_t key, uint64_t value)
{
    struct shard *sh = shard_of(map, key);

    pthread_mutex_lock(&sh->mu);
    mapstore(sh->m, key, value);
    pthread_mutex_unlock(&sh->mu);
}

const struct design design_shard16 = {
    .name = "shard16",
    .what = "16 shards, model map + mutex each, 48-byte shards (unpadded)",
    .create = create16,
    .destroy = sharded_destroy,
    .load = sharded_load,
    .store = sharded_store,
};

const struct design design_shard16_pad = {
    .name = "shard16-pad",
    .what = "16 shards, model map + mutex each, padded to 64 bytes",
    .create = create16_pad,
    .destroy = sharded_destroy,
    .load = sharded_load,
    .store = sharded_store,
};

const struct design design_shard64 = {
    .name = "shard64",
    .what = "64 shards, model map + mutex each, 48-byte shards (unpadded)",
    .create = create64,
    .destroy = sharded_destroy,
    .load = sharded_load,
    .store = sharded_store,
};

const struct design design_shard64_pad = {
    .name = "shard64-pad",
    .what = "64 shards, model map + mutex each, padded to 64 bytes",
    .create = create64_pad,
    .destroy = sharded_destroy,
    .load = sharded_load,
    .store = sharded_store,
};
