/*
 * results-model.c - results.json as structs (see results-model.h): one
 * table per struct drives reading, writing and freeing, so every key of
 * the document is spelled here once.
 */
#include "engine/results-model.h"

#include "lib/text.h"
#include "lib/util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ftype {
    T_STR,     /* char *, null when NULL */
    T_INT,     /* long long */
    T_REAL,    /* double, null when NAN */
    T_BOOL,    /* bool */
    T_TRI,     /* long long 0/1, RES_ABSENT */
    T_VERDICT, /* enum verdict, by name */
    T_OBJ,     /* an embedded struct */
    T_PTR,     /* a pointer to one struct, NULL when absent */
    T_ARR,     /* a pointer to structs and their count */
    T_STRS,    /* char ** and its count (entries may be NULL) */
    T_PAIRS,   /* struct res_pair * and its count: an object of strings */
    T_LOGS,    /* struct res_log * and its count */
    T_OBS,     /* struct run_obs * */
};

enum {
    F_OPT = 1 << 0, /* omitted when absent (NULL, RES_ABSENT, NAN, false) */
    F_REQ = 1 << 1, /* a document without it is refused */
};

struct schema;

struct field {
    const char *key;
    enum ftype type;
    unsigned flags;
    size_t off, nr_off;
    const struct schema *sub;
    long long absent; /* T_INT: the value of a missing key */
};

