/*
 * toolchain.c - the current Go and the hmap Go (toolchain.h).
 */
#include "engine/toolchain.h"

#include "lib/exec.h"
#include "lib/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Go's default install location (go.dev/doc/install). */
#define GO_DEFAULT_INSTALL "/usr/local/go/bin/go"
/* Debian 12's Go (package golang-1.19-go). */
#define GO_DEBIAN_HMAP "/usr/lib/go-1.19/bin/go"

/* The first Go whose map is Swiss tables; the hmap Gos are below it. */
enum { FIRST_SWISS_MINOR = 24 };

static const struct {
    const char *name, *variable, *make_variable;
} kinds[GO_KIND_COUNT] = {
    [GO_CURRENT] = {"current", "MAPRACE_GO", "GO"},
    [GO_HMAP] = {"hmap", "MAPRACE_GO_HMAP", "GO_HMAP"},
};

static struct go_toolchain found[GO_KIND_COUNT];
static bool looked[GO_KIND_COUNT];

const char *go_kind_name(enum go_kind k)
{
    return kinds[k].name;
}

const char *go_kind_variable(enum go_kind k)
{
    return kinds[k].variable;
}

char *go_toolchain_make_arg(enum go_kind k)
{
    const struct go_toolchain *t = go_toolchain(k);
    return t->path ? xasprintf("%s=%s", kinds[k].make_variable, t->path) : NULL;
}

const char *go_toolchain_design(const struct go_toolchain *t)
{
    return t->swiss ? "Swiss tables (internal/runtime/maps)"
                    : "hmap (runtime/map.go)";
}

static bool is_executable(const char *path)
{
    struct stat st;
    return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* "go1.26.8" (or "go version go1.26.8 linux/amd64") -> 1, 26. */
static int parse_version(const char *s, int *major, int *minor)
{
    const char *p = s ? strstr(s, "go1.") : NULL;
    if (!p)
        return -1;
    char *end;
    long mi = strtol(p + 4, &end, 10);
    if (end == p + 4 || mi < 0 || mi > 1000)
        return -1;
    *major = 1;
    *minor = (int)mi;
    return 0;
}

/* The version word of `go version`'s output ("go1.19.8"), malloc'd. */
static char *version_word(const char *line)
{
    const char *p = strstr(line, "go1.");
    if (!p)
        return NULL;
    return xstrndup(p, strcspn(p, " \t\n"));
}

/* `path version`, for a GOROOT without a VERSION file. */
static char *run_go_version(const char *path)
{
    char tmpl[] = "/tmp/maprace-go-version-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return NULL;
    close(fd);
    char *argv[] = {(char *)path, (char *)"version", NULL};
    struct proc_spec spec = {0};
    spec.argv = argv;
    spec.stdout_path = tmpl;
    spec.timeout_s = 30;
    struct proc p = {0};
    char *why = NULL, *word = NULL;
    if (exec_run(&spec, &p, &why) == 0 && exec_exited(&p, 0)) {
        char *text = read_file(tmpl, 4096, NULL);
        if (text)
            word = version_word(text);
        free(text);
    }
    free(why);
    unlink(tmpl);
    return word;
}

/* Fill t from the go binary at `path` (resolved). 0, or -1 when it is not
 * a Go toolchain maprace can read. */
static int inspect(const char *path, struct go_toolchain *t)
{
    char real[PATH_MAX];
    if (!is_executable(path) || !realpath(path, real))
        return -1;
    /* GOROOT/bin/go */
    char *root = xstrdup(real);
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(root, '/');
        if (!slash || slash == root) {
            free(root);
            return -1;
        }
        *slash = '\0';
    }
    char *vfile = path_join(root, "VERSION");
    char *text = read_file(vfile, 4096, NULL);
    free(vfile);
    char *version = NULL;
    if (text) {
        text[strcspn(text, "\n")] = '\0';
        version = version_word(text);
        free(text);
    }
    if (!version)
        version = run_go_version(real);
    int major, minor;
    if (!version || parse_version(version, &major, &minor) < 0) {
        free(version);
        free(root);
        return -1;
    }
    char *maps = path_join(root, "src/internal/runtime/maps");
    t->path = xstrdup(real);
    t->goroot = root;
    t->version = version;
    t->major = major;
    t->minor = minor;
    t->swiss = is_dir(maps);
    free(maps);
    return 0;
}

