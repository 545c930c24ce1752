/*
 * test_results_model.c - results.json as structs (engine/results-model.h):
 * every saved results.json of runner/tests/results/ (real outputs of the
 * runner, one per schema version and shape: a check, a shard, a merge, and
 * the newer shape of schema 1 with Go, a fatal error and pictures)
 * loads, its fields hold what the file says, and writing the structs back
 * gives the same document key for key; a malformed file is refused with a
 * one-line reason that says where.
 */
#include "runner-test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <math.h>

#include "engine/results-model.h"

static char *saved(const char *name)
{
    return xasprintf("%s/runner/tests/results/%s", test_root(), name);
}

static json_t *load_json(const char *path)
{
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc)
        fail_msg("%s: %s", path, jerr.text);
    return doc;
}

/* The first key path where a and b differ, into buf ("" when equal);
 * a key of b that a lacks is no difference when its value is null or an
 * empty array: a field added to the schema after a was written. */
static void first_diff(json_t *a, json_t *b, char *buf, size_t size)
{
    buf[0] = '\0';
    if (json_equal(a, b))
        return;
    if (json_is_object(a) && json_is_object(b)) {
        const char *key;
        json_t *v;
        json_object_foreach(a, key, v)
        {
            json_t *w = json_object_get(b, key);
            if (!w) {
                snprintf(buf, size, ".%s (lost)", key);
                return;
            }
            int n = snprintf(buf, size, ".%s", key);
            first_diff(v, w, buf + n, size - (size_t)n);
            if (buf[n])
                return;
            buf[0] = '\0';
        }
        json_object_foreach(
            b, key, v) if (!json_object_get(a, key) && !json_is_null(v) &&
                           !(json_is_array(v) && !json_array_size(v)))
        {
            snprintf(buf, size, ".%s (added)", key);
            return;
        }
        return;
    }
    if (json_is_array(a) && json_is_array(b) &&
        json_array_size(a) == json_array_size(b)) {
        for (size_t i = 0; i < json_array_size(a); i++) {
            int n = snprintf(buf, size, "[%zu]", i);
            first_diff(json_array_get(a, i), json_array_get(b, i), buf + n,
                       size - (size_t)n);
            if (buf[n])
                return;
            buf[0] = '\0';
        }
        return;
    }
    char *x = json_dumps(a, JSON_ENCODE_ANY | JSON_COMPACT);
    char *y = json_dumps(b, JSON_ENCODE_ANY | JSON_COMPACT);
    snprintf(buf, size, ": %.80s != %.80s", x ? x : "?", y ? y : "?");
    free(x);
    free(y);
}

/* Whether a and b are the same document but for the fields b has and a
 * lacks, written empty (added to the schema after a was written). */
static bool same_but_added(json_t *a, json_t *b)
{
    char diff[512];
    first_diff(a, b, diff, sizeof(diff));
    return !diff[0];
}

/* Load name, check that writing it back is the same document. */
static void load_round_trip(const char *name, struct results *r)
{
    char *path = saved(name), *why = NULL;
    if (results_load(path, r, &why))
        fail_msg("%s", why);
    json_t *file = load_json(path), *doc = results_doc(r);
    char diff[512];
    first_diff(file, doc, diff, sizeof(diff));
    if (diff[0])
        fail_msg("%s: written back differs at %s", name, diff);
    /* and through a file */
    char tmp[] = "/tmp/maprace-results-XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    close(fd);
    if (results_save(r, tmp, &why))
        fail_msg("%s", why);
    json_t *saved = load_json(tmp);
    assert_true(same_but_added(file, saved));
    unlink(tmp);
    json_decref(saved);
    json_decref(doc);
    json_decref(file);
    free(path);
}

static const struct res_cell *cell_of(const struct results *r, const char *c,
                                      const char *det)
{
    const struct res_cell *cl = results_cell_of(r, c, "racy", det);
    if (!cl)
        fail_msg("no cell %s/racy %s", c, det);
    return cl;
}

