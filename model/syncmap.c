/*
 * model/syncmap.c - Go's sync.Map (see syncmap.h for the contract, the
 * invariants and why the valgrind annotations are here). Each function
 * follows src/sync/map.go of Go 1.21-1.23, step for step, with Go's name.
 */
#include "syncmap.h"

#include <stdio.h>
#include <stdlib.h>

#include <valgrind/helgrind.h>

#include "map.h"

/* expunged is an arbitrary pointer that marks entries which have been
 * deleted from the dirty map. */
static uint64_t expunged_value;
#define expunged (&expunged_value)
uint64_t *const syncmap_expunged = expunged;

/* A boxed value (Go: the *any an entry points to). v must stay first: an
 * entry's p is &box->v. */
struct syncmap_box {
    uint64_t v;
    struct syncmap_box *next; /* Map.boxes, for syncmap_free */
};

enum garbage_kind {
    GARBAGE_ENTRY,
    GARBAGE_READONLY,
    GARBAGE_MAP,
};

/* Everything allocated with mu held, kept until syncmap_free. */
struct syncmap_garbage {
    size_t nr, alloc;
    struct {
        enum garbage_kind kind;
        void *p;
    } * items;
};

static void *xmalloc(size_t size)
{
    void *p = malloc(size);

    if (!p) {
        fprintf(stderr, "sync.Map: out of memory\n");
        abort();
    }
    return p;
}

/* Record p as allocated; mu held (or the map not yet shared). */
static void keep(struct Map *m, enum garbage_kind kind, void *p)
{
    struct syncmap_garbage *g = m->garbage;

    if (g->nr == g->alloc) {
        size_t alloc = g->alloc ? 2 * g->alloc : 64;
        void *items = realloc(g->items, alloc * sizeof(*g->items));

        if (!items) {
            fprintf(stderr, "sync.Map: out of memory\n");
            abort();
        }
        g->items = items;
        g->alloc = alloc;
    }
    g->items[g->nr].kind = kind;
    g->items[g->nr].p = p;
    g->nr++;
}

/* new(any) holding v (Go's heap-allocated interface). Lock-free: pushed on
 * m->boxes with a compare-and-swap. */
static uint64_t *newbox(struct Map *m, uint64_t v)
{
    struct syncmap_box *b = xmalloc(sizeof(*b));
    struct syncmap_box *head;

    b->v = v;
    head = atomic_load_explicit(&m->boxes, memory_order_relaxed);
    do {
        b->next = head;
    } while (!atomic_compare_exchange_weak_explicit(
        &m->boxes, &head, b, memory_order_release, memory_order_relaxed));
    return &b->v;
}

/* A new map, kept for syncmap_free; mu held. */
static struct hmap *newmap(struct Map *m, int64_t hint)
{
    struct hmap *h = makemap(hint);

    keep(m, GARBAGE_MAP, h);
    return h;
}

/* e, ok := h[key] for a map of entries (h may be NULL, a nil map). */
static struct entry *lookup(struct hmap *h, uint64_t key, bool *ok)
{
    const uint64_t *v;

    if (!h) {
        *ok = false;
        return NULL;
    }
    v = mapaccess2(h, key, ok);
    return *ok ? (struct entry *)(uintptr_t)*v : NULL;
}

/* --- the atomic words, with what Helgrind and DRD are told ---------------- */

/* e.p.Load() */
static uint64_t *load_p(struct entry *e)
{
    uint64_t *p = atomic_load_explicit(&e->p, memory_order_acquire);

    ANNOTATE_HAPPENS_AFTER(&e->p);
    return p;
}

/* e.p.CompareAndSwap(old, new). The annotation has to come before the
 * store it describes, so a failed CAS sends too (a harmless extra edge:
 * Go's atomics are sequentially consistent, which orders more). */
