/*
 * test_options.c - the one options parser of every verb (cmd/options.h):
 * parse_options() on a verb table of its own, then the real maprace: an
 * option of another verb is refused by each verb (one line, exit 2),
 * every option a verb's --help lists is accepted by it, `maprace help
 * VERB` is `maprace VERB --help`, and the run options assembled once
 * (cli_run_opts) read the environment for every verb that runs: a bad
 * $MAPRACE_OUTPUT_CAP is refused by run, try and grade alike, and try
 * cuts a chatty program's output at the cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "runner-test.h"
#include "cmd/options.h"
#include "lib/exit.h"
#include "lib/util.h"

#include <fcntl.h>
#include <jansson.h>
#include <unistd.h>

static const struct verb_option fake_options[] = {
    {OPT_RUNS, NULL},
    {OPT_VARIANT, NULL},
    {OPT_DETECTORS, "the detectors, fake help"},
    {OPT_NO_COLOR, NULL},
    {OPT_COUNT, NULL},
};

static const struct verb_spec fake_spec = {
    .name = "fake",
    .synopsis = "usage: maprace fake [options] [THING...]\n",
    .what = "A verb of the test.\n",
    .options = fake_options,
    .more = "exit codes: 0 always.\n",
};

/* parse_options() on argv (a NULL-ended list), stderr kept in *err. */
static enum parse_result parse(const char *const *args, struct cli *a,
                               char **err)
{
    static char *argv[32]; /* a->pos points into it */
    int argc = 0;
    while (args[argc]) {
        argv[argc] = (char *)args[argc];
        argc++;
    }
    argv[argc] = NULL;
    char *tmp = test_tmpdir();
    char *path = path_join(tmp, "stderr");
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    close(fd);
    enum parse_result r = parse_options(argc, argv, &fake_spec, a);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    *err = test_slurp(path);
    assert_non_null(*err);
    free(path);
    test_rmdir(tmp);
    free(tmp);
    return r;
}

static void test_parse_accepted(void **state)
{
    static const char *const args[] = {
        "fake", "--runs", "3",   "one", "--variant", "racy,fixed",
        "-d",   "tsan",   "two", "--",  "--runs",    NULL};
    struct cli a;
    char *err;
    assert_int_equal(parse(args, &a, &err), PARSE_OK);
    assert_string_equal(err, "");
    assert_int_equal(a.runs, 3);
    assert_true(a.given[OPT_RUNS] && a.given[OPT_VARIANT]);
    assert_false(a.given[OPT_NO_COLOR] || a.given[OPT_JOBS]);
    assert_int_equal(a.nr_variants, 2);
    assert_string_equal(a.variants[1], "fixed");
    assert_string_equal(a.detectors, "tsan");
    /* options and arguments in any order; "--" ends the options */
    assert_int_equal(a.nr_pos, 3);
    assert_string_equal(a.pos[0], "one");
    assert_string_equal(a.pos[1], "two");
    assert_string_equal(a.pos[2], "--runs");
    assert_true(a.timeout == 60 && a.jobs == 0 && !a.no_color);
    cli_release(&a);
    free(err);
}

