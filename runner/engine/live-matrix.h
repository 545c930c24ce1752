/*
 * engine/live-matrix.h - the terminal view of a session: the matrix of cases x
 * detectors with each cell's verdict, then what was not as expected, the
 * known misses and false positives, the errors, the notes, and one line of
 * totals. The same text (without colour) is summary.txt.
 */
#ifndef MAPRACE_REPORT_SUMMARY_H
#define MAPRACE_REPORT_SUMMARY_H

#include "engine/session.h"

#include <stdbool.h>

/* The summary as a malloc'd string, with ANSI colours when `color`. */
char *matrix_render(const struct session *s, bool color);

/* What the detector saw in a cell, in one word: "race" (on a marked
 * line), "fatal" (Go's check), "symptom", "report" (another finding),
 * "clean", or "ERR" (the cell could not run). */
const char *matrix_saw(const struct cell *cl);

#endif
