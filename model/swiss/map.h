/*
 * model/swiss/map.h - a C model of Go's runtime map as in Go 1.26.8 (tag
 * go1.26.8): the Swiss-table map of src/internal/runtime/maps (map.go,
 * table.go, group.go, runtime_fast64.go) with the entry points of
 * src/runtime/map.go. Read it side by side with those files: the names, the
 * layout, the algorithms and the order of the functions are Go's.
 *
 * The build chooses the model: this header takes the place of model/map.h
 * (see "One API, two models" below), so that a case's .c compiles unchanged
 * against either model.
 *
 * What the Go source says of its design (map.go's package comment), in
 * short: a map is a directory of tables; each table is an open-addressing
 * hash table of groups of 8 slots (abi.MapGroupSlots), probed
 * quadratically over groups. Each group starts with a control word, one
 * control byte per slot: empty (0b10000000), deleted (0b11111110), or full
 * (0b0hhhhhhh, the low 7 bits of the hash, h2). The high 57 bits, h1,
 * select the first group of the probe sequence. The directory is indexed
 * by the top globalDepth bits of the hash (extendible hashing): a table of
 * localDepth < globalDepth fills 1 << (globalDepth - localDepth) directory
 * entries. A table holds at most maxTableCapacity (1024) slots; a table
 * that is full (growthLeft == 0, at 7/8 load) is rebuilt at once: by grow
 * into a table twice the size, or, at 1024 slots, by split into two tables
 * of one more bit of localDepth, the directory doubling when that bit is
 * more than it has. Nothing is incremental: when rehash returns, the old
 * table is garbage (index == -1). A map of at most 8 entries is one group
 * and no directory at all (dirLen == 0, dirPtr points to the group).
 * An iterator keeps the table it is walking; once that table has been
 * replaced (its index is -1), each key it finds there is looked up again
 * in the map (getWithKey) to return the current elem, or skipped if gone.
 *
 * Invariants of this model (each checked by tests/model/test_swiss.c):
 *  - m->used is the number of full slots, in the small group or in all
 *    tables of the directory (each counted once).
 *  - dirPtr == NULL: an empty map that never had a slot. dirLen == 0 and
 *    dirPtr != NULL: the small map, one group, never a deleted slot.
 *    dirLen > 0: dirLen == 1 << globalDepth, globalShift == 64 -
 *    globalDepth, and dirPtr is an array of dirLen table pointers.
 *  - A table t of the directory has localDepth <= globalDepth and fills
 *    exactly the 1 << (globalDepth - localDepth) entries from t->index on;
 *    t->index is a multiple of that count. A table that has been replaced
 *    by grow or split has index -1 and is never reached from the
 *    directory again.
 *  - A table's capacity is a power of two, 8 .. 1024; its groups are
 *    capacity / 8; growthLeft + used + (deleted slots) == maxGrowthLeft;
 *    every key of a table lies in its probe sequence before the first
 *    group with an empty slot, and at the directory index its hash's top
 *    globalDepth bits select.
 *  - A full slot's control byte is h2(hash(key)); a key is in exactly one
 *    slot of the map.
 *  - writing is non-zero exactly while one writer is inside mapassign,
 *    mapdelete or mapclear (Go toggles it, so two writers may cancel out:
 *    see the departures).
 *
 * Where this model departs from Go, and why:
 *  - Keys and elems are uint64_t (Go's map[uint64]uint64, the shape of
 *    runtime_fast64.go), so there is no *abi.MapType: a group is a C
 *    struct (the control word, then 8 {key, elem} slots, 136 bytes, as
 *    typ.Group is for this type), and typ.Key.Equal is ==.
 *  - Go's methods become functions named Type_method (Map_getWithKey,
 *    table_getWithKey, Iter_Next, ...): C has one namespace, and Map,
 *    table and Iter have methods of the same name.
 *  - The C struct tags are the API's, `struct hmap` (Go: Map) and `struct
 *    hiter` (Go: Iter), with typedefs Map and Iter: the cases name the
 *    map `struct hmap` on both models, and `struct Map` is sync.Map's
 *    (model/syncmap.h).
 *  - writing has an 8-byte word of its own. In Go it is a uint8 packed in
 *    one word with globalDepth, globalShift and tombstonePossible.
 *    ThreadSanitizer keeps a few access records per 8-byte word; the hmap
 *    model measured forced reader/writer races missed about 1 run in 100
 *    when the flag shared its word (model/map.h), so the Swiss model does
 *    not repeat it. The logic (a plain toggle, a plain check) is Go's.
 *  - raceword, a header word Go does not have, stands for Go's race
 *    instrumentation of the map header: Go calls race.ReadPC on the map at
 *    the entry of mapaccess1/2_fast64, mapIterStart, mapIterNext and
 *    len(m) (reflect_maplen and the compiler's own instrumentation of
 *    len), and race.WritePC at the entry of mapassign_fast64,
 *    mapdelete_fast64 and mapclear, before any early return. The model
 *    reads (readers) or writes (writers) raceword at exactly those
 *    places, so a C detector sees a map read and a map write of the same
 *    map race whatever the keys, as go -race does, even when the bytes
 *    they touch are disjoint. The read is stored to a thread-local sink,
 *    or Valgrind's optimiser would drop it before Helgrind and DRD see
 *    it. mapclone has no race.ReadPC in Go and reads no raceword of its
 *    own, but its copy of the header (*m2 = *m) reads it.
 *  - The control words are matched with the portable SWAR form of
 *    group.go (ctrlGroupMatchH2 and friends), which Go runs on every
 *    architecture but amd64; on amd64 Go's compiler replaces those
 *    functions with SSE2 intrinsics (cmd/compile/internal/ssagen/
 *    intrinsics.go). The bitsets differ in one way only: the SWAR matchH2
 *    may report a false positive in the byte after a real match; the key
 *    compare filters it, as in Go.
 *  - The hash is a seeded 64-bit mixer (splitmix64's finalizer, as the
 *    hmap model), not Go's AES/wyhash memhash64; only its spread matters.
 *    Go's rand() (the runtime's ChaCha8 generator, per M) is the hmap
 *    model's per-thread xorshift64+ (fastrand), two calls per 64 bits.
 *  - Memory: Go's garbage collector keeps a group array, table or
 *    directory alive while anyone (an iterator, a racing reader) still
 *    points into it. C has no collector, so every such allocation of a
 *    map is kept on a list in the header until mapfree(), including the
 *    tables and groups grow and split replace and those of the small
 *    group after growToTable. A racing reader therefore reads a stale
 *    table, as in Go, not freed memory; the price is that a map keeps
 *    every table it ever had.
 *  - checkInvariants and the debugLog code of table_debug.go (off in Go,
 *    const debugLog = false) are left out; tests/model/test_swiss.c
 *    checks the invariants instead.
 *  - mapassign is runtime_mapassign_fast64's entry (nil-map panic,
 *    race.WritePC, the writing check and toggle, the small path with
 *    putSlotSmallFast64) whose full-map loop calls table_PutSlot: Go's
 *    fast64 version is table.PutSlot's loop written inline (same steps,
 *    only the key compare specialised), so the model keeps one copy and
 *    its stacks show PutSlot. mapaccess1/2 are runtime_mapaccess1/2_fast64
 *    as written (inline probe); Map_getWithKey/table_getWithKey serve the
 *    iterator, as in Go.
 *  - mapassign on a nil map panics ("panic: assignment to entry in nil
 *    map", exit status 2) as Go does; the model has no recover().
 *  - growing() is not Go's: Go 1.26's map never has a growth in progress
 *    between two operations (grow and split finish inside rehash), so it
 *    is always false; it exists so that a case compiles on both models.
 *  - maplen and mapfree have no Go function of their own (len(m) is
 *    compiled inline; the collector frees maps): they come last, with
 *    Go's reflect_maplen.
 *  - Go's concurrency checks are kept as Go writes them: a plain,
 *    non-atomic test and toggle of writing. They are best-effort on
 *    purpose; that is the lesson.
 *
 * One API, two models: a case's #include "map.h" finds this header when
 * the include path lists model/swiss before model (the *-swiss flavours
 * of the Makefile). The files of model/ that use the map
 * (context.c, syncmap.c) would find model/map.h beside them, so they are
 * compiled with -include swiss/map.h: this header also defines
 * MAPRACE_MAP_H, model/map.h's include guard, which turns their #include
 * "map.h" into nothing. Every case and model file then uses this model
 * through the same names.
 */
