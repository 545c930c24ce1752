/*
 * test_try.c - `maprace try` end to end on the programs of
 * runner/tests/progs (no case.ini, no markers): the exit codes of
 * --expect, a program that exits 42 after its race, every kind of report
 * with its stacks and their labels in what try prints, and bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "results-test.h"
#include "engine/detectors.h"
#include "runner-test.h"

#include <jansson.h>

static char *tmp;

static int setup(void **state)
{
    tmp = test_tmpdir();
    return 0;
}

static int teardown(void **state)
{
    test_rmdir(tmp);
    free(tmp);
    return 0;
}

/* `maprace try runner/tests/progs/<prog>.c <args>`: its exit status; its
 * stdout and stderr in *out and *err (malloc'd). */
static int try(const char *prog, const char *args, char **out, char **err)
{
    char base[PATH_MAX], cmd[PATH_MAX * 3];
    static int n;
    snprintf(base, sizeof(base), "%s/try%d", tmp, n++);
    snprintf(cmd, sizeof(cmd),
             "try '%s%s%s' --build '%s' --out '%s/reports' --format none %s",
             prog[0] == '/' ? "" : "runner/tests/progs/", prog,
             strchr(prog, '.') ? "" : ".c", MAPRACE_BUILD, tmp, args);
    int rc = run_maprace("", cmd, base);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s.stdout", base);
    *out = test_slurp(path);
    snprintf(path, sizeof(path), "%s.stderr", base);
    *err = test_slurp(path);
    if (!*out || !*err)
        fail_msg("no output of maprace %s", cmd);
    return rc;
}

static void expect_rc(int rc, int want, const char *out, const char *err)
{
    if (rc != want)
        fail_msg("maprace try exited %d, want %d\nstdout:\n%s\nstderr:\n%s", rc,
                 want, out, err);
}

static void expect_text(const char *out, const char *text)
{
    if (!strstr(out, text))
        fail_msg("'%s' not in:\n%s", text, out);
}

static json_t *last_results(void)
{
    char out[PATH_MAX + 16];
    snprintf(out, sizeof(out), "%s/reports", tmp);
    return load_results(out);
}

static const char *cstr(json_t *c, const char *key)
{
    const char *s = json_string_value(json_object_get(c, key));
    return s ? s : "";
}

/* A race, then exit(42): --expect race passes under every detector that
 * sees races, and how the program ended is shown. */
static void test_race_exit42_expect_race(void **state)
{
    char *out, *err;
    int rc = try("race-exit42", "--expect race", &out, &err);
    expect_rc(rc, 0, out, err);
    json_t *r = last_results();
    static const char *const racers[] = {"tsan", "tsan-gcc", "helgrind", "drd"};
    for (size_t i = 0; i < 4; i++) {
        json_t *c = cell(r, racers[i]);
        assert_string_equal(cstr(c, "verdict"), "pass");
        assert_string_equal(cstr(c, "observed"), "race");
    }
    /* valgrind passes the program's own status through */
    assert_non_null(strstr(cstr(cell(r, "helgrind"), "note"), "42"));
    assert_non_null(strstr(cstr(cell(r, "drd"), "note"), "42"));
    /* native cannot see a race: a known miss, and its end is shown */
    assert_string_equal(cstr(cell(r, "native"), "verdict"), "known-miss");
    assert_non_null(strstr(cstr(cell(r, "native"), "note"), "42"));
    /* the report: both accesses with file:line in the program */
    expect_text(out, "data race in try/race-exit42");
    expect_text(out, "race-exit42.c:10");
    json_decref(r);
    free(out);
    free(err);
}

/* A program kept in folders named like the runtimes (tsan, valgrind,
 * sysdeps): its frames are its own, shown and located. */
static void test_runtime_named_folders(void **state)
{
    static const char *const dirs[] = {"tsan", "valgrind/sysdeps"};
    for (size_t i = 0; i < 2; i++) {
        char dir[PATH_MAX], cmd[PATH_MAX * 3], prog[PATH_MAX + 32];
        snprintf(dir, sizeof(dir), "%s/%s", tmp, dirs[i]);
        snprintf(cmd, sizeof(cmd),
                 "mkdir -p '%s' && cp runner/tests/progs/race-exit42.c '%s/'",
                 dir, dir);
        assert_int_equal(system(cmd), 0);
        snprintf(prog, sizeof(prog), "%s/race-exit42.c", dir);
        char *out, *err;
        int rc = try(prog, "-d tsan,helgrind --expect race", &out, &err);
        expect_rc(rc, 0, out, err);
        expect_text(out, "race-exit42.c:10 in bump");
        if (strstr(out, "??"))
            fail_msg("a frame of the program folded away:\n%s", out);
        json_t *r = last_results();
        json_t *race = json_array_get(json_object_get(r, "races"), 0);
        json_t *loc = json_array_get(json_object_get(race, "locations"), 0);
        assert_string_equal(cstr(loc, "func"), "bump");
        json_decref(r);
        free(out);
        free(err);
    }
}

