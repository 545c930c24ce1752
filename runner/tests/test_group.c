/*
 * test_group.c - findings grouped into races: the same race from TSan,
 * Helgrind, DRD and the native check is one race; two different pairs of
 * lines are two; the pair is unordered; each detector counts the pairs
 * of model functions that raced.
 */
#include "reports-test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
/* cmocka after the headers it needs */
#include <cmocka.h>

#include "engine/group.h"
#include "report/common.h"

/* group.c makes the races as JSON: read them by key here. */
static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_int_t jint(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* race_text() of race r of `races`, made the document's races, read
 * through the typed model as the report writers read it. */
static void race_text_of(struct strbuf *sb, json_t *doc, json_t *races,
                         json_t *r, const struct race_text_opts *o)
{
    json_object_set(doc, "races", races);
    struct results res;
    char *why = NULL;
    if (results_from_json(doc, &res, &why) < 0)
        fail_msg("%s", why);
    size_t i = 0;
    while (i < json_array_size(races) && json_array_get(races, i) != r)
        i++;
    assert_true(i < res.nr_races);
    race_text(sb, &res, &res.races[i], o);
    results_release(&res);
}

static json_t *evidence(json_t *race, const char *det)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(race, "detectors"), i, e)
    {
        if (!strcmp(jstr(e, "detector"), det))
            return e;
    }
    return NULL;
}

static void test_same_race_three_detectors(void **state)
{
    json_t *doc = fixture_results();
    json_t *races = group_races(doc);
    assert_int_equal(json_array_size(races), 1);
    json_t *r = json_array_get(races, 0);
    assert_string_equal(jstr(r, "kind"), "data-race");
    assert_string_equal(jstr(r, "case"), "map-concurrent-writes");
    assert_string_equal(jstr(r, "variant"), "racy");
    assert_non_null(strstr(jstr(r, "why"), "mapassign"));
    json_t *locs = json_object_get(r, "locations");
    assert_int_equal(json_array_size(locs), 2);
    json_t *a = json_array_get(locs, 0), *b = json_array_get(locs, 1);
    assert_string_equal(jstr(a, "path"), "cases/map-concurrent-writes/racy.c");
    assert_string_equal(jstr(b, "path"), "cases/map-concurrent-writes/racy.c");
    assert_int_equal(json_integer_value(json_object_get(a, "line")), 57);
    assert_int_equal(json_integer_value(json_object_get(b, "line")), 63);
    assert_string_equal(jstr(a, "how"), "marked");
    assert_string_equal(jstr(a, "func"), "assign_five");
    assert_non_null(strstr(jstr(b, "marker"), "write m[6]"));
    /* every detector's own evidence */
    assert_int_equal(json_array_size(json_object_get(r, "detectors")), 4);
    json_t *t = evidence(r, "tsan");
    assert_non_null(t);
    json_t *acc = json_object_get(t, "accesses");
    assert_int_equal(json_array_size(acc), 2);
    /* ordered as the locations: A (line 57, T1's write) first */
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(acc, 0), "at")), 0);
    assert_string_equal(jstr(json_array_get(acc, 0), "kind"), "write");
    assert_string_equal(jstr(json_array_get(acc, 0), "thread"), "T1");
    assert_string_equal(jstr(json_array_get(acc, 1), "kind"), "read");
    assert_int_equal(json_integer_value(json_object_get(t, "seen_runs")), 1);
    json_t *h = evidence(r, "helgrind");
    assert_non_null(h);
    assert_int_equal(json_array_size(json_object_get(h, "accesses")), 2);
    json_t *d = evidence(r, "drd");
    assert_non_null(d);
    /* DRD names one access: it is at line 63 (B) */
    acc = json_object_get(d, "accesses");
    assert_int_equal(json_array_size(acc), 1);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(acc, 0), "at")), 1);
    json_t *n = evidence(r, "native");
    assert_non_null(n);
    assert_string_equal(jstr(n, "kind"), "fatal");
    /* frames are annotated */
    json_t *f0 = json_array_get(
        json_object_get(json_array_get(json_object_get(t, "accesses"), 0),
                        "frames"),
        0);
    assert_string_equal(jstr(f0, "func"), "mapassign");
    assert_non_null(strstr(jstr(f0, "go"), "runtime.mapassign"));
    json_decref(races);
    json_decref(doc);
}

