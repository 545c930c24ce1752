/*
 * runner/tests/test_parse_go.c - the parser of Go's race reports and Go's
 * fatal errors (parse/go.h) on saved stderr of real Go 1.19 runs of the
 * cases' Go twins (runner/tests/logs, see its README.md): map races on the
 * map header and on elements, atomics, method frames, GOTRACEBACK=system
 * and default tracebacks, inlined frames, logs cut short, two throwers,
 * and garbage; and of Go 1.26 (Swiss tables: internal/runtime/maps frames,
 * linknamed runtime.mapassign_fast64, goroutine headers with gp= m= mp=,
 * a race build that also threw).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs-test.h"
#include "parse/go.h"

#define GOROOT "/usr/lib/go-1.19/src/"
#define GOROOT126 "/usr/local/go/src/"
#define FX "/tmp/go-fx/cases/"

static void parse_ok(const char *name, const char *detector, struct report *r)
{
    report_init(r);
    int rc = parse_go_file(log_path(name), detector, r);
    if (r->error)
        fail_msg("%s: unexpected error: %s", name, r->error);
    assert_int_equal(rc, 0);
}

static void check_frame(const struct frame *fr, const char *func,
                        const char *file, int line, uint64_t offset)
{
    assert_string_equal(fr->func, func);
    assert_string_equal(fr->file, file);
    assert_int_equal(fr->line, line);
    assert_int_equal(fr->offset, offset);
}

static void check_access(const struct access *a, enum access_kind kind,
                         uint64_t addr, const char *thread, size_t nr_frames)
{
    assert_int_equal(a->kind, kind);
    assert_int_equal(a->addr, addr);
    assert_string_equal(a->thread, thread);
    assert_int_equal(a->stack.nr, nr_frames);
}

static void check_race(const struct finding *f, const char *message)
{
    assert_int_equal(f->kind, FINDING_DATA_RACE);
    assert_string_equal(f->detector, "go-race");
    assert_string_equal(f->type, "data race");
    assert_string_equal(f->message, message);
    assert_int_equal(f->nr_access, 2);
}

/* Two m[k] = v on one map: the race runtime's write of the map header. */
static void test_race_map_writes(void **state)
{
    struct report r;
    parse_ok("go-race-mcw.stderr", "go-race", &r);
    assert_int_equal(r.nr, 1);
    const struct finding *f = &r.findings[0];
    check_race(f, "data race " GOROOT "runtime/map_fast64.go:93 in "
                  "runtime.mapassign_fast64");
    check_access(&f->access[0], ACCESS_WRITE, 0xc0000a0150, "goroutine 8", 2);
    check_access(&f->access[1], ACCESS_WRITE, 0xc0000a0150, "goroutine 7", 2);
    const struct frame *fr = f->access[0].stack.frames;
    check_frame(&fr[0], "runtime.mapassign_fast64",
                GOROOT "runtime/map_fast64.go", 93, 0);
    check_frame(&fr[1], "main.main.func2", FX "map-concurrent-writes/racy.go",
                30, 0x52);
    check_frame(&f->access[1].stack.frames[1], "main.main.func1",
                FX "map-concurrent-writes/racy.go", 23, 0x52);
    report_release(&r);
}

/* A range against the writer: mapiterinit's read of the header, then two
 * reports on the elements (no runtime frame). */
static void test_race_iterate(void **state)
{
    struct report r;
    parse_ok("go-race-miw.stderr", "go-race", &r);
    assert_int_equal(r.nr, 3);
    const struct finding *f = &r.findings[0];
    check_race(f, "data race " GOROOT "runtime/map.go:815 in "
                  "runtime.mapiterinit");
    check_access(&f->access[0], ACCESS_READ, 0xc00009c150, "goroutine 8", 3);
    check_access(&f->access[1], ACCESS_WRITE, 0xc00009c150, "goroutine 7", 3);
    check_frame(&f->access[0].stack.frames[1], "main.audit",
                FX "map-iterate-write/racy.go", 35, 0xa6);
    check_frame(&f->access[1].stack.frames[1], "main.transact",
                FX "map-iterate-write/racy.go", 28, 0xdc);
    f = &r.findings[2];
    check_race(f, "data race " FX "map-iterate-write/racy.go:35 in "
                  "main.audit");
    check_access(&f->access[1], ACCESS_WRITE, 0xc0000ae080, "goroutine 7", 2);
    check_frame(&f->access[1].stack.frames[0], "main.transact",
                FX "map-iterate-write/racy.go", 29, 0x170);
    report_release(&r);
}

