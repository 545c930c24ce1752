/*
 * test_classify.c - verdicts on hand-built reports: a race counts only on
 * a marked line; every expectation kind; exit statuses and crashes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/classify.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define SRC "/repo/cases/map-x/racy.c"

static struct markers marks;

static int setup(void **state)
{
    const char src[] = "int a;\n"
                       "void w(void) { a = 1; /* RACE: write a */ }\n"
                       "void r(void) { (void)a; // RACE: read a\n"
                       "}\n";
    markers_scan_buf(SRC, src, strlen(src), &marks);
    return 0;
}

static int teardown(void **state)
{
    markers_release(&marks);
    return 0;
}

static void add_frame(struct access *a, const char *func, const char *file,
                      int line)
{
    struct frame *f = stack_add(&a->stack);
    f->func = xstrdup(func);
    f->file = file ? xstrdup(file) : NULL;
    f->line = line;
}

/* A data race whose accesses are on the given lines of `file`. */
static void add_race(struct report *r, const char *file, int line0, int line1)
{
    struct finding *f = report_add(r);
    f->kind = FINDING_DATA_RACE;
    f->type = xstrdup("data race");
    f->nr_access = 2;
    f->access[0].kind = ACCESS_WRITE;
    add_frame(&f->access[0], "mapassign", "model/map.c", 700);
    add_frame(&f->access[0], "w", file, line0);
    f->access[1].kind = ACCESS_READ;
    add_frame(&f->access[1], "r", file, line1);
}

static void add_fatal(struct report *r, const char *msg)
{
    struct finding *f = report_add(r);
    f->kind = FINDING_FATAL;
    f->type = xstrdup("fatal error");
    f->message = xstrdup(msg);
}

static void add_other(struct report *r, const char *type)
{
    struct finding *f = report_add(r);
    f->kind = FINDING_OTHER;
    f->type = xstrdup(type);
}

static struct proc exited(int code)
{
    struct proc p;
    memset(&p, 0, sizeof(p));
    p.done = true;
    p.status = code << 8; /* as wait(2) reports exit(code) */
    return p;
}

static struct proc signalled(int sig)
{
    struct proc p;
    memset(&p, 0, sizeof(p));
    p.done = true;
    p.status = sig;
    return p;
}

static struct expectation expect(const char *value)
{
    struct expectation e;
    char *why = NULL;
    memset(&e, 0, sizeof(e));
    if (expectation_parse(value, &e, &why) < 0)
        fail_msg("%s", why);
    return e;
}

static void expect_release(struct expectation *e)
{
    free(e->arg);
    free(e->text);
}

/* Classify n identical runs and return the verdict (v filled). */
static enum verdict judge(enum detector d, const char *exp,
                          const struct report *r, struct proc p,
                          const char *out, size_t n, bool natural,
                          struct cell_verdict *v)
{
    struct expectation e = expect(exp);
    struct run_obs *obs = calloc(n, sizeof(*obs));
    for (size_t i = 0; i < n; i++)
        classify_run(d, &e, &marks, r, &p, out, &obs[i]);
    classify_cell(d, &e, obs, n, natural, v);
    for (size_t i = 0; i < n; i++)
        run_obs_release(&obs[i]);
    free(obs);
    expect_release(&e);
    return v->verdict;
}

static void test_markers_found(void **state)
{
    assert_int_equal(marks.nr, 2);
    assert_int_equal(marks.items[0].line, 2);
    assert_string_equal(marks.items[0].text, "write a");
    assert_int_equal(marks.items[1].line, 3);
    assert_string_equal(marks.items[1].text, "read a");
}

static void test_race_on_marked_line_passes(void **state)
{
    struct report r;
    report_init(&r);
    /* relative path as TSan prints it: matches by suffix */
    add_race(&r, "cases/map-x/racy.c", 2, 3);
    struct cell_verdict v;
    assert_int_equal(
        judge(DET_TSAN, "race", &r, exited(66), NULL, 3, false, &v),
        VERDICT_PASS);
    assert_int_equal(v.detected_runs, 3);
    assert_int_equal(v.runs, 3);
    assert_string_equal(v.observed, "race");
    cell_verdict_release(&v);
    report_release(&r);
}