/* A data race of two hand-made accesses at marked lines la and lb. */
static json_t *hand_finding(int la, int lb, const char *ka, const char *kb)
{
    json_t *acc = json_array();
    int lines[2] = {la, lb};
    const char *kinds[2] = {ka, kb};
    for (int i = 0; i < 2; i++) {
        char marker[32];
        snprintf(marker, sizeof(marker), "line %d", lines[i]);
        json_array_append_new(
            acc,
            json_pack("{s:s, s:i, s:s, s:[], s:[{s:s, s:s, s:i}, "
                      "{s:s, s:s, s:i, s:s}]}",
                      "kind", kinds[i], "size", 8, "thread", i ? "T2" : "T1",
                      "locks", "frames", "func", "mapaccess1", "file",
                      "/r/model/map.c", "line", 500, "func", "reader", "file",
                      "/r/cases/map-concurrent-writes/racy.c", "line", lines[i],
                      "marker", marker));
    }
    return json_pack("{s:s, s:s, s:s, s:o}", "kind", "data-race", "detector",
                     "tsan", "type", "data race", "accesses", acc);
}

static void test_two_races_kept_apart_pair_unordered(void **state)
{
    json_t *doc = fixture_results();
    json_t *cells = json_object_get(doc, "cells");
    /* tsan run 2 sees another race (lines 70/80), twice, the second time
     * with the accesses the other way round */
    json_t *f = json_array();
    json_array_append_new(f, hand_finding(70, 80, "read", "write"));
    json_array_append_new(f, hand_finding(80, 70, "write", "read"));
    json_t *tsan = json_array_get(cells, 0);
    json_array_append_new(
        json_object_get(tsan, "run_details"),
        json_pack("{s:i, s:{}, s:o}", "run", 2, "logs", "findings", f));
    /* and helgrind sees it in its run */
    json_t *hg = json_array_get(cells, 1);
    json_array_append_new(
        json_object_get(json_array_get(json_object_get(hg, "run_details"), 0),
                        "findings"),
        hand_finding(80, 70, "read", "write"));
    json_t *races = group_races(doc);
    assert_int_equal(json_array_size(races), 2);
    json_t *r1 = json_array_get(races, 0), *r2 = json_array_get(races, 1);
    assert_string_not_equal(jstr(r1, "id"), jstr(r2, "id"));
    json_t *other =
        json_integer_value(json_object_get(
            json_array_get(json_object_get(r1, "locations"), 0), "line")) == 70
            ? r1
            : r2;
    json_t *locs = json_object_get(other, "locations");
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(locs, 0), "line")),
        70);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(locs, 1), "line")),
        80);
    assert_int_equal(json_array_size(json_object_get(other, "detectors")), 2);
    json_t *t = evidence(other, "tsan");
    assert_int_equal(json_integer_value(json_object_get(t, "findings")), 2);
    assert_int_equal(json_integer_value(json_object_get(t, "seen_runs")), 1);
    /* the access at line 70 is listed first, whatever the report order */
    json_t *h = evidence(other, "helgrind");
    json_t *a0 = json_array_get(json_object_get(h, "accesses"), 0);
    assert_int_equal(json_integer_value(json_object_get(a0, "at")), 0);
    assert_string_equal(jstr(a0, "kind"), "write");
    /* the first race is untouched: still four detectors */
    json_t *first = other == r1 ? r2 : r1;
    assert_int_equal(json_array_size(json_object_get(first, "detectors")), 4);
    json_decref(races);

    /* group_results_ensure computes the races once */
    struct results res;
    char *why = NULL;
    if (results_from_json(doc, &res, &why) < 0)
        fail_msg("%s", why);
    assert_null(res.races);
    group_results_ensure(&res);
    struct res_race *stored = res.races;
    assert_non_null(stored);
    assert_int_equal(res.nr_races, 2);
    group_results_ensure(&res);
    assert_ptr_equal(res.races, stored);
    results_release(&res);
    json_decref(doc);
}

