/*
 * map-iterate-write, racy-lockstep: the wrong fix. The auditor takes the
 * read lock for each step of the range only, and lets it go while it works
 * on the value, "so that the bank is not held up".
 *
 * Go:
 *
 *     mu.RLock()
 *     for _, v := range accounts { // each step of the range: locked
 *             mu.RUnlock()
 *             total += v           // slow work, unlocked
 *             mu.RLock()
 *     }
 *     mu.RUnlock()
 *
 * Every access to the map is now under mu: mapiternext, the copy of v and
 * every mapassign. There is no data race left, and Go allows a map to be
 * written between two steps of a range (Go's iterator is built for it: the
 * same goroutine may do it). So no detector reports anything and Go's
 * check never fires. But a transaction of the bank can fall between two
 * steps of the same range: the audit then adds some balances from before
 * the transaction and some from after it, and the total is wrong. That is
 * a race (an atomicity violation), not a data race: ThreadSanitizer,
 * Helgrind and DRD look for two accesses to one address that nothing
 * orders, and here every pair is ordered by the lock.
 *
 * Forced (MAPRACE_FORCE=1): after the auditor's first step (lock released)
 * it waits until the bank has made one whole transaction, which the bank
 * starts only then. The transaction changes every account, so whichever
 * account the range saw first, the total is off by 10: "torn snapshot".
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
pthread_rwlock_t mu = PTHREAD_RWLOCK_INITIALIZER;

/* One transaction, under the write lock: 10 from every even account to
 * the next one. The total does not change. */
static __attribute__((noinline)) void transact(void)
{
    pthread_rwlock_wrlock(&mu);
    for (uint64_t a = 0; a < naccounts; a += 2) {
        *mapassign(accounts, a) -= 10;     /* RACE: write accounts[a] */
        *mapassign(accounts, a + 1) += 10; /* RACE: write accounts[a+1] */
    }
    pthread_rwlock_unlock(&mu);
}

/* mu.RLock(); for _, v := range accounts { mu.RUnlock(); total += v;
 * mu.RLock() }; mu.RUnlock() */
static __attribute__((noinline)) uint64_t audit(void)
{
    struct hiter it;
    uint64_t total = 0;

    pthread_rwlock_rdlock(&mu);
    for (mapiterinit(accounts, &it); it.key; /* RACE: range accounts */
         mapiternext(&it)) {                 /* RACE: range accounts */
        uint64_t v = *it.elem;               /* RACE: read v */

        pthread_rwlock_unlock(&mu);
        total += v;
        WINDOW(W_CASE_A); /* forced: a transaction happens here */
        pthread_rwlock_rdlock(&mu);
    }
    pthread_rwlock_unlock(&mu);
    return total;
}

static void *bank(void *arg)
{
    window_role(bank_role);
    for (int i = 0; i < rounds; i++) {
        WINDOW(W_CASE_C); /* forced: wait for the auditor's first step */
        transact();
        WINDOW(W_CASE_B); /* forced: the auditor may go on */
        sched_yield();    /* runtime.Gosched() */
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
        /* the bank's first transaction waits for the auditor's first step */
        {bank_role, W_CASE_C, auditor_role, W_CASE_A},
        /* the auditor, between two steps, waits for that transaction */
        {auditor_role, W_CASE_A, bank_role, W_CASE_B},
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
