/*
 * bench/bench-hostile.c - the parsers on 64 MiB logs of hostile shapes, as
 * the runner reads them (parse_*_file, from a file): the time and the
 * memory each takes, which must both stay flat per megabyte (linear time,
 * bounded memory).
 *
 *   native   "fatal error: x" lines, none with its traceback
 *   tsan     "WARNING: ThreadSanitizer: data race" lines, each report cut
 *            short by the next
 *   tsan-ok  one complete report of a race, repeated
 *   valgrind one Helgrind <error> record, repeated, in a valid document
 *   go       "fatal error: x" lines, as Go's runtime prints them (parse-go)
 *   go-race  one complete Go race report, repeated
 *
 * Each log is written to a temporary file, parsed once, and the seconds,
 * MB/s, findings kept and dropped, and the growth of the peak resident
 * size (getrusage ru_maxrss) are printed.
 *
 * The target (docs/benchmarks.md): every parser at most 2 s of CPU time
 * on each 64 MiB log, stated as met or MISSED with the load average
 * (bench/target.h; exit status 2 when one is missed). Another size prints
 * the figures only.
 *
 * Usage: bench-hostile [MIB]   (default 64)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "parse/go.h"
#include "parse/parse.h"
#include "lib/util.h"

#include "target.h"

/* The target: seconds per 64 MiB log, for every parser. */
#define TARGET_MIB 64
#define TARGET_SECONDS 2.0

static const char go_report[] =
    "==================\n"
    "WARNING: DATA RACE\n"
    "Write at 0x00c0000a0150 by goroutine 8:\n"
    "  runtime.mapassign_fast64()\n"
    "      /usr/lib/go-1.19/src/runtime/map_fast64.go:93 +0x0\n"
    "  main.main.func2()\n"
    "      /src/cases/map-concurrent-writes/racy.go:30 +0x52\n"
    "\n"
    "Previous write at 0x00c0000a0150 by goroutine 7:\n"
    "  runtime.mapassign_fast64()\n"
    "      /usr/lib/go-1.19/src/runtime/map_fast64.go:93 +0x0\n"
    "  main.main.func1()\n"
    "      /src/cases/map-concurrent-writes/racy.go:23 +0x52\n"
    "\n"
    "Goroutine 8 (running) created at:\n"
    "  main.main()\n"
    "      /src/cases/map-concurrent-writes/racy.go:28 +0x204\n"
    "==================\n";

static const char tsan_report[] =
    "==================\n"
    "WARNING: ThreadSanitizer: data race (pid=1)\n"
    "  Write of size 8 at 0x1 by thread T1:\n"
    "    #0 inc cases/x/racy.c:9:12 (racy+0x1)\n"
    "  Previous write of size 8 at 0x1 by main thread:\n"
    "    #0 main cases/x/racy.c:16:12 (racy+0x2)\n"
    "SUMMARY: ThreadSanitizer: data race cases/x/racy.c:9:12 in inc\n"
    "==================\n";

static const char vg_head[] =
    "<?xml version=\"1.0\"?>\n<valgrindoutput>\n<protocolversion>4"
    "</protocolversion>\n<protocoltool>helgrind</protocoltool>\n";
static const char vg_error[] =
    "<error><unique>0x1</unique><tid>2</tid><kind>Race</kind>"
    "<xwhat><text>Possible data race during write of size 8 at 0x1 by "
    "thread #2</text><hthreadid>2</hthreadid></xwhat><stack><frame><ip>"
    "0x1</ip><obj>/x/racy</obj><fn>inc</fn><dir>cases/x</dir><file>racy.c"
    "</file><line>9</line></frame></stack></error>\n";
static const char vg_tail[] = "</valgrindoutput>\n";

static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* head + rec repeated to about `size` bytes + tail, into a temp file. */
static char *write_log(const char *head, const char *rec, const char *tail,
                       size_t size)
{
    char tmpl[] = "/tmp/maprace-bench-hostile.XXXXXX";
    int fd = mkstemp(tmpl);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!fp) {
        perror("bench-hostile: temporary file");
        exit(1);
    }
    size_t n = strlen(rec);
    fputs(head, fp);
    for (size_t done = 0; done < size; done += n)
        fputs(rec, fp);
    fputs(tail, fp);
    if (fclose(fp)) {
        perror("bench-hostile: writing the log");
        exit(1);
    }
    return xstrdup(tmpl);
}

/* Parse one log; its CPU seconds (the target's figure). */
static double one(const char *name, const char *head, const char *rec,
                  const char *tail, size_t size)
{
    char *path = write_log(head, rec, tail, size);
    long rss0 = maxrss_kb();
    struct report r;
    report_init(&r);
    double c0 = bench_cpu_s();
    double t0 = now_s();
    if (!strcmp(name, "native"))
        parse_native_file(path, "native", &r);
    else if (!strncmp(name, "go", 2))
        parse_go_file(path, name, &r);
    else if (!strncmp(name, "tsan", 4))
        parse_tsan_file(path, "tsan", &r);
    else
        parse_valgrind_file(path, "helgrind", &r);
    double t = now_s() - t0;
    double c = bench_cpu_s() - c0;
    long rss1 = maxrss_kb();
    printf("%-9s %6.1f MB in %6.2f s = %7.1f MB/s (CPU %.2f s), %zu findings "
           "kept, %zu dropped, error %zu bytes, peak RSS +%ld KiB\n",
           name, size / 1e6, t, size / 1e6 / t, c, r.nr, r.nr_dropped,
           r.error ? strlen(r.error) : 0, rss1 - rss0);
    report_release(&r);
    unlink(path);
    free(path);
    return c;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name, *head, *rec, *tail;
    } logs[] = {
        {"native", "", "fatal error: x\n", ""},
        {"tsan", "", "WARNING: ThreadSanitizer: data race (pid=1)\n", ""},
        {"tsan-ok", "", tsan_report, ""},
        {"valgrind", vg_head, vg_error, vg_tail},
        {"go", "", "fatal error: x\n", ""},
        {"go-race", "", go_report, ""},
    };
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : TARGET_MIB;
    size_t size = mib << 20;
    double t[sizeof(logs) / sizeof(logs[0])];
    char load[64];
    bench_loadavg(load, sizeof(load));
    printf("bench-hostile: %zu MiB logs (load average %s)\n", mib, load);
    for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++)
        t[i] = one(logs[i].name, logs[i].head, logs[i].rec, logs[i].tail, size);
    if (mib != TARGET_MIB)
        return 0;
    int missed = 0;
    for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++)
        missed |=
            bench_target(logs[i].name, t[i], TARGET_SECONDS, " s (CPU)", 1);
    if (missed)
        printf("bench-hostile: a target was MISSED (see the target: lines; a "
               "busy machine "
               "can miss one for its load alone: compare the load average)\n");
    return missed ? 2 : 0;
}
