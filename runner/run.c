/*
 * run.c - one run of the matrix: cells, build, job pool, parsing,
 * verdicts, report (see run.h).
 */
#include "run.h"

#include "exec.h"
#include "report-summary.h"
#include "parse.h"
#include "report-common.h"
#include "results.h"
#include "util.h"

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
    char *base; /* raw/<case>/<variant>.<detector>.r<N> */
    char *stdout_path, *stderr_path, *log_path, *vglog_path;
};

static bool selected(char **names, size_t n, const char *name)
{
    if (!n)
        return true;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return true;
    return false;
}

/* Cells of the selected cases, variants and detectors. 0, or -1 (exit 2)
 * after printing what was wrong. */
static int select_cells(struct session *s)
{
    const struct run_opts *o = &s->opts;
    for (size_t i = 0; i < o->nr_cases; i++)
        if (!catalog_find(&s->cat, o->cases[i])) {
            error("unknown case '%s' (see maprace list)", o->cases[i]);
            return -1;
        }
    for (size_t i = 0; i < o->nr_variants; i++) {
        bool found = false;
        for (size_t c = 0; c < s->cat.nr && !found; c++) {
            struct mcase *mc = &s->cat.cases[c];
            if (!selected(o->cases, o->nr_cases, mc->name))
                continue;
            for (size_t v = 0; v < mc->nr_variants && !found; v++)
                found = !strcmp(mc->variants[v].name, o->variants[i]);
        }
        if (!found) {
            error("no selected case has a variant '%s'", o->variants[i]);
            return -1;
        }
    }
    size_t alloc = 0;
    for (size_t c = 0; c < s->cat.nr; c++) {
        struct mcase *mc = &s->cat.cases[c];
        if (!selected(o->cases, o->nr_cases, mc->name))
            continue;
        for (size_t v = 0; v < mc->nr_variants; v++) {
            struct variant *va = &mc->variants[v];
            if (!selected(o->variants, o->nr_variants, va->name))
                continue;
            for (int d = 0; d < DET_COUNT; d++) {
                if (!o->detectors[d])
                    continue;
                ALLOC_GROW(s->cells, s->nr_cells + 1, alloc);
                struct cell *cl = &s->cells[s->nr_cells++];
                memset(cl, 0, sizeof(*cl));
                cl->c = mc;
                cl->v = va;
                cl->d = d;
                cl->expect = &va->expect[d];
            }
        }
    }
    if (!s->nr_cells) {
        error("nothing to run (no case selected)");
        return -1;
    }
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
    if (mkdir_p(s->raw_dir) < 0) {
        error("cannot create %s: %s", s->raw_dir, strerror(errno));
        return -1;
    }
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
        char *target =
            xasprintf("%s/%s/cases/%s/%s", s->bctx.build,
                      detector_flavour(cl->d), cl->c->name, cl->v->name);
        for (size_t j = 0; j < s->nr_targets; j++)
            if (!strcmp(s->targets[j].target, target))
                cl->bt = &s->targets[j];
        free(target);
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
        fprintf(stderr, "\033[K");
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
    switch (d) {
    case DET_DRD:
        return 0;
    case DET_HELGRIND:
        return 1;
    case DET_TSAN_GCC:
        return 2;
    case DET_TSAN:
        return 3;
    default:
        return 4;
    }
}

static char **split_args(const char *args, size_t *n)
{
    char **v = NULL;
    size_t nr = 0, alloc = 0;
    const char *s = args ? args : "";
    for (;;) {
        s += strspn(s, " \t");
        if (!*s)
            break;
        size_t len = strcspn(s, " \t");
        ALLOC_GROW(v, nr + 1, alloc);
        v[nr++] = xstrndup(s, len);
        s += len;
    }
    *n = nr;
    return v;
}

static void free_strv(char **v)
{
    if (!v)
        return;
    for (size_t i = 0; v[i]; i++)
        free(v[i]);
    free(v);
}

