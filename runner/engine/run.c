/*
 * run.c - one run of the matrix: cells, build, job pool, parsing,
 * verdicts, report (see run.h).
 */
#include "engine/run.h"
#include "engine/trace.h"

#include "lib/ansi.h"
#include "engine/cost.h"
#include "lib/exec.h"
#include "engine/live-matrix.h"
#include "parse/parse.h"
#include "engine/results-model.h"
#include "engine/results.h"
#include "lib/text.h"
#include "lib/util.h"
#include "lib/exit.h"

#include <errno.h>
#include <glob.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* One run of one cell. */
struct job {
    struct cell *cell;
    size_t run; /* 0-based */
    bool setarch;
    struct proc proc;
    char *command; /* its environment and command line, for results.json */
    char *base;    /* raw/<case>/<variant>.<detector>.r<N> */
    char *stdout_path, *stderr_path;
    char *log_path, *aux_path; /* as the detector's row says, or NULL */
};

/* --shard K/N: keep the cells of this shard (shard.h), after counting
 * and fingerprinting the whole selection. A shard may be empty. */
static void take_shard(struct session *s)
{
    struct shard_spec *sh = &s->opts.shard;
    if (!sh->count)
        return;
    size_t k = 0;
    for (size_t i = 0; i < s->nr_cells; i++) {
        struct cell *cl = &s->cells[i];
        shard_add_cell(sh, cl->c->name, cl->v->name, detector_name(cl->d),
                       cl->expect->text);
        /* each case of the matrix once, by content */
        if (!i || s->cells[i - 1].c != cl->c) {
            struct strvec files = {0};
            strvec_push(&files, cl->c->ini);
            for (size_t v = 0; v < cl->c->nr_variants; v++) {
                strvec_push(&files, cl->c->variants[v].source);
                if (cl->c->variants[v].go_source)
                    strvec_push(&files, cl->c->variants[v].go_source);
            }
            shard_add_case(sh, cl->c->name, (const char *const *)files.v,
                           files.nr);
            strvec_release(&files);
        }
        if (shard_takes(sh, i))
            s->cells[k++] = *cl;
    }
    shard_add_setting(sh, "runs", s->opts.runs);
    shard_add_setting(sh, "natural", s->opts.natural);
    s->nr_cells = k;
}

/* Without -d, the Go detectors of a toolchain that is not installed are
 * left out with one note per toolchain (how to get it), not errors. */
static void drop_missing_go(struct session *s)
{
    struct run_opts *o = &s->opts;
    if (!o->detectors_default)
        return;
    for (int k = 0; k < GO_KIND_COUNT; k++) {
        const struct go_toolchain *t = go_toolchain(k);
        if (t->path)
            continue;
        struct strbuf names = STRBUF_INIT;
        for (int d = 0; d < DET_COUNT; d++) {
            if (!o->detectors[d] || !detector_row(d)->go_twin ||
                detector_row(d)->toolchain != (enum go_kind)k)
                continue;
            o->detectors[d] = false;
            strbuf_addf(&names, "%s%s", names.len ? ", " : "",
                        detector_name(d));
        }
        if (names.len)
            session_note(s, "%s: not installed, left out: %s",
                         strbuf_str(&names), t->why);
        strbuf_release(&names);
    }
}

/* The note for the Go detectors (*left, comma-separated) that have no
 * cell of variant va for *why; empties both. */
static void note_left_out(struct session *s, const struct mcase *mc,
                          const struct variant *va, struct strbuf *left,
                          char **why)
{
    if (left->len && *why)
        session_note(s, "%s/%s: no %s cell%s: %s", mc->name, va->name,
                     strbuf_str(left), strchr(strbuf_str(left), ',') ? "s" : "",
                     *why);
    strbuf_release(left);
    free(*why);
    *why = NULL;
}

/* The note for a case of one model (no-hmap, no-swiss) none of whose C
 * detectors is selected: it would show no C cell without a word. It names
 * the detectors that run it. Returns the note (malloc'd), or NULL. */
static char *note_no_model(struct session *s, const struct mcase *mc)
{
    const char *why = NULL;
    bool some = false, other = false;
    struct strbuf its = STRBUF_INIT;
    for (int d = 0; d < DET_COUNT; d++) {
        if (detector_row(d)->go_twin)
            continue;
        const char *no;
        bool has = case_has_model(mc, d, &no);
        if (has)
            strbuf_addf(&its, "%s%s", its.len ? "," : "", detector_name(d));
        if (!s->opts.detectors[d])
            continue;
        if (has) {
            other = true;
        } else {
            some = true;
            why = no;
        }
    }
    char *note = NULL;
    if (some && !other) {
        note = xasprintf("%s: no C cell under these detectors: it builds on "
                         "the %s model only (-d %s): %s",
                         mc->name, mc->no_hmap ? "Swiss-table" : "hmap",
                         strbuf_str(&its), why);
        session_note(s, "%s", note);
    }
    strbuf_release(&its);
    return note;
}

/* Cells of the selected cases, variants and detectors. 0, or -1 (exit 2)
 * after printing what was wrong. */
