/*
 * report-markdown.c - summary.md: the matrix and the races in Markdown
 * (report-common.h, docs/report-format.md).
 */
#include "report/common.h"
#include "report/diagram.h"

#include "engine/group.h"

#include <stdlib.h>
#include <string.h>

static const char *mark(const char *verdict)
{
    const char *c = verdict_class(verdict);
    if (!strcmp(c, "ok"))
        return "✅";
    if (!strcmp(c, "known"))
        return "☑️";
    if (!strcmp(c, "error"))
        return "⚠️";
    return "❌";
}

/* One access of an access_pairs entry, as a table cell's text. */
static void md_pair_access(struct strbuf *sb, json_t *t)
{
    json_t *at = json_object_get(t, "at");
    if (json_is_integer(at) && json_integer_value(at) >= 0)
        strbuf_addf(sb, "%c: ", (char)('A' + json_integer_value(at)));
    const char *kind = jstr(t, "kind");
    md_escape(sb, kind && strcmp(kind, "unknown") ? kind : "stack");
    strbuf_addstr(sb, " **");
    md_escape(sb, jstr(t, "func") ? jstr(t, "func") : "??");
    strbuf_addstr(sb, "**");
    if (jstr(t, "path")) {
        strbuf_addstr(sb, " ");
        md_escape(sb, jstr(t, "path"));
        json_int_t line = json_integer_value(json_object_get(t, "line"));
        if (line > 0)
            strbuf_addf(sb, ":%lld", (long long)line);
    }
    if (jstr(t, "go")) {
        strbuf_addstr(sb, " = ");
        md_escape(sb, jstr(t, "go"));
    }
}

/* The access_pairs (group.h) of a race's detectors: which model functions
 * raced, in how many findings. */
static void md_pairs(struct strbuf *sb, json_t *race)
{
    size_t i, k, m;
    json_t *ev, *p, *t;
    bool any = false;
    json_array_foreach(json_object_get(race, "detectors"), i, ev) any |=
        json_array_size(json_object_get(ev, "access_pairs")) > 0;
    if (!any)
        return;
    strbuf_addstr(sb, "\nAccesses that raced (top model frame of each):\n\n"
                      "| detector | findings | access | access |\n"
                      "|---|---|---|---|\n");
    json_array_foreach(json_object_get(race, "detectors"), i, ev)
    {
        json_int_t listed = 0;
        json_array_foreach(json_object_get(ev, "access_pairs"), k, p)
        {
            json_int_t n = json_integer_value(json_object_get(p, "count"));
            listed += n;
            strbuf_addstr(sb, "| ");
            md_escape(sb, jstr(ev, "detector"));
            strbuf_addf(sb, " | %lld |", (long long)n);
            json_t *accs = json_object_get(p, "accesses");
            json_array_foreach(accs, m, t)
            {
                strbuf_addstr(sb, " ");
                md_pair_access(sb, t);
                strbuf_addstr(sb, " |");
            }
            for (m = json_array_size(accs); m < 2; m++)
                strbuf_addstr(sb, " - |");
            strbuf_addstr(sb, "\n");
        }
        json_int_t more =
            json_integer_value(json_object_get(ev, "access_pairs_more"));
        if (more > 0) {
            strbuf_addstr(sb, "| ");
            md_escape(sb, jstr(ev, "detector"));
            strbuf_addf(sb, " | %lld | +%lld more | |\n",
                        (long long)(json_integer_value(
                                        json_object_get(ev, "findings")) -
                                    listed),
                        (long long)more);
        }
    }
}