/* The command line and environment of a job. */
static void job_command(const struct session *s, struct job *j, char ***argvp,
                        char ***envp)
{
    const struct cell *cl = j->cell;
    size_t nargs;
    char **args = split_args(cl->c->args, &nargs);
    char **argv = xcalloc(nargs + 16, sizeof(*argv));
    char **env = xcalloc(4, sizeof(*env));
    size_t k = 0, e = 0;

    env[e++] = xstrdup(s->opts.natural ? "MAPRACE_FORCE=0" : "MAPRACE_FORCE=1");
    if (detector_is_tsan(cl->d)) {
        const char *user = getenv("TSAN_OPTIONS");
        env[e++] = xasprintf(
            "TSAN_OPTIONS=%s%slog_path=%s%s%s exitcode=%d "
            "atexit_sleep_ms=0 halt_on_error=0 second_deadlock_stack=1",
            user ? user : "", user && *user ? " " : "",
            /* the sanitizers' flag parser takes a quoted value */
            strpbrk(j->log_path, " \t") ? "\"" : "", j->log_path,
            strpbrk(j->log_path, " \t") ? "\"" : "", TSAN_EXITCODE);
        if (j->setarch) {
            struct utsname u;
            uname(&u);
            argv[k++] = xstrdup("setarch");
            argv[k++] = xstrdup(u.machine);
            argv[k++] = xstrdup("-R");
        }
    } else if (detector_is_valgrind(cl->d)) {
        argv[k++] = xstrdup("valgrind");
        argv[k++] = xasprintf("--tool=%s", detector_name(cl->d));
        argv[k++] = xstrdup("--xml=yes");
        argv[k++] = xasprintf("--xml-file=%s", j->log_path);
        argv[k++] = xasprintf("--log-file=%s", j->vglog_path);
        argv[k++] = xstrdup("--child-silent-after-fork=yes");
    }
    argv[k++] = xstrdup(cl->bt->binary);
    for (size_t i = 0; i < nargs; i++)
        argv[k++] = args[i];
    free(args);
    argv[k] = NULL;
    env[e] = NULL;
    *argvp = argv;
    *envp = env;
}

static void job_paths(const struct session *s, struct job *j)
{
    const struct cell *cl = j->cell;
    char *dir = path_join(s->raw_dir, cl->c->name);
    mkdir_p(dir);
    j->base = xasprintf("%s/%s.%s.r%zu", dir, cl->v->name, detector_name(cl->d),
                        j->run + 1);
    free(dir);
    j->stdout_path = xasprintf("%s.stdout", j->base);
    j->stderr_path = xasprintf("%s.stderr", j->base);
    if (detector_is_tsan(cl->d))
        j->log_path = xasprintf("%s.tsan", j->base);
    else if (detector_is_valgrind(cl->d)) {
        j->log_path = xasprintf("%s.xml", j->base);
        j->vglog_path = xasprintf("%s.vglog", j->base);
    }
}

static void job_release(struct job *j)
{
    free(j->base);
    free(j->stdout_path);
    free(j->stderr_path);
    free(j->log_path);
    free(j->vglog_path);
}