static int select_cells(struct session *s)
{
    const struct run_opts *o = &s->opts;
    drop_missing_go(s);
    for (size_t i = 0; i < o->nr_cases; i++)
        if (!catalog_find(&s->cat, o->cases[i]))
            return error("unknown case '%s' (see maprace list)", o->cases[i]);
    for (size_t i = 0; i < o->nr_variants; i++) {
        bool found = false;
        for (size_t c = 0; c < s->cat.nr && !found; c++) {
            struct mcase *mc = &s->cat.cases[c];
            if (!names_select(o->cases, o->nr_cases, mc->name))
                continue;
            for (size_t v = 0; v < mc->nr_variants && !found; v++)
                found = !strcmp(mc->variants[v].name, o->variants[i]);
        }
        if (!found)
            return error("no selected case has a variant '%s'", o->variants[i]);
    }
    size_t alloc = 0;
    char *model_note = NULL;
    for (size_t c = 0; c < s->cat.nr; c++) {
        struct mcase *mc = &s->cat.cases[c];
        if (!names_select(o->cases, o->nr_cases, mc->name))
            continue;
        char *note = note_no_model(s, mc);
        if (note && !model_note)
            model_note = note;
        else
            free(note);
        for (size_t v = 0; v < mc->nr_variants; v++) {
            struct variant *va = &mc->variants[v];
            if (!names_select(o->variants, o->nr_variants, va->name))
                continue;
            /* the Go detectors left out for a twin that needs a newer
             * Go, named in one note per reason */
            struct strbuf left = STRBUF_INIT;
            char *left_why = NULL;
            for (int d = 0; d < DET_COUNT; d++) {
                if (!o->detectors[d])
                    continue;
                char *why;
                if (!variant_has_cell(va, d, &why)) {
                    /* no Go twin, or one that needs a newer Go: no cell */
                    if (why) {
                        if (left_why && strcmp(why, left_why))
                            note_left_out(s, mc, va, &left, &left_why);
                        strbuf_addf(&left, "%s%s", left.len ? ", " : "",
                                    detector_name(d));
                        if (!left_why)
                            left_why = why;
                        else
                            free(why);
                    }
                    continue;
                }
                if (!case_has_model(mc, d, NULL))
                    continue; /* one model only (no-swiss, no-hmap) */
                ALLOC_GROW(s->cells, s->nr_cells + 1, alloc);
                struct cell *cl = &s->cells[s->nr_cells++];
                memset(cl, 0, sizeof(*cl));
                cl->c = mc;
                cl->v = va;
                cl->d = d;
                cl->expect = &va->expect[d];
            }
            note_left_out(s, mc, va, &left, &left_why);
        }
    }
    if (!s->nr_cells) {
        if (model_note) {
            error("nothing to run: %s", model_note);
            free(model_note);
            return -1;
        }
        return error("nothing to run (no case selected)");
    }
    free(model_note);
    take_shard(s);
    return 0;
}

/* A detector whose tools are missing: its cells are errors. */
static void check_tools(struct session *s)
{
    for (int d = 0; d < DET_COUNT; d++) {
        if (!s->opts.detectors[d])
            continue;
        char *why;
        if (detector_available(d, &why))
            continue;
        s->env_error = true;
        session_note(s, "%s: %s: its cells are errors", detector_name(d), why);
        for (size_t i = 0; i < s->nr_cells; i++)
            if (s->cells[i].d == (enum detector)d) {
                s->cells[i].error = xstrdup(why);
                s->cells[i].tool_missing = true;
            }
        free(why);
    }
}

/* The UTC time, as a run-id stamp or in ISO 8601. */
static char *utc_stamp(bool iso)
{
    char buf[64];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    if (iso)
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    else
        strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
    return xstrdup(buf);
}

static int make_report_dir(struct session *s)
{
    char *stamp = utc_stamp(false);
    s->run_id = xasprintf("%s-%ld", stamp, (long)getpid());
    free(stamp);
    s->started = utc_stamp(true);
    s->report_dir = path_join(s->opts.out, s->run_id);
    s->raw_dir = path_join(s->report_dir, "raw");
    if (mkdir_p(s->raw_dir) < 0)
        return error("cannot create %s: %s", s->raw_dir, strerror(errno));
    return 0;
}

/* Build the binaries of every cell that can run. 0, or -1 (interrupted or
 * make missing). */
static int build_cells(struct session *s)
{
    char *why;
    if (build_ctx_init(&s->bctx, s->opts.root, s->opts.build, s->opts.cases_dir,
                       &why) < 0) {
        error("%s", why);
        free(why);
        return -1;
    }
    if (s->opts.try_id)
        build_ctx_set_try(&s->bctx, s->opts.try_make_var, s->opts.try_id);
    size_t alloc = 0;
    for (size_t i = 0; i < s->nr_cells; i++) {
        struct cell *cl = &s->cells[i];
        if (cl->error)
            continue;
        struct build_target t;
        build_target_init(&s->bctx, &t, detector_flavour(cl->d), cl->c->name,
                          cl->v->name);
        size_t j;
        for (j = 0; j < s->nr_targets; j++)
            if (!strcmp(s->targets[j].target, t.target))
                break;
        if (j == s->nr_targets) {
            ALLOC_GROW(s->targets, s->nr_targets + 1, alloc);
            s->targets[s->nr_targets++] = t;
        } else {
            build_target_release(&t);
        }
    }
    /* Cells point into s->targets, which no longer moves. */
    for (size_t i = 0; i < s->nr_cells; i++) {
        struct cell *cl = &s->cells[i];
        if (cl->error)
            continue;
        struct build_target t;
        build_target_init(&s->bctx, &t, detector_flavour(cl->d), cl->c->name,
                          cl->v->name);
        for (size_t j = 0; j < s->nr_targets; j++)
            if (!strcmp(s->targets[j].target, t.target))
                cl->bt = &s->targets[j];
        build_target_release(&t);
    }
    if (!s->nr_targets)
        return 0;
    if (s->opts.progress_tty)
        fprintf(stderr, "maprace: building %zu binaries...\r", s->nr_targets);
    char *log = path_join(s->raw_dir, "build.log");
    double t0 = now_s();
    int rc = build_targets(&s->bctx, s->targets, s->nr_targets, s->opts.jobs,
                           log, s->raw_dir, &why);
    s->build_wall_s = now_s() - t0;
    free(log);
    if (s->opts.progress_tty)
        fprintf(stderr, ANSI_ERASE_LINE);
    if (rc < 0) {
        if (!exec_interrupted())
            error("build: %s", why);
        free(why);
        return -1;
    }
    for (size_t i = 0; i < s->nr_cells; i++) {
        struct cell *cl = &s->cells[i];
        if (cl->error || cl->bt->ok)
            continue;
        const char *e = cl->bt->error ? cl->bt->error : "build failed";
        size_t n = strcspn(e, "\n");
        cl->error = xasprintf("build failed: %.*s", (int)n, e);
        if (cl->bt->log)
            cl->build_log = xstrdup(cl->bt->log);
    }
    return 0;
}

