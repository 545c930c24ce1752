/*
 * shard.h - `--shard K/N`: a deterministic slice of a run's cells, for
 * splitting the matrix over N machines (docs/ci.md; cmd-merge.h joins the
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

struct shard_spec {
    int index, count; /* 1 <= index <= count; count 0: not sharded */
    uint64_t fingerprint;
    size_t cells_total;
};

/* Parse "K/N" (1 <= K <= N, N <= 10000). Returns 0, or -1 with a malloc'd
 * one-line reason in *why. */
int shard_parse(const char *s, struct shard_spec *sp, char **why);

/* Whether the i-th cell of the full matrix belongs to this shard (every
 * cell, when not sharded). */
bool shard_takes(const struct shard_spec *sp, size_t i);

/* Add one cell of the full matrix (its case, variant and detector) and
 * count it; then the run's settings that must match across shards. */
void shard_add_cell(struct shard_spec *sp, const char *case_name,
                    const char *variant, const char *detector);
void shard_add_setting(struct shard_spec *sp, const char *name, long value);

/* The "shard" object of results.json, or NULL when not sharded. */
json_t *shard_json(const struct shard_spec *sp);

#endif
