/*
 * tests/cases/test_map_concurrent_writes.c - the case map-concurrent-writes
 * under every detector.
 *
 * Forced (MAPRACE_FORCE=1), the racy variant must
 *  - native: die with Go's "fatal error: concurrent map writes" and a
 *    traceback through mapassign, exit status 2, in 20 runs of 20;
 *  - TSan (clang and gcc builds): report a data race whose stacks run
 *    through mapassign and both marked assignments, in 20 of 20;
 *  - Helgrind and DRD (the native binary): report it, in 5 of 5.
 * The fixed variant must be clean under all five in 5 of 5: exit 0, its
 * one line on stdout, no report.
 *
 * Binaries are MAPRACE_BUILD/<flavour>/cases/map-concurrent-writes/<v>;
 * run from the repository root. Every run has a timeout that kills it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "runcase.h"

#define CASE "map-concurrent-writes"
#define FATAL_HEAD "fatal error: concurrent map writes\n\nthread "
#define FIXED_OUT "10000 + 10000 assignments, no fatal error\n"

enum {
    RUNS_FAST = 20,    /* native and TSan runs of the racy variant */
    RUNS_VALGRIND = 5, /* Helgrind and DRD runs; fixed-variant runs */
    /* Timeouts guard against a hang; they are not speed checks. The
     * fixed variant's 20,000 sched_yield() calls (runtime.Gosched) can
     * each give the core away for a time slice on a loaded machine: a
     * native run took up to 11 s at load average 7, and one went past
     * 30 s in a CI run beside the stress runs. */
    TIMEOUT = 120,    /* seconds, native and TSan */
    TIMEOUT_VG = 240, /* seconds, under valgrind */
};

/* TSan's options, set for every TSan run so that the caller's own
 * TSAN_OPTIONS cannot change the outcome. */
static const char *const env_forced[] = {
    "MAPRACE_FORCE=1",
    "TSAN_OPTIONS=halt_on_error=0 exitcode=66 log_path=stderr",
    NULL,
};

static const char *bin(char *buf, size_t size, const char *flavour,
                       const char *variant)
{
    struct stat st;

    runcase_bin(buf, size, flavour, CASE, variant);
    if (stat(buf, &st) != 0)
        fail_msg("%s: not built (make BUILD=%s all)", buf, MAPRACE_BUILD);
    return buf;
}

static void show_failure(const char *what, int run, const struct run *r)
{
    print_error("%s, run %d: status 0x%x%s\n--- stdout:\n%s--- stderr:\n%s"
                "---\n",
                what, run, r->status, r->timed_out ? " (timed out)" : "",
                r->out, r->err);
}

/* --- racy ----------------------------------------------------------- */

static void test_racy_native(void **state)
{
    char path[PATH_MAX];
    const char *argv[] = {bin(path, sizeof(path), "native", "racy"), NULL};
    int ok = 0;

    for (int run = 0; run < RUNS_FAST; run++) {
        struct run r;

        assert_int_equal(runcase_run(argv, env_forced, TIMEOUT, &r), 0);
        if (runcase_exited(&r, 2) &&
            !strncmp(r.err, FATAL_HEAD, sizeof(FATAL_HEAD) - 1) &&
            strstr(r.err, "\nmapassign(...)\n\tmodel/map.c:") &&
            strstr(r.err, "\nassign_six(...)\n\tcases/" CASE "/racy.c:"))
            ok++;
        else
            show_failure("native racy", run, &r);
        runcase_release(&r);
    }
    print_message("native: %d/%d forced runs died with \"fatal error: "
                  "concurrent map writes\" through mapassign, exit 2\n",
                  ok, RUNS_FAST);
    assert_int_equal(ok, RUNS_FAST);
}

/* A TSan report blaming the pair: both marked assignments, through
 * mapassign. */
static const char *const tsan_race[] = {
    "data race", "mapassign", "assign_five", "assign_six", NULL,
};

static void racy_tsan(const char *flavour)
{
    char path[PATH_MAX];
    const char *argv[] = {bin(path, sizeof(path), flavour, "racy"), NULL};
    int ok = 0;

    for (int run = 0; run < RUNS_FAST; run++) {
        struct run r;
        int races;

        assert_int_equal(runcase_run(argv, env_forced, TIMEOUT, &r), 0);
        races = runcase_count_blocks(r.err, "WARNING: ThreadSanitizer:",
                                     "SUMMARY: ThreadSanitizer:", tsan_race);
        /* The model's own check fires too (exit 2); TSan keeps a non-zero
         * status as it is, and would say 66 had the program exited 0. */
        if (races >= 1 && (runcase_exited(&r, 2) || runcase_exited(&r, 66)))
            ok++;
        else
            show_failure(flavour, run, &r);
        runcase_release(&r);
    }
    print_message("%s: %d/%d forced runs reported a data race through "
                  "mapassign and both marked lines\n",
                  flavour, ok, RUNS_FAST);
    assert_int_equal(ok, RUNS_FAST);
}