static int job_start(const struct session *s, struct job *j, char **why)
{
    char **argv, **env;
    job_command(s, j, &argv, &env);
    struct proc_spec spec = {0};
    spec.argv = argv;
    spec.env = env;
    spec.stdout_path = j->stdout_path;
    spec.stderr_path = j->stderr_path;
    spec.timeout_s =
        j->cell->c->timeout > 0 ? j->cell->c->timeout : s->opts.timeout;
    spec.output_cap = s->opts.output_cap;
    j->proc.data = j;
    int rc = exec_start(&spec, &j->proc, why);
    free_strv(argv);
    free_strv(env);
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

/* The TSan logs of a run: log_path.<pid>, one per process. */
static void tsan_logs(const struct job *j, glob_t *g)
{
    char *pat = xasprintf("%s.*", j->log_path);
    memset(g, 0, sizeof(*g));
    glob(pat, 0, NULL, g);
    free(pat);
}

/* Whether TSan died of this kernel's ASLR entropy. */
static bool tsan_mapping_failure(const struct job *j)
{
    if (file_contains(j->stderr_path, "unexpected memory mapping"))
        return true;
    glob_t g;
    tsan_logs(j, &g);
    bool found = false;
    for (size_t i = 0; i < g.gl_pathc && !found; i++)
        found = file_contains(g.gl_pathv[i], "unexpected memory mapping");
    globfree(&g);
    return found;
}

/* Parse a finished job's logs, classify the run, keep its JSON. */
static void job_finish(struct session *s, struct job *j)
{
    struct cell *cl = j->cell;
    struct report r;
    report_init(&r);
    json_t *logs = json_object();
    json_object_set_new(logs, "stdout", json_string(rel(s, j->stdout_path)));
    json_object_set_new(logs, "stderr", json_string(rel(s, j->stderr_path)));
    json_t *capped = json_array();
    char *missing_log = NULL;

    if (detector_is_tsan(cl->d)) {
        glob_t g;
        tsan_logs(j, &g);
        json_t *arr = json_array();
        for (size_t i = 0; i < g.gl_pathc; i++) {
            parse_tsan_file(g.gl_pathv[i], detector_name(cl->d), &r);
            json_array_append_new(arr, json_string(rel(s, g.gl_pathv[i])));
            if (file_capped(g.gl_pathv[i], s->opts.output_cap))
                json_array_append_new(capped,
                                      json_string(rel(s, g.gl_pathv[i])));
        }
        json_object_set_new(logs, "tsan", arr);
        globfree(&g);
    } else if (detector_is_valgrind(cl->d)) {
        struct stat st;
        json_object_set_new(logs, "valgrind_log",
                            json_string(rel(s, j->vglog_path)));
        if (!stat(j->log_path, &st)) {
            json_object_set_new(logs, "xml", json_string(rel(s, j->log_path)));
            parse_valgrind_file(j->log_path, detector_name(cl->d), &r);
            if (file_capped(j->log_path, s->opts.output_cap))
                json_array_append_new(capped, json_string(rel(s, j->log_path)));
        } else {
            missing_log = xasprintf("valgrind wrote no XML log (see %s)",
                                    rel(s, j->vglog_path));
        }
    }
    parse_native_file(j->stderr_path, &r);
    if (file_capped(j->stdout_path, s->opts.output_cap))
        json_array_append_new(capped, json_string(rel(s, j->stdout_path)));
    if (file_capped(j->stderr_path, s->opts.output_cap))
        json_array_append_new(capped, json_string(rel(s, j->stderr_path)));

    char *out = NULL;
    if (cl->expect->kind == EXPECT_SYMPTOM)
        out = read_file(j->stdout_path, s->opts.output_cap, NULL);
    struct run_obs *o = &cl->obs[j->run];
    classify_run(cl->d, cl->expect, &cl->v->markers, &r, &j->proc, out, o);
    free(out);
    if (missing_log && !o->error)
        o->error = missing_log;
    else
        free(missing_log);

    json_t *run = json_object();
    json_object_set_new(run, "run", json_integer((json_int_t)j->run + 1));
    json_object_set_new(run, "exit", json_string(exec_describe(&j->proc)));
    json_object_set_new(run, "wall_s", json_real(j->proc.wall_s));
    json_object_set_new(run, "cpu_s", json_real(j->proc.cpu_s));
    json_object_set_new(run, "detected", json_boolean(o->detected));
    json_object_set_new(run, "setarch", json_boolean(j->setarch));
    if (o->marker)
        json_object_set_new(run, "marked_line", json_string(o->marker));
    if (o->error)
        json_object_set_new(run, "error", json_string(o->error));
    if (r.error)
        json_object_set_new(run, "parse_error", json_string(r.error));
    if (json_array_size(capped)) {
        json_object_set_new(run, "capped", json_incref(capped));
        session_note(s, "%s/%s %s run %zu: output cut at %zu bytes (%s%s)",
                     cl->c->name, cl->v->name, detector_name(cl->d), j->run + 1,
                     s->opts.output_cap,
                     json_string_value(json_array_get(capped, 0)),
                     json_array_size(capped) > 1 ? " and more" : "");
    }
    json_decref(capped);
    json_object_set_new(run, "logs", logs);
    json_object_set_new(run, "findings_total", json_integer((json_int_t)r.nr));
    json_object_set_new(run, "findings_dropped",
                        json_integer((json_int_t)r.nr_dropped));
    json_object_set_new(
        run, "findings",
        results_findings_json(&r, &cl->v->markers, RUN_JSON_FINDINGS));
    json_array_append_new(cl->runs_json, run);
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
        fprintf(stderr, "\r\033[K[%zu/%zu] %s/%s %s", done, total,
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

/* The job pool. */
static void run_jobs(struct session *s)
{
    size_t runs = (size_t)s->opts.runs, nj = 0;
    for (size_t i = 0; i < s->nr_cells; i++) {
        struct cell *cl = &s->cells[i];
        cl->obs = xcalloc(runs, sizeof(*cl->obs));
        cl->runs_json = json_array();
        if (!cl->error)
            nj += runs;
    }
    struct job *jobs = xcalloc(nj, sizeof(*jobs));
    size_t k = 0;
    for (size_t i = 0; i < s->nr_cells; i++) {
        if (s->cells[i].error)
            continue;
        for (size_t r = 0; r < runs; r++) {
            jobs[k].cell = &s->cells[i];
            jobs[k].run = r;
            k++;
        }
    }
    qsort(jobs, nj, sizeof(*jobs), cmp_jobs);

    int slots = s->opts.jobs > 0 ? s->opts.jobs : 1;
    struct proc **active = xcalloc((size_t)slots, sizeof(*active));
    size_t nactive = 0, next = 0, done = 0;
    struct rusage ru0, ru1, self0, self1;
    getrusage(RUSAGE_CHILDREN, &ru0);
    getrusage(RUSAGE_SELF, &self0);
    double t0 = now_s();

    while (next < nj || nactive) {
        while (!exec_interrupted() && nactive < (size_t)slots && next < nj) {
            struct job *j = &jobs[next++];
            j->setarch = s->setarch && detector_is_tsan(j->cell->d);
            job_paths(s, j);
            char *why;
            if (job_start(s, j, &why) < 0) {
                struct run_obs *o = &j->cell->obs[j->run];
                memset(o, 0, sizeof(*o));
                o->error = why;
                json_t *run = json_object();
                json_object_set_new(run, "run",
                                    json_integer((json_int_t)j->run + 1));
                json_object_set_new(run, "error", json_string(why));
                json_array_append_new(j->cell->runs_json, run);
                j->cell->runs_done++;
                done++;
                continue;
            }
            active[nactive++] = &j->proc;
        }
        if (!nactive)
            break;
        exec_wait(active, nactive, 1.0);
        if (exec_interrupted()) {
            exec_kill(active, nactive);
            nactive = 0;
            break;
        }
        for (size_t i = 0; i < nactive;) {
            if (!active[i]->done) {
                i++;
                continue;
            }
            struct job *j = active[i]->data;
            active[i] = active[--nactive];
            if (detector_is_tsan(j->cell->d) && !j->setarch &&
                tsan_mapping_failure(j)) {
                if (!s->setarch)
                    session_note(s, "ThreadSanitizer died with "
                                    "\"unexpected memory mapping\" (this "
                                    "kernel's ASLR entropy): TSan runs "
                                    "again under setarch -R");
                s->setarch = true;
                j->setarch = true;
                char *why;
                if (job_start(s, j, &why) == 0) {
                    active[nactive++] = &j->proc;
                    continue;
                }
                j->cell->obs[j->run].error = why;
                j->cell->runs_done++;
                done++;
                continue;
            }
            job_finish(s, j);
            done++;
            progress(s, done, nj, j->cell);
        }
    }
    s->run_wall_s = now_s() - t0;
    getrusage(RUSAGE_CHILDREN, &ru1);
    getrusage(RUSAGE_SELF, &self1);
    s->children_cpu_s = cpu_between(&ru0, &ru1);
    s->self_cpu_s = cpu_between(&self0, &self1);
    if (s->opts.progress_tty && nj)
        fprintf(stderr, "\r\033[K");
    if (exec_interrupted()) {
        s->complete = false;
        s->signal = exec_interrupted();
    }
    for (size_t i = 0; i < nj; i++)
        job_release(&jobs[i]);
    free(jobs);
    free(active);
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
        return 130;
    if (s->env_error)
        return 3;
    if (s->opts.check)
        for (size_t i = 0; i < s->nr_cells; i++)
            if (!verdict_ok(s->cells[i].verdict.verdict))
                return 1;
    return 0;
}

int session_run(struct session *s)
{
    double t0 = now_s();
    s->complete = true;
    s->cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (select_cells(s) < 0)
        return 2;
    char *make = find_in_path("make");
    if (!make) {
        error("make not found in PATH: it builds every case (install "
              "make, or run scripts/install-deps)");
        return 3;
    }
    free(make);
    check_tools(s);
    exec_init();
    if (make_report_dir(s) < 0)
        return 3;
    if (build_cells(s) < 0 && !exec_interrupted())
        return 3;
    if (exec_interrupted()) {
        s->complete = false;
        s->signal = exec_interrupted();
    } else {
        run_jobs(s);
    }
    if (!s->cells[0].runs_json) /* interrupted before the pool */
        for (size_t i = 0; i < s->nr_cells; i++) {
            s->cells[i].obs =
                xcalloc((size_t)s->opts.runs, sizeof(*s->cells[i].obs));
            s->cells[i].runs_json = json_array();
        }
    judge(s);
    s->total_wall_s = now_s() - t0;

    /* results.json, summary.txt, the report files, then latest. */
    char *summary = matrix_render(s, false);
    json_t *doc = results_json(s);
    char *why;
    if (results_write(s, doc, summary, &why) < 0) {
        error("%s", why);
        free(why);
    }
    if (s->opts.formats &&
        reports_write(doc, s->report_dir, s->opts.formats, &why) < 0) {
        error("%s", why);
        free(why);
    }
    if (results_point_latest(s, &why) < 0) {
        error("%s", why);
        free(why);
    }
    if (s->opts.json) {
        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        fputc('\n', stdout);
    } else if (s->opts.color) {
        char *colored = matrix_render(s, true);
        fputs(colored, stdout);
        free(colored);
    } else {
        fputs(summary, stdout);
    }
    fflush(stdout);
    json_decref(doc);
    free(summary);
    if (s->opts.bench_stats) {
        double busy = s->cores > 0 ? s->children_cpu_s / s->cores : 0;
        int slots = s->opts.jobs > 0 ? s->opts.jobs : 1;
        fprintf(
            stderr,
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
    }
    return exit_code(s);
}
