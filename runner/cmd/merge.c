/*
 * merge.c - join the shard reports of one matrix (see cmd/merge.h).
 */
#include "cmd/merge.h"

#include "cmd/builtin.h"
#include "cmd/options.h"
#include "cmd/repository.h"
#include "engine/catalog.h"
#include "engine/classify.h"
#include "engine/cost.h"
#include "engine/detectors.h"
#include "engine/group.h"
#include "engine/live-matrix.h"
#include "report/common.h"
#include "engine/results-model.h"
#include "engine/results.h"
#include "engine/session.h"
#include "lib/text.h"
#include "lib/util.h"
#include "lib/exit.h"

#include <errno.h>
#include <math.h>
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
    struct results r;
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
    char *p = path_join(sh->dir, "results.json"), *why = NULL;
    int rc = results_load(p, &sh->r, &why);
    free(p);
    if (rc) {
        error("merge: %s", why);
        free(why);
        return -1;
    }
    const struct res_shard *s = sh->r.shard;
    sh->index = s ? (int)s->index : 0;
    sh->count = s ? (int)s->count : 0;
    if (!s || sh->index < 1 || sh->index > sh->count) {
        error("merge: %s: not a shard's report (run `maprace check --shard "
              "K/N`)",
              sh->dir);
        return -1;
    }
    return 0;
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* The fingerprint of case `name` in a shard, or NULL. */
static const struct res_pair *case_print(const struct res_shard *s,
                                         const char *name)
{
    for (size_t i = 0; i < s->nr_cases; i++)
        if (!strcmp(s->cases[i].key, name))
            return &s->cases[i];
    return NULL;
}

/* The shards make one whole matrix: the same count and selection, each
 * index once. 0, or -1 after saying what is missing or doubled. */
