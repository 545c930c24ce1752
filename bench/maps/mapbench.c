/*
 * bench/maps/mapbench.c - throughput of the chapter-4 map designs
 * (design.h). For each design, key count and read/write mix a fresh map
 * is created, filled with every key and every key is loaded once (so that
 * sync.Map has promoted its dirty map: the steady state of a map that is
 * read); then for each thread count one untimed warm-up and REPS timed
 * repetitions. One timed repetition: THREADS threads start together
 * and do random operations (a uniformly random key; a load with the mix's
 * read probability, otherwise a store of a present key) for MS
 * milliseconds; ns/op = the repetition's wall time / all threads'
 * operations together, ops/s its inverse, CPU ns/op = the process's CPU
 * time over the repetition / the same operations (on a loaded machine the
 * wall figures shrink with the share of the cores the benchmark gets; CPU
 * time per operation much less). Each cell prints the median and the
 * 95 % interval of all three over the repetitions (stats.h).
 *
 * Output: lines starting with '#' describe the run (cores, load average,
 * pinning); then a header line and one tab-separated line per cell:
 *   design mix keys threads reps ns_med ns_lo ns_hi ops_med ops_lo ops_hi
 *   cpu_med cpu_lo cpu_hi
 * (mix "90/10" = 90 % loads, 10 % stores; figures in ns and ops/s). A
 * load of a present key that finds nothing is a broken design: the cell
 * fails and the program exits 1.
 *
 * Usage: mapbench [--designs A,B] [--mixes 90,50,0] [--keys 1000,1000000]
 *                 [--threads 1,2,4] [--reps N] [--ms M] [--pin] [--list]
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "design.h"
#include "stats.h"

enum { max_list = 16, max_threads = 64, max_reps = 1000, batch = 256 };

const struct design *const designs[] = {
    &design_mutex,    &design_rwlock,
    &design_shard16,  &design_shard16_pad,
    &design_shard64,  &design_shard64_pad,
    &design_lockfree, &design_syncmap,
    &design_urcu,     NULL,
};

struct options {
    const struct design *designs[max_list];
    size_t ndesigns;
    unsigned long mixes[max_list], keys[max_list], threads[max_list];
    size_t nmixes, nkeys, nthreads;
    unsigned long reps, ms;
    int pin;
};

struct worker {
    pthread_t tid;
    const struct design *d;
    void *map;
    uint64_t nkeys, state;
    unsigned read_pct;
    int cpu; /* -1: not pinned */
    pthread_barrier_t *start;
    const _Atomic int *stop;
    uint64_t ops, misses;
    struct timespec t0, t1;
};

static void die(const char *what, const char *why)
{
    fprintf(stderr, "mapbench: %s: %s\n", what, why);
    exit(2);
}

static double seconds(struct timespec t)
{
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* xorshift64*: each thread has its own stream. */
static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dULL;
}

