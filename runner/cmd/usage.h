/*
 * usage.h - usage texts whose lists come from the tables: a verb's
 * --help text may name, instead of writing them out,
 *
 *   @detectors@          every detector, comma-separated (detectors.h)
 *   @detectors-default@  the default set's (no -d)
 *   @detectors-c@        those that run a C program on the hmap model
 *   @detectors-go@       those that run a Go program
 *   @detectors-go-current@, @detectors-go-hmap@
 *                        those of the current Go, of the hmap Go
 *   @formats@            every report format's --format word
 *                        (report/common.h: "html,junit,sarif,md")
 *   @format-files@       the files they write ("index.html, junit.xml...")
 *
 * A detector list longer than its line is wrapped at 78 columns, its next
 * lines starting at the column of the text it is in (where the text after
 * the last run of two blanks before it begins); so a new row of either
 * table shows in every help text without editing it.
 */
#ifndef MAPRACE_USAGE_H
#define MAPRACE_USAGE_H

#include <stdio.h>

/* The text tmpl with its placeholders replaced (malloc'd). */
char *usage_expand(const char *tmpl);

/* printf(fmt, ...) into f, then the placeholders replaced. */
void usage_printf(FILE *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
