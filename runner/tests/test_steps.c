/*
 * test_steps.c - the step-through of index.html (report/steps.h), driven
 * in headless Chromium: the page of map-concurrent-writes/racy with the
 * interleaving its forced native run really recorded
 * (logs/case-mcw-native.windows, read by engine/trace.c), clicked through
 * with its buttons and keys by a small driver script appended to a copy of
 * the page; each state is read back from the DOM Chromium dumps, and
 * screenshots are taken (build/host/runner/tests/steps-*.png).
 * Chromium is installed by scripts/install-deps; without it the test
 * fails, it does not skip.
 */
#include "reports-test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
/* cmocka after the headers it needs */
#include <cmocka.h>

#include "engine/trace.h"
#include "report/common.h"
#include "lib/util.h"

static char tmpdir[64];

static const char *js(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_int_t jn(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static int setup(void **state)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/maprace-test-steps.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

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

static json_t *recorded_trace(void)
{
    char *path =
        xasprintf("%s/runner/tests/logs/case-mcw-native.windows", test_root());
    json_t *t = window_trace_read(path);
    free(path);
    return t;
}

/* The record as read: the events of the two threads in the order they
 * happened, each "at" with the case's line and the model's function. */
static void test_trace_read(void **state)
{
    json_t *t = recorded_trace();
    assert_non_null(t);
    assert_true(json_array_size(t) >= 4);
    json_t *first = json_array_get(t, 0);
    assert_string_equal(js(first, "event"), "at");
    assert_string_equal(js(first, "window"), "W_MAPASSIGN_ENTRY");
    json_t *c = json_object_get(first, "case");
    assert_non_null(c);
    assert_string_equal(js(c, "func"), "assign_five");
    assert_string_equal(js(c, "path"), "cases/map-concurrent-writes/racy.c");
    assert_string_equal(js(json_object_get(first, "model"), "func"),
                        "mapassign");
    /* a wait names the thread and the window it waits for */
    size_t i;
    json_t *e;
    bool wait = false;
    json_array_foreach(t, i, e) if (!strcmp(js(e, "event"), "wait"))
    {
        wait = true;
        assert_true(jn(e, "wait_role") > 0);
        assert_non_null(js(e, "wait_for"));
    }
    assert_true(wait);
    json_decref(t);
    /* a missing or empty file is no record */
    assert_null(window_trace_read("/nonexistent/x.windows"));
    char *empty = xasprintf("%s/empty.windows", tmpdir);
    assert_int_equal(write_file_atomic(empty, "", 0), 0);
    assert_null(window_trace_read(empty));
    free(empty);
}

/* Appended to a copy of the page: performs the actions of the URL's
 * fragment, one character each (n next, p back, A/B a thread's button,
 * r reset, k the right-arrow key, a/b a thread's key). */
static const char driver[] =
    "<script>(function(){var s=document.querySelector('.steps');"
    "if(!s)return;var m={n:'button[data-act=\"next\"]',p:'button[data-act="
    "\"back\"]',A:'button[data-lane=\"0\"]',B:'button[data-lane=\"1\"]',r:"
    "'button[data-act=\"reset\"]'};location.hash.slice(1).split('')."
    "forEach(function(c){if(m[c])s.querySelector(m[c]).click();else "
    "s.dispatchEvent(new KeyboardEvent('keydown',{key:c=='k'?'ArrowRight':c,"
    "bubbles:true}))});var r=document.querySelector('.race');"
    "document.body.setAttribute('data-race-top',r?Math.round(r."
    "getBoundingClientRect().top):-1)})()</script></body>";

static char *page_dir;
static char *browser;

static char *dom_after(const char *actions)
{
    char *cmd = xasprintf(
        "cd '%s' && timeout 120 '%s' --headless --no-sandbox --disable-gpu "
        "--user-data-dir='%s/profile' --dump-dom 'file://%s/drive.html#%s' "
        "2>/dev/null",
        page_dir, browser, page_dir, page_dir, actions);
    char *dom;
    assert_int_equal(run(cmd, &dom), 0);
    free(cmd);
    return dom;
}

static void screenshot(const char *actions, const char *name)
{
    char *png = xasprintf("%s/host/runner/tests/%s", test_build(), name);
    unlink(png);
    char *cmd = xasprintf(
        "cd '%s' && timeout 120 '%s' --headless --no-sandbox --disable-gpu "
        "--user-data-dir='%s/profile' --window-size=1280,1700 "
        "--screenshot='%s' 'file://%s/drive.html#%s' >/dev/null 2>&1",
        page_dir, browser, page_dir, png, page_dir, actions);
    assert_int_equal(run(cmd, NULL), 0);
    struct stat st;
    assert_int_equal(stat(png, &st), 0);
    assert_true(st.st_size > 1000);
    free(cmd);
    free(png);
}

/* The text of the step-through's sentence in a dumped DOM. */
static char *say_of(const char *dom)
{
    const char *p = strstr(dom, "class=\"steps-say\"");
    assert_non_null(p);
    p = strchr(p, '>');
    assert_non_null(p);
    return xstrndup(p + 1, strcspn(p + 1, "<"));
}

/* Whether the pane of lane k highlights line (as the current line). */
static bool highlights(const char *dom, int k, int line)
{
    char pane[64], want[64];
    snprintf(pane, sizeof(pane), "class=\"steps-pane\" data-lane=\"%d\"", k);
    snprintf(want, sizeof(want), "data-line=\"%d\"", line);
    const char *p = strstr(dom, pane);
    if (!p)
        return false;
    const char *end = strstr(p, "</pre>");
    for (const char *q = p; (q = strstr(q, "class=\"l cur")) && q < end; q++)
        if (!strncmp(strstr(q, "data-line="), want, strlen(want)))
            return true;
    return false;
}

static void test_steps_in_chromium(void **state)
{
    browser = find_in_path("chromium");
    if (!browser)
        fail_msg("chromium is not installed (scripts/install-deps installs "
                 "it)");
    json_t *doc = fixture_results();
    json_t *cell;
    size_t i;
    json_array_foreach(json_object_get(doc, "cells"), i, cell)
    {
        if (!strcmp(js(cell, "detector"), "native"))
            json_object_set_new(cell, "window_trace", recorded_trace());
    }
    page_dir = xasprintf("%s/page", tmpdir);
    assert_int_equal(mkdir_p(page_dir), 0);
    char *why = NULL;
    if (reports_write(doc, page_dir, FORMAT_ALL, &why))
        fail_msg("reports_write: %s", why);
    char *index = path_join(page_dir, "index.html");
    char *html = read_file(index, 0, NULL);
    assert_non_null(html);
    /* the page has the step-through, no window's enum name in its text */
    assert_non_null(strstr(html, "<section class=\"steps\""));
    assert_null(strstr(html, ">W_"));
    assert_null(strstr(html, " W_MAP"));
    char *end = strstr(html, "</body>");
    assert_non_null(end);
    *end = '\0';
    char *drive = xasprintf("%s%s</html>\n", html, driver);
    char *drive_path = path_join(page_dir, "drive.html");
    assert_int_equal(write_file_atomic(drive_path, drive, strlen(drive)), 0);

    /* before any step: nothing highlighted; the first race starts in the
     * first screen (Chromium's default window is 800 px high) */
    char *dom = dom_after("");
    const char *top = strstr(dom, "data-race-top=\"");
    assert_non_null(top);
    int y = atoi(top + strlen("data-race-top=\""));
    if (y <= 0 || y > 600)
        fail_msg("the first race starts %d px down", y);
    char *say = say_of(dom);
    assert_non_null(strstr(say, "Press Next"));
    assert_null(strstr(dom, "class=\"l cur"));
    free(say);
    free(dom);

    /* Next: A enters mapassign on racy.c:57 */
    dom = dom_after("n");
    say = say_of(dom);
    assert_non_null(strstr(say, "Step 1 of"));
    assert_non_null(strstr(say, "A has entered mapassign"));
    assert_true(highlights(dom, 0, 57));
    assert_false(highlights(dom, 1, 63));
    free(say);
    free(dom);

    /* Next, next, next, back: the replay goes both ways */
    dom = dom_after("nnnnp");
    say = say_of(dom);
    assert_non_null(strstr(say, "Step 3 of"));
    assert_non_null(strstr(say, "held here by the forcing"));
    free(say);
    free(dom);

    /* the right-arrow key steps as Next does */
    dom = dom_after("kk");
    say = say_of(dom);
    assert_non_null(strstr(say, "Step 2 of"));
    assert_non_null(strstr(say, "hashWriting"));
    free(say);
    free(dom);

    /* A, B, A, B: A passes the check and sets hashWriting, then B's check
     * sees it: Go's check fires */
    dom = dom_after("ABAB");
    say = say_of(dom);
    assert_non_null(strstr(dom, "<section class=\"steps fired\""));
    assert_non_null(strstr(say, "fatal error: concurrent map writes"));
    assert_true(highlights(dom, 0, 57));
    assert_true(highlights(dom, 1, 63));
    free(say);
    free(dom);

    /* the same with the keys a and b */
    dom = dom_after("abab");
    assert_non_null(strstr(dom, "<section class=\"steps fired\""));
    free(dom);

    /* A, B, B, A: B makes its check before A writes: it passes, and so
     * does A's: this order does not fire */
    dom = dom_after("ABBA");
    say = say_of(dom);
    assert_null(strstr(dom, "<section class=\"steps fired\""));
    assert_non_null(strstr(say, "it passes"));
    free(say);
    free(dom);

    /* screenshots for a human, and they differ from step to step */
    screenshot("", "steps-0.png");
    screenshot("ABAB", "steps-fired.png");
    char *a = xasprintf("%s/host/runner/tests/steps-0.png", test_build());
    char *b = xasprintf("%s/host/runner/tests/steps-fired.png", test_build());
    size_t la, lb;
    char *pa = read_file(a, 0, &la), *pb = read_file(b, 0, &lb);
    assert_non_null(pa);
    assert_non_null(pb);
    assert_true(la != lb || memcmp(pa, pb, la));
    free(pa);
    free(pb);
    free(a);
    free(b);
    free(drive);
    free(drive_path);
    free(html);
    free(index);
    free(page_dir);
    free(browser);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trace_read),
        cmocka_unit_test(test_steps_in_chromium),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
