/*
 * test_reports.c - the report files, from a results.json document made of
 * real detector logs (reports-test.h):
 *   - junit.xml is valid against runner/tests/junit.xsd (xmllint --schema),
 *   - results.sarif is valid against the SARIF 2.1.0 JSON schema
 *     (scripts/validate-sarif, Debian's python3-jsonschema),
 *   - a function named <script>alert(1)</script> is text in HTML, valid in
 *     XML and JSON,
 *   - headless Chromium opens index.html from disk and renders the matrix
 *     and the race (its DOM), and takes a screenshot,
 *   - summary.md, show and explain.
 * The validators are installed by scripts/install-deps; a test whose tool
 * is missing fails (it does not skip), so that CI cannot pass unchecked.
 */
#include "reports-test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
/* cmocka after the headers it needs */
#include <cmocka.h>

#include "engine/group.h"
#include "report/common.h"
#include "cmd/show.h"
#include "lib/util.h"

#define EVIL "<script>alert(1)</script>"

static char tmpdir[64];

static int setup(void **state)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/maprace-test-reports.XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Run a shell command; its output (stdout and stderr, malloc'd) in *out.
 * Returns the exit status. */
static int run(const char *cmd, char **out)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    struct strbuf sb = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
        strbuf_add(&sb, buf, n);
    int st = pclose(p);
    if (out)
        *out = strbuf_detach(&sb);
    else
        strbuf_release(&sb);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static char *write_reports(json_t *doc, const char *sub)
{
    char *dir = xasprintf("%s/%s", tmpdir, sub);
    assert_int_equal(mkdir_p(dir), 0);
    char *why = NULL;
    int rc = reports_write(doc, dir, FORMAT_ALL, &why);
    if (rc)
        fail_msg("reports_write: %s", why);
    return dir;
}

/* The document with a hostile function name and case title. */
static json_t *evil_results(void)
{
    json_t *doc = fixture_results();
    json_t *cell = json_array_get(json_object_get(doc, "cells"), 0);
    json_t *run = json_array_get(json_object_get(cell, "run_details"), 0);
    json_t *f = json_array_get(json_object_get(run, "findings"), 0);
    json_t *frames = json_object_get(
        json_array_get(json_object_get(f, "accesses"), 0), "frames");
    json_object_set_new(json_array_get(frames, 1), "func", json_string(EVIL));
    json_object_set_new(json_array_get(json_object_get(doc, "cases"), 0),
                        "title", json_string("a & \"b\" <i>" EVIL));
    json_object_set_new(cell, "note", json_string("note \x01 " EVIL));
    return doc;
}

static void test_junit_valid(void **state)
{
    json_t *doc = fixture_results();
    /* one cell not as expected, one tool missing */
    json_t *cells = json_object_get(doc, "cells");
    json_object_set_new(json_array_get(cells, 1), "as_expected", json_false());
    json_object_set_new(json_array_get(cells, 1), "verdict",
                        json_string("false-negative"));
    json_object_set_new(json_array_get(cells, 2), "tool_missing", json_true());
    json_object_set_new(json_array_get(cells, 2), "as_expected", json_false());
    char *dir = write_reports(doc, "junit");
    char *cmd =
        xasprintf("xmllint --noout --schema '%s/runner/tests/junit.xsd' "
                  "'%s/junit.xml' 2>&1",
                  test_root(), dir);
    char *out;
    int rc = run(cmd, &out);
    if (rc)
        fail_msg("xmllint: %s", out);
    free(out);
    free(cmd);
    char *path = path_join(dir, "junit.xml");
    char *x = read_file(path, 0, NULL);
    assert_non_null(x);
    assert_non_null(strstr(x, "tests=\"4\" failures=\"1\" errors=\"0\" "
                              "skipped=\"1\""));
    assert_non_null(strstr(x, "classname=\"map-concurrent-writes.racy\" "
                              "name=\"helgrind\""));
    assert_non_null(strstr(x, "<failure message=\"expected race"));
    assert_non_null(strstr(x, "<skipped"));
    /* the annotated report in system-out */
    assert_non_null(strstr(x, "runtime.mapassign"));
    assert_non_null(strstr(x, "RACE: write m[6]"));
    free(x);
    /* and the schema can fail: a testcase without its name */
    cmd = xasprintf("sed 's/ name=\"tsan\"//' '%s' > '%s.bad' && xmllint "
                    "--noout --schema '%s/runner/tests/junit.xsd' '%s.bad' "
                    "2>&1",
                    path, path, test_root(), path);
    assert_int_not_equal(run(cmd, NULL), 0);
    free(cmd);
    free(path);
    free(dir);
    json_decref(doc);
}

static void test_sarif_valid(void **state)
{
    json_t *doc = fixture_results();
    char *dir = write_reports(doc, "sarif");
    char *cmd = xasprintf("'%s/scripts/validate-sarif' "
                          "'%s/runner/tests/sarif-2.1.0.json' "
                          "'%s/results.sarif' 2>&1",
                          test_root(), test_root(), dir);
    char *out;
    int rc = run(cmd, &out);
    if (rc)
        fail_msg("validate-sarif: %s", out);
    assert_non_null(strstr(out, "valid SARIF 2.1.0"));
    free(out);
    free(cmd);
    char *path = path_join(dir, "results.sarif");
    json_error_t err;
    json_t *s = json_load_file(path, 0, &err);
    assert_non_null(s);
    assert_string_equal(json_string_value(json_object_get(s, "version")),
                        "2.1.0");
    json_t *r0 = json_object_get(json_array_get(json_object_get(s, "runs"), 0),
                                 "results");
    assert_int_equal(json_array_size(r0), 1); /* one race */
    json_t *res = json_array_get(r0, 0);
    assert_string_equal(json_string_value(json_object_get(res, "ruleId")),
                        "maprace/map");
    json_t *pl =
        json_object_get(json_array_get(json_object_get(res, "locations"), 0),
                        "physicalLocation");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(pl, "artifactLocation"), "uri")),
                        "cases/map-concurrent-writes/racy.c");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(pl, "region"), "startLine")),
                     57);
    assert_int_equal(json_array_size(json_object_get(res, "relatedLocations")),
                     1);
    /* one codeFlow per detector; TSan's has two threadFlows */
    json_t *flows = json_object_get(res, "codeFlows");
    assert_int_equal(json_array_size(flows), 4);
    assert_int_equal(json_array_size(json_object_get(json_array_get(flows, 0),
                                                     "threadFlows")),
                     2);
    json_decref(s);
    /* and the validator can fail */
    cmd = xasprintf("sed 's/\"version\": \"2.1.0\"/\"version\": \"2.0\"/' "
                    "'%s' > '%s.bad' && '%s/scripts/validate-sarif' "
                    "'%s/runner/tests/sarif-2.1.0.json' '%s.bad' 2>&1",
                    path, path, test_root(), test_root(), path);
    assert_int_equal(run(cmd, NULL), 1);
    free(cmd);
    free(path);
    free(dir);
    json_decref(doc);
}

