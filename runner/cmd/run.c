/*
 * run.c - `maprace run` and `maprace check`: build and run the cases
 * under the detectors, print the matrix, write the report (run.h).
 */
#include "cmd/run.h"

#include "cmd/builtin.h"
#include "cmd/repository.h"
#include "engine/run.h"
#include "lib/exit.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

static const char run_synopsis[] = "usage: maprace run [options] [CASE...]\n";
static const char check_synopsis[] =
    "usage: maprace check [options] [CASE...]\n";

static const char run_what[] =
    "Build every selected case variant (through the Makefile) and run it\n"
    "under every selected detector, --runs times; print the matrix of\n"
    "verdicts against case.ini.\n";
static const char check_what[] =
    "Same as run, for CI: the exit code says whether every cell is as\n"
    "case.ini expects (pass, known miss, known false positive).\n";

#define RUN_FILES                                                              \
    "Writes <out>/<run-id>/{results.json,summary.txt,raw/}, the --format\n"    \
    "files (@format-files@) and points\n"                                      \
    "<out>/latest at it (docs/report-format.md).\n"                            \
    "\n"

static const char run_more[] =
    RUN_FILES "exit codes: 0 the run completed (whatever the verdicts); 2 "
              "usage or\n"
              "catalog error; 3 a required tool missing (its cells are "
              "errors); 130\n"
              "interrupted.\n";
static const char check_more[] =
    RUN_FILES "exit codes: 0 every cell as expected; 1 some cell not as "
              "expected; 2\n"
              "usage or catalog error; 3 a required tool missing (its cells "
              "are\n"
              "errors); 130 interrupted.\n";

const struct verb_option run_options[] = {
    {OPT_DETECTORS, NULL},
    {OPT_VARIANT, NULL},
    {OPT_RUNS, NULL},
    {OPT_JOBS, NULL},
    {OPT_TIMEOUT, NULL},
    {OPT_OUT, NULL},
    {OPT_JSON, NULL},
    {OPT_FORMAT, NULL},
    {OPT_NO_COLOR, NULL},
    {OPT_NATURAL, NULL},
    {OPT_CASES, "another catalog than <root>/cases (tests)"},
    {OPT_SHARD, NULL},
    {OPT_BUILD, NULL},
    {OPT_BENCH_STATS, NULL},
    {OPT_COUNT, NULL},
};

static const struct verb_spec run_spec = {
    .name = "run",
    .synopsis = run_synopsis,
    .what = run_what,
    .options = run_options,
    .more = run_more,
};

static const struct verb_spec check_spec = {
    .name = "check",
    .synopsis = check_synopsis,
    .what = check_what,
    .options = run_options,
    .more = check_more,
};

int run_session_open(struct session *s, const struct cli *a, bool check)
{
    memset(s, 0, sizeof(*s));
    char *root = find_root();
    if (!root)
        return -1;
    struct run_opts *o = &s->opts;
    o->root = root;
    if (cli_run_opts(a, root, o) < 0)
        return -1;
    char *cases_dir;
    if (cli_load_catalog(root, a->cases, &s->cat, &cases_dir) < 0)
        return -1;
    o->cases = a->pos;
    o->nr_cases = a->nr_pos;
    o->cases_dir = cases_dir;
    o->check = check;
    return 0;
}

void run_session_release(struct session *s)
{
    char *out = (char *)s->opts.out, *cases_dir = (char *)s->opts.cases_dir,
         *root = (char *)s->opts.root;
    session_release(s);
    free(out);
    free(cases_dir);
    free(root);
}

int run_verb(const struct cli *a, bool check)
{
    struct session s;
    int rc = run_session_open(&s, a, check) < 0 ? EXIT_USAGE : session_run(&s);
    run_session_release(&s);
    return rc;
}

static int run_or_check(int argc, char **argv, const struct verb_spec *v,
                        bool check)
{
    struct cli a;
    enum parse_result pr = parse_options(argc, argv, v, &a);
    int rc = pr != PARSE_OK ? parse_exit(pr) : run_verb(&a, check);
    cli_release(&a);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    return run_or_check(argc, argv, &run_spec, false);
}

int cmd_check(int argc, char **argv)
{
    return run_or_check(argc, argv, &check_spec, true);
}
