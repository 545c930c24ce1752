/*
 * cost.c - each detector's slowdown and memory against native; see cost.h.
 */
#include "engine/cost.h"

#include "engine/detectors.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const struct detector_cost_anchor *cost_anchor(const char *detector)
{
    const struct detector_row *row = detector_row_named(detector);
    return row && row->anchor.time ? &row->anchor : NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n-1] (sorted in place); n > 0. */
static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* What a run cost. */
enum cost_of { COST_WALL, COST_CPU, COST_RSS };

/* A run's figure, or < 0 when it has none (a run that did not start). */
static double run_figure(const struct res_run *r, enum cost_of which)
{
    switch (which) {
    case COST_WALL:
        return isnan(r->wall_s) ? -1 : r->wall_s;
    case COST_CPU:
        return isnan(r->cpu_s) ? -1 : r->cpu_s;
    case COST_RSS:
        return r->maxrss_kb < 0 ? -1 : (double)r->maxrss_kb;
    }
    return -1;
}

/* Median of a figure over a cell's runs; < 0 when none has it. */
static double run_median(const struct res_cell *cell, enum cost_of which)
{
    size_t n = 0;
    double *v = xcalloc(cell->nr_runs_detail + 1, sizeof(*v)), m = -1;
    for (size_t i = 0; i < cell->nr_runs_detail; i++) {
        double x = run_figure(&cell->runs_detail[i], which);
        if (x >= 0)
            v[n++] = x;
    }
    if (n)
        m = median(v, n);
    free(v);
    return m;
}

/* The detector whose runs are det's baseline: the plain run of the same
 * program on the same model (detector_baseline()); an unknown detector's
 * is the first row's. */
static const char *baseline(const char *det)
{
    int d = det ? detector_by_name(det) : -1;
    return detector_name(detector_baseline(d >= 0 ? d : 0));
}

static double ratio(const struct res_cell *cell, const struct res_cell *native,
                    enum cost_of which)
{
    double a = run_median(cell, which), b = run_median(native, which);
    return a >= 0 && b > 0 ? a / b : NAN;
}

/* The stat of one ratio over a detector's cells. */
static struct res_cost_stat stat_of(const struct results *r, const char *det,
                                    enum cost_of which)
{
    size_t n = 0;
    double *v = xcalloc(r->nr_cells + 1, sizeof(*v));
    for (size_t i = 0; i < r->nr_cells; i++) {
        const struct res_cell *c = &r->cells[i];
        if (!c->cost || strcmp(c->detector, det))
            continue;
        double x = which == COST_WALL  ? c->cost->wall_x
                   : which == COST_CPU ? c->cost->cpu_x
                                       : c->cost->maxrss_x;
        if (!isnan(x))
            v[n++] = x;
    }
    struct res_cost_stat s = {(long long)n, NAN, NAN, NAN};
    if (n) {
        qsort(v, n, sizeof(*v), cmp_double);
        s.min = v[0];
        s.max = v[n - 1];
        s.median = median(v, n);
    }
    free(v);
    return s;
}

void cost_results(struct results *r)
{
    for (size_t i = 0; i < r->nr_cells; i++) {
        struct res_cell *c = &r->cells[i];
        const char *base = baseline(c->detector);
        if (!strcmp(c->detector, base))
            continue;
        const struct res_cell *nat =
            results_cell_of(r, c->case_name, c->variant, base);
        if (!nat)
            continue;
        if (!c->cost)
            c->cost = xcalloc(1, sizeof(*c->cost));
        c->cost->wall_x = ratio(c, nat, COST_WALL);
        c->cost->cpu_x = ratio(c, nat, COST_CPU);
        c->cost->maxrss_x = ratio(c, nat, COST_RSS);
    }
    for (size_t i = 0; i < r->nr_cost; i++)
        free(r->cost[i].detector);
    free(r->cost);
    r->cost = xcalloc(r->options.nr_detectors + 1, sizeof(*r->cost));
    r->nr_cost = 0;
    for (size_t i = 0; i < r->options.nr_detectors; i++) {
        const char *det = r->options.detectors[i];
        if (!det || !strcmp(det, baseline(det)))
            continue;
        struct res_cost *o = &r->cost[r->nr_cost++];
        o->detector = xstrdup(det);
        o->wall_x = stat_of(r, det, COST_WALL);
        o->cpu_x = stat_of(r, det, COST_CPU);
        o->maxrss_x = stat_of(r, det, COST_RSS);
    }
}

static struct cost_stat row_stat(const struct res_cost_stat *s)
{
    return (struct cost_stat){.median = isnan(s->median) ? 0 : s->median,
                              .min = isnan(s->min) ? 0 : s->min,
                              .max = isnan(s->max) ? 0 : s->max,
                              .n = (size_t)s->cells};
}

size_t cost_rows(const struct results *r, struct cost_row *rows, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nr_cost && n < max; i++, n++) {
        rows[n].detector = r->cost[i].detector;
        rows[n].wall = row_stat(&r->cost[i].wall_x);
        rows[n].cpu = row_stat(&r->cost[i].cpu_x);
        rows[n].rss = row_stat(&r->cost[i].maxrss_x);
    }
    return n;
}

static void print_stat(FILE *f, struct cost_stat s)
{
    if (!s.n)
        fprintf(f, "  %-22s", "-");
    else
        fprintf(f, "  %6.1fx [%5.1f, %6.1f]", s.median, s.min, s.max);
}

void cost_print(FILE *f, const struct results *results, const char *prefix)
{
    struct cost_row rows[16];
    size_t n = cost_rows(results, rows, 16);

    if (!n || !rows[0].wall.n)
        return;
    fprintf(f, "%s%-9s %5s  %-22s  %-22s  %-22s  %s\n", prefix, "detector",
            "cells", "wall x [min, max]", "CPU x [min, max]",
            "max RSS x [min, max]", "documented (time, memory)");
    for (size_t i = 0; i < n; i++) {
        const struct detector_cost_anchor *a = cost_anchor(rows[i].detector);
        fprintf(f, "%s%-9s %5zu", prefix, rows[i].detector, rows[i].wall.n);
        print_stat(f, rows[i].wall);
        print_stat(f, rows[i].cpu);
        print_stat(f, rows[i].rss);
        if (a)
            fprintf(f, "  %s, %s (%s)", a->time, a->memory, a->source);
        fputc('\n', f);
    }
}