/* A report with no access of its own on a located line (a mutex misuse
 * whose one stack is in libc, then a user function of another file at
 * `line`), as in a program that is not a case. */
/* (libc's frames come with their object, as TSan prints them: a frame is
 * libc's by its object, not by a folder name in its path) */
static json_t *unlocated_finding(int line)
{
    json_t *more = json_pack(
        "[{s:s, s:i, s:[{s:s, s:s, s:i, s:s}, {s:s, s:s, s:i}]}]", "label",
        "Mutex M0 created at", "seq", 1, "frames", "func",
        "pthread_mutex_unlock", "file", "./nptl/pthread_mutex_unlock.c", "line",
        60, "module", "libc.so.6", "func", "release", "file",
        "/home/u/lib/release.c", "line", line);
    return json_pack(
        "{s:s, s:s, s:s, s:[{s:s, s:i, s:[{s:s, s:s, s:i, s:s}]}], s:o}",
        "kind", "mutex-misuse", "detector", "tsan", "type",
        "unlock of an unlocked mutex", "accesses", "label",
        "unlock of an unlocked mutex", "seq", 0, "frames", "func",
        "pthread_mutex_unlock", "file", "./nptl/pthread_mutex_unlock.c", "line",
        60, "module", "libc.so.6", "more", more);
}

/* Reports with no located access are grouped by type and line: three
 * bad unlocks on three lines stay three, the same line twice is one. */
static void test_unlocated_grouped_by_line(void **state)
{
    json_t *doc = fixture_results();
    json_t *tsan = json_array_get(json_object_get(doc, "cells"), 0);
    json_t *f = json_array();
    json_array_append_new(f, unlocated_finding(10));
    json_array_append_new(f, unlocated_finding(15));
    json_array_append_new(f, unlocated_finding(24));
    json_array_append_new(f, unlocated_finding(15));
    json_array_append_new(
        json_object_get(tsan, "run_details"),
        json_pack("{s:i, s:{}, s:o}", "run", 2, "logs", "findings", f));
    json_t *races = group_races(doc);
    size_t i, misuse = 0;
    json_t *r;
    json_array_foreach(races, i, r)
    {
        if (strcmp(jstr(r, "kind"), "mutex-misuse"))
            continue;
        misuse++;
        json_t *t = evidence(r, "tsan");
        assert_non_null(strstr(jstr(r, "id"), "@"));
        /* the other stack, with its label, kept with the evidence */
        json_t *more = json_object_get(t, "more");
        assert_int_equal(json_array_size(more), 1);
        assert_string_equal(jstr(json_array_get(more, 0), "label"),
                            "Mutex M0 created at");
        if (strstr(jstr(r, "id"), "release.c:15"))
            assert_int_equal(json_integer_value(json_object_get(t, "findings")),
                             2);
    }
    assert_int_equal(misuse, 3);
    json_decref(races);
    json_decref(doc);
}

/* A data race between a writer at marked line 70 and a reader at marked
 * line 80 of map-concurrent-writes/racy, whose top model frames are
 * wfunc:wline and rfunc:rline; a folded TSan interceptor frame on top of
 * the reader's. `swap` lists the reader first. */
