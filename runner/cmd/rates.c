/*
 * rates.c - `maprace rates`; see cmd/rates.h.
 */
#include "cmd/rates.h"

#include "cmd/builtin.h"
#include "cmd/options.h"
#include "cmd/repository.h"
#include "cmd/run.h"
#include "engine/catalog.h"
#include "engine/detectors.h"
#include "engine/rates.h"
#include "lib/util.h"
#include "lib/exit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Add one report folder (or results.json) to r. 0, or -1 after an error. */
static int add_report(struct rates *r, const char *where)
{
    struct stat st;
    char *path = stat(where, &st) == 0 && S_ISDIR(st.st_mode)
                     ? path_join(where, "results.json")
                     : xstrdup(where);
    struct results res;
    char *why = NULL;
    int rc = 0;

    if (results_load(path, &res, &why) < 0) {
        rc = error("cannot read %s", why);
        free(why);
    } else {
        rates_add(r, &res);
        results_release(&res);
    }
    free(path);
    return rc;
}

static bool named(const struct rates_request *rq, const char *name)
{
    for (size_t i = 0; i < rq->nr_cases; i++)
        if (!strcmp(rq->cases[i], name))
            return true;
    return !rq->nr_cases;
}

/* The names of the variants, in the selected cases, that some detector
 * expects to see something in. */
static char **racy_variants(const struct rates_request *rq,
                            const struct catalog *cat, size_t *n)
{
    char **v = NULL;
    *n = 0;
    for (size_t i = 0; i < cat->nr; i++)
        for (size_t j = 0; j < cat->cases[i].nr_variants; j++) {
            const struct variant *var = &cat->cases[i].variants[j];
            if (!named(rq, cat->cases[i].name))
                break;
            bool racy = false, seen = false;
            for (int d = 0; d < DET_COUNT; d++) {
                enum expect_kind k = var->expect[d].kind;
                racy |= k == EXPECT_RACE || k == EXPECT_FATAL ||
                        k == EXPECT_SYMPTOM || k == EXPECT_MISS;
            }
            for (size_t k = 0; k < *n && !seen; k++)
                seen = !strcmp(v[k], var->name);
            if (racy && !seen) {
                v = xrealloc(v, (*n + 1) * sizeof(*v));
                v[(*n)++] = xstrdup(var->name);
            }
        }
    return v;
}

/* The selected detectors, split: valgrind's (slow) and the others. */
static int split_detectors(const char *list, struct strbuf *fast,
                           struct strbuf *slow)
{
    bool mask[DET_COUNT];

    if (detector_list_option(list ? list : "all", mask) < 0)
        return -1;
    for (int d = 0; d < DET_COUNT; d++) {
        if (!mask[d])
            continue;
        struct strbuf *sb = detector_row(d)->valgrind_tool ? slow : fast;
        strbuf_addf(sb, "%s%s", sb->len ? "," : "", detector_name(d));
    }
    return 0;
}

/* Run one pass and add its report (<out>/latest) to r. */
static int run_pass(const struct rates_request *rq, struct rates *r,
                    const struct rates_pass *p)
{
    char *latest;
    int rc;

    fprintf(stderr, "maprace: rates: %s, %s, %d run%s per cell\n",
            p->natural ? "natural" : "forced", p->detectors, p->runs,
            p->runs == 1 ? "" : "s");
    rc = rq->run(rq->ctx, p);
    if (rc != 0 && rc != 1 && rc != 3) /* 3: a tool missing, its cells errors */
        return error("rates: the %s pass of %s stopped (exit %d)",
                     p->natural ? "natural" : "forced", p->detectors, rc);
    latest = path_join(rq->out, "latest");
    rc = add_report(r, latest);
    free(latest);
    return rc;
}

/* The three passes of cmd/rates.h. 0, or -1 after an error. */
static int run_passes(const struct rates_request *rq, struct rates *r)
{
    struct strbuf fast = STRBUF_INIT, slow = STRBUF_INIT;
    struct catalog cat = {0};
    char *why = NULL, *all;
    int runs = rq->runs > 0 ? rq->runs : RATES_DEFAULT_RUNS, rc = -1;
    struct rates_pass p = {.natural = true};

    if (split_detectors(rq->detectors, &fast, &slow) < 0)
        goto out;
    if (catalog_load(rq->cases_dir, &cat, &why) < 0) {
        error("%s", why);
        goto out;
    }
    p.variants = racy_variants(rq, &cat, &p.nr_variants);
    if (fast.len) {
        p.detectors = fast.buf;
        p.runs = runs;
        if (run_pass(rq, r, &p) < 0)
            goto out;
    }
    if (slow.len) {
        p.detectors = slow.buf;
        p.runs = runs / 5 > 1 ? runs / 5 : 1;
        if (run_pass(rq, r, &p) < 0)
            goto out;
    }
    all = xasprintf("%s%s%s", fast.len ? fast.buf : "",
                    fast.len && slow.len ? "," : "", slow.len ? slow.buf : "");
    p.natural = false;
    p.detectors = all;
    p.runs = RATES_FORCED_RUNS;
    rc = run_pass(rq, r, &p);
    free(all);
out:
    for (size_t i = 0; i < p.nr_variants; i++)
        free(p.variants[i]);
    free(p.variants);
    free(why);
    catalog_release(&cat);
    strbuf_release(&fast);
    strbuf_release(&slow);
    return rc;
}

