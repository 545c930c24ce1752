/*
 * show.h - `maprace show CASE[/VARIANT]` (the annotated races of the last
 * run, in the terminal) and `maprace explain CASE` (the case's README.md
 * as plain text).
 */
#ifndef MAPRACE_SHOW_H
#define MAPRACE_SHOW_H

#include <stdbool.h>
#include <stdio.h>

/* Print the races of `spec` ("case" or "case/variant") from
 * <out>/latest/results.json (or `results_path` when not NULL) on `fp`.
 * Returns 0; 1 when the last run has none of them; 2 when the spec or
 * the results cannot be used (a one-line error on stderr). */
int show_races(FILE *fp, const char *out, const char *results_path,
               const char *spec, bool color, bool all_frames);

/* Render Markdown as terminal text (md_render_terminal, lib/markdown.h:
 * headings, lists, code spans and emphasis, tables aligned, fenced code,
 * pictures framed), at the width COLUMNS gives (default 100). */
void explain_render(FILE *fp, const char *markdown, bool color);

/* Print <cases_dir>/<name>/README.md rendered. Returns 0, or 2 with a
 * one-line error. */
int explain_case(FILE *fp, const char *cases_dir, const char *name, bool color);

#endif
