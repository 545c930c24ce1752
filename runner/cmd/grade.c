/*
 * cmd/grade.c - `maprace grade EXERCISE FILE.c` (see cmd/grade.h).
 *
 * The answer becomes the one variant of a copy of the exercise's case in
 * <build>/grade/cases/<exercise>/ (case.ini regenerated from the case's,
 * the variant expected clean everywhere), which the runner checks like any
 * catalog; its report goes to <build>/grade/reports/. Then a few native
 * runs with the overlap probe preloaded count the map calls and tell
 * whether the threads overlapped.
 */
#include "cmd/grade.h"

#include "cmd/builtin.h"
#include "cmd/options.h"
#include "cmd/repository.h"
#include "lib/ansi.h"
#include "engine/catalog.h"
#include "engine/detectors.h"
#include "lib/exec.h"
#include "lib/exit.h"
#include "engine/results-model.h"
#include "engine/run.h"
#include "lib/util.h"
#include "report/common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct verb_option grade_options[] = {
    {OPT_DETECTORS, "detectors for (a) (default all; native is always run; "
                    "for a Go answer @detectors-go@)"},
    {OPT_RUNS, "forced runs per detector (default 1)"},
    {OPT_BUILD, NULL},
    {OPT_NO_COLOR, "no colour"},
    {OPT_COUNT, NULL},
};

static const char grade_synopsis[] =
    "usage: maprace grade [-d LIST] [--runs N] [--build DIR] [--no-color]\n"
    "                     EXERCISE FILE.c|FILE.go\n";
static const char grade_what[] =
    "Grade FILE.c, an answer to exercises/EXERCISE/TASK.md. It passes when\n"
    "  (a) no detector reports anything in any forced run,\n"
    "  (b) it still does the job: the exercise's output, no symptom, and\n"
    "      at least the map calls the work needs (counted by the model),\n"
    "  (c) its threads still overlap: another thread gets some map calls\n"
    "      done while one is between two of its own.\n"
    "exercises/README.md says how each is checked. A Go answer (FILE.go,\n"
    "from the case's Go twin) is graded on (a), under go and go-race, and\n"
    "(b), its output only; (c) needs the C model's probe and is not checked.\n";
static const char grade_more[] =
    "exit codes: 0 passed; 1 failed; 2 usage, unknown exercise or bad\n"
    "exercise.ini; 3 a required tool is missing; 130 interrupted.\n";

static const struct verb_spec grade_spec = {
    .name = "grade",
    .synopsis = grade_synopsis,
    .what = grade_what,
    .options = grade_options,
    .more = grade_more,
};

enum { MAX_CALL_RULES = 8, NR_MAP_FNS = 8 };

/* Keep in step with model/overlap.h and runner/preload/overlap.c. */
static const char *const map_fns[NR_MAP_FNS] = {
    "mapaccess1", "mapaccess2",  "mapassign",   "mapdelete",
    "mapclear",   "mapiterinit", "mapiternext", "maplen",
};

struct call_rule {
    int fn; /* index in map_fns */
    unsigned long long min;
};

struct exercise {
    char *name, *ini;
    char *title, *case_name, *start, *answers, *wrong;
    char *stdout_text, *not_text, *not_why;
    char *go_stdout_text; /* what the Go twin prints instead, or NULL */
    struct call_rule calls[MAX_CALL_RULES];
    size_t nr_calls;
    char *error; /* the first problem, "file:line: ..." */
};

static void exercise_release(struct exercise *e)
{
    free(e->name);
    free(e->ini);
    free(e->title);
    free(e->case_name);
    free(e->start);
    free(e->answers);
    free(e->wrong);
    free(e->stdout_text);
    free(e->go_stdout_text);
    free(e->not_text);
    free(e->not_why);
    free(e->error);
}

/* "fn N, fn N" into e->calls. */
static int parse_calls(struct exercise *e, const char *value, char **why)
{
    const char *s = value;
    while (*s) {
        char fn[32];
        unsigned long long n;
        int used;
        if (sscanf(s, " %31[a-z0-9] %llu%n", fn, &n, &used) != 2) {
            *why = xasprintf("bad calls '%s' (want: fn N, fn N)", value);
            return -1;
        }
        int k = -1;
        for (int i = 0; i < NR_MAP_FNS; i++)
            if (!strcmp(fn, map_fns[i]))
                k = i;
        if (k < 0 || e->nr_calls == MAX_CALL_RULES) {
            *why = k < 0 ? xasprintf("unknown map function '%s' in calls", fn)
                         : xasprintf("too many calls rules");
            return -1;
        }
        e->calls[e->nr_calls++] = (struct call_rule){k, n};
        s += used;
        s += strspn(s, " ,");
    }
    return 0;
}

static int ex_handler(void *user, const char *section, const char *name,
                      const char *value)
{
    struct exercise *e = user;
    char **slot = NULL;
    if (strcmp(section, "exercise")) {
        e->error = xasprintf("%s: unknown section [%s]", e->ini, section);
        return 0;
    }
    if (!strcmp(name, "title"))
        slot = &e->title;
    else if (!strcmp(name, "case"))
        slot = &e->case_name;
    else if (!strcmp(name, "start"))
        slot = &e->start;
    else if (!strcmp(name, "answers"))
        slot = &e->answers;
    else if (!strcmp(name, "wrong"))
        slot = &e->wrong;
    else if (!strcmp(name, "stdout"))
        slot = &e->stdout_text;
    else if (!strcmp(name, "go-stdout"))
        slot = &e->go_stdout_text;
    else if (!strcmp(name, "not"))
        slot = &e->not_text;
    else if (!strcmp(name, "not-why"))
        slot = &e->not_why;
    if (!strcmp(name, "calls")) {
        char *why;
        if (parse_calls(e, value, &why) < 0) {
            e->error = xasprintf("%s: %s", e->ini, why);
            free(why);
            return 0;
        }
        return 1;
    }
    if (!slot) {
        e->error = xasprintf("%s: unknown key '%s'", e->ini, name);
        return 0;
    }
    if (*slot) { /* inih's multi-line values: join with one space */
        char *joined = xasprintf("%s %s", *slot, value);
        free(*slot);
        *slot = joined;
    } else {
        *slot = xstrdup(value);
    }
    return 1;
}

/* Read exercises/<name>/exercise.ini. 0, or -1 with the error said. */
static int exercise_load(const char *root, const char *name, struct exercise *e)
{
    memset(e, 0, sizeof(*e));
    e->name = xstrdup(name);
    if (!*name || strchr(name, '/') || name[0] == '.') {
        error("unknown exercise '%s' (see exercises/README.md)", name);
        return -1;
    }
    e->ini = xasprintf("%s/exercises/%s/exercise.ini", root, name);
    if (access(e->ini, R_OK) < 0) {
        error("unknown exercise '%s': no exercises/%s/exercise.ini (see "
              "exercises/README.md)",
              name, name);
        return -1;
    }
    int rc = ini_parse(e->ini, ex_handler, e);
    if (!e->error && rc > 0)
        e->error = xasprintf("%s:%d: not an ini line", e->ini, rc);
    else if (!e->error && rc < 0)
        e->error = xasprintf("%s: cannot read it", e->ini);
    else if (!e->error && (!e->case_name || !e->start || !e->answers))
        e->error =
            xasprintf("%s: case, start and answers are required", e->ini);
    if (e->error) {
        error("%s", e->error);
        return -1;
    }
    return 0;
}

