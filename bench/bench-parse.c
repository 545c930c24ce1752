/*
 * bench/bench-parse.c - throughput of the detector log parsers.
 *
 * The inputs are synthetic but made of real records: the report of a
 * saved TSan log and the <error> records of saved Helgrind and DRD logs
 * (runner/tests/logs, case map-concurrent-writes) are repeated in memory
 * until each input is about 64 MiB, between the real header and trailer.
 * Each input is parsed from memory (parse_*_buf) five times; the median
 * time is printed as MB/s (1 MB = 10^6 bytes). Every repeat of a record has
 * the same signature, so all but REPORT_MAX_SAME are counted as dropped:
 * the figure includes building each finding and the signature cap. For
 * the XML inputs, expat alone (no handlers) on the same bytes is the floor
 * under any expat-based parser on this machine: each run of the parser is
 * paired with a run of expat alone right after it, and the parser's speed
 * as a fraction of expat's is the median of the five pairs' ratios (a
 * pair shares the machine's load of its moment, so the ratio holds better
 * than either figure on a busy machine). Wall and CPU time are printed;
 * the targets are judged on CPU time (bench/target.h).
 *
 * The targets (docs/benchmarks.md): TSan at least 600 MB/s; Helgrind and
 * DRD at least 0.95 of expat alone. Each is printed as met or MISSED with
 * the load average; a missed target makes the exit status 2 (after every
 * figure is printed), which `make bench` (scripts/run-bench) reports. The
 * targets are for an idle machine: under load even CPU time grows, and
 * the MB/s figure can miss for the load's sake alone.
 *
 * Usage: bench-parse [LOGS_DIR]   (default runner/tests/logs)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <expat.h>

#include "parse/parse.h"
#include "lib/util.h"

#include "target.h"

#ifndef TARGET
#define TARGET (64u << 20)
#endif
#define RUNS 5

/* The targets (issue "parsers fast again", docs/benchmarks.md). */
#define TARGET_TSAN_MBS 600.0
#define TARGET_VS_EXPAT 0.95

static int missed; /* a target was missed */

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char *path = path_join(dir, name);
    char *buf = read_file(path, 0, len);
    if (!buf) {
        fprintf(stderr, "bench-parse: cannot read %s: %s\n", path,
                strerror(errno));
        exit(1);
    }
    free(path);
    return buf;
}

/* head + record * k + tail, about TARGET bytes; *copies gets k. */
static char *build(const char *head, size_t nh, const char *rec, size_t nr,
                   const char *tail, size_t nt, size_t *len, size_t *copies)
{
    size_t k = TARGET / nr;
    size_t n = nh + k * nr + nt;
    char *buf = malloc(n);
    if (!buf) {
        fprintf(stderr, "bench-parse: out of memory\n");
        exit(1);
    }
    memcpy(buf, head, nh);
    for (size_t i = 0; i < k; i++)
        memcpy(buf + nh + i * nr, rec, nr);
    memcpy(buf + nh + k * nr, tail, nt);
    *len = n;
    *copies = k;
    return buf;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

enum kind { TSAN, VALGRIND };

/* One parse of buf; its wall seconds, its CPU seconds in *cpu. Exits when
 * the parser did not read every record. r is left for the caller to
 * release. */
static double parse_once(const char *title, enum kind kind,
                         const char *detector, const char *buf, size_t len,
                         size_t copies, struct report *r, double *cpu)
{
    report_init(r);
    double c0 = bench_cpu_s();
    double t0 = now();
    int rc = kind == TSAN ? parse_tsan_buf(buf, len, detector, r)
                          : parse_valgrind_buf(buf, len, detector, r);
    double t = now() - t0;
    *cpu = bench_cpu_s() - c0;
    if (rc || r->nr + r->nr_dropped != copies) {
        fprintf(stderr,
                "bench-parse: %s: rc %d, %zu findings + %zu dropped, "
                "expected %zu (%s)\n",
                title, rc, r->nr, r->nr_dropped, copies,
                r->error ? r->error : "no error");
        exit(1);
    }
    return t;
}

/* expat alone on buf, no handlers, fed as parse_valgrind_buf feeds it (1
 * MiB at a time); its wall seconds, its CPU seconds in *cpu. */
static double expat_once(const char *title, const char *buf, size_t len,
                         double *cpu)
{
    XML_Parser p = XML_ParserCreate(NULL);
    double c0 = bench_cpu_s();
    double t0 = now();
    int ok = 1;
    for (size_t pos = 0; ok && pos < len; pos += 1u << 20) {
        size_t n = len - pos < (1u << 20) ? len - pos : (1u << 20);
        ok = XML_Parse(p, buf + pos, (int)n, 0) == XML_STATUS_OK;
    }
    ok = ok && XML_Parse(p, "", 0, 1) == XML_STATUS_OK;
    double t = now() - t0;
    *cpu = bench_cpu_s() - c0;
    XML_ParserFree(p);
    if (!ok) {
        fprintf(stderr, "bench-parse: expat failed on %s\n", title);
        exit(1);
    }
    return t;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(v[0]), cmp_double);
    return v[n / 2];
}

