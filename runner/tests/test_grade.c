/*
 * test_grade.c - `maprace grade` on every exercise of exercises/: each of
 * the catalog's reference answers passes; the starting program and each
 * known wrong answer fail; a serialised answer (runner/tests/grade/) fails
 * on (c) with the message that teaches why; the Go twins of the answers
 * pass and of the starts fail (a Go answer); bad input is a one-line error
 * with exit 2. The classic wrong fixes (runner/tests/grade/: a volatile
 * flag, a sleep, a lock in the writer only, an atomic beside the unlocked
 * map, the second thread removed, one lock around everything) are each
 * named with the case that teaches why; a C11 spinlock only Valgrind's
 * tools flag passes with a note; a file that does not compile is said
 * once, with its own path, and nothing else is checked.
 *
 * To keep `make test` affordable the grades run under native and TSan
 * (clang); one answer and its start are graded under every detector.
 * The catalog's own tests check every fixed variant under every detector.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/detectors.h"
#include "runner-test.h"

#include <dirent.h>

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

/* The value of `key` in exercises/<ex>/exercise.ini (malloc'd), or NULL. */
static char *ini_value(const char *ex, const char *key)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/exercises/%s/exercise.ini", test_root(),
             ex);
    char *text = test_slurp(path);
    assert_non_null(text);
    char *found = NULL;
    for (char *l = strtok(text, "\n"); l && !found; l = strtok(NULL, "\n")) {
        size_t n = strlen(key);
        if (!strncmp(l, key, n) && (l[n] == ' ' || l[n] == '=')) {
            char *v = strchr(l, '=');
            if (v)
                found = strdup(v + 1 + strspn(v + 1, " "));
        }
    }
    free(text);
    return found;
}

/* Grade `file` (relative to the root) as an answer to `ex`; the exit
 * status; the output in *out (malloc'd). */
static int grade(const char *ex, const char *file, const char *detectors,
                 char **out)
{
    char args[PATH_MAX * 2], base[PATH_MAX];
    snprintf(base, sizeof(base), "%s/grade", tmp);
    snprintf(args, sizeof(args), "grade --no-color %s%s --build '%s' %s %s",
             detectors ? "-d " : "", detectors ? detectors : "", MAPRACE_BUILD,
             ex, file);
    int rc = run_maprace("", args, base);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s.stdout", base);
    *out = test_slurp(path);
    assert_non_null(*out);
    if (rc != 0 && rc != 1) {
        snprintf(path, sizeof(path), "%s.stderr", base);
        char *err = test_slurp(path);
        fprintf(stderr, "grade %s %s: exit %d\n%s%s\n", ex, file, rc, *out,
                err ? err : "");
        free(err);
    }
    return rc;
}

/* Each exercise folder name, NULL-terminated (malloc'd). */
static char **exercises(void)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/exercises", test_root());
    DIR *d = opendir(path);
    assert_non_null(d);
    char **list = calloc(64, sizeof(char *));
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 63) {
        char ini[PATH_MAX + 300];
        snprintf(ini, sizeof(ini), "%s/%s/exercise.ini", path, de->d_name);
        if (de->d_name[0] != '.' && !access(ini, R_OK))
            list[n++] = strdup(de->d_name);
    }
    closedir(d);
    assert_true(n >= 8); /* the issue asks for at least eight */
    return list;
}

static void free_list(char **list)
{
    for (size_t i = 0; list[i]; i++)
        free(list[i]);
    free(list);
}

/* Grade each variant named in `key` of every exercise; expect `want`. */
static void grade_variants(const char *key, int want)
{
    char **list = exercises();
    for (size_t i = 0; list[i]; i++) {
        char *c = ini_value(list[i], "case");
        char *vs = ini_value(list[i], key);
        assert_non_null(c);
        for (char *v = vs ? strtok(vs, " ") : NULL; v; v = strtok(NULL, " ")) {
            char file[PATH_MAX], *out;
            snprintf(file, sizeof(file), "cases/%s/%s.c", c, v);
            int rc = grade(list[i], file, "native,tsan", &out);
            if (rc != want)
                fail_msg("grade %s %s: exit %d, want %d\n%s", list[i], file, rc,
                         want, out);
            assert_non_null(strstr(out, want ? "\nFAIL: " : "\nPASS: "));
            free(out);
        }
        free(c);
        free(vs);
    }
    free_list(list);
}

static void test_answers_pass(void **state)
{
    grade_variants("answers", 0);
}

static void test_starts_fail(void **state)
{
    grade_variants("start", 1);
}

static void test_wrong_fail(void **state)
{
    grade_variants("wrong", 1);
}

/* The lock per step of the range: race-free, and the grader says why it
 * is still wrong. */