static bool cas_p(struct entry *e, uint64_t *old, uint64_t *new)
{
    bool ok;

    ANNOTATE_HAPPENS_BEFORE(&e->p);
    ok = atomic_compare_exchange_strong_explicit(
        &e->p, &old, new, memory_order_acq_rel, memory_order_acquire);
    ANNOTATE_HAPPENS_AFTER(&e->p);
    return ok;
}

/* e.p.Swap(new) */
static uint64_t *swap_p(struct entry *e, uint64_t *new)
{
    uint64_t *old;

    ANNOTATE_HAPPENS_BEFORE(&e->p);
    old = atomic_exchange_explicit(&e->p, new, memory_order_acq_rel);
    ANNOTATE_HAPPENS_AFTER(&e->p);
    return old;
}

/* m.read.Load(), as loadReadOnly returns it. */
static struct readOnly loadReadOnly(struct Map *m)
{
    struct readOnly *p = atomic_load_explicit(&m->read, memory_order_acquire);
    struct readOnly zero = {NULL, false};

    ANNOTATE_HAPPENS_AFTER(&m->read);
    if (p)
        return *p;
    return zero;
}

/* m.read.Store(&readOnly{m: h, amended: amended}); mu held. */
static void storeReadOnly(struct Map *m, struct hmap *h, bool amended)
{
    struct readOnly *r = xmalloc(sizeof(*r));

    keep(m, GARBAGE_READONLY, r);
    r->m = h;
    r->amended = amended;
    ANNOTATE_HAPPENS_BEFORE(&m->read);
    atomic_store_explicit(&m->read, r, memory_order_release);
}

/* --- entry --------------------------------------------------------------- */

/* newEntry(i); mu held. */
static struct entry *newEntry(struct Map *m, uint64_t *i)
{
    struct entry *e = xmalloc(sizeof(*e));

    keep(m, GARBAGE_ENTRY, e);
    atomic_init(&e->p, NULL);
    VALGRIND_HG_DISABLE_CHECKING(&e->p, sizeof(e->p));
    ANNOTATE_HAPPENS_BEFORE(&e->p);
    atomic_store_explicit(&e->p, i, memory_order_release);
    return e;
}

/* e.load() */
static bool entry_load(struct entry *e, uint64_t *value)
{
    uint64_t *p = load_p(e);

    if (!p || p == expunged) {
        *value = 0;
        return false;
    }
    *value = *p;
    return true;
}

/* e.tryCompareAndSwap(old, new): swaps if the entry holds old and has not
 * been expunged. */
static bool tryCompareAndSwap(struct Map *m, struct entry *e, uint64_t old,
                              uint64_t new)
{
    uint64_t *p = load_p(e);
    uint64_t *nc;

    if (!p || p == expunged || *p != old)
        return false;

    /* Box the value after the first load: if the comparison fails from
     * the start, no box is allocated. */
    nc = newbox(m, new);
    for (;;) {
        if (cas_p(e, p, nc))
            return true;
        p = load_p(e);
        if (!p || p == expunged || *p != old)
            return false;
    }
}

/* e.unexpungeLocked(): ensures that the entry is not marked as expunged.
 * If it was, it must be added to the dirty map before mu is unlocked. */
static bool unexpungeLocked(struct entry *e)
{
    return cas_p(e, expunged, NULL);
}

/* e.swapLocked(i): the entry must be known not to be expunged. */
static uint64_t *swapLocked(struct entry *e, uint64_t *i)
{
    return swap_p(e, i);
}

/* e.tryLoadOrStore(i): atomically loads or stores a value if the entry is
 * not expunged. Returns ok == false, leaving the entry alone, if it is. */
static bool tryLoadOrStore(struct Map *m, struct entry *e, uint64_t i,
                           uint64_t *actual, bool *loaded)
{
    uint64_t *p = load_p(e);
    uint64_t *ic;

    if (p == expunged)
        return false;
    if (p) {
        *actual = *p;
        *loaded = true;
        return true;
    }

    /* Box the value after the first load: on the "load" path or an
     * expunged entry, no box is allocated. */
    ic = newbox(m, i);
    for (;;) {
        if (cas_p(e, NULL, ic)) {
            *actual = i;
            *loaded = false;
            return true;
        }
        p = load_p(e);
        if (p == expunged)
            return false;
        if (p) {
            *actual = *p;
            *loaded = true;
            return true;
        }
    }
}

