/*
 * test_exec.c - processes: a hung case is killed at its timeout with
 * nothing left behind, output caps, a tool missing from PATH, crashes,
 * build failures, an interrupt, usage errors. The runner binary is run as
 * a user would run it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/build.h"
#include "lib/exec.h"
#include "results-test.h"
#include "runner-test.h"
#include "lib/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <jansson.h>
#include <time.h>

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s)
        fail_msg("no string '%s'", key);
    return s;
}

/* The pids a fixture program printed ("parent N", "child N"). */
static void printed_pids(const char *stdout_path, long *parent, long *child)
{
    char *text = test_slurp(stdout_path);
    if (!text)
        fail_msg("%s: not written", stdout_path);
    const char *p = strstr(text, "parent ");
    const char *c = strstr(text, "child ");
    assert_non_null(p);
    assert_non_null(c);
    *parent = atol(p + 7);
    *child = atol(c + 6);
    assert_true(*parent > 1);
    assert_true(*child > 1);
    free(text);
}

static void test_timeout_kills_the_group(void **state)
{
    char *tmp = test_tmpdir();
    char pidfile[PATH_MAX], out[PATH_MAX], script[PATH_MAX * 2];
    snprintf(pidfile, sizeof(pidfile), "%s/bg.pid", tmp);
    snprintf(out, sizeof(out), "%s/out", tmp);
    snprintf(script, sizeof(script), "sleep 30 & echo $! > '%s'; exec sleep 30",
             pidfile);
    char *argv[] = {"sh", "-c", script, NULL};
    struct proc_spec spec = {0};
    spec.argv = argv;
    spec.stdout_path = out;
    spec.timeout_s = 0.5;
    struct proc p = {0};
    char *why = NULL;
    double t0 = now_s();
    assert_int_equal(exec_run(&spec, &p, &why), 0);
    assert_true(p.done);
    assert_true(p.timed_out);
    assert_true(now_s() - t0 < 5);
    assert_string_equal(exec_describe(&p), "timed out after 0 s");
    char *bg = test_slurp(pidfile);
    assert_non_null(bg);
    assert_true(pid_gone(atol(bg)));
    free(bg);
    test_rmdir(tmp);
    free(tmp);
}

static void test_exit_status_env_and_missing_program(void **state)
{
    char *argv[] = {"sh", "-c", "exit $MAPRACE_TEST_CODE", NULL};
    char *env[] = {"MAPRACE_TEST_CODE=7", NULL};
    struct proc_spec spec = {0};
    spec.argv = argv;
    spec.env = env;
    struct proc p = {0};
    char *why = NULL;
    assert_int_equal(exec_run(&spec, &p, &why), 0);
    assert_true(exec_exited(&p, 7));
    assert_string_equal(exec_describe(&p), "exit 7");
    assert_false(p.timed_out);

    char *argv2[] = {"maprace-no-such-program", NULL};
    spec.argv = argv2;
    spec.env = NULL;
    assert_int_equal(exec_run(&spec, &p, &why), 0);
    assert_int_equal(p.spawn_errno, ENOENT);
    assert_non_null(strstr(exec_describe(&p), "could not be executed"));
}

static void test_output_cap(void **state)
{
    char *tmp = test_tmpdir();
    char out[PATH_MAX];
    snprintf(out, sizeof(out), "%s/out", tmp);
    char *argv[] = {"sh", "-c", "yes | head -c 1000000", NULL};
    struct proc_spec spec = {0};
    spec.argv = argv;
    spec.stdout_path = out;
    spec.output_cap = 4096;
    struct proc p = {0};
    char *why = NULL;
    assert_int_equal(exec_run(&spec, &p, &why), 0);
    struct stat st;
    assert_int_equal(stat(out, &st), 0);
    assert_int_equal(st.st_size, 4096);
    test_rmdir(tmp);
    free(tmp);
}

/* The hang fixture: its program and its child never end; the case's
 * timeout is 1 s. */
