/*
 * bench/maps/lockfree.c - the lock-free map of the article's 4.3, fixed as
 * in cases/lockfree-cas-publish/fixed.c: a fixed array of bucket heads,
 * each a list of nodes published by a compare-and-swap with release
 * order; lookups load heads and next pointers with acquire order.
 *
 * What the article's prototype lacks and a map needs, added here:
 *  - buckets (the article has one list head for the whole map): 2^k heads,
 *    at least one per key the map is created for; the table never grows;
 *  - a store to a key that is present updates the node's value in place
 *    (an atomic store, release); only a new key adds a node, so the list
 *    does not grow with every store;
 *  - a node is linked to the old head before the CAS (the case's bug,
 *    fixed in fixed.c).
 * Nodes are never removed (no delete), so no reclamation scheme is needed
 * while the map is in use; destroy frees them.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "design.h"

struct node {
    uint64_t key;
    _Atomic uint64_t val;
    struct node *_Atomic next;
};

struct lfmap {
    uint64_t mask;
    struct node *_Atomic *buckets;
};

static void *lockfree_create(size_t nkeys)
{
    struct lfmap *m = malloc(sizeof(*m));
    size_t n = 1;

    if (!m)
        return NULL;
    while (n < nkeys)
        n <<= 1;
    m->mask = n - 1;
    m->buckets = calloc(n, sizeof(*m->buckets));
    if (!m->buckets) {
        free(m);
        return NULL;
    }
    return m;
}

static void lockfree_destroy(void *map)
{
    struct lfmap *m = map;

    for (uint64_t i = 0; i <= m->mask; i++) {
        struct node *n =
            atomic_load_explicit(&m->buckets[i], memory_order_relaxed);
        while (n) {
            struct node *next =
                atomic_load_explicit(&n->next, memory_order_relaxed);
            free(n);
            n = next;
        }
    }
    free(m->buckets);
    free(m);
}

static struct node *find(struct node *n, uint64_t key)
{
    for (; n; n = atomic_load_explicit(&n->next, memory_order_acquire))
        if (n->key == key)
            return n;
    return NULL;
}

static bool lockfree_load(void *map, uint64_t key, uint64_t *value)
{
    struct lfmap *m = map;
    struct node *_Atomic *b = &m->buckets[design_hash(key) & m->mask];
    struct node *n = find(atomic_load_explicit(b, memory_order_acquire), key);

    if (!n) {
        *value = 0;
        return false;
    }
    *value = atomic_load_explicit(&n->val, memory_order_acquire);
    return true;
}

static void lockfree_store(void *map, uint64_t key, uint64_t value)
{
    struct lfmap *m = map;
    struct node *_Atomic *b = &m->buckets[design_hash(key) & m->mask];
    struct node *fresh = NULL;

    for (;;) {
        struct node *head = atomic_load_explicit(b, memory_order_acquire);
        struct node *n = find(head, key);

        if (n) {
            atomic_store_explicit(&n->val, value, memory_order_release);
            free(fresh); /* another thread added the key first */
            return;
        }
        if (!fresh) {
            fresh = malloc(sizeof(*fresh));
            if (!fresh)
                abort();
            fresh->key = key;
        }
        atomic_store_explicit(&fresh->val, value, memory_order_relaxed);
        atomic_store_explicit(&fresh->next, head, memory_order_relaxed);
        if (atomic_compare_exchange_strong_explicit(
                b, &head, fresh, memory_order_release, memory_order_relaxed))
            return;
        /* the head moved: look again, the key may have been added */
    }
}

const struct design design_lockfree = {
    .name = "lockfree",
    .what = "article 4.3's CAS-published lists, fixed (acquire loads, "
            "release CAS), 2^k buckets, in-place value update",
    .create = lockfree_create,
    .destroy = lockfree_destroy,
    .load = lockfree_load,
    .store = lockfree_store,
};
