/*
 * tests/bench/test_bench_smoke.c - the benchmark programs of `make bench`
 * run one short round and print well-formed output. Only the format is
 * asserted, never a speed: benchmarks are figures, not pass/fail.
 *
 *  - mapbench (bench/maps): every design, one mix, 1000 keys, 1 and 2
 *    threads, 3 repetitions of 2 ms: the header, then one line per cell
 *    with 14 tab-separated fields, positive figures, lo <= median <= hi,
 *    ops/s and ns/op consistent; a bad option is a one-line error;
 *  - the Go benchmark (bench/go, when `go` is installed; skipped with a
 *    message otherwise): one benchmark, 10 iterations, GOMAXPROCS 1 and 2,
 *    in `go test` result format;
 *  - mapreport turns both into a Markdown table and an HTML page with
 *    SVG, and names a missing Go result instead of inventing one;
 *  - bench/tools (needs the current Go and golang.org/x/perf in the
 *    module cache, downloaded through GOPROXY if missing; skipped with a
 *    message when neither works): gotables' own tests (its
 *    statistics on known values, the tables, the markers), then `make
 *    bench-go`'s script end to end on one short benchmark under both Gos,
 *    rewriting a copy of a page between its markers and nothing else, and
 *    refusing a page without markers before it runs any benchmark.
 */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../cases/runcase.h"

#define MAPBENCH MAPRACE_BUILD "/bench/maps/mapbench"
#define MAPREPORT MAPRACE_BUILD "/bench/maps/mapreport"

static const char *const design_names[] = {
    "mutex",       "rwlock",   "shard16", "shard16-pad", "shard64",
    "shard64-pad", "lockfree", "syncmap", "urcu-lfht",
};
enum { ndesigns = sizeof(design_names) / sizeof(design_names[0]) };

static bool matches(const char *re, const char *s)
{
    regex_t r;
    bool ok;

    assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
    ok = regexec(&r, s, 0, NULL, 0) == 0;
    regfree(&r);
    return ok;
}

/* Check one mapbench data line; returns the index of its design. */
static int check_line(char *line)
{
    char design[32], mix[16];
    unsigned long keys, threads, reps;
    double v[9];
    int d;

    assert_int_equal(sscanf(line,
                            "%31[^\t]\t%15[^\t]\t%lu\t%lu\t%lu\t%lf\t%lf\t%lf"
                            "\t%lf\t%lf\t%lf\t%lf\t%lf\t%lf",
                            design, mix, &keys, &threads, &reps, &v[0], &v[1],
                            &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]),
                     14);
    for (d = 0; d < ndesigns; d++)
        if (!strcmp(design, design_names[d]))
            break;
    assert_true(d < ndesigns);
    assert_string_equal(mix, "90/10");
    assert_int_equal(keys, 1000);
    assert_true(threads == 1 || threads == 2);
    assert_int_equal(reps, 3);
    for (int i = 0; i < 9; i += 3) {
        assert_true(v[i + 1] > 0);
        assert_true(v[i + 1] <= v[i] && v[i] <= v[i + 2]);
    }
    /* ops/s is 1e9 / ns per repetition: medians agree within rounding */
    assert_true(v[3] > 0.99e9 / v[0] && v[3] < 1.01e9 / v[0]);
    return d;
}

