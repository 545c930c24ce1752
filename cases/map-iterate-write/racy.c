/*
 * map-iterate-write, racy: one goroutine ranges over a map while another
 * writes it.
 *
 * Go original: runtime/testdata/testprog/map.go, concurrentMapIterateWrite
 * (the program Go's own crash tests run to see the fatal error):
 *
 *     go func() {
 *             for i := 0; i < 10000; i++ {
 *                     m[5] = 0
 *                     runtime.Gosched()
 *             }
 *             c <- struct{}{}
 *     }()
 *     go func() {
 *             for i := 0; i < 10000; i++ {
 *                     for range m {
 *                     }
 *                     runtime.Gosched()
 *             }
 *             c <- struct{}{}
 *     }()
 *
 * Here the map holds bank accounts, so that what the range computes can be
 * checked (the three variants of this case share the shape):
 *
 *     go func() { // the auditor
 *             for i := 0; i < rounds; i++ {
 *                     total := 0
 *                     for _, v := range accounts {
 *                             total += v
 *                     }
 *                     if total != want { fmt.Println("torn snapshot: ...") }
 *             }
 *     }()
 *     go func() { // the bank: one transaction moves 10 from every even
 *             for i := 0; i < rounds; i++ { // account to the next one
 *                     for a := 0; a < naccounts; a += 2 {
 *                             accounts[a] -= 10
 *                             accounts[a+1] += 10
 *                     }
 *             }
 *     }()
 *
 * mapiternext reads h->flags to check for a writer and reads the bucket
 * slots; mapassign flips hashWriting in h->flags and writes the slots. No
 * lock orders the two: h->flags, the elems and the range's reads race.
 *
 * Threads: the bank (role 1) writes, the auditor (role 2) ranges.
 * Forced (MAPRACE_FORCE=1): the auditor's first mapiternext (the one
 * mapiterinit makes) waits before Go's check until the bank is inside
 * mapassign with hashWriting set; the bank stays there until the auditor is
 * past the check, which it never is: "concurrent map iteration and map
 * write".
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"
#include "window.h"

enum {
    naccounts = 8,
    balance = 1000, /* each account's opening balance */
    rounds = 1000,
    bank_role = 1,
    auditor_role = 2,
};

/* Non-static: clang renames static objects at -O1. */
struct hmap *accounts;

/* One transaction: 10 from every even account to the next one. The total
 * does not change. */
static __attribute__((noinline)) void transact(void)
{
    for (uint64_t a = 0; a < naccounts; a += 2) {
        *mapassign(accounts, a) -= 10;     /* RACE: write accounts[a] */
        *mapassign(accounts, a + 1) += 10; /* RACE: write accounts[a+1] */
    }
}

/* total := 0; for _, v := range accounts { total += v } */
static __attribute__((noinline)) uint64_t audit(void)
{
    struct hiter it;
    uint64_t total = 0;

    for (mapiterinit(accounts, &it); it.key; /* RACE: range accounts */
         mapiternext(&it))                   /* RACE: range accounts */
        total += *it.elem;                   /* RACE: read v */
    return total;
}

static void *bank(void *arg)
{
    window_role(bank_role);
    for (int i = 0; i < rounds; i++) {
        transact();
        sched_yield(); /* runtime.Gosched() */
    }
    return NULL;
}

static void *auditor(void *arg)
{
    const uint64_t want = (uint64_t)naccounts * balance;

    window_role(auditor_role);
    for (int i = 0; i < rounds; i++) {
        uint64_t total = audit();

        if (total != want)
            printf("torn snapshot: total %llu, want %llu\n",
                   (unsigned long long)total, (unsigned long long)want);
        sched_yield(); /* runtime.Gosched() */
    }
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* the auditor's first mapiternext waits, before the check, until
         * the bank is inside mapassign with hashWriting set */
        {auditor_role, W_MAPITERNEXT_ENTRY, bank_role, W_MAPASSIGN_WRITING},
        /* the bank stays inside until the auditor is past the check */
        {bank_role, W_MAPASSIGN_WRITING, auditor_role, W_MAPITERNEXT},
    };
    pthread_t b, a;

    accounts = makemap(naccounts);
    for (uint64_t k = 0; k < naccounts; k++)
        mapstore(accounts, k, balance);

    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
    if (pthread_create(&b, NULL, bank, NULL) ||
        pthread_create(&a, NULL, auditor, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(b, NULL);
    pthread_join(a, NULL);
    printf("%d audits during %d transactions, no fatal error\n", rounds,
           rounds);
    mapfree(accounts);
    return 0;
}
