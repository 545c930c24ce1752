/*
 * runner/tests/test_parse_tsan.c - the ThreadSanitizer text parser on
 * saved logs of real runs (runner/tests/logs, see its README.md): clang 14,
 * clang 19 and gcc 12 shapes, data races with and without locks, atomics,
 * lock-order inversion, thread leak, use after free, a deadly signal, the
 * case map-concurrent-writes, logs cut short and garbage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs-test.h"
#include "parse/parse.h"

/* Parse a fixture by file; expect rc 0 and no error. */
static void parse_ok(const char *name, const char *detector, struct report *r)
{
    report_init(r);
    int rc = parse_tsan_file(log_path(name), detector, r);
    if (r->error)
        fail_msg("%s: unexpected error: %s", name, r->error);
    assert_int_equal(rc, 0);
}

static void check_frame(const struct frame *fr, const char *func,
                        const char *file, int line, int column)
{
    if (func)
        assert_string_equal(fr->func, func);
    else
        assert_null(fr->func);
    if (file)
        assert_string_equal(fr->file, file);
    else
        assert_null(fr->file);
    assert_int_equal(fr->line, line);
    assert_int_equal(fr->column, column);
}

static void check_module(const struct frame *fr, const char *module,
                         uint64_t offset)
{
    assert_string_equal(fr->module, module);
    assert_int_equal(fr->offset, offset);
}

static void check_access(const struct access *a, enum access_kind kind,
                         int size, const char *thread, size_t nr_frames)
{
    assert_int_equal(a->kind, kind);
    assert_int_equal(a->size, size);
    assert_string_equal(a->thread, thread);
    assert_int_equal(a->stack.nr, nr_frames);
}

#define SRC "/tmp/parsers-fx/"

static void test_race_global_clang14(void **state)
{
    struct report r;
    parse_ok("tsan-clang14-race-global.log", "tsan", &r);
    assert_int_equal(r.nr, 1);
    assert_int_equal(r.nr_dropped, 0);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_DATA_RACE);
    assert_string_equal(f->detector, "tsan");
    assert_string_equal(f->type, "data race");
    assert_string_equal(f->message,
                        "data race " SRC "race-global.c:9:12 in bump_locked");
    assert_string_equal(f->location,
                        "global 'counter' of size 4 at 0x560be1923280 "
                        "(race-global.clang14+0x1476280)");
    assert_int_equal(f->nr_access, 2);

    struct access *a = &f->access[0];
    check_access(a, ACCESS_WRITE, 4, "T1", 2);
    assert_int_equal(a->addr, 0x560be1923280ULL);
    assert_int_equal(a->nr_locks, 1);
    assert_string_equal(a->locks[0], "write M0");
    check_frame(&a->stack.frames[0], "bump_locked", SRC "race-global.c", 9, 12);
    check_module(&a->stack.frames[0], "race-global.clang14", 0xd01d0);
    check_frame(&a->stack.frames[1], "worker", SRC "race-global.c", 19, 5);

    a = &f->access[1];
    check_access(a, ACCESS_WRITE, 4, "main thread", 2);
    assert_int_equal(a->addr, 0x560be1923280ULL);
    assert_int_equal(a->nr_locks, 0);
    check_frame(&a->stack.frames[0], "bump", SRC "race-global.c", 14, 12);
    check_frame(&a->stack.frames[1], "main", SRC "race-global.c", 26, 5);
    check_module(&a->stack.frames[1], "race-global.clang14", 0xd010b);
    report_release(&r);
}

