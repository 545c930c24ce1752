/*
 * group.h - races: findings grouped across runs and detectors.
 *
 * Findings of one case variant that blame the same unordered pair of code
 * locations are one race, whichever run and detector reported them. The
 * location of an access is, in this order of preference:
 *   1. its first frame on a RACE:-marked line ("marked"),
 *   2. else its first frame in the case's own source ("case"),
 *   3. else its first model frame that is not folded ("model").
 * A location is "path:line" with a repository-relative path.
 * Locations on marked lines are one when they name the same marker text,
 * whatever the file: so a race of a variant's Go twin (go-race, go) joins
 * the model's race of the same variant that names the same markers.
 *
 * A finding with one located access (DRD's ConflictingAccess names one
 * access and the other thread's segment; a native fatal error has the
 * throwing thread's stack only) joins the race of that case variant whose
 * pair contains its location; when there is none it makes a race of one
 * location. A finding with no located access is grouped by its type and
 * the first line, in any of its stacks, of a frame that is not folded
 * (so that three bad unlocks on three lines stay three).
 *
 * Each evidence also keeps the first finding's other stacks ("more", each
 * with its label: where a mutex was created, a thread started...) and the
 * command line of its run ("command").
 *
 * Each race keeps, per detector (the real Go's first: go-race, go; then
 * the others in the order they ran), that detector's own evidence: the access
 * kinds, threads, locks held and annotated frames of its first finding,
 * how many runs and findings showed it, and the raw logs of the first run
 * that did. The races are struct res_race (results-model.h), documented
 * in docs/report-format.md ("races").
 *
 * One race often holds findings that differ in which model functions
 * raced (map-grow-read: mapassign vs mapaccess2 on h->flags, evacuate vs
 * mapaccess2 on a bucket slot...). So each detector's evidence also
 * counts, over all its findings of the race, the distinct pairs of "top
 * frames" of the two accesses (one for a finding that names one access):
 * the first frame of the access that is not folded and is in the model,
 * else the first that is not folded. Its "access_pairs" lists them with
 * their counts, most frequent first (ties: first seen first), at most
 * GROUP_MAX_PAIRS; "access_pairs_more" says how many more there were.
 */
#ifndef MAPRACE_GROUP_H
#define MAPRACE_GROUP_H

#include "engine/results-model.h"

#include <jansson.h>

/* At most this many pairs of top frames in an evidence's access_pairs. */
#define GROUP_MAX_PAIRS 8

/* The races of the results (from their cases and cells, annotated):
 * res->races replaced. group_results_ensure() computes them only when
 * res has none (a results.json older than them, or a hand-made one). */
void group_results(struct results *res);
void group_results_ensure(struct results *res);

/* The races of a results.json document, as a new JSON array (for code
 * that holds the document as JSON: test_group); an empty array, after
 * saying why, for a document the model cannot read. */
json_t *group_races(json_t *results);

#endif
