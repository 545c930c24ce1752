/*
 * cmd/try.h - `maprace try FILE.c [FILE.c...]`: a program of the user's,
 * with no case.ini and no RACE: markers, built in every flavour and run
 * under every installed detector, reported like a case (docs/runner.md,
 * "try").
 *
 * The files become a one-variant case held in memory: its name is the
 * first file's name without its extension, every line of every file
 * counts as marked (a report counts when one of its frames is in the
 * user's files), and each detector expects what --expect says, or
 * nothing in particular (`any`: what the detectors said is the result).
 * The Makefile builds it (its "try" rules: the flavours' flags, the
 * model as an archive, -I each file's folder and valgrind's headers); the
 * run, the verdicts and the report files are those of `maprace check`,
 * and the races are printed as `maprace show` prints them.
 */
#ifndef MAPRACE_CMD_TRY_H
#define MAPRACE_CMD_TRY_H

/* The verb is cmd_try() (cmd/builtin.h); its exit code: 0 (the program
 * ran; with --expect, every detector saw what was expected), 1 (an
 * expectation not met, or a run that could not complete: a build
 * failure, a timeout), 2 (usage: a bad option, a file that cannot be
 * read), 3 (a tool missing), 130 (interrupted). Outside a repository an
 * installed maprace builds with its kit (installed_kit()) into the
 * user's cache (user_cache_dir()). */

#endif