static void test_unrelated_race_cannot_pass(void **state)
{
    struct report r;
    report_init(&r);
    /* right file name, other case folder; and unmarked lines */
    add_race(&r, "cases/map-y/racy.c", 2, 3);
    add_race(&r, SRC, 1, 4);
    struct cell_verdict v;
    assert_int_equal(
        judge(DET_HELGRIND, "race", &r, exited(0), NULL, 1, false, &v),
        VERDICT_FALSE_NEGATIVE);
    assert_int_equal(v.detected_runs, 0);
    assert_string_equal(v.observed, "race off the marked lines");
    assert_non_null(strstr(v.note, "off the marked lines"));
    cell_verdict_release(&v);
    report_release(&r);
}

static void test_one_marked_access_is_enough(void **state)
{
    struct report r;
    report_init(&r);
    add_race(&r, "racy.c", 1, 3); /* bare file name, second access marked */
    struct cell_verdict v;
    assert_int_equal(judge(DET_DRD, "race", &r, exited(0), NULL, 1, false, &v),
                     VERDICT_PASS);
    cell_verdict_release(&v);
    report_release(&r);
}

static void test_clean(void **state)
{
    struct report r;
    report_init(&r);
    struct cell_verdict v;
    assert_int_equal(
        judge(DET_TSAN, "clean", &r, exited(0), NULL, 2, false, &v),
        VERDICT_PASS);
    assert_string_equal(v.observed, "clean");
    cell_verdict_release(&v);
    add_other(&r, "thread leak");
    assert_int_equal(
        judge(DET_TSAN, "clean", &r, exited(66), NULL, 2, false, &v),
        VERDICT_FALSE_POSITIVE);
    assert_string_equal(v.observed, "report: thread leak");
    assert_int_equal(v.detected_runs, 2);
    cell_verdict_release(&v);
    report_release(&r);
}

static void test_fatal(void **state)
{
    struct report r;
    report_init(&r);
    add_fatal(&r, "concurrent map writes");
    struct cell_verdict v;
    assert_int_equal(judge(DET_NATIVE, "fatal concurrent map writes", &r,
                           exited(2), NULL, 1, false, &v),
                     VERDICT_PASS);
    assert_string_equal(v.observed, "fatal concurrent map writes");
    cell_verdict_release(&v);
    /* another Go message is not the expected one */
    assert_int_equal(judge(DET_NATIVE,
                           "fatal concurrent map read and map write", &r,
                           exited(2), NULL, 1, false, &v),
                     VERDICT_FALSE_NEGATIVE);
    cell_verdict_release(&v);
    report_release(&r);
    /* no fatal: the check did not fire */
    report_init(&r);
    assert_int_equal(judge(DET_NATIVE, "fatal concurrent map writes", &r,
                           exited(0), NULL, 1, false, &v),
                     VERDICT_FALSE_NEGATIVE);
    assert_non_null(strstr(v.note, "0/1"));
    cell_verdict_release(&v);
    /* natural runs: best effort, a known miss */
    assert_int_equal(judge(DET_NATIVE, "fatal concurrent map writes", &r,
                           exited(0), NULL, 1, true, &v),
                     VERDICT_KNOWN_MISS);
    cell_verdict_release(&v);
    report_release(&r);
}

/* go: Go's own check, never forced: one run of three with the fatal error
 * is enough, and the note gives the rate; none in fewer than 20 runs is a
 * known miss that says why, none in 20 a false negative. go-race reports
 * with exit status 66. */