/* <tmp>/reports/latest/<name>, read (malloc'd). */
static char *latest_file(const char *name)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/reports/latest/%s", tmp, name);
    char *text = test_slurp(path);
    if (!text)
        fail_msg("no %s", path);
    return text;
}

/* Only a data race is drawn as two unordered accesses; a use after free
 * under a lock and a one-thread lock-order inversion are explained for
 * what they are, in show, index.html and summary.md. */
static void test_explanations_by_kind(void **state)
{
    static const struct {
        const char *prog, *says[3];
    } progs[] = {
        {"uaf-locked",
         {"use after free: the block was freed by main thread in main",
          "then T1 wrote it in worker", "Both held a lock"}},
        {"lock-order-one-thread",
         {"lock-order inversion: a cycle of acquisitions",
          "(lock-order-one-thread.c:11)",
          "One thread (main thread) took the locks in both orders"}},
        {"unlock-unlocked",
         {"mutex misuse: unlock of an unlocked mutex",
          "report does not tell which", "(unlock-unlocked.c:8)"}},
        {"never-joined",
         {"thread leak: the thread created in main (never-joined.c:14)",
          "was never joined nor detached", "Join it"}},
    };
    for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
        char *out, *err;
        int rc = try(progs[i].prog, "-d tsan --format html,md", &out, &err);
        expect_rc(rc, 0, out, err);
        char *html = latest_file("index.html"), *md = latest_file("summary.md");
        const char *texts[] = {out, html, md};
        for (size_t t = 0; t < 3; t++) {
            if (strstr(texts[t], "nothing orders") ||
                strstr(texts[t], "happens-before") ||
                strstr(texts[t], "class=\"interleaving\""))
                fail_msg("%s: drawn as a data race:\n%s", progs[i].prog,
                         texts[t]);
            for (size_t k = 0; k < 3; k++)
                expect_text(texts[t], progs[i].says[k]);
        }
        free(html);
        free(md);
        free(out);
        free(err);
    }
    /* a data race keeps its picture */
    char *out, *err;
    int rc = try("race-exit42", "-d tsan --format html,md", &out, &err);
    expect_rc(rc, 0, out, err);
    expect_text(out, "nothing orders A and B");
    char *html = latest_file("index.html"), *md = latest_file("summary.md");
    expect_text(html, "class=\"interleaving\"");
    expect_text(md, "nothing orders A and B");
    free(html);
    free(md);
    free(out);
    free(err);
}

/* Inherited variables that change a run are in the command the report
 * shows; one that defeats the forced windows is a warning. */
static void test_inherited_environment(void **state)
{
    char base[PATH_MAX], cmd[PATH_MAX * 3];
    snprintf(base, sizeof(base), "%s/env", tmp);
    snprintf(cmd, sizeof(cmd),
             "try runner/tests/progs/race-exit42.c -d tsan,helgrind --build "
             "'%s' --out '%s/reports' --format none",
             MAPRACE_BUILD, tmp);
    int rc = run_maprace("MAPRACE_WINDOW_MS=0 VALGRIND_OPTS=--fair-sched=no "
                         "GOMAXPROCS=3",
                         cmd, base);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s.stdout", base);
    char *out = test_slurp(path);
    expect_rc(rc, 0, out, "");
    expect_text(out, "warning: MAPRACE_WINDOW_MS=0 inherited");
    json_t *r = last_results();
    const char *hg = cstr(
        json_array_get(json_object_get(cell(r, "helgrind"), "run_details"), 0),
        "command");
    const char *ts =
        cstr(json_array_get(json_object_get(cell(r, "tsan"), "run_details"), 0),
             "command");
    expect_text(hg, "VALGRIND_OPTS=--fair-sched=no");
    expect_text(hg, "MAPRACE_WINDOW_MS=0");
    expect_text(ts, "GOMAXPROCS=3");
    expect_text(ts, "MAPRACE_WINDOW_MS=0");
    json_decref(r);
    free(out);
}

