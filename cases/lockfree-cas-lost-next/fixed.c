/*
 * lockfree-cas-lost-next, fixed: the article's section 4.3 map with the
 * one line it lacks: the new node points to the old head before the CAS
 * publishes it. Every Store pushes its node; no key is lost.
 *
 * Go (fixed.go beside this file is the full program):
 *
 *     for {
 *             seen := atomic.LoadPointer(&l.top)
 *             e := &entry{k: k, v: unsafe.Pointer(&v), link: seen}
 *             if atomic.CompareAndSwapPointer(&l.top, seen, unsafe.Pointer(e)) {
 *                     return
 *             }
 *     }
 *
 * When the CAS fails, another Store got in between: the loop loads the new
 * head and links to that. A node is still only written by its own
 * goroutine before the CAS, and read by main after the joins: no data
 * race, and every detector stays silent. (A Load running at the same
 * time as the Stores must read the head and each next with atomic loads:
 * that is the lockfree-cas-publish case.)
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum { nkeys = 64, nwriters = 2 };

struct node {
    uint64_t key, value;
    struct node *next;
};

struct lockFreeMap {
    struct node *head;
} table;
struct node nodes[nwriters * nkeys];

static __attribute__((noinline)) void
Store(struct lockFreeMap *m, struct node *n, uint64_t key, uint64_t value)
{
    for (;;) {
        struct node *old = __atomic_load_n(&m->head, __ATOMIC_SEQ_CST);

        n->key = key;     /* RACE: initialise the node (key) */
        n->value = value; /* RACE: initialise the node (value) */
        n->next = old;    /* RACE: initialise the node (next) */
        if (__atomic_compare_exchange_n(&m->head, &old, n, false,
                                        __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST)) /* RACE: CAS head */
            return;
    }
}

static void *writer(void *arg)
{
    uintptr_t w = (uintptr_t)arg;

    for (uint64_t i = 0; i < nkeys; i++) {
        uint64_t k = w * 1000 + i; /* writer 0: 0..63, writer 1: 1000..1063 */
        Store(&table, &nodes[w * nkeys + i], k, k * 10);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[nwriters];
    int found = 0;

    for (uintptr_t w = 0; w < nwriters; w++)
        if (pthread_create(&t[w], NULL, writer, (void *)w)) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    for (int w = 0; w < nwriters; w++)
        pthread_join(t[w], NULL);
    for (struct node *n = table.head; n; n = n->next)
        found++;
    printf("keys in the map after %d Stores: %d of %d\n", nwriters * nkeys,
           found, nwriters * nkeys);
    return 0;
}
