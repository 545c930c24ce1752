/*
 * classify.h - what one run showed, and the verdict of a cell (one case
 * variant under one detector, over --runs N runs), against case.ini
 * (docs/case-format.md, "Expectations").
 *
 * A race counts only when one of its two accesses has a frame on a marked
 * line of the variant's source (markers.h), so an unrelated report cannot
 * pass a case.
 *
 * Any other kind of report (lock-order, thread-leak, mutex-misuse,
 * use-after-free, signal-unsafe) counts when one of its stacks has a
 * frame in the variant's source files.
 *
 * A run that shows what was expected passes however the program ended (a
 * program that exits 42 after the report it was expected to give). A run
 * that does not is an error when it timed out, could not be executed, was
 * killed by a signal, or exited with a status nothing explains: 0 is
 * always fine, 2 when the Go-style fatal error was printed, 66 under
 * ThreadSanitizer when it reported something, any exit status when a
 * symptom is expected, N when `exit N` is. With `any` (maprace try) only
 * a run that could not be executed or timed out is an error. How the
 * program ended, when it did not exit with 0 (or TSan's 66 after a
 * report), is kept in run_obs.end and said in the cell's note.
 *
 * Under go (Go's own checks, never forced) a fatal or symptom expectation
 * is met when it is seen in at least one run; the note gives the rate.
 * Go's checks are best effort (Go's own test of them is skipped unless
 * asked for, as flaky), so an absence is judged only over
 * BEST_EFFORT_JUDGED_RUNS runs or more: seen in none of fewer runs is a
 * known miss that says so, in none of that many a false negative.
 */
#ifndef MAPRACE_CLASSIFY_H
#define MAPRACE_CLASSIFY_H

#include "engine/catalog.h"
#include "engine/detectors.h"
#include "lib/exec.h"
#include "lib/markers.h"
#include "parse/finding.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Runs of a best-effort detector (go) over which an expected fatal error
 * or symptom that never showed is a false negative (docs/runner.md). */
#define BEST_EFFORT_JUDGED_RUNS 20

enum verdict {
    VERDICT_PASS = 0,
    VERDICT_FALSE_NEGATIVE,
    VERDICT_FALSE_POSITIVE,
    VERDICT_KNOWN_MISS,
    VERDICT_KNOWN_FALSE_POSITIVE,
    VERDICT_ERROR,
    VERDICT_COUNT
};

/* What one run showed. */
struct run_obs {
    bool detected;      /* what the expectation looks for was seen (for
                           clean/false-positive: a report) */
    bool race_marked;   /* a data race with a frame on a marked line */
    size_t nr_findings; /* findings of every kind */
    size_t nr_races;    /* data-race findings, marked lines or not */
    char *fatal;        /* the Go message of a fatal error, or NULL */
    bool symptom;       /* the expected symptom text was on stdout */
    char *other;        /* type of the first non-race, non-fatal finding */
    char *marker;       /* "racy.c:40 (write m[k])" of the first marked
                           frame, or NULL */
    char *crash;        /* a crash the detector reported as a finding
                           ("crashed: SEGV on unknown address"), or NULL */
    char *error;        /* why the run is an error, or NULL */
    bool kinds[FINDING_KIND_COUNT]; /* a report of that kind with a frame
                                       in the variant's source */
    char *end; /* how the program ended when that was not exit status 0
                  ("exit status 42", "killed by SIGSEGV"), or NULL */
};

/* Fill o from one run: the parsed report (detector log and the program's
 * stderr), how the process ended, and its stdout (may be NULL). */
void classify_run(enum detector d, const struct expectation *e,
                  const struct markers *m, const struct report *r,
                  const struct proc *p, const char *stdout_buf,
                  struct run_obs *o);

void run_obs_release(struct run_obs *o);

struct cell_verdict {
    enum verdict verdict;
    size_t runs, detected_runs;
    char *observed; /* "race", "fatal concurrent map writes", "clean",
                       "symptom <text>", "race off the marked lines",
                       "report: <type>", "error" */
    char *note;     /* why, for anything but a plain pass; or NULL */
};

/* Judge a cell from its runs. `natural`: the runs were not forced
 * (--natural), so a fatal or symptom that shows in some runs only is a
 * known miss (best-effort by design), not a false negative. */
void classify_cell(enum detector d, const struct expectation *e,
                   const struct run_obs *obs, size_t n, bool natural,
                   struct cell_verdict *v);

void cell_verdict_release(struct cell_verdict *v);

/* "pass", "false-negative", "false-positive", "known-miss",
 * "known-false-positive", "error". */
const char *verdict_name(enum verdict v);

/* The verdict's class, which decides its colour in every view (the HTML
 * matrix's cell class, lib/ansi.h): "ok" (pass), "known" (known miss or
 * false positive), "error", else "bad". */
const char *verdict_class_of(enum verdict v);

/* Whether the verdict is as expected (all but false-negative,
 * false-positive and error). */
bool verdict_ok(enum verdict v);

#endif