static json_t *model_finding(const char *wfunc, int wline, const char *rfunc,
                             int rline, bool swap)
{
    json_t *w = json_pack(
        "{s:s, s:i, s:s, s:[], s:[{s:s, s:s, s:i}, {s:s, s:s, s:i, s:s}]}",
        "kind", "write", "size", 8, "thread", "T1", "locks", "frames", "func",
        wfunc, "file", "/r/model/map.c", "line", wline, "func", "writer",
        "file", "/r/cases/map-concurrent-writes/racy.c", "line", 70, "marker",
        "write m[k]");
    json_t *r = json_pack(
        "{s:s, s:i, s:s, s:[], s:[{s:s, s:n, s:i, s:s}, {s:s, s:s, s:i}, "
        "{s:s, s:s, s:i, s:s}]}",
        "kind", "read", "size", 8, "thread", "T2", "locks", "frames", "func",
        "__tsan_memcpy", "file", "line", 0, "module", "libtsan.so.0", "func",
        rfunc, "file", "/r/model/map.c", "line", rline, "func", "reader",
        "file", "/r/cases/map-concurrent-writes/racy.c", "line", 80, "marker",
        "read m[k]");
    json_t *acc = swap ? json_pack("[o, o]", r, w) : json_pack("[o, o]", w, r);
    return json_pack("{s:s, s:s, s:s, s:o}", "kind", "data-race", "detector",
                     "tsan", "type", "data race", "accesses", acc);
}

/* The race of `races` with a location at `line`. */
static json_t *race_at(json_t *races, int line)
{
    size_t i, k;
    json_t *r, *loc;
    json_array_foreach(races, i, r)
    {
        json_array_foreach(json_object_get(r, "locations"), k, loc)
        {
            if (json_integer_value(json_object_get(loc, "line")) == line)
                return r;
        }
    }
    return NULL;
}

/* Access i of pair p of an access_pairs array. */
static json_t *pair_access(json_t *pairs, size_t p, size_t i)
{
    return json_array_get(json_object_get(json_array_get(pairs, p), "accesses"),
                          i);
}

