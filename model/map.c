/*
 * model/map.c - Go's runtime map, as in Go 1.19.8 (tag go1.19.8), in C.
 *
 * Read it beside src/runtime/map.go and map_fast64.go of Go 1.19.8: the
 * functions have Go's names and Go's structure, come in map.go's order
 * (helpers, makemap, mapaccess1/2, mapassign, mapdelete, mapiterinit,
 * mapiternext, mapclear, then hashGrow, growWork, evacuate,
 * advanceEvacuationMark, then Go 1.21's moveToBmap and mapclone beside
 * maplen; the file-local ones are declared first, so that
 * C's define-before-use does not reorder them), and Go's comments are
 * quoted where they help. Where a function follows the specialised
 * map[uint64]V version the compiler really calls (mapaccess1_fast64,
 * mapassign_fast64, mapdelete_fast64, evacuate_fast64), its comment says
 * so. map.h lists the invariants and every place this model departs from
 * Go 1.19.8, including the later code it carries (mapclear's
 * markBucketsEmpty and maps.Clone's mapclone, Go 1.21).
 *
 * Every function is GOFUNC (noinline, and no cloning under gcc) so that it
 * appears, under its Go name, in the stacks ThreadSanitizer, Helgrind and
 * DRD print, even at -O1.
 *
 * The race windows (WINDOW(W_...), model/window.h) sit exactly where the
 * comments of enum window_id say. Cases depend on their positions: do not
 * move them.
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

/* helgrind.h first: drd.h then replaces the ANNOTATE_* macros with DRD's
 * own, so DRD_IGNORE_VAR is DRD's request. */
#include <valgrind/helgrind.h>
#include <valgrind/drd.h>

#include "overlap.h"
#include "throw.h"
#include "window.h"

#if defined(__clang__)
#define GOFUNC __attribute__((noinline))
#else
/* gcc would otherwise clone a function into evacuate.constprop.0 and the
 * like, and the stacks would no longer read like Go's. */
#define GOFUNC __attribute__((noipa))
#endif

/* sentinel bucket ID for iterator checks (Go: noCheck = 1<<(8*PtrSize)-1) */
#define noCheck UINTPTR_MAX

/* Go's maxAlloc on 64-bit Linux: the largest allocation it attempts. */
#define maxAlloc ((uint64_t)1 << 48)

/*
 * The garbage collector's stand-in. Go allocates bucket arrays and overflow
 * buckets with newarray/newobject and lets the collector free them once
 * nothing points to them, which, while a racing goroutine still reads an
 * old array, is never. Here every such allocation starts with a gcobj
 * header, is pushed on h->extra->allocs, and is freed only by mapfree().
 */
struct gcobj {
    struct gcobj *next;
    size_t size; /* bytes after the header */
};
_Static_assert(sizeof(struct gcobj) % _Alignof(max_align_t) == 0,
               "gcobj header must keep the object aligned");

/* mapextra holds fields that are not present on all maps. */
struct mapextra {
    /* Go's overflow and oldoverflow slices keep overflow buckets alive for
     * the collector when the bucket type has no pointers; allocs does that
     * job here, for overflow buckets and bucket arrays alike. */

    /* nextOverflow holds a pointer to a free overflow bucket. */
    struct bmap *nextOverflow;

    /* Not Go: everything newarray() handed out for this map. Only writers
     * push, with a relaxed compare-and-swap (so that two racing writers
     * cannot corrupt the list, and no happens-before edge is created);
     * hidden from Helgrind and DRD, since it is bookkeeping, not Go. */
    struct gcobj *allocs;
};

const uint64_t zeroVal = 0;

/*
 * Not Go: the race detectors' view of the map as one object (map.h,
 * h->race). Go's runtime calls racereadpc(h) at the entry of every reading
 * map function and racewritepc(h) at the entry of every writing one
 * (map_fast64.go:16, :56, :99, :276; map.go:818, :870, :997, and
 * reflect_maplen at map.go:1400 for len). The model's own accesses race
 * only on the memory they touch; these two make every call touch h->race
 * too, on every path, so that any writer races any other call on the same
 * map, as under go -race. They sit after the first header word each
 * function really shares (Go's hashWriting check and flip, or the count
 * of an early return), so that this race is reported after the one on
 * Go's own fields, not in front of it.
 *
 * raceread's load is stored in a thread-local, not discarded: a load whose
 * value nobody uses is removed by Valgrind's own optimiser before Helgrind
 * and DRD instrument it (and the volatile keeps the compilers from
 * dropping it first).
 */
static _Thread_local uint64_t racesink;

static inline __attribute__((always_inline)) void raceread(const struct hmap *h)
{
    racesink = *(const volatile uint64_t *)&h->race;
}

static inline __attribute__((always_inline)) void racewrite(struct hmap *h)
{
    *(volatile uint64_t *)&h->race = racesink;
}

/* Go: mp.fastrand, one per M (OS thread). Zero means "not seeded yet". */
static _Thread_local uint32_t fastrandState[2];

/* Seed the calling thread's fastrand state: getrandom(2), or, if that
 * fails, the clock and the thread id. Never both words zero. */
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

/*
 * Go 1.19's fastrand where the 64-bit multiply of wyrand is not available
 * (on amd64 Go 1.19 uses wyrand; the randomness is all that matters here):
 * Implement xorshift64+: 2 32-bit xorshift sequences added together.
 * Shift triplet [17,7,16] was calculated as indicated in Marsaglia's
 * Xorshift paper: https://www.jstatsoft.org/article/view/v008i14/xorshift.pdf
 * This generator passes the SmallCrush suite, part of TestU01 framework.
 *
 * The state is thread-local, so two threads never share it: fastrand is
 * race-free (Go's is per-M for the same reason).
 */
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

static GOFUNC uint64_t fastrand64(void)
{
    return (uint64_t)fastrand() << 32 | fastrand();
}

/*
 * The hasher (Go: t.Hasher(key, uintptr(h.hash0)), memhash64 for 8-byte
 * keys). Go uses AES instructions or wyhash; here the key, mixed with the
 * seed, goes through the finalizer of splitmix64 (Steele, Lea and Flood,
 * "Fast splittable pseudorandom number generators", 2014): a bijection of
 * 64-bit words whose every output bit depends on every input bit, so both
 * the low bits (the bucket) and the top byte (tophash) are well spread.
 * A different hash0 gives a different layout, as in Go.
 */