/* e.delete() */
static bool entry_delete(struct entry *e, uint64_t *value)
{
    for (;;) {
        uint64_t *p = load_p(e);

        if (!p || p == expunged) {
            *value = 0;
            return false;
        }
        if (cas_p(e, p, NULL)) {
            *value = *p;
            return true;
        }
    }
}

/* e.trySwap(i): swaps a value if the entry has not been expunged; returns
 * false, leaving the entry alone, if it has. */
static bool trySwap(struct entry *e, uint64_t *i, uint64_t **previous)
{
    for (;;) {
        uint64_t *p = load_p(e);

        if (p == expunged)
            return false;
        if (cas_p(e, p, i)) {
            *previous = p;
            return true;
        }
    }
}

/* e.tryExpungeLocked() */
static bool tryExpungeLocked(struct entry *e)
{
    uint64_t *p = load_p(e);

    while (!p) {
        if (cas_p(e, NULL, expunged))
            return true;
        p = load_p(e);
    }
    return p == expunged;
}

/* --- Map ----------------------------------------------------------------- */

static void missLocked(struct Map *m)
{
    m->misses++;
    if (m->misses < (m->dirty ? maplen(m->dirty) : 0))
        return;
    storeReadOnly(m, m->dirty, false);
    m->dirty = NULL;
    m->misses = 0;
}

static void dirtyLocked(struct Map *m)
{
    struct readOnly read;
    struct hiter it;

    if (m->dirty)
        return;

    read = loadReadOnly(m);
    m->dirty = newmap(m, read.m ? maplen(read.m) : 0);
    if (!read.m)
        return;
    for (mapiterinit(read.m, &it); it.key; mapiternext(&it)) {
        struct entry *e = (struct entry *)(uintptr_t)*it.elem;

        if (!tryExpungeLocked(e))
            mapstore(m->dirty, *it.key, (uint64_t)(uintptr_t)e);
    }
}

void syncmap_init(struct Map *m)
{
    if (pthread_mutex_init(&m->mu, NULL)) {
        fprintf(stderr, "syncmap_init: pthread_mutex_init failed\n");
        abort();
    }
    atomic_init(&m->read, NULL);
    m->dirty = NULL;
    m->misses = 0;
    atomic_init(&m->boxes, NULL);
    m->garbage = xmalloc(sizeof(*m->garbage));
    m->garbage->nr = m->garbage->alloc = 0;
    m->garbage->items = NULL;
    VALGRIND_HG_DISABLE_CHECKING(&m->read, sizeof(m->read));
    VALGRIND_HG_DISABLE_CHECKING(&m->boxes, sizeof(m->boxes));
}

void syncmap_free(struct Map *m)
{
    struct syncmap_box *b, *next;
    size_t i;

    for (b = atomic_load_explicit(&m->boxes, memory_order_acquire); b;
         b = next) {
        next = b->next;
        free(b);
    }
    for (i = 0; i < m->garbage->nr; i++) {
        void *p = m->garbage->items[i].p;

        switch (m->garbage->items[i].kind) {
        case GARBAGE_ENTRY:
            VALGRIND_HG_ENABLE_CHECKING(p, sizeof(struct entry));
            free(p);
            break;
        case GARBAGE_READONLY:
            free(p);
            break;
        case GARBAGE_MAP:
            mapfree(p);
            break;
        }
    }
    free(m->garbage->items);
    free(m->garbage);
    m->garbage = NULL;
    m->dirty = NULL;
    atomic_store_explicit(&m->read, NULL, memory_order_relaxed);
    atomic_store_explicit(&m->boxes, NULL, memory_order_relaxed);
    VALGRIND_HG_ENABLE_CHECKING(&m->read, sizeof(m->read));
    VALGRIND_HG_ENABLE_CHECKING(&m->boxes, sizeof(m->boxes));
    pthread_mutex_destroy(&m->mu);
}

