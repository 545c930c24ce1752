/*
 * lockfree-cas-publish, racy: a "lock-free" map whose insert is a CAS on
 * the bucket head but whose lookup walks the bucket list with plain loads.
 *
 * Go original (the shape of many hand-rolled lock-free maps):
 *
 *     type node struct {
 *             key, val uint64
 *             next     *node
 *     }
 *     type lfmap struct{ buckets [8]unsafe.Pointer } // *node
 *
 *     func (m *lfmap) insert(k, v uint64) {
 *             b := &m.buckets[k%8]
 *             n := &node{key: k, val: v}
 *             for {
 *                     old := atomic.LoadPointer(b)
 *                     n.next = (*node)(old)
 *                     if atomic.CompareAndSwapPointer(b, old, unsafe.Pointer(n)) {
 *                             return
 *                     }
 *             }
 *     }
 *
 *     func (m *lfmap) lookup(k uint64) (uint64, bool) {
 *             for n := (*node)(m.buckets[k%8]); n != nil; n = n.next { // plain loads
 *                     if n.key == k {
 *                             return n.val, true
 *                     }
 *             }
 *             return 0, false
 *     }
 *
 * The writer's CAS is a release, but a release only orders something for
 * a reader that *acquires* the same word. lookup() loads the bucket head
 * and every `next` with plain loads: nothing orders the writer's
 * initialisation of the node (n.key, n.val, n.next) before the reader's
 * reads of the same fields. On x86 the stores still become visible in
 * order, so it "works"; by the C11 and Go memory models it is a data race,
 * and on a weakly ordered CPU (arm64, POWER) the reader can follow the new
 * pointer and read a node whose fields are not there yet.
 *
 * The CAS is written with GCC's __atomic builtins (what C11's
 * atomic_compare_exchange compiles to) so that the same words can also be
 * read plainly, as the Go code does; C11 _Atomic objects cannot be.
 *
 * Threads: two writers insert disjoint keys into the same buckets (the
 * reason for the CAS); one reader looks up the first writer's keys.
 * Forced (MAPRACE_FORCE=1): the reader waits, with no happens-before edge,
 * until writer 1 has published its first node, so that every run the
 * reader follows a pointer to a node another thread initialised.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "window.h"

enum { nbuckets = 8, nkeys = 64 };

/* Go's atomic.LoadPointer and atomic.CompareAndSwapPointer (sequentially
 * consistent, as all of Go's atomics). */
#define LOAD(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define CAS(p, old, new)                                                       \
    __atomic_compare_exchange_n((p), (old), (new), false, __ATOMIC_SEQ_CST,    \
                                __ATOMIC_SEQ_CST)

struct node {
    uint64_t key, val;
    struct node *next;
};

/* The map: one list head per bucket. Non-static: clang renames static
 * objects at -O1 and the reports would name 'table.0'. */
struct lfmap {
    struct node *buckets[nbuckets];
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
    struct node **b = &m->buckets[k % nbuckets];

    n->key = k; /* RACE: initialise the node (key) */
    n->val = v; /* RACE: initialise the node (val) */
    for (;;) {
        struct node *old = LOAD(b);
        n->next = old;       /* RACE: initialise the node (next) */
        if (CAS(b, &old, n)) /* RACE: publish the node */
            return;
    }
}

static __attribute__((noinline)) bool lookup(struct lfmap *m, uint64_t k,
                                             uint64_t *v)
{
    struct node *n = m->buckets[k % nbuckets]; /* RACE: plain load of head */

    for (; n; n = n->next) { /* RACE: plain load of next */
        if (n->key == k) {   /* RACE: read key */
            *v = n->val;     /* RACE: read val */
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
