/*
 * report/html.c - index.html: one self-contained page (no network, no
 * external font, style or script; one inline script drives the
 * step-throughs, report/steps.h) that opens on the races: per case its
 * races (below), then the matrix of cases x detectors, inline SVG charts of detection rates and of each detector's cost against native
 * (wall time, CPU time, peak memory; cost.h), and per case its races, each
 * detector's two stacks side by side, annotated, with source excerpts
 * (report/common.h, docs/report-format.md). Every string from a log, a source or
 * case.ini goes through html_escape().
 */
#include "report/common.h"
#include "parse/finding.h"
#include "report/diagram.h"
#include "report/steps.h"

#include "engine/cost.h"
#include "engine/detectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void esc(struct strbuf *sb, const char *s)
{
    html_escape(sb, s ? s : "");
}

static const char style[] =
    "<style>\n"
    "body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}\n"
    "h1{font-size:1.4em}h2{font-size:1.2em;border-bottom:1px solid "
    "#ccc;margin-top:2em}\n"
    "h3{font-size:1.05em}code,pre,.mono{font-family:ui-monospace,monospace;"
    "font-size:12.5px}\n"
    "table.matrix{border-collapse:collapse}\n"
    ".matrix th,.matrix td{border:1px solid #bbb;padding:4px "
    "6px;vertical-align:top}\n"
    ".matrix td.ok{background:#d7f5d7}.matrix td.known{background:#e6ecf7}\n"
    ".matrix td.bad{background:#f9d0d0}.matrix td.error{background:#fbe7b5}\n"
    ".verdict{font-weight:bold}.exp{color:#555;font-size:12px}\n"
    ".rate{font-size:12px}\n"
    ".race{border:1px solid #ccc;border-radius:6px;padding:.6em "
    "1em;margin:1em 0;background:#fcfcfc}\n"
    ".why{background:#fff8dc;padding:.4em .6em;border-left:4px solid "
    "#e0b000}\n"
    ".explain{background:#eef4ff;padding:.4em .6em;border-left:4px solid "
    "#4060c0}\n"
    ".src{background:#f4f4f4;padding:.4em;margin:.3em 0;overflow-x:auto;"
    "white-space:pre-wrap;overflow-wrap:anywhere}\n"
    ".src .hot{background:#ffd6d6;font-weight:bold}\n"
    ".src .ln{color:#888;display:inline-block;width:4em;text-align:right;"
    "margin-right:1em}\n"
    ".marker{color:#b00000}\n"
    ".pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}\n"
    ".pair>*{min-width:0}.missing{color:#777;font-style:italic}\n"
    ".acc{border:1px solid #ddd;padding:.4em;background:#fff;overflow-x:"
    "auto}\n"
    ".acc h5{margin:.2em 0}.frame{margin:.1em 0}.go{color:#05668d;"
    "margin-left:1.5em;font-size:12px}\n"
    ".case-frame .fn{font-weight:bold}.hidden-frame{color:#888}\n"
    ".det{margin-top:.8em}.det h4{margin:.3em 0}\n"
    "svg text{font:12px system-ui,sans-serif}\n"
    "figure.picture{margin:.6em 0;overflow-x:auto}\n"
    "svg.picture text{font:12.5px ui-monospace,monospace;white-space:pre;"
    "fill:#222}\n"
    "svg.interleaving .lane{font-weight:bold}"
    "svg.interleaving .model,svg.interleaving .forced{fill:#555}"
    "svg.interleaving .nohb{fill:#c00}\n"
    "table.pairs{border-collapse:collapse;margin:.3em 0;font-size:12.5px}\n"
    ".pairs th,.pairs td{border:1px solid #ddd;padding:2px "
    "6px;text-align:left;vertical-align:top}\n"
    ".pairs td.n{text-align:right}.pairs caption{text-align:left;"
    "font-weight:bold}\n"
    ".steps{border:1px solid #c9d3e6;border-radius:6px;padding:.4em "
    ".8em;margin:.8em 0;background:#f7f9fd}\n"
    ".steps h4{margin:.2em 0}.steps-help{font-size:12.5px;color:#444}\n"
    ".steps button{margin:0 .3em .3em 0;font:inherit}\n"
    ".steps-say{min-height:2.8em;background:#fff;border-left:4px solid "
    "#4060c0;padding:.3em .6em}\n"
    ".steps.fired .steps-say{border-color:#c00;color:#900;font-weight:bold}\n"
    ".steps .l.cur{background:#ffe08a}.steps .l.moved{background:#ffc04d;"
    "font-weight:bold}\n"
    ".steps-state{color:#b00;font-size:12px}\n"
    ".steps-list li.now{font-weight:bold}.steps-list li.done{color:#666}\n"
    "nav.toc{position:sticky;top:0;background:#fff;padding:.3em "
    "0;border-bottom:1px solid #ddd;z-index:1}\n"
    "</style>\n";

/* A horizontal bar chart: labels, values, the axis maximum and the unit
 * printed after each value. */
