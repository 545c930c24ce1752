/*
 * model/syncmap.h - a C model of Go's sync.Map (src/sync/map.go, Go
 * 1.20-1.23, before Go 1.24 replaced it with a hash-trie). Read it side by
 * side with that file: the names and the algorithms are Go's.
 *
 * Map is like a Go map[uint64]uint64 but is safe for concurrent use by
 * multiple threads without additional locking or coordination. Every
 * method is race-free: a program that only uses these methods has no data
 * race, and every detector must stay silent on it. That is the point of the
 * syncmap cases: a check-then-act sequence of two race-free calls (Load,
 * then Store) still loses updates, and no race detector can see it.
 *
 * Layout, as Go's: `read` points to an immutable readOnly { m, amended }
 * whose map m (model/map.h, keys -> struct entry *) is read without the
 * lock; `dirty` (under mu) holds every live entry of read plus the keys
 * added since; `misses` counts the loads that had to lock mu, and once it
 * reaches len(dirty) the dirty map is promoted to read (missLocked). An
 * entry's p points to the boxed value, or is NULL (deleted), or expunged
 * (deleted, and absent from dirty).
 *
 * Invariants (each checked by tests/model/test_syncmap.c):
 *  - read is loaded with an acquire load at any time, but only stored
 *    (release) with mu held; a readOnly and its map m are never written
 *    after they are published.
 *  - dirty and misses are only touched with mu held.
 *  - If dirty != NULL it holds every entry of read.m whose p is not
 *    expunged. If dirty has a key read.m lacks, read.amended is true, and
 *    read.amended implies dirty != NULL. (Not the converse: LoadAndDelete
 *    may take the last such key out of dirty and leave amended set, as in
 *    Go; the next miss count or Range promotes dirty anyway.)
 *  - e->p == expunged only while dirty != NULL and the key is not in dirty;
 *    an expunged entry is unexpunged (and put back in dirty) only under mu.
 *  - An entry's value changes only by an atomic swap or compare-and-swap
 *    of e->p; a box, once published, is never written again.
 *
 * Memory ordering: Go's atomic operations are sequentially consistent;
 * what sync.Map needs of them is release on every store of read or of an
 * entry's p and acquire on every load, and that is what is used here (C11
 * atomics; compare-and-swap and swap are acq_rel). ThreadSanitizer models
 * C11 atomics and needs nothing more.
 *
 * Helgrind and DRD do not model C11 atomics (measured: correct
 * release/acquire code got false races from both, in 57-100 % of runs). So
 * that they see exactly the happens-before edges Go's atomics give:
 *  - every store, swap or successful compare-and-swap of m->read and of
 *    e->p is preceded by ANNOTATE_HAPPENS_BEFORE(word), and every load
 *    (and swap/CAS, which also read) is followed by
 *    ANNOTATE_HAPPENS_AFTER(word): the publish/consume pairs;
 *  - the atomic words themselves (m->read, e->p, the retire list head) are
 *    hidden from both with VALGRIND_HG_DISABLE_CHECKING (DRD honours it):
 *    an atomic word is accessed concurrently by design, and both tools
 *    would report the word itself even with the edges in place.
 * Nothing else is hidden: the boxes, the readOnly structs and the maps are
 * still checked. These requests add no edge Go lacks.
 *
 * Where this model departs from Go, and why:
 *  - Keys and values are uint64_t; a value is boxed (Go: *any) so that an
 *    entry can be swapped atomically, and compared by value in
 *    CompareAndSwap (Go compares the interfaces).
 *  - Memory: Go's collector frees a box, an entry, a readOnly or an old
 *    read map once no goroutine points to it; lock-free readers may hold
 *    any of them at any time. Here nothing the map allocated is freed
 *    before syncmap_free(): boxes go on a lock-free list at allocation,
 *    entries, readOnly structs and maps on a list under mu. So a stale
 *    reader reads old but valid memory, exactly as in Go.
 *  - Clear (Go 1.23) and CompareAndDelete are not modelled.
 */
