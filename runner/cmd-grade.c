/*
 * cmd-grade.c - `maprace grade EXERCISE FILE.c` (see cmd-grade.h).
 *
 * The answer becomes the one variant of a copy of the exercise's case in
 * <build>/grade/cases/<exercise>/ (case.ini regenerated from the case's,
 * the variant expected clean everywhere), which the runner checks like any
 * catalog; its report goes to <build>/grade/reports/. Then a few native
 * runs with the overlap probe preloaded count the map calls and tell
 * whether the threads overlapped.
 */
#include "cmd-grade.h"

#include "catalog.h"
#include "detectors.h"
#include "exec.h"
#include "run.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <ini.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define EXIT_ENV 3

static const char usage_grade[] =
    "usage: maprace grade [-d LIST] [--runs N] [--build DIR] [--no-color]\n"
    "                     EXERCISE FILE.c|FILE.go\n"
    "\n"
    "Grade FILE.c, an answer to exercises/EXERCISE/TASK.md. It passes when\n"
    "  (a) no detector reports anything in any forced run,\n"
    "  (b) it still does the job: the exercise's output, no symptom, and\n"
    "      at least the map calls the work needs (counted by the model),\n"
    "  (c) its threads still overlap: another thread gets some map calls\n"
    "      done while one is between two of its own.\n"
    "exercises/README.md says how each is checked. A Go answer (FILE.go,\n"
    "from the case's Go twin) is graded on (a), under go and go-race, and\n"
    "(b), its output only; (c) needs the C model's probe and is not checked.\n"
    "\n"
    "options:\n"
    "  -d, --detectors LIST  detectors for (a) (default all; native is\n"
    "                        always run; for a Go answer go,go-race,\n"
    "                        go-hmap,go-hmap-race)\n"
    "      --runs N          forced runs per detector (default 1)\n"
    "      --build DIR       build folder, relative to the root (default\n"
    "                        build)\n"
    "      --no-color        no colour\n"
    "\n"
    "exit codes: 0 passed; 1 failed; 2 usage, unknown exercise or bad\n"
    "exercise.ini; 3 a required tool is missing; 130 interrupted.\n";

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

/* Whether FILE is a Go answer (FILE.go). */
static bool is_go_file(const char *file)
{
    return strlen(file) > 3 && ends_with(file, ".go");
}

/* The variant name for FILE.c or FILE.go: its base name when it is a
 * plain word, else "answer". */
