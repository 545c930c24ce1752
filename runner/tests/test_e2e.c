/*
 * test_e2e.c - `maprace check map-concurrent-writes --runs 1` end to end,
 * on the real case, under every detector (go-race for the Go twin; go,
 * whose check is best effort, needs more than one run): exit 0, and what results.json,
 * summary.txt and reports/latest hold.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/detectors.h"
#include "runner-test.h"

#include <jansson.h>

static char *tmp;
static json_t *results;
static const char *gorace; /* go-race, or go-hmap-race standing in */

static int setup(void **state)
{
    tmp = test_tmpdir();
    char out[PATH_MAX], args[PATH_MAX * 2];
    snprintf(out, sizeof(out), "%s/maprace", tmp);
    /* the current Go's race detector, else the hmap Go's (a fresh Debian
     * has Go 1.19 only) */
    gorace = detector_name(detector_go_stand_in(DET_GO_RACE));
    snprintf(args, sizeof(args),
             "check map-concurrent-writes --runs 1 -d "
             "native,tsan,tsan-gcc,helgrind,drd,%s --build '%s' "
             "--out '%s'",
             gorace, MAPRACE_BUILD, tmp);
    int rc = run_maprace("", args, out);
    if (rc != 0) {
        char path[PATH_MAX + 16];
        snprintf(path, sizeof(path), "%s.stdout", out);
        char *text = test_slurp(path);
        fprintf(stderr, "maprace check exited %d:\n%s\n", rc, text ? text : "");
        free(text);
        return -1;
    }
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/latest/results.json", tmp);
    json_error_t jerr;
    results = json_load_file(path, 0, &jerr);
    if (!results) {
        fprintf(stderr, "%s: %s\n", path, jerr.text);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    json_decref(results);
    test_rmdir(tmp);
    free(tmp);
    return 0;
}

static json_t *cell(const char *variant, const char *detector)
{
    json_t *cells = json_object_get(results, "cells"), *c;
    size_t i;
    json_array_foreach(cells, i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "variant")),
                    variant) &&
            !strcmp(json_string_value(json_object_get(c, "detector")),
                    detector))
            return c;
    }
    fail_msg("no cell %s/%s", variant, detector);
    return NULL;
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s)
        fail_msg("no string '%s'", key);
    return s;
}

static json_int_t num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("no integer '%s'", key);
    return json_integer_value(v);
}

static void test_header(void **state)
{
    assert_int_equal(num(results, "schema_version"), 1);
    assert_string_equal(str(results, "verb"), "check");
    assert_true(json_is_true(json_object_get(results, "complete")));
    json_t *totals = json_object_get(results, "totals");
    assert_int_equal(num(totals, "cells"), 12);
    assert_int_equal(num(totals, "pass"), 12);
    assert_int_equal(num(totals, "error"), 0);
    assert_int_equal(json_array_size(json_object_get(results, "cells")), 12);
    json_t *timing = json_object_get(results, "timing");
    assert_true(json_real_value(json_object_get(timing, "run_wall_s")) > 0);
    assert_true(json_real_value(json_object_get(timing, "children_cpu_s")) > 0);
}

static void test_racy_cells(void **state)
{
    static const char *const racers[] = {"tsan", "tsan-gcc", "helgrind", "drd"};
    for (size_t i = 0; i < 4; i++) {
        json_t *c = cell("racy", racers[i]);
        assert_string_equal(str(c, "case"), "map-concurrent-writes");
        assert_string_equal(str(c, "expected"), "race");
        assert_string_equal(str(c, "observed"), "race");
        assert_string_equal(str(c, "verdict"), "pass");
        assert_int_equal(num(c, "runs"), 1);
        assert_int_equal(num(c, "detected_runs"), 1);
        assert_true(json_real_value(json_object_get(c, "wall_s")) > 0);
        /* a data race whose accesses have frames, one on a marked line */
        json_t *f, *findings = json_object_get(c, "findings");
        size_t k;
        bool marked = false;
        json_array_foreach(findings, k, f)
        {
            if (strcmp(str(f, "kind"), "data-race"))
                continue;
            json_t *acc = json_object_get(f, "accesses"), *a;
            size_t n;
            assert_true(json_array_size(acc) >= 1);
            json_array_foreach(acc, n, a)
            {
                assert_non_null(json_object_get(a, "kind"));
                assert_non_null(json_object_get(a, "size"));
                assert_non_null(json_object_get(a, "thread"));
                assert_true(json_is_array(json_object_get(a, "locks")));
                json_t *fr, *frames = json_object_get(a, "frames");
                size_t m;
                assert_true(json_array_size(frames) > 0);
                json_array_foreach(frames, m, fr)
                {
                    json_t *mk = json_object_get(fr, "marker");
                    if (mk) {
                        marked = true;
                        assert_non_null(strstr(str(fr, "file"), "racy.c"));
                        assert_non_null(
                            strstr(json_string_value(mk), "write m["));
                    }
                }
            }
        }
        if (!marked)
            fail_msg("%s: no frame on a marked line", racers[i]);
    }
}

