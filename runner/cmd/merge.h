/*
 * cmd/merge.h - `maprace merge DIR...`: join the reports of the shards of
 * one matrix (`maprace check --shard K/N`, run on N machines) into one
 * report, as if one machine had run every cell.
 *
 * Each DIR is a shard's report folder (holding results.json) or a reports
 * folder (its `latest` is taken). The shards must be 1/N..N/N of the same
 * selection (catalog, cases, variants, detectors, runs, forcing), each
 * exactly once, and hold every cell of it exactly once: otherwise nothing
 * is written and the exit code is 2, with one line naming what is missing
 * or doubled. The merged report is a new folder <out>/<run-id>/ with
 * results.json (read and written through results-model.h: the cells in
 * the order of a full run, totals, races and each detector's cost
 * computed again over every cell, "merged_from" naming the shards), summary.txt, the
 * report files of `formats`, and raw/ (every shard's logs; each shard's
 * build log as raw/build.shard-K.log); `latest` moves to it once all is
 * written.
 */
#ifndef MAPRACE_CMD_MERGE_H
#define MAPRACE_CMD_MERGE_H

#include <stdbool.h>
#include <stddef.h>

struct merge_opts {
    const char *out;  /* the reports folder of the merged report */
    unsigned formats; /* reports.h FORMAT_* bits */
    bool color;       /* the matrix on stdout in colour */
    bool json;        /* results.json on stdout instead of the matrix */
};

/* Merge the shard reports of dirs[0..n). Returns the exit code: 0 when
 * every cell is as expected (shards of `run`: when merged), 1 when a
 * cell is not (shards of `check`) or a shard was interrupted, 2 when the
 * shards do not make one whole matrix or a folder is not a shard report,
 * 3 when the merged report cannot be written. */
int merge_reports(char **dirs, size_t n, const struct merge_opts *o);

#endif