static void test_hung_case_is_killed(void **state)
{
    char *tmp = test_tmpdir();
    char out[PATH_MAX], args[PATH_MAX * 2];
    snprintf(out, sizeof(out), "%s/maprace", tmp);
    snprintf(args, sizeof(args),
             "check --cases '%s' -d native --build '%s' --out '%s' "
             "--no-color",
             fixture("hang"), MAPRACE_BUILD, tmp);
    assert_int_equal(run_maprace("", args, out), 1);
    json_t *res = load_results(tmp);
    json_t *c = cell(res, "native");
    assert_string_equal(str(c, "verdict"), "error");
    assert_string_equal(str(c, "note"), "timed out after 1 s");
    json_t *run = json_array_get(json_object_get(c, "run_details"), 0);
    char path[PATH_MAX * 2];
    snprintf(path, sizeof(path), "%s/latest/%s", tmp,
             str(json_object_get(run, "logs"), "stdout"));
    long parent, child;
    printed_pids(path, &parent, &child);
    assert_true(pid_gone(parent));
    assert_true(pid_gone(child));
    json_decref(res);
    test_rmdir(tmp);
    free(tmp);
}

/* A PATH with everything of /usr/bin but the programs whose names start
 * with `tool` (valgrind, go). */
static char *path_without(const char *tmp, const char *tool)
{
    char *dir = malloc(PATH_MAX);
    snprintf(dir, PATH_MAX, "%s/bin", tmp);
    assert_int_equal(mkdir(dir, 0777), 0);
    DIR *d = opendir("/usr/bin");
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || !strncmp(de->d_name, tool, strlen(tool)))
            continue;
        char from[PATH_MAX + 300], to[PATH_MAX + 300];
        snprintf(from, sizeof(from), "/usr/bin/%s", de->d_name);
        snprintf(to, sizeof(to), "%s/%s", dir, de->d_name);
        if (symlink(from, to) < 0)
            fail_msg("symlink %s: %s", to, strerror(errno));
    }
    closedir(d);
    return dir;
}

static void test_missing_tool_is_an_error_cell(void **state)
{
    char *tmp = test_tmpdir();
    char *bin = path_without(tmp, "valgrind");
    char out[PATH_MAX], args[PATH_MAX * 2], env[PATH_MAX + 16];
    snprintf(out, sizeof(out), "%s/maprace", tmp);
    snprintf(env, sizeof(env), "PATH='%s'", bin);
    snprintf(args, sizeof(args),
             "check --cases '%s' -d native,helgrind --build '%s' --out '%s'",
             fixture("good"), MAPRACE_BUILD, tmp);
    assert_int_equal(run_maprace(env, args, out), 3);
    json_t *res = load_results(tmp);
    json_t *h = cell(res, "helgrind");
    assert_string_equal(str(h, "verdict"), "error");
    assert_string_equal(str(h, "note"), "valgrind not found in PATH");
    assert_true(json_is_true(json_object_get(h, "tool_missing")));
    /* the other detector still ran */
    json_t *n = cell(res, "native");
    assert_string_equal(str(n, "verdict"), "known-miss");
    assert_int_equal(json_array_size(json_object_get(n, "run_details")), 1);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s.stdout", out);
    char *text = test_slurp(path);
    assert_non_null(strstr(text, "valgrind not found in PATH"));
    free(text);
    json_decref(res);
    free(bin);
    test_rmdir(tmp);
    free(tmp);
}

/* The current Go missing (MAPRACE_GO=none): named with -d, the go and
 * go-race cells of a case with a Go twin are errors that say why, the
 * others run, exit 3; doctor says so too. */
static void test_missing_go_is_an_error_cell(void **state)
{
    char *tmp = test_tmpdir();
    char out[PATH_MAX], args[PATH_MAX * 2];
    const char *env = "MAPRACE_GO=none";
    const char *why = "switched off (MAPRACE_GO=none)";
    snprintf(out, sizeof(out), "%s/maprace", tmp);
    snprintf(args, sizeof(args),
             "check map-concurrent-writes --variant fixed -d native,go,go-race "
             "--build '%s' --out '%s'",
             MAPRACE_BUILD, tmp);
    assert_int_equal(run_maprace(env, args, out), 3);
    json_t *res = load_results(tmp);
    static const char *const gos[] = {"go", "go-race"};
    for (size_t i = 0; i < 2; i++) {
        json_t *c = cell(res, gos[i]);
        assert_string_equal(str(c, "verdict"), "error");
        assert_string_equal(str(c, "note"), why);
        assert_true(json_is_true(json_object_get(c, "tool_missing")));
    }
    json_t *n = cell(res, "native");
    assert_string_equal(str(n, "verdict"), "pass");
    json_decref(res);

    snprintf(args, sizeof(args), "doctor --json");
    assert_int_equal(run_maprace(env, args, out), 3);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s.stdout", out);
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    assert_non_null(doc);
    json_t *dets = json_object_get(doc, "detectors");
    for (size_t i = 0; i < 2; i++) {
        json_t *e = json_object_get(dets, gos[i]);
        assert_true(json_is_false(json_object_get(e, "usable")));
        assert_string_equal(str(e, "reason"), why);
    }
    json_t *cur = json_object_get(json_object_get(doc, "go"), "current");
    assert_true(json_is_null(json_object_get(cur, "path")));
    assert_string_equal(str(cur, "reason"), why);
    json_decref(doc);
    test_rmdir(tmp);
    free(tmp);
}