static void test_lockstep_teaches(void **state)
{
    char *out;
    assert_int_equal(grade("map-iterate-write",
                           "cases/map-iterate-write/racy-lockstep.c",
                           "native,tsan", &out),
                     1);
    assert_non_null(strstr(out, "  ok    (a) race-free"));
    assert_non_null(strstr(out, "  FAIL  (b) still does the job"));
    assert_non_null(strstr(out, "torn snapshot"));
    assert_non_null(strstr(out, "not one atomic step"));
    free(out);
}

/* Serialised answers: (a) and (b) hold, (c) fails with the lesson. */
static void test_serial_fails(void **state)
{
    static const char *const serial[][2] = {
        {"map-concurrent-writes", "map-concurrent-writes-serial.c"},
        {"map-iterate-write", "map-iterate-write-serial.c"},
        {"map-waitgroup-writes", "map-waitgroup-writes-serial.c"},
        {"syncmap-check-then-act", "syncmap-check-then-act-serial.c"},
    };
    for (size_t i = 0; i < sizeof(serial) / sizeof(serial[0]); i++) {
        char file[PATH_MAX], *out;
        snprintf(file, sizeof(file), "runner/tests/grade/%s", serial[i][1]);
        int rc = grade(serial[i][0], file, "native", &out);
        if (rc != 1 || !strstr(out, "  ok    (a) race-free") ||
            !strstr(out, "  ok    (b) still does the job") ||
            !strstr(out, "  FAIL  (c) still concurrent") ||
            !strstr(out, "runs one thread at a time") ||
            !strstr(out, "start every thread") ||
            !strstr(out, "maprace explain map-iterate-write"))
            fail_msg("grade %s %s: exit %d\n%s", serial[i][0], file, rc, out);
        free(out);
    }
}

/* One exercise under every detector: the answer passes, the start fails
 * with a line per detector that saw the race. */
static void test_every_detector(void **state)
{
    char *out;
    assert_int_equal(grade("map-concurrent-writes",
                           "cases/map-concurrent-writes/fixed.c", NULL, &out),
                     0);
    free(out);
    assert_int_equal(grade("map-concurrent-writes",
                           "cases/map-concurrent-writes/racy.c", NULL, &out),
                     1);
    static const char *const lines[] = {
        "  FAIL  (a) race-free: no, your program still races",
        "    thread func1 writes the map (m[k] = v at line 57, in assign_five)",
        "      while thread func2 ",
        "(m[k] = v at line 63, in assign_six) (tsan, tsan-gcc, helgrind, drd)",
        "Go's own check stopped the program: \"fatal error: concurrent map "
        "writes\" (under native"};
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
        if (!strstr(out, lines[i]))
            fail_msg("no '%s' in:\n%s", lines[i], out);
    free(out);
}

/* A Go answer: the Go twin of each exercise's reference answer passes
 * under go and go-race, (c) said to be unchecked; the Go twin of its
 * start fails on (a), go-race having seen the race. */
static void test_go_answers(void **state)
{
    /* the current Go, else the hmap Go standing in (a fresh Debian) */
    char gorace_line[64];
    snprintf(gorace_line, sizeof(gorace_line), "(%s)\n",
             detector_name(detector_go_stand_in(DET_GO_RACE)));
    char **list = exercises();
    size_t graded = 0;
    for (size_t i = 0; list[i]; i++) {
        char *go_text = ini_value(list[i], "go-stdout");
        if (!go_text)
            continue;
        char *c = ini_value(list[i], "case");
        char *answers = ini_value(list[i], "answers");
        char *start = ini_value(list[i], "start");
        const char *v[2] = {strtok(answers, " "), start};
        for (int k = 0; k < 2; k++) {
            char file[PATH_MAX], *out;
            snprintf(file, sizeof(file), "cases/%s/%s.go", c, v[k]);
            int rc = grade(list[i], file, NULL, &out);
            if (rc != k || !strstr(out, k ? "\nFAIL: " : "\nPASS: ") ||
                !strstr(out, "(c) still concurrent: not checked for a Go") ||
                (k && !strstr(out, gorace_line)) ||
                (!k && !strstr(out, "  ok    (b) still does the job")))
                fail_msg("grade %s %s: exit %d, want %d\n%s", list[i], file, rc,
                         k, out);
            free(out);
        }
        graded++;
        free(go_text);
        free(c);
        free(answers);
        free(start);
    }
    assert_true(graded >= 8);
    free_list(list);
}

/* The classic wrong fixes, each named, with the case that teaches why it
 * fails; the races said on the answer's own lines, without its markers
 * (the fixtures have none), and none of CI's words. */
