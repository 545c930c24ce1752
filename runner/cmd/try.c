/*
 * cmd/try.c - `maprace try`: a program of the user's under every detector
 * (cmd/try.h).
 */
#include "cmd/try.h"

#include "cmd/builtin.h"
#include "cmd/options.h"
#include "cmd/repository.h"
#include "engine/catalog.h"
#include "engine/detectors.h"
#include "lib/exit.h"
#include "lib/markers.h"
#include "report/common.h"
#include "engine/run.h"
#include "engine/session.h"
#include "cmd/show.h"
#include "cmd/usage.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct verb_option try_options[] = {
    {OPT_DETECTORS, "@detectors-c@ or all; for Go files @detectors-go@ "
                    "(default: every detector installed here that runs the "
                    "program's language)"},
    {OPT_RUNS, "runs per detector (default 1)"},
    {OPT_EXPECT, "for CI: what every detector able to see it must report: "
                 "race, clean, lock-order, thread-leak, mutex-misuse, "
                 "use-after-free, signal-unsafe, 'exit N' or 'signal NAME' "
                 "(default: nothing; what the detectors said is the "
                 "result)"},
    {OPT_JOBS, NULL},
    {OPT_TIMEOUT, "seconds per run (default 60)"},
    {OPT_OUT, NULL},
    {OPT_FORMAT, "report files: @formats@, all or none (default all)"},
    {OPT_BUILD, NULL},
    {OPT_ALL_FRAMES, "also the frames of libc and the runtimes"},
    {OPT_NO_COLOR, NULL},
    {OPT_COUNT, NULL},
};

static const char try_synopsis[] =
    "usage: maprace try [options] FILE.c [FILE.c...]\n"
    "       maprace try [options] FILE.go [FILE.go...]\n";
static const char try_what[] =
    "Build a program of your own (no case.ini, no RACE: markers) in every\n"
    "flavour, run it under every installed detector, and print what each\n"
    "one reported, stack by stack, as `maprace show` does; the report files\n"
    "are those of `maprace run`. A report counts when one of its frames is\n"
    "in your files. A program that includes a model header (map.h ...) is\n"
    "linked with the model; each file's folder and valgrind's headers\n"
    "(<valgrind/helgrind.h>) are on the include path. C++ files (.cc, .cpp,\n"
    ".cxx) are built with g++ and clang++. Go files (package main, one\n"
    "folder) are built by go, plain and with -race, and run under the go and\n"
    "go-race detectors only.\n";
static const char try_more[] =
    "exit codes: 0 the program ran (with --expect: every detector saw what\n"
    "was expected); 1 an expectation not met, or a build or a run that\n"
    "failed; 2 usage (a bad option, a file that cannot be read, Go and C\n"
    "files together); 3 a detector asked for with -d is not installed, or\n"
    "none of the program's language is; 130 interrupted.\n";

static const struct verb_spec try_spec = {
    .name = "try",
    .synopsis = try_synopsis,
    .what = try_what,
    .options = try_options,
    .more = try_more,
};
static const char *extension(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    return dot ? dot : "";
}

static bool is_cxx(const char *path)
{
    const char *e = extension(path);
    return !strcmp(e, ".cc") || !strcmp(e, ".cpp") || !strcmp(e, ".cxx");
}

/* A file given to try: absolute, readable, C or C++, and a path that make
 * can take as a word. Malloc'd, or NULL after saying why. */
