/*
 * test_cost_rates.c - the detectors' cost against native (cost.c) and the
 * natural detection rates (rates.c), on small results documents built
 * here: the ratios are medians of runs over the native twin's median, a
 * cell without a native twin has no cost, the per-detector summary takes
 * median, min and max over cells; rates add up over documents, natural and
 * forced apart, only for cells that expect something to be seen, and the
 * Wilson interval has its textbook values.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* cmocka after the headers it needs */
#include <cmocka.h>

#include "engine/cost.h"
#include "engine/rates.h"

static json_t *run(double wall, double cpu, long rss)
{
    return json_pack("{s:f, s:f, s:I}", "wall_s", wall, "cpu_s", cpu,
                     "maxrss_kb", (json_int_t)rss);
}

/* A cell with three runs of (wall, cpu, rss) times 1, 2 and m. */
static json_t *cell(const char *c, const char *v, const char *d,
                    const char *kind, double wall, double cpu, long rss,
                    double m, long detected, long done)
{
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:I, s:I, s:[o, o, o]}", "case", c,
        "variant", v, "detector", d, "verdict", "pass", "expected", kind,
        "expectation", "kind", kind, "detected_runs", (json_int_t)detected,
        "runs_done", (json_int_t)done, "run_details", run(wall, cpu, rss),
        run(2 * wall, 2 * cpu, 2 * rss), run(m * wall, m * cpu, (long)m * rss));
}

static json_t *doc(bool forced, json_t *cells)
{
    return json_pack("{s:i, s:{s:b, s:[s, s, s]}, s:o}", "schema_version", 1,
                     "options", "forced", forced, "detectors", "native", "tsan",
                     "drd", "cells", cells);
}

/* The typed results of a document (fails the test when it cannot be
 * read). */
static void typed(json_t *doc, struct results *r)
{
    char *why = NULL;
    if (results_from_json(doc, r, &why) < 0)
        fail_msg("%s", why);
}

static void test_cost(void **state)
{
    /* native medians: wall 2, cpu 1, rss 2000 (runs x1, x2, x3) */
    json_t *cells =
        json_pack("[o, o, o, o, o]",
                  cell("a", "racy", "native", "race", 1, 0.5, 1000, 3, 0, 3),
                  cell("a", "racy", "tsan", "race", 10, 10, 5000, 3, 3, 3),
                  cell("a", "racy", "drd", "race", 50, 25, 30000, 3, 3, 3),
                  cell("b", "racy", "native", "race", 1, 1, 1000, 3, 0, 3),
                  cell("b", "racy", "tsan", "race", 4, 2, 8000, 100, 3, 3));
    json_t *d = doc(true, cells);
    struct cost_row rows[4];
    struct results r;

    json_array_append_new(cells, cell("c", "racy", "tsan", "race", 1, 1, 1, 3,
                                      1, 3)); /* no native twin */
    typed(d, &r);
    cost_results(&r);
    const struct res_cell *tsan_a = &r.cells[1], *tsan_b = &r.cells[4];
    assert_non_null(tsan_a->cost);
    assert_true(fabs(tsan_a->cost->wall_x - 10.0) < 1e-9);
    assert_true(fabs(tsan_a->cost->cpu_x - 20.0) < 1e-9);
    assert_true(fabs(tsan_a->cost->maxrss_x - 5.0) < 1e-9);
    /* medians, not means: b's x100 run does not move its ratio */
    assert_true(fabs(tsan_b->cost->wall_x - 4.0) < 1e-9);
    assert_null(r.cells[0].cost);
    assert_null(r.cells[5].cost);
    assert_int_equal(cost_rows(&r, rows, 4), 2);
    assert_string_equal(rows[0].detector, "tsan");
    assert_int_equal(rows[0].wall.n, 2);
    assert_true(fabs(rows[0].wall.median - 7.0) < 1e-9);
    assert_true(fabs(rows[0].wall.min - 4.0) < 1e-9);
    assert_true(fabs(rows[0].wall.max - 10.0) < 1e-9);
    assert_string_equal(rows[1].detector, "drd");
    assert_true(fabs(rows[1].rss.median - 30.0) < 1e-9);
    /* written: the cells' cost and each detector's */
    json_t *w = results_doc(&r);
    json_t *wc =
        json_object_get(json_array_get(json_object_get(w, "cells"), 1), "cost");
    assert_true(fabs(json_number_value(json_object_get(wc, "wall_x")) - 10.0) <
                1e-9);
    assert_int_equal(json_array_size(json_object_get(w, "cost")), 2);
    json_decref(w);
    results_release(&r);
    json_decref(d);
}

