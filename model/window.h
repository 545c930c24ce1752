/*
 * model/window.h - race windows: make a race happen every run, without
 * hiding it from the race detectors.
 *
 * A race that shows up one run in a hundred is useless in a workshop. The
 * model names the places where a racing thread can be caught in the middle
 * of something (WINDOW(W_EVACUATE) inside evacuate, between reading a slot
 * and marking it moved; WINDOW(W_MAPASSIGN_WRITING) while hashWriting is
 * set; ...). A case gives each of its racing threads a role and a plan:
 * "when role 2 reaches W_MAPACCESS, hold it until role 1 has reached
 * W_MAPASSIGN_WRITING". With MAPRACE_FORCE=1 in the environment the plan is
 * followed, so the threads meet inside the window in the same order every
 * run and the race manifests (Go's check fires, a present key reads as
 * missing, ...). Without it, WINDOW() is one predictable branch.
 *
 * Invariants:
 *  - Forcing creates no happens-before edge that ThreadSanitizer, Helgrind
 *    or DRD can see: a waiting thread spins on relaxed atomic loads with
 *    sched_yield(); no mutex, semaphore, condition variable, or
 *    acquire/release atomic is ever used between the racing threads. The
 *    gate variables are hidden from Helgrind and DRD with client requests
 *    (VALGRIND_HG_DISABLE_CHECKING, DRD_IGNORE_VAR), which add no edge
 *    either. A semaphore here would hide every race (measured:
 *    semaphore-forced races were reported by none of the three tools).
 *  - Ordering: a thread marks (role, window) reached with a relaxed store
 *    that a compiler fence keeps after the thread's earlier plain stores.
 *    On x86 (TSO) stores become visible in program order, so a thread that
 *    sees the mark also sees those stores. This is what makes the forced
 *    interleaving deterministic; it is a property of the hardware, not a
 *    synchronisation the detectors model.
 *  - A wait is bounded (MAPRACE_WINDOW_MS, default 10000 ms). When it runs
 *    out the thread goes on and prints one line to stderr,
 *    "maprace: window W_X (role R): gave up waiting for W_Y (role S)",
 *    so a forcing that did not happen is seen, never silent, and a case
 *    never hangs because of a window.
 *  - Each rule fires once: only the first arrival of its role at its
 *    window waits; later arrivals pass.
 *
 * The recorder: with MAPRACE_WINDOW_TRACE=<file> as well as
 * MAPRACE_FORCE=1, each first arrival of a role at a window (with the
 * thread's stack), each hold and each release is written to <file> as it
 * happens (the format is in window.c). The runner asks for it on the first
 * forced native run and shows it as the step-through of index.html
 * (runner/engine/trace.h, runner/report/steps.h).
 */
#ifndef MAPRACE_WINDOW_H
#define MAPRACE_WINDOW_H

#include <stdbool.h>
#include <stddef.h>

/* The named windows. Model windows are placed in the model/ sources; W_CASE_*
 * windows are for a case's own code. Keep window_name() in sync. */
enum window_id {
    /* map.c */
    W_MAPASSIGN_ENTRY,   /* mapassign, before the hashWriting check */
    W_MAPASSIGN_WRITING, /* mapassign, hashWriting set and the slot
                            written, before the exit check */
    W_MAPDELETE_WRITING, /* mapdelete, hashWriting set and the slot
                            cleared, before the exit check */
    W_MAPACCESS_ENTRY,   /* mapaccess1/2, before the hashWriting check */
    W_MAPACCESS,         /* mapaccess1/2 after the hashWriting check,
                            before the bucket is chosen */
    W_MAPACCESS_BUCKET,  /* mapaccess1/2: bucket chosen, not yet scanned */
    W_MAPITERNEXT_ENTRY, /* mapiternext, before the hashWriting check */
    W_MAPITERNEXT,       /* mapiternext after the check, before reading
                            the bucket */
    W_HASHGROW,          /* hashGrow: buckets moved to oldbuckets */
    W_EVACUATE,          /* evacuate: a slot read, not yet marked moved */
    W_GROW_DONE,         /* advanceEvacuationMark: oldbuckets dropped */
    W_MAPCLONE,          /* mapclone (both models): past the hashWriting
                            (writing) check, before the copy */
    /* swiss/map.c (the Swiss model also passes through the generic
     * W_MAPASSIGN_*, W_MAPDELETE_WRITING, W_MAPACCESS*, W_MAPITERNEXT*,
     * W_MAPCLONE windows above, at the analogous places; never the hmap-only
     * W_HASHGROW, W_EVACUATE, W_GROW_DONE) */
    W_GROWTOTABLE,       /* growToTable: dirPtr is the new directory,
                            dirLen still 0 (the small map's mark) */
    W_GROW,              /* grow: the new table filled, not yet in the
                            directory (replaceTable) */
    W_SPLIT,             /* split: left and right filled, not yet in the
                            directory (installTableSplit) */
    W_INSTALLTABLESPLIT, /* installTableSplit: globalDepth/globalShift
                            changed, dirPtr/dirLen still the old
                            directory */
    W_ITER_TABLE,        /* Iter.Next: it.tab chosen, not yet read */
    W_ITER_GROUP,        /* Iter.Next: it.group chosen, its control word
                            not yet read */
    /* context.c */
    W_CANCEL_CHILDREN,  /* cancel: walking the children map */
    W_PROPAGATE_CANCEL, /* propagateCancel: about to add the child */
    /* syncmap.c */
    W_SYNCMAP_LOADED, /* between a Load and the caller's next step */
    /* for a case's own code */
    W_CASE_A,
    W_CASE_B,
    W_CASE_C,
    W_CASE_D,
    W_COUNT
};

enum { WINDOW_MAX_ROLES = 8 };

/* One step of a plan: the first time a thread of role `role` reaches
 * window `at`, it waits until a thread of role `wait_role` has reached
 * window `wait_for`. */
struct window_rule {
    int role;
    enum window_id at;
    int wait_role;
    enum window_id wait_for;
};

/* True when MAPRACE_FORCE=1 (read once, before main). */
extern bool window_forced;

/* Give the calling thread a role (1 .. WINDOW_MAX_ROLES-1; 0, the default,
 * means "no role": its windows are never held). */
void window_role(int role);

/* Install a plan. Call from main before starting the racing threads; a
 * no-op unless forced. The array must outlive the run. */
void window_plan(const struct window_rule *rules, size_t n);

/* Mark the calling thread's role as having reached w, and wait if the plan
 * says so. Use through WINDOW(). */
void window_enter(enum window_id w);

/* Whether a thread of `role` has reached w (relaxed, for a case's report). */
bool window_reached(int role, enum window_id w);

/* The enum name of w, e.g. "W_EVACUATE". */
const char *window_name(enum window_id w);

#define WINDOW(w)                                                              \
    do {                                                                       \
        if (__builtin_expect(window_forced, 0))                                \
            window_enter(w);                                                   \
    } while (0)

#endif
