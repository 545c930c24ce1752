/*
 * finding.c - the report model shared by every parser (see finding.h).
 */
#include "parse/finding.h"

#include "lib/util.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void report_init(struct report *r)
{
    memset(r, 0, sizeof(*r));
}

static void stack_release(struct stack *s)
{
    for (size_t i = 0; i < s->nr; i++) {
        free(s->frames[i].func);
        free(s->frames[i].file);
        free(s->frames[i].module);
    }
    free(s->frames);
    memset(s, 0, sizeof(*s));
}

static void access_release(struct access *a)
{
    free(a->label);
    free(a->thread);
    for (size_t i = 0; i < a->nr_locks; i++)
        free(a->locks[i]);
    free(a->locks);
    stack_release(&a->stack);
    memset(a, 0, sizeof(*a));
}

void finding_release(struct finding *f)
{
    free(f->detector);
    free(f->type);
    free(f->message);
    free(f->location);
    for (size_t i = 0; i < 2; i++)
        access_release(&f->access[i]);
    for (size_t i = 0; i < f->nr_more; i++)
        access_release(&f->more[i]);
    free(f->more);
    stack_release(&f->other_segment_start);
    stack_release(&f->other_segment_end);
    memset(f, 0, sizeof(*f));
}

/* Signature counts: an open-addressing table of 64-bit hashes. */
struct sig_slot {
    uint64_t hash; /* 0: empty */
    size_t count;
};

struct sig_table {
    struct sig_slot *slots;
    size_t nr, size; /* size is a power of two */
};

void report_release(struct report *r)
{
    for (size_t i = 0; i < r->nr; i++)
        finding_release(&r->findings[i]);
    free(r->findings);
    free(r->error);
    struct sig_table *t = r->sigs;
    if (t) {
        free(t->slots);
        free(t);
    }
    report_init(r);
}

struct finding *report_add(struct report *r)
{
    if (r->nr == r->alloc) {
        r->alloc = r->alloc ? 2 * r->alloc : 8;
        r->findings = xrealloc(r->findings, r->alloc * sizeof(*r->findings));
    }
    struct finding *f = &r->findings[r->nr++];
    memset(f, 0, sizeof(*f));
    return f;
}

struct access *finding_add_more(struct finding *f)
{
    ALLOC_GROW(f->more, f->nr_more + 1, f->alloc_more);
    struct access *a = &f->more[f->nr_more++];
    memset(a, 0, sizeof(*a));
    return a;
}

size_t finding_stacks(const struct finding *f, const struct access **out,
                      size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nr_access && i < 2 && n < max; i++)
        out[n++] = &f->access[i];
    for (size_t i = 0; i < f->nr_more && n < max; i++)
        out[n++] = &f->more[i];
    /* insertion sort by seq: a handful of stacks */
    for (size_t i = 1; i < n; i++) {
        const struct access *a = out[i];
        size_t j = i;
        while (j > 0 && out[j - 1]->seq > a->seq) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = a;
    }
    return n;
}

/* Whether `s` holds one of the words of `list`. */
static bool has_any(const char *s, const char *const *list)
{
    for (size_t i = 0; s && list[i]; i++)
        if (strstr(s, list[i]))
            return true;
    return false;
}

enum finding_kind finding_kind_of_tsan(const char *type)
{
    static const char *const misuse[] = {"unlock of an unlocked mutex",
                                         "destroy of a locked mutex",
                                         "double lock of a mutex",
                                         "read lock of a write locked mutex",
                                         "read unlock of a write locked mutex",
                                         "invalid mutex",
                                         "mutex held in the wrong context",
                                         NULL};
    if (!type)
        return FINDING_OTHER;
    if (starts_with(type, "data race"))
        return FINDING_DATA_RACE;
    if (starts_with(type, "heap-use-after-free"))
        return FINDING_USE_AFTER_FREE;
    if (starts_with(type, "thread leak"))
        return FINDING_THREAD_LEAK;
    if (starts_with(type, "lock-order-inversion"))
        return FINDING_LOCK_ORDER;
    if (starts_with(type, "signal-unsafe call") ||
        starts_with(type, "signal handler spoils errno"))
        return FINDING_SIGNAL_UNSAFE;
    if (has_any(type, misuse))
        return FINDING_MUTEX_MISUSE;
    return FINDING_OTHER;
}