#ifndef MAPRACE_SWISS_MAP_H
#define MAPRACE_SWISS_MAP_H
#define MAPRACE_MAP_H

#include <stdbool.h>
#include <stdint.h>

enum {
    /* abi.MapGroupSlotsBits, abi.MapGroupSlots (internal/abi/map.go) */
    MapGroupSlotsBits = 3,
    MapGroupSlots = 1 << MapGroupSlotsBits,

    /* Maximum load of a group before a table grows (group.go): 7/8. */
    maxAvgGroupLoad = 7,

    /* maxTableCapacity is the maximum capacity of a table (table.go). */
    maxTableCapacity = 1024,
};

/* ctrl is a single control byte; ctrlGroup a group's 8 of them, the
 * little-endian word that starts the group (group.go). */
typedef uint8_t ctrl;
typedef uint64_t ctrlGroup;
/* bitset represents a set of slots within a group: the high bit of each
 * byte of a word (group.go). */
typedef uint64_t bitset;

#define ctrlEmpty ((ctrl)0x80)   /* 0b10000000 */
#define ctrlDeleted ((ctrl)0xfe) /* 0b11111110 */
#define bitsetLSB UINT64_C(0x0101010101010101)
#define bitsetMSB UINT64_C(0x8080808080808080)
#define bitsetEmpty (bitsetLSB * (uint64_t)ctrlEmpty)

