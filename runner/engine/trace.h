/*
 * engine/trace.h - the forced interleaving as it happened: the records
 * model/window.c writes when MAPRACE_WINDOW_TRACE names a file (see the
 * recorder there), read back into JSON for results.json ("window_trace"
 * of a native or native-swiss cell) and the step-through of index.html.
 *
 * The runner asks for the record on the first forced run of the native
 * and native-swiss detectors only: no detector watches those runs, so the
 * recorder's own writes change nothing a detector reports.
 */
#ifndef MAPRACE_ENGINE_TRACE_H
#define MAPRACE_ENGINE_TRACE_H

#include <jansson.h>
#include <stdbool.h>

/* The variable that asks a program for its record. */
#define WINDOW_TRACE_ENV "MAPRACE_WINDOW_TRACE"

/* The records of the file at path as an array, in the order they were
 * made, each
 *   {"seq": n, "role": r, "event": "at"|"wait"|"release"|"gaveup",
 *    "window": "W_...",
 *    "wait_role": s, "wait_for": "W_..."     (wait only)
 *    "model": {"func", "path", "line"}       (at: the model function that
 *                                             holds the window)
 *    "case": {"func", "path", "line"}}       (at: the first frame outside
 *                                             model/, the case's line)
 * NULL when the file is missing or holds no record. */
json_t *window_trace_read(const char *path);

#endif
