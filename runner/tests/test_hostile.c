/*
 * test_hostile.c - the parsers, the catalog reader and the classifier fed
 * what a hostile or unlucky user gives them: logs of hundreds of thousands
 * of lines (parsing must stay linear, memory bounded, nothing dropped
 * without being counted), an empty valgrind log, case.ini files at and past
 * the line limit, with a UTF-8 BOM, with long section names, case folders
 * whose names cannot be built, and cells that never ran.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/catalog.h"
#include "engine/classify.h"
#include "parse/parse.h"
#include "report/common.h"
#include "engine/results.h"
#include "runner-test.h"
#include "lib/text.h"
#include "lib/util.h"

#include <fcntl.h>

/* Lines given to the parsers: enough that a parser quadratic in the log's
 * size takes seconds, few enough that a linear one takes milliseconds. */
#define MANY_LINES 40000

/* An error message of a report stays one readable line, whatever the log:
 * the first errors, then a count of the rest. */
#define MAX_ERROR_LEN 4096

/* `n` copies of `line`, NUL-terminated (malloc'd). */
static char *repeat_line(const char *line, size_t n, size_t *len)
{
    size_t l = strlen(line);
    char *buf = xmalloc(l * n + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(buf + i * l, line, l);
    buf[l * n] = '\0';
    *len = l * n;
    return buf;
}

/* 160 k "fatal error: x" lines, as the issue reported (here MANY_LINES):
 * every one is a fatal error without a traceback. The findings kept are
 * bounded, the rest counted; the error says so in one bounded line. */
static void test_native_many_fatal_lines(void **state)
{
    size_t len;
    char *buf = repeat_line("fatal error: x\n", MANY_LINES, &len);
    struct report r;
    report_init(&r);
    assert_int_equal(parse_native_buf(buf, len, "native", &r), -1);
    assert_non_null(r.error);
    if (strlen(r.error) > MAX_ERROR_LEN)
        fail_msg("error message of %zu bytes", strlen(r.error));
    assert_non_null(strstr(r.error, "has no traceback"));
    if (r.nr > REPORT_MAX_SAME)
        fail_msg("%zu findings kept (at most %d)", r.nr, REPORT_MAX_SAME);
    assert_int_equal(r.nr + r.nr_dropped, MANY_LINES);
    report_release(&r);
    free(buf);
}

/* The same log, from a file (the runner's path). */
static void test_native_many_fatal_lines_file(void **state)
{
    size_t len;
    char *buf = repeat_line("fatal error: x\n", MANY_LINES, &len);
    char *tmp = test_tmpdir();
    char *path = path_join(tmp, "stderr");
    assert_int_equal(write_file_atomic(path, buf, len), 0);
    struct report r;
    report_init(&r);
    assert_int_equal(parse_native_file(path, "native", &r), -1);
    assert_true(strlen(r.error) <= MAX_ERROR_LEN);
    assert_true(r.nr <= REPORT_MAX_SAME);
    assert_int_equal(r.nr + r.nr_dropped, MANY_LINES);
    report_release(&r);
    free(path);
    test_rmdir(tmp);
    free(tmp);
    free(buf);
}

/* TSan warnings, each cut short by the next: one error per report, but a
 * bounded message. */
static void test_tsan_many_cut_reports(void **state)
{
    size_t len;
    char *buf = repeat_line("WARNING: ThreadSanitizer: data race (pid=1)\n",
                            MANY_LINES, &len);
    struct report r;
    report_init(&r);
    assert_int_equal(parse_tsan_buf(buf, len, "tsan", &r), -1);
    assert_non_null(r.error);
    if (strlen(r.error) > MAX_ERROR_LEN)
        fail_msg("error message of %zu bytes", strlen(r.error));
    assert_non_null(strstr(r.error, "cut short"));
    report_release(&r);
    free(buf);
}

/* Complete TSan reports of one race, many times over: bounded findings,
 * the rest counted. */
static void test_tsan_many_reports(void **state)
{
    static const char report[] =
        "==================\n"
        "WARNING: ThreadSanitizer: data race (pid=1)\n"
        "  Write of size 8 at 0x1 by thread T1:\n"
        "    #0 inc cases/x/racy.c:9:12 (racy+0x1)\n"
        "  Previous write of size 8 at 0x1 by main thread:\n"
        "    #0 main cases/x/racy.c:16:12 (racy+0x2)\n"
        "SUMMARY: ThreadSanitizer: data race cases/x/racy.c:9:12 in inc\n"
        "==================\n";
    size_t len;
    char *buf = repeat_line(report, MANY_LINES / 8, &len);
    struct report r;
    report_init(&r);
    assert_int_equal(parse_tsan_buf(buf, len, "tsan", &r), 0);
    assert_true(r.nr <= REPORT_MAX_SAME);
    assert_int_equal(r.nr + r.nr_dropped, MANY_LINES / 8);
    report_release(&r);
    free(buf);
}

/* A TSan race whose previous access is `depth` frames deep: a recursion
 * (`rec` calling itself at one line) when `recursion`, else `depth`
 * distinct functions. Malloc'd. */
static char *deep_tsan_log(size_t depth, bool recursion, size_t *len)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addstr(&sb, "==================\n"
                       "WARNING: ThreadSanitizer: data race (pid=1)\n"
                       "  Write of size 4 at 0x1 by thread T1:\n"
                       "    #0 w /x/deep_race.c:12:5 (deep+0x30)\n\n"
                       "  Previous write of size 4 at 0x1 by main thread:\n"
                       "    #0 rec /x/deep_race.c:5:9 (deep+0x10)\n");
    for (size_t i = 1; i < depth; i++) {
        if (recursion)
            strbuf_addf(&sb, "    #%zu rec /x/deep_race.c:7:12 (deep+0x20)\n",
                        i);
        else
            strbuf_addf(&sb,
                        "    #%zu f%zu /x/deep_race.c:%zu:1 (deep+0x%zx)\n", i,
                        i, i + 100, i + 0x100);
    }
    strbuf_addf(&sb,
                "    #%zu main /x/deep_race.c:20:5 (deep+0x40)\n\n"
                "SUMMARY: ThreadSanitizer: data race /x/deep_race.c:12:5 in "
                "w\n==================\n",
                depth);
    *len = sb.len;
    return strbuf_detach(&sb);
}