/* The current Go missing and no -d (the quick start): its two columns are
 * left out with one note, the rest runs, exit 0. */
static void test_missing_go_is_left_out_by_default(void **state)
{
    char *tmp = test_tmpdir();
    char out[PATH_MAX], args[PATH_MAX * 2];
    snprintf(out, sizeof(out), "%s/maprace", tmp);
    snprintf(args, sizeof(args),
             "check map-concurrent-writes --variant fixed --build '%s' "
             "--out '%s'",
             MAPRACE_BUILD, tmp);
    assert_int_equal(run_maprace("MAPRACE_GO=none", args, out), 0);
    json_t *res = load_results(tmp);
    json_t *cells = json_object_get(res, "cells");
    size_t i;
    json_t *c;
    json_array_foreach(cells, i, c)
    {
        assert_string_not_equal(str(c, "detector"), "go");
        assert_string_not_equal(str(c, "detector"), "go-race");
    }
    assert_string_equal(str(cell(res, "native"), "verdict"), "pass");
    json_decref(res);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s.stdout", out);
    char *text = test_slurp(path);
    assert_non_null(strstr(text, "go, go-race: not installed, left out: "
                                 "switched off (MAPRACE_GO=none)"));
    free(text);
    test_rmdir(tmp);
    free(tmp);
}

static void test_crash_and_build_failure_are_errors(void **state)
{
    char *tmp = test_tmpdir();
    char out[PATH_MAX], args[PATH_MAX * 2];
    snprintf(out, sizeof(out), "%s/maprace", tmp);
    snprintf(args, sizeof(args),
             "check --cases '%s' -d native --build '%s' --out '%s'",
             fixture("crash"), MAPRACE_BUILD, tmp);
    assert_int_equal(run_maprace("", args, out), 1);
    json_t *res = load_results(tmp);
    json_t *c = cell(res, "native");
    assert_string_equal(str(c, "verdict"), "error");
    assert_string_equal(str(c, "note"), "killed by SIGSEGV");
    json_decref(res);

    snprintf(args, sizeof(args),
             "check --cases '%s' -d native --build '%s' --out '%s'",
             fixture("build-error"), MAPRACE_BUILD, tmp);
    assert_int_equal(run_maprace("", args, out), 1);
    res = load_results(tmp);
    c = cell(res, "native");
    assert_string_equal(str(c, "verdict"), "error");
    assert_non_null(strstr(str(c, "note"), "build failed: "));
    assert_non_null(strstr(str(c, "note"), "undeclared_variable"));
    assert_non_null(strstr(str(c, "build_error"), "racy.c:4"));
    json_decref(res);
    test_rmdir(tmp);
    free(tmp);
}

/* The excerpt of a failed build is the compiler's diagnostic, not the
 * echoed command line (which says -Werror under DEVELOPER=1). */
static void test_build_error_excerpt(void **state)
{
    const char *log =
        "gcc -g -O1 -Wall -Werror -o out/racy cases/broken/racy.c\n"
        "cases/broken/racy.c: In function 'main':\n"
        "cases/broken/racy.c:4:12: error: 'undeclared_variable' undeclared\n"
        "make: *** [Makefile:110: out/racy] Error 1\n";
    char *e = build_error_excerpt(log, 8);
    assert_string_equal(
        e, "cases/broken/racy.c:4:12: error: 'undeclared_variable' undeclared");
    free(e);

    e = build_error_excerpt("/usr/bin/ld: racy.o: undefined reference to "
                            "`f'\ncollect2: error: ld returned 1 exit status\n",
                            8);
    assert_non_null(strstr(e, "undefined reference to `f'"));
    assert_non_null(strstr(e, "collect2: error: ld returned"));
    free(e);

    /* nothing recognisable: the last lines, so nothing is lost */
    e = build_error_excerpt("one\ntwo\nthree\n", 2);
    assert_non_null(strstr(e, "three"));
    free(e);
}

