/*
 * model/window.c - race windows (see window.h for the contract).
 *
 * The gate is a table of marks, one byte per (role, window), written and
 * read with relaxed atomics only. A waiting thread spins on relaxed loads
 * with sched_yield(). Nothing here is a synchronisation that
 * ThreadSanitizer, Helgrind or DRD model:
 *  - TSan treats a relaxed atomic access as atomic (no report) but derives
 *    no happens-before edge from it;
 *  - Helgrind and DRD see the marks as plain memory accesses (at -O1 a
 *    relaxed load or store is a plain mov), so the table is hidden from
 *    them with VALGRIND_HG_DISABLE_CHECKING and DRD_IGNORE_VAR; those
 *    client requests only switch reporting off, they add no edge.
 * The forced order therefore exists on the machine (x86 stores become
 * visible in program order) without existing for the detectors.
 */
#include "window.h"

#include "throw.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <valgrind/drd.h>
#include <valgrind/helgrind.h>

bool window_forced;

/* How long a held thread waits before it gives up (MAPRACE_WINDOW_MS). */
static long window_ms = 10000;

/* The calling thread's role; 0 means none. */
static _Thread_local int my_role;

/* The plan, installed by main before the racing threads start (thread
 * creation orders it before every use). */
static const struct window_rule *plan;
static size_t plan_nr;

/* marks[role][w]: non-zero once a thread of `role` has reached w. Relaxed
 * atomics only; hidden from Helgrind and DRD in window_init(). */
static atomic_uchar marks[WINDOW_MAX_ROLES][W_COUNT];

static const char *const window_names[W_COUNT] = {
    [W_MAPASSIGN_ENTRY] = "W_MAPASSIGN_ENTRY",
    [W_MAPASSIGN_WRITING] = "W_MAPASSIGN_WRITING",
    [W_MAPDELETE_WRITING] = "W_MAPDELETE_WRITING",
    [W_MAPACCESS_ENTRY] = "W_MAPACCESS_ENTRY",
    [W_MAPACCESS] = "W_MAPACCESS",
    [W_MAPACCESS_BUCKET] = "W_MAPACCESS_BUCKET",
    [W_MAPITERNEXT_ENTRY] = "W_MAPITERNEXT_ENTRY",
    [W_MAPITERNEXT] = "W_MAPITERNEXT",
    [W_HASHGROW] = "W_HASHGROW",
    [W_EVACUATE] = "W_EVACUATE",
    [W_GROW_DONE] = "W_GROW_DONE",
    [W_MAPCLONE] = "W_MAPCLONE",
    [W_GROWTOTABLE] = "W_GROWTOTABLE",
    [W_GROW] = "W_GROW",
    [W_SPLIT] = "W_SPLIT",
    [W_INSTALLTABLESPLIT] = "W_INSTALLTABLESPLIT",
    [W_ITER_TABLE] = "W_ITER_TABLE",
    [W_ITER_GROUP] = "W_ITER_GROUP",
    [W_CANCEL_CHILDREN] = "W_CANCEL_CHILDREN",
    [W_PROPAGATE_CANCEL] = "W_PROPAGATE_CANCEL",
    [W_SYNCMAP_LOADED] = "W_SYNCMAP_LOADED",
    [W_CASE_A] = "W_CASE_A",
    [W_CASE_B] = "W_CASE_B",
    [W_CASE_C] = "W_CASE_C",
    [W_CASE_D] = "W_CASE_D",
};

/* The recorder (MAPRACE_WINDOW_TRACE=<file>): every event of the forced
 * interleaving, written as it happens, for the step-through of index.html
 * (runner/engine/trace.c reads it back). One record per event:
 *
 *     window <seq> role <r> at <W_NAME>        the first arrival of role r
 *     <the thread's traceback, as fatal() prints it>
 *     end
 *     window <seq> role <r> wait <W_AT> for <s> <W_FOR>
 *     end
 *     window <seq> role <r> release <W_AT>     the wait is over
 *     end
 *     window <seq> role <r> gaveup <W_AT>      the wait ran out
 *     end
 *
 * <seq> is the order of the events across threads. The runner sets the
 * variable for native runs only (no detector watches them); the recorder
 * serialises its writers with a spin on a relaxed exchange, which no
 * detector models as an edge (hidden from Helgrind and DRD like the
 * marks), and it records first arrivals only, so a loop of ten thousand
 * rounds writes a handful of records. */
