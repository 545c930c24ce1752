/*
 * tests/model/test_map.c - the Go map model (model/map.c), single-threaded:
 * random operation sequences checked against a plain reference and
 * against the invariants listed in model/map.h, across many doubling and
 * same-size growths; iteration during growth, with writes and deletes, as
 * Go allows; the small API promises; and each Go fatal error, from a
 * child process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "map.h"

/* ---- a small deterministic generator for the tests' own choices ---- */

struct rng {
    uint64_t s;
};

static uint64_t rnd(struct rng *g)
{
    /* splitmix64 */
    uint64_t z = (g->s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A number in [0, n). */
static size_t rndn(struct rng *g, size_t n)
{
    return (size_t)(rnd(g) % n);
}

/* ---- the reference: a universe of K keys, indexed ---- */

/* Keys are i * KEYMUL (mod 2^64): spread over 64 bits, key 0 included,
 * and the index of a key is found back with the inverse of KEYMUL. */
#define KEYMUL 0x9e3779b97f4a7c15u
static uint64_t keyinv;

static uint64_t key_of(size_t i)
{
    return (uint64_t)i * KEYMUL;
}

static size_t index_of(uint64_t k)
{
    return (size_t)(k * keyinv);
}

struct ref {
    size_t K;
    bool *present;
    uint64_t *val;
    int64_t count;
    /* for walks: seen[i] == gen means key i was seen in this walk */
    uint32_t *seen;
    uint32_t gen;
};

static void ref_init(struct ref *r, size_t K)
{
    r->K = K;
    r->present = calloc(K, sizeof(*r->present));
    r->val = calloc(K, sizeof(*r->val));
    r->seen = calloc(K, sizeof(*r->seen));
    r->count = 0;
    r->gen = 0;
    assert_non_null(r->present);
    assert_non_null(r->val);
    assert_non_null(r->seen);
}

static void ref_free(struct ref *r)
{
    free(r->present);
    free(r->val);
    free(r->seen);
}

static uint32_t ref_newgen(struct ref *r)
{
    if (++r->gen == 0) {
        memset(r->seen, 0, r->K * sizeof(*r->seen));
        r->gen = 1;
    }
    return r->gen;
}

/* ---- Go's helpers, restated for the checker ---- */

static uint8_t go_tophash(uint64_t hash)
{
    uint8_t top = (uint8_t)(hash >> 56);
    return top < minTopHash ? (uint8_t)(top + minTopHash) : top;
}

static bool is_mark(uint8_t t)
{
    return t == evacuatedX || t == evacuatedY || t == evacuatedEmpty;
}

static bool is_evacuated(const struct bmap *b)
{
    return b->tophash[0] > emptyOne && b->tophash[0] < minTopHash;
}

/*
 * Walk the chain of bucket `idx` of an array of 1<<B buckets (mask = that
 * minus 1) that is not evacuated: no evacuation marks, emptyRest only
 * followed by emptyRest, every live cell with its right tophash and in its
 * right bucket, present in the reference with the same elem, and seen only
 * once in this walk. Returns the number of live cells.
 */
static int64_t check_chain(const struct hmap *h, struct ref *r,
                           const struct bmap *b, uintptr_t idx, uintptr_t mask)
{
    int64_t live = 0;
    bool rest = false;
    int depth = 0;

    for (; b != NULL; b = b->overflow) {
        assert_true(++depth < 100000); /* no cycle */
        for (int i = 0; i < bucketCnt; i++) {
            uint8_t t = b->tophash[i];
            assert_false(is_mark(t));
            if (rest) {
                assert_int_equal(t, emptyRest);
                continue;
            }
            if (t == emptyRest) {
                rest = true;
                continue;
            }
            if (t == emptyOne)
                continue;
            uint64_t k = b->keys[i];
            uint64_t hash = maphash(h, k);
            assert_int_equal(t, go_tophash(hash));
            assert_int_equal(hash & mask, idx);
            size_t ki = index_of(k);
            assert_true(ki < r->K);
            assert_true(r->present[ki]);
            assert_int_equal(b->elems[i], r->val[ki]);
            assert_int_not_equal(r->seen[ki], r->gen);
            r->seen[ki] = r->gen;
            live++;
        }
    }
    return live;
}

/* Every invariant of map.h, and agreement with the reference. */
static void check_map(const struct hmap *h, struct ref *r)
{
    assert_int_equal(h->flags & hashWriting, 0);
    assert_true(h->count >= 0);
    assert_int_equal(h->count, r->count);
    assert_int_equal(maplen(h), r->count);
    if (h->oldbuckets == NULL)
        assert_int_equal(h->flags & sameSizeGrow, 0);
    if (h->buckets == NULL) {
        assert_int_equal(h->count, 0);
        assert_null(h->oldbuckets);
        return;
    }

    ref_newgen(r);
    uintptr_t nb = (uintptr_t)1 << h->B;
    int64_t *perbucket = calloc(nb, sizeof(*perbucket));
    assert_non_null(perbucket);
    int64_t live = 0;
    for (uintptr_t i = 0; i < nb; i++) {
        perbucket[i] = check_chain(h, r, &h->buckets[i], i, nb - 1);
        live += perbucket[i];
    }

    if (h->oldbuckets != NULL) {
        bool same = (h->flags & sameSizeGrow) != 0;
        if (!same)
            assert_true(h->B >= 1);
        uintptr_t nold = same ? nb : nb / 2;
        assert_true(h->nevacuate < nold);
        for (uintptr_t j = 0; j < nold; j++) {
            const struct bmap *ob = &h->oldbuckets[j];
            bool ev = is_evacuated(ob);
            if (j < h->nevacuate)
                assert_true(ev);
            if (ev) {
                /* fully evacuated: every cell carries a mark */
                for (const struct bmap *b = ob; b; b = b->overflow)
                    for (int i = 0; i < bucketCnt; i++)
                        assert_true(is_mark(b->tophash[i]));
                continue;
            }
            /* untouched: its keys are here, and nowhere else */
            live += check_chain(h, r, ob, j, nold - 1);
            assert_int_equal(perbucket[j], 0);
            if (!same)
                assert_int_equal(perbucket[j + nold], 0);
        }
    }
    free(perbucket);
    /* count is right, and (every live key present in the reference and
     * seen once) the live keys are exactly the reference's keys */
    assert_int_equal(live, h->count);
}

/* A full iteration with no writes returns every key once, with its elem. */
static void check_iteration(struct hmap *h, struct ref *r)
{
    struct hiter it;
    int64_t n = 0;
    uint32_t gen = ref_newgen(r);

    for (mapiterinit(h, &it); it.key != NULL; mapiternext(&it)) {
        size_t ki = index_of(*it.key);
        assert_true(ki < r->K);
        assert_true(r->present[ki]);
        assert_int_not_equal(r->seen[ki], gen);
        r->seen[ki] = gen;
        assert_int_equal(*it.elem, r->val[ki]);
        n++;
    }
    assert_int_equal(n, r->count);
}

/* ---- operations, each checked against the reference ---- */

struct growths {
    int doubling;
    int samesize;
    int started; /* oldbuckets went from NULL to non-NULL */
};

/* Count a growth that happened during one operation: the bucket array was
 * replaced (a growth may start and end within one mapassign when there
 * are only one or two old buckets, so oldbuckets alone would miss it). */
static void count_growth(const struct hmap *h, const struct bmap *oldarr,
                         const struct bmap *oldold, uint8_t oldB,
                         struct growths *gs)
{
    if (oldold == NULL && h->oldbuckets != NULL)
        gs->started++;
    if (oldarr == NULL || h->buckets == oldarr)
        return;
    if (h->B == oldB + 1)
        gs->doubling++;
    else if (h->B == oldB)
        gs->samesize++;
    else
        fail_msg("B went from %d to %d in one operation", oldB, h->B);
}

static void op_assign(struct hmap *h, struct ref *r, size_t ki, uint64_t v,
                      struct growths *gs)
{
    const struct bmap *arr = h->buckets, *old = h->oldbuckets;
    uint8_t B = h->B;

    mapstore(h, key_of(ki), v);
    if (!r->present[ki]) {
        r->present[ki] = true;
        r->count++;
    }
    r->val[ki] = v;
    if (gs)
        count_growth(h, arr, old, B, gs);
}

static void op_delete(struct hmap *h, struct ref *r, size_t ki)
{
    mapdelete(h, key_of(ki));
    if (r->present[ki]) {
        r->present[ki] = false;
        r->val[ki] = 0;
        r->count--;
    }
}

static void op_access(struct hmap *h, struct ref *r, size_t ki)
{
    bool ok = !r->present[ki];
    const uint64_t *p1 = mapaccess1(h, key_of(ki));
    const uint64_t *p2 = mapaccess2(h, key_of(ki), &ok);

    assert_int_equal(ok, r->present[ki]);
    assert_int_equal(*p1, r->val[ki]);
    assert_int_equal(*p2, r->val[ki]);
    if (!r->present[ki]) {
        assert_ptr_equal(p1, &zeroVal);
        assert_ptr_equal(p2, &zeroVal);
    } else {
        assert_ptr_equal(p1, p2);
    }
}

static void op_clear(struct hmap *h, struct ref *r)
{
    mapclear(h);
    memset(r->present, 0, r->K * sizeof(*r->present));
    memset(r->val, 0, r->K * sizeof(*r->val));
    r->count = 0;
}

/* A random index whose presence is `want` (the universe is at least twice
 * the size of the map, so this ends quickly). */
static size_t pick(struct rng *g, struct ref *r, bool want)
{
    for (;;) {
        size_t ki = rndn(g, r->K);
        if (r->present[ki] == want)
            return ki;
    }
}

/* One random operation, weighted by the phase. */
enum phase { GROW, CHURN, SHRINK };

static void random_op(struct hmap *h, struct ref *r, struct rng *g,
                      enum phase ph, int64_t target, struct growths *gs)
{
    size_t roll = rndn(g, 1000);

    if (roll < 2) {
        check_iteration(h, r);
        return;
    }
    if (roll < 200) {
        op_access(h, r, rndn(g, r->K));
        return;
    }
    switch (ph) {
    case GROW:
        if (roll < 800)
            op_assign(h, r, pick(g, r, false), rnd(g), gs);
        else if (roll < 900 && r->count > 0)
            op_assign(h, r, pick(g, r, true), rnd(g), gs);
        else
            op_delete(h, r, rndn(g, r->K));
        break;
    case CHURN:
        /* hold the size near target: deletes leave holes, inserts chain
         * overflow buckets, until a same-size growth cleans up */
        if (r->count < target)
            op_assign(h, r, pick(g, r, false), rnd(g), gs);
        else
            op_delete(h, r, pick(g, r, true));
        break;
    case SHRINK:
        if (roll < 900 && r->count > 0)
            op_delete(h, r, pick(g, r, true));
        else
            op_assign(h, r, rndn(g, r->K), rnd(g), gs);
        break;
    }
}

/* ---- tests ---- */

static void test_random_ops(void **state)
{
    struct growths gs = {0};
    struct rng g = {.s = 20261127};
    int clears = 0;

    (void)state;
    for (int round = 0; round < 12; round++) {
        /* odd rounds: just below the load factor of 1<<tb buckets, where
         * churn makes same-size growths; even rounds: anywhere */
        int64_t tb = 2 + (int64_t)rndn(&g, 3);
        int64_t target = round % 2
                             ? 6 * (1 << tb) + (int64_t)rndn(&g, (1 << tb) / 2)
                             : 40 + (int64_t)rndn(&g, 900);
        int64_t hint = 0;
        switch (round % 3) {
        case 1:
            hint = (int64_t)rndn(&g, 20);
            break;
        case 2:
            hint = target / 2;
            break;
        }
        struct ref r;
        ref_init(&r, (size_t)target * 3 + 16);
        struct hmap *h = makemap(hint);
        check_map(h, &r);

        for (int pass = 0; pass < 2; pass++) {
            while (r.count < target) {
                random_op(h, &r, &g, GROW, target, &gs);
                check_map(h, &r);
            }
            int64_t churn = round % 2 ? 20000 : target * 10;
            for (int64_t i = 0; i < churn; i++) {
                random_op(h, &r, &g, CHURN, target, &gs);
                check_map(h, &r);
            }
            check_iteration(h, &r);
            while (r.count > target / 4) {
                random_op(h, &r, &g, SHRINK, target, &gs);
                check_map(h, &r);
            }
            if (rndn(&g, 2) == 0) {
                op_clear(h, &r);
                clears++;
                check_map(h, &r);
                check_iteration(h, &r);
            }
        }
        mapfree(h);
        ref_free(&r);
    }
    print_message("growths: %d doubling, %d same-size (%d seen in "
                  "progress); %d clears\n",
                  gs.doubling, gs.samesize, gs.started, clears);
    assert_true(gs.doubling >= 20);
    assert_true(gs.samesize >= 10);
    assert_true(gs.doubling + gs.samesize >= 20);
    assert_true(gs.started >= 10);
}

/* Insert into h until a growth of the wanted kind is in progress with at
 * least `minold` old buckets. Same-size: hold the size near the load
 * limit of 1<<B buckets and churn. */
static void drive_to_growth(struct hmap *h, struct ref *r, struct rng *g,
                            bool same, uintptr_t minold)
{
    struct growths gs = {0};

    if (!same) {
        for (;;) {
            op_assign(h, r, pick(g, r, false), rnd(g), &gs);
            if (growing(h) && !(h->flags & sameSizeGrow) &&
                ((uintptr_t)1 << (h->B - 1)) >= minold)
                return;
        }
    }
    uint8_t B = 0;
    while (((uintptr_t)1 << B) < minold)
        B++;
    /* below the load factor of 1<<B buckets, but well filled */
    int64_t target = 6 * ((int64_t)1 << B);
    for (long i = 0; i < 10000000; i++) {
        if (r->count < target)
            op_assign(h, r, pick(g, r, false), rnd(g), &gs);
        else
            op_delete(h, r, pick(g, r, true));
        if (growing(h) && (h->flags & sameSizeGrow) &&
            ((uintptr_t)1 << h->B) >= minold &&
            h->nevacuate <= ((uintptr_t)1 << h->B) / 2)
            return;
    }
    fail_msg("no same-size growth after 10M operations");
}

/*
 * Iterate over h while writing to it from the same thread (as Go allows):
 * insert new keys, update the values of present ones. Every key present
 * when the iteration starts (never deleted) is returned exactly once, with
 * its current elem; no key is returned twice; nothing else is returned
 * but newly inserted keys.
 */
static void iterate_with_writes(struct hmap *h, struct ref *r, struct rng *g,
                                int inserts_per_step)
{
    bool *orig = calloc(r->K, sizeof(*orig));
    int *times = calloc(r->K, sizeof(*times));
    struct hiter it;
    uint8_t B0 = h->B;

    assert_non_null(orig);
    assert_non_null(times);
    memcpy(orig, r->present, r->K * sizeof(*orig));

    for (mapiterinit(h, &it); it.key != NULL; mapiternext(&it)) {
        size_t ki = index_of(*it.key);
        assert_true(ki < r->K);
        assert_true(r->present[ki]);
        assert_int_equal(times[ki], 0);
        times[ki]++;
        assert_int_equal(*it.elem, r->val[ki]);
        for (int j = 0; j < inserts_per_step && r->count < (int64_t)r->K / 2;
             j++)
            op_assign(h, r, pick(g, r, false), rnd(g), NULL);
        /* update a key present from the start (seen or not) */
        op_assign(h, r, pick(g, r, true), rnd(g), NULL);
        check_map(h, r);
    }
    for (size_t i = 0; i < r->K; i++)
        if (orig[i])
            assert_int_equal(times[i], 1);
    /* the writes must have made the table grow under the iterator */
    assert_true(h->B > B0 || h->buckets != it.buckets);
    free(orig);
    free(times);
}

static void test_iterate_during_doubling(void **state)
{
    struct rng g = {.s = 7};

    (void)state;
    for (int rep = 0; rep < 40; rep++) {
        struct ref r;
        ref_init(&r, 2048);
        struct hmap *h = makemap(0);
        drive_to_growth(h, &r, &g, false, 16);
        assert_true(growing(h));
        assert_false(h->flags & sameSizeGrow);
        check_map(h, &r);
        iterate_with_writes(h, &r, &g, 3);
        check_map(h, &r);
        mapfree(h);
        ref_free(&r);
    }
}

static void test_iterate_during_samesize(void **state)
{
    struct rng g = {.s = 11};

    (void)state;
    for (int rep = 0; rep < 20; rep++) {
        struct ref r;
        ref_init(&r, 2048);
        struct hmap *h = makemap(0);
        drive_to_growth(h, &r, &g, true, 16);
        assert_true(growing(h));
        assert_true(h->flags & sameSizeGrow);
        check_map(h, &r);
        iterate_with_writes(h, &r, &g, 2);
        check_map(h, &r);
        mapfree(h);
        ref_free(&r);
    }
}

/* The clone of h holds what r says, and is a map of its own: a write to
 * it leaves h alone. */
static void check_clone(struct hmap *h, struct ref *r)
{
    struct hmap *c = mapclone(h);
    assert_non_null(c);
    assert_true(c != h);
    assert_int_equal(c->hash0, h->hash0);
    check_map(c, r); /* every key once, the same values */
    check_map(h, r); /* the source untouched */
    int64_t n = h->count;
    for (uint64_t i = 0; i < 100; i++)
        mapstore(c, ~i, i);
    assert_int_equal(h->count, n);
    check_map(h, r);
    mapfree(c);
}

/* maps.Clone (Go 1.21's mapclone): of nil, an empty map, a small one (the
 * quick copy of B == 0), grown ones, and ones in the middle of a doubling
 * or a same-size growth (oldbuckets not yet evacuated are copied too). */
static void test_clone(void **state)
{
    struct rng g = {.s = 21};

    (void)state;
    assert_null(mapclone(NULL));

    struct ref r;
    ref_init(&r, 4096);
    struct hmap *h = makemap(0);
    check_clone(h, &r); /* empty */
    for (int i = 0; i < 5; i++)
        op_assign(h, &r, pick(&g, &r, false), rnd(&g), NULL);
    assert_int_equal(h->B, 0);
    check_clone(h, &r); /* small */
    while (r.count < 1000 || growing(h))
        op_assign(h, &r, pick(&g, &r, false), rnd(&g), NULL);
    assert_true(h->B > 4);
    check_clone(h, &r); /* grown */
    mapfree(h);
    ref_free(&r);

    int doubling = 0, samesize = 0;
    for (int rep = 0; rep < 40; rep++) {
        bool same = rep % 2;
        ref_init(&r, 4096);
        h = makemap(0);
        drive_to_growth(h, &r, &g, same, same ? 16 : (uintptr_t)1 << (rep % 6));
        assert_true(growing(h));
        /* not every old bucket evacuated yet */
        assert_true(h->nevacuate < ((uintptr_t)1 << (same ? h->B : h->B - 1)));
        check_clone(h, &r); /* growing */
        if (same)
            samesize++;
        else
            doubling++;
        mapfree(h);
        ref_free(&r);
    }
    assert_true(doubling > 0 && samesize > 0);
}

/*
 * Delete during iteration, as Go allows: a key deleted before the iterator
 * reached it is not returned; every other key present at the start is
 * returned exactly once. Half the runs start in the middle of a growth.
 */
static void test_delete_during_iteration(void **state)
{
    struct rng g = {.s = 99};

    (void)state;
    for (int rep = 0; rep < 60; rep++) {
        struct ref r;
        ref_init(&r, 4096);
        struct hmap *h = makemap(0);
        if (rep % 2)
            drive_to_growth(h, &r, &g, rep % 4 == 3, 8);
        else
            for (size_t n = 30 + rndn(&g, 600); n > 0; n--)
                op_assign(h, &r, pick(&g, &r, false), rnd(&g), NULL);
        bool mid_growth = growing(h);
        if (rep % 2)
            assert_true(mid_growth);

        bool *orig = calloc(r.K, sizeof(bool));
        bool *gone = calloc(r.K, sizeof(bool)); /* deleted before seen */
        int *times = calloc(r.K, sizeof(int));
        assert_true(orig && gone && times);
        memcpy(orig, r.present, r.K * sizeof(bool));
        int deleted_unseen = 0;

        struct hiter it;
        for (mapiterinit(h, &it); it.key != NULL; mapiternext(&it)) {
            size_t ki = index_of(*it.key);
            assert_true(ki < r.K);
            assert_true(orig[ki]);
            assert_false(gone[ki]);
            assert_int_equal(times[ki], 0);
            times[ki]++;
            assert_int_equal(*it.elem, r.val[ki]);
            /* delete the current key now and then */
            if (rndn(&g, 4) == 0)
                op_delete(h, &r, ki);
            /* and one or two others, seen or not */
            for (int j = (int)rndn(&g, 3); j > 0 && r.count > 0; j--) {
                size_t d = pick(&g, &r, true);
                if (times[d] == 0) {
                    gone[d] = true;
                    deleted_unseen++;
                }
                op_delete(h, &r, d);
            }
            check_map(h, &r);
        }
        for (size_t i = 0; i < r.K; i++) {
            if (orig[i] && !gone[i])
                assert_int_equal(times[i], 1);
            if (gone[i])
                assert_int_equal(times[i], 0);
        }
        assert_true(deleted_unseen > 0);
        free(orig);
        free(gone);
        free(times);
        mapfree(h);
        ref_free(&r);
    }
}

static void test_access_len_zero(void **state)
{
    struct ref r;
    struct hmap *h = makemap(0);
    bool ok = true;

    (void)state;
    ref_init(&r, 64);
    /* empty map, no buckets yet */
    assert_null(h->buckets);
    assert_int_equal(maplen(h), 0);
    assert_int_equal(maplen(NULL), 0);
    assert_ptr_equal(mapaccess1(h, 5), &zeroVal);
    assert_ptr_equal(mapaccess2(h, 5, &ok), &zeroVal);
    assert_false(ok);
    assert_int_equal(zeroVal, 0);
    mapdelete(h, 5); /* no-op on an empty map */
    assert_int_equal(maplen(h), 0);

    /* key 0 and elem 0 are ordinary values */
    mapstore(h, 0, 0);
    assert_int_equal(maplen(h), 1);
    const uint64_t *p = mapaccess2(h, 0, &ok);
    assert_true(ok);
    assert_ptr_not_equal(p, &zeroVal);
    assert_int_equal(*p, 0);
    mapstore(h, 0, 42);
    assert_int_equal(*mapaccess1(h, 0), 42);
    assert_int_equal(maplen(h), 1);

    /* an absent key in a non-empty map */
    p = mapaccess2(h, 1, &ok);
    assert_false(ok);
    assert_ptr_equal(p, &zeroVal);
    assert_ptr_equal(mapaccess1(h, 1), &zeroVal);

    /* m[k]++ through the pointer mapassign returns */
    *mapassign(h, 7) += 1;
    *mapassign(h, 7) += 1;
    assert_int_equal(*mapaccess1(h, 7), 2);
    assert_int_equal(maplen(h), 2);

    /* delete an absent key: nothing changes */
    mapdelete(h, 12345);
    assert_int_equal(maplen(h), 2);
    mapdelete(h, 0);
    assert_int_equal(maplen(h), 1);
    assert_ptr_equal(mapaccess2(h, 0, &ok), &zeroVal);
    assert_false(ok);
    /* a re-inserted key starts from a zero elem */
    assert_int_equal(*mapassign(h, 0), 0);
    mapfree(h);
    mapfree(NULL);
    ref_free(&r);
}

static void test_iterate_empty(void **state)
{
    struct hiter it;
    struct hmap *h = makemap(100);

    (void)state;
    mapiterinit(h, &it);
    assert_null(it.key);
    assert_null(it.elem);
    mapstore(h, 1, 1);
    mapdelete(h, 1);
    mapiterinit(h, &it);
    assert_null(it.key);
    mapfree(h);
}

static void test_clear(void **state)
{
    struct rng g = {.s = 3};
    struct growths gs = {0};

    (void)state;
    for (int rep = 0; rep < 20; rep++) {
        struct ref r;
        ref_init(&r, 4096);
        struct hmap *h = makemap(0);
        /* clear a map in the middle of a growth half the time */
        if (rep % 2)
            drive_to_growth(h, &r, &g, rep % 4 == 3, 8);
        else
            for (size_t n = 1 + rndn(&g, 900); n > 0; n--)
                op_assign(h, &r, pick(&g, &r, false), rnd(&g), &gs);
        check_map(h, &r);
        struct bmap *arr = h->buckets;
        uint8_t B = h->B;

        /* an iterator in progress when the map is cleared ends (#59411) */
        struct hiter it;
        mapiterinit(h, &it);
        assert_non_null(it.key);

        op_clear(h, &r);
        assert_int_equal(maplen(h), 0);
        assert_null(h->oldbuckets);
        assert_int_equal(h->flags & sameSizeGrow, 0);
        assert_int_equal(h->noverflow, 0);
        assert_int_equal(h->B, B);         /* the size is kept */
        assert_ptr_equal(h->buckets, arr); /* and the array reused */
        check_map(h, &r);

        int after = 0;
        for (mapiternext(&it); it.key != NULL; mapiternext(&it))
            after++;
        assert_int_equal(after, 0);

        for (size_t i = 0; i < 64; i++)
            op_access(h, &r, rndn(&g, r.K));
        /* clearing an empty map does nothing */
        mapclear(h);
        check_map(h, &r);
        /* and the map works as new */
        for (size_t n = 0; n < 300; n++) {
            op_assign(h, &r, pick(&g, &r, false), rnd(&g), NULL);
            check_map(h, &r);
        }
        check_iteration(h, &r);
        mapfree(h);
        ref_free(&r);
    }
}

static void test_makemap_hint(void **state)
{
    static const struct {
        int64_t hint;
        uint8_t B;
    } cases[] = {
        {0, 0},
        {-1, 0},
        {-1000, 0},
        {1, 0},
        {8, 0},
        {9, 1},
        {13, 1},
        {14, 2},
        {26, 2},
        {27, 3},
        {52, 3},
        {53, 4},
        {104, 4},
        {105, 5},
        {1000, 8},
        {6656, 10},
        {6657, 11},
        /* hint * bucket size overflows Go's maxAlloc: hint becomes 0 */
        {INT64_MAX, 0},
        {(int64_t)1 << 62, 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct hmap *h = makemap(cases[i].hint);
        assert_int_equal(h->B, cases[i].B);
        assert_int_equal(maplen(h), 0);
        if (cases[i].B == 0)
            assert_null(h->buckets); /* allocated by the first mapassign */
        else
            assert_non_null(h->buckets);
        /* filling a map up to its hint never grows it */
        if (cases[i].hint > 0 && cases[i].hint <= 10000) {
            struct bmap *arr = h->buckets;
            for (int64_t k = 0; k < cases[i].hint; k++)
                mapstore(h, key_of((size_t)k), (uint64_t)k);
            assert_int_equal(h->B, cases[i].B);
            if (arr != NULL)
                assert_ptr_equal(h->buckets, arr);
            assert_int_equal(maplen(h), cases[i].hint);
            for (int64_t k = 0; k < cases[i].hint; k++)
                assert_int_equal(*mapaccess1(h, key_of((size_t)k)), k);
            /* one more than the load factor allows starts a growth */
            if (cases[i].hint > 8 && cases[i].hint == 13 * (1 << h->B) / 2) {
                mapstore(h, key_of((size_t)cases[i].hint), 1);
                assert_int_equal(h->B, cases[i].B + 1);
            }
        }
        mapfree(h);
    }
}

static void test_hash_seed(void **state)
{
    struct hmap *a = makemap(0), *b = makemap(0);
    int differ = 0;

    (void)state;
    for (uint64_t k = 0; k < 16; k++) {
        assert_int_equal(maphash(a, k), maphash(a, k));
        if (maphash(a, k) != maphash(b, k))
            differ++;
    }
    if (a->hash0 != b->hash0)
        assert_int_equal(differ, 16);
    /* fastrand is not stuck */
    uint32_t x = fastrand();
    int same = 0;
    for (int i = 0; i < 64; i++)
        same += fastrand() == x;
    assert_true(same < 2);
    mapfree(a);
    mapfree(b);
}

/* ---- Go's fatal errors, from a child process ---- */

/* Kept reachable, so a leak checker in the child does not mind. */
static struct hmap *child_map;
static struct hiter child_it;

static struct hmap *child_setup(void)
{
    child_map = makemap(0);
    for (uint64_t k = 1; k <= 20; k++)
        mapstore(child_map, k, k);
    return child_map;
}

static void child_mapassign(void)
{
    struct hmap *h = child_setup();
    h->flags |= hashWriting;
    mapstore(h, 99, 1);
}

static void child_mapdelete(void)
{
    struct hmap *h = child_setup();
    h->flags |= hashWriting;
    mapdelete(h, 3);
}

static void child_mapclear(void)
{
    struct hmap *h = child_setup();
    h->flags |= hashWriting;
    mapclear(h);
}

static void child_mapaccess1(void)
{
    struct hmap *h = child_setup();
    h->flags |= hashWriting;
    (void)mapaccess1(h, 3);
}

static void child_mapaccess2(void)
{
    struct hmap *h = child_setup();
    bool ok;
    h->flags |= hashWriting;
    (void)mapaccess2(h, 3, &ok);
}

static void child_mapiternext(void)
{
    struct hmap *h = child_setup();
    mapiterinit(h, &child_it);
    h->flags |= hashWriting;
    mapiternext(&child_it);
}

static void child_mapclone(void)
{
    struct hmap *h = child_setup();
    h->flags |= hashWriting;
    (void)mapclone(h);
}

/* Run fn in a child whose stderr is a pipe; return what it wrote and its
 * wait status. */
static char *run_child(void (*fn)(void), int *status)
{
    int p[2];
    size_t len = 0, cap = 4096;
    char *out = malloc(cap);

    assert_non_null(out);
    assert_int_equal(pipe(p), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(p[1], STDERR_FILENO);
        close(p[0]);
        close(p[1]);
        fn();
        _exit(0); /* fn returned: no fatal error */
    }
    close(p[1]);
    for (;;) {
        if (len + 1 >= cap) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
        ssize_t n = read(p[0], out + len, cap - len - 1);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    out[len] = '\0';
    close(p[0]);
    assert_int_equal(waitpid(pid, status, 0), pid);
    return out;
}

/* The next line of *s (without its newline), or NULL at the end. */
static char *next_line(char **s)
{
    char *line = *s, *nl;

    if (line == NULL || *line == '\0')
        return NULL;
    nl = strchr(line, '\n');
    if (nl) {
        *nl = '\0';
        *s = nl + 1;
    } else {
        *s = line + strlen(line);
    }
    return line;
}

/* fn must die as Go does: "<prefix><msg>" ("fatal error: " or "panic: "),
 * a blank line, a traceback whose first frame is func, exit status 2. */
static void expect_death(void (*fn)(void), const char *prefix, const char *msg,
                         const char *func)
{
    int status;
    char *out = run_child(fn, &status);
    char *s = out, *line;
    char want[128];
    unsigned long tid;
    char tail[32];

    if (!WIFEXITED(status) || WEXITSTATUS(status) != 2)
        fail_msg("%s: child did not exit with status 2 (status 0x%x), "
                 "stderr:\n%s",
                 func, status, out);
    snprintf(want, sizeof(want), "%s%s", prefix, msg);
    line = next_line(&s);
    assert_non_null(line);
    assert_string_equal(line, want);
    line = next_line(&s);
    assert_non_null(line);
    assert_string_equal(line, "");
    line = next_line(&s);
    assert_non_null(line);
    assert_int_equal(sscanf(line, "thread %lu [running%31[]:]", &tid, tail), 2);
    assert_string_equal(tail, "]:");
    assert_true(tid > 0);

    /* The first frame is the model function that threw, with its
     * file:line in model/map.c on the next line. */
    snprintf(want, sizeof(want), "%s(...)", func);
    line = next_line(&s);
    assert_non_null(line);
    assert_string_equal(line, want);
    line = next_line(&s);
    assert_non_null(line);
    assert_true(line[0] == '\t');
    assert_non_null(strstr(line, "map.c:"));
    free(out);
}

static void expect_fatal(void (*fn)(void), const char *msg, const char *func)
{
    expect_death(fn, "fatal error: ", msg, func);
}

static void child_nil_mapassign(void)
{
    (void)mapassign(NULL, 1);
}

/* Go 1.19's mapassign: if h == nil { panic(plainError("assignment to entry
 * in nil map")) }, an unrecovered panic: exit status 2. */
static void test_panic_nil_mapassign(void **state)
{
    (void)state;
    expect_death(child_nil_mapassign,
                 "panic: ", "assignment to entry in nil map", "mapassign");
}

static void test_fatal_mapassign(void **state)
{
    (void)state;
    expect_fatal(child_mapassign, "concurrent map writes", "mapassign");
}

static void test_fatal_mapdelete(void **state)
{
    (void)state;
    expect_fatal(child_mapdelete, "concurrent map writes", "mapdelete");
}

static void test_fatal_mapclear(void **state)
{
    (void)state;
    expect_fatal(child_mapclear, "concurrent map writes", "mapclear");
}

static void test_fatal_mapaccess1(void **state)
{
    (void)state;
    expect_fatal(child_mapaccess1, "concurrent map read and map write",
                 "mapaccess1");
}

static void test_fatal_mapaccess2(void **state)
{
    (void)state;
    expect_fatal(child_mapaccess2, "concurrent map read and map write",
                 "mapaccess2");
}

/* Go 1.21's mapclone2: if h.flags&hashWriting != 0 { fatal("concurrent
 * map clone and map write") } */
static void test_fatal_mapclone(void **state)
{
    (void)state;
    expect_fatal(child_mapclone, "concurrent map clone and map write",
                 "mapclone");
}

static void test_fatal_mapiternext(void **state)
{
    (void)state;
    expect_fatal(child_mapiternext, "concurrent map iteration and map write",
                 "mapiternext");
}

int main(void)
{
    /* inverse of KEYMUL modulo 2^64, by Newton's iteration */
    keyinv = KEYMUL;
    for (int i = 0; i < 6; i++)
        keyinv *= 2 - KEYMUL * keyinv;
    if (KEYMUL * keyinv != 1) {
        fprintf(stderr, "test_map: no inverse of KEYMUL\n");
        return 1;
    }

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_access_len_zero),
        cmocka_unit_test(test_iterate_empty),
        cmocka_unit_test(test_makemap_hint),
        cmocka_unit_test(test_hash_seed),
        cmocka_unit_test(test_clear),
        cmocka_unit_test(test_random_ops),
        cmocka_unit_test(test_iterate_during_doubling),
        cmocka_unit_test(test_iterate_during_samesize),
        cmocka_unit_test(test_delete_during_iteration),
        cmocka_unit_test(test_clone),
        cmocka_unit_test(test_fatal_mapassign),
        cmocka_unit_test(test_panic_nil_mapassign),
        cmocka_unit_test(test_fatal_mapdelete),
        cmocka_unit_test(test_fatal_mapclear),
        cmocka_unit_test(test_fatal_mapaccess1),
        cmocka_unit_test(test_fatal_mapaccess2),
        cmocka_unit_test(test_fatal_mapiternext),
        cmocka_unit_test(test_fatal_mapclone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
