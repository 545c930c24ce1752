/*
 * tests/model/test_swiss.c - the Swiss-table model of Go 1.26's map
 * (model/swiss/map.c), single-threaded but for the forced-window tests:
 * the probe sequence, random operation sequences checked against a plain
 * reference and against the invariants listed in model/swiss/map.h across
 * many table growths, splits and directory growths, the small-to-full
 * transition, iteration during growth and split with writes and deletes
 * as Go allows, clear and clone, and each Go fatal error from a child
 * process, directly and under forced race windows.
 *
 * The model's source is included (not linked), so that the tests can
 * reach its file-local helpers (makeProbeSeq, h1, h2, ...).
 */
#include <pthread.h>
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

#include "swiss/map.c"

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
    uint32_t *seen; /* seen[i] == gen: key i seen in this walk */
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

/* ---- the invariants of model/swiss/map.h ---- */

/* A full slot: its control byte is h2 of its key's hash, its key is in
 * the reference with the same elem, and it is seen once in this walk. */
static void check_slot(const Map *m, struct ref *r, groupReference g,
                       uintptr_t i, uint32_t gen)
{
    uint64_t key = *groupReference_key(g, i);
    uint64_t hash = maphash(m, key);
    size_t ki = index_of(key);

    assert_int_equal(ctrlGroup_get(groupReference_ctrls(g), i), h2(hash));
    assert_true(ki < r->K);
    assert_true(r->present[ki]);
    assert_int_not_equal(r->seen[ki], gen);
    r->seen[ki] = gen;
    assert_int_equal(*groupReference_elem(g, i), r->val[ki]);
}

/* One table of the directory, t == directory[t->index]. Returns its
 * number of full slots. */
static uint64_t check_table(const Map *m, struct ref *r, const table *t,
                            uint32_t gen)
{
    uint64_t full = 0, deleted = 0;

    assert_true(t->capacity >= MapGroupSlots);
    assert_true(t->capacity <= maxTableCapacity);
    assert_int_equal(t->capacity & (t->capacity - 1), 0);
    assert_int_equal(t->groups.lengthMask + 1, t->capacity / MapGroupSlots);
    for (uint64_t gi = 0; gi <= t->groups.lengthMask; gi++) {
        groupReference g = groupsReference_group(&t->groups, gi);
        for (uintptr_t i = 0; i < MapGroupSlots; i++) {
            ctrl c = ctrlGroup_get(groupReference_ctrls(g), i);
            if (c == ctrlEmpty)
                continue;
            if (c == ctrlDeleted) {
                deleted++;
                continue;
            }
            assert_true(c < 0x80);
            full++;
            check_slot(m, r, g, i, gen);
            uint64_t hash = maphash(m, *groupReference_key(g, i));
            /* the directory entry of its hash is this table's */
            uintptr_t idx = Map_directoryIndex(m, hash);
            assert_true((int64_t)idx >= t->index);
            assert_true((int64_t)idx <
                        t->index +
                            ((int64_t)1 << (m->globalDepth - t->localDepth)));
            /* every group before its own in its probe sequence has no
             * empty slot (else a lookup would stop there) */
            struct probeSeq seq = makeProbeSeq(h1(hash), t->groups.lengthMask);
            for (uint64_t steps = 0; seq.offset != gi;
                 seq = probeSeq_next(seq), steps++) {
                groupReference pg =
                    groupsReference_group(&t->groups, seq.offset);
                assert_int_equal(
                    ctrlGroup_matchEmpty(*groupReference_ctrls(pg)), 0);
                assert_true(steps <= t->groups.lengthMask);
            }
        }
    }
    assert_int_equal(t->used, full);
    assert_int_equal(t->growthLeft + t->used + deleted, table_maxGrowthLeft(t));
    return full;
}

static void check_map(const Map *m, struct ref *r)
{
    uint32_t gen = ref_newgen(r);
    uint64_t total = 0;

    assert_int_equal(m->writing, 0);
    assert_int_equal((int64_t)m->used, r->count);
    assert_int_equal(maplen(m), r->count);
    if (m->dirPtr == NULL) {
        assert_int_equal(m->used, 0);
        assert_int_equal(m->dirLen, 0);
        return;
    }
    if (m->dirLen == 0) {
        /* the small map: one group, never a deleted slot */
        groupReference g = {m->dirPtr};
        for (uintptr_t i = 0; i < MapGroupSlots; i++) {
            ctrl c = ctrlGroup_get(groupReference_ctrls(g), i);
            assert_true(c == ctrlEmpty || c < 0x80);
            if (c == ctrlEmpty)
                continue;
            total++;
            check_slot(m, r, g, i, gen);
        }
        assert_int_equal(total, m->used);
        return;
    }
    assert_int_equal(m->dirLen, (int64_t)1 << m->globalDepth);
    assert_int_equal(m->globalShift, 64 - m->globalDepth);
    for (int64_t i = 0; i < m->dirLen; i++) {
        const table *t = Map_directoryAt(m, (uintptr_t)i);
        assert_non_null(t);
        assert_true(t->localDepth <= m->globalDepth);
        int64_t entries = (int64_t)1 << (m->globalDepth - t->localDepth);
        assert_true(t->index >= 0);
        assert_int_equal(t->index % entries, 0);
        assert_true(i >= t->index && i < t->index + entries);
        if (i == t->index)
            total += check_table(m, r, t, gen);
    }
    assert_int_equal(total, m->used);
}

