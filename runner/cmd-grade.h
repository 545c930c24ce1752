/*
 * cmd-grade.h - `maprace grade EXERCISE FILE.c`: grade a student's answer
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
 * Each failed point is explained in a few lines that say why it matters.
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

/* The grade verb in the repository `root`: argv[0] is "grade", the
 * options and arguments follow. Returns the exit code. */
int cmd_grade(const char *root, int argc, char **argv);

#endif
