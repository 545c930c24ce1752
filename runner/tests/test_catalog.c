/*
 * test_catalog.c - case.ini validation: one test per error message, on the
 * fixture catalogs of runner/tests/cases/, and what a good catalog yields.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/article.h"
#include "engine/catalog.h"
#include "runner-test.h"
#include "engine/toolchain.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Load fixture catalog `name`: it must fail, and its one-line message must
 * name `file_line` (the case.ini and its line) and contain `problem`. */
static void expect_error(const char *name, const char *file_line,
                         const char *problem)
{
    struct catalog cat;
    char *err = NULL;
    int rc = catalog_load(fixture(name), &cat, &err);
    assert_int_equal(rc, -1);
    assert_non_null(err);
    if (!strstr(err, file_line) || !strstr(err, problem))
        fail_msg("%s: got \"%s\", want \"%s\" and \"%s\"", name, err, file_line,
                 problem);
    assert_null(strchr(err, '\n'));
    assert_int_equal(cat.nr, 0);
    free(err);
    catalog_release(&cat);
}

static void test_bad_key(void **state)
{
    expect_error("bad-key",
                 "counter/case.ini:11: ", "unknown key 'expekt' in [racy]");
}

static void test_unknown_section(void **state)
{
    expect_error("unknown-section",
                 "counter/case.ini:12: ", "unknown section [options]");
}

static void test_missing_source(void **state)
{
    expect_error("missing-source",
                 "counter/case.ini:12: ", "missing source file");
    expect_error("missing-source", "case.ini",
                 "counter/fixed.c for section "
                 "[fixed]");
}

static void test_source_without_section(void **state)
{
    expect_error("no-section",
                 "counter/case.ini: ", "no section [fixed] for fixed.c");
}

static void test_bad_expectation(void **state)
{
    expect_error("bad-expect", "counter/case.ini:11: ",
                 "[racy] tsan: bad expectation 'racey'");
}

static void test_fatal_without_message(void **state)
{
    expect_error("fatal-no-message", "counter/case.ini:10: ",
                 "[racy] native: 'fatal' needs the Go message");
}

static void test_detector_without_expectation(void **state)
{
    expect_error("no-expect",
                 "counter/case.ini:8: ", "[racy]: no expectation for helgrind");
}

static void test_native_cannot_race(void **state)
{
    expect_error("native-race", "counter/case.ini:9: ",
                 "native would inherit 'race' from 'expect'");
}

static void test_race_without_marker(void **state)
{
    expect_error("no-marker", "counter/case.ini:9: ", "expects a race but");
    expect_error("no-marker", "case.ini", "has no RACE: marker");
}

static void test_missing_required_key(void **state)
{
    expect_error("missing-key",
                 "counter/case.ini:1: ", "[case] lacks required key 'title'");
}

static void test_duplicate_key(void **state)
{
    expect_error("duplicate-key", "counter/case.ini:11: ",
                 "duplicate key 'expect' in [racy] (first on line 9)");
}

/* A key indented by a tab (or blanks) would be joined to the value above
 * by inih's continuation rule: an error, not a lost key. A prose value
 * over two lines is still one value. */
static void test_indented_key(void **state)
{
    expect_error("indented-key", "counter/case.ini:11: ",
                 "'native' is indented, so it would continue the value of "
                 "'expect' (line 10)");
}

static void test_syntax_error(void **state)
{
    expect_error("syntax", "counter/case.ini:7: ", "syntax error");
}

static void test_bad_family(void **state)
{
    expect_error("bad-family", "counter/case.ini:5: ", "unknown family 'maps'");
    /* the message names every family of the table, and no other */
    struct catalog cat;
    char *err = NULL;
    assert_int_equal(catalog_load(fixture("bad-family"), &cat, &err), -1);
    const char *want = strstr(err, "(want ");
    assert_non_null(want);
    size_t n = 0;
    for (size_t i = 0; catalog_families[i]; i++, n++)
        assert_non_null(strstr(want, catalog_families[i]));
    size_t words = 1;
    for (const char *p = want; *p; p++)
        words += *p == ',' || !strncmp(p, " or ", 4);
    assert_int_equal(words, n);
    free(err);
    catalog_release(&cat);
}