static char *check_file(const char *given)
{
    const char *e = extension(given);
    if (strcmp(e, ".c") && !is_cxx(given) && !path_is_go(given)) {
        error("try: %s: not a C, C++ or Go source (want .c, .cc, .cpp, .cxx "
              "or .go)",
              given);
        return NULL;
    }
    char real[PATH_MAX];
    struct stat st;
    if (!realpath(given, real) || stat(real, &st) < 0) {
        error("try: cannot read %s: %s", given, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        error("try: %s: not a regular file", given);
        return NULL;
    }
    if (access(real, R_OK) < 0) {
        error("try: cannot read %s: %s", given, strerror(errno));
        return NULL;
    }
    return xstrdup(real);
}

/* Characters make cannot take in a word of TRY_SRC. */
static const char make_unsafe[] = " \t\n\\$#%:;\"'`*?[]()&|<>=";

static bool make_safe(const char *path)
{
    return !strpbrk(path, make_unsafe);
}

static bool is_header(const char *name)
{
    const char *e = extension(name);
    return !strcmp(e, ".h") || !strcmp(e, ".hh") || !strcmp(e, ".hpp") ||
           !strcmp(e, ".hxx") || !strcmp(e, ".inc");
}

static int copy_one(const char *from, const char *to)
{
    size_t len;
    char *data = read_file(from, 0, &len);
    int rc = data ? write_file_atomic(to, data, len) : -1;
    free(data);
    return rc;
}

/* A file whose path make cannot take (a blank, a $...) is built from a
 * copy: <build>/try-src/<hash of its folder>/, its name with those
 * characters made '-', beside a copy of the headers of its folder (those
 * whose names make can take), so that its own #include "x.h" still
 * works. Returns the copy's path (malloc'd), or NULL after saying why. */
static char *stage_copy(const char *real, const char *build_abs,
                        struct session *s)
{
    char *dir = xstrdup(real);
    char *slash = strrchr(dir, '/');
    *slash = '\0';
    const char *base = slash + 1;
    char *copy_dir = xasprintf("%s/try-src/%08x", build_abs, fnv1a(dir));
    char *name = xstrdup(base);
    for (char *p = name; *p; p++)
        if (strchr(make_unsafe, *p))
            *p = '-';
    char *copy = path_join(copy_dir, name);
    int rc = make_safe(copy_dir) ? mkdir_p(copy_dir) : -1;
    if (!rc)
        rc = copy_one(real, copy);
    DIR *d = rc ? NULL : opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!is_header(e->d_name) || !make_safe(e->d_name))
            continue;
        char *from = path_join(dir, e->d_name);
        char *to = path_join(copy_dir, e->d_name);
        struct stat st;
        if (!stat(from, &st) && S_ISREG(st.st_mode))
            copy_one(from, to);
        free(from);
        free(to);
    }
    if (d)
        closedir(d);
    if (rc) {
        error("try: %s: its path holds a character make cannot take, and it "
              "cannot be copied to %s: %s",
              real, copy_dir, strerror(errno));
        free(copy);
        copy = NULL;
    } else {
        session_note(s,
                     "%s was built from a copy, %s: its path holds a "
                     "character make cannot take (blank, quote, $, #, :...)",
                     real, copy);
    }
    free(name);
    free(copy_dir);
    free(dir);
    return copy;
}

/* Why detector d can never report what `e` expects, or NULL when it can:
 * its row's (detector_cannot_see()), from what each detector reported on
 * the programs of runner/tests/progs (runner/tests/logs/README.md). */
static const char *cannot_see(enum detector d, enum expect_kind k)
{
    static const enum finding_kind kinds[] = {
        [EXPECT_RACE] = FINDING_DATA_RACE,
        [EXPECT_LOCK_ORDER] = FINDING_LOCK_ORDER,
        [EXPECT_THREAD_LEAK] = FINDING_THREAD_LEAK,
        [EXPECT_MUTEX_MISUSE] = FINDING_MUTEX_MISUSE,
        [EXPECT_USE_AFTER_FREE] = FINDING_USE_AFTER_FREE,
        [EXPECT_SIGNAL_UNSAFE] = FINDING_SIGNAL_UNSAFE,
    };
    return expect_is_report(k) ? detector_cannot_see(d, kinds[k]) : NULL;
}

/* Every detector's expectation from --expect (or `any`). */
static int set_expectations(struct variant *v, const char *expect)
{
    for (int d = 0; d < DET_COUNT; d++) {
        struct expectation *e = &v->expect[d];
        char *why;
        if (!expect) {
            e->kind = EXPECT_ANY;
            e->text = xstrdup("any");
            continue;
        }
        if (expectation_parse(expect, e, &why) < 0) {
            error("try: --expect: %s", why);
            free(why);
            return -1;
        }
        if (e->kind == EXPECT_FATAL || e->kind == EXPECT_SYMPTOM ||
            e->kind == EXPECT_MISS || e->kind == EXPECT_FALSE_POSITIVE)
            return error("try: --expect %s is for case.ini (want race, "
                         "clean, lock-order, thread-leak, mutex-misuse, "
                         "use-after-free, signal-unsafe, 'exit N' or "
                         "'signal NAME')",
                         expect);
        const char *reason = cannot_see((enum detector)d, e->kind);
        if (reason) {
            char *text = xasprintf("miss %s", reason);
            free(e->arg);
            free(e->text);
            e->kind = EXPECT_MISS;
            e->arg = xstrdup(reason);
            e->text = text;
        }
    }
    return 0;
}

/* The variant's name: the first file's name without its extension, with
 * anything but letters, digits, '.', '_' and '-' made '-'. */
static char *program_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base) - strlen(extension(base));
    char *name = xstrndup(base, n ? n : strlen(base));
    for (char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
            *p = '-';
    return name;
}

/* Mark every line of each header in the folder of `file` (once per
 * folder). */
