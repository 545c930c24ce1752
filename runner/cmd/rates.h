/*
 * cmd/rates.h - `maprace rates`: how often each detector catches each race
 * when nothing forces it (rates.h), as a Markdown table on stdout.
 *
 * Two ways:
 *  - `maprace rates --from DIR...`: tabulate report folders of earlier
 *    runs (`maprace run --natural --runs N`, and forced runs), their counts
 *    added up per cell;
 *  - `maprace rates [-d LIST] [--runs N] [CASE...]`: run them first, three
 *    passes through the run verb (cmd/run.h), over the variants whose
 *    case.ini expects something to be seen: natural with N runs (default 100) for
 *    native, tsan and tsan-gcc; natural with max(1, N / 5) runs for
 *    helgrind and drd (valgrind runs take seconds each); forced with
 *    RATES_FORCED_RUNS runs for every selected detector. Each pass writes
 *    its own report folder under --out, as `maprace run` does.
 */
#ifndef MAPRACE_CMD_RATES_H
#define MAPRACE_CMD_RATES_H

#include <stdbool.h>
#include <stddef.h>

#define RATES_DEFAULT_RUNS 100
#define RATES_FORCED_RUNS 10

/* One pass of the run verb. */
struct rates_pass {
    bool natural;
    const char *detectors; /* comma-separated */
    int runs;
    char **variants;
    size_t nr_variants;
};

/* Runs one pass (main.c: the run verb with these settings); returns its
 * exit code (0, 1: ran; 2, 3, 130: did not, or was stopped). */
typedef int (*rates_run_fn)(void *ctx, const struct rates_pass *p);

struct rates_request {
    char **from; /* report folders (or results.json files) to tabulate */
    size_t nr_from;
    char **cases; /* the cases named on the command line, or none: all */
    size_t nr_cases;
    const char *detectors; /* -d, or NULL: all */
    int runs;              /* --runs, or 0: RATES_DEFAULT_RUNS */
    const char *out;       /* the reports folder, absolute */
    const char *cases_dir; /* the catalog, absolute */
    rates_run_fn run;
    void *ctx;
};

/* The table of rq: tabulate rq->from, or run the passes (rq->run) and
 * tabulate them; print it on stdout. Returns the exit code (the verb,
 * cmd_rates() in cmd/builtin.h, fills rq from the command line). */
int rates_tabulate(const struct rates_request *rq);

#endif
