/*
 * runner/tests/test_parse_valgrind.c - the valgrind XML parser (Helgrind
 * and DRD, protocol 4) on saved logs of real runs (runner/tests/logs, see
 * its README.md): races on a global and on the heap, lock order, API
 * misuse, DRD's other segment, a DRD log with hundreds of records (the
 * signature cap), the case map-concurrent-writes, truncated XML and
 * garbage.
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

static void parse_ok(const char *name, const char *detector, struct report *r)
{
    report_init(r);
    int rc = parse_valgrind_file(log_path(name), detector, r);
    if (r->error)
        fail_msg("%s: unexpected error: %s", name, r->error);
    assert_int_equal(rc, 0);
}

static void check_frame(const struct frame *fr, const char *func,
                        const char *file, int line)
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
    assert_int_equal(fr->column, 0);
}

static void check_access(const struct access *a, enum access_kind kind,
                         int size, const char *thread, size_t nr_frames)
{
    assert_int_equal(a->kind, kind);
    assert_int_equal(a->size, size);
    if (thread)
        assert_string_equal(a->thread, thread);
    else
        assert_null(a->thread);
    assert_int_equal(a->stack.nr, nr_frames);
    assert_int_equal(a->nr_locks, 0); /* Helgrind's XML has no locks held */
}

#define SRC "/tmp/parsers-fx/"
#define HG_PRELOAD "/usr/libexec/valgrind/vgpreload_helgrind-amd64-linux.so"

/* counter++ in main against counter++ under a mutex in a thread: Helgrind
 * reports the read and the write of the ++. */
static void test_helgrind_race_global(void **state)
{
    struct report r;
    parse_ok("helgrind-race-global.xml", "helgrind", &r);
    assert_int_equal(r.nr, 2);
    assert_int_equal(r.nr_dropped, 0);
    static const enum access_kind kinds[] = {ACCESS_READ, ACCESS_WRITE};
    for (size_t i = 0; i < 2; i++) {
        struct finding *f = &r.findings[i];
        assert_int_equal(f->kind, FINDING_DATA_RACE);
        assert_string_equal(f->detector, "helgrind");
        assert_string_equal(f->type, "Race");
        assert_string_equal(f->location, "Address 0x10c088 is 0 bytes inside "
                                         "data symbol \"counter\"");
        assert_int_equal(f->nr_access, 2);
        struct access *a = &f->access[0];
        check_access(a, kinds[i], 4, "#1", 2);
        assert_int_equal(a->addr, 0x10c088);
        check_frame(&a->stack.frames[0], "bump", SRC "race-global.c", 14);
        assert_int_equal(a->stack.frames[0].ip, 0x109179);
        assert_string_equal(a->stack.frames[0].module,
                            SRC "race-global.native");
        check_frame(&a->stack.frames[1], "main", SRC "race-global.c", 26);

        a = &f->access[1];
        check_access(a, ACCESS_WRITE, 4, "#2", 5);
        check_frame(&a->stack.frames[0], "bump_locked", SRC "race-global.c", 9);
        check_frame(&a->stack.frames[1], "worker", SRC "race-global.c", 19);
        /* a frame with only <ip> and <obj> */
        check_frame(&a->stack.frames[2], NULL, NULL, 0);
        assert_int_equal(a->stack.frames[2].ip, 0x484C7D6);
        assert_string_equal(a->stack.frames[2].module, HG_PRELOAD);
        check_frame(&a->stack.frames[3], "start_thread",
                    "./nptl/./nptl/pthread_create.c", 442);
    }
    assert_string_equal(r.findings[0].message,
                        "Possible data race during read of size 4 at "
                        "0x10C088 by thread #1");
    report_release(&r);
}

