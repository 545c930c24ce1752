/*
 * parse/valgrind.c - valgrind's XML (protocol 4, --xml=yes) of Helgrind
 * and DRD into the report model, streamed through expat.
 *
 * Each <error> becomes one finding when its closing tag is read, so a log
 * cut short keeps every complete record. Memory is bounded: the text of an
 * element is capped at TEXT_MAX bytes, and report_cap_last() (finding.h)
 * counts repeats beyond REPORT_MAX_SAME in r->nr_dropped instead of
 * keeping them. The record being read keeps its strings in an arena
 * (struct arena), emptied when the record ends: a dropped record costs no
 * malloc for them, a kept one is copied out (finding_copy()). A string
 * replaced within a record (a frame with two <obj>) is not reclaimed
 * before the record's end, so the arena holds at most about the bytes
 * of text of the one record being read.
 *
 * Every <stack> of a record is kept with a label: the text printed just
 * before it (<what>, <auxwhat>, the <text> of <xwhat> or <xauxwhat>), or
 * the element that holds it (DRD's <acquired_at>: "acquired at";
 * <first_observed_at>: "mutex 0x10c060 first observed at"). The first
 * stack is access[0], labelled with the record's own text; the other
 * side, when there is one, is access[1]; the rest go to more[] (report.h).
 *
 * Helgrind's Race:
 *   <xwhat><text>Possible data race during read of size 4 at 0xA by
 *     thread #1</text>...</xwhat> <stack/>           -> access[0]
 *   <xauxwhat><text>This conflicts with a previous write of size 4 by
 *     thread #2</text>...</xauxwhat> <stack/>        -> access[1]
 *   <auxwhat>Address ... alloc'd</auxwhat> <stack/>  -> location (text),
 *                                                      more[] (the stack)
 * With --history-level=approx (or when the history was lost) the earlier
 * access is known only as lying between two points of its thread:
 *   <xauxwhat><text>This conflicts with a previous access by thread #2,
 *     after</text></xauxwhat> <stack/> (or <auxwhat>(the start of the
 *     thread)</auxwhat>: no stack)                   -> access[1]
 *   <auxwhat>but before</auxwhat> <stack/> (or "(the end of the
 *     thread)")                                      -> more[]
 * Helgrind drops "Locks held" from its XML, so its accesses have none.
 *
 * DRD's ConflictingAccess:
 *   <what>Conflicting load by thread 3 at 0x0010c038 size 8</what>
 *   <stack/>                                         -> access[0]
 *   <auxwhat>Allocation context: ...</auxwhat>       -> location
 *   <allocation_context><stack/></allocation_context> -> more[]
 *   <other_segment_start><stack/></other_segment_start>
 *   <other_segment_end><stack/></other_segment_end>  -> other_segment_*
 * DRD names the other thread's segment, not its access: a DRD race has
 * one access.
 *
 * Helgrind's LockOrder: the acquisition that broke the order (access[0]),
 * "Required order was established by acquisition of lock at 0xA" (more),
 * "followed by a later acquisition of lock at 0xB" (access[1]: the same
 * pair of lines as TSan's two sides), "Lock at 0xA was first observed"
 * (more). Any other kind (UnlockUnlocked, Misc, PthAPIerror, MutexErr,
 * HoldtimeErr...) has its stacks in order, the first as access[0]; the
 * kind comes from finding_kind_of_valgrind(). A <what> right after an
 * <xwhat> (PthAPIerror: "with error code 16 (EBUSY ...)") completes the
 * message.
 *
 * A <fatal_signal> (the program died of a signal under valgrind) becomes
 * FINDING_OTHER of type "fatal_signal", message "<signame>: <event>", its
 * stack as access[0].
 *
 * In a <frame> only <ip> is guaranteed; <obj> is the module, <fn> the
 * function, and <dir>/<file> are joined into frame.file ("dir/file";
 * valgrind prints <dir> before <file>).
 */
#include "parse/lines.h"
#include "parse/parse.h"
#include "lib/util.h"

#include <errno.h>
#include <expat.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 4096
#define CHUNK (64 * 1024)
#define DEPTH_MAX 32
#define ARENA_BLOCK (16 * 1024)
#define POOL_MAX 16

