/*
 * model/map.h - a C model of Go's runtime map as in Go 1.19.8 (tag
 * go1.19.8, the Go of Debian 12 that the cases' Go twins run on):
 * src/runtime/map.go and map_fast64.go of that release (the same design
 * lasted until Go 1.24 renamed the file map_noswiss.go). Read it side by
 * side with those files: the names, the layout, the algorithms and the
 * order of the functions are Go's.
 *
 * This file contains the implementation of Go's map type.
 *
 * A map is just a hash table. The data is arranged into an array of
 * buckets. Each bucket contains up to 8 key/elem pairs. The low-order bits
 * of the hash are used to select a bucket. Each bucket contains a few
 * high-order bits of each hash to distinguish the entries within a single
 * bucket.
 *
 * If more than 8 keys hash to a bucket, we chain on extra buckets.
 *
 * When the hashtable grows, we allocate a new array of buckets twice as
 * big. Buckets are incrementally copied from the old bucket array to the
 * new bucket array.
 *
 * Map iterators walk through the array of buckets and return the keys in
 * walk order (bucket #, then overflow chain order, then bucket index). To
 * maintain iteration semantics, we never move keys within their bucket (if
 * we did, keys might be returned 0 or 2 times). When growing the table,
 * iterators remain iterating through the old table and must check the new
 * table if the bucket they are iterating through has been moved
 * ("evacuated") to the new table.
 *
 * Picking loadFactor: too large and we have lots of overflow buckets, too
 * small and we waste a lot of space. Go picked 6.5 (loadFactorNum /
 * loadFactorDen = 13 / 2): the average number of entries per bucket that
 * triggers a growth.
 *
 * Invariants of this model (each checked by tests/model/test_map.c):
 *  - h->count is the number of live entries, in buckets and oldbuckets.
 *  - 1 << h->B buckets; oldbuckets, while non-NULL, has 1 << (B-1) of them
 *    (or 1 << B after a same-size grow).
 *  - An old bucket is either fully evacuated (its tophash[0] is one of
 *    evacuatedX, evacuatedY, evacuatedEmpty) or untouched; every index
 *    below h->nevacuate is evacuated; when all are, oldbuckets is dropped.
 *  - A key is in exactly one place: its bucket in oldbuckets if that one is
 *    not evacuated, otherwise its bucket in buckets.
 *  - tophash values below minTopHash are marks, never hashes.
 *  - hashWriting is set in h->flags exactly while one writer is inside
 *    mapassign, mapdelete or mapclear; sameSizeGrow is set only while
 *    growing.
 *  - Within a bucket chain, every cell after an emptyRest cell is
 *    emptyRest too; live cells have tophash == tophash(hash(key)) >=
 *    minTopHash and sit in the bucket hash & mask selects.
 *  - While an old bucket is not evacuated, the new buckets it will be
 *    evacuated to hold no live cell.
 *
 * Where this model departs from Go, and why:
 *  - Keys and elems are uint64_t (Go's map[uint64]uint64, the shape of
 *    mapassign_fast64), so there is no key/elem type descriptor.
 *  - h->flags has an 8-byte word of its own. In Go, count is a word of
 *    its own and flags shares the next 8-byte word with B, noverflow and
 *    hash0 (src/runtime/map.go, hmap); ThreadSanitizer keeps 4 access
 *    records per 8-byte word, and with flags packed with its neighbours a
 *    forced reader/writer race was missed in about 1 run in 100 (measured
 *    on a 2-core machine with clang 14's TSan). The logic is Go's.
 *  - The iterator and oldIterator bits live in h->iterflags, a word of
 *    their own, not in h->flags. In Go, mapiterinit sets them with
 *    atomic.Or8 on h.flags after a plain read: a write by a *reader*. Go's
 *    race detector never sees it (the runtime is not instrumented), but
 *    ThreadSanitizer, Helgrind and DRD see every access here, and two
 *    goroutines ranging over one map under RLock (legal Go) would be
 *    reported. So mapiterinit uses relaxed atomics on iterflags (no
 *    happens-before edge), and iterflags is hidden from Helgrind and DRD.
 *    For uint64 keys and elems the bits change nothing anyway: Go reads
 *    iterator in hashGrow (to carry it into oldIterator) and in evacuate
 *    for keys that are not equal to themselves (NaNs), and oldIterator in
 *    evacuate only when keys or elems hold pointers (t.bucket.ptrdata:
 *    whether it may clear an evacuated old bucket for the collector).
 *    h->flags keeps hashWriting and sameSizeGrow, with Go's plain
 *    accesses.
 *  - mapaccess1/2, mapassign, mapdelete and evacuate have the shape of
 *    Go's map[uint64]V specialisations (mapaccess1_fast64, ...): keys are
 *    compared as words, without tophash. mapaccessK and mapiternext are
 *    the generic ones.
 *  - evacuate copies a slot's key and elem first and marks the old slot
 *    evacuatedX/Y after (Go marks first), with the W_EVACUATE window in
 *    between. Single-threaded this changes nothing.
 *  - The hash is a seeded 64-bit mixer (hash0 random per map; splitmix64's
 *    finalizer), not Go's AES/wyhash memhash64; only its spread matters.
 *    fastrand is the xorshift64+ of Go 1.19's fastrand (its fallback: on
 *    amd64 and arm64 Go 1.19 uses wyrand), with per-thread state; only
 *    its randomness matters (iteration start, hash0, noverflow).
 *  - Memory: Go's garbage collector keeps an old bucket array alive while
 *    any goroutine still points into it. C has no collector, so every
 *    bucket array and overflow bucket a map allocates is kept on a list in
 *    h->extra (always allocated, unlike Go's) until mapfree(), including
 *    those retired by growth or dropped by mapclear. A racing reader
 *    therefore sees stale or evacuated buckets, exactly as in Go, instead
 *    of freed memory. The price: a map that churns through many
 *    same-size growths keeps every array it ever had.
 *  - mapclear first marks every bucket, old and new, emptyRest
 *    (markBucketsEmpty): Go 1.21's fix for issue 59411, which Go 1.19.8
 *    does not have. With it an iterator started before the clear stops;
 *    in Go 1.19.8 it could still return entries that were cleared.
 *  - Go 1.21's mapclone, which Go 1.19.8 does not have: maps.Clone is
 *    Go 1.21 (runtime/map.go's mapclone, moveToBmap and mapclone2), here
 *    so that a case can race a clone against a write on the map of the
 *    article. mapclone is Go's mapclone2 (Go's mapclone only unwraps the
 *    map from an interface), and carries a later fix, the destination-size
 *    clamp of issue 69110: during a same-size grow a map can hold more
 *    than its load factor, and Go 1.21 then read past the end of the
 *    source bucket array. W_MAPCLONE sits between its hashWriting check
 *    and the copy.
 *  - mapassign on a nil map panics ("panic: assignment to entry in nil
 *    map", exit status 2) as Go does; the model has no recover(), so the
 *    panic always ends the program (throw.h's gopanic).
 *  - maplen and mapfree have no Go function of their own (len(m) is
 *    compiled inline; the collector frees maps): maplen sits where Go's
 *    reflect_maplen does, at the end, with mapfree.
 *  - h->race exists only for the race detectors: every reading call
 *    (mapaccess1/2, mapiterinit, mapiternext, maplen) reads it and every
 *    writing call (mapassign, mapdelete, mapclear) writes it, on every
 *    path, early returns included. Go's race detector does not watch the
 *    bytes a map call touches: the runtime calls racereadpc(h) or
 *    racewritepc(h) on the header at the entry of each of those functions
 *    (and the compiler instruments len(m) as a read of the header), so
 *    under go -race any write races any other call on the same map,
 *    whatever the keys, even on an empty map. Without this word the model
 *    raced only where it really shares memory, and missed pairs Go
 *    reports (len(m) against an update of a present key, or against
 *    delete on an empty map; delete against delete on an empty map).
 *    Where Go puts the call at the entry, the model puts the access just
 *    after Go's hashWriting check (readers) or flip (writers), or on the
 *    early return: the set of racing calls is the same, and the race the
 *    detectors report first stays the one on Go's own fields (h->flags,
 *    h->count). The word is the last field, so the others keep their
 *    offsets; hmap is 72 bytes.
 *  - Go's concurrency checks are kept as Go writes them: a plain,
 *    non-atomic read-modify-write of h->flags. They are best-effort on
 *    purpose; that is the lesson.
 */
