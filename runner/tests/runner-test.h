/*
 * runner-test.h - helpers shared by the runner's tests (header-only: each
 * test program is one .c file).
 *
 * Tests run from anywhere inside the repository; the runner binary is
 * <root>/<MAPRACE_BUILD>/maprace (MAPRACE_BUILD comes from the Makefile).
 */
#ifndef MAPRACE_RUNNER_TEST_H
#define MAPRACE_RUNNER_TEST_H

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"

#ifndef MAPRACE_BUILD
#define MAPRACE_BUILD "build"
#endif

/* The repository root: the first folder from the cwd up that holds
 * runner/tests/cases. Static buffer. */
static __attribute__((unused)) const char *test_root(void)
{
    static char root[PATH_MAX];
    if (root[0])
        return root;
    if (!getcwd(root, sizeof(root)))
        abort();
    for (;;) {
        char probe[PATH_MAX + 32];
        snprintf(probe, sizeof(probe), "%s/runner/tests/cases", root);
        struct stat st;
        if (!stat(probe, &st))
            return root;
        char *slash = strrchr(root, '/');
        if (!slash || slash == root) {
            fprintf(stderr, "test: not inside the maprace repository\n");
            abort();
        }
        *slash = '\0';
    }
}

/* The build folder, absolute (static buffer). */
static __attribute__((unused)) const char *test_build(void)
{
    static char build[PATH_MAX + 64];
    if (MAPRACE_BUILD[0] == '/')
        snprintf(build, sizeof(build), "%s", MAPRACE_BUILD);
    else
        snprintf(build, sizeof(build), "%s/%s", test_root(), MAPRACE_BUILD);
    return build;
}

/* A fixture catalog of runner/tests/cases (static buffer). */
static __attribute__((unused)) const char *fixture(const char *name)
{
    static char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/runner/tests/cases/%s", test_root(), name);
    return path;
}

/* A fresh temporary folder (malloc'd). */
static __attribute__((unused)) char *test_tmpdir(void)
{
    char tmpl[] = "/tmp/maprace-test.XXXXXX";
    char *d = mkdtemp(tmpl);
    if (!d)
        abort();
    return strdup(d);
}

static __attribute__((unused)) void test_rmdir(const char *dir)
{
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "test: cannot remove %s\n", dir);
}

/* Read a whole file (malloc'd, NUL-terminated), or NULL: util.c's
 * read_file, which every runner test program links. */
static __attribute__((unused)) char *test_slurp(const char *path)
{
    return read_file(path, 0, NULL);
}

/* Run the maprace binary with `args` (a shell fragment) from the root,
 * with `env` (a shell fragment, e.g. "PATH=/x", or "") in front; stdout
 * and stderr go to <out>.stdout / <out>.stderr. Returns the exit status,
 * or -1 when it did not exit. */
/* Unblock what exec_init() blocked in this test process, so that shells
 * started by system() see SIGCHLD (dash's `wait` needs it). */
static __attribute__((unused)) void unblock_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static __attribute__((unused)) int
run_maprace(const char *env, const char *args, const char *out)
{
    char cmd[32768];
    snprintf(cmd, sizeof(cmd),
             "cd '%s' && %s MAPRACE_NO_PROGRESS=1 '%s/maprace' %s "
             ">'%s.stdout' 2>'%s.stderr' </dev/null",
             test_root(), env, test_build(), args, out, out);
    unblock_signals();
    int st = system(cmd);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

/* Whether process `pid` is gone (or a zombie nobody reaped yet), waiting
 * up to 3 s for it to go. */
static __attribute__((unused)) bool pid_gone(long pid)
{
    for (int i = 0; i < 300; i++) {
        if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
            return true;
        char path[64];
        snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
        char *st = test_slurp(path);
        if (st) {
            char *close = strrchr(st, ')');
            bool zombie = close && close[1] == ' ' && close[2] == 'Z';
            free(st);
            if (zombie)
                return true;
        }
        usleep(10000);
    }
    return false;
}

#endif
