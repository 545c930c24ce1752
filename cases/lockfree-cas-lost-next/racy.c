/*
 * lockfree-cas-lost-next, racy: the behaviour of the lock-free map of the
 * article's section 4.3. Store makes a node and swings the list head to it
 * with compare-and-swap, but never links the node to the old head: each
 * Store drops the whole list, and the map holds one key, whatever was.
 *
 * Go (racy.go beside this file is the full program, our own code):
 *
 *     type entry struct {
 *             k    uint64
 *             v    unsafe.Pointer
 *             link unsafe.Pointer // never set
 *     }
 *     type list struct{ top unsafe.Pointer }
 *
 *     func (l *list) put(k, v uint64) {
 *             for {
 *                     seen := atomic.LoadPointer(&l.top)
 *                     e := &entry{k: k, v: unsafe.Pointer(&v)}
 *                     if atomic.CompareAndSwapPointer(&l.top, seen, unsafe.Pointer(e)) {
 *                             return
 *                     }
 *             }
 *     }
 *
 * Is it a data race? No. The head is only touched by atomic loads and
 * CAS; a node is written by the one goroutine that made it, before the CAS
 * that publishes it, and read here only by main after both writers are
 * joined. The bug is a lost update of the list, not unordered memory
 * access: ThreadSanitizer, Helgrind and DRD see nothing, by design
 * (known misses, measured). The native run shows the damage: after 128
 * Stores of 128 different keys, one key is in the map.
 *
 * The CAS and the load are GCC's __atomic builtins with sequentially
 * consistent order (Go's atomics are), on plain pointers as in Go. Nodes
 * come from a preallocated pool (Go allocates each on the heap); the pool
 * lets main free them all.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum { nkeys = 64, nwriters = 2 };

struct node {
    uint64_t key, value;
    struct node *next; /* never set by Store */
};

/* Non-static: clang renames static objects at -O1. */
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
        n->value = value; /* RACE: initialise the node (value); next: never */
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