static void test_wrong_fixes_named(void **state)
{
    static const struct {
        const char *ex, *file, *detectors;
        const char *want[5];
    } fixes[] = {
        {"map-concurrent-writes",
         "map-concurrent-writes-volatile.c",
         "native,tsan",
         {"  FAIL  (a) race-free: no, your program still races",
          "writes `busy` (at line ", "Why: `busy` is volatile.",
          "maprace explain sleep-is-not-sync", NULL}},
        {"map-concurrent-writes",
         "map-concurrent-writes-sleep.c",
         "native,tsan",
         {"  FAIL  (a) race-free: no, your program still races",
          "writes the map (m[k] = v at line ", "Why: a sleep orders nothing.",
          "maprace explain sleep-is-not-sync", NULL}},
        /* the reader sleeps 100 ms instead of locking: TSan alone must
         * see it (history_size=7: with clang 14's default history the
         * writer's access could be forgotten and the answer pass) */
        {"map-read-write",
         "map-read-write-sleep.c",
         "tsan",
         {"  FAIL  (a) race-free: no, your program still races",
          "Why: a sleep orders nothing.", "maprace explain sleep-is-not-sync",
          NULL}},
        {"map-read-write",
         "map-read-write-writer-lock.c",
         "native,tsan",
         {"  FAIL  (a) race-free: no, your program still races",
          "thread writer writes the map (m[k] = v at line ",
          "while thread reader reads it (v := m[k] at line ",
          "Why: only one side takes the lock",
          "maprace explain map-read-write"}},
        {"map-concurrent-writes",
         "map-concurrent-writes-atomic-beside.c",
         "native,tsan",
         {"  FAIL  (a) race-free: no, your program still races",
          "Why: your atomic variable is race-free itself",
          "maprace explain lockfree-cas-publish", NULL}},
        {"map-concurrent-writes",
         "map-concurrent-writes-one-thread.c",
         "native",
         {"  ok    (a) race-free", "  ok    (b) still does the job",
          "  FAIL  (c) still concurrent: no",
          "Only 1 thread besides main used the map",
          "maprace explain map-waitgroup-writes"}},
        {"map-concurrent-writes",
         "map-concurrent-writes-serial.c",
         "native",
         {"  ok    (a) race-free", "  FAIL  (c) still concurrent: no",
          "a lock held across\n    a thread's whole loop",
          "maprace explain map-iterate-write", NULL}},
    };
    for (size_t i = 0; i < sizeof(fixes) / sizeof(fixes[0]); i++) {
        char file[PATH_MAX], *out;
        snprintf(file, sizeof(file), "runner/tests/grade/%s", fixes[i].file);
        int rc = grade(fixes[i].ex, file, fixes[i].detectors, &out);
        if (rc != 1 || !strstr(out, "\nFAIL: "))
            fail_msg("grade %s %s: exit %d, want 1\n%s", fixes[i].ex, file, rc,
                     out);
        for (size_t k = 0; k < 5 && fixes[i].want[k]; k++)
            if (!strstr(out, fixes[i].want[k]))
                fail_msg("grade %s %s: no '%s' in:\n%s", fixes[i].ex, file,
                         fixes[i].want[k], out);
        static const char *const ci_words[] = {"marked lines", "false-positive",
                                               "expected clean",
                                               "Not as expected", "legend:"};
        for (size_t k = 0; k < sizeof(ci_words) / sizeof(ci_words[0]); k++)
            if (strstr(out, ci_words[k]))
                fail_msg("grade %s %s: CI's words '%s' in:\n%s", fixes[i].ex,
                         file, ci_words[k], out);
        free(out);
    }
}

/* A correct answer only Helgrind and DRD flag, because they do not model
 * C11 atomics: an atomic_flag spinlock around each assignment passes under
 * every detector, with the note; without TSan the grader cannot tell, and
 * says so. */
static void test_c11_spinlock_passes(void **state)
{
    const char *file = "runner/tests/grade/map-concurrent-writes-spinlock.c";
    char *out;
    int rc = grade("map-concurrent-writes", file, NULL, &out);
    if (rc != 0 || !strstr(out, "\nPASS: ") ||
        !strstr(out, "  ok    (a) race-free: TSan and the native run report "
                     "nothing") ||
        !strstr(out, "note: Helgrind and DRD reported") ||
        !strstr(out, "do not model"))
        fail_msg("grade %s: exit %d, want 0 with the note\n%s", file, rc, out);
    free(out);
    rc = grade("map-concurrent-writes", file, "native,helgrind", &out);
    if (rc != 1 || !strstr(out, "Why: maybe none. Only Helgrind or DRD saw") ||
        !strstr(out, "grade it with TSan too"))
        fail_msg("grade -d native,helgrind %s: exit %d, want 1\n%s", file, rc,
                 out);
    free(out);
}