static void bar_chart(struct strbuf *sb, const char *title, const char *id,
                      const char **labels, const double *vals, size_t n,
                      double max, int decimals, const char *unit)
{
    int w = 520, bar = 22, left = 90, top = 24;
    int h = top + (int)n * (bar + 6) + 10;
    strbuf_addf(sb,
                "<figure id=\"%s\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
                "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"",
                id, w, h);
    esc(sb, title);
    strbuf_addf(sb, "\"><text x=\"0\" y=\"14\" font-weight=\"bold\">");
    esc(sb, title);
    strbuf_addstr(sb, "</text>");
    for (size_t i = 0; i < n; i++) {
        int y = top + (int)i * (bar + 6);
        double frac = max > 0 ? vals[i] / max : 0;
        if (frac > 1)
            frac = 1;
        int bw = (int)(frac * (w - left - 90));
        strbuf_addf(sb, "<text x=\"0\" y=\"%d\">", y + 15);
        esc(sb, labels[i]);
        strbuf_addf(sb,
                    "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                    "fill=\"#4a7ab5\"/><text x=\"%d\" y=\"%d\">",
                    left, y, bw > 0 ? bw : 1, bar, left + bw + 6, y + 15);
        strbuf_addf(sb, "%.*f%s", decimals, vals[i], unit);
        strbuf_addstr(sb, "</text>");
    }
    strbuf_addstr(sb, "</svg></figure>\n");
}

/* Detection rate of each detector over the racy cells, in percent. */
static double detection_rate(const struct results *res, const char *det)
{
    double det_runs = 0, runs = 0;
    for (size_t k = 0; k < res->nr_cells; k++) {
        const struct res_cell *c = &res->cells[k];
        const char *kind = c->expectation.kind;
        if (strcmp(c->detector, det) || !kind ||
            (strcmp(kind, "race") && strcmp(kind, "fatal") &&
             strcmp(kind, "symptom")))
            continue;
        det_runs += (double)c->detected_runs;
        runs += (double)c->runs_done;
    }
    return runs > 0 ? 100.0 * det_runs / runs : 0;
}

/* One cost chart (cost.h): the median over case variants of a detector's
 * figure against native's. */
static void cost_chart(struct strbuf *sb, const char *title, const char *id,
                       const struct cost_row *rows, size_t n, int which)
{
    const char **labels = xcalloc(n + 1, sizeof(*labels));
    double *v = xcalloc(n + 1, sizeof(*v)), max = 1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cost_stat *s = which == 0   ? &rows[i].wall
                                    : which == 1 ? &rows[i].cpu
                                                 : &rows[i].rss;
        if (!s->n)
            continue;
        labels[m] = rows[i].detector;
        v[m] = s->median;
        if (v[m] > max)
            max = v[m];
        m++;
    }
    if (m)
        bar_chart(sb, title, id, labels, v, m, max, 1, "x");
    free(labels);
    free(v);
}

static void cost_stat_td(struct strbuf *sb, const struct cost_stat *s)
{
    if (!s->n)
        strbuf_addstr(sb, "<td>-</td>");
    else
        strbuf_addf(sb, "<td>%.1fx [%.1f, %.1f]</td>", s->median, s->min,
                    s->max);
}

/* The slowdown table: each detector against native, with the documented
 * figures beside it. */
static void cost_table(struct strbuf *sb, const struct cost_row *rows, size_t n)
{
    strbuf_addstr(sb, "<table class=\"pairs\" id=\"cost\"><caption>Cost "
                      "against native, median [min, max] over the case "
                      "variants both ran (docs/benchmarks.md)</caption>"
                      "<tr><th>detector</th><th>variants</th><th>wall "
                      "time</th><th>CPU time</th><th>peak RSS</th>"
                      "<th>documented (time, memory)</th></tr>\n");
    for (size_t i = 0; i < n; i++) {
        const struct detector_cost_anchor *a = cost_anchor(rows[i].detector);
        strbuf_addstr(sb, "<tr><td>");
        esc(sb, rows[i].detector);
        strbuf_addf(sb, "</td><td class=\"n\">%zu</td>", rows[i].wall.n);
        cost_stat_td(sb, &rows[i].wall);
        cost_stat_td(sb, &rows[i].cpu);
        cost_stat_td(sb, &rows[i].rss);
        strbuf_addstr(sb, "<td>");
        if (a) {
            esc(sb, a->time);
            strbuf_addstr(sb, ", ");
            esc(sb, a->memory);
            strbuf_addstr(sb, " (");
            esc(sb, a->source);
            strbuf_addstr(sb, ")");
        }
        strbuf_addstr(sb, "</td></tr>\n");
    }
    strbuf_addstr(sb, "</table>\n");
}