enum elem {
    E_OTHER = 0,
    E_ERROR,
    E_KIND,
    E_WHAT,
    E_XWHAT,
    E_AUXWHAT,
    E_XAUXWHAT,
    E_TEXT,
    E_HTHREADID,
    E_STACK,
    E_FRAME,
    E_IP,
    E_OBJ,
    E_FN,
    E_DIR,
    E_FILE,
    E_LINE,
    E_SEG_START,
    E_SEG_END,
    E_PROTOCOLVERSION,
    E_FATAL_SIGNAL,
    E_SIGNAME,
    E_EVENT,
    E_ACQUIRED_AT,
    E_FIRST_OBSERVED,
    E_ALLOC_CONTEXT,
    E_ADDRESS,
    E_COUNT
};

/* What the text waiting for a stack is (vg_state.pending). */
enum pending {
    P_NONE = 0,
    P_MAIN,     /* the record's own text (<what>, <xwhat>) */
    P_AUX,      /* an <auxwhat>: a location unless a stack follows */
    P_CONFLICT, /* Helgrind's "This conflicts with a previous ..." */
    P_HISTORY,  /* "but before": the approximate history's later point */
    P_WRAP,     /* from the element holding the stack */
};

/* The strings of the record being read: a few blocks, emptied when the
 * record ends (arena_reset). A kept record is copied out of it
 * (finding_copy); a dropped one (report_sig_full) costs no malloc for
 * its strings. The newest block is kept for the next record. */
struct arena_block {
    struct arena_block *prev;
    size_t size;
    char data[];
};

struct arena {
    struct arena_block *cur;
    size_t used; /* bytes of cur->data */
};

static void arena_grow(struct arena *a, size_t n)
{
    size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
    struct arena_block *b = xmalloc(sizeof(*b) + size);
    b->prev = a->cur;
    b->size = size;
    a->cur = b;
    a->used = 0;
}

static inline char *arena_alloc(struct arena *a, size_t n)
{
    if (!a->cur || a->cur->size - a->used < n)
        arena_grow(a, n);
    char *p = a->cur->data + a->used;
    a->used += n;
    return p;
}

/* Empty it, keeping the newest block. */
static void arena_reset(struct arena *a)
{
    if (!a->cur)
        return;
    for (struct arena_block *b = a->cur->prev, *prev; b; b = prev) {
        prev = b->prev;
        free(b);
    }
    a->cur->prev = NULL;
    a->used = 0;
}

static void arena_free(struct arena *a)
{
    arena_reset(a);
    free(a->cur);
    a->cur = NULL;
}

/* A growable string of the state (the record's message and location,
 * which grow by appending): never in the arena, which would keep every
 * older version of it. */
struct grow {
    char *buf;
    size_t len, alloc;
};

/* g = g + sep + s (g = s when g is empty and `fresh`); the string */
static char *grow_add(struct grow *g, bool fresh, const char *sep,
                      const char *s)
{
    size_t ns = fresh ? 0 : strlen(sep), n = strlen(s);
    if (fresh)
        g->len = 0;
    ALLOC_GROW(g->buf, g->len + ns + n + 1, g->alloc);
    memcpy(g->buf + g->len, sep, ns);
    memcpy(g->buf + g->len + ns, s, n + 1);
    g->len += ns + n;
    return g->buf;
}

struct vg_state {
    struct report *r;
    const char *detector;
    XML_Parser parser;
    enum elem path[DEPTH_MAX];
    int depth;

    char text[TEXT_MAX + 1];
    size_t text_len;
    struct arena arena;   /* the strings of f, pending, wrap_* */
    struct grow message;  /* f.message, when set */
    struct grow location; /* f.location, when set */

