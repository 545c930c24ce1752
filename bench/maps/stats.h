/*
 * bench/maps/stats.h - the median of repeated measurements and its
 * distribution-free 95 % confidence interval, shared by mapbench (C
 * figures) and mapreport (Go figures), so both are summarised the same way.
 *
 * The interval is the classic order-statistic one for a median: with n
 * sorted values x(1) <= ... <= x(n), [x(k), x(n+1-k)] for the largest k
 * with P(Binomial(n, 1/2) < k) <= 2.5 %. It assumes only independent
 * repetitions, no distribution. Its true coverage is at least 95 % (97.9 %
 * for n = 10); with n < 6 no such k exists and the interval is the whole
 * range [min, max] (coverage below 95 %: `covered` says so).
 */
#ifndef MAPBENCH_STATS_H
#define MAPBENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>

struct summary {
    size_t n;
    double median, lo, hi;
    double coverage; /* the interval's true coverage, 0..1 */
    bool covered;    /* coverage >= 0.95 */
};

/* Summarise v[0..n-1] (n >= 1); v is sorted in place. */
struct summary summarize(double *v, size_t n);

#endif
