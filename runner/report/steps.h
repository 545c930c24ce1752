/*
 * report/steps.h - the step-through of a race's forced interleaving in
 * index.html: the events the forced native run really went through (its
 * "window_trace", engine/trace.h), one sentence each, with the line each
 * thread is on highlighted in one source pane per thread. Buttons and
 * keys replay the recorded order, or step each thread on its own to try
 * another order and see when Go's check would fire. No network, no
 * framework: the page's one inline script (race_steps_script).
 */
#ifndef MAPRACE_REPORT_STEPS_H
#define MAPRACE_REPORT_STEPS_H

#include "engine/results-model.h"
#include "lib/util.h"

#include <stdbool.h>

/* Append the step-through of a data race (<section class="steps">) when its
 * variant's native or native-swiss cell has a recorded interleaving;
 * returns whether it did. */
bool race_steps_html(struct strbuf *sb, const struct results *res,
                     const struct res_race *race);

/* The <script> that drives every step-through of a page. */
extern const char race_steps_script[];

#endif