/* A plain load against CompareAndSwapPointer; method frames. */
static void test_race_atomic_and_methods(void **state)
{
    struct report r;
    parse_ok("go-race-lockfree.stderr", "go-race", &r);
    assert_int_equal(r.nr, 4);
    const struct finding *f = &r.findings[0];
    check_access(&f->access[0], ACCESS_READ, 0x5b0c40, "goroutine 9", 2);
    check_frame(&f->access[0].stack.frames[0], "main.(*lfmap).lookup",
                FX "lockfree-cas-publish/racy.go", 47, 0xd9);
    check_access(&f->access[1], ACCESS_WRITE, 0x5b0c40, "goroutine 8", 4);
    const struct frame *fr = f->access[1].stack.frames;
    check_frame(&fr[0], "sync/atomic.CompareAndSwapInt64",
                GOROOT "runtime/race_amd64.s", 316, 0xb);
    check_frame(&fr[1], "sync/atomic.CompareAndSwapPointer",
                GOROOT "runtime/atomic_pointer.go", 76, 0x5e);
    check_frame(&fr[3], "main.main.func3", FX "lockfree-cas-publish/racy.go",
                67, 0x47);
    report_release(&r);

    parse_ok("go-race-registry.stderr", "go-race", &r);
    assert_int_equal(r.nr, 2);
    fr = r.findings[0].access[0].stack.frames;
    check_frame(&fr[0], "runtime.mapassign", GOROOT "runtime/map.go", 578, 0);
    check_frame(&fr[1], "main.(*commandProvider).addContext",
                FX "context-cancel-delete/racy-registry.go", 22, 0xc9);
    report_release(&r);
}

static void check_fatal(const struct finding *f, const char *message,
                        const char *thread, size_t nr_frames)
{
    assert_int_equal(f->kind, FINDING_FATAL);
    assert_string_equal(f->detector, "go");
    assert_string_equal(f->type, "fatal error");
    assert_string_equal(f->message, message);
    assert_int_equal(f->nr_access, 1);
    assert_string_equal(f->access[0].thread, thread);
    assert_int_equal(f->access[0].stack.nr, nr_frames);
}

/* GOTRACEBACK=system: the runtime frames, then the goroutine's; "created
 * by" and the other goroutines are not frames of the finding. */
static void test_fatal_system(void **state)
{
    struct report r;
    parse_ok("go-fatal-miw-system.stderr", "go", &r);
    assert_int_equal(r.nr, 1);
    const struct finding *f = &r.findings[0];
    check_fatal(f, "concurrent map iteration and map write", "goroutine 19", 5);
    const struct frame *fr = f->access[0].stack.frames;
    check_frame(&fr[0], "runtime.fatal", GOROOT "runtime/panic.go", 1066, 0x5d);
    check_frame(&fr[1], "runtime.mapiternext", GOROOT "runtime/map.go", 873,
                0x45);
    check_frame(&fr[2], "main.audit", FX "map-iterate-write/racy.go", 35, 0);
    check_frame(&fr[3], "main.main.func2", FX "map-iterate-write/racy.go", 56,
                0x165);
    check_frame(&fr[4], "runtime.goexit", GOROOT "runtime/asm_amd64.s", 1594,
                0x1);
    report_release(&r);

    parse_ok("go-fatal-registry-system.stderr", "go", &r);
    assert_int_equal(r.nr, 1);
    f = &r.findings[0];
    check_fatal(f, "concurrent map writes", "goroutine 18", 6);
    fr = f->access[0].stack.frames;
    check_frame(&fr[1], "runtime.mapassign", GOROOT "runtime/map.go", 595,
                0x59);
    check_frame(&fr[2], "main.(*commandProvider).addContext",
                FX "context-cancel-delete/racy-registry.go", 22, 0);
    check_frame(&fr[3], "main.(*commandProvider).Create",
                FX "context-cancel-delete/racy-registry.go", 32, 0x95);
    report_release(&r);
}

