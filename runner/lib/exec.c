/*
 * exec.c - child processes with process groups, timeouts and capped output
 * (see exec.h).
 */
#include "lib/exec.h"

#include "lib/reaper.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static sigset_t orig_mask, wait_mask;
static bool initialised;
static volatile sig_atomic_t interrupted;

static void on_sigchld(int sig)
{
    (void)sig;
}

void exec_init(void)
{
    if (initialised)
        return;
    initialised = true;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigchld;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    sigemptyset(&wait_mask);
    sigaddset(&wait_mask, SIGCHLD);
    sigaddset(&wait_mask, SIGINT);
    sigaddset(&wait_mask, SIGTERM);
    sigaddset(&wait_mask, SIGHUP);
    sigprocmask(SIG_BLOCK, &wait_mask, &orig_mask);
}

int exec_interrupted(void)
{
    return interrupted;
}

/* The environment of the child: ours, with spec->env set on top. */
static char **child_env(char *const *add)
{
    size_t n = 0, nadd = 0;
    while (environ[n])
        n++;
    while (add && add[nadd])
        nadd++;
    char **env = xcalloc(n + nadd + 1, sizeof(*env));
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool replaced = false;
        for (size_t j = 0; j < nadd && !replaced; j++) {
            size_t kl = strcspn(add[j], "=");
            replaced =
                !strncmp(environ[i], add[j], kl) && environ[i][kl] == '=';
        }
        if (!replaced)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < nadd; j++)
        env[k++] = add[j];
    env[k] = NULL;
    return env;
}

/* In the child, after fork: never returns. Reports an exec failure's errno
 * through `errfd`. Only async-signal-safe calls until exec. */
/* In the child, after fork: never returns. Becomes the keeper of the
 * program (reaper.h), which reports an exec failure's errno through
 * `errfd`. */
static void child(const struct proc_spec *spec, int out, int err, int errfd,
                  char **env, pid_t runner)
{
    /* A session of its own: the keeper leads the run's process tree, and
     * nothing in it has the runner's terminal. */
    setsid();
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
    /* The runner's own mask, but never the signals it waits for: a
     * program started from a runner that inherited them blocked (a test
     * harness, a shell's job) must still see them. The keeper keeps them
     * blocked and waits for them. */
    sigset_t mask = orig_mask;
    sigdelset(&mask, SIGCHLD);
    sigdelset(&mask, SIGINT);
    sigdelset(&mask, SIGTERM);
    sigdelset(&mask, SIGHUP);
    sigdelset(&mask, REAPER_STOP_SIGNAL);
    if (spec->output_cap) {
        struct rlimit rl = {spec->output_cap, spec->output_cap};
        setrlimit(RLIMIT_FSIZE, &rl);
    }
    int in = open("/dev/null", O_RDONLY);
    if (in >= 0 && in != 0) {
        dup2(in, 0);
        close(in);
    }
    if (out != 1) {
        dup2(out, 1);
    }
    if (err != 2) {
        dup2(err, 2);
    }
    if (spec->cwd && chdir(spec->cwd) < 0) {
        int e = errno;
        ssize_t w = write(errfd, &e, sizeof(e));
        (void)w;
        _exit(127);
    }
    reaper_run(spec->argv, env, &mask, runner, errfd);
}

static int open_out(const char *path, char **why)
{
    int fd = open(path ? path : "/dev/null",
                  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        *why = xasprintf("cannot create %s: %s", path ? path : "/dev/null",
                         strerror(errno));
    return fd;
}

int exec_start(const struct proc_spec *spec, struct proc *p, char **why)
{
    void *data = p->data;
    memset(p, 0, sizeof(*p));
    p->data = data;
    *why = NULL;
    exec_init();
    int out = open_out(spec->stdout_path, why);
    if (out < 0)
        return -1;
    int err = out;
    if (spec->stderr_path) {
        err = open_out(spec->stderr_path, why);
        if (err < 0) {
            close(out);
            return -1;
        }
    }
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        *why = xasprintf("cannot create a pipe: %s", strerror(errno));
        close(out);
        if (err != out)
            close(err);
        return -1;
    }
    char **env = child_env(spec->env);
    p->start = now_s();
    pid_t runner = getpid();
    pid_t pid = fork();
    if (pid == 0)
        child(spec, out, err, pipefd[1], env, runner);
    int fork_errno = errno;
    free(env);
    close(pipefd[1]);
    close(out);
    if (err != out)
        close(err);
    if (pid < 0) {
        close(pipefd[0]);
        *why = xasprintf("cannot fork: %s", strerror(fork_errno));
        return -1;
    }
    /* The keeper's setsid() is done once the pipe closes: the program's
     * exec closes it. */
    int e;
    ssize_t n;
    do
        n = read(pipefd[0], &e, sizeof(e));
    while (n < 0 && errno == EINTR);
    close(pipefd[0]);
    if (n == (ssize_t)sizeof(e))
        p->spawn_errno = e;
    p->pid = pid;
    p->deadline = spec->timeout_s > 0 ? p->start + spec->timeout_s : 0;
    return 0;
}

