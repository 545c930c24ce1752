/*
 * repository.c - the repository and the folders of the command line
 * (repository.h).
 */
#include "cmd/repository.h"

#include "lib/util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Cut dir (absolute, in place) to the first folder from it up that holds
 * cases/ and a Makefile. Returns whether there is one. */
static bool walk_up_to_root(char *dir)
{
    for (;;) {
        char *cases = path_join(dir, "cases");
        char *mk = path_join(dir, "Makefile");
        struct stat st1, st2;
        bool ok = !stat(cases, &st1) && S_ISDIR(st1.st_mode) &&
                  !stat(mk, &st2) && S_ISREG(st2.st_mode);
        free(cases);
        free(mk);
        if (ok)
            return true;
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            return false;
        *slash = '\0';
    }
}

/* Whether a folder from the cwd up holds cases/ and a Makefile (quiet). */
bool repository_above_cwd(void)
{
    char cwd[PATH_MAX];
    return getcwd(cwd, sizeof(cwd)) && walk_up_to_root(cwd);
}

/* The repository: $MAPRACE_ROOT, or the first folder from the cwd up with
 * cases/ and a Makefile. Malloc'd absolute path, or NULL. */
char *find_root(void)
{
    const char *env = getenv("MAPRACE_ROOT");
    if (env && *env) {
        char real[PATH_MAX];
        if (!realpath(env, real)) {
            error("MAPRACE_ROOT=%s: %s", env, strerror(errno));
            return NULL;
        }
        return xstrdup(real);
    }
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd))) {
        error("cannot get the current folder: %s", strerror(errno));
        return NULL;
    }
    if (walk_up_to_root(cwd))
        return xstrdup(cwd);
    error("not inside a maprace repository (no folder with cases/ and a "
          "Makefile above the current one; set MAPRACE_ROOT)");
    return NULL;
}

/* The catalog folder as shown in messages: relative to the cwd when under
 * it. */
static char *display_path(const char *abs)
{
    char cwd[PATH_MAX];
    size_t n;
    if (getcwd(cwd, sizeof(cwd)) && (n = strlen(cwd)) &&
        !strncmp(abs, cwd, n) && abs[n] == '/')
        return xstrdup(abs + n + 1);
    return xstrdup(abs);
}

int cli_load_catalog(const char *root, const char *cases, struct catalog *cat,
                     char **abs_dir)
{
    char *dir = cases ? path_absolute(cases) : path_join(root, "cases");
    char *shown = display_path(dir);
    char *err;
    int rc = catalog_load(shown, cat, &err);
    free(shown);
    if (rc < 0) {
        error("%s", err);
        free(err);
        free(dir);
        return -1;
    }
    *abs_dir = dir;
    return 0;
}

/* The folder an option named, made absolute, or <root>/<sub> when it
 * named none. NULL (the error said) when there is no repository. */
char *given_or_in_root(const char *given, const char *sub)
{
    if (given)
        return path_absolute(given);
    char *root = find_root();
    if (!root)
        return NULL;
    char *dir = path_join(root, sub);
    free(root);
    return dir;
}
