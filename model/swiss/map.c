/*
 * model/swiss/map.c - Go's runtime map, as in Go 1.26.8 (tag go1.26.8),
 * in C: the Swiss-table map of src/internal/runtime/maps.
 *
 * Read it beside that folder: first group.go (control words, bitsets,
 * groups), then map.go (Map: h1/h2, NewMap, the directory, getWithKey,
 * PutSlot's small path, growToSmall, growToTable, Delete, Clear, Clone),
 * then table.go (table: newTable, getWithKey, PutSlot, uncheckedPutSlot,
 * Delete, pruneTombstones, Clear, Iter, rehash, split, grow, probeSeq,
 * clone), then runtime_fast64.go (the entry points the compiler calls for
 * map[uint64]V) and the wrappers of src/runtime/map.go (mapIterStart,
 * mapIterNext, mapclear, mapclone, reflect_maplen). Each file's functions
 * come in that file's order; the file-local ones are declared first so
 * that C's define-before-use does not reorder them. Comments quote Go's
 * where they help; "map.go:486" and the like are lines of go1.26.8.
 * map.h lists the invariants and every departure from Go.
 *
 * Every function is GOFUNC (noinline, no cloning under gcc) so that it
 * appears under its Go name in the stacks of ThreadSanitizer, Helgrind and
 * DRD.
 *
 * The race windows (WINDOW(W_...), model/window.h) sit where the comments
 * of enum window_id say. Cases depend on their positions.
 */
#include "map.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* helgrind.h first: drd.h then replaces the ANNOTATE_* macros. */
#include <valgrind/helgrind.h>
#include <valgrind/drd.h>

#include "overlap.h"
#include "throw.h"
#include "window.h"

#if defined(__clang__)
#define GOFUNC __attribute__((noinline))
#else
#define GOFUNC __attribute__((noipa))
#endif

/* Go's maxAlloc on 64-bit Linux: the largest allocation it attempts. */
#define maxAlloc ((uint64_t)1 << 48)

/* Use64BitHash (map.go:250): true on 64-bit Linux. */
#define Use64BitHash 1

/* ---- the collector's stand-in, Go's rand and the hasher ---- */

/* Every group array, table and directory of a map starts with a gcobj
 * header, sits on m->allocs, and is freed only by mapfree(). */
struct gcobj {
    struct gcobj *next;
    size_t size; /* bytes after the header */
};
_Static_assert(sizeof(struct gcobj) % _Alignof(max_align_t) == 0,
               "gcobj header must keep the object aligned");

const uint64_t zeroVal = 0;

/* Go: the per-M state of rand. Zero means "not seeded yet". */
static _Thread_local uint32_t fastrandState[2];

/* The sink of the race-only reads (see map.h, raceword). Not static: a
 * store to a file-local variable that nothing reads is dead code, and the
 * compiler drops it with the read of raceword. */
extern _Thread_local uint64_t raceSink;
_Thread_local uint64_t raceSink;

static GOFUNC void fastrandinit(uint32_t t[2])
{
    uint64_t seed = 0;

    if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed)) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^
               ((uint64_t)syscall(SYS_gettid) * 0x9e3779b97f4a7c15u);
    }
    t[0] = (uint32_t)seed;
    t[1] = (uint32_t)(seed >> 32);
    if ((t[0] | t[1]) == 0)
        t[1] = 1;
}

/* xorshift64+, per thread (the hmap model's fastrand; see map.h). */
GOFUNC uint32_t fastrand(void)
{
    uint32_t *t = fastrandState;

    if ((t[0] | t[1]) == 0)
        fastrandinit(t);
    uint32_t s1 = t[0], s0 = t[1];
    s1 ^= s1 << 17;
    s1 = s1 ^ s0 ^ s1 >> 7 ^ s0 >> 16;
    t[0] = s0;
    t[1] = s1;
    return s0 + s1;
}

/* Go: rand() (runtime.rand, linknamed into internal/runtime/maps). */
static GOFUNC uint64_t runtime_rand(void)
{
    return (uint64_t)fastrand() << 32 | fastrand();
}

/* typ.Hasher(&key, m.seed): splitmix64's finalizer over the seeded key. */
GOFUNC uint64_t maphash(const Map *m, uint64_t key)
{
    uint64_t x = key ^ (((uint64_t)m->seed + 1) * 0x9e3779b97f4a7c15u);

    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    x ^= x >> 31;
    return x;
}

/* Go: newarray / newobject / new(T): zeroed memory the collector owns.
 * Pushed on m->allocs with a relaxed compare-and-swap (only writers
 * allocate; the CAS keeps two racing writers from corrupting the list and
 * adds no happens-before edge). */
