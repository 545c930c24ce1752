/*
 * runner/tests/test_parse_kinds.c - every kind of report, not only data
 * races, through the TSan and valgrind parsers: the logs of the programs
 * of runner/tests/progs (runner/tests/logs/README.md says which program
 * and command made each). For each report: its kind, and every stack the
 * detector printed, in its order, with the detector's own header (label)
 * and the first frame in the program's source.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs-test.h"
#include "parse/parse.h"

#define SRC "/tmp/progs-fx/"

/* One stack as a test expects it: its label (a pattern: '*' matches
 * anything, fnmatch(3)), and its first frame in a file of /tmp/progs-fx (func and line;
 * NULL func: no such frame). */
struct want {
    const char *label;
    const char *func;
    int line;
};

static const struct frame *first_user_frame(const struct stack *s)
{
    for (size_t i = 0; i < s->nr; i++) {
        const char *file = s->frames[i].file;
        if (file && starts_with(file, SRC) && s->frames[i].func &&
            s->frames[i].line > 0)
            return &s->frames[i];
    }
    return NULL;
}

static void check_label(const char *got, const char *want, size_t i)
{
    if (!want) {
        if (got)
            fail_msg("stack %zu: label '%s', want none", i, got);
        return;
    }
    if (!got)
        fail_msg("stack %zu: no label, want '%s'", i, want);
    if (fnmatch(want, got, 0))
        fail_msg("stack %zu: label '%s', want '%s'", i, got, want);
}

/* Every stack of f, in the detector's order, against w[0..n). */
static void check_stacks(const struct finding *f, const struct want *w,
                         size_t n)
{
    const struct access *all[32];
    size_t got = finding_stacks(f, all, 32);
    if (got != n) {
        for (size_t i = 0; i < got; i++)
            print_message("  stack %zu: %s\n", i,
                          all[i]->label ? all[i]->label : "(none)");
        fail_msg("%zu stacks, want %zu", got, n);
    }
    for (size_t i = 0; i < n; i++) {
        check_label(all[i]->label, w[i].label, i);
        const struct frame *fr = first_user_frame(&all[i]->stack);
        if (!w[i].func) {
            if (fr)
                fail_msg("stack %zu: frame %s:%d, want none", i, fr->func,
                         fr->line);
            continue;
        }
        if (!fr)
            fail_msg("stack %zu ('%s'): no frame in the program, want %s:%d", i,
                     all[i]->label, w[i].func, w[i].line);
        if (strcmp(fr->func, w[i].func) || fr->line != w[i].line)
            fail_msg("stack %zu ('%s'): first frame %s:%d, want %s:%d", i,
                     all[i]->label, fr->func, fr->line, w[i].func, w[i].line);
    }
}

#define CHECK_STACKS(f, ...)                                                   \
    do {                                                                       \
        const struct want w_[] = {__VA_ARGS__};                                \
        check_stacks((f), w_, sizeof(w_) / sizeof(w_[0]));                     \
    } while (0)

static void parse_tsan_ok(const char *name, struct report *r)
{
    report_init(r);
    int rc = parse_tsan_file(log_path(name), "tsan", r);
    if (r->error)
        fail_msg("%s: unexpected error: %s", name, r->error);
    assert_int_equal(rc, 0);
}

static void parse_vg_ok(const char *name, const char *tool, struct report *r)
{
    report_init(r);
    int rc = parse_valgrind_file(log_path(name), tool, r);
    if (r->error)
        fail_msg("%s: unexpected error: %s", name, r->error);
    assert_int_equal(rc, 0);
}

static const char *const compilers[] = {"clang14", "clang19", "gcc12"};

/* Parse runner/tests/logs/tsan-<compilers[c]>-<prog>.log into *r. */
static void parse_tsan_log(size_t c, const char *prog, struct report *r)
{
    char *name = xasprintf("tsan-%s-%s.log", compilers[c], prog);
    parse_tsan_ok(name, r);
    free(name);
}

/* The report's only finding, which is of `kind`. */
static struct finding *only_finding(struct report *r, enum finding_kind kind)
{
    assert_int_equal(r->nr, 1);
    assert_int_equal(r->findings[0].kind, kind);
    return &r->findings[0];
}

/* ThreadSanitizer */