/* SIGINT while a case runs: children stopped, report incomplete, 130. */
static void test_interrupt(void **state)
{
    char *tmp = test_tmpdir();
    char bin[PATH_MAX + 16], log[PATH_MAX];
    snprintf(bin, sizeof(bin), "%s/maprace", test_build());
    snprintf(log, sizeof(log), "%s/maprace.log", tmp);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        dup2(fd, 1);
        dup2(fd, 2);
        if (chdir(test_root()) < 0)
            _exit(126);
        setenv("MAPRACE_NO_PROGRESS", "1", 1);
        execl(bin, bin, "check", "--cases", fixture("sleeper"), "-d", "native",
              "--build", MAPRACE_BUILD, "--out", tmp, NULL);
        _exit(127);
    }
    /* wait for the program to print its pids */
    char pattern[PATH_MAX + 64];
    snprintf(pattern, sizeof(pattern), "%s/*/raw/sleeper/racy.native.r1.stdout",
             tmp);
    long parent = 0, child = 0;
    for (int i = 0; i < 1200 && !child; i++) {
        glob_t g;
        if (glob(pattern, 0, NULL, &g) == 0) {
            char *text = test_slurp(g.gl_pathv[0]);
            if (text && strstr(text, "child "))
                printed_pids(g.gl_pathv[0], &parent, &child);
            free(text);
        }
        globfree(&g);
        if (!child)
            usleep(100000);
    }
    assert_true(child > 0);
    assert_int_equal(kill(pid, SIGINT), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 130);
    assert_true(pid_gone(parent));
    assert_true(pid_gone(child));
    json_t *res = load_results(tmp);
    assert_true(json_is_false(json_object_get(res, "complete")));
    assert_string_equal(str(res, "interrupted_by"), "INT");
    json_t *c = cell(res, "native");
    assert_string_equal(str(c, "verdict"), "error");
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/latest/summary.txt", tmp);
    char *summary = test_slurp(path);
    assert_non_null(summary);
    assert_non_null(strstr(summary, "INCOMPLETE: interrupted by SIGINT"));
    free(summary);
    json_decref(res);
    test_rmdir(tmp);
    free(tmp);
}

static void test_usage_errors(void **state)
{
    char *tmp = test_tmpdir();
    char out[PATH_MAX];
    snprintf(out, sizeof(out), "%s/maprace", tmp);
    assert_int_equal(run_maprace("", "run -d tsan,nosuch", out), 2);
    assert_int_equal(run_maprace("", "run no-such-case", out), 2);
    assert_int_equal(run_maprace("", "run --frobnicate", out), 2);
    assert_int_equal(run_maprace("", "run --runs 0", out), 2);
    assert_int_equal(run_maprace("", "frobnicate", out), 2);
    assert_int_equal(run_maprace("", "list --runs 3", out), 2);
    assert_int_equal(run_maprace("", "", out), 2);
    assert_int_equal(run_maprace("", "--help", out), 0);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s.stdout", out);
    char *text = test_slurp(path);
    assert_non_null(strstr(text, "exit codes:"));
    free(text);
    static const char *const verbs[] = {"list", "run", "check", "doctor"};
    for (size_t i = 0; i < 4; i++) {
        char args[64];
        snprintf(args, sizeof(args), "%s --help", verbs[i]);
        assert_int_equal(run_maprace("", args, out), 0);
        text = test_slurp(path);
        assert_non_null(strstr(text, "usage: maprace"));
        free(text);
    }
    test_rmdir(tmp);
    free(tmp);
}

