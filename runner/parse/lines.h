/*
 * lines.h - feed a log to a line-oriented parser (parse/tsan.c,
 * parse/native.c), from memory or from a file, one line at a time.
 */
#ifndef MAPRACE_LINES_H
#define MAPRACE_LINES_H

#include "parse/finding.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

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

/*
 * Numbers in a log: the same results as strtoull(s, end, 16) and
 * strtol(s, end, 10) (and atoi(s), which is (int)strtol(s, NULL, 10)),
 * without libc's locale and base machinery for the usual case (a plain
 * number: "0x" and up to 16 hex digits, or up to 18 decimal digits); any
 * other text (a sign, a space, more digits) goes to libc. The parsers
 * read several numbers on every line.
 */
static inline int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static inline uint64_t parse_hex(const char *s, char **end)
{
    const char *p = s;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && hex_digit(p[2]) >= 0)
        p += 2;
    uint64_t v = 0;
    int d, n = 0;
    while ((d = hex_digit(*p)) >= 0 && n < 16) {
        v = v << 4 | (uint64_t)d;
        p++;
        n++;
    }
    if (!n || hex_digit(*p) >= 0) /* not a plain number: libc decides */
        return strtoull(s, end, 16);
    if (end)
        *end = (char *)p;
    return v;
}

static inline long parse_dec(const char *s, char **end)
{
    const char *p = s;
    long v = 0;
    int n = 0;
    while (*p >= '0' && *p <= '9' && n < 18) {
        v = v * 10 + (*p - '0');
        p++;
        n++;
    }
    if (!n || (*p >= '0' && *p <= '9'))
        return strtol(s, end, 10);
    if (end)
        *end = (char *)p;
    return v;
}

/* atoi(s) */
static inline int parse_int(const char *s)
{
    return (int)parse_dec(s, NULL);
}

#endif
