/*
 * results.c - results.json, summary.txt and reports/latest (see results.h
 * and docs/report-format.md).
 */
#include "engine/results.h"

#include "engine/cost.h"
#include "engine/group.h"
#include "engine/results-model.h"
#include "lib/markdown.h"
#include "lib/text.h"
#include "lib/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static json_t *str_or_null(const char *s)
{
    return s ? json_text(s) : json_null();
}

static json_t *frame_json(const struct frame *f, const struct markers *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "func", str_or_null(f->func));
    json_object_set_new(o, "file", str_or_null(f->file));
    json_object_set_new(o, "line", json_integer(f->line));
    if (f->column)
        json_object_set_new(o, "column", json_integer(f->column));
    if (f->module)
        json_object_set_new(o, "module", json_text(f->module));
    if (f->offset) {
        char buf[32];
        snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)f->offset);
        json_object_set_new(o, "offset", json_text(buf));
    }
    if (f->ip) {
        char buf[32];
        snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)f->ip);
        json_object_set_new(o, "ip", json_text(buf));
    }
    const struct marker *mk = markers_find(m, f->file, f->line);
    if (mk)
        json_object_set_new(o, "marker", json_text(mk->text));
    return o;
}

static json_t *access_json(const struct access *a, const struct markers *m)
{
    json_t *o = json_object();
    if (a->label)
        json_object_set_new(o, "label", json_text(a->label));
    json_object_set_new(o, "seq", json_integer(a->seq));
    json_object_set_new(o, "kind", json_text(access_kind_name(a->kind)));
    json_object_set_new(o, "size", json_integer(a->size));
    if (a->addr) {
        char buf[32];
        snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)a->addr);
        json_object_set_new(o, "addr", json_text(buf));
    }
    json_object_set_new(o, "thread", str_or_null(a->thread));
    json_t *locks = json_array();
    for (size_t i = 0; i < a->nr_locks; i++)
        json_array_append_new(locks, str_or_null(a->locks[i]));
    json_object_set_new(o, "locks", locks);
    /* the frames as stack_add() kept them (finding.h): a recursion folded
     * into one frame with its count, the middle of a deep stack cut */
    json_t *frames = json_array();
    const struct stack *st = &a->stack;
    for (size_t i = 0; i < st->nr; i++) {
        size_t repeat = st->frames[i].repeat ? st->frames[i].repeat : 1;
        /* the last two were not compared yet */
        while (i + 1 == st->nr - 1 && i + 1 != st->cut_after &&
               frame_equal(&st->frames[i], &st->frames[i + 1])) {
            repeat += st->frames[i + 1].repeat ? st->frames[i + 1].repeat : 1;
            i++;
        }
        json_t *f = frame_json(&st->frames[i], m);
        if (repeat > 1)
            json_object_set_new(f, "repeat", json_integer((json_int_t)repeat));
        json_array_append_new(frames, f);
    }
    json_object_set_new(o, "frames", frames);
    if (st->cut) {
        json_object_set_new(o, "frames_cut", json_integer((json_int_t)st->cut));
        json_object_set_new(o, "frames_cut_after",
                            json_integer((json_int_t)st->cut_after));
    }
    return o;
}

json_t *results_findings_json(const struct report *r, const struct markers *m,
                              size_t max)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < r->nr && i < max; i++) {
        const struct finding *f = &r->findings[i];
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_text(finding_kind_name(f->kind)));
        json_object_set_new(o, "detector", str_or_null(f->detector));
        json_object_set_new(o, "type", str_or_null(f->type));
        json_object_set_new(o, "message", str_or_null(f->message));
        json_object_set_new(o, "location", str_or_null(f->location));
        json_t *acc = json_array();
        for (size_t a = 0; a < f->nr_access && a < 2; a++)
            json_array_append_new(acc, access_json(&f->access[a], m));
        json_object_set_new(o, "accesses", acc);
        json_t *more = json_array();
        for (size_t a = 0; a < f->nr_more; a++)
            json_array_append_new(more, access_json(&f->more[a], m));
        json_object_set_new(o, "more", more);
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *expectation_json(const struct expectation *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_text(expect_kind_name(e->kind)));
    json_object_set_new(o, "arg", str_or_null(e->arg));
    json_object_set_new(o, "text", str_or_null(e->text));
    return o;
}