/* Each key of the reference once, with its elem, nothing else. */
static void check_iteration(Map *m, struct ref *r)
{
    struct hiter it;
    int64_t n = 0;
    uint32_t gen = ref_newgen(r);

    for (mapiterinit(m, &it); it.key != NULL; mapiternext(&it)) {
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

struct events {
    int tosmall; /* growToSmall */
    int totable; /* growToTable */
    int grow;    /* table grow */
    int split;   /* table split */
    int dirgrow; /* directory doubled */
};

/* The table the directory gives for key now (NULL for a small map). */
static table *table_of(const Map *m, uint64_t key)
{
    if (m->dirLen == 0)
        return NULL;
    return Map_directoryAt(m, Map_directoryIndex(m, maphash(m, key)));
}

/* Returns whether the assignment changed the structure. */
static bool op_assign(Map *m, struct ref *r, size_t ki, uint64_t v,
                      struct events *ev)
{
    void *dir = m->dirPtr;
    int64_t dirLen = m->dirLen;
    table *t = table_of(m, key_of(ki));
    uint8_t depth = t ? t->localDepth : 0;

    mapstore(m, key_of(ki), v);
    if (!r->present[ki]) {
        r->present[ki] = true;
        r->count++;
    }
    r->val[ki] = v;
    bool changed =
        dir != m->dirPtr || dirLen != m->dirLen || (t && t->index == -1);
    if (ev) {
        if (dir == NULL && m->dirPtr != NULL)
            ev->tosmall++;
        if (dirLen == 0 && m->dirLen > 0)
            ev->totable++;
        if (dirLen > 0 && m->dirLen > dirLen)
            ev->dirgrow++;
        if (t && t->index == -1) {
            if (table_of(m, key_of(ki))->localDepth > depth)
                ev->split++;
            else
                ev->grow++;
        }
    }
    return changed;
}

static void op_delete(Map *m, struct ref *r, size_t ki)
{
    mapdelete(m, key_of(ki));
    if (r->present[ki]) {
        r->present[ki] = false;
        r->val[ki] = 0;
        r->count--;
    }
}

static void op_access(Map *m, struct ref *r, size_t ki)
{
    bool ok = !r->present[ki];
    const uint64_t *p1 = mapaccess1(m, key_of(ki));
    const uint64_t *p2 = mapaccess2(m, key_of(ki), &ok);

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

static void op_clear(Map *m, struct ref *r)
{
    mapclear(m);
    memset(r->present, 0, r->K * sizeof(*r->present));
    memset(r->val, 0, r->K * sizeof(*r->val));
    r->count = 0;
}

/* A random index whose presence is `want`. */
static size_t pick(struct rng *g, struct ref *r, bool want)
{
    for (;;) {
        size_t ki = rndn(g, r->K);
        if (r->present[ki] == want)
            return ki;
    }
}

enum phase { GROW, CHURN, SHRINK };

/* One random operation, weighted by the phase. Returns whether the map
 * must be checked now (a structural change). */
static bool random_op(Map *m, struct ref *r, struct rng *g, enum phase ph,
                      int64_t target, struct events *ev)
{
    size_t roll = rndn(g, 1000);

    if (roll < 2) {
        check_iteration(m, r);
        return false;
    }
    if (roll < 200) {
        op_access(m, r, rndn(g, r->K));
        return false;
    }
    switch (ph) {
    case GROW:
        if (roll < 800)
            return op_assign(m, r, pick(g, r, false), rnd(g), ev);
        if (roll < 900 && r->count > 0)
            return op_assign(m, r, pick(g, r, true), rnd(g), ev);
        op_delete(m, r, rndn(g, r->K));
        return false;
    case CHURN:
        /* hold the size near target: deletes leave tombstones, which
         * pruneTombstones or a rehash clean up */
        if (r->count < target)
            return op_assign(m, r, pick(g, r, false), rnd(g), ev);
        op_delete(m, r, pick(g, r, true));
        return false;
    case SHRINK:
        if (roll < 900 && r->count > 0) {
            op_delete(m, r, pick(g, r, true));
            return false;
        }
        return op_assign(m, r, rndn(g, r->K), rnd(g), ev);
    }
    return false;
}

/* Check after a structural change, and every `every` operations. */
static void maybe_check(Map *m, struct ref *r, bool changed, long i, long every)
{
    if (changed || r->count < 64 || i % every == 0)
        check_map(m, r);
}

/* ---- tests ---- */

/* probeSeq visits every group exactly once in lengthMask+1 steps, for
 * every power-of-two group count a table can have (1 .. 128), from any
 * start. */
static void test_probe_sequence(void **state)
{
    struct rng g = {.s = 5};

    (void)state;
    for (uint64_t groups = 1; groups <= maxTableCapacity / MapGroupSlots;
         groups *= 2) {
        for (int rep = 0; rep < 64; rep++) {
            bool seen[maxTableCapacity / MapGroupSlots] = {false};
            uintptr_t hash = (uintptr_t)rnd(&g);
            struct probeSeq s = makeProbeSeq(h1(hash), groups - 1);
            assert_int_equal(s.offset, h1(hash) & (groups - 1));
            for (uint64_t i = 0; i < groups; i++, s = probeSeq_next(s)) {
                assert_true(s.offset < groups);
                assert_false(seen[s.offset]);
                seen[s.offset] = true;
            }
        }
    }
}

/* The SWAR matchers against a byte-by-byte statement of what they mean
 * (matchH2 may add a false positive, never lose a match). */
static void test_ctrl_match(void **state)
{
    struct rng g = {.s = 6};

    (void)state;
    for (int rep = 0; rep < 100000; rep++) {
        ctrlGroup w = 0;
        ctrl bytes[8];
        uintptr_t h = (uintptr_t)rndn(&g, 128);
        for (int i = 0; i < 8; i++) {
            size_t k = rndn(&g, 4);
            bytes[i] = k == 0   ? ctrlEmpty
                       : k == 1 ? ctrlDeleted
                       : k == 2 ? (ctrl)h
                                : (ctrl)rndn(&g, 128);
            ctrlGroup_set(&w, (uintptr_t)i, bytes[i]);
        }
        bitset mh = ctrlGroup_matchH2(w, h), me = ctrlGroup_matchEmpty(w),
               md = ctrlGroup_matchEmptyOrDeleted(w),
               mf = ctrlGroup_matchFull(w);
        for (int i = 0; i < 8; i++) {
            bool bh = mh >> (8 * i + 7) & 1, be = me >> (8 * i + 7) & 1,
                 bd = md >> (8 * i + 7) & 1, bf = mf >> (8 * i + 7) & 1;
            assert_int_equal(ctrlGroup_get(&w, (uintptr_t)i), bytes[i]);
            if (bytes[i] == h)
                assert_true(bh);
            else if (bh) /* a false positive: only after a real match */
                assert_true(i > 0 && (mh >> (8 * (i - 1) + 7) & 1));
            assert_int_equal(be, bytes[i] == ctrlEmpty);
            assert_int_equal(bd, bytes[i] >= 0x80);
            assert_int_equal(bf, bytes[i] < 0x80);
        }
        assert_int_equal(mh & ~bitsetMSB, 0);
    }
}

/* A map grows from nothing to one group (growToSmall) at the first
 * assignment, stays one group up to 8 entries, and becomes a directory of
 * one table at the 9th (growToTable), every entry kept. */
static void test_small_to_full(void **state)
{
    struct rng g = {.s = 8};

    (void)state;
    for (int rep = 0; rep < 200; rep++) {
        struct ref r;
        struct events ev = {0};
        ref_init(&r, 64);
        Map *m = makemap(rep % 2 ? 0 : 8);
        assert_null(m->dirPtr);
        check_map(m, &r);
        for (int n = 1; n <= MapGroupSlots; n++) {
            op_assign(m, &r, pick(&g, &r, false), rnd(&g), &ev);
            /* updates keep a small map small while it has a free slot */
            if (n < MapGroupSlots && rndn(&g, 3) == 0)
                op_assign(m, &r, pick(&g, &r, true), rnd(&g), &ev);
            assert_non_null(m->dirPtr);
            assert_int_equal(m->dirLen, 0);
            check_map(m, &r);
            check_iteration(m, &r);
        }
        assert_int_equal(ev.tosmall, 1);
        if (rep % 4 == 1) {
            /* a delete in a small map empties its slot at once */
            op_delete(m, &r, pick(&g, &r, true));
            check_map(m, &r);
            op_assign(m, &r, pick(&g, &r, false), rnd(&g), &ev);
            assert_int_equal(m->dirLen, 0);
        }
        /* a full small map becomes a table at the next assignment, even
         * the update of a present key: PutSlot tests used before it looks
         * for the key (map.go:502, runtime_fast64.go:221) */
        op_assign(m, &r, pick(&g, &r, rep % 3 == 0), rnd(&g), &ev);
        assert_int_equal(ev.totable, 1);
        assert_int_equal(m->dirLen, 1);
        assert_int_equal(m->globalDepth, 0);
        assert_int_equal(Map_directoryAt(m, 0)->capacity, 2 * MapGroupSlots);
        check_map(m, &r);
        check_iteration(m, &r);
        mapfree(m);
        ref_free(&r);
    }
}

/* split keeps every key: drive one table to the point of splitting and
 * compare before and after, table by table. */
static void test_split_keeps_keys(void **state)
{
    struct rng g = {.s = 9};
    struct events ev = {0};

    (void)state;
    for (int rep = 0; rep < 6; rep++) {
        struct ref r;
        ref_init(&r, 16384);
        Map *m = makemap(0);
        int splits = 0;
        while (splits < 3) {
            struct events before = ev;
            bool changed = op_assign(m, &r, pick(&g, &r, false), rnd(&g), &ev);
            if (ev.split > before.split) {
                splits++;
                check_map(m, &r);
                check_iteration(m, &r);
                /* every key of the reference is found */
                for (size_t i = 0; i < r.K; i++)
                    if (r.present[i])
                        op_access(m, &r, i);
            } else if (changed) {
                check_map(m, &r);
            }
        }
        mapfree(m);
        ref_free(&r);
    }
    print_message("split test: %d grows, %d splits, %d directory growths\n",
                  ev.grow, ev.split, ev.dirgrow);
    assert_true(ev.split >= 18);
    assert_true(ev.dirgrow >= 6);
}

static void test_random_ops(void **state)
{
    struct events ev = {0};
    struct rng g = {.s = 20261207};
    int clears = 0;

    (void)state;
    for (int round = 0; round < 10; round++) {
        int64_t target = round % 2 ? 6 + (int64_t)rndn(&g, 200)
                                   : 900 + (int64_t)rndn(&g, 4000);
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
        Map *m = makemap(hint);
        check_map(m, &r);
        long i = 0;

        for (int pass = 0; pass < 2; pass++) {
            while (r.count < target) {
                bool c = random_op(m, &r, &g, GROW, target, &ev);
                maybe_check(m, &r, c, ++i, 97);
            }
            int64_t churn = target * 6;
            for (int64_t j = 0; j < churn; j++) {
                bool c = random_op(m, &r, &g, CHURN, target, &ev);
                maybe_check(m, &r, c, ++i, 97);
            }
            check_map(m, &r);
            check_iteration(m, &r);
            while (r.count > target / 4) {
                bool c = random_op(m, &r, &g, SHRINK, target, &ev);
                maybe_check(m, &r, c, ++i, 97);
            }
            check_map(m, &r);
            if (rndn(&g, 2) == 0) {
                op_clear(m, &r);
                clears++;
                check_map(m, &r);
                check_iteration(m, &r);
            }
        }
        mapfree(m);
        ref_free(&r);
    }
    print_message("random ops: %d growToSmall, %d growToTable, %d grows, "
                  "%d splits, %d directory growths; %d clears\n",
                  ev.tosmall, ev.totable, ev.grow, ev.split, ev.dirgrow,
                  clears);
    assert_true(ev.totable >= 3);
    assert_true(ev.grow >= 15);
    assert_true(ev.split >= 5);
    assert_true(ev.dirgrow >= 3);
}

/*
 * Iterate over m while writing to it from the same thread (as Go allows):
 * insert new keys (which grow and split tables under the iterator), update
 * present ones, and, with `deletes`, delete some. Every key present at the
 * start and never deleted before the iterator reached it is returned
 * exactly once, with its current elem; a key deleted before it was
 * reached is not returned; no key is returned twice; nothing else but
 * newly inserted keys.
 */
static void iterate_with_writes(Map *m, struct ref *r, struct rng *g,
                                int inserts_per_step, bool deletes,
                                struct events *ev)
{
    bool *orig = calloc(r->K, sizeof(*orig));
    bool *gone = calloc(r->K, sizeof(*gone));
    bool *ever = calloc(r->K, sizeof(*ever)); /* present at some point */
    int *times = calloc(r->K, sizeof(*times));
    struct hiter it;
    int deleted_unseen = 0;
    long steps = 0;

    assert_true(orig && gone && ever && times);
    memcpy(orig, r->present, r->K * sizeof(*orig));
    memcpy(ever, r->present, r->K * sizeof(*ever));

    for (mapiterinit(m, &it); it.key != NULL; mapiternext(&it)) {
        size_t ki = index_of(*it.key);
        assert_true(ki < r->K);
        assert_true(r->present[ki]);
        assert_false(gone[ki]);
        assert_int_equal(times[ki], 0);
        times[ki]++;
        assert_int_equal(*it.elem, r->val[ki]);
        bool changed = false;
        /* insert keys that were never in the map (a deleted key inserted
         * again is a new entry, which Go may return a second time) */
        for (int j = 0; j < inserts_per_step && r->count < (int64_t)r->K / 2;
             j++) {
            size_t ni = pick(g, r, false);
            if (!ever[ni]) {
                ever[ni] = true;
                changed |= op_assign(m, r, ni, rnd(g), ev);
            }
        }
        /* update a key present from the start (seen or not) */
        op_assign(m, r, pick(g, r, true), rnd(g), ev);
        if (deletes) {
            if (rndn(g, 4) == 0 && r->present[ki])
                op_delete(m, r, ki);
            for (int j = (int)rndn(g, 3); j > 0 && r->count > 0; j--) {
                size_t d = pick(g, r, true);
                if (times[d] == 0 && orig[d]) {
                    gone[d] = true;
                    deleted_unseen++;
                }
                op_delete(m, r, d);
            }
        }
        maybe_check(m, r, changed, ++steps, 61);
    }
    for (size_t i = 0; i < r->K; i++) {
        if (orig[i] && !gone[i])
            assert_int_equal(times[i], 1);
        if (gone[i])
            assert_int_equal(times[i], 0);
    }
    if (deletes)
        assert_true(deleted_unseen > 0);
    free(orig);
    free(gone);
    free(ever);
    free(times);
}

static void test_iterate_during_growth(void **state)
{
    struct rng g = {.s = 7};
    struct events ev = {0};

    (void)state;
    for (int rep = 0; rep < 40; rep++) {
        struct ref r;
        ref_init(&r, rep % 4 == 3 ? 12000 : 1200);
        Map *m = makemap(0);
        /* from a small map (dirIdx -1), a single table, or several */
        size_t n = rep % 4 == 0   ? 1 + rndn(&g, 8)
                   : rep % 4 == 3 ? 800 + rndn(&g, 1200)
                                  : 9 + rndn(&g, 300);
        for (; n > 0; n--)
            op_assign(m, &r, pick(&g, &r, false), rnd(&g), NULL);
        check_map(m, &r);
        iterate_with_writes(m, &r, &g, rep % 4 == 3 ? 6 : 3, false, &ev);
        check_map(m, &r);
        check_iteration(m, &r);
        mapfree(m);
        ref_free(&r);
    }
    print_message("iteration with inserts: %d growToTable, %d grows, "
                  "%d splits, %d directory growths under the iterator\n",
                  ev.totable, ev.grow, ev.split, ev.dirgrow);
    assert_true(ev.totable >= 5);
    assert_true(ev.grow >= 40);
    assert_true(ev.split >= 5);
}

static void test_delete_during_iteration(void **state)
{
    struct rng g = {.s = 99};
    struct events ev = {0};

    (void)state;
    for (int rep = 0; rep < 60; rep++) {
        struct ref r;
        ref_init(&r, 8192);
        Map *m = makemap(0);
        for (size_t n = 4 + rndn(&g, rep % 3 ? 600 : 2500); n > 0; n--)
            op_assign(m, &r, pick(&g, &r, false), rnd(&g), NULL);
        check_map(m, &r);
        iterate_with_writes(m, &r, &g, rep % 2 ? 2 : 0, true, &ev);
        check_map(m, &r);
        mapfree(m);
        ref_free(&r);
    }
}

static void test_access_len_zero(void **state)
{
    Map *m = makemap(0);
    bool ok = true;

    (void)state;
    assert_null(m->dirPtr);
    assert_false(growing(m));
    assert_int_equal(maplen(m), 0);
    assert_int_equal(maplen(NULL), 0);
    assert_ptr_equal(mapaccess1(m, 5), &zeroVal);
    assert_ptr_equal(mapaccess2(m, 5, &ok), &zeroVal);
    assert_false(ok);
    assert_ptr_equal(mapaccess1(NULL, 5), &zeroVal);
    mapdelete(m, 5);
    mapdelete(NULL, 5);
    mapclear(NULL);
    assert_null(mapclone(NULL));

    mapstore(m, 0, 0);
    assert_int_equal(maplen(m), 1);
    const uint64_t *p = mapaccess2(m, 0, &ok);
    assert_true(ok);
    assert_ptr_not_equal(p, &zeroVal);
    assert_int_equal(*p, 0);
    mapstore(m, 0, 42);
    assert_int_equal(*mapaccess1(m, 0), 42);
    *mapassign(m, 7) += 1;
    *mapassign(m, 7) += 1;
    assert_int_equal(*mapaccess1(m, 7), 2);
    assert_int_equal(maplen(m), 2);
    mapdelete(m, 12345);
    assert_int_equal(maplen(m), 2);
    mapdelete(m, 0);
    assert_int_equal(maplen(m), 1);
    assert_false(*mapaccess2(m, 0, &ok) != 0 || ok);
    assert_int_equal(*mapassign(m, 0), 0);
    mapfree(m);
    mapfree(NULL);
}

/* makemap's hint: up to 8, nothing is allocated; above, a directory of
 * tables sized so that hint entries fit without growing. */
static void test_makemap_hint(void **state)
{
    (void)state;
    int64_t hints[] = {-5, 0, 8, 9, 100, 896, 897, 1000, 5000, 100000};
    for (size_t h = 0; h < sizeof(hints) / sizeof(hints[0]); h++) {
        struct ref r;
        struct events ev = {0};
        ref_init(&r, (size_t)(hints[h] > 0 ? hints[h] : 1) * 2 + 16);
        Map *m = makemap(hints[h]);
        if (hints[h] <= MapGroupSlots) {
            assert_null(m->dirPtr);
        } else {
            assert_true(m->dirLen >= 1);
            check_map(m, &r);
        }
        /* the tables have room for about hint entries in total: Go sizes
         * them for the average case, and its integer divisions can leave
         * them short by up to one entry per table (hint 897: two tables
         * of 512 slots, room for 448 each, 896 in all); a table that gets
         * more than its share grows */
        if (hints[h] > MapGroupSlots) {
            int64_t room = 0;
            for (int64_t i = 0; i < m->dirLen; i++)
                room += Map_directoryAt(m, (uintptr_t)i)->growthLeft;
            assert_true(room >= hints[h] - m->dirLen);
        }
        for (int64_t i = 0; i < hints[h]; i++)
            op_assign(m, &r, (size_t)i, (uint64_t)i, &ev);
        if (hints[h] > MapGroupSlots && m->dirLen == 1)
            assert_int_equal(ev.grow + ev.split, 0);
        check_map(m, &r);
        mapfree(m);
        ref_free(&r);
    }
    /* absurd hints give an empty map, as Go's NewMap does */
    Map *m = makemap(INT64_MAX);
    assert_null(m->dirPtr);
    mapstore(m, 1, 1);
    assert_int_equal(*mapaccess1(m, 1), 1);
    mapfree(m);
}

static void test_clear(void **state)
{
    struct rng g = {.s = 3};

    (void)state;
    for (int rep = 0; rep < 20; rep++) {
        struct ref r;
        ref_init(&r, 8192);
        Map *m = makemap(0);
        for (size_t n = 1 + rndn(&g, rep % 2 ? 7 : 3000); n > 0; n--)
            op_assign(m, &r, pick(&g, &r, false), rnd(&g), NULL);
        check_map(m, &r);
        int64_t dirLen = m->dirLen;
        uint64_t seq = m->clearSeq;

        /* an iterator in progress when the map is cleared returns none
         * of the cleared entries */
        struct hiter it;
        mapiterinit(m, &it);
        assert_non_null(it.key);
        op_clear(m, &r);
        assert_int_equal(maplen(m), 0);
        assert_int_equal(m->clearSeq, seq + 1);
        assert_int_equal(m->dirLen, dirLen); /* the directory is kept */
        assert_false(m->tombstonePossible);
        check_map(m, &r);
        int after = 0;
        for (mapiternext(&it); it.key != NULL; mapiternext(&it))
            after++;
        assert_int_equal(after, 0);
        /* clearing an empty map does nothing */
        mapclear(m);
        assert_int_equal(m->clearSeq, seq + 1);
        for (size_t n = 0; n < 300; n++)
            op_assign(m, &r, pick(&g, &r, false), rnd(&g), NULL);
        check_map(m, &r);
        check_iteration(m, &r);
        mapfree(m);
        ref_free(&r);
    }
}

/* maps.Clone: the same entries in new memory; the two maps are
 * independent afterwards. */
static void test_clone(void **state)
{
    struct rng g = {.s = 4};

    (void)state;
    for (int rep = 0; rep < 30; rep++) {
        struct ref r, r2;
        ref_init(&r, 8192);
        Map *m = makemap(0);
        size_t n = rep % 3 == 0 ? rndn(&g, 9) : 1 + rndn(&g, 3000);
        for (; n > 0; n--)
            op_assign(m, &r, pick(&g, &r, false), rnd(&g), NULL);
        for (size_t d = rndn(&g, 20); d > 0 && r.count > 0; d--)
            op_delete(m, &r, pick(&g, &r, true));
        Map *c = mapclone(m);
        ref_init(&r2, r.K);
        memcpy(r2.present, r.present, r.K * sizeof(bool));
        memcpy(r2.val, r.val, r.K * sizeof(uint64_t));
        r2.count = r.count;
        check_map(c, &r2);
        check_iteration(c, &r2);
        assert_true(c->dirPtr == NULL || c->dirPtr != m->dirPtr);
        for (int i = 0; i < 500; i++) {
            op_assign(c, &r2, pick(&g, &r2, false), rnd(&g), NULL);
            if (r.count > 0)
                op_delete(m, &r, pick(&g, &r, true));
        }
        check_map(m, &r);
        check_map(c, &r2);
        mapfree(m);
        mapfree(c);
        ref_free(&r);
        ref_free(&r2);
    }
}

/* Every Swiss window is on a path that runs: forced, without a plan (so
 * nothing waits), a writer that grows a small map to a table, grows and
 * splits tables, and a range over the map reach each of them. */
static void test_windows_reached(void **state)
{
    static const enum window_id swiss[] = {
        W_MAPASSIGN_ENTRY,
        W_MAPASSIGN_WRITING,
        W_MAPDELETE_WRITING,
        W_MAPACCESS_ENTRY,
        W_MAPACCESS,
        W_MAPACCESS_BUCKET,
        W_MAPITERNEXT_ENTRY,
        W_MAPITERNEXT,
        W_GROWTOTABLE,
        W_GROW,
        W_SPLIT,
        W_INSTALLTABLESPLIT,
        W_ITER_TABLE,
        W_ITER_GROUP,
    };
    struct hiter it;

    (void)state;
    for (size_t i = 0; i < sizeof(swiss) / sizeof(swiss[0]); i++)
        assert_false(window_reached(3, swiss[i]));
    window_forced = true;
    window_role(3);
    Map *m = makemap(0);
    for (uint64_t k = 0; k < 3000; k++)
        mapstore(m, k, k);
    mapdelete(m, 7);
    (void)mapaccess1(m, 8);
    int n = 0;
    for (mapiterinit(m, &it); it.key != NULL; mapiternext(&it))
        n++;
    window_role(0);
    window_forced = false;
    assert_int_equal(n, 2999);
    for (size_t i = 0; i < sizeof(swiss) / sizeof(swiss[0]); i++)
        if (!window_reached(3, swiss[i]))
            fail_msg("%s not reached", window_name(swiss[i]));
    /* and never the hmap model's */
    assert_false(window_reached(3, W_HASHGROW));
    assert_false(window_reached(3, W_EVACUATE));
    assert_false(window_reached(3, W_GROW_DONE));
    mapfree(m);
}

/* ---- Go's fatal errors, in a child process ---- */

static Map *child_map;
static struct hiter child_it;

static Map *child_setup(int n)
{
    child_map = makemap(0);
    for (uint64_t k = 1; k <= (uint64_t)n; k++)
        mapstore(child_map, k, k);
    return child_map;
}

static void child_mapassign(void)
{
    Map *m = child_setup(20);
    m->writing = 1;
    mapstore(m, 99, 1);
}

static void child_mapassign_small(void)
{
    Map *m = child_setup(3);
    m->writing = 1;
    mapstore(m, 99, 1);
}

static void child_mapdelete(void)
{
    Map *m = child_setup(20);
    m->writing = 1;
    mapdelete(m, 3);
}

static void child_mapclear(void)
{
    Map *m = child_setup(20);
    m->writing = 1;
    mapclear(m);
}

static void child_mapaccess1(void)
{
    Map *m = child_setup(20);
    m->writing = 1;
    (void)mapaccess1(m, 3);
}

static void child_mapaccess2(void)
{
    Map *m = child_setup(5);
    bool ok;
    m->writing = 1;
    (void)mapaccess2(m, 3, &ok);
}

static void child_mapiternext(void)
{
    Map *m = child_setup(20);
    mapiterinit(m, &child_it);
    m->writing = 1;
    mapiternext(&child_it);
}

static void child_mapclone(void)
{
    Map *m = child_setup(20);
    m->writing = 1;
    (void)mapclone(m);
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

/* fn must die as Go does: "<prefix><msg>", a blank line, a traceback whose
 * first frame is func (any of funcs, '|'-separated), exit status 2; with
 * `caller`, that function must be among the frames too. */
static void expect_death(void (*fn)(void), const char *prefix, const char *msg,
                         const char *func, const char *caller)
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
    line = next_line(&s);
    assert_non_null(line);
    bool found = false;
    for (const char *f = func; *f;) {
        const char *bar = strchr(f, '|');
        size_t n = bar ? (size_t)(bar - f) : strlen(f);
        snprintf(want, sizeof(want), "%.*s(...)", (int)n, f);
        if (!strcmp(line, want))
            found = true;
        f += n + (bar ? 1 : 0);
    }
    if (!found)
        fail_msg("first frame %s, want %s; stderr:\n%s", line, func, out);
    line = next_line(&s);
    assert_non_null(line);
    assert_non_null(strstr(line, "swiss/map.c:"));
    if (caller) {
        snprintf(want, sizeof(want), "%s(...)", caller);
        bool seen = false;
        while ((line = next_line(&s)) != NULL)
            if (!strcmp(line, want))
                seen = true;
        assert_true(seen);
    }
    free(out);
}

static void expect_fatal(void (*fn)(void), const char *msg, const char *func)
{
    expect_death(fn, "fatal error: ", msg, func, NULL);
}

static void child_nil_mapassign(void)
{
    (void)mapassign(NULL, 1);
}

static void test_panic_nil_mapassign(void **state)
{
    (void)state;
    expect_death(child_nil_mapassign,
                 "panic: ", "assignment to entry in nil map", "mapassign",
                 NULL);
}

static void test_fatal_direct(void **state)
{
    (void)state;
    expect_fatal(child_mapassign, "concurrent map writes", "mapassign");
    expect_fatal(child_mapassign_small, "concurrent map writes", "mapassign");
    expect_fatal(child_mapdelete, "concurrent map writes", "Map_Delete");
    expect_fatal(child_mapclear, "concurrent map writes", "Map_Clear");
    expect_fatal(child_mapaccess1, "concurrent map read and map write",
                 "mapaccess1");
    expect_fatal(child_mapaccess2, "concurrent map read and map write",
                 "mapaccess2");
    expect_fatal(child_mapiternext, "concurrent map iteration and map write",
                 "Iter_Next");
    expect_fatal(child_mapclone, "concurrent map clone and map write",
                 "Map_Clone");
}

/* ---- Go's checks under forced windows (two threads, MAPRACE_FORCE) ---- */

static void *writer_thread(void *arg)
{
    window_role(1);
    mapstore(child_map, (uint64_t)(uintptr_t)arg, 1);
    return NULL;
}

static void *deleter_thread(void *arg)
{
    window_role(1);
    mapdelete(child_map, (uint64_t)(uintptr_t)arg);
    return NULL;
}

enum reader_kind { RD_ACCESS1, RD_ASSIGN, RD_ITERNEXT, RD_CLONE, RD_LEN };
static enum reader_kind reader_kind;

static void *reader_thread(void *arg)
{
    (void)arg;
    window_role(2);
    switch (reader_kind) {
    case RD_ACCESS1:
        (void)mapaccess1(child_map, 3);
        break;
    case RD_ASSIGN:
        mapstore(child_map, 4, 4);
        break;
    case RD_ITERNEXT:
        mapiternext(&child_it);
        break;
    case RD_CLONE:
        WINDOW(W_CASE_A);
        (void)mapclone(child_map);
        break;
    case RD_LEN:
        break;
    }
    return NULL;
}

/* Two threads meet as a case's plan says; the process must die with
 * Go's message. The writer (role 1) waits in its window for a mark the
 * reader never sets; the fatal error ends the process first. */
static void forced_pair(const struct window_rule *plan, size_t n,
                        void *(*writer)(void *), uint64_t wkey)
{
    pthread_t w, rd;

    window_forced = true;
    window_plan(plan, n);
    pthread_create(&w, NULL, writer, (void *)(uintptr_t)wkey);
    pthread_create(&rd, NULL, reader_thread, NULL);
    pthread_join(rd, NULL);
    pthread_join(w, NULL);
}

/* map-read-write's plan: the reader enters mapaccess1 while the writer
 * is inside mapassign with writing set. */
static const struct window_rule plan_read[] = {
    {.role = 2,
     .at = W_MAPACCESS_ENTRY,
     .wait_role = 1,
     .wait_for = W_MAPASSIGN_WRITING},
    {.role = 1,
     .at = W_MAPASSIGN_WRITING,
     .wait_role = 2,
     .wait_for = W_CASE_D},
};

static void child_forced_read(void)
{
    child_setup(20);
    reader_kind = RD_ACCESS1;
    forced_pair(plan_read, 2, writer_thread, 100);
}

static void child_forced_read_small(void)
{
    child_setup(4);
    reader_kind = RD_ACCESS1;
    forced_pair(plan_read, 2, writer_thread, 2);
}

/* map-concurrent-writes' plan. */
static const struct window_rule plan_writes[] = {
    {.role = 2,
     .at = W_MAPASSIGN_ENTRY,
     .wait_role = 1,
     .wait_for = W_MAPASSIGN_WRITING},
    {.role = 1,
     .at = W_MAPASSIGN_WRITING,
     .wait_role = 2,
     .wait_for = W_CASE_D},
};

static void child_forced_writes(void)
{
    child_setup(20);
    reader_kind = RD_ASSIGN;
    forced_pair(plan_writes, 2, writer_thread, 100);
}

/* A delete holds writing while another writer enters. */
static const struct window_rule plan_delete[] = {
    {.role = 2,
     .at = W_MAPASSIGN_ENTRY,
     .wait_role = 1,
     .wait_for = W_MAPDELETE_WRITING},
    {.role = 1,
     .at = W_MAPDELETE_WRITING,
     .wait_role = 2,
     .wait_for = W_CASE_D},
};

static void child_forced_delete(void)
{
    child_setup(20);
    reader_kind = RD_ASSIGN;
    forced_pair(plan_delete, 2, deleter_thread, 7);
}

/* A range step while a write is in progress. */
static const struct window_rule plan_iter[] = {
    {.role = 2,
     .at = W_MAPITERNEXT_ENTRY,
     .wait_role = 1,
     .wait_for = W_MAPASSIGN_WRITING},
    {.role = 1,
     .at = W_MAPASSIGN_WRITING,
     .wait_role = 2,
     .wait_for = W_CASE_D},
};

static void child_forced_iter(void)
{
    child_setup(20);
    mapiterinit(child_map, &child_it);
    reader_kind = RD_ITERNEXT;
    forced_pair(plan_iter, 2, writer_thread, 100);
}

/* Swiss only: the range passed Next's check (W_MAPITERNEXT), the table it
 * walks was replaced by a grow earlier, so the entry it finds is looked up
 * again through getWithKey, whose check sees the writer: the *read*
 * message, from a range. */
static const struct window_rule plan_iter_grown[] = {
    {.role = 1,
     .at = W_MAPASSIGN_ENTRY,
     .wait_role = 2,
     .wait_for = W_MAPITERNEXT},
    {.role = 2,
     .at = W_MAPITERNEXT,
     .wait_role = 1,
     .wait_for = W_MAPASSIGN_WRITING},
    {.role = 1,
     .at = W_MAPASSIGN_WRITING,
     .wait_role = 2,
     .wait_for = W_CASE_D},
};

static void child_forced_iter_grown(void)
{
    child_setup(12); /* one table of 16 slots, growthLeft 14 - 12 */
    mapiterinit(child_map, &child_it);
    table *t = child_it.tab;
    for (uint64_t k = 1000; t->index != -1; k++)
        mapstore(child_map, k, k); /* grows the table under the iterator */
    reader_kind = RD_ITERNEXT;
    forced_pair(plan_iter_grown, 3, writer_thread, 5000);
}

/* maps.Clone while a write is in progress. */
static const struct window_rule plan_clone[] = {
    {.role = 2,
     .at = W_CASE_A,
     .wait_role = 1,
     .wait_for = W_MAPASSIGN_WRITING},
    {.role = 1,
     .at = W_MAPASSIGN_WRITING,
     .wait_role = 2,
     .wait_for = W_CASE_D},
};

static void child_forced_clone(void)
{
    child_setup(20);
    reader_kind = RD_CLONE;
    forced_pair(plan_clone, 2, writer_thread, 100);
}

static void test_fatal_forced(void **state)
{
    (void)state;
    expect_fatal(child_forced_read, "concurrent map read and map write",
                 "mapaccess1");
    expect_fatal(child_forced_read_small, "concurrent map read and map write",
                 "mapaccess1");
    expect_fatal(child_forced_writes, "concurrent map writes", "mapassign");
    expect_fatal(child_forced_delete, "concurrent map writes",
                 "mapassign|Map_Delete");
    expect_fatal(child_forced_iter, "concurrent map iteration and map write",
                 "Iter_Next");
    expect_death(child_forced_iter_grown,
                 "fatal error: ", "concurrent map read and map write",
                 "Map_getWithKey", "mapiternext");
    expect_fatal(child_forced_clone, "concurrent map clone and map write",
                 "Map_Clone");
}

/* The forced writer really held writing while the other side looked:
 * without a plan (unforced) the same pairs run clean to the end when run
 * one after the other. */
static void test_unforced_clean(void **state)
{
    (void)state;
    window_forced = false;
    child_setup(20);
    reader_kind = RD_ACCESS1;
    pthread_t w;
    pthread_create(&w, NULL, writer_thread, (void *)(uintptr_t)100);
    pthread_join(w, NULL);
    reader_thread(NULL);
    assert_int_equal(maplen(child_map), 21);
    mapfree(child_map);
}

int main(void)
{
    keyinv = KEYMUL;
    for (int i = 0; i < 6; i++)
        keyinv *= 2 - KEYMUL * keyinv;
    if (KEYMUL * keyinv != 1) {
        fprintf(stderr, "test_swiss: no inverse of KEYMUL\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_sequence),
        cmocka_unit_test(test_ctrl_match),
        cmocka_unit_test(test_access_len_zero),
        cmocka_unit_test(test_makemap_hint),
        cmocka_unit_test(test_small_to_full),
        cmocka_unit_test(test_split_keeps_keys),
        cmocka_unit_test(test_random_ops),
        cmocka_unit_test(test_iterate_during_growth),
        cmocka_unit_test(test_delete_during_iteration),
        cmocka_unit_test(test_clear),
        cmocka_unit_test(test_clone),
        cmocka_unit_test(test_windows_reached),
        cmocka_unit_test(test_panic_nil_mapassign),
        cmocka_unit_test(test_fatal_direct),
        cmocka_unit_test(test_fatal_forced),
        cmocka_unit_test(test_unforced_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