int rates_tabulate(const struct rates_request *rq)
{
    struct rates r = {0};
    int rc = 0;

    if (rq->nr_from) {
        for (size_t i = 0; i < rq->nr_from && !rc; i++)
            rc = add_report(&r, rq->from[i]);
    } else {
        rc = run_passes(rq, &r);
    }
    if (rc < 0) {
        rates_release(&r);
        return EXIT_USAGE;
    }
    if (!r.n) {
        rates_release(&r);
        error("rates: no cell that expects a race, a fatal error, a "
              "symptom or a known miss");
        return EXIT_USAGE;
    }
    rates_markdown(stdout, &r);
    rates_release(&r);
    return EXIT_OK;
}

static const struct verb_option rates_options[] = {
    {OPT_FROM, NULL},
    {OPT_DETECTORS, NULL},
    {OPT_RUNS, "natural runs per cell (default 100; helgrind and drd: N / "
               "5)"},
    {OPT_JOBS, NULL},
    {OPT_TIMEOUT, NULL},
    {OPT_OUT, NULL},
    {OPT_CASES, NULL},
    {OPT_BUILD, NULL},
    {OPT_COUNT, NULL},
};

static const char rates_synopsis[] =
    "usage: maprace rates [-d LIST] [--runs N] [-j N] [--timeout S] [--out "
    "DIR]\n"
    "                     [--cases DIR] [--build DIR] [CASE...]\n"
    "       maprace rates --from DIR [--from DIR...]\n";
static const char rates_what[] =
    "How often each detector catches each race when nothing forces it: for\n"
    "every variant whose case.ini expects a race, a fatal error, a symptom\n"
    "or a known miss, and every detector, the runs that showed it out of\n"
    "the runs done, natural (MAPRACE_FORCE=0) beside forced, each with a\n"
    "Wilson 95 % interval. Prints a Markdown table on stdout; the runs\n"
    "print their matrices on stderr.\n"
    "\n"
    "Runs three passes of `maprace run` (reports under --out): natural with\n"
    "--runs N runs (default 100) under native, tsan and tsan-gcc; natural\n"
    "with max(1, N / 5) runs under helgrind and drd (a valgrind run takes\n"
    "seconds); forced with 10 runs under every selected detector.\n";
static const char rates_more[] =
    "exit codes: 0 the table was printed; 2 usage error, unreadable report\n"
    "or a pass that could not run.\n";

static const struct verb_spec rates_spec = {
    .name = "rates",
    .synopsis = rates_synopsis,
    .what = rates_what,
    .options = rates_options,
    .more = rates_more,
};

/* maprace rates: a pass is the run verb with its settings (cmd/rates.h);
 * its matrix goes to stderr, stdout keeps the table. */
static int rates_pass_run(void *ctx, const struct rates_pass *p)
{
    struct cli b = *(const struct cli *)ctx;
    b.natural = p->natural;
    b.detectors = p->detectors;
    b.runs = p->runs;
    b.variants = p->variants;
    b.nr_variants = p->nr_variants;
    b.format = "none";
    b.no_color = true;
    b.json = false;
    fflush(stdout);
    int saved = dup(1);
    dup2(2, 1);
    int rc = run_verb(&b, false);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    return rc;
}

static int rates_verb(const struct cli *a)
{
    struct rates_request rq = {.from = a->from,
                               .nr_from = a->nr_from,
                               .cases = a->pos,
                               .nr_cases = a->nr_pos,
                               .detectors = a->detectors,
                               .runs = a->given[OPT_RUNS] ? a->runs : 0,
                               .run = rates_pass_run,
                               .ctx = (void *)a};
    char *out = NULL, *cases_dir = NULL;
    if (!a->nr_from && (!(out = given_or_in_root(a->out, "reports")) ||
                        !(cases_dir = given_or_in_root(a->cases, "cases"))))
        return EXIT_USAGE;
    rq.out = out;
    rq.cases_dir = cases_dir;
    int rc = rates_tabulate(&rq);
    free(out);
    free(cases_dir);
    return rc;
}

int cmd_rates(int argc, char **argv)
{
    struct cli a;
    enum parse_result pr = parse_options(argc, argv, &rates_spec, &a);
    int rc = pr != PARSE_OK ? parse_exit(pr) : rates_verb(&a);
    cli_release(&a);
    return rc;
}
