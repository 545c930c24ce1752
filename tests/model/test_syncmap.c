/*
 * tests/model/test_syncmap.c - the sync.Map model (model/syncmap.h):
 * random operation sequences against a plain reference, with the map's
 * invariants checked after every step (read/dirty consistency, amended,
 * expunged entries); the paths that matter by name (promotion of dirty to
 * read after enough misses, expunge and unexpunge, Range promoting and
 * stopping early); and a two-thread stress whose results must be exact
 * (no lost CompareAndSwap increment, one LoadOrStore winner per key).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "syncmap.h"

/* --- helpers (single-threaded use only) --------------------------------- */

static struct readOnly *readp(struct Map *m)
{
    return atomic_load(&m->read);
}

static struct hmap *read_m(struct Map *m)
{
    struct readOnly *r = readp(m);

    return r ? r->m : NULL;
}

static bool read_amended(struct Map *m)
{
    struct readOnly *r = readp(m);

    return r && r->amended;
}

static struct entry *entry_in(struct hmap *h, uint64_t key)
{
    bool ok = false;
    const uint64_t *v;

    if (!h)
        return NULL;
    v = mapaccess2(h, key, &ok);
    return ok ? (struct entry *)(uintptr_t)*v : NULL;
}

/* The invariants of syncmap.h, checked with no other thread running. */
static void check_invariants(struct Map *m)
{
    struct hmap *rm = read_m(m);
    struct hiter it;
    bool extra = false;

    if (rm)
        for (mapiterinit(rm, &it); it.key; mapiternext(&it)) {
            struct entry *e = (struct entry *)(uintptr_t)*it.elem;
            uint64_t *p = atomic_load(&e->p);

            if (!m->dirty) {
                /* expunged only while there is a dirty map */
                assert_ptr_not_equal(p, syncmap_expunged);
            } else if (p == syncmap_expunged) {
                assert_null(entry_in(m->dirty, *it.key));
            } else {
                /* dirty holds every non-expunged entry of read */
                assert_ptr_equal(entry_in(m->dirty, *it.key), e);
            }
        }
    if (m->dirty)
        for (mapiterinit(m->dirty, &it); it.key; mapiternext(&it)) {
            struct entry *e = (struct entry *)(uintptr_t)*it.elem;

            assert_ptr_not_equal(atomic_load(&e->p), syncmap_expunged);
            if (!entry_in(rm, *it.key))
                extra = true;
        }
    /* a key only in dirty implies amended, and amended implies a dirty
     * map (not the converse: LoadAndDelete can take the last such key out
     * of dirty and leave amended set, as in Go) */
    if (extra)
        assert_true(read_amended(m));
    if (read_amended(m))
        assert_non_null(m->dirty);
}