/* Valgrind refusing an option of VALGRIND_OPTS writes no log: the error
 * points at the file that says why, which exists. */
static void test_valgrind_refuses_options(void **state)
{
    char base[PATH_MAX], cmd[PATH_MAX * 3];
    snprintf(base, sizeof(base), "%s/vgopts", tmp);
    snprintf(cmd, sizeof(cmd),
             "try runner/tests/progs/race-exit42.c -d drd --build '%s' --out "
             "'%s/reports' --format none --no-color",
             MAPRACE_BUILD, tmp);
    int rc = run_maprace("VALGRIND_OPTS=--bogus-option=1", cmd, base);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s.stdout", base);
    char *out = test_slurp(path);
    expect_rc(rc, 1, out, "");
    expect_text(out, "valgrind wrote no XML log (see raw/try/race-exit42.drd."
                     "r1.stderr: valgrind: Unknown option: --bogus-option=1)");
    if (strstr(out, ".vglog"))
        fail_msg("points at a valgrind log that was never written:\n%s", out);
    json_t *r = last_results();
    json_t *run =
        json_array_get(json_object_get(cell(r, "drd"), "run_details"), 0);
    expect_text(cstr(run, "command"), "VALGRIND_OPTS=--bogus-option=1");
    assert_null(json_object_get(json_object_get(run, "logs"), "valgrind_log"));
    json_decref(r);
    free(out);
}

/* The race is in the program's own header beside its .c file (both
 * racing stacks): the user's lines, a race, not "off the marked lines".
 * Kept in a folder whose path holds a blank and a '$', the program is
 * built from a copy (headers too), and says so. */