/* Slowest first, so that the last jobs to finish are short ones. */
static int cost_rank(enum detector d)
{
    return detector_row(d)->cost;
}

/* The case's args (case.ini), split at blanks, pushed on argv. */
static void push_args(struct strvec *argv, const char *args)
{
    const char *s = args ? args : "";
    for (;;) {
        s += strspn(s, " \t");
        if (!*s)
            break;
        size_t len = strcspn(s, " \t");
        strvec_push_nodup(argv, xstrndup(s, len));
        s += len;
    }
}

/* Whether a job records its forced interleaving (engine/trace.h): the
 * first forced run of native and native-swiss, which no detector
 * watches. */
static bool records_windows(const struct session *s, const struct job *j)
{
    return !s->opts.natural && j->run == 0 &&
           (j->cell->d == DET_NATIVE || j->cell->d == DET_NATIVE_SWISS);
}

/* The command line and environment of a job: setarch -R when this kernel
 * needs it, the detector's own words (its row), the program, its args. */
static void job_command(const struct session *s, struct job *j,
                        struct strvec *argv, struct strvec *env)
{
    const struct cell *cl = j->cell;
    const struct detector_row *row = detector_row(cl->d);
    struct detector_run run = {
        .log_path = j->log_path,
        .aux_path = j->aux_path,
        .options = case_option(cl->c, row->option_keys[0]),
        .options2 = case_option(cl->c, row->option_keys[1]),
        .program_exit = cl->expect->kind == EXPECT_EXIT,
    };

    strvec_push(env, s->opts.natural ? "MAPRACE_FORCE=0" : "MAPRACE_FORCE=1");
    if (records_windows(s, j))
        strvec_pushf(env, "%s=%s.windows", WINDOW_TRACE_ENV, j->base);
    else if (getenv(WINDOW_TRACE_ENV))
        strvec_pushf(env, "%s=", WINDOW_TRACE_ENV); /* not inherited */
    if (j->setarch) {
        struct utsname u;
        uname(&u);
        strvec_push(argv, "setarch");
        strvec_push(argv, u.machine);
        strvec_push(argv, "-R");
    }
    if (row->command)
        row->command(row, &run, argv, env);
    strvec_push(argv, cl->bt->binary);
    push_args(argv, cl->c->args);
}

static void job_paths(const struct session *s, struct job *j)
{
    const struct cell *cl = j->cell;
    const struct detector_row *row = detector_row(cl->d);
    char *dir = path_join(s->raw_dir, cl->c->name);
    mkdir_p(dir);
    j->base =
        xasprintf("%s/%s.%s.r%zu", dir, cl->v->name, row->name, j->run + 1);
    free(dir);
    j->stdout_path = xasprintf("%s.stdout", j->base);
    j->stderr_path = xasprintf("%s.stderr", j->base);
    if (row->log_suffix)
        j->log_path = xasprintf("%s%s", j->base, row->log_suffix);
    if (row->aux_suffix)
        j->aux_path = xasprintf("%s%s", j->base, row->aux_suffix);
}

static void job_release(struct job *j)
{
    free(j->base);
    free(j->command);
    free(j->stdout_path);
    free(j->stderr_path);
    free(j->log_path);
    free(j->aux_path);
}

/* "VAR=value ... word ...", quoted where a word holds a blank. */
static char *command_text(const struct strvec *env, const struct strvec *argv)
{
    struct strbuf sb = STRBUF_INIT;
    const struct strvec *vs[2] = {env, argv};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; vs[k]->v && vs[k]->v[i]; i++) {
            const char *w = vs[k]->v[i];
            const char *eq = k == 0 ? strchr(w, '=') : NULL;
            bool quote = strpbrk(w, " \t") != NULL;
            if (sb.len)
                strbuf_addstr(&sb, " ");
            if (quote && eq)
                strbuf_addf(&sb, "%.*s'%s'", (int)(eq - w + 1), w, eq + 1);
            else
                strbuf_addf(&sb, quote ? "'%s'" : "%s", w);
        }
    return strbuf_detach(&sb);
}

/* Variables of the user's environment that change what a run does, and
 * which every run inherits: the recorded command shows them. MAPRACE_*
 * too, but for the runner's own (not read by the programs). */