static void charts(struct strbuf *sb, const struct results *res)
{
    size_t n = res->options.nr_detectors;
    struct cost_row rows[DET_COUNT + 1];
    size_t nc = cost_rows(res, rows, DET_COUNT + 1);
    if (!n)
        return;
    const char **labels = xcalloc(n, sizeof(*labels));
    double *rate = xcalloc(n, sizeof(double));
    for (size_t i = 0; i < n; i++) {
        labels[i] = res->options.detectors[i];
        rate[i] = detection_rate(res, labels[i]);
    }
    strbuf_addstr(sb, "<div class=\"charts\">\n");
    bar_chart(sb, "Detection rate (racy variants: the race, fatal or symptom)",
              "chart-rate", labels, rate, n, 100, 0, " %");
    cost_chart(sb, "Wall time per run, native = 1x", "chart-time", rows, nc, 0);
    cost_chart(sb, "CPU time per run, native = 1x", "chart-cpu", rows, nc, 1);
    cost_chart(sb, "Peak memory (max RSS), native = 1x", "chart-rss", rows, nc,
               2);
    if (nc && rows[0].wall.n)
        cost_table(sb, rows, nc);
    strbuf_addstr(sb, "</div>\n");
    free(labels);
    free(rate);
}

static bool variant_has_cells(const struct results *res, const char *cn,
                              const char *vn)
{
    for (size_t j = 0; j < res->options.nr_detectors; j++)
        if (results_cell_of(res, cn, vn, res->options.detectors[j]))
            return true;
    return false;
}

/* One cell of the matrix: verdict, observed, expected (cut short; whole
 * in the tooltip), detected runs. */
static void matrix_cell(struct strbuf *sb, const struct res_cell *cell)
{
    if (!cell) {
        strbuf_addstr(sb, "<td>-</td>");
        return;
    }
    const char *verdict = verdict_name(cell->verdict);
    strbuf_addf(sb, "<td class=\"%s\" title=\"", verdict_class(verdict));
    esc(sb, cell->note    ? cell->note
            : cell->error ? cell->error
                          : cell->expected);
    strbuf_addstr(sb, "\"><span class=\"verdict\">");
    esc(sb, verdict);
    strbuf_addstr(sb, "</span><br><span class=\"obs\">");
    esc(sb, cell->observed);
    const char *exp = cell->expected;
    strbuf_addstr(sb, "</span><br><span class=\"exp\">expected ");
    if (exp && strlen(exp) > 48) {
        size_t n = 45; /* not inside a UTF-8 sequence */
        while (n && ((unsigned char)exp[n] & 0xc0) == 0x80)
            n--;
        char *cut = xstrndup(exp, n);
        esc(sb, cut);
        strbuf_addstr(sb, "&hellip;");
        free(cut);
    } else {
        esc(sb, exp);
    }
    strbuf_addf(sb,
                "</span><br><span class=\"rate\">%lld/%lld "
                "runs</span>",
                cell->detected_runs, cell->runs_done);
    /* Go's column: what Go printed, over the runs, in the cell itself */
    const char *said = cell->note ? strstr(cell->note, "Go printed ") : NULL;
    const struct detector_row *row = detector_row_named(cell->detector);
    if (row && row->go_twin && said) {
        strbuf_addstr(sb, "<br><span class=\"exp gosaid\">");
        char *text = xstrndup(said, strcspn(said, ";"));
        esc(sb, text);
        free(text);
        strbuf_addstr(sb, "</span>");
    }
    strbuf_addstr(sb, "</td>");
}

/* A case's rows: the variants with cells; the case's name spans them. */
static void matrix_case(struct strbuf *sb, const struct results *res,
                        const struct res_case *c)
{
    const char *cn = c->name;
    size_t rows = 0, row = 0;
    for (size_t k = 0; k < c->nr_variants; k++)
        rows += variant_has_cells(res, cn, c->variants[k].name);
    for (size_t k = 0; k < c->nr_variants; k++) {
        const char *vn = c->variants[k].name;
        if (!variant_has_cells(res, cn, vn))
            continue;
        strbuf_addstr(sb, "<tr>");
        if (!row++) {
            strbuf_addf(sb, "<td rowspan=\"%zu\"><a href=\"#case-", rows);
            esc(sb, cn);
            strbuf_addstr(sb, "\">");
            esc(sb, cn);
            strbuf_addstr(sb, "</a></td>");
        }
        strbuf_addstr(sb, "<td>");
        esc(sb, vn);
        strbuf_addstr(sb, "</td>");
        for (size_t j = 0; j < res->options.nr_detectors; j++)
            matrix_cell(
                sb, results_cell_of(res, cn, vn, res->options.detectors[j]));
        strbuf_addstr(sb, "</tr>\n");
    }
}

static void matrix(struct strbuf *sb, const struct results *res)
{
    strbuf_addstr(sb, "<table class=\"matrix\" id=\"matrix\">\n<thead><tr>"
                      "<th>case</th><th>variant</th>");
    for (size_t i = 0; i < res->options.nr_detectors; i++) {
        strbuf_addstr(sb, "<th>");
        esc(sb, res->options.detectors[i]);
        strbuf_addstr(sb, "</th>");
    }
    strbuf_addstr(sb, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < res->nr_cases; i++)
        matrix_case(sb, res, &res->cases[i]);
    strbuf_addstr(sb, "</tbody></table>\n");
}

