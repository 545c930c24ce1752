/*
 * test_group.c - findings grouped into races: the same race from TSan,
 * Helgrind, DRD and the native check is one race; two different pairs of
 * lines are two; the pair is unordered.
 */
#include "reports-test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
/* cmocka after the headers it needs */
#include <cmocka.h>

#include "group.h"

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
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

    /* group_ensure stores the races once */
    json_t *stored = group_ensure(doc);
    assert_ptr_equal(stored, json_object_get(doc, "races"));
    assert_ptr_equal(group_ensure(doc), stored);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_race_three_detectors),
        cmocka_unit_test(test_two_races_kept_apart_pair_unordered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
