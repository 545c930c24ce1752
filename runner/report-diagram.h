/*
 * report-diagram.h - a race as a picture: two thread lanes, the access of
 * each (read or write, the marked line, the model function), the missing
 * happens-before edge between them, and the forced window that made them
 * meet (the variant's window_plan, read from its source).
 *
 * Drawn with box-drawing characters for `maprace show`, and as inline SVG
 * for index.html. Both are built from the race object of results.json
 * (its "locations" and the accesses of the first detector that reported
 * both), so they show only what a detector saw.
 */
#ifndef MAPRACE_REPORT_DIAGRAM_H
#define MAPRACE_REPORT_DIAGRAM_H

#include "util.h"

#include <jansson.h>
#include <stdbool.h>

/* The interleaving of `race` as text lanes, appended to sb. Nothing when
 * the race has fewer than two locations. */
void race_diagram_text(struct strbuf *sb, json_t *results, json_t *race,
                       bool color);

/* The same as an <svg class="interleaving"> element (escaped, inline). */
void race_diagram_svg(struct strbuf *sb, json_t *results, json_t *race);

#endif