/* A heap block: the allocation stack after the auxwhat is not an access. */
static void test_helgrind_race_heap(void **state)
{
    struct report r;
    parse_ok("helgrind-race-heap.xml", "helgrind", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_DATA_RACE);
    assert_string_equal(f->location,
                        "Address 0x4a4b048 is 8 bytes inside a block of size "
                        "16 alloc'd; Block was alloc'd by thread #1");
    check_access(&f->access[0], ACCESS_READ, 8, "#3", 5);
    check_frame(&f->access[0].stack.frames[0], "load", SRC "race-heap.c", 12);
    check_frame(&f->access[0].stack.frames[1], "reader", SRC "race-heap.c", 21);
    check_access(&f->access[1], ACCESS_WRITE, 8, "#2", 5);
    check_frame(&f->access[1].stack.frames[0], "store", SRC "race-heap.c", 8);
    report_release(&r);
}

static void test_helgrind_lock_order(void **state)
{
    struct report r;
    parse_ok("helgrind-lock-order.xml", "helgrind", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_LOCK_ORDER);
    assert_string_equal(f->type, "LockOrder");
    assert_string_equal(f->message, "Thread #2: lock order \"0x10C0A0 before "
                                    "0x10C060\" violated");
    assert_int_equal(f->nr_access, 2);
    /* the inverted acquisition, then the later acquisition of the order
     * that was established (TSan's two sides); where that order began
     * and where each lock was first seen are the other stacks */
    assert_string_equal(f->access[0].thread, "#2");
    assert_int_equal(f->access[0].stack.nr, 6);
    check_frame(&f->access[0].stack.frames[1], "ba", SRC "lock-order.c", 14);
    assert_int_equal(f->access[1].stack.nr, 3);
    check_frame(&f->access[1].stack.frames[1], "ab", SRC "lock-order.c", 7);
    assert_int_equal(f->nr_more, 3);
    check_frame(&f->more[0].stack.frames[1], "ab", SRC "lock-order.c", 6);
    report_release(&r);

    /* DRD does not see lock-order inversions: a clean log */
    parse_ok("drd-lock-order.xml", "drd", &r);
    assert_int_equal(r.nr, 0);
    report_release(&r);
}

static void test_api_misuse(void **state)
{
    struct report r;
    parse_ok("helgrind-unlock-bad.xml", "helgrind", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_MUTEX_MISUSE);
    assert_string_equal(f->type, "UnlockBogus");
    assert_string_equal(f->message,
                        "Thread #1 unlocked an invalid lock at 0x10C040");
    assert_int_equal(f->nr_access, 1);
    assert_string_equal(f->access[0].thread, "#1");
    check_frame(&f->access[0].stack.frames[1], "main", SRC "unlock-bad.c", 6);
    report_release(&r);

    parse_ok("drd-unlock-bad.xml", "drd", &r);
    assert_int_equal(r.nr, 1);
    f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_MUTEX_MISUSE);
    assert_string_equal(f->detector, "drd");
    assert_string_equal(f->type, "MutexErr");
    assert_string_equal(f->message,
                        "The object at address 0x10c040 is not a mutex.");
    check_frame(&f->access[0].stack.frames[0], "pthread_mutex_unlock@*", NULL,
                0);
    check_frame(&f->access[0].stack.frames[1], "main", SRC "unlock-bad.c", 6);
    report_release(&r);
}

/* The program died of SIGSEGV under Helgrind: <fatal_signal>. */
static void test_fatal_signal(void **state)
{
    struct report r;
    parse_ok("helgrind-segv.xml", "helgrind", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_OTHER);
    assert_string_equal(f->type, "fatal_signal");
    assert_string_equal(f->message, "SIGSEGV: Access not within mapped region");
    assert_int_equal(f->nr_access, 1);
    check_frame(&f->access[0].stack.frames[0], "poke", SRC "segv.c", 7);
    check_frame(&f->access[0].stack.frames[1], "worker", SRC "segv.c", 12);
    report_release(&r);
}

