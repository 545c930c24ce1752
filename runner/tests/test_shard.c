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
#include "lib/util.h"

#include <jansson.h>
#include <regex.h>

/* `text` with every match of `pattern` replaced by `with`. */
static char *replace_all(const char *text, const char *pattern,
                         const char *with)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED))
        fail_msg("bad regex %s", pattern);
    struct strbuf sb = STRBUF_INIT;
    regmatch_t m;
    const char *p = text;
    while (!regexec(&re, p, 1, &m, p == text ? 0 : REG_NOTBOL) && m.rm_eo > 0) {
        strbuf_add(&sb, p, (size_t)m.rm_so);
        strbuf_addstr(&sb, with);
        p += m.rm_eo;
    }
    strbuf_addstr(&sb, p);
    regfree(&re);
    return strbuf_detach(&sb);
}

/* A report's text with what may differ between a full run and a merge
 * of its shards made equal: run ids, report folders, timings, the verb. */
static char *normalised(const char *text, const char *tmp)
{
    static const char *const subst[][2] = {
        {"[0-9]{8}T[0-9]{6}Z-[0-9]+", "ID"},
        {"/(full|merged|s[0-9])/", "/OUT/"},
        {" in [0-9]+\\.[0-9] s", " in T s"},
        {"maprace (check|merge)", "maprace VERB"},
        /* what differs from one run of a program to the next */
        {"0x[0-9a-fA-F]+", "0xADDR"},
        {"tid=[0-9]+", "tid=N"},
        {"\\.tsan\\.[0-9]+", ".tsan.PID"},
        {"==[0-9]+==", "==PID=="},
    };
    char *t = replace_all(text, tmp, "TMP");
    for (size_t i = 0; i < sizeof(subst) / sizeof(subst[0]); i++) {
        char *u = replace_all(t, subst[i][0], subst[i][1]);
        free(t);
        t = u;
    }
    return t;
}

/* results.json without what differs by design between a full run and a
 * merge (timing, ids, the shard and merge records) or between two runs of
 * a racy program (the detectors' stacks), normalised: the cells, their
 * runs' observations and verdicts, the cases, the races' ids, totals. */
static char *results_text(json_t *doc, const char *tmp)
{
    static const char *const drop[] = {
        "run_id",
        "started",
        "timing",
        "verb",
        "merged_from",
        "shard",
        "wall_s",
        "cpu_s",
        "maxrss_kb",
        "cost",
        "command",
        "pool_busy",
        /* what the detectors printed, which differs from one run of a
         * racy program to the next (which thread came first) */
        "findings",
        "accesses",
        "more",
        "access_pairs",
        "message",
        "location",
        "marked_line",
        "marker",
    };
    json_t *copy = json_deep_copy(doc);
    /* walk every object, depth first */
    json_t *stack[4096];
    size_t n = 0;
    stack[n++] = copy;
    while (n) {
        json_t *x = stack[--n];
        if (json_is_object(x)) {
            for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
                json_object_del(x, drop[i]);
            const char *k;
            json_t *v;
            json_object_foreach(x, k, v) if (n < 4096) stack[n++] = v;
        } else if (json_is_array(x)) {
            size_t i;
            json_t *v;
            json_array_foreach(x, i, v) if (n < 4096) stack[n++] = v;
        }
    }
    char *text = json_dumps(copy, JSON_INDENT(1) | JSON_SORT_KEYS);
    json_decref(copy);
    char *t = normalised(text, tmp);
    free(text);
    return t;
}

