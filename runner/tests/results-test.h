/*
 * results-test.h - reading a run's results.json in the runner's
 * end-to-end tests (header-only).
 */
#ifndef MAPRACE_RESULTS_TEST_H
#define MAPRACE_RESULTS_TEST_H

#include "runner-test.h"

#include <jansson.h>

/* <dir>/results.json, parsed (jansson refuses invalid UTF-8); fails the
 * test when it cannot be read. */
static __attribute__((unused)) json_t *load_results_dir(const char *dir)
{
    char path[PATH_MAX * 2 + 64];
    snprintf(path, sizeof(path), "%s/results.json", dir);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root)
        fail_msg("%s: %s", path, jerr.text);
    return root;
}

/* results.json of <out>/latest, the last run written to `out`. */
static __attribute__((unused)) json_t *load_results(const char *out)
{
    char dir[PATH_MAX * 2];
    snprintf(dir, sizeof(dir), "%s/latest", out);
    return load_results_dir(dir);
}

/* The first cell of `detector` in results (borrowed); fails the test when
 * there is none. */
static __attribute__((unused)) json_t *cell(json_t *results,
                                            const char *detector)
{
    json_t *cells = json_object_get(results, "cells"), *c;
    size_t i;
    json_array_foreach(cells, i, c)
    {
        const char *d = json_string_value(json_object_get(c, "detector"));
        if (d && !strcmp(d, detector))
            return c;
    }
    fail_msg("no cell for %s", detector);
    return NULL;
}

#endif