/* The variant name for FILE.c or FILE.go: its base name when it is a
 * plain word, else "answer". */
static char *variant_name(const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    size_t ext = path_is_go(base) ? 3 : 2;
    if (n > ext && (ext == 3 || ends_with(base, ".c"))) {
        char *v = xstrndup(base, n - ext);
        if (*v &&
            strspn(v, "abcdefghijklmnopqrstuvwxyz"
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == strlen(v))
            return v;
        free(v);
    }
    return xstrdup("answer");
}

/* Empty dir of its .c and .go files (an earlier answer). */
static void remove_sources(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    if (!d)
        return;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if ((n > 2 && ends_with(de->d_name, ".c")) || path_is_go(de->d_name)) {
            char *p = path_join(dir, de->d_name);
            unlink(p);
            free(p);
        }
    }
    closedir(d);
}

/* Remove the folders of earlier gradings from the grading catalog, so
 * that it holds one case only: a stale one must not be validated. */
static void remove_other_cases(const char *cat, const char *keep)
{
    DIR *d = opendir(cat);
    struct dirent *de;
    if (!d)
        return;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || !strcmp(de->d_name, keep))
            continue;
        char *dir = path_join(cat, de->d_name);
        char *ini = path_join(dir, "case.ini");
        remove_sources(dir);
        unlink(ini);
        rmdir(dir);
        free(ini);
        free(dir);
    }
    closedir(d);
}

/* The C source a Go answer's variant carries (a variant needs one; only
 * go and go-race run, so it is never built): the case's first reference
 * answer. Malloc'd, *len set; NULL after saying why. */
static char *reference_c(const struct exercise *e, const struct mcase *c,
                         size_t *len)
{
    size_t n = strcspn(e->answers, " ,");
    char *path = xasprintf("%s/%.*s.c", c->dir, (int)n, e->answers);
    char *text = read_file(path, 0, len);
    if (!text)
        error("cannot read %s: %s", path, strerror(errno));
    free(path);
    return text;
}

/* <build>/grade/cases/<exercise>/: case.ini from the case's [case] and a
 * [variant] expected clean, and the answer as <variant>.c (a Go answer as
 * <variant>.go, beside the case's reference C answer). Returns the
 * catalog folder (<build>/grade/cases), or NULL with the error said. */
static char *prepare_catalog(const char *grade_dir, const struct exercise *e,
                             const struct mcase *c, const char *variant,
                             const char *source, size_t len, bool go)
{
    size_t clen = 0;
    char *csrc = go ? reference_c(e, c, &clen) : NULL;
    if (go && !csrc)
        return NULL;
    char *cat = path_join(grade_dir, "cases");
    char *dir = path_join(cat, e->name);
    char *ini = path_join(dir, "case.ini");
    char *src = xasprintf("%s/%s.c", dir, variant);
    char *gosrc = xasprintf("%s/%s.go", dir, variant);
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb,
                "; generated by maprace grade from %s/case.ini\n"
                "[case]\ntitle = %s\ngo = %s\narticle = %s\nfamily = %s\n"
                "why = %s\n",
                c->name, c->title, c->go, c->article, c->family, c->why);
    if (c->timeout > 0)
        strbuf_addf(&sb, "timeout = %g\n", c->timeout);
    if (c->args)
        strbuf_addf(&sb, "args = %s\n", c->args);
    strbuf_addf(&sb, "\n[%s]\nexpect = clean\n", variant);
    int rc = -1;
    remove_other_cases(cat, e->name);
    if (mkdir_p(dir) < 0)
        error("cannot create %s: %s", dir, strerror(errno));
    else if (remove_sources(dir),
             write_file_atomic(ini, sb.buf, sb.len) < 0 ||
                 (go ? write_file_atomic(src, csrc, clen) < 0 ||
                           write_file_atomic(gosrc, source, len) < 0
                     : write_file_atomic(src, source, len) < 0))
        error("cannot write into %s: %s", dir, strerror(errno));
    else
        rc = 0;
    strbuf_release(&sb);
    free(dir);
    free(ini);
    free(src);
    free(gosrc);
    free(csrc);
    if (rc < 0) {
        free(cat);
        return NULL;
    }
    return cat;
}

/* One access of a race, in the answer's own terms. */
struct race_access {
    char kind[8]; /* "read", "write", or "" when the detector did not say */
    char *thread; /* the answer's function the thread started in, or NULL */
    char *func;   /* the answer's function that made the access, or NULL */
    int line;     /* its line in the answer, or 0 */
    char *map_op; /* the map operation it was part of ("m[k] = v"), or NULL:
                      the access is to a variable of the answer */
    bool locked;  /* the detector says it held a lock */
};

/* One race of the answer: a pair of accesses, and who saw it. */
struct race {
    struct race_access a, b;
    char *object; /* the variable's name when the detector gave it */
    bool dets[DET_COUNT];
};

/* Pairs kept, and shown. */
enum { MAX_RACES = 16, MAX_SHOWN = 3 };

/* One grading: what it needs, and what it found. */
struct grade {
    const char *root, *build;
    struct exercise ex;
    const struct mcase *c; /* the exercise's case, in the real catalog */
    char *variant;         /* the answer's variant name */
    char *file;            /* FILE.c as given */
    char *code;            /* the answer, comments and strings blanked */
    char *grade_dir;       /* <root>/<build>/grade */
    char *report_dir;      /* of the detectors' run */
    char *binary;          /* the native build of the answer */
    bool color;
    bool go;           /* a Go answer: go and go-race, (b) from the go runs */
    size_t output_cap; /* of every run (cli_run_opts()) */
    int session_rc;
    struct strbuf race, job, overlap; /* why (a), (b), (c) failed */
    struct strbuf other;   /* (a): findings that are not data races */
    char *build_error;     /* the answer did not compile: the first error */
    char *fatal_msg;       /* Go's fatal error, as a run printed it */
    bool fatal[DET_COUNT]; /* Go's own check stopped the detector's run */
    struct race races[MAX_RACES];
    size_t nr_races, races_more;
    bool ran[DET_COUNT];     /* the detector ran the answer */
    bool failed[DET_COUNT];  /* ... and did not pass */
    bool nonrace[DET_COUNT]; /* ... with something else than a data race */
    bool atomics_excused;    /* Helgrind/DRD's races forgiven (C11 atomics) */
    bool gave_up;            /* a window plan waited in vain */
    bool job_seen;           /* some run printed the stdout text */
};

/* Check one run's stdout for the exercise's texts. */
/* The text every run of the answer must print. */
static const char *job_text(const struct grade *g)
{
    return g->go ? g->ex.go_stdout_text : g->ex.stdout_text;
}