static void test_go_best_effort(void **state)
{
    struct report fatal, none;
    report_init(&fatal);
    report_init(&none);
    add_fatal(&fatal, "concurrent map writes");
    struct expectation e = expect("fatal concurrent map writes");
    struct run_obs obs[3];
    struct proc two = exited(2), zero = exited(0);
    classify_run(DET_GO, &e, &marks, &none, &zero, NULL, &obs[0]);
    classify_run(DET_GO, &e, &marks, &fatal, &two, NULL, &obs[1]);
    classify_run(DET_GO, &e, &marks, &none, &zero, NULL, &obs[2]);
    struct cell_verdict v;
    classify_cell(DET_GO, &e, obs, 3, false, &v);
    assert_int_equal(v.verdict, VERDICT_PASS);
    assert_string_equal(v.note, "fatal in 1 of 3 runs");
    cell_verdict_release(&v);
    /* the same runs under native (forced): a false negative */
    classify_cell(DET_NATIVE, &e, obs, 3, false, &v);
    assert_int_equal(v.verdict, VERDICT_FALSE_NEGATIVE);
    cell_verdict_release(&v);
    for (int i = 0; i < 3; i++)
        run_obs_release(&obs[i]);
    assert_int_equal(judge(DET_GO, "fatal concurrent map writes", &none,
                           exited(0), NULL, 3, false, &v),
                     VERDICT_KNOWN_MISS);
    assert_non_null(strstr(v.note, "fatal in 0 of 3 runs: Go's check is best "
                                   "effort, and an absence is judged over 20 "
                                   "runs (--runs 20)"));
    cell_verdict_release(&v);
    assert_int_equal(judge(DET_GO, "fatal concurrent map writes", &none,
                           exited(0), NULL, BEST_EFFORT_JUDGED_RUNS, false, &v),
                     VERDICT_FALSE_NEGATIVE);
    assert_non_null(strstr(v.note, "fatal in 0 of 20 runs"));
    cell_verdict_release(&v);
    expect_release(&e);

    /* go-race: a race on a marked line, exit status 66 */
    struct report race;
    report_init(&race);
    add_race(&race, "cases/map-x/racy.c", 2, 3);
    assert_int_equal(
        judge(DET_GO_RACE, "race", &race, exited(66), NULL, 2, false, &v),
        VERDICT_PASS);
    cell_verdict_release(&v);
    /* 66 means nothing under go (plain build): an error */
    assert_int_equal(
        judge(DET_GO, "clean", &none, exited(66), NULL, 1, false, &v),
        VERDICT_ERROR);
    cell_verdict_release(&v);
    report_release(&race);
    report_release(&fatal);
    report_release(&none);
}

static void test_symptom(void **state)
{
    struct report r;
    report_init(&r);
    struct cell_verdict v;
    assert_int_equal(judge(DET_NATIVE, "symptom key 7 missing", &r, exited(1),
                           "x\nlookup: key 7 missing\n", 1, false, &v),
                     VERDICT_PASS);
    cell_verdict_release(&v);
    assert_int_equal(judge(DET_NATIVE, "symptom key 7 missing", &r, exited(0),
                           "all keys found\n", 1, false, &v),
                     VERDICT_FALSE_NEGATIVE);
    cell_verdict_release(&v);
    report_release(&r);
}

static void test_miss(void **state)
{
    struct report r;
    report_init(&r);
    struct cell_verdict v;
    assert_int_equal(judge(DET_HELGRIND, "miss rwlock misuse", &r, exited(0),
                           NULL, 1, false, &v),
                     VERDICT_KNOWN_MISS);
    assert_non_null(strstr(v.note, "rwlock misuse"));
    cell_verdict_release(&v);
    add_race(&r, SRC, 2, 3);
    assert_int_equal(judge(DET_HELGRIND, "miss rwlock misuse", &r, exited(0),
                           NULL, 1, false, &v),
                     VERDICT_PASS);
    assert_non_null(strstr(v.note, "expected a miss"));
    cell_verdict_release(&v);
    report_release(&r);
}