static void mark_headers_beside(const char *file, struct markers *m)
{
    char *dir = xstrdup(file);
    *strrchr(dir, '/') = '\0';
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!is_header(e->d_name))
            continue;
        char *h = path_join(dir, e->d_name);
        struct stat st;
        if (!markers_in_files(m, h) && !stat(h, &st) && S_ISREG(st.st_mode))
            markers_mark_all(h, m);
        free(h);
    }
    if (d)
        closedir(d);
    free(dir);
}

/* The one case `try` runs: case "try", one variant named after the
 * program, every line of every file marked, and of the headers beside
 * them. */
static int make_case(struct session *s, char **files, size_t n,
                     const char *expect)
{
    struct catalog *cat = &s->cat;
    cat->cases = xcalloc(1, sizeof(*cat->cases));
    cat->nr = cat->alloc = 1;
    struct mcase *c = &cat->cases[0];
    char *dir = xstrdup(files[0]);
    *strrchr(dir, '/') = '\0';
    cat->dir = xstrdup(dir);
    c->name = xstrdup("try");
    c->dir = dir;
    c->ini = xstrdup("(maprace try: no case.ini)");
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&sb, "%s%s", i ? " " : "", files[i]);
    c->title = strbuf_detach(&sb);
    c->go = xstrdup("");
    c->article = xstrdup("");
    c->family = xstrdup("try");
    c->why = xstrdup("");
    c->variants = xcalloc(1, sizeof(*c->variants));
    c->nr_variants = c->alloc_variants = 1;
    struct variant *v = &c->variants[0];
    v->name = program_name(files[0]);
    v->source = xstrdup(files[0]);
    bool go = path_is_go(files[0]);
    if (go)
        v->go_source = xstrdup(files[0]);
    for (size_t i = 0; i < n; i++)
        if (markers_mark_all(files[i], go ? &v->go_markers : &v->markers) < 0)
            return error("try: cannot read %s: %s", files[i], strerror(errno));
    /* the headers beside the program are the user's code too (an inline
     * helper that races is on the user's lines) */
    for (size_t i = 0; i < n && !go; i++)
        mark_headers_beside(files[i], &v->markers);
    return set_expectations(v, expect);
}

/* The detectors to run: -d, or every one of the default set (run's:
 * not the hmap Go, not the Swiss model) installed here that runs the
 * program's language (the others are named on stderr); -d all adds the
 * hmap Go, never the Swiss model's rows. `file` is the
 * first program file: a Go one runs under the Go detectors only, a C or
 * C++ one under the others. 0; -1 after saying why (usage); -2 when no
 * detector of the language is installed. */
static int pick_detectors(const struct cli *a, const char *file,
                          bool mask[DET_COUNT])
{
    bool go = path_is_go(file), picked = false;
    if (a->detectors) {
        if (detector_list_option(a->detectors, mask) < 0)
            return -1;
        int other =
            detector_mask_language(mask, go, !strcmp(a->detectors, "all"));
        if (other >= 0)
            return error("try: %s: %s runs %s programs only", file,
                         detector_name(other), go ? "C and C++" : "Go");
        /* a program is built as written, against the hmap model when it
         * uses one: the Swiss model's rows are the catalog's */
        for (int d = 0; d < DET_COUNT; d++) {
            if (!mask[d] || !detector_row(d)->swiss_model)
                continue;
            if (strcmp(a->detectors, "all"))
                return error("try: %s runs the catalog's cases only (the "
                             "case built on the Swiss-table model)",
                             detector_name(d));
            mask[d] = false;
        }
        return 0;
    }
    bool want[DET_COUNT] = {false};
    for (int d = 0; d < DET_COUNT; d++) {
        if (detector_row(d)->go_twin != go || detector_row(d)->not_default)
            continue;
        /* a Go program runs under the current Go, else the hmap Go */
        enum detector e = detector_go_stand_in(d);
        if (e != (enum detector)d)
            warning("try: the current Go is not installed: %s instead of %s",
                    detector_name(e), detector_name(d));
        want[e] = true;
    }
    for (int d = 0; d < DET_COUNT; d++) {
        char *why;
        if (!want[d]) {
            mask[d] = false;
            continue;
        }
        mask[d] = detector_available(d, &why);
        if (!mask[d]) {
            warning("try: skipping %s: %s", detector_name(d), why);
            free(why);
        }
        picked |= mask[d];
    }
    if (!picked) {
        error("try: %s: no detector of its language is installed "
              "(scripts/install-deps)",
              file);
        return -2;
    }
    return 0;
}

/* The build folder and reports folder when --build and --out are not
 * given (absolute), or NULL: <root>/build and <root>/reports. An
 * installed maprace outside a repository builds with its kit
 * (installed_kit()) into the user's cache (user_cache_dir()). */
static const char *default_build, *default_out;