static void check_output(struct grade *g, const char *out, const char *what)
{
    const struct exercise *e = &g->ex;
    const char *want = job_text(g);
    if (want && strstr(out, want))
        g->job_seen = true;
    else if (want && !g->job.len)
        strbuf_addf(&g->job,
                    "    %s did not print \"%s\": the program must still "
                    "do all its work and say so.\n",
                    what, want);
    const char *bad = e->not_text ? strstr(out, e->not_text) : NULL;
    if (bad && !strstr(strbuf_str(&g->job), e->not_text)) {
        const char *eol = strchr(bad, '\n');
        const char *bol = bad;
        while (bol > out && bol[-1] != '\n')
            bol--;
        strbuf_addf(&g->job, "    %s printed: %.*s\n", what,
                    (int)((eol ? eol : bad + strlen(bad)) - bol), bol);
        if (e->not_why)
            strbuf_addf(&g->job, "    That means %s.\n", e->not_why);
    }
}

static char *read_log(const struct grade *g, const struct res_run *run,
                      const char *key)
{
    const char *rel = res_run_log(run, key);
    if (!rel)
        return NULL;
    char *path = path_join(g->report_dir, rel);
    char *text = read_file(path, 0, NULL);
    free(path);
    return text;
}

/* The Go operation behind a model (or Go runtime) map function: the
 * outermost one on a stack names what the answer did to the map. */
static const struct {
    const char *fn, *go;
} map_ops[] = {
    {"mapstore", "m[k] = v"},      {"mapassign", "m[k] = v"},
    {"mapaccess1", "v := m[k]"},   {"mapaccess2", "v, ok := m[k]"},
    {"mapdelete", "delete(m, k)"}, {"mapclear", "clear(m)"},
    {"mapiterinit", "range m"},    {"mapiternext", "range m"},
    {"maplen", "len(m)"},          {"Map_", "a sync.Map call"},
};

/* Whether a frame's file is the answer (its copy in the grading catalog:
 * .../<exercise>/<variant>.c or .go, or a Go path ending so). */
static bool is_answer_file(const struct grade *g, const char *file)
{
    if (!file)
        return false;
    char *tail = xasprintf("/%s%s", g->variant, g->go ? ".go" : ".c");
    bool yes = ends_with(file, tail) || !strcmp(file, tail + 1);
    free(tail);
    return yes;
}

/* The map operation a stack was in (frames above the answer's first), or
 * NULL when the access is the answer's own. */
static const char *stack_map_op(const struct grade *g,
                                const struct res_access *acc)
{
    const char *op = NULL;
    for (size_t i = 0; i < acc->nr_frames; i++) {
        const char *file = acc->frames[i].file;
        const char *fn = acc->frames[i].func;
        if (is_answer_file(g, file))
            break;
        for (size_t k = 0; fn && k < sizeof(map_ops) / sizeof(map_ops[0]); k++)
            if (strstr(fn, map_ops[k].fn))
                op = map_ops[k].go; /* keep the outermost */
    }
    return op;
}

/* An access of a finding (NULL: none) as grade compares them. */
static void access_from_results(const struct grade *g,
                                const struct res_access *acc,
                                struct race_access *a)
{
    memset(a, 0, sizeof(*a));
    if (!acc)
        return;
    const char *kind = acc->kind;
    if (kind && (!strcmp(kind, "read") || !strcmp(kind, "write")))
        snprintf(a->kind, sizeof(a->kind), "%s", kind);
    a->locked = acc->nr_locks > 0;
    for (size_t i = 0; i < acc->nr_frames; i++) {
        const char *file = acc->frames[i].file;
        const char *fn = acc->frames[i].func;
        if (!is_answer_file(g, file))
            continue;
        if (!a->line) {
            a->line = (int)acc->frames[i].line;
            a->func = fn ? xstrdup(fn) : NULL;
        }
        free(a->thread);
        a->thread = fn ? xstrdup(fn) : NULL; /* the outermost one */
    }
    const char *op = stack_map_op(g, acc);
    a->map_op = op ? xstrdup(op) : NULL;
}

static void access_release(struct race_access *a)
{
    free(a->thread);
    free(a->func);
    free(a->map_op);
}

/* The variable a detector named in a finding's location: TSan's "global
 * 'busy'", Helgrind's "data symbol \"busy\"". Malloc'd, or NULL. */
static char *location_name(const char *loc)
{
    const char *pats[][2] = {{"global '", "'"}, {"data symbol \"", "\""}};
    for (size_t i = 0; loc && i < 2; i++) {
        const char *s = strstr(loc, pats[i][0]);
        if (!s)
            continue;
        s += strlen(pats[i][0]);
        const char *e = strstr(s, pats[i][1]);
        if (e && e > s)
            return xstrndup(s, (size_t)(e - s));
    }
    return NULL;
}

static bool same_access(const struct race_access *x,
                        const struct race_access *y)
{
    return x->line == y->line && !strcmp(x->kind, y->kind) &&
           !x->map_op == !y->map_op;
}

/* Add a data race a detector found to g->races, merged with the same
 * pair seen by another detector (or in another run). */
static void add_race(struct grade *g, enum detector d,
                     const struct res_finding *finding)
{
    struct race r = {0};
    access_from_results(g, finding->nr_accesses ? &finding->accesses[0] : NULL,
                        &r.a);
    if (finding->nr_accesses > 1)
        access_from_results(g, &finding->accesses[1], &r.b);
    /* the earlier line first, so that two reports of one pair merge */
    if (r.b.line && (r.b.line < r.a.line || (r.b.line == r.a.line &&
                                             strcmp(r.b.kind, r.a.kind) > 0))) {
        struct race_access t = r.a;
        r.a = r.b;
        r.b = t;
    }
    if (!r.a.map_op && !r.b.map_op)
        r.object = location_name(finding->location);
    for (size_t i = 0; i < g->nr_races; i++) {
        struct race *o = &g->races[i];
        bool match, upgrade = false;
        if (r.b.line && o->b.line)
            match = same_access(&o->a, &r.a) && same_access(&o->b, &r.b);
        else if (o->b.line) /* DRD names one side: either side of a pair */
            match = same_access(&o->a, &r.a) || same_access(&o->b, &r.a);
        else if (r.b.line)
            match = upgrade =
                same_access(&o->a, &r.a) || same_access(&o->a, &r.b);
        else
            match = same_access(&o->a, &r.a);
        if (!match)
            continue;
        o->dets[d] = true;
        if (upgrade) { /* a fuller report of the pair */
            struct race_access t = o->a;
            o->a = r.a;
            r.a = t;
            o->b = r.b;
            r.b = (struct race_access){0};
        }
        if (!o->object && r.object) {
            o->object = r.object;
            r.object = NULL;
        }
        o->a.locked |= r.a.locked;
        o->b.locked |= r.b.locked;
        access_release(&r.a);
        access_release(&r.b);
        free(r.object);
        return;
    }
    if (g->nr_races == MAX_RACES) {
        g->races_more++;
        access_release(&r.a);
        access_release(&r.b);
        free(r.object);
        return;
    }
    r.dets[d] = true;
    g->races[g->nr_races++] = r;
}

/* A finding that is not a data race, in one line. */
static void add_other(struct grade *g, const char *det,
                      const struct res_finding *finding)
{
    const char *kind = finding->kind;
    struct race_access a;
    access_from_results(g, finding->nr_accesses ? &finding->accesses[0] : NULL,
                        &a);
    char *line =
        a.line ? xasprintf(" at line %d (in %s)", a.line, a.func ? a.func : "?")
               : xstrdup("");
    char *text = xasprintf("    %s reports %s%s\n", det,
                           kind ? kind : "a problem", line);
    if (!strstr(strbuf_str(&g->other), text))
        strbuf_addstr(&g->other, text);
    free(text);
    free(line);
    access_release(&a);
}

