/*
 * map-key-copy, racy: the map is locked correctly, but the key struct a
 * lookup copies is written by another goroutine with no lock. The race is
 * on the key object, not in the map.
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
 * look that up. The copy goes through typedmemmove(), out of line, with a
 * size the compiler does not see, so that it is a call of the C library's
 * memcpy, which ThreadSanitizer intercepts. A memcpy of constant size in
 * place would be expanded inline by gcc 12 with -fsanitize=thread -O1,
 * with no TSan call, and tsan-gcc would not see the race
 * (racy-inline-copy.c shows that).
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

/* Go's typedmemmove(typ, dst, src): a copy of typ.size bytes, out of
 * line. noipa: gcc must not see the constant size at the call. */
#if defined(__clang__)
__attribute__((noinline))
#else
__attribute__((noipa))
#endif
static void
typedmemmove(void *dst, const void *src, size_t size)
{
    memcpy(dst, src, size);
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
    typedmemmove(&k, &current, sizeof(k)); /* RACE: quotas[current] */
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