static char *variant_name(const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    size_t ext = is_go_file(base) ? 3 : 2;
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
        if ((n > 2 && ends_with(de->d_name, ".c")) || is_go_file(de->d_name)) {
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

/* One grading: what it needs, and what it found. */
struct grade {
    const char *root, *build;
    struct exercise ex;
    const struct mcase *c; /* the exercise's case, in the real catalog */
    char *variant;         /* the answer's variant name */
    char *file;            /* FILE.c as given */
    char *grade_dir;       /* <root>/<build>/grade */
    char *report_dir;      /* of the detectors' run */
    char *binary;          /* the native build of the answer */
    bool color;
    bool go; /* a Go answer: go and go-race, (b) from the go runs */
    int session_rc;
    struct strbuf race, job, overlap; /* why (a), (b), (c) failed */
    bool gave_up;                     /* a window plan waited in vain */
    bool job_seen;                    /* some run printed the stdout text */
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

static char *read_log(const struct grade *g, json_t *logs, const char *key)
{
    const char *rel = json_string_value(json_object_get(logs, key));
    if (!rel)
        return NULL;
    char *path = path_join(g->report_dir, rel);
    char *text = read_file(path, 0, NULL);
    free(path);
    return text;
}

/* (a) from the verdict of each cell, (b) from the native runs' stdout. */
static void read_cell(struct grade *g, json_t *cell)
{
    const char *det = json_string_value(json_object_get(cell, "detector"));
    const char *verdict = json_string_value(json_object_get(cell, "verdict"));
    const char *observed = json_string_value(json_object_get(cell, "observed"));
    const char *note = json_string_value(json_object_get(cell, "note"));
    const char *flavour = json_string_value(json_object_get(cell, "flavour"));
    const char *bin = json_string_value(json_object_get(cell, "binary"));
    if (!det || !verdict)
        return;
    if (flavour && bin && !strcmp(flavour, "native") && !g->binary)
        g->binary = xstrdup(bin);
    json_int_t hit = json_integer_value(json_object_get(cell, "detected_runs"));
    json_int_t n = json_integer_value(json_object_get(cell, "runs_done"));
    if (strcmp(verdict, "pass") && (!strcmp(verdict, "error") && note))
        strbuf_addf(&g->race, "    %-9s error: %s\n", det, note);
    else if (strcmp(verdict, "pass"))
        strbuf_addf(&g->race, "    %-9s %s (in %lld of %lld runs)\n", det,
                    observed ? observed : verdict, (long long)hit,
                    (long long)n);
    json_t *runs = json_object_get(cell, "run_details"), *r;
    size_t i;
    json_array_foreach(runs, i, r)
    {
        json_t *logs = json_object_get(r, "logs");
        char *err = read_log(g, logs, "stderr");
        if (err && strstr(err, "gave up waiting"))
            g->gave_up = true;
        free(err);
        const char *ex = json_string_value(json_object_get(r, "exit"));
        if (strcmp(det, g->go ? "go" : "native") || !ex || strcmp(ex, "exit 0"))
            continue; /* a crash or fatal error is (a)'s */
        char *out = read_log(g, logs, "stdout");
        char what[64];
        snprintf(what, sizeof(what), "the %s run %zu",
                 g->go ? "go" : "forced native", i + 1);
        if (out)
            check_output(g, out, what);
        free(out);
    }
}

/* Run the answer under the detectors, forced, expected clean everywhere,
 * and read what they said. Returns 0, or the runner's exit code when it
 * could not run (2, 3, 130). */
static int run_detectors(struct grade *g, const char *detectors, int runs,
                         const char *catalog)
{
    struct session s;
    memset(&s, 0, sizeof(s));
    struct run_opts *o = &s.opts;
    char *bad = NULL;
    if (detectors && detector_parse_list(detectors, o->detectors, &bad) < 0) {
        error("unknown detector '%s' (want native, tsan, tsan-gcc, helgrind, "
              "drd or all)",
              bad);
        free(bad);
        return EXIT_USAGE;
    }
    for (int d = 0; d < DET_COUNT; d++)
        o->detectors[d] = !detectors || o->detectors[d];
    int other = detector_mask_language(o->detectors, g->go,
                                       !detectors || !strcmp(detectors, "all"));
    if (other >= 0) {
        error("%s runs %s answers only", detector_name(other),
              g->go ? "C" : "Go");
        return EXIT_USAGE;
    }
    if (g->go)
        o->detectors[DET_GO] = true; /* (b) */
    else
        o->detectors[DET_NATIVE] = true; /* (b) and the binary for (c) */
    char *err;
    if (catalog_load(catalog, &s.cat, &err) < 0) {
        error("%s", err);
        free(err);
        return EXIT_USAGE;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    char *out = path_join(g->grade_dir, "reports");
    char *names[] = {g->ex.name};
    o->cases = names;
    o->nr_cases = 1;
    o->runs = runs;
    o->jobs = cores > 0 ? (int)cores : 1;
    o->timeout = 60;
    o->out = out;
    o->root = g->root;
    o->build = g->build;
    o->cases_dir = catalog;
    o->check = true;
    o->color = g->color;
    o->progress_tty = isatty(2) && !getenv("MAPRACE_NO_PROGRESS");
    o->output_cap = RUN_OUTPUT_CAP;
    o->formats = 0;
    g->session_rc = session_run(&s);
    if (s.report_dir)
        g->report_dir = xstrdup(s.report_dir);
    session_release(&s);
    free(out);
    if (g->session_rc > 1 || !g->report_dir)
        return g->session_rc > 1 ? g->session_rc : EXIT_ENV;
    char *path = path_join(g->report_dir, "results.json");
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    free(path);
    if (!doc) {
        error("cannot read the grading run's results.json: %s", jerr.text);
        return EXIT_ENV;
    }
    json_t *cell;
    size_t i;
    json_array_foreach(json_object_get(doc, "cells"), i, cell)
        read_cell(g, cell);
    json_decref(doc);
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
                             .output_cap = RUN_OUTPUT_CAP};
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
                    "    Only %d thread%s besides main used the map. The "
                    "exercise is about threads sharing a map: the work must "
                    "stay spread over the threads it was spread over.\n",
                    last.workers, last.workers == 1 ? "" : "s");
    else
        strbuf_addf(&g->overlap,
                    "    In %d run%s, thread %d made all its %llu map calls "
                    "without any other thread getting one in between, although "
                    "the grader paused it, whenever it held no lock, to let "
                    "the others in.\n"
                    "    Your program is race-free because it runs one thread "
                    "at a time: a lock held across a thread's whole loop, or a "
                    "thread joined before the next one starts, orders "
                    "everything and leaves nothing to run in parallel. Hold a "
                    "lock for one unit of work (one assignment, one "
                    "transaction, one whole range), and start every thread "
                    "before you join any.\n",
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

static void print_point(const struct grade *g, const char *label,
                        const struct strbuf *why)
{
    const char *mark = why->len ? "FAIL" : "ok";
    if (g->color)
        printf("  %s%-4s\033[0m  %s\n", why->len ? "\033[1;31m" : "\033[32m",
               mark, label);
    else
        printf("  %-4s  %s\n", mark, label);
    fputs(strbuf_str(why), stdout);
}

static int report(struct grade *g)
{
    if (job_text(g) && !g->job_seen && !g->job.len)
        strbuf_addf(&g->job, "    no run printed \"%s\"\n", job_text(g));
    if (g->race.len)
        strbuf_addf(
            &g->race,
            "    The races, annotated: %s show %s/%s --out %s/reports\n",
            program_invocation_name, g->ex.name, g->variant,
            shown_path(g->grade_dir));
    bool pass = !g->race.len && !g->job.len && !g->overlap.len;
    printf("\ngrade %s %s\n", g->ex.name, g->file);
    print_point(g,
                g->go ? "(a) race-free: neither go nor go-race reports "
                        "anything"
                      : "(a) race-free: no detector reports anything, forced",
                &g->race);
    print_point(g, "(b) still does the job", &g->job);
    if (g->go)
        printf("  %-4s  (c) still concurrent: not checked for a Go answer "
               "(the overlap probe counts the C model's map calls)\n",
               "-");
    else
        print_point(g, "(c) still concurrent: the threads overlap",
                    &g->overlap);
    if (g->gave_up)
        printf("  note: a forced run printed \"maprace: window ... gave up "
               "waiting\": the racy program's window_plan is still in main, "
               "and a thread waited in vain for one that your lock or join "
               "keeps out. Remove the plan: each forced run loses 10 s.\n");
    printf("%s: %s\n", pass ? "PASS" : "FAIL", g->ex.title ? g->ex.title : "");
    return pass ? 0 : EXIT_FAIL;
}

static const struct option grade_opts[] = {
    {"detectors", required_argument, NULL, 'd'},
    {"runs", required_argument, NULL, 'r'},
    {"build", required_argument, NULL, 'b'},
    {"no-color", no_argument, NULL, 'n'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct grade_args {
    const char *detectors, *build;
    int runs;
    bool no_color, help;
};

static int parse_grade_args(int argc, char **argv, struct grade_args *a)
{
    int c;
    memset(a, 0, sizeof(*a));
    a->runs = 1;
    a->build = "build";
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:h", grade_opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            a->detectors = optarg;
            break;
        case 'r':
            if (opt_int("--runs", optarg, 1, &a->runs) < 0)
                return -1;
            break;
        case 'b':
            a->build = optarg;
            break;
        case 'n':
            a->no_color = true;
            break;
        case 'h':
            a->help = true;
            break;
        case ':':
            error("option %s needs a value", argv[optind - 1]);
            return -1;
        default:
            error("unknown option %s (see maprace grade --help)",
                  argv[optind - 1]);
            return -1;
        }
    }
    return 0;
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
    g->go = is_go_file(file);
    if (g->go && !g->ex.go_stdout_text) {
        error("exercise %s has no Go version (its exercise.ini has no "
              "go-stdout): answer it in C",
              g->ex.name);
        free(source);
        return NULL;
    }
    g->file = xstrdup(file);
    g->variant = variant_name(file);
    g->grade_dir = g->build[0] == '/'
                       ? path_join(g->build, "grade")
                       : xasprintf("%s/%s/grade", g->root, g->build);
    char *dir = prepare_catalog(g->grade_dir, &g->ex, g->c, g->variant, source,
                                len, g->go);
    free(source);
    return dir;
}

int cmd_grade(const char *root, int argc, char **argv)
{
    struct grade_args a;
    if (parse_grade_args(argc, argv, &a) < 0)
        return EXIT_USAGE;
    if (a.help) {
        fputs(usage_grade, stdout);
        return 0;
    }
    if (argc - optind != 2) {
        error("grade needs an exercise and a file (maprace grade EXERCISE "
              "FILE.c or FILE.go; see exercises/README.md)");
        return EXIT_USAGE;
    }
    const char *nc = getenv("NO_COLOR");
    struct grade g = {.root = root,
                      .build = a.build,
                      .color = !a.no_color && !(nc && *nc) && isatty(1)};
    struct catalog cat = {0};
    char *dir = grade_prepare(&g, &cat, argv[optind], argv[optind + 1]);
    int rc = dir ? run_detectors(&g, a.detectors, a.runs, dir) : EXIT_USAGE;
    if (!rc && !g.go && !g.binary) {
        error("the grading run built no native binary of %s", g.file);
        rc = EXIT_ENV;
    }
    if (!rc && !g.go)
        rc = check_overlap(&g);
    if (!rc)
        rc = report(&g);
    free(dir);
    catalog_release(&cat);
    grade_release(&g);
    return rc;
}
