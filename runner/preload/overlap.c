/*
 * runner/preload/overlap.c - the overlap probe of `maprace grade`: did the
 * threads of a program still overlap, or did it serialise everything?
 *
 * Built as a shared library ($(BUILD)/maprace-overlap.so) and preloaded
 * into NATIVE runs of the student's program only (never into a detector's
 * run: what it does to the schedule must not change what a detector
 * sees). The model's map functions call maprace_overlap_call() through
 * model/overlap.h; this library also wraps the pthread mutex and rwlock
 * calls to know how many locks each thread holds.
 *
 * What it measures. Every map call takes a ticket from one counter; the
 * ticket records the calling thread. A worker thread (any thread but
 * main) "was overlapped" when a call of another thread took a ticket
 * between its first and its last call. A fix that keeps the work
 * concurrent lets the other threads in between two units of work; a fix
 * that serialises everything (a lock held across a whole thread body,
 * each thread joined before the next starts, all the work in one thread)
 * never does, whatever the schedule.
 *
 * Why it nudges. Left alone, a correct program does not always show it:
 * one thread may finish 100 writes before the next is even created, and
 * glibc's rwlock lets a reader take the lock again and again while a
 * writer waits. So the probe pauses each worker thread, a few times,
 * at a "free point": right after it released its last lock, or at a map
 * call made with no lock held, once it has made at least one map call.
 * The pause lasts until another thread makes a map call, or
 * MAPRACE_OVERLAP_WAIT_MS (default 200) pass. A thread holding a lock is
 * never paused, so a correct program cannot deadlock on the probe; a
 * serialised program pauses in vain (nobody else can get in) and stops
 * pausing after OVERLAP_MISSES misses.
 *
 * At exit, when MAPRACE_OVERLAP_LOG names a file, it writes:
 *
 *     maprace-overlap 1
 *     calls mapassign 20000           (one line per function called)
 *     thread 2 main 0 calls 10000 inside 9996 paused 1 missed 0
 *     ...                             (one line per thread that called)
 *     interleavings 4211
 *
 * `inside`: calls of other threads between this thread's first and last
 * call; `paused`/`missed`: pauses that another thread's call ended / that
 * ran out of time; `interleavings`: tickets whose caller differs from the
 * previous ticket's. "truncated 1" when more calls or threads came than
 * the table holds (they are counted, not placed).
 *
 * Only relaxed atomics and plain per-thread data are used; there is no
 * detector in these runs to deceive anyway.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Keep in step with model/overlap.h's enum overlap_fn. */
static const char *const fn_names[] = {
    "mapaccess1", "mapaccess2",  "mapassign",   "mapdelete",
    "mapclear",   "mapiterinit", "mapiternext", "maplen",
};
enum {
    NR_FN = sizeof(fn_names) / sizeof(fn_names[0]),
    MAX_CALLS = 1 << 24,
    MAX_THREADS = 64,
    OVERLAP_PAUSES = 3, /* pauses that worked, per thread */
    OVERLAP_MISSES = 2, /* pauses that ran out of time, per thread */
};

struct ov_thread {
    uint64_t calls[NR_FN];
    uint64_t total, first, last; /* first, last: tickets */
    unsigned paused, missed;
    bool main;
};

static uint8_t *seq; /* 1 + thread index, per ticket */
static atomic_uint_fast64_t ticket;
static atomic_int nthreads;
static atomic_bool truncated;
static struct ov_thread threads[MAX_THREADS];
static long wait_ms = 200;

static _Thread_local int my_index = -1;
static _Thread_local int my_locks; /* mutexes and rwlocks held */
static _Thread_local bool my_pausing;

static int (*real_mutex_lock)(pthread_mutex_t *);
static int (*real_mutex_trylock)(pthread_mutex_t *);
static int (*real_mutex_unlock)(pthread_mutex_t *);
static int (*real_rdlock)(pthread_rwlock_t *);
static int (*real_wrlock)(pthread_rwlock_t *);
static int (*real_tryrdlock)(pthread_rwlock_t *);
static int (*real_trywrlock)(pthread_rwlock_t *);
static int (*real_rwunlock)(pthread_rwlock_t *);

#define RESOLVE(var, name) (*(void **)&(var) = dlsym(RTLD_NEXT, name))

__attribute__((constructor)) static void probe_init(void)
{
    RESOLVE(real_mutex_lock, "pthread_mutex_lock");
    RESOLVE(real_mutex_trylock, "pthread_mutex_trylock");
    RESOLVE(real_mutex_unlock, "pthread_mutex_unlock");
    RESOLVE(real_rdlock, "pthread_rwlock_rdlock");
    RESOLVE(real_wrlock, "pthread_rwlock_wrlock");
    RESOLVE(real_tryrdlock, "pthread_rwlock_tryrdlock");
    RESOLVE(real_trywrlock, "pthread_rwlock_trywrlock");
    RESOLVE(real_rwunlock, "pthread_rwlock_unlock");
    const char *ms = getenv("MAPRACE_OVERLAP_WAIT_MS");
    if (ms && *ms)
        wait_ms = strtol(ms, NULL, 10);
    seq = calloc(MAX_CALLS, 1);
    if (!seq) {
        fprintf(stderr, "maprace: overlap probe: out of memory\n");
        abort();
    }
}