static void md_totals(struct strbuf *sb, json_t *results)
{
    json_t *totals = json_object_get(results, "totals");
    strbuf_addf(
        sb,
        "%lld cells: %lld pass, %lld false negative, %lld false positive, "
        "%lld known miss, %lld known false positive, %lld error.\n\n",
        (long long)json_integer_value(json_object_get(totals, "cells")),
        (long long)json_integer_value(json_object_get(totals, "pass")),
        (long long)json_integer_value(
            json_object_get(totals, "false-negative")),
        (long long)json_integer_value(
            json_object_get(totals, "false-positive")),
        (long long)json_integer_value(json_object_get(totals, "known-miss")),
        (long long)json_integer_value(
            json_object_get(totals, "known-false-positive")),
        (long long)json_integer_value(json_object_get(totals, "error")));
}

/* One row of the matrix: a variant under every detector of the run
 * (nothing when none of its cells ran). */
static void md_matrix_row(struct strbuf *sb, json_t *results, json_t *dets,
                          const char *cn, const char *vn)
{
    bool any = false;
    size_t j;
    json_t *d;
    json_array_foreach(dets, j, d) any |=
        results_cell(results, cn, vn, json_string_value(d)) != NULL;
    if (!any)
        return;
    strbuf_addstr(sb, "| ");
    md_escape(sb, cn);
    strbuf_addstr(sb, " | ");
    md_escape(sb, vn);
    strbuf_addstr(sb, " |");
    json_array_foreach(dets, j, d)
    {
        json_t *cell = results_cell(results, cn, vn, json_string_value(d));
        if (!cell) {
            strbuf_addstr(sb, " - |");
            continue;
        }
        strbuf_addf(sb, " %s %s: ", mark(jstr(cell, "verdict")),
                    jstr(cell, "verdict"));
        md_escape(sb, jstr(cell, "observed"));
        strbuf_addstr(sb, " (");
        md_escape(sb, jstr(cell, "expected"));
        strbuf_addf(
            sb, ") %lld/%lld |",
            (long long)json_integer_value(
                json_object_get(cell, "detected_runs")),
            (long long)json_integer_value(json_object_get(cell, "runs_done")));
    }
    strbuf_addstr(sb, "\n");
}

static void md_matrix(struct strbuf *sb, json_t *results)
{
    json_t *dets = results_detectors(results);
    strbuf_addstr(sb, "## Matrix\n\nEach cell: verdict, observed (expected), "
                      "detected runs / runs.\n\n| case | variant |");
    size_t i, k;
    json_t *d, *c, *v;
    json_array_foreach(dets, i, d)
        strbuf_addf(sb, " %s |", json_string_value(d));
    strbuf_addstr(sb, "\n|---|---|");
    json_array_foreach(dets, i, d) strbuf_addstr(sb, "---|");
    strbuf_addstr(sb, "\n");
    json_array_foreach(json_object_get(results, "cases"), i, c)
    {
        json_array_foreach(json_object_get(c, "variants"), k, v)
            md_matrix_row(sb, results, dets, jstr(c, "name"), jstr(v, "name"));
    }
}

/* A race's two locations, and the case's why. */
static void md_race_locations(struct strbuf *sb, json_t *r)
{
    size_t k;
    json_t *loc;
    json_array_foreach(json_object_get(r, "locations"), k, loc)
    {
        char *at = xasprintf(
            "%s:%lld", jstr(loc, "path") ? jstr(loc, "path") : "",
            (long long)json_integer_value(json_object_get(loc, "line")));
        strbuf_addf(sb, "- **%c** ", (char)('A' + k));
        md_code(sb, at);
        strbuf_addstr(sb, " in ");
        md_code(sb, jstr(loc, "func"));
        free(at);
        if (jstr(loc, "marker")) {
            strbuf_addstr(sb, " (RACE: ");
            md_escape(sb, jstr(loc, "marker"));
            strbuf_addstr(sb, ")");
        }
        strbuf_addstr(sb, "\n");
    }
    if (jstr(r, "why")) {
        strbuf_addstr(sb, "\n*Why:* ");
        md_escape(sb, jstr(r, "why"));
        strbuf_addstr(sb, "\n");
    }
    /* a data race: nothing orders its two accesses; any other kind: what
     * it means (report-diagram.h) */
    char *what = race_explanation(r);
    if (what) {
        strbuf_addstr(sb, "\n*What happened:* ");
        for (const char *p = what; *p;) {
            size_t n = strcspn(p, "\n");
            char *line = xstrndup(p, n);
            md_escape(sb, line);
            free(line);
            p += n + (p[n] == '\n');
            if (*p)
                strbuf_addstr(sb, "  \n");
        }
        strbuf_addstr(sb, "\n");
        free(what);
    } else if (json_array_size(json_object_get(r, "locations")) == 2) {
        strbuf_addstr(sb, "\n*Unordered:* ");
        md_escape(sb, race_unordered_text);
        strbuf_addstr(sb, "\n");
    }
}