static void source_excerpt(struct strbuf *sb, const struct results *res,
                           const struct res_location *loc, const char *label)
{
    int line = (int)loc->line;
    int n;
    char **lines = source_lines(res, loc->path, NULL, line - 3, line + 3, &n);
    strbuf_addf(sb, "<div class=\"loc\"><b>%s</b> <code>", label);
    esc(sb, loc->path);
    strbuf_addf(sb, ":%d</code> in <code>", line);
    esc(sb, loc->func);
    strbuf_addstr(sb, "</code>");
    if (loc->marker) {
        strbuf_addstr(sb, " <span class=\"marker\">RACE: ");
        esc(sb, loc->marker);
        strbuf_addstr(sb, "</span>");
    }
    if (!lines) {
        strbuf_addstr(sb,
                      "<div class=\"src\">(source not found)</div></div>\n");
        return;
    }
    strbuf_addstr(sb, "<pre class=\"src\">");
    int first = line - 3 < 1 ? 1 : line - 3;
    for (int i = 0; i < n; i++) {
        bool hot = first + i == line;
        strbuf_addf(sb, "<span class=\"%s\"><span class=\"ln\">%d</span>",
                    hot ? "hot" : "line", first + i);
        esc(sb, lines[i]);
        if (hot && loc->marker) {
            strbuf_addstr(sb, "  <span class=\"marker\">&#8592; ");
            esc(sb, loc->marker);
            strbuf_addstr(sb, "</span>");
        }
        strbuf_addstr(sb, "</span>\n");
    }
    strbuf_addstr(sb, "</pre></div>\n");
    source_lines_free(lines, n);
}

static void frame_html(struct strbuf *sb, const struct res_frame *f)
{
    const char *cls = f->class_;
    strbuf_addf(sb, "<div class=\"frame %s-frame\"><code class=\"fn\">",
                cls ? cls : "other");
    esc(sb, f->func ? f->func : "??");
    strbuf_addstr(sb, "</code> ");
    if (f->path && f->line > 0) {
        strbuf_addstr(sb, "<code>");
        esc(sb, f->path);
        strbuf_addf(sb, ":%lld</code>", f->line);
    } else if (f->module) {
        strbuf_addstr(sb, "<code>(");
        esc(sb, f->module);
        strbuf_addstr(sb, ")</code>");
    }
    if (f->repeat > 1) {
        char n[32];
        count_text(n, sizeof(n), f->repeat);
        strbuf_addf(sb, " <span class=\"repeat\">&times; %s</span>", n);
    }
    if (f->marker && *f->marker) {
        strbuf_addstr(sb, " <span class=\"marker\">RACE: ");
        esc(sb, f->marker);
        strbuf_addstr(sb, "</span>");
    }
    if (f->go) {
        strbuf_addstr(sb, "<div class=\"go\">= <b>");
        esc(sb, f->go);
        strbuf_addstr(sb, "</b>: ");
        esc(sb, f->role);
        strbuf_addstr(sb, "</div>");
    }
    strbuf_addstr(sb, "</div>\n");
}

/* The heading of a stack that is not an access of a race: the
 * detector's label for it, and its thread when the label does not say. */
static void stack_label_html(struct strbuf *sb, const struct res_access *a)
{
    const char *label = a->label;
    const char *thread = a->thread;
    esc(sb, label ? label : "stack");
    if (thread && label && !strstr(label, thread)) {
        strbuf_addstr(sb, " (");
        esc(sb, thread);
        strbuf_addstr(sb, ")");
    }
}

static void access_head_html(struct strbuf *sb, const struct res_access *a,
                             const char *det);

static void access_html(struct strbuf *sb, const struct res_access *a,
                        const char *det, bool race)
{
    strbuf_addstr(sb, "<div class=\"acc\"><h5>");
    bool has_at = a->at != RES_ABSENT;
    if (has_at && a->at >= 0)
        strbuf_addf(sb, "%c: ", (char)('A' + a->at));
    const char *kind = a->kind;
    if (race && has_at && kind && strcmp(kind, "unknown"))
        access_head_html(sb, a, det);
    else
        stack_label_html(sb, a);
    strbuf_addstr(sb, "</h5>\n");
    size_t hidden = 0;
    long long cut = a->frames_cut, cut_after = a->frames_cut_after;
    for (size_t i = 0; i < a->nr_frames; i++) {
        const struct res_frame *f = &a->frames[i];
        if (cut > 0 && (long long)i == cut_after) {
            char n[32];
            count_text(n, sizeof(n), cut);
            strbuf_addf(sb,
                        "<div class=\"frame cut\">&hellip; %s frame%s cut (a "
                        "stack keeps its innermost %d and its outermost) "
                        "&hellip;</div>\n",
                        n, cut == 1 ? "" : "s", STACK_MAX_FRAMES);
        }
        if (f->hidden == 1)
            hidden++;
        else
            frame_html(sb, f);
    }
    if (hidden) {
        struct strbuf note = STRBUF_INIT;
        folded_note(&note, a);
        strbuf_addstr(sb, "<details><summary>");
        esc(sb, note.buf);
        strbuf_addstr(sb, "</summary>\n");
        strbuf_release(&note);
        for (size_t i = 0; i < a->nr_frames; i++)
            if (a->frames[i].hidden == 1)
                frame_html(sb, &a->frames[i]);
        strbuf_addstr(sb, "</details>\n");
    }
    strbuf_addstr(sb, "</div>\n");
}