/* results.json's findings of r, serialised: its size in bytes. */
static size_t findings_json_size(const struct report *r)
{
    struct markers m;
    memset(&m, 0, sizeof(m));
    json_t *j = results_findings_json(r, &m, 50);
    char *text = json_dumps(j, JSON_INDENT(2));
    size_t n = strlen(text);
    free(text);
    json_decref(j);
    return n;
}

/* A race at recursion depth 10 000: the recursion is one frame with its
 * count; the JSON stays small. */
static void test_tsan_deep_recursion(void **state)
{
    size_t len;
    char *buf = deep_tsan_log(10000, true, &len);
    struct report r;
    report_init(&r);
    assert_int_equal(parse_tsan_buf(buf, len, "tsan", &r), 0);
    assert_int_equal(r.nr, 1);
    const struct stack *st = &r.findings[0].access[1].stack;
    assert_int_equal(st->nr, 3);
    assert_string_equal(st->frames[0].func, "rec");
    assert_int_equal(st->frames[0].line, 5);
    assert_int_equal(st->frames[1].line, 7);
    assert_int_equal(st->frames[1].repeat, 9999);
    assert_string_equal(st->frames[2].func, "main");
    assert_int_equal(st->cut, 0);
    if (findings_json_size(&r) > 16384)
        fail_msg("%zu bytes of JSON for one race", findings_json_size(&r));
    char n[32];
    count_text(n, sizeof(n), 9998);
    assert_string_equal(n, "9 998");
    count_text(n, sizeof(n), 100000);
    assert_string_equal(n, "100 000");
    count_text(n, sizeof(n), 12);
    assert_string_equal(n, "12");
    report_release(&r);
    free(buf);
}

/* 100 000 distinct frames: the innermost STACK_MAX_FRAMES and the
 * outermost are kept, the rest counted where they were. */
static void test_tsan_deep_distinct(void **state)
{
    size_t len;
    char *buf = deep_tsan_log(100000, false, &len);
    struct report r;
    report_init(&r);
    assert_int_equal(parse_tsan_buf(buf, len, "tsan", &r), 0);
    assert_int_equal(r.nr, 1);
    const struct stack *st = &r.findings[0].access[1].stack;
    assert_int_equal(st->nr, STACK_MAX_FRAMES + 1);
    assert_int_equal(st->cut_after, STACK_MAX_FRAMES);
    assert_int_equal(st->cut + st->nr, 100001);
    assert_string_equal(st->frames[STACK_MAX_FRAMES - 1].func, "f63");
    assert_string_equal(st->frames[STACK_MAX_FRAMES].func, "main");
    if (findings_json_size(&r) > 65536)
        fail_msg("%zu bytes of JSON for one race", findings_json_size(&r));
    report_release(&r);
    free(buf);
}

/* A valgrind XML log of 0 bytes (a full disk, a valgrind that died at
 * once) is not a clean run: it cannot be read. */