static void test_header_and_odd_path(void **state)
{
    char *out, *err;
    int rc =
        try("header-race/race-in-header", "-d tsan --expect race", &out, &err);
    expect_rc(rc, 0, out, err);
    json_t *r = last_results();
    assert_string_equal(cstr(cell(r, "tsan"), "observed"), "race");
    json_decref(r);
    /* try's legend speaks of --expect, never of a case.ini it has none of */
    if (strstr(out, "case.ini"))
        fail_msg("try's output mentions case.ini:\n%s", out);
    free(out);
    free(err);

    char dir[PATH_MAX], cmd[PATH_MAX * 5], prog[PATH_MAX + 64];
    snprintf(dir, sizeof(dir), "%s/my progs/$HOME", tmp);
    snprintf(cmd, sizeof(cmd),
             "mkdir -p '%s' && cp runner/tests/progs/header-race/* '%s/' && "
             "mv '%s/race-in-header.c' '%s/race in header.c'",
             dir, dir, dir, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(prog, sizeof(prog), "%s/race in header.c", dir);
    rc = try(prog, "-d tsan --expect race", &out, &err);
    expect_rc(rc, 0, out, err);
    expect_text(out, "was built from a copy");
    r = last_results();
    assert_string_equal(cstr(cell(r, "tsan"), "observed"), "race");
    json_decref(r);
    free(out);
    free(err);
}

/* `show try/x` of a program not in the last run names the verb that
 * makes one: try, not run. */
static void test_show_missing_try(void **state)
{
    char base[PATH_MAX], cmd[PATH_MAX * 2];
    snprintf(base, sizeof(base), "%s/show", tmp);
    snprintf(cmd, sizeof(cmd), "show try/nothere --out '%s/reports'", tmp);
    char *out, *err;
    /* a last run to look into */
    int rc = try("clean", "-d native", &out, &err);
    expect_rc(rc, 0, out, err);
    free(out);
    free(err);
    rc = run_maprace("", cmd, base);
    assert_int_equal(rc, 2);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s.stderr", base);
    char *text = test_slurp(path);
    expect_text(text, "run `maprace try nothere.c` first");
    free(text);
}

static void test_racy_expect_clean_fails(void **state)
{
    char *out, *err;
    int rc = try("race-exit42", "-d tsan,helgrind --expect clean", &out, &err);
    expect_rc(rc, 1, out, err);
    json_t *r = last_results();
    assert_string_equal(cstr(cell(r, "tsan"), "verdict"), "false-positive");
    json_decref(r);
    free(out);
    free(err);
}

/* Without --expect, what the detectors said is the result: exit 0. */
static void test_default_is_what_was_seen(void **state)
{
    char *out, *err;
    int rc = try("race-exit42", "-d tsan,native", &out, &err);
    expect_rc(rc, 0, out, err);
    json_t *r = last_results();
    assert_string_equal(cstr(cell(r, "tsan"), "observed"), "race");
    assert_string_equal(cstr(cell(r, "tsan"), "verdict"), "pass");
    json_decref(r);
    free(out);
    free(err);

    rc = try("clean", "-d tsan,helgrind --expect race", &out, &err);
    expect_rc(rc, 1, out, err);
    free(out);
    free(err);
    rc = try("clean", "-d tsan,helgrind,native --expect clean", &out, &err);
    expect_rc(rc, 0, out, err);
    free(out);
    free(err);
}

/* A lock-order inversion: every stack, with the detectors' labels. */
static void test_lock_order(void **state)
{
    char *out, *err;
    int rc = try("lock-inversion",
                 "-d tsan,tsan-gcc,helgrind,drd --expect "
                 "lock-order",
                 &out, &err);
    expect_rc(rc, 0, out, err);
    expect_text(out, "lock-order");
    expect_text(out, "Mutex M1 acquired here while holding mutex M0 in main "
                     "thread");
    expect_text(out, "Mutex M0 previously acquired by the same thread here");
    expect_text(out, "Required order was established by acquisition of lock");
    expect_text(out, "followed by a later acquisition of lock");
    expect_text(out, "lock-inversion.c:12");
    expect_text(out, "lock-inversion.c:20");
    json_t *r = last_results();
    assert_string_equal(cstr(cell(r, "drd"), "verdict"), "known-miss");
    assert_string_equal(cstr(cell(r, "helgrind"), "verdict"), "pass");
    json_decref(r);
    free(out);
    free(err);
}

/* Three bad unlocks on three lines stay three reports; TSan's, Helgrind's
 * and DRD's report of the first join. */
static void test_mutex_misuse_by_line(void **state)
{
    char *out, *err;
    int rc = try("unlock-unlocked",
                 "-d tsan,helgrind,drd --expect "
                 "mutex-misuse",
                 &out, &err);
    expect_rc(rc, 0, out, err);
    size_t reports = 0;
    for (const char *p = out; (p = strstr(p, "mutex-misuse in try/")); p++)
        reports++;
    assert_int_equal(reports, 3);
    json_t *r = last_results();
    json_t *races = json_object_get(r, "races"), *race;
    size_t i, joined = 0;
    json_array_foreach(races, i, race) joined +=
        json_array_size(json_object_get(race, "detectors")) == 3;
    assert_true(joined >= 1);
    json_decref(r);
    expect_text(out, "unlock of an unlocked mutex");
    expect_text(out, "Thread #1 unlocked a not-locked lock");
    free(out);
    free(err);
}

static void test_other_kinds(void **state)
{
    static const struct {
        const char *prog, *args, *label;
    } runs[] = {
        {"never-joined", "-d tsan,tsan-gcc --expect thread-leak",
         "created by main thread at"},
        {"use-after-free", "-d tsan,tsan-gcc --expect use-after-free",
         "heap-use-after-free"},
        {"signal-unsafe", "-d tsan,tsan-gcc --expect signal-unsafe",
         "signal-unsafe call inside of a signal"},
        {"destroy-locked", "-d tsan,helgrind,drd --expect mutex-misuse",
         "Destroying locked mutex"},
    };
    for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
        char *out, *err;
        int rc = try(runs[i].prog, runs[i].args, &out, &err);
        expect_rc(rc, 0, out, err);
        expect_text(out, runs[i].label);
        free(out);
        free(err);
    }
}

/* A C++ program: built with clang++ and g++. */
static void test_cxx(void **state)
{
    char *out, *err;
    int rc = try("race-cpp.cpp", "-d tsan,tsan-gcc,native --expect race", &out,
                 &err);
    expect_rc(rc, 0, out, err);
    expect_text(out, "race-cpp.cpp:8");
    free(out);
    free(err);
}

/* A thread held 4 s in a forced window (progs/window-late.c): both TSans
 * still report the race against the access it made before it was held
 * (exit 0 with --expect race: every cell saw it). Fails when the window's
 * wait fills the thread's TSan history. */
static void test_window_late(void **state)
{
    char *out, *err;
    int rc = try("window-late", "-d tsan,tsan-gcc --expect race", &out, &err);
    expect_rc(rc, 0, out, err);
    expect_text(out, "window-late.c:20 in holder");
    expect_text(out, "window-late.c:32 in latecomer");
    free(out);
    free(err);
}