#ifndef MAPRACE_MAP_H
#define MAPRACE_MAP_H

#include <stdbool.h>
#include <stdint.h>

enum {
    /* Maximum number of key/elem pairs a bucket can hold. */
    bucketCntBits = 3,
    bucketCnt = 1 << bucketCntBits,

    /* Maximum average load of a bucket that triggers growth is
     * loadFactorNum / loadFactorDen = 6.5. */
    loadFactorNum = 13,
    loadFactorDen = 2,

    /* Possible tophash values. We reserve a few possibilities for special
     * marks. Each bucket (including its overflow buckets, if any) will
     * have either all or none of its entries in the evacuated* states
     * (except during the evacuate() method, which only happens during map
     * writes and thus no one else can observe the map during that time). */
    emptyRest = 0,      /* this cell is empty, and there are no more
                           non-empty cells at higher indexes or overflows */
    emptyOne = 1,       /* this cell is empty */
    evacuatedX = 2,     /* key/elem is valid; entry has been evacuated to
                           the first half of the larger table */
    evacuatedY = 3,     /* same as above, but evacuated to the second half */
    evacuatedEmpty = 4, /* cell is empty, bucket is evacuated */
    minTopHash = 5,     /* minimum tophash for a normal filled cell */

    /* flags (iterator and oldIterator: in h->iterflags, see above) */
    iterator = 1,     /* there may be an iterator using buckets */
    oldIterator = 2,  /* there may be an iterator using oldbuckets */
    hashWriting = 4,  /* a goroutine is writing to the map */
    sameSizeGrow = 8, /* the current map growth is to a new map of the
                         same size */
};

