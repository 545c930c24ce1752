/*
 * sources.h - the only files a report reads besides results.json: the
 * variants' own sources.
 *
 * A race location or a frame names a file as a detector or a program
 * printed it ("cases/x/racy.c", "/repo/cases/x/racy.c", "racy.c", or
 * anything a hostile program prints: "cases/x/../../../etc/passwd",
 * "/dev/stdin"). The name only chooses among the variants listed in
 * results.json (cases[].variants[].source, and .go_source, its Go twin;
 * the caller lists them):
 * the one whose file name and folder (the case's, or for `maprace try`
 * the program's own) match it (util.h path_suffix_match). The file read is that
 * variant's source, never the name given: a name that matches no variant
 * reads nothing.
 */
#ifndef MAPRACE_SOURCES_H
#define MAPRACE_SOURCES_H

#include <stddef.h>

/* A variant's source as results.json lists it: its case and its path
 * (cases[].variants[].source, or .go_source). */
struct source_ref {
    const char *case_name, *source;
};

/* The readable source file of the variant `name` stands for (malloc'd),
 * or NULL, among refs[0..n). Looked for where the run found it (its
 * source), then in the run's catalog (<catalog>/<case>/<file>; catalog
 * may be NULL), then in $MAPRACE_ROOT/cases/<case>/<file>: always a
 * regular file, never a symbolic link. */
char *source_of_variant(const char *catalog, const struct source_ref *refs,
                        size_t n, const char *name);

#endif
