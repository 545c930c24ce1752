/*
 * syncmap-check-then-act, racy: a hit counter kept in a sync.Map, updated
 * with Load, then Store.
 *
 *     var hits sync.Map // page -> count
 *
 *     func record(page string) {
 *             v, _ := hits.Load(page)
 *             n, _ := v.(int)
 *             hits.Store(page, n+1)
 *     }
 *
 * called by every request handler. This is the pattern a reviewer caught
 * in orian/counters#5 ("This introduces a race condition. It may happen:
 * two routines calls Load() same time ... Routine 1 stores value, Routine
 * 2 also stores the value ... You should use Map.LoadOrStore"), and the one
 * alphadose/haxmap#18 asks a CompareAndSwap for (Load, modify, Store).
 *
 * Each call is safe: sync.Map's Load and Store synchronize through its
 * atomics and its mutex (model/syncmap.c), so there is no data race, and
 * no race detector has anything to report. But two calls are not one: a
 * handler that loads n, then stores n+1, overwrites whatever another
 * handler stored in between. The update is lost, silently.
 *
 * Threads: two request handlers (roles 1 and 2) record the same page.
 * Forced (MAPRACE_FORCE=1): handler 1 loads n and waits, before its
 * Store, until handler 2 has loaded the same n and stored n+1; handler 1
 * then stores n+1 too, so at least one update is lost every run. In fact
 * handler 2 usually runs on through all its rounds while handler 1 waits,
 * and handler 1's stale Store then erases every one of them: a stale
 * write does not lose one update, it loses everything since its Load.
 * Unforced, losses need the two handlers to interleave.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "syncmap.h"
#include "window.h"

enum { rounds = 5000, handler1 = 1, handler2 = 2, page = 42 };

/* var hits sync.Map. Non-static: clang renames static objects at -O1. */
struct Map hits;

/* record(page) */
static __attribute__((noinline)) void record(void)
{
    uint64_t n;

    WINDOW(W_CASE_C);              /* about to load */
    Map_Load(&hits, page, &n);     /* RACE: check: n := hits.Load(page) */
    WINDOW(W_CASE_A);              /* loaded n, about to store */
    Map_Store(&hits, page, n + 1); /* RACE: act: hits.Store(page, n+1) */
    WINDOW(W_CASE_D);              /* stored */
}

static void *handler(void *arg)
{
    window_role((int)(intptr_t)arg);
    for (int i = 0; i < rounds; i++)
        record();
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* handler 2 loads only once handler 1 has loaded */
        {handler2, W_CASE_C, handler1, W_CASE_A},
        /* handler 1 stores only once handler 2 has loaded and stored */
        {handler1, W_CASE_A, handler2, W_CASE_D},
    };
    pthread_t t1, t2;
    uint64_t n;

    syncmap_init(&hits);
    Map_Store(&hits, page, 0);
    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
    if (pthread_create(&t1, NULL, handler, (void *)(intptr_t)handler1) ||
        pthread_create(&t2, NULL, handler, (void *)(intptr_t)handler2)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);

    Map_Load(&hits, page, &n);
    if (n != 2 * rounds)
        printf("lost updates: %llu (hits = %llu, want %d)\n",
               (unsigned long long)(2 * rounds - n), (unsigned long long)n,
               2 * rounds);
    else
        printf("every update counted: hits = %llu\n", (unsigned long long)n);
    syncmap_free(&hits);
    return 0;
}