static void test_check_v1(void **state)
{
    (void)state;
    struct results r;
    load_round_trip("v1-check.json", &r);
    assert_int_equal(r.schema_version, 1);
    assert_string_equal(r.tool, "maprace");
    assert_string_equal(r.verb, "check");
    assert_true(r.complete);
    assert_false(r.interrupted);
    assert_null(r.shard);
    assert_null(r.merged_from);
    assert_int_equal(r.options.runs, 2);
    assert_int_equal(r.options.nr_detectors, 4);
    assert_string_equal(r.options.detectors[0], "native");
    assert_true(r.options.forced);
    assert_true(r.timing.cores >= 1);
    /* 2 cases x 4 detectors: the racy counter, the case that does not
     * build */
    assert_int_equal(r.nr_cases, 2);
    assert_int_equal(r.nr_cells, 8);
    struct res_totals t;
    results_totals(&r, &t);
    assert_int_equal(t.cells, 8);
    assert_int_equal(t.verdicts[VERDICT_PASS], 3);
    assert_int_equal(t.verdicts[VERDICT_KNOWN_MISS], 1);
    assert_int_equal(t.verdicts[VERDICT_ERROR], 4);

    const struct res_case *c = results_case(&r, "counter");
    assert_non_null(c);
    const struct res_variant *v = results_variant(c, "racy");
    assert_non_null(v);
    assert_true(v->nr_markers >= 2);
    assert_null(v->go_markers);
    bool expect_tsan = false;
    for (size_t i = 0; i < v->nr_expect; i++)
        if (!strcmp(v->expect[i].key, "tsan"))
            expect_tsan = !strcmp(v->expect[i].value, "race");
    assert_true(expect_tsan);

    const struct res_cell *ts = cell_of(&r, "counter", "tsan");
    assert_int_equal(ts->verdict, VERDICT_PASS);
    assert_true(ts->as_expected);
    assert_string_equal(ts->observed, "race");
    assert_string_equal(ts->expectation.kind, "race");
    assert_int_equal(ts->runs, 2);
    assert_int_equal(ts->runs_done, 2);
    assert_int_equal(ts->detected_runs, 2);
    assert_int_equal(ts->nr_runs_detail, 2);
    assert_non_null(ts->cost);
    assert_true(ts->cost->wall_x > 0);
    const struct res_run *run = &ts->runs_detail[0];
    assert_int_equal(run->run, 1);
    assert_int_equal(run->detected, 1);
    assert_non_null(run->obs);
    assert_true(run->obs->race_marked);
    assert_non_null(res_run_log(run, "stdout"));
    assert_true(run->nr_findings >= 1);
    const struct res_finding *f = &ts->findings[0];
    assert_string_equal(f->kind, "data-race");
    assert_string_equal(f->detector, "tsan");
    assert_int_equal(f->nr_accesses, 2);
    assert_true(f->accesses[0].nr_frames >= 1);
    assert_int_equal(f->accesses[0].at, RES_ABSENT);
    assert_int_equal(f->accesses[0].frames[0].hidden, RES_ABSENT);

    const struct res_cell *nat = cell_of(&r, "counter", "native");
    assert_int_equal(nat->verdict, VERDICT_KNOWN_MISS);
    assert_null(nat->cost);
    const struct res_cell *br = results_cell_of(&r, "broken", "racy", "tsan");
    assert_non_null(br);
    assert_int_equal(br->verdict, VERDICT_ERROR);
    assert_non_null(br->error);
    assert_non_null(br->build_error);
    assert_non_null(br->build_log);

    /* one race, seen by tsan, helgrind and drd, on the marked lines */
    assert_non_null(r.races);
    assert_int_equal(r.nr_races, 1);
    const struct res_race *race = &r.races[0];
    assert_string_equal(race->case_name, "counter");
    assert_string_equal(race->kind, "data-race");
    assert_int_equal(race->nr_locations, 2);
    assert_string_equal(race->locations[0].how, "marked");
    assert_int_equal(race->nr_detectors, 3);
    const struct res_evidence *ev = &race->detectors[0];
    assert_int_equal(ev->verdict, VERDICT_PASS);
    assert_int_equal(ev->seen_runs, 2);
    assert_true(ev->nr_access_pairs >= 1);
    assert_true(ev->accesses[0].at == 0 || ev->accesses[0].at == 1);
    assert_int_not_equal(ev->accesses[0].frames[0].hidden, RES_ABSENT);
    assert_non_null(r.cost);
    assert_int_equal(r.nr_cost, 3);
    assert_int_equal(r.cost[0].wall_x.cells, 1);
    assert_false(isnan(r.cost[0].wall_x.median));
    results_release(&r);
}

static void test_shard_v1(void **state)
{
    (void)state;
    struct results r;
    load_round_trip("v1-shard.json", &r);
    assert_non_null(r.shard);
    assert_int_equal(r.shard->index, 1);
    assert_int_equal(r.shard->count, 2);
    assert_int_equal(r.shard->cells_total, 6);
    assert_int_equal(r.shard->nr_cases, 2);
    assert_non_null(r.shard->selection);
    assert_int_equal(r.nr_cells, 3);
    results_release(&r);
}

/* A merge of the two shards: the verdicts of the racy cells, not clean. */
static void test_merged_v1(void **state)
{
    (void)state;
    struct results r;
    load_round_trip("v1-merged.json", &r);
    assert_string_equal(r.verb, "merge");
    assert_null(r.shard);
    assert_int_equal(r.nr_merged_from, 2);
    assert_non_null(r.merged_from[1].shard);
    assert_true(isnan(r.timing.overhead));
    assert_int_equal(r.nr_cells, 6);
    const struct res_cell *ts = cell_of(&r, "counter", "tsan");
    assert_int_equal(ts->verdict, VERDICT_PASS);
    assert_string_equal(ts->observed, "race");
    assert_int_equal(cell_of(&r, "counter", "drd")->verdict, VERDICT_PASS);
    assert_int_equal(r.nr_races, 1);
    results_release(&r);
}

/* The newer shape of schema 1 (cases[].pictures, no_hmap): a real case
 * under native, tsan and go-race; the race told by Go and the model. */
