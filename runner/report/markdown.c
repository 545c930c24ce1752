/*
 * report/markdown.c - summary.md: the matrix and the races in Markdown
 * (report/common.h, docs/report-format.md).
 */
#include "report/common.h"
#include "report/diagram.h"

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
static void md_pair_access(struct strbuf *sb, const struct res_pair_access *t)
{
    if (t->at >= 0)
        strbuf_addf(sb, "%c: ", (char)('A' + t->at));
    const char *kind = t->kind;
    md_escape(sb, kind && strcmp(kind, "unknown") ? kind : "stack");
    strbuf_addstr(sb, " **");
    md_escape(sb, t->func ? t->func : "??");
    strbuf_addstr(sb, "**");
    if (t->path) {
        strbuf_addstr(sb, " ");
        md_escape(sb, t->path);
        if (t->line > 0)
            strbuf_addf(sb, ":%lld", t->line);
    }
    if (t->go) {
        strbuf_addstr(sb, " = ");
        md_escape(sb, t->go);
    }
}

/* The access_pairs (group.h) of a race's detectors: which model functions
 * raced, in how many findings. */
static void md_pairs(struct strbuf *sb, const struct res_race *race)
{
    bool any = false;
    for (size_t i = 0; i < race->nr_detectors; i++)
        any |= race->detectors[i].nr_access_pairs > 0;
    if (!any)
        return;
    strbuf_addstr(sb, "\nAccesses that raced (top model frame of each):\n\n"
                      "| detector | findings | access | access |\n"
                      "|---|---|---|---|\n");
    for (size_t i = 0; i < race->nr_detectors; i++) {
        const struct res_evidence *ev = &race->detectors[i];
        long long listed = 0;
        for (size_t k = 0; k < ev->nr_access_pairs; k++) {
            const struct res_access_pair *p = &ev->access_pairs[k];
            listed += p->count;
            strbuf_addstr(sb, "| ");
            md_escape(sb, ev->detector);
            strbuf_addf(sb, " | %lld |", p->count);
            for (size_t m = 0; m < p->nr_accesses; m++) {
                strbuf_addstr(sb, " ");
                md_pair_access(sb, &p->accesses[m]);
                strbuf_addstr(sb, " |");
            }
            for (size_t m = p->nr_accesses; m < 2; m++)
                strbuf_addstr(sb, " - |");
            strbuf_addstr(sb, "\n");
        }
        if (ev->access_pairs_more > 0) {
            strbuf_addstr(sb, "| ");
            md_escape(sb, ev->detector);
            strbuf_addf(sb, " | %lld | +%lld more | |\n", ev->findings - listed,
                        ev->access_pairs_more);
        }
    }
}

static void md_totals(struct strbuf *sb, const struct results *res)
{
    struct res_totals t;
    results_totals(res, &t);
    strbuf_addf(
        sb,
        "%zu cells: %zu pass, %zu false negative, %zu false positive, "
        "%zu known miss, %zu known false positive, %zu error.\n\n",
        t.cells, t.verdicts[VERDICT_PASS], t.verdicts[VERDICT_FALSE_NEGATIVE],
        t.verdicts[VERDICT_FALSE_POSITIVE], t.verdicts[VERDICT_KNOWN_MISS],
        t.verdicts[VERDICT_KNOWN_FALSE_POSITIVE], t.verdicts[VERDICT_ERROR]);
}

/* One row of the matrix: a variant under every detector of the run
 * (nothing when none of its cells ran). */
static void md_matrix_row(struct strbuf *sb, const struct results *res,
                          const char *cn, const char *vn)
{
    const struct res_options *o = &res->options;
    bool any = false;
    for (size_t j = 0; j < o->nr_detectors; j++)
        any |= results_cell_of(res, cn, vn, o->detectors[j]) != NULL;
    if (!any)
        return;
    strbuf_addstr(sb, "| ");
    md_escape(sb, cn);
    strbuf_addstr(sb, " | ");
    md_escape(sb, vn);
    strbuf_addstr(sb, " |");
    for (size_t j = 0; j < o->nr_detectors; j++) {
        const struct res_cell *cell =
            results_cell_of(res, cn, vn, o->detectors[j]);
        if (!cell) {
            strbuf_addstr(sb, " - |");
            continue;
        }
        const char *verdict = verdict_name(cell->verdict);
        strbuf_addf(sb, " %s %s: ", mark(verdict), verdict);
        md_escape(sb, cell->observed);
        strbuf_addstr(sb, " (");
        md_escape(sb, cell->expected);
        strbuf_addf(sb, ") %lld/%lld |", cell->detected_runs, cell->runs_done);
    }
    strbuf_addstr(sb, "\n");
}