/* DRD: one access per record, "Conflicting load|store by thread N". */
static void test_drd_race_global(void **state)
{
    struct report r;
    parse_ok("drd-race-global.xml", "drd", &r);
    assert_int_equal(r.nr, 2);
    static const enum access_kind kinds[] = {ACCESS_READ, ACCESS_WRITE};
    for (size_t i = 0; i < 2; i++) {
        struct finding *f = &r.findings[i];
        assert_int_equal(f->kind, FINDING_DATA_RACE);
        assert_string_equal(f->type, "ConflictingAccess");
        assert_int_equal(f->nr_access, 1);
        check_access(&f->access[0], kinds[i], 4, "1", 1);
        assert_int_equal(f->access[0].addr, 0x10c088);
        check_frame(&f->access[0].stack.frames[0], "main", SRC "race-global.c",
                    26);
        assert_string_equal(f->location, "Allocation context: BSS section "
                                         "of " SRC "race-global.native");
        /* the other thread had ended: DRD gives no segment */
        assert_int_equal(f->other_segment_start.nr, 0);
        assert_int_equal(f->other_segment_end.nr, 0);
    }
    assert_string_equal(r.findings[1].message,
                        "Conflicting store by thread 1 at 0x0010c088 size 4");
    report_release(&r);
}

