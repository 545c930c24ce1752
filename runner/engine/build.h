/*
 * build.h - build the cells' binaries by delegating to the Makefile, which
 * owns every compiler flag (flavours native, tsan, tsan-gcc; flags are
 * stamped, so make rebuilds only what changed).
 *
 * One `make -C <dir> BUILD=<build> -k -j<N> <targets...>` builds all the
 * binaries of a run; its output goes to a log file. When it fails, each
 * target is made again alone to learn which failed and why: a failed
 * target carries the compiler's message. Runs sharing a build tree take
 * turns: the build phase holds a lock on <build>/.maprace-build.lock.
 *
 * A catalog other than <root>/cases (--cases DIR, for tests) is built
 * through a shadow tree <build>/catalogs/<name>-<hash>/ whose `cases` and
 * `model` are symlinks to the catalog and to <root>/model, with the same
 * Makefile (-f <root>/Makefile): the same flags, another source folder.
 */
#ifndef MAPRACE_BUILD_H
#define MAPRACE_BUILD_H

#include <stdbool.h>
#include <stddef.h>

struct build_ctx {
    char *root;     /* the repository (absolute) */
    char *make_dir; /* where make runs (-C) */
    char *makefile; /* -f argument, or NULL for make_dir/Makefile */
    char *build;    /* BUILD= argument, relative to make_dir or absolute */
    char *out_dir;  /* absolute path of BUILD */
    /* maprace try: a make variable for every make ("TRY_SRC=/a/x.c"),
     * and the id of the program: its targets are BUILD/<flavour>/try/<id>
     * (the Makefile's try rules). NULL for cases. */
    char *make_var;
    char *try_id;
};

struct build_target {
    char *target; /* make target, relative to make_dir: BUILD/fl/cases/c/v */
    char *binary; /* absolute path of the binary */
    bool ok;
    char *error; /* the compiler's message (a few lines), or NULL */
    char *log;   /* path of the log of its own make, or NULL */
};

/* Set up the context: `build` as given by --build (relative to root, or
 * absolute), `catalog` the cases folder (absolute). Returns 0, or -1 with
 * a malloc'd reason in *why. */
int build_ctx_init(struct build_ctx *b, const char *root, const char *build,
                   const char *catalog, char **why);
void build_ctx_release(struct build_ctx *b);

/* Build a program of `maprace try` instead of cases: `make_var` is passed
 * to every make, and every target is BUILD/<flavour>/try/<id>. */
void build_ctx_set_try(struct build_ctx *b, const char *make_var,
                       const char *id);

/* Fill t->target and t->binary for one variant of a case in a flavour
 * (with build_ctx_set_try: the try program, whatever the names). */
void build_target_init(const struct build_ctx *b, struct build_target *t,
                       const char *flavour, const char *case_name,
                       const char *variant);
void build_target_release(struct build_target *t);

/* Make the n targets with -j `jobs`; output to `log` (a path); per-target
 * logs of failed targets go to `log_dir`. Sets each t->ok / t->error.
 * Returns 0 when make could run (whatever it built), -1 with *why when it
 * could not start or was interrupted. */
int build_targets(const struct build_ctx *b, struct build_target *t, size_t n,
                  int jobs, const char *log, const char *log_dir, char **why);

/* The lines of a compiler's output that say what failed (those with
 * "error", "undefined reference", "No rule"), at most `max` of them,
 * joined by newlines; or the last lines when none matches. Malloc'd. */
char *build_error_excerpt(const char *output, int max);

#endif