/* The first compile error of a build log, its path made the answer's:
 * the first line that names the answer's file and a line (gcc, clang,
 * go), else the first that says "error", else the first. */
static char *answer_build_error(const struct grade *g, const char *log)
{
    char *tail = xasprintf("%s%s:", g->variant, g->go ? ".go" : ".c");
    const char *pick = NULL, *err = NULL;
    for (const char *l = log; l && *l && !pick;
         l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        size_t n = strcspn(l, "\n");
        char *line = xstrndup(l, n);
        const char *at = strstr(line, tail);
        if (at && (at == line || at[-1] == '/') && at[strlen(tail)] >= '0' &&
            at[strlen(tail)] <= '9')
            pick = l;
        else if (!err && strstr(line, "error"))
            err = l;
        free(line);
    }
    if (!pick)
        pick = err ? err : log;
    char *first = xstrndup(pick, strcspn(pick, "\n"));
    char *at = strstr(first, tail);
    char *out;
    if (at && (at == first || at[-1] == '/'))
        out = xasprintf("%s%s", g->file, at + strlen(tail) - 1);
    else
        out = xstrdup(first);
    free(tail);
    free(first);
    return out;
}

/* (a) from the findings of each cell, (b) from the native runs' stdout. */
static void read_cell(struct grade *g, const struct res_cell *cell)
{
    const char *det = cell->detector;
    enum verdict verdict = cell->verdict;
    const char *observed = cell->observed;
    const char *note = cell->note;
    const char *flavour = cell->flavour;
    const char *bin = cell->binary;
    const char *berr = cell->build_error;
    int d = detector_by_name(det);
    if (d < 0)
        return;
    if (flavour && bin && !strcmp(flavour, detector_flavour(DET_NATIVE)) &&
        !g->binary)
        g->binary = xstrdup(bin);
    if (berr && *berr) {
        if (!g->build_error)
            g->build_error = answer_build_error(g, berr);
        return;
    }
    long long hit = cell->detected_runs;
    long long n = cell->runs_done;
    g->ran[d] = n > 0;
    if (verdict != VERDICT_PASS) {
        g->failed[d] = true;
        size_t races = 0;
        bool fatal = observed && starts_with(observed, "fatal ");
        for (size_t k = 0; k < cell->nr_findings; k++) {
            const struct res_finding *f = &cell->findings[k];
            const char *kind = f->kind;
            const char *msg = f->message;
            if (kind && !strcmp(kind, "fatal")) {
                fatal = true;
                if (!g->fatal_msg && msg)
                    g->fatal_msg = xstrdup(msg);
            }
        }
        if (fatal && !g->fatal_msg)
            g->fatal_msg = xstrdup(observed + 6);
        g->fatal[d] = fatal;
        for (size_t k = 0; k < cell->nr_findings; k++) {
            const struct res_finding *f = &cell->findings[k];
            const char *kind = f->kind;
            if (kind && !strcmp(kind, "data-race")) {
                add_race(g, d, f);
                races++;
            } else if (kind && strcmp(kind, "fatal") &&
                       !(fatal && !strcmp(kind, "thread-leak"))) {
                /* (a thread leak is what a fatal error leaves behind) */
                add_other(g, det, f);
                g->nonrace[d] = true;
            }
        }
        if (fatal) {
            g->nonrace[d] = true;
        } else if (verdict == VERDICT_ERROR) {
            strbuf_addf(&g->other, "    %s could not run it: %s\n", det,
                        note ? note : "error");
            g->nonrace[d] = true;
        } else if (!races && !g->nonrace[d]) {
            strbuf_addf(&g->other, "    %s: %s (in %lld of %lld runs)\n", det,
                        observed ? observed : verdict_name(verdict), hit, n);
            g->nonrace[d] = true;
        }
    }
    for (size_t i = 0; i < cell->nr_runs_detail; i++) {
        const struct res_run *r = &cell->runs_detail[i];
        char *err = read_log(g, r, "stderr");
        if (err && strstr(err, "gave up waiting"))
            g->gave_up = true;
        free(err);
        const char *ex = r->exit;
        const char *plain =
            detector_name(g->go ? detector_go_stand_in(DET_GO) : DET_NATIVE);
        if (strcmp(det, plain) || !ex || strcmp(ex, "exit 0"))
            continue; /* a crash or fatal error is (a)'s */
        char *out = read_log(g, r, "stdout");
        char what[64];
        snprintf(what, sizeof(what), "the %s%s run %zu", g->go ? "" : "forced ",
                 plain, i + 1);
        if (out)
            check_output(g, out, what);
        free(out);
    }
}

/* Run the answer under the detectors, forced, expected clean everywhere,
 * and read what they said. Returns 0, or the runner's exit code when it
 * could not run (2, 3, 130). */
static int run_detectors(struct grade *g, const struct cli *a,
                         const char *catalog)
{
    struct session s;
    memset(&s, 0, sizeof(s));
    struct run_opts *o = &s.opts;
    /* the options as `run` has them; no -d: its default set (not the hmap
     * Go, not the Swiss model: an answer is graded on the model the
     * exercise uses) */
    if (cli_run_opts(a, g->root, o) < 0)
        return EXIT_USAGE;
    free((char *)o->out); /* the report goes under grade_dir */
    o->detectors_default = false;
    g->output_cap = o->output_cap;
    const char *detectors = a->detectors;
    int other = detector_mask_language(o->detectors, g->go,
                                       !detectors || !strcmp(detectors, "all"));
    if (other >= 0) {
        error("%s runs %s answers only", detector_name(other),
              g->go ? "C" : "Go");
        return EXIT_USAGE;
    }
    /* a Go answer runs under the current Go, else under the hmap Go */
    for (int d = 0; d < DET_COUNT; d++)
        if (o->detectors[d] && detector_go_stand_in(d) != (enum detector)d) {
            o->detectors[d] = false;
            o->detectors[detector_go_stand_in(d)] = true;
        }
    if (g->go)
        o->detectors[detector_go_stand_in(DET_GO)] = true; /* (b) */
    else
        o->detectors[DET_NATIVE] = true; /* (b) and the binary for (c) */
    char *err;
    if (catalog_load(catalog, &s.cat, &err) < 0) {
        error("%s", err);
        free(err);
        return EXIT_USAGE;
    }
    char *out = path_join(g->grade_dir, "reports");
    char *names[] = {g->ex.name};
    o->cases = names;
    o->nr_cases = 1;
    o->out = out;
    o->cases_dir = catalog;
    o->check = true;
    report_opts_set(o, 0); /* results.json and summary.txt only */
    /* The matrix and its "Not as expected" lines speak to CI (every cell
     * of a grading is expected clean): the learner gets report()'s words
     * instead. Errors and progress stay on stderr. */
    fflush(stdout);
    int saved = dup(1), null = open("/dev/null", O_WRONLY);
    if (saved >= 0 && null >= 0)
        dup2(null, 1);
    g->session_rc = session_run(&s);
    fflush(stdout);
    if (saved >= 0 && null >= 0)
        dup2(saved, 1);
    if (saved >= 0)
        close(saved);
    if (null >= 0)
        close(null);
    if (s.report_dir)
        g->report_dir = xstrdup(s.report_dir);
    session_release(&s);
    free(out);
    if (g->session_rc > EXIT_NOT_AS_EXPECTED || !g->report_dir)
        return g->session_rc > EXIT_NOT_AS_EXPECTED ? g->session_rc : EXIT_ENV;
    char *path = path_join(g->report_dir, "results.json"), *why = NULL;
    struct results res;
    int rc = results_load(path, &res, &why);
    free(path);
    if (rc) {
        error("cannot read the grading run's results.json: %s", why);
        free(why);
        return EXIT_ENV;
    }
    for (size_t i = 0; i < res.nr_cells; i++)
        read_cell(g, &res.cells[i]);
    results_release(&res);
    return 0;
}