static void test_race_global_gcc12(void **state)
{
    struct report r;
    parse_ok("tsan-gcc12-race-global.log", "tsan-gcc", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_DATA_RACE);
    assert_string_equal(f->detector, "tsan-gcc");
    /* gcc: file:line, no column, no BuildId */
    assert_string_equal(f->message,
                        "data race " SRC "race-global.c:9 in bump_locked");
    struct access *a = &f->access[0];
    check_access(a, ACCESS_READ, 4, "T1", 2);
    assert_int_equal(a->nr_locks, 1);
    assert_string_equal(a->locks[0], "write M0");
    check_frame(&a->stack.frames[0], "bump_locked", SRC "race-global.c", 9, 0);
    check_module(&a->stack.frames[0], "race-global.gcc12", 0x1246);
    a = &f->access[1];
    check_access(a, ACCESS_WRITE, 4, "main thread", 2);
    check_frame(&a->stack.frames[0], "bump", SRC "race-global.c", 14, 0);
    check_frame(&a->stack.frames[1], "main", SRC "race-global.c", 26, 0);
    report_release(&r);
}

static void test_race_global_clang19(void **state)
{
    struct report r;
    parse_ok("tsan-clang19-race-global.log", "tsan", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_DATA_RACE);
    struct access *a = &f->access[0];
    check_access(a, ACCESS_WRITE, 4, "T1", 2);
    assert_string_equal(a->locks[0], "write M0");
    check_frame(&a->stack.frames[0], "bump_locked", SRC "race-global.c", 9, 12);
    /* the BuildId group is not taken for the module */
    check_module(&a->stack.frames[0], "race-global.clang19", 0xe465f);
    check_access(&f->access[1], ACCESS_WRITE, 4, "main thread", 2);
    report_release(&r);
}

/* Each access with its own locks: a mutex, and a mutex plus a read-held
 * rwlock on the other side. */
static void test_race_locks(void **state)
{
    struct report r;
    parse_ok("tsan-clang14-race-locks.log", "tsan", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_DATA_RACE);
    struct access *a = &f->access[0];
    check_access(a, ACCESS_WRITE, 4, "main thread", 2);
    assert_int_equal(a->nr_locks, 1);
    assert_string_equal(a->locks[0], "write M0");
    check_frame(&a->stack.frames[0], "set_other", SRC "race-locks.c", 19, 11);
    a = &f->access[1];
    check_access(a, ACCESS_WRITE, 4, "T1", 2);
    assert_int_equal(a->nr_locks, 2);
    assert_string_equal(a->locks[0], "write M1");
    assert_string_equal(a->locks[1], "read M2");
    check_frame(&a->stack.frames[0], "set_locked", SRC "race-locks.c", 12, 11);
    /* the three "Mutex Mi created at:" stacks belong to no access */
    check_frame(&a->stack.frames[1], "worker", SRC "race-locks.c", 25, 5);
    report_release(&r);
}

/* An atomic store against a plain load on a heap block; the allocation
 * stack and the thread creation stacks belong to no access. */
static void check_race_heap(const char *name, int column_read, int column_store)
{
    struct report r;
    parse_ok(name, "tsan", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_DATA_RACE);
    /* "Location is " and the colon before the allocation stack dropped */
    const char *tail = "allocated by main thread";
    assert_true(!strncmp(f->location, "heap block of size 16 at 0x", 27));
    assert_true(strlen(f->location) > strlen(tail));
    assert_string_equal(f->location + strlen(f->location) - strlen(tail), tail);
    check_access(&f->access[0], ACCESS_READ, 8, "T2", 2);
    check_frame(&f->access[0].stack.frames[0], "load", SRC "race-heap.c", 12,
                column_read);
    check_frame(&f->access[0].stack.frames[1], "reader", SRC "race-heap.c", 21,
                column_read ? 21 : 0);
    check_access(&f->access[1], ACCESS_ATOMIC_WRITE, 8, "T1", 2);
    check_frame(&f->access[1].stack.frames[0], "store", SRC "race-heap.c", 8,
                column_store);
    assert_int_equal(f->access[0].nr_locks, 0);
    assert_int_equal(f->access[1].nr_locks, 0);
    report_release(&r);
}

static void test_race_heap(void **state)
{
    check_race_heap("tsan-clang14-race-heap.log", 15, 5);
    check_race_heap("tsan-clang19-race-heap.log", 15, 5);
    check_race_heap("tsan-gcc12-race-heap.log", 0, 0);
}