/* TSan dying of ASLR entropy: run again under setarch -R, said once. */
static void test_setarch_retry(void **state)
{
    char *tmp = test_tmpdir();
    char out[PATH_MAX], args[PATH_MAX * 2];
    snprintf(out, sizeof(out), "%s/maprace", tmp);
    snprintf(args, sizeof(args),
             "check --cases '%s' -d tsan,tsan-gcc --build '%s' --out '%s'",
             fixture("aslr"), MAPRACE_BUILD, tmp);
    assert_int_equal(run_maprace("", args, out), 0);
    json_t *res = load_results(tmp);
    assert_true(json_is_true(json_object_get(res, "setarch")));
    json_t *notes = json_object_get(res, "notes");
    assert_int_equal(json_array_size(notes), 1);
    assert_non_null(
        strstr(json_string_value(json_array_get(notes, 0)), "setarch -R"));
    static const char *const dets[] = {"tsan", "tsan-gcc"};
    for (size_t i = 0; i < 2; i++) {
        json_t *c = cell(res, dets[i]);
        assert_string_equal(str(c, "verdict"), "pass");
        json_t *run = json_array_get(json_object_get(c, "run_details"), 0);
        assert_true(json_is_true(json_object_get(run, "setarch")));
    }
    json_decref(res);
    test_rmdir(tmp);
    free(tmp);
}

/* The run under setarch -R parses only its own logs: the first attempt's
 * log (here with a data race in it) does not count. */
static void test_setarch_retry_ignores_first_log(void **state)
{
    char *tmp = test_tmpdir();
    char out[PATH_MAX], args[PATH_MAX * 2];
    snprintf(out, sizeof(out), "%s/maprace", tmp);
    snprintf(args, sizeof(args),
             "check --cases '%s' -d tsan --build '%s' --out '%s'",
             fixture("aslr-stale-log"), MAPRACE_BUILD, tmp);
    assert_int_equal(run_maprace("", args, out), 0);
    json_t *res = load_results(tmp);
    json_t *c = cell(res, "tsan");
    assert_string_equal(str(c, "verdict"), "pass");
    json_t *run = json_array_get(json_object_get(c, "run_details"), 0);
    assert_true(json_is_true(json_object_get(run, "setarch")));
    assert_int_equal(json_integer_value(json_object_get(run, "findings_total")),
                     0);
    json_decref(res);
    test_rmdir(tmp);
    free(tmp);
}

/* When the run under setarch -R cannot start, the cell is an error that
 * says why (not "interrupted"). */
static void test_setarch_restart_failure(void **state)
{
    char *tmp = test_tmpdir();
    char out[PATH_MAX], args[PATH_MAX * 2];
    snprintf(out, sizeof(out), "%s/maprace", tmp);
    snprintf(args, sizeof(args),
             "check --cases '%s' -d tsan --build '%s' --out '%s'",
             fixture("aslr-no-restart"), MAPRACE_BUILD, tmp);
    assert_int_equal(run_maprace("", args, out), 1);
    json_t *res = load_results(tmp);
    assert_true(json_is_true(json_object_get(res, "complete")));
    json_t *c = cell(res, "tsan");
    assert_string_equal(str(c, "verdict"), "error");
    const char *note = str(c, "note");
    assert_non_null(strstr(note, "cannot create"));
    assert_null(strstr(note, "interrupted"));
    json_decref(res);
    test_rmdir(tmp);
    free(tmp);
}

/* Two runs at once into one reports folder: two whole reports, and latest
 * names one of them. */
static void test_concurrent_runs(void **state)
{
    char *tmp = test_tmpdir();
    char cmd[PATH_MAX * 4];
    snprintf(cmd, sizeof(cmd),
             "cd '%s' && for i in 1 2; do MAPRACE_NO_PROGRESS=1 '%s/maprace' "
             "run --cases '%s' -d native --build '%s' --out '%s' "
             ">/dev/null 2>&1 & done; wait",
             test_root(), test_build(), fixture("symptom"), MAPRACE_BUILD, tmp);
    unblock_signals();
    assert_int_equal(system(cmd), 0);
    char pattern[PATH_MAX + 32];
    /* run-ids start with the year; latest is the third match of * */
    snprintf(pattern, sizeof(pattern), "%s/2*/results.json", tmp);
    glob_t g;
    assert_int_equal(glob(pattern, 0, NULL, &g), 0);
    assert_int_equal(g.gl_pathc, 2);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        json_error_t jerr;
        json_t *res = json_load_file(g.gl_pathv[i], 0, &jerr);
        if (!res)
            fail_msg("%s: %s", g.gl_pathv[i], jerr.text);
        assert_true(json_is_true(json_object_get(res, "complete")));
        assert_string_equal(str(cell(res, "native"), "verdict"), "pass");
        json_decref(res);
    }
    globfree(&g);
    json_t *latest = load_results(tmp);
    assert_non_null(json_object_get(latest, "run_id"));
    json_decref(latest);
    /* no temporary file left behind */
    snprintf(pattern, sizeof(pattern), "%s/*tmp*", tmp);
    assert_int_equal(glob(pattern, 0, NULL, &g), GLOB_NOMATCH);
    snprintf(pattern, sizeof(pattern), "%s/*/*tmp*", tmp);
    assert_int_equal(glob(pattern, 0, NULL, &g), GLOB_NOMATCH);
    test_rmdir(tmp);
    free(tmp);
}

