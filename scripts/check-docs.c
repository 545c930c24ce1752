/*
 * check-docs.c - keep the docs true to the code (`make check-docs`).
 *
 *   check-docs [--fix] [ROOT]
 *
 * Four checks over README.md, cases/README.md, cases/<case>/README.md and
 * the .md files of docs/ in ROOT (default: the current folder):
 *
 *  1. Every reference of the form `function path:line` (a detector's
 *     frame: "mapassign model/map.c:802", "#0 lookup /x/cases/c/racy.c:108:16",
 *     Valgrind's "lookup (racy.c:108)", or show's "racy.c:57 in assign_five")
 *     whose file is a C source of the repository must point at a line inside
 *     that function. A bare file name is looked up in model/, then in the
 *     README's own case folder; a file that is not in the repository (libc,
 *     the TSan runtime) is not checked. A line that moved fails the check.
 *  2. Every case README's table of what each detector says (a Markdown
 *     table whose header starts with "variant" and names detectors: native,
 *     tsan, tsan-gcc, helgrind, drd, go, go-race, "TSan (clang, gcc)" for
 *     both) agrees with case.ini: each cell's first keyword (false
 *     positive, miss, fatal, symptom, exit, race, clean) is the kind of
 *     that variant's expectation for that detector. Every case README must
 *     have one, with a row per variant.
 *  3. Every benchmark figure quoted as "median [low, high]" ("36 [35, 36]")
 *     anywhere (docs/benchmarks.md's own prose included) is a cell of a
 *     measured table of docs/benchmarks.md: a figure changed in either
 *     place fails.
 *  4. Counts of the catalog are true (outside code blocks): the detectors
 *     come from the detector table (DET_COUNT, runner/engine/detectors.c), cases
 *     and variants from cases/<case>/case.ini.
 *     - A paragraph that names no run (no run id "20261129T144539Z", no
 *       date "2026-11-29", no "of that time" or "at the time") speaks of
 *       today: its "N detectors" (and outside cases/, where a README
 *       counts its own variants, its "N cases" and "N variants") must be
 *       today's counts, and a list after "every detector (" must name
 *       every detector of the table.
 *     - A paragraph that names a run and quotes a `maprace check ...`
 *       command with "N cells": N must be the cells that command has
 *       today (the variants of the cases it names, or of all, with
 *       --variant; times its detectors: -d LIST, else the first K of the
 *       table when the paragraph says "K detectors" (the table lists them
 *       in the order they were added), else all; a Go detector has no
 *       cell for a variant without a Go twin). A record that states its
 *       own number of variants, other than today's, was a run of an
 *       older catalog: its cells are not recomputed.
 *
 *  5. docs/architecture.md's map of the runner ("## The runner in
 *     layers", a "### `LAYER/`" heading per layer, then "### `main.c`")
 *     is whole and true: its layer headings are the Makefile's
 *     RUNNER_LAYERS in order; every `LAYER/FILE.c` or `.h` it names is
 *     under its own layer's heading and exists; every .c and .h of
 *     runner/LAYER/ and runner/main.c is named. (A ROOT without
 *     runner/ has no map to check.)
 *  6. The README's sample matrix (a line in a code block that starts with
 *     "case" then "variant", as `maprace run` prints its header) names
 *     the detectors a run has by default today, in the table's order
 *     (the rows not marked not_default): a detector added or dropped
 *     fails it. scripts/readme-samples regenerates the sample from a real
 *     run.
 *
 * --fix rewrites the line number of each reference whose line moved and
 * is found again, unchanged, in the same function (after a reorder of a
 * source): the docs then show the lines as they are now.
 *
 * Prints one line per problem ("check-docs: FILE:LINE: what is wrong") and
 * exits 1 if there is any, 2 when ROOT cannot be read, else 0.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/catalog.h"
#include "engine/detectors.h"
#include "lib/util.h"

static int problems, nrefs, ntables, nfigures, ncounts, nmapped;

static void problem(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    printf("check-docs: %s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    problems++;
}

/* ---- a C source's functions ------------------------------------------ */

struct cfunc {
    char *name;
    int first, last; /* lines: the head's first, the closing brace */
};

struct cfile {
    char *path; /* repo-relative */
    struct cfunc *funcs;
    size_t nr, alloc;
};

static struct cfile *files;
static size_t nr_files, alloc_files;

/* Lines of text, split in place. */
static char **split_lines(char *text, int *n)
{
    char **v = NULL;
    size_t alloc = 0;
    *n = 0;
    for (char *s = text; s && *s;) {
        char *e = strchr(s, '\n');
        if (e)
            *e = '\0';
        ALLOC_GROW(v, (size_t)*n + 1, alloc);
        v[(*n)++] = s;
        s = e ? e + 1 : NULL;
    }
    return v;
}

static bool head_line(const char *t)
{
    const char *s = t + strspn(t, " \t");
    size_t n = strlen(s);
    return *s && *s != '}' && *s != '/' && *s != '*' && *s != '#' &&
           s[n - 1] != ';' && !(n >= 2 && !strcmp(s + n - 2, "*/"));
}

/* Functions in this project's style: a head, then `{` and `}` alone at
 * column 0. */
static void scan_functions(struct cfile *f, char **lines, int n)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(lines[i], "{"))
            continue;
        int first = i, close = i + 1;
        while (first > 0 && i - first < 4 && head_line(lines[first - 1]))
            first--;
        while (close < n && strcmp(lines[close], "}"))
            close++;
        struct strbuf head = STRBUF_INIT;
        for (int k = first; k < i; k++)
            strbuf_addf(&head, "%s ", lines[k]);
        char *name = c_defined_name(strbuf_str(&head));
        strbuf_release(&head);
        if (name) {
            ALLOC_GROW(f->funcs, f->nr + 1, f->alloc);
            f->funcs[f->nr++] = (struct cfunc){name, first + 1, close + 1};
        }
        i = close;
    }
}