static json_t *cell_json(const struct session *s, const struct cell *cl)
{
    json_t *o = json_object();
    json_object_set_new(o, "case", json_text(cl->c->name));
    json_object_set_new(o, "variant", json_text(cl->v->name));
    json_object_set_new(o, "detector", json_text(detector_name(cl->d)));
    json_object_set_new(o, "flavour", json_text(detector_flavour(cl->d)));
    json_object_set_new(o, "expected", str_or_null(cl->expect->text));
    json_object_set_new(o, "expectation", expectation_json(cl->expect));
    json_object_set_new(o, "observed", str_or_null(cl->verdict.observed));
    json_object_set_new(o, "verdict",
                        json_text(verdict_name(cl->verdict.verdict)));
    json_object_set_new(o, "as_expected",
                        json_boolean(verdict_ok(cl->verdict.verdict)));
    json_object_set_new(o, "note", str_or_null(cl->verdict.note));
    json_object_set_new(o, "runs", json_integer((json_int_t)s->opts.runs));
    json_object_set_new(o, "runs_done",
                        json_integer((json_int_t)cl->verdict.runs));
    json_object_set_new(o, "detected_runs",
                        json_integer((json_int_t)cl->verdict.detected_runs));
    json_object_set_new(o, "wall_s", json_real(cl->wall_s));
    json_object_set_new(o, "cpu_s", json_real(cl->cpu_s));
    if (cl->error)
        json_object_set_new(o, "error", json_text(cl->error));
    if (cl->tool_missing)
        json_object_set_new(o, "tool_missing", json_true());
    if (cl->bt)
        json_object_set_new(o, "binary", json_text(cl->bt->binary));
    if (cl->bt && cl->bt->error)
        json_object_set_new(o, "build_error", json_text(cl->bt->error));
    if (cl->build_log) {
        size_t n = strlen(s->report_dir);
        const char *p = cl->build_log;
        if (!strncmp(p, s->report_dir, n) && p[n] == '/')
            p += n + 1;
        json_object_set_new(o, "build_log", json_text(p));
    }
    /* The findings of the first run that had any (every run's are in
     * run_details); how many the runs dropped past the cap. */
    json_t *findings = NULL, *run;
    size_t idx;
    json_int_t dropped = 0;
    if (cl->runs_json)
        json_array_foreach(cl->runs_json, idx, run)
        {
            json_t *f = json_object_get(run, "findings");
            if (!findings && json_array_size(f))
                findings = f;
            dropped +=
                json_integer_value(json_object_get(run, "findings_dropped"));
        }
    json_object_set_new(o, "findings_dropped", json_integer(dropped));
    json_object_set_new(o, "findings",
                        findings ? json_incref(findings) : json_array());
    json_object_set_new(o, "run_details",
                        cl->runs_json ? json_incref(cl->runs_json)
                                      : json_array());
    return o;
}

/* [{line, text}] of a source's RACE: markers. */
static json_t *markers_json(const struct markers *m)
{
    json_t *mk = json_array();
    for (size_t k = 0; k < m->nr; k++) {
        json_t *mo = json_object();
        json_object_set_new(mo, "line", json_integer(m->items[k].line));
        json_object_set_new(mo, "text", json_text(m->items[k].text));
        json_array_append_new(mk, mo);
    }
    return mk;
}

/* The ```picture blocks of the case's README.md (docs/case-format.md),
 * an empty array when it has none or cannot be read. */
static json_t *pictures_json(const struct mcase *c)
{
    json_t *a = json_array();
    char *path = path_join(c->dir, "README.md");
    char *md = read_file(path, (size_t)4 << 20, NULL);
    struct strvec v = {0};
    if (md)
        md_pictures(md, &v);
    for (size_t i = 0; i < v.nr; i++)
        json_array_append_new(a, json_text(v.v[i]));
    strvec_release(&v);
    free(md);
    free(path);
    return a;
}