static void test_native_fatal(void **state)
{
    json_t *c = cell("racy", "native");
    assert_string_equal(str(c, "expected"), "fatal concurrent map writes");
    assert_string_equal(str(c, "observed"), "fatal concurrent map writes");
    assert_string_equal(str(c, "verdict"), "pass");
    json_t *run = json_array_get(json_object_get(c, "run_details"), 0);
    assert_string_equal(str(run, "exit"), "exit 2");
}

/* Each run's peak memory (wait4), and each detector's cost against the
 * native run of the same variant (cost.h): TSan and valgrind use more
 * memory than the plain build. */
static void test_cost(void **state)
{
    static const char *const dets[] = {"tsan", "tsan-gcc", "helgrind", "drd"};
    json_t *run = json_array_get(
        json_object_get(cell("racy", "native"), "run_details"), 0);
    assert_true(num(run, "maxrss_kb") > 0);
    assert_null(json_object_get(cell("racy", "native"), "cost"));
    for (size_t i = 0; i < 4; i++) {
        json_t *cost = json_object_get(cell("racy", dets[i]), "cost");
        assert_true(json_number_value(json_object_get(cost, "maxrss_x")) > 1.0);
        assert_true(json_number_value(json_object_get(cost, "wall_x")) > 0);
    }
    /* tsan, tsan-gcc, helgrind, drd and go-race (the Go twin) */
    assert_int_equal(json_array_size(json_object_get(results, "cost")), 5);
}

/* maprace rates --from the check's report: its forced runs, one row per
 * cell that expects something, none for the fixed variant. */
static void test_rates_from(void **state)
{
    char out[PATH_MAX], args[PATH_MAX * 2], path[PATH_MAX + 16];
    snprintf(out, sizeof(out), "%s/rates", tmp);
    snprintf(args, sizeof(args), "rates --from '%s/latest'", tmp);
    assert_int_equal(run_maprace("", args, out), 0);
    snprintf(path, sizeof(path), "%s.stdout", out);
    char *text = test_slurp(path);
    assert_non_null(text);
    assert_non_null(strstr(text, "| map-concurrent-writes/racy | tsan | race | "
                                 "not run | 1/1 = 100 % [21, 100] |\n"));
    assert_non_null(strstr(text, "| map-concurrent-writes/racy | native | "
                                 "fatal concurrent map writes | not run | "
                                 "1/1 = 100 % [21, 100] |\n"));
    assert_null(strstr(text, "/fixed"));
    free(text);
    snprintf(args, sizeof(args), "rates --from '%s/nonexistent'", tmp);
    assert_int_equal(run_maprace("", args, out), 2);
}

static void test_fixed_cells_clean(void **state)
{
    static const char *const all[] = {"native", "tsan", "tsan-gcc", "helgrind",
                                      "drd"};
    for (size_t i = 0; i < 5; i++) {
        json_t *c = cell("fixed", all[i]);
        assert_string_equal(str(c, "expected"), "clean");
        assert_string_equal(str(c, "observed"), "clean");
        assert_string_equal(str(c, "verdict"), "pass");
        assert_int_equal(json_array_size(json_object_get(c, "findings")), 0);
    }
}

/* The Go twin under Go's race detector: the real report, on the twin's
 * marked lines; the fixed twin clean. */
