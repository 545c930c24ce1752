/*
 * exec.h - run child processes: each in a session of its own under a
 * keeper (reaper.h) that leaves nothing behind, with its output in files
 * (size-capped), a timeout that kills the whole tree, and SIGINT/SIGTERM
 * turned into an orderly stop.
 *
 * The runner blocks SIGCHLD, SIGINT, SIGTERM and SIGHUP (exec_init()) and
 * waits for them with sigtimedwait(): no signal handler runs runner code.
 * Children get the original signal mask back, and SIGXFSZ ignored, so a
 * child that hits the output cap sees write() fail with EFBIG instead of
 * dying.
 *
 * The forked child is the program's keeper (reaper.c): a subreaper in a
 * session of its own, with the runner's death as its signal to end. When
 * the program ends, however it ends, the keeper kills its process group
 * and every descendant left (also those that called setsid()), then ends
 * with the program's status. A timeout sends SIGTERM to the keeper (which
 * passes it to the program's group), then REAPER_STOP_SIGNAL
 * `EXEC_KILL_GRACE_S` seconds later (the keeper kills everything and
 * ends), and SIGKILL to the keeper's group as a last resort. If the runner
 * itself dies, even by SIGKILL, every keeper kills its tree.
 */
#ifndef MAPRACE_EXEC_H
#define MAPRACE_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

#define EXEC_KILL_GRACE_S 2.0

struct proc_spec {
    char *const *argv;       /* argv[0] is looked up in PATH */
    char *const *env;        /* "K=V" set on top of the environment, or NULL */
    const char *cwd;         /* or NULL */
    const char *stdout_path; /* NULL: /dev/null */
    const char *stderr_path; /* NULL: same file as stdout */
    double timeout_s;        /* 0: none */
    size_t output_cap; /* bytes per file written (RLIMIT_FSIZE), 0: no cap */
};

struct proc {
    pid_t pid; /* also its process group; 0 when not running */
    double start, deadline, kill_at;
    bool term_sent, stop_sent;
    /* results, set when done */
    bool done;
    int status;      /* wait status */
    bool timed_out;  /* killed at the timeout */
    bool killed;     /* killed by exec_kill() (interrupt) */
    int spawn_errno; /* exec failed: errno (ENOENT: not found) */
    double wall_s;
    double cpu_s;   /* user + system CPU of the child and what it waited for */
    long maxrss_kb; /* peak resident set size (wait4's ru_maxrss), KiB */
    void *data;     /* the caller's */
};

/* Block the signals the runner waits for. Call once, before the first
 * exec_start(). */
void exec_init(void);

/* The signal (SIGINT, SIGTERM, SIGHUP) that asked the runner to stop, or
 * 0. Set by exec_wait(). */
int exec_interrupted(void);

/* Start a child. Returns 0, or -1 with a malloc'd one-line reason in *why
 * (the output file cannot be created, fork failed). A program that cannot
 * be executed is not an error here: the child exits 127 and
 * p->spawn_errno says why. */
int exec_start(const struct proc_spec *spec, struct proc *p, char **why);

/* Wait until at least one of the n running procs is done, a signal asks
 * the runner to stop, or max_wait_s passes; enforce timeouts meanwhile.
 * Returns the number of procs that finished in this call (their ->done is
 * set). */
size_t exec_wait(struct proc **procs, size_t n, double max_wait_s);

/* Stop the running procs (SIGTERM to each group, SIGKILL after the grace
 * period) and reap them; their ->killed is set. */
void exec_kill(struct proc **procs, size_t n);

/* Run one child to completion (exec_start + exec_wait). Returns 0 when it
 * ran (see p->status), -1 with *why when it could not start. */
int exec_run(const struct proc_spec *spec, struct proc *p, char **why);

/* "exit 0", "exit 66", "killed by SIGSEGV", "timed out after 5 s" ... of a
 * finished proc (static buffer). */
const char *exec_describe(const struct proc *p);

/* Whether the finished proc exited normally with `code`. */
bool exec_exited(const struct proc *p, int code);

#endif