#ifndef MAPRACE_SYNCMAP_H
#define MAPRACE_SYNCMAP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct hmap;

/* readOnly is an immutable struct stored atomically in the Map.read
 * field. */
struct readOnly {
    struct hmap *m; /* key -> struct entry *; NULL for an empty map */
    bool amended;   /* true if the dirty map contains some key not in m */
};

/* An entry is a slot in the map corresponding to a particular key. */
struct entry {
    /* p points to the value stored for the entry (a box).
     * If p == NULL, the entry has been deleted, and either m->dirty ==
     * NULL or m->dirty[key] is e.
     * If p == expunged, the entry has been deleted, m->dirty != NULL, and
     * the entry is missing from m->dirty.
     * Otherwise, the entry is valid and recorded in m->read.m[key] and, if
     * m->dirty != NULL, in m->dirty[key]. */
    _Atomic(uint64_t *) p;
};

/* The expunged mark an entry's p may hold (for tests and the curious). */
extern uint64_t *const syncmap_expunged;

/* What the map allocated, kept until syncmap_free (Go's collector). */
struct syncmap_box;
struct syncmap_garbage;

struct Map {
    pthread_mutex_t mu;

    /* read contains the portion of the map's contents that are safe for
     * concurrent access (with or without mu held). The read field itself
     * is always safe to load, but must only be stored with mu held. */
    _Atomic(struct readOnly *) read;

    /* dirty contains the portion of the map's contents that require mu to
     * be held: every non-expunged entry of read plus new keys. NULL means
     * the next write initializes it from read (dirtyLocked). */
    struct hmap *dirty;

    /* misses counts the loads since the read map was last updated that
     * needed to lock mu to determine whether the key was present. */
    int misses;

    /* Not Go: the collector's work, deferred to syncmap_free. */
    _Atomic(struct syncmap_box *) boxes; /* lock-free list of every box */
    struct syncmap_garbage *garbage;     /* under mu: entries, readOnly
                                            structs, maps */
};

/* The zero Map is empty and ready for use in Go; in C, initialize it. */
void syncmap_init(struct Map *m);

/* Free everything the map allocated. No thread may use it any more. */
void syncmap_free(struct Map *m);

/* The methods of Go's Map, m.Load(...) written Map_Load(m, ...). */

/* Load returns the value stored in the map for a key in *value (0 when
 * absent); the result reports whether it was found. */
bool Map_Load(struct Map *m, uint64_t key, uint64_t *value);

/* Store sets the value for a key. */
void Map_Store(struct Map *m, uint64_t key, uint64_t value);

/* LoadOrStore returns the existing value for the key if present in
 * *actual; otherwise it stores and returns the given value. The result
 * (loaded) is true if the value was loaded, false if stored. */
bool Map_LoadOrStore(struct Map *m, uint64_t key, uint64_t value,
                     uint64_t *actual);

/* LoadAndDelete deletes the value for a key, returning the previous value
 * if any in *value. The result reports whether the key was present. */
bool Map_LoadAndDelete(struct Map *m, uint64_t key, uint64_t *value);

/* Delete deletes the value for a key. */
void Map_Delete(struct Map *m, uint64_t key);

/* Swap swaps the value for a key and returns the previous value if any in
 * *previous. The result (loaded) reports whether the key was present. */
bool Map_Swap(struct Map *m, uint64_t key, uint64_t value, uint64_t *previous);

/* CompareAndSwap swaps the old and new values for key if the value stored
 * in the map is equal to old. */
bool Map_CompareAndSwap(struct Map *m, uint64_t key, uint64_t old,
                        uint64_t new);

/* Range calls f sequentially for each key and value present in the map.
 * If f returns false, range stops the iteration. Range does not
 * necessarily correspond to any consistent snapshot of the Map's
 * contents: no key will be visited more than once, but if the value for
 * any key is stored or deleted concurrently (including by f), Range may
 * reflect any mapping for that key from any point during the Range call.
 * f may call any method on m. */
void Map_Range(struct Map *m,
               bool (*f)(uint64_t key, uint64_t value, void *arg), void *arg);

#endif