/* The functions of a repo-relative C source, or NULL if it is not a file
 * of the repository. */
static struct cfile *cfile_get(const char *root, const char *rel)
{
    for (size_t i = 0; i < nr_files; i++)
        if (!strcmp(files[i].path, rel))
            return &files[i];
    char *abs = path_join(root, rel);
    char *text = read_file(abs, 0, NULL);
    free(abs);
    if (!text)
        return NULL;
    ALLOC_GROW(files, nr_files + 1, alloc_files);
    struct cfile *f = &files[nr_files++];
    memset(f, 0, sizeof(*f));
    f->path = xstrdup(rel);
    int n;
    char **lines = split_lines(text, &n);
    scan_functions(f, lines, n);
    free(lines);
    free(text);
    return f;
}

static const struct cfunc *cfile_func(const struct cfile *f, const char *name)
{
    for (size_t i = 0; i < f->nr; i++)
        if (!strcmp(f->funcs[i].name, name))
            return &f->funcs[i];
    return NULL;
}

static const struct cfunc *cfile_at(const struct cfile *f, int line)
{
    for (size_t i = 0; i < f->nr; i++)
        if (f->funcs[i].first <= line && line <= f->funcs[i].last)
            return &f->funcs[i];
    return NULL;
}

/* ---- what a line was when the doc was written (git) ------------------- */

/* The commit that last changed each line of the doc being checked
 * (git blame), or NULL for a line not committed yet. */
static char **blame;
static int nr_blame;

