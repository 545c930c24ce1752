/*
 * parse/tsan.c - ThreadSanitizer's text reports into the report model.
 *
 * The log is read one line at a time (a log may be huge) by a small state
 * machine. A report is
 *
 *   ==================
 *   WARNING: ThreadSanitizer: <type> (pid=N)
 *     <blocks: a header line ending in ':' and its "    #i ..." frames>
 *   SUMMARY: ThreadSanitizer: <type> <where> in <func>
 *   ==================
 *
 * or, for a deadly signal, "==N==ERROR: ThreadSanitizer: SEGV on ..." up
 * to its SUMMARY line. A frame is "#i <func> <file:line[:col]|<null>>
 * (<module>+0x<off>)[ (BuildId: <hex>)]" (clang prints the column and
 * <null> for interceptors, gcc prints file:line and libtsan's own sources
 * for them). Every stack is kept, with its header line as its label
 * (without the final ':'), in the order printed:
 *   - frames right under the WARNING line (unlock of an unlocked mutex,
 *     double lock, destroy of a locked mutex, signal-unsafe call): the
 *     first side, labelled with the report's type; "and:" (destroy of a
 *     locked mutex: where it was locked) the second;
 *   - "(Atomic )?(Read|Write) of size N at 0xA by T[ (mutexes: ...)]:" the
 *     current access, "Previous (atomic )?(read|write) ..." the previous;
 *   - "Mutex Mi acquired here while holding mutex Mj in T:" (lock-order
 *     inversion: the two sides, with Mj as the lock held); "Mutex Mi
 *     previously acquired by the same thread here:" (second_deadlock_stack
 *     =1) kept after it, with that thread;
 *   - "Thread Ti ... created by ... at:" (the side of a thread leak);
 *   - "Location is ..." lines: their text joined in `location`, and the
 *     stack of one that has one ("heap block ... allocated by T:");
 *   - any other header ending in ':' with frames ("Mutex Mi (0xA) created
 *     at:" ...).
 * The sides go to access[], everything else to more[] (report.h).
 * Lines outside reports (the program's own output on a shared stderr) are
 * ignored.
 */
#include "parse/lines.h"
#include "parse/parse.h"
#include "lib/util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEPARATOR "=================="
#define WARNING "WARNING: ThreadSanitizer: "
#define SUMMARY "SUMMARY: ThreadSanitizer: "
#define REPORTED "ThreadSanitizer: reported "

/* starts_with() for a string literal prefix: no strlen, no call */
#define STARTS(s, lit) (!strncmp((s), (lit), sizeof(lit) - 1))

enum target {
    TARGET_NONE = -1, /* frames of a block that is not kept */
    TARGET_ACCESS0 = 0,
    TARGET_ACCESS1 = 1,
    TARGET_MORE = 2, /* the last of f.more */
};