/* A slot of typ.Group for map[uint64]uint64: key, then elem. */
struct slot {
    uint64_t key;
    uint64_t elem;
};

/* typ.Group: the control word, then MapGroupSlots slots. */
struct group {
    ctrlGroup ctrls;
    struct slot slots[MapGroupSlots];
};

/* groupReference is a wrapper type representing a single slot group
 * stored at data (group.go). */
typedef struct {
    struct group *data;
} groupReference;

/* groupsReference is a wrapper type describing an array of groups stored
 * at data (group.go). */
typedef struct {
    struct group *data;  /* data *[length]typ.Group */
    uint64_t lengthMask; /* length-1, length a power of two */
} groupsReference;

/* A table is a Swiss table hash table structure (table.go). */
typedef struct table {
    /* The number of filled slots (i.e. the number of elements in the
     * table). */
    uint16_t used;
    /* The total number of slots (always 2^N). Equal to
     * `(groups.lengthMask+1)*abi.MapGroupSlots`. */
    uint16_t capacity;
    /* The number of slots we can still fill without needing to rehash.
     * We rehash when used + tombstones > loadFactor*capacity, including
     * tombstones so the table doesn't overfill with tombstones. This field
     * counts down remaining empty slots before the next rehash. */
    uint16_t growthLeft;
    /* The number of bits used by directory lookups above this table. Note
     * that this may be less then globalDepth, if the directory has grown
     * but this table has not yet been split. */
    uint8_t localDepth;
    /* Index of this table in the Map directory. This is the index of the
     * _first_ location in the directory. The table may occur in multiple
     * sequential indices. index is -1 if the table is stale (no longer
     * installed in the directory). */
    int64_t index;
    /* groups is an array of slot groups. Each group holds abi.MapGroupSlots
     * key/elem slots and their control bytes. */
    groupsReference groups;
} table;

/* Not Go: the allocations Go's collector would own (see above). */
struct gcobj;

/* Go: Map (map.go). The C tag is the API's (see above). */
typedef struct hmap {
    /* The number of filled slots (i.e. the number of elements in all
     * tables). Excludes deleted slots. Must be first (known by the
     * compiler, for len() builtin). */
    uint64_t used;
    /* seed is the hash seed, computed as a unique random number per map. */
    uintptr_t seed;
    /* The directory of tables: dirPtr *[dirLen]*table, or, for the small
     * map (dirLen == 0), dirPtr *group. */
    void *dirPtr;
    int64_t dirLen;
    /* The number of bits to use in table directory lookups. */
    uint8_t globalDepth;
    /* The number of bits to shift out of the hash for directory lookups.
     * On 64-bit systems, this is 64 - globalDepth. */
    uint8_t globalShift;
    /* tombstonePossible is false if we know that no table in this map
     * contains a tombstone. */
    bool tombstonePossible;
    /* writing is a flag that is toggled (XOR 1) while the map is being
     * written. Normally it is set to 1 when writing, but if there are
     * multiple concurrent writers, then toggling increases the probability
     * that both sides will detect the race. (Go: uint8; a word of its own
     * here, see above.) */
    uint64_t writing;
    /* clearSeq is a sequence counter of calls to Clear. It is used to
     * detect map clears during iteration. */
    uint64_t clearSeq;
    /* Not Go: read or written at the entry of each map operation where Go
     * calls race.ReadPC / race.WritePC on the map (see above). */
    uint64_t raceword;
    /* Not Go: what the collector would own; hidden from Helgrind/DRD. */
    struct gcobj *allocs;
} Map;

