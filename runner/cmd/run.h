/*
 * run.h - `maprace run` and `maprace check` (cmd/run.c), and the session
 * they set up from the command line, which fidelity and rates use too.
 */
#ifndef MAPRACE_CMD_RUN_H
#define MAPRACE_CMD_RUN_H

#include "cmd/options.h"
#include "engine/session.h"

#include <stdbool.h>

/* The options of run and check (fidelity and rates name theirs). */
extern const struct verb_option run_options[];

/* A session from the command line: the repository (find_root()), the
 * options (cli_run_opts()), the catalog (--cases), the cases named and
 * `check`. 0, or -1 after saying why (exit EXIT_USAGE); release it with
 * run_session_release() either way. */
int run_session_open(struct session *s, const struct cli *a, bool check);

/* session_release(), and what run_session_open() allocated. */
void run_session_release(struct session *s);

/* run (check false) or check with the options in a, --help aside. Returns
 * the exit code. */
int run_verb(const struct cli *a, bool check);

#endif