/* What one overlap log says. */
struct overlap_run {
    unsigned long long calls[NR_MAP_FNS];
    int workers; /* threads besides main that called the map */
    int lonely;  /* a worker nobody got in between, or 0 */
    unsigned long long lonely_calls;
};

static int parse_overlap(const char *text, struct overlap_run *r)
{
    memset(r, 0, sizeof(*r));
    if (!text || !starts_with(text, "maprace-overlap 1\n"))
        return -1;
    for (const char *l = text; l && *l;
         l = strchr(l, '\n'), l = l ? l + 1 : l) {
        char fn[32];
        unsigned long long n, inside;
        int t, main_thread;
        if (sscanf(l, "calls %31s %llu", fn, &n) == 2) {
            for (int k = 0; k < NR_MAP_FNS; k++)
                if (!strcmp(fn, map_fns[k]))
                    r->calls[k] = n;
        } else if (sscanf(l, "thread %d main %d calls %llu inside %llu", &t,
                          &main_thread, &n, &inside) == 4 &&
                   !main_thread && n) {
            r->workers++;
            if (n >= 2 && !inside && !r->lonely) {
                r->lonely = t;
                r->lonely_calls = n;
            }
        }
    }
    return 0;
}

/* (b): the calls one run made against the exercise's minimum. */
static void check_calls(struct grade *g, const struct overlap_run *r, int run)
{
    for (size_t i = 0; i < g->ex.nr_calls; i++) {
        const struct call_rule *cr = &g->ex.calls[i];
        if (r->calls[cr->fn] >= cr->min ||
            strstr(strbuf_str(&g->job), map_fns[cr->fn]))
            continue;
        strbuf_addf(&g->job,
                    "    native run %d made %llu %s calls; the work needs at "
                    "least %llu. Removing work removes races too, but the "
                    "program must still do every update.\n",
                    run, r->calls[cr->fn], map_fns[cr->fn], cr->min);
    }
}

/* One native run with the probe. Returns 0 and fills r, or -1 (said in
 * g->job or on stderr). */
static int overlap_run(struct grade *g, int run, const char *probe,
                       struct overlap_run *r)
{
    char *base = xasprintf("%s/raw/overlap.r%d", g->report_dir, run);
    char *log = xasprintf("%s.log", base), *out = xasprintf("%s.stdout", base),
         *err = xasprintf("%s.stderr", base);
    char *env[] = {xasprintf("LD_PRELOAD=%s", probe),
                   xasprintf("MAPRACE_OVERLAP_LOG=%s", log),
                   xstrdup("MAPRACE_FORCE=0"), NULL};
    char *argv[] = {g->binary, NULL};
    struct proc_spec spec = {.argv = argv,
                             .env = env,
                             .stdout_path = out,
                             .stderr_path = err,
                             .timeout_s =
                                 g->c->timeout > 0 ? g->c->timeout : 60,
                             .output_cap = g->output_cap};
    struct proc p;
    char *why = NULL;
    int rc = -1;
    unlink(log);
    if (exec_run(&spec, &p, &why) < 0) {
        error("cannot run %s: %s", g->binary, why);
    } else if (!exec_exited(&p, 0)) {
        char *e = read_file(err, 0, NULL);
        char *fe = e ? strstr(e, "fatal error: ") : NULL;
        if (fe)
            fe[strcspn(fe, "\n")] = '\0';
        strbuf_addf(&g->job,
                    "    native run %d (not forced) did not finish: %s\n", run,
                    fe ? fe : exec_describe(&p));
        free(e);
    } else {
        char *text = read_file(log, 0, NULL), *o = read_file(out, 0, NULL);
        char what[64];
        snprintf(what, sizeof(what), "native run %d (not forced)", run);
        check_output(g, o ? o : "", what);
        if (parse_overlap(text, r) < 0)
            error("the overlap probe wrote no log (%s)", log);
        else
            rc = 0;
        free(text);
        free(o);
    }
    free(why);
    for (int i = 0; env[i]; i++)
        free(env[i]);
    free(base);
    free(log);
    free(out);
    free(err);
    return rc;
}

/* (b) and (c): up to GRADE_OVERLAP_RUNS native runs with the probe, until
 * one shows the threads overlapping. Returns 0, or an exit code. */
static int check_overlap(struct grade *g)
{
    char *probe = xasprintf("%s/%s/maprace-overlap.so", g->root, g->build);
    if (g->build[0] == '/') {
        free(probe);
        probe = path_join(g->build, "maprace-overlap.so");
    }
    if (access(probe, R_OK) < 0) {
        error("the overlap probe %s is missing (build it: make runner)", probe);
        free(probe);
        return EXIT_ENV;
    }
    struct overlap_run r = {0}, last = {0};
    int overlapped = 0, done = 0;
    for (int run = 1; run <= GRADE_OVERLAP_RUNS && !overlapped; run++) {
        if (overlap_run(g, run, probe, &r) < 0)
            break;
        done++;
        check_calls(g, &r, run);
        if (r.workers >= 2 && !r.lonely)
            overlapped = run;
        last = r;
    }
    free(probe);
    if (!done) {
        if (!g->job.len)
            strbuf_addstr(&g->job, "    no native run completed\n");
        return 0;
    }
    if (overlapped)
        return 0;
    if (last.workers < 2)
        strbuf_addf(&g->overlap,
                    "    Only %d thread%s besides main used the map: removing "
                    "a thread removes the race,\n    and the concurrency the "
                    "exercise is about with it. Keep the threads the\n    "
                    "program had, each doing its own share, and order their "
                    "map calls with a lock.\n    See `maprace explain "
                    "map-waitgroup-writes` (two ways to keep workers "
                    "parallel).\n",
                    last.workers, last.workers == 1 ? "" : "s");
    else
        strbuf_addf(
            &g->overlap,
            "    In %d run%s, thread %d made all its %llu map calls "
            "without any other thread getting\n    one in between, "
            "although the grader paused it, whenever it held no lock, "
            "to let\n    the others in.\n"
            "    Your program is race-free because it runs one thread "
            "at a time: a lock held across\n    a thread's whole loop, "
            "or a thread joined before the next one starts, orders\n"
            "    everything and leaves nothing to run in parallel. Hold "
            "a lock for one unit of\n    work (one assignment, one "
            "transaction, one whole range), and start every thread\n"
            "    before you join any. See `maprace explain "
            "map-iterate-write` (a lock too short,\n    and the right "
            "length).\n",
            done, done == 1 ? "" : "s", last.lonely, last.lonely_calls);
    return 0;
}

