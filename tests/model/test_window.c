/*
 * tests/model/test_window.c - race windows: unforced they do nothing,
 * forced they impose the plan's order every time, a wait that cannot be
 * satisfied gives up with one line on stderr, each rule fires once.
 *
 * main() re-executes the program once with MAPRACE_FORCE=1 and
 * MAPRACE_WINDOW_MS=2000, so that window.c's constructor reads them as in a
 * real case. Every scenario runs in a forked child (the gate table and the
 * plan are per process and cannot be reset); the child writes what it saw
 * to a pipe, and the parent checks it after the fact. Nothing is decided
 * by timing: the order is read from what each thread observed. The 2 s
 * give-up is long so that a thread the scheduler keeps off the cores for
 * a while (a loaded CI machine) still arrives in time: with 300 ms,
 * test_forced_order failed once at load average 20.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "window.h"

#define WINDOW_MS "2000"

struct child {
    int status;
    char out[4096];
    char err[4096];
};

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

/* Run fn in a forked child, stdout and stderr captured; the child exits
 * with fn's return value. An alarm ends a child that hangs. */
static void run_child(int (*fn)(void), struct child *c)
{
    int out[2], err[2];
    pid_t pid;

    assert_int_equal(pipe(out), 0);
    assert_int_equal(pipe(err), 0);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int rc;

        alarm(30);
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        close(out[0]);
        close(err[0]);
        close(out[1]);
        close(err[1]);
        rc = fn();
        fflush(stdout);
        _exit(rc);
    }
    close(out[1]);
    close(err[1]);
    slurp(out[0], c->out, sizeof(c->out));
    slurp(err[0], c->err, sizeof(c->err));
    assert_int_equal(waitpid(pid, &c->status, 0), pid);
}

static void assert_exit_0(const struct child *c)
{
    if (!WIFEXITED(c->status) || WEXITSTATUS(c->status) != 0)
        fail_msg("child status 0x%x; stdout:\n%s\nstderr:\n%s", c->status,
                 c->out, c->err);
}

/* --- MAPRACE_FORCE is read from the environment ----------------------- */

static char self[4096]; /* this program's path */

static void check_force(const char *value, int want)
{
    char cmd[sizeof(self) + 64];
    FILE *p;
    int got = -1;

    if (value)
        snprintf(cmd, sizeof(cmd), "MAPRACE_FORCE='%s' '%s' --print-forced",
                 value, self);
    else
        snprintf(cmd, sizeof(cmd), "env -u MAPRACE_FORCE '%s' --print-forced",
                 self);
    p = popen(cmd, "r");
    assert_non_null(p);
    assert_int_equal(fscanf(p, "%d", &got), 1);
    assert_int_equal(pclose(p), 0);
    if (got != want)
        fail_msg("MAPRACE_FORCE=%s: window_forced %d, want %d",
                 value ? value : "(unset)", got, want);
}

static void test_force_from_env(void **state)
{
    /* This process was started with MAPRACE_FORCE=1. */
    assert_true(window_forced);
    check_force("1", 1);
    check_force(NULL, 0);
    check_force("0", 0);
    check_force("", 0);
    check_force("yes", 0);
}

/* --- unforced: nothing happens ----------------------------------------- */

static const struct window_rule hold_a[] = {
    {.role = 1, .at = W_CASE_A, .wait_role = 2, .wait_for = W_CASE_B},
};

static int unforced_plan(void)
{
    window_forced = false;
    window_role(1);
    window_plan(hold_a, 1); /* a no-op when not forced */
    window_forced = true;
    WINDOW(W_CASE_A); /* forced now, but there is no plan: no wait */
    window_forced = false;
    WINDOW(W_CASE_C);       /* not forced: not even marked */
    window_enter(W_CASE_D); /* called directly it marks, still no plan */
    printf("A=%d C=%d D=%d\n", window_reached(1, W_CASE_A),
           window_reached(1, W_CASE_C), window_reached(1, W_CASE_D));
    return 0;
}

static int unforced_with_plan(void)
{
    window_role(1);
    window_plan(hold_a, 1); /* forced: installed */
    window_forced = false;
    for (int i = 0; i < 3; i++)
        WINDOW(W_CASE_A); /* would wait 2 s and complain if it ran */
    printf("A=%d\n", window_reached(1, W_CASE_A));
    return 0;
}

static void test_unforced_never_waits(void **state)
{
    struct child c;

    run_child(unforced_plan, &c);
    assert_exit_0(&c);
    assert_string_equal(c.out, "A=1 C=0 D=1\n");
    assert_string_equal(c.err, "");

    run_child(unforced_with_plan, &c);
    assert_exit_0(&c);
    assert_string_equal(c.out, "A=0\n");
    assert_string_equal(c.err, "");
}

/* --- forced: the plan's order, every time ------------------------------ */

/* Plain data written by one thread before it reaches a window and read
 * by the other after its wait. Each thread logs what it saw in its own
 * log; main reads the logs after joining. */
static int data1, data2;
static int seen1[2], seen2[2];

/* The plan: thread 1 (started first) may not read data2 before thread 2
 * has written it and reached W_CASE_B; thread 2 may not read data1 before
 * thread 1 has written it and reached W_CASE_D. */
static const struct window_rule ping_pong[] = {
    {.role = 1, .at = W_CASE_A, .wait_role = 2, .wait_for = W_CASE_B},
    {.role = 2, .at = W_CASE_C, .wait_role = 1, .wait_for = W_CASE_D},
};