/* Fail with the first line where a and b differ. */
static void assert_same_text(const char *what, const char *a, const char *b)
{
    if (!strcmp(a, b))
        return;
    size_t i = 0, line = 1, start = 0;
    for (; a[i] && a[i] == b[i]; i++)
        if (a[i] == '\n') {
            line++;
            start = i + 1;
        }
    fail_msg("%s differs at line %zu:\n  full:   %.*s\n  merged: %.*s", what,
             line, (int)strcspn(a + start, "\n"), a + start,
             (int)strcspn(b + start, "\n"), b + start);
}

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
    /* each detector's cost over every cell, as the full run has it (a
     * shard alone lacks the native twin of some cells) */
    json_t *fc = json_object_get(full, "cost"),
           *mc = json_object_get(merged, "cost");
    assert_int_equal(json_array_size(mc), json_array_size(fc));
    for (size_t i = 0; i < json_array_size(fc); i++)
        assert_int_equal(
            json_integer_value(json_object_get(
                json_object_get(json_array_get(mc, i), "wall_x"), "cells")),
            json_integer_value(json_object_get(
                json_object_get(json_array_get(fc, i), "wall_x"), "cells")));
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
    /* the same matrix and summary as the full run's, from the same data:
     * the racy cell reads "race", not "clean" */
    snprintf(path, sizeof(path), "%s/summary.txt", full_dir);
    char *full_summary = test_slurp(path);
    assert_non_null(strstr(full_summary, "race \xe2\x9c\x93"));
    char *na = normalised(full_summary, tmp), *nb = normalised(summary, tmp);
    assert_same_text("summary.txt", na, nb);
    free(na);
    free(nb);
    free(full_summary);
    free(summary);
    /* the stdout of merge is that summary too */
    snprintf(path, sizeof(path), "%s/maprace.stdout", tmp);
    char *printed = test_slurp(path);
    assert_non_null(strstr(printed, "race \xe2\x9c\x93"));
    free(printed);
    /* results.json: the same but for timing, ids and the stacks */
    full = load_results_dir(full_dir);
    merged = load_results_dir(merged_dir);
    na = results_text(full, tmp);
    nb = results_text(merged, tmp);
    assert_same_text("results.json", na, nb);
    free(na);
    free(nb);
    json_decref(full);
    json_decref(merged);
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

/* A shard of a case.ini changed between the shards is refused, naming
 * the case: its cells would be judged against two expectations. */
static void test_changed_catalog_refused(void **state)
{
    char *tmp = test_tmpdir();
    char cmd[PATH_MAX * 3];
    snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s/cat'", fixture("good"), tmp);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(maprace(tmp,
                             "check --shard 1/2 -d native,tsan --cases "
                             "'%s/cat' --build '%s' --out '%s/s1' --no-color",
                             tmp, MAPRACE_BUILD, tmp),
                     0);
    /* the same names, another expectation */
    snprintf(cmd, sizeof(cmd),
             "sed -i 's/^native = miss .*/native = miss another reason/' "
             "'%s/cat/counter/case.ini'",
             tmp);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(maprace(tmp,
                             "check --shard 2/2 -d native,tsan --cases "
                             "'%s/cat' --build '%s' --out '%s/s2' --no-color",
                             tmp, MAPRACE_BUILD, tmp),
                     0);
    assert_int_equal(
        maprace(tmp, "merge --out '%s/m' '%s/s1' '%s/s2'", tmp, tmp, tmp), 2);
    const char *err = stderr_of(tmp);
    assert_non_null(strstr(err, "different contents of case counter"));
    assert_int_equal(strchr(err, '\n') - err + 1, (long)strlen(err));
    /* only the prose changed (no expectation): refused the same */
    assert_int_equal(maprace(tmp,
                             "check --shard 1/2 -d native,tsan --cases "
                             "'%s/cat' --build '%s' --out '%s/s1' --no-color",
                             tmp, MAPRACE_BUILD, tmp),
                     0);
    snprintf(cmd, sizeof(cmd),
             "sed -i 's/^why .*/why = reworded/' '%s/cat/counter/case.ini'",
             tmp);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(maprace(tmp,
                             "check --shard 2/2 -d native,tsan --cases "
                             "'%s/cat' --build '%s' --out '%s/s2' --no-color",
                             tmp, MAPRACE_BUILD, tmp),
                     0);
    assert_int_equal(
        maprace(tmp, "merge --out '%s/m' '%s/s1' '%s/s2'", tmp, tmp, tmp), 2);
    assert_non_null(
        strstr(stderr_of(tmp), "different contents of case counter"));
    test_rmdir(tmp);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changed_catalog_refused),
        cmocka_unit_test(test_bad_shard_options),
        cmocka_unit_test(test_shards_merge_to_one_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
