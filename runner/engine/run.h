/*
 * run.h - one `maprace run` or `maprace check`: the cells (case x variant
 * x detector), their build, a pool of jobs (one job = one run of one
 * cell), the parsing of each run's logs, and the verdicts.
 *
 * Everything a run produced goes to <out>/<run-id>/: raw/ (every log, the
 * build's output), results.json, summary.txt (results.h). The run-id is the
 * UTC time and the runner's pid, so two runs at once never share a folder.
 */
#ifndef MAPRACE_RUN_H
#define MAPRACE_RUN_H

#include "engine/session.h"

/* Run the session: select the cells, build, run, classify, write the
 * report. Returns the exit code (lib/exit.h: EXIT_OK, EXIT_NOT_AS_EXPECTED
 * for check, EXIT_USAGE, EXIT_ENV or EXIT_INTERRUPTED). The
 * catalog must be loaded into s->cat and s->opts filled. */
int session_run(struct session *s);

/* Notes for inherited environment variables that defeat a forced run
 * (MAPRACE_WINDOW_MS shorter than the default, or not a number). Called
 * by session_run(). */
void session_env_warnings(struct session *s);

#endif
