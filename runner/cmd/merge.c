/*
 * cmd-merge.c - join the shard reports of one matrix (see cmd-merge.h).
 */
#include "cmd/merge.h"

#include "cmd/builtin.h"
#include "cmd/options.h"
#include "cmd/repository.h"
#include "engine/catalog.h"
#include "engine/classify.h"
#include "engine/detectors.h"
#include "engine/group.h"
#include "engine/live-matrix.h"
#include "report/common.h"
#include "engine/results.h"
#include "engine/session.h"
#include "lib/text.h"
#include "lib/util.h"
#include "lib/exit.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* One shard as read. */
struct shard {
    char *dir; /* the report folder */
    json_t *doc;
    int index, count;
};

/* The report folder of `dir`: itself when it holds results.json, else its
 * `latest`. NULL when neither. */
static char *report_folder(const char *dir)
{
    char *p = path_join(dir, "results.json");
    bool here = !access(p, R_OK);
    free(p);
    if (here)
        return xstrdup(dir);
    char *latest = path_join(dir, "latest");
    p = path_join(latest, "results.json");
    here = !access(p, R_OK);
    free(p);
    if (here)
        return latest;
    free(latest);
    return NULL;
}

/* Read one shard. 0, or -1 after saying why. */
static int shard_load(const char *dir, struct shard *sh)
{
    memset(sh, 0, sizeof(*sh));
    sh->dir = report_folder(dir);
    if (!sh->dir) {
        error("merge: %s: no results.json (want a shard's report folder, or "
              "a reports folder with latest)",
              dir);
        return -1;
    }
    char *p = path_join(sh->dir, "results.json");
    json_error_t jerr;
    sh->doc = json_load_file(p, 0, &jerr);
    free(p);
    if (!sh->doc) {
        error("merge: %s/results.json: %s", sh->dir, jerr.text);
        return -1;
    }
    json_t *s = json_object_get(sh->doc, "shard");
    sh->index = (int)jint(s, "index");
    sh->count = (int)jint(s, "count");
    if (!json_is_object(s) || sh->index < 1 || sh->index > sh->count) {
        error("merge: %s: not a shard's report (run `maprace check --shard "
              "K/N`)",
              sh->dir);
        return -1;
    }
    return 0;
}

/* The shards make one whole matrix: the same count and selection, each
 * index once. 0, or -1 after saying what is missing or doubled. */