struct schema {
    size_t size;
    const struct field *fields;
    size_t nr;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SCHEMA(st, f)                                                          \
    {                                                                          \
        sizeof(struct st), f, N(f)                                             \
    }
#define STR(k, st, m, fl)                                                      \
    {                                                                          \
        k, T_STR, fl, offsetof(struct st, m), 0, NULL, 0                       \
    }
#define INT(k, st, m, fl, ab)                                                  \
    {                                                                          \
        k, T_INT, fl, offsetof(struct st, m), 0, NULL, ab                      \
    }
#define REAL(k, st, m, fl)                                                     \
    {                                                                          \
        k, T_REAL, fl, offsetof(struct st, m), 0, NULL, 0                      \
    }
#define BOOL(k, st, m, fl)                                                     \
    {                                                                          \
        k, T_BOOL, fl, offsetof(struct st, m), 0, NULL, 0                      \
    }
#define TRI(k, st, m, fl)                                                      \
    {                                                                          \
        k, T_TRI, fl, offsetof(struct st, m), 0, NULL, RES_ABSENT              \
    }
#define VERDICT(k, st, m, fl)                                                  \
    {                                                                          \
        k, T_VERDICT, fl, offsetof(struct st, m), 0, NULL, 0                   \
    }
#define OBJ(k, st, m, sc)                                                      \
    {                                                                          \
        k, T_OBJ, 0, offsetof(struct st, m), 0, &sc, 0                         \
    }
#define PTR(k, st, m, fl, sc)                                                  \
    {                                                                          \
        k, T_PTR, fl, offsetof(struct st, m), 0, &sc, 0                        \
    }
#define ARR(k, st, m, fl, sc)                                                  \
    {                                                                          \
        k, T_ARR, fl, offsetof(struct st, m), offsetof(struct st, nr_##m),     \
            &sc, 0                                                             \
    }
#define LIST(k, t, st, m, fl)                                                  \
    {                                                                          \
        k, t, fl, offsetof(struct st, m), offsetof(struct st, nr_##m), NULL, 0 \
    }

/* The schema, bottom up. */

static const struct field frame_fields[] = {
    STR("func", res_frame, func, 0),
    STR("file", res_frame, file, 0),
    INT("line", res_frame, line, 0, 0),
    INT("column", res_frame, column, F_OPT, 0),
    STR("module", res_frame, module, F_OPT),
    STR("offset", res_frame, offset, F_OPT),
    STR("ip", res_frame, ip, F_OPT),
    STR("marker", res_frame, marker, F_OPT),
    INT("repeat", res_frame, repeat, F_OPT, 0),
    STR("class", res_frame, class_, F_OPT),
    TRI("hidden", res_frame, hidden, F_OPT),
    STR("path", res_frame, path, F_OPT),
    STR("go", res_frame, go, F_OPT),
    STR("role", res_frame, role, F_OPT),
    STR("model", res_frame, model, F_OPT),
};
static const struct schema frame_schema = SCHEMA(res_frame, frame_fields);

static const struct field access_fields[] = {
    STR("label", res_access, label, F_OPT),
    INT("seq", res_access, seq, 0, 0),
    STR("kind", res_access, kind, 0),
    INT("size", res_access, size, 0, 0),
    STR("addr", res_access, addr, F_OPT),
    STR("thread", res_access, thread, 0),
    LIST("locks", T_STRS, res_access, locks, 0),
    ARR("frames", res_access, frames, 0, frame_schema),
    INT("frames_cut", res_access, frames_cut, F_OPT, 0),
    INT("frames_cut_after", res_access, frames_cut_after, F_OPT, -1),
    INT("at", res_access, at, F_OPT, RES_ABSENT),
};
static const struct schema access_schema = SCHEMA(res_access, access_fields);

static const struct field finding_fields[] = {
    STR("kind", res_finding, kind, 0),
    STR("detector", res_finding, detector, 0),
    STR("type", res_finding, type, 0),
    STR("message", res_finding, message, 0),
    STR("location", res_finding, location, 0),
    ARR("accesses", res_finding, accesses, 0, access_schema),
    ARR("more", res_finding, more, 0, access_schema),
};
static const struct schema finding_schema = SCHEMA(res_finding, finding_fields);

static const struct field run_fields[] = {
    INT("run", res_run, run, 0, 0),
    STR("command", res_run, command, F_OPT),
    STR("exit", res_run, exit, F_OPT),
    REAL("wall_s", res_run, wall_s, F_OPT),
    REAL("cpu_s", res_run, cpu_s, F_OPT),
    INT("maxrss_kb", res_run, maxrss_kb, F_OPT, -1),
    TRI("detected", res_run, detected, F_OPT),
    {"observation", T_OBS, F_OPT, offsetof(struct res_run, obs), 0, NULL, 0},
    TRI("setarch", res_run, setarch, F_OPT),
    STR("marked_line", res_run, marked_line, F_OPT),
    STR("error", res_run, error, F_OPT),
    STR("parse_error", res_run, parse_error, F_OPT),
    LIST("capped", T_STRS, res_run, capped, F_OPT),
    LIST("logs", T_LOGS, res_run, logs, F_OPT),
    INT("findings_total", res_run, findings_total, F_OPT, -1),
    INT("findings_dropped", res_run, findings_dropped, F_OPT, -1),
    ARR("findings", res_run, findings, F_OPT, finding_schema),
};
static const struct schema run_schema = SCHEMA(res_run, run_fields);

static const struct field expectation_fields[] = {
    STR("kind", res_expectation, kind, 0),
    STR("arg", res_expectation, arg, 0),
    STR("text", res_expectation, text, 0),
};
static const struct schema expectation_schema =
    SCHEMA(res_expectation, expectation_fields);

static const struct field ratio_fields[] = {
    REAL("wall_x", res_cost_ratio, wall_x, 0),
    REAL("cpu_x", res_cost_ratio, cpu_x, 0),
    REAL("maxrss_x", res_cost_ratio, maxrss_x, 0),
};
static const struct schema ratio_schema = SCHEMA(res_cost_ratio, ratio_fields);

static const struct field cell_fields[] = {
    STR("case", res_cell, case_name, F_REQ),
    STR("variant", res_cell, variant, F_REQ),
    STR("detector", res_cell, detector, F_REQ),
    STR("flavour", res_cell, flavour, 0),
    STR("expected", res_cell, expected, 0),
    OBJ("expectation", res_cell, expectation, expectation_schema),
    STR("observed", res_cell, observed, 0),
    VERDICT("verdict", res_cell, verdict, F_REQ),
    BOOL("as_expected", res_cell, as_expected, 0),
    STR("note", res_cell, note, 0),
    INT("runs", res_cell, runs, 0, 0),
    INT("runs_done", res_cell, runs_done, 0, 0),
    INT("detected_runs", res_cell, detected_runs, 0, 0),
    REAL("wall_s", res_cell, wall_s, 0),
    REAL("cpu_s", res_cell, cpu_s, 0),
    STR("error", res_cell, error, F_OPT),
    BOOL("tool_missing", res_cell, tool_missing, F_OPT),
    STR("binary", res_cell, binary, F_OPT),
    STR("build_error", res_cell, build_error, F_OPT),
    STR("build_log", res_cell, build_log, F_OPT),
    INT("findings_dropped", res_cell, findings_dropped, 0, 0),
    ARR("findings", res_cell, findings, 0, finding_schema),
    {"run_details", T_ARR, 0, offsetof(struct res_cell, runs_detail),
     offsetof(struct res_cell, nr_runs_detail), &run_schema, 0},
    PTR("cost", res_cell, cost, F_OPT, ratio_schema),
};
static const struct schema cell_schema = SCHEMA(res_cell, cell_fields);

static const struct field marker_fields[] = {
    INT("line", res_marker, line, 0, 0),
    STR("text", res_marker, text, 0),
};
static const struct schema marker_schema = SCHEMA(res_marker, marker_fields);

static const struct field variant_fields[] = {
    STR("name", res_variant, name, F_REQ),
    STR("source", res_variant, source, 0),
    STR("title", res_variant, title, 0),
    ARR("markers", res_variant, markers, 0, marker_schema),
    STR("go_source", res_variant, go_source, 0),
    STR("no_go_twin", res_variant, no_go_twin, 0),
    ARR("go_markers", res_variant, go_markers, F_OPT, marker_schema),
    LIST("expect", T_PAIRS, res_variant, expect, 0),
};
static const struct schema variant_schema = SCHEMA(res_variant, variant_fields);

static const struct field case_fields[] = {
    STR("name", res_case, name, F_REQ),
    STR("title", res_case, title, 0),
    STR("go", res_case, go, 0),
    STR("no_swiss", res_case, no_swiss, 0),
    STR("no_hmap", res_case, no_hmap, 0),
    STR("article", res_case, article, 0),
    STR("family", res_case, family, 0),
    STR("why", res_case, why, 0),
    LIST("pictures", T_STRS, res_case, pictures, 0),
    ARR("variants", res_case, variants, 0, variant_schema),
};
static const struct schema case_schema = SCHEMA(res_case, case_fields);

static const struct field options_fields[] = {
    LIST("detectors", T_STRS, res_options, detectors, 0),
    INT("runs", res_options, runs, 0, 0),
    INT("jobs", res_options, jobs, 0, 0),
    REAL("timeout_s", res_options, timeout_s, 0),
    BOOL("forced", res_options, forced, 0),
    STR("catalog", res_options, catalog, 0),
    STR("build", res_options, build, 0),
};
static const struct schema options_schema = SCHEMA(res_options, options_fields);

static const struct field timing_fields[] = {
    REAL("build_wall_s", res_timing, build_wall_s, 0),
    REAL("run_wall_s", res_timing, run_wall_s, 0),
    REAL("total_wall_s", res_timing, total_wall_s, 0),
    REAL("children_cpu_s", res_timing, children_cpu_s, 0),
    INT("cores", res_timing, cores, F_OPT, -1),
    REAL("self_cpu_s", res_timing, self_cpu_s, 0),
    REAL("jobs_wall_s", res_timing, jobs_wall_s, 0),
    REAL("pool_busy", res_timing, pool_busy, 0),
    REAL("overhead", res_timing, overhead, 0),
};
static const struct schema timing_schema = SCHEMA(res_timing, timing_fields);

static const struct field shard_fields[] = {
    INT("index", res_shard, index, F_REQ, 0),
    INT("count", res_shard, count, F_REQ, 0),
    INT("cells_total", res_shard, cells_total, 0, 0),
    STR("selection", res_shard, selection, 0),
    LIST("cases", T_PAIRS, res_shard, cases, 0),
};
static const struct schema shard_schema = SCHEMA(res_shard, shard_fields);

static const struct field merged_fields[] = {
    STR("run_id", res_merged_from, run_id, 0),
    PTR("shard", res_merged_from, shard, 0, shard_schema),
};
static const struct schema merged_schema =
    SCHEMA(res_merged_from, merged_fields);

static const struct field stat_fields[] = {
    INT("cells", res_cost_stat, cells, 0, 0),
    REAL("min", res_cost_stat, min, F_OPT),
    REAL("max", res_cost_stat, max, F_OPT),
    REAL("median", res_cost_stat, median, F_OPT),
};
static const struct schema stat_schema = SCHEMA(res_cost_stat, stat_fields);

static const struct field cost_fields[] = {
    STR("detector", res_cost, detector, 0),
    OBJ("wall_x", res_cost, wall_x, stat_schema),
    OBJ("cpu_x", res_cost, cpu_x, stat_schema),
    OBJ("maxrss_x", res_cost, maxrss_x, stat_schema),
};
static const struct schema cost_schema = SCHEMA(res_cost, cost_fields);

static const struct field location_fields[] = {
    STR("path", res_location, path, 0),
    INT("line", res_location, line, 0, 0),
    STR("func", res_location, func, F_OPT),
    STR("marker", res_location, marker, F_OPT),
    STR("how", res_location, how, 0),
};
static const struct schema location_schema =
    SCHEMA(res_location, location_fields);

static const struct field pair_access_fields[] = {
    STR("kind", res_pair_access, kind, 0),
    INT("at", res_pair_access, at, F_OPT, RES_ABSENT),
    STR("func", res_pair_access, func, 0),
    STR("path", res_pair_access, path, 0),
    INT("line", res_pair_access, line, 0, 0),
    STR("go", res_pair_access, go, 0),
    STR("class", res_pair_access, class_, 0),
};
static const struct schema pair_access_schema =
    SCHEMA(res_pair_access, pair_access_fields);

static const struct field access_pair_fields[] = {
    INT("count", res_access_pair, count, 0, 0),
    ARR("accesses", res_access_pair, accesses, 0, pair_access_schema),
};
static const struct schema access_pair_schema =
    SCHEMA(res_access_pair, access_pair_fields);

static const struct field evidence_fields[] = {
    STR("detector", res_evidence, detector, F_REQ),
    STR("kind", res_evidence, kind, 0),
    STR("type", res_evidence, type, 0),
    STR("message", res_evidence, message, 0),
    STR("location", res_evidence, location, 0),
    VERDICT("verdict", res_evidence, verdict, 0),
    INT("runs", res_evidence, runs, 0, 0),
    INT("seen_runs", res_evidence, seen_runs, 0, 0),
    INT("first_run", res_evidence, first_run, 0, 0),
    INT("findings", res_evidence, findings, 0, 0),
    ARR("accesses", res_evidence, accesses, 0, access_schema),
    ARR("more", res_evidence, more, 0, access_schema),
    STR("command", res_evidence, command, F_OPT),
    LIST("logs", T_STRS, res_evidence, logs, 0),
    ARR("access_pairs", res_evidence, access_pairs, 0, access_pair_schema),
    INT("access_pairs_more", res_evidence, access_pairs_more, 0, 0),
};
static const struct schema evidence_schema =
    SCHEMA(res_evidence, evidence_fields);

static const struct field race_fields[] = {
    STR("id", res_race, id, F_REQ),
    STR("case", res_race, case_name, F_REQ),
    STR("variant", res_race, variant, F_REQ),
    STR("kind", res_race, kind, 0),
    STR("title", res_race, title, 0),
    STR("family", res_race, family, 0),
    STR("go", res_race, go, 0),
    STR("why", res_race, why, 0),
    ARR("locations", res_race, locations, 0, location_schema),
    ARR("detectors", res_race, detectors, 0, evidence_schema),
};
static const struct schema race_schema = SCHEMA(res_race, race_fields);

static const struct field results_fields[] = {
    INT("schema_version", results, schema_version, F_REQ, 0),
    STR("tool", results, tool, 0),
    STR("verb", results, verb, 0),
    STR("run_id", results, run_id, 0),
    STR("started", results, started, 0),
    BOOL("complete", results, complete, 0),
    OBJ("options", results, options, options_schema),
    OBJ("timing", results, timing, timing_schema),
    BOOL("setarch", results, setarch, 0),
    PTR("shard", results, shard, F_OPT, shard_schema),
    LIST("notes", T_STRS, results, notes, 0),
    ARR("cases", results, cases, 0, case_schema),
    ARR("cells", results, cells, F_REQ, cell_schema),
    ARR("races", results, races, F_OPT, race_schema),
    ARR("cost", results, cost, F_OPT, cost_schema),
    ARR("merged_from", results, merged_from, F_OPT, merged_schema),
};
static const struct schema results_schema = SCHEMA(results, results_fields);

/* The keys the tables above do not drive. */
#define KEY_INTERRUPTED_BY "interrupted_by"
#define KEY_TOTALS "totals"
#define KEY_TOTAL_CELLS "cells"

/* Where the loader is: "cells[3].verdict". */
struct where {
    char buf[256];
    size_t len;
};

static size_t where_push(struct where *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static size_t where_push(struct where *w, const char *fmt, ...)
{
    size_t old = w->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->buf + w->len, sizeof(w->buf) - w->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        w->len += (size_t)n < sizeof(w->buf) - w->len
                      ? (size_t)n
                      : sizeof(w->buf) - w->len - 1;
    return old;
}

static void where_pop(struct where *w, size_t old)
{
    w->len = old;
    w->buf[old] = '\0';
}

static int bad(char **why, const struct where *w, const char *what)
{
    *why = xasprintf("%s: %s", w->len ? w->buf : "the document", what);
    return -1;
}

#define AT(p, off, type) ((type *)((char *)(p) + (off)))
#define CAT(p, off, type) ((const type *)((const char *)(p) + (off)))

static int load_struct(const struct schema *s, void *p, json_t *o,
                       struct where *w, char **why);

static int load_string(json_t *v, char **out, struct where *w, char **why)
{
    if (json_is_null(v) || !v)
        return 0;
    if (!json_is_string(v))
        return bad(why, w, "not a string");
    *out = xstrdup(json_string_value(v));
    return 0;
}

static int load_strings(json_t *v, char ***out, size_t *nr, struct where *w,
                        char **why)
{
    if (!json_is_array(v))
        return bad(why, w, "not an array of strings");
    *out = xcalloc(json_array_size(v) + 1, sizeof(**out));
    *nr = json_array_size(v);
    for (size_t i = 0; i < *nr; i++) {
        size_t old = where_push(w, "[%zu]", i);
        if (load_string(json_array_get(v, i), &(*out)[i], w, why))
            return -1;
        where_pop(w, old);
    }
    return 0;
}

static int load_pairs(json_t *v, struct res_pair **out, size_t *nr,
                      struct where *w, char **why)
{
    if (!json_is_object(v))
        return bad(why, w, "not an object of strings");
    *out = xcalloc(json_object_size(v) + 1, sizeof(**out));
    *nr = 0;
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
    {
        struct res_pair *pr = &(*out)[(*nr)++];
        pr->key = xstrdup(key);
        size_t old = where_push(w, ".%s", key);
        if (load_string(x, &pr->value, w, why))
            return -1;
        where_pop(w, old);
    }
    return 0;
}

static int load_logs(json_t *v, struct res_log **out, size_t *nr,
                     struct where *w, char **why)
{
    if (!json_is_object(v))
        return bad(why, w, "not an object of logs");
    *out = xcalloc(json_object_size(v) + 1, sizeof(**out));
    *nr = 0;
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
    {
        struct res_log *lg = &(*out)[(*nr)++];
        lg->key = xstrdup(key);
        size_t old = where_push(w, ".%s", key);
        if (json_is_array(x)) {
            lg->list = true;
            if (load_strings(x, &lg->paths, &lg->nr_paths, w, why))
                return -1;
        } else {
            lg->paths = xcalloc(2, sizeof(*lg->paths));
            lg->nr_paths = 1;
            if (!json_is_string(x))
                return bad(why, w, "not a path or an array of paths");
            lg->paths[0] = xstrdup(json_string_value(x));
        }
        where_pop(w, old);
    }
    return 0;
}

static int load_field(const struct field *f, void *p, json_t *v,
                      struct where *w, char **why)
{
    switch (f->type) {
    case T_STR:
        return load_string(v, AT(p, f->off, char *), w, why);
    case T_INT:
        if (!v) {
            *AT(p, f->off, long long) = f->absent;
            return 0;
        }
        if (!json_is_integer(v))
            return bad(why, w, "not an integer");
        *AT(p, f->off, long long) = json_integer_value(v);
        return 0;
    case T_REAL:
        if (!v || json_is_null(v)) {
            *AT(p, f->off, double) = v || (f->flags & F_OPT) ? NAN : 0;
            return 0;
        }
        if (!json_is_number(v))
            return bad(why, w, "not a number");
        *AT(p, f->off, double) = json_number_value(v);
        return 0;
    case T_BOOL:
    case T_TRI:
        if (!v) {
            if (f->type == T_TRI)
                *AT(p, f->off, long long) = RES_ABSENT;
            return 0;
        }
        if (!json_is_boolean(v))
            return bad(why, w, "not true or false");
        if (f->type == T_TRI)
            *AT(p, f->off, long long) = json_is_true(v);
        else
            *AT(p, f->off, bool) = json_is_true(v);
        return 0;
    case T_VERDICT:
        if (!v)
            return 0;
        if (!json_is_string(v) ||
            verdict_by_name(json_string_value(v), AT(p, f->off, enum verdict)))
            return bad(why, w, "not a verdict");
        return 0;
    case T_OBJ:
        if (v && !json_is_object(v))
            return bad(why, w, "not an object");
        return load_struct(f->sub, AT(p, f->off, char), v, w, why);
    case T_PTR:
        if (!v || json_is_null(v))
            return 0;
        if (!json_is_object(v))
            return bad(why, w, "not an object");
        *AT(p, f->off, void *) = xcalloc(1, f->sub->size);
        return load_struct(f->sub, *AT(p, f->off, void *), v, w, why);
    case T_ARR: {
        if (!v)
            return 0;
        if (!json_is_array(v))
            return bad(why, w, "not an array");
        size_t n = json_array_size(v);
        char *items = xcalloc(n + 1, f->sub->size);
        *AT(p, f->off, void *) = items;
        for (size_t i = 0; i < n; i++) {
            size_t old = where_push(w, "[%zu]", i);
            json_t *x = json_array_get(v, i);
            if (!json_is_object(x))
                return bad(why, w, "not an object");
            *AT(p, f->nr_off, size_t) = i + 1;
            if (load_struct(f->sub, items + i * f->sub->size, x, w, why))
                return -1;
            where_pop(w, old);
        }
        return 0;
    }
    case T_STRS:
        if (!v)
            return 0;
        return load_strings(v, AT(p, f->off, char **), AT(p, f->nr_off, size_t),
                            w, why);
    case T_PAIRS:
        if (!v)
            return 0;
        return load_pairs(v, AT(p, f->off, struct res_pair *),
                          AT(p, f->nr_off, size_t), w, why);
    case T_LOGS:
        if (!v)
            return 0;
        return load_logs(v, AT(p, f->off, struct res_log *),
                         AT(p, f->nr_off, size_t), w, why);
    case T_OBS:
        if (!v)
            return 0;
        if (!json_is_object(v))
            return bad(why, w, "not an object");
        *AT(p, f->off, struct run_obs *) = xcalloc(1, sizeof(struct run_obs));
        results_obs_from_json(v, *AT(p, f->off, struct run_obs *));
        return 0;
    }
    return bad(why, w, "unknown field type");
}

/* Fill p (zeroed) from object o; o NULL: every field absent. */
static int load_struct(const struct schema *s, void *p, json_t *o,
                       struct where *w, char **why)
{
    for (size_t i = 0; i < s->nr; i++) {
        const struct field *f = &s->fields[i];
        json_t *v = o ? json_object_get(o, f->key) : NULL;
        size_t old = where_push(w, "%s%s", w->len ? "." : "", f->key);
        if (!v && o && (f->flags & F_REQ))
            return bad(why, w, "missing");
        if (load_field(f, p, v, w, why))
            return -1;
        where_pop(w, old);
    }
    return 0;
}

static void free_struct(const struct schema *s, void *p);

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void free_field(const struct field *f, void *p)
{
    switch (f->type) {
    case T_STR:
        free(*AT(p, f->off, char *));
        break;
    case T_OBJ:
        free_struct(f->sub, AT(p, f->off, char));
        break;
    case T_PTR: {
        void *q = *AT(p, f->off, void *);
        if (q)
            free_struct(f->sub, q);
        free(q);
        break;
    }
    case T_ARR: {
        char *items = *AT(p, f->off, char *);
        for (size_t i = 0; i < *AT(p, f->nr_off, size_t); i++)
            free_struct(f->sub, items + i * f->sub->size);
        free(items);
        break;
    }
    case T_STRS:
        free_strings(*AT(p, f->off, char **), *AT(p, f->nr_off, size_t));
        break;
    case T_PAIRS: {
        struct res_pair *pr = *AT(p, f->off, struct res_pair *);
        for (size_t i = 0; i < *AT(p, f->nr_off, size_t); i++) {
            free(pr[i].key);
            free(pr[i].value);
        }
        free(pr);
        break;
    }
    case T_LOGS: {
        struct res_log *lg = *AT(p, f->off, struct res_log *);
        for (size_t i = 0; i < *AT(p, f->nr_off, size_t); i++) {
            free(lg[i].key);
            free_strings(lg[i].paths, lg[i].nr_paths);
        }
        free(lg);
        break;
    }
    case T_OBS: {
        struct run_obs *o = *AT(p, f->off, struct run_obs *);
        if (o)
            run_obs_release(o);
        free(o);
        break;
    }
    default:
        break;
    }
}

static void free_struct(const struct schema *s, void *p)
{
    for (size_t i = 0; i < s->nr; i++)
        free_field(&s->fields[i], p);
}

static json_t *str_json(const char *s)
{
    return s ? json_text(s) : json_null();
}

static json_t *strings_json(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, str_json(v[i]));
    return a;
}

static json_t *struct_json(const struct schema *s, const void *p);

/* The value of field f of p, or NULL when it is to be left out. */
static json_t *field_json(const struct field *f, const void *p)
{
    bool opt = f->flags & F_OPT;
    switch (f->type) {
    case T_STR: {
        const char *v = *CAT(p, f->off, char *);
        return !v && opt ? NULL : str_json(v);
    }
    case T_INT: {
        long long v = *CAT(p, f->off, long long);
        return opt && v == f->absent ? NULL : json_integer(v);
    }
    case T_REAL: {
        double v = *CAT(p, f->off, double);
        if (isnan(v))
            return opt ? NULL : json_null();
        return json_real(v);
    }
    case T_BOOL: {
        bool v = *CAT(p, f->off, bool);
        return opt && !v ? NULL : json_boolean(v);
    }
    case T_TRI: {
        long long v = *CAT(p, f->off, long long);
        return v == RES_ABSENT ? NULL : json_boolean(v);
    }
    case T_VERDICT:
        return json_text(verdict_name(*CAT(p, f->off, enum verdict)));
    case T_OBJ:
        return struct_json(f->sub, CAT(p, f->off, char));
    case T_PTR: {
        const void *q = *CAT(p, f->off, void *);
        if (!q)
            return opt ? NULL : json_null();
        return struct_json(f->sub, q);
    }
    case T_ARR: {
        const char *items = *CAT(p, f->off, char *);
        if (!items && opt)
            return NULL;
        json_t *a = json_array();
        for (size_t i = 0; i < *CAT(p, f->nr_off, size_t); i++)
            json_array_append_new(
                a, struct_json(f->sub, items + i * f->sub->size));
        return a;
    }
    case T_STRS: {
        char *const *v = *(char **const *)((const char *)p + f->off);
        if (!v && opt)
            return NULL;
        return strings_json(v, *CAT(p, f->nr_off, size_t));
    }
    case T_PAIRS: {
        const struct res_pair *pr = *CAT(p, f->off, struct res_pair *);
        if (!pr && opt)
            return NULL;
        json_t *o = json_object();
        for (size_t i = 0; i < *CAT(p, f->nr_off, size_t); i++)
            json_object_set_new(o, pr[i].key, str_json(pr[i].value));
        return o;
    }
    case T_LOGS: {
        const struct res_log *lg = *CAT(p, f->off, struct res_log *);
        if (!lg && opt)
            return NULL;
        json_t *o = json_object();
        for (size_t i = 0; i < *CAT(p, f->nr_off, size_t); i++)
            json_object_set_new(
                o, lg[i].key,
                lg[i].list ? strings_json(lg[i].paths, lg[i].nr_paths)
                           : str_json(lg[i].nr_paths ? lg[i].paths[0] : NULL));
        return o;
    }
    case T_OBS: {
        const struct run_obs *o = *CAT(p, f->off, struct run_obs *);
        if (!o)
            return opt ? NULL : json_null();
        return results_obs_json(o);
    }
    }
    return NULL;
}

static json_t *struct_json(const struct schema *s, const void *p)
{
    json_t *o = json_object();
    for (size_t i = 0; i < s->nr; i++) {
        json_t *v = field_json(&s->fields[i], p);
        if (v)
            json_object_set_new(o, s->fields[i].key, v);
    }
    return o;
}

/* The run observation (classify.h). */

#define OBS_FIELDS(X)                                                          \
    X("fatal", fatal)                                                          \
    X("other", other)                                                          \
    X("marker", marker)                                                        \
    X("crash", crash)                                                          \
    X("error", error)                                                          \
    X("end", end)

json_t *results_obs_json(const struct run_obs *o)
{
    json_t *j = json_object();
    json_object_set_new(j, "detected", json_boolean(o->detected));
    json_object_set_new(j, "race_marked", json_boolean(o->race_marked));
    json_object_set_new(j, "findings",
                        json_integer((json_int_t)o->nr_findings));
    json_object_set_new(j, "races", json_integer((json_int_t)o->nr_races));
    json_object_set_new(j, "symptom", json_boolean(o->symptom));
#define X(key, m) json_object_set_new(j, key, str_json(o->m));
    OBS_FIELDS(X)
#undef X
    json_t *kinds = json_array();
    for (int k = 0; k < FINDING_KIND_COUNT; k++)
        if (o->kinds[k])
            json_array_append_new(
                kinds, json_string(finding_kind_name((enum finding_kind)k)));
    json_object_set_new(j, "kinds", kinds);
    return j;
}

static char *dup_text(json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    return s ? xstrdup(s) : NULL;
}

void results_obs_from_json(json_t *j, struct run_obs *o)
{
    memset(o, 0, sizeof(*o));
    o->detected = json_is_true(json_object_get(j, "detected"));
    o->race_marked = json_is_true(json_object_get(j, "race_marked"));
    o->nr_findings = (size_t)json_integer_value(json_object_get(j, "findings"));
    o->nr_races = (size_t)json_integer_value(json_object_get(j, "races"));
    o->symptom = json_is_true(json_object_get(j, "symptom"));
#define X(key, m) o->m = dup_text(j, key);
    OBS_FIELDS(X)
#undef X
    json_t *k;
    size_t i;
    json_array_foreach(json_object_get(j, "kinds"), i, k)
    {
        for (int n = 0; n < FINDING_KIND_COUNT; n++)
            if (json_string_value(k) &&
                !strcmp(json_string_value(k),
                        finding_kind_name((enum finding_kind)n)))
                o->kinds[n] = true;
    }
}

/* The document. */

int verdict_by_name(const char *name, enum verdict *v)
{
    for (int i = 0; i < VERDICT_COUNT; i++)
        if (name && !strcmp(name, verdict_name((enum verdict)i))) {
            *v = (enum verdict)i;
            return 0;
        }
    return -1;
}

int results_from_json(json_t *doc, struct results *r, char **why)
{
    memset(r, 0, sizeof(*r));
    *why = NULL;
    struct where w = {{0}, 0};
    if (!json_is_object(doc))
        return bad(why, &w, "not a JSON object");
    json_t *ver = json_object_get(doc, results_schema.fields[0].key);
    if (!json_is_integer(ver)) {
        where_push(&w, "%s", results_schema.fields[0].key);
        return bad(why, &w, "missing (not a maprace results.json)");
    }
    if (json_integer_value(ver) < RESULTS_SCHEMA_MIN ||
        json_integer_value(ver) > RESULTS_SCHEMA_MAX) {
        char *what = xasprintf("version %lld, this maprace reads %d to %d",
                               (long long)json_integer_value(ver),
                               RESULTS_SCHEMA_MIN, RESULTS_SCHEMA_MAX);
        where_push(&w, "%s", results_schema.fields[0].key);
        bad(why, &w, what);
        free(what);
        return -1;
    }
    int rc = load_struct(&results_schema, r, doc, &w, why);
    if (!rc) {
        json_t *ib = json_object_get(doc, KEY_INTERRUPTED_BY);
        r->interrupted = ib != NULL;
        where_push(&w, KEY_INTERRUPTED_BY);
        rc = load_string(ib, &r->interrupted_by, &w, why);
    }
    if (!rc) {
        json_t *t = json_object_get(doc, KEY_TOTALS);
        where_pop(&w, 0);
        where_push(&w, KEY_TOTALS);
        if (t && !json_is_object(t))
            rc = bad(why, &w, "not an object");
    }
    if (rc)
        results_release(r);
    return rc;
}

int results_load(const char *path, struct results *r, char **why)
{
    json_error_t jerr;
    memset(r, 0, sizeof(*r));
    *why = NULL;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc) {
        if (jerr.line > 0)
            *why = xasprintf("%s:%d: %s", path, jerr.line, jerr.text);
        else
            *why = xasprintf("%s: %s", path, jerr.text);
        return -1;
    }
    char *inner = NULL;
    int rc = results_from_json(doc, r, &inner);
    json_decref(doc);
    if (rc) {
        *why = xasprintf("%s: %s", path, inner);
        free(inner);
    }
    return rc;
}

void results_totals_add(struct res_totals *t, enum verdict v)
{
    t->cells++;
    if ((int)v >= 0 && v < VERDICT_COUNT)
        t->verdicts[v]++;
}

void results_totals(const struct results *r, struct res_totals *t)
{
    memset(t, 0, sizeof(*t));
    for (size_t i = 0; i < r->nr_cells; i++)
        results_totals_add(t, r->cells[i].verdict);
}

json_t *results_totals_json(const struct res_totals *t)
{
    json_t *totals = json_object();
    json_object_set_new(totals, KEY_TOTAL_CELLS,
                        json_integer((json_int_t)t->cells));
    for (int v = 0; v < VERDICT_COUNT; v++)
        json_object_set_new(totals, verdict_name((enum verdict)v),
                            json_integer((json_int_t)t->verdicts[v]));
    return totals;
}

json_t *results_doc(const struct results *r)
{
    json_t *doc = struct_json(&results_schema, r);
    if (r->interrupted)
        json_object_set_new(doc, KEY_INTERRUPTED_BY,
                            str_json(r->interrupted_by));
    struct res_totals t;
    results_totals(r, &t);
    json_object_set_new(doc, KEY_TOTALS, results_totals_json(&t));
    return doc;
}

int results_save(const struct results *r, const char *path, char **why)
{
    *why = NULL;
    json_t *doc = results_doc(r);
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(doc);
    if (!text) {
        *why = xasprintf("%s: cannot serialise the results", path);
        return -1;
    }
    size_t len = strlen(text);
    text = xrealloc(text, len + 2);
    text[len++] = '\n';
    text[len] = '\0';
    int rc = write_file_atomic(path, text, len);
    if (rc < 0)
        *why = xasprintf("cannot write %s: %s", path, strerror(errno));
    free(text);
    return rc < 0 ? -1 : 0;
}

void results_release(struct results *r)
{
    free_struct(&results_schema, r);
    free(r->interrupted_by);
    memset(r, 0, sizeof(*r));
}

const struct res_case *results_case(const struct results *r, const char *name)
{
    for (size_t i = 0; i < r->nr_cases; i++)
        if (name && r->cases[i].name && !strcmp(r->cases[i].name, name))
            return &r->cases[i];
    return NULL;
}

const struct res_variant *results_variant(const struct res_case *c,
                                          const char *name)
{
    for (size_t i = 0; c && i < c->nr_variants; i++)
        if (name && c->variants[i].name && !strcmp(c->variants[i].name, name))
            return &c->variants[i];
    return NULL;
}

const struct res_cell *results_cell_of(const struct results *r,
                                       const char *case_name,
                                       const char *variant,
                                       const char *detector)
{
    for (size_t i = 0; i < r->nr_cells; i++) {
        const struct res_cell *c = &r->cells[i];
        if (!strcmp(c->case_name, case_name) && !strcmp(c->variant, variant) &&
            !strcmp(c->detector, detector))
            return c;
    }
    return NULL;
}

json_t *results_shard_json(const struct res_shard *s)
{
    return struct_json(&shard_schema, s);
}

json_t *results_races_json(const struct results *r)
{
    for (size_t i = 0; i < results_schema.nr; i++)
        if (results_schema.fields[i].sub == &race_schema) {
            json_t *v = field_json(&results_schema.fields[i], r);
            return v ? v : json_array();
        }
    return json_array();
}

json_t *res_cell_runs_json(const struct res_cell *c)
{
    for (size_t i = 0; i < cell_schema.nr; i++)
        if (cell_schema.fields[i].sub == &run_schema)
            return field_json(&cell_schema.fields[i], c);
    return json_array();
}

const char *res_run_log(const struct res_run *run, const char *key)
{
    for (size_t i = 0; i < run->nr_logs; i++)
        if (!strcmp(run->logs[i].key, key))
            return run->logs[i].nr_paths ? run->logs[i].paths[0] : NULL;
    return NULL;
}