enum finding_kind finding_kind_of_valgrind(const char *kind, const char *text)
{
    static const char *const misuse_kinds[] = {
        "UnlockUnlocked", "UnlockForeign", "UnlockBogus", "PthAPIerror",
        "MutexErr",       "RwlockErr",     NULL};
    /* Helgrind's Misc lock reports: re-lock, destroy of a locked mutex,
     * a thread exiting with a lock held, a lock granted twice */
    static const char *const misc_lock[] = {"mutex", "rwlock", "lock I ",
                                            " lock", NULL};
    static const char *const misc_cond[] = {"pthread_cond_", NULL};
    if (!kind)
        return FINDING_OTHER;
    if (!strcmp(kind, "Race") || !strcmp(kind, "ConflictingAccess"))
        return FINDING_DATA_RACE;
    if (!strcmp(kind, "LockOrder"))
        return FINDING_LOCK_ORDER;
    for (size_t i = 0; misuse_kinds[i]; i++)
        if (!strcmp(kind, misuse_kinds[i]))
            return FINDING_MUTEX_MISUSE;
    if (!strcmp(kind, "Misc") && !has_any(text, misc_cond) &&
        has_any(text, misc_lock))
        return FINDING_MUTEX_MISUSE;
    return FINDING_OTHER;
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

bool frame_equal(const struct frame *a, const struct frame *b)
{
    return same_text(a->func, b->func) && same_text(a->file, b->file) &&
           a->line == b->line && a->column == b->column &&
           same_text(a->module, b->module) && a->offset == b->offset &&
           a->ip == b->ip;
}

static size_t times(const struct frame *f)
{
    return f->repeat ? f->repeat : 1;
}

static void frame_free(struct frame *f)
{
    free(f->func);
    free(f->file);
    free(f->module);
    memset(f, 0, sizeof(*f));
}

/* The last frame is complete: fold it into the one before when they are
 * equal and nothing was cut between them; past the cap, forget it
 * (counted): another frame comes, so it is not the outermost. The kept
 * ones stay the innermost STACK_MAX_FRAMES and the newest. A frame
 * forgotten has its strings freed when `owned`, else only cleared. */
static void stack_settle(struct stack *s, bool owned)
{
    if (s->nr >= 2) {
        struct frame *prev = &s->frames[s->nr - 2],
                     *last = &s->frames[s->nr - 1];
        bool across_cut = s->cut && s->nr - 1 == s->cut_after;
        if (!across_cut && frame_equal(prev, last)) {
            prev->repeat = times(prev) + times(last);
            if (owned)
                frame_free(last);
            else
                memset(last, 0, sizeof(*last));
            s->nr--;
            return;
        }
    }
    if (s->nr == STACK_MAX_FRAMES + 1) {
        /* frames[MAX] is past the innermost ones, and another comes
         * after it: cut it (counted) */
        struct frame *gone = &s->frames[STACK_MAX_FRAMES];
        s->cut += times(gone);
        s->cut_after = STACK_MAX_FRAMES;
        if (owned)
            frame_free(gone);
        else
            memset(gone, 0, sizeof(*gone));
        s->nr--;
    }
}

static struct frame *stack_push(struct stack *s, bool owned)
{
    stack_settle(s, owned);
    if (s->nr == s->alloc) {
        s->alloc = s->alloc ? 2 * s->alloc : 8;
        s->frames = xrealloc(s->frames, s->alloc * sizeof(*s->frames));
    }
    struct frame *fr = &s->frames[s->nr++];
    memset(fr, 0, sizeof(*fr));
    return fr;
}

struct frame *stack_add(struct stack *s)
{
    return stack_push(s, true);
}

struct frame *stack_add_borrowed(struct stack *s)
{
    return stack_push(s, false);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static void stack_copy(struct stack *dst, const struct stack *src)
{
    *dst = *src;
    dst->frames = NULL;
    dst->alloc = 0;
    if (!src->nr)
        return;
    dst->alloc = src->nr;
    dst->frames = xmalloc(src->nr * sizeof(*dst->frames));
    for (size_t i = 0; i < src->nr; i++) {
        const struct frame *a = &src->frames[i];
        struct frame *b = &dst->frames[i];
        *b = *a;
        b->func = dup_or_null(a->func);
        b->file = dup_or_null(a->file);
        b->module = dup_or_null(a->module);
    }
}

static void access_copy(struct access *dst, const struct access *src)
{
    *dst = *src;
    dst->label = dup_or_null(src->label);
    dst->thread = dup_or_null(src->thread);
    dst->locks = NULL;
    if (src->nr_locks) {
        dst->locks = xmalloc(src->nr_locks * sizeof(*dst->locks));
        for (size_t i = 0; i < src->nr_locks; i++)
            dst->locks[i] = xstrdup(src->locks[i]);
    }
    stack_copy(&dst->stack, &src->stack);
}

void finding_copy(struct finding *dst, const struct finding *src)
{
    *dst = *src;
    dst->detector = dup_or_null(src->detector);
    dst->type = dup_or_null(src->type);
    dst->message = dup_or_null(src->message);
    dst->location = dup_or_null(src->location);
    for (size_t i = 0; i < 2; i++)
        access_copy(&dst->access[i], &src->access[i]);
    dst->more = NULL;
    dst->alloc_more = 0;
    if (src->nr_more) {
        dst->alloc_more = src->nr_more;
        dst->more = xmalloc(src->nr_more * sizeof(*dst->more));
        for (size_t i = 0; i < src->nr_more; i++)
            access_copy(&dst->more[i], &src->more[i]);
    }
    stack_copy(&dst->other_segment_start, &src->other_segment_start);
    stack_copy(&dst->other_segment_end, &src->other_segment_end);
}

/* "; and N more error[s]" into buf (64 bytes), NUL-terminated; its
 * length. What snprintf would print, without its cost: a log of a million
 * broken records comes here once per record. */
static size_t more_errors(char *buf, size_t more)
{
    char digits[24];
    size_t nd = 0, n = 6;
    memcpy(buf, "; and ", 6);
    for (size_t v = more; nd == 0 || v; v /= 10)
        digits[nd++] = (char)('0' + v % 10);
    while (nd)
        buf[n++] = digits[--nd];
    memcpy(buf + n, " more error", 11);
    n += 11;
    if (more != 1)
        buf[n++] = 's';
    buf[n] = '\0';
    return n;
}

void report_error(struct report *r, const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;

    r->nr_errors++;
    if (r->error && r->nr_errors > REPORT_MAX_ERRORS) {
        /* only counted: the kept messages, then the count (the message
         * itself is not even formatted) */
        size_t more = r->nr_errors - REPORT_MAX_ERRORS;
        char buf[64];
        size_t m = more_errors(buf, more);
        if (m != strlen(r->error + r->error_kept)) /* else: as long */
            r->error = xrealloc(r->error, r->error_kept + m + 1);
        memcpy(r->error + r->error_kept, buf, m + 1);
        return;
    }
    va_start(ap, fmt);
    int n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (n < 0) {
        fprintf(stderr, "maprace: out of memory formatting an error\n");
        abort();
    }
    if (n > 300) { /* one message stays short: a log line may be huge */
        memcpy(msg + 296, "...", 4);
        n = 299;
    }
    if (!r->error) {
        r->error = msg;
        r->error_kept = (size_t)n;
        return;
    }
    size_t old = r->error_kept;
    r->error = xrealloc(r->error, old + 2 + (size_t)n + 1);
    memcpy(r->error + old, "; ", 2);
    memcpy(r->error + old + 2, msg, (size_t)n + 1);
    r->error_kept = old + 2 + (size_t)n;
    free(msg);
}

const char *access_kind_name(enum access_kind k)
{
    switch (k) {
    case ACCESS_READ:
        return "read";
    case ACCESS_WRITE:
        return "write";
    case ACCESS_ATOMIC_READ:
        return "atomic read";
    case ACCESS_ATOMIC_WRITE:
        return "atomic write";
    case ACCESS_UNKNOWN:
        break;
    }
    return "unknown";
}

const char *finding_kind_name(enum finding_kind k)
{
    switch (k) {
    case FINDING_DATA_RACE:
        return "data-race";
    case FINDING_FATAL:
        return "fatal";
    case FINDING_OTHER:
        return "other";
    case FINDING_LOCK_ORDER:
        return "lock-order";
    case FINDING_THREAD_LEAK:
        return "thread-leak";
    case FINDING_MUTEX_MISUSE:
        return "mutex-misuse";
    case FINDING_USE_AFTER_FREE:
        return "use-after-free";
    case FINDING_SIGNAL_UNSAFE:
        return "signal-unsafe";
    case FINDING_KIND_COUNT:
        break;
    }
    return "unknown";
}

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* The bytes of s, then a NUL (a separator: "ab"+"c" != "a"+"bc"), in one
 * pass. */
static uint64_t hash_str(uint64_t h, const char *s)
{
    if (s)
        for (; *s; s++) {
            h ^= (unsigned char)*s;
            h *= FNV_PRIME;
        }
    return h * FNV_PRIME; /* h ^ '\0', then the multiply */
}

/* A whole word at a time: the table is private, so the hash need only be
 * the same within one process. */
static uint64_t hash_u64(uint64_t h, uint64_t v)
{
    h = (h ^ v) * FNV_PRIME;
    return h ^ (h >> 29);
}

static uint64_t hash_frame(uint64_t h, const struct frame *fr)
{
    if (!fr)
        return hash_str(h, "-");
    if (fr->func || fr->file) {
        h = hash_str(h, fr->func);
        h = hash_str(h, fr->file);
        return hash_u64(h, (uint64_t)fr->line);
    }
    if (fr->module) {
        h = hash_str(h, fr->module);
        return hash_u64(h, fr->offset);
    }
    return hash_u64(h, fr->ip);
}

/* The directory part of a path ("" for none): "model/map.c" -> "model". */
static size_t dir_len(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? (size_t)(slash - path) : 0;
}

static uint64_t hash_access(uint64_t h, const struct access *a)
{
    const struct stack *s = &a->stack;
    const struct frame *top = s->nr ? &s->frames[0] : NULL;
    const struct frame *caller = NULL;

    h = hash_u64(h, (uint64_t)a->kind);
    if (top && top->file) {
        size_t n = dir_len(top->file);
        for (size_t i = 1; i < s->nr; i++) {
            const char *f = s->frames[i].file;
            if (f && (dir_len(f) != n || strncmp(f, top->file, n))) {
                caller = &s->frames[i];
                break;
            }
        }
    }
    h = hash_frame(h, top);
    return hash_frame(h, caller);
}

static struct sig_slot *sig_find(const struct sig_table *t, uint64_t hash)
{
    size_t mask = t->size - 1;
    for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask)
        if (t->slots[i].hash == hash || !t->slots[i].hash)
            return &t->slots[i];
}

static void sig_grow(struct sig_table *t)
{
    struct sig_table old = *t;
    t->size = old.size ? 2 * old.size : 64;
    t->slots = xrealloc(NULL, t->size * sizeof(*t->slots));
    memset(t->slots, 0, t->size * sizeof(*t->slots));
    for (size_t i = 0; i < old.size; i++)
        if (old.slots[i].hash)
            *sig_find(t, old.slots[i].hash) = old.slots[i];
    free(old.slots);
}

/* The signature of f (finding.h), never 0 (0 marks an empty slot). */
static uint64_t finding_sig(const struct finding *f)
{
    uint64_t h = FNV_OFFSET;
    h = hash_u64(h, (uint64_t)f->kind);
    h = hash_str(h, f->type);
    h = hash_u64(h, (uint64_t)f->nr_access);
    for (size_t i = 0; i < f->nr_access && i < 2; i++)
        h = hash_access(h, &f->access[i]);
    return h ? h : 1;
}

/* The slot of signature h, added (count 0) when new. */
static struct sig_slot *sig_slot(struct report *r, uint64_t h)
{
    struct sig_table *t = r->sigs;
    if (!t) {
        t = xrealloc(NULL, sizeof(*t));
        memset(t, 0, sizeof(*t));
        r->sigs = t;
    }
    if (2 * (t->nr + 1) > t->size)
        sig_grow(t);
    struct sig_slot *slot = sig_find(t, h);
    if (!slot->hash) {
        slot->hash = h;
        t->nr++;
    }
    return slot;
}

int report_cap_last(struct report *r, size_t max_same)
{
    if (!r->nr)
        return 0;
    struct finding *f = &r->findings[r->nr - 1];
    struct sig_slot *slot = sig_slot(r, finding_sig(f));
    if (slot->count >= max_same) {
        finding_release(f);
        r->nr--;
        r->nr_dropped++;
        return 1;
    }
    slot->count++;
    return 0;
}

bool report_sig_full(const struct report *r, const struct finding *f,
                     size_t max_same)
{
    const struct sig_table *t = r->sigs;
    if (!t || !t->size)
        return false;
    const struct sig_slot *slot = sig_find(t, finding_sig(f));
    return slot->hash && slot->count >= max_same;
}