static void test_tsan_unlock_unlocked(void **state)
{
    for (size_t c = 0; c < 3; c++) {
        struct report r;
        parse_tsan_log(c, "unlock-unlocked", &r);
        assert_int_equal(r.nr, 3);
        const char *type = "unlock of an unlocked mutex (or by a wrong thread)";
        for (size_t i = 0; i < 3; i++) {
            assert_int_equal(r.findings[i].kind, FINDING_MUTEX_MISUSE);
            assert_string_equal(r.findings[i].type, type);
        }
        /* the stack printed right under the WARNING line is kept */
        CHECK_STACKS(&r.findings[0], {type, "release_twice", 10},
                     {"Mutex M0 (0x* created at", "release_twice", 8});
        CHECK_STACKS(&r.findings[1], {type, "release_unlocked", 15},
                     {"Mutex M* created at", "release_unlocked", 15});
        CHECK_STACKS(&r.findings[2], {type, "main", 24},
                     {"Mutex M* created at", "main", 24});
        /* both "Location is" lines, the first one first */
        assert_non_null(r.findings[1].location);
        assert_true(starts_with(r.findings[1].location,
                                "stack of main thread; global '"));
        report_release(&r);
    }
}

static void test_tsan_destroy_locked(void **state)
{
    for (size_t c = 0; c < 3; c++) {
        struct report r;
        parse_tsan_log(c, "destroy-locked", &r);
        struct finding *f = only_finding(&r, FINDING_MUTEX_MISUSE);
        assert_string_equal(f->type, "destroy of a locked mutex");
        /* the destroy, then "and:" the lock, then the mutex's creation */
        CHECK_STACKS(f, {"destroy of a locked mutex", "main", 9},
                     {"and", "main", 8},
                     {"Mutex M0 (0x* created at", "main", 7});
        assert_true(starts_with(f->location, "stack of main thread; global '"));
        report_release(&r);
    }
}

static void test_tsan_double_lock(void **state)
{
    for (size_t c = 0; c < 3; c++) {
        struct report r;
        parse_tsan_log(c, "double-lock", &r);
        struct finding *f = only_finding(&r, FINDING_MUTEX_MISUSE);
        assert_string_equal(f->type, "double lock of a mutex");
        CHECK_STACKS(f, {"double lock of a mutex", "main", 22},
                     {"Mutex M0 (0x* created at", "worker", 12});
        assert_true(starts_with(f->location, "global 'mu' of size 40"));
        report_release(&r);
    }
}

static void test_tsan_signal_unsafe(void **state)
{
    for (size_t c = 0; c < 3; c++) {
        struct report r;
        parse_tsan_log(c, "signal-unsafe", &r);
        assert_int_equal(r.nr, 2);
        const char *type = "signal-unsafe call inside of a signal";
        for (size_t i = 0; i < 2; i++) {
            assert_int_equal(r.findings[i].kind, FINDING_SIGNAL_UNSAFE);
            assert_string_equal(r.findings[i].type, type);
        }
        CHECK_STACKS(&r.findings[0], {type, "on_signal", 11});
        CHECK_STACKS(&r.findings[1], {type, "on_signal", 13});
        assert_string_equal(r.findings[0].access[0].stack.frames[0].func,
                            "malloc");
        report_release(&r);
    }
}

static void test_tsan_lock_inversion(void **state)
{
    for (size_t c = 0; c < 3; c++) {
        struct report r;
        parse_tsan_log(c, "lock-inversion", &r);
        struct finding *f = only_finding(&r, FINDING_LOCK_ORDER);
        assert_string_equal(f->type,
                            "lock-order-inversion (potential deadlock)");
        /* second_deadlock_stack=1: each acquisition and, after it, where
         * the same thread took the mutex it held */
        CHECK_STACKS(
            f,
            {"Mutex M1 acquired here while holding mutex M0 in main thread",
             "transfer_ab", 12},
            {"Mutex M0 previously acquired by the same thread here",
             "transfer_ab", 11},
            {"Mutex M0 acquired here while holding mutex M1 in thread T1",
             "transfer_ba", 20},
            {"Mutex M1 previously acquired by the same thread here",
             "transfer_ba", 19},
            {"Thread T1 (tid=*", "main", 36});
        /* the two sides: who held what */
        assert_int_equal(f->nr_access, 2);
        assert_string_equal(f->access[0].thread, "main thread");
        assert_string_equal(f->access[0].locks[0], "M0");
        assert_string_equal(f->access[1].thread, "T1");
        assert_string_equal(f->access[1].locks[0], "M1");
        assert_non_null(f->more);
        assert_string_equal(f->more[0].thread, "main thread");
        report_release(&r);
    }
}

