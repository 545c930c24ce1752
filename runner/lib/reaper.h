/*
 * reaper.h - the keeper of one child process tree: nothing a run started
 * outlives it.
 *
 * exec.c does not exec a run's program directly: the forked child becomes
 * a small keeper (this file), which
 *   - is a child subreaper (PR_SET_CHILD_SUBREAPER): every descendant of
 *     the program whose parent dies, even one that left the process group
 *     with setsid(), becomes the keeper's child;
 *   - gets REAPER_STOP_SIGNAL when the runner dies (PR_SET_PDEATHSIG), even
 *     by SIGKILL;
 *   - forks the program (in a process group of its own, with
 *     PR_SET_PDEATHSIG SIGKILL should the keeper die) and waits for it;
 *   - once the program has ended, or on REAPER_STOP_SIGNAL, kills the
 *     program's process group and every descendant left, reaps them all,
 *     and only then ends, with the program's exit status (a program killed
 *     by a signal: the keeper kills itself with the same signal, without a
 *     core file).
 * SIGTERM, SIGINT and SIGHUP sent to the keeper are passed on to the
 * program's process group: the runner's graceful stop.
 */
#ifndef MAPRACE_REAPER_H
#define MAPRACE_REAPER_H

#include <signal.h>

/* Sent to the keeper to end the run at once: SIGKILL to everything it
 * keeps, then the keeper ends. Also the keeper's parent-death signal. */
#define REAPER_STOP_SIGNAL SIGUSR1

/* Become the keeper of `argv` (looked up in PATH, with environment `env`).
 * Called in the forked child, after its files, limits and folder are set;
 * `mask` is the signal mask the program gets; `parent` the runner's pid
 * (the keeper ends at once when its parent is already gone); an exec
 * failure's errno is written to `errfd` (close-on-exec) and the program
 * exits 127. Never returns. */
void reaper_run(char *const *argv, char **env, const sigset_t *mask,
                pid_t parent, int errfd) __attribute__((noreturn));

#endif
