/*
 * results-model.h - results.json as C structs: the one schema of the
 * document every report writer and verb reads (docs/report-format.md
 * describes each key; this header is its single definition).
 *
 * results_load() reads a results.json (every schema version the runner
 * has written: 1, whose fields were only ever added, so an older file
 * simply lacks some) into a struct results; results_save() writes one
 * back, key for key as the runner writes it; results_doc() gives the
 * jansson document of a struct results, for the code that still takes
 * one. Keys of the document are spelled in results-model.c only: the
 * tables there drive both directions, so a field read is a field written.
 *
 * A new key of the document is a field of its struct and a row of its
 * table in results-model.c: scripts/check-results-keys fails when a file
 * that still writes the document by key writes a key the tables lack, and
 * test_results_model when a saved file has one (a key the tables lack is
 * dropped by results_load(), and lost by `merge`).
 *
 * Conventions of the structs:
 *   - a string the document holds as null, or lacks, is NULL;
 *   - an optional integer the document lacks holds the value named in its
 *     comment (RES_ABSENT, or -1), an optional number NAN (also for a
 *     number written as null), an optional boolean RES_ABSENT;
 *   - an optional object or array the document lacks is a NULL pointer
 *     (a present empty array is a non-NULL pointer with nr 0);
 *   - a field added to the schema after a file was written is written
 *     back empty (null, [] or 0) when the file lacked it;
 *   - totals are never stored: results_totals() counts them from the
 *     cells, for results_save() and every reader alike.
 */
#ifndef MAPRACE_RESULTS_MODEL_H
#define MAPRACE_RESULTS_MODEL_H

#include "engine/classify.h"

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* The schema version results.h writes, and the ones results_load() reads.
 * Bump the version on any change that is not an addition. */
#define RESULTS_SCHEMA_VERSION 1
#define RESULTS_SCHEMA_MIN 1
#define RESULTS_SCHEMA_MAX RESULTS_SCHEMA_VERSION

/* An optional integer or boolean the document lacks. */
#define RES_ABSENT LLONG_MIN

/* One stack frame, as the parsers kept it (finding.h); the annotation
 * (class..model) only in races[] (annotate.h). */
struct res_frame {
    char *func, *file; /* either may be NULL */
    long long line;    /* 0 when unknown */
    long long column;  /* 0: absent */
    char *module;      /* or NULL */
    char *offset, *ip; /* "0x..." or NULL */
    char *marker;      /* the RACE: marker's text on a marked line */
    long long repeat;  /* a recursion folded into one frame; 0: absent */
    char *class_;      /* "case", "model", "hidden", "other", or NULL */
    long long hidden;  /* 0/1, RES_ABSENT outside races[] */
    char *path;        /* repository-relative, or NULL */
    char *go, *role;   /* a model function's Go counterpart and role */
    char *model;       /* a Go frame's model function */
};

/* One access (or another stack) of a finding. */
struct res_access {
    char *label;    /* the detector's header of the stack */
    long long seq;  /* its place among the finding's stacks */
    char *kind;     /* "read", "write", "atomic read"... */
    long long size; /* 0 when unknown */
    char *addr;     /* "0x..." or NULL */
    char *thread;   /* or NULL */
    char **locks;   /* held (an entry may be NULL) */
    size_t nr_locks;
    struct res_frame *frames; /* outermost last */
    size_t nr_frames;
    long long frames_cut;       /* frames not kept; 0: none */
    long long frames_cut_after; /* kept frames before them; -1: absent */
    long long at; /* races[] only: index in the race's locations, -1 for
                     none; RES_ABSENT elsewhere */
};

/* One report of a detector (docs/report-format.md, "A finding"). */
struct res_finding {
    char *kind; /* "data-race", "fatal", "lock-order"... */
    char *detector, *type, *message, *location;
    struct res_access *accesses; /* zero to two */
    size_t nr_accesses;
    struct res_access *more; /* the other stacks */
    size_t nr_more;
};

/* A log of a run: its key (stdout, stderr, the detector's log_key and
 * aux_key) and its paths (one, unless `list`: TSan's log per process). */
struct res_log {
    char *key;
    char **paths;
    size_t nr_paths;
    bool list;
};

