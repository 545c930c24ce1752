/*
 * test_kit.c - the learner's and the instructor's files that no other
 * test runs: no dead link in the docs (scripts/check-links, with a dead
 * link planted in a scratch repository to show it can fail), and the dev
 * container (.devcontainer/, scripts/validate-devcontainer) valid, with
 * a broken copy of it refused.
 *
 * No dev container JSON schema is packaged by the registries this project
 * installs from, so the dev container check is what
 * scripts/validate-devcontainer says it is (docs/workshop.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "runner-test.h"

static char *tmp;

static int setup(void **state)
{
    tmp = test_tmpdir();
    return 0;
}

static int teardown(void **state)
{
    test_rmdir(tmp);
    free(tmp);
    return 0;
}

/* Run a shell command; its exit status, its output in *out (malloc'd). */
static int sh(const char *cmd, char **out)
{
    char full[PATH_MAX * 4], path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/sh.out", tmp);
    snprintf(full, sizeof(full), "(%s) >'%s' 2>&1", cmd, path);
    int st = system(full);
    *out = test_slurp(path);
    assert_non_null(*out);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_no_dead_links(void **state)
{
    char cmd[PATH_MAX * 2], *out;
    snprintf(cmd, sizeof(cmd), "'%s/scripts/check-links' '%s'", test_root(),
             test_root());
    int rc = sh(cmd, &out);
    if (rc == 2)
        skip();
    if (rc != 0 || !strstr(out, ", 0 dead links"))
        fail_msg("%s: exit %d\n%s", cmd, rc, out);
    free(out);
}

/* A dead Markdown link and a dead path in an exercise.ini are found. */
static void test_dead_links_found(void **state)
{
    char cmd[PATH_MAX * 4], *out;
    snprintf(cmd, sizeof(cmd),
             "cd '%s' && mkdir -p links/docs links/exercises/x && cd links && "
             "git init -q . && printf 'see [the page](docs/gone.md) and "
             "[ok](docs/here.md)\\n' >README.md && "
             "printf '# here\\n' >docs/here.md && "
             "printf '; the exercise (docs/exercises.md)\\n' "
             ">exercises/x/exercise.ini && git add . && "
             "'%s/scripts/check-links' .",
             tmp, test_root());
    int rc = sh(cmd, &out);
    if (rc != 1 || !strstr(out, "README.md:1: dead link: docs/gone.md") ||
        !strstr(out, "exercises/x/exercise.ini:1: dead link: "
                     "docs/exercises.md") ||
        strstr(out, "docs/here.md") || !strstr(out, ", 2 dead links"))
        fail_msg("check-links on a scratch repository: exit %d\n%s", rc, out);
    free(out);
}

static void test_devcontainer_valid(void **state)
{
    char cmd[PATH_MAX * 2], *out;
    snprintf(cmd, sizeof(cmd), "'%s/scripts/validate-devcontainer'",
             test_root());
    int rc = sh(cmd, &out);
    if (rc != 0 || !strstr(out, "devcontainer.json: valid"))
        fail_msg("%s: exit %d\n%s", cmd, rc, out);
    free(out);
}

/* A copy of the dev container, broken three ways, is refused each time. */
static void test_devcontainer_broken(void **state)
{
    static const struct {
        const char *edit, *want;
    } breaks[] = {
        {"sed -i 's/^FROM debian:12/FROM ubuntu:22.04/' "
         ".devcontainer/Dockerfile",
         "not FROM debian:12"},
        {"sed -i 's|^RUN /tmp/install-deps|RUN true|' .devcontainer/Dockerfile",
         "no RUN of scripts/install-deps"},
        {"sed -i 's/\"build\": {/\"build\" {/' .devcontainer/devcontainer.json",
         "devcontainer.json: Expecting"},
        {"rm scripts/install-deps", "COPY scripts/install-deps: not in the "
                                    "build context"},
    };
    for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
        char cmd[PATH_MAX * 4], *out;
        snprintf(cmd, sizeof(cmd),
                 "rm -rf '%s/dc' && mkdir -p '%s/dc/scripts' && cd '%s/dc' && "
                 "cp -r '%s/.devcontainer' . && cp '%s/scripts/install-deps' "
                 "'%s/scripts/validate-devcontainer' scripts/ && %s && "
                 "scripts/validate-devcontainer",
                 tmp, tmp, tmp, test_root(), test_root(), test_root(),
                 breaks[i].edit);
        int rc = sh(cmd, &out);
        if (rc != 1 || !strstr(out, breaks[i].want))
            fail_msg("%s: exit %d, want 1 and '%s'\n%s", breaks[i].edit, rc,
                     breaks[i].want, out);
        free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_dead_links),
        cmocka_unit_test(test_dead_links_found),
        cmocka_unit_test(test_devcontainer_valid),
        cmocka_unit_test(test_devcontainer_broken),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