static void test_valgrind_empty_log(void **state)
{
    struct report r;
    report_init(&r);
    assert_int_equal(parse_valgrind_buf("", 0, "helgrind", &r), -1);
    assert_non_null(r.error);
    report_release(&r);

    char *tmp = test_tmpdir();
    char *path = path_join(tmp, "empty.xml");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    assert_true(fd >= 0);
    close(fd);
    report_init(&r);
    assert_int_equal(parse_valgrind_file(path, "helgrind", &r), -1);
    assert_non_null(r.error);
    report_release(&r);
    free(path);
    test_rmdir(tmp);
    free(tmp);
}

/* A case folder `name` in catalog `cat` with this case.ini (len bytes)
 * and the good fixture's racy.c. */
static void write_case(const char *cat, const char *name, const char *ini,
                       size_t len)
{
    char *dir = path_join(cat, name);
    assert_int_equal(mkdir_p(dir), 0);
    char *p = path_join(dir, "case.ini");
    assert_int_equal(write_file_atomic(p, ini, len), 0);
    free(p);
    char *src = path_join(fixture("good"), "counter/racy.c");
    size_t n;
    char *text = read_file(src, 0, &n);
    free(src);
    assert_non_null(text);
    p = path_join(dir, "racy.c");
    assert_int_equal(write_file_atomic(p, text, n), 0);
    free(p);
    free(text);
    free(dir);
}

#define CASE_KEYS                                                              \
    "[case]\ntitle = t\ngo = g\narticle = 1\nfamily = sync\nwhy = w\n\n"

/* Load a catalog that must fail; its message must contain each of the
 * NULL-terminated strings. */
static void expect_catalog_error(const char *cat, ...)
{
    struct catalog c;
    char *err = NULL;
    if (catalog_load(cat, &c, &err) == 0)
        fail_msg("%s: loaded, want an error", cat);
    assert_non_null(err);
    assert_null(strchr(err, '\n'));
    va_list ap;
    va_start(ap, cat);
    const char *want;
    while ((want = va_arg(ap, const char *)))
        if (!strstr(err, want))
            fail_msg("got \"%.300s\", want \"%s\"", err, want);
    va_end(ap);
    free(err);
    catalog_release(&c);
}

/* A [racy] title of exactly 4095 bytes followed on the same line by
 * "native = clean": the tail must not become a key. */
static void test_ini_line_at_the_limit(void **state)
{
    char *tmp = test_tmpdir();
    struct strbuf sb = STRBUF_INIT;
    strbuf_addstr(&sb, CASE_KEYS "[racy]\nexpect = race\n");
    size_t start = sb.len;
    strbuf_addstr(&sb, "title = ");
    while (sb.len - start < 4095)
        strbuf_addstr(&sb, "a");
    strbuf_addstr(&sb, "native = clean\n");
    write_case(tmp, "c", sb.buf, sb.len);
    expect_catalog_error(tmp, "case.ini:10: ", "long", NULL);
    strbuf_release(&sb);
    test_rmdir(tmp);
    free(tmp);
}

/* A line of 1 MB: too long, said so (not "syntax error"). */
static void test_ini_huge_line(void **state)
{
    char *tmp = test_tmpdir();
    struct strbuf sb = STRBUF_INIT;
    strbuf_addstr(&sb, CASE_KEYS "[racy]\nexpect = race\nnative = miss ");
    for (size_t i = 0; i < ((size_t)1 << 20); i++)
        strbuf_add(&sb, "x", 1);
    strbuf_addstr(&sb, "\n");
    write_case(tmp, "c", sb.buf, sb.len);
    expect_catalog_error(tmp, "case.ini:10: ", "long", NULL);
    strbuf_release(&sb);
    test_rmdir(tmp);
    free(tmp);
}

/* A UTF-8 byte order mark (editors on Windows write one) is skipped. */
static void test_ini_bom(void **state)
{
    char *tmp = test_tmpdir();
    static const char ini[] =
        "\xEF\xBB\xBF" CASE_KEYS "[racy]\nexpect = race\nnative = miss x\n";
    write_case(tmp, "c", ini, sizeof(ini) - 1);
    struct catalog cat;
    char *err = NULL;
    if (catalog_load(tmp, &cat, &err) < 0)
        fail_msg("%s", err);
    assert_int_equal(cat.nr, 1);
    assert_string_equal(cat.cases[0].title, "t");
    assert_int_equal(cat.cases[0].variants[0].expect[DET_NATIVE].kind,
                     EXPECT_MISS);
    catalog_release(&cat);
    test_rmdir(tmp);
    free(tmp);
}

/* A section name longer than inih keeps (49 characters) is never cut
 * silently: a variant with a long name has its own expectations. */