/* Two reports on the program's stderr, its own lines in between; the
 * previous access of the second holds a mutex. */
static void test_race_multi_stderr(void **state)
{
    struct report r;
    parse_ok("tsan-clang14-race-multi.stderr", "tsan", &r);
    assert_int_equal(r.nr, 2);
    struct finding *f = &r.findings[0];
    assert_string_equal(f->message,
                        "data race " SRC "race-multi.c:12:9 in count_hit");
    check_access(&f->access[0], ACCESS_WRITE, 4, "main thread", 2);
    /* "As if synchronized via sleep:" frames are not appended */
    check_frame(&f->access[0].stack.frames[1], "main", SRC "race-multi.c", 34,
                5);
    check_access(&f->access[1], ACCESS_WRITE, 4, "T1", 2);
    check_frame(&f->access[1].stack.frames[1], "worker", SRC "race-multi.c", 24,
                5);

    f = &r.findings[1];
    assert_string_equal(f->location, "global 'total' of size 8 at "
                                     "0x5614f5c15280 "
                                     "(race-multi.clang14+0x1476280)");
    check_access(&f->access[0], ACCESS_WRITE, 8, "main thread", 1);
    assert_int_equal(f->access[0].nr_locks, 0);
    check_access(&f->access[1], ACCESS_WRITE, 8, "T1", 2);
    assert_int_equal(f->access[1].nr_locks, 1);
    assert_string_equal(f->access[1].locks[0], "write M0");
    check_frame(&f->access[1].stack.frames[0], "add_total", SRC "race-multi.c",
                17, 11);
    report_release(&r);

    parse_ok("tsan-gcc12-race-multi.stderr", "tsan-gcc", &r);
    assert_int_equal(r.nr, 2);
    check_access(&r.findings[0].access[0], ACCESS_READ, 4, "main thread", 2);
    assert_string_equal(r.findings[1].access[1].locks[0], "write M0");
    report_release(&r);
}

static void check_lock_order(const char *name, int gcc)
{
    struct report r;
    parse_ok(name, "tsan", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_LOCK_ORDER);
    assert_string_equal(f->type, "lock-order-inversion (potential deadlock)");
    assert_int_equal(f->nr_access, 2);
    struct access *a = &f->access[0];
    check_access(a, ACCESS_UNKNOWN, 0, "main thread", 3);
    assert_int_equal(a->nr_locks, 1);
    assert_string_equal(a->locks[0], "M0");
    if (gcc) {
        /* gcc symbolizes the interceptor into libtsan's sources */
        check_frame(&a->stack.frames[0], "pthread_mutex_lock",
                    "../../../../src/libsanitizer/sanitizer_common/"
                    "sanitizer_common_interceptors.inc",
                    4324, 0);
        check_module(&a->stack.frames[0], "libtsan.so.2", 0x558e1);
    } else {
        /* clang prints <null> */
        check_frame(&a->stack.frames[0], "pthread_mutex_lock", NULL, 0, 0);
        assert_true(
            !strncmp(a->stack.frames[0].module, "lock-order.clang", 16));
    }
    check_frame(&a->stack.frames[1], "ab", SRC "lock-order.c", 7, gcc ? 0 : 5);
    a = &f->access[1];
    check_access(a, ACCESS_UNKNOWN, 0, "T1", 3);
    assert_string_equal(a->locks[0], "M1");
    check_frame(&a->stack.frames[1], "ba", SRC "lock-order.c", 14, gcc ? 0 : 5);
    report_release(&r);
}

static void test_lock_order(void **state)
{
    check_lock_order("tsan-clang14-lock-order.log", 0);
    check_lock_order("tsan-clang19-lock-order.log", 0);
    check_lock_order("tsan-gcc12-lock-order.log", 1);
}