static const char *const run_env_vars[] = {
    "TSAN_OPTIONS", "GORACE",         "VALGRIND_OPTS", "VALGRIND_LIB",
    "GOMAXPROCS",   "GODEBUG",        "GOGC",          "GOMEMLIMIT",
    "GOTRACEBACK",  "GOFLAGS",        "LD_PRELOAD",    "LD_LIBRARY_PATH",
    "LD_BIND_NOW",  "GLIBC_TUNABLES", "MALLOC_CHECK_", "MALLOC_PERTURB_",
};
static const char *const runner_only_vars[] = {
    "MAPRACE_ROOT", "MAPRACE_NO_PROGRESS", "MAPRACE_OUTPUT_CAP"};

extern char **environ;

/* Whether the inherited "NAME=value" changes a run. */
static bool changes_run(const char *entry)
{
    size_t n = strcspn(entry, "=");
    if (!entry[n])
        return false;
    for (size_t i = 0; i < sizeof(runner_only_vars) / sizeof(*runner_only_vars);
         i++)
        if (strlen(runner_only_vars[i]) == n &&
            !strncmp(entry, runner_only_vars[i], n))
            return false;
    if (!strncmp(entry, "MAPRACE_", 8))
        return true;
    for (size_t i = 0; i < sizeof(run_env_vars) / sizeof(*run_env_vars); i++)
        if (strlen(run_env_vars[i]) == n && !strncmp(entry, run_env_vars[i], n))
            return true;
    return false;
}

/* Whether env (the runner's own settings for a run) sets the variable of
 * "NAME=value". */
static bool set_by(const struct strvec *env, const char *entry)
{
    size_t n = strcspn(entry, "=");
    for (size_t i = 0; env->v && env->v[i]; i++)
        if (!strncmp(env->v[i], entry, n) && env->v[i][n] == '=')
            return true;
    return false;
}

/* The environment a run really gets, as far as it changes the run: what
 * it inherits from the user (run_env_vars, MAPRACE_*) that the runner does
 * not set, then the runner's own settings. */
static void recorded_env(const struct strvec *env, struct strvec *out)
{
    for (size_t i = 0; environ && environ[i]; i++)
        if (changes_run(environ[i]) && !set_by(env, environ[i]))
            strvec_push(out, environ[i]);
    for (size_t i = 0; env->v && env->v[i]; i++)
        strvec_push(out, env->v[i]);
}

void session_env_warnings(struct session *s)
{
    const char *ms = getenv("MAPRACE_WINDOW_MS");
    if (!ms || s->opts.natural)
        return;
    char *end;
    long v = strtol(ms, &end, 10);
    if (!*ms || *end || v < 0)
        session_note(s,
                     "warning: MAPRACE_WINDOW_MS=%s inherited from your "
                     "environment is not a number of milliseconds (the "
                     "windows keep their default, 10000)",
                     ms);
    else if (v < 10000)
        session_note(s,
                     "warning: MAPRACE_WINDOW_MS=%s inherited from your "
                     "environment: a forced window gives up after %ld ms "
                     "(default 10000), so forced races may not meet and a "
                     "racy cell may read clean; unset it",
                     ms, v);
}

static int job_start(const struct session *s, struct job *j, char **why)
{
    struct strvec argv = {0}, env = {0}, shown = {0};
    job_command(s, j, &argv, &env);
    free(j->command);
    recorded_env(&env, &shown);
    j->command = command_text(&shown, &argv);
    strvec_release(&shown);
    struct proc_spec spec = {0};
    spec.argv = argv.v;
    spec.env = env.v;
    spec.stdout_path = j->stdout_path;
    spec.stderr_path = j->stderr_path;
    spec.timeout_s =
        j->cell->c->timeout > 0 ? j->cell->c->timeout : s->opts.timeout;
    spec.output_cap = s->opts.output_cap;
    j->proc.data = j;
    int rc = exec_start(&spec, &j->proc, why);
    strvec_release(&argv);
    strvec_release(&env);
    return rc;
}

/* Path relative to the report folder, for results.json. */
static const char *rel(const struct session *s, const char *path)
{
    size_t n = strlen(s->report_dir);
    if (!strncmp(path, s->report_dir, n) && path[n] == '/')
        return path + n + 1;
    return path;
}

static bool file_capped(const char *path, size_t cap)
{
    struct stat st;
    return cap && !stat(path, &st) && (size_t)st.st_size >= cap;
}

static bool file_contains(const char *path, const char *needle)
{
    char *buf = read_file(path, 1u << 20, NULL);
    bool found = buf && strstr(buf, needle);
    free(buf);
    return found;
}

/* The detector's logs of a run, as its row says: none, log_path when it
 * exists, or log_path.<pid>, one per process. */
static void job_logs(const struct job *j, struct strvec *logs)
{
    const struct detector_row *row = detector_row(j->cell->d);
    if (!j->log_path)
        return;
    if (!row->log_per_process) {
        struct stat st;
        if (!stat(j->log_path, &st))
            strvec_push(logs, j->log_path);
        return;
    }
    char *pat = xasprintf("%s.*", j->log_path);
    glob_t g;
    memset(&g, 0, sizeof(g));
    if (!glob(pat, 0, NULL, &g))
        for (size_t i = 0; i < g.gl_pathc; i++)
            strvec_push(logs, g.gl_pathv[i]);
    globfree(&g);
    free(pat);
}

