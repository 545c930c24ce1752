/*
 * map-len-exists, racy-exists: `_, ok := m[k]`, "only a membership
 * test", while another goroutine inserts.
 *
 * Go original (a permission check next to the code that fills the map):
 *
 *     sessions := map[uint64]uint64{}
 *     go func() { // logins
 *             for i := uint64(0); i < n; i++ {
 *                     sessions[id(i)] = i
 *             }
 *     }()
 *     go func() { // checker
 *             for i := 0; i < rounds; i++ {
 *                     if _, ok := sessions[admin]; !ok {
 *                             deny()
 *                     }
 *             }
 *     }()
 *
 * `_, ok := m[k]` is mapaccess2 (mapaccess2_fast64 for uint64 keys): it
 * reads h.flags to check hashWriting, then h.B, h.buckets and the slots,
 * all of which mapassign writes. Unlike len(m), mapaccess2 has Go's check:
 * if it runs while mapassign has hashWriting set, Go throws "concurrent map
 * read and map write". Discarding the value does not make it a lesser
 * read.
 *
 * Threads: logins (role 1) inserts, the checker (role 2) tests
 * membership.
 * Forced (MAPRACE_FORCE=1): the checker's first lookup waits, before the
 * check, until a login is inside mapassign with hashWriting set; the login
 * stays there until the checker is past the check, which it never is.
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
    checker_role = 2,
};

/* Non-static: clang renames static objects at -O1. */
struct hmap *sessions;
int denied;

/* sessions[id] = v */
static __attribute__((noinline)) void login(uint64_t id, uint64_t v)
{
    mapstore(sessions, id, v); /* RACE: write sessions[id] */
}

/* _, ok := sessions[id] */
static __attribute__((noinline)) bool logged_in(uint64_t id)
{
    bool ok;

    mapaccess2(sessions, id, &ok); /* RACE: _, ok := sessions[id] */
    return ok;
}

static void *logins(void *arg)
{
    window_role(logins_role);
    for (uint64_t i = 0; i < nlogins; i++)
        login(1000 + i, i);
    return NULL;
}

static void *checker(void *arg)
{
    window_role(checker_role);
    for (int i = 0; i < rounds; i++)
        if (!logged_in(admin))
            denied++;
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* the checker's first lookup waits, before the check, until a
         * login is inside mapassign with hashWriting set */
        {checker_role, W_MAPACCESS_ENTRY, logins_role, W_MAPASSIGN_WRITING},
        /* the login stays there until the checker is past the check */
        {logins_role, W_MAPASSIGN_WRITING, checker_role, W_MAPACCESS},
    };
    pthread_t l, c;

    sessions = makemap(0);
    for (uint64_t id = 1; id <= nsessions; id++)
        mapstore(sessions, id, id);

    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
    if (pthread_create(&l, NULL, logins, NULL) ||
        pthread_create(&c, NULL, checker, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(l, NULL);
    pthread_join(c, NULL);
    printf("%d membership tests, %d denied; no fatal error\n", rounds, denied);
    mapfree(sessions);
    return 0;
}
