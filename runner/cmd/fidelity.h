/*
 * cmd/fidelity.h - `maprace fidelity`: the C model against the real Go,
 * variant by variant, over many runs (docs/fidelity.md).
 *
 * Four runs of the selected cases, one after the other, each a session of
 * its own (its report in <out>/<run-id>/ like any run; the matrices go to
 * their summary.txt, not to stdout):
 *
 *   go-race  the Go twins under Go's race detector (default 20 runs)
 *   go       the Go twins under Go's runtime, natural (default 100)
 *   native   the model, forced (MAPRACE_FORCE=1; default 100)
 *   native   the model, unforced (--natural; default 100)
 *
 * Then one Markdown table on stdout, a row per variant: how often go -race
 * reported a race on a marked line; what the Go runtime did and how often
 * (each fatal error's message, the case's symptom, clean); the same for
 * the model forced and unforced; and whether model and Go agree on what
 * happens: the same race verdict (go-race against the model's race
 * detectors' expectation), and every outcome of the forced model (which
 * fatal message, which symptom, or nothing) seen in the Go runs too.
 * Where the model's native expectation is a symptom, the Go runs look for
 * the same symptom text. A variant without a Go twin gets its reason.
 */
#ifndef MAPRACE_CMD_FIDELITY_H
#define MAPRACE_CMD_FIDELITY_H

#include "engine/session.h"

/* Run it with base's options (cases, variants, jobs, out, build, catalog)
 * and its loaded catalog (for the selection; each run loads its own).
 * `runs` > 0 sets every run count, 0 keeps the defaults. Returns the exit
 * code: 0, 2 (usage, catalog), 3 (a tool missing: its cells are errors),
 * 130 (interrupted). */
int fidelity_run(struct session *base, int runs);

#endif