static char *git_output(const char *root, const char *args)
{
    char *cmd = xasprintf("git -C '%s' %s 2>/dev/null", root, args);
    FILE *p = popen(cmd, "r");
    free(cmd);
    if (!p)
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
        strbuf_add(&sb, buf, n);
    if (pclose(p) != 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

static void blame_release(void)
{
    for (int i = 0; i < nr_blame; i++)
        free(blame[i]);
    free(blame);
    blame = NULL;
    nr_blame = 0;
}

/* Read the blame of a doc: blame[line - 1]. */
static void blame_load(const char *root, const char *rel, int nlines)
{
    char *args = xasprintf("blame --porcelain -- '%s'", rel);
    char *out = git_output(root, args);
    free(args);
    blame_release();
    blame = xcalloc((size_t)nlines + 1, sizeof(char *));
    nr_blame = nlines;
    for (char *s = out; s && *s;) {
        char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        int orig, fin;
        if (len > 41 && s[40] == ' ' && strspn(s, "0123456789abcdef") == 40 &&
            sscanf(s + 41, "%d %d", &orig, &fin) == 2 && fin >= 1 &&
            fin <= nlines && strspn(s, "0") != 40) {
            free(blame[fin - 1]);
            blame[fin - 1] = xstrndup(s, 40);
        }
        s = e ? e + 1 : NULL;
    }
    free(out);
}

/* Sources as they were at a commit: (commit, path) -> lines. */
struct oldsrc {
    char *commit, *path, *text;
    char **lines;
    int n;
};
static struct oldsrc *olds;
static size_t nr_olds, alloc_olds;

static const char *old_line(const char *root, const char *commit,
                            const char *rel, int ln)
{
    size_t i;
    for (i = 0; i < nr_olds; i++)
        if (!strcmp(olds[i].commit, commit) && !strcmp(olds[i].path, rel))
            break;
    if (i == nr_olds) {
        char *args = xasprintf("show '%s:%s'", commit, rel);
        ALLOC_GROW(olds, nr_olds + 1, alloc_olds);
        struct oldsrc *o = &olds[nr_olds++];
        o->commit = xstrdup(commit);
        o->path = xstrdup(rel);
        o->text = git_output(root, args);
        o->lines = o->text ? split_lines(o->text, &o->n) : NULL;
        if (!o->text)
            o->n = 0;
        free(args);
    }
    return ln >= 1 && ln <= olds[i].n ? olds[i].lines[ln - 1] : NULL;
}

/* The current text of line ln of a repository file (static buffer). */
static const char *cur_line(const char *root, const char *rel, int ln)
{
    static char buf[1024];
    char *abs = path_join(root, rel), *text = read_file(abs, 0, NULL);
    free(abs);
    buf[0] = '\0';
    int n;
    char **lines = text ? split_lines(text, &n) : NULL;
    if (lines && ln >= 1 && ln <= n)
        snprintf(buf, sizeof(buf), "%s", lines[ln - 1]);
    free(lines);
    free(text);
    return buf;
}

/* Where the line `old` is now inside f's function fn, or 0. */
static int now_at(const char *root, const char *rel, const struct cfunc *fn,
                  const char *old)
{
    for (int l = fn->first; l <= fn->last; l++)
        if (!strcmp(cur_line(root, rel, l), old))
            return l;
    return 0;
}

/* check-docs --fix: the line numbers to rewrite in the doc being checked. */
struct edit {
    int dl;     /* doc line, 1-based */
    size_t off; /* where the line number starts in it */
    size_t len; /* its length */
    int now;    /* the new number */
};
static bool fix;
static struct edit *edits;
static size_t nr_edits, alloc_edits;

/* Whether the doc line dl, written when line ln of rel read differently,
 * points at a line that moved (or changed) since: reported (and, with
 * --fix, queued for rewriting when the line is found again in fn). */
static bool check_moved(const char *root, const char *doc, int dl,
                        const char *rel, int ln, const struct cfunc *fn,
                        const char *shown, size_t off)
{
    if (dl < 1 || dl > nr_blame || !blame[dl - 1])
        return false;
    const char *was = old_line(root, blame[dl - 1], rel, ln);
    if (!was)
        return false;
    char *old = xstrdup(was);
    bool moved = strcmp(old, cur_line(root, rel, ln)) != 0;
    if (moved) {
        int at = now_at(root, rel, fn, old);
        const char *t = old + strspn(old, " \t");
        if (at && fix)
            printf("check-docs: %s:%d: `%s`: line %d of %s moved to line "
                   "%d: fixed\n",
                   doc, dl, shown, ln, rel, at);
        else if (at)
            problem(doc, dl,
                    "`%s`: line %d of %s moved: it was `%s` (commit "
                    "%.7s), now line %d (check-docs --fix rewrites it)",
                    shown, ln, rel, t, blame[dl - 1], at);
        else
            problem(doc, dl,
                    "`%s`: line %d of %s was `%s` (commit %.7s); "
                    "it is not in %s any more",
                    shown, ln, rel, t, blame[dl - 1], fn->name);
        if (at && fix) {
            ALLOC_GROW(edits, nr_edits + 1, alloc_edits);
            size_t len = (size_t)snprintf(NULL, 0, "%d", ln);
            edits[nr_edits++] = (struct edit){dl, off, len, at};
        }
    }
    free(old);
    return moved;
}

/* ---- 1: function path:line references ---------------------------------- */

static bool path_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '/' ||
           c == '-';
}

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static bool exists(const char *root, const char *rel)
{
    char *abs = path_join(root, rel);
    struct stat st;
    bool ok = !stat(abs, &st) && S_ISREG(st.st_mode);
    free(abs);
    return ok;
}

/* The repo-relative file a reference's path names, or NULL (not ours).
 * *strict: the path has a folder of the repository, so a missing file is
 * a problem. casedir: the README's case folder, or NULL. */
static char *resolve(const char *root, const char *path, const char *casedir,
                     bool *strict)
{
    static const char *const dirs[] = {
        "model/", "cases/", "runner/", "tests/", "bench/", "scripts/", NULL};
    *strict = false;
    for (size_t i = 0; dirs[i]; i++) {
        const char *d = strstr(path, dirs[i]);
        if (d && (d == path || d[-1] == '/')) {
            *strict = true;
            return xstrdup(d);
        }
    }
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char *rel = xasprintf("model/%s", base);
    if (exists(root, rel))
        return rel;
    free(rel);
    if (casedir) {
        rel = xasprintf("%s/%s", casedir, base);
        if (exists(root, rel))
            return rel;
        free(rel);
    }
    return NULL;
}

/* The identifier just before position p of line (over blanks and one
 * "("), or NULL. */
static char *word_before(const char *line, const char *p)
{
    while (p > line && isspace((unsigned char)p[-1]))
        p--;
    if (p > line && p[-1] == '(') {
        p--;
        while (p > line && isspace((unsigned char)p[-1]))
            p--;
    }
    const char *e = p;
    while (p > line && ident_char(p[-1]))
        p--;
    return p < e ? xstrndup(p, (size_t)(e - p)) : NULL;
}

/* " in name" right after position p, or NULL. */
static char *in_after(const char *p)
{
    while (*p == ':' || isdigit((unsigned char)*p))
        p++;
    if (strncmp(p, " in ", 4))
        return NULL;
    p += 4;
    const char *b = p;
    while (ident_char(*p))
        p++;
    return p > b ? xstrndup(b, (size_t)(p - b)) : NULL;
}

static void check_ref(const char *root, const char *doc, int dl,
                      const char *casedir, const char *line, const char *ps,
                      const char *colon)
{
    char *path = xstrndup(ps, (size_t)(colon - ps));
    int ln = atoi(colon + 1);
    bool strict;
    char *rel = resolve(root, path, casedir, &strict);
    struct cfile *f = rel ? cfile_get(root, rel) : NULL;
    char *before = word_before(line, ps), *in = in_after(colon + 1);
    const char *name = NULL;

    if (rel && !f && strict)
        problem(doc, dl, "%s:%d: no such file in the repository", path, ln);
    if (f && before && cfile_func(f, before))
        name = before;
    else if (f && in && cfile_func(f, in))
        name = in;
    if (name) {
        nrefs++;
        const struct cfunc *want = cfile_func(f, name), *at = cfile_at(f, ln);
        char *shown = xasprintf("%s %s:%d", name, path, ln);
        bool moved = check_moved(root, doc, dl, rel, ln, want, shown,
                                 (size_t)(colon + 1 - line));
        free(shown);
        if (!moved && (ln < want->first || ln > want->last))
            problem(doc, dl,
                    "`%s %s:%d`: line %d of %s is %s%s%s, not in %s "
                    "(lines %d-%d)",
                    name, path, ln, ln, rel,
                    at ? "in " : "outside any function", at ? at->name : "", "",
                    name, want->first, want->last);
    }
    free(path);
    free(rel);
    free(before);
    free(in);
}

/* Every "path.c:N" / "path.h:N" of one line of a doc. */
static void check_line_refs(const char *root, const char *doc, int dl,
                            const char *casedir, const char *line)
{
    for (const char *p = line; (p = strchr(p, ':'));) {
        const char *colon = p++;
        if (!isdigit((unsigned char)*p) || colon - line < 3 ||
            colon[-2] != '.' || (colon[-1] != 'c' && colon[-1] != 'h'))
            continue;
        const char *ps = colon - 2;
        while (ps > line && path_char(ps[-1]))
            ps--;
        if (colon - ps > 2)
            check_ref(root, doc, dl, casedir, line, ps, colon);
    }
}

/* ---- 2: the README's detector table against case.ini ------------------- */

/* The cells of a table row ("| a | b |"), trimmed, in place. */
static int row_cells(char *row, char **cells, int max)
{
    int n = 0;
    char *s = row + strspn(row, " \t");
    if (*s != '|')
        return 0;
    s++;
    while (*s && n < max) {
        char *e = strchr(s, '|');
        if (!e)
            break;
        *e = '\0';
        while (isspace((unsigned char)*s) || *s == '`')
            s++;
        char *t = e;
        while (t > s && (isspace((unsigned char)t[-1]) || t[-1] == '`'))
            *--t = '\0';
        cells[n++] = s;
        s = e + 1;
    }
    return n;
}

/* A column header's detectors: mask of (1 << detector), 0 if none. */
static unsigned column_detectors(const char *h)
{
    char low[64];
    size_t i;
    for (i = 0; h[i] && i < sizeof(low) - 1; i++)
        low[i] = (char)tolower((unsigned char)h[i]);
    low[i] = '\0';
    if (!strcmp(low, "tsan (clang, gcc)"))
        return 1u << DET_TSAN | 1u << DET_TSAN_GCC;
    int d = detector_by_name(low);
    return d >= 0 ? 1u << d : 0;
}

static bool has_word(const char *low, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = low; (p = strstr(p, w)); p++)
        if ((p == low || !isalpha((unsigned char)p[-1])) &&
            !isalpha((unsigned char)p[n]))
            return true;
    return false;
}