/* The session's options (cli_run_opts(), then try's own). 0; -1 after
 * saying why; -2 when no detector of the program's language is
 * installed. */
static int fill_opts(struct session *s, const struct cli *a, const char *file,
                     const char *root)
{
    struct run_opts *o = &s->opts;
    if (cli_run_opts(a, root, o) < 0)
        return -1;
    /* the detectors of the program's language, not run's default set */
    o->detectors_default = false;
    int picked = pick_detectors(a, file, o->detectors);
    if (picked < 0)
        return picked;
    if (!a->out && default_out) {
        free((char *)o->out);
        o->out = xstrdup(default_out);
    }
    if (!a->build && default_build)
        o->build = default_build;
    o->cases_dir = path_join(root, "cases");
    o->check = true;
    return 0;
}

/* What the Makefile's try rules need: the sources and the binary's id. */
static void set_build(struct session *s, char **files, size_t n)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addstr(&sb, "TRY_SRC=");
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&sb, "%s%s", i ? " " : "", files[i]);
    s->opts.try_make_var = strbuf_detach(&sb);
    s->opts.try_id = xasprintf("%s-%08x", s->cat.cases[0].variants[0].name,
                               fnv1a(s->opts.try_make_var));
}

static int check_languages(char **files, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (path_is_go(files[i]) != path_is_go(files[0]))
            return error("try: %s and %s: Go and C files cannot be mixed",
                         files[0], files[i]);
        if (is_cxx(files[i]) != is_cxx(files[0]))
            return error("try: %s and %s: C and C++ files cannot be mixed",
                         files[0], files[i]);
    }
    return 0;
}

/* try with the options in a, in the repository (or kit) root. */
static int try_verb(const struct cli *args, const char *root)
{
    const struct cli a = *args; /* a.pos: the files */
    if (!a.nr_pos) {
        error("try needs a program (maprace try FILE.c [FILE.c...])");
        return EXIT_USAGE;
    }
    char **files = xcalloc(a.nr_pos, sizeof(*files));
    struct session s;
    memset(&s, 0, sizeof(s));
    int rc = EXIT_USAGE;
    for (size_t i = 0; i < a.nr_pos; i++)
        if (!(files[i] = check_file(a.pos[i])))
            goto out;
    for (size_t i = 0; i < a.nr_pos; i++) {
        if (make_safe(files[i]))
            continue;
        const char *b = a.build         ? a.build
                        : default_build ? default_build
                                        : "build";
        char *build_abs = b[0] == '/' ? xstrdup(b) : path_join(root, b);
        char *copy = stage_copy(files[i], build_abs, &s);
        free(build_abs);
        if (!copy)
            goto out;
        free(files[i]);
        files[i] = copy;
    }
    if (check_languages(files, a.nr_pos) < 0 ||
        make_case(&s, files, a.nr_pos, a.expect) < 0)
        goto out;
    int filled = fill_opts(&s, &a, files[0], root);
    if (filled < 0) {
        rc = filled == -2 ? EXIT_ENV : EXIT_USAGE;
        goto out;
    }
    set_build(&s, files, a.nr_pos);
    rc = session_run(&s);
    if (rc != EXIT_USAGE && s.report_dir) {
        char *results = path_join(s.report_dir, "results.json");
        char *spec = xasprintf("try/%s", s.cat.cases[0].variants[0].name);
        fflush(stdout);
        show_races(stdout, NULL, results, spec, s.opts.color, a.all_frames);
        free(spec);
        free(results);
    }
out:
    free((char *)s.opts.out);
    free((char *)s.opts.cases_dir);
    free(s.opts.try_make_var);
    free(s.opts.try_id);
    session_release(&s);
    for (size_t i = 0; i < a.nr_pos; i++)
        free(files[i]);
    free(files);
    return rc;
}

int cmd_try(int argc, char **argv)
{
    struct cli a;
    enum parse_result pr = parse_options(argc, argv, &try_spec, &a);
    if (pr != PARSE_OK) {
        cli_release(&a);
        return parse_exit(pr);
    }
    /* outside a repository, an installed maprace builds with its kit
     * (share/maprace: the Makefile and the model) into the user's cache */
    char *root = NULL, *kit = NULL, *build = NULL, *out = NULL;
    const char *env = getenv("MAPRACE_ROOT");
    if ((!env || !*env) && !repository_above_cwd() && (kit = installed_kit())) {
        char *cache = user_cache_dir();
        build = path_join(cache, "build");
        out = path_join(cache, "reports");
        free(cache);
        root = kit;
        default_build = build;
        default_out = out;
    } else {
        root = find_root();
    }
    int rc = root ? try_verb(&a, root) : EXIT_USAGE;
    free(root);
    free(build);
    free(out);
    cli_release(&a);
    return rc;
}
