/*
 * report/junit.c - junit.xml: one testcase per case x variant x detector; a
 * <failure> when the cell is not as expected, <skipped> when its tool is
 * missing; the cell's annotated races in <system-out> (report/common.h). The
 * shape is runner/tests/junit.xsd's.
 */
#include "report/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CDATA cannot hold "]]>": escape the text instead. */
static void xml_text(struct strbuf *sb, const char *s)
{
    html_escape(sb, s);
}

/* The text of the races of one cell's case variant seen by its detector. */
static void cell_races(struct strbuf *sb, const struct results *res,
                       const struct res_cell *cell)
{
    struct race_text_opts o = {
        .color = false, .all_frames = false, .context = 1};
    for (size_t i = 0; i < res->nr_races; i++) {
        const struct res_race *r = &res->races[i];
        if (strcmp(r->case_name, cell->case_name) ||
            strcmp(r->variant, cell->variant))
            continue;
        bool seen = false;
        for (size_t k = 0; k < r->nr_detectors; k++)
            seen |= !strcmp(r->detectors[k].detector, cell->detector);
        if (!seen)
            continue;
        race_text(sb, res, r, &o);
        strbuf_addstr(sb, "\n");
    }
}

char *report_junit(json_t *results)
{
    struct results res;
    if (results_of_report(results, &res) < 0)
        return xstrdup("");
    size_t failures = 0, skipped = 0;
    double time = 0;
    for (size_t i = 0; i < res.nr_cells; i++) {
        const struct res_cell *c = &res.cells[i];
        if (c->tool_missing)
            skipped++;
        else if (!c->as_expected)
            failures++;
        time += c->wall_s;
    }
    struct strbuf sb = {0};
    strbuf_addstr(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    strbuf_addf(&sb,
                "<testsuites name=\"maprace\" tests=\"%zu\" failures=\"%zu\" "
                "errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
                res.nr_cells, failures, skipped, time);
    strbuf_addf(&sb,
                "  <testsuite name=\"maprace.%s\" tests=\"%zu\" "
                "failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
                "time=\"%.3f\" timestamp=\"",
                res.verb ? res.verb : "run", res.nr_cells, failures, skipped,
                time);
    /* xs:dateTime: "2026-11-27T20:50:00Z" without the Z is fine too */
    html_escape(&sb, res.started ? res.started : "1970-01-01T00:00:00Z");
    strbuf_addstr(&sb, "\">\n");
    for (size_t i = 0; i < res.nr_cells; i++) {
        const struct res_cell *c = &res.cells[i];
        const char *verdict = verdict_name(c->verdict);
        strbuf_addstr(&sb, "    <testcase classname=\"");
        xml_text(&sb, c->case_name);
        strbuf_addstr(&sb, ".");
        xml_text(&sb, c->variant);
        strbuf_addstr(&sb, "\" name=\"");
        xml_text(&sb, c->detector);
        strbuf_addf(&sb, "\" time=\"%.3f\">\n", c->wall_s);
        struct strbuf msg = {0};
        strbuf_addf(&msg,
                    "expected %s, observed %s (%s, detected in %lld of "
                    "%lld runs)",
                    c->expected ? c->expected : "?",
                    c->observed ? c->observed : "?", verdict, c->detected_runs,
                    c->runs_done);
        if (c->note)
            strbuf_addf(&msg, ": %s", c->note);
        if (c->findings_dropped > 0)
            strbuf_addf(&msg, " (%lld more findings dropped past the cap)",
                        c->findings_dropped);
        if (c->error)
            strbuf_addf(&msg, ": %s", c->error);
        if (c->tool_missing) {
            strbuf_addstr(&sb, "      <skipped message=\"");
            xml_text(&sb, strbuf_str(&msg));
            strbuf_addstr(&sb, "\"/>\n");
        } else if (!c->as_expected) {
            strbuf_addstr(&sb, "      <failure message=\"");
            xml_text(&sb, strbuf_str(&msg));
            strbuf_addstr(&sb, "\" type=\"");
            xml_text(&sb, verdict);
            strbuf_addstr(&sb, "\">");
            xml_text(&sb, strbuf_str(&msg));
            strbuf_addstr(&sb, "</failure>\n");
        }
        struct strbuf out = {0};
        strbuf_addf(&out, "%s\n", strbuf_str(&msg));
        cell_races(&out, &res, c);
        strbuf_addstr(&sb, "      <system-out>");
        xml_text(&sb, strbuf_str(&out));
        strbuf_addstr(&sb, "</system-out>\n    </testcase>\n");
        strbuf_release(&out);
        strbuf_release(&msg);
    }
    strbuf_addstr(&sb, "  </testsuite>\n</testsuites>\n");
    results_release(&res);
    return strbuf_detach(&sb);
}