static void reap(struct proc *p, int status, const struct rusage *ru)
{
    p->done = true;
    p->status = status;
    p->wall_s = now_s() - p->start;
    p->cpu_s = (double)ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 +
               (double)ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
    p->maxrss_kb = ru->ru_maxrss;
    /* Anything the child left in its group goes with it. */
    if (p->timed_out || p->killed || p->term_sent)
        kill(-p->pid, SIGKILL);
    p->pid = 0;
}

/* Reap the procs that are done; returns how many. */
static size_t reap_done(struct proc **procs, size_t n)
{
    size_t done = 0;
    for (size_t i = 0; i < n; i++) {
        struct proc *p = procs[i];
        if (p->done || !p->pid)
            continue;
        int status;
        struct rusage ru;
        pid_t r = wait4(p->pid, &status, WNOHANG, &ru);
        if (r == p->pid) {
            reap(p, status, &ru);
            done++;
        }
    }
    return done;
}

/* Send the timeout signals that are due; returns the next time something
 * is due (0: nothing). */
static double enforce_deadlines(struct proc **procs, size_t n, double now)
{
    double next = 0;
    for (size_t i = 0; i < n; i++) {
        struct proc *p = procs[i];
        if (p->done || !p->pid)
            continue;
        if (!p->term_sent && p->deadline && now >= p->deadline) {
            p->timed_out = true;
            p->term_sent = true;
            p->kill_at = now + EXEC_KILL_GRACE_S;
            kill(-p->pid, SIGTERM);
        } else if (p->term_sent && p->kill_at && now >= p->kill_at &&
                   !p->stop_sent) {
            /* the keeper kills all it keeps, then ends */
            p->stop_sent = true;
            p->kill_at = now + EXEC_KILL_GRACE_S;
            kill(p->pid, REAPER_STOP_SIGNAL);
        } else if (p->stop_sent && p->kill_at && now >= p->kill_at) {
            kill(-p->pid, SIGKILL); /* a keeper that did not end */
            p->kill_at = 0;
        }
        double due = p->term_sent ? p->kill_at : p->deadline;
        if (due && (!next || due < next))
            next = due;
    }
    return next;
}

size_t exec_wait(struct proc **procs, size_t n, double max_wait_s)
{
    double until = now_s() + max_wait_s;
    for (;;) {
        size_t done = reap_done(procs, n);
        if (done)
            return done;
        double now = now_s();
        double next = enforce_deadlines(procs, n, now);
        if (interrupted || now >= until)
            return 0;
        double wake = until;
        if (next && next < wake)
            wake = next;
        double d = wake - now;
        if (d < 0.001)
            d = 0.001;
        struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
        siginfo_t si;
        int sig = sigtimedwait(&wait_mask, &si, &ts);
        if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
            interrupted = sig;
    }
}

void exec_kill(struct proc **procs, size_t n)
{
    double now = now_s();
    for (size_t i = 0; i < n; i++) {
        struct proc *p = procs[i];
        if (p->done || !p->pid)
            continue;
        p->killed = true;
        if (!p->term_sent) {
            p->term_sent = true;
            p->kill_at = now + EXEC_KILL_GRACE_S;
            p->deadline = 0;
            kill(-p->pid, SIGTERM);
        }
    }
    for (;;) {
        size_t left = 0;
        for (size_t i = 0; i < n; i++)
            left += !procs[i]->done && procs[i]->pid;
        if (!left)
            return;
        now = now_s();
        enforce_deadlines(procs, n, now);
        reap_done(procs, n);
        struct timespec ts = {0, 20 * 1000 * 1000};
        siginfo_t si;
        sigtimedwait(&wait_mask, &si, &ts);
    }
}

int exec_run(const struct proc_spec *spec, struct proc *p, char **why)
{
    if (exec_start(spec, p, why) < 0)
        return -1;
    struct proc *one[1] = {p};
    while (!p->done) {
        exec_wait(one, 1, 3600);
        if (interrupted && !p->done)
            exec_kill(one, 1);
    }
    return 0;
}

const char *exec_describe(const struct proc *p)
{
    static char buf[128];
    if (p->spawn_errno)
        snprintf(buf, sizeof(buf), "could not be executed: %s",
                 strerror(p->spawn_errno));
    else if (p->timed_out)
        snprintf(buf, sizeof(buf), "timed out after %.0f s",
                 p->deadline > p->start ? p->deadline - p->start : p->wall_s);
    else if (p->killed)
        snprintf(buf, sizeof(buf), "stopped (interrupted)");
    else if (WIFEXITED(p->status))
        snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(p->status));
    else if (WIFSIGNALED(p->status))
        snprintf(buf, sizeof(buf), "killed by SIG%s%s",
                 sigabbrev_np(WTERMSIG(p->status))
                     ? sigabbrev_np(WTERMSIG(p->status))
                     : "?",
                 WCOREDUMP(p->status) ? " (core dumped)" : "");
    else
        snprintf(buf, sizeof(buf), "wait status %#x", p->status);
    return buf;
}

bool exec_exited(const struct proc *p, int code)
{
    return p->done && !p->spawn_errno && !p->timed_out && !p->killed &&
           WIFEXITED(p->status) && WEXITSTATUS(p->status) == code;
}