static void test_thread_leak(void **state)
{
    struct report r;
    parse_ok("tsan-gcc12-thread-leak.log", "tsan-gcc", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_THREAD_LEAK);
    assert_string_equal(f->type, "thread leak");
    assert_string_equal(f->message,
                        "thread leak " SRC "thread-leak.c:12 in main");
    assert_int_equal(f->nr_access, 1);
    check_access(&f->access[0], ACCESS_UNKNOWN, 0, "T1", 2);
    check_frame(&f->access[0].stack.frames[1], "main", SRC "thread-leak.c", 12,
                0);
    report_release(&r);

    parse_ok("tsan-clang14-thread-leak.log", "tsan", &r);
    assert_int_equal(r.nr, 1);
    /* clang's SUMMARY names the interceptor's module, BuildId and all */
    assert_string_equal(r.findings[0].message,
                        "thread leak (" SRC "thread-leak.clang14+0x513ad) "
                        "(BuildId: 681afafe0a36ec5783e508baac4ec669b05c9e8b)"
                        " in pthread_create");
    check_frame(&r.findings[0].access[0].stack.frames[0], "pthread_create",
                NULL, 0, 0);
    report_release(&r);

    parse_ok("tsan-clang19-thread-leak.log", "tsan", &r);
    assert_int_equal(r.nr, 1);
    assert_string_equal(r.findings[0].type, "thread leak");
    check_access(&r.findings[0].access[0], ACCESS_UNKNOWN, 0, "T1", 2);
    check_frame(&r.findings[0].access[0].stack.frames[1], "main",
                SRC "thread-leak.c", 12, 5);
    report_release(&r);
}

static void test_use_after_free(void **state)
{
    struct report r;
    parse_ok("tsan-gcc12-uaf.log", "tsan-gcc", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_USE_AFTER_FREE);
    assert_string_equal(f->type, "heap-use-after-free");
    check_access(&f->access[0], ACCESS_WRITE, 4, "T1", 1);
    check_frame(&f->access[0].stack.frames[0], "worker", SRC "uaf.c", 10, 0);
    check_access(&f->access[1], ACCESS_WRITE, 8, "main thread", 2);
    check_frame(&f->access[1].stack.frames[0], "free",
                "../../../../src/libsanitizer/tsan/"
                "tsan_interceptors_posix.cpp",
                706, 0);
    report_release(&r);

    parse_ok("tsan-clang19-uaf.log", "tsan", &r);
    assert_int_equal(r.nr, 1);
    check_access(&r.findings[0].access[0], ACCESS_WRITE, 4, "T1", 1);
    check_frame(&r.findings[0].access[1].stack.frames[0], "free", NULL, 0, 0);
    report_release(&r);
}

static void test_deadly_signal(void **state)
{
    struct report r;
    parse_ok("tsan-clang14-segv.log", "tsan", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_OTHER);
    assert_string_equal(f->type, "SEGV on unknown address");
    assert_string_equal(f->message, "SEGV " SRC "segv.c:7:8 in poke");
    assert_int_equal(f->nr_access, 1);
    assert_int_equal(f->access[0].kind, ACCESS_WRITE);
    assert_int_equal(f->access[0].stack.nr, 5);
    check_frame(&f->access[0].stack.frames[0], "poke", SRC "segv.c", 7, 8);
    check_frame(&f->access[0].stack.frames[3], "start_thread",
                "nptl/./nptl/pthread_create.c", 442, 8);
    check_module(&f->access[0].stack.frames[3], "libc.so.6", 0x891f4);
    report_release(&r);
}

/* The real case: the marked lines (racy.c:57 and :63) are in the stacks,
 * below the inlined mapstore frame (which has no BuildId). */