/* RUNS parses of buf (each followed by expat alone when `pair`); prints
 * the medians of wall and CPU time. Returns the parser's median MB/s of
 * CPU time, and in *vs_expat the median of the pairs' ratios of CPU time
 * (parser MB/s / expat MB/s), when paired. */
static double bench(const char *title, enum kind kind, const char *detector,
                    const char *buf, size_t len, size_t copies, int pair,
                    double *vs_expat)
{
    double t[RUNS], c[RUNS], te[RUNS], ce[RUNS], ratio[RUNS];
    struct report r;
    double mb = (double)len / 1e6;
    for (int i = 0; i < RUNS; i++) {
        t[i] = parse_once(title, kind, detector, buf, len, copies, &r, &c[i]);
        if (i < RUNS - 1)
            report_release(&r);
        if (pair) {
            te[i] = expat_once(title, buf, len, &ce[i]);
            ratio[i] = ce[i] / c[i];
        }
    }
    double med = median(t, RUNS), medc = median(c, RUNS);
    printf("%-9s %6.1f MB, %7zu records: median of %d: %.3f s, %7.1f MB/s; "
           "CPU %.3f s, %7.1f MB/s (%zu kept, %zu dropped)\n",
           title, mb, copies, RUNS, med, mb / med, medc, mb / medc, r.nr,
           r.nr_dropped);
    report_release(&r);
    if (pair) {
        double mede = median(te, RUNS), medce = median(ce, RUNS);
        *vs_expat = median(ratio, RUNS);
        printf("%-9s %6.1f MB, expat alone, no handlers:  %.3f s, %7.1f MB/s; "
               "CPU %.3f s, %7.1f MB/s; %s / expat alone (CPU), median of %d "
               "pairs: %.3f\n",
               "", mb, mede, mb / mede, medce, mb / medce, title, RUNS,
               *vs_expat);
    }
    return mb / medc;
}

/* The TSan report between its first and last separator lines. */
static void bench_tsan(const char *dir)
{
    size_t n;
    char *log = slurp(dir, "case-mcw-tsan-clang14.log", &n);
    const char *start = strstr(log, "==================\nWARNING");
    const char *sum = strstr(log, "\nSUMMARY: ");
    const char *end = sum ? strstr(sum, "\n==================\n") : NULL;
    if (!start || !end) {
        fprintf(stderr, "bench-parse: no report in the TSan log\n");
        exit(1);
    }
    end += strlen("\n==================\n");
    size_t len, copies;
    char *buf =
        build("", 0, start, (size_t)(end - start), "", 0, &len, &copies);
    double mbs = bench("tsan", TSAN, "tsan", buf, len, copies, 0, NULL);
    missed |= bench_target("tsan", mbs, TARGET_TSAN_MBS, " MB/s (CPU)", 0);
    free(buf);
    free(log);
}

/* Header, the <error> records, trailer (from <status> on). */
static void bench_valgrind(const char *dir, const char *name,
                           const char *detector)
{
    size_t n;
    char *log = slurp(dir, name, &n);
    const char *first = strstr(log, "<error>");
    const char *status = first ? strstr(first, "<status>") : NULL;
    const char *last = status ? first : NULL;
    for (const char *p = first; p && p < status; p = strstr(p + 1, "<error>"))
        last = p;
    const char *end = last ? strstr(last, "</error>") : NULL;
    if (!end) {
        fprintf(stderr, "bench-parse: no <error> in %s\n", name);
        exit(1);
    }
    end += strlen("</error>\n");
    size_t records = 0;
    for (const char *p = first; p && p < end; p = strstr(p + 1, "<error>"))
        records++;
    size_t len, copies;
    char *buf = build(log, (size_t)(first - log), first, (size_t)(end - first),
                      status, n - (size_t)(status - log), &len, &copies);
    double vs = 0;
    bench(detector, VALGRIND, detector, buf, len, copies * records, 1, &vs);
    missed |= bench_target(detector, vs, TARGET_VS_EXPAT, "x expat", 0);
    free(buf);
    free(log);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "runner/tests/logs";
    char load[64];
    bench_loadavg(load, sizeof(load));
    printf("bench-parse: synthetic inputs made in memory by repeating the "
           "real records of %s/case-mcw-* (load average %s)\n",
           dir, load);
    bench_tsan(dir);
    bench_valgrind(dir, "case-mcw-helgrind.xml", "helgrind");
    bench_valgrind(dir, "case-mcw-drd.xml", "drd");
    if (missed)
        printf("bench-parse: a target was MISSED (see the target: lines; a "
               "busy machine "
               "can miss one for its load alone: compare the load average)\n");
    return missed ? 2 : 0;
}