static void test_false_positive(void **state)
{
    struct report r;
    report_init(&r);
    add_race(&r, SRC, 2, 3);
    struct cell_verdict v;
    assert_int_equal(judge(DET_DRD, "false-positive atomics look plain", &r,
                           exited(0), NULL, 1, false, &v),
                     VERDICT_KNOWN_FALSE_POSITIVE);
    cell_verdict_release(&v);
    report_release(&r);
    report_init(&r);
    assert_int_equal(judge(DET_DRD, "false-positive atomics look plain", &r,
                           exited(0), NULL, 1, false, &v),
                     VERDICT_PASS);
    assert_non_null(strstr(v.note, "not reported"));
    cell_verdict_release(&v);
    report_release(&r);
}

static void test_exit_statuses(void **state)
{
    struct report r;
    report_init(&r);
    struct cell_verdict v;
    /* 66 with no TSan report, or from another detector: unexplained */
    assert_int_equal(
        judge(DET_TSAN, "clean", &r, exited(66), NULL, 1, false, &v),
        VERDICT_ERROR);
    assert_non_null(strstr(v.note, "unexpected exit status 66"));
    cell_verdict_release(&v);
    /* exit 2 without Go's fatal error */
    assert_int_equal(
        judge(DET_NATIVE, "clean", &r, exited(2), NULL, 1, false, &v),
        VERDICT_ERROR);
    cell_verdict_release(&v);
    /* a signal */
    assert_int_equal(
        judge(DET_NATIVE, "clean", &r, signalled(SIGSEGV), NULL, 1, false, &v),
        VERDICT_ERROR);
    assert_string_equal(v.note, "killed by SIGSEGV");
    cell_verdict_release(&v);
    /* a timeout */
    struct proc p = signalled(SIGKILL);
    p.timed_out = true;
    p.start = 10;
    p.deadline = 15;
    assert_int_equal(judge(DET_DRD, "race", &r, p, NULL, 1, false, &v),
                     VERDICT_ERROR);
    assert_string_equal(v.note, "timed out after 5 s");
    cell_verdict_release(&v);
    /* a crash TSan reported as a finding */
    add_other(&r, "SEGV on unknown address");
    assert_int_equal(
        judge(DET_TSAN, "clean", &r, exited(66), NULL, 1, false, &v),
        VERDICT_ERROR);
    assert_non_null(strstr(v.note, "crashed: SEGV"));
    cell_verdict_release(&v);
    report_release(&r);
}

/* A report of another kind whose stacks are in `file`, the first one on
 * `line`. */
static void add_kind(struct report *r, enum finding_kind kind, const char *type,
                     const char *file, int line)
{
    struct finding *f = report_add(r);
    f->kind = kind;
    f->type = xstrdup(type);
    f->nr_access = 1;
    f->access[0].label = xstrdup(type);
    add_frame(&f->access[0], "pthread_mutex_unlock", NULL, 0);
    struct access *more = finding_add_more(f);
    more->label = xstrdup("Mutex M0 created at");
    more->seq = 1;
    add_frame(more, "w", file, line);
}

/* lock-order, thread-leak, mutex-misuse, use-after-free, signal-unsafe:
 * a report of that kind with a frame (in any of its stacks) in the
 * variant's source. */
