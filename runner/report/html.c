/*
 * report-html.c - index.html: one self-contained page (no network, no script, no
 * external font or style) with the matrix of cases x detectors, inline SVG
 * charts of detection rates and of each detector's cost against native
 * (wall time, CPU time, peak memory; cost.h), and per case its races, each
 * detector's two stacks side by side, annotated, with source excerpts
 * (report-common.h, docs/report-format.md). Every string from a log, a source or
 * case.ini goes through html_escape().
 */
#include "report/common.h"
#include "parse/finding.h"
#include "report/diagram.h"

#include "engine/cost.h"
#include "engine/detectors.h"
#include "engine/group.h"

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
    ".src{background:#f4f4f4;padding:.4em;margin:.3em 0;overflow-x:auto}\n"
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
static double detection_rate(json_t *results, const char *det)
{
    double det_runs = 0, runs = 0;
    size_t k;
    json_t *c;
    json_array_foreach(json_object_get(results, "cells"), k, c)
    {
        const char *kind = jstr(json_object_get(c, "expectation"), "kind");
        if (strcmp(jstr(c, "detector"), det) || !kind ||
            (strcmp(kind, "race") && strcmp(kind, "fatal") &&
             strcmp(kind, "symptom")))
            continue;
        det_runs += (double)jint(c, "detected_runs");
        runs += (double)jint(c, "runs_done");
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
        const struct cost_anchor *a = cost_anchors;
        while (a->detector && strcmp(a->detector, rows[i].detector))
            a++;
        strbuf_addstr(sb, "<tr><td>");
        esc(sb, rows[i].detector);
        strbuf_addf(sb, "</td><td class=\"n\">%zu</td>", rows[i].wall.n);
        cost_stat_td(sb, &rows[i].wall);
        cost_stat_td(sb, &rows[i].cpu);
        cost_stat_td(sb, &rows[i].rss);
        strbuf_addstr(sb, "<td>");
        if (a->detector) {
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

static void charts(struct strbuf *sb, json_t *results)
{
    json_t *dets = results_detectors(results);
    size_t n = json_array_size(dets), i;
    struct cost_row rows[DET_COUNT + 1];
    size_t nc = cost_rows(results, rows, DET_COUNT + 1);
    json_t *d;
    if (!n)
        return;
    const char **labels = xcalloc(n, sizeof(*labels));
    double *rate = xcalloc(n, sizeof(double));
    json_array_foreach(dets, i, d)
    {
        labels[i] = json_string_value(d);
        rate[i] = detection_rate(results, labels[i]);
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

static bool variant_has_cells(json_t *results, json_t *dets, const char *cn,
                              const char *vn)
{
    size_t j;
    json_t *d;
    json_array_foreach(dets, j, d)
    {
        if (results_cell(results, cn, vn, json_string_value(d)))
            return true;
    }
    return false;
}

/* One cell of the matrix: verdict, observed, expected (cut short; whole
 * in the tooltip), detected runs. */
static void matrix_cell(struct strbuf *sb, json_t *cell)
{
    if (!cell) {
        strbuf_addstr(sb, "<td>-</td>");
        return;
    }
    const char *verdict = jstr(cell, "verdict");
    strbuf_addf(sb, "<td class=\"%s\" title=\"", verdict_class(verdict));
    esc(sb, jstr(cell, "note")    ? jstr(cell, "note")
            : jstr(cell, "error") ? jstr(cell, "error")
                                  : jstr(cell, "expected"));
    strbuf_addstr(sb, "\"><span class=\"verdict\">");
    esc(sb, verdict);
    strbuf_addstr(sb, "</span><br><span class=\"obs\">");
    esc(sb, jstr(cell, "observed"));
    const char *exp = jstr(cell, "expected");
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
                "runs</span></td>",
                (long long)jint(cell, "detected_runs"),
                (long long)jint(cell, "runs_done"));
}

/* A case's rows: the variants with cells; the case's name spans them. */
static void matrix_case(struct strbuf *sb, json_t *results, json_t *dets,
                        json_t *c)
{
    const char *cn = jstr(c, "name");
    size_t k, j, rows = 0, row = 0;
    json_t *v, *d;
    json_array_foreach(json_object_get(c, "variants"), k, v) rows +=
        variant_has_cells(results, dets, cn, jstr(v, "name"));
    json_array_foreach(json_object_get(c, "variants"), k, v)
    {
        const char *vn = jstr(v, "name");
        if (!variant_has_cells(results, dets, cn, vn))
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
        json_array_foreach(dets, j, d) matrix_cell(
            sb, results_cell(results, cn, vn, json_string_value(d)));
        strbuf_addstr(sb, "</tr>\n");
    }
}

static void matrix(struct strbuf *sb, json_t *results)
{
    json_t *dets = results_detectors(results);
    strbuf_addstr(sb, "<table class=\"matrix\" id=\"matrix\">\n<thead><tr>"
                      "<th>case</th><th>variant</th>");
    size_t i;
    json_t *d, *c;
    json_array_foreach(dets, i, d)
    {
        strbuf_addstr(sb, "<th>");
        esc(sb, json_string_value(d));
        strbuf_addstr(sb, "</th>");
    }
    strbuf_addstr(sb, "</tr></thead>\n<tbody>\n");
    json_array_foreach(json_object_get(results, "cases"), i, c)
        matrix_case(sb, results, dets, c);
    strbuf_addstr(sb, "</tbody></table>\n");
}

static void source_excerpt(struct strbuf *sb, json_t *results, json_t *loc,
                           const char *label)
{
    int line = (int)jint(loc, "line");
    int n;
    char **lines =
        source_lines(results, jstr(loc, "path"), NULL, line - 3, line + 3, &n);
    strbuf_addf(sb, "<div class=\"loc\"><b>%s</b> <code>", label);
    esc(sb, jstr(loc, "path"));
    strbuf_addf(sb, ":%d</code> in <code>", line);
    esc(sb, jstr(loc, "func"));
    strbuf_addstr(sb, "</code>");
    if (jstr(loc, "marker")) {
        strbuf_addstr(sb, " <span class=\"marker\">RACE: ");
        esc(sb, jstr(loc, "marker"));
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
        if (hot && jstr(loc, "marker")) {
            strbuf_addstr(sb, "  <span class=\"marker\">&#8592; ");
            esc(sb, jstr(loc, "marker"));
            strbuf_addstr(sb, "</span>");
        }
        strbuf_addstr(sb, "</span>\n");
    }
    strbuf_addstr(sb, "</pre></div>\n");
    source_lines_free(lines, n);
}

static void frame_html(struct strbuf *sb, json_t *f)
{
    const char *cls = jstr(f, "class");
    strbuf_addf(sb, "<div class=\"frame %s-frame\"><code class=\"fn\">",
                cls ? cls : "other");
    esc(sb, jstr(f, "func") ? jstr(f, "func") : "??");
    strbuf_addstr(sb, "</code> ");
    if (jstr(f, "path") && jint(f, "line") > 0) {
        strbuf_addstr(sb, "<code>");
        esc(sb, jstr(f, "path"));
        strbuf_addf(sb, ":%lld</code>", (long long)jint(f, "line"));
    } else if (jstr(f, "module")) {
        strbuf_addstr(sb, "<code>(");
        esc(sb, jstr(f, "module"));
        strbuf_addstr(sb, ")</code>");
    }
    if (jint(f, "repeat") > 1) {
        char n[32];
        count_text(n, sizeof(n), jint(f, "repeat"));
        strbuf_addf(sb, " <span class=\"repeat\">&times; %s</span>", n);
    }
    if (jstr(f, "marker") && *jstr(f, "marker")) {
        strbuf_addstr(sb, " <span class=\"marker\">RACE: ");
        esc(sb, jstr(f, "marker"));
        strbuf_addstr(sb, "</span>");
    }
    if (jstr(f, "go")) {
        strbuf_addstr(sb, "<div class=\"go\">= <b>");
        esc(sb, jstr(f, "go"));
        strbuf_addstr(sb, "</b>: ");
        esc(sb, jstr(f, "role"));
        strbuf_addstr(sb, "</div>");
    }
    strbuf_addstr(sb, "</div>\n");
}

/* The heading of a stack that is not an access of a race: the
 * detector's label for it, and its thread when the label does not say. */
static void stack_label_html(struct strbuf *sb, json_t *a)
{
    const char *label = jstr(a, "label");
    const char *thread = jstr(a, "thread");
    esc(sb, label ? label : "stack");
    if (thread && label && !strstr(label, thread)) {
        strbuf_addstr(sb, " (");
        esc(sb, thread);
        strbuf_addstr(sb, ")");
    }
}

static void access_head_html(struct strbuf *sb, json_t *a, const char *det);

static void access_html(struct strbuf *sb, json_t *a, const char *det,
                        bool race)
{
    strbuf_addstr(sb, "<div class=\"acc\"><h5>");
    json_int_t at = jint(a, "at");
    if (json_object_get(a, "at") && at >= 0)
        strbuf_addf(sb, "%c: ", (char)('A' + at));
    const char *kind = jstr(a, "kind");
    if (race && json_object_get(a, "at") && kind && strcmp(kind, "unknown"))
        access_head_html(sb, a, det);
    else
        stack_label_html(sb, a);
    strbuf_addstr(sb, "</h5>\n");
    size_t i, hidden = 0;
    json_t *f;
    json_int_t cut = jint(a, "frames_cut"),
               cut_after = jint(a, "frames_cut_after");
    json_array_foreach(json_object_get(a, "frames"), i, f)
    {
        if (cut > 0 && (json_int_t)i == cut_after) {
            char n[32];
            count_text(n, sizeof(n), cut);
            strbuf_addf(sb,
                        "<div class=\"frame cut\">&hellip; %s frame%s cut (a "
                        "stack keeps its innermost %d and its outermost) "
                        "&hellip;</div>\n",
                        n, cut == 1 ? "" : "s", STACK_MAX_FRAMES);
        }
        if (json_is_true(json_object_get(f, "hidden")))
            hidden++;
        else
            frame_html(sb, f);
    }
    if (hidden) {
        struct strbuf note = STRBUF_INIT;
        folded_note(&note, json_object_get(a, "frames"));
        strbuf_addstr(sb, "<details><summary>");
        esc(sb, note.buf);
        strbuf_addstr(sb, "</summary>\n");
        strbuf_release(&note);
        json_array_foreach(json_object_get(a, "frames"), i, f)
        {
            if (json_is_true(json_object_get(f, "hidden")))
                frame_html(sb, f);
        }
        strbuf_addstr(sb, "</details>\n");
    }
    strbuf_addstr(sb, "</div>\n");
}

/* A race's access: kind, size, thread, locks held. */
static void access_head_html(struct strbuf *sb, json_t *a, const char *det)
{
    const char *kind = jstr(a, "kind");
    esc(sb, kind && strcmp(kind, "unknown") ? kind : "stack");
    if (jint(a, "size"))
        strbuf_addf(sb, " of size %lld", (long long)jint(a, "size"));
    strbuf_addstr(sb, " by ");
    esc(sb, jstr(a, "thread") ? jstr(a, "thread") : "?");
    json_t *locks = json_object_get(a, "locks");
    if (json_array_size(locks)) {
        strbuf_addstr(sb, ", locks held:");
        size_t i;
        json_t *l;
        json_array_foreach(locks, i, l)
        {
            strbuf_addstr(sb, " ");
            esc(sb, json_string_value(l));
        }
    } else if (starts_with(det, "tsan")) {
        strbuf_addstr(sb, ", no lock held");
    } else {
        strbuf_addstr(sb, " (locks held: not reported)");
    }
}

/* One access of an access_pairs entry, as a table cell. */
static void pair_access_html(struct strbuf *sb, json_t *t)
{
    strbuf_addstr(sb, "<td>");
    json_t *at = json_object_get(t, "at");
    if (json_is_integer(at) && json_integer_value(at) >= 0)
        strbuf_addf(sb, "%c: ", (char)('A' + json_integer_value(at)));
    const char *kind = jstr(t, "kind");
    esc(sb, kind && strcmp(kind, "unknown") ? kind : "stack");
    strbuf_addstr(sb, " <code class=\"fn\">");
    esc(sb, jstr(t, "func") ? jstr(t, "func") : "??");
    strbuf_addstr(sb, "</code>");
    if (jstr(t, "path")) {
        strbuf_addstr(sb, " <code>");
        esc(sb, jstr(t, "path"));
        if (jint(t, "line") > 0)
            strbuf_addf(sb, ":%lld", (long long)jint(t, "line"));
        strbuf_addstr(sb, "</code>");
    }
    if (jstr(t, "go")) {
        strbuf_addstr(sb, "<div class=\"go\">= ");
        esc(sb, jstr(t, "go"));
        strbuf_addstr(sb, "</div>");
    }
    strbuf_addstr(sb, "</td>");
}

/* The evidence's access_pairs (group.h) as a small table: which model
 * functions raced, in how many findings. */
static void pairs_html(struct strbuf *sb, json_t *ev, bool race)
{
    json_t *pairs = json_object_get(ev, "access_pairs");
    if (!json_array_size(pairs))
        return;
    size_t width = 1, i;
    json_t *p;
    json_array_foreach(pairs, i, p)
    {
        size_t n = json_array_size(json_object_get(p, "accesses"));
        if (n > width)
            width = n;
    }
    bool model = false;
    json_t *t;
    size_t k;
    json_array_foreach(pairs, i, p)
        json_array_foreach(json_object_get(p, "accesses"), k, t) model |=
        jstr(t, "class") && !strcmp(jstr(t, "class"), "model");
    strbuf_addf(sb,
                "<table class=\"pairs\"><caption>%s (top %sframe of "
                "each)</caption>\n<tr><th>findings</th>",
                race ? "Accesses that raced" : "Stacks reported",
                model ? "model " : "");
    strbuf_addstr(sb, width == 2 ? "<th>access</th><th>access</th>"
                                 : "<th>access</th>");
    strbuf_addstr(sb, "</tr>\n");
    json_int_t listed = 0;
    json_array_foreach(pairs, i, p)
    {
        listed += jint(p, "count");
        strbuf_addf(sb, "<tr><td class=\"n\">%lld</td>",
                    (long long)jint(p, "count"));
        json_t *accs = json_object_get(p, "accesses");
        json_array_foreach(accs, k, t) pair_access_html(sb, t);
        for (k = json_array_size(accs); k < width; k++)
            strbuf_addstr(sb, k ? "<td class=\"missing\">not named</td>"
                                : "<td class=\"missing\">no access "
                                  "named</td>");
        strbuf_addstr(sb, "</tr>\n");
    }
    if (jint(ev, "access_pairs_more") > 0)
        strbuf_addf(sb,
                    "<tr><td class=\"n\">%lld</td><td colspan=\"%zu\">+%lld "
                    "more</td></tr>\n",
                    (long long)(jint(ev, "findings") - listed), width,
                    (long long)jint(ev, "access_pairs_more"));
    strbuf_addstr(sb, "</table>\n");
}

/* One detector's evidence of a race: its report, its logs, the pairs of
 * accesses, and each access's annotated stack. */
static int by_seq(const void *a, const void *b)
{
    json_int_t x = jint(*(json_t *const *)a, "seq");
    json_int_t y = jint(*(json_t *const *)b, "seq");
    return (x > y) - (x < y);
}

/* Every stack of a report that is not a data race, in the detector's
 * order, each under its label. */
static void stacks_html(struct strbuf *sb, json_t *ev, const char *det)
{
    json_t *acc = json_object_get(ev, "accesses");
    json_t *more = json_object_get(ev, "more");
    size_t n = json_array_size(acc) + json_array_size(more), k = 0, i;
    json_t **all = xcalloc(n ? n : 1, sizeof(*all)), *a;
    json_array_foreach(acc, i, a) all[k++] = a;
    json_array_foreach(more, i, a) all[k++] = a;
    qsort(all, k, sizeof(*all), by_seq);
    strbuf_addstr(sb, "<div class=\"pair\">\n");
    for (i = 0; i < k; i++)
        access_html(sb, all[i], det, false);
    strbuf_addstr(sb, "</div>\n");
    free(all);
}

/* A race's other stacks (where its threads were created, a block
 * allocated...), folded. */
static void more_html(struct strbuf *sb, json_t *ev, const char *det)
{
    json_t *more = json_object_get(ev, "more");
    if (!json_array_size(more))
        return;
    strbuf_addf(sb,
                "<details><summary>%zu more stack%s of this report "
                "</summary>\n<div class=\"pair\">\n",
                json_array_size(more), json_array_size(more) == 1 ? "" : "s");
    size_t i;
    json_t *a;
    json_array_foreach(more, i, a) access_html(sb, a, det, false);
    strbuf_addstr(sb, "</div></details>\n");
}

static void evidence_html(struct strbuf *sb, json_t *ev, json_int_t dropped)
{
    strbuf_addstr(sb, "<div class=\"det\"><h4>");
    esc(sb, jstr(ev, "detector"));
    strbuf_addstr(sb, ": ");
    esc(sb, jstr(ev, "type"));
    if (jstr(ev, "message")) {
        strbuf_addstr(sb, " &mdash; ");
        esc(sb, jstr(ev, "message"));
    }
    strbuf_addf(sb, " <small>(in %lld of %lld runs, %lld findings",
                (long long)jint(ev, "seen_runs"), (long long)jint(ev, "runs"),
                (long long)jint(ev, "findings"));
    if (dropped > 0)
        strbuf_addf(sb, "; %lld more dropped past the cap", (long long)dropped);
    strbuf_addstr(sb, ")");
    json_t *logs = json_object_get(ev, "logs");
    size_t k;
    json_t *l;
    json_array_foreach(logs, k, l)
    {
        strbuf_addstr(sb, " <a href=\"");
        esc(sb, json_string_value(l));
        strbuf_addstr(sb, "\">");
        esc(sb, json_string_value(l));
        strbuf_addstr(sb, "</a>");
    }
    if (jstr(ev, "command")) {
        strbuf_addstr(sb, "<br>command: <code>");
        esc(sb, jstr(ev, "command"));
        strbuf_addstr(sb, "</code>");
    }
    strbuf_addstr(sb, "</small></h4>\n");
    const char *det = jstr(ev, "detector");
    bool race = jstr(ev, "kind") && !strcmp(jstr(ev, "kind"), "data-race");
    pairs_html(sb, ev, race);
    if (!race) {
        stacks_html(sb, ev, det ? det : "");
        strbuf_addstr(sb, "</div>\n");
        return;
    }
    strbuf_addstr(sb, "<div class=\"pair\">\n");
    json_t *a, *accs = json_object_get(ev, "accesses");
    /* a detector that names one access: say where the other is */
    json_int_t at =
        json_array_size(accs) == 1 ? jint(json_array_get(accs, 0), "at") : -1;
    const char *why =
        det && !strcmp(det, "drd")
            ? "DRD names one access, and the other thread's segment "
              "(where its access happened), not the access itself"
            : "this report has the stack of one thread only";
    if (at == 1) {
        strbuf_addstr(sb, "<div class=\"acc missing\">A: ");
        esc(sb, why);
        strbuf_addstr(sb, "</div>\n");
    }
    json_array_foreach(accs, k, a) access_html(sb, a, det ? det : "", true);
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
static void side_cell_html(struct strbuf *sb, json_t *f)
{
    strbuf_addstr(sb, "<td>");
    if (f) {
        strbuf_addstr(sb, "<code class=\"fn\">");
        esc(sb, jstr(f, "func") ? jstr(f, "func") : "??");
        strbuf_addstr(sb, "</code>");
        const char *path = jstr(f, "path");
        if (path && jint(f, "line") > 0) {
            const char *base =
                strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
            strbuf_addstr(sb, " <code>");
            esc(sb, base);
            strbuf_addf(sb, ":%lld</code>", (long long)jint(f, "line"));
        }
    }
    strbuf_addstr(sb, "</td>");
}

/* The head of one access's rows: "A: write by goroutine 8". */
static void side_head_html(struct strbuf *sb, json_int_t at, json_t *a)
{
    strbuf_addf(sb, "<th>%c: ", (char)('A' + at));
    esc(sb, jstr(a, "kind") ? jstr(a, "kind") : "?");
    strbuf_addstr(sb, " by ");
    esc(sb, jstr(a, "thread") ? jstr(a, "thread") : "?");
    strbuf_addstr(sb, "</th>");
}

/* The real Go's stacks (go-race) beside the model's, row by row, as
 * race_text() prints them. */
static void side_by_side_html(struct strbuf *sb, json_t *race)
{
    json_t *go, *model;
    if (!race_go_beside(race, &go, &model))
        return;
    strbuf_addstr(sb, "<table class=\"pairs side\"><caption>Go beside the "
                      "model (");
    esc(sb, jstr(go, "detector"));
    strbuf_addstr(sb, " | ");
    esc(sb, jstr(model, "detector"));
    strbuf_addstr(sb, "), row by row</caption>\n");
    for (json_int_t at = 0; at < 2; at++) {
        json_t *ga = evidence_access(go, at), *ma = evidence_access(model, at);
        if (!ga || !ma)
            continue;
        strbuf_addstr(sb, "<tr>");
        side_head_html(sb, at, ga);
        side_head_html(sb, at, ma);
        strbuf_addstr(sb, "<th></th></tr>\n");
        struct side_row rows[128];
        size_t n = side_rows(ga, ma, false, rows, 128);
        for (size_t i = 0; i < n; i++) {
            json_t *g = rows[i].go, *m = rows[i].model;
            json_t *mk = g && jstr(g, "marker")   ? g
                         : m && jstr(m, "marker") ? m
                                                  : NULL;
            strbuf_addstr(sb, "<tr>");
            side_cell_html(sb, g);
            side_cell_html(sb, m);
            strbuf_addstr(sb, "<td>");
            if (mk) {
                strbuf_addstr(sb, "<span class=\"marker\">RACE: ");
                esc(sb, jstr(mk, "marker"));
                strbuf_addstr(sb, "</span>");
            }
            strbuf_addstr(sb, "</td></tr>\n");
        }
    }
    strbuf_addstr(sb, "</table>\n");
}

static void race_html(struct strbuf *sb, json_t *results, json_t *r)
{
    strbuf_addstr(sb, "<div class=\"race\" data-race-id=\"");
    esc(sb, jstr(r, "id"));
    strbuf_addstr(sb, "\"><h3>");
    esc(sb, jstr(r, "variant"));
    strbuf_addstr(sb, ": ");
    esc(sb, race_kind_words(jstr(r, "kind")));
    strbuf_addstr(sb, " (");
    size_t i;
    json_t *ev;
    json_array_foreach(json_object_get(r, "detectors"), i, ev)
    {
        if (i)
            strbuf_addstr(sb, ", ");
        esc(sb, jstr(ev, "detector"));
    }
    strbuf_addstr(sb, ")</h3>\n");
    json_t *locs = json_object_get(r, "locations");
    strbuf_addstr(sb, "<div class=\"pair\">\n");
    json_t *loc;
    json_array_foreach(locs, i, loc)
    {
        char label[4] = {(char)('A' + i), 0};
        source_excerpt(sb, results, loc, label);
    }
    strbuf_addstr(sb, "</div>\n");
    race_diagram_svg(sb, results, r);
    if (jstr(r, "why") && *jstr(r, "why")) {
        strbuf_addstr(sb, "<p class=\"why\"><b>Why:</b> ");
        esc(sb, jstr(r, "why"));
        strbuf_addstr(sb, "</p>\n");
    }
    side_by_side_html(sb, r);
    json_array_foreach(json_object_get(r, "detectors"), i, ev)
    {
        json_t *cell = results_cell(results, jstr(r, "case"),
                                    jstr(r, "variant"), jstr(ev, "detector"));
        evidence_html(sb, ev, cell ? jint(cell, "findings_dropped") : 0);
    }
    strbuf_addstr(sb, "</div>\n");
}

/* A case's pictures (results.json "pictures": text art from its README)
 * as inline SVG: one <text> per line in a monospace font, sized by the
 * longest line; self-contained, nothing fetched. */
static void pictures_html(struct strbuf *sb, json_t *c)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(c, "pictures"), i, p)
    {
        const char *text = json_string_value(p);
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
    json_t *races = group_ensure(results);
    struct strbuf sb = {0};
    strbuf_addstr(&sb, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
                       "<meta charset=\"utf-8\">\n<title>maprace ");
    esc(&sb, jstr(results, "run_id"));
    strbuf_addstr(&sb, "</title>\n");
    strbuf_addstr(&sb, style);
    strbuf_addstr(&sb, "</head><body>\n<h1>maprace ");
    esc(&sb, jstr(results, "verb") ? jstr(results, "verb") : "run");
    strbuf_addstr(&sb, " ");
    esc(&sb, jstr(results, "run_id"));
    strbuf_addstr(&sb, "</h1>\n");
    if (!json_is_true(json_object_get(results, "complete")))
        strbuf_addstr(&sb, "<p class=\"bad\"><b>Incomplete: the run was "
                           "interrupted.</b></p>\n");
    json_t *totals = json_object_get(results, "totals");
    strbuf_addf(&sb,
                "<p id=\"totals\">%lld cells: %lld pass, %lld false negative, "
                "%lld false positive, %lld known miss, %lld known false "
                "positive, %lld error. Started ",
                (long long)jint(totals, "cells"),
                (long long)jint(totals, "pass"),
                (long long)jint(totals, "false-negative"),
                (long long)jint(totals, "false-positive"),
                (long long)jint(totals, "known-miss"),
                (long long)jint(totals, "known-false-positive"),
                (long long)jint(totals, "error"));
    esc(&sb, jstr(results, "started"));
    strbuf_addf(&sb, ", %lld run(s) per cell, %s.</p>\n",
                (long long)jint(json_object_get(results, "options"), "runs"),
                json_is_false(json_object_get(
                    json_object_get(results, "options"), "forced"))
                    ? "natural (windows not forced)"
                    : "race windows forced");
    size_t i, k;
    json_t *note;
    json_array_foreach(json_object_get(results, "notes"), i, note)
    {
        strbuf_addstr(&sb, "<p class=\"note\">");
        esc(&sb, json_string_value(note));
        strbuf_addstr(&sb, "</p>\n");
    }
    strbuf_addstr(&sb, "<h2>Matrix</h2>\n<p>Each cell: verdict, what was "
                       "observed, what case.ini expects, and the runs that "
                       "showed it.</p>\n");
    matrix(&sb, results);
    strbuf_addstr(&sb, "<h2>Charts</h2>\n");
    charts(&sb, results);
    strbuf_addf(&sb, "<h2>Races (%zu)</h2>\n", json_array_size(races));
    json_t *c, *r;
    json_array_foreach(json_object_get(results, "cases"), i, c)
    {
        strbuf_addstr(&sb, "<section class=\"case\" id=\"case-");
        esc(&sb, jstr(c, "name"));
        strbuf_addstr(&sb, "\"><h2>");
        esc(&sb, jstr(c, "name"));
        strbuf_addstr(&sb, ": ");
        esc(&sb, jstr(c, "title"));
        strbuf_addstr(&sb, "</h2>\n<p>Go: <code>");
        esc(&sb, jstr(c, "go"));
        strbuf_addstr(&sb, "</code><br>Article: ");
        esc(&sb, jstr(c, "article"));
        strbuf_addstr(&sb, "</p>\n");
        pictures_html(&sb, c);
        size_t nr = 0;
        json_array_foreach(races, k, r)
        {
            if (strcmp(jstr(r, "case"), jstr(c, "name")))
                continue;
            race_html(&sb, results, r);
            nr++;
        }
        if (!nr)
            strbuf_addstr(&sb, "<p>No race reported.</p>\n");
        strbuf_addstr(&sb, "</section>\n");
    }
    strbuf_addstr(&sb, "</body></html>\n");
    return strbuf_detach(&sb);
}
