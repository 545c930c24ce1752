/*
 * rates.h - how often each detector catches each race when nothing forces
 * it: per cell (case, variant, detector) whose case.ini expects something
 * to be seen (a race, a fatal error, a symptom, or a known miss), the runs
 * that showed it out of the runs done, in natural runs (MAPRACE_FORCE=0)
 * beside forced runs, with a Wilson 95 % interval.
 *
 * The counts come from results documents (results.json: cells[].
 * detected_runs and runs_done, options.forced); several documents add up
 * (runs are independent), so a table can join a run of the fast detectors
 * with a shorter run of the slow ones.
 */
#ifndef MAPRACE_RATES_H
#define MAPRACE_RATES_H

#include "engine/results-model.h"

#include <stdbool.h>
#include <stdio.h>

struct rate {
    char *case_name, *variant, *detector, *expected;
    long natural_k, natural_n; /* runs that showed it / runs done */
    long forced_k, forced_n;
};

struct rates {
    struct rate *v;
    size_t n, alloc;
};

/* Add the counts of one results document (natural or forced, as its
 * options.forced says). */
void rates_add(struct rates *r, const struct results *results);

/* Wilson score interval for k successes in n trials, 95 % (z = 1.96);
 * [0, 1] when n == 0. */
void rates_wilson(long k, long n, double *lo, double *hi);

/* The table, Markdown: one row per cell, by case, variant, then detector
 * in the detector table's order (r is sorted so). */
void rates_markdown(FILE *f, struct rates *r);

void rates_release(struct rates *r);

#endif