static void test_cost_print(void **state)
{
    json_t *d =
        doc(true,
            json_pack("[o, o]",
                      cell("a", "racy", "native", "race", 1, 1, 1000, 3, 0, 3),
                      cell("a", "racy", "tsan", "race", 8, 8, 6000, 3, 3, 3)));
    char buf[2048] = "";
    FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

    struct results r;
    typed(d, &r);
    cost_results(&r);
    cost_print(f, &r, "bench: cost: ");
    results_release(&r);
    fclose(f);
    assert_non_null(strstr(buf, "tsan"));
    assert_non_null(strstr(buf, "8.0x"));
    assert_non_null(strstr(buf, "6.0x"));
    assert_non_null(strstr(buf, "5-15x, 5-10x"));
    assert_int_equal(strncmp(buf, "bench: cost: detector", 21), 0);
    json_decref(d);
}

static void test_wilson(void **state)
{
    double lo, hi;

    rates_wilson(8, 100, &lo, &hi);
    assert_true(fabs(lo - 0.0411) < 5e-4 && fabs(hi - 0.1500) < 5e-4);
    rates_wilson(100, 100, &lo, &hi);
    assert_true(fabs(lo - 0.9630) < 5e-4 && fabs(hi - 1.0) < 1e-9);
    rates_wilson(0, 10, &lo, &hi);
    assert_true(lo == 0.0 && fabs(hi - 0.2775) < 5e-4);
    rates_wilson(0, 0, &lo, &hi);
    assert_true(lo == 0.0 && hi == 1.0);
}

/* Add a document's counts to r: 0, or -1 when it is not a results
 * document. */
static int add(struct rates *r, json_t *doc)
{
    struct results res;
    char *why = NULL;
    if (results_from_json(doc, &res, &why) < 0) {
        free(why);
        return -1;
    }
    rates_add(r, &res);
    results_release(&res);
    return 0;
}

static void test_rates_add(void **state)
{
    struct rates r = {0};
    json_t *nat1 =
        doc(false,
            json_pack("[o, o]",
                      cell("a", "racy", "tsan", "race", 1, 1, 1, 1, 8, 100),
                      cell("a", "fixed", "tsan", "clean", 1, 1, 1, 1, 0, 100)));
    json_t *nat2 = doc(false, json_pack("[o]", cell("a", "racy", "tsan", "race",
                                                    1, 1, 1, 1, 2, 20)));
    json_t *forced =
        doc(true, json_pack("[o]", cell("a", "racy", "tsan", "race", 1, 1, 1, 1,
                                        10, 10)));
    char buf[2048] = "";
    FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

    assert_int_equal(add(&r, nat1), 0);
    assert_int_equal(add(&r, nat2), 0);
    assert_int_equal(add(&r, forced), 0);
    assert_int_equal(add(&r, json_object_get(nat1, "options")), -1);
    assert_int_equal(r.n, 1); /* the clean cell is not counted */
    assert_int_equal(r.v[0].natural_k, 10);
    assert_int_equal(r.v[0].natural_n, 120);
    assert_int_equal(r.v[0].forced_k, 10);
    assert_int_equal(r.v[0].forced_n, 10);
    rates_markdown(f, &r);
    fclose(f);
    assert_non_null(strstr(buf, "| a/racy | tsan | race | 10/120 = 8 % ["));
    assert_non_null(strstr(buf, "| 10/10 = 100 % [72, 100] |"));
    rates_release(&r);
    json_decref(nat1);
    json_decref(nat2);
    json_decref(forced);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cost),
        cmocka_unit_test(test_cost_print),
        cmocka_unit_test(test_wilson),
        cmocka_unit_test(test_rates_add),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
