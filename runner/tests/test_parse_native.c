/*
 * runner/tests/test_parse_native.c - the parser of the model's Go-style
 * fatal error (model/throw.h) on saved stderr of real runs
 * (runner/tests/logs, see its README.md): DWARF and raw tracebacks,
 * inlined frames, the case map-concurrent-writes, logs cut short, two
 * fatal errors, and input with none.
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

static void parse_ok(const char *name, struct report *r)
{
    report_init(r);
    int rc = parse_native_file(log_path(name), "native", r);
    if (r->error)
        fail_msg("%s: unexpected error: %s", name, r->error);
    assert_int_equal(rc, 0);
}

static void check_frame(const struct frame *fr, const char *func,
                        const char *file, int line, const char *module,
                        uint64_t offset)
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
    if (module)
        assert_string_equal(fr->module, module);
    else
        assert_null(fr->module);
    assert_int_equal(fr->offset, offset);
}

static void check_fatal(const struct finding *f, const char *message,
                        size_t nr_frames)
{
    assert_int_equal(f->kind, FINDING_FATAL);
    assert_string_equal(f->detector, "native");
    assert_string_equal(f->type, "fatal error");
    assert_string_equal(f->message, message);
    assert_int_equal(f->nr_access, 1);
    assert_int_equal(f->access[0].stack.nr, nr_frames);
}

static void test_dwarf_traceback(void **state)
{
    struct report r;
    parse_ok("native-fatal.stderr", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    check_fatal(f, "concurrent map writes", 4);
    assert_string_equal(f->access[0].thread, "12847");
    const struct frame *fr = f->access[0].stack.frames;
    check_frame(&fr[0], "mapassign_like", "fatal.c", 6, NULL, 0x1c);
    check_frame(&fr[1], "writer", "fatal.c", 11, NULL, 0x9);
    /* "?(...)" + "\tlibc.so.6+0x891f5" */
    check_frame(&fr[2], NULL, NULL, 0, "libc.so.6", 0x891f5);
    check_frame(&fr[3], NULL, NULL, 0, "libc.so.6", 0x1098ec);
    report_release(&r);
}

static void test_raw_traceback(void **state)
{
    struct report r;
    parse_ok("native-fatal-raw.stderr", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    check_fatal(f, "concurrent map writes", 4);
    const struct frame *fr = f->access[0].stack.frames;
    check_frame(&fr[0], "mapassign_like", NULL, 0, "fatal.native", 0x23c5);
    check_frame(&fr[1], "writer", NULL, 0, "fatal.native", 0x23ce);
    report_release(&r);
}

/* The real case: the marked line racy.c:63 below an inlined frame (no
 * offset). */
static void test_case_map_concurrent_writes(void **state)
{
    struct report r;
    parse_ok("case-mcw-native.stderr", &r);
    assert_int_equal(r.nr, 1);
    struct finding *f = &r.findings[0];
    check_fatal(f, "concurrent map writes", 6);
    assert_string_equal(f->access[0].thread, "16225");
    const struct frame *fr = f->access[0].stack.frames;
    check_frame(&fr[0], "mapassign", "model/map.c", 797, NULL, 0x77);
    check_frame(&fr[1], "mapstore", "model/map.h", 230, NULL, 0);
    check_frame(&fr[2], "assign_six", "cases/map-concurrent-writes/racy.c", 63,
                NULL, 0x15);
    check_frame(&fr[3], "func2", "cases/map-concurrent-writes/racy.c", 82, NULL,
                0x33);
    report_release(&r);
}

/* A log with no fatal error (here: TSan's) gives nothing and no error. */
static void test_no_fatal(void **state)
{
    struct report r;
    parse_ok("tsan-clang14-race-multi.stderr", &r);
    assert_int_equal(r.nr, 0);
    report_release(&r);
}

/* Two real logs one after the other: two findings. */
static void test_two_fatals(void **state)
{
    size_t l1, l2;
    char *a = slurp("native-fatal.stderr", &l1);
    char *b = slurp("case-mcw-native.stderr", &l2);
    char *both = malloc(l1 + l2);
    memcpy(both, a, l1);
    memcpy(both + l1, b, l2);
    struct report r;
    report_init(&r);
    assert_int_equal(parse_native_buf(both, l1 + l2, "native", &r), 0);
    assert_null(r.error);
    assert_int_equal(r.nr, 2);
    check_fatal(&r.findings[0], "concurrent map writes", 4);
    check_fatal(&r.findings[1], "concurrent map writes", 6);
    report_release(&r);
    free(both);
    free(a);
    free(b);
}

/* Cut short: the message survives, the error says what is missing. */
static void test_cut(void **state)
{
    size_t len;
    char *buf = slurp("case-mcw-native.stderr", &len);
    struct report r;

    /* the message line only */
    size_t msg = (size_t)(strchr(buf, '\n') - buf) + 1;
    report_init(&r);
    assert_int_equal(parse_native_buf(buf, msg, "native", &r), -1);
    assert_int_equal(r.nr, 1);
    assert_string_equal(r.findings[0].message, "concurrent map writes");
    assert_non_null(strstr(r.error, "no traceback"));
    report_release(&r);

    /* inside the third frame's location line */
    const char *third = strstr(buf, "assign_six(...)\n\t");
    assert_non_null(third);
    size_t cut = (size_t)(third - buf) + strlen("assign_six(...)\n\tcases/");
    report_init(&r);
    assert_int_equal(parse_native_buf(buf, cut, "native", &r), -1);
    assert_int_equal(r.nr, 1);
    assert_int_equal(r.findings[0].access[0].stack.nr, 3);
    assert_non_null(strstr(r.error, "cut short"));
    report_release(&r);

    /* every prefix: no crash; one finding once the message line is in */
    for (size_t n = 0; n <= len; n++) {
        report_init(&r);
        int rc = parse_native_buf(buf, n, "native", &r);
        size_t prefix = strlen("fatal error: ");
        assert_int_equal(r.nr, n >= prefix ? 1 : 0);
        if (n == len)
            assert_int_equal(rc, 0);
        report_release(&r);
    }
    free(buf);
}

static void test_garbage(void **state)
{
    unsigned char junk[4096];
    fill_junk(junk, sizeof(junk), 99u);
    struct report r;
    report_init(&r);
    /* a program's stderr can be anything: nothing found, no error */
    assert_int_equal(parse_native_buf((char *)junk, sizeof(junk), "native", &r),
                     0);
    assert_int_equal(r.nr, 0);
    report_release(&r);

    /* a fatal error followed by junk instead of a traceback */
    char mix[sizeof(junk) + 64];
    int n = snprintf(mix, sizeof(mix),
                     "fatal error: concurrent map "
                     "writes\n\n");
    memcpy(mix + n, junk, sizeof(junk));
    report_init(&r);
    assert_int_equal(
        parse_native_buf(mix, (size_t)n + sizeof(junk), "native", &r), -1);
    assert_int_equal(r.nr, 1);
    assert_non_null(r.error);
    report_release(&r);

    report_init(&r);
    assert_int_equal(parse_native_file("/nonexistent.stderr", "native", &r),
                     -1);
    assert_non_null(strstr(r.error, "/nonexistent.stderr"));
    report_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dwarf_traceback),
        cmocka_unit_test(test_raw_traceback),
        cmocka_unit_test(test_case_map_concurrent_writes),
        cmocka_unit_test(test_no_fatal),
        cmocka_unit_test(test_two_fatals),
        cmocka_unit_test(test_cut),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