static json_t *case_json(const struct mcase *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_text(c->name));
    json_object_set_new(o, "title", str_or_null(c->title));
    json_object_set_new(o, "go", str_or_null(c->go));
    json_object_set_new(o, "no_swiss", str_or_null(c->no_swiss));
    json_object_set_new(o, "no_hmap", str_or_null(c->no_hmap));
    json_object_set_new(o, "article", str_or_null(c->article));
    json_object_set_new(o, "family", str_or_null(c->family));
    json_object_set_new(o, "why", str_or_null(c->why));
    json_object_set_new(o, "pictures", pictures_json(c));
    json_t *vars = json_array();
    for (size_t i = 0; i < c->nr_variants; i++) {
        const struct variant *v = &c->variants[i];
        json_t *vo = json_object();
        json_object_set_new(vo, "name", json_text(v->name));
        json_object_set_new(vo, "source", json_text(v->source));
        json_object_set_new(vo, "title", str_or_null(v->title));
        json_object_set_new(vo, "markers", markers_json(&v->markers));
        json_object_set_new(vo, "go_source", str_or_null(v->go_source));
        json_object_set_new(vo, "no_go_twin", str_or_null(v->no_go_twin));
        if (v->go_source)
            json_object_set_new(vo, "go_markers", markers_json(&v->go_markers));
        json_t *ex = json_object();
        for (int d = 0; d < DET_COUNT; d++)
            json_object_set_new(ex, detector_name(d),
                                str_or_null(v->expect[d].text));
        json_object_set_new(vo, "expect", ex);
        json_array_append_new(vars, vo);
    }
    json_object_set_new(o, "variants", vars);
    return o;
}

static json_t *options_json(const struct session *s)
{
    json_t *opts = json_object();
    json_t *dets = json_array();
    for (int d = 0; d < DET_COUNT; d++)
        if (s->opts.detectors[d])
            json_array_append_new(dets, json_text(detector_name(d)));
    json_object_set_new(opts, "detectors", dets);
    json_object_set_new(opts, "runs", json_integer(s->opts.runs));
    json_object_set_new(opts, "jobs", json_integer(s->opts.jobs));
    json_object_set_new(opts, "timeout_s", json_real(s->opts.timeout));
    json_object_set_new(opts, "forced", json_boolean(!s->opts.natural));
    json_object_set_new(opts, "catalog", str_or_null(s->opts.cases_dir));
    json_object_set_new(opts, "build", str_or_null(s->opts.build));
    return opts;
}

static json_t *timing_json(const struct session *s)
{
    json_t *timing = json_object();
    json_object_set_new(timing, "build_wall_s", json_real(s->build_wall_s));
    json_object_set_new(timing, "run_wall_s", json_real(s->run_wall_s));
    json_object_set_new(timing, "total_wall_s", json_real(s->total_wall_s));
    json_object_set_new(timing, "children_cpu_s", json_real(s->children_cpu_s));
    json_object_set_new(timing, "cores", json_integer(s->cores));
    json_object_set_new(timing, "self_cpu_s", json_real(s->self_cpu_s));
    json_object_set_new(timing, "jobs_wall_s", json_real(s->jobs_wall_s));
    json_object_set_new(
        timing, "pool_busy",
        s->run_wall_s > 0 && s->opts.jobs > 0
            ? json_real(s->jobs_wall_s / (s->run_wall_s * s->opts.jobs))
            : json_null());
    double busy = s->cores > 0 ? s->children_cpu_s / s->cores : 0;
    json_object_set_new(timing, "overhead",
                        busy > 0 ? json_real(s->run_wall_s / busy)
                                 : json_null());
    return timing;
}