/* A path as shown: relative to the current folder when under it. */
static const char *shown_path(const char *abs)
{
    static char cwd[PATH_MAX];
    size_t n;
    if (getcwd(cwd, sizeof(cwd)) && (n = strlen(cwd)) &&
        !strncmp(abs, cwd, n) && abs[n] == '/')
        return abs + n + 1;
    return abs;
}

/* The answer with its comments and string literals blanked: what the
 * wrong-fix checks search. Malloc'd. */
static char *code_of(const char *src)
{
    char *c = xstrdup(src);
    for (char *p = c; *p; p++) {
        if (p[0] == '/' && p[1] == '*') {
            char *e = strstr(p + 2, "*/");
            char *end = e ? e + 2 : p + strlen(p);
            for (; p < end; p++)
                if (*p != '\n')
                    *p = ' ';
            p--;
        } else if (p[0] == '/' && p[1] == '/') {
            for (; *p && *p != '\n'; p++)
                *p = ' ';
            p--;
        } else if (*p == '"') {
            for (p++; *p && *p != '"' && *p != '\n'; p++)
                if (*p == '\\' && p[1])
                    *p++ = ' ', *p = ' ';
                else
                    *p = ' ';
            if (!*p)
                break;
        }
    }
    return c;
}

static bool is_ident(char ch)
{
    return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9');
}

/* Whether `word` occurs in code as a whole word (or, ending in '_' or
 * '.', as a prefix: "atomic_", "atomic."). */
static bool has_word(const char *code, const char *word)
{
    size_t n = strlen(word);
    bool prefix = word[n - 1] == '_' || word[n - 1] == '.';
    for (const char *p = code; code && (p = strstr(p, word)); p++)
        if ((p == code || !is_ident(p[-1])) && (prefix || !is_ident(p[n])))
            return true;
    return false;
}

/* Whether `name` is declared volatile ("volatile int busy", "int
 * volatile busy", "volatile bool busy = false"). */
static bool declared_volatile(const char *code, const char *name)
{
    for (const char *p = code; (p = strstr(p, "volatile")); p++) {
        size_t n = strcspn(p, ";{)");
        char *decl = xstrndup(p, n);
        bool yes = has_word(decl, name);
        free(decl);
        if (yes)
            return true;
    }
    return false;
}

static bool sleeps(const char *code)
{
    static const char *const calls[] = {"sleep",      "usleep", "nanosleep",
                                        "thrd_sleep", "Sleep",  NULL};
    for (size_t i = 0; calls[i]; i++)
        if (has_word(code, calls[i]))
            return true;
    return false;
}

static bool uses_atomics(const char *code)
{
    return has_word(code, "atomic_") || has_word(code, "_Atomic") ||
           has_word(code, "__atomic_") || has_word(code, "__sync_") ||
           has_word(code, "atomic.");
}

/* Helgrind and DRD do not model C11 atomics: a correct atomic_flag
 * spinlock, or a release/acquire pair, is a race to them. When the answer
 * uses atomics, TSan ran (clang or gcc) and found nothing, the native run
 * found nothing, and Helgrind and DRD reported data races only, (a) is
 * judged from TSan and the native run (docs/exercises.md). */
static void excuse_atomics(struct grade *g)
{
    /* TSan is the TSan family, the native run the plain one (native),
     * Helgrind and DRD the rows that do not model atomics (detectors.h) */
    bool tsan_clean = false, tsan_failed = false, blind_failed = false;
    for (int d = 0; d < DET_COUNT; d++) {
        const struct detector_row *row = detector_row(d);
        if (row->family == FAMILY_TSAN) {
            tsan_clean |= g->ran[d] && !g->failed[d];
            tsan_failed |= g->failed[d];
        }
        if (row->no_atomics && g->nonrace[d])
            return;
        blind_failed |= row->no_atomics && g->failed[d];
    }
    if (g->go || !uses_atomics(g->code) || !tsan_clean || tsan_failed ||
        g->failed[DET_NATIVE] || !g->ran[DET_NATIVE] || !blind_failed)
        return;
    g->atomics_excused = true;
}

static void race_dets(struct strbuf *sb, const struct race *r)
{
    const char *sep = "";
    strbuf_addstr(sb, " (");
    for (int d = 0; d < DET_COUNT; d++)
        if (r->dets[d]) {
            strbuf_addf(sb, "%s%s", sep, detector_name(d));
            sep = ", ";
        }
    strbuf_addstr(sb, ")");
}

/* "thread func1 writes the map (m[k] = v at line 38, in assign_five)" */
static void say_access(struct strbuf *sb, const struct race_access *a,
                       const char *what, bool first, bool go)
{
    const char *thread = go ? "goroutine" : "thread";
    if (a->thread)
        strbuf_addf(sb, "%s %s ", thread, a->thread);
    else
        strbuf_addf(sb, "%s %s ", first ? "one" : "another", thread);
    strbuf_addf(sb, "%s %s",
                *a->kind ? (!strcmp(a->kind, "read") ? "reads" : "writes")
                         : "accesses",
                what);
    if (a->map_op)
        strbuf_addf(sb, " (%s at line %d", a->map_op, a->line);
    else
        strbuf_addf(sb, " (at line %d", a->line);
    if (a->func && (!a->thread || strcmp(a->func, a->thread)))
        strbuf_addf(sb, ", in %s", a->func);
    strbuf_addstr(sb, ")");
}

static void say_race(struct strbuf *sb, const struct race *r, bool go)
{
    char *what = r->object                      ? xasprintf("`%s`", r->object)
                 : (r->a.map_op || r->b.map_op) ? xstrdup("the map")
                                                : xstrdup("a variable");
    /* the same sentence whichever access the detector printed first
     * (TSan swaps them from run to run): the write first, then the lower
     * line */
    const struct race_access *x = &r->a, *y = &r->b;
    if (x->line && y->line) {
        bool xw = !strcmp(x->kind, "write"), yw = !strcmp(y->kind, "write");
        if ((yw && !xw) || (yw == xw && y->line < x->line)) {
            x = &r->b;
            y = &r->a;
        }
    }
    strbuf_addstr(sb, "    ");
    if (!x->line) {
        strbuf_addf(sb, "a race on %s outside your file", what);
    } else {
        say_access(sb, x, what, true, go);
        if (y->line) {
            strbuf_addstr(sb, "\n      while ");
            say_access(sb, y, "it", false, go);
        } else {
            strbuf_addstr(sb, "\n      while another thread accesses it "
                              "(this detector names one side only)");
        }
    }
    race_dets(sb, r);
    strbuf_addstr(sb, "\n");
    free(what);
}

/* The classic wrong fixes, recognised from the answer and the races, each
 * with the case that teaches why it fails. */