/* A run past the output cap: cut, and said so. */
static void test_output_cap_is_reported(void **state)
{
    char *tmp = test_tmpdir();
    char out[PATH_MAX], args[PATH_MAX * 2];
    snprintf(out, sizeof(out), "%s/maprace", tmp);
    snprintf(args, sizeof(args),
             "check --cases '%s' -d native --build '%s' --out '%s'",
             fixture("chatty"), MAPRACE_BUILD, tmp);
    assert_int_equal(run_maprace("MAPRACE_OUTPUT_CAP=65536", args, out), 0);
    json_t *res = load_results(tmp);
    json_t *c = cell(res, "native");
    json_t *run = json_array_get(json_object_get(c, "run_details"), 0);
    json_t *capped = json_object_get(run, "capped");
    assert_int_equal(json_array_size(capped), 1);
    const char *file = json_string_value(json_array_get(capped, 0));
    assert_non_null(strstr(file, "racy.native.r1.stdout"));
    char path[PATH_MAX * 2];
    snprintf(path, sizeof(path), "%s/latest/%s", tmp, file);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 65536);
    json_t *notes = json_object_get(res, "notes");
    assert_int_equal(json_array_size(notes), 1);
    assert_non_null(strstr(json_string_value(json_array_get(notes, 0)),
                           "output cut at 65536 bytes"));
    json_decref(res);
    snprintf(path, sizeof(path), "%s.stdout", out);
    char *text = test_slurp(path);
    assert_non_null(strstr(text, "output cut at 65536 bytes"));
    free(text);
    test_rmdir(tmp);
    free(tmp);
}

/* doctor: a detector whose tool is missing is not usable, exit 3. */
static void test_doctor_without_valgrind(void **state)
{
    char *tmp = test_tmpdir();
    char *bin = path_without(tmp, "valgrind");
    char out[PATH_MAX], env[PATH_MAX + 16];
    snprintf(out, sizeof(out), "%s/doctor", tmp);
    snprintf(env, sizeof(env), "PATH='%s'", bin);
    assert_int_equal(run_maprace(env, "doctor --json", out), 3);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s.stdout", out);
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc)
        fail_msg("%s: %s", path, jerr.text);
    json_t *dets = json_object_get(doc, "detectors");
    json_t *h = json_object_get(dets, "helgrind");
    assert_true(json_is_false(json_object_get(h, "usable")));
    assert_string_equal(str(h, "reason"), "valgrind not found in PATH");
    assert_true(json_is_true(
        json_object_get(json_object_get(dets, "native"), "usable")));
    json_t *t = json_object_get(dets, "tsan");
    if (!json_is_true(json_object_get(t, "usable")))
        fail_msg("tsan not usable: %s",
                 json_string_value(json_object_get(t, "reason")));
    assert_true(json_is_null(
        json_object_get(json_object_get(doc, "tools"), "valgrind")));
    json_decref(doc);
    free(bin);
    test_rmdir(tmp);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timeout_kills_the_group),
        cmocka_unit_test(test_exit_status_env_and_missing_program),
        cmocka_unit_test(test_output_cap),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_hung_case_is_killed),
        cmocka_unit_test(test_missing_tool_is_an_error_cell),
        cmocka_unit_test(test_missing_go_is_an_error_cell),
        cmocka_unit_test(test_missing_go_is_left_out_by_default),
        cmocka_unit_test(test_crash_and_build_failure_are_errors),
        cmocka_unit_test(test_build_error_excerpt),
        cmocka_unit_test(test_interrupt),
        cmocka_unit_test(test_setarch_retry),
        cmocka_unit_test(test_setarch_retry_ignores_first_log),
        cmocka_unit_test(test_setarch_restart_failure),
        cmocka_unit_test(test_concurrent_runs),
        cmocka_unit_test(test_output_cap_is_reported),
        cmocka_unit_test(test_doctor_without_valgrind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