GOFUNC uint64_t maphash(const struct hmap *h, uint64_t key)
{
    uint64_t x = key ^ (((uint64_t)h->hash0 + 1) * 0x9e3779b97f4a7c15u);

    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    x ^= x >> 31;
    return x;
}

/* The file-local functions, in the order they are defined below (Go's
 * order). */
static GOFUNC bool isEmpty(uint8_t x);
static GOFUNC uintptr_t bucketShift(uint8_t b);
static GOFUNC uintptr_t bucketMask(uint8_t b);
static GOFUNC uint8_t tophash(uintptr_t hash);
static GOFUNC bool evacuated(const struct bmap *b);
static GOFUNC struct bmap *newarray(struct hmap *h, uintptr_t n);
static GOFUNC struct bmap *newobject(struct hmap *h);
static GOFUNC uintptr_t roundupsize(uintptr_t size);
static GOFUNC void incrnoverflow(struct hmap *h);
static GOFUNC struct bmap *newoverflow(struct hmap *h, struct bmap *b);
static GOFUNC struct bmap *makeBucketArray(struct hmap *h, uint8_t b,
                                           struct bmap *dirtyalloc,
                                           struct bmap **nextOverflow);
static GOFUNC uint64_t *mapaccessK(struct hmap *h, uint64_t key,
                                   uint64_t **elem);
static GOFUNC void markBucketsEmpty(struct bmap *bucket, uintptr_t mask);
static GOFUNC void hashGrow(struct hmap *h);
static GOFUNC bool overLoadFactor(int64_t count, uint8_t B);
static GOFUNC bool tooManyOverflowBuckets(uint16_t noverflow, uint8_t B);
static GOFUNC bool isSameSizeGrow(const struct hmap *h);
static GOFUNC uintptr_t noldbuckets(const struct hmap *h);
static GOFUNC uintptr_t oldbucketmask(const struct hmap *h);
static GOFUNC void growWork(struct hmap *h, uintptr_t bucket);
static GOFUNC bool bucketEvacuated(const struct hmap *h, uintptr_t bucket);
static GOFUNC void evacuate(struct hmap *h, uintptr_t oldbucket);
static GOFUNC void advanceEvacuationMark(struct hmap *h, uintptr_t newbit);
static GOFUNC struct bmap *moveToBmap(struct hmap *h, struct bmap *dst,
                                      int *pos, const struct bmap *src);

/* isEmpty reports whether the given tophash array entry represents an
 * empty bucket entry. */
static GOFUNC bool isEmpty(uint8_t x)
{
    return x <= emptyOne;
}

/* bucketShift returns 1<<b, optimized for code generation. */
static GOFUNC uintptr_t bucketShift(uint8_t b)
{
    /* Masking the shift amount allows overflow checks to be elided. */
    return (uintptr_t)1 << (b & (sizeof(uintptr_t) * 8 - 1));
}

/* bucketMask returns 1<<b - 1, optimized for code generation. */
static GOFUNC uintptr_t bucketMask(uint8_t b)
{
    return bucketShift(b) - 1;
}

/* tophash calculates the tophash value for hash. */
static GOFUNC uint8_t tophash(uintptr_t hash)
{
    uint8_t top = (uint8_t)(hash >> (sizeof(uintptr_t) * 8 - 8));
    if (top < minTopHash)
        top += minTopHash;
    return top;
}

static GOFUNC bool evacuated(const struct bmap *b)
{
    uint8_t h = b->tophash[0];
    return h > emptyOne && h < minTopHash;
}

/*
 * Go: newarray(t.Bucket, n) (and newobject(t.Bucket) for n == 1): zeroed
 * memory owned by the garbage collector. Here it is pushed on
 * h->extra->allocs and lives until mapfree().
 */