static void diagnose(struct grade *g, struct strbuf *sb)
{
    const char *code = g->code;
    bool on_map = false;
    const struct race *one_sided = NULL, *two_locks = NULL;
    const char *vol = NULL;
    for (size_t i = 0; i < g->nr_races; i++) {
        const struct race *r = &g->races[i];
        on_map |= r->a.map_op || r->b.map_op;
        if (r->b.line && r->a.locked != r->b.locked && !one_sided)
            one_sided = r;
        if (r->b.line && r->a.locked && r->b.locked)
            two_locks = r;
        if (r->object && declared_volatile(code, r->object))
            vol = r->object;
    }
    int hints = 0;
    if (vol || has_word(code, "volatile")) {
        if (vol)
            strbuf_addf(sb, "    Why: `%s` is volatile.", vol);
        else
            strbuf_addstr(sb, "    Why: your file relies on volatile.");
        strbuf_addstr(
            sb, "\n    volatile makes the compiler perform every load and "
                "store, but it orders nothing\n    between threads: two "
                "threads can "
                "both see a volatile flag free and go in together,\n    and "
                "nothing makes one thread's map writes visible to the other "
                "in order.\n    See `maprace explain sleep-is-not-sync` (what "
                "orders two threads, and what does not).\n");
        hints++;
    }
    if (sleeps(code)) {
        strbuf_addstr(
            sb, "    Why: a sleep orders nothing. Waiting makes the bad "
                "interleaving rarer, never\n    impossible: only a lock, a "
                "join or a channel between the two accesses orders them.\n"
                "    See `maprace explain sleep-is-not-sync`.\n");
        hints++;
    }
    if (one_sided) {
        const struct race_access *in =
            one_sided->a.locked ? &one_sided->a : &one_sided->b;
        const struct race_access *out =
            one_sided->a.locked ? &one_sided->b : &one_sided->a;
        strbuf_addf(sb,
                    "    Why: only one side takes the lock: line %d holds it, "
                    "line %d does not. A lock\n    orders two accesses only "
                    "when both threads take the same lock, and a reader "
                    "needs\n    it too: Go's check in every map read looks at "
                    "h.flags, which the writer changes.\n    See `maprace "
                    "explain map-read-write`.\n",
                    in->line, out->line);
        hints++;
    } else if (two_locks) {
        strbuf_addf(sb,
                    "    Why: lines %d and %d both hold a lock, but not the "
                    "same one (a mutex made per\n    call, or one per "
                    "thread?): two different locks order nothing. One lock "
                    "for the\n    one map. See `maprace explain "
                    "map-concurrent-writes`.\n",
                    two_locks->a.line, two_locks->b.line);
        hints++;
    }
    bool valgrind_only = g->nr_races > 0;
    for (size_t i = 0; i < g->nr_races; i++)
        for (int d = 0; d < DET_COUNT; d++)
            if (g->races[i].dets[d] && !detector_row(d)->no_atomics)
                valgrind_only = false;
    bool tsan_ran = false;
    for (int d = 0; d < DET_COUNT; d++)
        tsan_ran |= g->ran[d] && detector_row(d)->family == FAMILY_TSAN;
    if (!hints && valgrind_only && uses_atomics(code) && !tsan_ran) {
        strbuf_addstr(
            sb, "    Why: maybe none. Only Helgrind or DRD saw these, and your "
                "file uses C11 atomics,\n    which they do not model: grade "
                "it with TSan too (no -d, or -d tsan,...), which\n    "
                "understands atomics and tells a real race from their false "
                "positive.\n");
        hints++;
    }
    if (!hints && on_map && uses_atomics(code)) {
        strbuf_addstr(
            sb, "    Why: your atomic variable is race-free itself, but it "
                "orders only its own\n    accesses: the map calls beside it "
                "stay plain, unordered accesses. An atomic\n    protects the "
                "map only when it is used as a lock (one thread in at a "
                "time:\n    acquire to enter, release to leave). See "
                "`maprace explain lockfree-cas-publish`.\n");
        hints++;
    }
    if (!hints && g->nr_races)
        strbuf_addstr(sb,
                      "    Why: nothing in your program orders these "
                      "accesses: no lock that both threads\n    hold around "
                      "them, no join between them. TASK.md's hints say where "
                      "the lock goes.\n");
}

/* (a)'s explanation, from the races and the other findings. */
static void explain_races(struct grade *g)
{
    size_t shown = 0;
    for (size_t i = 0; i < g->nr_races; i++) {
        const struct race *r = &g->races[i];
        bool seen = false;
        for (int d = 0; d < DET_COUNT; d++)
            seen |= r->dets[d] &&
                    !(g->atomics_excused && detector_row(d)->no_atomics);
        if (!seen)
            continue;
        if (shown++ < MAX_SHOWN)
            say_race(&g->race, r, g->go);
    }
    if (shown > MAX_SHOWN || g->races_more)
        strbuf_addf(&g->race, "    ... and %zu more pairs of lines\n",
                    (shown > MAX_SHOWN ? shown - MAX_SHOWN : 0) +
                        g->races_more);
    const char *sep = "";
    for (int d = 0; d < DET_COUNT; d++)
        if (g->fatal[d]) {
            if (!*sep)
                strbuf_addf(&g->race,
                            "    Go's own check stopped the program: \"fatal "
                            "error: %s\" (under ",
                            g->fatal_msg ? g->fatal_msg : "?");
            strbuf_addf(&g->race, "%s%s", sep, detector_name(d));
            sep = ", ";
        }
    if (*sep)
        strbuf_addstr(&g->race, ")\n");
    strbuf_add(&g->race, g->other.buf ? g->other.buf : "", g->other.len);
    if (shown)
        diagnose(g, &g->race);
    if (g->race.len)
        strbuf_addf(&g->race,
                    "    Both accesses, with their stacks: %s show %s/%s "
                    "--out %s/reports\n",
                    program_invocation_name, g->ex.name, g->variant,
                    shown_path(g->grade_dir));
}

/* One check's verdict line, then its explanation. */
static void print_point(const struct grade *g, const char *ok,
                        const char *failed, const struct strbuf *why)
{
    const char *mark = why->len ? "FAIL" : "ok";
    const char *label = why->len ? failed : ok;
    if (g->color)
        printf("  %s%-4s" ANSI_RESET "  %s\n",
               why->len ? ANSI_BOLD_RED : ANSI_GREEN, mark, label);
    else
        printf("  %-4s  %s\n", mark, label);
    fputs(strbuf_str(why), stdout);
}

/* The answer did not compile: said once, with its own path and line; (a),
 * (b) and (c) were not checked. */
