/*
 * report/common.c - what the report writers share (report/common.h): --format, the
 * atomic writes, escaping, source excerpts and the text of a race.
 */
#include "report/common.h"

#include "lib/ansi.h"
#include "engine/detectors.h"
#include "parse/finding.h"
#include "engine/group.h"
#include "lib/sources.h"
#include "lib/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The format registry: every output format, one row each. Adding one is
 * a bit of enum report_format, a row, and its writer (docs/architecture.md,
 * "Adding a format"); option parsing, usage texts and the file names the
 * live matrix prints come from here. */
static const struct {
    const char *name; /* --format's word */
    unsigned bits;
    const char *file; /* in the report folder */
    char *(*write)(json_t *results);
    bool plain_text; /* read in terminals too: control characters cleaned */
} formats_tab[] = {
    {"html", FORMAT_HTML, "index.html", report_html, false},
    {"junit", FORMAT_JUNIT, "junit.xml", report_junit, false},
    {"sarif", FORMAT_SARIF, "results.sarif", report_sarif, false},
    /* read in terminals too: no control character */
    {"md", FORMAT_MD, "summary.md", report_markdown, true},
};
#define NR_FORMATS (sizeof(formats_tab) / sizeof(formats_tab[0]))

int report_formats_parse(const char *list, unsigned *formats, char **bad)
{
    *formats = 0;
    *bad = NULL;
    struct strvec words = {0};
    strvec_split(&words, list, ',');
    for (size_t w = 0; w < words.nr; w++) {
        const char *s = words.v[w];
        bool ok = !strcmp(s, "none");
        if (!strcmp(s, "all")) {
            *formats |= FORMAT_ALL;
            ok = true;
        }
        for (size_t i = 0; i < NR_FORMATS && !ok; i++)
            if (!strcmp(s, formats_tab[i].name)) {
                *formats |= formats_tab[i].bits;
                ok = true;
            }
        if (!ok) {
            *bad = xstrdup(s);
            strvec_release(&words);
            return -1;
        }
    }
    strvec_release(&words);
    return 0;
}

char *report_format_names(const char *sep)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < NR_FORMATS; i++)
        strbuf_addf(&sb, "%s%s", i ? sep : "", formats_tab[i].name);
    return strbuf_detach(&sb);
}

char *report_format_files(const char *sep)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < NR_FORMATS; i++)
        strbuf_addf(&sb, "%s%s", i ? sep : "", formats_tab[i].file);
    return strbuf_detach(&sb);
}

int report_formats_option(const char *list, unsigned *formats)
{
    char *bad;
    if (report_formats_parse(list, formats, &bad) < 0) {
        char *names = report_format_names(", ");
        error("unknown report format '%s' (want %s, all or none)", bad, names);
        free(names);
        free(bad);
        return -1;
    }
    return 0;
}

void report_opts_set(struct run_opts *o, unsigned formats)
{
    size_t len = 0;
    o->formats = formats;
    o->write_reports = formats ? reports_write : NULL;
    o->report_files[0] = '\0';
    for (size_t i = 0; i < NR_FORMATS; i++)
        if (formats & formats_tab[i].bits)
            len +=
                snprintf(o->report_files + len, sizeof(o->report_files) - len,
                         ", %s", formats_tab[i].file);
}

int results_of_report(json_t *results, struct results *r)
{
    char *why = NULL;
    if (results_from_json(results, r, &why) < 0) {
        error("results.json: %s", why);
        free(why);
        return -1;
    }
    group_results_ensure(r);
    return 0;
}

int reports_write(json_t *results, const char *dir, unsigned formats,
                  char **why)
{
    *why = NULL;
    int rc = 0;
    struct results check;
    char *bad = NULL;
    if (results_from_json(results, &check, &bad) < 0) {
        *why = xasprintf("cannot write the reports: results.json: %s", bad);
        free(bad);
        return -1;
    }
    results_release(&check);
    for (size_t i = 0; i < NR_FORMATS; i++) {
        if (!(formats & formats_tab[i].bits))
            continue;
        char *text = formats_tab[i].write(results);
        if (formats_tab[i].plain_text) {
            char *clean = text_cleaned(text, false);
            free(text);
            text = clean;
        }
        char *path = path_join(dir, formats_tab[i].file);
        if (write_file_atomic(path, text, strlen(text)) < 0) {
            /* every writer that failed is named, not only the first */
            char *one = xasprintf("cannot write %s: %s", path, strerror(errno));
            char *all = *why ? xasprintf("%s; %s", *why, one) : one;
            if (*why) {
                free(*why);
                free(one);
            }
            *why = all;
            rc = -1;
        }
        free(path);
        free(text);
    }
    return rc;
}

