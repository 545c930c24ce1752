/*
 * runner/tests/logs-test.h - the saved detector logs of runner/tests/logs/
 * for the parser tests: where they are, and their bytes. Header-only; each
 * test program includes it once, after cmocka.h.
 */
#ifndef MAPRACE_LOGS_TEST_H
#define MAPRACE_LOGS_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* The path of fixture `name`: $MAPRACE_TEST_LOGS/name, or logs/name beside
 * this file. The buffer is static: use it before the next call. */
static inline const char *log_path(const char *name)
{
    static char path[4096];
    const char *dir = getenv("MAPRACE_TEST_LOGS");
    if (dir) {
        snprintf(path, sizeof(path), "%s/%s", dir, name);
    } else {
        const char *slash = strrchr(__FILE__, '/');
        int n = slash ? (int)(slash - __FILE__) : 0;
        snprintf(path, sizeof(path), "%.*s%slogs/%s", n, __FILE__,
                 slash ? "/" : "", name);
    }
    return path;
}

/* The whole fixture, NUL-terminated, its length in *len; fails the test
 * when it cannot be read. */
static inline char *slurp(const char *name, size_t *len)
{
    char *buf = read_file(log_path(name), 0, len);
    if (!buf)
        fail_msg("cannot open %s", log_path(name));
    return buf;
}

/* n bytes of reproducible garbage (a linear congruential generator from
 * `seed`), for the parsers' garbage-input tests. */
static inline void fill_junk(unsigned char *buf, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (unsigned char)(seed >> 16);
    }
}

#endif
