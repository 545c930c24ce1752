/*
 * map-op-pairs, fixed: the six pairs of the racy variants, each call
 * under one mutex (Go: sync.Mutex; a sync.RWMutex with RLock around the
 * reads works the same).
 *
 * Go:
 *
 *     mu.Lock()
 *     n := len(m)
 *     mu.Unlock()
 *
 *     mu.Lock()
 *     delete(m, 1)
 *     mu.Unlock()
 *
 * For each pair, two threads: one makes the first call, the other the
 * second, each holding the lock, on a map of the pair's own (empty, or
 * four keys). The lock orders the two calls: no detector reports anything
 * and go -race is silent, as it is for the same program in Go.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"

enum {
    npairs = 6,
    nkeys = 4,
};

/* Which call a thread makes. */
enum op { LEN, LOOKUP, RANGE, DELETE1, DELETE2, DELETE_ABSENT, UPDATE };

struct pair {
    const char *name;
    int full; /* the map has nkeys keys; else it is empty */
    enum op op[2];
};

static const struct pair pairs[npairs] = {
    {"len / delete, empty map", 0, {LEN, DELETE1}},
    {"len / update of a present key", 1, {LEN, UPDATE}},
    {"len / delete of an absent key", 1, {LEN, DELETE_ABSENT}},
    {"delete / delete, empty map", 0, {DELETE1, DELETE2}},
    {"lookup / delete, empty map", 0, {LOOKUP, DELETE1}},
    {"range / delete, empty map", 0, {RANGE, DELETE1}},
};

/* Non-static: clang renames static objects at -O1. */
struct hmap *maps[npairs];
pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
uint64_t sinks[npairs][2]; /* one per thread */

/* mu.Lock(); <the call>; mu.Unlock() */
static __attribute__((noinline)) uint64_t call(struct hmap *m, enum op op)
{
    struct hiter it;
    uint64_t sink = 0;

    pthread_mutex_lock(&mu);
    switch (op) {
    case LEN:
        sink = (uint64_t)maplen(m); /* RACE: len(m) */
        break;
    case LOOKUP:
        sink = *mapaccess1(m, 1); /* RACE: v := m[1] on the empty map */
        break;
    case RANGE:
        mapiterinit(m, &it); /* RACE: range m on the empty map */
        for (; it.key != NULL; mapiternext(&it))
            sink += *it.elem;
        break;
    case DELETE1:
        mapdelete(m, 1); /* RACE: delete(m, 1) on the empty map */
        break;
    case DELETE2:
        mapdelete(m, 2); /* RACE: delete(m, 2) on the empty map */
        break;
    case DELETE_ABSENT:
        mapdelete(m, 99); /* RACE: delete(m, 99), key 99 absent */
        break;
    case UPDATE:
        mapstore(m, 1, 10); /* RACE: m[1] = 10, key 1 present */
        break;
    }
    pthread_mutex_unlock(&mu);
    return sink;
}

struct job {
    int pair, side;
};

static void *goroutine(void *arg)
{
    const struct job *j = arg;

    sinks[j->pair][j->side] = call(maps[j->pair], pairs[j->pair].op[j->side]);
    return NULL;
}

int main(void)
{
    pthread_t t[npairs][2];
    struct job jobs[npairs][2];

    for (int p = 0; p < npairs; p++) {
        maps[p] = makemap(0);
        if (pairs[p].full)
            for (uint64_t k = 1; k <= nkeys; k++)
                mapstore(maps[p], k, k);
    }
    for (int p = 0; p < npairs; p++)
        for (int s = 0; s < 2; s++) {
            jobs[p][s] = (struct job){p, s};
            if (pthread_create(&t[p][s], NULL, goroutine, &jobs[p][s])) {
                fprintf(stderr, "pthread_create failed\n");
                return 1;
            }
        }
    for (int p = 0; p < npairs; p++)
        for (int s = 0; s < 2; s++)
            pthread_join(t[p][s], NULL);
    for (int p = 0; p < npairs; p++) {
        printf("%s: len(m) = %lld\n", pairs[p].name,
               (long long)maplen(maps[p]));
        mapfree(maps[p]);
    }
    printf("no fatal error\n");
    return 0;
}
