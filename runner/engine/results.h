/*
 * results.h - the machine-readable report: reports/<run-id>/results.json
 * (jansson), summary.txt, and the reports/latest symlink. The schema is
 * documented in docs/report-format.md and defined by results-model.h (the
 * structs every reader uses); bump RESULTS_SCHEMA_VERSION there on any
 * change that is not an addition.
 *
 * Every file is written to a temporary file and renamed; `latest` is
 * replaced by renaming a new symlink over it. Two runs at once each write
 * their own folder, and `latest` ends up naming one of them, whole.
 */
#ifndef MAPRACE_RESULTS_H
#define MAPRACE_RESULTS_H

#include "lib/markers.h"
#include "parse/finding.h"
#include "engine/results-model.h"
#include "engine/session.h"

#include <jansson.h>

/* The findings of one run as a JSON array, at most `max` of them; a frame
 * on a marked line carries the marker's text. */
json_t *results_findings_json(const struct report *r, const struct markers *m,
                              size_t max);

/* The whole session as results.json's object. */
json_t *results_json(const struct session *s);

/* Write `doc` (results_json()) to <report_dir>/results.json, and the
 * summary to summary.txt. Returns 0, or -1 with a malloc'd reason in
 * *why. */
int results_write(const struct session *s, json_t *doc, const char *summary,
                  char **why);

/* Point <out>/latest at the report folder: call it last, once every file
 * of the report is written. Returns 0, or -1 with *why. */
int results_point_latest(const struct session *s, char **why);

#endif
