/*
 * bench/maps/stats.c - median and its order-statistic 95 % interval; see
 * stats.h.
 */
#include <math.h>
#include <stdlib.h>

#include "stats.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* P(Binomial(n, 1/2) <= k), by summing the terms in log space. */
static double binom_cdf_half(size_t n, size_t k)
{
    double sum = 0;

    for (size_t i = 0; i <= k && i <= n; i++)
        sum += exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
                   lgamma((double)(n - i) + 1) - (double)n * log(2.0));
    return sum;
}

struct summary summarize(double *v, size_t n)
{
    struct summary s = {.n = n};
    size_t k = 0; /* 1-based rank of the lower bound; 0: none */

    qsort(v, n, sizeof(*v), cmp_double);
    s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    while (k + 1 <= n / 2 && binom_cdf_half(n, k) <= 0.025)
        k++;
    if (k == 0) {
        s.lo = v[0];
        s.hi = v[n - 1];
        s.coverage = n > 1 ? 1 - 2 * binom_cdf_half(n, 0) : 0;
    } else {
        s.lo = v[k - 1];
        s.hi = v[n - k];
        s.coverage = 1 - 2 * binom_cdf_half(n, k - 1);
    }
    s.covered = s.coverage >= 0.95;
    return s;
}