/* Whether the detector died of this kernel's ASLR entropy (its row's
 * aslr_failure text in its stderr or one of its logs). */
static bool aslr_failure(const struct job *j)
{
    const char *text = detector_row(j->cell->d)->aslr_failure;
    if (!text)
        return false;
    if (file_contains(j->stderr_path, text))
        return true;
    struct strvec logs = {0};
    job_logs(j, &logs);
    bool found = false;
    for (size_t i = 0; i < logs.nr && !found; i++)
        found = file_contains(logs.v[i], text);
    strvec_release(&logs);
    return found;
}

/* Parse the detector's logs of a finished job into r (its row's parser),
 * name them in `logs` and the cut ones in `capped`. Returns the run's
 * error (malloc'd) when a log the row requires is missing, empty, or could
 * not be read to its end (unreadable, cut short, malformed), else NULL. */
static char *parse_logs(const struct session *s, const struct job *j,
                        struct report *r, json_t *logs, json_t *capped)
{
    const struct detector_row *row = detector_row(j->cell->d);
    struct strvec files = {0};
    job_logs(j, &files);
    json_t *list = row->log_per_process ? json_array() : NULL;
    char *unread = NULL;
    /* the detector's own text log, when it wrote one */
    bool aux = row->aux_key && j->aux_path && !access(j->aux_path, F_OK);
    if (aux)
        json_object_set_new(logs, row->aux_key, json_text(rel(s, j->aux_path)));
    for (size_t i = 0; i < files.nr; i++) {
        const char *f = files.v[i];
        if (list)
            json_array_append_new(list, json_text(rel(s, f)));
        else
            json_object_set_new(logs, row->log_key, json_text(rel(s, f)));
        struct stat st;
        size_t before = r->error ? strlen(r->error) : 0;
        int rc = row->parse(f, row->name, r);
        if (file_capped(f, s->opts.output_cap))
            json_array_append_new(capped, json_text(rel(s, f)));
        /* a log that could not be read whole is no clean run */
        if (!unread && !stat(f, &st) && !st.st_size)
            unread = xasprintf("%s's log %s is empty (a full disk?)", row->name,
                               rel(s, f));
        else if (!unread && rc < 0)
            unread = xasprintf("%s's log %s could not be read whole: %s",
                               row->name, rel(s, f),
                               r->error && strlen(r->error) > before
                                   ? r->error + before + (before ? 2 : 0)
                                   : "parse error");
    }
    if (list)
        json_object_set_new(logs, row->log_key, list);
    char *missing = unread;
    if (j->log_path && !files.nr && row->no_log_error) {
        /* point at a file that is there: the detector's own text log, else
         * the run's stderr, with its first line (valgrind refusing an
         * option of VALGRIND_OPTS says so there, before any log) */
        if (aux) {
            missing = xasprintf("%s (see %s)", row->no_log_error,
                                rel(s, j->aux_path));
        } else {
            char *err = read_file(j->stderr_path, 4096, NULL);
            const char *first = err ? err + strspn(err, "\n") : "";
            int n = (int)strcspn(first, "\n");
            missing = xasprintf("%s (see %s%s%.*s)", row->no_log_error,
                                rel(s, j->stderr_path), n ? ": " : "",
                                n > 200 ? 200 : n, first);
            free(err);
        }
    }
    strvec_release(&files);
    return missing;
}

/* The JSON of one finished run (results.json's cells[].runs[]). */
static json_t *run_json(struct session *s, const struct job *j,
                        const struct report *r, const struct run_obs *o,
                        json_t *logs, json_t *capped)
{
    const struct cell *cl = j->cell;
    json_t *run = json_object();
    json_object_set_new(run, "run", json_integer((json_int_t)j->run + 1));
    json_object_set_new(run, "exit", json_text(exec_describe(&j->proc)));
    if (j->command)
        json_object_set_new(run, "command", json_text(j->command));
    json_object_set_new(run, "wall_s", json_real(j->proc.wall_s));
    json_object_set_new(run, "cpu_s", json_real(j->proc.cpu_s));
    json_object_set_new(run, "maxrss_kb",
                        json_integer((json_int_t)j->proc.maxrss_kb));
    json_object_set_new(run, "detected", json_boolean(o->detected));
    json_object_set_new(run, "observation", results_obs_json(o));
    json_object_set_new(run, "setarch", json_boolean(j->setarch));
    if (o->marker)
        json_object_set_new(run, "marked_line", json_text(o->marker));
    if (o->error)
        json_object_set_new(run, "error", json_text(o->error));
    if (r->error)
        json_object_set_new(run, "parse_error", json_text(r->error));
    if (json_array_size(capped)) {
        json_object_set_new(run, "capped", json_incref(capped));
        session_note(s, "%s/%s %s run %zu: output cut at %zu bytes (%s%s)",
                     cl->c->name, cl->v->name, detector_name(cl->d), j->run + 1,
                     s->opts.output_cap,
                     json_string_value(json_array_get(capped, 0)),
                     json_array_size(capped) > 1 ? " and more" : "");
    }
    json_object_set_new(run, "logs", logs);
    json_object_set_new(run, "findings_total", json_integer((json_int_t)r->nr));
    json_object_set_new(run, "findings_dropped",
                        json_integer((json_int_t)r->nr_dropped));
    json_object_set_new(
        run, "findings",
        results_findings_json(r, cell_markers(cl), RUN_JSON_FINDINGS));
    return run;
}