static void md_matrix(struct strbuf *sb, const struct results *res)
{
    const struct res_options *o = &res->options;
    strbuf_addstr(sb, "## Matrix\n\nEach cell: verdict, observed (expected), "
                      "detected runs / runs.\n\n| case | variant |");
    for (size_t i = 0; i < o->nr_detectors; i++)
        strbuf_addf(sb, " %s |", o->detectors[i]);
    strbuf_addstr(sb, "\n|---|---|");
    for (size_t i = 0; i < o->nr_detectors; i++)
        strbuf_addstr(sb, "---|");
    strbuf_addstr(sb, "\n");
    for (size_t i = 0; i < res->nr_cases; i++) {
        const struct res_case *c = &res->cases[i];
        for (size_t k = 0; k < c->nr_variants; k++)
            md_matrix_row(sb, res, c->name, c->variants[k].name);
    }
}

/* A race's two locations, and the case's why. */
static void md_race_locations(struct strbuf *sb, const struct res_race *r)
{
    for (size_t k = 0; k < r->nr_locations; k++) {
        const struct res_location *loc = &r->locations[k];
        char *at = xasprintf("%s:%lld", loc->path ? loc->path : "", loc->line);
        strbuf_addf(sb, "- **%c** ", (char)('A' + k));
        md_code(sb, at);
        strbuf_addstr(sb, " in ");
        md_code(sb, loc->func);
        free(at);
        if (loc->marker) {
            strbuf_addstr(sb, " (RACE: ");
            md_escape(sb, loc->marker);
            strbuf_addstr(sb, ")");
        }
        strbuf_addstr(sb, "\n");
    }
    if (r->why) {
        strbuf_addstr(sb, "\n*Why:* ");
        md_escape(sb, r->why);
        strbuf_addstr(sb, "\n");
    }
    /* a data race: nothing orders its two accesses; any other kind: what
     * it means (report/diagram.h) */
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
    } else if (r->nr_locations == 2) {
        strbuf_addstr(sb, "\n*Unordered:* ");
        md_escape(sb, race_unordered_text);
        strbuf_addstr(sb, "\n");
    }
}

/* One access of a detector's evidence: kind, thread, its first shown
 * frame and that frame's Go counterpart. */
static void md_access(struct strbuf *sb, const struct res_access *a)
{
    const char *fn = NULL, *go = NULL;
    for (size_t q = 0; q < a->nr_frames; q++) {
        if (a->frames[q].hidden == 1)
            continue;
        fn = a->frames[q].func;
        go = a->frames[q].go;
        break;
    }
    md_escape(sb, a->kind);
    strbuf_addstr(sb, " by ");
    md_escape(sb, a->thread);
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

static void md_race(struct strbuf *sb, const struct res_race *r)
{
    strbuf_addstr(sb, "\n### ");
    md_escape(sb, r->case_name);
    strbuf_addstr(sb, "/");
    md_escape(sb, r->variant);
    strbuf_addstr(sb, ": ");
    md_escape(sb, r->kind);
    strbuf_addstr(sb, "\n\n");
    md_race_locations(sb, r);
    strbuf_addstr(sb, "\n| detector | report | accesses | runs |\n"
                      "|---|---|---|---|\n");
    for (size_t k = 0; k < r->nr_detectors; k++) {
        const struct res_evidence *ev = &r->detectors[k];
        strbuf_addstr(sb, "| ");
        md_escape(sb, ev->detector);
        strbuf_addstr(sb, " | ");
        md_escape(sb, ev->message ? ev->message : ev->type);
        strbuf_addstr(sb, " | ");
        for (size_t m = 0; m < ev->nr_accesses; m++) {
            if (m)
                strbuf_addstr(sb, "; ");
            md_access(sb, &ev->accesses[m]);
        }
        strbuf_addf(sb, " | %lld/%lld |\n", ev->seen_runs, ev->runs);
    }
    md_pairs(sb, r);
}

char *report_markdown(json_t *results)
{
    struct results res;
    if (results_of_report(results, &res) < 0)
        return xstrdup("");
    struct strbuf sb = {0};
    strbuf_addf(&sb, "# maprace %s %s\n\n", res.verb ? res.verb : "run",
                res.run_id ? res.run_id : "");
    if (!res.complete)
        strbuf_addstr(&sb, "**Incomplete: the run was interrupted.**\n\n");
    md_totals(&sb, &res);
    md_matrix(&sb, &res);

    strbuf_addf(&sb, "\n## Races (%zu)\n", res.nr_races);
    for (size_t i = 0; i < res.nr_races; i++)
        md_race(&sb, &res.races[i]);
    results_release(&res);
    return strbuf_detach(&sb);
}