/* Right answers other than the catalog's, named by the solution sheet
 * (docs/instructor/solutions.md), pass. */
static void test_other_right_answers(void **state)
{
    const char *file = "runner/tests/grade/syncmap-check-then-act-mutex.c";
    char *out;
    int rc = grade("syncmap-check-then-act", file, "native,tsan", &out);
    if (rc != 0 || !strstr(out, "\nPASS: "))
        fail_msg("grade %s: exit %d, want 0\n%s", file, rc, out);
    free(out);
}

/* Counts the occurrences of needle in hay. */
static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* A file that does not compile (a missing ')', a missing '&', a Go
 * syntax error): said once,
 * with the answer's own path and line and the line itself; (a), (b) and
 * (c) not run. */
static void test_compile_error_once(void **state)
{
    static const char *const files[][3] = {
        {"map-concurrent-writes", "map-concurrent-writes-syntax.c", "expected"},
        {"map-concurrent-writes", "map-concurrent-writes-amp.c",
         "pthread_mutex_lock"},
        {"map-read-write", "map-read-write-syntax.go", "syntax error"},
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char file[PATH_MAX], where[PATH_MAX + 8], *out;
        snprintf(file, sizeof(file), "runner/tests/grade/%s", files[i][1]);
        snprintf(where, sizeof(where), "    %s:", file);
        int rc = grade(files[i][0], file,
                       strstr(file, ".go") ? NULL : "native,tsan", &out);
        if (rc != 1 || count(out, "does not compile") != 1 ||
            count(out, "error:") != 1 || !strstr(out, where) ||
            !strstr(out, files[i][2]) || !strstr(out, "| ") ||
            (!strstr(file, ".go") && !strstr(out, "/* missing")) ||
            !strstr(out, "(a), (b) and (c) were not checked") ||
            strstr(out, "  ok ") || strstr(out, "(b) still") ||
            strstr(out, "(c) still") || strstr(out, "show ") ||
            strstr(out, "cases/map-"))
            fail_msg("grade %s: exit %d\n%s", file, rc, out);
        free(out);
    }
}

static void expect_usage(const char *args, const char *msg)
{
    char base[PATH_MAX], path[PATH_MAX + 16];
    snprintf(base, sizeof(base), "%s/usage", tmp);
    assert_int_equal(run_maprace("", args, base), 2);
    snprintf(path, sizeof(path), "%s.stderr", base);
    char *err = test_slurp(path);
    assert_non_null(err);
    if (!strstr(err, msg) || strchr(err, '\n') != err + strlen(err) - 1)
        fail_msg("'%s': want one line with '%s', got:\n%s", args, msg, err);
    free(err);
}

static void test_bad_input(void **state)
{
    expect_usage("grade", "maprace: grade needs an exercise and a file");
    expect_usage("grade no-such-exercise cases/map-concurrent-writes/fixed.c",
                 "maprace: unknown exercise 'no-such-exercise'");
    expect_usage("grade map-concurrent-writes /no/such/file.c",
                 "maprace: cannot read /no/such/file.c: No such file");
    expect_usage("grade --runs 0 map-concurrent-writes x.c",
                 "maprace: bad value '0' for --runs");
    expect_usage("grade --bogus map-concurrent-writes x.c",
                 "maprace: unknown option --bogus");
    expect_usage("grade syncmap-check-then-act "
                 "cases/syncmap-check-then-act/racy.go",
                 "maprace: exercise syncmap-check-then-act has no Go version");
    /* every detector of the table, named by the table */
    char *names = detector_names(", ");
    char want[1024];
    snprintf(want, sizeof(want),
             "maprace: unknown detector 'bogus' (want %s or all)", names);
    free(names);
    assert_non_null(strstr(want, "go-hmap-race, native-swiss"));
    expect_usage("grade -d bogus map-concurrent-writes "
                 "cases/map-concurrent-writes/fixed.c",
                 want);
    expect_usage("grade -d tsan map-concurrent-writes "
                 "cases/map-concurrent-writes/fixed.go",
                 "maprace: tsan runs C answers only");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_answers_pass),
        cmocka_unit_test(test_starts_fail),
        cmocka_unit_test(test_wrong_fail),
        cmocka_unit_test(test_lockstep_teaches),
        cmocka_unit_test(test_serial_fails),
        cmocka_unit_test(test_every_detector),
        cmocka_unit_test(test_wrong_fixes_named),
        cmocka_unit_test(test_c11_spinlock_passes),
        cmocka_unit_test(test_other_right_answers),
        cmocka_unit_test(test_compile_error_once),
        cmocka_unit_test(test_go_answers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
