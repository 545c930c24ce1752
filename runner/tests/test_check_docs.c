/*
 * test_check_docs.c - scripts/check-docs on a small repository made in a
 * temporary folder (a git repository, as check-docs reads the history):
 * a clean one passes; a referenced line that moves, a reference outside
 * its function, a detector table that disagrees with case.ini, a
 * benchmark figure that disagrees with docs/benchmarks.md and a stale
 * count of detectors, cases or cells fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "runner-test.h"

#include "engine/detectors.h"

static char *repo;
static bool fix_mode;

static void put(const char *rel, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", repo, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    assert_int_equal(mkdir_p(path), 0);
    *slash = '/';
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char model_c[] = "/* x.c */\n"
                              "int f(int a)\n"
                              "{\n"
                              "    int b = a + 1;\n"
                              "    return b * 2;\n"
                              "}\n"
                              "\n"
                              "int g(void)\n"
                              "{\n"
                              "    return 3;\n"
                              "}\n";

static const char case_ini[] = "[case]\n"
                               "title = t\n"
                               "go = g\n"
                               "article = 1\n"
                               "family = map\n"
                               "why = w\n"
                               "[racy]\n"
                               "expect = race\n"
                               "native = fatal concurrent map writes\n";

static const char racy_c[] = "int main(void)\n"
                             "{\n"
                             "    return 0; /* RACE: r */\n"
                             "}\n";

static const char readme[] =
    "# c\n"
    "\n"
    "| variant | native | tsan | tsan-gcc | helgrind | drd |\n"
    "|---|---|---|---|---|---|\n"
    "| `racy` | `fatal error: concurrent map writes` | race | race | race "
    "| race |\n"
    "\n"
    "    #0 f /somewhere/model/x.c:5:12 (racy+0x1)\n"
    "    at 0x1: main (racy.c:3)\n";

/* Run check-docs on the repository; its exit status, stdout in *out. */
static int check_docs(char **out)
{
    char cmd[PATH_MAX * 3], log[PATH_MAX];
    snprintf(log, sizeof(log), "%s.log", repo);
    snprintf(cmd, sizeof(cmd),
             "'%s/host/scripts/check-docs' %s '%s' >'%s' 2>&1", test_build(),
             fix_mode ? "--fix" : "", repo, log);
    unblock_signals();
    int st = system(cmd);
    *out = test_slurp(log);
    if (*out && getenv("TEST_VERBOSE"))
        fputs(*out, stderr);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Remove a file of the repository. */
static void unlink_test_file(const char *rel)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", repo, rel);
    assert_int_equal(unlink(path), 0);
}

static void git(const char *args)
{
    char cmd[PATH_MAX * 2];
    snprintf(cmd, sizeof(cmd), "cd '%s' && git %s >/dev/null 2>&1", repo, args);
    unblock_signals();
    assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
    repo = test_tmpdir();
    put("model/x.c", model_c);
    put("cases/c/case.ini", case_ini);
    put("cases/c/racy.c", racy_c);
    put("cases/c/README.md", readme);
    put("README.md", "# r\n\nthe frame `g model/x.c:10` returns 3\n");
    put("cases/README.md", "# cases\n");
    put("docs/a.md", "# a\n");
    git("init -q");
    git("-c user.name=t -c user.email=t@t add -A");
    git("-c user.name=t -c user.email=t@t commit -q -m one");
    return 0;
}

static int teardown(void **state)
{
    test_rmdir(repo);
    free(repo);
    return 0;
}

static void test_clean_repository_passes(void **state)
{
    char *out;
    assert_int_equal(check_docs(&out), 0);
    assert_non_null(strstr(out, "3 function path:line references"));
    assert_non_null(strstr(out, "1 detector tables"));
    free(out);
}

static void test_a_moved_line_fails(void **state)
{
    char *out;
    char moved[sizeof(model_c) + 64];
    snprintf(moved, sizeof(moved), "/* one more line */\n%s", model_c);
    put("model/x.c", moved);
    assert_int_equal(check_docs(&out), 1);
    assert_non_null(strstr(out, "cases/c/README.md:7: `f /somewhere/model/"
                                "x.c:5`: line 5 of model/x.c moved"));
    assert_non_null(strstr(out, "now line 6"));
    free(out);
    put("model/x.c", model_c);
    assert_int_equal(check_docs(&out), 0);
    free(out);
}