static void test_escaping(void **state)
{
    json_t *doc = evil_results();
    char *html = report_html(doc);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<i>"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(html, "a &amp; &quot;b&quot; &lt;i&gt;"));
    free(html);
    char *md = report_markdown(doc);
    assert_null(strstr(md, "<script"));
    free(md);
    /* XML: well-formed, the control character replaced */
    char *dir = write_reports(doc, "evil");
    char *cmd =
        xasprintf("xmllint --noout --schema '%s/runner/tests/junit.xsd' "
                  "'%s/junit.xml' 2>&1",
                  test_root(), dir);
    char *out;
    int rc = run(cmd, &out);
    if (rc)
        fail_msg("xmllint: %s", out);
    free(out);
    free(cmd);
    cmd = xasprintf("xmllint --xpath 'string(//testcase[@name=\"tsan\"]/"
                    "system-out)' '%s/junit.xml'",
                    dir);
    assert_int_equal(run(cmd, &out), 0);
    assert_non_null(strstr(out, EVIL));
    free(out);
    free(cmd);
    /* JSON: SARIF parses back to the same name */
    char *path = path_join(dir, "results.sarif");
    char *sarif = read_file(path, 0, NULL);
    json_error_t err;
    json_t *s = json_loads(sarif, 0, &err);
    assert_non_null(s);
    json_t *res = json_array_get(
        json_object_get(json_array_get(json_object_get(s, "runs"), 0),
                        "results"),
        0);
    json_t *tfs = json_object_get(
        json_array_get(json_object_get(res, "codeFlows"), 0), "threadFlows");
    bool found = false;
    size_t i, k;
    json_t *tf, *l;
    json_array_foreach(tfs, i, tf)
    {
        json_array_foreach(json_object_get(tf, "locations"), k, l)
        {
            const char *t = json_string_value(json_object_get(
                json_object_get(json_object_get(l, "location"), "message"),
                "text"));
            found |= t && !strncmp(t, EVIL, strlen(EVIL));
        }
    }
    assert_true(found);
    json_decref(s);
    free(sarif);
    free(path);
    free(dir);
    json_decref(doc);
}