__attribute__((noinline)) bool Map_Load(struct Map *m, uint64_t key,
                                        uint64_t *value)
{
    struct readOnly read = loadReadOnly(m);
    bool ok;
    struct entry *e = lookup(read.m, key, &ok);

    if (!ok && read.amended) {
        pthread_mutex_lock(&m->mu);
        /* Avoid reporting a spurious miss if m->dirty got promoted while
         * we were blocked on m->mu. */
        read = loadReadOnly(m);
        e = lookup(read.m, key, &ok);
        if (!ok && read.amended) {
            e = lookup(m->dirty, key, &ok);
            /* Regardless of whether the entry was present, record a miss:
             * this key will take the slow path until the dirty map is
             * promoted to the read map. */
            missLocked(m);
        }
        pthread_mutex_unlock(&m->mu);
    }
    if (!ok) {
        *value = 0;
        return false;
    }
    return entry_load(e, value);
}

__attribute__((noinline)) bool Map_Swap(struct Map *m, uint64_t key,
                                        uint64_t value, uint64_t *previous)
{
    uint64_t *box = newbox(m, value);
    struct readOnly read = loadReadOnly(m);
    struct entry *e;
    uint64_t *v;
    bool ok, loaded = false;

    *previous = 0;
    e = lookup(read.m, key, &ok);
    if (ok && trySwap(e, box, &v)) {
        if (!v)
            return false;
        *previous = *v;
        return true;
    }

    pthread_mutex_lock(&m->mu);
    read = loadReadOnly(m);
    if ((e = lookup(read.m, key, &ok)), ok) {
        if (unexpungeLocked(e))
            /* The entry was previously expunged, which implies that there
             * is a non-nil dirty map and this entry is not in it. */
            mapstore(m->dirty, key, (uint64_t)(uintptr_t)e);
        if ((v = swapLocked(e, box))) {
            loaded = true;
            *previous = *v;
        }
    } else if ((e = lookup(m->dirty, key, &ok)), ok) {
        if ((v = swapLocked(e, box))) {
            loaded = true;
            *previous = *v;
        }
    } else {
        if (!read.amended) {
            /* We're adding the first new key to the dirty map. Make sure
             * it is allocated and mark the read-only map as incomplete. */
            dirtyLocked(m);
            storeReadOnly(m, read.m, true);
        }
        mapstore(m->dirty, key, (uint64_t)(uintptr_t)newEntry(m, box));
    }
    pthread_mutex_unlock(&m->mu);
    return loaded;
}

__attribute__((noinline)) void Map_Store(struct Map *m, uint64_t key,
                                         uint64_t value)
{
    uint64_t previous;

    (void)Map_Swap(m, key, value, &previous);
}

__attribute__((noinline)) bool Map_LoadOrStore(struct Map *m, uint64_t key,
                                               uint64_t value, uint64_t *actual)
{
    struct readOnly read = loadReadOnly(m);
    struct entry *e;
    bool ok, loaded = false;

    /* Avoid locking if it's a clean hit. */
    e = lookup(read.m, key, &ok);
    if (ok && tryLoadOrStore(m, e, value, actual, &loaded))
        return loaded;

    pthread_mutex_lock(&m->mu);
    read = loadReadOnly(m);
    if ((e = lookup(read.m, key, &ok)), ok) {
        if (unexpungeLocked(e))
            mapstore(m->dirty, key, (uint64_t)(uintptr_t)e);
        (void)tryLoadOrStore(m, e, value, actual, &loaded);
    } else if ((e = lookup(m->dirty, key, &ok)), ok) {
        (void)tryLoadOrStore(m, e, value, actual, &loaded);
        missLocked(m);
    } else {
        if (!read.amended) {
            /* We're adding the first new key to the dirty map. Make sure
             * it is allocated and mark the read-only map as incomplete. */
            dirtyLocked(m);
            storeReadOnly(m, read.m, true);
        }
        mapstore(m->dirty, key,
                 (uint64_t)(uintptr_t)newEntry(m, newbox(m, value)));
        *actual = value;
        loaded = false;
    }
    pthread_mutex_unlock(&m->mu);
    return loaded;
}