static void test_mapbench_format(void **state)
{
    const char *argv[] = {MAPBENCH, "--reps",  "3",    "--ms",
                          "2",      "--keys",  "1000", "--threads",
                          "1,2",    "--mixes", "90",   NULL};
    int seen[ndesigns] = {0}, data = 0;
    struct run r;
    char *save = NULL;

    runcase_run(argv, NULL, 120, &r);
    assert_false(r.timed_out);
    assert_true(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
    assert_true(
        matches("^# mapbench: [0-9]+ cores online; load average ", r.out));
    assert_non_null(strstr(r.out, "\ndesign\tmix\tkeys\tthreads\treps\t"
                                  "ns_med\tns_lo\tns_hi\tops_med\tops_lo\t"
                                  "ops_hi\tcpu_med\tcpu_lo\tcpu_hi\n"));
    for (char *l = strtok_r(r.out, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        if (l[0] == '#' || !strncmp(l, "design\t", 7))
            continue;
        seen[check_line(l)]++;
        data++;
    }
    assert_int_equal(data, 2 * ndesigns);
    for (int d = 0; d < ndesigns; d++)
        assert_int_equal(seen[d], 2);
    runcase_release(&r);
}

static void test_mapbench_bad_option(void **state)
{
    const char *argv[] = {MAPBENCH, "--designs", "nosuch", NULL};
    struct run r;

    runcase_run(argv, NULL, 20, &r);
    assert_true(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 2);
    assert_string_equal(r.err, "mapbench: nosuch: no such design (mapbench "
                               "--list names them)\n");
    runcase_release(&r);
}

/* Write s to a fresh temporary file; returns its name in buf. */
static const char *save_tmp(char *buf, size_t size, const char *tag,
                            const char *s)
{
    FILE *f = fopen(runcase_tmpfile(buf, size, tag), "w");

    assert_non_null(f);
    fputs(s, f);
    fclose(f);
    return buf;
}

/* One short round of bench/go; NULL (and a skip) without `go`. */
static char *go_round(void)
{
    char cwd[PATH_MAX], cache[PATH_MAX + 64], gopath[PATH_MAX + 64];
    /* the current Go, chosen by name as the runner does, else the hmap
     * Go (bench/go needs Go 1.19 at least) */
#define PICK_GO                                                                \
    "go=$(" MAPRACE_BUILD                                                      \
    "/maprace doctor go current 2>/dev/null || " MAPRACE_BUILD                 \
    "/maprace doctor go hmap)"
    const char *argv[] = {
        "sh", "-c",
        PICK_GO
        " && cd bench/go && "
        "exec \"$go\" test -run '^$' "
        "-bench '^BenchmarkMap$/^mutex$/^90-10$/^keys=1000$' -benchtime 10x "
        "-count 1 -cpu 1,2",
        NULL};
    const char *env[] = {
        cache, gopath, "GOPROXY=off", "GOFLAGS=", "GOTOOLCHAIN=local", NULL};
    const char *which[] = {"sh", "-c", PICK_GO, NULL};
    struct run r;
    char *out;

    runcase_run(which, NULL, 60, &r);
    bool have = WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0;
    runcase_release(&r);
    if (!have)
        return NULL;
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    snprintf(cache, sizeof(cache), "GOCACHE=%s/%s/go-cache", cwd,
             MAPRACE_BUILD);
    snprintf(gopath, sizeof(gopath), "GOPATH=%s/%s/go-path", cwd,
             MAPRACE_BUILD);
    runcase_run(argv, env, 300, &r);
    assert_false(r.timed_out);
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
        fail_msg("go test failed:\n%s%s", r.out, r.err);
    out = strdup(r.out);
    runcase_release(&r);
    return out;
}

static void test_go_format(void **state)
{
    char *out = go_round();

    if (!out) {
        print_message("no Go is installed: bench/go not "
                      "smoke-tested\n");
        skip();
    }
    assert_true(matches("(^|\n)BenchmarkMap/mutex/90-10/keys=1000[ \t]+10[ "
                        "\t]+[0-9.]+ ns/op[ \t]+[0-9.]+ cpu-ns/op[ \t]+[0-9]+ "
                        "B/op[ \t]+[0-9]+ allocs/op\n",
                        out));
    assert_true(matches(
        "\nBenchmarkMap/mutex/90-10/keys=1000-2[ \t]+10[ "
        "\t]+[0-9.]+ ns/op[ \t]+[0-9.]+ cpu-ns/op[ \t]+[0-9]+ B/op[ \t]+[0-9]+ "
        "allocs/op\n",
        out));
    assert_true(matches("\nok[ \t]+maprace/bench[ \t]", out));
    free(out);
}

static void test_mapreport(void **state)
{
    const char *bench[] = {
        MAPBENCH, "--designs", "mutex,syncmap", "--reps",    "2", "--ms",
        "1",      "--keys",    "1000",          "--threads", "1", NULL};
    char cfile[64], gofile[64], md[64], html[64];
    char *go = go_round(), *text;
    struct run r;

    runcase_run(bench, NULL, 60, &r);
    assert_true(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
    save_tmp(cfile, sizeof(cfile), "c", r.out);
    runcase_release(&r);
    save_tmp(gofile, sizeof(gofile), "go", go ? go : "");
    runcase_tmpfile(md, sizeof(md), "md");
    runcase_tmpfile(html, sizeof(html), "html");
    {
        const char *argv[] = {MAPREPORT, "--c", cfile,    "--go", gofile,
                              "--md",    md,    "--html", html,   NULL};
        runcase_run(argv, NULL, 20, &r);
        assert_true(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
        runcase_release(&r);
    }
    text = runcase_slurp(md);
    assert_non_null(strstr(text, "### 90 % loads / 10 % stores, 1000 keys"));
    assert_true(
        matches("\n\\| C \\| mutex \\| [0-9.]+ ns \\[[0-9.]+, "
                "[0-9.]+\\] &middot; [0-9.]+ M/s.*&middot; CPU [0-9.]+ ns",
                text));
    if (go)
        assert_true(matches("\n\\| Go \\| mutex \\| [0-9.]+ ns", text));
    else
        assert_non_null(strstr(text, "Go (bench/go): not run, no result"));
    free(text);
    text = runcase_slurp(html);
    assert_non_null(strstr(text, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_non_null(strstr(text, "</svg>"));
    assert_null(strstr(text, "<script"));
    assert_true(matches("</html>\n$", text));
    free(text);
    free(go);
    unlink(cfile);
    unlink(gofile);
    unlink(md);
    unlink(html);
}

/* The environment of bench/tools' Go commands: offline (the module cache
 * only), the build tree's Go cache. */
static void tools_env(char *cache, size_t size, const char *env[4])
{
    char cwd[PATH_MAX];

    assert_non_null(getcwd(cwd, sizeof(cwd)));
    snprintf(cache, size, "GOCACHE=%s/%s/go-cache", cwd, MAPRACE_BUILD);
    env[0] = cache;
    env[1] = "GOPROXY=off";
    env[2] = "GOFLAGS=-buildvcs=false";
    env[3] = NULL;
}

/* Whether bench/tools can be built here: the current Go, and x/perf in
 * the module cache, downloaded through the environment's GOPROXY when it
 * is not there yet (offline and not cached: a skip with the reason). */
static bool have_tools(void)
{
    const char *argv[] = {"sh", "-c",
                          "go=$(" MAPRACE_BUILD
                          "/maprace doctor go current) && cd bench/tools "
                          "&& GOTOOLCHAIN=local \"$go\" list -deps ./... "
                          "golang.org/x/perf/cmd/benchstat >/dev/null",
                          NULL};
    char cache[PATH_MAX + 64];
    const char *env[4];
    struct run r;
    bool ok;

    tools_env(cache, sizeof(cache), env);
    env[1] = env[2]; /* GOPROXY as the environment sets it */
    env[2] = NULL;
    runcase_run(argv, env, 300, &r);
    ok = WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0;
    if (!ok)
        print_message("bench/tools not tested: no current Go, or "
                      "golang.org/x/perf neither in the module cache nor "
                      "downloadable (GOPROXY): %s",
                      r.err);
    runcase_release(&r);
    return ok;
}

static void test_gotables(void **state)
{
    const char *argv[] = {
        "sh", "-c",
        "go=$(" MAPRACE_BUILD "/maprace doctor go current) && cd bench/tools "
        "&& GOTOOLCHAIN=local exec \"$go\" test -count 1 ./...",
        NULL};
    char cache[PATH_MAX + 64];
    const char *env[4];
    struct run r;

    if (!have_tools())
        skip();
    tools_env(cache, sizeof(cache), env);
    runcase_run(argv, env, 300, &r);
    assert_false(r.timed_out);
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
        fail_msg("go test bench/tools failed:\n%s%s", r.out, r.err);
    assert_true(matches("(^|\n)ok[ \t]+maprace/bench/tools/gotables", r.out));
    runcase_release(&r);
}

static const char page_head[] = "# a page\n\n<!-- bench-go: begin -->\n";
static const char page_tail[] = "<!-- bench-go: end -->\n\nthe rest\n";

static void test_bench_go_script(void **state)
{
    char doc[64], nomark[64], out[64], dir[64 + 8], docenv[96], outenv[96];
    char cache[PATH_MAX + 64], path[128], *text;
    const char *env[12];
    const char *argv[] = {"scripts/bench-go", NULL};
    struct run r;
    bool hmap;

    if (!have_tools())
        skip();
    {
        const char *which[] = {MAPRACE_BUILD "/maprace", "doctor", "go", "hmap",
                               NULL};
        runcase_run(which, NULL, 60, &r);
        hmap = WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0;
        runcase_release(&r);
    }
    runcase_tmpfile(out, sizeof(out), "benchgo");
    unlink(out);
    snprintf(dir, sizeof(dir), "%s.d", out);
    save_tmp(doc, sizeof(doc), "doc", "");
    {
        FILE *f = fopen(doc, "w");
        assert_non_null(f);
        fprintf(f, "%sstale table\n%s", page_head, page_tail);
        fclose(f);
    }
    save_tmp(nomark, sizeof(nomark), "nomark", "# no markers\n");
    tools_env(cache, sizeof(cache), env);
    env[3] = "BUILD=" MAPRACE_BUILD;
    env[4] = "GO_BENCH=^BenchmarkMap$/^mutex$/^90-10$/^keys=1000$";
    env[5] = "GO_BENCHTIME=20x";
    env[6] = "GO_COUNT=6";
    snprintf(outenv, sizeof(outenv), "GO_OUT=%s", dir);
    env[7] = outenv;

    /* a page without markers: refused before any benchmark */
    snprintf(docenv, sizeof(docenv), "BENCH_DOC=%s", nomark);
    env[8] = docenv;
    env[9] = NULL;
    runcase_run(argv, env, 300, &r);
    assert_true(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1);
    assert_true(matches("^gotables: .*: no <!-- bench-go: begin --> \\.\\.\\. "
                        "<!-- bench-go: end --> lines\n",
                        r.err));
    assert_null(strstr(r.out, "== bench/go"));
    runcase_release(&r);

    snprintf(docenv, sizeof(docenv), "BENCH_DOC=%s", doc);
    runcase_run(argv, env, 600, &r);
    assert_false(r.timed_out);
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
        fail_msg("scripts/bench-go failed:\n%s%s", r.out, r.err);
    runcase_release(&r);
    text = runcase_slurp(doc);
    assert_non_null(text);
    assert_true(strncmp(text, page_head, strlen(page_head)) == 0);
    assert_true(strlen(text) > strlen(page_tail) &&
                !strcmp(text + strlen(text) - strlen(page_tail), page_tail));
    assert_null(strstr(text, "stale table"));
    /* 6 repetitions: the smallest count with a 95 % interval */
    assert_true(matches("\n\\| Go 1\\.[0-9]+ \\| mutex \\| [0-9]+ \\[[0-9]+, "
                        "[0-9]+\\] \\| - \\|",
                        text));
    if (hmap) {
        assert_true(matches("\n\\| Go 1\\.19 \\| mutex \\| [0-9]+ \\[", text));
        assert_true(matches("\n\\| wall, 2 threads \\| mutex \\| ([-+][0-9]+ "
                            "%|~) \\|",
                            text));
    }
    free(text);
    snprintf(path, sizeof(path), "%s/benchstat.txt", dir);
    text = runcase_slurp(path);
    assert_non_null(text);
    assert_non_null(strstr(text, "Map/mutex/90-10/keys=1000-2"));
    if (hmap)
        assert_non_null(strstr(text, "vs base"));
    free(text);
    snprintf(path, sizeof(path), "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
    unlink(doc);
    unlink(nomark);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapbench_format),
        cmocka_unit_test(test_mapbench_bad_option),
        cmocka_unit_test(test_go_format),
        cmocka_unit_test(test_mapreport),
        cmocka_unit_test(test_gotables),
        cmocka_unit_test(test_bench_go_script),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