static void test_html_in_chromium(void **state)
{
    char *browser = find_in_path("chromium");
    if (!browser)
        fail_msg("chromium is not installed (scripts/install-deps installs "
                 "it)");
    json_t *doc = evil_results();
    char *dir = write_reports(doc, "html");
    char *cmd = xasprintf(
        "cd '%s' && timeout 120 '%s' --headless --no-sandbox --disable-gpu "
        "--user-data-dir='%s/profile' --dump-dom 'file://%s/index.html' "
        "2>/dev/null",
        dir, browser, dir, dir);
    char *dom;
    int rc = run(cmd, &dom);
    assert_int_equal(rc, 0);
    /* the matrix: a table with the case and a passing cell per detector */
    assert_non_null(strstr(dom, "<table class=\"matrix\" id=\"matrix\">"));
    assert_non_null(strstr(dom, "<th>helgrind</th>"));
    assert_non_null(strstr(dom, "<td class=\"ok\""));
    /* one race, rendered with both stacks and the annotations */
    assert_non_null(strstr(dom, "<div class=\"race\" data-race-id=\""
                                "map-concurrent-writes/racy:"));
    assert_non_null(strstr(dom, "runtime.mapassign"));
    assert_non_null(strstr(dom, "class=\"hot\""));
    assert_non_null(strstr(dom, "RACE: write m[6]"));
    assert_non_null(strstr(dom, "<svg"));
    /* the hostile name stayed text: no script element in the DOM */
    assert_null(strstr(dom, "<script"));
    assert_non_null(strstr(dom, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    free(dom);
    free(cmd);
    /* a screenshot for a human to look at */
    cmd =
        xasprintf("cd '%s' && timeout 120 '%s' --headless --no-sandbox "
                  "--disable-gpu --user-data-dir='%s/profile' "
                  "--window-size=1280,2400 --screenshot='%s/%s/screenshot.png' "
                  "'file://%s/index.html' >/dev/null 2>&1",
                  dir, browser, dir, test_build(), "host/runner/tests", dir);
    assert_int_equal(run(cmd, NULL), 0);
    free(cmd);
    free(dir);
    free(browser);
    json_decref(doc);
}

/* A race whose detector named one access (DRD): its SARIF result still
 * carries two locations, the other taken from the pair race of the same
 * variant whose location is nearest the one named. */
static void test_sarif_single_access_race(void **state)
{
    json_t *doc = json_pack(
        "{s:i, s:[], s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:i, s:s}, "
        "{s:s, s:i, "
        "s:s}], s:[{s:s}]}, {s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:i, s:s}], "
        "s:[{s:s}]}]}",
        /* a results.json as the writers read it: a schema, cells */
        "schema_version", 1, "cells", /* */
        "run_id", "t", "races",       /* the pair race, then the single */
        "id", "c/racy:f.c:10~f.c:20", "case", "c", "variant", "racy", "kind",
        "data-race", "family", "map", "locations", "path", "cases/c/racy.c",
        "line", 10, "func", "writer", "path", "cases/c/racy.c", "line", 20,
        "func", "reader", "detectors", "detector", "tsan", /* */
        "id", "c/racy:f.c:19", "case", "c", "variant", "racy", "kind",
        "data-race", "family", "map", "locations", "path", "cases/c/racy.c",
        "line", 19, "func", "reader", "detectors", "detector", "drd");
    assert_non_null(doc);
    char *text = report_sarif(doc);
    json_error_t err;
    json_t *s = json_loads(text, 0, &err);
    assert_non_null(s);
    json_t *results = json_object_get(
        json_array_get(json_object_get(s, "runs"), 0), "results");
    assert_int_equal(json_array_size(results), 2);
    json_t *single = json_array_get(results, 1);
    json_t *rel = json_object_get(single, "relatedLocations");
    assert_int_equal(json_array_size(rel), 1);
    json_t *pl = json_object_get(json_array_get(rel, 0), "physicalLocation");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(pl, "region"), "startLine")),
                     10);
    const char *msg = json_string_value(json_object_get(
        json_object_get(json_array_get(rel, 0), "message"), "text"));
    assert_non_null(strstr(msg, "c/racy:f.c:10~f.c:20"));
    json_decref(s);
    free(text);
    json_decref(doc);
}

