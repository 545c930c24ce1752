/*
 * tests/cases/runcase.h - run a case's binary under a detector from a
 * cmocka test, with a timeout, and look at what it said.
 *
 * Header-only (every function is static inline, so a test that uses only
 * some of them gets no unused-function warning). Include it after
 * <cmocka.h>. The case tests run from the repository root, where
 * MAPRACE_BUILD (defined by the Makefile, e.g. "build") is found.
 *
 *   struct run r;
 *   char bin[PATH_MAX];
 *   runcase_bin(bin, sizeof(bin), "tsan", "map-concurrent-writes", "racy");
 *   const char *argv[] = {bin, NULL};
 *   const char *env[] = {"MAPRACE_FORCE=1", NULL};
 *   runcase_run(argv, env, 20, &r);   // stdout, stderr captured
 *   ... r.status, r.timed_out, r.out, r.err ...
 *   runcase_release(&r);
 *
 * Valgrind runs are the same with argv = {"valgrind", "--tool=helgrind",
 * "--xml=yes", "--xml-file=...", bin, NULL}; runcase_tmpfile() makes a
 * temporary file for the XML, runcase_slurp() reads it back, and
 * runcase_count_blocks() counts the <error> records (or TSan reports)
 * that mention every one of a list of strings.
 *
 * Invariants:
 *  - The child gets its own process group; when the timeout runs out the
 *    whole group is killed (SIGKILL) and r.timed_out is set.
 *  - stdout and stderr go to temporary files (no pipe can fill up and
 *    block the child), read back capped at RUNCASE_MAX_OUTPUT bytes each,
 *    NUL-terminated; the files are removed.
 *  - env entries ("NAME=value") are added to (or replace in) the test's
 *    own environment; "NAME" alone removes NAME.
 */
#ifndef MAPRACE_TESTS_RUNCASE_H
#define MAPRACE_TESTS_RUNCASE_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MAPRACE_BUILD
#define MAPRACE_BUILD "build"
#endif

enum { RUNCASE_MAX_OUTPUT = 4 << 20 };

struct run {
    int status;     /* as waitpid() gives it; -1 if the child never ran */
    bool timed_out; /* killed by the timeout */
    char *out;      /* stdout, NUL-terminated, never NULL after a run */
    char *err;      /* stderr, likewise */
};

/* Read a file (at most RUNCASE_MAX_OUTPUT bytes) into a malloc'd,
 * NUL-terminated buffer. Returns NULL when it cannot be opened. */
static inline char *runcase_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t len;

    if (!f)
        return NULL;
    buf = malloc(RUNCASE_MAX_OUTPUT + 1);
    if (!buf) {
        fclose(f);
        return NULL;
    }
    len = fread(buf, 1, RUNCASE_MAX_OUTPUT, f);
    buf[len] = '\0';
    fclose(f);
    return buf;
}

/* The path of a case binary: MAPRACE_BUILD/<flavour>/cases/<case>/<variant>.
 * Returns buf. */
static inline const char *runcase_bin(char *buf, size_t size,
                                      const char *flavour, const char *name,
                                      const char *variant)
{
    snprintf(buf, size, "%s/%s/cases/%s/%s", MAPRACE_BUILD, flavour, name,
             variant);
    return buf;
}

/* Whether prog is found on PATH (or is an executable path). */
static inline bool runcase_have(const char *prog)
{
    const char *path = getenv("PATH");
    char buf[PATH_MAX];

    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0;
    while (path && *path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);

        snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, path, prog);
        if (len && access(buf, X_OK) == 0)
            return true;
        path = end ? end + 1 : NULL;
    }
    return false;
}

/* A fresh temporary file name (the file is created empty). Returns buf. */
static inline const char *runcase_tmpfile(char *buf, size_t size,
                                          const char *tag)
{
    int fd;

    snprintf(buf, size, "/tmp/maprace-test-%s-XXXXXX", tag);
    fd = mkstemp(buf);
    if (fd >= 0)
        close(fd);
    return buf;
}

static inline double runcase_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run argv (argv[0] looked up on PATH) with env changes, for at most
 * timeout seconds. Returns 0 when the child ran (whatever its status),
 * -1 when it could not be started (errno set). */
static inline int runcase_run(const char *const argv[], const char *const env[],
                              int timeout, struct run *r)
{
    char outpath[64], errpath[64];
    pid_t pid;
    double deadline;

    r->status = -1;
    r->timed_out = false;
    r->out = r->err = NULL;
    runcase_tmpfile(outpath, sizeof(outpath), "out");
    runcase_tmpfile(errpath, sizeof(errpath), "err");
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int out = open(outpath, O_WRONLY | O_TRUNC);
        int err = open(errpath, O_WRONLY | O_TRUNC);

        setpgid(0, 0);
        if (out < 0 || err < 0)
            _exit(126);
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        close(out);
        close(err);
        for (size_t i = 0; env && env[i]; i++) {
            const char *eq = strchr(env[i], '=');

            if (eq) {
                char name[256];

                snprintf(name, sizeof(name), "%.*s", (int)(eq - env[i]),
                         env[i]);
                setenv(name, eq + 1, 1);
            } else {
                unsetenv(env[i]);
            }
        }
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "runcase: exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid); /* also here: no window where the kill misses */

    deadline = runcase_now() + timeout;
    for (;;) {
        pid_t w = waitpid(pid, &r->status, WNOHANG);

        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            break;
        if (runcase_now() >= deadline) {
            r->timed_out = true;
            kill(-pid, SIGKILL);
            waitpid(pid, &r->status, 0);
            break;
        }
        nanosleep(&(struct timespec){.tv_nsec = 5 * 1000 * 1000}, NULL);
    }
    /* Anything the child left behind in its group goes too. */
    kill(-pid, SIGKILL);

    r->out = runcase_slurp(outpath);
    r->err = runcase_slurp(errpath);
    if (!r->out)
        r->out = strdup("");
    if (!r->err)
        r->err = strdup("");
    unlink(outpath);
    unlink(errpath);
    return 0;
}

static inline void runcase_release(struct run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* Whether the child exited normally with status code. */
static inline bool runcase_exited(const struct run *r, int code)
{
    return !r->timed_out && r->status != -1 && WIFEXITED(r->status) &&
           WEXITSTATUS(r->status) == code;
}

/* Count the blocks of text that mention every string of `needles`
 * (NULL-terminated). A block runs from one occurrence of `open` to the
 * next occurrence of `close` (e.g. "<error>" .. "</error>" in valgrind's
 * XML, "WARNING: ThreadSanitizer:" .. "SUMMARY:" in a TSan log). */
static inline int runcase_count_blocks(const char *text, const char *open,
                                       const char *close,
                                       const char *const needles[])
{
    int n = 0;
    const char *p = text;

    while ((p = strstr(p, open))) {
        const char *end = strstr(p + strlen(open), close);
        size_t len = end ? (size_t)(end - p) : strlen(p);
        bool all = true;

        for (size_t i = 0; needles && needles[i] && all; i++) {
            const char *q = strstr(p, needles[i]);

            all = q && q + strlen(needles[i]) <= p + len;
        }
        if (all)
            n++;
        p += len ? len : strlen(open);
    }
    return n;
}

#endif