/* What a cell says, by its strongest keyword, or EXPECT_NONE. */
static enum expect_kind cell_kind(const char *cell)
{
    char *low = xstrdup(cell);
    for (char *p = low; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    enum expect_kind k = EXPECT_NONE;
    if (has_word(low, "false positive") || has_word(low, "false-positive"))
        k = EXPECT_FALSE_POSITIVE;
    else if (has_word(low, "miss"))
        k = EXPECT_MISS;
    else if (has_word(low, "fatal"))
        k = EXPECT_FATAL;
    else if (has_word(low, "symptom"))
        k = EXPECT_SYMPTOM;
    else if (has_word(low, "exit"))
        k = EXPECT_EXIT;
    else if (has_word(low, "race"))
        k = EXPECT_RACE;
    else if (has_word(low, "clean"))
        k = EXPECT_CLEAN;
    free(low);
    return k;
}

static struct variant *case_variant(struct mcase *c, const char *name)
{
    for (size_t i = 0; i < c->nr_variants; i++)
        if (!strcmp(c->variants[i].name, name))
            return &c->variants[i];
    return NULL;
}

/* One row of the table: its variant's cells against case.ini. */
static void check_row(const char *doc, int dl, struct mcase *c, char **cells,
                      int n, const unsigned *cols, bool *seen)
{
    struct variant *v = case_variant(c, cells[0]);
    if (!v) {
        problem(doc, dl, "table row '%s': %s has no such variant", cells[0],
                c->name);
        return;
    }
    seen[v - c->variants] = true;
    for (int i = 1; i < n; i++)
        for (int d = 0; d < DET_COUNT; d++) {
            if (!(cols[i] & 1u << d))
                continue;
            enum expect_kind want = v->expect[d].kind,
                             got = cell_kind(cells[i]);
            if (got == EXPECT_NONE)
                problem(doc, dl,
                        "%s/%s %s: the cell '%s' says none of false "
                        "positive, miss, fatal, symptom, exit, race, clean",
                        c->name, v->name, detector_name(d), cells[i]);
            else if (got != want)
                problem(doc, dl,
                        "%s/%s %s: the README says %s, case.ini (line %d) "
                        "expects %s",
                        c->name, v->name, detector_name(d),
                        expect_kind_name(got), v->expect[d].line,
                        expect_kind_name(want));
        }
}

/* The detector tables of a case README (lines, split in place). */
static void check_tables(const char *doc, char **lines, int n, struct mcase *c)
{
    bool *seen = xcalloc(c->nr_variants + 1, sizeof(bool)), found = false;
    for (int i = 0; i < n; i++) {
        char *cells[16], *head = xstrdup(lines[i]);
        unsigned cols[16] = {0}, any = 0;
        int nc = row_cells(head, cells, 16);
        if (nc < 2 || strcasecmp(cells[0], "variant")) {
            free(head);
            continue;
        }
        for (int k = 1; k < nc; k++)
            any |= cols[k] = column_detectors(cells[k]);
        free(head);
        if (!any)
            continue;
        found = true;
        ntables++;
        for (i += 2; i < n; i++) {
            char *row = xstrdup(lines[i]);
            int nr = row_cells(row, cells, 16);
            if (nr)
                check_row(doc, i + 1, c, cells, nr < nc ? nr : nc, cols, seen);
            free(row);
            if (!nr)
                break;
        }
    }
    if (!found)
        problem(doc, 1,
                "no table of what each detector says (a header "
                "\"| variant | native | tsan | ...\")");
    for (size_t v = 0; found && v < c->nr_variants; v++)
        if (!seen[v])
            problem(doc, 1, "the detector table has no row for variant %s",
                    c->variants[v].name);
    free(seen);
}

/* ---- 3: benchmark figures against docs/benchmarks.md ------------------- */

/* The cells "median [low, high]" of the tables of docs/benchmarks.md:
 * "Go rwmutex: 36 [35, 36]" (the row's first cells, then the figure). */
static char **bench_cells;
static size_t nr_bench_cells, alloc_bench_cells;
static bool have_bench;

/* Whether a line of docs/benchmarks.md is a row of a measured table. */
static bool bench_row(const char *line)
{
    return starts_with(line, "|");
}

/* The length of a figure "N [L, H]" at p (numbers with an optional
 * fraction), or 0. */
static size_t figure_at(const char *p)
{
    const char *s = p;
    for (int part = 0; part < 3; part++) {
        if (!isdigit((unsigned char)*s))
            return 0;
        while (isdigit((unsigned char)*s))
            s++;
        if (*s == '.' && isdigit((unsigned char)s[1]))
            for (s++; isdigit((unsigned char)*s); s++)
                ;
        const char *sep = part == 0 ? " [" : part == 1 ? ", " : "]";
        if (strncmp(s, sep, strlen(sep)))
            return 0;
        s += strlen(sep);
    }
    return (size_t)(s - p);
}

static void bench_load(const char *root)
{
    char *abs = path_join(root, "docs/benchmarks.md");
    char *text = read_file(abs, 0, NULL);
    free(abs);
    if (!text)
        return;
    have_bench = true;
    int n;
    char **lines = split_lines(text, &n);
    for (int i = 0; i < n; i++) {
        char *cells[16];
        if (!bench_row(lines[i]))
            continue;
        char *row = xstrdup(lines[i]);
        int nc = row_cells(row, cells, 16);
        for (int k = 1; k < nc; k++)
            if (figure_at(cells[k]) == strlen(cells[k])) {
                ALLOC_GROW(bench_cells, nr_bench_cells + 1, alloc_bench_cells);
                bench_cells[nr_bench_cells++] =
                    xasprintf("%s %s: %s", cells[0], cells[1], cells[k]);
            }
        free(row);
    }
    free(lines);
    free(text);
}

static bool bench_has(const char *fig)
{
    for (size_t i = 0; i < nr_bench_cells; i++) {
        const char *c = strstr(bench_cells[i], ": ");
        if (c && !strcmp(c + 2, fig))
            return true;
    }
    return false;
}

/* Every figure "N [L, H]" of a line that is not a row of the tables. */
static void check_figures(const char *doc, int dl, const char *line)
{
    if (!strcmp(doc, "docs/benchmarks.md") && bench_row(line))
        return;
    for (const char *p = line; *p; p++) {
        if (!isdigit((unsigned char)*p) ||
            (p > line && (isdigit((unsigned char)p[-1]) || p[-1] == '.')))
            continue;
        size_t len = figure_at(p);
        if (!len)
            continue;
        char *fig = xstrndup(p, len);
        nfigures++;
        if (!have_bench)
            problem(doc, dl,
                    "`%s` quotes a benchmark figure, and there is no "
                    "docs/benchmarks.md",
                    fig);
        else if (!bench_has(fig))
            problem(doc, dl,
                    "`%s`: no cell of the measured tables of "
                    "docs/benchmarks.md reads so (a figure quoted from "
                    "them must be copied as it is there)",
                    fig);
        free(fig);
        p += len - 1;
    }
}

/* ---- 4: counts of detectors, cases, variants and cells ------------------ */

static struct catalog cat;
static bool have_cat;

/* The cells of a `maprace check` over the variants of cases c (NULL: all)
 * named variant (NULL: all), under the detectors of mask. */
static int cells_of(char **cases, int ncases, const char *variant,
                    const bool mask[DET_COUNT], const char **unknown)
{
    int cells = 0;
    *unknown = NULL;
    for (int k = 0; k < ncases; k++) {
        size_t i;
        for (i = 0; i < cat.nr; i++)
            if (!strcmp(cat.cases[i].name, cases[k]))
                break;
        if (i == cat.nr)
            *unknown = cases[k];
    }
    for (size_t i = 0; i < cat.nr; i++) {
        bool named = !ncases;
        for (int k = 0; k < ncases; k++)
            named |= !strcmp(cat.cases[i].name, cases[k]);
        if (!named)
            continue;
        for (size_t v = 0; v < cat.cases[i].nr_variants; v++) {
            const struct variant *va = &cat.cases[i].variants[v];
            if (variant && strcmp(va->name, variant))
                continue;
            for (int d = 0; d < DET_COUNT; d++)
                if (mask[d] && (!detector_row(d)->go_twin || va->go_source))
                    cells++;
        }
    }
    return cells;
}

static size_t nr_catalog_variants(void)
{
    size_t n = 0;
    for (size_t i = 0; i < cat.nr; i++)
        n += cat.cases[i].nr_variants;
    return n;
}

/* The number just before " word" at each place of text: calls fn(n, at). */
static int count_before(const char *text, const char *word, const char **from)
{
    size_t wl = strlen(word);
    for (const char *p = *from; (p = strstr(p, word)); p++) {
        if (p - text < 2 || p[-1] != ' ' || !isdigit((unsigned char)p[-2]) ||
            isalpha((unsigned char)p[wl]))
            continue;
        const char *b = p - 1;
        while (b > text && isdigit((unsigned char)b[-1]))
            b--;
        if (b > text && (isalnum((unsigned char)b[-1]) || b[-1] == '.' ||
                         b[-1] == ',' || b[-1] == '/' || b[-1] == '-'))
            continue; /* "1.5 cells", "1,000 cases", "3/3 cells" */
        *from = p + wl;
        return atoi(b);
    }
    return -1;
}

/* Whether a paragraph names a run: a run id (20261129T144539Z), a date
 * (2026-11-29), or says "of that time" / "at the time". */
static bool names_run(const char *t)
{
    if (strstr(t, "of that time") || strstr(t, "at the time"))
        return true;
    for (const char *p = t; *p; p++) {
        size_t d = strspn(p, "0123456789");
        if (d == 8 && p[8] == 'T' && strspn(p + 9, "0123456789") == 6 &&
            p[15] == 'Z')
            return true;
        if (d == 4 && p[4] == '-' && strspn(p + 5, "0123456789") == 2 &&
            p[7] == '-' && strspn(p + 8, "0123456789") == 2)
            return true;
        if (d)
            p += d - 1;
    }
    return false;
}

/* The `maprace check ...` command quoted in a paragraph: the cells it has
 * today, or -1 when it quotes none. *what describes it. */
static int check_command_cells(const char *t, int stated_detectors, char **what,
                               const char **unknown)
{
    const char *c = strstr(t, "maprace check");
    *unknown = NULL;
    if (!c)
        return -1;
    c += strlen("maprace check");
    size_t len = strcspn(c, "`");
    char *cmd = xstrndup(c, len), *save = NULL, *variant = NULL;
    char *cases[32];
    int ncases = 0;
    bool mask[DET_COUNT] = {false}, given = false;
    for (char *w = strtok_r(cmd, " \t", &save); w;
         w = strtok_r(NULL, " \t", &save)) {
        if (!strcmp(w, "-d") || !strcmp(w, "--detectors")) {
            char *list = strtok_r(NULL, " \t", &save), *bad = NULL;
            if (list && !detector_parse_list(list, mask, &bad))
                given = true;
            free(bad);
        } else if (!strcmp(w, "--variant")) {
            variant = strtok_r(NULL, " \t", &save);
        } else if (!strcmp(w, "--runs") || !strcmp(w, "-j") ||
                   !strcmp(w, "--timeout") || !strcmp(w, "--out")) {
            strtok_r(NULL, " \t", &save);
        } else if (w[0] != '-' && ncases < 32) {
            cases[ncases++] = w;
        }
    }
    if (!given)
        for (int d = 0; d < DET_COUNT; d++)
            mask[d] = stated_detectors < 0 || d < stated_detectors;
    int cells = cells_of(cases, ncases, variant, mask, unknown);
    int nd = 0;
    for (int d = 0; d < DET_COUNT; d++)
        nd += mask[d];
    *what = xasprintf("`maprace check%.*s` has %d cells today (%s, %d "
                      "detector%s%s)",
                      (int)len, c, cells, ncases ? "its cases" : "every case",
                      nd, nd == 1 ? "" : "s",
                      given                   ? ": its -d"
                      : stated_detectors >= 0 ? ": the first ones of the table"
                                              : ": all of the table");
    if (*unknown) {
        static char name[128];
        snprintf(name, sizeof(name), "%s", *unknown);
        *unknown = name;
    }
    free(cmd);
    return cells;
}

/* Every detector's name in the list after "every detector (", if any. */
static void check_detector_list(const char *doc, int dl, const char *t)
{
    const char *p = strstr(t, "every detector (");
    if (!p)
        return;
    p += strlen("every detector (");
    const char *e = strchr(p, ')');
    if (!e)
        return;
    char *list = xstrndup(p, (size_t)(e - p));
    bool seen[DET_COUNT] = {false};
    int named = 0;
    for (char *q = list; (q = strchr(q, '`'));) {
        char *end = strchr(q + 1, '`');
        if (!end)
            break;
        *end = '\0';
        int d = detector_by_name(q + 1);
        if (d >= 0 && !seen[d]) {
            seen[d] = true;
            named++;
        }
        q = end + 1;
    }
    if (named)
        for (int d = 0; d < DET_COUNT; d++)
            if (!seen[d])
                problem(doc, dl,
                        "the list after \"every detector (\" leaves out %s "
                        "(the detector table has %d)",
                        detector_name(d), DET_COUNT);
    free(list);
}

/* One paragraph (lines first..last of the doc, 0-based, joined in t). */
static void check_paragraph(const char *doc, int first, const char *t)
{
    int dl = first + 1;
    if (!have_cat)
        return;
    if (!names_run(t)) {
        static const char *const words[] = {"detectors", "cases", "variants"};
        /* a case README's "N variants" are its own: only detectors */
        int nwords = starts_with(doc, "cases/") ? 1 : 3;
        for (int w = 0; w < nwords; w++) {
            int want = w == 0   ? DET_COUNT
                       : w == 1 ? (int)cat.nr
                                : (int)nr_catalog_variants();
            const char *from = t;
            for (int n; (n = count_before(t, words[w], &from)) >= 0;) {
                ncounts++;
                if (n != want)
                    problem(
                        doc, dl,
                        "the paragraph says %d %s; there are %d (%s); "
                        "a count of a past run belongs in a paragraph "
                        "that names the run (its id or date)",
                        n, words[w], want,
                        w == 0 ? "the detector table, runner/engine/detectors.c"
                               : "cases/*/case.ini");
            }
        }
        check_detector_list(doc, dl, t);
        return;
    }
    const char *from = t;
    int cells = count_before(t, "cells", &from);
    if (cells < 0)
        return;
    from = t;
    int stated = count_before(t, "detectors", &from);
    from = t;
    int variants = count_before(t, "variants", &from);
    if (variants < 0) {
        from = t;
        variants = count_before(t, "variant", &from); /* "1 variant" */
    }
    if (variants >= 0 && variants != (int)nr_catalog_variants())
        return; /* a run of an older catalog, by its own account */
    char *what = NULL;
    const char *unknown = NULL;
    int today = check_command_cells(t, stated, &what, &unknown);
    if (today >= 0) {
        ncounts++;
        if (unknown)
            problem(doc, dl, "`maprace check` names %s: no such case", unknown);
        else if (today != cells)
            problem(doc, dl,
                    "the paragraph says %d cells; %s: re-run it, or say "
                    "which detectors the run had (-d, or \"K detectors\")",
                    cells, what);
    }
    free(what);
}

/* The paragraphs of a doc, outside code: lines between blank lines, not
 * in a ``` block, not indented by 4 (code). */
static void check_paragraphs(const char *doc, char **lines, int n)
{
    bool fence = false;
    struct strbuf para = STRBUF_INIT;
    int first = -1;
    for (int i = 0; i <= n; i++) {
        const char *l = i < n ? lines[i] : "";
        bool code = starts_with(l + strspn(l, " "), "```");
        if (code)
            fence = !fence;
        bool blank = !*l || code || fence || starts_with(l, "    ") ||
                     l[0] == '\t' || starts_with(l, "|");
        if (blank) {
            if (first >= 0)
                check_paragraph(doc, first, strbuf_str(&para));
            strbuf_release(&para);
            first = -1;
            continue;
        }
        if (first < 0)
            first = i;
        strbuf_addf(&para, "%s ", l + strspn(l, " ")); /* one blank */
    }
    strbuf_release(&para);
}

/* ---- the documents ------------------------------------------------------ */

/* check-docs --fix: rewrite the doc with the queued line numbers. */
static void apply_edits(const char *root, const char *rel, char **lines, int n)
{
    if (!nr_edits)
        return;
    struct strbuf sb = STRBUF_INIT;
    for (int i = 0; i < n; i++) {
        size_t at = 0;
        for (size_t e = 0; e < nr_edits; e++) {
            if (edits[e].dl != i + 1 || edits[e].off < at)
                continue;
            strbuf_add(&sb, lines[i] + at, edits[e].off - at);
            strbuf_addf(&sb, "%d", edits[e].now);
            at = edits[e].off + edits[e].len;
        }
        strbuf_addf(&sb, "%s\n", lines[i] + at);
    }
    char *abs = path_join(root, rel);
    if (write_file_atomic(abs, strbuf_str(&sb), sb.len) < 0)
        problem(rel, 0, "cannot rewrite it");
    free(abs);
    strbuf_release(&sb);
    nr_edits = 0;
}

static void check_doc(const char *root, const char *rel, const char *casedir,
                      const char *casename)
{
    char *abs = path_join(root, rel), *text = read_file(abs, 0, NULL);
    free(abs);
    if (!text) {
        problem(rel, 0, "cannot read");
        return;
    }
    int n;
    char **lines = split_lines(text, &n);
    blame_load(root, rel, n);
    for (int i = 0; i < n; i++) {
        check_line_refs(root, rel, i + 1, casedir, lines[i]);
        check_figures(rel, i + 1, lines[i]);
    }
    apply_edits(root, rel, lines, n);
    check_paragraphs(rel, lines, n);
    if (casename) {
        struct mcase c;
        char *err = NULL, *dir = path_join(root, casedir);
        if (case_load(dir, casename, &c, &err) < 0)
            problem(rel, 0, "its case.ini does not load: %s", err);
        else
            check_tables(rel, lines, n, &c);
        case_release(&c);
        free(err);
        free(dir);
    }
    free(lines);
    free(text);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of a folder (sorted, malloc'd names), or NULL. */
static char **entries(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    char **v = NULL;
    size_t alloc = 0;
    struct dirent *e;
    *n = 0;
    if (!d)
        return NULL;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            ALLOC_GROW(v, *n + 1, alloc);
            v[(*n)++] = xstrdup(e->d_name);
        }
    closedir(d);
    if (*n)
        qsort(v, *n, sizeof(*v), cmp_str);
    return v;
}

/* ---- 6: the README's sample matrix against the detector table -------- */

static int nmatrices;

static void check_sample_matrix(const char *root, const char *rel)
{
    char *path = path_join(root, rel);
    char *text = read_file(path, (size_t)4 << 20, NULL);
    free(path);
    if (!text)
        return;
    int n;
    char **lines = split_lines(text, &n);
    bool code = false;
    for (int i = 0; i < n; i++) {
        const char *l = lines[i];
        if (!strncmp(l, "```", 3)) {
            code = !code;
            continue;
        }
        if (!code || strncmp(l, "case ", 5))
            continue;
        char *words = xstrdup(l), *save = NULL;
        char *w = strtok_r(words, " ", &save);
        w = strtok_r(NULL, " ", &save);
        if (!w || strcmp(w, "variant")) {
            free(words);
            continue;
        }
        nmatrices++;
        struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
        for (int d = 0; d < DET_COUNT; d++)
            if (!detector_row(d)->not_default)
                strbuf_addf(&want, "%s%s", want.len ? " " : "",
                            detector_name(d));
        while ((w = strtok_r(NULL, " ", &save)))
            strbuf_addf(&got, "%s%s", got.len ? " " : "", w);
        if (strcmp(want.buf ? want.buf : "", got.buf ? got.buf : ""))
            problem(rel, i + 1,
                    "the sample matrix has the columns %s; a run has %s "
                    "today (scripts/readme-samples regenerates it)",
                    got.buf ? got.buf : "(none)", want.buf ? want.buf : "");
        strbuf_release(&want);
        strbuf_release(&got);
        free(words);
    }
    free(lines);
    free(text);
}

/* Check 5: the runner's file map of docs/architecture.md. */
static char **runner_layers(const char *root, int *n)
{
    char *mk = path_join(root, "Makefile"), *text = read_file(mk, 0, NULL);
    char **v = NULL;
    size_t alloc = 0;
    *n = 0;
    free(mk);
    static const char key[] = "RUNNER_LAYERS := ";
    const char *p = text;
    while (p && strncmp(p, key, strlen(key)) && (p = strchr(p, '\n')))
        p++;
    if (p) {
        p += strlen(key);
        while (*p && *p != '\n') {
            size_t len = strcspn(p, " \t\n");
            if (len) {
                ALLOC_GROW(v, (size_t)*n + 1, alloc);
                v[(*n)++] = xstrndup(p, len);
            }
            p += len;
            p += strspn(p, " \t");
        }
    }
    free(text);
    return v;
}

static bool c_source(const char *name)
{
    size_t l = strlen(name);
    return l > 2 && name[l - 2] == '.' &&
           (name[l - 1] == 'c' || name[l - 1] == 'h');
}

static void check_file_map(const char *root)
{
    static const char doc[] = "docs/architecture.md";
    int nl, n;
    char *rdir = path_join(root, "runner");
    struct stat st;
    bool have_runner = !stat(rdir, &st) && S_ISDIR(st.st_mode);
    free(rdir);
    if (!have_runner) /* a tree with no runner has no map to keep */
        return;
    char **layers = runner_layers(root, &nl);
    char *abs = path_join(root, doc), *text = read_file(abs, 0, NULL);
    free(abs);
    if (!nl) {
        problem("Makefile", 0, "no RUNNER_LAYERS line");
        goto out;
    }
    if (!text) {
        problem(doc, 0, "cannot read");
        goto out;
    }
    char **lines = split_lines(text, &n);
    struct strvec listed = {0};
    int in_map = 0, layer = -1, next = 0; /* layer: index, nl for main.c */
    for (int i = 0; i < n; i++) {
        const char *l = lines[i];
        if (!strncmp(l, "## ", 3)) {
            in_map = !strcmp(l, "## The runner in layers");
            continue;
        }
        if (!in_map)
            continue;
        if (!strncmp(l, "### `", 5)) {
            size_t len = strcspn(l + 5, "`");
            char *name = xstrndup(l + 5, len);
            if (!strcmp(name, "main.c")) {
                layer = nl;
                if (next != nl)
                    problem(doc, i + 1,
                            "main.c's heading before the layer `%s/`",
                            layers[next]);
            } else if (next < nl && len && name[len - 1] == '/' &&
                       !strncmp(name, layers[next], len - 1) &&
                       strlen(layers[next]) == len - 1) {
                layer = next++;
            } else {
                problem(doc, i + 1,
                        "heading `%s` is not the next layer of RUNNER_LAYERS "
                        "(want `%s/`)",
                        name, next < nl ? layers[next] : "main.c");
            }
            free(name);
            continue;
        }
        if (l[0] != '|' || layer < 0)
            continue;
        /* the first cell's `paths` */
        const char *end = strchr(l + 1, '|');
        for (const char *p = strchr(l, '`'); p && end && p < end;
             p = strchr(p, '`')) {
            const char *q = strchr(p + 1, '`');
            if (!q || q > end)
                break;
            char *path = xstrndup(p + 1, (size_t)(q - p - 1));
            p = q + 1;
            if (!c_source(path)) {
                free(path);
                continue;
            }
            const char *slash = strchr(path, '/');
            bool ok =
                layer == nl
                    ? !slash
                    : slash &&
                          (size_t)(slash - path) == strlen(layers[layer]) &&
                          !strncmp(path, layers[layer], strlen(layers[layer]));
            char *rel = xasprintf("runner/%s", path);
            if (!ok)
                problem(doc, i + 1, "`%s` is listed under the layer `%s`", path,
                        layer == nl ? "main.c" : layers[layer]);
            else if (!exists(root, rel))
                problem(doc, i + 1, "`%s` is listed but there is no %s", path,
                        rel);
            strvec_push(&listed, path);
            nmapped++;
            free(rel);
            free(path);
        }
    }
    if (next != nl || layer != nl)
        problem(doc, 0,
                "the map (## The runner in layers) lacks a heading per layer "
                "of RUNNER_LAYERS and one for main.c");
    /* every file of the layers is listed */
    for (int k = 0; k <= nl; k++) {
        size_t ne = 0;
        char *dir = k < nl ? xasprintf("%s/runner/%s", root, layers[k])
                           : xasprintf("%s/runner", root);
        char **names = entries(dir, &ne);
        for (size_t e = 0; e < ne; e++) {
            char *path = k < nl ? xasprintf("%s/%s", layers[k], names[e])
                                : xstrdup(names[e]);
            bool want =
                k < nl ? c_source(names[e]) : !strcmp(names[e], "main.c");
            bool found = false;
            for (size_t j = 0; want && j < listed.nr; j++)
                found |= !strcmp(listed.v[j], path);
            if (want && !found)
                problem(doc, 0,
                        "runner/%s is not in the map (## The runner in layers)",
                        path);
            free(path);
            free(names[e]);
        }
        free(names);
        free(dir);
    }
    strvec_release(&listed);
    free(lines);
out:
    free(text);
    for (int k = 0; k < nl; k++)
        free(layers[k]);
    free(layers);
}

static int check_root(const char *root)
{
    size_t n;
    char *cases = path_join(root, "cases"), *docs = path_join(root, "docs");
    char **names = entries(cases, &n);
    if (!names) {
        fprintf(stderr, "check-docs: cannot read %s/cases\n", root);
        return 2;
    }
    char *why = NULL;
    if (catalog_load(cases, &cat, &why) < 0)
        problem("cases", 0, "the catalog does not load: %s", why);
    else
        have_cat = true;
    free(why);
    bench_load(root);
    check_doc(root, "README.md", NULL, NULL);
    check_sample_matrix(root, "README.md");
    check_doc(root, "cases/README.md", NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        char *dir = xasprintf("cases/%s", names[i]);
        char *ini = xasprintf("%s/case.ini", dir),
             *readme = xasprintf("%s/README.md", dir);
        if (exists(root, ini))
            check_doc(root, readme, dir, names[i]);
        free(dir), free(ini), free(readme), free(names[i]);
    }
    free(names);
    names = entries(docs, &n);
    for (size_t i = 0; names && i < n; i++) {
        size_t l = strlen(names[i]);
        if (l > 3 && !strcmp(names[i] + l - 3, ".md")) {
            char *rel = xasprintf("docs/%s", names[i]);
            check_doc(root, rel, NULL, NULL);
            free(rel);
        }
        free(names[i]);
    }
    free(names);
    free(cases);
    free(docs);
    check_file_map(root);
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1;
    if (i < argc && !strcmp(argv[i], "--fix")) {
        fix = true;
        i++;
    }
    const char *root = i < argc ? argv[i] : ".";
    if (argc > i + 1 || (i < argc && argv[i][0] == '-')) {
        fprintf(stderr, "usage: check-docs [--fix] [ROOT]\n");
        return 2;
    }
    int rc = check_root(root);
    if (rc)
        return rc;
    if (problems) {
        printf("check-docs: %d problem%s (%d references, %d tables, %d "
               "benchmark figures, %d counts, %d runner files, %d sample "
               "matrices checked)\n",
               problems, problems == 1 ? "" : "s", nrefs, ntables, nfigures,
               ncounts, nmapped, nmatrices);
        return 1;
    }
    printf("check-docs: %d function path:line references and %d detector "
           "tables agree with the code and case.ini; %d benchmark figures "
           "with docs/benchmarks.md; %d counts with the catalog and the "
           "detector table; %d runner files with their layers; %d sample "
           "matrices with the default detectors\n",
           nrefs, ntables, nfigures, ncounts, nmapped, nmatrices);
    return 0;
}
