/*
 * map-clone-write, racy: one goroutine assigns to a map while another
 * clones it with maps.Clone (Go 1.21), with no lock.
 *
 * Go original (racy.go):
 *
 *     m := make(map[uint64]uint64)
 *     for k := uint64(0); k < keys; k++ {
 *             m[k] = k
 *     }
 *     go func() { // the writer
 *             for i := 0; i < rounds; i++ {
 *                     m[uint64(i%keys)] = uint64(i)
 *                     runtime.Gosched()
 *             }
 *             done <- 0
 *     }()
 *     go func() { // the cloner
 *             n := 0
 *             for i := 0; i < rounds; i++ {
 *                     c := maps.Clone(m)
 *                     n += len(c)
 *                     runtime.Gosched()
 *             }
 *             done <- n
 *     }()
 *
 * maps.Clone is runtime code (mapclone): it checks hashWriting (on the
 * Swiss map: writing) once, then copies every bucket (group) of the map,
 * reading keys and values with no lock, while the writer sets and clears
 * that flag and writes slots. The flag accesses race, and so do the slot
 * reads with the slot writes.
 *
 * Threads: writer (role 1) runs m[k] = v, cloner (role 2) runs
 * maps.Clone(m). Forced (MAPRACE_FORCE=1): the cloner's first clone waits,
 * before it starts, until the writer is inside m[k] = v with hashWriting
 * set; the writer stays there until the clone is past Go's check, which
 * it never is: the check sees hashWriting and throws "concurrent map clone
 * and map write". Unforced, the check fires only when a clone starts
 * inside an assignment.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"
#include "window.h"

enum { keys = 64, rounds = 1000, role1 = 1, role2 = 2 };

/* The map both goroutines share. Non-static: clang renames static objects
 * at -O1 and the reports would name 'm.0'. */
struct hmap *m;

/* m[k] = v */
static __attribute__((noinline)) void assign(uint64_t k, uint64_t v)
{
    mapstore(m, k, v); /* RACE: write m[k] (mapassign flips the writing flag) */
}

/* c := maps.Clone(m) */
static __attribute__((noinline)) struct hmap *clone_m(void)
{
    return mapclone(m); /* RACE: maps.Clone(m) reads the flag and every slot */
}

/* go func() { for ... { m[uint64(i%keys)] = uint64(i); runtime.Gosched() } }() */
static void *writer(void *arg)
{
    window_role(role1);
    for (int i = 0; i < rounds; i++) {
        assign((uint64_t)(i % keys), (uint64_t)i);
        sched_yield(); /* runtime.Gosched() */
    }
    return NULL;
}

/* go func() { for ... { c := maps.Clone(m); n += len(c); ... } }() */
static void *cloner(void *arg)
{
    int64_t *n = arg;
    window_role(role2);
    for (int i = 0; i < rounds; i++) {
        WINDOW(W_CASE_A); /* about to clone */
        struct hmap *c = clone_m();
        *n += maplen(c);
        mapfree(c);    /* Go: the clone becomes garbage */
        sched_yield(); /* runtime.Gosched() */
    }
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* the cloner's first clone waits, before it starts, until the
         * writer is inside m[k] = v with hashWriting set */
        {role2, W_CASE_A, role1, W_MAPASSIGN_WRITING},
        /* the writer stays inside until the clone is past Go's check (if
         * the check failed to fire, this lets both go on) */
        {role1, W_MAPASSIGN_WRITING, role2, W_MAPCLONE},
    };
    pthread_t t1, t2;
    int64_t n = 0;

    m = makemap(0);
    for (uint64_t k = 0; k < keys; k++)
        mapstore(m, k, k);

    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
    if (pthread_create(&t1, NULL, writer, NULL) ||
        pthread_create(&t2, NULL, cloner, &n)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("%d clones beside %d writes, no fatal error\n", rounds, rounds);
    mapfree(m);
    return 0;
}
