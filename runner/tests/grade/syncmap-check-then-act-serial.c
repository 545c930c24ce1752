/*
 * TEST FIXTURE for maprace grade: the catalog's fixed variant, serialised
 * (see the lines marked "serialised"): race-free, does the job, and no
 * two threads ever overlap. The grader must fail it. Below, the original
 * header.
 *
 * syncmap-check-then-act, fixed: the hit counter updated with a
 * compare-and-swap loop, so that the store happens only if the value is
 * still the one loaded:
 *
 *     func record(page string) {
 *             for {
 *                     v, loaded := hits.LoadOrStore(page, 1)
 *                     if !loaded {
 *                             return
 *                     }
 *                     if hits.CompareAndSwap(page, v, v.(int)+1) {
 *                             return
 *                     }
 *             }
 *     }
 *
 * (sync.Map.CompareAndSwap exists since Go 1.20.) A handler that loses the
 * race sees its CompareAndSwap fail and tries again with the new value:
 * nothing is lost. (A plain map[string]int under a sync.Mutex, or an
 * *atomic.Int64 per page stored once with LoadOrStore, are the other usual
 * fixes.)
 *
 * Forced (MAPRACE_FORCE=1): the same interleaving as racy.c: handler 1
 * loads n and waits until handler 2 has loaded n and swapped in n+1; then
 * handler 1's CompareAndSwap(n, n+1) fails, and it retries. The program
 * prints how many retries there were: at least one when forced.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "syncmap.h"
#include "window.h"

enum { rounds = 5000, handler1 = 1, handler2 = 2, page = 42 };

/* var hits sync.Map. Non-static: clang renames static objects at -O1. */
struct Map hits;
/* CompareAndSwap failures, counted per thread and added up after the
 * joins (a shared atomic counter would earn false reports from Helgrind
 * and DRD, which do not model C11 atomics). */
_Thread_local unsigned long retries;
unsigned long retried[3];

/* record(page) */
static __attribute__((noinline)) void record(void)
{
    uint64_t v;

    WINDOW(W_CASE_C); /* about to load */
    for (;;) {
        if (!Map_LoadOrStore(&hits, page, 1, &v)) /* RACE: check: LoadOrStore */
            break;
        WINDOW(W_CASE_A); /* loaded v, about to swap */
        if (Map_CompareAndSwap(&hits, page, v, v + 1)) /* RACE: act: CAS */
            break;
        retries++;
    }
    WINDOW(W_CASE_D); /* stored */
}

static void *handler(void *arg)
{
    window_role((int)(intptr_t)arg);
    for (int i = 0; i < rounds; i++)
        record();
    retried[(intptr_t)arg] = retries;
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {
        /* handler 2 loads only once handler 1 has loaded */
        {handler2, W_CASE_C, handler1, W_CASE_A},
        /* handler 1 swaps only once handler 2 has loaded and swapped */
        {handler1, W_CASE_A, handler2, W_CASE_D},
    };
    pthread_t t1, t2;
    uint64_t n;

    syncmap_init(&hits);
    Map_Store(&hits, page, 0);
    window_plan(plan, sizeof(plan) / sizeof(plan[0]));
    if (pthread_create(&t1, NULL, handler, (void *)(intptr_t)handler1) ||
        pthread_join(t1, NULL) || /* serialised: wait for it */
        pthread_create(&t2, NULL, handler, (void *)(intptr_t)handler2)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(t2, NULL);

    Map_Load(&hits, page, &n);
    if (n != 2 * rounds)
        printf("lost updates: %llu (hits = %llu, want %d)\n",
               (unsigned long long)(2 * rounds - n), (unsigned long long)n,
               2 * rounds);
    else
        printf("every update counted: hits = %llu (CompareAndSwap retried "
               "%lu times)\n",
               (unsigned long long)n, retried[handler1] + retried[handler2]);
    syncmap_free(&hits);
    return 0;
}
