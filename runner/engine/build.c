/*
 * build.c - the cells' binaries, through the Makefile (see build.h).
 */
#include "engine/build.h"

#include "lib/exec.h"
#include "engine/toolchain.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Make `link` a symlink to `target`, replacing what was there. */
static int force_symlink(const char *target, const char *link, char **why)
{
    char cur[PATH_MAX];
    ssize_t n = readlink(link, cur, sizeof(cur) - 1);
    if (n >= 0) {
        cur[n] = '\0';
        if (!strcmp(cur, target))
            return 0;
    }
    char *tmp = xasprintf("%s.tmp.%ld", link, (long)getpid());
    unlink(tmp);
    if (symlink(target, tmp) < 0 || rename(tmp, link) < 0) {
        *why = xasprintf("cannot link %s to %s: %s", link, target,
                         strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int build_ctx_init(struct build_ctx *b, const char *root, const char *build,
                   const char *catalog, char **why)
{
    memset(b, 0, sizeof(*b));
    *why = NULL;
    b->root = xstrdup(root);
    char *build_abs = build[0] == '/' ? xstrdup(build) : path_join(root, build);
    char *default_cases = path_join(root, "cases");
    char real_a[PATH_MAX], real_b[PATH_MAX];
    bool is_default = realpath(catalog, real_a) &&
                      realpath(default_cases, real_b) &&
                      !strcmp(real_a, real_b);
    free(default_cases);
    if (is_default) {
        b->make_dir = xstrdup(root);
        b->build = xstrdup(build);
        b->out_dir = build_abs;
        return 0;
    }
    /* A shadow tree: cases -> the catalog, model -> <root>/model. */
    const char *base = strrchr(catalog, '/');
    base = base ? base + 1 : catalog;
    char *shadow =
        xasprintf("%s/catalogs/%s-%08x", build_abs, base, fnv1a(catalog));
    free(build_abs);
    char *model = path_join(root, "model");
    char *cases_link = path_join(shadow, "cases");
    char *model_link = path_join(shadow, "model");
    int rc = 0;
    if (mkdir_p(shadow) < 0) {
        *why = xasprintf("cannot create %s: %s", shadow, strerror(errno));
        rc = -1;
    } else if (force_symlink(catalog, cases_link, why) < 0 ||
               force_symlink(model, model_link, why) < 0) {
        rc = -1;
    }
    free(model);
    free(cases_link);
    free(model_link);
    b->make_dir = shadow;
    b->makefile = path_join(root, "Makefile");
    b->build = xstrdup("out");
    b->out_dir = path_join(shadow, "out");
    return rc;
}

void build_ctx_release(struct build_ctx *b)
{
    free(b->root);
    free(b->make_dir);
    free(b->makefile);
    free(b->build);
    free(b->out_dir);
    free(b->make_var);
    free(b->try_id);
    memset(b, 0, sizeof(*b));
}

void build_ctx_set_try(struct build_ctx *b, const char *make_var,
                       const char *id)
{
    free(b->make_var);
    free(b->try_id);
    b->make_var = xstrdup(make_var);
    b->try_id = xstrdup(id);
}

void build_target_init(const struct build_ctx *b, struct build_target *t,
                       const char *flavour, const char *case_name,
                       const char *variant)
{
    memset(t, 0, sizeof(*t));
    if (b->try_id) {
        t->target = xasprintf("%s/%s/try/%s", b->build, flavour, b->try_id);
        t->binary = xasprintf("%s/%s/try/%s", b->out_dir, flavour, b->try_id);
        return;
    }
    t->target =
        xasprintf("%s/%s/cases/%s/%s", b->build, flavour, case_name, variant);
    t->binary =
        xasprintf("%s/%s/cases/%s/%s", b->out_dir, flavour, case_name, variant);
}

void build_target_release(struct build_target *t)
{
    free(t->target);
    free(t->binary);
    free(t->error);
    free(t->log);
    memset(t, 0, sizeof(*t));
}

/* A line of a compiler's or the linker's diagnostics. "error:" with its
 * colon, so that an echoed command line with -Werror is not taken for one. */
static bool interesting(const char *line, size_t n)
{
    static const char *const words[] = {
        "error:",  "Error:",      "undefined reference",
        "No rule", "cannot find", NULL};
    for (size_t i = 0; words[i]; i++) {
        size_t w = strlen(words[i]);
        for (size_t j = 0; j + w <= n; j++)
            if (!memcmp(line + j, words[i], w))
                return true;
    }
    return false;
}

char *build_error_excerpt(const char *output, int max)
{
    struct strbuf sb = STRBUF_INIT;
    int taken = 0;
    const char *s = output;
    while (*s && taken < max) {
        size_t n = strcspn(s, "\n");
        /* make's own "make: *** ... Error 1" lines say nothing new */
        if (interesting(s, n) && !starts_with(s, "make"))
            strbuf_addf(&sb, "%s%.*s", taken++ ? "\n" : "", (int)n, s);
        s += n + (s[n] == '\n');
    }
    if (!taken) {
        /* none matched: the last lines */
        size_t len = strlen(output);
        const char *e = output + len;
        int lines = 0;
        while (e > output && lines <= max) {
            e--;
            if (*e == '\n' && e + 1 < output + len)
                lines++;
        }
        const char *start = lines > max ? e + 1 : output;
        strbuf_addstr(&sb, start);
        while (sb.len && sb.buf[sb.len - 1] == '\n')
            sb.buf[--sb.len] = '\0';
    }
    return strbuf_detach(&sb);
}

/* make [-f Makefile] -C dir BUILD=b [extra] targets... */
static char **make_argv(const struct build_ctx *b, int jobs, bool keep_going,
                        struct build_target *t, size_t n)
{
    char **argv = xcalloc(n + 10 + GO_KIND_COUNT, sizeof(*argv));
    size_t k = 0;
    argv[k++] = xstrdup("make");
    argv[k++] = xstrdup("--no-print-directory");
    argv[k++] = xasprintf("-C%s", b->make_dir);
    if (b->makefile)
        argv[k++] = xasprintf("-f%s", b->makefile);
    argv[k++] = xasprintf("BUILD=%s", b->build);
    /* the Go toolchains, chosen here (toolchain.h), never by make */
    for (int g = 0; g < GO_KIND_COUNT; g++) {
        char *arg = go_toolchain_make_arg(g);
        if (arg)
            argv[k++] = arg;
    }
    if (b->make_var)
        argv[k++] = xstrdup(b->make_var);
    if (keep_going)
        argv[k++] = xstrdup("-k");
    argv[k++] = xasprintf("-j%d", jobs > 0 ? jobs : 1);
    for (size_t i = 0; i < n; i++)
        argv[k++] = xstrdup(t[i].target);
    argv[k] = NULL;
    return argv;
}

static void free_argv(char **argv)
{
    for (size_t i = 0; argv[i]; i++)
        free(argv[i]);
    free(argv);
}

static int run_make(char **argv, const char *log, struct proc *p, char **why)
{
    struct proc_spec spec = {0};
    spec.argv = argv;
    spec.stdout_path = log;
    spec.output_cap = 16u << 20;
    if (exec_run(&spec, p, why) < 0)
        return -1;
    if (p->killed) {
        *why = xstrdup("build interrupted");
        return -1;
    }
    if (p->spawn_errno) {
        *why = xasprintf("make could not be executed: %s",
                         strerror(p->spawn_errno));
        return -1;
    }
    return 0;
}

/*
 * Two maprace processes sharing a build tree must not run make on the same
 * targets at once (one would link a binary the other is still writing):
 * the build phase holds an exclusive flock on <build>/.maprace-build.lock.
 * Returns the lock's fd, or -1 with *why.
 */
static int lock_build_tree(const struct build_ctx *b, char **why)
{
    if (mkdir_p(b->out_dir) < 0) {
        *why = xasprintf("cannot create %s: %s", b->out_dir, strerror(errno));
        return -1;
    }
    char *path = xasprintf("%s/.maprace-build.lock", b->out_dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        *why = xasprintf("cannot open %s: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno == EWOULDBLOCK)
            warning("another maprace is building in %s; waiting for it",
                    b->out_dir);
        int rc;
        while ((rc = flock(fd, LOCK_EX)) < 0 && errno == EINTR)
            ;
        if (rc < 0) {
            *why = xasprintf("cannot lock %s: %s", path, strerror(errno));
            close(fd);
            free(path);
            return -1;
        }
    }
    free(path);
    return fd;
}

static int make_targets(const struct build_ctx *b, struct build_target *t,
                        size_t n, int jobs, const char *log,
                        const char *log_dir, char **why);

int build_targets(const struct build_ctx *b, struct build_target *t, size_t n,
                  int jobs, const char *log, const char *log_dir, char **why)
{
    *why = NULL;
    if (!n)
        return 0;
    int lock = lock_build_tree(b, why);
    if (lock < 0)
        return -1;
    int rc = make_targets(b, t, n, jobs, log, log_dir, why);
    close(lock);
    return rc;
}

static int make_targets(const struct build_ctx *b, struct build_target *t,
                        size_t n, int jobs, const char *log,
                        const char *log_dir, char **why)
{
    char **argv = make_argv(b, jobs, true, t, n);
    struct proc p = {0};
    int rc = run_make(argv, log, &p, why);
    free_argv(argv);
    if (rc < 0)
        return -1;
    if (exec_exited(&p, 0)) {
        for (size_t i = 0; i < n; i++)
            t[i].ok = true;
        return 0;
    }
    /* Something failed: each target alone says whether it is the one. */
    for (size_t i = 0; i < n; i++) {
        char *name = xstrdup(t[i].target);
        for (char *s = name; *s; s++)
            if (*s == '/')
                *s = '_';
        char *tlog = xasprintf("%s/build-%s.log", log_dir, name);
        free(name);
        argv = make_argv(b, 1, false, &t[i], 1);
        struct proc q = {0};
        rc = run_make(argv, tlog, &q, why);
        free_argv(argv);
        if (rc < 0) {
            free(tlog);
            return -1;
        }
        if (exec_exited(&q, 0)) {
            t[i].ok = true;
            free(tlog);
            continue;
        }
        char *out = read_file(tlog, 1u << 20, NULL);
        t[i].error = build_error_excerpt(out ? out : "", 8);
        if (!*t[i].error) {
            free(t[i].error);
            t[i].error =
                xasprintf("make %s: %s", t[i].target, exec_describe(&q));
        }
        free(out);
        t[i].log = tlog;
    }
    return 0;
}