/* Each refusal: PARSE_ERROR (exit 2) and one line saying `want`. */
static void test_parse_refused(void **state)
{
    static const struct {
        const char *args[6];
        const char *want;
    } bad[] = {
        {{"fake", "--arch", "x86-64", NULL},
         "maprace: option --arch does not apply to fake (see maprace fake "
         "--help)\n"},
        {{"fake", "x", "-j", "2", NULL},
         "maprace: option -j does not apply to fake (see maprace fake "
         "--help)\n"},
        {{"fake", "--frobnicate", NULL},
         "maprace: unknown option --frobnicate (see maprace fake --help)\n"},
        {{"fake", "-q", NULL},
         "maprace: unknown option -q (see maprace fake --help)\n"},
        {{"fake", "--runs", NULL}, "maprace: option --runs needs a value\n"},
        {{"fake", "--no-color=yes", NULL},
         "maprace: option --no-color takes no value\n"},
        {{"fake", "--runs", "0", NULL},
         "maprace: bad value '0' for --runs (want an integer >= 1)\n"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct cli a;
        char *err;
        enum parse_result r = parse(bad[i].args, &a, &err);
        if (r != PARSE_ERROR || strcmp(err, bad[i].want))
            fail_msg("%s %s: got %d '%s', want '%s'", bad[i].args[1],
                     bad[i].args[2] ? bad[i].args[2] : "", r, err, bad[i].want);
        assert_int_equal(parse_exit(r), EXIT_USAGE);
        cli_release(&a);
        free(err);
    }
}

/* --help: the verb's help from its table, on stdout; exit 0. */
static void test_help_from_table(void **state)
{
    char *tmp = test_tmpdir();
    char *path = path_join(tmp, "help");
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    verb_help(fp, &fake_spec);
    fclose(fp);
    char *h = test_slurp(path);
    assert_non_null(h);
    assert_true(starts_with(h, "usage: maprace fake [options] [THING...]\n"
                               "\nA verb of the test.\n\noptions:\n"));
    assert_non_null(strstr(h, "\n      --runs N          runs per cell"));
    assert_non_null(strstr(h, "\n  -d, --detectors LIST  the detectors, "
                              "fake help\n"));
    assert_non_null(strstr(h, "\n  -h, --help            this help\n"));
    assert_true(ends_with(h, "\n\nexit codes: 0 always.\n"));
    /* only the table's options */
    assert_null(strstr(h, "--jobs"));
    assert_null(strstr(h, "--arch"));
    /* every line fits a terminal */
    for (char *s = h; *s; s += strcspn(s, "\n") + 1)
        if (strcspn(s, "\n") > 78)
            fail_msg("help line too long: %.*s", (int)strcspn(s, "\n"), s);
    free(h);
    static const char *const args[] = {"fake", "--runs", "2", "-h", NULL};
    struct cli a;
    char *err;
    fflush(stdout);
    int saved = dup(1), fd = open("/dev/null", O_WRONLY);
    dup2(fd, 1);
    enum parse_result r = parse(args, &a, &err);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(fd);
    assert_int_equal(r, PARSE_HELP);
    assert_int_equal(parse_exit(r), EXIT_OK);
    cli_release(&a);
    free(err);
    free(path);
    test_rmdir(tmp);
    free(tmp);
}

static const char *const verbs[] = {
    "list",   "run",   "check", "merge", "show",     "explain",
    "doctor", "rates", "try",   "asm",   "fidelity", "grade",
};
enum { NR_VERBS = sizeof(verbs) / sizeof(verbs[0]) };

/* maprace with args: exit code, stdout and stderr. */
static int maprace(const char *env, const char *args, char **out, char **err)
{
    static int n;
    char *tmp = test_tmpdir();
    char base[PATH_MAX], path[PATH_MAX + 16];
    snprintf(base, sizeof(base), "%s/m%d", tmp, n++);
    int rc = run_maprace(env, args, base);
    snprintf(path, sizeof(path), "%s.stdout", base);
    *out = test_slurp(path);
    snprintf(path, sizeof(path), "%s.stderr", base);
    *err = test_slurp(path);
    assert_true(*out && *err);
    test_rmdir(tmp);
    free(tmp);
    return rc;
}

/* The long options a --help lists, with a value each takes ("" for a
 * flag), into names/values (at most max). */
static size_t help_options(const char *h, char names[][32], char values[][8],
                           size_t max)
{
    size_t n = 0;
    const char *s = strstr(h, "\noptions:\n");
    assert_non_null(s);
    for (s += 10; *s == ' ' && n < max; s += strcspn(s, "\n") + 1) {
        const char *o = strstr(s, "--");
        if (!o || o > s + 10)
            continue; /* a help text goes on */
        char arg[16] = "";
        if (sscanf(o + 2, "%31[a-z-] %15[A-Z/]", names[n], arg) < 1)
            fail_msg("bad option line: %.*s", (int)strcspn(s, "\n"), s);
        if (!strcmp(names[n], "help"))
            continue;
        snprintf(values[n], 8, "%s",
                 !*arg                                    ? ""
                 : !strcmp(arg, "N") || !strcmp(arg, "S") ? "1"
                                                          : "x");
        n++;
    }
    return n;
}

/* Every verb: --help works and lists its options; each option it lists
 * is accepted; every option of the other verbs that it does not list is
 * refused with one line and exit 2. */
static void test_each_verb_refuses_the_others(void **state)
{
    static char names[NR_VERBS][24][32], values[NR_VERBS][24][8];
    size_t nr[NR_VERBS];
    for (size_t v = 0; v < NR_VERBS; v++) {
        char args[64], *out, *err;
        snprintf(args, sizeof(args), "%s --help", verbs[v]);
        int rc = maprace("", args, &out, &err);
        if (rc || *err)
            fail_msg("maprace %s: exit %d, %s", args, rc, err);
        char want[64];
        snprintf(want, sizeof(want), "usage: maprace %s ", verbs[v]);
        assert_true(starts_with(out, want));
        assert_non_null(strstr(out, "  -h, --help "));
        assert_non_null(strstr(out, "exit codes:"));
        nr[v] = help_options(out, names[v], values[v], 24);
        free(out);
        free(err);
        /* `maprace help VERB` says the same */
        snprintf(args, sizeof(args), "help %s", verbs[v]);
        char *out2, *err2;
        assert_int_equal(maprace("", args, &out2, &err2), 0);
        snprintf(args, sizeof(args), "%s --help", verbs[v]);
        assert_int_equal(maprace("", args, &out, &err), 0);
        assert_string_equal(out, out2);
        free(out);
        free(err);
        free(out2);
        free(err2);
    }
    /* every option of some verb, once */
    static char all[64][32], all_values[64][8];
    size_t nr_all = 0;
    for (size_t w = 0; w < NR_VERBS; w++)
        for (size_t k = 0; k < nr[w]; k++) {
            size_t m = 0;
            while (m < nr_all && strcmp(all[m], names[w][k]))
                m++;
            if (m == nr_all && nr_all < 64) {
                strcpy(all[nr_all], names[w][k]);
                strcpy(all_values[nr_all++], values[w][k]);
            }
        }
    assert_true(nr_all >= 18);
    size_t refused = 0;
    for (size_t v = 0; v < NR_VERBS; v++) {
        for (size_t k = 0; k < nr_all; k++) {
            bool mine = false;
            for (size_t m = 0; m < nr[v]; m++)
                mine |= !strcmp(names[v][m], all[k]);
            char args[160], *out, *err;
            /* --help last: an accepted option leads to the help */
            snprintf(args, sizeof(args), "%s --%.31s %.7s --help", verbs[v],
                     all[k], all_values[k]);
            int rc = maprace("", args, &out, &err);
            if (mine && (rc || *err))
                fail_msg("maprace %s: exit %d, %s", args, rc, err);
            if (!mine) {
                char want[160];
                snprintf(want, sizeof(want),
                         "maprace: option --%.31s does not apply to %s "
                         "(see maprace %s --help)\n",
                         all[k], verbs[v], verbs[v]);
                if (rc != 2 || strcmp(err, want) || *out)
                    fail_msg("maprace %s: exit %d, stderr '%s', want 2 "
                             "and '%s'",
                             args, rc, err, want);
                refused++;
            }
            free(out);
            free(err);
        }
    }
    /* each verb refused something: no verb takes every option */
    assert_true(refused >= NR_VERBS);
}

/* The example: run ignored all three. */
static void test_run_refuses_arch(void **state)
{
    char *out, *err;
    int rc =
        maprace("", "run --arch sparc --from nowhere --all-frames", &out, &err);
    assert_int_equal(rc, 2);
    assert_string_equal(err, "maprace: option --arch does not apply to run "
                             "(see maprace run --help)\n");
    assert_string_equal(out, "");
    free(out);
    free(err);
    rc = maprace("", "run --arch x", &out, &err);
    assert_int_equal(rc, 2);
    assert_string_equal(err, "maprace: option --arch does not apply to run "
                             "(see maprace run --help)\n");
    free(out);
    free(err);
    /* options go after the verb */
    rc = maprace("", "--json list", &out, &err);
    assert_int_equal(rc, 2);
    assert_true(starts_with(err, "maprace: unknown option --json"));
    assert_int_equal(strchr(err, '\n') - err + 1, (long)strlen(err));
    free(out);
    free(err);
}

/* cli_run_opts reads $MAPRACE_OUTPUT_CAP for every verb that runs: a bad
 * one is a usage error before anything is built. */
static void test_output_cap_read_by_every_runner(void **state)
{
    /* a build folder of its own: grade writes its catalog there, and
     * another test may be grading in build/ at the same time */
    static const char *const args[] = {
        "run -d native --cases runner/tests/cases/chatty",
        "try runner/tests/progs/clean.c -d native",
        "grade map-concurrent-writes cases/map-concurrent-writes/fixed.c",
    };
    char *tmp = test_tmpdir();
    for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
        char cmd[PATH_MAX * 2], *out, *err;
        snprintf(cmd, sizeof(cmd), "%s --build '%s/build'", args[i], tmp);
        int rc = maprace("MAPRACE_OUTPUT_CAP=lots", cmd, &out, &err);
        if (rc != 2 || !strstr(err, "maprace: bad MAPRACE_OUTPUT_CAP 'lots' "
                                    "(want bytes > 0)\n"))
            fail_msg("maprace %s: exit %d, %s", cmd, rc, err);
        free(out);
        free(err);
    }
    test_rmdir(tmp);
    free(tmp);
}