static int shards_whole(struct shard *sh, size_t n)
{
    int count = sh[0].count;
    json_t *sel =
        json_object_get(json_object_get(sh[0].doc, "shard"), "selection");
    json_t *cases0 =
        json_object_get(json_object_get(sh[0].doc, "shard"), "cases");
    for (size_t i = 1; i < n; i++) {
        /* the same case with another content: say which */
        json_t *cases =
            json_object_get(json_object_get(sh[i].doc, "shard"), "cases");
        const char *name;
        json_t *fp;
        json_object_foreach(cases0, name, fp)
        {
            json_t *other = json_object_get(cases, name);
            if (other && !json_equal(fp, other)) {
                error("merge: %s and %s ran different contents of case %s "
                      "(its case.ini or a source changed between the "
                      "shards); run every shard on the same revision",
                      sh[0].dir, sh[i].dir, name);
                return -1;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_object_get(sh[i].doc, "shard");
        if (sh[i].count != count ||
            !json_equal(json_object_get(s, "selection"), sel)) {
            error("merge: %s is shard %d/%d of another matrix than %s "
                  "(shard %d/%d)",
                  sh[i].dir, sh[i].index, sh[i].count, sh[0].dir, sh[0].index,
                  count);
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (sh[j].index == sh[i].index) {
                error("merge: shard %d/%d given twice (%s and %s)", sh[i].index,
                      count, sh[j].dir, sh[i].dir);
                return -1;
            }
    }
    for (int k = 1; k <= count; k++) {
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = sh[i].index == k;
        if (!found) {
            error("merge: shard %d/%d missing", k, count);
            return -1;
        }
    }
    return 0;
}

/* The place of a cell in a full run: its case's name, its variant's
 * place in the case, its detector. */
struct cell_key {
    json_t *cell;
    const char *case_name;
    size_t variant;
    int detector;
};

static json_t *find_case(json_t *cases, const char *name)
{
    json_t *c;
    size_t i;
    json_array_foreach(cases, i, c)
    {
        if (jstr(c, "name") && !strcmp(jstr(c, "name"), name))
            return c;
    }
    return NULL;
}

static size_t variant_place(json_t *mcase, const char *name)
{
    json_t *v;
    size_t i;
    json_array_foreach(json_object_get(mcase, "variants"), i, v)
    {
        if (jstr(v, "name") && !strcmp(jstr(v, "name"), name))
            return i;
    }
    return (size_t)-1;
}

static int cmp_keys(const void *a, const void *b)
{
    const struct cell_key *x = a, *y = b;
    int c = strcmp(x->case_name, y->case_name);
    if (c)
        return c;
    if (x->variant != y->variant)
        return x->variant < y->variant ? -1 : 1;
    return x->detector - y->detector;
}

static int cmp_cases(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    return strcmp(jstr(x, "name"), jstr(y, "name"));
}

/* Every case of the shards once, by name (borrowed references into a new
 * array). */
static json_t *merged_cases(struct shard *sh, size_t n)
{
    json_t **all = NULL;
    size_t nr = 0, alloc = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *c;
        size_t k;
        json_array_foreach(json_object_get(sh[i].doc, "cases"), k, c)
        {
            bool seen = false;
            for (size_t j = 0; j < nr && !seen; j++)
                seen = !strcmp(jstr(all[j], "name"), jstr(c, "name"));
            if (seen || !jstr(c, "name"))
                continue;
            ALLOC_GROW(all, nr + 1, alloc);
            all[nr++] = c;
        }
    }
    if (nr)
        qsort(all, nr, sizeof(*all), cmp_cases);
    json_t *arr = json_array();
    for (size_t i = 0; i < nr; i++)
        json_array_append(arr, all[i]);
    free(all);
    return arr;
}

/* Every cell of the shards in the order of a full run. NULL after saying
 * which cell is doubled or how many are missing. */
static json_t *merged_cells(struct shard *sh, size_t n, json_t *cases)
{
    struct cell_key *keys = NULL;
    size_t nr = 0, alloc = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *c;
        size_t k;
        json_array_foreach(json_object_get(sh[i].doc, "cells"), k, c)
        {
            const char *cn = jstr(c, "case"), *vn = jstr(c, "variant");
            const char *dn = jstr(c, "detector");
            json_t *mc = cn ? find_case(cases, cn) : NULL;
            if (!mc || !vn || !dn || detector_by_name(dn) < 0) {
                error("merge: %s: a cell of no known case, variant or "
                      "detector",
                      sh[i].dir);
                free(keys);
                return NULL;
            }
            ALLOC_GROW(keys, nr + 1, alloc);
            keys[nr].cell = c;
            keys[nr].case_name = cn;
            keys[nr].variant = variant_place(mc, vn);
            keys[nr].detector = detector_by_name(dn);
            nr++;
        }
    }
    if (nr)
        qsort(keys, nr, sizeof(*keys), cmp_keys);
    for (size_t i = 1; i < nr; i++)
        if (!cmp_keys(&keys[i - 1], &keys[i])) {
            error("merge: cell %s/%s %s is in two shards", keys[i].case_name,
                  jstr(keys[i].cell, "variant"),
                  jstr(keys[i].cell, "detector"));
            free(keys);
            return NULL;
        }
    json_int_t total = jint(json_object_get(sh[0].doc, "shard"), "cells_total");
    if ((json_int_t)nr != total) {
        error("merge: %zu cells in the shards, the matrix has %lld", nr,
              (long long)total);
        free(keys);
        return NULL;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < nr; i++)
        json_array_append(arr, keys[i].cell);
    free(keys);
    return arr;
}

/* The totals of `cells` as results.json counts them. */
static json_t *merged_totals(json_t *cells)
{
    json_t *totals = json_object();
    json_object_set_new(totals, "cells",
                        json_integer((json_int_t)json_array_size(cells)));
    for (int v = 0; v < VERDICT_COUNT; v++) {
        json_int_t k = 0;
        json_t *c;
        size_t i;
        json_array_foreach(cells, i, c)
        {
            k += jstr(c, "verdict") &&
                 !strcmp(jstr(c, "verdict"), verdict_name(v));
        }
        json_object_set_new(totals, verdict_name(v), json_integer(k));
    }
    return totals;
}

/* Notes of every shard, each once; timings summed (what the machines
 * spent together); complete and setarch of all. */
static void merge_scalars(json_t *doc, struct shard *sh, size_t n)
{
    json_t *notes = json_array(), *timing = json_object(), *from = json_array();
    bool complete = true, setarch = false;
    for (size_t i = 0; i < n; i++) {
        json_t *x;
        size_t k;
        json_array_foreach(json_object_get(sh[i].doc, "notes"), k, x)
        {
            bool seen = false;
            json_t *y;
            size_t j;
            json_array_foreach(notes, j, y) seen |= json_equal(x, y);
            if (!seen)
                json_array_append(notes, x);
        }
        const char *key;
        json_object_foreach(json_object_get(sh[i].doc, "timing"), key, x)
        {
            if (!strcmp(key, "cores") || !json_is_number(x))
                continue;
            double sum = json_number_value(json_object_get(timing, key));
            json_object_set_new(timing, key,
                                json_real(sum + json_number_value(x)));
        }
        complete &= json_is_true(json_object_get(sh[i].doc, "complete"));
        setarch |= json_is_true(json_object_get(sh[i].doc, "setarch"));
        json_t *f = json_object();
        json_object_set(f, "run_id", json_object_get(sh[i].doc, "run_id"));
        json_object_set(f, "shard", json_object_get(sh[i].doc, "shard"));
        json_array_append_new(from, f);
    }
    json_object_set_new(timing, "overhead", json_null());
    json_object_set_new(timing, "pool_busy", json_null());
    json_object_set_new(doc, "notes", notes);
    json_object_set_new(doc, "timing", timing);
    json_object_set_new(doc, "complete", json_boolean(complete));
    json_object_set_new(doc, "setarch", json_boolean(setarch));
    json_object_set_new(doc, "merged_from", from);
}

/* The merged document, or NULL (said why). */
static json_t *merge_docs(struct shard *sh, size_t n, const char *run_id)
{
    json_t *doc = json_deep_copy(sh[0].doc);
    json_t *cases = merged_cases(sh, n);
    json_t *cells = merged_cells(sh, n, cases);
    if (!cells) {
        json_decref(cases);
        json_decref(doc);
        return NULL;
    }
    json_object_del(doc, "shard");
    json_object_del(doc, "interrupted_by");
    json_object_set_new(doc, "run_id", json_text(run_id));
    json_object_set_new(doc, "verb", json_text("merge"));
    json_object_set_new(doc, "totals", merged_totals(cells));
    json_object_set_new(doc, "cases", cases);
    json_object_set_new(doc, "cells", cells);
    merge_scalars(doc, sh, n);
    for (size_t i = 1; i < n; i++) {
        const char *a = jstr(doc, "started"), *b = jstr(sh[i].doc, "started");
        if (a && b && strcmp(b, a) < 0)
            json_object_set_new(doc, "started", json_text(b));
    }
    json_object_set_new(doc, "races", group_races(doc));
    return doc;
}

/* Copying raw/: the destination root, and the shard's index for its
 * build.log. */
static const char *copy_src, *copy_dst;
static int copy_index, copy_failed;

static int copy_entry(const char *path, const struct stat *st, int type,
                      struct FTW *ftw)
{
    const char *rel = path + strlen(copy_src);
    char *dst;
    if (!strcmp(rel, "/build.log"))
        dst = xasprintf("%s/build.shard-%d.log", copy_dst, copy_index);
    else
        dst = xasprintf("%s%s", copy_dst, rel);
    if (type == FTW_D) {
        if (mkdir_p(dst) < 0)
            copy_failed = errno;
    } else if (type == FTW_F && access(dst, F_OK)) {
        size_t len;
        char *data = read_file(path, 0, &len);
        if (!data || write_file_atomic(dst, data, len) < 0)
            copy_failed = errno ? errno : EIO;
        free(data);
    }
    free(dst);
    return 0;
}

/* Every shard's raw/ into <dir>/raw. 0, or -1 with *why. */
static int copy_raw(struct shard *sh, size_t n, const char *dir, char **why)
{
    char *dst = path_join(dir, "raw");
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        char *src = path_join(sh[i].dir, "raw");
        struct stat st;
        if (!stat(src, &st)) {
            copy_src = src;
            copy_dst = dst;
            copy_index = sh[i].index;
            copy_failed = 0;
            nftw(src, copy_entry, 16, FTW_PHYS);
            if (copy_failed) {
                *why = xasprintf("cannot copy %s into %s: %s", src, dst,
                                 strerror(copy_failed));
                rc = -1;
            }
        }
        free(src);
    }
    free(dst);
    return rc;
}

