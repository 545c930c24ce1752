/*
 * map-len-exists, fixed: len(m) and `_, ok := m[k]` take the read lock,
 * like any other read of the map.
 *
 * Go:
 *
 *     mu.Lock()
 *     sessions[id(i)] = i
 *     mu.Unlock()
 *
 *     mu.RLock()
 *     n := len(sessions)
 *     _, ok := sessions[admin]
 *     mu.RUnlock()
 *
 * "It only reads one word" and "I throw the value away" are not
 * exceptions: both read memory that mapassign writes. Under the lock, no
 * detector reports anything and Go's check never fires.
 *
 * No window plan: the racy variants' plans would make the reader wait,
 * holding the read lock, for a write that cannot start.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"
#include "window.h"

enum {
    nsessions = 8, /* sessions open before the race; 1 is the admin */
    nlogins = 10000,
    rounds = 10000,
    admin = 1,
    logins_role = 1,
    reader_role = 2,
};

/* Non-static: clang renames static objects at -O1. */
struct hmap *sessions;
pthread_rwlock_t mu = PTHREAD_RWLOCK_INITIALIZER;
int64_t active; /* the metric */
int denied;

/* mu.Lock(); sessions[id] = v; mu.Unlock() */
static __attribute__((noinline)) void login(uint64_t id, uint64_t v)
{
    pthread_rwlock_wrlock(&mu);
    mapstore(sessions, id, v); /* RACE: write sessions[id] (h.count++) */
    pthread_rwlock_unlock(&mu);
}

/* mu.RLock(); active.Set(len(sessions)); mu.RUnlock() */
static __attribute__((noinline)) int64_t count_sessions(void)
{
    int64_t n;

    pthread_rwlock_rdlock(&mu);
    n = maplen(sessions); /* RACE: len(sessions) reads h.count */
    pthread_rwlock_unlock(&mu);
    return n;
}

/* mu.RLock(); _, ok := sessions[id]; mu.RUnlock() */
static __attribute__((noinline)) bool logged_in(uint64_t id)
{
    bool ok;

    pthread_rwlock_rdlock(&mu);
    mapaccess2(sessions, id, &ok); /* RACE: _, ok := sessions[id] */
    pthread_rwlock_unlock(&mu);
    return ok;
}

static void *logins(void *arg)
{
    window_role(logins_role);
    for (uint64_t i = 0; i < nlogins; i++)
        login(1000 + i, i);
    return NULL;
}

static void *reader(void *arg)
{
    window_role(reader_role);
    for (int i = 0; i < rounds; i++) {
        active = count_sessions();
        if (!logged_in(admin))
            denied++;
    }
    return NULL;
}

int main(void)
{
    pthread_t l, r;

    sessions = makemap(0);
    for (uint64_t id = 1; id <= nsessions; id++)
        mapstore(sessions, id, id);

    if (pthread_create(&l, NULL, logins, NULL) ||
        pthread_create(&r, NULL, reader, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(l, NULL);
    pthread_join(r, NULL);
    printf("%d reads, last len(sessions) = %lld, %d denied; no fatal "
           "error\n",
           rounds, (long long)active, denied);
    mapfree(sessions);
    return 0;
}
