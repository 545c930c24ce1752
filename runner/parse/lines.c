/*
 * lines.c - a log, line by line (see lines.h).
 */
#include "parse/lines.h"

#include "lib/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

void lines_of_buf(const char *buf, size_t len, line_fn *fn, void *ctx)
{
    char *scratch = NULL; /* a NUL-terminated copy of the line */
    size_t alloc = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        if (n + 1 > alloc) {
            alloc = 2 * (n + 1) + 64;
            free(scratch);
            scratch = xmalloc(alloc);
        }
        memcpy(scratch, buf + pos, n);
        scratch[n] = '\0';
        fn(ctx, scratch, n, nl != NULL);
        pos += n + 1;
    }
    free(scratch);
}

int lines_of_file(const char *path, line_fn *fn, void *ctx, struct report *r)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        report_error(r, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t alloc = 0;
    ssize_t n;
    while ((n = getline(&line, &alloc, fp)) >= 0)
        fn(ctx, line, (size_t)n, n && line[n - 1] == '\n');
    int rc = 0;
    if (ferror(fp)) {
        report_error(r, "cannot read %s: %s", path, strerror(errno));
        rc = -1;
    }
    free(line);
    fclose(fp);
    return rc;
}
