/*
 * rates.c - natural against forced detection rates; see rates.h.
 */
#include "engine/rates.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/detectors.h"
#include "lib/util.h"

static const char *str(const char *s)
{
    return s ? s : "";
}

static struct rate *find(struct rates *r, const struct res_cell *cell)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->v[i].case_name, cell->case_name) &&
            !strcmp(r->v[i].variant, cell->variant) &&
            !strcmp(r->v[i].detector, cell->detector))
            return &r->v[i];
    if (r->n == r->alloc) {
        r->alloc = r->alloc ? 2 * r->alloc : 32;
        r->v = xrealloc(r->v, r->alloc * sizeof(*r->v));
    }
    r->v[r->n] = (struct rate){
        .case_name = xstrdup(cell->case_name),
        .variant = xstrdup(cell->variant),
        .detector = xstrdup(cell->detector),
        .expected = xstrdup(!strcmp(str(cell->expectation.kind), "miss")
                                ? "known miss"
                                : str(cell->expected)),
    };
    return &r->v[r->n++];
}

/* Cells whose expectation is something to see. */
static bool counted(const struct res_cell *cell)
{
    const char *kind = str(cell->expectation.kind);
    return !strcmp(kind, "race") || !strcmp(kind, "fatal") ||
           !strcmp(kind, "symptom") || !strcmp(kind, "miss");
}

void rates_add(struct rates *r, const struct results *results)
{
    bool forced = results->options.forced;
    for (size_t i = 0; i < results->nr_cells; i++) {
        const struct res_cell *c = &results->cells[i];
        long k = (long)c->detected_runs;
        long n = (long)c->runs_done;
        struct rate *x;
        if (!counted(c) || n <= 0)
            continue;
        x = find(r, c);
        if (forced) {
            x->forced_k += k;
            x->forced_n += n;
        } else {
            x->natural_k += k;
            x->natural_n += n;
        }
    }
}

void rates_wilson(long k, long n, double *lo, double *hi)
{
    const double z = 1.96;
    double p, d, centre, half;

    if (n <= 0) {
        *lo = 0;
        *hi = 1;
        return;
    }
    p = (double)k / (double)n;
    d = 1 + z * z / (double)n;
    centre = (p + z * z / (2.0 * (double)n)) / d;
    half =
        z *
        sqrt(p * (1 - p) / (double)n + z * z / (4.0 * (double)n * (double)n)) /
        d;
    *lo = centre - half < 0 ? 0 : centre - half;
    *hi = centre + half > 1 ? 1 : centre + half;
}

static void rate_cell(FILE *f, long k, long n)
{
    double lo, hi;

    if (!n) {
        fputs(" not run |", f);
        return;
    }
    rates_wilson(k, n, &lo, &hi);
    fprintf(f, " %ld/%ld = %.0f %% [%.0f, %.0f] |", k, n,
            100.0 * (double)k / (double)n, 100 * lo, 100 * hi);
}

static int cmp_rate(const void *a, const void *b)
{
    const struct rate *x = a, *y = b;
    int c = strcmp(x->case_name, y->case_name);
    if (!c)
        c = strcmp(x->variant, y->variant);
    if (!c)
        c = detector_by_name(x->detector) - detector_by_name(y->detector);
    return c ? c : strcmp(x->detector, y->detector);
}

void rates_markdown(FILE *f, struct rates *r)
{
    qsort(r->v, r->n, sizeof(*r->v), cmp_rate);
    fputs("| case/variant | detector | expects | natural: seen/runs = rate "
          "[Wilson 95 %] | forced: seen/runs = rate [Wilson 95 %] |\n"
          "|---|---|---|---|---|\n",
          f);
    for (size_t i = 0; i < r->n; i++) {
        const struct rate *x = &r->v[i];
        fprintf(f, "| %s/%s | %s | %s |", x->case_name, x->variant, x->detector,
                x->expected);
        rate_cell(f, x->natural_k, x->natural_n);
        rate_cell(f, x->forced_k, x->forced_n);
        fputc('\n', f);
    }
}

void rates_release(struct rates *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].case_name);
        free(r->v[i].variant);
        free(r->v[i].detector);
        free(r->v[i].expected);
    }
    free(r->v);
    *r = (struct rates){0};
}
