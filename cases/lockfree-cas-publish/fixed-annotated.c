/*
 * lockfree-cas-publish, fixed-annotated: fixed.c, plus the two lines
 * that tell Helgrind and DRD what ThreadSanitizer already knows.
 *
 * Valgrind's tools do not model C11 atomics (on x86 an acquire load is a
 * plain mov), so they report fixed.c's correct publication as a race.
 * helgrind.h's annotations (DRD honours them too) describe the edge:
 *  - ANNOTATE_HAPPENS_BEFORE(b) in the writer, just before the release CAS
 *    on bucket head b;
 *  - ANNOTATE_HAPPENS_AFTER(b) in the reader, just after the acquire load
 *    of b: everything sent before on b now happens before the reader.
 * The bucket heads themselves need nothing more here: neither tool
 * reported the reader's load of a head against the writer's CAS (a
 * lock-prefixed cmpxchg), not even in racy.c. Where a tool does report
 * the atomic word itself, ANNOTATE_BENIGN_RACE_SIZED(&word, size, why)
 * silences that one word.
 * The annotations are valgrind client requests: a few instructions that
 * do nothing outside valgrind, and nothing ThreadSanitizer sees.
 *
 * The `next` fields need no annotation of their own: a node's next is
 * stored before the HAPPENS_BEFORE that precedes its publication, and read
 * after the HAPPENS_AFTER of a reader that reached the node.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <valgrind/helgrind.h>

#include "window.h"

enum { nbuckets = 8, nkeys = 64 };

/* An acquire load; a relaxed store into a node nobody else sees yet; a
 * CAS that releases on success. */
#define LOAD(p) atomic_load_explicit((p), memory_order_acquire)
#define SET(p, v) atomic_store_explicit((p), (v), memory_order_relaxed)
#define CAS(p, old, new)                                                       \
    atomic_compare_exchange_weak_explicit(                                     \
        (p), (old), (new), memory_order_release, memory_order_relaxed)

struct node {
    uint64_t key, val;
    struct node *_Atomic next;
};

/* The map: one list head per bucket. Non-static: clang renames static
 * objects at -O1 and the reports would name 'table.0'. */
struct lfmap {
    struct node *_Atomic buckets[nbuckets];
};
struct lfmap table;

/* The nodes, preallocated: writer w takes nodes[w * nkeys + i]. Go
 * allocates each node on the heap; a pool keeps malloc out of the
 * reports (ThreadSanitizer may name the malloc call, not the store, as the
 * writer of a fresh block's first words). */
struct node nodes[2 * nkeys];

static __attribute__((noinline)) void insert(struct lfmap *m, struct node *n,
                                             uint64_t k, uint64_t v)
{
    struct node *_Atomic *b = &m->buckets[k % nbuckets];

    n->key = k; /* RACE: initialise the node (key) */
    n->val = v; /* RACE: initialise the node (val) */
    for (;;) {
        struct node *old = atomic_load_explicit(b, memory_order_relaxed);
        SET(&n->next, old); /* RACE: initialise the node (next) */
        ANNOTATE_HAPPENS_BEFORE(b);
        if (CAS(b, &old, n)) /* RACE: publish the node */
            return;
    }
}

static __attribute__((noinline)) bool lookup(struct lfmap *m, uint64_t k,
                                             uint64_t *v)
{
    struct node *_Atomic *b = &m->buckets[k % nbuckets];
    struct node *n = LOAD(b); /* RACE: load head */

    ANNOTATE_HAPPENS_AFTER(b);

    for (; n; n = LOAD(&n->next)) { /* RACE: load next */
        if (n->key == k) {          /* RACE: read key */
            *v = n->val;            /* RACE: read val */
            return true;
        }
    }
    return false;
}

static void *writer(void *arg)
{
    uintptr_t w = (uintptr_t)arg;
    uint64_t first = w * 1000; /* writer 0: keys 0..63, 1: 1000..1063 */

    window_role((int)w + 1);
    for (uint64_t i = 0; i < nkeys; i++) {
        insert(&table, &nodes[w * nkeys + i], first + i, (first + i) * 10);
        WINDOW(W_CASE_A); /* forced: the reader starts after the first */
    }
    return NULL;
}

static void *reader(void *arg)
{
    int *found = arg;
    uint64_t v;

    window_role(3);
    WINDOW(W_CASE_B); /* forced: wait until writer 1 published a node */
    for (uint64_t k = 0; k < nkeys; k++)
        if (lookup(&table, k, &v) && v == k * 10)
            (*found)++;
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        {3, W_CASE_B, 1, W_CASE_A},
    };
    pthread_t w1, w2, r;
    int found = 0;

    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
    if (pthread_create(&w1, NULL, writer, (void *)(uintptr_t)0) ||
        pthread_create(&w2, NULL, writer, (void *)(uintptr_t)1) ||
        pthread_create(&r, NULL, reader, &found)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(w1, NULL);
    pthread_join(w2, NULL);
    pthread_join(r, NULL);
    printf("reader found %d of %d keys while they were inserted\n", found,
           nkeys);
    return 0;
}