static int shards_whole(struct shard *sh, size_t n)
{
    int count = sh[0].count;
    const struct res_shard *s0 = sh[0].r.shard;
    for (size_t i = 1; i < n; i++) {
        /* the same case with another content: say which */
        for (size_t k = 0; k < s0->nr_cases; k++) {
            const struct res_pair *other =
                case_print(sh[i].r.shard, s0->cases[k].key);
            if (other && !same_text(other->value, s0->cases[k].value)) {
                error("merge: %s and %s ran different contents of case %s "
                      "(its case.ini or a source changed between the "
                      "shards); run every shard on the same revision",
                      sh[0].dir, sh[i].dir, s0->cases[k].key);
                return -1;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (sh[i].count != count ||
            !same_text(sh[i].r.shard->selection, s0->selection)) {
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
    struct res_cell *cell;
    const char *case_name;
    size_t variant;
    int detector;
};

static size_t variant_place(const struct res_case *c, const char *name)
{
    for (size_t i = 0; i < c->nr_variants; i++)
        if (c->variants[i].name && !strcmp(c->variants[i].name, name))
            return i;
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
    const struct res_case *x = a, *y = b;
    return strcmp(x->name, y->name);
}

/* Every case of the shards once, by name, moved into m. */
static void merged_cases(struct shard *sh, size_t n, struct results *m)
{
    size_t alloc = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sh[i].r.nr_cases; k++) {
            struct res_case *c = &sh[i].r.cases[k];
            if (results_case(m, c->name))
                continue;
            ALLOC_GROW(m->cases, m->nr_cases + 1, alloc);
            m->cases[m->nr_cases++] = *c;
            memset(c, 0, sizeof(*c));
        }
    if (m->nr_cases)
        qsort(m->cases, m->nr_cases, sizeof(*m->cases), cmp_cases);
}

/* Every cell of the shards in the order of a full run, moved into m. -1
 * after saying which cell is doubled or how many are missing. */
static int merged_cells(struct shard *sh, size_t n, struct results *m)
{
    struct cell_key *keys = NULL;
    size_t nr = 0, alloc = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sh[i].r.nr_cells; k++) {
            struct res_cell *c = &sh[i].r.cells[k];
            const struct res_case *mc = results_case(m, c->case_name);
            if (!mc || detector_by_name(c->detector) < 0) {
                error("merge: %s: a cell of no known case, variant or "
                      "detector",
                      sh[i].dir);
                free(keys);
                return -1;
            }
            ALLOC_GROW(keys, nr + 1, alloc);
            keys[nr].cell = c;
            keys[nr].case_name = c->case_name;
            keys[nr].variant = variant_place(mc, c->variant);
            keys[nr].detector = detector_by_name(c->detector);
            nr++;
        }
    if (nr)
        qsort(keys, nr, sizeof(*keys), cmp_keys);
    for (size_t i = 1; i < nr; i++)
        if (!cmp_keys(&keys[i - 1], &keys[i])) {
            error("merge: cell %s/%s %s is in two shards", keys[i].case_name,
                  keys[i].cell->variant, keys[i].cell->detector);
            free(keys);
            return -1;
        }
    long long total = sh[0].r.shard->cells_total;
    if ((long long)nr != total) {
        error("merge: %zu cells in the shards, the matrix has %lld", nr, total);
        free(keys);
        return -1;
    }
    m->cells = xcalloc(nr + 1, sizeof(*m->cells));
    for (size_t i = 0; i < nr; i++) {
        m->cells[m->nr_cells++] = *keys[i].cell;
        memset(keys[i].cell, 0, sizeof(*keys[i].cell));
    }
    free(keys);
    return 0;
}

/* Notes of every shard, each once; timings summed (what the machines
 * spent together); complete and setarch of all; the shards' records. */
static void merge_scalars(struct results *m, struct shard *sh, size_t n)
{
    size_t alloc = 0;
    struct res_timing *t = &m->timing;
    memset(t, 0, sizeof(*t));
    m->complete = true;
    m->merged_from = xcalloc(n + 1, sizeof(*m->merged_from));
    for (size_t i = 0; i < n; i++) {
        struct results *r = &sh[i].r;
        for (size_t k = 0; k < r->nr_notes; k++) {
            bool seen = false;
            for (size_t j = 0; j < m->nr_notes && !seen; j++)
                seen = same_text(m->notes[j], r->notes[k]);
            if (seen)
                continue;
            ALLOC_GROW(m->notes, m->nr_notes + 1, alloc);
            m->notes[m->nr_notes++] = r->notes[k] ? xstrdup(r->notes[k]) : NULL;
        }
        t->build_wall_s += r->timing.build_wall_s;
        t->run_wall_s += r->timing.run_wall_s;
        t->total_wall_s += r->timing.total_wall_s;
        t->children_cpu_s += r->timing.children_cpu_s;
        t->self_cpu_s += r->timing.self_cpu_s;
        t->jobs_wall_s += r->timing.jobs_wall_s;
        m->complete &= r->complete;
        m->setarch |= r->setarch;
        struct res_merged_from *f = &m->merged_from[m->nr_merged_from++];
        f->run_id = r->run_id ? xstrdup(r->run_id) : NULL;
        f->shard = r->shard;
        r->shard = NULL;
        if (r->started && (!m->started || strcmp(r->started, m->started) < 0)) {
            free(m->started);
            m->started = xstrdup(r->started);
        }
    }
    if (!m->notes)
        m->notes = xcalloc(1, sizeof(*m->notes));
    t->cores = -1; /* not a sum */
    t->overhead = NAN;
    t->pool_busy = NAN;
}

/* The merged results into m, and their document (races and cost computed
 * again over every cell); NULL (said why). */
static json_t *merge_results(struct shard *sh, size_t n, const char *run_id,
                             struct results *m)
{
    memset(m, 0, sizeof(*m));
    m->schema_version = RESULTS_SCHEMA_VERSION;
    m->tool = xstrdup(sh[0].r.tool ? sh[0].r.tool : "maprace");
    m->verb = xstrdup("merge");
    m->run_id = xstrdup(run_id);
    m->options = sh[0].r.options;
    memset(&sh[0].r.options, 0, sizeof(sh[0].r.options));
    merged_cases(sh, n, m);
    if (merged_cells(sh, n, m) < 0)
        return NULL;
    merge_scalars(m, sh, n);
    group_results(m);
    cost_results(m);
    return results_doc(m);
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

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* A case of the results as the matrix needs it: names and expectations. */
static void case_from_results(const struct res_case *rc, struct mcase *c)
{
    memset(c, 0, sizeof(*c));
    c->name = xstrdup(rc->name);
    c->title = dup_or_null(rc->title);
    for (size_t i = 0; i < rc->nr_variants; i++) {
        const struct res_variant *rv = &rc->variants[i];
        ALLOC_GROW(c->variants, c->nr_variants + 1, c->alloc_variants);
        struct variant *v = &c->variants[c->nr_variants++];
        memset(v, 0, sizeof(*v));
        v->name = xstrdup(rv->name);
        for (size_t k = 0; k < rv->nr_expect; k++) {
            int d = detector_by_name(rv->expect[k].key);
            const char *text = rv->expect[k].value;
            char *why = NULL;
            if (d >= 0 && text &&
                expectation_parse(text, &v->expect[d], &why) < 0)
                memset(&v->expect[d], 0, sizeof(v->expect[d]));
            free(why);
        }
    }
}

/* A cell of the results, pointing into s->cat; its runs' observations are
 * moved out of rc. */
static void cell_from_results(struct session *s, struct res_cell *rc,
                              struct cell *cl)
{
    memset(cl, 0, sizeof(*cl));
    cl->c = catalog_find(&s->cat, rc->case_name);
    for (size_t v = 0; v < cl->c->nr_variants; v++)
        if (!strcmp(cl->c->variants[v].name, rc->variant))
            cl->v = &cl->c->variants[v];
    cl->d = (enum detector)detector_by_name(rc->detector);
    cl->expect = &cl->v->expect[cl->d];
    cl->error = dup_or_null(rc->error);
    cl->verdict.verdict = rc->verdict;
    cl->verdict.observed = dup_or_null(rc->observed);
    cl->verdict.note = dup_or_null(rc->note);
    cl->verdict.runs = (size_t)rc->runs_done;
    cl->verdict.detected_runs = (size_t)rc->detected_runs;
    cl->wall_s = rc->wall_s;
    cl->cpu_s = rc->cpu_s;
    cl->tool_missing = rc->tool_missing;
    cl->findings_dropped = (size_t)rc->findings_dropped;
    /* each run's observation, in its place (run N at obs[N - 1]), as the
     * driver left them: what the matrix reads */
    size_t runs = s->opts.runs > 0 ? (size_t)s->opts.runs : 1;
    cl->obs = xcalloc(runs, sizeof(*cl->obs));
    cl->runs_json = res_cell_runs_json(rc);
    for (size_t i = 0; i < rc->nr_runs_detail; i++) {
        struct res_run *run = &rc->runs_detail[i];
        if (run->run < 1 || (size_t)run->run > runs)
            continue;
        run_obs_release(&cl->obs[run->run - 1]);
        if (run->obs) {
            cl->obs[run->run - 1] = *run->obs;
            free(run->obs);
            run->obs = NULL;
        }
        cl->runs_done++;
    }
}

/* The session merged results stand for: what matrix_render(),
 * results_write() and results_point_latest() read. */
static void session_from_results(struct results *m, struct session *s)
{
    for (size_t i = 0; i < m->options.nr_detectors; i++) {
        int d = detector_by_name(m->options.detectors[i]);
        if (d >= 0)
            s->opts.detectors[d] = true;
    }
    s->opts.runs = (int)m->options.runs;
    s->opts.natural = !m->options.forced;
    s->opts.merged = true;
    for (size_t i = 0; i < m->nr_cases; i++) {
        ALLOC_GROW(s->cat.cases, s->cat.nr + 1, s->cat.alloc);
        case_from_results(&m->cases[i], &s->cat.cases[s->cat.nr++]);
    }
    s->cells = xcalloc(m->nr_cells + 1, sizeof(*s->cells));
    /* each cell's binary and build error, as a build target of its own */
    s->targets = xcalloc(m->nr_cells + 1, sizeof(*s->targets));
    for (size_t i = 0; i < m->nr_cells; i++) {
        struct res_cell *rc = &m->cells[i];
        cell_from_results(s, rc, &s->cells[i]);
        if (rc->binary || rc->build_error) {
            struct build_target *bt = &s->targets[s->nr_targets++];
            bt->binary = dup_or_null(rc->binary);
            bt->error = dup_or_null(rc->build_error);
            bt->ok = !bt->error;
            s->cells[i].bt = bt;
        }
    }
    s->nr_cells = m->nr_cells;
    for (size_t i = 0; i < m->nr_notes; i++)
        session_note(s, "%s", m->notes[i]);
    s->total_wall_s = m->timing.total_wall_s;
    s->complete = m->complete;
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

/* The exit code of a merged session (cmd/merge.h). */
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
    struct results m;
    memset(&m, 0, sizeof(m));
    json_t *doc = NULL;
    if (loaded == n && !shards_whole(sh, n)) {
        s.run_id = merge_run_id();
        doc = merge_results(sh, n, s.run_id, &m);
    }
    if (doc) {
        session_from_results(&m, &s);
        /* shards of `check` are judged as one check; of `run`, reported */
        s.opts.check = sh[0].r.verb && !strcmp(sh[0].r.verb, "check");
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
            char *mm = o->color ? matrix_render(&s, true) : NULL;
            char *mc = mm ? text_cleaned(mm, true) : NULL;
            fputs(mc ? mc : clean, stdout);
            free(mm);
            free(mc);
        }
        free(summary);
        free(clean);
    }
    json_decref(doc);
    results_release(&m);
    session_release(&s);
    for (size_t i = 0; i < n; i++) {
        free(sh[i].dir);
        results_release(&sh[i].r);
    }
    free(sh);
    return rc;
}

static const struct verb_option merge_options[] = {
    {OPT_OUT, NULL},
    {OPT_FORMAT, "report files: @formats@, all or none (default all)"},
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
    if (a->format && report_formats_option(a->format, &mo.formats) < 0)
        return EXIT_USAGE;
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