/* A race's access: kind, size, thread, locks held. */
static void access_head_html(struct strbuf *sb, const struct res_access *a,
                             const char *det)
{
    const char *kind = a->kind;
    esc(sb, kind && strcmp(kind, "unknown") ? kind : "stack");
    if (a->size)
        strbuf_addf(sb, " of size %lld", a->size);
    strbuf_addstr(sb, " by ");
    esc(sb, a->thread ? a->thread : "?");
    if (a->nr_locks) {
        strbuf_addstr(sb, ", locks held:");
        for (size_t i = 0; i < a->nr_locks; i++) {
            strbuf_addstr(sb, " ");
            esc(sb, a->locks[i]);
        }
    } else if (detector_reports_locks(det)) {
        strbuf_addstr(sb, ", no lock held");
    } else {
        strbuf_addstr(sb, " (locks held: not reported)");
    }
}

/* One access of an access_pairs entry, as a table cell. */
static void pair_access_html(struct strbuf *sb, const struct res_pair_access *t)
{
    strbuf_addstr(sb, "<td>");
    if (t->at != RES_ABSENT && t->at >= 0)
        strbuf_addf(sb, "%c: ", (char)('A' + t->at));
    const char *kind = t->kind;
    esc(sb, kind && strcmp(kind, "unknown") ? kind : "stack");
    strbuf_addstr(sb, " <code class=\"fn\">");
    esc(sb, t->func ? t->func : "??");
    strbuf_addstr(sb, "</code>");
    if (t->path) {
        strbuf_addstr(sb, " <code>");
        esc(sb, t->path);
        if (t->line > 0)
            strbuf_addf(sb, ":%lld", t->line);
        strbuf_addstr(sb, "</code>");
    }
    if (t->go) {
        strbuf_addstr(sb, "<div class=\"go\">= ");
        esc(sb, t->go);
        strbuf_addstr(sb, "</div>");
    }
    strbuf_addstr(sb, "</td>");
}

/* The evidence's access_pairs (group.h) as a small table: which model
 * functions raced, in how many findings. */
static void pairs_html(struct strbuf *sb, const struct res_evidence *ev,
                       bool race)
{
    if (!ev->nr_access_pairs)
        return;
    size_t width = 1;
    bool model = false;
    for (size_t i = 0; i < ev->nr_access_pairs; i++) {
        const struct res_access_pair *p = &ev->access_pairs[i];
        if (p->nr_accesses > width)
            width = p->nr_accesses;
        for (size_t k = 0; k < p->nr_accesses; k++)
            model |= p->accesses[k].class_ &&
                     !strcmp(p->accesses[k].class_, "model");
    }
    strbuf_addf(sb,
                "<table class=\"pairs\"><caption>%s (top %sframe of "
                "each)</caption>\n<tr><th>findings</th>",
                race ? "Accesses that raced" : "Stacks reported",
                model ? "model " : "");
    strbuf_addstr(sb, width == 2 ? "<th>access</th><th>access</th>"
                                 : "<th>access</th>");
    strbuf_addstr(sb, "</tr>\n");
    long long listed = 0;
    for (size_t i = 0; i < ev->nr_access_pairs; i++) {
        const struct res_access_pair *p = &ev->access_pairs[i];
        listed += p->count;
        strbuf_addf(sb, "<tr><td class=\"n\">%lld</td>", p->count);
        for (size_t k = 0; k < p->nr_accesses; k++)
            pair_access_html(sb, &p->accesses[k]);
        for (size_t k = p->nr_accesses; k < width; k++)
            strbuf_addstr(sb, k ? "<td class=\"missing\">not named</td>"
                                : "<td class=\"missing\">no access "
                                  "named</td>");
        strbuf_addstr(sb, "</tr>\n");
    }
    if (ev->access_pairs_more > 0)
        strbuf_addf(sb,
                    "<tr><td class=\"n\">%lld</td><td colspan=\"%zu\">+%lld "
                    "more</td></tr>\n",
                    ev->findings - listed, width, ev->access_pairs_more);
    strbuf_addstr(sb, "</table>\n");
}

/* One detector's evidence of a race: its report, its logs, the pairs of
 * accesses, and each access's annotated stack. */