/* Parse a finished job's logs, classify the run, keep its JSON. */
static void job_finish(struct session *s, struct job *j)
{
    struct cell *cl = j->cell;
    struct report r;
    report_init(&r);
    json_t *logs = json_object();
    json_object_set_new(logs, "stdout", json_text(rel(s, j->stdout_path)));
    json_object_set_new(logs, DETECTOR_STDERR_KEY,
                        json_text(rel(s, j->stderr_path)));
    json_t *capped = json_array();

    char *missing_log = parse_logs(s, j, &r, logs, capped);
    /* the program's stderr, under every detector: the model's fatal
     * error, or Go's race reports and fatal errors */
    const struct detector_row *row = detector_row(cl->d);
    row->parse_stderr(j->stderr_path, row->name, &r);
    if (file_capped(j->stdout_path, s->opts.output_cap))
        json_array_append_new(capped, json_text(rel(s, j->stdout_path)));
    if (file_capped(j->stderr_path, s->opts.output_cap))
        json_array_append_new(capped, json_text(rel(s, j->stderr_path)));

    char *out = NULL;
    if (cl->expect->kind == EXPECT_SYMPTOM)
        out = read_file(j->stdout_path, s->opts.output_cap, NULL);
    struct run_obs *o = &cl->obs[j->run];
    classify_run(cl->d, cl->expect, cell_markers(cl), &r, &j->proc, out, o);
    free(out);
    if (missing_log && !o->error)
        o->error = missing_log;
    else
        free(missing_log);

    /* a forced window that gave up: the threads may not have met, and a
     * clean cell would not say why (model/window.c prints this) */
    if (!s->opts.natural) {
        char *err = read_file(j->stderr_path, (size_t)1 << 20, NULL);
        if (err && strstr(err, "gave up waiting"))
            session_note(s,
                         "%s/%s %s run %zu: a forced window gave up waiting "
                         "(see its stderr): its threads may not have met",
                         cl->c->name, cl->v->name, detector_name(cl->d),
                         j->run + 1);
        free(err);
    }
    json_t *run = run_json(s, j, &r, o, logs, capped);
    if (records_windows(s, j)) {
        char *trace_path = xasprintf("%s.windows", j->base);
        json_t *trace = window_trace_read(trace_path);
        if (trace)
            json_object_set_new(run, "window_trace", trace);
        free(trace_path);
    }
    json_array_append_new(cl->runs_json, run);
    cl->findings_dropped += r.nr_dropped;
    json_decref(capped);
    report_release(&r);

    s->jobs_wall_s += j->proc.wall_s;
    cl->wall_s += j->proc.wall_s;
    cl->cpu_s += j->proc.cpu_s;
    cl->runs_done++;
}

static void progress(struct session *s, size_t done, size_t total,
                     const struct cell *finished)
{
    if (s->opts.progress_tty) {
        fprintf(stderr, "\r" ANSI_ERASE_LINE "[%zu/%zu] %s/%s %s", done, total,
                finished->c->name, finished->v->name,
                detector_name(finished->d));
        fflush(stderr);
    } else if (finished->runs_done == (size_t)s->opts.runs) {
        fprintf(stderr, "maprace: [%zu/%zu] %s/%s %s: %zu run%s done\n", done,
                total, finished->c->name, finished->v->name,
                detector_name(finished->d), finished->runs_done,
                finished->runs_done == 1 ? "" : "s");
    }
}

static int cmp_jobs(const void *a, const void *b)
{
    const struct job *x = a, *y = b;
    int rx = cost_rank(x->cell->d), ry = cost_rank(y->cell->d);
    if (rx != ry)
        return rx - ry;
    if (x->cell != y->cell)
        return x->cell < y->cell ? -1 : 1;
    return x->run < y->run ? -1 : x->run > y->run;
}

/* User + system CPU seconds from a to b. */
static double cpu_between(const struct rusage *a, const struct rusage *b)
{
    return (double)(b->ru_utime.tv_sec - a->ru_utime.tv_sec) +
           (double)(b->ru_utime.tv_usec - a->ru_utime.tv_usec) / 1e6 +
           (double)(b->ru_stime.tv_sec - a->ru_stime.tv_sec) +
           (double)(b->ru_stime.tv_usec - a->ru_stime.tv_usec) / 1e6;
}

/* The pool's state. */
struct pool {
    struct job *jobs;
    size_t nj, next, done;
    struct proc **active;
    size_t nactive, slots;
};

/* Every run of every cell that can run, slowest first; each cell gets its
 * observations and its runs' JSON array. */
static void pool_init(struct session *s, struct pool *p)
{
    size_t runs = (size_t)s->opts.runs;
    memset(p, 0, sizeof(*p));
    for (size_t i = 0; i < s->nr_cells; i++) {
        struct cell *cl = &s->cells[i];
        cl->obs = xcalloc(runs, sizeof(*cl->obs));
        cl->runs_json = json_array();
        if (!cl->error)
            p->nj += runs;
    }
    p->jobs = xcalloc(p->nj, sizeof(*p->jobs));
    size_t k = 0;
    for (size_t i = 0; i < s->nr_cells; i++) {
        if (s->cells[i].error)
            continue;
        for (size_t r = 0; r < runs; r++) {
            p->jobs[k].cell = &s->cells[i];
            p->jobs[k].run = r;
            k++;
        }
    }
    qsort(p->jobs, p->nj, sizeof(*p->jobs), cmp_jobs);
    p->slots = s->opts.jobs > 0 ? (size_t)s->opts.jobs : 1;
    p->active = xcalloc(p->slots, sizeof(*p->active));
}

