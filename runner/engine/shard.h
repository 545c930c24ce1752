/*
 * shard.h - `--shard K/N`: a deterministic slice of a run's cells, for
 * splitting the matrix over N machines (docs/ci.md; cmd/merge.h joins the
 * slices).
 *
 * The cells are numbered from 0 in the order of a full run (cases by name,
 * variants in catalog order, detectors in detectors.h order); cell i
 * belongs to shard (i mod N) + 1. Each shard's results.json carries a
 * "shard" object: index, count, cells_total (the whole matrix) and a
 * fingerprint of the selection, so that `merge` can tell shards of one
 * matrix from shards of another.
 */
#ifndef MAPRACE_SHARD_H
#define MAPRACE_SHARD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The content of one case of the matrix: its case.ini and its sources. */
struct shard_case {
    char *name;
    uint64_t fingerprint;
};

struct shard_spec {
    int index, count;     /* 1 <= index <= count; count 0: not sharded */
    uint64_t fingerprint; /* the cells, their expectations, the settings */
    size_t cells_total;
    struct shard_case *cases; /* each case of the matrix, by content */
    size_t nr_cases, alloc_cases;
};

/* Parse "K/N" (1 <= K <= N, N <= 10000). Returns 0, or -1 with a malloc'd
 * one-line reason in *why. */
int shard_parse(const char *s, struct shard_spec *sp, char **why);

/* Whether the i-th cell of the full matrix belongs to this shard (every
 * cell, when not sharded). */
bool shard_takes(const struct shard_spec *sp, size_t i);

/* Add one cell of the full matrix (its case, variant, detector and the
 * expectation it is judged by, as written) and count it; then the run's
 * settings that must match across shards. */
void shard_add_cell(struct shard_spec *sp, const char *case_name,
                    const char *variant, const char *detector,
                    const char *expectation);
void shard_add_setting(struct shard_spec *sp, const char *name, long value);

/* Add a case of the matrix by content: the bytes of each of `files`
 * (its case.ini, its variants' sources and Go twins; a file that cannot
 * be read counts as its name). A case changed between two shards then
 * has two fingerprints, and `merge` names it. */
void shard_add_case(struct shard_spec *sp, const char *case_name,
                    const char *const *files, size_t nr_files);

/* Free what shard_add_case() kept. */
void shard_release(struct shard_spec *sp);

/* The "shard" object of results.json, or NULL when not sharded:
 * `index`, `count`, `cells_total`, `selection` (the fingerprint of the
 * cells, their expectations and the settings) and `cases` (case name ->
 * fingerprint of its content). */
json_t *shard_json(const struct shard_spec *sp);

#endif