__attribute__((noinline)) bool Map_LoadAndDelete(struct Map *m, uint64_t key,
                                                 uint64_t *value)
{
    struct readOnly read = loadReadOnly(m);
    bool ok;
    struct entry *e = lookup(read.m, key, &ok);

    if (!ok && read.amended) {
        pthread_mutex_lock(&m->mu);
        read = loadReadOnly(m);
        e = lookup(read.m, key, &ok);
        if (!ok && read.amended) {
            e = lookup(m->dirty, key, &ok);
            mapdelete(m->dirty, key);
            /* Regardless of whether the entry was present, record a miss:
             * this key will take the slow path until the dirty map is
             * promoted to the read map. */
            missLocked(m);
        }
        pthread_mutex_unlock(&m->mu);
    }
    if (ok)
        return entry_delete(e, value);
    *value = 0;
    return false;
}

__attribute__((noinline)) void Map_Delete(struct Map *m, uint64_t key)
{
    uint64_t value;

    (void)Map_LoadAndDelete(m, key, &value);
}

__attribute__((noinline)) bool Map_CompareAndSwap(struct Map *m, uint64_t key,
                                                  uint64_t old, uint64_t new)
{
    struct readOnly read = loadReadOnly(m);
    struct entry *e;
    bool ok, swapped = false;

    e = lookup(read.m, key, &ok);
    if (ok)
        return tryCompareAndSwap(m, e, old, new);
    else if (!read.amended)
        return false; /* No existing value for key. */

    pthread_mutex_lock(&m->mu);
    read = loadReadOnly(m);
    if ((e = lookup(read.m, key, &ok)), ok) {
        swapped = tryCompareAndSwap(m, e, old, new);
    } else if ((e = lookup(m->dirty, key, &ok)), ok) {
        swapped = tryCompareAndSwap(m, e, old, new);
        /* We needed to lock mu in order to load the entry for key, and
         * the operation didn't change the set of keys in the map (so it
         * would be made more efficient by promoting the dirty map to
         * read-only). Count it as a miss so that we will eventually
         * switch to the more efficient steady state. */
        missLocked(m);
    }
    pthread_mutex_unlock(&m->mu);
    return swapped;
}

__attribute__((noinline)) void
Map_Range(struct Map *m, bool (*f)(uint64_t key, uint64_t value, void *arg),
          void *arg)
{
    /* We need to be able to iterate over all of the keys that were
     * already present at the start of the call to Range. If read.amended
     * is false, then read.m satisfies that property without requiring us
     * to hold m->mu for a long time. */
    struct readOnly read = loadReadOnly(m);
    struct hiter it;

    if (read.amended) {
        /* m->dirty contains keys not in read.m. Fortunately, Range is
         * already O(N) (assuming the caller does not break out early), so
         * a call to Range amortizes an entire copy of the map: we can
         * promote the dirty copy immediately! */
        pthread_mutex_lock(&m->mu);
        read = loadReadOnly(m);
        if (read.amended) {
            read.m = m->dirty;
            read.amended = false;
            storeReadOnly(m, m->dirty, false);
            m->dirty = NULL;
            m->misses = 0;
        }
        pthread_mutex_unlock(&m->mu);
    }

    if (!read.m)
        return;
    for (mapiterinit(read.m, &it); it.key; mapiternext(&it)) {
        struct entry *e = (struct entry *)(uintptr_t)*it.elem;
        uint64_t v;

        if (!entry_load(e, &v))
            continue;
        if (!f(*it.key, v, arg))
            break;
    }
}