/* A job that could not start: the run's error is `why` (taken). */
static void job_not_started(struct pool *p, struct job *j, char *why)
{
    struct run_obs *o = &j->cell->obs[j->run];
    memset(o, 0, sizeof(*o));
    o->error = why;
    json_t *run = json_object();
    json_object_set_new(run, "run", json_integer((json_int_t)j->run + 1));
    json_object_set_new(run, "error", json_text(why));
    json_object_set_new(run, "observation", results_obs_json(o));
    json_array_append_new(j->cell->runs_json, run);
    j->cell->runs_done++;
    p->done++;
}

/* Start jobs until every slot is busy. */
static void pool_fill(struct session *s, struct pool *p)
{
    while (!exec_interrupted() && p->nactive < p->slots && p->next < p->nj) {
        struct job *j = &p->jobs[p->next++];
        j->setarch = s->setarch && detector_row(j->cell->d)->aslr_failure;
        job_paths(s, j);
        char *why;
        if (job_start(s, j, &why) < 0) {
            job_not_started(p, j, why);
            continue;
        }
        p->active[p->nactive++] = &j->proc;
    }
}

/* Before a run starts again: its first attempt's logs move aside, to
 * <base>.attempt1<suffix> (kept in raw/, never parsed), so that only the
 * second attempt's logs count. */
static void keep_first_attempt(const struct job *j)
{
    struct strvec logs = {0};
    job_logs(j, &logs);
    size_t n = strlen(j->base);
    for (size_t i = 0; i < logs.nr; i++) {
        const char *f = logs.v[i];
        char *to = xasprintf("%s.attempt1%s", j->base, f + n);
        if (rename(f, to) < 0)
            unlink(f);
        free(to);
    }
    strvec_release(&logs);
}

/* A job that died of this kernel's ASLR entropy starts again under
 * setarch -R (and so do the later ones). Returns whether it did. */
static bool retry_under_setarch(struct session *s, struct pool *p,
                                struct job *j)
{
    if (j->setarch || !aslr_failure(j))
        return false;
    if (!s->setarch)
        session_note(s,
                     "%s died with \"%s\" (this kernel's ASLR entropy): "
                     "its runs start again under setarch -R",
                     detector_name(j->cell->d),
                     detector_row(j->cell->d)->aslr_failure);
    s->setarch = true;
    j->setarch = true;
    keep_first_attempt(j);
    char *why;
    if (job_start(s, j, &why) == 0)
        p->active[p->nactive++] = &j->proc;
    else
        job_not_started(p, j, why);
    return true;
}

/* Finish (or retry) every job that ended. */
static void pool_reap(struct session *s, struct pool *p)
{
    for (size_t i = 0; i < p->nactive;) {
        if (!p->active[i]->done) {
            i++;
            continue;
        }
        struct job *j = p->active[i]->data;
        p->active[i] = p->active[--p->nactive];
        if (retry_under_setarch(s, p, j))
            continue;
        job_finish(s, j);
        p->done++;
        progress(s, p->done, p->nj, j->cell);
    }
}

/* The job pool. */
static void run_jobs(struct session *s)
{
    struct pool p;
    pool_init(s, &p);
    struct rusage ru0, ru1, self0, self1;
    getrusage(RUSAGE_CHILDREN, &ru0);
    getrusage(RUSAGE_SELF, &self0);
    double t0 = now_s();

    while (p.next < p.nj || p.nactive) {
        pool_fill(s, &p);
        if (!p.nactive)
            break;
        exec_wait(p.active, p.nactive, 1.0);
        if (exec_interrupted()) {
            exec_kill(p.active, p.nactive);
            p.nactive = 0;
            break;
        }
        pool_reap(s, &p);
    }
    s->run_wall_s = now_s() - t0;
    getrusage(RUSAGE_CHILDREN, &ru1);
    getrusage(RUSAGE_SELF, &self1);
    s->children_cpu_s = cpu_between(&ru0, &ru1);
    s->self_cpu_s = cpu_between(&self0, &self1);
    if (s->opts.progress_tty && p.nj)
        fprintf(stderr, "\r" ANSI_ERASE_LINE);
    if (exec_interrupted()) {
        s->complete = false;
        s->signal = exec_interrupted();
    }
    for (size_t i = 0; i < p.nj; i++)
        job_release(&p.jobs[i]);
    free(p.jobs);
    free(p.active);
}

/* Verdicts of every cell. */
static void judge(struct session *s)
{
    for (size_t i = 0; i < s->nr_cells; i++) {
        struct cell *cl = &s->cells[i];
        if (cl->error) {
            memset(&cl->verdict, 0, sizeof(cl->verdict));
            cl->verdict.verdict = VERDICT_ERROR;
            cl->verdict.observed = xstrdup("error");
            cl->verdict.note = xstrdup(cl->error);
            continue;
        }
        /* Only the runs that completed (an interrupt may cut a cell). */
        size_t n = 0;
        struct run_obs *obs = xcalloc((size_t)s->opts.runs + 1, sizeof(*obs));
        json_t *run;
        size_t idx;
        json_array_foreach(cl->runs_json, idx, run)
        {
            size_t r = (size_t)json_integer_value(json_object_get(run, "run"));
            if (r >= 1 && r <= (size_t)s->opts.runs)
                obs[n++] = cl->obs[r - 1];
        }
        classify_cell(cl->d, cl->expect, obs, n, s->opts.natural, &cl->verdict);
        if (!n) {
            free(cl->verdict.note);
            cl->verdict.note = xstrdup("not run (interrupted)");
        } else if (n < (size_t)s->opts.runs && !cl->verdict.note) {
            cl->verdict.note = xasprintf("only %zu of %d runs done "
                                         "(interrupted)",
                                         n, s->opts.runs);
        }
        free(obs);
    }
}

