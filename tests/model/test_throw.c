/*
 * tests/model/test_throw.c - fatal(): Go's message byte for byte, a
 * traceback in Go's shape naming the caller with file:line, exit status 2,
 * one traceback when two threads throw at once.
 *
 * Each scenario runs in a forked child whose stdout and stderr go to pipes;
 * the parent reads them and checks the exit status. An alarm kills a child
 * that hangs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "throw.h"

struct child {
    pid_t pid;
    int status;
    char out[8192]; /* the child's stdout */
    char err[8192]; /* the child's stderr */
};

/* Read all of fd into buf (NUL-terminated, truncated to size-1). */
static void slurp(int fd, char *buf, size_t size)
{
    size_t len = 0;
    ssize_t n;
    char sink[512];

    while ((n = read(fd, len < size - 1 ? buf + len : sink,
                     len < size - 1 ? size - 1 - len : sizeof(sink))) > 0)
        if (len < size - 1)
            len += n;
    buf[len] = '\0';
    close(fd);
}

/* Run fn in a child with stdout and stderr captured; fn must not return
 * (it throws); if it does, the child exits with 100. */
static void run_child(void (*fn)(void), struct child *c)
{
    int out[2], err[2];

    assert_int_equal(pipe(out), 0);
    assert_int_equal(pipe(err), 0);
    fflush(NULL);
    c->pid = fork();
    assert_true(c->pid >= 0);
    if (c->pid == 0) {
        alarm(30);
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        close(out[0]);
        close(err[0]);
        close(out[1]);
        close(err[1]);
        fn();
        _exit(100);
    }
    close(out[1]);
    close(err[1]);
    /* stderr is small (a traceback); read stdout, then stderr: a child
     * cannot fill both pipes. */
    slurp(out[0], c->out, sizeof(c->out));
    slurp(err[0], c->err, sizeof(c->err));
    assert_int_equal(waitpid(c->pid, &c->status, 0), c->pid);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;

    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void assert_exit_2(const struct child *c)
{
    if (!WIFEXITED(c->status) || WEXITSTATUS(c->status) != 2)
        fail_msg("child status 0x%x, want exit 2; stderr:\n%s", c->status,
                 c->err);
}

/* The line of the fatal() call below; keep the two together. */
static const int call_fatal_line = __LINE__ + 4;
__attribute__((noinline)) static void call_fatal(void)
{
    printf("unflushed stdout");
    fatal("concurrent map writes");
}

static void test_message_and_traceback(void **state)
{
    struct child c;
    char head[128], frame[256];

    run_child(call_fatal, &c);
    assert_exit_2(&c);

    /* Go's first line, byte for byte, a blank line, the thread header:
     * the child is single-threaded, so its thread id is its pid. */
    snprintf(head, sizeof(head),
             "fatal error: concurrent map writes\n\nthread %d [running]:\n",
             (int)c.pid);
    if (strncmp(c.err, head, strlen(head)))
        fail_msg("stderr does not start with\n%s---\ngot:\n%s", head, c.err);

    /* The first frame printed is the caller, not fatal_at. */
    snprintf(frame, sizeof(frame), "call_fatal(...)\n\t");
    if (strncmp(c.err + strlen(head), frame, strlen(frame)))
        fail_msg("first frame is not call_fatal:\n%s", c.err);
    assert_null(strstr(c.err, "fatal_at"));

    /* ... with file:line of this source and Go's +0x offset. */
    snprintf(frame, sizeof(frame), "tests/model/test_throw.c:%d +0x",
             call_fatal_line);
    if (!strstr(c.err, frame))
        fail_msg("no \"%s\" in:\n%s", frame, c.err);

    /* Its caller is in the traceback too. */
    if (!strstr(c.err, "run_child(...)\n\t"))
        fail_msg("no run_child frame in:\n%s", c.err);

    /* stdout was flushed before the process ended. */
    assert_string_equal(c.out, "unflushed stdout");
}

static void call_fatal_raw(void)
{
    setenv("MAPRACE_TRACEBACK", "raw", 1);
    call_fatal();
}

static void test_raw_traceback(void **state)
{
    struct child c;

    run_child(call_fatal_raw, &c);
    assert_exit_2(&c);
    assert_true(count(c.err, "fatal error: concurrent map writes\n\n") == 1);
    /* No DWARF: module+offset instead of file:line. */
    if (!strstr(c.err, "call_fatal(...)\n\ttest_throw+0x"))
        fail_msg("no raw call_fatal frame in:\n%s", c.err);
    assert_null(strstr(c.err, "test_throw.c:"));
}

/* Two threads meet on a relaxed counter, then both throw. */
static atomic_int arrived;

__attribute__((noinline)) static void *thrower(void *arg)
{
    atomic_fetch_add_explicit(&arrived, 1, memory_order_relaxed);
    while (atomic_load_explicit(&arrived, memory_order_relaxed) < 2)
        ;
    fatal("concurrent map read and map write");
}

static void two_throwers(void)
{
    pthread_t t[2];

    for (int i = 0; i < 2; i++)
        if (pthread_create(&t[i], NULL, thrower, NULL))
            _exit(101);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
}

static void test_two_threads_one_traceback(void **state)
{
    for (int run = 0; run < 20; run++) {
        struct child c;

        run_child(two_throwers, &c);
        assert_exit_2(&c);
        if (count(c.err, "fatal error: concurrent map read and map write\n\n"
                         "thread ") != 1 ||
            count(c.err, "fatal error") != 1 ||
            count(c.err, " [running]:\n") != 1)
            fail_msg("run %d: want exactly one traceback, got:\n%s", run,
                     c.err);
        if (!strstr(c.err, "thrower(...)\n\t"))
            fail_msg("run %d: no thrower frame in:\n%s", run, c.err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message_and_traceback),
        cmocka_unit_test(test_raw_traceback),
        cmocka_unit_test(test_two_threads_one_traceback),
    };

    unsetenv("MAPRACE_TRACEBACK");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
