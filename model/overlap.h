/*
 * model/overlap.h - the hook through which the exercise grader's overlap
 * probe (runner/preload/overlap.c, `maprace grade`) counts map calls.
 *
 * Every call of the map API (mapaccess1/2, mapassign, mapdelete, mapclear,
 * mapiterinit, mapiternext, maplen) starts with OVERLAP(fn). The probe is
 * a library the grader preloads (LD_PRELOAD) into native runs only, never
 * into a detector's run; it exports maprace_overlap_call(). When it is
 * not loaded (every other run), the hook is off: OVERLAP() is one
 * predictable branch on a flag set before main, and nothing else of the
 * model changes. So the probe cannot add or remove anything a detector
 * sees.
 */
#ifndef MAPRACE_OVERLAP_H
#define MAPRACE_OVERLAP_H

#include <stdbool.h>

/* The functions the probe counts; keep in step with the probe's names. */
enum overlap_fn {
    OV_MAPACCESS1,
    OV_MAPACCESS2,
    OV_MAPASSIGN,
    OV_MAPDELETE,
    OV_MAPCLEAR,
    OV_MAPITERINIT,
    OV_MAPITERNEXT,
    OV_MAPLEN,
    OV_COUNT
};

/* True when the probe is loaded (looked up once, before main). */
extern bool overlap_on;

/* Tell the probe about one call of fn by the calling thread. Use through
 * OVERLAP(). */
void overlap_call(enum overlap_fn fn);

#define OVERLAP(fn)                                                            \
    do {                                                                       \
        if (__builtin_expect(overlap_on, 0))                                   \
            overlap_call(fn);                                                  \
    } while (0)

#endif
