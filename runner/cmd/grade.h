/*
 * cmd/grade.h - `maprace grade EXERCISE FILE.c`: grade a student's answer
 * to one of the exercises of exercises/ (exercises/README.md).
 *
 * The answer passes when all three hold:
 *  (a) race-free: built as the only variant of a copy of the exercise's
 *      case, expected clean under every detector, forced, it is (the
 *      runner's own `check`, whose matrix is printed);
 *  (b) still does the job: every native run prints the exercise's
 *      `stdout` text, none prints its `not` text (the case's symptom), and
 *      each makes at least the exercise's `calls` map calls (counted by
 *      the overlap probe, not taken from the program's output);
 *  (c) still concurrent: in at least one of GRADE_OVERLAP_RUNS native
 *      runs with the overlap probe preloaded (runner/preload/overlap.c),
 *      at least two threads besides main used the map and every one of
 *      them that made two or more calls had another thread's call between
 *      its first and its last.
 * Each check is one verdict line; under a failed one, a few lines say why
 * in the learner's terms (docs/exercises.md): each data race as "thread X
 * writes the map (m[k] = v at line N) while thread Y reads it", on the
 * answer's own lines, markers or not; the classic wrong fix recognised
 * (volatile, a sleep, a lock on one side only or two different locks, an
 * atomic beside the unlocked map, a thread removed, one lock around
 * everything) with the case that teaches it. Helgrind's and DRD's data
 * races are set aside, with a note, when the answer uses C11 atomics and
 * TSan and the native run found nothing (Valgrind does not model them).
 * An answer that does not compile is said once, with its own path and
 * line, and (a), (b) and (c) are not checked. The runner's matrix is not
 * printed (its words are for CI); its report is kept for `show`.
 *
 * Exit codes: 0 passed; 1 failed; 2 usage, unknown exercise, bad
 * exercise.ini or unreadable file; 3 a required tool or the probe is
 * missing; 130 interrupted.
 */
#ifndef MAPRACE_CMD_GRADE_H
#define MAPRACE_CMD_GRADE_H

/* Native runs with the overlap probe, at most (the first that shows the
 * threads overlapping ends them). */
#define GRADE_OVERLAP_RUNS 3

/* The verb is cmd_grade() (cmd/builtin.h). */

#endif