/* The program's own end as the expectation. */
static void test_expect_exit(void **state)
{
    char *out, *err;
    int rc = try("race-exit42", "-d native,tsan,helgrind --expect 'exit 42'",
                 &out, &err);
    expect_rc(rc, 0, out, err);
    free(out);
    free(err);
    rc = try("race-exit42", "-d native --expect 'exit 3'", &out, &err);
    expect_rc(rc, 1, out, err);
    free(out);
    free(err);
}

static void test_bad_input(void **state)
{
    static const struct {
        const char *prog, *args, *msg;
    } bad[] = {
        {"no-such-file", "", "maprace: try: cannot read"},
        {"/etc/hostname.txt", "", "not a C, C++ or Go source"},
        {"race-counter.go", "-d tsan", "tsan runs C and C++ programs only"},
        {"race-counter.go", "runner/tests/progs/clean.c",
         "Go and C files cannot be mixed"},
        {"clean", "--expect bogus", "bad expectation 'bogus'"},
        {"clean", "--expect 'fatal x'", "is for case.ini"},
        {"clean", "--runs 0", "bad value '0' for --runs"},
        {"clean", "--timeout inf", "bad value 'inf' for --timeout"},
        {"clean", "--timeout nan", "bad value 'nan' for --timeout"},
        {"clean", "--frobnicate", "unknown option --frobnicate"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *out, *err;
        int rc = try(bad[i].prog, bad[i].args, &out, &err);
        expect_rc(rc, 2, out, err);
        expect_text(err, bad[i].msg);
        /* one line */
        assert_int_equal(strchr(err, '\n') - err + 1, (long)strlen(err));
        free(out);
        free(err);
    }
}

/* A Go program: built by go, run under go-race (the race, on the lines of
 * the program) and go (Go's runtime sees nothing: no map). */
static void test_go_program(void **state)
{
    char *out, *err;
    int rc = try("race-counter.go", "--expect race", &out, &err);
    expect_rc(rc, 0, out, err);
    json_t *r = last_results();
    /* the current Go, else the hmap Go standing in (a fresh Debian) */
    const char *gorace = detector_name(detector_go_stand_in(DET_GO_RACE));
    const char *goplain = detector_name(detector_go_stand_in(DET_GO));
    assert_string_equal(cstr(cell(r, gorace), "verdict"), "pass");
    assert_string_equal(cstr(cell(r, gorace), "observed"), "race");
    /* Go's runtime cannot see a race: a known miss, with its reason */
    assert_string_equal(cstr(cell(r, goplain), "verdict"), "known-miss");
    assert_non_null(strstr(cstr(cell(r, goplain), "note"), "no race detector"));
    json_t *cells = json_object_get(r, "cells");
    assert_int_equal(json_array_size(cells), 2);
    json_decref(r);
    expect_text(out, "race-counter.go:");
    expect_text(out, "main.bump");
    /* the racing line of the program's own source */
    expect_text(out, ">   11 | \thits++");
    free(out);
    free(err);
}

/* A compile error: the cells are errors with the compiler's message. */
static void test_build_error(void **state)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s/broken.c", tmp);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("int main(void) { return undeclared; }\n", fp);
    fclose(fp);
    char *out, *err;
    int rc = try(path, "-d native,tsan", &out, &err);
    expect_rc(rc, 1, out, err);
    json_t *r = last_results();
    assert_string_equal(cstr(cell(r, "tsan"), "verdict"), "error");
    assert_non_null(strstr(cstr(cell(r, "tsan"), "note"), "undeclared"));
    json_decref(r);
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_race_exit42_expect_race),
        cmocka_unit_test(test_runtime_named_folders),
        cmocka_unit_test(test_explanations_by_kind),
        cmocka_unit_test(test_inherited_environment),
        cmocka_unit_test(test_valgrind_refuses_options),
        cmocka_unit_test(test_header_and_odd_path),
        cmocka_unit_test(test_show_missing_try),
        cmocka_unit_test(test_racy_expect_clean_fails),
        cmocka_unit_test(test_default_is_what_was_seen),
        cmocka_unit_test(test_lock_order),
        cmocka_unit_test(test_mutex_misuse_by_line),
        cmocka_unit_test(test_other_kinds),
        cmocka_unit_test(test_cxx),
        cmocka_unit_test(test_window_late),
        cmocka_unit_test(test_go_program),
        cmocka_unit_test(test_expect_exit),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_build_error),
    };
    /* TEST_FILTER=name: only the tests that match (cmocka's pattern) */
    if (getenv("TEST_FILTER"))
        cmocka_set_test_filter(getenv("TEST_FILTER"));
    return cmocka_run_group_tests(tests, setup, teardown);
}
