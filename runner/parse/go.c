/*
 * parse/go.c - Go's race reports and Go's fatal errors on a Go program's
 * stderr into the report model; the formats are in parse/go.h.
 */
#include "parse/go.h"

#include "parse/lines.h"
#include "lib/util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define RACE_SEP "=================="
#define RACE_WARNING "WARNING: DATA RACE"
#define RACE_FOUND "Found "

enum go_phase {
    GO_NONE,        /* outside any report */
    GO_RACE,        /* in a race report, between two blocks */
    GO_RACE_STACK,  /* in the stack of access[st->acc] */
    GO_RACE_SKIP,   /* in a "Goroutine N created at:" block */
    GO_TRACE_BLANK, /* after "fatal error:" or "panic:", before the header */
    GO_TRACE_FUNC,  /* a "func(args)" line, or the end of the traceback */
    GO_TRACE_WHERE, /* the "\tfile:line" line of the frame just read */
};

struct go_state {
    struct report *r;
    const char *detector;
    enum go_phase phase;
    struct finding *f; /* the open finding (owned by r) */
    size_t acc;        /* the access whose stack is being read */
    unsigned long lineno, start_line;
    unsigned long races, found; /* reports kept; "Found N" (0: none) */
    int failed;
    int cut; /* the last line read had no '\n' */
};

static void go_fail(struct go_state *st, const char *what)
{
    report_error(st->r, "go log: %s at line %lu", what, st->start_line);
    st->failed = 1;
}

/* The function of a frame line: "main.(*T).f(0xc0, {0x1?})" without its
 * argument list. NULL when the line does not end in a balanced "(...)". */
static char *func_of(const char *s, size_t n)
{
    if (!n || s[n - 1] != ')')
        return NULL;
    int depth = 0;
    for (size_t i = n; i-- > 0;) {
        if (s[i] == ')')
            depth++;
        else if (s[i] == '(' && --depth == 0)
            return i ? xstrndup(s, i) : NULL;
    }
    return NULL;
}

/* "file:line[ +0xOFF][ fp=... sp=... pc=...]" into fr. */
static void parse_where(struct frame *fr, const char *s)
{
    size_t n = strcspn(s, " ");
    const char *off = strstr(s + n, " +0x");
    if (off)
        fr->offset = parse_hex(off + 4, NULL);
    size_t colon = n;
    while (colon > 0 && s[colon - 1] >= '0' && s[colon - 1] <= '9')
        colon--;
    if (colon > 1 && colon < n && s[colon - 1] == ':') {
        fr->file = xstrndup(s, colon - 1);
        fr->line = parse_int(s + colon);
    } else {
        fr->file = xstrndup(s, n);
    }
}

/* Drop the open race report (incomplete). */
static void race_drop(struct go_state *st)
{
    finding_release(st->f);
    st->r->nr--;
    st->f = NULL;
}

/* Close the open race report: keep it (message from the top frame). */
static void race_close(struct go_state *st)
{
    struct finding *f = st->f;
    const struct stack *s = &f->access[0].stack;
    st->phase = GO_NONE;
    if (!f->nr_access || !s->nr) {
        go_fail(st, "race report without an access");
        race_drop(st);
        return;
    }
    const struct frame *top = &s->frames[0];
    f->message = xasprintf("data race %s:%d in %s", top->file ? top->file : "?",
                           top->line, top->func ? top->func : "?");
    st->races++;
    st->f = NULL;
    report_cap_last(st->r, REPORT_MAX_SAME);
}

static void race_open(struct go_state *st)
{
    struct finding *f = report_add(st->r);
    f->kind = FINDING_DATA_RACE;
    f->detector = xstrdup(st->detector);
    f->type = xstrdup("data race");
    st->f = f;
    st->phase = GO_RACE;
    st->start_line = st->lineno;
}

/* "[Previous ][Atomic ]read|write at 0xADDR by goroutine N:" opens an
 * access. Returns false when the line is not one. */
static bool race_access(struct go_state *st, const char *line)
{
    bool prev = starts_with(line, "Previous ");
    const char *s = prev ? line + 9 : line;
    bool atomic = starts_with(s, "Atomic ") || starts_with(s, "atomic ");
    if (atomic)
        s += 7;
    enum access_kind kind;
    if (starts_with(s, "Read at ") || starts_with(s, "read at "))
        kind = atomic ? ACCESS_ATOMIC_READ : ACCESS_READ;
    else if (starts_with(s, "Write at ") || starts_with(s, "write at "))
        kind = atomic ? ACCESS_ATOMIC_WRITE : ACCESS_WRITE;
    else
        return false;
    const char *by = strstr(s, " by ");
    size_t i = prev ? 1 : 0;
    if (!by || st->f->nr_access != i)
        return false;
    struct access *a = &st->f->access[i];
    a->kind = kind;
    a->addr = parse_hex(strchr(s, ' ') + 4, NULL);
    a->thread = xstrndup(by + 4, strcspn(by + 4, ":"));
    st->f->nr_access = i + 1;
    st->acc = i;
    st->phase = GO_RACE_STACK;
    return true;
}