static enum verdict verdict_by_name(const char *name)
{
    for (int v = 0; v < VERDICT_COUNT; v++)
        if (name && !strcmp(name, verdict_name(v)))
            return (enum verdict)v;
    return VERDICT_ERROR;
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* A case of the document as the matrix needs it: names and expectations. */
static void case_from_doc(json_t *jc, struct mcase *c)
{
    memset(c, 0, sizeof(*c));
    c->name = xstrdup(jstr(jc, "name"));
    c->title = dup_or_null(jstr(jc, "title"));
    json_t *jv;
    size_t i;
    json_array_foreach(json_object_get(jc, "variants"), i, jv)
    {
        ALLOC_GROW(c->variants, c->nr_variants + 1, c->alloc_variants);
        struct variant *v = &c->variants[c->nr_variants++];
        memset(v, 0, sizeof(*v));
        v->name = xstrdup(jstr(jv, "name") ? jstr(jv, "name") : "?");
        for (int d = 0; d < DET_COUNT; d++) {
            const char *text =
                jstr(json_object_get(jv, "expect"), detector_name(d));
            char *why = NULL;
            if (text && expectation_parse(text, &v->expect[d], &why) < 0)
                memset(&v->expect[d], 0, sizeof(v->expect[d]));
            free(why);
        }
    }
}

/* A cell of the document, pointing into s->cat. */
static void cell_from_doc(struct session *s, json_t *jc, struct cell *cl)
{
    memset(cl, 0, sizeof(*cl));
    cl->c = catalog_find(&s->cat, jstr(jc, "case"));
    for (size_t v = 0; v < cl->c->nr_variants; v++)
        if (!strcmp(cl->c->variants[v].name, jstr(jc, "variant")))
            cl->v = &cl->c->variants[v];
    cl->d = (enum detector)detector_by_name(jstr(jc, "detector"));
    cl->expect = &cl->v->expect[cl->d];
    cl->error = dup_or_null(jstr(jc, "error"));
    cl->verdict.verdict = verdict_by_name(jstr(jc, "verdict"));
    cl->verdict.observed = dup_or_null(jstr(jc, "observed"));
    cl->verdict.note = dup_or_null(jstr(jc, "note"));
    cl->verdict.runs = (size_t)jint(jc, "runs_done");
    cl->verdict.detected_runs = (size_t)jint(jc, "detected_runs");
    cl->wall_s = json_number_value(json_object_get(jc, "wall_s"));
    cl->cpu_s = json_number_value(json_object_get(jc, "cpu_s"));
    cl->tool_missing = json_is_true(json_object_get(jc, "tool_missing"));
    /* each run's observation, in its place (run N at obs[N - 1]), as the
     * driver left them: what the matrix reads */
    size_t runs = s->opts.runs > 0 ? (size_t)s->opts.runs : 1;
    cl->obs = xcalloc(runs, sizeof(*cl->obs));
    cl->runs_json = json_incref(json_object_get(jc, "run_details"));
    json_t *run;
    size_t i;
    json_array_foreach(cl->runs_json, i, run)
    {
        json_int_t r = jint(run, "run");
        if (r < 1 || (size_t)r > runs)
            continue;
        run_obs_release(&cl->obs[r - 1]);
        run_obs_from_json(json_object_get(run, "observation"), &cl->obs[r - 1]);
        cl->runs_done++;
    }
}

/* The session a merged document stands for: what matrix_render(),
 * results_write() and results_point_latest() read. */
static void session_from_doc(json_t *doc, struct session *s)
{
    json_t *opts = json_object_get(doc, "options"), *x;
    size_t i;
    json_array_foreach(json_object_get(opts, "detectors"), i, x)
    {
        int d = detector_by_name(json_string_value(x));
        if (d >= 0)
            s->opts.detectors[d] = true;
    }
    s->opts.runs = (int)jint(opts, "runs");
    s->opts.natural = json_is_false(json_object_get(opts, "forced"));
    s->opts.merged = true;
    json_array_foreach(json_object_get(doc, "cases"), i, x)
    {
        ALLOC_GROW(s->cat.cases, s->cat.nr + 1, s->cat.alloc);
        case_from_doc(x, &s->cat.cases[s->cat.nr++]);
    }
    json_t *cells = json_object_get(doc, "cells");
    s->cells = xcalloc(json_array_size(cells) + 1, sizeof(*s->cells));
    /* each cell's binary and build error, as a build target of its own */
    s->targets = xcalloc(json_array_size(cells) + 1, sizeof(*s->targets));
    json_array_foreach(cells, i, x)
    {
        cell_from_doc(s, x, &s->cells[i]);
        if (jstr(x, "binary") || jstr(x, "build_error")) {
            struct build_target *bt = &s->targets[s->nr_targets++];
            bt->binary = dup_or_null(jstr(x, "binary"));
            bt->error = dup_or_null(jstr(x, "build_error"));
            bt->ok = !bt->error;
            s->cells[i].bt = bt;
        }
    }
    s->nr_cells = json_array_size(cells);
    json_array_foreach(json_object_get(doc, "notes"), i, x)
        session_note(s, "%s", json_string_value(x));
    s->total_wall_s = json_number_value(
        json_object_get(json_object_get(doc, "timing"), "total_wall_s"));
    s->complete = json_is_true(json_object_get(doc, "complete"));
}

/* Write the merged report and point latest at it. 0, or -1 (said why). */
static int write_merged(struct session *s, json_t *doc, struct shard *sh,
                        size_t n, const char *summary)
{
    char *why = NULL;
    int rc = 0;
    if (mkdir_p(s->report_dir) < 0) {
        error("merge: cannot create %s: %s", s->report_dir, strerror(errno));
        return -1;
    }
    if (copy_raw(sh, n, s->report_dir, &why) < 0 ||
        results_write(s, doc, summary, &why) < 0 ||
        (s->opts.formats &&
         reports_write(doc, s->report_dir, s->opts.formats, &why) < 0) ||
        results_point_latest(s, &why) < 0) {
        error("merge: %s", why);
        free(why);
        rc = -1;
    }
    return rc;
}

static char *merge_run_id(void)
{
    char buf[64];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
    return xasprintf("%s-%ld", buf, (long)getpid());
}

/* The exit code of a merged session (cmd-merge.h). */
static int merge_exit(const struct session *s)
{
    if (!s->complete)
        return EXIT_NOT_AS_EXPECTED;
    if (s->opts.check)
        for (size_t i = 0; i < s->nr_cells; i++)
            if (!verdict_ok(s->cells[i].verdict.verdict))
                return EXIT_NOT_AS_EXPECTED;
    return EXIT_OK;
}

int merge_reports(char **dirs, size_t n, const struct merge_opts *o)
{
    if (!n) {
        error("merge: no shard report given (maprace merge DIR...)");
        return EXIT_USAGE;
    }
    struct shard *sh = xcalloc(n, sizeof(*sh));
    int rc = EXIT_USAGE;
    size_t loaded = 0;
    while (loaded < n && !shard_load(dirs[loaded], &sh[loaded]))
        loaded++;
    struct session s;
    memset(&s, 0, sizeof(s));
    json_t *doc = NULL;
    if (loaded == n && !shards_whole(sh, n)) {
        s.run_id = merge_run_id();
        doc = merge_docs(sh, n, s.run_id);
    }
    if (doc) {
        session_from_doc(doc, &s);
        /* shards of `check` are judged as one check; of `run`, reported */
        s.opts.check = jstr(sh[0].doc, "verb") &&
                       !strcmp(jstr(sh[0].doc, "verb"), "check");
        s.opts.out = o->out;
        report_opts_set(&s.opts, o->formats);
        s.report_dir = path_join(o->out, s.run_id);
        char *summary = matrix_render(&s, false);
        char *clean = text_cleaned(summary, false);
        rc =
            write_merged(&s, doc, sh, n, clean) < 0 ? EXIT_ENV : merge_exit(&s);
        if (o->json) {
            json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
            fputc('\n', stdout);
        } else {
            char *m = o->color ? matrix_render(&s, true) : NULL;
            char *mc = m ? text_cleaned(m, true) : NULL;
            fputs(mc ? mc : clean, stdout);
            free(m);
            free(mc);
        }
        free(summary);
        free(clean);
    }
    json_decref(doc);
    session_release(&s);
    for (size_t i = 0; i < n; i++) {
        free(sh[i].dir);
        json_decref(sh[i].doc);
    }
    free(sh);
    return rc;
}

static const struct verb_option merge_options[] = {
    {OPT_OUT, NULL},
    {OPT_FORMAT, "report files: html,junit,sarif,md, all or none (default "
                 "all)"},
    {OPT_JSON, "print the merged results.json, not the matrix"},
    {OPT_NO_COLOR, NULL},
    {OPT_COUNT, NULL},
};

static const char merge_synopsis[] =
    "usage: maprace merge [--out DIR] [--format LIST] [--json] [--no-color]\n"
    "                     DIR...\n";
static const char merge_what[] =
    "Join the reports of the shards of one matrix (`maprace check --shard\n"
    "K/N` on N machines) into one report, as if one machine had run every\n"
    "cell. Each DIR is a shard's report folder, or a reports folder (its\n"
    "latest is taken). Shards 1/N..N/N of one selection, each once, every\n"
    "cell once: otherwise nothing is written (docs/ci.md).\n";
static const char merge_more[] =
    "exit codes: 0 every cell as expected (shards of run: merged); 1 some\n"
    "cell not as expected, or a shard interrupted; 2 a shard missing,\n"
    "doubled or of another matrix; 3 the report could not be written.\n";

static const struct verb_spec merge_spec = {
    .name = "merge",
    .synopsis = merge_synopsis,
    .what = merge_what,
    .options = merge_options,
    .more = merge_more,
};

static int merge_verb(const struct cli *a)
{
    struct merge_opts mo = {.formats = FORMAT_ALL};
    char *bad;
    if (a->format && report_formats_parse(a->format, &mo.formats, &bad) < 0) {
        error("unknown report format '%s' (want html, junit, sarif, md, "
              "all or none)",
              bad);
        free(bad);
        return EXIT_USAGE;
    }
    char *out = given_or_in_root(a->out, "reports");
    if (!out)
        return EXIT_USAGE;
    mo.out = out;
    mo.json = a->json;
    mo.color = cli_color(a);
    int rc = merge_reports(a->pos, a->nr_pos, &mo);
    free(out);
    return rc;
}

int cmd_merge(int argc, char **argv)
{
    struct cli a;
    enum parse_result pr = parse_options(argc, argv, &merge_spec, &a);
    int rc = pr != PARSE_OK ? parse_exit(pr) : merge_verb(&a);
    cli_release(&a);
    return rc;
}