/* A bucket for a Go map (Go: bmap, with the keys and elems Go's compiler
 * appends after tophash written out). */
struct bmap {
    /* tophash generally contains the top byte of the hash value for each
     * key in this bucket. If tophash[0] < minTopHash, tophash[0] is a
     * bucket evacuation state instead. */
    uint8_t tophash[bucketCnt];
    uint64_t keys[bucketCnt];
    uint64_t elems[bucketCnt];
    struct bmap *overflow;
};

/* What Go keeps in mapextra, plus the memory Go's collector would own. */
struct mapextra;

/* A header for a Go map. */
struct hmap {
    int64_t count;      /* # live cells == size of map; must be first
                           (len()) */
    uint64_t flags;     /* Go: uint8; a word of its own, see above */
    uint64_t iterflags; /* not Go: iterator | oldIterator, which Go keeps
                           in flags; see above */
    uint8_t B;          /* log_2 of # of buckets (can hold up to
                           loadFactor * 2^B items) */
    uint16_t noverflow; /* approximate number of overflow buckets */
    uint32_t hash0;     /* hash seed */

    struct bmap *buckets;    /* array of 2^B buckets; may be NULL if
                                count == 0 */
    struct bmap *oldbuckets; /* previous bucket array of half the size,
                                non-NULL only when growing */
    uintptr_t nevacuate;     /* progress counter for evacuation (buckets
                                less than this have been evacuated) */

    struct mapextra *extra; /* optional fields */

    uint64_t race; /* not Go: read or written by every map call, for the
                      race detectors only; see above */
};

/* A hash iteration structure (Go: hiter). Fill it with mapiterinit; each
 * mapiternext moves to the next entry; key == NULL means the end. */
struct hiter {
    uint64_t *key; /* NULL at the end of iteration */
    uint64_t *elem;
    struct hmap *h;
    struct bmap *buckets;  /* bucket ptr at hash_iter initialization time */
    struct bmap *bptr;     /* current bucket */
    uintptr_t startBucket; /* bucket iteration started at */
    uint8_t offset;        /* intra-bucket offset to start from */
    bool wrapped;          /* already wrapped around from end of bucket
                              array to beginning */
    uint8_t B;
    uint8_t i;
    uintptr_t bucket;
    uintptr_t checkBucket;
};

/* The value mapaccess1 returns a pointer to when the key is absent (Go:
 * zeroVal). Never write through it. */
extern const uint64_t zeroVal;

/* make(map[uint64]uint64, hint). */
struct hmap *makemap(int64_t hint);

/* Free the map, its buckets and everything retired by growth or mapclear
 * (the garbage collector's stand-in: nothing else ever frees map memory).
 * Call it only once no thread can touch the map any more. Not Go: Go's
 * collector does this. */
void mapfree(struct hmap *h);

/* len(m). As in Go, it reads h->count with no check at all (then h->race,
 * for the detectors). */
int64_t maplen(const struct hmap *h);

/* v := m[key]. Returns a pointer to the elem, or to zeroVal if the key is
 * absent. Throws "concurrent map read and map write" if hashWriting is set. */
const uint64_t *mapaccess1(struct hmap *h, uint64_t key);

/* v, ok := m[key]. */
const uint64_t *mapaccess2(struct hmap *h, uint64_t key, bool *ok);

/* Like mapaccess, but allocates a slot for the key if it is not present in
 * the map, and returns a pointer to its elem: `m[key] = v` is
 * `*mapassign(h, key) = v`, the store happening after the call returns, as
 * in the code Go's compiler emits. Throws "concurrent map writes" if
 * another writer is seen. */
uint64_t *mapassign(struct hmap *h, uint64_t key);

/* delete(m, key). */
void mapdelete(struct hmap *h, uint64_t key);

/* clear(m). */
void mapclear(struct hmap *h);

/* maps.Clone(m) (Go 1.21's mapclone; see above): a new map with the same
 * entries, or NULL for a NULL map. Throws "concurrent map clone and map
 * write" if hashWriting is set. The clone is freed with mapfree, like any
 * map. */
struct hmap *mapclone(struct hmap *h);

/* for k, v := range m: mapiterinit picks a random start and calls
 * mapiternext once. Throws "concurrent map iteration and map write" when a
 * writer is seen. */
void mapiterinit(struct hmap *h, struct hiter *it);
void mapiternext(struct hiter *it);

/* m[key] = v, as one statement. */
static inline void mapstore(struct hmap *h, uint64_t key, uint64_t v)
{
    *mapassign(h, key) = v;
}

/* Whether a growth is in progress (oldbuckets != NULL). Go: h.growing(). */
bool growing(const struct hmap *h);

/* The hash of key in h (Go: t.Hasher(key, uintptr(h.hash0))). Exposed so
 * that a case can pick keys that share a bucket. */
uint64_t maphash(const struct hmap *h, uint64_t key);

/* Go's fastrand: a per-thread pseudo-random number. */
uint32_t fastrand(void);

#endif
