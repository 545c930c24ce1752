/*
 * markers.h - the RACE: marker comments of a case's sources.
 *
 * A racing line carries a comment "RACE: <text>" (docs/case-format.md):
 *
 *     mapstore(m, k, v); /\* RACE: write m[k] *\/
 *
 * A race counts for a case only when one of its accesses has a frame on a
 * marked line of the variant's source.
 */
#ifndef MAPRACE_MARKERS_H
#define MAPRACE_MARKERS_H

#include <stdbool.h>
#include <stddef.h>

struct marker {
    char *file; /* the source, as given to markers_scan() */
    int line;   /* 1-based */
    char *text; /* what follows "RACE:", trimmed ("write m[k]") */
};

struct markers {
    struct marker *items;
    size_t nr, alloc;
    char **files; /* every source scanned or marked, as given */
    size_t nr_files, alloc_files;
};

/* Append the markers of the source at `path` to m. A marker is "RACE:"
 * inside a comment (after "/\*" or "//" on the same line); its text runs to
 * the end of the comment or the line. Returns 0, or -1 (errno set) when the
 * file cannot be read. */
int markers_scan(const char *path, struct markers *m);

/* Same, on a buffer; `path` is recorded in each marker. */
void markers_scan_buf(const char *path, const char *buf, size_t len,
                      struct markers *m);

/* Mark every line of the source at `path` (marker text ""): for a
 * program with no markers (`maprace try`), any line of it counts.
 * Returns 0, or -1 (errno set) when the file cannot be read. */
int markers_mark_all(const char *path, struct markers *m);

/* Whether `file` (as a detector printed it) is one of the sources
 * scanned or marked (path_suffix_match()). */
bool markers_in_files(const struct markers *m, const char *file);

/* The marker on `line` of a file whose path matches `file` (see
 * path_suffix_match()), or NULL. */
const struct marker *markers_find(const struct markers *m, const char *file,
                                  int line);

void markers_release(struct markers *m);

#endif