/* Go: Iter (table.go), the hiter of the API. key and elem first, as Go's
 * compiler requires; key == NULL means the end. */
typedef struct hiter {
    uint64_t *key;  /* Must be in first position. Write nil to indicate
                       iteration end. */
    uint64_t *elem; /* Must be in second position. */
    Map *m;         /* (Go: also typ) */
    /* Randomize iteration order by starting iteration at a random slot
     * offset. The offset into the directory uses a separate offset, as it
     * must adjust when the directory grows. */
    uint64_t entryOffset;
    uint64_t dirOffset;
    /* Snapshot of Map.clearSeq at iteration initialization time. Used to
     * detect clear during iteration. */
    uint64_t clearSeq;
    /* Value of Map.globalDepth during the last call to Next. Used to
     * detect directory grow during iteration. */
    uint8_t globalDepth;
    /* dirIdx is the current directory index, prior to adjustment by
     * dirOffset. */
    int64_t dirIdx;
    /* tab is the table at dirIdx during the previous call to Next. */
    table *tab;
    /* group is the group at entryIdx during the previous call to Next. */
    groupReference group;
    /* entryIdx is the current entry index, prior to adjustment by
     * entryOffset. The lower 3 bits of the index are the slot index, and
     * the upper bits are the group index. */
    uint64_t entryIdx;
} Iter;

/* The value mapaccess1 returns a pointer to when the key is absent (Go:
 * zeroVal). Never write through it. */
extern const uint64_t zeroVal;

/* make(map[uint64]uint64, hint). */
struct hmap *makemap(int64_t hint);

/* Free the map and every group, table and directory it ever had (the
 * garbage collector's stand-in). Call it only once no thread can touch
 * the map any more. Not Go. */
void mapfree(struct hmap *h);

/* len(m): a read of raceword (Go's instrumentation of len), then used. */
int64_t maplen(const struct hmap *h);

/* v := m[key] (runtime_mapaccess1_fast64). Returns a pointer to the elem,
 * or to zeroVal if the key is absent. Throws "concurrent map read and map
 * write" if writing is set. */
const uint64_t *mapaccess1(struct hmap *h, uint64_t key);

/* v, ok := m[key] (runtime_mapaccess2_fast64). */
const uint64_t *mapaccess2(struct hmap *h, uint64_t key, bool *ok);

/* The slot for key, inserted if absent (runtime_mapassign_fast64):
 * `m[key] = v` is `*mapassign(h, key) = v`, the store after the call
 * returns, as Go's compiler emits it. Throws "concurrent map writes". */
uint64_t *mapassign(struct hmap *h, uint64_t key);

/* delete(m, key) (runtime_mapdelete_fast64). */
void mapdelete(struct hmap *h, uint64_t key);

/* clear(m) (runtime's mapclear). */
void mapclear(struct hmap *h);

/* maps.Clone(m) (runtime's mapclone): a new map with the same entries.
 * Throws "concurrent map clone and map write" if writing is set. The
 * clone is freed with mapfree, like any map. */
struct hmap *mapclone(struct hmap *h);

/* for k, v := range m: mapiterinit (Go: mapIterStart) initialises it and
 * steps once; mapiternext (Go: mapIterNext) steps. Throws "concurrent map
 * iteration and map write" when writing is set, and, once the map has
 * grown under the iterator, "concurrent map read and map write" from the
 * lookup of getWithKey. */
void mapiterinit(struct hmap *h, struct hiter *it);
void mapiternext(struct hiter *it);

/* m[key] = v, as one statement. */
static inline void mapstore(struct hmap *h, uint64_t key, uint64_t v)
{
    *mapassign(h, key) = v;
}

/* Always false on this model (see above). */
bool growing(const struct hmap *h);

/* The hash of key in h (Go: typ.Hasher(&key, m.seed)). Exposed so that a
 * case or a test can pick keys. */
uint64_t maphash(const struct hmap *h, uint64_t key);

/* Go's rand, 32 bits: a per-thread pseudo-random number. */
uint32_t fastrand(void);

#endif
