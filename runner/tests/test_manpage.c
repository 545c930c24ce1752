/*
 * test_manpage.c - docs/maprace.1: groff renders it without a warning,
 * it names every verb, every exit code and every option that `maprace
 * --help` and `maprace run --help` print (so it cannot fall behind), and
 * `make install` puts it under share/man/man1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "runner-test.h"

static char *tmp, *man;

static int setup(void **state)
{
    tmp = test_tmpdir();
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/docs/maprace.1", test_root());
    man = test_slurp(path);
    return man ? 0 : -1;
}

static int teardown(void **state)
{
    test_rmdir(tmp);
    free(tmp);
    free(man);
    return 0;
}

/* Output of a shell command run from the root (malloc'd); its exit status
 * in *rc. */
static char *shell(const char *cmd, int *rc)
{
    char full[PATH_MAX * 10], out[PATH_MAX];
    snprintf(out, sizeof(out), "%s/shell.out", tmp);
    snprintf(full, sizeof(full), "cd '%s' && (%s) >'%s' 2>&1 </dev/null",
             test_root(), cmd, out);
    unblock_signals();
    int st = system(full);
    *rc = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    char *text = test_slurp(out);
    assert_non_null(text);
    return text;
}

static char *help(const char *args)
{
    char cmd[PATH_MAX * 2];
    int rc;
    snprintf(cmd, sizeof(cmd), "'%s/maprace' %s", test_build(), args);
    char *text = shell(cmd, &rc);
    assert_int_equal(rc, 0);
    return text;
}

static void test_renders_clean(void **state)
{
    int rc;
    char *out = shell("groff -man -Tutf8 -ww -z docs/maprace.1", &rc);
    if (rc != 0 || *out)
        fail_msg("groff: exit %d\n%s", rc, out);
    free(out);
    out = shell("groff -man -Tutf8 -ww docs/maprace.1", &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "maprace - teach data races"));
    free(out);
}

/* Every verb of `maprace --help` has an entry in VERBS. */
static void test_every_verb(void **state)
{
    char *h = help("--help");
    char *s = strstr(h, "\nverbs:\n");
    assert_non_null(s);
    size_t n = 0;
    for (s += 8; *s == ' '; s = strchr(s, '\n') + 1) {
        char verb[32], want[64];
        if (s[2] == ' ')
            continue; /* the description goes on */
        assert_int_equal(sscanf(s, " %31s", verb), 1);
        snprintf(want, sizeof(want), "\n.TP\n.BR %s \"", verb);
        if (!strstr(man, want))
            fail_msg("docs/maprace.1 has no entry for verb '%s'", verb);
        n++;
    }
    assert_true(n >= 6);
    free(h);
}

/* Every exit code of `maprace --help` is under EXIT STATUS. */
static void test_every_exit_code(void **state)
{
    char *h = help("--help");
    char *s = strstr(h, "\nexit codes:\n");
    assert_non_null(s);
    char *status = strstr(man, ".SH EXIT STATUS");
    assert_non_null(status);
    for (s += 12; *s == ' '; s = strchr(s, '\n') + 1) {
        int code;
        char want[32];
        assert_int_equal(sscanf(s, " %d", &code), 1);
        snprintf(want, sizeof(want), "\n.B %d\n", code);
        if (!strstr(status, want))
            fail_msg("docs/maprace.1 does not explain exit code %d", code);
    }
    free(h);
}

/* Every long option of `maprace run --help` and `maprace grade --help`. */
static void test_every_option(void **state)
{
    static const char *const verbs[] = {"run --help", "grade --help",
                                        "show --help"};
    for (size_t v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++) {
        char *h = help(verbs[v]);
        for (char *s = strstr(h, "--"); s; s = strstr(s + 2, "--")) {
            char opt[40], want[96], *w = want;
            if (sscanf(s + 2, "%39[a-z-]", opt) != 1 || !strcmp(opt, "help"))
                continue;
            w += sprintf(w, "\\-\\-");
            for (char *o = opt; *o; o++)
                w += *o == '-' ? sprintf(w, "\\-") : sprintf(w, "%c", *o);
            if (!strstr(man, want))
                fail_msg("docs/maprace.1 does not name --%s (%s)", opt,
                         verbs[v]);
        }
        free(h);
    }
}

static void test_make_install(void **state)
{
    char cmd[PATH_MAX * 8], path[PATH_MAX * 2];
    int rc;
    snprintf(cmd, sizeof(cmd),
             "make -s install BUILD='%s' DESTDIR='%s' PREFIX=/usr",
             MAPRACE_BUILD, tmp);
    char *out = shell(cmd, &rc);
    if (rc != 0)
        fail_msg("make install: exit %d\n%s", rc, out);
    free(out);
    snprintf(path, sizeof(path), "%s/usr/share/man/man1/maprace.1", tmp);
    char *installed = test_slurp(path);
    assert_non_null(installed);
    assert_string_equal(installed, man);
    free(installed);

    /* the installed maprace tries a program from an unrelated folder:
     * built with the kit under share/maprace, into the user's cache */
    snprintf(cmd, sizeof(cmd),
             "mkdir -p '%s/elsewhere' '%s/home' && cp "
             "runner/tests/progs/race-exit42.c '%s/elsewhere/' && cd "
             "'%s/elsewhere' && env -u MAPRACE_ROOT HOME='%s/home' "
             "XDG_CACHE_HOME= MAPRACE_NO_PROGRESS=1 '%s/usr/bin/maprace' try "
             "race-exit42.c -d native --expect 'exit 42' --no-color",
             tmp, tmp, tmp, tmp, tmp, tmp);
    out = shell(cmd, &rc);
    if (rc != 0)
        fail_msg("installed maprace try: exit %d\n%s", rc, out);
    if (!strstr(out, "native") || !strstr(out, "pass"))
        fail_msg("installed maprace try printed no matrix:\n%s", out);
    free(out);
    snprintf(path, sizeof(path),
             "%s/home/.cache/maprace/reports/latest/results.json", tmp);
    if (access(path, R_OK))
        fail_msg("no report at %s", path);
    /* doctor says where */
    snprintf(cmd, sizeof(cmd),
             "cd '%s/elsewhere' && env -u MAPRACE_ROOT HOME='%s/home' "
             "XDG_CACHE_HOME= '%s/usr/bin/maprace' doctor --json",
             tmp, tmp, tmp);
    out = shell(cmd, &rc);
    snprintf(path, sizeof(path), "\"kit\": \"%s/usr/share/maprace\"", tmp);
    if (!strstr(out, path))
        fail_msg("doctor does not say where the kit is (%s):\n%s", path, out);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_renders_clean),
        cmocka_unit_test(test_every_verb),
        cmocka_unit_test(test_every_exit_code),
        cmocka_unit_test(test_every_option),
        cmocka_unit_test(test_make_install),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