static void test_report_kinds(void **state)
{
    struct report r;
    report_init(&r);
    struct cell_verdict v;
    add_kind(&r, FINDING_MUTEX_MISUSE, "unlock of an unlocked mutex", SRC, 4);
    assert_int_equal(
        judge(DET_TSAN, "mutex-misuse", &r, exited(66), NULL, 1, false, &v),
        VERDICT_PASS);
    assert_string_equal(v.observed, "mutex-misuse");
    cell_verdict_release(&v);
    /* another kind is not it */
    assert_int_equal(
        judge(DET_TSAN, "lock-order", &r, exited(66), NULL, 1, false, &v),
        VERDICT_FALSE_NEGATIVE);
    cell_verdict_release(&v);
    /* and clean sees it */
    assert_int_equal(judge(DET_DRD, "clean", &r, exited(0), NULL, 1, false, &v),
                     VERDICT_FALSE_POSITIVE);
    cell_verdict_release(&v);
    report_release(&r);

    /* a report of that kind in some other code does not count */
    report_init(&r);
    add_kind(&r, FINDING_LOCK_ORDER, "lock-order-inversion", "/elsewhere/lib.c",
             9);
    assert_int_equal(
        judge(DET_TSAN, "lock-order", &r, exited(66), NULL, 1, false, &v),
        VERDICT_FALSE_NEGATIVE);
    assert_non_null(strstr(v.note, "lock-order in 0/1 runs"));
    cell_verdict_release(&v);
    report_release(&r);
}

/* A run that shows what was expected passes however the program ended;
 * the end is in the note either way. */
static void test_bad_end_after_the_report(void **state)
{
    struct report r;
    report_init(&r);
    struct cell_verdict v;
    add_race(&r, SRC, 2, 3);
    assert_int_equal(
        judge(DET_HELGRIND, "race", &r, exited(42), NULL, 1, false, &v),
        VERDICT_PASS);
    assert_string_equal(v.note, "the program ended: exit 42");
    cell_verdict_release(&v);
    assert_int_equal(
        judge(DET_DRD, "race", &r, signalled(SIGABRT), NULL, 1, false, &v),
        VERDICT_PASS);
    assert_non_null(strstr(v.note, "killed by SIGABRT"));
    cell_verdict_release(&v);
    report_release(&r);

    /* without the report, the same end is an error */
    report_init(&r);
    assert_int_equal(
        judge(DET_HELGRIND, "race", &r, exited(42), NULL, 1, false, &v),
        VERDICT_ERROR);
    assert_non_null(strstr(v.note, "unexpected exit status 42"));
    cell_verdict_release(&v);
    /* any (maprace try): the end is said, never judged */
    struct expectation any = {.kind = EXPECT_ANY};
    struct run_obs o;
    struct proc p = signalled(SIGSEGV);
    classify_run(DET_NATIVE, &any, &marks, &r, &p, NULL, &o);
    assert_null(o.error);
    classify_cell(DET_NATIVE, &any, &o, 1, false, &v);
    assert_int_equal(v.verdict, VERDICT_PASS);
    assert_string_equal(v.note, "the program ended: killed by SIGSEGV");
    cell_verdict_release(&v);
    run_obs_release(&o);
    report_release(&r);
}

static void test_exit_and_signal(void **state)
{
    struct report r;
    report_init(&r);
    struct cell_verdict v;
    assert_int_equal(
        judge(DET_NATIVE, "exit 42", &r, exited(42), NULL, 1, false, &v),
        VERDICT_PASS);
    cell_verdict_release(&v);
    assert_int_equal(
        judge(DET_NATIVE, "exit 42", &r, exited(3), NULL, 1, false, &v),
        VERDICT_FALSE_NEGATIVE);
    cell_verdict_release(&v);
    assert_int_equal(judge(DET_NATIVE, "signal SEGV", &r, signalled(SIGSEGV),
                           NULL, 1, false, &v),
                     VERDICT_PASS);
    cell_verdict_release(&v);
    assert_int_equal(judge(DET_NATIVE, "signal SIGSEGV", &r, signalled(SIGABRT),
                           NULL, 1, false, &v),
                     VERDICT_FALSE_NEGATIVE);
    cell_verdict_release(&v);
    /* TSan reports the deadly signal itself, then exits 66 */
    add_other(&r, "SEGV on unknown address");
    assert_int_equal(
        judge(DET_TSAN, "signal SIGSEGV", &r, exited(66), NULL, 1, false, &v),
        VERDICT_PASS);
    cell_verdict_release(&v);
    report_release(&r);

    static const char *const bad[] = {"exit", "exit 300", "exit x",
                                      "signal SIGFOO", "lock-order now"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct expectation e;
        char *why = NULL;
        memset(&e, 0, sizeof(e));
        assert_int_equal(expectation_parse(bad[i], &e, &why), -1);
        assert_non_null(why);
        free(why);
    }
    struct expectation e = expect("signal ABRT");
    assert_string_equal(e.text, "signal SIGABRT");
    assert_int_equal(e.num, SIGABRT);
    expect_release(&e);
}