    int in_error;
    struct finding f;
    int race;         /* Race or ConflictingAccess */
    int lock_order;   /* LockOrder */
    int seq;          /* stacks of the record so far */
    char *pending;    /* text waiting for its stack (pend.buf), or NULL */
    struct grow pend; /* not in the arena: replaced many times a record */
    enum pending pending_kind;
    char *wrap_what; /* <first_observed_at>'s <what> and <address> (arena) */
    char *wrap_addr;
    int stack_slot;          /* where frames go: 0, 1 (access[]), 2 (the last
                             of more[]), 3 (stack_seg), -1 nowhere */
    struct stack *stack_seg; /* other_segment_start/end */
    int frame_open;
    const char *frame_dir; /* <dir> of the open frame (arena), or
                                     NULL */
    size_t frame_dir_len;
    struct {
        struct frame *frames;
        size_t alloc;
    } pool[POOL_MAX]; /* frame arrays of the records before, for reuse */
    size_t nr_pool;
    bool text_on;     /* on_text keeps the text (wants_text()) */
    size_t nr_errors; /* <error> records closed */
    int failed;       /* an error was recorded */
};

static inline bool same(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* The element of a tag: a switch on its first letter; the fields of a
 * <frame> (most tags of a log) compared letter by letter in line. */
static inline enum elem elem_of(const char *n)
{
#define IS(lit, e)                                                             \
    if (same(n + 1, &(lit)[1]))                                                \
    return e
    switch (n[0]) {
    case 'i':
        if (n[1] == 'p' && !n[2])
            return E_IP;
        break;
    case 'o':
        if (n[1] == 'b' && n[2] == 'j' && !n[3])
            return E_OBJ;
        IS("other_segment_start", E_SEG_START);
        IS("other_segment_end", E_SEG_END);
        break;
    case 'f':
        if (n[1] == 'n' && !n[2])
            return E_FN;
        if (n[1] == 'i' && n[2] == 'l' && n[3] == 'e' && !n[4])
            return E_FILE;
        IS("frame", E_FRAME);
        IS("fatal_signal", E_FATAL_SIGNAL);
        IS("first_observed_at", E_FIRST_OBSERVED);
        break;
    case 'd':
        if (n[1] == 'i' && n[2] == 'r' && !n[3])
            return E_DIR;
        break;
    case 'l':
        if (n[1] == 'i' && n[2] == 'n' && n[3] == 'e' && !n[4])
            return E_LINE;
        break;
    case 's':
        IS("stack", E_STACK);
        IS("signame", E_SIGNAME);
        break;
    case 'e':
        IS("error", E_ERROR);
        IS("event", E_EVENT);
        break;
    case 'k':
        IS("kind", E_KIND);
        break;
    case 'w':
        IS("what", E_WHAT);
        break;
    case 'x':
        IS("xwhat", E_XWHAT);
        IS("xauxwhat", E_XAUXWHAT);
        break;
    case 'a':
        IS("auxwhat", E_AUXWHAT);
        IS("acquired_at", E_ACQUIRED_AT);
        IS("allocation_context", E_ALLOC_CONTEXT);
        IS("address", E_ADDRESS);
        break;
    case 't':
        IS("text", E_TEXT);
        break;
    case 'h':
        IS("hthreadid", E_HTHREADID);
        break;
    case 'p':
        IS("protocolversion", E_PROTOCOLVERSION);
        break;
    default:
        break;
    }
    return E_OTHER;
#undef IS
}

/* The fields of a <frame>, the most frequent tags of a log. */
static inline bool is_frame_field(enum elem e)
{
    return e >= E_IP && e <= E_LINE;
}

static inline enum elem parent(const struct vg_state *st, int up)
{
    int i = st->depth - 1 - up;
    return i >= 0 && i < DEPTH_MAX ? st->path[i] : E_OTHER;
}

/* s[0..n) in the arena */
static inline char *adupn(struct vg_state *st, const char *s, size_t n)
{
    char *p = arena_alloc(&st->arena, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char *adup(struct vg_state *st, const char *s)
{
    return adupn(st, s, strlen(s));
}

static void append_location(struct vg_state *st, const char *s)
{
    st->f.location = grow_add(&st->location, !st->f.location, "; ", s);
}

/* "(read|write) of size N [at 0xA ]by thread #M" (Helgrind). */
static void parse_hg_access(struct vg_state *st, struct access *a,
                            const char *s)
{
    if (starts_with(s, "read ")) {
        a->kind = ACCESS_READ;
        s += 5;
    } else if (starts_with(s, "write ")) {
        a->kind = ACCESS_WRITE;
        s += 6;
    }
    if (starts_with(s, "of size "))
        a->size = parse_int(s + 8);
    const char *at = strstr(s, " at 0x");
    if (at)
        a->addr = parse_hex(at + 4, NULL);
    const char *by = strstr(s, " by thread ");
    if (by) { /* "#2", "#2, after" (the approximate history) */
        by += 11;
        a->thread = adupn(st, by, strcspn(by, ", "));
    }
}

/* "Conflicting (load|store) by thread N at 0xA size N" (DRD). */
static void parse_drd_access(struct vg_state *st, struct access *a,
                             const char *s)
{
    if (!starts_with(s, "Conflicting "))
        return;
    s += 12;
    if (starts_with(s, "load "))
        a->kind = ACCESS_READ;
    else if (starts_with(s, "store "))
        a->kind = ACCESS_WRITE;
    const char *by = strstr(s, " by thread ");
    if (by) {
        by += 11;
        a->thread = adupn(st, by, strcspn(by, " "));
    }
    const char *at = strstr(s, " at 0x");
    if (at)
        a->addr = parse_hex(at + 4, NULL);
    const char *size = strstr(s, " size ");
    if (size)
        a->size = parse_int(size + 6);
}

static void clear_pending(struct vg_state *st)
{
    st->pending = NULL;
    st->pending_kind = P_NONE;
}

static void set_pending(struct vg_state *st, enum pending kind,
                        const char *text);

/* A stack's frame array, back to the pool of arrays reused by the next
 * records (or freed when the pool is full). */
static void stack_arrays_free(struct vg_state *st, struct stack *s)
{
    if (!s->frames)
        return;
    if (st->nr_pool == POOL_MAX) {
        free(s->frames);
        return;
    }
    st->pool[st->nr_pool].frames = s->frames;
    st->pool[st->nr_pool].alloc = s->alloc;
    st->nr_pool++;
}

/* A stack just begun gets an array from the pool. */
static void stack_from_pool(struct vg_state *st, struct stack *s)
{
    if (s->frames || !st->nr_pool)
        return;
    st->nr_pool--;
    s->frames = st->pool[st->nr_pool].frames;
    s->alloc = st->pool[st->nr_pool].alloc;
}

/* Forget the record read: its arrays freed, its strings (in the arena,
 * and the message and location) dropped. */
static void record_clear(struct vg_state *st)
{
    struct finding *f = &st->f;
    for (size_t i = 0; i < 2; i++)
        stack_arrays_free(st, &f->access[i].stack);
    for (size_t i = 0; i < f->nr_more; i++)
        stack_arrays_free(st, &f->more[i].stack);
    stack_arrays_free(st, &f->other_segment_start);
    stack_arrays_free(st, &f->other_segment_end);
    struct access *more = f->more; /* kept for the next record */
    size_t alloc_more = f->alloc_more;
    memset(f, 0, sizeof(*f));
    f->more = more;
    f->alloc_more = alloc_more;
    arena_reset(&st->arena);
    st->pending = NULL;
    st->pending_kind = P_NONE;
    st->wrap_what = st->wrap_addr = NULL;
    st->frame_dir = NULL;
    st->frame_dir_len = 0;
}

static void begin_error(struct vg_state *st)
{
    st->f.detector = adup(st, st->detector);
    st->f.kind = FINDING_OTHER;
    st->in_error = 1;
    st->race = 0;
    st->lock_order = 0;
    st->seq = 0;
    clear_pending(st);
    st->stack_slot = -1;
    st->stack_seg = NULL;
}

static void end_error(struct vg_state *st)
{
    set_pending(st, P_NONE, NULL); /* an <auxwhat> left is a location */
    if (st->f.type && strcmp(st->f.type, "fatal_signal"))
        st->f.kind = finding_kind_of_valgrind(st->f.type, st->f.message);
    /* what report_add() and report_cap_last() would do, with no copy
     * made of a record dropped */
    if (report_sig_full(st->r, &st->f, REPORT_MAX_SAME)) {
        st->r->nr_dropped++;
    } else {
        finding_copy(report_add(st->r), &st->f);
        report_cap_last(st->r, REPORT_MAX_SAME);
    }
    record_clear(st);
    st->in_error = 0;
    st->stack_slot = -1;
    st->stack_seg = NULL;
    st->nr_errors++;
}

/* A new labelled stack of the record: side `slot` (0, 1) or more[] (-1).
 * Its frames follow. */
static struct access *new_stack(struct vg_state *st, int slot, char *label)
{
    struct finding *f = &st->f;
    struct access *a;
    if (slot >= 0 && (size_t)slot >= f->nr_access &&
        !(slot == 1 && !f->nr_access)) {
        a = &f->access[slot];
        f->nr_access = (size_t)slot + 1;
        st->stack_slot = slot;
    } else {
        a = finding_add_more(f);
        st->stack_slot = 2;
    }
    a->label = label;
    a->seq = st->seq++;
    stack_from_pool(st, &a->stack);
    return a;
}

/* Where a stack labelled by the pending text goes. */
static int slot_for_pending(const struct vg_state *st)
{
    if (!st->f.nr_access)
        return 0;
    if (st->pending_kind == P_CONFLICT)
        return 1;
    if (st->lock_order && st->pending &&
        starts_with(st->pending, "followed by a later acquisition"))
        return 1;
    return -1;
}

/* Text waiting for a stack that did not come: an <auxwhat> is a place
 * ("Address 0x... is 0 bytes inside data symbol ..."), the approximate
 * history's points are stacks of their own with no frames. */
static void flush_pending(struct vg_state *st)
{
    if (st->pending_kind == P_AUX)
        append_location(st, st->pending);
    else if (st->pending_kind == P_CONFLICT || st->pending_kind == P_HISTORY)
        new_stack(st, slot_for_pending(st), adup(st, st->pending));
    clear_pending(st);
    st->stack_slot = -1;
}

/* Text that heads the next stack (or is a location, when none comes). */
static void set_pending(struct vg_state *st, enum pending kind,
                        const char *text)
{
    flush_pending(st);
    if (kind == P_NONE)
        return;
    st->pending = grow_add(&st->pend, true, "", text);
    st->pending_kind = kind;
}

/* A <stack> of the record, outside the other thread's segment. */
static void start_stack(struct vg_state *st, enum elem up)
{
    char *label = NULL;
    if (up == E_ACQUIRED_AT) {
        label = adup(st, "acquired at");
    } else if (up == E_FIRST_OBSERVED) {
        char *l = xasprintf(
            "%s%s%s first observed at", st->wrap_what ? st->wrap_what : "lock",
            st->wrap_addr ? " " : "", st->wrap_addr ? st->wrap_addr : "");
        label = adup(st, l);
        free(l);
    } else if (st->pending) {
        label = adup(st, st->pending);
    } else if (!st->f.nr_access) {
        label = adup(st, st->f.message ? st->f.message
                         : st->f.type  ? st->f.type
                                       : "");
    }
    int slot = up == E_ERROR || up == E_FATAL_SIGNAL ? slot_for_pending(st)
               : st->f.nr_access                     ? -1
                                                     : 0;
    /* a race's <auxwhat> is its location too ("Address ... alloc'd") */
    if (st->race && st->pending_kind == P_AUX)
        append_location(st, st->pending);
    clear_pending(st);
    new_stack(st, slot, label);
}

/* Where the frames of the open <stack> go, or NULL. */
static inline struct stack *cur_stack(struct vg_state *st)
{
    struct finding *f = &st->f;
    switch (st->stack_slot) {
    case 0:
    case 1:
        return &f->access[st->stack_slot].stack;
    case 2:
        return f->nr_more ? &f->more[f->nr_more - 1].stack : NULL;
    case 3:
        return st->stack_seg;
    default:
        return NULL;
    }
}

__attribute__((noinline)) static void
start_elem(struct vg_state *st, enum elem e, const XML_Char *name)
{
    if (st->depth < DEPTH_MAX)
        st->path[st->depth] = e;
    st->depth++;
    st->text_len = 0;

    if (st->depth == 1 && strcmp(name, "valgrindoutput")) {
        report_error(st->r,
                     "valgrind xml: root element <%s>, expected "
                     "<valgrindoutput>",
                     name);
        XML_StopParser(st->parser, XML_FALSE);
        return;
    }

    if (!st->in_error) {
        if ((e == E_ERROR || e == E_FATAL_SIGNAL) && st->depth == 2) {
            begin_error(st);
            if (e == E_FATAL_SIGNAL)
                st->f.type = adup(st, "fatal_signal");
        }
        return;
    }
    switch (e) {
    case E_STACK: {
        enum elem up = parent(st, 1);
        if (up == E_SEG_START || up == E_SEG_END) {
            flush_pending(st);
            st->stack_slot = 3;
            st->stack_seg = up == E_SEG_START ? &st->f.other_segment_start
                                              : &st->f.other_segment_end;
            stack_from_pool(st, st->stack_seg);
        } else if (up == E_ERROR || up == E_FATAL_SIGNAL ||
                   up == E_ACQUIRED_AT || up == E_FIRST_OBSERVED ||
                   up == E_ALLOC_CONTEXT) {
            start_stack(st, up);
        } else {
            st->stack_slot = -1;
        }
        break;
    }
    case E_FIRST_OBSERVED:
    case E_ACQUIRED_AT:
        flush_pending(st);
        st->wrap_what = st->wrap_addr = NULL;
        break;
    case E_FRAME: {
        struct stack *stk = cur_stack(st);
        if (stk && parent(st, 1) == E_STACK) {
            stack_add_borrowed(stk);
            st->frame_open = 1;
        }
        break;
    }
    default:
        break;
    }
}

static inline struct frame *cur_frame(struct vg_state *st)
{
    struct stack *stk = cur_stack(st);
    if (!stk || !st->frame_open || !stk->nr)
        return NULL;
    return &stk->frames[stk->nr - 1];
}

static void end_frame_field(struct vg_state *st, enum elem e, const char *text,
                            size_t len)
{
    struct frame *fr = cur_frame(st);
    if (!fr)
        return;
    switch (e) {
    case E_IP:
        fr->ip = parse_hex(text, NULL);
        break;
    case E_OBJ:
        fr->module = adupn(st, text, len);
        break;
    case E_FN:
        fr->func = adupn(st, text, len);
        break;
    case E_DIR:
        st->frame_dir = adupn(st, text, len);
        st->frame_dir_len = len;
        break;
    case E_FILE: /* after <dir>, in valgrind's order */
        if (st->frame_dir_len && text[0] != '/') {
            size_t nd = st->frame_dir_len;
            char *p = arena_alloc(&st->arena, nd + 1 + len + 1);
            memcpy(p, st->frame_dir, nd);
            p[nd] = '/';
            memcpy(p + nd + 1, text, len + 1);
            fr->file = p;
        } else {
            fr->file = adupn(st, text, len);
        }
        break;
    case E_LINE:
        fr->line = parse_int(text);
        break;
    default:
        break;
    }
}

static void end_frame(struct vg_state *st)
{
    st->frame_dir = NULL;
    st->frame_dir_len = 0;
    st->frame_open = 0;
}

/* The record's own text: the message, and the label of its first
 * stack. A <what> after an <xwhat> and before any stack completes it. */
static void main_text(struct vg_state *st, const char *text)
{
    struct finding *f = &st->f;
    if (!f->message) {
        f->message = grow_add(&st->message, true, "", text);
    } else if (!f->nr_access && !f->nr_more && st->pending_kind == P_MAIN) {
        f->message = grow_add(&st->message, false, " ", text);
    } else {
        set_pending(st, P_MAIN, text); /* DRD: the text of a later stack */
        return;
    }
    set_pending(st, P_MAIN, f->message);
}

static void aux_text(struct vg_state *st, const char *text)
{
    if (text[0] == '(' &&
        (st->pending_kind == P_CONFLICT || st->pending_kind == P_HISTORY)) {
        /* "(the start of the thread)": that point has no stack */
        st->pending = grow_add(&st->pend, false, " ", text);
        flush_pending(st);
    } else if (!strcmp(text, "but before")) {
        set_pending(st, P_HISTORY, text);
    } else {
        set_pending(st, P_AUX, text);
    }
}

static void end_error_text(struct vg_state *st, enum elem e, const char *text)
{
    struct finding *f = &st->f;
    enum elem up = parent(st, 1);

    if (e == E_KIND && up == E_ERROR) {
        f->type = adup(st, text);
        st->race = !strcmp(text, "Race") || !strcmp(text, "ConflictingAccess");
        st->lock_order = !strcmp(text, "LockOrder");
        f->kind = finding_kind_of_valgrind(text, NULL);
    } else if (e == E_WHAT && up == E_ERROR) {
        main_text(st, text);
        if (st->race && !f->nr_access)
            parse_drd_access(st, &f->access[0], text);
    } else if (e == E_WHAT && up == E_FIRST_OBSERVED) {
        st->wrap_what = adup(st, text);
    } else if (e == E_ADDRESS && up == E_FIRST_OBSERVED) {
        st->wrap_addr = adup(st, text);
    } else if (e == E_TEXT && up == E_XWHAT) {
        main_text(st, text);
        const char *during = strstr(text, " during ");
        if (st->race && during)
            parse_hg_access(st, &f->access[0], during + 8);
    } else if (e == E_HTHREADID && up == E_XWHAT) {
        if (!f->access[0].thread) {
            char t[32];
            snprintf(t, sizeof(t), "#%d", parse_int(text));
            f->access[0].thread = adup(st, t);
        }
    } else if (e == E_TEXT && up == E_XAUXWHAT) {
        static const char conflict[] = "This conflicts with a previous ";
        if (st->race && starts_with(text, conflict)) {
            parse_hg_access(st, &f->access[1], text + strlen(conflict));
            set_pending(st, P_CONFLICT, text);
        } else {
            aux_text(st, text);
        }
    } else if ((e == E_SIGNAME || e == E_EVENT) && up == E_FATAL_SIGNAL) {
        /* "SIGSEGV: Access not within mapped region" */
        f->message = grow_add(&st->message, !f->message, ": ", text);
    } else if (e == E_AUXWHAT && up == E_ERROR) {
        aux_text(st, text);
    }
}

__attribute__((noinline)) static void end_elem(struct vg_state *st)
{
    enum elem e = st->depth <= DEPTH_MAX ? st->path[st->depth - 1] : E_OTHER;

    st->text[st->text_len] = '\0';
    if (e == E_PROTOCOLVERSION && st->depth == 2 && parse_int(st->text) != 4) {
        report_error(st->r, "valgrind xml: protocol version %s, expected 4",
                     st->text);
        st->failed = 1;
    }
    if (st->in_error) {
        switch (e) {
        case E_ERROR:
        case E_FATAL_SIGNAL:
            if (st->depth == 2)
                end_error(st);
            break;
        case E_STACK:
            st->stack_slot = -1;
            break;
        case E_FRAME:
            end_frame(st);
            break;
        case E_IP:
        case E_OBJ:
        case E_FN:
        case E_DIR:
        case E_FILE:
        case E_LINE:
            if (parent(st, 1) == E_FRAME)
                end_frame_field(st, e, st->text, st->text_len);
            break;
        default:
            end_error_text(st, e, st->text);
            break;
        }
    }
    st->text_len = 0;
    st->depth--;
}

/* The elements that hold elements, not text: the text in them (the
 * indentation between tags) is not read. */
static const bool holds_elements[E_COUNT] = {
    [E_ERROR] = true,         [E_STACK] = true,       [E_FRAME] = true,
    [E_XWHAT] = true,         [E_XAUXWHAT] = true,    [E_SEG_START] = true,
    [E_SEG_END] = true,       [E_ACQUIRED_AT] = true, [E_FIRST_OBSERVED] = true,
    [E_ALLOC_CONTEXT] = true,
};

/* Whether the text in the element now open is read: only in the leaf
 * elements of an <error> (and in <protocolversion>), not the indentation
 * between tags. */
static inline bool wants_text(const struct vg_state *st)
{
    if (!st->in_error && st->depth != 2)
        return false;
    if (st->depth > DEPTH_MAX)
        return true;
    return !holds_elements[st->path[st->depth - 1]];
}

/* expat calls on_text for every run of text, most of it indentation:
 * text_on (wants_text(), kept by on_start and on_end) turns it away at
 * once, cheaper than changing expat's handler at each tag. */
static void XMLCALL on_text(void *data, const XML_Char *s, int len)
{
    struct vg_state *st = data;
    if (!st->text_on)
        return;
    size_t room = TEXT_MAX - st->text_len;
    size_t n = (size_t)len < room ? (size_t)len : room;
    memcpy(st->text + st->text_len, s, n);
    st->text_len += n;
}

static void XMLCALL on_start(void *data, const XML_Char *name,
                             const XML_Char **attrs)
{
    struct vg_state *st = data;
    enum elem e = elem_of(name);
    (void)attrs;
    if (is_frame_field(e) && st->depth >= 1 && st->depth < DEPTH_MAX) {
        /* most tags: what start_elem() and wants_text() do for them */
        st->path[st->depth++] = e;
        st->text_len = 0;
        st->text_on = st->in_error || st->depth == 2;
        return;
    }
    start_elem(st, e, name);
    st->text_on = wants_text(st);
}

static void XMLCALL on_end(void *data, const XML_Char *name)
{
    struct vg_state *st = data;
    int d = st->depth;
    (void)name;
    if (d >= 2 && d <= DEPTH_MAX && is_frame_field(st->path[d - 1])) {
        /* most tags: what end_elem() and wants_text() do for them */
        st->text[st->text_len] = '\0';
        if (st->in_error && st->path[d - 2] == E_FRAME)
            end_frame_field(st, st->path[d - 1], st->text, st->text_len);
        st->text_len = 0;
        st->depth = --d;
        st->text_on =
            (st->in_error || d == 2) && !holds_elements[st->path[d - 1]];
        return;
    }
    end_elem(st);
    st->text_on = wants_text(st);
}

static int state_init(struct vg_state *st, const char *detector,
                      struct report *r)
{
    memset(st, 0, sizeof(*st));
    st->r = r;
    st->detector = detector;
    st->parser = XML_ParserCreate(NULL);
    if (!st->parser) {
        report_error(r, "valgrind xml: cannot create the expat parser");
        return -1;
    }
    XML_SetUserData(st->parser, st);
    XML_SetElementHandler(st->parser, on_start, on_end);
    XML_SetCharacterDataHandler(st->parser, on_text);
    return 0;
}

/* Feed one chunk (final when len is 0 and final is set). */
static int feed(struct vg_state *st, const char *buf, size_t len, int final)
{
    if (XML_Parse(st->parser, buf, (int)len, final) != XML_STATUS_ERROR)
        return 0;
    if (XML_GetErrorCode(st->parser) == XML_ERROR_ABORTED)
        return -1; /* stopped by a handler, which said why */
    report_error(
        st->r, "valgrind xml: %s%s at line %lu after %zu complete records",
        final ? "cut short: " : "",
        XML_ErrorString(XML_GetErrorCode(st->parser)),
        (unsigned long)XML_GetCurrentLineNumber(st->parser), st->nr_errors);
    return -1;
}

static int state_finish(struct vg_state *st, int rc)
{
    record_clear(st);
    free(st->f.more);
    for (size_t i = 0; i < st->nr_pool; i++)
        free(st->pool[i].frames);
    arena_free(&st->arena);
    free(st->message.buf);
    free(st->pend.buf);
    free(st->location.buf);
    XML_ParserFree(st->parser);
    return rc || st->failed ? -1 : 0;
}

int parse_valgrind_buf(const char *buf, size_t len, const char *detector,
                       struct report *r)
{
    struct vg_state st;
    if (state_init(&st, detector, r))
        return -1;
    int rc = 0;
    size_t pos = 0;
    while (!rc && pos < len) {
        size_t n = len - pos < 16 * CHUNK ? len - pos : 16 * CHUNK;
        rc = feed(&st, buf + pos, n, 0);
        pos += n;
    }
    if (!rc)
        rc = feed(&st, "", 0, 1);
    return state_finish(&st, rc);
}

int parse_valgrind_file(const char *path, const char *detector,
                        struct report *r)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        report_error(r, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    struct vg_state st;
    if (state_init(&st, detector, r)) {
        fclose(fp);
        return -1;
    }
    char *buf = xmalloc(CHUNK);
    int rc = 0;
    size_t n;
    while (!rc && (n = fread(buf, 1, CHUNK, fp)) > 0)
        rc = feed(&st, buf, n, 0);
    if (!rc && ferror(fp)) {
        report_error(r, "cannot read %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (!rc)
        rc = feed(&st, "", 0, 1);
    free(buf);
    fclose(fp);
    return state_finish(&st, rc);
}
