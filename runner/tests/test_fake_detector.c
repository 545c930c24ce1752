/*
 * test_fake_detector.c - the detector table is the single truth: a
 * detector of the test's own, put in the table with its test hook
 * (detector_row_override(): it takes the last row's place, so that every
 * loop over the table sees it), with a log key, a second file, a cost
 * anchor and a report style no real detector has, reaches through the
 * table alone
 *   - the lists of names (detector_names, -d parsing, the usage texts),
 *   - a race's evidence: its own raw logs under its own keys (group.c),
 *   - every writer: index.html, junit.xml, results.sarif, summary.md and
 *     the terminal text (show, junit's system-out), which print its name,
 *     its logs where they print logs, and say of its accesses what its
 *     row says (held locks reported or not, one access only and why),
 *   - what it cannot see (try --expect) and its documented cost.
 * Its log is real TSan output (runner/tests/logs/case-mcw-tsan-clang14.log)
 * parsed as the fake detector's.
 */
#include "reports-test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
/* cmocka after the headers it needs */
#include <cmocka.h>

#include "cmd/usage.h"
#include "engine/cost.h"
#include "engine/detectors.h"
#include "engine/group.h"
#include "report/common.h"
#include "lib/util.h"

#define FAKE "fakecheck"
#define FAKE_ONE "FAKECHECK names the current access only"
#define FAKE_SOURCE "the fakecheck manual"

/* The slot the fake detector takes: the table's last row. */
#define SLOT (DET_COUNT - 1)

static struct detector_row fake = {
    .name = FAKE,
    .flavour = "native",
    .tools = {"sh", NULL},
    .race_detector = true,
    .cost = 2,
    .log_suffix = ".fake",
    .aux_suffix = ".fakeaux",
    .log_key = "fake_log",
    .aux_key = "fake_notes",
    .parse = parse_tsan_file,
    .parse_stderr = parse_native_file,
    .not_default = true,
    .family = FAMILY_VALGRIND,
    .reports_locks = true,
    .one_access = FAKE_ONE,
    .blind = {{FINDING_THREAD_LEAK, "fakecheck keeps no threads"}},
    .anchor = {"3-4x", "2x", FAKE_SOURCE},
};

static int setup(void **state)
{
    detector_row_override(SLOT, &fake);
    return 0;
}

static int teardown(void **state)
{
    detector_row_override(SLOT, NULL);
    return 0;
}

/* The document of one cell, map-concurrent-writes/racy under the fake
 * detector, from the TSan fixture log parsed as its; with one_access, each
 * finding keeps its first access only. */
static json_t *fake_results(bool one_access)
{
    json_t *doc = fixture_results();
    json_t *findings = fixture_findings("case-mcw-tsan-clang14.log", FAKE);
    json_t *f;
    size_t i;
    if (one_access)
        json_array_foreach(findings, i, f)
            json_array_remove(json_object_get(f, "accesses"), 1);
    json_t *cell = fixture_cell(FAKE, "racy", findings);
    json_t *run = json_array_get(json_object_get(cell, "run_details"), 0);
    json_t *logs = json_object_get(run, "logs");
    json_object_set_new(logs, "fake_log", json_string("raw/racy.fake"));
    json_object_set_new(logs, "fake_notes", json_string("raw/racy.fakeaux"));
    json_array_clear(json_object_get(doc, "cells"));
    json_array_append_new(json_object_get(doc, "cells"), cell);
    json_t *dets =
        json_object_get(json_object_get(doc, "options"), "detectors");
    json_array_clear(dets);
    json_array_append_new(dets, json_string(FAKE));
    json_object_set_new(json_object_get(doc, "totals"), "cells",
                        json_integer(1));
    json_object_set_new(json_object_get(doc, "totals"), "pass",
                        json_integer(1));
    return doc;
}

/* The races of doc as results.json has them (a new array, group.h). */
static json_t *races_of(json_t *doc)
{
    json_t *races = group_races(doc);
    assert_true(json_array_size(races) > 0);
    return races;
}

/* The evidence of the first race of races, which is the fake's. */
static json_t *fake_evidence(json_t *races)
{
    json_t *ev = json_array_get(
        json_object_get(json_array_get(races, 0), "detectors"), 0);
    assert_non_null(ev);
    assert_string_equal(json_string_value(json_object_get(ev, "detector")),
                        FAKE);
    return ev;
}

/* doc read into the typed model, its races grouped (results-model.h). */
static void load_model(json_t *doc, struct results *res)
{
    char *why = NULL;
    if (results_from_json(doc, res, &why) < 0)
        fail_msg("results_from_json: %s", why);
    group_results_ensure(res);
}