static void test_access_pairs_counted(void **state)
{
    json_t *doc = fixture_results();
    json_t *f = json_array();
    /* one race (lines 70/80), three pairs of model functions: the first
     * three times (once reported the other way round), the second twice,
     * the third once, interleaved */
    json_array_append_new(
        f, model_finding("hashGrow", 775, "mapaccess2", 550, false));
    json_array_append_new(
        f, model_finding("mapassign", 802, "mapaccess2", 540, false));
    json_array_append_new(
        f, model_finding("mapassign", 802, "mapaccess2", 540, true));
    json_array_append_new(
        f, model_finding("evacuate", 691, "evacuated", 188, false));
    json_array_append_new(
        f, model_finding("hashGrow", 775, "mapaccess2", 550, true));
    json_array_append_new(
        f, model_finding("mapassign", 802, "mapaccess2", 540, false));
    json_t *tsan = json_array_get(json_object_get(doc, "cells"), 0);
    json_array_append_new(
        json_object_get(tsan, "run_details"),
        json_pack("{s:i, s:{}, s:o}", "run", 2, "logs", "findings", f));
    json_t *races = group_races(doc);
    json_t *r = race_at(races, 70);
    assert_non_null(r);
    json_t *t = evidence(r, "tsan");
    assert_int_equal(jint(t, "findings"), 6);
    json_t *pairs = json_object_get(t, "access_pairs");
    assert_int_equal(json_array_size(pairs), 3);
    assert_int_equal(jint(t, "access_pairs_more"), 0);
    /* most frequent first */
    assert_int_equal(jint(json_array_get(pairs, 0), "count"), 3);
    assert_int_equal(jint(json_array_get(pairs, 1), "count"), 2);
    assert_int_equal(jint(json_array_get(pairs, 2), "count"), 1);
    /* ordered as the locations (A: the writer's line 70), the folded
     * interceptor skipped, with the Go counterpart */
    json_t *a = pair_access(pairs, 0, 0), *b = pair_access(pairs, 0, 1);
    assert_string_equal(jstr(a, "func"), "mapassign");
    assert_string_equal(jstr(a, "path"), "model/map.c");
    assert_int_equal(jint(a, "line"), 802);
    assert_string_equal(jstr(a, "kind"), "write");
    assert_int_equal(jint(a, "at"), 0);
    assert_non_null(strstr(jstr(a, "go"), "runtime.mapassign"));
    assert_string_equal(jstr(b, "func"), "mapaccess2");
    assert_int_equal(jint(b, "line"), 540);
    assert_string_equal(jstr(b, "kind"), "read");
    assert_int_equal(jint(b, "at"), 1);
    assert_non_null(strstr(jstr(b, "go"), "runtime.mapaccess2"));
    assert_string_equal(jstr(pair_access(pairs, 1, 0), "func"), "hashGrow");
    assert_int_equal(jint(pair_access(pairs, 1, 1), "line"), 550);
    assert_string_equal(jstr(pair_access(pairs, 2, 0), "func"), "evacuate");
    assert_string_equal(jstr(pair_access(pairs, 2, 1), "func"), "evacuated");

    /* the real logs of map-concurrent-writes: both TSan accesses in
     * mapassign; DRD and the native check name one access */
    json_t *mcw = race_at(races, 57);
    assert_non_null(mcw);
    json_t *tp = json_object_get(evidence(mcw, "tsan"), "access_pairs");
    assert_int_equal(json_array_size(tp), 1);
    assert_int_equal(jint(json_array_get(tp, 0), "count"), 1);
    assert_string_equal(jstr(pair_access(tp, 0, 0), "func"), "mapassign");
    assert_string_equal(jstr(pair_access(tp, 0, 0), "kind"), "write");
    assert_string_equal(jstr(pair_access(tp, 0, 1), "func"), "mapassign");
    assert_string_equal(jstr(pair_access(tp, 0, 1), "kind"), "read");
    json_t *dp = json_object_get(evidence(mcw, "drd"), "access_pairs");
    assert_int_equal(json_array_size(dp), 1);
    assert_int_equal(
        json_array_size(json_object_get(json_array_get(dp, 0), "accesses")), 1);
    assert_string_equal(jstr(pair_access(dp, 0, 0), "func"), "mapassign");
    assert_int_equal(jint(pair_access(dp, 0, 0), "at"), 1);
    json_t *np = json_object_get(evidence(mcw, "native"), "access_pairs");
    assert_int_equal(json_array_size(np), 1);
    assert_string_equal(jstr(pair_access(np, 0, 0), "func"), "mapassign");
    json_decref(races);

    /* the reports show them */
    json_object_set_new(doc, "races", group_races(doc));
    struct strbuf sb = {0};
    struct race_text_opts o = {.context = 1};
    race_text_of(&sb, doc, json_object_get(doc, "races"),
                 race_at(json_object_get(doc, "races"), 70), &o);
    const char *text = strbuf_str(&sb);
    const char *list = strstr(text, "accesses that raced");
    assert_non_null(list);
    const char *p3 = strstr(list, "3x A: write mapassign");
    const char *p2 = strstr(list, "2x A: write hashGrow");
    assert_non_null(p3);
    assert_non_null(p2);
    assert_true(p3 < p2);
    assert_non_null(strstr(p3, "B: read  mapaccess2"));
    assert_non_null(strstr(p3, "runtime.mapaccess2"));
    strbuf_release(&sb);
    char *md = report_markdown(doc);
    assert_non_null(strstr(md, "| tsan | 3 | A: write **mapassign** "
                               "model/map.c:802 = runtime.mapassign"));
    free(md);
    char *html = report_html(doc);
    assert_non_null(strstr(html, "<table class=\"pairs\">"));
    assert_non_null(strstr(html, "<tr><td class=\"n\">3</td><td>A: write "
                                 "<code class=\"fn\">mapassign</code>"));
    free(html);
    json_decref(doc);
}

