/*
 * test_shard.c - `maprace check --shard K/N` and `maprace merge DIR...`:
 * three shards merged are one full run (the same cells, the same
 * verdicts, every report file), a missing or doubled shard is refused,
 * bad --shard values are usage errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "results-test.h"
#include "runner-test.h"
#include "util.h"

#include <jansson.h>

/* "case/variant detector verdict observed" of every cell, one a line. */
static char *cell_lines(json_t *res)
{
    struct strbuf sb = STRBUF_INIT;
    json_t *c;
    size_t i;
    json_array_foreach(json_object_get(res, "cells"), i, c)
    {
        strbuf_addf(&sb, "%s/%s %s %s %s\n",
                    json_string_value(json_object_get(c, "case")),
                    json_string_value(json_object_get(c, "variant")),
                    json_string_value(json_object_get(c, "detector")),
                    json_string_value(json_object_get(c, "verdict")),
                    json_string_value(json_object_get(c, "expected")));
    }
    return strbuf_detach(&sb);
}

/* Run `maprace args` from the root; its exit status. */
static int maprace(const char *tmp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int maprace(const char *tmp, const char *fmt, ...)
{
    char args[PATH_MAX * 4], out[PATH_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof(args), fmt, ap);
    va_end(ap);
    snprintf(out, sizeof(out), "%s/maprace", tmp);
    return run_maprace("", args, out);
}

static const char *stderr_of(const char *tmp)
{
    static char *text;
    char path[PATH_MAX + 32];
    free(text);
    snprintf(path, sizeof(path), "%s/maprace.stderr", tmp);
    text = test_slurp(path);
    return text ? text : "";
}

static void test_shards_merge_to_one_run(void **state)
{
    char *tmp = test_tmpdir();
    const char *cat = fixture("good");
    /* one full run */
    assert_int_equal(maprace(tmp,
                             "check --cases '%s' --build '%s' --out '%s/full' "
                             "--no-color",
                             cat, MAPRACE_BUILD, tmp),
                     0);
    /* three shards: together every cell once */
    size_t cells = 0;
    for (int k = 1; k <= 3; k++) {
        assert_int_equal(maprace(tmp,
                                 "check --shard %d/3 --cases '%s' --build '%s' "
                                 "--out '%s/s%d' --no-color",
                                 k, cat, MAPRACE_BUILD, tmp, k),
                         0);
        char dir[PATH_MAX + 32];
        snprintf(dir, sizeof(dir), "%s/s%d/latest", tmp, k);
        json_t *res = load_results_dir(dir);
        size_t n = json_array_size(json_object_get(res, "cells"));
        assert_true(n >= 1 && n <= 2); /* 5 cells in 3 shards */
        cells += n;
        json_decref(res);
    }
    assert_int_equal(cells, 5);
    assert_int_equal(maprace(tmp,
                             "merge --out '%s/merged' '%s/s1/latest' "
                             "'%s/s2/latest' '%s/s3'",
                             tmp, tmp, tmp, tmp),
                     0);
    char full_dir[PATH_MAX + 32], merged_dir[PATH_MAX + 32];
    snprintf(full_dir, sizeof(full_dir), "%s/full/latest", tmp);
    snprintf(merged_dir, sizeof(merged_dir), "%s/merged/latest", tmp);
    json_t *full = load_results_dir(full_dir),
           *merged = load_results_dir(merged_dir);
    char *a = cell_lines(full), *b = cell_lines(merged);
    assert_string_equal(a, b);
    assert_true(json_equal(json_object_get(full, "totals"),
                           json_object_get(merged, "totals")));
    assert_int_equal(json_array_size(json_object_get(merged, "races")),
                     json_array_size(json_object_get(full, "races")));
    assert_true(json_is_true(json_object_get(merged, "complete")));
    assert_string_equal(json_string_value(json_object_get(merged, "verb")),
                        "merge");
    free(a);
    free(b);
    json_decref(full);
    json_decref(merged);
    /* every report file, and the raw logs the cells name */
    static const char *const files[] = {
        "summary.txt",   "index.html", "junit.xml",
        "results.sarif", "summary.md", "raw/counter/racy.tsan.r1.stdout"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[PATH_MAX * 2];
        snprintf(path, sizeof(path), "%s/%s", merged_dir, files[i]);
        if (access(path, R_OK))
            fail_msg("merged report lacks %s", files[i]);
    }
    char path[PATH_MAX * 2];
    snprintf(path, sizeof(path), "%s/summary.txt", merged_dir);
    char *summary = test_slurp(path);
    assert_non_null(summary);
    assert_memory_equal(summary, "maprace merge:", 14);
    free(summary);
    snprintf(path, sizeof(path), "%s/junit.xml", merged_dir);
    char *junit = test_slurp(path);
    size_t testcases = 0;
    for (const char *p = junit; (p = strstr(p, "<testcase ")); p++)
        testcases++;
    assert_int_equal(testcases, 5);
    free(junit);

    /* a shard missing, a shard twice */
    assert_int_equal(
        maprace(tmp, "merge --out '%s/m2' '%s/s1' '%s/s2'", tmp, tmp, tmp), 2);
    assert_non_null(strstr(stderr_of(tmp), "shard 3/3"));
    assert_int_equal(maprace(tmp,
                             "merge --out '%s/m2' '%s/s1' '%s/s2' '%s/s3' "
                             "'%s/s2'",
                             tmp, tmp, tmp, tmp, tmp),
                     2);
    assert_non_null(strstr(stderr_of(tmp), "twice"));
    /* a full run is not a shard of another */
    assert_int_equal(maprace(tmp,
                             "merge --out '%s/m2' '%s/s1' '%s/s2' '%s/s3' "
                             "'%s/full'",
                             tmp, tmp, tmp, tmp, tmp),
                     2);
    test_rmdir(tmp);
    free(tmp);
}

static void test_bad_shard_options(void **state)
{
    char *tmp = test_tmpdir();
    static const char *const bad[] = {"0/3", "4/3", "1/0", "x",
                                      "1/",  "/3",  "2/3x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = maprace(tmp, "check --shard '%s' --cases '%s' --out '%s'",
                         bad[i], fixture("good"), tmp);
        if (rc != 2)
            fail_msg("--shard %s: exit %d, want 2", bad[i], rc);
        assert_non_null(strstr(stderr_of(tmp), "--shard"));
    }
    /* more shards than cells: an empty shard is fine, and says so */
    assert_int_equal(maprace(tmp,
                             "check --shard 7/9 -d native --cases '%s' "
                             "--build '%s' --out '%s'",
                             fixture("good"), MAPRACE_BUILD, tmp),
                     0);
    assert_int_equal(maprace(tmp, "merge --out '%s' /nonexistent/shard", tmp),
                     2);
    test_rmdir(tmp);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_shard_options),
        cmocka_unit_test(test_shards_merge_to_one_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