static void test_bad_article(void **state)
{
    expect_error("bad-article", "counter/case.ini:4: ",
                 "bad article section '2.6' (want one or more of 1, 2.1-2.5");
}

static void test_article_sections(void **state)
{
    char *bad;
    assert_int_equal(article_parse("1, 2.3 2.4", &bad), 0);
    assert_null(bad);
    assert_int_equal(article_parse("3.4", &bad), -1);
    assert_string_equal(bad, "3.4");
    free(bad);
    assert_int_equal(article_parse(" , ", &bad), -1);
    free(bad);
    assert_true(article_names("2.3, 2.4", "2.4"));
    assert_true(article_names("1,2.1", "2.1"));
    assert_false(article_names("2.3, 2.4", "2"));
    assert_false(article_names("4.1", "4.1.1"));
    assert_non_null(article_section("5"));
    assert_null(article_section("6"));
}

/* maprace list --article: the cases that serve a section, and an error
 * for a section the article does not have. */
static void test_list_article(void **state)
{
    char *tmp = test_tmpdir(), out[PATH_MAX], path[PATH_MAX + 16];
    snprintf(out, sizeof(out), "%s/list", tmp);
    assert_int_equal(run_maprace("", "list --article 2.4", out), 0);
    snprintf(path, sizeof(path), "%s.stdout", out);
    char *text = test_slurp(path);
    assert_non_null(text);
    assert_non_null(strstr(text, "map-grow-read  [map]"));
    assert_non_null(strstr(text, "map-grow-iterate  [map]"));
    assert_null(strstr(text, "map-concurrent-writes"));
    free(text);
    assert_int_equal(run_maprace("", "list --article 2.6", out), 2);
    snprintf(path, sizeof(path), "%s.stderr", out);
    text = test_slurp(path);
    assert_non_null(strstr(text, "unknown article section '2.6'"));
    free(text);
    test_rmdir(tmp);
    free(tmp);
}

static void test_bad_timeout(void **state)
{
    expect_error("bad-timeout", "counter/case.ini:7: ", "bad timeout 'soon'");
}

static void test_go_twin_without_variant(void **state)
{
    expect_error("go-orphan", "counter/fixed.go: ",
                 "a Go twin without its variant (no fixed.c)");
}

static void test_variant_without_twin_or_reason(void **state)
{
    expect_error("go-no-reason",
                 "counter/case.ini:13: ", "[fixed]: no Go twin");
    expect_error("go-no-reason", "case.ini", "and no 'no-go-twin' reason");
}

static void test_go_cannot_race(void **state)
{
    expect_error("go-race-expect", "counter/case.ini:9: ",
                 "[racy]: go would inherit 'race' from 'expect'");
}

static void test_no_go_twin_beside_a_twin(void **state)
{
    expect_error("go-reason-and-twin",
                 "counter/case.ini:12: ", "[racy] no-go-twin: but");
}

/* A Go twin: its source, its markers, its expectations; a case without
 * twins has none and needs no reason. */
static void test_go_twin_loaded(void **state)
{
    struct catalog cat;
    char *err = NULL;
    assert_int_equal(catalog_load(fixture("go-good"), &cat, &err), 0);
    struct variant *v = &catalog_find(&cat, "counter")->variants[0];
    assert_non_null(strstr(v->go_source, "counter/racy.go"));
    assert_int_equal(v->go_markers.nr, 2);
    assert_string_equal(v->go_markers.items[0].text, "n++");
    assert_int_equal(v->expect[DET_GO].kind, EXPECT_MISS);
    assert_int_equal(v->expect[DET_GO_RACE].kind, EXPECT_RACE);
    assert_null(v->no_go_twin);
    catalog_release(&cat);
    assert_int_equal(catalog_load(fixture("good"), &cat, &err), 0);
    v = &catalog_find(&cat, "counter")->variants[0];
    assert_null(v->go_source);
    assert_int_equal(v->expect[DET_GO].kind, EXPECT_NONE);
    catalog_release(&cat);
}