static void pin_to(int cpu)
{
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *work(void *arg)
{
    struct worker *w = arg;
    uint64_t value;

    if (w->cpu >= 0)
        pin_to(w->cpu);
    if (w->d->thread_enter)
        w->d->thread_enter();
    pthread_barrier_wait(w->start);
    clock_gettime(CLOCK_MONOTONIC, &w->t0);
    do { /* at least one batch: a thread that starts late still counts */
        for (int i = 0; i < batch; i++) {
            uint64_t r = next_rand(&w->state);
            uint64_t key = (uint64_t)(((unsigned __int128)r * w->nkeys) >> 64);
            if ((uint32_t)r % 100 < w->read_pct) {
                if (!w->d->load(w->map, key, &value))
                    w->misses++;
            } else {
                w->d->store(w->map, key, r);
            }
        }
        w->ops += batch;
    } while (!atomic_load_explicit(w->stop, memory_order_relaxed));
    clock_gettime(CLOCK_MONOTONIC, &w->t1);
    if (w->d->thread_exit)
        w->d->thread_exit();
    return NULL;
}

/* The CPUs this process may run on, in order: pinning targets. */
static int cpus(int *list, int max)
{
    cpu_set_t set;
    int n = 0;

    if (sched_getaffinity(0, sizeof(set), &set))
        return 0;
    for (int c = 0; c < CPU_SETSIZE && n < max; c++)
        if (CPU_ISSET(c, &set))
            list[n++] = c;
    return n;
}

/* The process's CPU time (every thread's, RCU's helpers too), seconds. */
static double process_cpu(void)
{
    struct timespec t;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return seconds(t);
}

/* One repetition; returns wall ns/op and sets *cpu_ns to CPU ns/op, or
 * returns a negative value when a load missed. */
static double rep(const struct options *o, const struct design *d, void *map,
                  unsigned long nkeys, unsigned mix, unsigned long nthreads,
                  unsigned long ms, uint64_t seed, double *cpu_ns)
{
    struct worker w[max_threads];
    pthread_barrier_t start;
    _Atomic int stop = 0;
    struct timespec nap = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};
    int cpu[max_threads], ncpu = o->pin ? cpus(cpu, max_threads) : 0;
    double t0 = 0, t1 = 0, c0, c1;
    uint64_t ops = 0, misses = 0;

    pthread_barrier_init(&start, NULL, (unsigned)nthreads + 1);
    for (unsigned long i = 0; i < nthreads; i++) {
        w[i] = (struct worker){.d = d,
                               .map = map,
                               .nkeys = nkeys,
                               .state = seed * 0x9e3779b97f4a7c15ULL + i + 1,
                               .read_pct = mix,
                               .start = &start,
                               .stop = &stop,
                               .cpu = ncpu ? cpu[i % (unsigned long)ncpu] : -1};
        if (pthread_create(&w[i].tid, NULL, work, &w[i]))
            die("pthread_create", strerror(errno));
    }
    c0 = process_cpu();
    pthread_barrier_wait(&start);
    nanosleep(&nap, NULL);
    atomic_store_explicit(&stop, 1, memory_order_relaxed);
    for (unsigned long i = 0; i < nthreads; i++) {
        pthread_join(w[i].tid, NULL);
        if (i == 0 || seconds(w[i].t0) < t0)
            t0 = seconds(w[i].t0);
        if (i == 0 || seconds(w[i].t1) > t1)
            t1 = seconds(w[i].t1);
        ops += w[i].ops;
        misses += w[i].misses;
    }
    c1 = process_cpu();
    pthread_barrier_destroy(&start);
    if (misses)
        return -1;
    *cpu_ns = (c1 - c0) * 1e9 / (double)ops;
    return (t1 - t0) * 1e9 / (double)ops;
}

static void mix_name(unsigned mix, char *buf, size_t len)
{
    snprintf(buf, len, "%u/%u", mix, 100 - mix);
}

/* One cell, on a filled map: returns 0, or 1 when a load missed a key. */
static int cell(const struct options *o, const struct design *d, void *map,
                unsigned long nkeys, unsigned mix, unsigned long nthreads)
{
    double ns[max_reps], ops[max_reps], cpu[max_reps], warm;
    struct summary sn, so, sc;
    char mixs[16];
    int bad = 0;

    mix_name(mix, mixs, sizeof(mixs));
    /* warm-up, untimed: caches, lazy promotion (sync.Map), page faults */
    if (rep(o, d, map, nkeys, mix, nthreads, o->ms / 2 + 1, 0, &warm) < 0)
        bad = 1;
    for (unsigned long r = 0; r < o->reps && !bad; r++) {
        ns[r] = rep(o, d, map, nkeys, mix, nthreads, o->ms, r + 1, &cpu[r]);
        if (ns[r] < 0)
            bad = 1;
        else
            ops[r] = 1e9 / ns[r];
    }
    if (bad) {
        fprintf(stderr,
                "mapbench: %s %s %lu keys %lu threads: a load missed a "
                "key that is present\n",
                d->name, mixs, nkeys, nthreads);
        return 1;
    }
    sn = summarize(ns, o->reps);
    so = summarize(ops, o->reps);
    sc = summarize(cpu, o->reps);
    printf("%s\t%s\t%lu\t%lu\t%lu\t%.2f\t%.2f\t%.2f\t%.0f\t%.0f\t%.0f\t%.2f\t"
           "%.2f\t%.2f\n",
           d->name, mixs, nkeys, nthreads, o->reps, sn.median, sn.lo, sn.hi,
           so.median, so.lo, so.hi, sc.median, sc.lo, sc.hi);
    fflush(stdout);
    return 0;
}

/* Every cell of one design and key count. A fresh map per mix, filled
 * with every key, serves that mix's thread counts (a map is never bigger
 * than its keys, but sync.Map's boxes pile up with its stores). */
static int design_cells(const struct options *o, const struct design *d,
                        unsigned long nkeys)
{
    int failed = 0;

    if (d->thread_enter)
        d->thread_enter();
    for (size_t m = 0; m < o->nmixes; m++) {
        void *map = d->create(nkeys);
        if (!map)
            die(d->name, "cannot create the map: out of memory");
        for (uint64_t k = 0; k < nkeys; k++)
            d->store(map, k, k);
        for (uint64_t k = 0, v; k < nkeys; k++)
            d->load(map, k, &v); /* sync.Map: promotes dirty to read */
        for (size_t t = 0; t < o->nthreads; t++)
            failed |=
                cell(o, d, map, nkeys, (unsigned)o->mixes[m], o->threads[t]);
        d->destroy(map);
    }
    if (d->thread_exit)
        d->thread_exit();
    return failed;
}