static void test_go_v1(void **state)
{
    (void)state;
    struct results r;
    load_round_trip("v1-go.json", &r);
    assert_int_equal(r.nr_cells, 6);
    const struct res_case *c = results_case(&r, "map-concurrent-writes");
    assert_non_null(c);
    assert_non_null(c->pictures); /* present, empty */
    assert_int_equal(c->nr_pictures, 0);
    assert_null(c->no_hmap);
    const struct res_cell *nat =
        results_cell_of(&r, "map-concurrent-writes", "racy", "native");
    assert_non_null(nat);
    assert_int_equal(nat->verdict, VERDICT_PASS);
    assert_string_equal(nat->expectation.kind, "fatal");
    assert_non_null(nat->runs_detail[0].obs);
    assert_non_null(nat->runs_detail[0].obs->fatal);
    const struct res_cell *gr =
        results_cell_of(&r, "map-concurrent-writes", "racy", "go-race");
    assert_non_null(gr);
    assert_string_equal(gr->flavour, "go-race");
    assert_int_equal(r.nr_races, 1);
    const struct res_race *race = &r.races[0];
    assert_int_equal(race->nr_detectors, 3);
    /* the real Go's evidence first; its frames annotated with the model
     * function each stands for */
    assert_string_equal(race->detectors[0].detector, "go-race");
    bool model = false;
    for (size_t i = 0; i < race->detectors[0].nr_accesses; i++)
        for (size_t k = 0; k < race->detectors[0].accesses[i].nr_frames; k++)
            model |= race->detectors[0].accesses[i].frames[k].model != NULL;
    assert_true(model);
    results_release(&r);
}

/* A case whose README has pictures. */
static void test_pictures_v1(void **state)
{
    (void)state;
    struct results r;
    load_round_trip("v1-pictures.json", &r);
    const struct res_case *c = results_case(&r, "map-grow-read");
    assert_non_null(c);
    assert_int_equal(c->nr_pictures, 2);
    assert_non_null(strchr(c->pictures[0], '\n'));
    results_release(&r);
}

/* A document loaded from text: 0 or the reason. */
static int load_text(const char *text, char **why)
{
    json_error_t jerr;
    json_t *doc = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (!doc)
        fail_msg("bad test JSON: %s", jerr.text);
    struct results r;
    int rc = results_from_json(doc, &r, why);
    json_decref(doc);
    if (!rc)
        results_release(&r);
    return rc;
}

static void expect_refused(const char *text, const char *reason)
{
    char *why = NULL;
    if (!load_text(text, &why))
        fail_msg("accepted: %s", text);
    if (strcmp(why, reason))
        fail_msg("reason \"%s\", want \"%s\"", why, reason);
    assert_null(strchr(why, '\n'));
    free(why);
}

static void test_malformed(void **state)
{
    (void)state;
    expect_refused("[]", "the document: not a JSON object");
    expect_refused("{\"cells\": []}",
                   "schema_version: missing (not a maprace results.json)");
    expect_refused("{\"schema_version\": 2, \"cells\": []}",
                   "schema_version: version 2, this maprace reads 1 to 1");
    expect_refused("{\"schema_version\": 1}", "cells: missing");
    expect_refused("{\"schema_version\": 1, \"cells\": {}}",
                   "cells: not an array");
    expect_refused("{\"schema_version\": 1, \"cells\": [{\"case\": \"a\", "
                   "\"variant\": \"b\", \"detector\": \"tsan\", \"verdict\": "
                   "\"maybe\"}]}",
                   "cells[0].verdict: not a verdict");
    expect_refused("{\"schema_version\": 1, \"cells\": [{\"case\": \"a\", "
                   "\"variant\": \"b\", \"verdict\": \"pass\"}]}",
                   "cells[0].detector: missing");
    expect_refused("{\"schema_version\": 1, \"cells\": [{\"case\": \"a\", "
                   "\"variant\": \"b\", \"detector\": \"tsan\", \"verdict\": "
                   "\"pass\", \"run_details\": [{\"run\": \"one\"}]}]}",
                   "cells[0].run_details[0].run: not an integer");
    expect_refused("{\"schema_version\": 1, \"cells\": [], \"timing\": "
                   "{\"cores\": 1.5}}",
                   "timing.cores: not an integer");
    /* the least document: read, every optional part absent */
    char *why = NULL;
    assert_int_equal(load_text("{\"schema_version\": 1, \"cells\": []}", &why),
                     0);
    /* a file: its name in the reason, and JSON's own error with its line */
    char tmp[] = "/tmp/maprace-results-XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "{\n\"schema_version\": 1,\n", 23), 23);
    close(fd);
    struct results r;
    assert_int_equal(results_load(tmp, &r, &why), -1);
    assert_non_null(strstr(why, tmp));
    assert_null(strchr(why, '\n'));
    free(why);
    unlink(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_v1),    cmocka_unit_test(test_shard_v1),
        cmocka_unit_test(test_merged_v1),   cmocka_unit_test(test_go_v1),
        cmocka_unit_test(test_pictures_v1), cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