static void test_access_pairs_capped(void **state)
{
    json_t *doc = fixture_results();
    json_t *f = json_array();
    /* eleven pairs: line 600 three times, then 601..610 once each */
    for (int i = 0; i < 3; i++)
        json_array_append_new(
            f, model_finding("mapassign", 802, "mapaccess2", 600, false));
    for (int l = 601; l <= 610; l++)
        json_array_append_new(
            f, model_finding("mapassign", 802, "mapaccess2", l, false));
    json_t *tsan = json_array_get(json_object_get(doc, "cells"), 0);
    json_array_append_new(
        json_object_get(tsan, "run_details"),
        json_pack("{s:i, s:{}, s:o}", "run", 2, "logs", "findings", f));
    json_t *races = group_races(doc);
    json_t *t = evidence(race_at(races, 70), "tsan");
    json_t *pairs = json_object_get(t, "access_pairs");
    assert_int_equal(json_array_size(pairs), GROUP_MAX_PAIRS);
    assert_int_equal(jint(t, "access_pairs_more"), 11 - GROUP_MAX_PAIRS);
    assert_int_equal(jint(json_array_get(pairs, 0), "count"), 3);
    assert_int_equal(jint(pair_access(pairs, 0, 1), "line"), 600);
    /* ties: first seen first */
    for (size_t i = 1; i < GROUP_MAX_PAIRS; i++) {
        assert_int_equal(jint(json_array_get(pairs, i), "count"), 1);
        assert_int_equal(jint(pair_access(pairs, i, 1), "line"),
                         600 + (json_int_t)i);
    }
    json_object_set_new(doc, "races", races);
    struct strbuf sb = {0};
    struct race_text_opts o = {.context = 1};
    race_text_of(&sb, doc, races, race_at(races, 70), &o);
    /* 13 findings, 3 + 7 listed */
    assert_non_null(strstr(strbuf_str(&sb), "+3 more (3 findings)"));
    strbuf_release(&sb);
    json_decref(doc);
}

/* A go-race cell whose one finding names `m0` and `m1` on lines 23 and
 * 30 of the Go twin racy.go (the model's racy.c has them on 57 and 63). */
static json_t *go_race_cell(const char *m0, const char *m1)
{
    const char *go = "/r/cases/map-concurrent-writes/racy.go";
    json_t *acc = json_pack(
        "[{s:s, s:s, s:[{s:s, s:s, s:i}, {s:s, s:s, s:i, s:s}]},"
        " {s:s, s:s, s:[{s:s, s:s, s:i}, {s:s, s:s, s:i, s:s}]}]",
        "kind", "write", "thread", "goroutine 8", "frames", "func",
        "runtime.mapassign_fast64", "file",
        "/usr/lib/go-1.19/src/runtime/map_fast64.go", "line", 93, "func",
        "main.main.func2", "file", go, "line", 30, "marker", m1, "kind",
        "write", "thread", "goroutine 7", "frames", "func",
        "runtime.mapassign_fast64", "file",
        "/usr/lib/go-1.19/src/runtime/map_fast64.go", "line", 93, "func",
        "main.main.func1", "file", go, "line", 23, "marker", m0);
    json_t *f =
        json_pack("{s:s, s:s, s:s, s:o}", "kind", "data-race", "detector",
                  "go-race", "type", "data race", "accesses", acc);
    return json_pack("{s:s, s:s, s:s, s:s, s:i, s:[{s:i, s:{}, s:[o]}]}",
                     "case", "map-concurrent-writes", "variant", "racy",
                     "detector", "go-race", "verdict", "pass", "runs_done", 1,
                     "run_details", "run", 1, "logs", "findings", f);
}

/* The Go twin's race joins the model's race that names the same markers
 * (on other lines of another file), and comes first; a Go race naming
 * other markers is a race of its own. */
static void test_go_race_joins_by_marker(void **state)
{
    json_t *doc = fixture_results();
    json_t *cells = json_object_get(doc, "cells");
    json_array_append_new(
        cells, go_race_cell("write m[5] (mapassign flips h->flags)",
                            "write m[6] (mapassign flips h->flags)"));
    json_t *races = group_races(doc);
    assert_int_equal(json_array_size(races), 1);
    json_t *r = json_array_get(races, 0);
    json_t *dets = json_object_get(r, "detectors");
    assert_int_equal(json_array_size(dets), 5);
    assert_string_equal(jstr(json_array_get(dets, 0), "detector"), "go-race");
    assert_null(json_object_get(r, "join"));
    /* the model's locations; Go's accesses at the right ones: the write
     * of m[5] (goroutine 7, line 23) at A, the model's line 57 */
    json_t *acc = json_object_get(json_array_get(dets, 0), "accesses");
    json_t *a = json_array_get(acc, 0);
    assert_int_equal(json_integer_value(json_object_get(a, "at")), 0);
    assert_string_equal(jstr(a, "thread"), "goroutine 7");
    assert_int_equal(
        json_integer_value(json_object_get(
            json_array_get(json_object_get(r, "locations"), 0), "line")),
        57);
    json_decref(races);

    json_array_append_new(cells, go_race_cell("write m[5] (mapassign flips "
                                              "h->flags)",
                                              "another marker"));
    races = group_races(doc);
    assert_int_equal(json_array_size(races), 2);
    json_decref(races);
    json_decref(doc);
}