static size_t parse_list(const char *opt, const char *arg, unsigned long *out,
                         unsigned long min, unsigned long max)
{
    char *copy = strdup(arg), *save = NULL, *end;
    size_t n = 0;

    for (char *t = strtok_r(copy, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        unsigned long v;
        errno = 0;
        v = strtoul(t, &end, 10);
        if (errno || *end || end == t || v < min || v > max || n == max_list)
            die(opt, "expected a comma-separated list of numbers in range");
        out[n++] = v;
    }
    free(copy);
    if (!n)
        die(opt, "empty list");
    return n;
}

static const struct design *find_design(const char *name)
{
    for (size_t i = 0; designs[i]; i++)
        if (!strcmp(designs[i]->name, name))
            return designs[i];
    return NULL;
}

static void parse_designs(struct options *o, const char *arg)
{
    char *copy = strdup(arg), *save = NULL;

    o->ndesigns = 0;
    for (char *t = strtok_r(copy, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        const struct design *d = find_design(t);
        if (!d)
            die(t, "no such design (mapbench --list names them)");
        if (o->ndesigns == max_list)
            die("--designs", "too many");
        o->designs[o->ndesigns++] = d;
    }
    free(copy);
    if (!o->ndesigns)
        die("--designs", "empty list");
}

static const char *value_of(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc)
        die(argv[*i], "missing value");
    return argv[++*i];
}

static void parse_args(struct options *o, int argc, char **argv)
{
    unsigned long one;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--list")) {
            for (size_t d = 0; designs[d]; d++)
                printf("%-12s %s\n", designs[d]->name, designs[d]->what);
            exit(0);
        } else if (!strcmp(a, "--pin")) {
            o->pin = 1;
        } else if (!strcmp(a, "--designs")) {
            parse_designs(o, value_of(argc, argv, &i));
        } else if (!strcmp(a, "--mixes")) {
            o->nmixes =
                parse_list(a, value_of(argc, argv, &i), o->mixes, 0, 100);
        } else if (!strcmp(a, "--keys")) {
            o->nkeys =
                parse_list(a, value_of(argc, argv, &i), o->keys, 1, 1UL << 30);
        } else if (!strcmp(a, "--threads")) {
            o->nthreads = parse_list(a, value_of(argc, argv, &i), o->threads, 1,
                                     max_threads);
        } else if (!strcmp(a, "--reps")) {
            parse_list(a, value_of(argc, argv, &i), &one, 1, max_reps);
            o->reps = one;
        } else if (!strcmp(a, "--ms")) {
            parse_list(a, value_of(argc, argv, &i), &one, 1, 600000);
            o->ms = one;
        } else {
            die(a, "unknown option (see the comment atop bench/maps/"
                   "mapbench.c)");
        }
    }
}

int main(int argc, char **argv)
{
    struct options o = {
        .mixes = {90, 50, 0},
        .nmixes = 3,
        .keys = {1000, 1000000},
        .nkeys = 2,
        .threads = {1, 2, 4},
        .nthreads = 3,
        .reps = 10,
        .ms = 100,
    };
    double load[3] = {0, 0, 0};
    int failed = 0;

    for (size_t i = 0; designs[i]; i++)
        o.designs[o.ndesigns++] = designs[i];
    parse_args(&o, argc, argv);
    if (getloadavg(load, 3) < 0)
        load[0] = load[1] = load[2] = -1;
    printf("# mapbench: %ld cores online; load average %.2f %.2f %.2f at "
           "start\n",
           sysconf(_SC_NPROCESSORS_ONLN), load[0], load[1], load[2]);
    printf("# %lu repetitions of %lu ms per cell; threads %s; ns/op = wall "
           "time / all threads' operations; CPU ns/op = process CPU time / the "
           "same\n",
           o.reps, o.ms,
           o.pin ? "pinned round-robin to the allowed CPUs" : "not pinned");
    printf("design\tmix\tkeys\tthreads\treps\tns_med\tns_lo\tns_hi\tops_med\t"
           "ops_lo\tops_hi\tcpu_med\tcpu_lo\tcpu_hi\n");
    fflush(stdout);
    for (size_t d = 0; d < o.ndesigns; d++)
        for (size_t k = 0; k < o.nkeys; k++)
            failed |= design_cells(&o, o.designs[d], o.keys[k]);
    if (getloadavg(load, 3) >= 0)
        printf("# load average %.2f %.2f %.2f at end\n", load[0], load[1],
               load[2]);
    return failed;
}
