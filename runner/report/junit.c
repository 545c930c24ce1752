/*
 * report-junit.c - junit.xml: one testcase per case x variant x detector; a
 * <failure> when the cell is not as expected, <skipped> when its tool is
 * missing; the cell's annotated races in <system-out> (report-common.h). The
 * shape is runner/tests/junit.xsd's.
 */
#include "report/common.h"

#include "engine/group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CDATA cannot hold "]]>": escape the text instead. */
static void xml_text(struct strbuf *sb, const char *s)
{
    html_escape(sb, s);
}

/* The text of the races of one cell's case variant seen by its detector. */
static void cell_races(struct strbuf *sb, json_t *results, json_t *cell)
{
    struct race_text_opts o = {
        .color = false, .all_frames = false, .context = 1};
    size_t i, k;
    json_t *r, *ev;
    json_array_foreach(json_object_get(results, "races"), i, r)
    {
        if (strcmp(jstr(r, "case"), jstr(cell, "case")) ||
            strcmp(jstr(r, "variant"), jstr(cell, "variant")))
            continue;
        bool seen = false;
        json_array_foreach(json_object_get(r, "detectors"), k, ev) seen |=
            !strcmp(jstr(ev, "detector"), jstr(cell, "detector"));
        if (!seen)
            continue;
        race_text(sb, results, r, &o);
        strbuf_addstr(sb, "\n");
    }
}

char *report_junit(json_t *results)
{
    group_ensure(results);
    json_t *cells = json_object_get(results, "cells");
    size_t failures = 0, skipped = 0, i;
    double time = 0;
    json_t *c;
    json_array_foreach(cells, i, c)
    {
        if (json_is_true(json_object_get(c, "tool_missing")))
            skipped++;
        else if (!json_is_true(json_object_get(c, "as_expected")))
            failures++;
        time += json_number_value(json_object_get(c, "wall_s"));
    }
    struct strbuf sb = {0};
    strbuf_addstr(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    strbuf_addf(&sb,
                "<testsuites name=\"maprace\" tests=\"%zu\" failures=\"%zu\" "
                "errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
                json_array_size(cells), failures, skipped, time);
    strbuf_addf(&sb,
                "  <testsuite name=\"maprace.%s\" tests=\"%zu\" "
                "failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
                "time=\"%.3f\" timestamp=\"",
                jstr(results, "verb") ? jstr(results, "verb") : "run",
                json_array_size(cells), failures, skipped, time);
    /* xs:dateTime: "2026-11-27T20:50:00Z" without the Z is fine too */
    html_escape(&sb, jstr(results, "started") ? jstr(results, "started")
                                              : "1970-01-01T00:00:00Z");
    strbuf_addstr(&sb, "\">\n");
    json_array_foreach(cells, i, c)
    {
        strbuf_addstr(&sb, "    <testcase classname=\"");
        xml_text(&sb, jstr(c, "case"));
        strbuf_addstr(&sb, ".");
        xml_text(&sb, jstr(c, "variant"));
        strbuf_addstr(&sb, "\" name=\"");
        xml_text(&sb, jstr(c, "detector"));
        strbuf_addf(&sb, "\" time=\"%.3f\">\n",
                    json_number_value(json_object_get(c, "wall_s")));
        struct strbuf msg = {0};
        strbuf_addf(
            &msg,
            "expected %s, observed %s (%s, detected in %lld of "
            "%lld runs)",
            jstr(c, "expected") ? jstr(c, "expected") : "?",
            jstr(c, "observed") ? jstr(c, "observed") : "?",
            jstr(c, "verdict") ? jstr(c, "verdict") : "?",
            (long long)json_integer_value(json_object_get(c, "detected_runs")),
            (long long)json_integer_value(json_object_get(c, "runs_done")));
        if (jstr(c, "note"))
            strbuf_addf(&msg, ": %s", jstr(c, "note"));
        json_int_t dropped =
            json_integer_value(json_object_get(c, "findings_dropped"));
        if (dropped > 0)
            strbuf_addf(&msg, " (%lld more findings dropped past the cap)",
                        (long long)dropped);
        if (jstr(c, "error"))
            strbuf_addf(&msg, ": %s", jstr(c, "error"));
        if (json_is_true(json_object_get(c, "tool_missing"))) {
            strbuf_addstr(&sb, "      <skipped message=\"");
            xml_text(&sb, strbuf_str(&msg));
            strbuf_addstr(&sb, "\"/>\n");
        } else if (!json_is_true(json_object_get(c, "as_expected"))) {
            strbuf_addstr(&sb, "      <failure message=\"");
            xml_text(&sb, strbuf_str(&msg));
            strbuf_addstr(&sb, "\" type=\"");
            xml_text(&sb, jstr(c, "verdict"));
            strbuf_addstr(&sb, "\">");
            xml_text(&sb, strbuf_str(&msg));
            strbuf_addstr(&sb, "</failure>\n");
        }
        struct strbuf out = {0};
        strbuf_addf(&out, "%s\n", strbuf_str(&msg));
        cell_races(&out, results, c);
        strbuf_addstr(&sb, "      <system-out>");
        xml_text(&sb, strbuf_str(&out));
        strbuf_addstr(&sb, "</system-out>\n    </testcase>\n");
        strbuf_release(&out);
        strbuf_release(&msg);
    }
    strbuf_addstr(&sb, "  </testsuite>\n</testsuites>\n");
    return strbuf_detach(&sb);
}
