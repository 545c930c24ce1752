/*
 * test_check_docs.c - scripts/check-docs on a small repository made in a
 * temporary folder (a git repository, as check-docs reads the history):
 * a clean one passes; a referenced line that moves, a reference outside
 * its function and a detector table that disagrees with case.ini fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "runner-test.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_repository_passes),
        cmocka_unit_test(test_a_moved_line_fails),
        cmocka_unit_test(test_fix_rewrites_moved_lines),
        cmocka_unit_test(test_a_reference_outside_its_function_fails),
        cmocka_unit_test(test_a_table_that_disagrees_fails),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