static void test_tsan_thread_leak(void **state)
{
    for (size_t c = 0; c < 3; c++) {
        struct report r;
        parse_tsan_log(c, "never-joined", &r);
        struct finding *f = only_finding(&r, FINDING_THREAD_LEAK);
        CHECK_STACKS(f, {"Thread T1 (tid=*, finished) created by main thread "
                         "at",
                         "main", 14});
        assert_string_equal(f->access[0].thread, "T1");
        report_release(&r);
    }
}

static void test_tsan_use_after_free(void **state)
{
    for (size_t c = 0; c < 3; c++) {
        struct report r;
        parse_tsan_log(c, "use-after-free", &r);
        struct finding *f = only_finding(&r, FINDING_USE_AFTER_FREE);
        assert_string_equal(f->type, "heap-use-after-free");
        if (c == 2) /* gcc also says the sleep looked like an ordering */
            CHECK_STACKS(
                f, {"Write of size 4 at 0x* by thread T1", "worker", 12},
                {"Previous write of size 8 at 0x* by main thread", "main", 21},
                {"As if synchronized via sleep", "worker", 11},
                {"Thread T1 (tid=*", "main", 20});
        else
            CHECK_STACKS(
                f, {"Write of size 4 at 0x* by thread T1", "worker", 12},
                {"Previous write of size 8 at 0x* by main thread", "main", 21},
                {"Thread T1 (tid=*", "main", 20});
        assert_int_equal(f->access[0].kind, ACCESS_WRITE);
        assert_string_equal(f->access[1].stack.frames[0].func, "free");
        report_release(&r);
    }
}

static void test_tsan_race_stack(void **state)
{
    for (size_t c = 0; c < 3; c++) {
        struct report r;
        parse_tsan_log(c, "race-stack", &r);
        struct finding *f = only_finding(&r, FINDING_DATA_RACE);
        assert_int_equal(f->nr_access, 2);
        /* two "Location is" lines: neither overwrites the other */
        assert_true(starts_with(f->location, "stack of main thread; global '"));
        const struct access *all[8];
        size_t n = finding_stacks(f, all, 8);
        assert_int_equal(n, 3);
        assert_true(starts_with(all[2]->label, "Thread T1 (tid="));
        report_release(&r);
    }
}

static void test_tsan_race_exit42(void **state)
{
    for (size_t c = 0; c < 3; c++) {
        struct report r;
        parse_tsan_log(c, "race-exit42", &r);
        struct finding *f = only_finding(&r, FINDING_DATA_RACE);
        CHECK_STACKS(f, {"* of size 4 at 0x* by *", "bump", 10},
                     {"Previous * of size 4 at 0x* by *", "bump", 10},
                     {"Thread T1 (tid=*", "main", 23});
        assert_true(starts_with(f->location, "global 'hits' of size 4 at "));
        report_release(&r);
    }
}

static void test_tsan_rwlock_and_foreign(void **state)
{
    for (size_t c = 0; c < 3; c++) {
        struct report r;
        parse_tsan_log(c, "rwlock-misuse", &r);
        CHECK_STACKS(only_finding(&r, FINDING_MUTEX_MISUSE),
                     {"unlock of an unlocked mutex*", "worker", 10},
                     {"Mutex M0 (0x* created at", "main", 17});
        report_release(&r);

        parse_tsan_log(c, "unlock-foreign", &r);
        CHECK_STACKS(only_finding(&r, FINDING_MUTEX_MISUSE),
                     {"unlock of an unlocked mutex*", "worker", 9},
                     {"Mutex M0 (0x* created at", "main", 16});
        report_release(&r);
    }
}

/* Every prefix of every new TSan log: no crash, no leak, an error exactly
 * when a report is cut, never more findings than the whole log has. */
static void test_tsan_cut_short(void **state)
{
    static const char *const progs[] = {"lock-inversion", "destroy-locked",
                                        "unlock-unlocked", "use-after-free"};
    for (size_t p = 0; p < 4; p++) {
        char *name = xasprintf("tsan-clang14-%s.log", progs[p]);
        size_t len;
        char *buf = slurp(name, &len);
        struct report whole;
        parse_tsan_ok(name, &whole);
        for (size_t cut = 0; cut < len; cut += 7) {
            struct report r;
            report_init(&r);
            parse_tsan_buf(buf, cut, "tsan", &r);
            assert_true(r.nr <= whole.nr);
            for (size_t i = 0; i < r.nr; i++) {
                assert_int_equal(r.findings[i].kind, whole.findings[i].kind);
                const struct access *a[32], *b[32];
                assert_int_equal(finding_stacks(&r.findings[i], a, 32),
                                 finding_stacks(&whole.findings[i], b, 32));
            }
            report_release(&r);
        }
        report_release(&whole);
        free(buf);
        free(name);
    }
}

