/*
 * parse/native.c - the model's Go-style fatal error (model/throw.h) on a
 * native run's stderr into the report model.
 *
 *   fatal error: concurrent map writes
 *
 *   thread 12345 [running]:
 *   mapassign(...)
 *   	model/map.c:612 +0x9c          a function, from DWARF
 *   mapaccess_inlined(...)
 *   	model/map.c:300                an inlined function (no offset)
 *   start_thread(...)
 *   	libc.so.6+0x891f4              a shared library, or a raw frame
 *   ?(...)
 *   	0x7f0012345678                 nothing known but the address
 *
 * One FINDING_FATAL per "fatal error: " line: type "fatal error", message
 * the Go message, access[0].thread the thread id, access[0].stack the
 * traceback. Other lines (the program's own output) are ignored. A log
 * whose last line has no newline, or a fatal error without its traceback,
 * keeps the finding and sets r->error.
 */
#include "parse/lines.h"
#include "parse/parse.h"
#include "lib/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FATAL "fatal error: "

enum native_phase {
    PH_NONE,   /* outside a fatal error */
    PH_BLANK,  /* after "fatal error:", the blank line */
    PH_HEADER, /* "thread N [running]:" */
    PH_FUNC,   /* a "func(...)" line, or the end of the traceback */
    PH_WHERE,  /* the "\t..." line of the frame just read */
};

struct native_state {
    struct report *r;
    const char *detector; /* copied into each finding */
    enum native_phase phase;
    struct finding *f; /* the open finding (owned by r) */
    unsigned long lineno, fatal_line;
    int failed;
    int cut; /* the last line read had no '\n' */
};

static int all_hex(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
              (*s >= 'A' && *s <= 'F')))
            return 0;
    return 1;
}

/* "file:line[ +0xOFF]", "module+0xOFF" or "0xIP" into fr. */
static void parse_where(struct frame *fr, const char *s)
{
    if (s[0] == '0' && s[1] == 'x' && all_hex(s + 2)) {
        fr->ip = parse_hex(s, NULL);
        return;
    }
    const char *sp = strstr(s, " +0x");
    size_t n = sp ? (size_t)(sp - s) : strlen(s);
    if (sp)
        fr->offset = parse_hex(sp + 4, NULL);
    /* file:line */
    size_t colon = n;
    while (colon > 0 && s[colon - 1] >= '0' && s[colon - 1] <= '9')
        colon--;
    if (colon > 1 && colon < n && s[colon - 1] == ':') {
        fr->file = xstrndup(s, colon - 1);
        fr->line = parse_int(s + colon);
        return;
    }
    /* module+0xOFF */
    const char *plus = NULL;
    for (const char *p = s; p + 2 < s + n; p++)
        if (p[0] == '+' && p[1] == '0' && p[2] == 'x')
            plus = p;
    if (plus && all_hex(plus + 3)) {
        fr->module = xstrndup(s, (size_t)(plus - s));
        fr->offset = parse_hex(plus + 3, NULL);
        return;
    }
    fr->file = xstrndup(s, n); /* unknown shape: keep it as text */
}

static void begin_fatal(struct native_state *st, const char *msg)
{
    struct finding *f = report_add(st->r);
    f->kind = FINDING_FATAL;
    f->detector = xstrdup(st->detector);
    f->type = xstrdup("fatal error");
    f->message = xstrdup(msg);
    f->nr_access = 1;
    st->f = f;
    st->phase = PH_BLANK;
    st->fatal_line = st->lineno;
}

/* The open finding is whole: past REPORT_MAX_SAME of its signature it is
 * only counted (finding.h), so that the findings kept stay bounded. */
static void end_fatal(struct native_state *st)
{
    st->phase = PH_NONE;
    if (st->f)
        report_cap_last(st->r, REPORT_MAX_SAME);
    st->f = NULL;
}

static void empty_traceback(struct native_state *st)
{
    report_error(st->r,
                 "native log: fatal error at line %lu has no "
                 "traceback",
                 st->fatal_line);
    st->failed = 1;
}

static void handle_line(struct native_state *st, char *line, size_t n)
{
    st->lineno++;
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';

    const char *fatal = strstr(line, FATAL);
    if (fatal) {
        if (st->phase == PH_BLANK || st->phase == PH_HEADER ||
            (st->phase == PH_FUNC && !st->f->access[0].stack.nr))
            empty_traceback(st);
        end_fatal(st);
        begin_fatal(st, fatal + strlen(FATAL));
        return;
    }
    struct access *a = st->f ? &st->f->access[0] : NULL;
    if (st->phase == PH_BLANK) {
        st->phase = PH_HEADER;
        if (!n)
            return;
        /* tolerate a missing blank line */
    }
    switch (st->phase) {
    case PH_NONE:
    case PH_BLANK:
        return;
    case PH_HEADER:
        if (starts_with(line, "thread ") && strstr(line, " [running]:")) {
            const char *t = line + 7;
            a->thread = xstrndup(t, strcspn(t, " "));
            st->phase = PH_FUNC;
        } else if (n) {
            empty_traceback(st);
            end_fatal(st);
        }
        return;
    case PH_FUNC:
        if (n > 5 && !strcmp(line + n - 5, "(...)")) {
            struct frame *fr = stack_add(&a->stack);
            if (strcmp(line, "?(...)"))
                fr->func = xstrndup(line, n - 5);
            st->phase = PH_WHERE;
        } else {
            if (!a->stack.nr)
                empty_traceback(st);
            end_fatal(st); /* the traceback ended */
        }
        return;
    case PH_WHERE:
        if (line[0] == '\t') {
            parse_where(&a->stack.frames[a->stack.nr - 1], line + 1);
            st->phase = PH_FUNC;
        } else {
            end_fatal(st);
        }
        return;
    }
}

static int state_finish(struct native_state *st)
{
    if (st->phase == PH_BLANK || st->phase == PH_HEADER ||
        (st->phase == PH_FUNC && !st->f->access[0].stack.nr)) {
        empty_traceback(st);
    } else if (st->cut) {
        report_error(st->r,
                     "native log: cut short in the traceback of "
                     "line %lu",
                     st->fatal_line);
        st->failed = 1;
    }
    end_fatal(st);
    return st->failed ? -1 : 0;
}

static void state_init(struct native_state *st, struct report *r)
{
    memset(st, 0, sizeof(*st));
    st->r = r;
}

/* A traceback whose last line has no '\n' was cut short. */
static void native_line(void *ctx, char *line, size_t n, bool terminated)
{
    struct native_state *st = ctx;
    if (!terminated && st->phase != PH_NONE)
        st->cut = 1;
    handle_line(st, line, n);
}

int parse_native_buf(const char *buf, size_t len, const char *detector,
                     struct report *r)
{
    struct native_state st;
    state_init(&st, r);
    st.detector = detector;
    lines_of_buf(buf, len, native_line, &st);
    return state_finish(&st);
}

int parse_native_file(const char *path, const char *detector, struct report *r)
{
    struct native_state st;
    state_init(&st, r);
    st.detector = detector;
    int rc = lines_of_file(path, native_line, &st, r);
    if (state_finish(&st))
        rc = -1;
    return rc;
}