/* A line inside a race report. */
static void race_line(struct go_state *st, const char *line, size_t n)
{
    if (!strcmp(line, RACE_SEP)) {
        race_close(st);
        return;
    }
    if (st->phase == GO_RACE_STACK && starts_with(line, "  ")) {
        struct stack *s = &st->f->access[st->acc].stack;
        if (starts_with(line, "      ") && s->nr && !s->frames[s->nr - 1].file)
            parse_where(&s->frames[s->nr - 1], line + 6);
        else if (line[2] != ' ')
            stack_add(s)->func = func_of(line + 2, n - 2);
        return;
    }
    if (!n)
        return; /* between two blocks */
    if (race_access(st, line))
        return;
    if (starts_with(line, "Goroutine ") || starts_with(line, "  ") ||
        st->phase == GO_RACE_SKIP) {
        st->phase = GO_RACE_SKIP; /* creation stacks, locations */
        return;
    }
    st->phase = GO_RACE;
}

/* "fatal error: MSG" or "panic: MSG" opens a traceback. */
static void trace_open(struct go_state *st, bool fatal, const char *msg)
{
    struct finding *f = report_add(st->r);
    f->kind = fatal ? FINDING_FATAL : FINDING_OTHER;
    f->detector = xstrdup(st->detector);
    f->type = xstrdup(fatal ? "fatal error" : "panic");
    f->message = xstrdup(msg);
    f->nr_access = 1;
    st->f = f;
    st->phase = GO_TRACE_BLANK;
    st->start_line = st->lineno;
}

static void trace_end(struct go_state *st)
{
    if (!st->f->access[0].stack.nr)
        go_fail(st, "fatal error or panic without its traceback");
    st->f = NULL;
    st->phase = GO_NONE;
}

/* A line of the traceback of the goroutine that threw. */
static void trace_line(struct go_state *st, const char *line, size_t n)
{
    struct access *a = &st->f->access[0];
    switch (st->phase) {
    case GO_TRACE_BLANK:
        if (starts_with(line, "goroutine ") && strstr(line, " [")) {
            /* "goroutine 19 [running]:" (Go 1.19), "goroutine 20
             * gp=0x... m=3 mp=0x... [running]:" (Go >= 1.23 under
             * GOTRACEBACK=system): the goroutine is "goroutine N" */
            size_t id = strlen("goroutine ");
            id += strspn(line + id, "0123456789");
            a->thread = xstrndup(line, id);
            st->phase = GO_TRACE_FUNC;
        } else if (n && line[0] != '[' && !starts_with(line, "panic: ") &&
                   !starts_with(line, "runtime: ")) {
            trace_end(st); /* no traceback */
        }
        return;
    case GO_TRACE_FUNC: {
        char *func = starts_with(line, "created by ") ? NULL : func_of(line, n);
        if (!func) {
            trace_end(st);
            return;
        }
        stack_add(&a->stack)->func = func;
        st->phase = GO_TRACE_WHERE;
        return;
    }
    default: /* GO_TRACE_WHERE */
        st->phase = GO_TRACE_FUNC;
        if (line[0] == '\t')
            parse_where(&a->stack.frames[a->stack.nr - 1], line + 1);
        else
            trace_line(st, line, n); /* a frame without its location */
        return;
    }
}

static void handle_line(struct go_state *st, char *line, size_t n)
{
    st->lineno++;
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (!strcmp(line, RACE_WARNING)) {
        if (st->f && st->phase <= GO_RACE_SKIP) {
            go_fail(st, "race report cut short");
            race_drop(st);
        } else if (st->f) {
            trace_end(st);
        }
        race_open(st);
        return;
    }
    if (st->f && st->phase <= GO_RACE_SKIP) {
        race_line(st, line, n);
        return;
    }
    if (starts_with(line, "fatal error: ") || starts_with(line, "panic: ")) {
        if (st->f && st->phase == GO_TRACE_BLANK)
            return; /* two goroutines threw: one traceback follows */
        if (st->f)
            trace_end(st);
        bool fatal = line[0] == 'f';
        trace_open(st, fatal, line + (fatal ? 13 : 7));
        return;
    }
    if (st->f) {
        trace_line(st, line, n);
        return;
    }
    if (starts_with(line, RACE_FOUND) && strstr(line, " data race(s)"))
        st->found = strtoul(line + strlen(RACE_FOUND), NULL, 10);
}

static void go_line(void *ctx, char *line, size_t n, bool terminated)
{
    struct go_state *st = ctx;
    if (!terminated && st->f)
        st->cut = 1;
    handle_line(st, line, n);
}

static int state_finish(struct go_state *st)
{
    if (st->f && st->phase <= GO_RACE_SKIP) {
        go_fail(st, "race report cut short");
        race_drop(st);
    } else if (st->f) {
        if (st->cut && st->f->access[0].stack.nr)
            go_fail(st, "traceback cut short");
        else
            trace_end(st);
    }
    if (st->found > st->races) {
        report_error(st->r, "go log: %lu data race reports, %lu complete",
                     st->found, st->races);
        st->failed = 1;
    }
    return st->failed ? -1 : 0;
}

static void state_init(struct go_state *st, const char *detector,
                       struct report *r)
{
    memset(st, 0, sizeof(*st));
    st->r = r;
    st->detector = detector;
}

int parse_go_buf(const char *buf, size_t len, const char *detector,
                 struct report *r)
{
    struct go_state st;
    state_init(&st, detector, r);
    lines_of_buf(buf, len, go_line, &st);
    return state_finish(&st);
}

int parse_go_file(const char *path, const char *detector, struct report *r)
{
    struct go_state st;
    state_init(&st, detector, r);
    int rc = lines_of_file(path, go_line, &st, r);
    if (state_finish(&st))
        rc = -1;
    return rc;
}
