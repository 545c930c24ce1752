/*
 * map-key-copy, racy-inline-copy: racy.c with the key copied by
 * memcpy(dst, &current, sizeof(*dst)) into the caller's buffer, instead
 * of the out-of-line typedmemmove() with a size the compiler does not
 * see. The race is the same; what changes is what gcc's ThreadSanitizer
 * can see.
 *
 * gcc 12 with -fsanitize=thread -O1 expands a memcpy of constant size
 * through a pointer inline (here SSE moves for 72 bytes; `rep movsq` for
 * large ones) and emits no __tsan_* call for it, so tsan-gcc has no record
 * of the read and reports nothing: a known miss (case.ini). A copy gcc
 * can see as a struct assignment (`k = current`, or a memcpy between two
 * named objects) does not have this problem: gcc instruments it with
 * __tsan_read_range and __tsan_write_range. clang 14 turns the memcpy into
 * a call of memcpy, which TSan intercepts, and Helgrind and DRD see the
 * loads themselves: they all report the race.
 *
 * racy.c:
 *
 * Go original (a "current user" kept in a package variable):
 *
 *     type Key struct {
 *             Tenant [8]uint64
 *             ID     uint64
 *     }
 *     var current Key // the request's user, switched by the login code
 *
 *     go func() { current.ID = next() }() // no lock: "it is not the map"
 *     go func() {
 *             mu.Lock()
 *             quota := quotas[current] // the map is locked
 *             mu.Unlock()
 *     }()
 *
 * `quotas[current]` copies the key: Go passes a pointer to it to
 * mapaccess1, which hashes and compares the 72 bytes (Go's race detector
 * records that read: raceReadObjectPC in runtime/map.go), and the compiler
 * may first copy it to a temporary. The login code writes current.ID with
 * no lock. The map's lock orders the map operations among themselves, and
 * nothing orders the write of current.ID against the copy: a data race on
 * `current`, whichever lock the map has.
 *
 * The model's keys are uint64 (model/map.h), so the lookup copies the key
 * struct, as Go's runtime reads it, and folds the copy into one word to
 * look that up.
 *
 * No window plan: nothing orders the two threads, so every detector sees
 * the race in every run.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "map.h"

enum {
    nusers = 4,
    rounds = 1000,
};

/* Go: type Key struct { Tenant [8]uint64; ID uint64 } */
struct key {
    uint64_t tenant[8];
    uint64_t id;
};

/* Non-static: clang renames static objects at -O1. */
struct hmap *quotas;
pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
struct key current; /* the shared key object */
uint64_t total;

/* The lookup's copy of the key into the caller's buffer, by memcpy of a
 * constant size through a pointer: what gcc expands inline. noipa keeps
 * gcc from merging it into the caller, where the copy into a local would
 * become a struct assignment (which gcc does instrument). */
#if defined(__clang__)
__attribute__((noinline))
#else
__attribute__((noipa))
#endif
static void
copy_key(struct key *dst)
{
    memcpy(dst, &current, sizeof(*dst)); /* RACE: quotas[current] */
}

/* The model's key for a Key (its keys are uint64): FNV-1a of its words. */
static uint64_t keyword(const struct key *k)
{
    uint64_t h = 14695981039346656037u;

    for (int i = 0; i < 8; i++)
        h = (h ^ k->tenant[i]) * 1099511628211u;
    return (h ^ k->id) * 1099511628211u;
}

/* current.ID = id */
static __attribute__((noinline)) void switch_user(uint64_t id)
{
    current.id = id; /* RACE: current.ID = id (the key object) */
}

/* mu.Lock(); q := quotas[current]; mu.Unlock() */
static __attribute__((noinline)) uint64_t quota_of_current(void)
{
    struct key k;
    uint64_t q;

    pthread_mutex_lock(&mu);
    copy_key(&k);
    q = *mapaccess1(quotas, keyword(&k));
    pthread_mutex_unlock(&mu);
    return q;
}

static void *login(void *arg)
{
    for (int i = 0; i < rounds; i++)
        switch_user((uint64_t)i % nusers);
    return NULL;
}

static void *handler(void *arg)
{
    for (int i = 0; i < rounds; i++)
        total += quota_of_current();
    return NULL;
}

int main(void)
{
    pthread_t l, h;
    struct key k = {.tenant = {7}};

    quotas = makemap(0);
    for (uint64_t id = 0; id < nusers; id++) {
        k.id = id;
        mapstore(quotas, keyword(&k), 100 + id);
    }
    current = k;

    if (pthread_create(&l, NULL, login, NULL) ||
        pthread_create(&h, NULL, handler, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(l, NULL);
    pthread_join(h, NULL);
    printf("%d lookups; no fatal error\n", rounds);
    mapfree(quotas);
    return 0;
}