/* Helgrind */

static void test_helgrind_lock_order(void **state)
{
    struct report r;
    parse_vg_ok("helgrind-lock-inversion.xml", "helgrind", &r);
    struct finding *f = only_finding(&r, FINDING_LOCK_ORDER);
    assert_string_equal(f->type, "LockOrder");
    /* the acquisition that broke the order (headed by the error's own
     * text), the two that established it, and where each lock was first
     * seen */
    CHECK_STACKS(
        f,
        {"Thread #2: lock order \"0x* before 0x*\" violated", "transfer_ba",
         20},
        {"Required order was established by acquisition of lock at "
         "0x*",
         "transfer_ab", 11},
        {"followed by a later acquisition of lock at 0x*", "transfer_ab", 12},
        {"Lock at 0x* was first observed", "transfer_ab", 11},
        {"Lock at 0x* was first observed", "transfer_ab", 12});
    report_release(&r);
}

static void test_helgrind_unlock(void **state)
{
    struct report r;
    parse_vg_ok("helgrind-unlock-unlocked.xml", "helgrind", &r);
    assert_int_equal(r.nr, 3);
    assert_string_equal(r.findings[0].type, "UnlockUnlocked");
    assert_string_equal(r.findings[1].type, "UnlockBogus");
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(r.findings[i].kind, FINDING_MUTEX_MISUSE);
    CHECK_STACKS(
        &r.findings[0],
        {"Thread #1 unlocked a not-locked lock at 0x*", "release_twice", 10},
        {"Lock at 0x* was first observed", "release_twice", 8});
    CHECK_STACKS(&r.findings[1], {"Thread #1 unlocked an invalid lock at 0x*",
                                  "release_unlocked", 15});
    CHECK_STACKS(&r.findings[2],
                 {"Thread #1 unlocked an invalid lock at 0x*", "main", 24});
    report_release(&r);

    parse_vg_ok("helgrind-unlock-foreign.xml", "helgrind", &r);
    assert_int_equal(r.nr, 2);
    assert_string_equal(r.findings[0].type, "UnlockForeign");
    assert_int_equal(r.findings[0].kind, FINDING_MUTEX_MISUSE);
    CHECK_STACKS(&r.findings[0],
                 {"Thread #2 unlocked lock at 0x* currently held by thread #1",
                  "worker", 9},
                 {"Lock at 0x* was first observed", "main", 16});
    report_release(&r);
}

static void test_helgrind_pth_api_error(void **state)
{
    struct report r;
    parse_vg_ok("helgrind-destroy-locked.xml", "helgrind", &r);
    assert_int_equal(r.nr, 2);
    assert_string_equal(r.findings[0].type, "Misc");
    assert_int_equal(r.findings[0].kind, FINDING_MUTEX_MISUSE);
    CHECK_STACKS(
        &r.findings[0],
        {"Thread #1: pthread_mutex_destroy of a locked mutex", "main", 9});
    assert_string_equal(r.findings[1].type, "PthAPIerror");
    assert_int_equal(r.findings[1].kind, FINDING_MUTEX_MISUSE);
    /* the <xwhat> and the <what> after it make the message */
    assert_string_equal(r.findings[1].message,
                        "Thread #1's call to pthread_mutex_destroy failed "
                        "with error code 16 (EBUSY: Device or resource "
                        "busy)");
    CHECK_STACKS(&r.findings[1], {"Thread #1's call to pthread_mutex_destroy "
                                  "failed with error code 16*",
                                  "main", 9});
    report_release(&r);

    parse_vg_ok("helgrind-relock.xml", "helgrind", &r);
    assert_int_equal(r.nr, 2);
    CHECK_STACKS(&r.findings[0],
                 {"Thread #1: Attempt to re-lock a non-recursive lock I "
                  "already hold",
                  "main", 14},
                 {"Lock was previously acquired", "main", 13});
    report_release(&r);
}