/* One run of a cell (run_details[]). A run that could not start has only
 * `run`, `error` and `obs`: `exit` is NULL, the numbers NAN or -1, the
 * booleans RES_ABSENT, logs and findings NULL. */
struct res_run {
    long long run; /* 1-based */
    char *command, *exit;
    double wall_s, cpu_s;
    long long maxrss_kb;       /* -1: absent */
    long long detected;        /* 0/1 or RES_ABSENT */
    struct run_obs *obs;       /* NULL in a file older than it */
    long long setarch;         /* 0/1 or RES_ABSENT */
    char *marked_line, *error; /* or NULL */
    char *parse_error;         /* or NULL */
    char **capped;             /* NULL: none */
    size_t nr_capped;
    struct res_log *logs;
    size_t nr_logs;
    long long findings_total, findings_dropped; /* -1: absent */
    struct res_finding *findings;
    size_t nr_findings;
};

/* A cell's expectation, split (expect.h). */
struct res_expectation {
    char *kind, *arg, *text;
};

/* A cell's cost against native: NAN when either side has none. */
struct res_cost_ratio {
    double wall_x, cpu_x, maxrss_x;
};

/* One case x variant x detector. */
struct res_cell {
    char *case_name, *variant, *detector, *flavour;
    char *expected;
    struct res_expectation expectation;
    char *observed;
    enum verdict verdict;
    bool as_expected;
    char *note;
    long long runs, runs_done, detected_runs;
    double wall_s, cpu_s;
    char *error;       /* only when the cell could not run */
    bool tool_missing; /* written only when true */
    char *binary, *build_error, *build_log;
    long long findings_dropped;
    struct res_finding *findings; /* of the first run that had any */
    size_t nr_findings;
    struct res_run *runs_detail;
    size_t nr_runs_detail;
    struct res_cost_ratio *cost; /* NULL: absent */
};

/* A marker of a variant's source. */
struct res_marker {
    long long line;
    char *text;
};

/* A name -> string-or-NULL pair: a variant's expectation per detector,
 * a shard's case fingerprints. */
struct res_pair {
    char *key, *value;
};

struct res_variant {
    char *name, *source, *title;
    struct res_marker *markers;
    size_t nr_markers;
    char *go_source, *no_go_twin;
    struct res_marker *go_markers; /* NULL without a Go twin */
    size_t nr_go_markers;
    struct res_pair *expect; /* detector -> expectation text or NULL */
    size_t nr_expect;
};

struct res_case {
    char *name, *title, *go, *no_swiss, *no_hmap, *article, *family, *why;
    char **pictures; /* the README's picture blocks */
    size_t nr_pictures;
    struct res_variant *variants;
    size_t nr_variants;
};

struct res_options {
    char **detectors; /* in the order of detectors.h */
    size_t nr_detectors;
    long long runs, jobs;
    double timeout_s;
    bool forced; /* false with --natural */
    char *catalog, *build;
};

struct res_timing {
    double build_wall_s, run_wall_s, total_wall_s, children_cpu_s;
    long long cores; /* -1: absent (a merge) */
    double self_cpu_s, jobs_wall_s;
    double pool_busy, overhead; /* NAN: null */
};

struct res_shard {
    long long index, count, cells_total;
    char *selection;
    struct res_pair *cases; /* case name -> fingerprint */
    size_t nr_cases;
};

struct res_merged_from {
    char *run_id;
    struct res_shard *shard;
};

/* A detector's cost over its cells (cost.h): NAN min, max and median
 * when no cell has the ratio. */
struct res_cost_stat {
    long long cells;
    double min, max, median;
};

struct res_cost {
    char *detector;
    struct res_cost_stat wall_x, cpu_x, maxrss_x;
};

/* A race's location (group.h). */
struct res_location {
    char *path;
    long long line;
    char *func, *marker; /* or NULL */
    char *how;           /* "marked", "case", "model" */
};

/* One access of a pair of top frames (group.h, access_pairs). */
struct res_pair_access {
    char *kind;
    long long at; /* the index in locations, -1 none; RES_ABSENT */
    char *func, *path;
    long long line;
    char *go, *class_;
};

struct res_access_pair {
    long long count;
    struct res_pair_access *accesses;
    size_t nr_accesses;
};