/* Go's default traceback hides the runtime frames. */
static void test_fatal_default(void **state)
{
    struct report r;
    parse_ok("go-fatal-miw-default.stderr", "go", &r);
    assert_int_equal(r.nr, 1);
    const struct finding *f = &r.findings[0];
    check_fatal(f, "concurrent map iteration and map write", "goroutine 19", 2);
    check_frame(&f->access[0].stack.frames[0], "main.audit",
                FX "map-iterate-write/racy.go", 35, 0);
    report_release(&r);
}

static char *concat(const char *a, size_t la, const char *b, size_t lb)
{
    char *s = malloc(la + lb + 1);
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    s[la + lb] = '\0';
    return s;
}

/* A race build that also threw: the race report and the fatal error. Two
 * goroutines that both threw print the message twice, one traceback. */
static void test_race_then_fatal_and_two_throwers(void **state)
{
    size_t l1, l2;
    char *race = slurp("go-race-mcw.stderr", &l1);
    char *fatal = slurp("go-fatal-mcw-system.stderr", &l2);
    char *both = concat(race, l1, fatal, l2);
    struct report r;
    report_init(&r);
    assert_int_equal(parse_go_buf(both, l1 + l2, "go", &r), 0);
    assert_null(r.error);
    assert_int_equal(r.nr, 2);
    assert_int_equal(r.findings[0].kind, FINDING_DATA_RACE);
    check_fatal(&r.findings[1], "concurrent map writes", "goroutine 18", 4);
    report_release(&r);

    size_t first = (size_t)(strchr(fatal, '\n') - fatal) + 1;
    char *twice = concat(fatal, first, fatal, l2);
    report_init(&r);
    assert_int_equal(parse_go_buf(twice, first + l2, "go", &r), 0);
    assert_int_equal(r.nr, 1);
    check_fatal(&r.findings[0], "concurrent map writes", "goroutine 18", 4);
    report_release(&r);
    free(twice);
    free(both);
    free(race);
    free(fatal);
}

/* Go 1.26: the race on the map header at runtime.mapassign_fast64, which
 * now lives in internal/runtime/maps (linknamed), and a range's
 * runtime.mapIterStart against it. */
static void test_go126_race(void **state)
{
    struct report r;
    parse_ok("go126-race-miw.stderr", "go-race", &r);
    assert_int_equal(r.nr, 4);
    const struct finding *f = &r.findings[0];
    check_race(f, "data race " GOROOT126 "runtime/map.go:156 in "
                  "runtime.mapIterStart");
    check_access(&f->access[0], ACCESS_READ, 0xc00009e060, "goroutine 9", 3);
    check_frame(&f->access[0].stack.frames[0], "runtime.mapIterStart",
                GOROOT126 "runtime/map.go", 156, 0);
    check_frame(&f->access[0].stack.frames[1], "main.audit",
                FX "map-iterate-write/racy.go", 49, 0xd2);
    check_access(&f->access[1], ACCESS_WRITE, 0xc00009e060, "goroutine 8", 3);
    check_frame(&f->access[1].stack.frames[0], "runtime.mapassign_fast64",
                GOROOT126 "internal/runtime/maps/runtime_fast64.go", 196, 0);
    check_frame(&f->access[1].stack.frames[1], "main.transact",
                FX "map-iterate-write/racy.go", 42, 0xfc);
    report_release(&r);
}

/* Go 1.26's GOTRACEBACK=system: goroutine headers with gp=, m=, mp=, frames
 * with fp= sp= pc=, the check thrown by internal/runtime/maps.fatal from
 * (*Iter).Next (a range) or runtime.mapaccess2_fast64 (a lookup). */