static void test_go_race_cells(void **state)
{
    json_t *c = cell("racy", gorace);
    assert_string_equal(str(c, "observed"), "race");
    assert_string_equal(str(c, "verdict"), "pass");
    json_t *run = json_array_get(json_object_get(c, "run_details"), 0);
    assert_true(!strcmp(str(run, "exit"), "exit 66") ||
                !strcmp(str(run, "exit"), "exit 2"));
    json_t *f = json_array_get(json_object_get(c, "findings"), 0);
    assert_string_equal(str(f, "kind"), "data-race");
    assert_string_equal(str(f, "detector"), gorace);
    json_t *frames = json_object_get(
        json_array_get(json_object_get(f, "accesses"), 0), "frames");
    json_t *top = json_array_get(frames, 0);
    assert_string_equal(str(top, "func"), "runtime.mapassign_fast64");
    json_t *fr;
    size_t m;
    bool marked = false;
    json_array_foreach(frames, m, fr)
    {
        json_t *mk = json_object_get(fr, "marker");
        if (mk) {
            marked = true;
            assert_non_null(strstr(str(fr, "file"), "racy.go"));
            assert_non_null(strstr(json_string_value(mk), "write m["));
        }
    }
    assert_true(marked);
    /* in the races: joined with the model's race (the same markers), Go's
     * evidence first, its runtime frame naming the model function */
    json_t *race = json_array_get(json_object_get(results, "races"), 0);
    json_t *dets = json_object_get(race, "detectors");
    assert_string_equal(str(json_array_get(dets, 0), "detector"), gorace);
    assert_true(json_array_size(dets) >= 5);
    json_t *gf = json_array_get(
        json_object_get(
            json_array_get(json_object_get(json_array_get(dets, 0), "accesses"),
                           0),
            "frames"),
        0);
    assert_string_equal(str(gf, "model"), "mapassign");
    c = cell("fixed", gorace);
    assert_string_equal(str(c, "observed"), "clean");
    assert_string_equal(str(c, "verdict"), "pass");
}

static void test_files(void **state)
{
    char path[PATH_MAX + 64], link[PATH_MAX];
    snprintf(path, sizeof(path), "%s/latest", tmp);
    ssize_t n = readlink(path, link, sizeof(link) - 1);
    assert_true(n > 0);
    link[n] = '\0';
    assert_string_equal(link, str(results, "run_id"));
    snprintf(path, sizeof(path), "%s/latest/summary.txt", tmp);
    char *summary = test_slurp(path);
    assert_non_null(summary);
    assert_non_null(strstr(summary, "map-concurrent-writes"));
    assert_non_null(strstr(summary, "12 cells: 12 pass"));
    /* the matrix says what each detector saw, the verdict as a mark (its
     * columns are as wide as the longest detector name: compare with the
     * blanks squeezed) */
    char *w = summary;
    for (const char *r = summary; *r; r++)
        if (*r != ' ' || w == summary || w[-1] != ' ')
            *w++ = *r;
    *w = '\0';
    assert_non_null(
        strstr(summary, "racy fatal \xe2\x9c\x93 race \xe2\x9c\x93"));
    assert_non_null(
        strstr(summary, "fixed clean \xe2\x9c\x93 clean \xe2\x9c\x93"));
    free(summary);
    /* the raw logs are kept, and results.json names them */
    json_t *run =
        json_array_get(json_object_get(cell("racy", "drd"), "run_details"), 0);
    const char *xml = str(json_object_get(run, "logs"), "xml");
    snprintf(path, sizeof(path), "%s/latest/%s", tmp, xml);
    char *text = test_slurp(path);
    assert_non_null(text);
    assert_non_null(strstr(text, "<valgrindoutput>"));
    free(text);
}

/* show and index.html draw each race: two lanes, the missing edge, the
 * forcing plan read from the source. */
static void test_diagrams(void **state)
{
    char out[PATH_MAX], args[PATH_MAX * 2], path[PATH_MAX + 64];
    snprintf(out, sizeof(out), "%s/show", tmp);
    snprintf(args, sizeof(args),
             "show --no-color --out '%s' "
             "map-concurrent-writes/racy",
             tmp);
    assert_int_equal(run_maprace("", args, out), 0);
    snprintf(path, sizeof(path), "%s.stdout", out);
    char *text = test_slurp(path);
    assert_non_null(text);
    static const char *const want[] = {
        "  A  thread ", "\xe2\x97\x8f write racy.c:57 assign_five",
        " no happens-before edge ",
        "forced: role2 waits at W_MAPASSIGN_ENTRY until role1 reaches "
        "W_MAPASSIGN_WRITING"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        if (!strstr(text, want[i]))
            fail_msg("no '%s' in show:\n%s", want[i], text);
    free(text);
    snprintf(path, sizeof(path), "%s/latest/index.html", tmp);
    text = test_slurp(path);
    assert_non_null(text);
    assert_non_null(strstr(text, "<svg class=\"interleaving\""));
    assert_non_null(strstr(text, "no happens-before edge"));
    assert_non_null(strstr(text, "forced: role2 waits at W_MAPASSIGN_ENTRY"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diagrams),
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_racy_cells),
        cmocka_unit_test(test_native_fatal),
        cmocka_unit_test(test_cost),
        cmocka_unit_test(test_rates_from),
        cmocka_unit_test(test_fixed_cells_clean),
        cmocka_unit_test(test_go_race_cells),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
