/*
 * exit.h - the exit codes of maprace, one enum for every verb (documented
 * in docs/runner.md, "Exit codes", and docs/maprace.1, EXIT STATUS).
 *
 * A verb returns one of these from its cmd_*() function (cmd/builtin.h),
 * and main() returns it. What "not as expected" means is the verb's: a
 * cell of `check`, an expectation of `try --expect`, a failed answer of
 * `grade`, a name with no race for `show`, a shard of `merge` that was
 * interrupted.
 */
#ifndef MAPRACE_EXIT_H
#define MAPRACE_EXIT_H

enum exit_code {
    EXIT_OK = 0,              /* all as expected (run: the run completed) */
    EXIT_NOT_AS_EXPECTED = 1, /* check, try --expect, grade, show, merge */
    EXIT_USAGE = 2,           /* bad option, unknown case, case.ini error */
    EXIT_ENV = 3,             /* a required tool missing, report not written */
    EXIT_INTERRUPTED = 130,   /* SIGINT, SIGTERM, SIGHUP: report incomplete */
};

#endif