/* --fix rewrites the numbers of the lines that moved, and only those. */
static void test_fix_rewrites_moved_lines(void **state)
{
    char *out, moved[sizeof(model_c) + 64], path[PATH_MAX];
    snprintf(moved, sizeof(moved), "/* one more line */\n%s", model_c);
    put("model/x.c", moved);
    fix_mode = true;
    int rc = check_docs(&out);
    fix_mode = false;
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "moved to line 6: fixed"));
    free(out);
    snprintf(path, sizeof(path), "%s/cases/c/README.md", repo);
    char *text = test_slurp(path);
    assert_non_null(strstr(text, "#0 f /somewhere/model/x.c:6:12 (racy+0x1)"));
    assert_non_null(strstr(text, "main (racy.c:3)"));
    free(text);
    assert_int_equal(check_docs(&out), 0);
    free(out);
    put("model/x.c", model_c);
    put("cases/c/README.md", readme);
    put("README.md", "# r\n\nthe frame `g model/x.c:10` returns 3\n");
}

static void test_a_reference_outside_its_function_fails(void **state)
{
    char *out;
    put("docs/a.md", "# a\n\nsee `f model/x.c:10`\n");
    assert_int_equal(check_docs(&out), 1);
    assert_non_null(strstr(out, "docs/a.md:3: `f model/x.c:10`: line 10 of "
                                "model/x.c is in g"));
    free(out);
    put("docs/a.md", "# a\n");
}

static void test_a_table_that_disagrees_fails(void **state)
{
    char *out, *bad = strdup(readme);
    char *drd = strstr(bad, "| race |\n");
    memcpy(drd, "| miss |\n", 9);
    put("cases/c/README.md", bad);
    assert_int_equal(check_docs(&out), 1);
    assert_non_null(strstr(out, "c/racy drd: the README says miss, case.ini "
                                "(line 8) expects race"));
    free(out);
    put("cases/c/README.md", "# c\n");
    assert_int_equal(check_docs(&out), 1);
    assert_non_null(strstr(out, "no table of what each detector says"));
    free(out);
    put("cases/c/README.md", readme);
    free(bad);
}

static const char bench_md[] = "# b\n"
                               "\n"
                               "| | design | 90/10, 1 K keys |\n"
                               "|---|---|---|\n"
                               "| Go | mutex | 44 [40, 47] |\n"
                               "| Go | rwmutex | 36 [35, 36] |\n"
                               "\n"
                               "The RWMutex map took 36 [35, 36] ns.\n";

/* A figure quoted from docs/benchmarks.md: passes as it is there, fails
 * when either the quote or the table changes. */
static void test_a_changed_benchmark_figure_fails(void **state)
{
    char *out;
    put("docs/benchmarks.md", bench_md);
    put("docs/a.md", "# a\n\nRWMutex against Mutex (docs/benchmarks.md): "
                     "36 [35, 36]\nagainst 44 [40, 47] ns.\n");
    assert_int_equal(check_docs(&out), 0);
    assert_non_null(strstr(out, "3 benchmark figures"));
    free(out);
    put("docs/a.md", "# a\n\nRWMutex against Mutex (docs/benchmarks.md): "
                     "36 [35, 36]\nagainst 34 [40, 47] ns.\n");
    assert_int_equal(check_docs(&out), 1);
    assert_non_null(strstr(out, "docs/a.md:4: `34 [40, 47]`: no cell of the "
                                "measured tables of docs/benchmarks.md"));
    free(out);
    /* the table changes under an unchanged quote */
    put("docs/a.md", "# a\n\nRWMutex (docs/benchmarks.md): 36 [35, 36]\n");
    char *bench = strdup(bench_md);
    memcpy(strstr(bench, "| 36 [35, 36] |"), "| 37 [35, 36] |", 15);
    put("docs/benchmarks.md", bench);
    assert_int_equal(check_docs(&out), 1);
    assert_non_null(strstr(out, "docs/a.md:3: `36 [35, 36]`"));
    assert_non_null(strstr(out, "docs/benchmarks.md:8: `36 [35, 36]`"));
    free(out);
    free(bench);
    unlink_test_file("docs/benchmarks.md");
    put("docs/a.md", "# a\n");
}

/* Counts of today: the detector table's, the catalog's; a past run's
 * cells: what its command has today. */
static const char arch_md[] =
    "# a\n\n## The runner in layers\n\n### `lib/`: l\n\n"
    "| file | what |\n|---|---|\n| `lib/a.c`, `lib/a.h` | a |\n\n"
    "### `cmd/`: c\n\n| file | what |\n|---|---|\n| `cmd/v.c` | v |\n\n"
    "### `main.c`: m\n\n| file | what |\n|---|---|\n| `main.c` | m |\n\n"
    "## Next\n\n| `lib/z.c` | outside the map: not checked |\n";