static GOFUNC struct bmap *newarray(struct hmap *h, uintptr_t n)
{
    struct mapextra *x = h->extra;
    struct gcobj *o;

    if (n > (SIZE_MAX - sizeof(*o)) / sizeof(struct bmap))
        fatal("out of memory");
    o = calloc(1, sizeof(*o) + n * sizeof(struct bmap));
    if (!o)
        fatal("out of memory");
    o->size = n * sizeof(struct bmap);
    o->next = __atomic_load_n(&x->allocs, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(&x->allocs, &o->next, o, true,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
    return (struct bmap *)(o + 1);
}

static GOFUNC struct bmap *newobject(struct hmap *h)
{
    return newarray(h, 1);
}

/*
 * roundupsize returns the size of the memory block that mallocgc will
 * allocate if you ask for the size. Only sizes of at least 17 buckets
 * (2448 bytes) are asked for here, so only the top of Go's size-class
 * table (runtime/sizeclasses.go) is kept; above 32 KiB Go rounds to whole
 * 8 KiB pages.
 */
static GOFUNC uintptr_t roundupsize(uintptr_t size)
{
    static const uint16_t classes[] = {
        2304,  2688,  3072,  3200,  3456,  4096,  4864,  5376,  6144,  6528,
        6784,  6912,  8192,  9472,  9728,  10240, 10880, 12288, 13568, 14336,
        16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768,
    };
    const uintptr_t pageSize = 8192;

    if (size <= 32768) {
        for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
            if (size <= classes[i])
                return classes[i];
    }
    if (size + pageSize < size)
        return size;
    return (size + pageSize - 1) & ~(pageSize - 1);
}

/*
 * incrnoverflow increments h.noverflow.
 * noverflow counts the number of overflow buckets.
 * This is used to trigger same-size map growth.
 * See also tooManyOverflowBuckets.
 * To keep hmap small, noverflow is a uint16.
 * When there are few buckets, noverflow is an exact count.
 * When there are many buckets, noverflow is an approximate count.
 */
static GOFUNC void incrnoverflow(struct hmap *h)
{
    /* We trigger same-size map growth if there are
     * as many overflow buckets as buckets.
     * We need to be able to count to 1<<h.B. */
    if (h->B < 16) {
        h->noverflow++;
        return;
    }
    /* Increment with probability 1/(1<<(h.B-15)).
     * When we reach 1<<15 - 1, we will have approximately
     * as many overflow buckets as buckets. */
    uint32_t mask = ((uint32_t)1 << (h->B - 15)) - 1;
    /* Example: if h.B == 18, then mask == 7,
     * and fastrand & 7 == 0 with probability 1/8. */
    if ((fastrand() & mask) == 0)
        h->noverflow++;
}

static GOFUNC struct bmap *newoverflow(struct hmap *h, struct bmap *b)
{
    struct bmap *ovf;

    if (h->extra != NULL && h->extra->nextOverflow != NULL) {
        /* We have preallocated overflow buckets available.
         * See makeBucketArray for more details. */
        ovf = h->extra->nextOverflow;
        if (ovf->overflow == NULL) {
            /* We're not at the end of the preallocated overflow buckets.
             * Bump the pointer. */
            h->extra->nextOverflow = ovf + 1;
        } else {
            /* This is the last preallocated overflow bucket.
             * Reset the overflow pointer on this bucket,
             * which was set to a non-nil sentinel value. */
            ovf->overflow = NULL;
            h->extra->nextOverflow = NULL;
        }
    } else {
        ovf = newobject(h);
    }
    incrnoverflow(h);
    /* Go records ovf in h.extra.overflow here, to keep it alive for the
     * collector; newobject() has already put it on h->extra->allocs. */
    b->overflow = ovf;
    return ovf;
}

/*
 * makemap implements Go map creation for make(map[k]v, hint).
 */
GOFUNC struct hmap *makemap(int64_t hint)
{
    /* Go: mem, overflow := math.MulUintptr(uintptr(hint), t.Bucket.Size_);
     * a negative hint is a huge uintptr, so it lands here too. */
    if ((uint64_t)hint > maxAlloc / sizeof(struct bmap))
        hint = 0;

    /* initialize Hmap */
    struct hmap *h = calloc(1, sizeof(*h));
    /* Not Go: extra always exists, since it owns the memory (allocs). */
    struct mapextra *x = calloc(1, sizeof(*x));
    if (!h || !x)
        fatal("out of memory");
    h->extra = x;
    VALGRIND_HG_DISABLE_CHECKING(&x->allocs, sizeof(x->allocs));
    DRD_IGNORE_VAR(x->allocs);
    VALGRIND_HG_DISABLE_CHECKING(&h->iterflags, sizeof(h->iterflags));
    DRD_IGNORE_VAR(h->iterflags);
    h->hash0 = fastrand();

    /* Find the size parameter B which will hold the requested # of
     * elements. For hint < 0 overLoadFactor returns false since
     * hint < bucketCnt. */
    uint8_t B = 0;
    while (overLoadFactor(hint, B))
        B++;
    h->B = B;

    /* allocate initial hash table
     * if B == 0, the buckets field is allocated lazily later (in
     * mapassign) If hint is large zeroing this memory could take a
     * while. */
    if (h->B != 0) {
        struct bmap *nextOverflow;
        h->buckets = makeBucketArray(h, h->B, NULL, &nextOverflow);
        if (nextOverflow != NULL)
            h->extra->nextOverflow = nextOverflow;
    }
    return h;
}

/*
 * makeBucketArray initializes a backing array for map buckets.
 * 1<<b is the minimum number of buckets to allocate.
 * dirtyalloc should either be nil or a bucket array previously
 * allocated by makeBucketArray with the same t and b parameters.
 * If dirtyalloc is nil a new backing array will be alloced and
 * otherwise dirtyalloc will be cleared and reused as backing array.
 */
static GOFUNC struct bmap *makeBucketArray(struct hmap *h, uint8_t b,
                                           struct bmap *dirtyalloc,
                                           struct bmap **nextOverflow)
{
    uintptr_t base = bucketShift(b);
    uintptr_t nbuckets = base;
    struct bmap *buckets;

    /* For small b, overflow buckets are unlikely.
     * Avoid the overhead of the calculation. */
    if (b >= 4) {
        /* Add on the estimated number of overflow buckets
         * required to insert the median number of elements
         * used with this value of b. */
        nbuckets += bucketShift(b - 4);
        uintptr_t sz = sizeof(struct bmap) * nbuckets;
        uintptr_t up = roundupsize(sz);
        if (up != sz)
            nbuckets = up / sizeof(struct bmap);
    }

    if (dirtyalloc == NULL) {
        buckets = newarray(h, nbuckets);
    } else {
        /* dirtyalloc was previously generated by
         * the above newarray(t.Bucket, int(nbuckets))
         * but may not be empty. */
        buckets = dirtyalloc;
        memset(buckets, 0, sizeof(struct bmap) * nbuckets);
    }

    *nextOverflow = NULL;
    if (base != nbuckets) {
        /* We preallocated some overflow buckets.
         * To keep the overhead of tracking these overflow buckets to a
         * minimum, we use the convention that if a preallocated overflow
         * bucket's overflow pointer is nil, then there are more available
         * by bumping the pointer. We need a safe non-nil pointer for the
         * last overflow bucket; just use buckets. */
        *nextOverflow = &buckets[base];
        struct bmap *last = &buckets[nbuckets - 1];
        last->overflow = buckets;
    }
    return buckets;
}

/*
 * mapaccess1 returns a pointer to h[key].  Never returns nil, instead
 * it will return a reference to the zero object for the elem type if
 * the key is not in the map.
 * NOTE: The returned pointer may keep the whole map live, so don't
 * hold onto it for very long.
 *
 * Shape of mapaccess1_fast64: the key words are compared directly, without
 * tophash.
 */
GOFUNC const uint64_t *mapaccess1(struct hmap *h, uint64_t key)
{
    OVERLAP(OV_MAPACCESS1);
    WINDOW(W_MAPACCESS_ENTRY);
    if (h == NULL || h->count == 0) {
        if (h != NULL)
            raceread(h); /* not Go: Go's racereadpc, see raceread */
        return &zeroVal;
    }
    if (h->flags & hashWriting)
        fatal("concurrent map read and map write");
    raceread(h);
    WINDOW(W_MAPACCESS);
    struct bmap *b;
    if (h->B == 0) {
        /* One-bucket table. No need to hash. */
        b = h->buckets;
    } else {
        uintptr_t hash = maphash(h, key);
        uintptr_t m = bucketMask(h->B);
        b = &h->buckets[hash & m];
        struct bmap *c = h->oldbuckets;
        if (c != NULL) {
            if (!isSameSizeGrow(h)) {
                /* There used to be half as many buckets; mask down one
                 * more power of two. */
                m >>= 1;
            }
            struct bmap *oldb = &c[hash & m];
            if (!evacuated(oldb))
                b = oldb;
        }
    }
    WINDOW(W_MAPACCESS_BUCKET);
    for (; b != NULL; b = b->overflow) {
        for (uintptr_t i = 0; i < bucketCnt; i++) {
            if (b->keys[i] == key && !isEmpty(b->tophash[i]))
                return &b->elems[i];
        }
    }
    return &zeroVal;
}

/* Shape of mapaccess2_fast64. */
GOFUNC const uint64_t *mapaccess2(struct hmap *h, uint64_t key, bool *ok)
{
    OVERLAP(OV_MAPACCESS2);
    WINDOW(W_MAPACCESS_ENTRY);
    if (h == NULL || h->count == 0) {
        if (h != NULL)
            raceread(h); /* not Go: Go's racereadpc, see raceread */
        *ok = false;
        return &zeroVal;
    }
    if (h->flags & hashWriting)
        fatal("concurrent map read and map write");
    raceread(h);
    WINDOW(W_MAPACCESS);
    struct bmap *b;
    if (h->B == 0) {
        /* One-bucket table. No need to hash. */
        b = h->buckets;
    } else {
        uintptr_t hash = maphash(h, key);
        uintptr_t m = bucketMask(h->B);
        b = &h->buckets[hash & m];
        struct bmap *c = h->oldbuckets;
        if (c != NULL) {
            if (!isSameSizeGrow(h)) {
                /* There used to be half as many buckets; mask down one
                 * more power of two. */
                m >>= 1;
            }
            struct bmap *oldb = &c[hash & m];
            if (!evacuated(oldb))
                b = oldb;
        }
    }
    WINDOW(W_MAPACCESS_BUCKET);
    for (; b != NULL; b = b->overflow) {
        for (uintptr_t i = 0; i < bucketCnt; i++) {
            if (b->keys[i] == key && !isEmpty(b->tophash[i])) {
                *ok = true;
                return &b->elems[i];
            }
        }
    }
    *ok = false;
    return &zeroVal;
}

/* returns both key and elem. Used by map iterator. (Generic shape, with
 * tophash; no hashWriting check, as in Go.) */
static GOFUNC uint64_t *mapaccessK(struct hmap *h, uint64_t key,
                                   uint64_t **elem)
{
    *elem = NULL;
    if (h == NULL || h->count == 0)
        return NULL;
    uintptr_t hash = maphash(h, key);
    uintptr_t m = bucketMask(h->B);
    struct bmap *b = &h->buckets[hash & m];
    struct bmap *c = h->oldbuckets;
    if (c != NULL) {
        if (!isSameSizeGrow(h)) {
            /* There used to be half as many buckets; mask down one more
             * power of two. */
            m >>= 1;
        }
        struct bmap *oldb = &c[hash & m];
        if (!evacuated(oldb))
            b = oldb;
    }
    uint8_t top = tophash(hash);
    for (; b != NULL; b = b->overflow) {
        for (uintptr_t i = 0; i < bucketCnt; i++) {
            if (b->tophash[i] != top) {
                if (b->tophash[i] == emptyRest)
                    return NULL; /* break bucketloop */
                continue;
            }
            if (b->keys[i] == key) {
                *elem = &b->elems[i];
                return &b->keys[i];
            }
        }
    }
    return NULL;
}

/*
 * Like mapaccess, but allocates a slot for the key if it is not present
 * in the map. Shape of mapassign_fast64.
 */
GOFUNC uint64_t *mapassign(struct hmap *h, uint64_t key)
{
    OVERLAP(OV_MAPASSIGN);
    if (h == NULL)
        gopanic("assignment to entry in nil map");
    WINDOW(W_MAPASSIGN_ENTRY);
    if (h->flags & hashWriting)
        fatal("concurrent map writes");
    uintptr_t hash = maphash(h, key);

    /* Set hashWriting after calling t.hasher for consistency with
     * mapassign. */
    h->flags ^= hashWriting;
    racewrite(h); /* not Go: Go's racewritepc, see racewrite */

    if (h->buckets == NULL)
        h->buckets = newobject(h); /* newarray(t.bucket, 1) */

    uintptr_t bucket;
    struct bmap *b;
    struct bmap *insertb;
    uintptr_t inserti;
again:
    bucket = hash & bucketMask(h->B);
    if (growing(h))
        growWork(h, bucket);
    b = &h->buckets[bucket];

    insertb = NULL;
    inserti = 0;

    for (;;) {
        for (uintptr_t i = 0; i < bucketCnt; i++) {
            if (isEmpty(b->tophash[i])) {
                if (insertb == NULL) {
                    insertb = b;
                    inserti = i;
                }
                if (b->tophash[i] == emptyRest)
                    goto bucketloop_done; /* break bucketloop */
                continue;
            }
            uint64_t k = b->keys[i];
            if (k != key)
                continue;
            insertb = b;
            inserti = i;
            goto done;
        }
        struct bmap *ovf = b->overflow;
        if (ovf == NULL)
            break;
        b = ovf;
    }
bucketloop_done:

    /* Did not find mapping for key. Allocate new cell & add entry. */

    /* If we hit the max load factor or we have too many overflow buckets,
     * and we're not already in the middle of growing, start growing. */
    if (!growing(h) && (overLoadFactor(h->count + 1, h->B) ||
                        tooManyOverflowBuckets(h->noverflow, h->B))) {
        hashGrow(h);
        goto again; /* Growing the table invalidates everything, so try
                       again */
    }

    if (insertb == NULL) {
        /* The current bucket and all the overflow buckets connected to it
         * are full, allocate a new one. */
        insertb = newoverflow(h, b);
        inserti = 0; /* not necessary, but avoids needlessly spilling
                        inserti */
    }
    /* mask inserti to avoid bounds checks */
    insertb->tophash[inserti & (bucketCnt - 1)] = tophash(hash);

    /* store new key at insert position */
    insertb->keys[inserti] = key;

    h->count++;

done:;
    uint64_t *elem = &insertb->elems[inserti];
    WINDOW(W_MAPASSIGN_WRITING);
    if ((h->flags & hashWriting) == 0)
        fatal("concurrent map writes");
    h->flags &= ~(uint64_t)hashWriting;
    return elem;
}

/* Shape of mapdelete_fast64. */
GOFUNC void mapdelete(struct hmap *h, uint64_t key)
{
    OVERLAP(OV_MAPDELETE);
    if (h == NULL || h->count == 0) {
        if (h != NULL)
            racewrite(h); /* not Go: Go's racewritepc, see racewrite */
        return;
    }
    if (h->flags & hashWriting)
        fatal("concurrent map writes");

    uintptr_t hash = maphash(h, key);

    /* Set hashWriting after calling t.hasher for consistency with
     * mapdelete */
    h->flags ^= hashWriting;
    racewrite(h);

    uintptr_t bucket = hash & bucketMask(h->B);
    if (growing(h))
        growWork(h, bucket);
    struct bmap *b = &h->buckets[bucket];
    struct bmap *bOrig = b;
    for (; b != NULL; b = b->overflow) {
        uint64_t *k = b->keys;
        for (uintptr_t i = 0; i < bucketCnt; i++, k++) {
            if (key != *k || isEmpty(b->tophash[i]))
                continue;
            /* Only clear key if there are pointers in it. (uint64 has
             * none: the key stays.) */
            b->elems[i] = 0; /* memclrNoHeapPointers(e, t.Elem.Size_) */
            b->tophash[i] = emptyOne;
            /* If the bucket now ends in a bunch of emptyOne states,
             * change those to emptyRest states. */
            if (i == bucketCnt - 1) {
                if (b->overflow != NULL && b->overflow->tophash[0] != emptyRest)
                    goto notLast;
            } else {
                if (b->tophash[i + 1] != emptyRest)
                    goto notLast;
            }
            for (;;) {
                b->tophash[i] = emptyRest;
                if (i == 0) {
                    if (b == bOrig)
                        break; /* beginning of initial bucket, we're
                                  done. */
                    /* Find previous bucket, continue at its last
                     * entry. */
                    struct bmap *c = b;
                    for (b = bOrig; b->overflow != c; b = b->overflow)
                        ;
                    i = bucketCnt - 1;
                } else {
                    i--;
                }
                if (b->tophash[i] != emptyOne)
                    break;
            }
        notLast:
            h->count--;
            /* Reset the hash seed to make it more difficult for attackers
             * to repeatedly trigger hash collisions. See issue 25237. */
            if (h->count == 0)
                h->hash0 = fastrand();
            goto search_done; /* break search */
        }
    }
search_done:

    WINDOW(W_MAPDELETE_WRITING);
    if ((h->flags & hashWriting) == 0)
        fatal("concurrent map writes");
    h->flags &= ~(uint64_t)hashWriting;
}

/*
 * mapiterinit initializes the hiter struct used for ranging over maps.
 * (Go's compiler hands it a zeroed hiter; here mapiterinit zeroes it.)
 */
GOFUNC void mapiterinit(struct hmap *h, struct hiter *it)
{
    OVERLAP(OV_MAPITERINIT);
    memset(it, 0, sizeof(*it));
    if (h == NULL || h->count == 0) {
        if (h != NULL)
            raceread(h); /* not Go: Go's racereadpc, see raceread */
        return;
    }

    it->h = h;

    /* grab snapshot of bucket state */
    it->B = h->B;
    it->buckets = h->buckets;

    /* decide where to start */
    uintptr_t r;
    if (h->B > 31 - bucketCntBits)
        r = (uintptr_t)fastrand64();
    else
        r = (uintptr_t)fastrand();
    it->startBucket = r & bucketMask(h->B);
    it->offset = (uint8_t)(r >> h->B & (bucketCnt - 1));

    /* iterator state */
    it->bucket = it->startBucket;

    /* Remember we have an iterator.
     * Can run concurrently with another mapiterinit(). (Go: a plain read
     * of h.flags, then atomic.Or8. Here both are relaxed atomics on
     * h->iterflags, see map.h.) */
    uint64_t old = __atomic_load_n(&h->iterflags, __ATOMIC_RELAXED);
    if ((old & (iterator | oldIterator)) != (iterator | oldIterator))
        __atomic_fetch_or(&h->iterflags, (uint64_t)(iterator | oldIterator),
                          __ATOMIC_RELAXED);

    mapiternext(it);
}

GOFUNC void mapiternext(struct hiter *it)
{
    OVERLAP(OV_MAPITERNEXT);
    WINDOW(W_MAPITERNEXT_ENTRY);
    struct hmap *h = it->h;
    if (h->flags & hashWriting)
        fatal("concurrent map iteration and map write");
    raceread(h); /* not Go: Go's racereadpc, see raceread */
    WINDOW(W_MAPITERNEXT);
    uintptr_t bucket = it->bucket;
    struct bmap *b = it->bptr;
    uint8_t i = it->i;
    uintptr_t checkBucket = it->checkBucket;

next:
    if (b == NULL) {
        if (bucket == it->startBucket && it->wrapped) {
            /* end of iteration */
            it->key = NULL;
            it->elem = NULL;
            return;
        }
        if (growing(h) && it->B == h->B) {
            /* Iterator was started in the middle of a grow, and the grow
             * isn't done yet. If the bucket we're looking at hasn't been
             * filled in yet (i.e. the old bucket hasn't been evacuated)
             * then we need to iterate through the old bucket and only
             * return the ones that will be migrated to this bucket. */
            uintptr_t oldbucket = bucket & oldbucketmask(h);
            b = &h->oldbuckets[oldbucket];
            if (!evacuated(b)) {
                checkBucket = bucket;
            } else {
                b = &it->buckets[bucket];
                checkBucket = noCheck;
            }
        } else {
            b = &it->buckets[bucket];
            checkBucket = noCheck;
        }
        bucket++;
        if (bucket == bucketShift(it->B)) {
            bucket = 0;
            it->wrapped = true;
        }
        i = 0;
    }
    for (; i < bucketCnt; i++) {
        uint8_t offi = (i + it->offset) & (bucketCnt - 1);
        if (isEmpty(b->tophash[offi]) || b->tophash[offi] == evacuatedEmpty) {
            /* TODO: emptyRest is hard to use here, as we start iterating
             * in the middle of a bucket. It's feasible, just tricky. */
            continue;
        }
        uint64_t *k = &b->keys[offi];
        uint64_t *e = &b->elems[offi];
        if (checkBucket != noCheck && !isSameSizeGrow(h)) {
            /* Special case: iterator was started during a grow to a
             * larger size and the grow is not done yet. We're working on
             * a bucket whose oldbucket has not been evacuated yet. Or at
             * least, it wasn't evacuated when we started the bucket. So
             * we're iterating through the oldbucket, skipping any keys
             * that will go to the other new bucket (each oldbucket
             * expands to two buckets during a grow).
             * (uint64 keys are reflexive: Go's NaN branch is not
             * needed.) */
            /* If the item in the oldbucket is not destined for
             * the current new bucket in the iteration, skip it. */
            uintptr_t hash = maphash(h, *k);
            if ((hash & bucketMask(it->B)) != checkBucket)
                continue;
        }
        if (b->tophash[offi] != evacuatedX && b->tophash[offi] != evacuatedY) {
            /* This is the golden data, we can return it. */
            it->key = k;
            it->elem = e;
        } else {
            /* The hash table has grown since the iterator was started.
             * The golden data for this key is now somewhere else.
             * Check the current hash table for the data.
             * This code handles the case where the key
             * has been deleted, updated, or deleted and reinserted. */
            uint64_t *re;
            uint64_t *rk = mapaccessK(h, *k, &re);
            if (rk == NULL)
                continue; /* key has been deleted */
            it->key = rk;
            it->elem = re;
        }
        it->bucket = bucket;
        it->bptr = b;
        it->i = (uint8_t)(i + 1);
        it->checkBucket = checkBucket;
        return;
    }
    b = b->overflow;
    i = 0;
    goto next;
}

/* Mark buckets empty, so existing iterators can be terminated, see issue
 * #59411. (A closure inside mapclear in Go.) */
static GOFUNC void markBucketsEmpty(struct bmap *bucket, uintptr_t mask)
{
    for (uintptr_t i = 0; i <= mask; i++) {
        for (struct bmap *b = &bucket[i]; b != NULL; b = b->overflow) {
            for (uintptr_t j = 0; j < bucketCnt; j++)
                b->tophash[j] = emptyRest;
        }
    }
}

/* mapclear deletes all keys from a map. */
GOFUNC void mapclear(struct hmap *h)
{
    OVERLAP(OV_MAPCLEAR);
    if (h == NULL || h->count == 0) {
        if (h != NULL)
            racewrite(h); /* not Go: Go's racewritepc, see racewrite */
        return;
    }

    if (h->flags & hashWriting)
        fatal("concurrent map writes");

    h->flags ^= hashWriting;
    racewrite(h);

    markBucketsEmpty(h->buckets, bucketMask(h->B));
    struct bmap *oldBuckets = h->oldbuckets;
    if (oldBuckets != NULL)
        markBucketsEmpty(oldBuckets, oldbucketmask(h));

    h->flags &= ~(uint64_t)sameSizeGrow;
    h->oldbuckets = NULL;
    h->nevacuate = 0;
    h->noverflow = 0;
    h->count = 0;

    /* Reset the hash seed to make it more difficult for attackers to
     * repeatedly trigger hash collisions. See issue 25237. */
    h->hash0 = fastrand();

    /* Keep the mapextra allocation but clear any extra information. (The
     * allocation list stays: it is the collector's, not Go's.) */
    h->extra->nextOverflow = NULL;

    /* makeBucketArray clears the memory pointed to by h.buckets
     * and recovers any overflow buckets by generating them
     * as if h.buckets was newly alloced. */
    struct bmap *nextOverflow;
    makeBucketArray(h, h->B, h->buckets, &nextOverflow);
    if (nextOverflow != NULL) {
        /* If overflow buckets are created then h.extra
         * will have been allocated during initial bucket creation. */
        h->extra->nextOverflow = nextOverflow;
    }

    if ((h->flags & hashWriting) == 0)
        fatal("concurrent map writes");
    h->flags &= ~(uint64_t)hashWriting;
}

static GOFUNC void hashGrow(struct hmap *h)
{
    /* If we've hit the load factor, get bigger.
     * Otherwise, there are too many overflow buckets,
     * so keep the same number of buckets and "grow" laterally. */
    uint8_t bigger = 1;
    if (!overLoadFactor(h->count + 1, h->B)) {
        bigger = 0;
        h->flags |= sameSizeGrow;
    }
    struct bmap *oldbuckets = h->buckets;
    struct bmap *nextOverflow;
    struct bmap *newbuckets =
        makeBucketArray(h, (uint8_t)(h->B + bigger), NULL, &nextOverflow);

    uint64_t flags = h->iterflags & ~(uint64_t)(iterator | oldIterator);
    if (h->iterflags & iterator)
        flags |= oldIterator;
    /* commit the grow (atomic wrt gc) */
    h->B += bigger;
    h->iterflags = flags;
    h->oldbuckets = oldbuckets;
    h->buckets = newbuckets;
    h->nevacuate = 0;
    h->noverflow = 0;

    /* Go promotes h.extra.overflow to h.extra.oldoverflow here (for the
     * collector); h->extra->allocs needs no such step. */
    if (nextOverflow != NULL)
        h->extra->nextOverflow = nextOverflow;

    /* the actual copying of the hash table data is done incrementally
     * by growWork() and evacuate(). */
    WINDOW(W_HASHGROW);
}

/* overLoadFactor reports whether count items placed in 1<<B buckets is
 * over loadFactor. */
static GOFUNC bool overLoadFactor(int64_t count, uint8_t B)
{
    return count > bucketCnt &&
           (uintptr_t)count > loadFactorNum * (bucketShift(B) / loadFactorDen);
}

/* tooManyOverflowBuckets reports whether noverflow buckets is too many for
 * a map with 1<<B buckets. Note that most of these overflow buckets must be
 * in sparse use; if use was dense, then we'd have already triggered regular
 * map growth. */
static GOFUNC bool tooManyOverflowBuckets(uint16_t noverflow, uint8_t B)
{
    /* If the threshold is too low, we do extraneous work.
     * If the threshold is too high, maps that grow and shrink can hold on
     * to lots of unused memory. "too many" means (approximately) as many
     * overflow buckets as regular buckets. See incrnoverflow for more
     * details. */
    if (B > 15)
        B = 15;
    /* The compiler doesn't see here that B < 16; mask B to generate
     * shorter shift code. */
    return noverflow >= (uint16_t)((uint16_t)1 << (B & 15));
}

/* growing reports whether h is growing. The growth may be to the same size
 * or bigger. */
GOFUNC bool growing(const struct hmap *h)
{
    return h->oldbuckets != NULL;
}

/* sameSizeGrow reports whether the current growth is to a map of the same
 * size. (Go: h.sameSizeGrow(); in C the name is taken by the flag.) */
static GOFUNC bool isSameSizeGrow(const struct hmap *h)
{
    return (h->flags & sameSizeGrow) != 0;
}

/* noldbuckets calculates the number of buckets prior to the current map
 * growth. */
static GOFUNC uintptr_t noldbuckets(const struct hmap *h)
{
    uint8_t oldB = h->B;
    if (!isSameSizeGrow(h))
        oldB--;
    return bucketShift(oldB);
}

/* oldbucketmask provides a mask that can be applied to calculate
 * n % noldbuckets(). */
static GOFUNC uintptr_t oldbucketmask(const struct hmap *h)
{
    return noldbuckets(h) - 1;
}

static GOFUNC void growWork(struct hmap *h, uintptr_t bucket)
{
    /* make sure we evacuate the oldbucket corresponding
     * to the bucket we're about to use */
    evacuate(h, bucket & oldbucketmask(h));

    /* evacuate one more oldbucket to make progress on growing */
    if (growing(h))
        evacuate(h, h->nevacuate);
}

static GOFUNC bool bucketEvacuated(const struct hmap *h, uintptr_t bucket)
{
    return evacuated(&h->oldbuckets[bucket]);
}

/* evacDst is an evacuation destination. */
struct evacDst {
    struct bmap *b; /* current destination bucket */
    int i;          /* key/elem index into b */
    uint64_t *k;    /* pointer to current key storage */
    uint64_t *e;    /* pointer to current elem storage */
};

/*
 * Shape of evacuate_fast64. One departure: Go marks the old slot
 * evacuatedX/Y first and copies the key and elem after; here the copy
 * comes first and W_EVACUATE sits between the copy and the mark, so that
 * a forced reader can be held on a slot that is already copied but not
 * yet marked. Single-threaded, the order makes no difference (no one else
 * may look at the map during evacuate).
 */
static GOFUNC void evacuate(struct hmap *h, uintptr_t oldbucket)
{
    struct bmap *b = &h->oldbuckets[oldbucket];
    uintptr_t newbit = noldbuckets(h);
    if (!evacuated(b)) {
        /* TODO: reuse overflow buckets instead of using new ones, if
         * there is no iterator using the old buckets.  (If
         * !oldIterator.) */

        /* xy contains the x and y (low and high) evacuation
         * destinations. */
        struct evacDst xy[2] = {{0}};
        struct evacDst *x = &xy[0];
        x->b = &h->buckets[oldbucket];
        x->k = x->b->keys;
        x->e = x->b->elems;

        if (!isSameSizeGrow(h)) {
            /* Only calculate y pointers if we're growing bigger.
             * Otherwise GC can see bad pointers. */
            struct evacDst *y = &xy[1];
            y->b = &h->buckets[oldbucket + newbit];
            y->k = y->b->keys;
            y->e = y->b->elems;
        }

        for (; b != NULL; b = b->overflow) {
            uint64_t *k = b->keys;
            uint64_t *e = b->elems;
            for (int i = 0; i < bucketCnt; i++, k++, e++) {
                uint8_t top = b->tophash[i];
                if (isEmpty(top)) {
                    b->tophash[i] = evacuatedEmpty;
                    continue;
                }
                if (top < minTopHash)
                    fatal("bad map state");
                uint8_t useY = 0;
                if (!isSameSizeGrow(h)) {
                    /* Compute hash to make our evacuation decision
                     * (whether we need to send this key/elem to bucket x
                     * or bucket y). */
                    uintptr_t hash = maphash(h, *k);
                    if (hash & newbit)
                        useY = 1;
                }

                struct evacDst *dst = &xy[useY]; /* evacuation destination */

                if (dst->i == bucketCnt) {
                    dst->b = newoverflow(h, dst->b);
                    dst->i = 0;
                    dst->k = dst->b->keys;
                    dst->e = dst->b->elems;
                }
                /* mask dst.i as an optimization, to avoid a bounds
                 * check */
                dst->b->tophash[dst->i & (bucketCnt - 1)] = top;
                *dst->k = *k; /* copy key */
                *dst->e = *e; /* copy elem */
                dst->i++;
                /* These updates might push these pointers past the end
                 * of the key or elem arrays.  That's ok, as we have the
                 * overflow pointer at the end of the bucket to protect
                 * against pointing past the end of the bucket. (In C:
                 * one past the end, never dereferenced.) */
                dst->k++;
                dst->e++;

                WINDOW(W_EVACUATE);
                /* evacuatedX + 1 == evacuatedY */
                b->tophash[i] = (uint8_t)(evacuatedX + useY);
            }
        }
        /* Go: "Unlink the overflow buckets & clear key/elem to help GC",
         * only if the bucket type has pointers. uint64 keys and elems have
         * none, so, as in Go, the old bucket keeps its keys and elems. */
    }

    if (oldbucket == h->nevacuate)
        advanceEvacuationMark(h, newbit);
}

static GOFUNC void advanceEvacuationMark(struct hmap *h, uintptr_t newbit)
{
    h->nevacuate++;
    /* Experiments suggest that 1024 is overkill by at least an order of
     * magnitude. Put it in there as a safeguard anyway, to ensure O(1)
     * behavior. */
    uintptr_t stop = h->nevacuate + 1024;
    if (stop > newbit)
        stop = newbit;
    while (h->nevacuate != stop && bucketEvacuated(h, h->nevacuate))
        h->nevacuate++;
    if (h->nevacuate == newbit) { /* newbit == # of oldbuckets */
        /* Growing is all done. Free old main bucket array. (Here: drop
         * it; it stays on h->extra->allocs until mapfree, as Go's stays
         * alive while anyone points into it.) */
        h->oldbuckets = NULL;
        /* Can discard old overflow buckets as well. (Go:
         * h.extra.oldoverflow = nil.) */
        h->flags &= ~(uint64_t)sameSizeGrow;
        WINDOW(W_GROW_DONE);
    }
}

GOFUNC int64_t maplen(const struct hmap *h)
{
    OVERLAP(OV_MAPLEN);
    if (h == NULL)
        return 0;
    int64_t n = h->count;
    raceread(h); /* not Go: Go's racereadpc, see raceread */
    return n;
}

/*
 * moveToBmap moves a bucket from src to dst. It returns the destination
 * bucket or new destination bucket if it overflows, and the pos that the
 * next key/value will be written (in *pos); if pos == bucketCnt the next
 * one goes to an overflow bucket. (Go 1.21, for mapclone.)
 */
static GOFUNC struct bmap *moveToBmap(struct hmap *h, struct bmap *dst,
                                      int *pos, const struct bmap *src)
{
    for (int i = 0; i < bucketCnt; i++) {
        if (isEmpty(src->tophash[i]))
            continue;

        for (; *pos < bucketCnt; (*pos)++) {
            if (isEmpty(dst->tophash[*pos]))
                break;
        }

        if (*pos == bucketCnt) {
            dst = newoverflow(h, dst);
            *pos = 0;
        }

        dst->tophash[*pos] = src->tophash[i];
        dst->keys[*pos] = src->keys[i];   /* typedmemmove(t.key, ...) */
        dst->elems[*pos] = src->elems[i]; /* typedmemmove(t.elem, ...) */
        (*pos)++;
        h->count++;
    }
    return dst;
}

/*
 * mapclone for implementing maps.Clone (Go 1.21; Go's mapclone unwraps the
 * map from an interface and calls mapclone2, whose body this is). Not in
 * Go 1.19.8: see map.h.
 */
GOFUNC struct hmap *mapclone(struct hmap *src)
{
    if (src == NULL)
        return NULL; /* maps.Clone: if m == nil { return nil } */

    int64_t hint = src->count;
    if (overLoadFactor(hint, src->B)) {
        /* Note: in rare cases (e.g. during a same-sized grow) the map can
         * be overloaded. Make sure we don't allocate a destination bucket
         * array larger than the source bucket array. (A later fix,
         * issue 69110; see map.h.) */
        hint = loadFactorNum * (int64_t)(bucketShift(src->B) / loadFactorDen);
    }
    struct hmap *dst = makemap(hint);
    dst->hash0 = src->hash0;
    dst->nevacuate = 0;
    /* flags do not need to be copied here, just like a new map has no
     * flags. */

    if (src->count == 0)
        return dst;

    if (src->flags & hashWriting)
        fatal("concurrent map clone and map write");
    WINDOW(W_MAPCLONE);

    if (src->B == 0) {
        /* Quick copy for small maps. */
        dst->buckets = newobject(dst);
        dst->count = src->count;
        *dst->buckets = *src->buckets; /* typedmemmove(t.bucket, ...) */
        return dst;
    }

    if (dst->B == 0)
        dst->buckets = newobject(dst);
    uintptr_t dstArraySize = bucketShift(dst->B);
    uintptr_t srcArraySize = bucketShift(src->B);
    for (uintptr_t i = 0; i < dstArraySize; i++) {
        struct bmap *dstBmap = &dst->buckets[i];
        int pos = 0;
        for (uintptr_t j = 0; j < srcArraySize; j += dstArraySize) {
            const struct bmap *srcBmap = &src->buckets[i + j];
            for (; srcBmap != NULL; srcBmap = srcBmap->overflow)
                dstBmap = moveToBmap(dst, dstBmap, &pos, srcBmap);
        }
    }

    if (src->oldbuckets == NULL)
        return dst;

    uint8_t oldB = src->B;
    struct bmap *srcOldbuckets = src->oldbuckets;
    if (!isSameSizeGrow(src))
        oldB--;
    uintptr_t oldSrcArraySize = bucketShift(oldB);

    for (uintptr_t i = 0; i < oldSrcArraySize; i++) {
        const struct bmap *srcBmap = &srcOldbuckets[i];
        if (evacuated(srcBmap))
            continue;

        if (oldB >= dst->B) {
            /* main bucket bits in dst is less than oldB bits in src */
            struct bmap *dstBmap = &dst->buckets[i & bucketMask(dst->B)];
            while (dstBmap->overflow != NULL)
                dstBmap = dstBmap->overflow;
            int pos = 0;
            for (; srcBmap != NULL; srcBmap = srcBmap->overflow)
                dstBmap = moveToBmap(dst, dstBmap, &pos, srcBmap);
            continue;
        }

        /* oldB < dst.B, so a single source bucket may go to multiple
         * destination buckets. Process entries one at a time. */
        for (; srcBmap != NULL; srcBmap = srcBmap->overflow) {
            /* move from oldBlucket to new bucket */
            for (int k = 0; k < bucketCnt; k++) {
                if (isEmpty(srcBmap->tophash[k]))
                    continue;

                if (src->flags & hashWriting)
                    fatal("concurrent map clone and map write");

                *mapassign(dst, srcBmap->keys[k]) = srcBmap->elems[k];
            }
        }
    }
    return dst;
}

GOFUNC void mapfree(struct hmap *h)
{
    if (h == NULL)
        return;
    struct mapextra *x = h->extra;
    struct gcobj *o = x->allocs;
    while (o != NULL) {
        struct gcobj *next = o->next;
        free(o);
        o = next;
    }
    VALGRIND_HG_ENABLE_CHECKING(&x->allocs, sizeof(x->allocs));
    DRD_STOP_IGNORING_VAR(x->allocs);
    VALGRIND_HG_ENABLE_CHECKING(&h->iterflags, sizeof(h->iterflags));
    DRD_STOP_IGNORING_VAR(h->iterflags);
    free(x);
    free(h);
}