static int by_seq(const void *a, const void *b)
{
    long long x = (*(const struct res_access *const *)a)->seq;
    long long y = (*(const struct res_access *const *)b)->seq;
    return (x > y) - (x < y);
}

/* Every stack of a report that is not a data race, in the detector's
 * order, each under its label. */
static void stacks_html(struct strbuf *sb, const struct res_evidence *ev,
                        const char *det)
{
    size_t n = ev->nr_accesses + ev->nr_more, k = 0;
    const struct res_access **all = xcalloc(n ? n : 1, sizeof(*all));
    for (size_t i = 0; i < ev->nr_accesses; i++)
        all[k++] = &ev->accesses[i];
    for (size_t i = 0; i < ev->nr_more; i++)
        all[k++] = &ev->more[i];
    qsort(all, k, sizeof(*all), by_seq);
    strbuf_addstr(sb, "<div class=\"pair\">\n");
    for (size_t i = 0; i < k; i++)
        access_html(sb, all[i], det, false);
    strbuf_addstr(sb, "</div>\n");
    free(all);
}

/* A race's other stacks (where its threads were created, a block
 * allocated...), folded. */
static void more_html(struct strbuf *sb, const struct res_evidence *ev,
                      const char *det)
{
    if (!ev->nr_more)
        return;
    strbuf_addf(sb,
                "<details><summary>%zu more stack%s of this report "
                "</summary>\n<div class=\"pair\">\n",
                ev->nr_more, ev->nr_more == 1 ? "" : "s");
    for (size_t i = 0; i < ev->nr_more; i++)
        access_html(sb, &ev->more[i], det, false);
    strbuf_addstr(sb, "</div></details>\n");
}

static void evidence_html(struct strbuf *sb, const struct res_evidence *ev,
                          long long dropped)
{
    strbuf_addstr(sb, "<div class=\"det\"><h4>");
    esc(sb, ev->detector);
    strbuf_addstr(sb, ": ");
    esc(sb, ev->type);
    if (ev->message) {
        strbuf_addstr(sb, " &mdash; ");
        esc(sb, ev->message);
    }
    strbuf_addf(sb, " <small>(in %lld of %lld runs, %lld findings",
                ev->seen_runs, ev->runs, ev->findings);
    if (dropped > 0)
        strbuf_addf(sb, "; %lld more dropped past the cap", dropped);
    strbuf_addstr(sb, ")");
    for (size_t k = 0; k < ev->nr_logs; k++) {
        strbuf_addstr(sb, " <a href=\"");
        esc(sb, ev->logs[k]);
        strbuf_addstr(sb, "\">");
        esc(sb, ev->logs[k]);
        strbuf_addstr(sb, "</a>");
    }
    if (ev->command) {
        strbuf_addstr(sb, "<br>command: <code>");
        esc(sb, ev->command);
        strbuf_addstr(sb, "</code>");
    }
    strbuf_addstr(sb, "</small></h4>\n");
    const char *det = ev->detector;
    bool race = ev->kind && !strcmp(ev->kind, "data-race");
    pairs_html(sb, ev, race);
    if (!race) {
        stacks_html(sb, ev, det ? det : "");
        strbuf_addstr(sb, "</div>\n");
        return;
    }
    strbuf_addstr(sb, "<div class=\"pair\">\n");
    /* a detector that names one access: say where the other is */
    long long at = ev->nr_accesses == 1 ? ev->accesses[0].at : -1;
    const struct detector_row *row = detector_row_named(det);
    const char *why = row && row->one_access
                          ? row->one_access
                          : "this report has the stack of one thread only";
    if (at == 1) {
        strbuf_addstr(sb, "<div class=\"acc missing\">A: ");
        esc(sb, why);
        strbuf_addstr(sb, "</div>\n");
    }
    for (size_t k = 0; k < ev->nr_accesses; k++)
        access_html(sb, &ev->accesses[k], det ? det : "", true);
    if (at == 0) {
        strbuf_addstr(sb, "<div class=\"acc missing\">B: ");
        esc(sb, why);
        strbuf_addstr(sb, "</div>\n");
    }
    strbuf_addstr(sb, "</div>\n");
    more_html(sb, ev, det ? det : "");
    strbuf_addstr(sb, "</div>\n");
}

/* One frame in a cell of the side-by-side table: function, file:line. */
static void side_cell_html(struct strbuf *sb, const struct res_frame *f)
{
    strbuf_addstr(sb, "<td>");
    if (f) {
        strbuf_addstr(sb, "<code class=\"fn\">");
        esc(sb, f->func ? f->func : "??");
        strbuf_addstr(sb, "</code>");
        const char *path = f->path;
        if (path && f->line > 0) {
            const char *base =
                strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
            strbuf_addstr(sb, " <code>");
            esc(sb, base);
            strbuf_addf(sb, ":%lld</code>", f->line);
        }
    }
    strbuf_addstr(sb, "</td>");
}