/* One access of a detector's evidence: kind, thread, its first shown
 * frame and that frame's Go counterpart. */
static void md_access(struct strbuf *sb, json_t *a)
{
    const char *fn = NULL, *go = NULL;
    size_t q;
    json_t *f;
    json_array_foreach(json_object_get(a, "frames"), q, f)
    {
        if (json_is_true(json_object_get(f, "hidden")))
            continue;
        fn = jstr(f, "func");
        go = jstr(f, "go");
        break;
    }
    md_escape(sb, jstr(a, "kind"));
    strbuf_addstr(sb, " by ");
    md_escape(sb, jstr(a, "thread"));
    if (fn) {
        strbuf_addstr(sb, " in ");
        md_code(sb, fn);
    }
    if (go) {
        strbuf_addstr(sb, " (");
        md_escape(sb, go);
        strbuf_addstr(sb, ")");
    }
}

static void md_race(struct strbuf *sb, json_t *r)
{
    strbuf_addstr(sb, "\n### ");
    md_escape(sb, jstr(r, "case"));
    strbuf_addstr(sb, "/");
    md_escape(sb, jstr(r, "variant"));
    strbuf_addstr(sb, ": ");
    md_escape(sb, jstr(r, "kind"));
    strbuf_addstr(sb, "\n\n");
    md_race_locations(sb, r);
    strbuf_addstr(sb, "\n| detector | report | accesses | runs |\n"
                      "|---|---|---|---|\n");
    size_t k, m;
    json_t *ev, *a;
    json_array_foreach(json_object_get(r, "detectors"), k, ev)
    {
        strbuf_addstr(sb, "| ");
        md_escape(sb, jstr(ev, "detector"));
        strbuf_addstr(sb, " | ");
        md_escape(sb,
                  jstr(ev, "message") ? jstr(ev, "message") : jstr(ev, "type"));
        strbuf_addstr(sb, " | ");
        json_array_foreach(json_object_get(ev, "accesses"), m, a)
        {
            if (m)
                strbuf_addstr(sb, "; ");
            md_access(sb, a);
        }
        strbuf_addf(
            sb, " | %lld/%lld |\n",
            (long long)json_integer_value(json_object_get(ev, "seen_runs")),
            (long long)json_integer_value(json_object_get(ev, "runs")));
    }
    md_pairs(sb, r);
}

char *report_markdown(json_t *results)
{
    struct strbuf sb = {0};
    group_ensure(results);
    strbuf_addf(&sb, "# maprace %s %s\n\n",
                jstr(results, "verb") ? jstr(results, "verb") : "run",
                jstr(results, "run_id") ? jstr(results, "run_id") : "");
    if (!json_is_true(json_object_get(results, "complete")))
        strbuf_addstr(&sb, "**Incomplete: the run was interrupted.**\n\n");
    md_totals(&sb, results);
    md_matrix(&sb, results);

    json_t *races = json_object_get(results, "races");
    strbuf_addf(&sb, "\n## Races (%zu)\n", json_array_size(races));
    size_t i;
    json_t *r;
    json_array_foreach(races, i, r) md_race(&sb, r);
    return strbuf_detach(&sb);
}
