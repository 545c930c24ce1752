/*
 * session.h - what one `maprace run` or `maprace check` is made of: its
 * options, its cells (case x variant x detector) with their runs and
 * verdicts, and the session that holds them. The driver (run.h) fills a
 * session; the writers below it (results.h, engine/live-matrix.h) only read
 * one.
 */
#ifndef MAPRACE_SESSION_H
#define MAPRACE_SESSION_H

#include "engine/build.h"
#include "engine/catalog.h"
#include "engine/classify.h"
#include "engine/detectors.h"
#include "engine/shard.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Bytes a run may write to each of its files (stdout, stderr, the
 * detector's log) before they are cut, unless $MAPRACE_OUTPUT_CAP says
 * (bytes; for tests). */
#define RUN_OUTPUT_CAP ((size_t)64 << 20)

/* Findings kept per run in results.json (the count of all is kept too). */
#define RUN_JSON_FINDINGS 50

struct run_opts {
    bool detectors[DET_COUNT];
    /* No -d: every detector but the not_default ones. A Go detector whose
     * toolchain is not installed is then left out with a note, not an
     * error. */
    bool detectors_default;
    char **cases; /* names given on the command line, or none: all */
    size_t nr_cases;
    char **variants; /* --variant, or none: all */
    size_t nr_variants;
    int runs;
    int jobs;
    double timeout;        /* seconds, per run, unless case.ini says */
    const char *out;       /* reports folder */
    const char *root;      /* the repository, absolute */
    const char *build;     /* --build, relative to root or absolute */
    const char *cases_dir; /* the catalog, absolute */
    bool check;            /* `check`: exit 1 when a cell is not as expected */
    bool merged;           /* `merge`: joined from `check --shard` reports */
    bool json;             /* results.json on stdout instead of the matrix */
    bool color;
    bool progress_tty; /* stderr is a terminal: one progress line */
    bool natural;      /* no MAPRACE_FORCE=1 */
    bool bench_stats;
    size_t output_cap; /* RUN_OUTPUT_CAP or $MAPRACE_OUTPUT_CAP */
    /* The report files after the run. The engine knows no format: the
     * verb sets these with report_opts_set() (report/common.h): the
     * chosen bits (0: only results.json and summary.txt), the writer,
     * and the files' names for the summary line. */
    unsigned formats;
    int (*write_reports)(json_t *doc, const char *dir, unsigned formats,
                         char **why);
    char report_files[128];  /* ", index.html, junit.xml" or "" */
    struct shard_spec shard; /* --shard K/N, or count 0 */
    /* maprace try (cmd/try.h): the make variable naming the program's
     * files, and its id (build.h, build_ctx_set_try); NULL for cases */
    char *try_make_var, *try_id;
};

struct cell {
    struct mcase *c;
    struct variant *v;
    enum detector d;
    const struct expectation *expect;
    struct build_target *bt; /* its binary (shared by cells of a flavour) */
    char *error;             /* not run: tool missing, build failed */
    bool tool_missing;
    char *build_log; /* log of the failed build, or NULL */
    size_t runs_done;
    struct run_obs *obs;     /* runs_done of them */
    json_t *runs_json;       /* one object per run */
    size_t findings_dropped; /* past the parsers' cap, over the runs */
    double wall_s, cpu_s;
    struct cell_verdict verdict;
};

struct session {
    struct run_opts opts;
    struct catalog cat;
    struct build_ctx bctx;
    struct build_target *targets;
    size_t nr_targets;
    struct cell *cells;
    size_t nr_cells;
    char *run_id;
    char *report_dir;   /* <out>/<run-id> */
    char *raw_dir;      /* <out>/<run-id>/raw */
    char *started;      /* ISO 8601 UTC */
    bool complete;      /* false when interrupted */
    int signal;         /* what interrupted it, or 0 */
    bool setarch;       /* TSan needed setarch -R on this kernel */
    bool env_error;     /* a detector's tool is missing */
    bool report_failed; /* a file of the report could not be written */
    char **notes;       /* one-line notes shown once (setarch, caps) */
    size_t nr_notes, alloc_notes;
    double build_wall_s, run_wall_s, total_wall_s;
    double children_cpu_s; /* getrusage(RUSAGE_CHILDREN) over the runs */
    double self_cpu_s;     /* the runner's own CPU over the runs */
    double jobs_wall_s;    /* sum of the runs' wall times */
    int cores;
};

/* Add a one-line note shown after the matrix and kept in results.json. */
void session_note(struct session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The markers of the source a cell runs: the variant's Go twin's under
 * go and go-race, else its C source's. */
const struct markers *cell_markers(const struct cell *cl);

/* "run", "check", "try" or "merge": the verb the session serves. */
const char *session_verb(const struct session *s);

/* Free everything the session holds (its catalog too). */
void session_release(struct session *s);

#endif