static int trace_fd = -1;
static atomic_int trace_busy;
static atomic_uint trace_seq;

/* Write one record; with_stack adds the calling thread's traceback. */
static void trace_event(bool with_stack, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void trace_event(bool with_stack, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    int n;

    if (trace_fd < 0)
        return;
    while (atomic_exchange_explicit(&trace_busy, 1, memory_order_relaxed))
        sched_yield();
    n = snprintf(buf, sizeof(buf), "window %u role %d ",
                 atomic_fetch_add_explicit(&trace_seq, 1, memory_order_relaxed),
                 my_role);
    va_start(ap, fmt);
    n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof(buf) - 1) {
        buf[n++] = '\n';
        if (write(trace_fd, buf, (size_t)n) < 0)
            trace_fd = -1;
    }
    if (with_stack && trace_fd >= 0)
        traceback_write(trace_fd);
    if (trace_fd >= 0 && write(trace_fd, "end\n", 4) < 0)
        trace_fd = -1;
    atomic_store_explicit(&trace_busy, 0, memory_order_relaxed);
}

/* A compiler barrier: no plain access moves across it. It emits no
 * instruction, so no detector can see it. */
#define compiler_fence() __asm__ __volatile__("" ::: "memory")

__attribute__((constructor)) static void window_init(void)
{
    const char *s = getenv("MAPRACE_FORCE");
    const char *ms = getenv("MAPRACE_WINDOW_MS");

    VALGRIND_HG_DISABLE_CHECKING(marks, sizeof(marks));
    DRD_IGNORE_VAR(marks);
    VALGRIND_HG_DISABLE_CHECKING(&trace_busy, sizeof(trace_busy));
    DRD_IGNORE_VAR(trace_busy);
    VALGRIND_HG_DISABLE_CHECKING(&trace_seq, sizeof(trace_seq));
    DRD_IGNORE_VAR(trace_seq);

    if (ms && *ms) {
        char *end;
        long v;

        errno = 0;
        v = strtol(ms, &end, 10);
        if (errno || *end || v < 0)
            fprintf(stderr,
                    "maprace: MAPRACE_WINDOW_MS=%s: not a number of "
                    "milliseconds, using %ld\n",
                    ms, window_ms);
        else
            window_ms = v;
    }
    window_forced = s && !strcmp(s, "1");
    const char *trace = getenv("MAPRACE_WINDOW_TRACE");
    if (window_forced && trace && *trace) {
        trace_fd = open(trace, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (trace_fd < 0)
            fprintf(stderr, "maprace: MAPRACE_WINDOW_TRACE=%s: %s\n", trace,
                    strerror(errno));
    }
}

const char *window_name(enum window_id w)
{
    if ((int)w < 0 || w >= W_COUNT || !window_names[w])
        return "W_UNKNOWN";
    return window_names[w];
}

void window_role(int role)
{
    if (role < 0 || role >= WINDOW_MAX_ROLES) {
        fprintf(stderr, "maprace: window_role: role %d out of range 0..%d\n",
                role, WINDOW_MAX_ROLES - 1);
        abort();
    }
    my_role = role;
}

void window_plan(const struct window_rule *rules, size_t n)
{
    size_t i;

    if (!window_forced)
        return;
    for (i = 0; i < n; i++) {
        const struct window_rule *r = &rules[i];

        if (r->role <= 0 || r->role >= WINDOW_MAX_ROLES || r->wait_role <= 0 ||
            r->wait_role >= WINDOW_MAX_ROLES || (int)r->at < 0 ||
            r->at >= W_COUNT || (int)r->wait_for < 0 ||
            r->wait_for >= W_COUNT) {
            fprintf(stderr, "maprace: window_plan: rule %zu out of range\n", i);
            abort();
        }
    }
    plan = rules;
    plan_nr = n;
}

bool window_reached(int role, enum window_id w)
{
    if (role < 0 || role >= WINDOW_MAX_ROLES || (int)w < 0 || w >= W_COUNT)
        return false;
    return atomic_load_explicit(&marks[role][w], memory_order_relaxed);
}

/* A held thread's wait must leave nothing in its ThreadSanitizer history.
 * Clang's runtime keeps a bounded trace per thread; once a thread's trace
 * has turned over, TSan can no longer restore the stack of that thread's
 * earlier access and drops any race report that needs it. A thread held
 * in a window made its racing access just before it was held, and the
 * other side of the race comes when the wait ends: so the wait must not
 * write to the trace, however long it lasts. It did: the clock was read
 * through clock_gettime(), which TSan intercepts and records (entry, exit,
 * the write to ts), and the plain stores to ts were recorded too. Measured
 * with clang 14: after 2.5 to 3 s of waiting, the race against the held
 * thread's access went unreported (runner/tests/progs/window-late.c).
 * Hence: the clock is read with the raw system call (syscall() and
 * sched_yield() are not intercepted), and the wait is not instrumented;
 * the load of the mark is an atomic, which TSan records once per epoch. */
#define NOT_TRACED __attribute__((no_sanitize("thread")))

NOT_TRACED static long now_ms(void)
{
    struct timespec ts = {0, 0};

    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts); /* cannot fail */
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Spin until role `wr` has reached `wf`, or until window_ms have passed. */
NOT_TRACED static void wait_for(enum window_id at, int wr, enum window_id wf)
{
    long deadline = now_ms() + window_ms;
    unsigned spins = 0;

    while (!atomic_load_explicit(&marks[wr][wf], memory_order_relaxed)) {
        sched_yield();
        /* Look at the clock now and then: it is cheap, but not free
         * under valgrind. */
        if (++spins % 64 == 0 && now_ms() >= deadline) {
            char buf[160];
            int len = snprintf(buf, sizeof(buf),
                               "maprace: window %s (role %d): gave up "
                               "waiting for %s (role %d)\n",
                               window_name(at), my_role, window_name(wf), wr);
            if (len > 0 && (size_t)len < sizeof(buf) &&
                write(STDERR_FILENO, buf, len) < 0) {
                /* nothing more to do: stderr is gone */
            }
            trace_event(false, "gaveup %s", window_name(at));
            return;
        }
    }
}

void window_enter(enum window_id w)
{
    int role = my_role;
    size_t i;

    if (!role || (int)w < 0 || w >= W_COUNT)
        return;

    /* Recorded before the mark, so that a thread released by the mark
     * records after it. */
    if (trace_fd >= 0 &&
        !atomic_load_explicit(&marks[role][w], memory_order_relaxed))
        trace_event(true, "at %s", window_name(w));
    /* The thread's earlier plain stores stay before the mark. */
    compiler_fence();
    if (atomic_exchange_explicit(&marks[role][w], 1, memory_order_relaxed))
        return; /* not the first arrival: every rule has fired already */

    for (i = 0; i < plan_nr; i++)
        if (plan[i].role == role && plan[i].at == w) {
            enum window_id wf = plan[i].wait_for;
            int wr = plan[i].wait_role;
            bool held =
                !atomic_load_explicit(&marks[wr][wf], memory_order_relaxed);

            if (held)
                trace_event(false, "wait %s for %d %s", window_name(w), wr,
                            window_name(wf));
            wait_for(w, wr, wf);
            if (held &&
                atomic_load_explicit(&marks[wr][wf], memory_order_relaxed))
                trace_event(false, "release %s", window_name(w));
        }
    /* And the thread's later plain accesses stay after the wait. */
    compiler_fence();
}