static void check_case(const char *name, const char *detector, int clang)
{
    struct report r;
    parse_ok(name, detector, &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_DATA_RACE);
    const char *root = clang ? "/work/main/" : "";
    char map_c[64], racy_c[128];
    snprintf(map_c, sizeof(map_c), "%smodel/map.c", root);
    snprintf(racy_c, sizeof(racy_c), "%scases/map-concurrent-writes/racy.c",
             root);

    struct access *a = &f->access[0];
    check_access(a, ACCESS_READ, 8, "T2", 4);
    check_frame(&a->stack.frames[0], "mapassign", map_c, 796, clang ? 12 : 0);
    check_frame(&a->stack.frames[2], "assign_six", racy_c, 63, clang ? 5 : 0);
    check_module(&a->stack.frames[2], "racy", clang ? 0xd152b : 0x26a7);
    a = &f->access[1];
    check_access(a, ACCESS_WRITE, 8, "T1", 4);
    check_frame(&a->stack.frames[0], "mapassign", map_c, 802, clang ? 14 : 0);
    check_frame(&a->stack.frames[2], "assign_five", racy_c, 57, clang ? 5 : 0);
    assert_true(!strncmp(f->location, "heap block of size 64 at ", 25));
    report_release(&r);
}

static void test_case_map_concurrent_writes(void **state)
{
    check_case("case-mcw-tsan-clang14.log", "tsan", 1);
    check_case("case-mcw-tsan-gcc12.log", "tsan-gcc", 0);
}

/* The buffer entry point gives what the file one gives, with or without
 * a final newline. */
static void test_buf_matches_file(void **state)
{
    size_t len;
    char *buf = slurp("tsan-clang14-race-multi.stderr", &len);
    struct report a, b;
    parse_ok("tsan-clang14-race-multi.stderr", "tsan", &a);
    report_init(&b);
    assert_int_equal(parse_tsan_buf(buf, len, "tsan", &b), 0);
    assert_null(b.error);
    assert_int_equal(a.nr, b.nr);
    for (size_t i = 0; i < a.nr; i++) {
        assert_string_equal(a.findings[i].message, b.findings[i].message);
        for (size_t k = 0; k < 2; k++)
            assert_int_equal(a.findings[i].access[k].stack.nr,
                             b.findings[i].access[k].stack.nr);
    }
    report_release(&b);
    /* the same log without its final newline */
    assert_true(len > 0 && buf[len - 1] == '\n');
    report_init(&b);
    assert_int_equal(parse_tsan_buf(buf, len - 1, "tsan", &b), 0);
    assert_int_equal(b.nr, 2);
    report_release(&b);
    report_release(&a);
    free(buf);
}

/* A log cut short keeps the complete reports and says so. */
static void test_cut_fixture(void **state)
{
    struct report r;
    report_init(&r);
    int rc = parse_tsan_file(log_path("tsan-clang14-race-multi-cut.stderr"),
                             "tsan", &r);
    assert_int_equal(rc, -1);
    assert_int_equal(r.nr, 1);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "cut short"));
    assert_string_equal(r.findings[0].message,
                        "data race " SRC "race-multi.c:12:9 in count_hit");
    report_release(&r);
}

/* Every prefix of a real log: no finding until the closing separator is
 * complete, an error once a report has begun and not ended. */
static void test_every_prefix(void **state)
{
    size_t len;
    char *buf = slurp("tsan-gcc12-race-global.log", &len);
    const char *warn = strstr(buf, "WARNING: ThreadSanitizer: ");
    const char *summary = strstr(buf, "SUMMARY: ");
    assert_non_null(warn);
    assert_non_null(summary);
    const char *close = strstr(summary, "\n==================");
    assert_non_null(close);
    size_t begun = (size_t)(warn - buf) + strlen("WARNING: ThreadSanitizer: ");
    size_t closed = (size_t)(close - buf) + 1 + 18; /* end of the line */

    for (size_t n = 0; n <= len; n++) {
        struct report r;
        report_init(&r);
        int rc = parse_tsan_buf(buf, n, "tsan-gcc", &r);
        if (n < closed) {
            assert_int_equal(r.nr, 0);
            if (n >= begun) {
                assert_int_equal(rc, -1);
                assert_non_null(r.error);
            }
        } else {
            assert_int_equal(r.nr, 1);
        }
        if (n < begun) {
            assert_int_equal(rc, 0);
            assert_null(r.error);
        }
        report_release(&r);
    }
    free(buf);
}

/* "ThreadSanitizer: reported 2 warnings" after one report: a report was
 * lost (lines of a real log, spliced). */