/* One detector's evidence of a race. */
struct res_evidence {
    char *detector;
    char *kind, *type, *message, *location; /* of its first finding */
    enum verdict verdict;                   /* its cell's */
    long long runs, seen_runs, first_run, findings;
    struct res_access *accesses; /* annotated, with `at` */
    size_t nr_accesses;
    struct res_access *more;
    size_t nr_more;
    char *command; /* or NULL */
    char **logs;
    size_t nr_logs;
    struct res_access_pair *access_pairs;
    size_t nr_access_pairs;
    long long access_pairs_more;
};

struct res_race {
    char *id, *case_name, *variant, *kind;
    char *title, *family, *go, *why;
    struct res_location *locations; /* zero to two */
    size_t nr_locations;
    struct res_evidence *detectors;
    size_t nr_detectors;
};

/* Cells per verdict, counted by results_totals(). */
struct res_totals {
    size_t cells;
    size_t verdicts[VERDICT_COUNT];
};

/* The whole document. */
struct results {
    long long schema_version;
    char *tool, *verb, *run_id, *started;
    bool complete;
    bool interrupted;     /* interrupted_by is written (not complete) */
    char *interrupted_by; /* "INT", "TERM", "HUP" or NULL */
    struct res_options options;
    struct res_timing timing;
    bool setarch;
    struct res_shard *shard; /* NULL unless --shard */
    char **notes;
    size_t nr_notes;
    struct res_case *cases;
    size_t nr_cases;
    struct res_cell *cells;
    size_t nr_cells;
    struct res_race *races; /* NULL in a file older than them */
    size_t nr_races;
    struct res_cost *cost; /* NULL in a file older than it */
    size_t nr_cost;
    struct res_merged_from *merged_from; /* NULL unless `maprace merge` */
    size_t nr_merged_from;
};

/* Read results.json at `path` (or a document already parsed) into r.
 * Returns 0, or -1 with a malloc'd one-line reason in *why naming the
 * file and where it is wrong ("x/results.json: cells[3].verdict: not a
 * verdict: \"maybe\""); r is then released. */
int results_load(const char *path, struct results *r, char **why);
int results_from_json(json_t *doc, struct results *r, char **why);

/* The document of r (a new reference), keys as results.h writes them,
 * totals counted from the cells. */
json_t *results_doc(const struct results *r);

/* Write r to `path` atomically (sorted keys, indented, a final newline).
 * Returns 0, or -1 with a malloc'd reason in *why. */
int results_save(const struct results *r, const char *path, char **why);

void results_release(struct results *r);

/* Count the verdicts of r's cells; results_totals_add() counts one, for a
 * writer that holds its cells elsewhere (results.c), and
 * results_totals_json() is the "totals" object of either. */
void results_totals(const struct results *r, struct res_totals *t);
void results_totals_add(struct res_totals *t, enum verdict v);
json_t *results_totals_json(const struct res_totals *t);

/* The verdict named `name` ("pass", "false-negative"...). Returns 0, or
 * -1 when no verdict has that name. */
int verdict_by_name(const char *name, enum verdict *v);

/* The run observation of results.json (run_details[].observation) and
 * back (classify.h's struct run_obs; a missing field stays zero). */
json_t *results_obs_json(const struct run_obs *o);
void results_obs_from_json(json_t *j, struct run_obs *o);

/* Look-ups: the case named `name`, its variant, the cell of
 * case/variant/detector; NULL when absent. */
const struct res_case *results_case(const struct results *r, const char *name);
const struct res_variant *results_variant(const struct res_case *c,
                                          const char *name);
const struct res_cell *results_cell_of(const struct results *r,
                                       const char *case_name,
                                       const char *variant,
                                       const char *detector);

/* A shard record as results.json holds it ("shard", and each of
 * "merged_from"), a new reference. */
json_t *results_shard_json(const struct res_shard *s);

/* The races of r as results.json holds them (a new reference). */
json_t *results_races_json(const struct results *r);

/* A cell's run_details as results.json holds them (a new reference), for
 * the code that keeps them as JSON (struct cell's runs_json). */
json_t *res_cell_runs_json(const struct res_cell *c);

/* The path of the log `key` of a run (its first, for a list), or NULL. */
const char *res_run_log(const struct res_run *run, const char *key);

#endif