/* The head of one access's rows: "A: write by goroutine 8". */
static void side_head_html(struct strbuf *sb, long long at,
                           const struct res_access *a)
{
    strbuf_addf(sb, "<th>%c: ", (char)('A' + at));
    esc(sb, a->kind ? a->kind : "?");
    strbuf_addstr(sb, " by ");
    esc(sb, a->thread ? a->thread : "?");
    strbuf_addstr(sb, "</th>");
}

/* The real Go's stacks (go-race) beside the model's, row by row, as
 * race_text() prints them. */
static void side_by_side_html(struct strbuf *sb, const struct res_race *race)
{
    const struct res_evidence *go, *model;
    if (!race_go_beside(race, &go, &model))
        return;
    strbuf_addstr(sb, "<table class=\"pairs side\"><caption>Go beside the "
                      "model (");
    esc(sb, go->detector);
    strbuf_addstr(sb, " | ");
    esc(sb, model->detector);
    strbuf_addstr(sb, "), row by row</caption>\n");
    for (long long at = 0; at < 2; at++) {
        const struct res_access *ga = evidence_access(go, at),
                                *ma = evidence_access(model, at);
        if (!ga || !ma)
            continue;
        strbuf_addstr(sb, "<tr>");
        side_head_html(sb, at, ga);
        side_head_html(sb, at, ma);
        strbuf_addstr(sb, "<th></th></tr>\n");
        struct side_row rows[128];
        size_t n = side_rows(ga, ma, false, rows, 128);
        for (size_t i = 0; i < n; i++) {
            const struct res_frame *g = rows[i].go, *m = rows[i].model;
            const struct res_frame *mk = g && g->marker   ? g
                                         : m && m->marker ? m
                                                          : NULL;
            strbuf_addstr(sb, "<tr>");
            side_cell_html(sb, g);
            side_cell_html(sb, m);
            strbuf_addstr(sb, "<td>");
            if (mk) {
                strbuf_addstr(sb, "<span class=\"marker\">RACE: ");
                esc(sb, mk->marker);
                strbuf_addstr(sb, "</span>");
            }
            strbuf_addstr(sb, "</td></tr>\n");
        }
    }
    strbuf_addstr(sb, "</table>\n");
}

static void race_html(struct strbuf *sb, const struct results *res,
                      const struct res_race *r)
{
    strbuf_addstr(sb, "<div class=\"race\" data-race-id=\"");
    esc(sb, r->id);
    strbuf_addstr(sb, "\"><h3>");
    esc(sb, r->variant);
    strbuf_addstr(sb, ": ");
    esc(sb, race_kind_words(r->kind));
    strbuf_addstr(sb, " (");
    for (size_t i = 0; i < r->nr_detectors; i++) {
        if (i)
            strbuf_addstr(sb, ", ");
        esc(sb, r->detectors[i].detector);
    }
    strbuf_addstr(sb, ")</h3>\n");
    strbuf_addstr(sb, "<div class=\"pair\">\n");
    for (size_t i = 0; i < r->nr_locations; i++) {
        char label[4] = {(char)('A' + i), 0};
        source_excerpt(sb, res, &r->locations[i], label);
    }
    strbuf_addstr(sb, "</div>\n");
    race_diagram_svg(sb, res, r);
    race_steps_html(sb, res, r);
    if (r->why && *r->why) {
        strbuf_addstr(sb, "<p class=\"why\"><b>Why:</b> ");
        esc(sb, r->why);
        strbuf_addstr(sb, "</p>\n");
    }
    side_by_side_html(sb, r);
    for (size_t i = 0; i < r->nr_detectors; i++) {
        const struct res_evidence *ev = &r->detectors[i];
        const struct res_cell *cell =
            results_cell_of(res, r->case_name, r->variant, ev->detector);
        evidence_html(sb, ev, cell ? cell->findings_dropped : 0);
    }
    strbuf_addstr(sb, "</div>\n");
}

/* A case's pictures (results.json "pictures": text art from its README)
 * as inline SVG: one <text> per line in a monospace font, sized by the
 * longest line; self-contained, nothing fetched. */
static void pictures_html(struct strbuf *sb, const struct res_case *c)
{
    for (size_t i = 0; i < c->nr_pictures; i++) {
        const char *text = c->pictures[i];
        if (!text)
            continue;
        size_t lines = 0, cols = 0;
        for (const char *s = text; *s;) {
            size_t len = strcspn(s, "\n"), w = 0;
            for (size_t k = 0; k < len; k++)
                w += ((unsigned char)s[k] & 0xc0) != 0x80;
            if (w > cols)
                cols = w;
            lines++;
            s += len + (s[len] == '\n');
        }
        char *first = xstrndup(text, strcspn(text, "\n"));
        strbuf_addf(sb,
                    "<figure class=\"picture\"><svg class=\"picture\" "
                    "role=\"img\" width=\"%zu\" height=\"%zu\" "
                    "viewBox=\"0 0 %zu %zu\" aria-label=\"",
                    cols * 8 + 16, lines * 16 + 12, cols * 8 + 16,
                    lines * 16 + 12);
        esc(sb, first);
        strbuf_addstr(sb, "\"><rect width=\"100%\" height=\"100%\" "
                          "fill=\"#f7f7fb\" stroke=\"#c8c8d8\"/>\n");
        free(first);
        size_t n = 0;
        for (const char *s = text; *s; n++) {
            size_t len = strcspn(s, "\n");
            char *line = xstrndup(s, len);
            strbuf_addf(sb, "<text x=\"8\" y=\"%zu\">", 18 + n * 16);
            esc(sb, line);
            strbuf_addstr(sb, "</text>\n");
            free(line);
            s += len + (s[len] == '\n');
        }
        strbuf_addstr(sb, "</svg></figure>\n");
    }
}