/* show's text of a joined race: Go's stack beside the model's, each Go
 * runtime frame on the row of the model function that stands for it. */
static void test_go_beside_model(void **state)
{
    json_t *doc = fixture_results();
    json_array_append_new(
        json_object_get(doc, "cells"),
        go_race_cell("write m[5] (mapassign flips h->flags)",
                     "write m[6] (mapassign flips h->flags)"));
    json_t *races = group_races(doc);
    struct strbuf sb = STRBUF_INIT;
    struct race_text_opts o = {.context = 1};
    race_text_of(&sb, doc, races, json_array_get(races, 0), &o);
    const char *text = strbuf_str(&sb);
    const char *head = strstr(text, "Go beside the model (go-race | tsan)");
    assert_non_null(head);
    /* Go's evidence is printed before the model's */
    assert_true(strstr(text, "  go-race: ") < strstr(text, "  tsan: "));
    const char *row = strstr(head, "runtime.mapassign_fast64 map_fast64.go:93");
    assert_non_null(row);
    size_t len = strcspn(row, "\n");
    char *line = xstrndup(row, len);
    if (!strstr(line, "| mapassign map.c:"))
        fail_msg("not lined up: %s", line);
    free(line);
    /* the marked frames share a row too */
    row = strstr(head, "main.main.func1 racy.go:23");
    assert_non_null(row);
    line = xstrndup(row, strcspn(row, "\n"));
    if (!strstr(line, "| assign_five racy.c:57") ||
        !strstr(line, "<- write m[5]"))
        fail_msg("not lined up: %s", line);
    free(line);
    strbuf_release(&sb);
    json_decref(races);
    json_decref(doc);
}

/* index.html shows the same rows: Go's frame and the model's in one
 * table row. */
static void test_go_beside_model_html(void **state)
{
    json_t *doc = fixture_results();
    json_array_append_new(
        json_object_get(doc, "cells"),
        go_race_cell("write m[5] (mapassign flips h->flags)",
                     "write m[6] (mapassign flips h->flags)"));
    json_object_set_new(doc, "races", group_races(doc));
    char *html = report_html(doc);
    const char *head =
        strstr(html, "Go beside the model (go-race | tsan), row by row");
    assert_non_null(head);
    const char *row = strstr(head, "<td><code class=\"fn\">runtime."
                                   "mapassign_fast64</code> <code>map_fast64."
                                   "go:93</code></td>");
    assert_non_null(row);
    char *line = xstrndup(row, strcspn(row, "\n"));
    if (!strstr(line, "<td><code class=\"fn\">mapassign</code> <code>map.c:"))
        fail_msg("not lined up: %s", line);
    free(line);
    row = strstr(head, "main.main.func1</code> <code>racy.go:23</code>");
    assert_non_null(row);
    line = xstrndup(row, strcspn(row, "\n"));
    if (!strstr(line, "assign_five</code> <code>racy.c:57</code>") ||
        !strstr(line, "RACE: write m[5]"))
        fail_msg("not lined up: %s", line);
    free(line);
    free(html);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_race_three_detectors),
        cmocka_unit_test(test_go_race_joins_by_marker),
        cmocka_unit_test(test_go_beside_model),
        cmocka_unit_test(test_go_beside_model_html),
        cmocka_unit_test(test_two_races_kept_apart_pair_unordered),
        cmocka_unit_test(test_access_pairs_counted),
        cmocka_unit_test(test_access_pairs_capped),
        cmocka_unit_test(test_unlocated_grouped_by_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