/* xorshift64: a deterministic sequence for the random tests */
static uint64_t rnd(uint64_t *s)
{
    uint64_t x = *s;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* --- random operations against a reference ------------------------------ */

enum { nkeys = 48 };

struct ref {
    bool present[nkeys];
    uint64_t val[nkeys];
};

struct visit {
    const struct ref *ref;
    int seen[nkeys];
    int calls;
    int stop_after; /* 0: never stop */
};

static bool visit_fn(uint64_t key, uint64_t value, void *arg)
{
    struct visit *v = arg;

    assert_true(key < nkeys);
    assert_true(v->ref->present[key]);
    assert_int_equal(value, v->ref->val[key]);
    v->seen[key]++;
    v->calls++;
    return !(v->stop_after && v->calls == v->stop_after);
}

static void test_random_against_reference(void **state)
{
    struct Map m;
    struct ref ref;
    uint64_t s = 0x9e3779b97f4a7c15ull;
    struct readOnly *last_read = NULL;
    int promotions = 0, expunges = 0, i, k;

    memset(&ref, 0, sizeof(ref));
    syncmap_init(&m);
    for (i = 0; i < 60000; i++) {
        uint64_t r = rnd(&s);
        uint64_t key = (r >> 8) % nkeys;
        uint64_t v = rnd(&s) % 1000, got;
        bool ok;

        switch (r % 16) {
        case 0:
        case 1:
        case 2:
        case 3:
        case 4: /* reads dominate */
            ok = Map_Load(&m, key, &got);
            assert_int_equal(ok, ref.present[key]);
            assert_int_equal(got, ok ? ref.val[key] : 0);
            break;
        case 5:
        case 6:
            Map_Store(&m, key, v);
            ref.present[key] = true;
            ref.val[key] = v;
            break;
        case 7:
            ok = Map_LoadOrStore(&m, key, v, &got);
            assert_int_equal(ok, ref.present[key]);
            if (ok) {
                assert_int_equal(got, ref.val[key]);
            } else {
                assert_int_equal(got, v);
                ref.present[key] = true;
                ref.val[key] = v;
            }
            break;
        case 8:
            ok = Map_LoadAndDelete(&m, key, &got);
            assert_int_equal(ok, ref.present[key]);
            assert_int_equal(got, ok ? ref.val[key] : 0);
            ref.present[key] = false;
            break;
        case 9:
        case 10:
            Map_Delete(&m, key);
            ref.present[key] = false;
            break;
        case 11:
            ok = Map_Swap(&m, key, v, &got);
            assert_int_equal(ok, ref.present[key]);
            assert_int_equal(got, ok ? ref.val[key] : 0);
            ref.present[key] = true;
            ref.val[key] = v;
            break;
        case 12:
        case 13: {
            uint64_t old = (r & 0x10) ? ref.val[key] : rnd(&s) % 1000;
            bool want = ref.present[key] && ref.val[key] == old;

            assert_int_equal(Map_CompareAndSwap(&m, key, old, v), want);
            if (want)
                ref.val[key] = v;
            break;
        }
        case 14: {
            struct visit vis = {.ref = &ref};

            Map_Range(&m, visit_fn, &vis);
            for (k = 0; k < nkeys; k++)
                assert_int_equal(vis.seen[k], ref.present[k] ? 1 : 0);
            break;
        }
        default: {
            /* a burst of misses on one key, to drive promotions */
            int j;

            for (j = 0; j < 8; j++)
                Map_Load(&m, key, &got);
            break;
        }
        }
        check_invariants(&m);

        /* Count what the sequence went through, so that the test fails
         * if it stops exercising the paths it is meant to. */
        if (readp(&m) != last_read) {
            last_read = readp(&m);
            if (!read_amended(&m) && !m.dirty && read_m(&m))
                promotions++;
        }
        if (read_m(&m))
            for (k = 0; k < nkeys; k++) {
                struct entry *e = entry_in(read_m(&m), k);

                if (e && atomic_load(&e->p) == syncmap_expunged) {
                    expunges++;
                    break;
                }
            }
    }
    assert_true(promotions > 100);
    assert_true(expunges > 100);
    syncmap_free(&m);
}

/* --- the paths, by name ------------------------------------------------- */

static void test_promotion_after_misses(void **state)
{
    struct Map m;
    uint64_t v;
    int i;

    syncmap_init(&m);
    for (i = 0; i < 10; i++)
        Map_Store(&m, i, 100 + i);
    /* new keys go to dirty; read is marked amended */
    assert_non_null(m.dirty);
    assert_true(read_amended(&m));
    assert_int_equal(maplen(m.dirty), 10);

    /* each load of a key only in dirty is a miss; len(dirty) misses
     * promote dirty to read */
    for (i = 0; i < 9; i++) {
        assert_true(Map_Load(&m, i, &v));
        assert_int_equal(v, 100 + i);
        assert_int_equal(m.misses, i + 1);
    }
    assert_non_null(m.dirty);
    assert_true(Map_Load(&m, 9, &v));
    assert_null(m.dirty);
    assert_int_equal(m.misses, 0);
    assert_false(read_amended(&m));
    assert_int_equal(maplen(read_m(&m)), 10);

    /* now hits take no lock and count no miss */
    for (i = 0; i < 10; i++) {
        assert_true(Map_Load(&m, i, &v));
        assert_int_equal(v, 100 + i);
    }
    assert_int_equal(m.misses, 0);
    /* a Store to a key in read swaps the entry in place: no dirty map */
    Map_Store(&m, 3, 7);
    assert_null(m.dirty);
    assert_true(Map_Load(&m, 3, &v));
    assert_int_equal(v, 7);
    check_invariants(&m);
    syncmap_free(&m);
}

static void promote(struct Map *m)
{
    uint64_t v;

    while (m->dirty)
        Map_Load(m, UINT64_MAX, &v); /* a key never stored: a miss */
}

static void test_expunge_and_unexpunge(void **state)
{
    struct Map m;
    struct entry *e1;
    uint64_t v;

    syncmap_init(&m);
    Map_Store(&m, 1, 11);
    Map_Store(&m, 2, 22);
    promote(&m);
    e1 = entry_in(read_m(&m), 1);
    assert_non_null(e1);

    /* Delete of a key in read: p = nil, the entry stays in read */
    Map_Delete(&m, 1);
    assert_null(atomic_load(&e1->p));
    assert_false(Map_Load(&m, 1, &v));

    /* a new key makes a dirty copy of read: the deleted entry is
     * expunged, not copied */
    Map_Store(&m, 3, 33);
    assert_ptr_equal(atomic_load(&e1->p), syncmap_expunged);
    assert_null(entry_in(m.dirty, 1));
    assert_ptr_equal(entry_in(m.dirty, 2), entry_in(read_m(&m), 2));
    assert_false(Map_Load(&m, 1, &v));
    check_invariants(&m);

    /* Storing the key again unexpunges the same entry, back into dirty */
    Map_Store(&m, 1, 111);
    assert_ptr_equal(entry_in(m.dirty, 1), e1);
    assert_true(Map_Load(&m, 1, &v));
    assert_int_equal(v, 111);
    check_invariants(&m);

    /* LoadOrStore on an expunged entry unexpunges it too */
    Map_Delete(&m, 2);
    promote(&m);
    Map_Store(&m, 4, 44); /* dirty again: 2 is expunged */
    assert_ptr_equal(atomic_load(&entry_in(read_m(&m), 2)->p),
                     syncmap_expunged);
    assert_false(Map_LoadOrStore(&m, 2, 222, &v));
    assert_int_equal(v, 222);
    assert_true(Map_LoadOrStore(&m, 2, 0, &v));
    assert_int_equal(v, 222);
    /* CompareAndSwap never revives an expunged or deleted entry */
    Map_Delete(&m, 4);
    assert_false(Map_CompareAndSwap(&m, 4, 44, 45));
    assert_false(Map_Load(&m, 4, &v));
    check_invariants(&m);
    syncmap_free(&m);
}

static bool count_fn(uint64_t key, uint64_t value, void *arg)
{
    int *n = arg;

    (*n)++;
    return true;
}

static bool stop_fn(uint64_t key, uint64_t value, void *arg)
{
    int *n = arg;

    return ++(*n) < 3;
}

struct store_in_range {
    struct Map *m;
    int calls;
};

static bool store_fn(uint64_t key, uint64_t value, void *arg)
{
    struct store_in_range *s = arg;

    /* f may call any method on m: these take m->mu */
    Map_Store(s->m, key + 1000, value);
    Map_Delete(s->m, key);
    s->calls++;
    return true;
}

static void test_range(void **state)
{
    struct Map m;
    struct store_in_range s = {&m, 0};
    uint64_t v;
    int n = 0, i;

    syncmap_init(&m);
    Map_Range(&m, count_fn, &n); /* empty map */
    assert_int_equal(n, 0);
    for (i = 0; i < 20; i++)
        Map_Store(&m, i, i);
    assert_true(read_amended(&m));

    /* Range promotes dirty at once, whatever the misses */
    Map_Range(&m, count_fn, &n);
    assert_int_equal(n, 20);
    assert_null(m.dirty);
    assert_false(read_amended(&m));
    assert_int_equal(m.misses, 0);

    n = 0;
    Map_Range(&m, stop_fn, &n);
    assert_int_equal(n, 3);

    /* f calls Store and Delete: Range visits the keys present at its
     * start, each once */
    Map_Range(&m, store_fn, &s);
    assert_int_equal(s.calls, 20);
    for (i = 0; i < 20; i++) {
        assert_false(Map_Load(&m, i, &v));
        assert_true(Map_Load(&m, i + 1000, &v));
        assert_int_equal(v, i);
    }
    check_invariants(&m);
    syncmap_free(&m);
}

/* --- two threads -------------------------------------------------------- */

enum {
    stress_rounds = 20000,
    own_keys = 64,
    shared_keys = 256,
    counter_key = 1ull << 40,
    shared_base = 1ull << 41,
};

struct worker {
    struct Map *m;
    int id;
    int wrong; /* own-key results that disagreed with the reference */
    uint64_t won[shared_keys]; /* LoadOrStore's actual, per shared key */
    bool stored[shared_keys];  /* this thread's value was the one stored */
    int ranges;
};

static bool range_check_fn(uint64_t key, uint64_t value, void *arg)
{
    int *bad = arg;

    /* shared keys only ever hold 1 or 2 (a thread id) */
    if (key >= shared_base && key < shared_base + shared_keys && value != 1 &&
        value != 2)
        (*bad)++;
    return true;
}

static void *worker_fn(void *arg)
{
    struct worker *w = arg;
    bool present[own_keys] = {false};
    uint64_t val[own_keys] = {0};
    uint64_t s = 0x1234567ull * (uint64_t)(w->id + 1);
    int i;

    for (i = 0; i < stress_rounds; i++) {
        uint64_t r = rnd(&s);
        int k = (int)((r >> 8) % own_keys);
        uint64_t key = (uint64_t)w->id << 32 | (uint64_t)k, got, old;
        bool ok;

        /* keys of its own: the results are exact */
        switch (r % 5) {
        case 0:
            ok = Map_Load(w->m, key, &got);
            if (ok != present[k] || (ok && got != val[k]))
                w->wrong++;
            break;
        case 1:
            Map_Store(w->m, key, r);
            present[k] = true;
            val[k] = r;
            break;
        case 2:
            ok = Map_LoadAndDelete(w->m, key, &got);
            if (ok != present[k] || (ok && got != val[k]))
                w->wrong++;
            present[k] = false;
            break;
        case 3:
            ok = Map_LoadOrStore(w->m, key, r, &got);
            if (ok != present[k] || got != (ok ? val[k] : r))
                w->wrong++;
            if (!ok) {
                present[k] = true;
                val[k] = r;
            }
            break;
        default:
            ok = Map_Swap(w->m, key, r, &got);
            if (ok != present[k] || (ok && got != val[k]))
                w->wrong++;
            present[k] = true;
            val[k] = r;
            break;
        }

        /* a shared counter, incremented with a CompareAndSwap loop */
        do {
            ok = Map_LoadOrStore(w->m, counter_key, 0, &old);
        } while (!Map_CompareAndSwap(w->m, counter_key, old, old + 1));

        /* shared keys: one LoadOrStore winner each */
        if (i < shared_keys) {
            ok = Map_LoadOrStore(w->m, shared_base + (uint64_t)i,
                                 (uint64_t)w->id, &w->won[i]);
            w->stored[i] = !ok;
        }
        if (i % 1000 == 0) {
            int bad = 0;

            Map_Range(w->m, range_check_fn, &bad);
            if (bad)
                w->wrong++;
            w->ranges++;
        }
    }
    return NULL;
}

static void test_two_threads(void **state)
{
    struct Map m;
    struct worker w[2];
    pthread_t t[2];
    uint64_t v;
    int i;

    syncmap_init(&m);
    memset(w, 0, sizeof(w));
    for (i = 0; i < 2; i++) {
        w[i].m = &m;
        w[i].id = i + 1;
        assert_int_equal(pthread_create(&t[i], NULL, worker_fn, &w[i]), 0);
    }
    for (i = 0; i < 2; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);

    assert_int_equal(w[0].wrong, 0);
    assert_int_equal(w[1].wrong, 0);
    /* no increment lost */
    assert_true(Map_Load(&m, counter_key, &v));
    assert_int_equal(v, 2 * stress_rounds);
    /* for each shared key exactly one thread stored, and both threads
     * saw the stored value */
    for (i = 0; i < shared_keys; i++) {
        assert_int_equal(w[0].stored[i] + w[1].stored[i], 1);
        assert_int_equal(w[0].won[i], w[1].won[i]);
        assert_true(Map_Load(&m, shared_base + (uint64_t)i, &v));
        assert_int_equal(v, w[0].won[i]);
        assert_int_equal(v, w[0].stored[i] ? 1 : 2);
    }
    check_invariants(&m);
    syncmap_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_against_reference),
        cmocka_unit_test(test_promotion_after_misses),
        cmocka_unit_test(test_expunge_and_unexpunge),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_two_threads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