char *report_html(json_t *results)
{
    struct results res;
    if (results_of_report(results, &res) < 0)
        return xstrdup("");
    struct strbuf sb = {0};
    strbuf_addstr(&sb, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
                       "<meta charset=\"utf-8\">\n<title>maprace ");
    esc(&sb, res.run_id);
    strbuf_addstr(&sb, "</title>\n");
    strbuf_addstr(&sb, style);
    strbuf_addstr(&sb, "</head><body>\n<h1>maprace ");
    esc(&sb, res.verb ? res.verb : "run");
    strbuf_addstr(&sb, " ");
    esc(&sb, res.run_id);
    strbuf_addstr(&sb, "</h1>\n");
    if (!res.complete)
        strbuf_addstr(&sb, "<p class=\"bad\"><b>Incomplete: the run was "
                           "interrupted.</b></p>\n");
    struct res_totals t;
    results_totals(&res, &t);
    strbuf_addf(
        &sb,
        "<p id=\"totals\">%zu cells: %zu pass, %zu false negative, "
        "%zu false positive, %zu known miss, %zu known false "
        "positive, %zu error. Started ",
        t.cells, t.verdicts[VERDICT_PASS], t.verdicts[VERDICT_FALSE_NEGATIVE],
        t.verdicts[VERDICT_FALSE_POSITIVE], t.verdicts[VERDICT_KNOWN_MISS],
        t.verdicts[VERDICT_KNOWN_FALSE_POSITIVE], t.verdicts[VERDICT_ERROR]);
    esc(&sb, res.started);
    strbuf_addf(&sb, ", %lld run(s) per cell, %s.</p>\n", res.options.runs,
                !res.options.forced ? "natural (windows not forced)"
                                    : "race windows forced");
    for (size_t i = 0; i < res.nr_notes; i++) {
        strbuf_addstr(&sb, "<p class=\"note\">");
        esc(&sb, res.notes[i]);
        strbuf_addstr(&sb, "</p>\n");
    }
    strbuf_addstr(&sb, "<nav class=\"toc\">Jump to: <a href=\"#races\">the "
                       "races</a> &middot; <a href=\"#matrix\">the "
                       "matrix</a> &middot; <a href=\"#charts\">the "
                       "charts</a></nav>\n");
    strbuf_addf(&sb, "<h2 id=\"races\">Races (%zu)</h2>\n", res.nr_races);
    for (size_t i = 0; i < res.nr_cases; i++) {
        const struct res_case *c = &res.cases[i];
        strbuf_addstr(&sb, "<section class=\"case\" id=\"case-");
        esc(&sb, c->name);
        strbuf_addstr(&sb, "\"><h2>");
        esc(&sb, c->name);
        strbuf_addstr(&sb, ": ");
        esc(&sb, c->title);
        strbuf_addstr(&sb, "</h2>\n<p>Go: <code>");
        esc(&sb, c->go);
        strbuf_addstr(&sb, "</code><br>Article: ");
        esc(&sb, c->article);
        strbuf_addstr(&sb, "</p>\n");
        pictures_html(&sb, c);
        size_t nr = 0;
        for (size_t k = 0; k < res.nr_races; k++) {
            if (strcmp(res.races[k].case_name, c->name))
                continue;
            race_html(&sb, &res, &res.races[k]);
            nr++;
        }
        if (!nr)
            strbuf_addstr(&sb, "<p>No race reported.</p>\n");
        strbuf_addstr(&sb, "</section>\n");
    }
    /* after the races: the matrix and the charts */
    strbuf_addstr(&sb, "<h2>Matrix</h2>\n<p>Each cell: verdict, what was "
                       "observed, what case.ini expects, and the runs that "
                       "showed it.</p>\n");
    matrix(&sb, &res);
    strbuf_addstr(&sb, "<h2 id=\"charts\">Charts</h2>\n");
    charts(&sb, &res);
    if (strstr(sb.buf, "<section class=\"steps\""))
        strbuf_addstr(&sb, race_steps_script);
    strbuf_addstr(&sb, "</body></html>\n");
    results_release(&res);
    return strbuf_detach(&sb);
}