static int report_build_error(struct grade *g)
{
    /* a compiler's or linker's word on the answer, or the build itself
     * failing (make, a missing tool): not the answer's fault */
    const char *at = strstr(g->build_error, g->file);
    bool compile = (at && at[strlen(g->file)] == ':') ||
                   strstr(g->build_error, "error:") ||
                   strstr(g->build_error, "undefined reference");
    printf("\ngrade %s %s\n", g->ex.name, g->file);
    printf("  %s  %s %s:\n",
           g->color ? ANSI_BOLD_RED "FAIL" ANSI_RESET : "FAIL", g->file,
           compile ? "does not compile" : "could not be built");
    printf("    %s\n", g->build_error);
    /* the line itself, with a caret under the column */
    const char *p = strstr(g->build_error, g->file);
    int line = 0, col = 0;
    if (p && sscanf(p + strlen(g->file), ":%d:%d", &line, &col) >= 1 &&
        line > 0) {
        char *src = read_file(g->file, 0, NULL);
        const char *l = src;
        for (int i = 1; l && i < line; i++)
            l = (l = strchr(l, '\n')) ? l + 1 : NULL;
        if (l) {
            int n = (int)strcspn(l, "\n");
            printf("    %5d | %.*s\n", line, n, l);
            if (col > 0) {
                /* the line's own tabs, so that the caret lines up; Go
                 * counts columns in bytes, gcc in display columns (a tab
                 * to the next multiple of 8) */
                printf("          | ");
                for (int i = 0, w = 0; i < n && w < col - 1; i++) {
                    putchar(l[i] == '\t' ? '\t' : ' ');
                    w = g->go || l[i] != '\t' ? w + 1 : (w / 8 + 1) * 8;
                }
                printf("^\n");
            }
        }
        free(src);
    }
    printf(compile ? "    (a), (b) and (c) were not checked: fix this error "
                     "(and any after it), then grade again.\n"
                   : "    (a), (b) and (c) were not checked: the build "
                     "failed before your file was compiled (see `maprace "
                     "doctor`).\n");
    printf("FAIL: %s\n", g->ex.title ? g->ex.title : "");
    return EXIT_NOT_AS_EXPECTED;
}

static int report(struct grade *g)
{
    if (g->build_error)
        return report_build_error(g);
    if (job_text(g) && !g->job_seen && !g->job.len)
        strbuf_addf(&g->job, "    no run printed \"%s\"\n", job_text(g));
    excuse_atomics(g);
    explain_races(g);
    bool pass = !g->race.len && !g->job.len && !g->overlap.len;
    printf("\ngrade %s %s\n", g->ex.name, g->file);
    print_point(g,
                g->go ? "(a) race-free: neither go nor go-race reports "
                        "anything"
                : g->atomics_excused
                    ? "(a) race-free: TSan and the native run report nothing"
                    : "(a) race-free: no detector reports anything, forced",
                g->nr_races ? "(a) race-free: no, your program still races"
                            : "(a) race-free: no, a detector reports a problem",
                &g->race);
    if (g->atomics_excused && !g->race.len) {
        size_t n = g->nr_races + g->races_more;
        printf("    note: Helgrind and DRD reported %zu race%s that TSan "
               "did not. Your file uses C11\n    atomics, which Valgrind's "
               "tools do not model: an atomic_flag spinlock or a\n    "
               "release/acquire pair is plain memory to them, so they see "
               "no order. The grader\n    judges (a) from TSan and the "
               "native run, which understand atomics. `maprace\n    "
               "explain lockfree-cas-publish` shows the same false "
               "positive, and the two client\n    requests that tell "
               "Valgrind about the order.\n",
               n, n == 1 ? "" : "s");
    }
    print_point(g, "(b) still does the job",
                "(b) still does the job: no, not all of it", &g->job);
    if (g->go)
        printf("  %-4s  (c) still concurrent: not checked for a Go answer "
               "(the overlap probe counts the C model's map calls)\n",
               "-");
    else
        print_point(g, "(c) still concurrent: the threads overlap",
                    "(c) still concurrent: no, one thread at a time",
                    &g->overlap);
    if (g->gave_up)
        printf("  note: a forced run printed \"maprace: window ... gave up "
               "waiting\": the racy program's\n    window_plan is still in "
               "main, and a thread waited in vain for one that your lock\n"
               "    or join keeps out. Remove the plan: each forced run loses "
               "10 s.\n");
    printf("%s: %s\n", pass ? "PASS" : "FAIL", g->ex.title ? g->ex.title : "");
    return pass ? EXIT_OK : EXIT_NOT_AS_EXPECTED;
}

static void grade_release(struct grade *g)
{
    exercise_release(&g->ex);
    free(g->variant);
    free(g->file);
    free(g->grade_dir);
    free(g->report_dir);
    free(g->binary);
    strbuf_release(&g->race);
    strbuf_release(&g->job);
    strbuf_release(&g->overlap);
    strbuf_release(&g->other);
    free(g->code);
    free(g->build_error);
    free(g->fatal_msg);
    for (size_t i = 0; i < g->nr_races; i++) {
        access_release(&g->races[i].a);
        access_release(&g->races[i].b);
        free(g->races[i].object);
    }
}

/* Load the exercise, its case and the answer; write the grading catalog.
 * Returns its folder, or NULL (said). */
static char *grade_prepare(struct grade *g, struct catalog *cat,
                           const char *exercise, const char *file)
{
    if (exercise_load(g->root, exercise, &g->ex) < 0)
        return NULL;
    char *cases = path_join(g->root, "cases"), *err;
    int rc = catalog_load(cases, cat, &err);
    free(cases);
    if (rc < 0) {
        error("%s", err);
        free(err);
        return NULL;
    }
    g->c = catalog_find(cat, g->ex.case_name);
    if (!g->c) {
        error("%s: unknown case '%s'", g->ex.ini, g->ex.case_name);
        return NULL;
    }
    size_t len;
    char *source = read_file(file, 0, &len);
    if (!source) {
        error("cannot read %s: %s", file, strerror(errno));
        return NULL;
    }
    g->go = path_is_go(file);
    if (g->go && !g->ex.go_stdout_text) {
        error("exercise %s has no Go version (its exercise.ini has no "
              "go-stdout): answer it in C",
              g->ex.name);
        free(source);
        return NULL;
    }
    g->file = xstrdup(file);
    g->code = code_of(source);
    g->variant = variant_name(file);
    g->grade_dir = g->build[0] == '/'
                       ? path_join(g->build, "grade")
                       : xasprintf("%s/%s/grade", g->root, g->build);
    char *dir = prepare_catalog(g->grade_dir, &g->ex, g->c, g->variant, source,
                                len, g->go);
    free(source);
    return dir;
}

/* grade with the options in a, in the repository root. */
static int grade_verb(const char *root, const struct cli *a)
{
    if (a->nr_pos != 2) {
        error("grade needs an exercise and a file (maprace grade EXERCISE "
              "FILE.c or FILE.go; see exercises/README.md)");
        return EXIT_USAGE;
    }
    struct grade g = {.root = root,
                      .build = a->build ? a->build : "build",
                      .color = cli_color(a)};
    struct catalog cat = {0};
    char *dir = grade_prepare(&g, &cat, a->pos[0], a->pos[1]);
    int rc = dir ? run_detectors(&g, a, dir) : EXIT_USAGE;
    if (!rc && !g.go && !g.binary && !g.build_error) {
        error("the grading run built no native binary of %s", g.file);
        rc = EXIT_ENV;
    }
    if (!rc && !g.go && !g.build_error)
        rc = check_overlap(&g);
    if (!rc)
        rc = report(&g);
    free(dir);
    catalog_release(&cat);
    grade_release(&g);
    return rc;
}

int cmd_grade(int argc, char **argv)
{
    struct cli a;
    enum parse_result pr = parse_options(argc, argv, &grade_spec, &a);
    if (pr != PARSE_OK) {
        cli_release(&a);
        return parse_exit(pr);
    }
    char *root = find_root();
    int rc = root ? grade_verb(root, &a) : EXIT_USAGE;
    free(root);
    cli_release(&a);
    return rc;
}