static void test_one_bad_run_of_three(void **state)
{
    struct expectation e = expect("race");
    struct report hit, miss;
    report_init(&hit);
    report_init(&miss);
    add_race(&hit, SRC, 2, 3);
    struct proc p = exited(0);
    struct run_obs obs[3];
    classify_run(DET_HELGRIND, &e, &marks, &hit, &p, NULL, &obs[0]);
    classify_run(DET_HELGRIND, &e, &marks, &miss, &p, NULL, &obs[1]);
    classify_run(DET_HELGRIND, &e, &marks, &hit, &p, NULL, &obs[2]);
    assert_true(obs[0].detected);
    assert_false(obs[1].detected);
    assert_non_null(strstr(obs[0].marker, "racy.c:2 (write a)"));
    struct cell_verdict v;
    classify_cell(DET_HELGRIND, &e, obs, 3, false, &v);
    assert_int_equal(v.verdict, VERDICT_FALSE_NEGATIVE);
    assert_int_equal(v.detected_runs, 2);
    assert_non_null(strstr(v.note, "2/3"));
    cell_verdict_release(&v);
    for (int i = 0; i < 3; i++)
        run_obs_release(&obs[i]);
    report_release(&hit);
    report_release(&miss);
    expect_release(&e);
}

static void test_verdict_names(void **state)
{
    assert_string_equal(verdict_name(VERDICT_PASS), "pass");
    assert_string_equal(verdict_name(VERDICT_KNOWN_FALSE_POSITIVE),
                        "known-false-positive");
    assert_true(verdict_ok(VERDICT_KNOWN_MISS));
    assert_false(verdict_ok(VERDICT_ERROR));
    assert_false(verdict_ok(VERDICT_FALSE_NEGATIVE));
}

static void test_path_suffix_match(void **state)
{
    assert_true(path_suffix_match("cases/x/racy.c", "/repo/cases/x/racy.c"));
    assert_true(path_suffix_match("/repo/cases/x/racy.c", "racy.c"));
    assert_true(path_suffix_match("./cases/x/racy.c", "x//racy.c"));
    assert_false(path_suffix_match("cases/y/racy.c", "cases/x/racy.c"));
    assert_false(path_suffix_match("cases/x/fixed.c", "cases/x/racy.c"));
    assert_false(path_suffix_match("", "racy.c"));
    const struct marker *m = markers_find(&marks, "./cases/map-x/racy.c", 3);
    assert_non_null(m);
    assert_string_equal(m->text, "read a");
    assert_null(markers_find(&marks, "cases/map-x/racy.c", 4));
    assert_null(markers_find(&marks, NULL, 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markers_found),
        cmocka_unit_test(test_race_on_marked_line_passes),
        cmocka_unit_test(test_unrelated_race_cannot_pass),
        cmocka_unit_test(test_one_marked_access_is_enough),
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_fatal),
        cmocka_unit_test(test_go_best_effort),
        cmocka_unit_test(test_symptom),
        cmocka_unit_test(test_miss),
        cmocka_unit_test(test_false_positive),
        cmocka_unit_test(test_exit_statuses),
        cmocka_unit_test(test_report_kinds),
        cmocka_unit_test(test_bad_end_after_the_report),
        cmocka_unit_test(test_exit_and_signal),
        cmocka_unit_test(test_one_bad_run_of_three),
        cmocka_unit_test(test_verdict_names),
        cmocka_unit_test(test_path_suffix_match),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