static int thread_index(void)
{
    if (my_index >= 0)
        return my_index;
    int i = atomic_fetch_add_explicit(&nthreads, 1, memory_order_relaxed);
    if (i >= MAX_THREADS) {
        atomic_store_explicit(&truncated, true, memory_order_relaxed);
        i = MAX_THREADS - 1;
    } else {
        threads[i].main = syscall(SYS_gettid) == getpid();
    }
    my_index = i;
    my_pausing = !threads[i].main;
    return i;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A free point: the thread holds no lock. Pause it until another thread
 * has made a map call, or until wait_ms pass. */
static void free_point(void)
{
    if (!my_pausing || my_index < 0 || my_locks)
        return;
    struct ov_thread *th = &threads[my_index];
    if (!th->total)
        return;
    uint64_t after = th->last + 1;
    double end = now_ms() + (double)wait_ms;
    while (atomic_load_explicit(&ticket, memory_order_relaxed) <= after) {
        if (now_ms() > end) {
            if (++th->missed >= OVERLAP_MISSES)
                my_pausing = false;
            return;
        }
        sched_yield();
    }
    if (++th->paused >= OVERLAP_PAUSES)
        my_pausing = false;
}

void maprace_overlap_call(int fn);
void maprace_overlap_call(int fn)
{
    int i = thread_index();
    free_point();
    uint64_t t = atomic_fetch_add_explicit(&ticket, 1, memory_order_relaxed);
    struct ov_thread *th = &threads[i];

    if (t < MAX_CALLS)
        seq[t] = (uint8_t)(i + 1);
    else
        atomic_store_explicit(&truncated, true, memory_order_relaxed);
    if (!th->total)
        th->first = t;
    th->last = t;
    th->total++;
    if (fn >= 0 && fn < NR_FN)
        th->calls[fn]++;
}

/* The lock wrappers: count the locks held; a release of the last one is a
 * free point. */
static int locked(int r)
{
    if (!r)
        my_locks++;
    return r;
}

static int unlocked(int r)
{
    if (!r && my_locks > 0 && --my_locks == 0)
        free_point();
    return r;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
    return locked(real_mutex_lock(m));
}
int pthread_mutex_trylock(pthread_mutex_t *m)
{
    return locked(real_mutex_trylock(m));
}
int pthread_mutex_unlock(pthread_mutex_t *m)
{
    return unlocked(real_mutex_unlock(m));
}
int pthread_rwlock_rdlock(pthread_rwlock_t *l)
{
    return locked(real_rdlock(l));
}
int pthread_rwlock_wrlock(pthread_rwlock_t *l)
{
    return locked(real_wrlock(l));
}
int pthread_rwlock_tryrdlock(pthread_rwlock_t *l)
{
    return locked(real_tryrdlock(l));
}
int pthread_rwlock_trywrlock(pthread_rwlock_t *l)
{
    return locked(real_trywrlock(l));
}
int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
    return unlocked(real_rwunlock(l));
}

/* Calls of other threads whose ticket lies between thread i's first and
 * last. */
static uint64_t inside(int i, uint64_t placed)
{
    const struct ov_thread *th = &threads[i];
    uint64_t n = 0;
    for (uint64_t t = th->first + 1; t < th->last && t < placed; t++)
        n += seq[t] && seq[t] != (uint8_t)(i + 1);
    return n;
}

__attribute__((destructor)) static void probe_write(void)
{
    const char *path = getenv("MAPRACE_OVERLAP_LOG");
    if (!path || !*path ||
        !atomic_load_explicit(&nthreads, memory_order_relaxed))
        return; /* not the program: a wrapper such as timeout(1) */
    FILE *f = fopen(path, "w");
    if (!f) {
        perror("maprace: overlap probe: cannot write MAPRACE_OVERLAP_LOG");
        return;
    }
    uint64_t n = atomic_load_explicit(&ticket, memory_order_relaxed);
    uint64_t placed = n < MAX_CALLS ? n : MAX_CALLS;
    int nt = atomic_load_explicit(&nthreads, memory_order_relaxed);
    if (nt > MAX_THREADS)
        nt = MAX_THREADS;

    fprintf(f, "maprace-overlap 1\n");
    for (int fn = 0; fn < NR_FN; fn++) {
        uint64_t c = 0;
        for (int i = 0; i < nt; i++)
            c += threads[i].calls[fn];
        if (c)
            fprintf(f, "calls %s %llu\n", fn_names[fn], (unsigned long long)c);
    }
    for (int i = 0; i < nt; i++)
        fprintf(f,
                "thread %d main %d calls %llu inside %llu paused %u "
                "missed %u\n",
                i + 1, threads[i].main, (unsigned long long)threads[i].total,
                (unsigned long long)inside(i, placed), threads[i].paused,
                threads[i].missed);
    uint64_t switches = 0;
    for (uint64_t t = 1; t < placed; t++)
        switches += seq[t] != seq[t - 1];
    fprintf(f, "interleavings %llu\n", (unsigned long long)switches);
    if (atomic_load_explicit(&truncated, memory_order_relaxed))
        fprintf(f, "truncated 1\n");
    fclose(f);
}