static void test_reported_count(void **state)
{
    size_t len;
    char *buf = slurp("tsan-clang14-race-multi.stderr", &len);
    char *second = strstr(buf, "between the races");
    const char *last = strstr(buf, "ThreadSanitizer: reported 2 warnings");
    assert_non_null(second);
    assert_non_null(last);
    size_t n1 = (size_t)(second - buf);
    size_t n2 = strlen(last);
    char *spliced = malloc(n1 + n2 + 1);
    memcpy(spliced, buf, n1);
    memcpy(spliced + n1, last, n2 + 1);

    struct report r;
    report_init(&r);
    assert_int_equal(parse_tsan_buf(spliced, n1 + n2, "tsan", &r), -1);
    assert_int_equal(r.nr, 1);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "2 warnings reported but 1 read"));
    report_release(&r);
    free(spliced);
    free(buf);
}

/* TSan's own death (clang 14 / gcc 12 on kernels with mmap_rnd_bits >
 * 28). */
static void test_tsan_fatal(void **state)
{
    static const char log[] =
        "FATAL: ThreadSanitizer: unexpected memory mapping "
        "0x5566b8e2e000-0x5566b8e2f000\n";
    struct report r;
    report_init(&r);
    assert_int_equal(parse_tsan_buf(log, sizeof(log) - 1, "tsan", &r), -1);
    assert_int_equal(r.nr, 0);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "unexpected memory mapping"));
    report_release(&r);
}

/* Garbage: no crash, an error for binary data or a report that never
 * ends, nothing made up. */
static void test_garbage(void **state)
{
    unsigned char junk[8192];
    fill_junk(junk, sizeof(junk), 12345u);
    struct report r;
    report_init(&r);
    assert_int_equal(parse_tsan_buf((char *)junk, sizeof(junk), "tsan", &r),
                     -1);
    assert_int_equal(r.nr, 0);
    assert_non_null(r.error);
    report_release(&r);

    /* a real report's first line, then junk lines */
    size_t len;
    char *buf = slurp("tsan-clang14-race-global.log", &len);
    char *nl = strchr(strchr(buf, '\n') + 1, '\n');
    size_t head = (size_t)(nl - buf) + 1;
    char *mix = malloc(head + sizeof(junk));
    memcpy(mix, buf, head);
    for (size_t i = 0; i < sizeof(junk); i++)
        mix[head + i] = (char)(junk[i] % 2 ? junk[i] | 0x20 : '\n');
    report_init(&r);
    assert_int_equal(parse_tsan_buf(mix, head + sizeof(junk), "tsan", &r), -1);
    assert_int_equal(r.nr, 0);
    assert_non_null(r.error);
    report_release(&r);
    free(mix);
    free(buf);

    /* empty input: nothing, no error */
    report_init(&r);
    assert_int_equal(parse_tsan_buf("", 0, "tsan", &r), 0);
    assert_int_equal(r.nr, 0);
    assert_null(r.error);
    report_release(&r);
}

static void test_missing_file(void **state)
{
    struct report r;
    report_init(&r);
    assert_int_equal(parse_tsan_file("/nonexistent/tsan.log", "tsan", &r), -1);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "/nonexistent/tsan.log"));
    report_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_race_global_clang14),
        cmocka_unit_test(test_race_global_gcc12),
        cmocka_unit_test(test_race_global_clang19),
        cmocka_unit_test(test_race_locks),
        cmocka_unit_test(test_race_heap),
        cmocka_unit_test(test_race_multi_stderr),
        cmocka_unit_test(test_lock_order),
        cmocka_unit_test(test_thread_leak),
        cmocka_unit_test(test_use_after_free),
        cmocka_unit_test(test_deadly_signal),
        cmocka_unit_test(test_case_map_concurrent_writes),
        cmocka_unit_test(test_buf_matches_file),
        cmocka_unit_test(test_cut_fixture),
        cmocka_unit_test(test_every_prefix),
        cmocka_unit_test(test_reported_count),
        cmocka_unit_test(test_tsan_fatal),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