/* A twin with `//go:build go1.N` before package needs Go 1.N: no cell
 * under a Go detector whose toolchain is older (here a stand-in hmap Go
 * 1.19.8), a cell under every other detector; a twin without the line
 * has its cells. */
static void test_go_twin_needs_newer_go(void **state)
{
    char dir[] = "/tmp/maprace-test-go-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *bin = xasprintf("%s/bin", dir), *go = xasprintf("%s/bin/go", dir),
         *version = xasprintf("%s/VERSION", dir);
    assert_int_equal(mkdir(bin, 0755), 0);
    FILE *f = fopen(go, "w");
    assert_non_null(f);
    fputs("#!/bin/sh\nexit 1\n", f);
    fclose(f);
    assert_int_equal(chmod(go, 0755), 0);
    f = fopen(version, "w");
    assert_non_null(f);
    fputs("go1.19.8\ntime 2023-04-04T17:01:26Z\n", f);
    fclose(f);
    setenv("MAPRACE_GO_HMAP", go, 1);
    go_toolchain_reset();

    struct catalog cat;
    char *err = NULL;
    assert_int_equal(catalog_load(fixture("go-needs"), &cat, &err), 0);
    struct variant *v = &catalog_find(&cat, "counter")->variants[0];
    assert_int_equal(v->go_min_minor, 99);
    char *why = NULL;
    assert_false(variant_has_cell(v, DET_GO_HMAP, &why));
    assert_non_null(why);
    if (!strstr(why, "needs Go 1.99") || !strstr(why, "go1.19.8"))
        fail_msg("got \"%s\"", why);
    free(why);
    assert_false(variant_has_cell(v, DET_GO_HMAP_RACE, NULL));
    assert_true(variant_has_cell(v, DET_NATIVE, &why));
    assert_null(why);
    assert_true(variant_has_cell(v, DET_TSAN, NULL));
    catalog_release(&cat);

    assert_int_equal(catalog_load(fixture("go-good"), &cat, &err), 0);
    v = &catalog_find(&cat, "counter")->variants[0];
    assert_int_equal(v->go_min_minor, 0);
    assert_true(variant_has_cell(v, DET_GO_HMAP, NULL));
    catalog_release(&cat);
    assert_int_equal(catalog_load(fixture("good"), &cat, &err), 0);
    v = &catalog_find(&cat, "counter")->variants[0];
    assert_false(variant_has_cell(v, DET_GO_HMAP, &why)); /* no twin */
    assert_null(why);
    catalog_release(&cat);

    unsetenv("MAPRACE_GO_HMAP");
    go_toolchain_reset();
    unlink(go);
    unlink(version);
    rmdir(bin);
    rmdir(dir);
    free(bin);
    free(go);
    free(version);
}

static void test_missing_catalog(void **state)
{
    struct catalog cat;
    char *err = NULL;
    assert_int_equal(catalog_load("/nonexistent/maprace", &cat, &err), -1);
    assert_non_null(strstr(err, "/nonexistent/maprace: no such catalog"));
    free(err);
    catalog_release(&cat);
}