static void test_drd_race_heap(void **state)
{
    struct report r;
    parse_ok("drd-race-heap.xml", "drd", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_string_equal(f->location,
                        "Address 0x4a6c038 is at offset 8 from 0x4a6c030.");
    /* the allocation_context stack is not the access */
    check_access(&f->access[0], ACCESS_READ, 8, "3", 4);
    check_frame(&f->access[0].stack.frames[0], "reader", SRC "race-heap.c", 21);
    /* a frame with nothing but <ip> */
    check_frame(&f->access[0].stack.frames[1], NULL, NULL, 0);
    assert_null(f->access[0].stack.frames[1].module);
    assert_int_equal(f->access[0].stack.frames[1].ip, 0x5E6CECF);
    report_release(&r);
}

/* The writer is alive: DRD names its segment with two stacks. */
static void test_drd_other_segment(void **state)
{
    struct report r;
    parse_ok("drd-race-alive.xml", "drd", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->nr_access, 1);
    check_access(&f->access[0], ACCESS_READ, 4, "1", 1);
    check_frame(&f->access[0].stack.frames[0], "main", SRC "race-alive.c", 27);
    assert_int_equal(f->other_segment_start.nr, 3);
    check_frame(&f->other_segment_start.frames[0], "clone",
                "./misc/../sysdeps/unix/sysv/linux/x86_64/clone.S", 83);
    assert_int_equal(f->other_segment_end.nr, 7);
    check_frame(&f->other_segment_end.frames[3], "writer", SRC "race-alive.c",
                19);
    report_release(&r);

    parse_ok("helgrind-race-alive.xml", "helgrind", &r);
    assert_int_equal(r.nr, 1);
    check_frame(&r.findings[0].access[0].stack.frames[0], "get",
                SRC "race-alive.c", 14);
    check_frame(&r.findings[0].access[1].stack.frames[0], "put",
                SRC "race-alive.c", 9);
    report_release(&r);
}

/* 300 records of one increment reached through 150 callers in the same
 * file (so no caller in another directory): one signature per access kind,
 * REPORT_MAX_SAME kept of each, the rest counted. */
static void test_drd_many_records(void **state)
{
    struct report r;
    parse_ok("drd-racy-callers.xml", "drd", &r);
    assert_int_equal(r.nr + r.nr_dropped, 300);
    assert_int_equal(r.nr, 2 * REPORT_MAX_SAME);
    size_t loads = 0;
    for (size_t i = 0; i < r.nr; i++) {
        struct finding *f = &r.findings[i];
        assert_int_equal(f->kind, FINDING_DATA_RACE);
        check_frame(&f->access[0].stack.frames[0], "bump", SRC "racy-callers.c",
                    8);
        loads += f->access[0].kind == ACCESS_READ;
    }
    assert_int_equal(loads, REPORT_MAX_SAME);
    /* the kept ones are the first in the log: via0, via0, via1, ... */
    check_frame(&r.findings[2].access[0].stack.frames[1], "via1",
                SRC "racy-callers.c", 11);
    report_release(&r);
}

/* A model function reached from two lines of a case is two signatures:
 * the cap keeps both even past REPORT_MAX_SAME repeats of each. */
static void test_cap_keeps_distinct_callers(void **state)
{
    size_t len;
    char *buf = slurp("case-mcw-drd.xml", &len);
    const char *start = strstr(buf, "<error>");
    const char *end = strstr(buf, "</error>");
    assert_non_null(start);
    assert_non_null(end);
    end += strlen("</error>");
    const char *tail = strstr(end, "<status>");
    assert_non_null(tail);

    /* the real record, repeated 40 times, with its racy.c:63 frame turned
     * into racy.c:57 in every other copy */
    size_t rec = (size_t)(end - start), head = (size_t)(start - buf);
    size_t cap = len + 40 * (rec + 1);
    char *xml = malloc(cap);
    size_t n = 0;
    memcpy(xml, buf, head);
    n = head;
    for (int i = 0; i < 40; i++) {
        memcpy(xml + n, start, rec);
        if (i % 2) {
            char *l = strstr(xml + n, "<fn>assign_six</fn>");
            assert_non_null(l);
            char *line = strstr(l, "<line>63</line>");
            assert_non_null(line);
            memcpy(line + 6, "57", 2);
        }
        n += rec;
        xml[n++] = '\n';
    }
    size_t tl = len - (size_t)(tail - buf);
    memcpy(xml + n, tail, tl);
    n += tl;

    struct report r;
    report_init(&r);
    assert_int_equal(parse_valgrind_buf(xml, n, "drd", &r), 0);
    assert_int_equal(r.nr, 2 * REPORT_MAX_SAME);
    assert_int_equal(r.nr_dropped, 40 - 2 * REPORT_MAX_SAME);
    size_t at57 = 0;
    for (size_t i = 0; i < r.nr; i++)
        at57 += r.findings[i].access[0].stack.frames[2].line == 57;
    assert_int_equal(at57, REPORT_MAX_SAME);
    report_release(&r);
    free(xml);
    free(buf);
}

static void test_case_map_concurrent_writes(void **state)
{
    struct report r;
    parse_ok("case-mcw-helgrind.xml", "helgrind", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    assert_int_equal(f->kind, FINDING_DATA_RACE);
    check_access(&f->access[0], ACCESS_READ, 8, "#3", 7);
    check_frame(&f->access[0].stack.frames[0], "mapassign",
                "/work/main/model/map.c", 796);
    check_frame(&f->access[0].stack.frames[2], "assign_six",
                "/work/main/cases/map-concurrent-writes/racy.c", 63);
    check_access(&f->access[1], ACCESS_WRITE, 8, "#2", 7);
    check_frame(&f->access[1].stack.frames[2], "assign_five",
                "/work/main/cases/map-concurrent-writes/racy.c", 57);
    report_release(&r);

    parse_ok("case-mcw-drd.xml", "drd", &r);
    assert_int_equal(r.nr, 1);
    f = &r.findings[0];
    check_access(&f->access[0], ACCESS_READ, 8, "3", 7);
    check_frame(&f->access[0].stack.frames[2], "assign_six",
                "/work/main/cases/map-concurrent-writes/racy.c", 63);
    /* the other writer waits in the race window, inside assign_five */
    assert_int_equal(f->other_segment_end.nr, 10);
    check_frame(&f->other_segment_end.frames[5], "assign_five",
                "/work/main/cases/map-concurrent-writes/racy.c", 57);
    report_release(&r);
}

static void test_cut(void **state)
{
    struct report r;
    report_init(&r);
    assert_int_equal(parse_valgrind_file(log_path("helgrind-race-global-cut"
                                                  ".xml"),
                                         "helgrind", &r),
                     -1);
    assert_int_equal(r.nr, 1);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "cut short"));
    check_frame(&r.findings[0].access[1].stack.frames[0], "bump_locked",
                SRC "race-global.c", 9);
    report_release(&r);

    report_init(&r);
    assert_int_equal(
        parse_valgrind_file(log_path("drd-racy-callers-cut.xml"), "drd", &r),
        -1);
    assert_int_equal(r.nr + r.nr_dropped, 40);
    assert_non_null(strstr(r.error, "after 40 complete records"));
    report_release(&r);
}

