/*
 * report/common.h - the report files of a run, written from its results.json
 * document (results.h) so that they can be written again, and tested, from
 * a saved results.json:
 *
 *   index.html     self-contained HTML (report/html.c)
 *   junit.xml      one testcase per case x variant x detector (report/junit.c)
 *   results.sarif  SARIF 2.1.0, one result per race (report/sarif.c)
 *   summary.md     the matrix and the races in Markdown (report/markdown.c)
 *
 * Each writer takes the document with its "races" (group.h; computed when
 * absent) and returns the file's text; reports_write() writes the chosen
 * ones atomically into a report folder. docs/report-format.md describes
 * every file.
 */
#ifndef MAPRACE_REPORT_COMMON_H
#define MAPRACE_REPORT_COMMON_H

#include "engine/results-model.h"
#include "engine/session.h"
#include "lib/util.h"

#include <jansson.h>
#include <stdbool.h>

enum report_format {
    FORMAT_HTML = 1 << 0,
    FORMAT_JUNIT = 1 << 1,
    FORMAT_SARIF = 1 << 2,
    FORMAT_MD = 1 << 3,
    FORMAT_ALL = (1 << 4) - 1,
};

/* Parse --format's comma-separated LIST: html, junit, sarif, md, all,
 * none. Returns 0, or -1 with the bad word (malloc'd) in *bad. */
int report_formats_parse(const char *list, unsigned *formats, char **bad);

/* --format's LIST into *formats: 0, or -1 after saying "unknown report
 * format 'x' (want html, junit, sarif, md, all or none)". */
int report_formats_option(const char *list, unsigned *formats);

/* The formats' --format words ("html,junit,sarif,md" with sep ","), and
 * their files' names ("index.html, junit.xml, results.sarif, summary.md"
 * with sep ", "), in the registry's order, for usage texts. Malloc'd. */
char *report_format_names(const char *sep);
char *report_format_files(const char *sep);

/* Set o's report fields (engine/session.h) for `formats`: the bits, the
 * writer (reports_write) and the files' names, from the registry. */
void report_opts_set(struct run_opts *o, unsigned formats);

/* Write the chosen formats into dir from the document (whose "races" are
 * added when missing). Returns 0, or -1 with a malloc'd one-line reason in
 * *why (what could be written is). */
int reports_write(json_t *results, const char *dir, unsigned formats,
                  char **why);

/* The files' texts (malloc'd). */
char *report_html(json_t *results);
char *report_junit(json_t *results);
char *report_sarif(json_t *results);
char *report_markdown(json_t *results);

/* The typed results (engine/results-model.h) of a document, for a writer:
 * its races computed when it has none (group_results_ensure()). Returns 0,
 * or -1 after saying why on stderr (reports_write() refuses such a
 * document before any writer runs). */
int results_of_report(json_t *results, struct results *r);

/* Escapes: HTML/XML text and attribute values (&, <, >, ", '; control
 * characters XML forbids become U+FFFD), and Markdown table cells. */
void html_escape(struct strbuf *sb, const char *s);
void md_escape(struct strbuf *sb, const char *s);
/* A Markdown code span of s: inside one Markdown keeps every character
 * literally, so nothing is escaped but what a GFM table needs (`|`, as
 * `\|`); a backtick in s gets a double-backtick fence; line breaks become
 * blanks. */
void md_code(struct strbuf *sb, const char *s);

/* The lines [from, to] of the variant's source a race location or frame
 * names: `path` repo-relative ("cases/x/racy.c"), `file` as the detector
 * printed it (may be NULL). Only a source of a variant of results is ever
 * read (sources.h): a name that stands for no variant reads nothing.
 * Lines are valid UTF-8 (invalid bytes become U+FFFD). Returns a malloc'd
 * array of malloc'd lines (*n of them, fewer at the end of the file), or
 * NULL when there is no such source. */
char **source_lines(const struct results *res, const char *path,
                    const char *file, int from, int to, int *n);
void source_lines_free(char **lines, int n);

/* Options of the terminal rendering of a race. */
struct race_text_opts {
    bool color;      /* ANSI colours */
    bool all_frames; /* also the folded frames (libc, runtimes, window.c) */
    int context;     /* source lines shown around each racing line */
};

/* What a race of kind `kind` (results.json's race kind) is called in a
 * report: "data race", "fatal error", "lock-order", "mutex-misuse"...,
 * "report" for any other. */
const char *race_kind_words(const char *kind);

/* Go beside the model. race_go_beside() finds, in a race of results.json,
 * the evidence of the first Go race detector (go-race, the current Go,
 * when it reported; else go-hmap-race) and of the first race detector of
 * the model; false when the race lacks either. evidence_access() is the
 * access of an evidence at location `at` (0: A, 1: B), or NULL.
 * side_rows() lines up the (visible, or all) frames of a Go access and a
 * model access row by row: each Go frame beside the model frame that
 * stands for it (the model function its runtime function is modelled by,
 * the same marker, or another frame of the case), a frame with no
 * counterpart alone on its row (the other side NULL). It fills at most
 * `max` rows and returns how many it filled. */
struct side_row {
    const struct res_frame *go, *model;
};
bool race_go_beside(const struct res_race *race, const struct res_evidence **go,
                    const struct res_evidence **model);
const struct res_access *evidence_access(const struct res_evidence *ev,
                                         long long at);
size_t side_rows(const struct res_access *go_access,
                 const struct res_access *model_access, bool all_frames,
                 struct side_row *rows, size_t max);

/* The annotated race (or any report) as text (show, junit's system-out):
 * its locations with their source lines, the case's "why", then each
 * detector's evidence: its stacks in the detector's order, each headed by
 * the detector's own label (a race's two accesses by their kind, size,
 * thread and locks), with annotated frames, the findings dropped past the
 * cap, the run's command line and raw logs. */
void race_text(struct strbuf *sb, const struct results *res,
               const struct res_race *race, const struct race_text_opts *o);

/* The race in brief (show without --full): its two lines with their
 * source (o->context lines around each) and the case's "why". No stacks,
 * no command lines (race_text has them). */
void race_text_brief(struct strbuf *sb, const struct results *res,
                     const struct res_race *race,
                     const struct race_text_opts *o);

/* One line per detector of the race: what it called it, the threads it
 * named ("A: write by T1, B: read by T2"), in how many runs. */
void race_seen_by_text(struct strbuf *sb, const struct res_race *race,
                       const struct race_text_opts *o);

/* A cell's detection rate "d/n" and its colour class ("ok", "bad",
 * "known", "error"). */
const char *verdict_class(const char *verdict);

/* "9 998": a count with a blank between groups of three digits. */
void count_text(char *buf, size_t size, long long n);

/* What a folded frame (class hidden) belongs to, in a few words: "libc",
 * "the loader", "the TSan runtime", "valgrind's preload", "Go's runtime",
 * "window.c", "bare addresses", else "the runtimes". */
const char *hidden_frame_what(const struct res_frame *frame);

/* The note of the frames folded in one stack: "3 frames folded: libc, the
 * TSan runtime" (what each was, each once), into sb; nothing when none. */
void folded_note(struct strbuf *sb, const struct res_access *access);

/* The kind of a stack that is not an access of the race, from its
 * detector's label: "thread creation", "goroutine creation", "allocation",
 * "mutex creation", else "other". */
const char *stack_label_what(const char *label);

#endif
