/*
 * reports-test.h - a results.json document made from the real detector
 * logs of map-concurrent-writes (runner/tests/logs/case-mcw-*), for the
 * tests of grouping and of the report writers (header-only).
 */
#ifndef MAPRACE_REPORTS_TEST_H
#define MAPRACE_REPORTS_TEST_H

#include "runner-test.h"

#include "lib/markers.h"
#include "parse/parse.h"
#include "parse/finding.h"
#include "engine/results.h"

#include <jansson.h>

/* The findings of one fixture log as results.json has them. */
static __attribute__((unused)) json_t *fixture_findings(const char *log,
                                                        const char *det)
{
    char path[PATH_MAX + 64], src[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/runner/tests/logs/%s", test_root(), log);
    snprintf(src, sizeof(src), "%s/cases/map-concurrent-writes/racy.c",
             test_root());
    struct report r;
    report_init(&r);
    if (!strcmp(det, "native"))
        parse_native_file(path, det, &r);
    else if (strstr(log, ".xml"))
        parse_valgrind_file(path, det, &r);
    else
        parse_tsan_file(path, det, &r);
    struct markers m = {0};
    if (markers_scan(src, &m) < 0)
        abort();
    json_t *f = results_findings_json(&r, &m, 50);
    report_release(&r);
    markers_release(&m);
    return f;
}

/* A cell of case map-concurrent-writes/racy with one run of `findings`
 * (reference stolen). */
static __attribute__((unused)) json_t *
fixture_cell(const char *det, const char *variant, json_t *findings)
{
    json_t *run =
        json_pack("{s:i, s:s, s:{s:s}, s:o}", "run", 1, "exit", "exit 66",
                  "logs", "stderr", "raw/x.stderr", "findings", findings);
    return json_pack("{s:s, s:s, s:s, s:s, s:{s:s}, s:s, s:s, s:b, s:i, "
                     "s:i, s:i, s:f, s:[o]}",
                     "case", "map-concurrent-writes", "variant", variant,
                     "detector", det, "expected", "race", "expectation", "kind",
                     "race", "observed", "race", "verdict", "pass",
                     "as_expected", 1, "runs", 1, "runs_done", 1,
                     "detected_runs", 1, "wall_s", 0.25, "run_details", run);
}

/* The whole document: the real logs of tsan, helgrind, drd and native. */
static __attribute__((unused)) json_t *fixture_results(void)
{
    char catalog[PATH_MAX + 16], src[PATH_MAX + 64];
    snprintf(catalog, sizeof(catalog), "%s/cases", test_root());
    snprintf(src, sizeof(src), "%s/map-concurrent-writes/racy.c", catalog);
    json_t *cells = json_array();
    json_array_append_new(
        cells,
        fixture_cell("tsan", "racy",
                     fixture_findings("case-mcw-tsan-clang14.log", "tsan")));
    json_array_append_new(
        cells,
        fixture_cell("helgrind", "racy",
                     fixture_findings("case-mcw-helgrind.xml", "helgrind")));
    json_array_append_new(
        cells, fixture_cell("drd", "racy",
                            fixture_findings("case-mcw-drd.xml", "drd")));
    json_array_append_new(
        cells,
        fixture_cell("native", "racy",
                     fixture_findings("case-mcw-native.stderr", "native")));
    json_t *cs = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s}]}",
                           "name", "map-concurrent-writes", "title",
                           "Two goroutines assign to one map", "go",
                           "m[5] = 0 and m[6] = 0 in two goroutines", "article",
                           "1. concurrent map writes", "family", "map", "why",
                           "Both threads run mapassign on the same hmap.",
                           "variants", "name", "racy", "source", src);
    return json_pack(
        "{s:i, s:s, s:s, s:s, s:s, s:b, s:{s:[s,s,s,s], s:i, s:s, s:b}, "
        "s:{s:i, s:i}, s:[], s:[o], s:o}",
        "schema_version", 1, "tool", "maprace", "verb", "run", "run_id",
        "20261127T000000Z-1", "started", "2026-11-27T00:00:00Z", "complete", 1,
        "options", "detectors", "native", "tsan", "helgrind", "drd", "runs", 1,
        "catalog", catalog, "forced", 1, "totals", "cells", 4, "pass", 4,
        "notes", "cases", cs, "cells", cells);
}

#endif