/* Every prefix of a real log: the record counts once its </error> is
 * read, and a prefix is never a complete document. */
static void test_every_prefix(void **state)
{
    size_t len;
    char *buf = slurp("helgrind-race-heap.xml", &len);
    const char *end = strstr(buf, "</error>");
    assert_non_null(end);
    size_t closed = (size_t)(end - buf) + strlen("</error>");
    for (size_t n = 0; n < len; n++) {
        struct report r;
        report_init(&r);
        int rc = parse_valgrind_buf(buf, n, "helgrind", &r);
        assert_int_equal(r.nr, n >= closed ? 1 : 0);
        /* the last bytes are "</valgrindoutput>\n\n": a cut after the
         * root's end tag is whole */
        if (n < len - 2) {
            assert_int_equal(rc, -1);
            assert_non_null(r.error);
        }
        report_release(&r);
    }
    free(buf);
}

static void test_buf_matches_file(void **state)
{
    size_t len;
    char *buf = slurp("drd-racy-callers.xml", &len);
    struct report a, b;
    parse_ok("drd-racy-callers.xml", "drd", &a);
    report_init(&b);
    assert_int_equal(parse_valgrind_buf(buf, len, "drd", &b), 0);
    assert_int_equal(a.nr, b.nr);
    assert_int_equal(a.nr_dropped, b.nr_dropped);
    for (size_t i = 0; i < a.nr; i++) {
        assert_string_equal(a.findings[i].message, b.findings[i].message);
        assert_int_equal(a.findings[i].access[0].stack.nr,
                         b.findings[i].access[0].stack.nr);
    }
    report_release(&a);
    report_release(&b);
    free(buf);
}

static void test_garbage(void **state)
{
    unsigned char junk[4096];
    fill_junk(junk, sizeof(junk), 777u);
    struct report r;
    report_init(&r);
    assert_int_equal(parse_valgrind_buf((char *)junk, sizeof(junk), "drd", &r),
                     -1);
    assert_int_equal(r.nr, 0);
    assert_non_null(r.error);
    report_release(&r);

    /* empty: valgrind died before writing anything */
    report_init(&r);
    assert_int_equal(parse_valgrind_buf("", 0, "drd", &r), -1);
    assert_non_null(r.error);
    report_release(&r);

    /* well-formed XML that is not valgrind's */
    static const char other[] = "<?xml version=\"1.0\"?><html><error>"
                                "<kind>Race</kind></error></html>";
    report_init(&r);
    assert_int_equal(
        parse_valgrind_buf(other, sizeof(other) - 1, "helgrind", &r), -1);
    assert_int_equal(r.nr, 0);
    assert_non_null(strstr(r.error, "<valgrindoutput>"));
    report_release(&r);

    /* a TSan log given to the XML parser */
    size_t len;
    char *buf = slurp("tsan-clang14-race-global.log", &len);
    report_init(&r);
    assert_int_equal(parse_valgrind_buf(buf, len, "helgrind", &r), -1);
    assert_int_equal(r.nr, 0);
    assert_non_null(r.error);
    report_release(&r);
    free(buf);

    report_init(&r);
    assert_int_equal(parse_valgrind_file("/nonexistent.xml", "drd", &r), -1);
    assert_non_null(strstr(r.error, "/nonexistent.xml"));
    report_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_helgrind_race_global),
        cmocka_unit_test(test_helgrind_race_heap),
        cmocka_unit_test(test_helgrind_lock_order),
        cmocka_unit_test(test_api_misuse),
        cmocka_unit_test(test_fatal_signal),
        cmocka_unit_test(test_drd_race_global),
        cmocka_unit_test(test_drd_race_heap),
        cmocka_unit_test(test_drd_other_segment),
        cmocka_unit_test(test_drd_many_records),
        cmocka_unit_test(test_cap_keeps_distinct_callers),
        cmocka_unit_test(test_case_map_concurrent_writes),
        cmocka_unit_test(test_cut),
        cmocka_unit_test(test_every_prefix),
        cmocka_unit_test(test_buf_matches_file),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