struct tsan_state {
    struct report *r;
    const char *detector;
    int in_report;
    int deadly; /* a deadly-signal report: ends at its SUMMARY line */
    struct finding f;
    enum target target;
    int seq;          /* stacks of the open report so far */
    int fresh;        /* no block header yet since the WARNING line */
    char *acq_thread; /* thread of the last "acquired here" block */
    unsigned long lineno;
    unsigned long report_line; /* where the open report began */
    size_t completed;          /* findings closed since "reported N" */
    int failed;                /* an error was recorded */
    int binary;                /* a NUL byte was seen (said once) */
    int skip; /* 1: the open report will be dropped (report_sig_full), it
                 is only read to its end, not built; -1: it will not (asked
                 once); 0: not asked yet */
};

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static int is_digits(const char *s, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* "file:line[:col]" or "<null>" into fr. */
static void parse_location(struct frame *fr, const char *s, size_t n)
{
    if (n == 6 && !memcmp(s, "<null>", 6))
        return;
    int nums[2], nr_nums = 0;
    size_t end = n;
    while (nr_nums < 2) {
        size_t colon = end;
        while (colon > 0 && s[colon - 1] != ':')
            colon--;
        if (!colon || !is_digits(s + colon, end - colon))
            break;
        nums[nr_nums++] = parse_int(s + colon);
        end = colon - 1;
    }
    if (nr_nums == 2) {
        fr->line = nums[1];
        fr->column = nums[0];
    } else if (nr_nums == 1) {
        fr->line = nums[0];
    }
    fr->file = xstrndup(s, end);
}

/* "(module+0xOFF)" at s[0..n) into fr; returns 0 if it is not one. */
static int parse_module(struct frame *fr, const char *s, size_t n)
{
    if (n < 2 || s[0] != '(' || s[n - 1] != ')')
        return -1;
    for (size_t i = n - 1; i-- > 1;) {
        if (s[i] == '+' && i + 2 < n && s[i + 1] == '0' && s[i + 2] == 'x') {
            fr->module = xstrndup(s + 1, i - 1);
            fr->offset = parse_hex(s + i + 3, NULL);
            return 0;
        }
    }
    return -1;
}

/* "    #i <func> <location> (<module>+0xOFF)[ (BuildId: hex)]". The
 * function name may hold spaces (C++), so the line is read from the
 * right. Also reads the sanitizer_common form "#i 0xPC in <func> ...". */
static void parse_frame(struct stack *s, const char *line)
{
    const char *p = skip_spaces(line) + 1; /* past '#' */
    while (*p >= '0' && *p <= '9')
        p++;
    p = skip_spaces(p);

    struct frame *fr = stack_add(s);
    if (p[0] == '0' && p[1] == 'x') {
        char *end;
        fr->ip = parse_hex(p, &end);
        p = skip_spaces(end);
        if (STARTS(p, "in "))
            p = skip_spaces(p + 3);
    }

    size_t n = strlen(p);
    while (n && p[n - 1] == ' ')
        n--;
    if (n && p[n - 1] == ')') {
        /* the BuildId group, then the module group */
        const char *open = memrchr(p, '(', n);
        if (open && STARTS(open, "(BuildId: ")) {
            n = (size_t)(open - p);
            while (n && p[n - 1] == ' ')
                n--;
        }
    }
    if (n && p[n - 1] == ')') {
        const char *open = memrchr(p, '(', n);
        size_t i = open ? (size_t)(open - p) + 1 : 0;
        if (i > 0 && !parse_module(fr, p + i - 1, n - (i - 1))) {
            n = i - 1;
            while (n && p[n - 1] == ' ')
                n--;
        }
    }
    if (!n)
        return;

    /* "<func> <location>": the location is the last word */
    const char *space = memrchr(p, ' ', n);
    size_t sp = space ? (size_t)(space - p) + 1 : 0;
    if (!sp) {
        if (!(n == 6 && !memcmp(p, "<null>", 6)))
            fr->func = xstrndup(p, n);
        return;
    }
    parse_location(fr, p + sp, n - sp);
    size_t fn = sp;
    while (fn && p[fn - 1] == ' ')
        fn--;
    if (fn && !(fn == 6 && !memcmp(p, "<null>", 6)))
        fr->func = xstrndup(p, fn);
}

static void add_lock(struct access *a, const char *s, size_t n)
{
    while (n && *s == ' ') {
        s++;
        n--;
    }
    while (n && s[n - 1] == ' ')
        n--;
    if (!n)
        return;
    a->locks = xrealloc(a->locks, (a->nr_locks + 1) * sizeof(*a->locks));
    a->locks[a->nr_locks++] = xstrndup(s, n);
}

/* "main thread" or "thread T1" into a->thread ("main thread", "T1"). */
static void set_thread(struct access *a, const char *s, size_t n)
{
    if (n > 7 && !memcmp(s, "thread ", 7)) {
        s += 7;
        n -= 7;
    }
    free(a->thread);
    a->thread = xstrndup(s, n);
}

/* Start a stack labelled s[0..n) (n: up to a final ':'): side `slot` (0
 * or 1) of the finding, or one of f.more when slot is -1. Its frames
 * follow. */
static struct access *new_stack(struct tsan_state *st, int slot, const char *s,
                                size_t n)
{
    struct finding *f = &st->f;
    struct access *a;
    if (slot >= 0) {
        a = &f->access[slot];
        if (f->nr_access < (size_t)slot + 1)
            f->nr_access = (size_t)slot + 1;
        st->target = (enum target)slot;
    } else {
        a = finding_add_more(f);
        st->target = TARGET_MORE;
    }
    if (n && s[n - 1] == ':')
        n--;
    free(a->label);
    a->label = xstrndup(s, n);
    a->seq = st->seq++;
    return a;
}

/* The next free side, or -1 (f.more) when both are taken. */
static int free_slot(const struct finding *f)
{
    return f->nr_access < 2 ? (int)f->nr_access : -1;
}

static struct stack *target_stack(struct tsan_state *st)
{
    struct finding *f = &st->f;
    switch (st->target) {
    case TARGET_ACCESS0:
    case TARGET_ACCESS1:
        return &f->access[st->target].stack;
    case TARGET_MORE:
        return f->nr_more ? &f->more[f->nr_more - 1].stack : NULL;
    case TARGET_NONE:
        break;
    }
    return NULL;
}

static enum access_kind access_word(const char **sp)
{
    static const struct {
        const char *word;
        enum access_kind kind;
    } words[] = {
        {"atomic read", ACCESS_ATOMIC_READ},
        {"atomic write", ACCESS_ATOMIC_WRITE},
        {"read", ACCESS_READ},
        {"write", ACCESS_WRITE},
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t n = strlen(words[i].word);
        if (!strncasecmp(*sp, words[i].word, n) && (*sp)[n] == ' ') {
            *sp += n + 1;
            return words[i].kind;
        }
    }
    return ACCESS_UNKNOWN;
}

/* "[Previous ](Atomic )?(Read|Write) of size N at 0xA by T[ (mutexes:
 * write M0, read M1)]:". Returns 0 and fills the access, or -1. */
static int parse_access_header(struct tsan_state *st, const char *s)
{
    const char *header = s;
    int idx = 0;
    if (STARTS(s, "Previous ")) {
        idx = 1;
        s += 9;
    }
    enum access_kind kind = access_word(&s);
    if (kind == ACCESS_UNKNOWN || !STARTS(s, "of size "))
        return -1;
    char *end;
    long size = parse_dec(s + 8, &end);
    s = end;
    if (!STARTS(s, " at "))
        return -1;
    uint64_t addr = parse_hex(s + 4, &end);
    s = end;
    if (!STARTS(s, " by "))
        return -1;
    s += 4;

    struct finding *f = &st->f;
    struct access *a;
    if ((size_t)idx < f->nr_access) { /* a second "current": another stack */
        a = new_stack(st, -1, header, strlen(header));
    } else {
        if (idx == 1 && f->nr_access == 0)
            f->nr_access = 1; /* "Previous" without a current one */
        a = new_stack(st, idx, header, strlen(header));
    }
    a->kind = kind;
    a->size = (int)size;
    a->addr = addr;

    const char *mutexes = strstr(s, " (mutexes: ");
    const char *tend = mutexes ? mutexes : s + strlen(s);
    if (tend > s && tend[-1] == ':')
        tend--;
    set_thread(a, s, (size_t)(tend - s));
    if (mutexes) {
        const char *m = mutexes + 11;
        const char *close = strchr(m, ')');
        if (!close)
            close = m + strlen(m);
        while (m < close) {
            const char *comma = memchr(m, ',', (size_t)(close - m));
            const char *e = comma ? comma : close;
            add_lock(a, m, (size_t)(e - m));
            m = comma ? comma + 1 : close;
        }
    }
    return 0;
}

/* "Mutex M1 acquired here while holding mutex M0 in main thread:", and
 * after it (second_deadlock_stack=1) "Mutex M0 previously acquired by the
 * same thread here:". */
static int parse_lock_order_block(struct tsan_state *st, const char *s)
{
    static const char holding[] = " acquired here while holding mutex ";
    const char *hold = strstr(s, holding);
    if (!STARTS(s, "Mutex "))
        return -1;
    if (strstr(s, " previously acquired by the same thread here")) {
        struct access *a = new_stack(st, -1, s, strlen(s));
        if (st->acq_thread)
            set_thread(a, st->acq_thread, strlen(st->acq_thread));
        return 0;
    }
    const char *held = hold ? hold + strlen(holding) : NULL;
    const char *in = held ? strstr(held, " in ") : NULL;
    if (!in)
        return -1;
    struct access *a = new_stack(st, free_slot(&st->f), s, strlen(s));
    add_lock(a, held, (size_t)(in - held));
    const char *t = in + 4;
    size_t n = strlen(t);
    if (n && t[n - 1] == ':')
        n--;
    set_thread(a, t, n);
    free(st->acq_thread);
    st->acq_thread = xstrdup(a->thread);
    return 0;
}

/* "Thread T1 'name' (tid=N, running) created by main thread at:": the
 * side of a thread leak (the leaked thread, where it was created), any
 * other report's creation stack of a thread it names. */
static void parse_thread_block(struct tsan_state *st, const char *s)
{
    struct finding *f = &st->f;
    if (f->kind != FINDING_THREAD_LEAK || f->nr_access) {
        new_stack(st, -1, s, strlen(s));
        return;
    }
    struct access *a = new_stack(st, 0, s, strlen(s));
    const char *t = s + 7;
    set_thread(a, t, strcspn(t, " "));
}

/* "Location is global 'x' of size 4 at 0xA (m+0xOFF)", "Location is
 * heap block of size 4 at 0xA allocated by main thread:" (with a stack):
 * each joined to f.location. */
static void parse_location_line(struct tsan_state *st, const char *s)
{
    struct finding *f = &st->f;
    size_t n = strlen(s + 12);
    bool has_stack = n && s[12 + n - 1] == ':';
    if (has_stack)
        n--;
    if (n && s[12 + n - 1] == '.') /* "stack of main thread." */
        n--;
    char *loc = f->location ? xasprintf("%s; %.*s", f->location, (int)n, s + 12)
                            : xstrndup(s + 12, n);
    free(f->location);
    f->location = loc;
    if (has_stack)
        new_stack(st, -1, s, strlen(s));
    else
        st->target = TARGET_NONE;
}

static void begin_finding(struct tsan_state *st, const char *type,
                          size_t type_len, int deadly)
{
    if (st->in_report) {
        report_error(st->r,
                     "tsan log: report at line %lu cut short by another "
                     "at line %lu",
                     st->report_line, st->lineno);
        st->failed = 1;
        finding_release(&st->f);
    }
    memset(&st->f, 0, sizeof(st->f));
    st->in_report = 1;
    st->deadly = deadly;
    st->report_line = st->lineno;
    st->target = TARGET_NONE;
    st->seq = 0;
    st->fresh = 1;
    st->skip = 0;
    free(st->acq_thread);
    st->acq_thread = NULL;
    st->f.type = xstrndup(type, type_len);
    st->f.detector = xstrdup(st->detector);
    /* "data race", "data race on vptr (ctor/dtor vs virtual call)",
     * "thread leak", "double lock of a mutex" ... */
    st->f.kind = deadly ? FINDING_OTHER : finding_kind_of_tsan(st->f.type);
}

static void end_finding(struct tsan_state *st)
{
    if (st->skip > 0) { /* what report_cap_last() would have done */
        finding_release(&st->f);
        st->in_report = 0;
        st->completed++;
        st->r->nr_dropped++;
        return;
    }
    struct finding *f = report_add(st->r);
    *f = st->f;
    memset(&st->f, 0, sizeof(st->f));
    st->in_report = 0;
    st->completed++;
    report_cap_last(st->r, REPORT_MAX_SAME);
}

/* "==N==ERROR: ThreadSanitizer: SEGV on unknown address ..." */
static int deadly_signal(struct tsan_state *st, const char *line)
{
    if (line[0] != '=' || line[1] != '=')
        return 0;
    const char *p = line + 2;
    while (*p >= '0' && *p <= '9')
        p++;
    if (!STARTS(p, "==ERROR: ThreadSanitizer: "))
        return 0;
    p += strlen("==ERROR: ThreadSanitizer: ");
    size_t n = strlen(p);
    const char *addr = strstr(p, " address ");
    if (addr)
        n = (size_t)(addr - p) + strlen(" address");
    begin_finding(st, p, n, 1);
    new_stack(st, 0, st->f.type, strlen(st->f.type));
    return 1;
}

/* Whether the open report's signature (finding.h) is final: both sides
 * are there and the second one's stack is closed (nothing can add a side
 * or a frame to a side after that). */
static bool sides_final(const struct tsan_state *st)
{
    return !st->deadly && st->f.nr_access == 2 &&
           (st->target == TARGET_MORE || st->target == TARGET_NONE);
}

static void handle_report_line(struct tsan_state *st, const char *line)
{
    struct finding *f = &st->f;

    if (!st->skip && sides_final(st))
        st->skip = report_sig_full(st->r, f, REPORT_MAX_SAME) ? 1 : -1;
    if (st->skip > 0) { /* a repeat that will be dropped: only its end counts */
        if (!strcmp(line, SEPARATOR))
            end_finding(st);
        return;
    }
    const char *s = skip_spaces(line);

    if (s[0] == '#' && s[1] >= '0' && s[1] <= '9') {
        /* a stack right under the WARNING line: the report's own */
        if (st->target == TARGET_NONE && st->fresh)
            new_stack(st, free_slot(f), f->type, strlen(f->type));
        st->fresh = 0;
        struct stack *stk = target_stack(st);
        if (stk)
            parse_frame(stk, line);
        return;
    }
    if (!strcmp(line, SEPARATOR)) {
        end_finding(st);
        return;
    }
    if (STARTS(line, SUMMARY)) {
        free(f->message);
        f->message = xstrdup(line + strlen(SUMMARY));
        if (st->deadly)
            end_finding(st);
        return;
    }
    if (st->deadly) {
        /* "==N==The signal is caused by a WRITE memory access." */
        const char *c = strstr(line, "The signal is caused by a ");
        if (c) {
            c += strlen("The signal is caused by a ");
            f->access[0].kind = STARTS(c, "WRITE")  ? ACCESS_WRITE
                                : STARTS(c, "READ") ? ACCESS_READ
                                                    : ACCESS_UNKNOWN;
        }
        return;
    }
    if (s == line || !*s) /* not a block line: blank or foreign output */
        return;
    st->fresh = 0;
    if (!parse_access_header(st, s))
        return;
    if (STARTS(s, "Location is ")) {
        parse_location_line(st, s);
        return;
    }
    if (!parse_lock_order_block(st, s))
        return;
    if (STARTS(s, "Thread T")) {
        parse_thread_block(st, s);
        return;
    }
    size_t n = strlen(s);
    if (!strcmp(s, "and:")) /* destroy of a locked mutex: where locked */
        new_stack(st, free_slot(f), s, n);
    else if (n && s[n - 1] == ':') /* any other block with a stack */
        new_stack(st, -1, s, n);
    else if (!STARTS(s, "Hint: ")) /* a line of text: no stack */
        st->target = TARGET_NONE;
}

static void handle_line(struct tsan_state *st, char *line, size_t n)
{
    st->lineno++;
    if (!st->binary && memchr(line, '\0', n)) {
        report_error(st->r, "tsan log: binary data at line %lu", st->lineno);
        st->binary = st->failed = 1;
    }
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';

    if (STARTS(line, WARNING)) {
        const char *type = line + strlen(WARNING);
        const char *pid = strstr(type, " (pid=");
        size_t tn = pid ? (size_t)(pid - type) : strlen(type);
        begin_finding(st, type, tn, 0);
        return;
    }
    if (deadly_signal(st, line))
        return;
    if (st->in_report) {
        handle_report_line(st, line);
        return;
    }
    if (STARTS(line, REPORTED)) {
        unsigned long want = strtoul(line + strlen(REPORTED), NULL, 10);
        if (want > st->completed) {
            report_error(st->r, "tsan log: %lu warnings reported but %zu read",
                         want, st->completed);
            st->failed = 1;
        }
        st->completed = 0;
        return;
    }
    const char *fatal = strstr(line, "FATAL: ThreadSanitizer: ");
    if (fatal) {
        report_error(st->r, "tsan: %s", fatal + 7);
        st->failed = 1;
    }
}

static void state_init(struct tsan_state *st, const char *detector,
                       struct report *r)
{
    memset(st, 0, sizeof(*st));
    st->r = r;
    st->detector = detector;
    st->target = TARGET_NONE;
}

static int state_finish(struct tsan_state *st)
{
    int rc = st->failed ? -1 : 0;
    free(st->acq_thread);
    st->acq_thread = NULL;
    if (st->in_report) {
        report_error(st->r, "tsan log: cut short inside the report at line %lu",
                     st->report_line);
        finding_release(&st->f);
        st->in_report = 0;
        rc = -1;
    }
    return rc;
}

static void tsan_line(void *ctx, char *line, size_t n, bool terminated)
{
    handle_line(ctx, line, n);
}

int parse_tsan_buf(const char *buf, size_t len, const char *detector,
                   struct report *r)
{
    struct tsan_state st;
    state_init(&st, detector, r);
    lines_of_buf(buf, len, tsan_line, &st);
    return state_finish(&st);
}

int parse_tsan_file(const char *path, const char *detector, struct report *r)
{
    struct tsan_state st;
    state_init(&st, detector, r);
    int rc = lines_of_file(path, tsan_line, &st, r);
    if (state_finish(&st))
        rc = -1;
    return rc;
}