static int exit_code(const struct session *s)
{
    if (!s->complete)
        return EXIT_INTERRUPTED;
    if (s->env_error || s->report_failed)
        return EXIT_ENV;
    if (s->opts.check)
        for (size_t i = 0; i < s->nr_cells; i++)
            if (!verdict_ok(s->cells[i].verdict.verdict))
                return EXIT_NOT_AS_EXPECTED;
    return EXIT_OK;
}

/* Say a writer's failure; the report is then not whole. */
static void write_failed(struct session *s, char *why)
{
    error("%s", why);
    free(why);
    s->report_failed = true;
}

/* results.json, summary.txt, the report files, then latest, only when all
 * of them were written; the matrix (or results.json) on stdout. */
static void write_report(struct session *s)
{
    char *raw = matrix_render(s, false);
    /* names, notes and messages from programs: shown, never sent */
    char *summary = text_cleaned(raw, false);
    free(raw);
    json_t *doc = results_json(s);
    char *why;
    if (results_write(s, doc, summary, &why) < 0)
        write_failed(s, why);
    if (s->opts.formats && s->opts.write_reports &&
        s->opts.write_reports(doc, s->report_dir, s->opts.formats, &why) < 0)
        write_failed(s, why);
    if (s->report_failed)
        error("the report in %s is not whole: latest not moved", s->report_dir);
    else if (results_point_latest(s, &why) < 0)
        write_failed(s, why);
    if (s->opts.json) {
        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        fputc('\n', stdout);
    } else if (s->opts.color) {
        char *colored = matrix_render(s, true);
        char *clean = text_cleaned(colored, true);
        fputs(clean, stdout);
        free(clean);
        free(colored);
    } else {
        fputs(summary, stdout);
    }
    fflush(stdout);
    struct results typed;
    char *bad = NULL;
    if (s->opts.bench_stats && !results_from_json(doc, &typed, &bad)) {
        cost_print(stderr, &typed, "bench: cost: ");
        results_release(&typed);
    }
    free(bad);
    json_decref(doc);
    free(summary);
}

/* --bench-stats: what the pool and the runner cost (bench/). */
static void print_bench_stats(const struct session *s)
{
    double busy = s->cores > 0 ? s->children_cpu_s / s->cores : 0;
    int slots = s->opts.jobs > 0 ? s->opts.jobs : 1;
    fprintf(stderr,
            "bench: runs: %.2f s wall, children CPU %.2f s on %d cores: "
            "overhead wall / (CPU / cores) = %.3f\n"
            "bench: pool: %d slots busy %.1f %% of the time (sum of run "
            "wall times %.2f s); runner's own CPU %.2f s\n"
            "bench: build %.2f s, total %.2f s\n",
            s->run_wall_s, s->children_cpu_s, s->cores,
            busy > 0 ? s->run_wall_s / busy : 0.0, slots,
            s->run_wall_s > 0 ? 100.0 * s->jobs_wall_s / (s->run_wall_s * slots)
                              : 0.0,
            s->jobs_wall_s, s->self_cpu_s, s->build_wall_s, s->total_wall_s);
    /* the runner's own peak memory, the report written, and the size of
     * results.json: bounded whatever the detectors printed */
    struct rusage self;
    getrusage(RUSAGE_SELF, &self);
    struct stat st;
    char *json =
        s->report_dir ? path_join(s->report_dir, "results.json") : NULL;
    fprintf(stderr,
            "bench: runner peak RSS %ld KiB (its own, not the runs'); "
            "results.json %lld bytes\n",
            self.ru_maxrss,
            json && !stat(json, &st) ? (long long)st.st_size : -1LL);
    free(json);
}

int session_run(struct session *s)
{
    double t0 = now_s();
    s->complete = true;
    s->cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (select_cells(s) < 0)
        return EXIT_USAGE;
    session_env_warnings(s);
    char *make = find_in_path("make");
    if (!make) {
        error("make not found in PATH: it builds every case (install "
              "make, or run scripts/install-deps)");
        return EXIT_ENV;
    }
    free(make);
    check_tools(s);
    exec_init();
    if (make_report_dir(s) < 0)
        return EXIT_ENV;
    if (build_cells(s) < 0 && !exec_interrupted())
        return EXIT_ENV;
    if (exec_interrupted()) {
        s->complete = false;
        s->signal = exec_interrupted();
    } else {
        run_jobs(s);
    }
    if (s->nr_cells && !s->cells[0].runs_json) /* interrupted before */
        for (size_t i = 0; i < s->nr_cells; i++) {
            s->cells[i].obs =
                xcalloc((size_t)s->opts.runs, sizeof(*s->cells[i].obs));
            s->cells[i].runs_json = json_array();
        }
    judge(s);
    s->total_wall_s = now_s() - t0;

    write_report(s);
    if (s->opts.bench_stats)
        print_bench_stats(s);
    return exit_code(s);
}