static void test_markdown(void **state)
{
    json_t *doc = fixture_results();
    char *md = report_markdown(doc);
    assert_non_null(strstr(md, "| case | variant | native | tsan | helgrind "
                               "| drd |"));
    assert_non_null(strstr(md, "## Races (1)"));
    assert_non_null(strstr(md, "`cases/map-concurrent-writes/racy.c:57`"));
    assert_non_null(strstr(md, "runtime.mapassign"));
    /* code spans keep their text literally: no Markdown escapes inside */
    assert_non_null(strstr(md, " in `assign_five`"));
    assert_null(strstr(md, "`assign\\_five`"));
    free(md);
    json_decref(doc);
}

/* A code span: the text as is (Markdown keeps backslashes and entities
 * literally there), a longer fence around a backtick, pipes escaped for
 * GFM tables, line breaks as blanks. */
static void test_markdown_code_span(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    md_code(&sb, "cancelCtx_cancel <a>*b*");
    assert_string_equal(strbuf_str(&sb), "`cancelCtx_cancel <a>*b*`");
    strbuf_release(&sb);
    md_code(&sb, "a`b|c\nd");
    assert_string_equal(strbuf_str(&sb), "`` a`b\\|c d ``");
    strbuf_release(&sb);
}

static void test_show_and_explain(void **state)
{
    json_t *doc = fixture_results();
    char *path = xasprintf("%s/results.json", tmpdir);
    assert_int_equal(json_dump_file(doc, path, 0), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_int_equal(show_races(fp, tmpdir, path, "map-concurrent-writes/racy",
                                false, false),
                     0);
    fclose(fp);
    assert_non_null(strstr(buf, "A cases/map-concurrent-writes/racy.c:57 in "
                                "assign_five"));
    assert_non_null(strstr(buf, "B cases/map-concurrent-writes/racy.c:63"));
    assert_non_null(strstr(buf, "  >   57 |     mapstore(m, 5, 0);"));
    assert_non_null(strstr(buf, "= runtime.mapassign"));
    assert_non_null(strstr(buf, "folded"));
    assert_null(strstr(buf, "\033["));
    assert_null(strstr(buf, "start_thread")); /* folded */
    free(buf);
    /* --all-frames and colour */
    fp = open_memstream(&buf, &len);
    assert_int_equal(
        show_races(fp, tmpdir, path, "map-concurrent-writes", true, true), 0);
    fclose(fp);
    assert_non_null(strstr(buf, "start_thread"));
    assert_non_null(strstr(buf, "\033["));
    free(buf);
    /* a case not in the run */
    fp = open_memstream(&buf, &len);
    assert_int_equal(show_races(fp, tmpdir, path, "nope", false, false), 2);
    fclose(fp);
    free(buf);
    /* explain */
    fp = open_memstream(&buf, &len);
    explain_render(fp, "# Title\n\ntext `x`\n\n```c\nint x;\n```\n## Sub\n",
                   false);
    fclose(fp);
    assert_string_equal(buf, "Title\n=====\n\ntext `x`\n\n    int x;\nSub\n"
                             "---\n");
    free(buf);
    char *cases = xasprintf("%s/cases", test_root());
    fp = open_memstream(&buf, &len);
    assert_int_equal(explain_case(fp, cases, "map-concurrent-writes", false),
                     0);
    fclose(fp);
    assert_true(len > 200);
    free(buf);
    fp = open_memstream(&buf, &len);
    assert_int_equal(explain_case(fp, cases, "no-such-case", false), 2);
    fclose(fp);
    free(buf);
    free(cases);
    free(path);
    json_decref(doc);
}

static void test_formats(void **state)
{
    unsigned f;
    char *bad;
    assert_int_equal(report_formats_parse("html,sarif", &f, &bad), 0);
    assert_int_equal(f, FORMAT_HTML | FORMAT_SARIF);
    assert_int_equal(report_formats_parse("all", &f, &bad), 0);
    assert_int_equal(f, FORMAT_ALL);
    assert_int_equal(report_formats_parse("none", &f, &bad), 0);
    assert_int_equal(f, 0);
    assert_int_equal(report_formats_parse("md,pdf", &f, &bad), -1);
    assert_string_equal(bad, "pdf");
    free(bad);
    /* only the chosen files are written */
    json_t *doc = fixture_results();
    char *dir = xasprintf("%s/only-md", tmpdir);
    assert_int_equal(mkdir_p(dir), 0);
    char *why;
    assert_int_equal(reports_write(doc, dir, FORMAT_MD, &why), 0);
    char *p = path_join(dir, "summary.md");
    assert_int_equal(access(p, F_OK), 0);
    free(p);
    p = path_join(dir, "index.html");
    assert_int_not_equal(access(p, F_OK), 0);
    free(p);
    free(dir);
    json_decref(doc);
}

/* A case's pictures: each one an inline SVG under the case's heading,
 * its text escaped, sized by its longest line in code points, with no
 * reference to anything outside the page; none without pictures. */
static void test_html_pictures(void **state)
{
    json_t *doc = fixture_results();
    json_t *c = json_array_get(json_object_get(doc, "cases"), 0);
    assert_non_null(c);
    char *html = report_html(doc);
    assert_null(strstr(html, "<svg class=\"picture\""));
    free(html);
    json_t *pics = json_array();
    json_array_append_new(pics,
                          json_string("a <b> & c\n\xe2\x86\x92 1234567\n"));
    json_object_set_new(c, "pictures", pics);
    html = report_html(doc);
    const char *fig =
        strstr(html, "<figure class=\"picture\"><svg class=\"picture\"");
    assert_non_null(fig);
    /* after the case's heading */
    char *head = xasprintf("id=\"case-%s\"",
                           json_string_value(json_object_get(c, "name")));
    const char *h = strstr(html, head);
    assert_non_null(h);
    assert_true(h < fig);
    free(head);
    char *svg = xstrndup(fig, (size_t)(strstr(fig, "</figure>") - fig));
    /* 9 columns ("a <b> & c" and "→ 1234567"), 2 lines */
    assert_non_null(strstr(svg, "width=\"88\" height=\"44\""));
    assert_non_null(
        strstr(svg, "<text x=\"8\" y=\"18\">a &lt;b&gt; &amp; c</text>"));
    assert_non_null(
        strstr(svg, "<text x=\"8\" y=\"34\">\xe2\x86\x92 1234567</text>"));
    assert_null(strstr(svg, "http"));
    assert_null(strstr(svg, "href"));
    free(svg);
    free(html);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_junit_valid),
        cmocka_unit_test(test_sarif_valid),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_html_in_chromium),
        cmocka_unit_test(test_sarif_single_access_race),
        cmocka_unit_test(test_markdown),
        cmocka_unit_test(test_markdown_code_span),
        cmocka_unit_test(test_show_and_explain),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_html_pictures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