static void test_helgrind_race(void **state)
{
    struct report r;
    parse_vg_ok("helgrind-race-exit42.xml", "helgrind", &r);
    assert_int_equal(r.nr, 2);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_DATA_RACE);
    assert_int_equal(f->nr_access, 2);
    CHECK_STACKS(f,
                 {"Possible data race during read of size 4 at 0x* by thread "
                  "#1",
                  "bump", 10},
                 {"This conflicts with a previous write of size 4 by thread "
                  "#2",
                  "bump", 10});
    assert_string_equal(f->location,
                        "Address 0x10c02c is 0 bytes inside data symbol "
                        "\"hits\"");
    report_release(&r);
}

/* --history-level=approx: the previous access is known only as lying
 * between two points of its thread */
static void test_helgrind_approx_history(void **state)
{
    struct report r;
    parse_vg_ok("helgrind-race-between-locks.xml", "helgrind", &r);
    assert_int_equal(r.nr, 2);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_DATA_RACE);
    assert_int_equal(f->nr_access, 2);
    assert_int_equal(f->access[0].kind, ACCESS_READ);
    assert_string_equal(f->access[1].thread, "#2");
    CHECK_STACKS(f,
                 {"Possible data race during read of size 4 at 0x* by thread "
                  "#1",
                  "main", 26},
                 {"This conflicts with a previous access by thread #2, after",
                  "worker", 16},
                 {"but before", "worker", 17});
    /* the location is the address only, no fragment of the history */
    assert_string_equal(f->location,
                        "Address 0x10c060 is 0 bytes inside data symbol "
                        "\"total\"");
    report_release(&r);

    /* the earlier point is the thread's start: no stack, said in the
     * label */
    parse_vg_ok("helgrind-approx-race-exit42.xml", "helgrind", &r);
    assert_int_equal(r.nr, 2);
    f = &r.findings[0];
    assert_int_equal(f->nr_access, 2);
    CHECK_STACKS(f,
                 {"Possible data race during read of size 4 at 0x* by thread "
                  "#1",
                  "bump", 10},
                 {"This conflicts with a previous access by thread #2, after "
                  "(the start of the thread)",
                  NULL, 0},
                 {"but before", NULL, 0});
    assert_int_equal(f->access[1].stack.nr, 0);
    assert_string_equal(f->location,
                        "Address 0x10c02c is 0 bytes inside data symbol "
                        "\"hits\"");
    report_release(&r);
}

/* DRD */

static void test_drd_mutex_errors(void **state)
{
    struct report r;
    parse_vg_ok("drd-unlock-unlocked.xml", "drd", &r);
    assert_int_equal(r.nr, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(r.findings[i].type, "MutexErr");
        assert_int_equal(r.findings[i].kind, FINDING_MUTEX_MISUSE);
    }
    CHECK_STACKS(
        &r.findings[0],
        {"Mutex not locked by calling thread: mutex 0x*", "release_twice", 10},
        {"mutex 0x10c040 first observed at", "release_twice", 8});
    CHECK_STACKS(&r.findings[1], {"The object at address 0x* is not a mutex.",
                                  "release_unlocked", 15});
    report_release(&r);

    parse_vg_ok("drd-destroy-locked.xml", "drd", &r);
    assert_int_equal(r.nr, 1);
    CHECK_STACKS(&r.findings[0],
                 {"Destroying locked mutex: mutex 0x*", "main", 9},
                 {"mutex 0x* first observed at", "main", 7});
    report_release(&r);
}

static void test_drd_other_kinds(void **state)
{
    struct report r;
    parse_vg_ok("drd-hold-long.xml", "drd", &r);
    struct finding *f = only_finding(&r, FINDING_OTHER);
    assert_string_equal(f->type, "HoldtimeErr");
    CHECK_STACKS(f, {"acquired at", "main", 9},
                 {"Lock on mutex 0x10c060 was held during * ms (threshold: 10 "
                  "ms).",
                  "main", 11},
                 {"mutex 0x10c060 first observed at", "main", 9});
    report_release(&r);

    parse_vg_ok("drd-cond-unlocked.xml", "drd", &r);
    assert_int_equal(r.nr, 2);
    assert_string_equal(r.findings[0].type, "CondRaceErr");
    assert_int_equal(r.findings[0].kind, FINDING_OTHER);
    CHECK_STACKS(&r.findings[0], {"Probably a race condition: *", "main", 27},
                 {"cond 0x10c0a0 first observed at", "waiter", 15},
                 {"mutex 0x10c0e0 first observed at", "waiter", 13});
    assert_string_equal(r.findings[1].type, "MutexErr");
    assert_int_equal(r.findings[1].kind, FINDING_MUTEX_MISUSE);
    report_release(&r);

    parse_vg_ok("drd-rwlock-misuse.xml", "drd", &r);
    assert_int_equal(r.nr, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(r.findings[i].type, "RwlockErr");
        assert_int_equal(r.findings[i].kind, FINDING_MUTEX_MISUSE);
    }
    CHECK_STACKS(
        &r.findings[0],
        {"Reader-writer lock not locked by calling thread: *", "worker", 10},
        {"rwlock 0x10c060 first observed at", "main", 17});
    report_release(&r);
}