static void test_names(void **state)
{
    assert_int_equal(detector_by_name(FAKE), SLOT);
    assert_ptr_equal(detector_row_named(FAKE), &fake);
    char *names = detector_names(",");
    assert_non_null(strstr(names, "," FAKE));
    free(names);
    bool mask[DET_COUNT];
    assert_int_equal(detector_list_option(FAKE, mask), 0);
    assert_true(mask[SLOT]);
    char *usage = usage_expand("  -d LIST  @detectors@\n");
    assert_non_null(strstr(usage, FAKE "\n"));
    free(usage);
    /* not in the default set: not in its list */
    usage = usage_expand("@detectors-default@");
    assert_null(strstr(usage, FAKE));
    free(usage);
    /* what it cannot see (try --expect), its cost's baseline */
    assert_string_equal(detector_cannot_see(SLOT, FINDING_THREAD_LEAK),
                        "fakecheck keeps no threads");
    assert_null(detector_cannot_see(SLOT, FINDING_DATA_RACE));
    assert_int_equal(detector_baseline(SLOT), DET_NATIVE);
    const struct detector_cost_anchor *a = cost_anchor(FAKE);
    assert_non_null(a);
    assert_string_equal(a->source, FAKE_SOURCE);
}

static void test_logs_reach_evidence(void **state)
{
    json_t *doc = fake_results(false);
    json_t *races = races_of(doc);
    json_t *logs = json_object_get(fake_evidence(races), "logs");
    assert_int_equal(json_array_size(logs), 3);
    assert_string_equal(json_string_value(json_array_get(logs, 0)),
                        "raw/racy.fake");
    assert_string_equal(json_string_value(json_array_get(logs, 1)),
                        "raw/racy.fakeaux");
    assert_string_equal(json_string_value(json_array_get(logs, 2)),
                        "raw/x.stderr");
    json_decref(races);
    json_decref(doc);
}

/* Every writer's text of doc (malloc'd, in order: html, junit, sarif, md,
 * terminal). */
#define NR_WRITERS 5
static const char *const writer_names[NR_WRITERS] = {
    "index.html", "junit.xml", "results.sarif", "summary.md", "terminal"};

static void write_all(json_t *doc, char *out[NR_WRITERS])
{
    out[0] = report_html(doc);
    out[1] = report_junit(doc);
    out[2] = report_sarif(doc);
    out[3] = report_markdown(doc);
    struct results res;
    load_model(doc, &res);
    struct strbuf sb = STRBUF_INIT;
    struct race_text_opts o = {.context = 1};
    for (size_t i = 0; i < res.nr_races; i++)
        race_text(&sb, &res, &res.races[i], &o);
    out[4] = strbuf_detach(&sb);
    results_release(&res);
}

static void free_all(char *out[NR_WRITERS])
{
    for (int w = 0; w < NR_WRITERS; w++)
        free(out[w]);
}

static void expect_in(char *out[NR_WRITERS], int w, const char *text)
{
    if (!strstr(out[w], text))
        fail_msg("%s lacks '%s'", writer_names[w], text);
}

static void expect_not_in(char *out[NR_WRITERS], int w, const char *text)
{
    if (strstr(out[w], text))
        fail_msg("%s has '%s'", writer_names[w], text);
}

static void test_every_writer(void **state)
{
    json_t *doc = fake_results(false);
    char *out[NR_WRITERS];
    write_all(doc, out);
    for (int w = 0; w < NR_WRITERS; w++)
        expect_in(out, w, FAKE);
    /* the writers that print a race's raw logs print the fake's own
     * (junit's system-out is the terminal text) */
    expect_in(out, 0, "raw/racy.fake");
    expect_in(out, 0, "raw/racy.fakeaux");
    expect_in(out, 1, "raw/racy.fake");
    expect_in(out, 4, "raw/racy.fake");
    expect_in(out, 4, "raw/racy.fakeaux");
    /* it reports held locks: an access without any held none */
    expect_in(out, 0, "no lock held");
    expect_in(out, 4, "no lock held");
    expect_not_in(out, 0, "locks held: not reported");
    expect_not_in(out, 4, "locks held: not reported");
    free_all(out);

    /* the same row saying it does not: the reports say so */
    fake.reports_locks = false;
    write_all(doc, out);
    fake.reports_locks = true;
    expect_in(out, 0, "locks held: not reported");
    expect_in(out, 4, "locks held: not reported");
    free_all(out);
    json_decref(doc);
}

static void test_one_access(void **state)
{
    json_t *doc = fake_results(true);
    char *out[NR_WRITERS];
    write_all(doc, out);
    expect_in(out, 0, FAKE_ONE);
    free_all(out);
    json_decref(doc);
}

static void test_cost_table(void **state)
{
    json_t *doc = fake_results(false);
    json_object_set_new(
        doc, "cost",
        json_pack("[{s:s, s:{s:i, s:f, s:f, s:f}, s:{s:i}, s:{s:i}}]",
                  "detector", FAKE, "wall_x", "cells", 1, "median", 3.5, "min",
                  3.5, "max", 3.5, "cpu_x", "cells", 0, "maxrss_x", "cells",
                  0));
    char *html = report_html(doc);
    assert_non_null(strstr(html, FAKE_SOURCE));
    free(html);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct results res;
    load_model(doc, &res);
    cost_print(f, &res, "");
    results_release(&res);
    fclose(f);
    assert_non_null(strstr(text, FAKE_SOURCE));
    free(text);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_logs_reach_evidence),
        cmocka_unit_test(test_every_writer),
        cmocka_unit_test(test_one_access),
        cmocka_unit_test(test_cost_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