static void clear(struct go_toolchain *t)
{
    free(t->path);
    free(t->goroot);
    free(t->version);
    free(t->why);
    memset(t, 0, sizeof(*t));
}

static bool of_kind(enum go_kind k, const struct go_toolchain *t)
{
    return k == GO_CURRENT ? t->minor >= FIRST_SWISS_MINOR
                           : t->minor < FIRST_SWISS_MINOR;
}

/* Consider the go at `path`: keep it in *best when it is of kind k and
 * newer than what *best has. */
static void consider(enum go_kind k, const char *path, const char *from,
                     struct go_toolchain *best)
{
    struct go_toolchain t = {0};
    if (inspect(path, &t) < 0)
        return;
    if (of_kind(k, &t) && (!best->path || t.minor > best->minor)) {
        clear(best);
        *best = t;
        best->from = from;
        return;
    }
    clear(&t);
}

static void consider_path(enum go_kind k, struct go_toolchain *best)
{
    const char *path = getenv("PATH");
    while (path && *path) {
        size_t n = strcspn(path, ":");
        if (n) {
            char *dir = xstrndup(path, n);
            char *go = path_join(dir, "go");
            consider(k, go, "PATH", best);
            free(go);
            free(dir);
        }
        path += n;
        if (*path == ':')
            path++;
    }
}

static void look_up(enum go_kind k, struct go_toolchain *t)
{
    t->kind = k;
    const char *var = kinds[k].variable;
    const char *override = getenv(var);
    if (override && !strcmp(override, "none")) {
        t->why = xasprintf("switched off (%s=none)", var);
        return;
    }
    if (override && *override) {
        if (inspect(override, t) < 0) {
            t->why = xasprintf("%s=%s is not a Go toolchain", var, override);
            return;
        }
        t->from = var;
        if (!of_kind(k, t)) {
            char *why = xasprintf(
                "%s=%s is %s, not a Go %s 1.%d", var, override, t->version,
                k == GO_CURRENT ? ">=" : "<=",
                k == GO_CURRENT ? FIRST_SWISS_MINOR : FIRST_SWISS_MINOR - 1);
            clear(t);
            t->kind = k;
            t->why = why;
        }
        return;
    }
    if (k == GO_CURRENT) {
        consider_path(k, t);
        consider(k, GO_DEFAULT_INSTALL, GO_DEFAULT_INSTALL, t);
        if (!t->path)
            t->why = xstrdup("no Go >= 1.24 on PATH or at " GO_DEFAULT_INSTALL
                             " (install Go from https://go.dev/dl/, or set "
                             "MAPRACE_GO)");
        return;
    }
    consider(k, GO_DEBIAN_HMAP, "Debian's golang-1.19-go", t);
    if (t->path)
        return;
    for (int minor = FIRST_SWISS_MINOR - 1; minor >= 20; minor--) {
        char *p = xasprintf("/usr/lib/go-1.%d/bin/go", minor);
        consider(k, p, "Debian's Go", t);
        free(p);
    }
    consider_path(k, t);
    if (!t->path)
        t->why = xstrdup("no Go <= 1.23 found (Debian 12: apt-get install "
                         "golang-1.19-go, or set MAPRACE_GO_HMAP)");
}

const struct go_toolchain *go_toolchain(enum go_kind k)
{
    if (!looked[k]) {
        look_up(k, &found[k]);
        found[k].kind = k;
        looked[k] = true;
    }
    return &found[k];
}

void go_toolchain_reset(void)
{
    for (int k = 0; k < GO_KIND_COUNT; k++) {
        clear(&found[k]);
        looked[k] = false;
    }
}
