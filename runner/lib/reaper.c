/*
 * reaper.c - the keeper of a run's process tree (see reaper.h).
 *
 * Runs in the child forked by exec.c, so it only uses what is safe after
 * fork() in a single-threaded process. Signals are blocked and taken with
 * sigwaitinfo(): no handler runs.
 */
#include "lib/reaper.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Exec the program (in the forked grandchild). */
static void program(char *const *argv, char **env, const sigset_t *mask,
                    int errfd)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGUSR1, SIG_DFL);
    sigprocmask(SIG_SETMASK, mask, NULL);
    execvpe(argv[0], argv, env);
    int e = errno;
    ssize_t w = write(errfd, &e, sizeof(e));
    (void)w;
    _exit(127);
}

/* SIGKILL to every child of the keeper (read from /proc); returns how
 * many were signalled. */
static int kill_children(void)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/task/%ld/children",
             (long)getpid());
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    int n = 0;
    long pid;
    while (fscanf(fp, "%ld", &pid) == 1) {
        kill((pid_t)pid, SIGKILL);
        n++;
    }
    fclose(fp);
    return n;
}

/* Kill and reap everything left: the program's group, then each child of
 * the keeper (descendants of a killed one become the keeper's children,
 * so the loop ends when none is left). */
static void kill_all(pid_t prog)
{
    if (prog > 0)
        kill(-prog, SIGKILL);
    for (;;) {
        kill_children();
        pid_t r = waitpid(-1, NULL, 0);
        if (r < 0 && errno == ECHILD)
            return;
    }
}

/* End as the program ended. */
static void exit_like(int status)
{
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        signal(sig, SIG_DFL);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, sig);
        sigprocmask(SIG_UNBLOCK, &s, NULL);
        kill(getpid(), sig);
        _exit(128 + sig); /* a signal that does not kill */
    }
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
}

void reaper_run(char *const *argv, char **env, const sigset_t *mask,
                pid_t parent, int errfd)
{
    sigset_t wait_set;
    sigemptyset(&wait_set);
    sigaddset(&wait_set, SIGCHLD);
    sigaddset(&wait_set, SIGTERM);
    sigaddset(&wait_set, SIGINT);
    sigaddset(&wait_set, SIGHUP);
    sigaddset(&wait_set, REAPER_STOP_SIGNAL);
    sigprocmask(SIG_BLOCK, &wait_set, NULL);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    prctl(PR_SET_PDEATHSIG, REAPER_STOP_SIGNAL);
    if (getppid() != parent) /* the runner died before the prctl */
        _exit(128 + SIGKILL);

    pid_t prog = fork();
    if (prog == 0)
        program(argv, env, mask, errfd);
    if (prog < 0) {
        int e = errno;
        ssize_t w = write(errfd, &e, sizeof(e));
        (void)w;
        _exit(127);
    }
    close(errfd); /* the runner reads until the program's exec closes it */
    setpgid(prog, prog); /* also in the program: whoever runs first */

    for (;;) {
        int status;
        siginfo_t si;
        int sig = sigwaitinfo(&wait_set, &si);
        if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
            kill(-prog, sig);
        } else if (sig == REAPER_STOP_SIGNAL) {
            kill_all(prog);
            _exit(128 + SIGKILL);
        } else if (sig == SIGCHLD) {
            /* reap what ended; the program's end ends the run */
            pid_t r;
            while ((r = waitpid(-1, &status, WNOHANG)) > 0)
                if (r == prog) {
                    kill_all(prog);
                    exit_like(status);
                }
        }
    }
}