json_t *results_json(const struct session *s)
{
    json_t *root = json_object();
    json_object_set_new(root, "schema_version",
                        json_integer(RESULTS_SCHEMA_VERSION));
    json_object_set_new(root, "tool", json_text("maprace"));
    json_object_set_new(root, "verb", json_text(session_verb(s)));
    json_object_set_new(root, "run_id", str_or_null(s->run_id));
    json_object_set_new(root, "started", str_or_null(s->started));
    json_object_set_new(root, "complete", json_boolean(s->complete));
    if (!s->complete)
        json_object_set_new(root, "interrupted_by",
                            s->signal ? json_text(sigabbrev_np(s->signal))
                                      : json_null());
    json_object_set_new(root, "options", options_json(s));

    json_object_set_new(root, "timing", timing_json(s));
    json_object_set_new(root, "setarch", json_boolean(s->setarch));
    json_t *shard = shard_json(&s->opts.shard);
    if (shard)
        json_object_set_new(root, "shard", shard);

    json_t *notes = json_array();
    for (size_t i = 0; i < s->nr_notes; i++)
        json_array_append_new(notes, json_text(s->notes[i]));
    json_object_set_new(root, "notes", notes);

    struct res_totals totals = {0};
    json_t *cells = json_array();
    for (size_t i = 0; i < s->nr_cells; i++) {
        results_totals_add(&totals, s->cells[i].verdict.verdict);
        json_array_append_new(cells, cell_json(s, &s->cells[i]));
    }
    json_object_set_new(root, "totals", results_totals_json(&totals));

    json_t *cases = json_array();
    for (size_t i = 0; i < s->cat.nr; i++) {
        bool used = false;
        for (size_t j = 0; j < s->nr_cells && !used; j++)
            used = s->cells[j].c == &s->cat.cases[i];
        if (used)
            json_array_append_new(cases, case_json(&s->cat.cases[i]));
    }
    json_object_set_new(root, "cases", cases);
    json_object_set_new(root, "cells", cells);
    /* findings grouped into races, annotated (group.h), and each
     * detector's cost against native (cost.h), on the typed results */
    struct results r;
    char *why = NULL;
    if (results_from_json(root, &r, &why) < 0) {
        /* a bug: the document is the runner's own */
        error("results.json without races and cost: %s", why);
        free(why);
        return root;
    }
    group_results(&r);
    cost_results(&r);
    json_decref(root);
    root = results_doc(&r);
    results_release(&r);
    return root;
}

/* Write one file of the report; a failure is added to *why. */
static int write_one(const char *dir, const char *name, const char *text,
                     size_t len, char **why)
{
    char *path = path_join(dir, name);
    int rc = write_file_atomic(path, text, len);
    if (rc < 0) {
        char *one = xasprintf("cannot write %s: %s", path, strerror(errno));
        char *all = *why ? xasprintf("%s; %s", *why, one) : xstrdup(one);
        free(one);
        free(*why);
        *why = all;
    }
    free(path);
    return rc;
}

int results_write(const struct session *s, json_t *doc, const char *summary,
                  char **why)
{
    *why = NULL;
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (!text) {
        *why = xstrdup("cannot serialise results.json");
        return -1;
    }
    size_t len = strlen(text);
    text = xrealloc(text, len + 2);
    text[len++] = '\n';
    text[len] = '\0';
    /* both files are tried: every failure is said */
    int rc = write_one(s->report_dir, "results.json", text, len, why);
    rc |=
        write_one(s->report_dir, "summary.txt", summary, strlen(summary), why);
    free(text);
    return rc ? -1 : 0;
}

int results_point_latest(const struct session *s, char **why)
{
    /* latest -> <run-id>, replaced by a rename: never missing, never
     * half-written. */
    *why = NULL;
    int rc = 0;
    char *latest = path_join(s->opts.out, "latest");
    char *tmp = xasprintf("%s.tmp.%ld", latest, (long)getpid());
    unlink(tmp);
    if (symlink(s->run_id, tmp) < 0 || rename(tmp, latest) < 0) {
        *why = xasprintf("cannot point %s at %s: %s", latest, s->run_id,
                         strerror(errno));
        unlink(tmp);
        rc = -1;
    }
    free(tmp);
    free(latest);
    return rc;
}