static void test_good_catalog(void **state)
{
    struct catalog cat;
    char *err = NULL;
    assert_int_equal(catalog_load(fixture("good"), &cat, &err), 0);
    assert_null(err);
    assert_int_equal(cat.nr, 1);
    struct mcase *c = catalog_find(&cat, "counter");
    assert_non_null(c);
    assert_null(catalog_find(&cat, "nope"));
    assert_string_equal(c->title, "Two threads increment one counter");
    assert_string_equal(c->family, "sync");
    assert_int_equal(c->nr_variants, 1);
    struct variant *v = &c->variants[0];
    assert_string_equal(v->name, "racy");
    assert_non_null(strstr(v->source, "good/counter/racy.c"));
    /* expect = race for all but native, which overrides it */
    assert_int_equal(v->expect[DET_TSAN].kind, EXPECT_RACE);
    assert_int_equal(v->expect[DET_DRD].kind, EXPECT_RACE);
    assert_int_equal(v->expect[DET_NATIVE].kind, EXPECT_MISS);
    assert_string_equal(v->expect[DET_NATIVE].arg,
                        "the plain build has no race detector");
    assert_int_equal(v->expect[DET_NATIVE].line, 10);
    /* the two marked lines of racy.c */
    assert_int_equal(v->markers.nr, 2);
    assert_int_equal(v->markers.items[0].line, 9);
    assert_string_equal(v->markers.items[0].text, "write counter (thread)");
    assert_int_equal(v->markers.items[1].line, 17);
    catalog_release(&cat);
}

