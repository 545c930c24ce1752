/*
 * bench/maps/urcu.c - the production reference: liburcu's RCU lock-free
 * resizable hash table (cds_lfht, <urcu/rculfhash.h>, liburcu-dev), with
 * the default RCU flavour (membarrier). Readers run under
 * rcu_read_lock(); every thread that uses the table registers with RCU
 * (thread_enter).
 *
 * A node holds the key and its value; a store to a present key updates
 * the value in place with an atomic store (release), a new key is added
 * with cds_lfht_add_unique. Nothing is deleted while the map is in use,
 * so no node waits for a grace period; destroy removes and frees them all.
 * The table starts with 2^k buckets, at least one per key, and may resize
 * itself (CDS_LFHT_AUTO_RESIZE), as a production table would be set up.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include <urcu.h>
#include <urcu/rculfhash.h>

#include "design.h"

struct unode {
    struct cds_lfht_node node;
    uint64_t key;
    _Atomic uint64_t val;
};

static int match(struct cds_lfht_node *node, const void *key)
{
    const struct unode *n = caa_container_of(node, struct unode, node);

    return n->key == *(const uint64_t *)key;
}

static void *urcu_create(size_t nkeys)
{
    unsigned long n = 1;

    while (n < nkeys)
        n <<= 1;
    return cds_lfht_new(n, 1, 0, CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING,
                        NULL);
}

/* Called by a registered thread, outside any read-side section. */
static void urcu_destroy(void *map)
{
    struct cds_lfht *ht = map;
    struct cds_lfht_iter iter;
    struct unode *n;

    rcu_read_lock();
    cds_lfht_for_each_entry(ht, &iter, n, node)
    {
        if (!cds_lfht_del(ht, &n->node))
            free(n); /* no reader left: no grace period to wait for */
    }
    rcu_read_unlock();
    cds_lfht_destroy(ht, NULL);
}

static struct unode *lookup(struct cds_lfht *ht, uint64_t key)
{
    struct cds_lfht_iter iter;
    struct cds_lfht_node *node;

    cds_lfht_lookup(ht, design_hash(key), match, &key, &iter);
    node = cds_lfht_iter_get_node(&iter);
    return node ? caa_container_of(node, struct unode, node) : NULL;
}

static bool urcu_load(void *map, uint64_t key, uint64_t *value)
{
    struct unode *n;

    rcu_read_lock();
    n = lookup(map, key);
    *value = n ? atomic_load_explicit(&n->val, memory_order_acquire) : 0;
    rcu_read_unlock();
    return n != NULL;
}

static void urcu_store(void *map, uint64_t key, uint64_t value)
{
    struct cds_lfht *ht = map;
    struct unode *n, *fresh;
    struct cds_lfht_node *got;

    rcu_read_lock();
    n = lookup(ht, key);
    if (!n) {
        fresh = malloc(sizeof(*fresh));
        if (!fresh)
            abort();
        cds_lfht_node_init(&fresh->node);
        fresh->key = key;
        atomic_init(&fresh->val, value);
        got = cds_lfht_add_unique(ht, design_hash(key), match, &key,
                                  &fresh->node);
        if (got == &fresh->node) {
            rcu_read_unlock();
            return;
        }
        free(fresh); /* another thread added the key first */
        n = caa_container_of(got, struct unode, node);
    }
    atomic_store_explicit(&n->val, value, memory_order_release);
    rcu_read_unlock();
}

static void urcu_enter(void)
{
    rcu_register_thread();
}

static void urcu_exit(void)
{
    rcu_unregister_thread();
}

const struct design design_urcu = {
    .name = "urcu-lfht",
    .what = "liburcu's RCU lock-free hash table (cds_lfht), readers under "
            "rcu_read_lock",
    .create = urcu_create,
    .destroy = urcu_destroy,
    .load = urcu_load,
    .store = urcu_store,
    .thread_enter = urcu_enter,
    .thread_exit = urcu_exit,
};
