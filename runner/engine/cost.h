/*
 * cost.h - what each detector costs: the wall time, CPU time and peak
 * memory (maxrss) of its runs against the native runs of the same case
 * variants, from the results of a run (results-model.h).
 *
 * A cell's cost is the median of its runs' figure divided by the median
 * of the native cell's runs (same case, same variant); a detector's cost
 * is the median, minimum and maximum of its cells' costs. A cell without
 * a native twin, or with no completed run on either side, has no cost.
 * Runs that timed out, crashed or were stopped still count: the figures
 * are what the run cost.
 */
#ifndef MAPRACE_COST_H
#define MAPRACE_COST_H

#include "engine/detectors.h"
#include "engine/results-model.h"

#include <stdio.h>

/* The published cost of the detector named `detector`, for tables and
 * charts (docs/benchmarks.md cites them): its row's anchor (detectors.h),
 * or NULL when none is published or there is no such detector. */
const struct detector_cost_anchor *cost_anchor(const char *detector);

struct cost_stat {
    double median, min, max;
    size_t n; /* cells (case variants) it is made of; 0: none */
};

struct cost_row {
    const char *detector; /* points into the results */
    struct cost_stat wall, cpu, rss;
};

/* Set the cost {wall_x, cpu_x, maxrss_x} (NAN where unknown) of every
 * cell of another detector than its baseline (native, or native-swiss
 * for a detector of the Swiss-table model) that has a baseline twin, and
 * r->cost: one per detector of the run but the baselines. */
void cost_results(struct results *r);

/* Fill rows (up to max) from r->cost; returns how many. */
size_t cost_rows(const struct results *r, struct cost_row *rows, size_t max);

/* The slowdown table, plain text, one line per detector, with the
 * anchors, each line starting with prefix. Prints nothing when there is
 * no native run to compare with. */
void cost_print(FILE *f, const struct results *r, const char *prefix);

#endif