static void *thread1(void *arg)
{
    window_role(1);
    seen1[0] = data2; /* before the window: whatever it is */
    WINDOW(W_CASE_A);
    seen1[1] = data2; /* after: thread 2 has written it */
    data1 = 1;
    WINDOW(W_CASE_D);
    return NULL;
}

static void *thread2(void *arg)
{
    window_role(2);
    data2 = 2;
    WINDOW(W_CASE_B);
    seen2[0] = data1; /* before the window: whatever it is */
    WINDOW(W_CASE_C);
    seen2[1] = data1; /* after: thread 1 has written it */
    return NULL;
}

static int forced_order(void)
{
    pthread_t t1, t2;

    window_plan(ping_pong, 2);
    if (pthread_create(&t1, NULL, thread1, NULL))
        return 10;
    if (pthread_create(&t2, NULL, thread2, NULL))
        return 11;
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("t1 saw data2=%d; t2 saw data1=%d; reached %d%d%d%d\n", seen1[1],
           seen2[1], window_reached(1, W_CASE_A), window_reached(2, W_CASE_B),
           window_reached(2, W_CASE_C), window_reached(1, W_CASE_D));
    return 0;
}

static void test_forced_order(void **state)
{
    for (int run = 0; run < 50; run++) {
        struct child c;

        run_child(forced_order, &c);
        assert_exit_0(&c);
        /* No wait gave up ... */
        assert_string_equal(c.err, "");
        /* ... and each thread saw the other's write, every run. */
        assert_string_equal(c.out,
                            "t1 saw data2=2; t2 saw data1=1; reached 1111\n");
    }
}

/* --- a wait that cannot be satisfied ----------------------------------- */

static int lonely(void)
{
    window_role(1);
    window_plan(hold_a, 1);
    WINDOW(W_CASE_A); /* nobody will ever reach (2, W_CASE_B) */
    printf("went on\n");
    return 0;
}

static void test_gives_up(void **state)
{
    struct child c;

    run_child(lonely, &c);
    assert_exit_0(&c);
    assert_string_equal(c.out, "went on\n");
    assert_string_equal(c.err, "maprace: window W_CASE_A (role 1): gave up "
                               "waiting for W_CASE_B (role 2)\n");
}

/* --- each rule fires once ---------------------------------------------- */

static int lonely_thrice(void)
{
    window_role(1);
    window_plan(hold_a, 1);
    for (int i = 0; i < 3; i++) {
        WINDOW(W_CASE_A); /* only the first arrival waits */
        printf("pass %d\n", i);
    }
    return 0;
}

static void test_rule_fires_once(void **state)
{
    struct child c;

    run_child(lonely_thrice, &c);
    assert_exit_0(&c);
    assert_string_equal(c.out, "pass 0\npass 1\npass 2\n");
    /* One message: the second and third arrivals did not wait. */
    assert_string_equal(c.err, "maprace: window W_CASE_A (role 1): gave up "
                               "waiting for W_CASE_B (role 2)\n");
}

/* A thread without a role is never held, even by a plan for role 0's
 * windows' neighbours. */
static int no_role(void)
{
    window_plan(hold_a, 1);
    WINDOW(W_CASE_A);
    printf("went on %d\n", window_reached(0, W_CASE_A));
    return 0;
}

static void test_no_role_never_held(void **state)
{
    struct child c;

    run_child(no_role, &c);
    assert_exit_0(&c);
    assert_string_equal(c.out, "went on 0\n");
    assert_string_equal(c.err, "");
}

/* --- names ------------------------------------------------------------- */

static void test_window_names(void **state)
{
    assert_string_equal(window_name(W_MAPASSIGN_ENTRY), "W_MAPASSIGN_ENTRY");
    assert_string_equal(window_name(W_EVACUATE), "W_EVACUATE");
    assert_string_equal(window_name(W_CASE_D), "W_CASE_D");
    assert_string_equal(window_name(W_COUNT), "W_UNKNOWN");
    assert_string_equal(window_name((enum window_id) - 1), "W_UNKNOWN");
    for (int i = 0; i < W_COUNT; i++) {
        const char *n = window_name((enum window_id)i);

        assert_non_null(n);
        assert_int_equal(strncmp(n, "W_", 2), 0);
        assert_string_not_equal(n, "W_UNKNOWN");
        for (int j = 0; j < i; j++)
            assert_string_not_equal(n, window_name((enum window_id)j));
    }
    assert_false(window_reached(-1, W_CASE_A));
    assert_false(window_reached(WINDOW_MAX_ROLES, W_CASE_A));
    assert_false(window_reached(1, W_COUNT));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_force_from_env),
        cmocka_unit_test(test_unforced_never_waits),
        cmocka_unit_test(test_forced_order),
        cmocka_unit_test(test_gives_up),
        cmocka_unit_test(test_rule_fires_once),
        cmocka_unit_test(test_no_role_never_held),
        cmocka_unit_test(test_window_names),
    };
    const char *f = getenv("MAPRACE_FORCE");
    const char *ms = getenv("MAPRACE_WINDOW_MS");

    if (argc > 1 && !strcmp(argv[1], "--print-forced")) {
        printf("%d\n", window_forced);
        return 0;
    }
    /* Start again with the environment the tests are written for. */
    if (!f || strcmp(f, "1") || !ms || strcmp(ms, WINDOW_MS)) {
        setenv("MAPRACE_FORCE", "1", 1);
        setenv("MAPRACE_WINDOW_MS", WINDOW_MS, 1);
        execv("/proc/self/exe", argv);
        perror("test_window: execv /proc/self/exe");
        return 1;
    }
    {
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

        if (n <= 0) {
            perror("test_window: readlink /proc/self/exe");
            return 1;
        }
        self[n] = '\0';
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