static void test_go126_fatal(void **state)
{
    struct report r;
    parse_ok("go126-fatal-miw-system.stderr", "go", &r);
    assert_int_equal(r.nr, 1);
    const struct finding *f = &r.findings[0];
    check_fatal(f, "concurrent map iteration and map write", "goroutine 20", 7);
    const struct frame *fr = f->access[0].stack.frames;
    check_frame(&fr[0], "runtime.fatal", GOROOT126 "runtime/panic.go", 1253,
                0x74);
    check_frame(&fr[1], "internal/runtime/maps.fatal",
                GOROOT126 "runtime/panic.go", 1181, 0x18);
    check_frame(&fr[2], "internal/runtime/maps.(*Iter).Next",
                GOROOT126 "internal/runtime/maps/table.go", 819, 0x86);
    check_frame(&fr[3], "runtime.mapIterStart", GOROOT126 "runtime/map.go", 163,
                0x31);
    check_frame(&fr[4], "main.audit", FX "map-iterate-write/racy.go", 49, 0);
    report_release(&r);

    parse_ok("go126-fatal-mgr-system.stderr", "go", &r);
    assert_int_equal(r.nr, 1);
    f = &r.findings[0];
    check_fatal(f, "concurrent map read and map write", "goroutine 20", 6);
    fr = f->access[0].stack.frames;
    check_frame(&fr[2], "runtime.mapaccess2_fast64",
                GOROOT126 "internal/runtime/maps/runtime_fast64.go", 97, 0xe5);
    check_frame(&fr[3], "main.lookup", FX "map-grow-read/racy.go", 28, 0);
    report_release(&r);

    parse_ok("go126-fatal-mcw-system.stderr", "go", &r);
    assert_int_equal(r.nr, 1);
    check_frame(&r.findings[0].access[0].stack.frames[2],
                "runtime.mapassign_fast64",
                GOROOT126 "internal/runtime/maps/runtime_fast64.go", 206, 0x45);
    report_release(&r);
}

/* A Go 1.26 race build whose check also fired: the race, then the fatal
 * error (Go's default traceback there: internal/runtime/maps.fatal first). */
static void test_go126_race_then_fatal(void **state)
{
    struct report r;
    parse_ok("go126-race-mcw.stderr", "go-race", &r);
    assert_int_equal(r.nr, 2);
    check_race(&r.findings[0], "data race " GOROOT126
                               "internal/runtime/maps/runtime_fast64.go:196 in "
                               "runtime.mapassign_fast64");
    const struct finding *f = &r.findings[1];
    assert_int_equal(f->kind, FINDING_FATAL);
    assert_string_equal(f->message, "concurrent map writes");
    check_frame(&f->access[0].stack.frames[0], "internal/runtime/maps.fatal",
                GOROOT126 "runtime/panic.go", 1181, 0x18);
    report_release(&r);
}

/* Cut short: complete reports survive, the cut one is dropped, and the
 * error says so; every prefix parses without a crash. */
static void test_race_cut(void **state)
{
    size_t len;
    char *buf = slurp("go-race-lockfree.stderr", &len);
    struct report r;

    /* inside the third report's second access */
    const char *third = strstr(buf, "Read at 0x00c000012b68");
    assert_non_null(third);
    const char *prev = strstr(third, "Previous write");
    size_t cut = (size_t)(prev - buf) + 40;
    report_init(&r);
    assert_int_equal(parse_go_buf(buf, cut, "go-race", &r), -1);
    assert_int_equal(r.nr, 2);
    assert_non_null(strstr(r.error, "cut short"));
    report_release(&r);

    /* every report complete, "Found 4" missing: no error */
    const char *found = strstr(buf, "Found 4");
    report_init(&r);
    assert_int_equal(parse_go_buf(buf, (size_t)(found - buf), "go-race", &r),
                     0);
    assert_int_equal(r.nr, 4);
    report_release(&r);

    /* a report lost before "Found 4": the count disagrees */
    const char *second = strstr(buf + 1, "==================\n===");
    assert_non_null(second);
    second += strlen("==================\n");
    char *lost = concat(buf, (size_t)(second - buf), found, strlen(found));
    report_init(&r);
    assert_int_equal(parse_go_buf(lost, strlen(lost), "go-race", &r), -1);
    assert_int_equal(r.nr, 1);
    assert_non_null(strstr(r.error, "4 data race reports, 1 complete"));
    report_release(&r);
    free(lost);

    for (size_t n = 0; n <= len; n++) {
        report_init(&r);
        int rc = parse_go_buf(buf, n, "go-race", &r);
        assert_true(r.nr <= 4);
        if (n == len)
            assert_int_equal(rc, 0);
        report_release(&r);
    }
    free(buf);
}