static void test_drd_race(void **state)
{
    struct report r;
    parse_vg_ok("drd-race-exit42.xml", "drd", &r);
    assert_int_equal(r.nr, 2);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_DATA_RACE);
    assert_int_equal(f->nr_access, 1);
    assert_int_equal(f->access[0].kind, ACCESS_READ);
    assert_true(starts_with(f->location, "Allocation context: BSS section"));
    /* the other thread's segment stays where it was */
    assert_true(f->other_segment_start.nr > 0);
    report_release(&r);
}

/* Every prefix of the new valgrind logs: never a crash, only complete
 * records, each with as many stacks as in the whole log. */
static void test_valgrind_cut_short(void **state)
{
    static const char *const files[] = {
        "helgrind-lock-inversion.xml", "helgrind-race-between-locks.xml",
        "drd-cond-unlocked.xml", "drd-hold-long.xml"};
    for (size_t p = 0; p < 4; p++) {
        size_t len;
        char *buf = slurp(files[p], &len);
        const char *tool = files[p][0] == 'h' ? "helgrind" : "drd";
        struct report whole;
        parse_vg_ok(files[p], tool, &whole);
        size_t end = (size_t)(strstr(buf, "</valgrindoutput>") - buf);
        for (size_t cut = 1; cut < end; cut += 13) {
            struct report r;
            report_init(&r);
            int rc = parse_valgrind_buf(buf, cut, tool, &r);
            assert_int_equal(rc, -1);
            assert_non_null(r.error);
            assert_true(r.nr <= whole.nr);
            for (size_t i = 0; i < r.nr; i++) {
                const struct access *a[32], *b[32];
                assert_int_equal(finding_stacks(&r.findings[i], a, 32),
                                 finding_stacks(&whole.findings[i], b, 32));
            }
            report_release(&r);
        }
        report_release(&whole);
        free(buf);
    }
}

/* The kinds' names are the expectation words of case.ini. */
static void test_kind_names(void **state)
{
    assert_string_equal(finding_kind_name(FINDING_DATA_RACE), "data-race");
    assert_string_equal(finding_kind_name(FINDING_LOCK_ORDER), "lock-order");
    assert_string_equal(finding_kind_name(FINDING_THREAD_LEAK), "thread-leak");
    assert_string_equal(finding_kind_name(FINDING_MUTEX_MISUSE),
                        "mutex-misuse");
    assert_string_equal(finding_kind_name(FINDING_USE_AFTER_FREE),
                        "use-after-free");
    assert_string_equal(finding_kind_name(FINDING_SIGNAL_UNSAFE),
                        "signal-unsafe");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tsan_unlock_unlocked),
        cmocka_unit_test(test_tsan_destroy_locked),
        cmocka_unit_test(test_tsan_double_lock),
        cmocka_unit_test(test_tsan_signal_unsafe),
        cmocka_unit_test(test_tsan_lock_inversion),
        cmocka_unit_test(test_tsan_thread_leak),
        cmocka_unit_test(test_tsan_use_after_free),
        cmocka_unit_test(test_tsan_race_stack),
        cmocka_unit_test(test_tsan_race_exit42),
        cmocka_unit_test(test_tsan_rwlock_and_foreign),
        cmocka_unit_test(test_tsan_cut_short),
        cmocka_unit_test(test_helgrind_lock_order),
        cmocka_unit_test(test_helgrind_unlock),
        cmocka_unit_test(test_helgrind_pth_api_error),
        cmocka_unit_test(test_helgrind_race),
        cmocka_unit_test(test_helgrind_approx_history),
        cmocka_unit_test(test_drd_mutex_errors),
        cmocka_unit_test(test_drd_other_kinds),
        cmocka_unit_test(test_drd_race),
        cmocka_unit_test(test_valgrind_cut_short),
        cmocka_unit_test(test_kind_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
