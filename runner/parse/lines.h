/*
 * lines.h - feed a log to a line-oriented parser (parse-tsan.c,
 * parse-native.c), from memory or from a file, one line at a time.
 */
#ifndef MAPRACE_LINES_H
#define MAPRACE_LINES_H

#include "parse/finding.h"

#include <stdbool.h>
#include <stddef.h>

/* Called for each line: `line` is NUL-terminated, n its length, which
 * includes the '\n' when the line came from a file and had one (parsers
 * strip line ends themselves). `terminated` is false for a last line that
 * has no '\n': a log cut short. The parser may modify line[0..n]. */
typedef void line_fn(void *ctx, char *line, size_t n, bool terminated);

/* Each line of buf[0..len), without its '\n'. */
void lines_of_buf(const char *buf, size_t len, line_fn *fn, void *ctx);

/* Each line of the file at path. Returns 0, or -1 after report_error(r)
 * when the file cannot be opened or read. */
int lines_of_file(const char *path, line_fn *fn, void *ctx, struct report *r);

#endif
