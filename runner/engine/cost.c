/*
 * cost.c - each detector's slowdown and memory against native; see cost.h.
 */
#include "engine/cost.h"

#include "engine/detectors.h"

#include <stdlib.h>
#include <string.h>

const struct detector_cost_anchor *cost_anchor(const char *detector)
{
    const struct detector_row *row = detector_row_named(detector);
    return row && row->anchor.time ? &row->anchor : NULL;
}

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
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

/* Median of key over a cell's run_details; < 0 when none has it. */
static double run_median(json_t *cell, const char *key)
{
    json_t *runs = json_object_get(cell, "run_details"), *r;
    size_t n = 0, i;
    double *v = calloc(json_array_size(runs) + 1, sizeof(*v)), m = -1;

    json_array_foreach(runs, i, r)
    {
        json_t *x = json_object_get(r, key);
        if (json_is_number(x))
            v[n++] = json_number_value(x);
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

/* The plain run of the same program (baseline()). */
static json_t *native_twin(json_t *cells, json_t *cell)
{
    size_t i;
    json_t *c;
    const char *base = baseline(str(cell, "detector"));

    json_array_foreach(cells, i, c)
    {
        if (!strcmp(str(c, "detector"), base) &&
            !strcmp(str(c, "case"), str(cell, "case")) &&
            !strcmp(str(c, "variant"), str(cell, "variant")))
            return c;
    }
    return NULL;
}

static json_t *ratio(json_t *cell, json_t *native, const char *key)
{
    double a = run_median(cell, key), b = run_median(native, key);

    return a >= 0 && b > 0 ? json_real(a / b) : json_null();
}

/* The stat of one ratio over a detector's cells. */
static json_t *stat_json(json_t *cells, const char *det, const char *key)
{
    size_t i, n = 0;
    json_t *c, *o = json_object();
    double *v = calloc(json_array_size(cells) + 1, sizeof(*v));

    json_array_foreach(cells, i, c)
    {
        json_t *x = json_object_get(json_object_get(c, "cost"), key);
        if (!strcmp(str(c, "detector"), det) && json_is_number(x))
            v[n++] = json_number_value(x);
    }
    json_object_set_new(o, "cells", json_integer((json_int_t)n));
    if (n) {
        qsort(v, n, sizeof(*v), cmp_double);
        json_object_set_new(o, "min", json_real(v[0]));
        json_object_set_new(o, "max", json_real(v[n - 1]));
        json_object_set_new(o, "median", json_real(median(v, n)));
    }
    free(v);
    return o;
}

void cost_annotate(json_t *results)
{
    json_t *cells = json_object_get(results, "cells");
    json_t *dets =
        json_object_get(json_object_get(results, "options"), "detectors");
    json_t *summary = json_array(), *c, *d;
    size_t i;

    json_array_foreach(cells, i, c)
    {
        json_t *nat, *o;
        const char *det = str(c, "detector");
        if (!det || !strcmp(det, baseline(det)) ||
            !(nat = native_twin(cells, c)))
            continue;
        o = json_object();
        json_object_set_new(o, "wall_x", ratio(c, nat, "wall_s"));
        json_object_set_new(o, "cpu_x", ratio(c, nat, "cpu_s"));
        json_object_set_new(o, "maxrss_x", ratio(c, nat, "maxrss_kb"));
        json_object_set_new(c, "cost", o);
    }
    json_array_foreach(dets, i, d)
    {
        const char *det = json_string_value(d);
        json_t *o;
        if (!det || !strcmp(det, baseline(det)))
            continue;
        o = json_object();
        json_object_set_new(o, "detector", json_string(det));
        json_object_set_new(o, "wall_x", stat_json(cells, det, "wall_x"));
        json_object_set_new(o, "cpu_x", stat_json(cells, det, "cpu_x"));
        json_object_set_new(o, "maxrss_x", stat_json(cells, det, "maxrss_x"));
        json_array_append_new(summary, o);
    }
    json_object_set_new(results, "cost", summary);
}

static struct cost_stat stat_of(json_t *o)
{
    struct cost_stat s = {0};
    s.n = (size_t)json_integer_value(json_object_get(o, "cells"));
    s.median = json_number_value(json_object_get(o, "median"));
    s.min = json_number_value(json_object_get(o, "min"));
    s.max = json_number_value(json_object_get(o, "max"));
    return s;
}

size_t cost_rows(json_t *results, struct cost_row *rows, size_t max)
{
    json_t *o;
    size_t i, n = 0;

    json_array_foreach(json_object_get(results, "cost"), i, o)
    {
        if (n == max)
            break;
        rows[n].detector = str(o, "detector");
        rows[n].wall = stat_of(json_object_get(o, "wall_x"));
        rows[n].cpu = stat_of(json_object_get(o, "cpu_x"));
        rows[n].rss = stat_of(json_object_get(o, "maxrss_x"));
        n++;
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

void cost_print(FILE *f, json_t *results, const char *prefix)
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