/* try cuts a program's output at $MAPRACE_OUTPUT_CAP, as run does. */
static void test_try_output_cap(void **state)
{
    char *tmp = test_tmpdir();
    char args[PATH_MAX * 2], *out, *err;
    snprintf(args, sizeof(args),
             "try runner/tests/cases/chatty/chatty/racy.c -d native "
             "--format none --build '%s' --out '%s'",
             MAPRACE_BUILD, tmp);
    int rc = maprace("MAPRACE_OUTPUT_CAP=65536", args, &out, &err);
    if (rc)
        fail_msg("maprace %s: exit %d\n%s\n%s", args, rc, out, err);
    assert_non_null(strstr(out, "output cut at 65536 bytes"));
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/latest/results.json", tmp);
    json_error_t jerr;
    json_t *res = json_load_file(path, 0, &jerr);
    if (!res)
        fail_msg("%s: %s", path, jerr.text);
    json_t *notes = json_object_get(res, "notes");
    bool said = false;
    for (size_t i = 0; i < json_array_size(notes); i++)
        said |= strstr(json_string_value(json_array_get(notes, i)),
                       "output cut at 65536 bytes") != NULL;
    assert_true(said);
    json_decref(res);
    free(out);
    free(err);
    test_rmdir(tmp);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_accepted),
        cmocka_unit_test(test_parse_refused),
        cmocka_unit_test(test_help_from_table),
        cmocka_unit_test(test_run_refuses_arch),
        cmocka_unit_test(test_each_verb_refuses_the_others),
        cmocka_unit_test(test_output_cap_read_by_every_runner),
        cmocka_unit_test(test_try_output_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