static void test_racy_tsan(void **state)
{
    racy_tsan("tsan");
}

static void test_racy_tsan_gcc(void **state)
{
    racy_tsan("tsan-gcc");
}

/* Run the native binary of `variant` under valgrind --tool=tool, the XML
 * report into a temporary file; returns the XML (malloc'd). */
static char *valgrind_run(const char *tool, const char *variant, struct run *r)
{
    char path[PATH_MAX], xml[64], toolarg[64], xmlarg[96];
    const char *argv[] = {"valgrind",
                          toolarg,
                          "--xml=yes",
                          xmlarg,
                          bin(path, sizeof(path), "native", variant),
                          NULL};
    char *text;

    runcase_tmpfile(xml, sizeof(xml), tool);
    snprintf(toolarg, sizeof(toolarg), "--tool=%s", tool);
    snprintf(xmlarg, sizeof(xmlarg), "--xml-file=%s", xml);
    assert_int_equal(runcase_run(argv, env_forced, TIMEOUT_VG, r), 0);
    text = runcase_slurp(xml);
    unlink(xml);
    return text ? text : strdup("");
}

static void racy_valgrind(const char *tool, const char *kind)
{
    char kindtag[64];
    const char *const race[] = {kindtag, "<fn>mapassign</fn>",
                                "<fn>assign_six</fn>", NULL};
    int ok = 0;

    if (!runcase_have("valgrind"))
        skip();
    snprintf(kindtag, sizeof(kindtag), "<kind>%s</kind>", kind);
    for (int run = 0; run < RUNS_VALGRIND; run++) {
        struct run r;
        char *xml = valgrind_run(tool, "racy", &r);

        if (runcase_count_blocks(xml, "<error>", "</error>", race) >= 1 &&
            runcase_exited(&r, 2) &&
            strstr(r.err, "fatal error: concurrent map writes\n"))
            ok++;
        else
            show_failure(tool, run, &r);
        free(xml);
        runcase_release(&r);
    }
    print_message("%s: %d/%d forced runs reported %s through mapassign\n", tool,
                  ok, RUNS_VALGRIND, kind);
    assert_int_equal(ok, RUNS_VALGRIND);
}

static void test_racy_helgrind(void **state)
{
    racy_valgrind("helgrind", "Race");
}

static void test_racy_drd(void **state)
{
    racy_valgrind("drd", "ConflictingAccess");
}

/* --- fixed ---------------------------------------------------------- */

static void fixed_direct(const char *flavour)
{
    char path[PATH_MAX];
    const char *argv[] = {bin(path, sizeof(path), flavour, "fixed"), NULL};
    int ok = 0;

    for (int run = 0; run < RUNS_VALGRIND; run++) {
        struct run r;

        assert_int_equal(runcase_run(argv, env_forced, TIMEOUT, &r), 0);
        if (runcase_exited(&r, 0) && !strcmp(r.out, FIXED_OUT) &&
            !strcmp(r.err, ""))
            ok++;
        else
            show_failure(flavour, run, &r);
        runcase_release(&r);
    }
    print_message("%s: fixed clean in %d/%d runs\n", flavour, ok,
                  RUNS_VALGRIND);
    assert_int_equal(ok, RUNS_VALGRIND);
}

static void test_fixed_native(void **state)
{
    fixed_direct("native");
}

static void test_fixed_tsan(void **state)
{
    fixed_direct("tsan");
}

static void test_fixed_tsan_gcc(void **state)
{
    fixed_direct("tsan-gcc");
}

static void fixed_valgrind(const char *tool)
{
    int ok = 0;

    if (!runcase_have("valgrind"))
        skip();
    for (int run = 0; run < RUNS_VALGRIND; run++) {
        struct run r;
        char *xml = valgrind_run(tool, "fixed", &r);

        /* A complete XML report (the run ended), without an error. */
        if (runcase_exited(&r, 0) && !strcmp(r.out, FIXED_OUT) &&
            strstr(xml, "</valgrindoutput>") && !strstr(xml, "<error>"))
            ok++;
        else
            show_failure(tool, run, &r);
        free(xml);
        runcase_release(&r);
    }
    print_message("%s: fixed clean in %d/%d runs\n", tool, ok, RUNS_VALGRIND);
    assert_int_equal(ok, RUNS_VALGRIND);
}

static void test_fixed_helgrind(void **state)
{
    fixed_valgrind("helgrind");
}

static void test_fixed_drd(void **state)
{
    fixed_valgrind("drd");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_racy_native),
        cmocka_unit_test(test_racy_tsan),
        cmocka_unit_test(test_racy_tsan_gcc),
        cmocka_unit_test(test_racy_helgrind),
        cmocka_unit_test(test_racy_drd),
        cmocka_unit_test(test_fixed_native),
        cmocka_unit_test(test_fixed_tsan),
        cmocka_unit_test(test_fixed_tsan_gcc),
        cmocka_unit_test(test_fixed_helgrind),
        cmocka_unit_test(test_fixed_drd),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