static void test_multiline_values_are_joined(void **state)
{
    struct catalog cat;
    char *err = NULL;
    assert_int_equal(catalog_load(fixture("multiline"), &cat, &err), 0);
    assert_string_equal(cat.cases[0].why, "first line second line third line");
    catalog_release(&cat);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_variant_order(void **state)
{
    /* racy first, then fixed before fixed-x */
    char *tmp = test_tmpdir();
    write_text(tmp, "racy.c", "int main(void) { return 0; } /* RACE: x */\n");
    write_text(tmp, "fixed.c", "int main(void) { return 0; }\n");
    write_text(tmp, "fixed-rwlock.c", "int main(void) { return 0; }\n");
    write_text(tmp, "case.ini",
               "[case]\ntitle = t\ngo = g\narticle = 1\nfamily = map\n"
               "why = w\n[fixed-rwlock]\nexpect = clean\n[racy]\n"
               "expect = race\nnative = miss n\n[fixed]\nexpect = clean\n");
    struct mcase c;
    char *err = NULL;
    int rc = case_load(tmp, "t", &c, &err);
    if (rc)
        fail_msg("%s", err);
    assert_int_equal(c.nr_variants, 3);
    assert_string_equal(c.variants[0].name, "racy");
    assert_string_equal(c.variants[1].name, "fixed");
    assert_string_equal(c.variants[2].name, "fixed-rwlock");
    assert_int_equal(c.variants[2].line, 7);
    case_release(&c);
    test_rmdir(tmp);
    free(tmp);
}

static void test_expectation_parse(void **state)
{
    struct expectation e = {0};
    char *why = NULL;
    assert_int_equal(expectation_parse("fatal concurrent map writes", &e, &why),
                     0);
    assert_int_equal(e.kind, EXPECT_FATAL);
    assert_string_equal(e.arg, "concurrent map writes");
    assert_string_equal(e.text, "fatal concurrent map writes");
    free(e.arg);
    free(e.text);
    assert_int_equal(expectation_parse("  clean  ", &e, &why), 0);
    assert_int_equal(e.kind, EXPECT_CLEAN);
    assert_null(e.arg);
    free(e.text);
    assert_int_equal(expectation_parse("race now", &e, &why), -1);
    assert_non_null(strstr(why, "takes no argument"));
    free(why);
    assert_int_equal(expectation_parse("miss", &e, &why), -1);
    assert_non_null(strstr(why, "'miss' needs a reason"));
    free(why);
    assert_int_equal(
        expectation_parse("false-positive atomics at -O0", &e, &why), 0);
    assert_int_equal(e.kind, EXPECT_FALSE_POSITIVE);
    free(e.arg);
    free(e.text);
}

/* The runner itself: a bad catalog is exit 2 and one line on stderr. */
static void test_list_bad_catalog_exits_2(void **state)
{
    char *tmp = test_tmpdir();
    char out[PATH_MAX], args[PATH_MAX + 64];
    snprintf(out, sizeof(out), "%s/list", tmp);
    snprintf(args, sizeof(args), "list --cases '%s'", fixture("bad-key"));
    assert_int_equal(run_maprace("", args, out), 2);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s.stderr", out);
    char *err = test_slurp(path);
    assert_non_null(err);
    assert_non_null(strstr(err, "case.ini:11: unknown key 'expekt'"));
    assert_non_null(strchr(err, '\n'));
    assert_string_equal(strchr(err, '\n'), "\n"); /* one line */
    free(err);
    snprintf(args, sizeof(args), "list --cases '%s'", fixture("good"));
    assert_int_equal(run_maprace("", args, out), 0);
    snprintf(path, sizeof(path), "%s.stdout", out);
    char *text = test_slurp(path);
    assert_non_null(strstr(text, "counter  [sync]"));
    assert_non_null(strstr(text, "go:       go func() { n++ }(); n++"));
    free(text);
    test_rmdir(tmp);
    free(tmp);
}

static void test_bad_option(void **state)
{
    expect_error("bad-option", "counter/case.ini:7: ",
                 "tsan_options: exitcode=... is the runner's own");
}

/* Detector options: kept, passed to the command line, shown in
 * results.json; the cell expecting `exit 0` of native passes. */
static void test_detector_options(void **state)
{
    struct catalog cat;
    char *err = NULL;
    assert_int_equal(catalog_load(fixture("options"), &cat, &err), 0);
    struct mcase *c = &cat.cases[0];
    assert_string_equal(case_option(c, "tsan_options"), "history_size=4");
    assert_string_equal(case_option(c, "valgrind_options"), "--error-limit=no");
    assert_string_equal(case_option(c, "drd_options"),
                        "--exclusive-threshold=10");
    assert_null(case_option(c, "helgrind_options"));
    assert_int_equal(c->variants[0].expect[DET_NATIVE].kind, EXPECT_EXIT);
    catalog_release(&cat);

    char *tmp = test_tmpdir();
    char out[PATH_MAX], args[PATH_MAX * 3];
    snprintf(out, sizeof(out), "%s/check", tmp);
    snprintf(args, sizeof(args),
             "check --cases '%s' -d native,tsan,drd --format none --build "
             "'%s' --out '%s'",
             fixture("options"), MAPRACE_BUILD, tmp);
    assert_int_equal(run_maprace("", args, out), 0);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/latest/results.json", tmp);
    char *json = test_slurp(path);
    assert_non_null(json);
    /* TSan: the case's flag, then the runner's log_path and exitcode */
    const char *t = strstr(json, "history_size=4 log_path=");
    assert_non_null(t);
    assert_non_null(strstr(json, "valgrind --tool=drd --error-limit=no "
                                 "--exclusive-threshold=10 --xml=yes"));
    free(json);
    test_rmdir(tmp);
    free(tmp);
}

/* no-hmap: the case's reason kept; no cell of a C detector of the hmap
 * model, every Swiss-model and Go detector kept (case_has_model). */
static void test_no_hmap(void **state)
{
    struct catalog cat;
    char *err = NULL;
    assert_int_equal(catalog_load(fixture("swiss-only"), &cat, &err), 0);
    struct mcase *c = &cat.cases[0];
    assert_string_equal(c->no_hmap, "it reads the Swiss-table map's directory");
    assert_null(c->no_swiss);
    for (int d = 0; d < DET_COUNT; d++) {
        const char *why = "unset";
        bool has = case_has_model(c, d, &why);
        bool want = detector_row(d)->go_twin || detector_row(d)->swiss_model;
        if (has != want)
            fail_msg("%s: case_has_model %d, want %d", detector_name(d), has,
                     want);
        if (has)
            assert_null(why);
        else
            assert_ptr_equal(why, c->no_hmap);
    }
    catalog_release(&cat);
    /* and the other way round, a case that says no-swiss: a Swiss-model
     * detector has no cell, the others do */
    struct mcase good;
    assert_int_equal(catalog_load(fixture("good"), &cat, &err), 0);
    good = cat.cases[0];
    good.no_swiss = "it reads h->B";
    assert_false(case_has_model(&good, DET_TSAN_SWISS, NULL));
    assert_true(case_has_model(&good, DET_TSAN, NULL));
    assert_true(case_has_model(&good, DET_GO, NULL));
    catalog_release(&cat);
}

/* A run that selects none of a one-model case's detectors says why, and
 * names the detectors that run it. */
static void test_no_hmap_run_says_why(void **state)
{
    char *tmp = test_tmpdir();
    char out[PATH_MAX], args[PATH_MAX * 3];
    snprintf(out, sizeof(out), "%s/check", tmp);
    snprintf(args, sizeof(args),
             "check --cases '%s' -d tsan,drd --format none --build '%s' "
             "--out '%s'",
             fixture("swiss-only"), MAPRACE_BUILD, tmp);
    assert_int_equal(run_maprace("", args, out), 2);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s.stderr", out);
    char *err = test_slurp(path);
    assert_non_null(err);
    if (!strstr(err, "nothing to run: counter: no C cell under these "
                     "detectors: it builds on the Swiss-table model only (-d "
                     "native-swiss,tsan-swiss,tsan-gcc-swiss,helgrind-swiss,"
                     "drd-swiss): it reads the Swiss-table map's directory"))
        fail_msg("stderr: %s", err);
    free(err);
    test_rmdir(tmp);
    free(tmp);
}

static void test_no_hmap_needs_reason(void **state)
{
    expect_error("no-hmap-empty",
                 "counter/case.ini:7: ", "[case] no-hmap: needs the reason");
}

static void test_no_hmap_and_no_swiss(void **state)
{
    expect_error("one-model", "counter/case.ini:8: ",
                 "[case] no-hmap and no-swiss: a case needs a model");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_key),
        cmocka_unit_test(test_no_hmap),
        cmocka_unit_test(test_no_hmap_run_says_why),
        cmocka_unit_test(test_no_hmap_needs_reason),
        cmocka_unit_test(test_no_hmap_and_no_swiss),
        cmocka_unit_test(test_unknown_section),
        cmocka_unit_test(test_missing_source),
        cmocka_unit_test(test_source_without_section),
        cmocka_unit_test(test_bad_expectation),
        cmocka_unit_test(test_fatal_without_message),
        cmocka_unit_test(test_detector_without_expectation),
        cmocka_unit_test(test_native_cannot_race),
        cmocka_unit_test(test_race_without_marker),
        cmocka_unit_test(test_missing_required_key),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_indented_key),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_bad_family),
        cmocka_unit_test(test_bad_article),
        cmocka_unit_test(test_article_sections),
        cmocka_unit_test(test_list_article),
        cmocka_unit_test(test_bad_timeout),
        cmocka_unit_test(test_go_twin_without_variant),
        cmocka_unit_test(test_variant_without_twin_or_reason),
        cmocka_unit_test(test_go_cannot_race),
        cmocka_unit_test(test_no_go_twin_beside_a_twin),
        cmocka_unit_test(test_go_twin_needs_newer_go),
        cmocka_unit_test(test_go_twin_loaded),
        cmocka_unit_test(test_missing_catalog),
        cmocka_unit_test(test_good_catalog),
        cmocka_unit_test(test_multiline_values_are_joined),
        cmocka_unit_test(test_variant_order),
        cmocka_unit_test(test_expectation_parse),
        cmocka_unit_test(test_list_bad_catalog_exits_2),
        cmocka_unit_test(test_bad_option),
        cmocka_unit_test(test_detector_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