static void test_the_runner_file_map(void **state)
{
    char *out;
    put("Makefile", "RUNNER_LAYERS := lib cmd\n");
    put("runner/lib/a.c", "int a;\n");
    put("runner/lib/a.h", "int a;\n");
    put("runner/cmd/v.c", "int v;\n");
    put("runner/main.c", "int main(void) { return 0; }\n");
    put("docs/architecture.md", arch_md);
    assert_int_equal(check_docs(&out), 0);
    assert_non_null(strstr(out, "4 runner files with their layers"));
    free(out);
    /* a new file not in the map */
    put("runner/cmd/w.c", "int w;\n");
    assert_int_equal(check_docs(&out), 1);
    assert_non_null(strstr(out, "runner/cmd/w.c is not in the map"));
    free(out);
    unlink_test_file("runner/cmd/w.c");
    /* a file listed under another layer's heading */
    char *moved = xstrdup(arch_md);
    char *at = strstr(moved, "`cmd/v.c`");
    memcpy(at, "`lib/v.c`", 9);
    put("docs/architecture.md", moved);
    put("runner/lib/v.c", "int v;\n");
    assert_int_equal(check_docs(&out), 1);
    assert_non_null(strstr(out, "`lib/v.c` is listed under the layer `cmd`"));
    assert_non_null(strstr(out, "runner/cmd/v.c is not in the map"));
    free(out);
    free(moved);
    unlink_test_file("runner/lib/v.c");
    /* a file listed and gone */
    put("docs/architecture.md", arch_md);
    unlink_test_file("runner/lib/a.h");
    assert_int_equal(check_docs(&out), 1);
    assert_non_null(
        strstr(out, "`lib/a.h` is listed but there is no runner/lib/a.h"));
    free(out);
    /* the layers in another order than the Makefile's */
    put("runner/lib/a.h", "int a;\n");
    put("Makefile", "RUNNER_LAYERS := cmd lib\n");
    assert_int_equal(check_docs(&out), 1);
    assert_non_null(strstr(out, "is not the next layer of RUNNER_LAYERS"));
    free(out);
}

static void test_a_stale_count_fails(void **state)
{
    char *out, text[512];
    int cells = 0;
    for (int d = 0; d < DET_COUNT; d++)
        cells += !detector_row(d)->go_twin; /* racy has no Go twin */
    snprintf(text, sizeof(text),
             "# a\n\nEvery case runs under %d detectors; there is 1 case,\n"
             "with 1 variants.\n\n`maprace check c --runs 3` (run\n"
             "20261129T144539Z, %d cells): as expected.\n",
             DET_COUNT, cells);
    put("docs/a.md", text);
    assert_int_equal(check_docs(&out), 0);
    assert_non_null(strstr(out, "3 counts"));
    free(out);
    /* a detector added to the table, the doc not updated */
    snprintf(text, sizeof(text), "# a\n\nEvery case runs under %d detectors.\n",
             DET_COUNT - 1);
    put("docs/a.md", text);
    assert_int_equal(check_docs(&out), 1);
    snprintf(text, sizeof(text),
             "docs/a.md:3: the paragraph says %d detectors; there are %d",
             DET_COUNT - 1, DET_COUNT);
    assert_non_null(strstr(out, text));
    free(out);
    put("docs/a.md", "# a\n\nThe 2 cases of the catalog.\n");
    assert_int_equal(check_docs(&out), 1);
    assert_non_null(strstr(out, "says 2 cases; there are 1"));
    free(out);
    /* the same words in a record of a past run are that run's */
    put("docs/a.md", "# a\n\nOn 2026-11-29, 2 cases under 5 detectors.\n");
    assert_int_equal(check_docs(&out), 0);
    free(out);
    /* a list of every detector that leaves one out */
    put("docs/a.md", "# a\n\nUnder every detector (`native`, `tsan`).\n");
    assert_int_equal(check_docs(&out), 1);
    assert_non_null(strstr(out, "leaves out tsan-gcc"));
    free(out);
    /* a record whose cells its command no longer has */
    snprintf(text, sizeof(text),
             "# a\n\n`maprace check c` (run 20261129T144539Z, %d cells).\n",
             cells + 1);
    put("docs/a.md", text);
    assert_int_equal(check_docs(&out), 1);
    snprintf(
        text, sizeof(text),
        "the paragraph says %d cells; `maprace check c` has %d cells today",
        cells + 1, cells);
    assert_non_null(strstr(out, text));
    free(out);
    put("docs/a.md", "# a\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_repository_passes),
        cmocka_unit_test(test_a_moved_line_fails),
        cmocka_unit_test(test_fix_rewrites_moved_lines),
        cmocka_unit_test(test_a_reference_outside_its_function_fails),
        cmocka_unit_test(test_a_table_that_disagrees_fails),
        cmocka_unit_test(test_a_changed_benchmark_figure_fails),
        cmocka_unit_test(test_a_stale_count_fails),
        cmocka_unit_test(test_the_runner_file_map),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
