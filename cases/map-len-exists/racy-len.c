/*
 * map-len-exists, racy-len: len(m), "only a read of one word", while
 * another goroutine inserts.
 *
 * Go original (a metrics goroutine next to the code that fills the map):
 *
 *     sessions := map[uint64]uint64{}
 *     go func() { // logins
 *             for i := uint64(0); i < n; i++ {
 *                     sessions[id(i)] = i
 *             }
 *     }()
 *     go func() { // metrics
 *             for i := 0; i < rounds; i++ {
 *                     active.Set(len(sessions))
 *             }
 *     }()
 *
 * len(m) compiles to a plain load of h.count (hmap's first word; the
 * compiler inlines it, the runtime has no function for it outside reflect).
 * mapassign does h.count++ for every new key. Nothing orders the two: a
 * data race on h.count, and, unlike m[k], len(m) has no hashWriting check
 * at all. Go's runtime never notices; only a race detector can (Go's own
 * -race reports it: golang/go#20615; a program that reads len(m) during
 * writes does not crash: golang/go#71649).
 *
 * Threads: logins (role 1) inserts, metrics (role 2) reads len.
 * Forced (MAPRACE_FORCE=1): metrics' first len(sessions) waits until the
 * first login is inside mapassign with hashWriting set and h.count already
 * incremented (the elem not yet stored); the login waits until metrics
 * has read it. Every run, len() counts a half-done insert, and nothing
 * fires.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"
#include "window.h"

enum {
    nsessions = 8, /* sessions open before the race */
    nlogins = 10000,
    rounds = 10000,
    logins_role = 1,
    metrics_role = 2,
};

/* Non-static: clang renames static objects at -O1. */
struct hmap *sessions;
int64_t active; /* the metric */

/* sessions[id] = v */
static __attribute__((noinline)) void login(uint64_t id, uint64_t v)
{
    mapstore(sessions, id, v); /* RACE: write sessions[id] (h.count++) */
}

/* active.Set(len(sessions)) */
static __attribute__((noinline)) int64_t count_sessions(void)
{
    return maplen(sessions); /* RACE: len(sessions) reads h.count */
}

static void *logins(void *arg)
{
    window_role(logins_role);
    for (uint64_t i = 0; i < nlogins; i++)
        login(1000 + i, i);
    return NULL;
}

static void *metrics(void *arg)
{
    int64_t *first = arg;

    window_role(metrics_role);
    for (int i = 0; i < rounds; i++) {
        WINDOW(W_CASE_A); /* forced: wait for an insert in progress */
        active = count_sessions();
        WINDOW(W_CASE_B); /* forced: the insert may finish */
        if (i == 0)
            *first = active;
    }
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* metrics' first len() waits until a login is inside mapassign,
         * h.count already incremented */
        {metrics_role, W_CASE_A, logins_role, W_MAPASSIGN_WRITING},
        /* the login stays there until metrics has read h.count */
        {logins_role, W_MAPASSIGN_WRITING, metrics_role, W_CASE_B},
    };
    pthread_t l, mt;
    int64_t first = -1;

    sessions = makemap(0);
    for (uint64_t id = 1; id <= nsessions; id++)
        mapstore(sessions, id, id);

    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
    if (pthread_create(&l, NULL, logins, NULL) ||
        pthread_create(&mt, NULL, metrics, &first)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(l, NULL);
    pthread_join(mt, NULL);
    printf("first len(sessions) = %lld (%d open before), last = %lld; no "
           "fatal error\n",
           (long long)first, nsessions, (long long)active);
    mapfree(sessions);
    return 0;
}
