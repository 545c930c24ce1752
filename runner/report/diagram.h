/*
 * report/diagram.h - a race as a picture: two thread lanes, the access of
 * each (read or write, the marked line, the model function), the missing
 * happens-before edge between them, and the forced window that made them
 * meet (the variant's window_plan, read from its source).
 *
 * Drawn with box-drawing characters for `maprace show`, and as inline SVG
 * for index.html. Both are built from a race of results.json
 * (struct res_race: its locations and the accesses of the first detector
 * that reported both), so they show only what a detector saw.
 */
#ifndef MAPRACE_REPORT_DIAGRAM_H
#define MAPRACE_REPORT_DIAGRAM_H

#include "engine/results-model.h"
#include "lib/util.h"

#include <stdbool.h>

/* What a report of another kind than a data race means, in a few plain
 * sentences taken from its first detector's evidence (malloc'd; NULL for
 * a data race, whose picture is the interleaving):
 *   use-after-free  where the block was freed and where it was then used,
 *                   and the locks both held, if any;
 *   lock-order      the cycle: each acquisition made while holding the
 *                   other lock, and whether one thread or two made them;
 *   thread-leak     where the thread was created;
 *   mutex-misuse    the operation and the state the mutex was in;
 *   signal-unsafe, fatal, other: what the detector said it saw. */
char *race_explanation(const struct res_race *race);

/* "nothing orders A and B: ..." said of a data race. */
extern const char race_unordered_text[];

/* The interleaving of a data race as text lanes, appended to sb; for a
 * report of another kind, its explanation (race_explanation) instead.
 * Nothing for a data race with fewer than two locations. */
void race_diagram_text(struct strbuf *sb, const struct results *res,
                       const struct res_race *race, bool color);

/* The same as an <svg class="interleaving"> element (escaped, inline); for
 * another kind, its explanation as <p class="explain">. */
void race_diagram_svg(struct strbuf *sb, const struct results *res,
                      const struct res_race *race);

#endif