/* A byte sequence XML 1.0 forbids (C0 controls but tab, LF, CR). */
static bool xml_forbidden(unsigned char c)
{
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

void html_escape(struct strbuf *sb, const char *s)
{
    if (!s)
        return;
    for (; *s; s++) {
        switch (*s) {
        case '&':
            strbuf_addstr(sb, "&amp;");
            break;
        case '<':
            strbuf_addstr(sb, "&lt;");
            break;
        case '>':
            strbuf_addstr(sb, "&gt;");
            break;
        case '"':
            strbuf_addstr(sb, "&quot;");
            break;
        case '\'':
            strbuf_addstr(sb, "&#39;");
            break;
        default:
            if (xml_forbidden((unsigned char)*s))
                strbuf_addstr(sb, "\xef\xbf\xbd");
            else
                strbuf_add(sb, s, 1);
        }
    }
}

void md_escape(struct strbuf *sb, const char *s)
{
    if (!s)
        return;
    for (; *s; s++) {
        if (strchr("\\`*_[]<>|#", *s)) {
            if (*s == '<')
                strbuf_addstr(sb, "&lt;");
            else if (*s == '>')
                strbuf_addstr(sb, "&gt;");
            else {
                strbuf_addstr(sb, "\\");
                strbuf_add(sb, s, 1);
            }
        } else if (*s == '\n' || *s == '\r') {
            strbuf_addstr(sb, " ");
        } else {
            strbuf_add(sb, s, 1);
        }
    }
}

void md_code(struct strbuf *sb, const char *s)
{
    if (!s)
        s = "";
    bool tick = strchr(s, '`') != NULL;
    strbuf_addstr(sb, tick ? "`` " : "`");
    for (; *s; s++) {
        if (*s == '|')
            strbuf_addstr(sb, "\\|");
        else if (*s == '\n' || *s == '\r')
            strbuf_addstr(sb, " ");
        else
            strbuf_add(sb, s, 1);
    }
    strbuf_addstr(sb, tick ? " ``" : "`");
}

const char *verdict_class(const char *verdict)
{
    for (int v = 0; verdict && v < VERDICT_COUNT; v++)
        if (!strcmp(verdict, verdict_name(v)))
            return verdict_class_of(v);
    return verdict ? "bad" : "error";
}

/* The sources of the variants of res, as sources.h takes them (malloc'd,
 * *n of them). */
static struct source_ref *source_refs(const struct results *res, size_t *n)
{
    size_t all = 0;
    for (size_t i = 0; i < res->nr_cases; i++)
        all += 2 * res->cases[i].nr_variants;
    struct source_ref *refs = xcalloc(all + 1, sizeof(*refs));
    *n = 0;
    for (size_t i = 0; i < res->nr_cases; i++)
        for (size_t k = 0; k < res->cases[i].nr_variants; k++) {
            const struct res_variant *v = &res->cases[i].variants[k];
            const char *src[2] = {v->source, v->go_source};
            for (size_t j = 0; j < 2; j++)
                refs[(*n)++] = (struct source_ref){res->cases[i].name, src[j]};
        }
    return refs;
}

char **source_lines(const struct results *res, const char *path,
                    const char *file, int from, int to, int *n)
{
    *n = 0;
    /* only a variant's own source, whatever the name says (sources.h) */
    size_t nr;
    struct source_ref *refs = source_refs(res, &nr);
    const char *cat = res->options.catalog;
    char *src = source_of_variant(cat, refs, nr, path);
    if (!src)
        src = source_of_variant(cat, refs, nr, file);
    free(refs);
    char *text = src ? read_file(src, (size_t)16 << 20, NULL) : NULL;
    free(src);
    if (!text)
        return NULL;
    if (from < 1)
        from = 1;
    char **out = xcalloc((size_t)(to - from + 1 > 0 ? to - from + 1 : 1),
                         sizeof(char *));
    int line = 1;
    const char *s = text;
    while (*s && line <= to) {
        size_t len = strcspn(s, "\n");
        if (line >= from)
            out[(*n)++] = utf8_fix(s, len); /* valid UTF-8, nothing lost */
        s += len + (s[len] == '\n');
        line++;
    }
    free(text);
    return out;
}

void source_lines_free(char **lines, int n)
{
    for (int i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

/* ANSI colours (lib/ansi.h), when wanted. */

static const char *col(const struct race_text_opts *o, const char *c)
{
    return o->color ? c : "";
}

static void text_source(struct strbuf *sb, const struct results *res,
                        const struct res_location *loc,
                        const struct race_text_opts *o)
{
    int line = (int)loc->line;
    int n;
    char **lines = source_lines(res, loc->path, NULL, line - o->context,
                                line + o->context, &n);
    if (!lines) {
        strbuf_addf(sb, "      (source not found)\n");
        return;
    }
    int first = line - o->context < 1 ? 1 : line - o->context;
    for (int i = 0; i < n; i++) {
        bool hot = first + i == line;
        strbuf_addf(sb, "  %s%s%5d | %s%s\n", hot ? col(o, ANSI_RED) : "",
                    hot ? ">" : " ", first + i, lines[i],
                    hot ? col(o, ANSI_RESET) : "");
    }
    source_lines_free(lines, n);
}

void count_text(char *buf, size_t size, long long n)
{
    char digits[32];
    snprintf(digits, sizeof(digits), "%lld", n < 0 ? -n : n);
    size_t len = strlen(digits), k = 0;
    if (n < 0 && k + 1 < size)
        buf[k++] = '-';
    for (size_t i = 0; i < len && k + 2 < size; i++) {
        if (i && (len - i) % 3 == 0)
            buf[k++] = ' ';
        buf[k++] = digits[i];
    }
    buf[k] = '\0';
}

static bool base_starts(const char *path, const char *prefix)
{
    if (!path)
        return false;
    const char *b = strrchr(path, '/');
    return !strncmp(b ? b + 1 : path, prefix, strlen(prefix));
}

const char *hidden_frame_what(const struct res_frame *f)
{
    const char *func = f->func, *path = f->path;
    const char *file = f->file, *module = f->module;
    if (path && strstr(path, "window.c"))
        return "window.c";
    if ((file && (strstr(file, ".go") || strstr(file, "/src/runtime/"))) ||
        (func && (!strncmp(func, "runtime.", 8) ||
                  !strncmp(func, "internal/race.", 14))))
        return "Go's runtime";
    if (base_starts(module, "vgpreload_") ||
        (file && (strstr(file, "hg_intercepts") || strstr(file, "drd_") ||
                  strstr(file, "vg_replace"))))
        return "valgrind's preload";
    if (base_starts(module, "libtsan") ||
        (func &&
         (!strncmp(func, "__tsan", 6) || !strncmp(func, "__interceptor", 13) ||
          !strncmp(func, "__sanitizer", 11))) ||
        (file &&
         (strstr(file, "libsanitizer/") || strstr(file, "compiler-rt/"))))
        return "the TSan runtime";
    if (base_starts(module, "ld-linux"))
        return "the loader";
    if (base_starts(module, "libc") || base_starts(module, "libpthread"))
        return "libc";
    if (!func && !file)
        return "bare addresses";
    if (!file && module)
        return "the TSan runtime"; /* an interceptor linked into the program */
    if (!file)
        return "libc";
    return "the runtimes";
}

void folded_note(struct strbuf *sb, const struct res_access *a)
{
    const char *what[8];
    size_t nw = 0, n = 0;
    for (size_t i = 0; i < a->nr_frames; i++) {
        const struct res_frame *f = &a->frames[i];
        if (f->hidden != 1)
            continue;
        n += f->repeat > 1 ? (size_t)f->repeat : 1;
        const char *w = hidden_frame_what(f);
        bool seen = false;
        for (size_t k = 0; k < nw && !seen; k++)
            seen = !strcmp(what[k], w);
        if (!seen && nw < 8)
            what[nw++] = w;
    }
    if (!n)
        return;
    strbuf_addf(sb, "%zu frame%s folded: ", n, n == 1 ? "" : "s");
    for (size_t k = 0; k < nw; k++)
        strbuf_addf(sb, "%s%s", k ? ", " : "", what[k]);
}

const char *stack_label_what(const char *label)
{
    if (!label)
        return "other";
    if (strstr(label, "Goroutine") || strstr(label, "goroutine"))
        return strstr(label, "created") ? "goroutine creation" : "other";
    if (strstr(label, "Thread") || strstr(label, "thread #"))
        if (strstr(label, "created") || strstr(label, "was created"))
            return "thread creation";
    if (strstr(label, "Mutex") || strstr(label, "mutex") ||
        strstr(label, "Lock") || strstr(label, "lock"))
        return strstr(label, "created") || strstr(label, "first observed")
                   ? "mutex creation"
                   : "lock acquisition";
    if (strstr(label, "alloc") || strstr(label, "heap block") ||
        strstr(label, "Location"))
        return "allocation";
    return "other";
}

/* One frame of a stack: function, file:line (or module), the marker, and
 * the Go counterpart of a model frame. */
static void text_frame(struct strbuf *sb, const struct res_frame *f,
                       bool hidden, const struct race_text_opts *o)
{
    const char *func = f->func;
    const char *path = f->path;
    long long line = f->line;
    const char *cls = f->class_;
    const char *marker = f->marker;
    /* a case's frame, or (maprace try: every line marked "") the user's */
    bool own = (cls && !strcmp(cls, "case")) || (marker && !*marker);
    const char *c = own ? ANSI_BOLD : hidden ? ANSI_DIM : "";
    strbuf_addf(sb, "      %s%-22s%s ", col(o, c), func ? func : "??",
                col(o, ANSI_RESET));
    if (path && line > 0)
        strbuf_addf(sb, "%s:%lld", path, line);
    else if (f->module)
        strbuf_addf(sb, "(%s)", f->module);
    if (f->repeat > 1) {
        char n[32];
        count_text(n, sizeof(n), f->repeat);
        strbuf_addf(sb, " \xc3\x97 %s", n); /* U+00D7 */
    }
    if (marker && *marker)
        strbuf_addf(sb, "  %s<- RACE: %s%s", col(o, ANSI_RED), marker,
                    col(o, ANSI_RESET));
    strbuf_addstr(sb, "\n");
    if (f->go)
        strbuf_addf(sb, "      %s  = %s: %s%s\n", col(o, ANSI_CYAN), f->go,
                    f->role, col(o, ANSI_RESET));
    else if (f->model)
        strbuf_addf(sb, "      %s  = the model's %s: %s%s\n", col(o, ANSI_CYAN),
                    f->model, f->role, col(o, ANSI_RESET));
}

static void text_frames(struct strbuf *sb, const struct res_access *access,
                        const struct race_text_opts *o)
{
    long long cut = access->frames_cut;
    long long cut_after = access->frames_cut_after;
    for (size_t i = 0; i < access->nr_frames; i++) {
        const struct res_frame *f = &access->frames[i];
        if (cut > 0 && (long long)i == cut_after) {
            char n[32];
            count_text(n, sizeof(n), cut);
            strbuf_addf(sb,
                        "      %s... %s frame%s cut (a stack keeps its "
                        "innermost %d and its outermost) ...%s\n",
                        col(o, ANSI_DIM), n, cut == 1 ? "" : "s",
                        STACK_MAX_FRAMES, col(o, ANSI_RESET));
        }
        bool hidden = f->hidden == 1;
        if (hidden && !o->all_frames)
            continue;
        text_frame(sb, f, hidden, o);
    }
    /* say what was folded, by what it is */
    if (!o->all_frames) {
        struct strbuf note = STRBUF_INIT;
        folded_note(&note, access);
        if (note.len)
            strbuf_addf(sb, "      %s(%s; --all-frames shows them)%s\n",
                        col(o, ANSI_DIM), note.buf, col(o, ANSI_RESET));
        strbuf_release(&note);
    }
}

/* Whether an access has its place among a race's locations (A: 0,
 * B: 1). */
static bool has_at(const struct res_access *a)
{
    return a->at != RES_ABSENT && a->at >= 0;
}

/* The header of a stack that is not an access of a race: the detector's
 * own words for it ("Mutex M0 previously acquired by the same thread
 * here"), and its thread when the words do not say. */
static void text_stack_label(struct strbuf *sb, const struct res_access *a,
                             const struct race_text_opts *o)
{
    if (has_at(a))
        strbuf_addf(sb, "    %s%c:%s ", col(o, ANSI_BOLD), (char)('A' + a->at),
                    col(o, ANSI_RESET));
    else
        strbuf_addstr(sb, "    ");
    const char *label = a->label;
    const char *thread = a->thread;
    strbuf_addf(sb, "%s%s%s", col(o, ANSI_YELLOW), label ? label : "stack",
                col(o, ANSI_RESET));
    if (thread && label && !strstr(label, thread))
        strbuf_addf(sb, " (%s)", thread);
    strbuf_addstr(sb, "\n");
}

static void text_access_head(struct strbuf *sb, const struct res_access *a,
                             const char *det, const struct race_text_opts *o)
{
    const char *kind = a->kind;
    if (has_at(a))
        strbuf_addf(sb, "    %s%c:%s", col(o, ANSI_BOLD), (char)('A' + a->at),
                    col(o, ANSI_RESET));
    else
        strbuf_addstr(sb, "    ");
    strbuf_addf(sb, " %s%s%s", col(o, ANSI_YELLOW),
                kind && strcmp(kind, "unknown") ? kind : "stack",
                col(o, ANSI_RESET));
    if (a->size)
        strbuf_addf(sb, " of size %lld", a->size);
    if (a->thread)
        strbuf_addf(sb, " by %s", a->thread);
    if (a->nr_locks) {
        strbuf_addstr(sb, ", locks held:");
        for (size_t i = 0; i < a->nr_locks; i++)
            strbuf_addf(sb, " %s", a->locks[i]);
    } else if (detector_reports_locks(det)) {
        strbuf_addstr(sb, ", no lock held");
    } else {
        strbuf_addstr(sb, " (locks held: not reported)");
    }
    strbuf_addstr(sb, "\n");
}

/* "model/map.c:802" (or the path alone when the line is unknown) of an
 * access of an access_pairs entry. Malloc'd. */
static char *pair_where(const struct res_pair_access *t)
{
    if (!t->path)
        return xstrdup("");
    if (t->line <= 0)
        return xstrdup(t->path);
    return xasprintf("%s:%lld", t->path, t->line);
}

/* One access of an access_pairs entry: "A: write mapassign
 * model/map.c:802  runtime.mapassign (m[k] = v)". */
static void text_pair_access(struct strbuf *sb, const struct res_pair_access *t,
                             int wfunc, int wwhere,
                             const struct race_text_opts *o)
{
    if (t->at != RES_ABSENT && t->at >= 0)
        strbuf_addf(sb, "%c: ", (char)('A' + t->at));
    else
        strbuf_addstr(sb, "   ");
    const char *kind = t->kind;
    strbuf_addf(sb, "%s%-5s%s %-*s", col(o, ANSI_YELLOW),
                kind && strcmp(kind, "unknown") ? kind : "stack",
                col(o, ANSI_RESET), wfunc, t->func ? t->func : "??");
    char *where = pair_where(t);
    strbuf_addf(sb, " %-*s", wwhere, where);
    free(where);
    if (t->go)
        strbuf_addf(sb, "  %s%s%s", col(o, ANSI_CYAN), t->go,
                    col(o, ANSI_RESET));
    strbuf_addstr(sb, "\n");
}

/* The evidence's access_pairs (group.h): which model functions raced, in
 * how many findings. */
static void text_pairs(struct strbuf *sb, const struct res_evidence *ev,
                       const struct race_text_opts *o)
{
    if (!ev->nr_access_pairs)
        return;
    bool model = false;
    for (size_t i = 0; i < ev->nr_access_pairs; i++)
        for (size_t k = 0; k < ev->access_pairs[i].nr_accesses; k++) {
            const char *cls = ev->access_pairs[i].accesses[k].class_;
            model |= cls && !strcmp(cls, "model");
        }
    const char *kind = ev->kind;
    bool race = kind && !strcmp(kind, "data-race");
    strbuf_addf(sb, "    %s %s(top %sframe; findings)%s:\n",
                race ? "accesses that raced" : "stacks reported",
                col(o, ANSI_DIM), model ? "model " : "", col(o, ANSI_RESET));
    int wfunc = 2, wwhere = 0;
    for (size_t i = 0; i < ev->nr_access_pairs; i++)
        for (size_t k = 0; k < ev->access_pairs[i].nr_accesses; k++) {
            const struct res_pair_access *t = &ev->access_pairs[i].accesses[k];
            char *where = pair_where(t);
            if (t->func && (int)strlen(t->func) > wfunc)
                wfunc = (int)strlen(t->func);
            if ((int)strlen(where) > wwhere)
                wwhere = (int)strlen(where);
            free(where);
        }
    long long listed = 0;
    for (size_t i = 0; i < ev->nr_access_pairs; i++) {
        const struct res_access_pair *p = &ev->access_pairs[i];
        listed += p->count;
        if (!p->nr_accesses) {
            strbuf_addf(sb, "      %4lldx (no access named)\n", p->count);
            continue;
        }
        for (size_t k = 0; k < p->nr_accesses; k++) {
            if (k)
                strbuf_addstr(sb, "            ");
            else
                strbuf_addf(sb, "      %4lldx ", p->count);
            text_pair_access(sb, &p->accesses[k], wfunc, wwhere, o);
        }
    }
    if (ev->access_pairs_more > 0) {
        long long rest = ev->findings - listed;
        strbuf_addf(sb, "      +%lld more (%lld finding%s)\n",
                    ev->access_pairs_more, rest, rest == 1 ? "" : "s");
    }
}

/* The visible frames of an access. */
static size_t visible_frames(const struct res_access *access,
                             const struct res_frame **out, size_t max,
                             bool all_frames)
{
    size_t n = 0;
    for (size_t i = 0; i < access->nr_frames; i++)
        if (n < max && (all_frames || access->frames[i].hidden != 1))
            out[n++] = &access->frames[i];
    return n;
}

static bool same_text(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* Whether model frame m stands where Go frame g is: the model function
 * that g's runtime function is modelled by, the same marker, or (both
 * unmarked) a frame of the case. */
static bool frames_line_up(const struct res_frame *g, const struct res_frame *m)
{
    if (g->model)
        return same_text(g->model, m->func);
    if (g->marker)
        return same_text(g->marker, m->marker);
    return same_text(g->class_, "case") && same_text(m->class_, "case") &&
           !m->marker;
}

static void add_row(struct side_row *rows, size_t max, size_t *n,
                    const struct res_frame *g, const struct res_frame *m)
{
    if (*n < max)
        rows[*n] = (struct side_row){g, m};
    ++*n;
}

size_t side_rows(const struct res_access *ga, const struct res_access *ma,
                 bool all_frames, struct side_row *rows, size_t max)
{
    const struct res_frame *g[64], *m[64];
    size_t ng = visible_frames(ga, g, 64, all_frames);
    size_t nm = visible_frames(ma, m, 64, all_frames);
    size_t p = 0, n = 0;
    for (size_t i = 0; i < ng; i++) {
        size_t j = p;
        while (j < nm && !frames_line_up(g[i], m[j]))
            j++;
        if (j == nm) {
            add_row(rows, max, &n, g[i], NULL);
            continue;
        }
        for (; p < j; p++)
            add_row(rows, max, &n, NULL, m[p]);
        add_row(rows, max, &n, g[i], m[p++]);
    }
    for (; p < nm; p++)
        add_row(rows, max, &n, NULL, m[p]);
    return n < max ? n : max;
}

const struct res_access *evidence_access(const struct res_evidence *ev,
                                         long long at)
{
    for (size_t i = 0; i < ev->nr_accesses; i++)
        if (ev->accesses[i].at == at)
            return &ev->accesses[i];
    return NULL;
}

bool race_go_beside(const struct res_race *race, const struct res_evidence **go,
                    const struct res_evidence **model)
{
    *go = *model = NULL;
    for (size_t i = 0; i < race->nr_detectors; i++) {
        const struct res_evidence *ev = &race->detectors[i];
        const char *kind = ev->kind;
        int d = ev->detector ? detector_by_name(ev->detector) : -1;
        if (d < 0 || !kind || strcmp(kind, "data-race"))
            continue;
        /* the first Go race report (the current Go's: go_first) */
        if (detector_row(d)->go_twin) {
            if (!*go && detector_row(d)->race_detector)
                *go = ev;
        } else if (!*model) {
            *model = ev;
        }
    }
    return *go && *model;
}

/* "func file:line" of a frame, the file as its last component. */
static char *frame_cell(const struct res_frame *f)
{
    if (!f)
        return xstrdup("");
    const char *path = f->path;
    const char *base =
        path && strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    return xasprintf("%s %s:%lld", f->func ? f->func : "??", base ? base : "?",
                     f->line);
}

static void text_side_row(struct strbuf *sb, const struct res_frame *g,
                          const struct res_frame *m,
                          const struct race_text_opts *o)
{
    char *l = frame_cell(g), *r = frame_cell(m);
    const struct res_frame *mk = g && g->marker ? g : m && m->marker ? m : NULL;
    if (mk)
        strbuf_addf(sb, "      %-44s | %-36s %s<- %s%s", l, r, col(o, ANSI_RED),
                    mk->marker, col(o, ANSI_RESET));
    else
        strbuf_addf(sb, "      %-44s | %s", l, r);
    strbuf_addstr(sb, "\n");
    free(l);
    free(r);
}

/* When the real Go (go-race) and a race detector of the model both told
 * the race: their stacks side by side, each Go frame beside the model
 * frame that stands for it. */
static void text_side_by_side(struct strbuf *sb, const struct res_race *race,
                              const struct race_text_opts *o)
{
    const struct res_evidence *go, *model;
    if (!race_go_beside(race, &go, &model))
        return;
    strbuf_addf(sb, "\n  %sGo beside the model%s (%s | %s), row by row:\n",
                col(o, ANSI_BOLD), col(o, ANSI_RESET), go->detector,
                model->detector);
    for (long long at = 0; at < 2; at++) {
        const struct res_access *ga = evidence_access(go, at),
                                *ma = evidence_access(model, at);
        if (!ga || !ma)
            continue;
        strbuf_addf(sb, "    %c: %s by %s | %s by %s\n", (char)('A' + at),
                    ga->kind ? ga->kind : "?", ga->thread ? ga->thread : "?",
                    ma->kind ? ma->kind : "?", ma->thread ? ma->thread : "?");
        struct side_row rows[128];
        size_t n = side_rows(ga, ma, o->all_frames, rows, 128);
        for (size_t i = 0; i < n; i++)
            text_side_row(sb, rows[i].go, rows[i].model, o);
    }
}

const char *race_kind_words(const char *kind)
{
    if (!kind || !strcmp(kind, "other"))
        return "report";
    if (!strcmp(kind, "data-race"))
        return "data race";
    if (!strcmp(kind, "fatal"))
        return "fatal error";
    return kind; /* "lock-order", "mutex-misuse" ... */
}

/* The race's lines, with their source and marker, and the case's why. */
static void text_locations(struct strbuf *sb, const struct results *res,
                           const struct res_race *race,
                           const struct race_text_opts *o)
{
    for (size_t i = 0; i < race->nr_locations; i++) {
        const struct res_location *loc = &race->locations[i];
        strbuf_addf(sb, "  %s%c%s %s:%lld in %s", col(o, ANSI_BOLD),
                    (char)('A' + i), col(o, ANSI_RESET), loc->path, loc->line,
                    loc->func ? loc->func : "??");
        const char *marker = loc->marker;
        if (marker && *marker)
            strbuf_addf(sb, "  %sRACE: %s%s", col(o, ANSI_RED), marker,
                        col(o, ANSI_RESET));
        strbuf_addstr(sb, "\n");
        text_source(sb, res, loc, o);
    }
    if (race->why && *race->why)
        strbuf_addf(sb, "  %swhy:%s %s\n", col(o, ANSI_BOLD),
                    col(o, ANSI_RESET), race->why);
}

static int by_seq(const void *a, const void *b)
{
    long long x = (*(const struct res_access *const *)a)->seq;
    long long y = (*(const struct res_access *const *)b)->seq;
    return (x > y) - (x < y);
}

/* An evidence's stacks in the detector's order: a race's two accesses
 * (its other stacks, where threads were created..., with --all-frames),
 * every stack of any other report, each headed by its label. */
static void text_stacks(struct strbuf *sb, const struct res_evidence *ev,
                        const struct race_text_opts *o)
{
    const char *kind = ev->kind;
    bool race = kind && !strcmp(kind, "data-race");
    size_t n = ev->nr_accesses + ev->nr_more, k = 0;
    const struct res_access **all = xcalloc(n ? n : 1, sizeof(*all));
    for (size_t i = 0; i < ev->nr_accesses; i++)
        all[k++] = &ev->accesses[i];
    if (!race || o->all_frames)
        for (size_t i = 0; i < ev->nr_more; i++)
            all[k++] = &ev->more[i];
    struct strbuf unshown = STRBUF_INIT;
    if (race && !o->all_frames && ev->nr_more) {
        /* a race's other stacks are not shown: say which */
        const char *what[8];
        size_t nw = 0;
        for (size_t i = 0; i < ev->nr_more; i++) {
            const char *w = stack_label_what(ev->more[i].label);
            bool seen = false;
            for (size_t q = 0; q < nw && !seen; q++)
                seen = !strcmp(what[q], w);
            if (!seen && nw < 8)
                what[nw++] = w;
        }
        strbuf_addf(&unshown,
                    "    %s(%zu more stack%s not shown: ", col(o, ANSI_DIM),
                    ev->nr_more, ev->nr_more == 1 ? "" : "s");
        for (size_t q = 0; q < nw; q++)
            strbuf_addf(&unshown, "%s%s", q ? ", " : "", what[q]);
        strbuf_addf(&unshown, "; --all-frames shows them)%s\n",
                    col(o, ANSI_RESET));
    }
    qsort(all, k, sizeof(*all), by_seq);
    for (size_t i = 0; i < k; i++) {
        bool side = all[i]->at != RES_ABSENT;
        const char *ak = all[i]->kind;
        if (race && side && ak && strcmp(ak, "unknown"))
            text_access_head(sb, all[i], ev->detector, o);
        else
            text_stack_label(sb, all[i], o);
        text_frames(sb, all[i], o);
    }
    if (unshown.len)
        strbuf_addstr(sb, unshown.buf);
    strbuf_release(&unshown);
    free(all);
}

/* What one detector said of the race. */
static void text_evidence(struct strbuf *sb, const struct results *res,
                          const struct res_race *race,
                          const struct res_evidence *ev,
                          const struct race_text_opts *o)
{
    strbuf_addf(sb, "\n  %s%s%s: %s", col(o, ANSI_GREEN), ev->detector,
                col(o, ANSI_RESET), ev->type ? ev->type : "");
    if (ev->message)
        strbuf_addf(sb, " - %s", ev->message);
    long long nf = ev->findings;
    strbuf_addf(sb, " (in %lld of %lld runs, %lld finding%s", ev->seen_runs,
                ev->runs, nf, nf == 1 ? "" : "s");
    const struct res_cell *cell =
        results_cell_of(res, race->case_name, race->variant, ev->detector);
    long long dropped = cell ? cell->findings_dropped : 0;
    if (dropped > 0)
        strbuf_addf(sb, "; the run%s dropped %lld more past the cap",
                    cell->runs_done == 1 ? "" : "s", dropped);
    strbuf_addstr(sb, ")\n");
    text_pairs(sb, ev, o);
    text_stacks(sb, ev, o);
    if (ev->command)
        strbuf_addf(sb, "    command: %s\n", ev->command);
    if (ev->nr_logs) {
        strbuf_addstr(sb, "    raw log:");
        for (size_t k = 0; k < ev->nr_logs; k++)
            strbuf_addf(sb, " %s", ev->logs[k]);
        strbuf_addstr(sb, "\n");
    }
}

void race_text(struct strbuf *sb, const struct results *res,
               const struct res_race *race, const struct race_text_opts *o)
{
    strbuf_addf(sb, "%s%s%s in %s/%s\n", col(o, ANSI_BOLD),
                race_kind_words(race->kind), col(o, ANSI_RESET),
                race->case_name, race->variant);
    text_locations(sb, res, race, o);
    text_side_by_side(sb, race, o);
    for (size_t i = 0; i < race->nr_detectors; i++)
        text_evidence(sb, res, race, &race->detectors[i], o);
}

/* "write by T1, read by T2" of a race's two accesses, as one detector
 * named them; nothing when it named neither. */
static void brief_accesses(struct strbuf *sb, const struct res_evidence *ev)
{
    bool any = false;
    for (size_t i = 0; i < ev->nr_accesses; i++) {
        const struct res_access *a = &ev->accesses[i];
        if (a->at < 0 || a->at == RES_ABSENT || !a->kind ||
            !strcmp(a->kind, "unknown"))
            continue;
        strbuf_addf(sb, "%s%c: %s by %s", any ? ", " : "", (char)('A' + a->at),
                    a->kind, a->thread ? a->thread : "?");
        any = true;
    }
    if (!any)
        strbuf_addstr(sb, "no access named");
}

void race_text_brief(struct strbuf *sb, const struct results *res,
                     const struct res_race *race,
                     const struct race_text_opts *o)
{
    strbuf_addf(sb, "%s%s%s in %s/%s\n", col(o, ANSI_BOLD),
                race_kind_words(race->kind), col(o, ANSI_RESET),
                race->case_name, race->variant);
    text_locations(sb, res, race, o);
}

void race_seen_by_text(struct strbuf *sb, const struct res_race *race,
                       const struct race_text_opts *o)
{
    strbuf_addf(sb, "  %sseen by%s\n", col(o, ANSI_BOLD), col(o, ANSI_RESET));
    for (size_t i = 0; i < race->nr_detectors; i++) {
        const struct res_evidence *ev = &race->detectors[i];
        strbuf_addf(sb, "    %s%-13s%s ", col(o, ANSI_GREEN),
                    ev->detector ? ev->detector : "?", col(o, ANSI_RESET));
        const struct detector_row *row = detector_row_named(ev->detector);
        if (row && row->go_twin)
            strbuf_addstr(sb, "the Go twin: ");
        if (ev->kind && !strcmp(ev->kind, "data-race"))
            brief_accesses(sb, ev);
        else
            strbuf_addf(sb, "%s%s%s", ev->type ? ev->type : "",
                        ev->message ? ": " : "",
                        ev->message ? ev->message : "");
        strbuf_addf(sb, " (in %lld of %lld runs)\n", ev->seen_runs, ev->runs);
    }
}