static GOFUNC void *newobj(Map *m, size_t size)
{
    struct gcobj *o;

    if (size > SIZE_MAX - sizeof(*o))
        fatal("out of memory");
    o = calloc(1, sizeof(*o) + size);
    if (!o)
        fatal("out of memory");
    o->size = size;
    o->next = __atomic_load_n(&m->allocs, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(&m->allocs, &o->next, o, true,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
    return o + 1;
}

/* race.ReadPC / race.WritePC on the map header: see map.h, raceword.
 * Macros, not functions (not even inline ones, which the detectors print
 * as a frame of their own), so that the access is the calling map
 * function's, as Go's report names the map function. */
#define raceReadPC(m) (raceSink = (m)->raceword)
#define raceWritePC(m) ((m)->raceword = 0)

/* ---- declarations, in the order of the definitions below ---- */

/* group.go */
static GOFUNC uintptr_t bitset_first(bitset b);
static GOFUNC bitset bitset_removeFirst(bitset b);
static GOFUNC bitset bitset_removeBelow(bitset b, uintptr_t i);
static GOFUNC bool bitset_lowestSet(bitset b);
static GOFUNC bitset bitset_shiftOutLowest(bitset b);
static GOFUNC int bitset_count(bitset b);
static GOFUNC ctrl ctrlGroup_get(const ctrlGroup *g, uintptr_t i);
static GOFUNC void ctrlGroup_set(ctrlGroup *g, uintptr_t i, ctrl c);
static GOFUNC void ctrlGroup_setEmpty(ctrlGroup *g);
static GOFUNC bitset ctrlGroup_matchH2(ctrlGroup g, uintptr_t h);
static GOFUNC bitset ctrlGroup_matchEmpty(ctrlGroup g);
static GOFUNC bitset ctrlGroup_matchEmptyOrDeleted(ctrlGroup g);
static GOFUNC bitset ctrlGroup_matchFull(ctrlGroup g);
static GOFUNC bool ctrlGroup_anyFull(ctrlGroup g);
static GOFUNC uint64_t alignUpPow2(uint64_t n, bool *overflow);
static GOFUNC ctrlGroup *groupReference_ctrls(groupReference g);
static GOFUNC uint64_t *groupReference_key(groupReference g, uintptr_t i);
static GOFUNC uint64_t *groupReference_elem(groupReference g, uintptr_t i);
static GOFUNC groupsReference newGroups(Map *m, uint64_t length);
static GOFUNC groupReference groupsReference_group(const groupsReference *g,
                                                   uint64_t i);
static GOFUNC void cloneGroup(groupReference newGroup, groupReference oldGroup);
/* map.go */
static GOFUNC uintptr_t h1(uintptr_t h);
static GOFUNC uintptr_t h2(uintptr_t h);
static GOFUNC uint8_t depthToShift(uint8_t depth);
static GOFUNC Map *NewMap(uint64_t hint);
static GOFUNC uintptr_t Map_directoryIndex(const Map *m, uintptr_t hash);
static GOFUNC table *Map_directoryAt(const Map *m, uintptr_t i);
static GOFUNC void Map_directorySet(Map *m, uintptr_t i, table *nt);
static GOFUNC void Map_replaceTable(Map *m, table *nt);
static GOFUNC void Map_installTableSplit(Map *m, table *old, table *left,
                                         table *right);
static GOFUNC uint64_t Map_Used(const Map *m);
static GOFUNC bool Map_getWithKey(Map *m, uint64_t key, uint64_t **keyp,
                                  uint64_t **elemp);
static GOFUNC bool Map_getWithKeySmall(Map *m, uintptr_t hash, uint64_t key,
                                       uint64_t **keyp, uint64_t **elemp);
static GOFUNC void Map_growToSmall(Map *m);
static GOFUNC void Map_growToTable(Map *m);
static GOFUNC void Map_Delete(Map *m, uint64_t key);
static GOFUNC void Map_deleteSmall(Map *m, uintptr_t hash, uint64_t key);
static GOFUNC void Map_Clear(Map *m);
static GOFUNC void Map_clearSmall(Map *m);
static GOFUNC Map *Map_Clone(Map *m);
/* table.go */
static GOFUNC table *newTable(Map *m, uint64_t capacity, int64_t index,
                              uint8_t localDepth);
static GOFUNC void table_reset(Map *m, table *t, uint16_t capacity);
static GOFUNC uint16_t table_maxGrowthLeft(const table *t);
static GOFUNC bool table_getWithKey(table *t, uintptr_t hash, uint64_t key,
                                    uint64_t **keyp, uint64_t **elemp);
static GOFUNC uint64_t *table_PutSlot(table *t, Map *m, uintptr_t hash,
                                      uint64_t key, bool *ok);
static GOFUNC void table_uncheckedPutSlot(table *t, uintptr_t hash,
                                          uint64_t key, uint64_t elem);
static GOFUNC bool table_Delete(table *t, Map *m, uintptr_t hash, uint64_t key);
static GOFUNC void table_pruneTombstones(table *t, Map *m);
static GOFUNC uint16_t table_tombstones(const table *t);
static GOFUNC void table_Clear(table *t);
static GOFUNC void Iter_Init(Iter *it, Map *m);
static GOFUNC void Iter_nextDirIdx(Iter *it);
static GOFUNC bool Iter_grownKeyElem(Iter *it, uint64_t *key, uintptr_t slotIdx,
                                     uint64_t **keyp, uint64_t **elemp);
static GOFUNC void Iter_Next(Iter *it);
static GOFUNC void table_rehash(table *t, Map *m);
static GOFUNC uintptr_t localDepthMask(uint8_t localDepth);
static GOFUNC void table_split(table *t, Map *m);
static GOFUNC void table_grow(table *t, Map *m, uint16_t newCapacity);
static GOFUNC table *table_clone(Map *m2, const table *t);
/* runtime_fast64.go */
static GOFUNC uint64_t *Map_putSlotSmallFast64(Map *m, uintptr_t hash,
                                               uint64_t key);

/* probeSeq (table.go): its functions are defined in Go's place, near the
 * end of table.go's part; C needs the type before its first use. */
struct probeSeq {
    uint64_t mask;
    uint64_t offset;
    uint64_t index;
};
static GOFUNC struct probeSeq makeProbeSeq(uintptr_t hash, uint64_t mask);
static GOFUNC struct probeSeq probeSeq_next(struct probeSeq s);

/* ---- group.go ---- */

/* first returns the relative index of the first control byte in the group
 * that is in the set. */
static GOFUNC uintptr_t bitset_first(bitset b)
{
    return (uintptr_t)__builtin_ctzll(b) >> 3; /* b != 0 */
}

/* removeFirst clears the first set bit (that is, resets the least
 * significant set bit to 0). */
static GOFUNC bitset bitset_removeFirst(bitset b)
{
    return b & (b - 1);
}

/* removeBelow clears all set bits below slot i (non-inclusive). */
static GOFUNC bitset bitset_removeBelow(bitset b, uintptr_t i)
{
    /* Clear all bits below slot i's byte. */
    uint64_t mask = (i >= 8) ? ~UINT64_C(0) : (UINT64_C(1) << (8 * i)) - 1;
    return b & ~mask;
}

/* lowestSet returns true if the bit is set for the lowest index in the
 * bitset. */
static GOFUNC bool bitset_lowestSet(bitset b)
{
    return (b & (1 << 7)) != 0;
}

/* shiftOutLowest shifts the lowest entry out of the bitset. */
static GOFUNC bitset bitset_shiftOutLowest(bitset b)
{
    return b >> 8;
}

/* count returns the number of bits set in b. */
static GOFUNC int bitset_count(bitset b)
{
    return __builtin_popcountll(b);
}

/* Get the i-th control byte (little-endian: byte i of the word). */
static GOFUNC ctrl ctrlGroup_get(const ctrlGroup *g, uintptr_t i)
{
    return ((const ctrl *)g)[i];
}

/* Set the i-th control byte. */
static GOFUNC void ctrlGroup_set(ctrlGroup *g, uintptr_t i, ctrl c)
{
    ((ctrl *)g)[i] = c;
}

/* setEmpty sets all the control bytes to empty. */
static GOFUNC void ctrlGroup_setEmpty(ctrlGroup *g)
{
    *g = bitsetEmpty;
}

/* matchH2 returns the set of slots which are full and for which the 7-bit
 * hash matches the given value. May return false positives (portable
 * form: ctrlGroupMatchH2, group.go). */
static GOFUNC bitset ctrlGroup_matchH2(ctrlGroup g, uintptr_t h)
{
    /* NB: This generic matching routine produces false positive matches
     * when h is 2^N and the control bytes have a seq of 2^N followed by
     * 2^N+1. For example: if ctrls==0x0302 and h=02, we'll compute v as
     * 0x0100. When we subtract off 0x0101 the first 2 bytes we'll become
     * 0xffff and both be considered matches of h. The false positive
     * matches are not a problem, just a rare inefficiency. */
    uint64_t v = g ^ (bitsetLSB * (uint64_t)h);
    return ((v - bitsetLSB) & ~v) & bitsetMSB;
}

/* matchEmpty returns the set of slots in the group that are empty. */
static GOFUNC bitset ctrlGroup_matchEmpty(ctrlGroup g)
{
    /* An empty slot is   1000 0000
     * A deleted slot is  1111 1110
     * A full slot is     0??? ????
     *
     * A slot is empty iff bit 7 is set and bit 1 is not. We could select
     * any of the other bits here (e.g. v << 1 would also work). */
    uint64_t v = g;
    return (v & ~(v << 6)) & bitsetMSB;
}

/* matchEmptyOrDeleted returns the set of slots in the group that are empty
 * or deleted. */
static GOFUNC bitset ctrlGroup_matchEmptyOrDeleted(ctrlGroup g)
{
    /* An empty slot is  1000 0000
     * A deleted slot is 1111 1110
     * A full slot is    0??? ????
     *
     * A slot is empty or deleted iff bit 7 is set. */
    return g & bitsetMSB;
}

/* matchFull returns the set of slots in the group that are full. */
static GOFUNC bitset ctrlGroup_matchFull(ctrlGroup g)
{
    /* A full slot is    0??? ????
     * A slot is full iff bit 7 is unset. */
    return ~g & bitsetMSB;
}

/* anyFull reports whether any slots in the group are full. */
static GOFUNC bool ctrlGroup_anyFull(ctrlGroup g)
{
    return (~g & bitsetMSB) != 0;
}

/* alignUpPow2 rounds n up to the next power of 2. Returns true (in
 * *overflow) if the result overflows. */
static GOFUNC uint64_t alignUpPow2(uint64_t n, bool *overflow)
{
    *overflow = false;
    if (n == 0)
        return 0;
    if (n == 1)
        return 1;
    unsigned len = 64 - (unsigned)__builtin_clzll(n - 1);
    if (len == 64) {
        *overflow = true;
        return 0;
    }
    return UINT64_C(1) << len;
}

/* ctrls returns the group control word. */
static GOFUNC ctrlGroup *groupReference_ctrls(groupReference g)
{
    return &g.data->ctrls;
}

/* key returns a pointer to the key at index i. */
static GOFUNC uint64_t *groupReference_key(groupReference g, uintptr_t i)
{
    return &g.data->slots[i].key;
}

/* elem returns a pointer to the element at index i. */
static GOFUNC uint64_t *groupReference_elem(groupReference g, uintptr_t i)
{
    return &g.data->slots[i].elem;
}

/* newGroups allocates a new array of length groups. Length must be a
 * power of two. */
static GOFUNC groupsReference newGroups(Map *m, uint64_t length)
{
    groupsReference g;

    if (length > SIZE_MAX / sizeof(struct group))
        fatal("out of memory");
    g.data = newobj(m, (size_t)length * sizeof(struct group));
    g.lengthMask = length - 1;
    return g;
}

/* group returns the group at index i. */
static GOFUNC groupReference groupsReference_group(const groupsReference *g,
                                                   uint64_t i)
{
    groupReference r = {&g->data[i]};
    return r;
}

static GOFUNC void cloneGroup(groupReference newGroup, groupReference oldGroup)
{
    /* typedmemmove(typ.Group, newGroup.data, oldGroup.data); no indirect
     * keys or elems for uint64. */
    memcpy(newGroup.data, oldGroup.data, sizeof(struct group));
}

/* ---- map.go ---- */
/* (Go's putSlotSmall, the generic small-map insert, is left out: the
 * compiler calls runtime_mapassign_fast64 for map[uint64]V, whose
 * putSlotSmallFast64 is below.) */

/* h1 is the upper 57 bits of the hash (map.go:183). */
static GOFUNC uintptr_t h1(uintptr_t h)
{
    return h >> 7;
}

/* h2 is the lower 7 bits of the hash (map.go:190). */
static GOFUNC uintptr_t h2(uintptr_t h)
{
    return h & 0x7f;
}

static GOFUNC uint8_t depthToShift(uint8_t depth)
{
    if (!Use64BitHash)
        return (uint8_t)(32 - depth);
    return (uint8_t)(64 - depth);
}

/*
 * If m is non-nil, it should be used rather than allocating. (Go's
 * makemap passes the map of a compiler-allocated header; the model always
 * allocates.)
 *
 * maxAlloc should be runtime.maxAlloc.
 *
 * TODO: Initial capacity is only a hint. (map.go:264)
 */
static GOFUNC Map *NewMap(uint64_t hint)
{
    Map *m = calloc(1, sizeof(*m));
    if (!m)
        fatal("out of memory");
    VALGRIND_HG_DISABLE_CHECKING(&m->allocs, sizeof(m->allocs));
    DRD_IGNORE_VAR(m->allocs);

    m->seed = (uintptr_t)runtime_rand();

    if (hint <= MapGroupSlots) {
        /* A small map can fill all 8 slots, so no need to increase target
         * capacity.
         *
         * In fact, since an 8 slot group is what the first assignment to
         * an empty map would allocate anyway, it doesn't matter if we
         * allocate here or on the first assignment.
         *
         * Thus we just return without allocating. (We'll save the
         * allocation completely if no assignment comes.) */
        return m;
    }

    /* Full size map. */

    /* Set initial capacity to hold hint entries without growing in the
     * average case. */
    uint64_t targetCapacity = (hint * MapGroupSlots) / maxAvgGroupLoad;
    if (targetCapacity < hint) /* overflow */
        return m;              /* return an empty map. */

    bool overflow;
    uint64_t dirSize =
        (targetCapacity + maxTableCapacity - 1) / maxTableCapacity;
    dirSize = alignUpPow2(dirSize, &overflow);
    if (overflow || dirSize > UINTPTR_MAX)
        return m; /* return an empty map. */

    /* Reject hints that are obviously too large. */
    if (dirSize > UINT64_MAX / maxTableCapacity)
        return m; /* return an empty map. */
    uint64_t groups = dirSize * maxTableCapacity;
    if (groups > maxAlloc / sizeof(struct group))
        return m; /* return an empty map. */

    m->globalDepth = (uint8_t)__builtin_ctzll(dirSize);
    m->globalShift = depthToShift(m->globalDepth);

    table **directory = newobj(m, (size_t)dirSize * sizeof(table *));

    for (uint64_t i = 0; i < dirSize; i++) {
        /* TODO: Think more about initial table capacity. */
        directory[i] =
            newTable(m, targetCapacity / dirSize, (int64_t)i, m->globalDepth);
    }

    m->dirPtr = directory;
    m->dirLen = (int64_t)dirSize;

    return m;
}

static GOFUNC uintptr_t Map_directoryIndex(const Map *m, uintptr_t hash)
{
    if (m->dirLen == 1)
        return 0;
    return hash >> (m->globalShift & 63);
}

static GOFUNC table *Map_directoryAt(const Map *m, uintptr_t i)
{
    return ((table *const *)m->dirPtr)[i];
}

static GOFUNC void Map_directorySet(Map *m, uintptr_t i, table *nt)
{
    ((table **)m->dirPtr)[i] = nt;
}

static GOFUNC void Map_replaceTable(Map *m, table *nt)
{
    /* The number of entries that reference the same table doubles for
     * each time the globalDepth grows without the table splitting. */
    int64_t entries = (int64_t)1 << (m->globalDepth - nt->localDepth);
    for (int64_t i = 0; i < entries; i++) {
        /* TODO(prattmic): Fix this to handle the non-pow2 case. */
        Map_directorySet(m, (uintptr_t)(nt->index + i), nt);
    }
}

static GOFUNC void Map_installTableSplit(Map *m, table *old, table *left,
                                         table *right)
{
    if (old->localDepth == m->globalDepth) {
        /* No room for another level in the directory. Grow the
         * directory. */
        table **newDir = newobj(m, (size_t)m->dirLen * 2 * sizeof(table *));
        for (int64_t i = 0; i < m->dirLen; i++) {
            table *t = Map_directoryAt(m, (uintptr_t)i);
            newDir[2 * i] = t;
            newDir[2 * i + 1] = t;
            /* t may already exist in multiple indices. We should only
             * update t.index once. Since the index must increase, seeing
             * the original index means this must be the first time we've
             * encountered this table. */
            if (t->index == i)
                t->index = 2 * i;
        }
        m->globalDepth++;
        m->globalShift--;
        WINDOW(W_INSTALLTABLESPLIT);
        m->dirPtr = newDir;
        m->dirLen = m->dirLen * 2;
    }

    /* N.B. left and right may still consume multiple indices if the
     * directory has grown multiple times since old was last split. */
    left->index = old->index;
    Map_replaceTable(m, left);

    int64_t entries = (int64_t)1 << (m->globalDepth - left->localDepth);
    right->index = left->index + entries;
    Map_replaceTable(m, right);
}

static GOFUNC uint64_t Map_Used(const Map *m)
{
    return m->used;
}

/* Get performs a lookup of the key that key points to. It returns a
 * pointer to the element, or false if the key doesn't exist. (Go's
 * getWithKey: the lookup the iterator makes once the map has grown.) */
static GOFUNC bool Map_getWithKey(Map *m, uint64_t key, uint64_t **keyp,
                                  uint64_t **elemp)
{
    if (Map_Used(m) == 0)
        return false;

    if (m->writing != 0)
        fatal("concurrent map read and map write");

    uintptr_t hash = maphash(m, key);

    if (m->dirLen == 0)
        return Map_getWithKeySmall(m, hash, key, keyp, elemp);

    uintptr_t idx = Map_directoryIndex(m, hash);
    return table_getWithKey(Map_directoryAt(m, idx), hash, key, keyp, elemp);
}

static GOFUNC bool Map_getWithKeySmall(Map *m, uintptr_t hash, uint64_t key,
                                       uint64_t **keyp, uint64_t **elemp)
{
    groupReference g = {m->dirPtr};

    bitset match = ctrlGroup_matchH2(*groupReference_ctrls(g), h2(hash));

    while (match != 0) {
        uintptr_t i = bitset_first(match);

        uint64_t *slotKey = groupReference_key(g, i);
        if (key == *slotKey) {
            *keyp = slotKey;
            *elemp = groupReference_elem(g, i);
            return true;
        }

        match = bitset_removeFirst(match);
    }

    /* No match here means key is not in the map. (A single group means
     * no need to probe or check for empty). */
    return false;
}

static GOFUNC void Map_growToSmall(Map *m)
{
    groupsReference grp = newGroups(m, 1);
    m->dirPtr = grp.data;

    groupReference g = {m->dirPtr};
    ctrlGroup_setEmpty(groupReference_ctrls(g));
}

static GOFUNC void Map_growToTable(Map *m)
{
    table *tab = newTable(m, 2 * MapGroupSlots, 0, 0);

    groupReference g = {m->dirPtr};

    for (uintptr_t i = 0; i < MapGroupSlots; i++) {
        if ((ctrlGroup_get(groupReference_ctrls(g), i) & ctrlEmpty) ==
            ctrlEmpty) {
            /* Empty */
            continue;
        }

        uint64_t key = *groupReference_key(g, i);
        uint64_t elem = *groupReference_elem(g, i);

        uintptr_t hash = maphash(m, key);

        table_uncheckedPutSlot(tab, hash, key, elem);
    }

    table **directory = newobj(m, sizeof(table *));

    directory[0] = tab;

    /* map.go:640-641: dirPtr first, dirLen after. In between, the header
     * says "small map" (dirLen 0) over a directory pointer. */
    m->dirPtr = directory;
    WINDOW(W_GROWTOTABLE);
    m->dirLen = 1;

    m->globalDepth = 0;
    m->globalShift = depthToShift(m->globalDepth);
}

static GOFUNC void Map_Delete(Map *m, uint64_t key)
{
    if (m == NULL || Map_Used(m) == 0) {
        /* mapKeyError: never an error for uint64 keys. */
        return;
    }

    if (m->writing != 0)
        fatal("concurrent map writes");

    uintptr_t hash = maphash(m, key);

    /* Set writing after calling Hasher, since Hasher may panic, in which
     * case we have not actually done a write. */
    m->writing ^= 1; /* toggle, see comment on writing */

    if (m->dirLen == 0) {
        Map_deleteSmall(m, hash, key);
    } else {
        uintptr_t idx = Map_directoryIndex(m, hash);
        if (table_Delete(Map_directoryAt(m, idx), m, hash, key))
            m->tombstonePossible = true;
    }

    if (m->used == 0) {
        /* Reset the hash seed to make it more difficult for attackers to
         * repeatedly trigger hash collisions. See
         * https://go.dev/issue/25237. */
        m->seed = (uintptr_t)runtime_rand();
    }

    WINDOW(W_MAPDELETE_WRITING);
    if (m->writing == 0)
        fatal("concurrent map writes");
    m->writing ^= 1;
}

static GOFUNC void Map_deleteSmall(Map *m, uintptr_t hash, uint64_t key)
{
    groupReference g = {m->dirPtr};

    bitset match = ctrlGroup_matchH2(*groupReference_ctrls(g), h2(hash));

    while (match != 0) {
        uintptr_t i = bitset_first(match);
        uint64_t *slotKey = groupReference_key(g, i);
        if (key == *slotKey) {
            m->used--;

            /* uint64 keys hold no pointers: the key stays. */
            *groupReference_elem(g, i) = 0; /* typedmemclr(typ.Elem, ..) */

            /* We only have 1 group, so it is OK to immediately reuse
             * deleted slots. */
            ctrlGroup_set(groupReference_ctrls(g), i, ctrlEmpty);
            return;
        }
        match = bitset_removeFirst(match);
    }
}

/* Clear deletes all entries from the map resulting in an empty map. */
static GOFUNC void Map_Clear(Map *m)
{
    if (m == NULL || (Map_Used(m) == 0 && !m->tombstonePossible))
        return;

    if (m->writing != 0)
        fatal("concurrent map writes");
    m->writing ^= 1; /* toggle, see comment on writing */

    if (m->dirLen == 0) {
        Map_clearSmall(m);
    } else {
        table *lastTab = NULL;
        for (int64_t i = 0; i < m->dirLen; i++) {
            table *t = Map_directoryAt(m, (uintptr_t)i);
            if (t == lastTab)
                continue;
            table_Clear(t);
            lastTab = t;
        }
        m->used = 0;
        m->tombstonePossible = false;
        /* TODO: shrink directory? */
    }
    m->clearSeq++;

    /* Reset the hash seed to make it more difficult for attackers to
     * repeatedly trigger hash collisions. See https://go.dev/issue/25237. */
    m->seed = (uintptr_t)runtime_rand();

    if (m->writing == 0)
        fatal("concurrent map writes");
    m->writing ^= 1;
}

static GOFUNC void Map_clearSmall(Map *m)
{
    groupReference g = {m->dirPtr};

    memset(g.data, 0, sizeof(struct group)); /* typedmemclr(typ.Group) */
    ctrlGroup_setEmpty(groupReference_ctrls(g));

    m->used = 0;
}

static GOFUNC Map *Map_Clone(Map *m)
{
    /* Note: this should never be called with a nil map. */
    if (m->writing != 0)
        fatal("concurrent map clone and map write");
    WINDOW(W_MAPCLONE);

    /* Shallow copy the Map structure. */
    Map *m2 = calloc(1, sizeof(*m2));
    if (!m2)
        fatal("out of memory");
    *m2 = *m;
    m2->allocs = NULL; /* not Go: the clone owns its own memory */
    VALGRIND_HG_DISABLE_CHECKING(&m2->allocs, sizeof(m2->allocs));
    DRD_IGNORE_VAR(m2->allocs);
    Map *old = m;
    m = m2;

    /* We need to just deep copy the dirPtr field. */
    if (m->dirPtr == NULL) {
        /* delayed group allocation, nothing to do. */
    } else if (m->dirLen == 0) {
        /* Clone one group. */
        groupReference oldGroup = {m->dirPtr};
        groupReference newGroup = {newGroups(m, 1).data};
        cloneGroup(newGroup, oldGroup);
        m->dirPtr = newGroup.data;
    } else {
        /* Clone each (different) table. */
        table *const *oldDir = old->dirPtr;
        table **newDir = newobj(m, (size_t)m->dirLen * sizeof(table *));
        for (int64_t i = 0; i < m->dirLen; i++) {
            table *t = oldDir[i];
            if (i > 0 && t == oldDir[i - 1]) {
                newDir[i] = newDir[i - 1];
                continue;
            }
            newDir[i] = table_clone(m, t);
        }
        m->dirPtr = newDir;
    }

    return m;
}

/* ---- table.go ---- */

/* newTable returns a new table with the given capacity, index and
 * localDepth. */
static GOFUNC table *newTable(Map *m, uint64_t capacity, int64_t index,
                              uint8_t localDepth)
{
    if (capacity < MapGroupSlots)
        capacity = MapGroupSlots;

    table *t = newobj(m, sizeof(*t));
    t->index = index;
    t->localDepth = localDepth;

    if (capacity > maxTableCapacity)
        gopanic("initial table capacity too large");

    /* N.B. group count must be a power of two for probeSeq to visit every
     * group. */
    bool overflow;
    capacity = alignUpPow2(capacity, &overflow);
    if (overflow)
        gopanic("rounded-up capacity overflows uint64");

    table_reset(m, t, (uint16_t)capacity);

    return t;
}

/* reset resets the table with new, empty groups with the specified new
 * total capacity. */
static GOFUNC void table_reset(Map *m, table *t, uint16_t capacity)
{
    uint64_t groupCount = (uint64_t)capacity / MapGroupSlots;
    t->groups = newGroups(m, groupCount);
    t->capacity = capacity;
    t->growthLeft = table_maxGrowthLeft(t);

    for (uint64_t i = 0; i <= t->groups.lengthMask; i++) {
        groupReference g = groupsReference_group(&t->groups, i);
        ctrlGroup_setEmpty(groupReference_ctrls(g));
    }
}

/* maxGrowthLeft is the number of inserts we can do before resizing,
 * starting from an empty table. */
static GOFUNC uint16_t table_maxGrowthLeft(const table *t)
{
    if (t->capacity == 0) {
        /* No real reason to support zero capacity table, since an empty
         * Map simply won't have a table. */
        gopanic("table must have positive capacity");
    } else if (t->capacity <= MapGroupSlots) {
        /* If the map fits in a single group then we're able to fill all of
         * the slots except 1 (an empty slot is needed to terminate find
         * operations). */
        return (uint16_t)(t->capacity - 1);
    }
    if (t->capacity > UINT16_MAX / maxAvgGroupLoad)
        gopanic("overflow");
    return (uint16_t)((t->capacity * maxAvgGroupLoad) / MapGroupSlots);
}

/* getWithKey: the probe of table.go (getWithKey, table.go:164). */
static GOFUNC bool table_getWithKey(table *t, uintptr_t hash, uint64_t key,
                                    uint64_t **keyp, uint64_t **elemp)
{
    /* To find the location of a key in the table, we compute hash(key).
     * From h1(hash(key)) and the capacity, we construct a probeSeq that
     * visits every group of slots in some interesting order. See
     * [probeSeq].
     *
     * We walk through these indices. At each index, we select the entire
     * group starting with that index and extract potential candidates:
     * occupied slots with a control byte equal to h2(hash(key)). The key
     * at candidate slot i is compared with key; if key == g.slot(i).key
     * we are done and return the slot; if there is an empty slot in the
     * group, we stop and return an error; otherwise we continue to the
     * next probe index. Tombstones (ctrlDeleted) effectively behave like
     * full slots that never match the value we're looking for. */
    struct probeSeq seq = makeProbeSeq(h1(hash), t->groups.lengthMask);
    uintptr_t h2Hash = h2(hash);
    for (;; seq = probeSeq_next(seq)) {
        groupReference g = groupsReference_group(&t->groups, seq.offset);

        bitset match = ctrlGroup_matchH2(*groupReference_ctrls(g), h2Hash);

        while (match != 0) {
            uintptr_t i = bitset_first(match);

            uint64_t *slotKey = groupReference_key(g, i);
            if (key == *slotKey) {
                *keyp = slotKey;
                *elemp = groupReference_elem(g, i);
                return true;
            }
            match = bitset_removeFirst(match);
        }

        match = ctrlGroup_matchEmpty(*groupReference_ctrls(g));
        if (match != 0) {
            /* Finding an empty slot means we've reached the end of the
             * probe sequence. */
            return false;
        }
    }
}

/*
 * PutSlot returns a pointer to the element slot where an inserted element
 * should be written, and ok if it returned a valid slot.
 *
 * PutSlot returns ok false if the table was split and the Map needs to
 * find the new table.
 *
 * hash must be the hash of key.
 */
static GOFUNC uint64_t *table_PutSlot(table *t, Map *m, uintptr_t hash,
                                      uint64_t key, bool *ok)
{
    struct probeSeq seq = makeProbeSeq(h1(hash), t->groups.lengthMask);

    /* As we look for a match, keep track of the first deleted slot we
     * find, which we'll use to insert the new entry if necessary. */
    groupReference firstDeletedGroup = {NULL};
    uintptr_t firstDeletedSlot = 0;

    uintptr_t h2Hash = h2(hash);
    for (;; seq = probeSeq_next(seq)) {
        groupReference g = groupsReference_group(&t->groups, seq.offset);
        bitset match = ctrlGroup_matchH2(*groupReference_ctrls(g), h2Hash);

        /* Look for an existing slot containing this key. */
        while (match != 0) {
            uintptr_t i = bitset_first(match);

            uint64_t *slotKey = groupReference_key(g, i);
            if (key == *slotKey) {
                *ok = true;
                return groupReference_elem(g, i);
            }
            match = bitset_removeFirst(match);
        }

        /* No existing slot for this key in this group. Is this the end of
         * the probe sequence? */
        match = ctrlGroup_matchEmptyOrDeleted(*groupReference_ctrls(g));
        if (match == 0)
            continue; /* nothing but filled slots. Keep probing. */
        uintptr_t i = bitset_first(match);
        if (ctrlGroup_get(groupReference_ctrls(g), i) == ctrlDeleted) {
            /* There are some deleted slots. Remember the first one, and
             * keep probing. */
            if (firstDeletedGroup.data == NULL) {
                firstDeletedGroup = g;
                firstDeletedSlot = i;
            }
            continue;
        }
        /* We've found an empty slot, which means we've reached the end of
         * the probe sequence. */

        /* If we found a deleted slot along the way, we can replace it
         * without consuming growthLeft. */
        if (firstDeletedGroup.data != NULL) {
            g = firstDeletedGroup;
            i = firstDeletedSlot;
            t->growthLeft++; /* will be decremented below to become a
                                no-op. */
        }

        /* If we have no space left, first try to remove some
         * tombstones. */
        if (t->growthLeft == 0)
            table_pruneTombstones(t, m);

        /* If there is room left to grow, just insert the new entry. */
        if (t->growthLeft > 0) {
            *groupReference_key(g, i) = key;

            uint64_t *slotElem = groupReference_elem(g, i);

            ctrlGroup_set(groupReference_ctrls(g), i, (ctrl)h2Hash);
            t->growthLeft--;
            t->used++;
            m->used++;

            *ok = true;
            return slotElem;
        }

        table_rehash(t, m);
        *ok = false;
        return NULL;
    }
}

/*
 * uncheckedPutSlot inserts an entry known not to be in the table. This is
 * used by grow during growth.
 *
 * Decrements growthLeft and increments used.
 *
 * Requires that the entry does not exist in the table, and that the table
 * has room for another element without rehashing.
 *
 * Requires that there are no deleted entries in the table.
 */
static GOFUNC void table_uncheckedPutSlot(table *t, uintptr_t hash,
                                          uint64_t key, uint64_t elem)
{
    if (t->growthLeft == 0)
        gopanic("invariant failed: growthLeft is unexpectedly 0");

    /* Given key and its hash hash(key), to insert it, we construct a
     * probeSeq, and use it to find the first group with an unoccupied
     * (empty or deleted) slot. We place the key/value into the first such
     * slot in the group and mark it as full with key's H2. */
    struct probeSeq seq = makeProbeSeq(h1(hash), t->groups.lengthMask);
    for (;; seq = probeSeq_next(seq)) {
        groupReference g = groupsReference_group(&t->groups, seq.offset);

        bitset match = ctrlGroup_matchEmptyOrDeleted(*groupReference_ctrls(g));
        if (match != 0) {
            uintptr_t i = bitset_first(match);

            *groupReference_key(g, i) = key;
            *groupReference_elem(g, i) = elem;

            t->growthLeft--;
            t->used++;
            ctrlGroup_set(groupReference_ctrls(g), i, (ctrl)h2(hash));
            return;
        }
    }
}

/* Delete returns true if it put a tombstone in t. */
static GOFUNC bool table_Delete(table *t, Map *m, uintptr_t hash, uint64_t key)
{
    struct probeSeq seq = makeProbeSeq(h1(hash), t->groups.lengthMask);
    uintptr_t h2Hash = h2(hash);
    for (;; seq = probeSeq_next(seq)) {
        groupReference g = groupsReference_group(&t->groups, seq.offset);
        bitset match = ctrlGroup_matchH2(*groupReference_ctrls(g), h2Hash);

        while (match != 0) {
            uintptr_t i = bitset_first(match);

            uint64_t *slotKey = groupReference_key(g, i);
            if (key == *slotKey) {
                t->used--;
                m->used--;

                /* uint64 keys hold no pointers: the key stays. */
                *groupReference_elem(g, i) = 0; /* typedmemclr */

                /* Only a full group can appear in the middle of a probe
                 * sequence (a group with at least one empty slot
                 * terminates probing). Once a group becomes full, it
                 * stays full until rehashing/resizing. So if the group
                 * isn't full now, we can simply remove the element.
                 * Otherwise, we create a tombstone to mark the slot as
                 * deleted. */
                bool tombstone = false;
                if (ctrlGroup_matchEmpty(*groupReference_ctrls(g)) != 0) {
                    ctrlGroup_set(groupReference_ctrls(g), i, ctrlEmpty);
                    t->growthLeft++;
                } else {
                    ctrlGroup_set(groupReference_ctrls(g), i, ctrlDeleted);
                    tombstone = true;
                }

                return tombstone;
            }
            match = bitset_removeFirst(match);
        }

        match = ctrlGroup_matchEmpty(*groupReference_ctrls(g));
        if (match != 0) {
            /* Finding an empty slot means we've reached the end of the
             * probe sequence. */
            return false;
        }
    }
}

/* pruneTombstones goes through the table and tries to remove tombstones
 * that are no longer needed. Best effort. Note that it only removes
 * tombstones, it does not move elements. Moving elements would do a
 * better job at removing tombstones, but we can't do that because any
 * changes to the table might invalidate iterators. */
static GOFUNC void table_pruneTombstones(table *t, Map *m)
{
    if (table_tombstones(t) * 10 < t->capacity) /* 10% of capacity */
        /* Not enough tombstones to be worth the effort. */
        return;

    /* Bit set marking all the groups whose tombstones are needed. */
    uint32_t needed[(maxTableCapacity / MapGroupSlots + 31) / 32] = {0};

    /* Trace the probe sequence of every full entry. */
    for (uint64_t i = 0; i <= t->groups.lengthMask; i++) {
        groupReference g = groupsReference_group(&t->groups, i);
        bitset match = ctrlGroup_matchFull(*groupReference_ctrls(g));
        while (match != 0) {
            uintptr_t j = bitset_first(match);
            match = bitset_removeFirst(match);
            uint64_t key = *groupReference_key(g, j);
            /* (uint64 keys equal themselves: no NaN case.) */
            uintptr_t hash = maphash(m, key);
            /* Walk probe sequence for this hash. Each tombstone group we
             * need to walk past is marked required. */
            for (struct probeSeq seq =
                     makeProbeSeq(h1(hash), t->groups.lengthMask);
                 ; seq = probeSeq_next(seq)) {
                if (seq.offset == i)
                    break; /* reached group of element in probe sequence */
                groupReference pg =
                    groupsReference_group(&t->groups, seq.offset);
                bitset pm =
                    ctrlGroup_matchEmptyOrDeleted(*groupReference_ctrls(pg));
                if (pm != 0) /* must be deleted, not empty, as we haven't
                                found our key yet */
                    /* Mark this group's tombstone as required. */
                    needed[seq.offset / 32] |= UINT32_C(1) << (seq.offset % 32);
            }
        }
        if (ctrlGroup_matchEmpty(*groupReference_ctrls(g)) != 0) {
            /* Also mark non-tombstone-containing groups, so we don't try
             * to remove tombstones from them below. */
            needed[i / 32] |= UINT32_C(1) << (i % 32);
        }
    }

    /* First, see if we can remove enough tombstones to restore capacity.
     * This function is O(n), so only remove tombstones if we can remove a
     * enough of them to justify the O(n) cost. */
    int cnt = 0;
    for (uint64_t i = 0; i <= t->groups.lengthMask; i++) {
        if (needed[i / 32] >> (i % 32) & 1)
            continue;
        groupReference g = groupsReference_group(&t->groups, i);
        bitset mm = ctrlGroup_matchEmptyOrDeleted(*groupReference_ctrls(g));
        cnt += bitset_count(mm);
    }
    if (cnt * 10 < (int)t->capacity) /* Can we restore 10% of capacity? */
        return; /* don't bother removing tombstones. Caller will grow
                   instead. */

    /* Prune unneeded tombstones. */
    for (uint64_t i = 0; i <= t->groups.lengthMask; i++) {
        if (needed[i / 32] >> (i % 32) & 1)
            continue;
        groupReference g = groupsReference_group(&t->groups, i);
        bitset mm = ctrlGroup_matchEmptyOrDeleted(*groupReference_ctrls(g));
        while (mm != 0) {
            uintptr_t k = bitset_first(mm);
            mm = bitset_removeFirst(mm);
            ctrlGroup_set(groupReference_ctrls(g), k, ctrlEmpty);
            t->growthLeft++;
        }
        /* TODO: maybe we could convert all slots at once using some
         * bitvector trickery. */
    }
}

/* tombstones returns the number of deleted (tombstone) entries in the
 * table. A tombstone is a slot that has been deleted but is still
 * considered occupied so as not to violate the probing invariant. */
static GOFUNC uint16_t table_tombstones(const table *t)
{
    return (uint16_t)((t->capacity * maxAvgGroupLoad) / MapGroupSlots -
                      t->used - t->growthLeft);
}

/* Clear deletes all entries from the map resulting in an empty map. */
static GOFUNC void table_Clear(table *t)
{
    uint16_t mgl = table_maxGrowthLeft(t);
    if (t->used == 0 && t->growthLeft == mgl) /* no current entries and no
                                                 tombstones */
        return;
    /* We only want to do the work of clearing slots if they are full. But
     * we also don't want to do too much work to figure out whether a slot
     * is full or not, especially if clearing a slot is cheap. (Go: a
     * slot of 16 bytes is cheap: typ.SlotSize <= 32.) */
    bool fullTest = (uint64_t)t->used * 4 <= t->groups.lengthMask;
    if (fullTest) {
        for (uint64_t i = 0; i <= t->groups.lengthMask; i++) {
            groupReference g = groupsReference_group(&t->groups, i);
            if (ctrlGroup_anyFull(*groupReference_ctrls(g)))
                memset(g.data, 0, sizeof(struct group));
            ctrlGroup_setEmpty(groupReference_ctrls(g));
        }
    } else {
        for (uint64_t i = 0; i <= t->groups.lengthMask; i++) {
            groupReference g = groupsReference_group(&t->groups, i);
            memset(g.data, 0, sizeof(struct group));
            ctrlGroup_setEmpty(groupReference_ctrls(g));
        }
    }
    t->used = 0;
    t->growthLeft = mgl;
}

/* Init initializes Iter for iteration. */
static GOFUNC void Iter_Init(Iter *it, Map *m)
{
    if (m == NULL || m->used == 0)
        return;

    int64_t dirIdx = 0;
    groupReference groupSmall = {NULL};
    if (m->dirLen <= 0) {
        /* Use dirIdx == -1 as sentinel for small maps. */
        dirIdx = -1;
        groupSmall.data = m->dirPtr;
    }

    it->m = m;
    it->entryOffset = runtime_rand();
    it->dirOffset = runtime_rand();
    it->globalDepth = m->globalDepth;
    it->dirIdx = dirIdx;
    it->group = groupSmall;
    it->clearSeq = m->clearSeq;
}

static GOFUNC void Iter_nextDirIdx(Iter *it)
{
    /* Skip other entries in the directory that refer to the same logical
     * table. There are two cases of this:
     *
     * Consider this directory:
     *
     * - 0: *t1
     * - 1: *t1
     * - 2: *t2a
     * - 3: *t2b
     *
     * At some point, the directory grew to accommodate a split of t2. t1
     * did not split, so entries 0 and 1 both point to t1.
     *
     * With dirIdx == 0 and with tab == t1, entries == 2, so we skip to
     * dirIdx == 2. Note that we always start at the beginning of a
     * table's entries, so this trick always works. (See Go's comment,
     * table.go, for the second case: a table that split under the
     * iterator, whose replacements are found from the old one's index.) */
    int64_t entries = (int64_t)1 << (it->m->globalDepth - it->tab->localDepth);
    it->dirIdx += entries;
    it->tab = NULL;
    it->group.data = NULL;
    it->entryIdx = 0;
}

/* Return the appropriate key/elem for key at slotIdx index within it.group,
 * if any. */
static GOFUNC bool Iter_grownKeyElem(Iter *it, uint64_t *key, uintptr_t slotIdx,
                                     uint64_t **keyp, uint64_t **elemp)
{
    (void)slotIdx; /* Go: used for keys not equal to themselves (NaN) */
    if (!Map_getWithKey(it->m, *key, keyp, elemp)) {
        /* Key has likely been deleted, and should be skipped. (uint64 keys
         * always equal themselves: Go's NaN case, where the key is
         * returned from the old group as long as no clear happened, does
         * not arise.) */
        return false;
    }
    return true;
}

/*
 * Next proceeds to the next element in iteration, which can be accessed
 * via the Key and Elem fields.
 *
 * The table can be mutated during iteration, though there is no guarantee
 * that the mutations will be visible to the iteration.
 *
 * Init must be called prior to Next.
 */
static GOFUNC void Iter_Next(Iter *it)
{
    if (it->m == NULL) {
        /* Map was empty at Iter.Init. */
        it->key = NULL;
        it->elem = NULL;
        return;
    }

    WINDOW(W_MAPITERNEXT_ENTRY);
    if (it->m->writing != 0) {
        fatal("concurrent map iteration and map write");
        return;
    }
    WINDOW(W_MAPITERNEXT);

    if (it->dirIdx < 0) {
        /* Map was small at Init. */
        for (; it->entryIdx < MapGroupSlots; it->entryIdx++) {
            uintptr_t k =
                (uintptr_t)(it->entryIdx + it->entryOffset) % MapGroupSlots;

            if ((ctrlGroup_get(groupReference_ctrls(it->group), k) &
                 ctrlEmpty) == ctrlEmpty) {
                /* Empty or deleted. */
                continue;
            }

            uint64_t *key = groupReference_key(it->group, k);

            /* As below, if we have grown to a full map since Init, we
             * continue to use the old group to decide the keys to return,
             * but must look them up again in the new tables. */
            bool grown = it->m->dirLen > 0;
            uint64_t *elem;
            if (grown) {
                uint64_t *newKey, *newElem;
                if (!Map_getWithKey(it->m, *key, &newKey, &newElem)) {
                    /* See comment below. (uint64 keys equal themselves:
                     * the key was deleted, skip it.) */
                    continue;
                }
                key = newKey;
                elem = newElem;
            } else {
                elem = groupReference_elem(it->group, k);
            }

            it->entryIdx++;
            it->key = key;
            it->elem = elem;
            return;
        }
        it->key = NULL;
        it->elem = NULL;
        return;
    }

    if (it->globalDepth != it->m->globalDepth) {
        /* Directory has grown since the last call to Next. Adjust our
         * directory index.
         *
         * Consider:
         *
         * Before:
         * - 0: *t1
         * - 1: *t2  <- dirIdx
         *
         * After:
         * - 0: *t1a (split)
         * - 1: *t1b (split)
         * - 2: *t2  <- dirIdx
         * - 3: *t2
         *
         * That is, we want to double the current index when the directory
         * size doubles (or quadruple when the directory size quadruples,
         * etc).
         *
         * The actual (randomized) dirIdx is computed below as dirIdx +
         * dirOffset, so we also double dirOffset. */
        uint8_t orders = (uint8_t)(it->m->globalDepth - it->globalDepth);
        it->dirIdx <<= orders;
        it->dirOffset <<= orders;
        /* Note that dirOffset only ever has low bits set, so this
         * never overflows the directory. */

        it->globalDepth = it->m->globalDepth;
    }

    /* Continue iteration until we find a full slot. */
    for (; it->dirIdx < it->m->dirLen; Iter_nextDirIdx(it)) {
        /* Resolve the table. */
        if (it->tab == NULL) {
            int64_t dirIdx = (int64_t)(((uint64_t)it->dirIdx + it->dirOffset) &
                                       (uint64_t)(it->m->dirLen - 1));
            table *newTab = Map_directoryAt(it->m, (uintptr_t)dirIdx);
            if (newTab->index != dirIdx) {
                /* Normally we skip past all duplicates of the same entry
                 * in the table (see updates to it.dirIdx at the end of the
                 * loop below), so this case wouldn't occur.
                 *
                 * But on the very first call, we have a completely
                 * randomized dirIdx that may refer to a middle of a run
                 * of tables in the directory. Do a one-time adjustment of
                 * the offset to ensure we start at first index for
                 * newTable. */
                int64_t diff = dirIdx - newTab->index;
                it->dirOffset -= (uint64_t)diff;
                dirIdx = newTab->index;
            }
            it->tab = newTab;
            WINDOW(W_ITER_TABLE);
        }

        /* N.B. Use it.tab, not newTab. It is important to use the old
         * table for key selection if the table has grown. See comment on
         * grown below. */

        uint64_t entryMask = (uint64_t)it->tab->capacity - 1;
        if (it->entryIdx > entryMask) {
            /* Continue to next table. */
            continue;
        }

        /* Fast path: skip matching and directly check if
         * entryIdx is a full slot.
         *
         * In the slow path below, we perform an 8-slot match check to
         * look for full slots within the group.
         *
         * However, with a max load factor of 7/8, each slot in a mostly
         * full map has a high probability of being full. Thus it is
         * cheaper to check a single slot than do a full control match. */

        uint64_t entryIdx = (it->entryIdx + it->entryOffset) & entryMask;
        uintptr_t slotIdx = (uintptr_t)(entryIdx & (MapGroupSlots - 1));
        if (slotIdx == 0 || it->group.data == NULL) {
            /* Only compute the group (a) when we switch groups (slotIdx
             * rolls over) and (b) on the first iteration in this table
             * (slotIdx may not be zero due to entryOffset). */
            uint64_t groupIdx = entryIdx >> MapGroupSlotsBits;
            it->group = groupsReference_group(&it->tab->groups, groupIdx);
            WINDOW(W_ITER_GROUP);
        }

        if ((ctrlGroup_get(groupReference_ctrls(it->group), slotIdx) &
             ctrlEmpty) == 0) {
            /* Slot full. */

            uint64_t *key = groupReference_key(it->group, slotIdx);

            bool grown = it->tab->index == -1;
            uint64_t *elem;
            if (grown) {
                uint64_t *newKey, *newElem;
                if (!Iter_grownKeyElem(it, key, slotIdx, &newKey, &newElem))
                    goto next;
                key = newKey;
                elem = newElem;
            } else {
                elem = groupReference_elem(it->group, slotIdx);
            }

            it->entryIdx++;
            it->key = key;
            it->elem = elem;
            return;
        }

    next:
        it->entryIdx++;

        /* Slow path: use a match on the control word to jump ahead to the
         * next full slot. */
        bitset groupMatch = 0;
        while (it->entryIdx <= entryMask) {
            entryIdx = (it->entryIdx + it->entryOffset) & entryMask;
            slotIdx = (uintptr_t)(entryIdx & (MapGroupSlots - 1));

            if (slotIdx == 0 || it->group.data == NULL) {
                /* Only compute the group (a) when we switch groups
                 * (slotIdx rolls over) and (b) on the first iteration in
                 * this table (slotIdx may not be zero due to
                 * entryOffset). */
                uint64_t groupIdx = entryIdx >> MapGroupSlotsBits;
                it->group = groupsReference_group(&it->tab->groups, groupIdx);
                WINDOW(W_ITER_GROUP);
            }

            if (groupMatch == 0) {
                groupMatch =
                    ctrlGroup_matchFull(*groupReference_ctrls(it->group));

                if (slotIdx != 0) {
                    /* Starting in the middle of the group. Ignore
                     * earlier groups. */
                    groupMatch = bitset_removeBelow(groupMatch, slotIdx);
                }

                /* Skip over groups with no candidates. */
                if (groupMatch == 0) {
                    /* Jump past remaining slots in this group. */
                    it->entryIdx += MapGroupSlots - (uint64_t)slotIdx;
                    continue;
                }

                uintptr_t i = bitset_first(groupMatch);
                it->entryIdx += (uint64_t)(i - slotIdx);
                if (it->entryIdx > entryMask) {
                    /* Past the end of this table's iteration. */
                    continue;
                }
                entryIdx += (uint64_t)(i - slotIdx);
                slotIdx = i;
            }

            uint64_t *key = groupReference_key(it->group, slotIdx);

            /* If the table has changed since the last call to Next, we
             * must make sure to return the latest key/elem (i.e. look
             * them up in the current table via getWithKey). (See Go's
             * comment, table.go, on grown.) */
            bool grown = it->tab->index == -1;
            uint64_t *elem;
            if (grown) {
                uint64_t *newKey, *newElem;
                if (!Iter_grownKeyElem(it, key, slotIdx, &newKey, &newElem)) {
                    /* This entry doesn't exist anymore. Continue to the
                     * next one. */
                    groupMatch = bitset_removeFirst(groupMatch);
                    if (groupMatch == 0) {
                        /* No more entries in this group. Continue to next
                         * group. */
                        it->entryIdx += MapGroupSlots - (uint64_t)slotIdx;
                        continue;
                    }

                    /* Next full slot. */
                    uintptr_t i = bitset_first(groupMatch);
                    it->entryIdx += (uint64_t)(i - slotIdx);
                    continue;
                }
                key = newKey;
                elem = newElem;
            } else {
                elem = groupReference_elem(it->group, slotIdx);
            }

            /* Jump ahead to the next full slot or next group. */
            groupMatch = bitset_removeFirst(groupMatch);
            if (groupMatch == 0) {
                /* No more entries in this group. Continue to next group. */
                it->entryIdx += MapGroupSlots - (uint64_t)slotIdx;
            } else {
                /* Next full slot. */
                uintptr_t i = bitset_first(groupMatch);
                it->entryIdx += (uint64_t)(i - slotIdx);
            }

            it->key = key;
            it->elem = elem;
            return;
        }

        /* Continue to next table. */
    }

    it->key = NULL;
    it->elem = NULL;
}

/* Replaces the table with one larger table or two split tables to fit more
 * entries. Since the table is replaced, t is now stale and should not be
 * modified. */
static GOFUNC void table_rehash(table *t, Map *m)
{
    /* TODO(prattmic): SwissTables typically perform a "rehash in place"
     * operation which recovers capacity consumed by tombstones without
     * growing the table by reordering slots as necessary to maintain the
     * probe invariant while eliminating all tombstones.
     *
     * However, it is unclear how to make rehash in place work with
     * iteration. Since iteration simply walks through all slots in order
     * (with random start offset), reordering the slots would break
     * iteration.
     *
     * Go therefore only grows or splits. */

    /* Doubling capacity maintains the power of two capacity. */
    uint32_t newCapacity = 2 * (uint32_t)t->capacity;
    if (newCapacity <= maxTableCapacity) {
        table_grow(t, m, (uint16_t)newCapacity);
        return;
    }

    table_split(t, m);
}

/* Bitmask for the last selection bit at this depth. */
static GOFUNC uintptr_t localDepthMask(uint8_t localDepth)
{
    if (!Use64BitHash)
        return (uintptr_t)1 << (32 - localDepth);
    return (uintptr_t)1 << (64 - localDepth);
}

/* split the table into two, installing the new tables in the map
 * directory. */
static GOFUNC void table_split(table *t, Map *m)
{
    uint8_t localDepth = t->localDepth;
    localDepth++;

    /* TODO: is this the best capacity? */
    table *left = newTable(m, maxTableCapacity, -1, localDepth);
    table *right = newTable(m, maxTableCapacity, -1, localDepth);

    /* Split in half at the localDepth bit from the top. */
    uintptr_t mask = localDepthMask(localDepth);

    for (uint64_t i = 0; i <= t->groups.lengthMask; i++) {
        groupReference g = groupsReference_group(&t->groups, i);
        for (uintptr_t j = 0; j < MapGroupSlots; j++) {
            if ((ctrlGroup_get(groupReference_ctrls(g), j) & ctrlEmpty) ==
                ctrlEmpty) {
                /* Empty or deleted */
                continue;
            }

            uint64_t key = *groupReference_key(g, j);
            uint64_t elem = *groupReference_elem(g, j);

            uintptr_t hash = maphash(m, key);
            table *newTable_;
            if ((hash & mask) == 0)
                newTable_ = left;
            else
                newTable_ = right;
            table_uncheckedPutSlot(newTable_, hash, key, elem);
        }
    }

    WINDOW(W_SPLIT);
    Map_installTableSplit(m, t, left, right);
    t->index = -1;
}

/* grow the capacity of the table by allocating a new table with a bigger
 * array and uncheckedPutting each element of the table into the new
 * table (we know that no insertion here will Put an already-present
 * value), and discard the old table. */
static GOFUNC void table_grow(table *t, Map *m, uint16_t newCapacity)
{
    table *newTable_ = newTable(m, newCapacity, t->index, t->localDepth);

    if (t->capacity > 0) {
        for (uint64_t i = 0; i <= t->groups.lengthMask; i++) {
            groupReference g = groupsReference_group(&t->groups, i);
            for (uintptr_t j = 0; j < MapGroupSlots; j++) {
                if ((ctrlGroup_get(groupReference_ctrls(g), j) & ctrlEmpty) ==
                    ctrlEmpty) {
                    /* Empty or deleted */
                    continue;
                }

                uint64_t key = *groupReference_key(g, j);
                uint64_t elem = *groupReference_elem(g, j);

                uintptr_t hash = maphash(m, key);
                table_uncheckedPutSlot(newTable_, hash, key, elem);
            }
        }
    }

    WINDOW(W_GROW);
    Map_replaceTable(m, newTable_);
    t->index = -1;
}

/*
 * probeSeq maintains the state for a probe sequence that iterates through
 * the groups in a table. The sequence is a triangular progression of the
 * form
 *
 *	p(i) := (i^2 + i)/2 + hash (mod mask+1)
 *
 * The sequence effectively outputs the indexes of *groups*. The group
 * machinery allows us to check an entire group with minimal branching.
 *
 * It turns out that this probe sequence visits every group exactly once
 * if the number of groups is a power of two, since (i^2+i)/2 is a
 * bijection in Z/(2^m). See https://en.wikipedia.org/wiki/Quadratic_probing
 * (struct probeSeq itself is defined above, before its first use.)
 */
static GOFUNC struct probeSeq makeProbeSeq(uintptr_t hash, uint64_t mask)
{
    struct probeSeq s = {mask, (uint64_t)hash & mask, 0};
    return s;
}

static GOFUNC struct probeSeq probeSeq_next(struct probeSeq s)
{
    s.index++;
    s.offset = (s.offset + s.index) & s.mask;
    return s;
}

/* Clone a table. (table.go's clone, the last function of the file.) */
static GOFUNC table *table_clone(Map *m2, const table *t)
{
    /* Shallow copy the table structure. */
    table *t2 = newobj(m2, sizeof(*t2));
    *t2 = *t;

    /* We need to just deep copy the groups.data field. */
    groupsReference oldGroups = t2->groups;
    groupsReference newGroups_ = newGroups(m2, oldGroups.lengthMask + 1);
    for (uint64_t i = 0; i <= oldGroups.lengthMask; i++) {
        groupReference oldGroup = groupsReference_group(&oldGroups, i);
        groupReference newGroup = groupsReference_group(&newGroups_, i);
        cloneGroup(newGroup, oldGroup);
    }
    t2->groups = newGroups_;

    return t2;
}

/* ---- runtime_fast64.go ---- */

/* runtime_mapaccess1_fast64 (runtime_fast64.go:15) */
GOFUNC const uint64_t *mapaccess1(Map *m, uint64_t key)
{
    OVERLAP(OV_MAPACCESS1);
    if (m != NULL)
        raceReadPC(m);

    WINDOW(W_MAPACCESS_ENTRY);
    if (m == NULL || Map_Used(m) == 0)
        return &zeroVal;

    if (m->writing != 0) {
        fatal("concurrent map read and map write");
        return NULL;
    }
    WINDOW(W_MAPACCESS);

    if (m->dirLen == 0) {
        groupReference g = {m->dirPtr};
        WINDOW(W_MAPACCESS_BUCKET);
        bitset full = ctrlGroup_matchFull(*groupReference_ctrls(g));
        uint64_t *slotKey = groupReference_key(g, 0);
        while (full != 0) {
            if (key == *slotKey && bitset_lowestSet(full))
                return slotKey + 1; /* slotElem: key + 8 */
            slotKey += 2;           /* + slotSize */
            full = bitset_shiftOutLowest(full);
        }
        return &zeroVal;
    }

    uint64_t k = key;
    uintptr_t hash = maphash(m, k);

    /* Select table. */
    uintptr_t idx = Map_directoryIndex(m, hash);
    table *t = Map_directoryAt(m, idx);
    WINDOW(W_MAPACCESS_BUCKET);

    /* Probe table. */
    struct probeSeq seq = makeProbeSeq(h1(hash), t->groups.lengthMask);
    uintptr_t h2Hash = h2(hash);
    for (;; seq = probeSeq_next(seq)) {
        groupReference g = groupsReference_group(&t->groups, seq.offset);

        bitset match = ctrlGroup_matchH2(*groupReference_ctrls(g), h2Hash);

        while (match != 0) {
            uintptr_t i = bitset_first(match);

            uint64_t *slotKey = groupReference_key(g, i);
            if (key == *slotKey)
                return slotKey + 1;
            match = bitset_removeFirst(match);
        }

        match = ctrlGroup_matchEmpty(*groupReference_ctrls(g));
        if (match != 0) {
            /* Finding an empty slot means we've reached the end of the
             * probe sequence. */
            return &zeroVal;
        }
    }
}

/* runtime_mapaccess2_fast64 (runtime_fast64.go:85) */
GOFUNC const uint64_t *mapaccess2(Map *m, uint64_t key, bool *ok)
{
    OVERLAP(OV_MAPACCESS2);
    if (m != NULL)
        raceReadPC(m);

    WINDOW(W_MAPACCESS_ENTRY);
    if (m == NULL || Map_Used(m) == 0) {
        *ok = false;
        return &zeroVal;
    }

    if (m->writing != 0) {
        fatal("concurrent map read and map write");
        *ok = false;
        return NULL;
    }
    WINDOW(W_MAPACCESS);

    if (m->dirLen == 0) {
        groupReference g = {m->dirPtr};
        WINDOW(W_MAPACCESS_BUCKET);
        bitset full = ctrlGroup_matchFull(*groupReference_ctrls(g));
        uint64_t *slotKey = groupReference_key(g, 0);
        while (full != 0) {
            if (key == *slotKey && bitset_lowestSet(full)) {
                *ok = true;
                return slotKey + 1;
            }
            slotKey += 2;
            full = bitset_shiftOutLowest(full);
        }
        *ok = false;
        return &zeroVal;
    }

    uint64_t k = key;
    uintptr_t hash = maphash(m, k);

    /* Select table. */
    uintptr_t idx = Map_directoryIndex(m, hash);
    table *t = Map_directoryAt(m, idx);
    WINDOW(W_MAPACCESS_BUCKET);

    /* Probe table. */
    struct probeSeq seq = makeProbeSeq(h1(hash), t->groups.lengthMask);

    uintptr_t h2Hash = h2(hash);
    for (;; seq = probeSeq_next(seq)) {
        groupReference g = groupsReference_group(&t->groups, seq.offset);

        bitset match = ctrlGroup_matchH2(*groupReference_ctrls(g), h2Hash);

        while (match != 0) {
            uintptr_t i = bitset_first(match);

            uint64_t *slotKey = groupReference_key(g, i);
            if (key == *slotKey) {
                *ok = true;
                return slotKey + 1;
            }
            match = bitset_removeFirst(match);
        }

        match = ctrlGroup_matchEmpty(*groupReference_ctrls(g));
        if (match != 0) {
            /* Finding an empty slot means we've reached the end of the
             * probe sequence. */
            *ok = false;
            return &zeroVal;
        }
    }
}

/* putSlotSmallFast64 (runtime_fast64.go:155) */
static GOFUNC uint64_t *Map_putSlotSmallFast64(Map *m, uintptr_t hash,
                                               uint64_t key)
{
    groupReference g = {m->dirPtr};

    bitset match = ctrlGroup_matchH2(*groupReference_ctrls(g), h2(hash));

    /* Look for an existing slot containing this key. */
    while (match != 0) {
        uintptr_t i = bitset_first(match);

        uint64_t *slotKey = groupReference_key(g, i);
        if (key == *slotKey)
            return groupReference_elem(g, i);
        match = bitset_removeFirst(match);
    }

    /* There can't be deleted slots, small maps can't have them (see
     * deleteSmall). Use matchEmptyOrDeleted as it is a bit more efficient
     * than matchEmpty. */
    match = ctrlGroup_matchEmptyOrDeleted(*groupReference_ctrls(g));
    if (match == 0)
        fatal("small map with no empty slot (concurrent map writes?)");

    uintptr_t i = bitset_first(match);

    *groupReference_key(g, i) = key;

    uint64_t *slotElem = groupReference_elem(g, i);

    ctrlGroup_set(groupReference_ctrls(g), i, (ctrl)h2(hash));
    m->used++;

    return slotElem;
}

/* runtime_mapassign_fast64 (runtime_fast64.go:196), with Map.PutSlot's
 * full-map loop (map.go:520) calling table_PutSlot (see map.h). */
GOFUNC uint64_t *mapassign(Map *m, uint64_t key)
{
    OVERLAP(OV_MAPASSIGN);
    if (m == NULL)
        gopanic("assignment to entry in nil map");
    raceWritePC(m);
    WINDOW(W_MAPASSIGN_ENTRY);
    if (m->writing != 0)
        fatal("concurrent map writes");

    uint64_t k = key;
    uintptr_t hash = maphash(m, k);

    /* Set writing after calling Hasher, since Hasher may panic, in which
     * case we have not actually done a write. */
    m->writing ^= 1; /* toggle, see comment on writing */

    if (m->dirPtr == NULL)
        Map_growToSmall(m);

    if (m->dirLen == 0) {
        if (m->used < MapGroupSlots) {
            uint64_t *elem = Map_putSlotSmallFast64(m, hash, key);

            WINDOW(W_MAPASSIGN_WRITING);
            if (m->writing == 0)
                fatal("concurrent map writes");
            m->writing ^= 1;

            return elem;
        }

        /* Can't fit another entry, grow to full size map. */
        Map_growToTable(m);
    }

    uint64_t *slotElem;
    for (;;) {
        /* Select table. */
        uintptr_t idx = Map_directoryIndex(m, hash);
        bool ok;
        slotElem = table_PutSlot(Map_directoryAt(m, idx), m, hash, key, &ok);
        if (!ok)
            continue;
        break;
    }

    WINDOW(W_MAPASSIGN_WRITING);
    if (m->writing == 0)
        fatal("concurrent map writes");
    m->writing ^= 1;

    return slotElem;
}

/* runtime_mapdelete_fast64 (runtime_fast64.go:505) */
GOFUNC void mapdelete(Map *m, uint64_t key)
{
    OVERLAP(OV_MAPDELETE);
    if (m != NULL)
        raceWritePC(m);

    if (m == NULL || Map_Used(m) == 0)
        return;

    Map_Delete(m, key);
}

/* ---- src/runtime/map.go ---- */

/* makemap implements Go map creation for make(map[k]v, hint). */
GOFUNC Map *makemap(int64_t hint)
{
    if (hint < 0)
        hint = 0;

    return NewMap((uint64_t)hint);
}

/* mapIterStart initializes the Iter struct used for ranging over maps and
 * performs the first step of iteration. (The compiler hands it a zeroed
 * Iter; here mapiterinit zeroes it.) */
GOFUNC void mapiterinit(Map *m, Iter *it)
{
    OVERLAP(OV_MAPITERINIT);
    memset(it, 0, sizeof(*it));
    if (m != NULL)
        raceReadPC(m);

    Iter_Init(it, m);
    Iter_Next(it);
}

/* mapIterNext performs the next step of iteration. */
GOFUNC void mapiternext(Iter *it)
{
    OVERLAP(OV_MAPITERNEXT);
    if (it->m != NULL)
        raceReadPC(it->m);

    Iter_Next(it);
}

/* mapclear deletes all keys from a map. */
GOFUNC void mapclear(Map *m)
{
    OVERLAP(OV_MAPCLEAR);
    if (m != NULL)
        raceWritePC(m);

    Map_Clear(m);
}

/* mapclone for implementing maps.Clone (runtime's mapclone, which has no
 * race instrumentation). */
GOFUNC Map *mapclone(Map *m)
{
    if (m == NULL)
        return NULL; /* maps.Clone: if m == nil { return nil } */
    return Map_Clone(m);
}

/* Not Go (see map.h). */
GOFUNC bool growing(const Map *m)
{
    (void)m;
    return false;
}

/* len(m) (Go: reflect_maplen; the compiler's len is inline). */
GOFUNC int64_t maplen(const Map *m)
{
    OVERLAP(OV_MAPLEN);
    if (m == NULL)
        return 0;
    raceReadPC(m);
    return (int64_t)Map_Used(m);
}

GOFUNC void mapfree(Map *m)
{
    if (m == NULL)
        return;
    struct gcobj *o = m->allocs;
    while (o != NULL) {
        struct gcobj *next = o->next;
        free(o);
        o = next;
    }
    VALGRIND_HG_ENABLE_CHECKING(&m->allocs, sizeof(m->allocs));
    DRD_STOP_IGNORING_VAR(m->allocs);
    free(m);
}