static void test_fatal_cut(void **state)
{
    size_t len;
    char *buf = slurp("go-fatal-miw-system.stderr", &len);
    struct report r;

    size_t msg = (size_t)(strchr(buf, '\n') - buf) + 1;
    report_init(&r);
    assert_int_equal(parse_go_buf(buf, msg, "go", &r), -1);
    assert_int_equal(r.nr, 1);
    assert_non_null(strstr(r.error, "without its traceback"));
    report_release(&r);

    const char *third = strstr(buf, "main.audit(...)\n\t");
    size_t cut = (size_t)(third - buf) + strlen("main.audit(...)\n\t/tmp/");
    report_init(&r);
    assert_int_equal(parse_go_buf(buf, cut, "go", &r), -1);
    assert_int_equal(r.nr, 1);
    assert_int_equal(r.findings[0].access[0].stack.nr, 3);
    assert_non_null(strstr(r.error, "cut short"));
    report_release(&r);

    for (size_t n = 0; n <= len; n++) {
        report_init(&r);
        int rc = parse_go_buf(buf, n, "go", &r);
        assert_int_equal(r.nr, n >= strlen("fatal error: ") ? 1 : 0);
        if (n == len)
            assert_int_equal(rc, 0);
        report_release(&r);
    }
    free(buf);
}

static void test_garbage(void **state)
{
    unsigned char junk[4096];
    fill_junk(junk, sizeof(junk), 7u);
    struct report r;
    report_init(&r);
    assert_int_equal(parse_go_buf((char *)junk, sizeof(junk), "go", &r), 0);
    assert_int_equal(r.nr, 0);
    report_release(&r);

    /* a race report followed by junk instead of its accesses */
    char mix[sizeof(junk) + 64];
    int n = snprintf(mix, sizeof(mix),
                     "==================\n"
                     "WARNING: DATA RACE\n");
    memcpy(mix + n, junk, sizeof(junk));
    report_init(&r);
    assert_int_equal(parse_go_buf(mix, (size_t)n + sizeof(junk), "go", &r), -1);
    assert_int_equal(r.nr, 0);
    assert_non_null(r.error);
    report_release(&r);

    /* another detector's log (ThreadSanitizer's): nothing */
    report_init(&r);
    assert_int_equal(
        parse_go_file(log_path("tsan-clang14-race-multi.stderr"), "go", &r), 0);
    assert_int_equal(r.nr, 0);
    report_release(&r);

    report_init(&r);
    assert_int_equal(parse_go_file("/nonexistent.stderr", "go", &r), -1);
    assert_non_null(strstr(r.error, "/nonexistent.stderr"));
    report_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_race_map_writes),
        cmocka_unit_test(test_race_iterate),
        cmocka_unit_test(test_race_atomic_and_methods),
        cmocka_unit_test(test_fatal_system),
        cmocka_unit_test(test_fatal_default),
        cmocka_unit_test(test_race_then_fatal_and_two_throwers),
        cmocka_unit_test(test_go126_race),
        cmocka_unit_test(test_go126_fatal),
        cmocka_unit_test(test_go126_race_then_fatal),
        cmocka_unit_test(test_race_cut),
        cmocka_unit_test(test_fatal_cut),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
