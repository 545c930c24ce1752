/*
 * bench/target.h - the targets of the parser benchmarks (bench-parse,
 * bench-hostile), stated the same way by both: one line per target,
 *
 *   target: <what> <got><unit>, want >= <want><unit>: met (load average L)
 *
 * judged on CPU time (bench_cpu_s), with "MISSED" instead of "met" when
 * the figure misses it, and the load
 * average of /proc/loadavg beside it: the targets are for an idle machine
 * (docs/benchmarks.md), and a busy one misses them for its load alone.
 * A program with a missed target exits 2 after printing every figure
 * (scripts/run-bench, `make bench`, then fails).
 */
#ifndef MAPRACE_BENCH_TARGET_H
#define MAPRACE_BENCH_TARGET_H

#include <stdio.h>
#include <time.h>

/* This process's CPU seconds: the figure a target is judged on. On an
 * idle machine it is the wall time (the parsers run on one thread); on a
 * busy one it leaves out the time the process waited for a core. */
static double bench_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "1.23 0.98 0.75", or "unknown" */
static void bench_loadavg(char *buf, size_t n)
{
    FILE *fp = fopen("/proc/loadavg", "r");
    double a = 0, b = 0, c = 0;
    if (!fp || fscanf(fp, "%lf %lf %lf", &a, &b, &c) != 3)
        snprintf(buf, n, "unknown");
    else
        snprintf(buf, n, "%.2f %.2f %.2f", a, b, c);
    if (fp)
        fclose(fp);
}

/* Print one target line; returns 1 when it is missed. at_most: the
 * figure must be <= want (a time), else >= want (a speed). */
static int bench_target(const char *what, double got, double want,
                        const char *unit, int at_most)
{
    char load[64];
    bench_loadavg(load, sizeof(load));
    int ok = at_most ? got <= want : got >= want;
    printf("target: %-9s %.2f%s, want %s %.2f%s: %s (load average %s)\n", what,
           got, unit, at_most ? "<=" : ">=", want, unit, ok ? "met" : "MISSED",
           load);
    return !ok;
}

#endif