static void test_ini_long_section_names(void **state)
{
    char *tmp = test_tmpdir();
    char name[80];
    memcpy(name, "fixed-", 6);
    memset(name + 6, 'q', 64);
    name[70] = '\0';
    char *ini = xasprintf(CASE_KEYS "[racy]\nexpect = race\nnative = miss x\n"
                                    "\n[%s]\nexpect = clean\n",
                          name);
    write_case(tmp, "c", ini, strlen(ini));
    char *src = xasprintf("%s/c/%s.c", tmp, name);
    assert_int_equal(
        write_file_atomic(src, "int main(void) { return 0; }\n", 30), 0);
    struct catalog cat;
    char *err = NULL;
    if (catalog_load(tmp, &cat, &err) < 0)
        fail_msg("%s", err);
    assert_int_equal(cat.nr, 1);
    assert_int_equal(cat.cases[0].nr_variants, 2);
    assert_string_equal(cat.cases[0].variants[1].name, name);
    assert_int_equal(cat.cases[0].variants[1].expect[DET_TSAN].kind,
                     EXPECT_CLEAN);
    catalog_release(&cat);
    free(src);
    free(ini);
    test_rmdir(tmp);
    free(tmp);
}

/* A case folder whose name the build cannot take (a blank, a byte that is
 * not UTF-8) is refused when the catalog is read, with its name. */
static void test_case_folder_names(void **state)
{
    static const char ini[] =
        CASE_KEYS "[racy]\nexpect = race\nnative = miss x\n";
    char *tmp = test_tmpdir();
    write_case(tmp, "my case", ini, sizeof(ini) - 1);
    expect_catalog_error(tmp, "my case", "name", NULL);
    test_rmdir(tmp);
    free(tmp);

    tmp = test_tmpdir();
    write_case(tmp, "bad\xFFname", ini, sizeof(ini) - 1);
    struct catalog c;
    char *err = NULL;
    assert_int_equal(catalog_load(tmp, &c, &err), -1);
    assert_non_null(err);
    /* the message itself is valid UTF-8: the byte is shown, not copied */
    assert_null(strchr(err, '\xFF'));
    assert_non_null(strstr(err, "name"));
    free(err);
    catalog_release(&c);
    test_rmdir(tmp);
    free(tmp);
}

/* A cell with no run (interrupted before its turn) never says clean. */
static void test_cell_that_never_ran(void **state)
{
    struct expectation e = {0};
    e.kind = EXPECT_CLEAN;
    e.text = "clean";
    struct cell_verdict v;
    classify_cell(DET_TSAN, &e, NULL, 0, false, &v);
    assert_non_null(v.observed);
    if (strcmp(v.observed, "not run"))
        fail_msg("observed '%s' for a cell that never ran", v.observed);
    assert_int_equal(v.verdict, VERDICT_ERROR);
    cell_verdict_release(&v);
}

/* Invalid bytes become U+FFFD, one each, nothing dropped; control
 * characters are shown, not sent. */
static void test_text_helpers(void **state)
{
    char *s = utf8_fix("a\xFF\xFE b\xC3\xA9 \xE2\x82", 10);
    assert_string_equal(s, "a\xEF\xBF\xBD\xEF\xBF\xBD b\xC3\xA9 "
                           "\xEF\xBF\xBD\xEF\xBF\xBD");
    free(s);
    assert_true(utf8_valid("caf\xC3\xA9", 5));
    assert_false(utf8_valid("\xC0\xAF", 2));     /* overlong '/' */
    assert_false(utf8_valid("\xED\xA0\x80", 3)); /* a surrogate */
    assert_false(utf8_valid("a\0b", 3));
    json_t *j = json_text("x\xFFy");
    assert_non_null(j);
    assert_string_equal(json_string_value(j), "x\xEF\xBF\xBDy");
    json_decref(j);
    s = text_cleaned("a\x1b]0;t\x07 \x1b[31mred\x1b[0m\tb\n\x7f\xC2\x9B",
                     false);
    assert_string_equal(s, "a^[]0;t^G ^[[31mred^[[0m\tb\n^?\xEF\xBF\xBD");
    free(s);
    s = text_cleaned("\x1b[31mred\x1b[0m \x1b[2J", true);
    assert_string_equal(s, "\x1b[31mred\x1b[0m ^[[2J");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_native_many_fatal_lines),
        cmocka_unit_test(test_native_many_fatal_lines_file),
        cmocka_unit_test(test_tsan_many_cut_reports),
        cmocka_unit_test(test_tsan_many_reports),
        cmocka_unit_test(test_tsan_deep_recursion),
        cmocka_unit_test(test_tsan_deep_distinct),
        cmocka_unit_test(test_valgrind_empty_log),
        cmocka_unit_test(test_ini_line_at_the_limit),
        cmocka_unit_test(test_ini_huge_line),
        cmocka_unit_test(test_ini_bom),
        cmocka_unit_test(test_ini_long_section_names),
        cmocka_unit_test(test_case_folder_names),
        cmocka_unit_test(test_cell_that_never_ran),
        cmocka_unit_test(test_text_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
