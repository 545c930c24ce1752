/*
 * catalog.c - read and validate cases/<name>/case.ini (see catalog.h and
 * docs/case-format.md).
 *
 * inih does the parsing; we feed it lines ourselves (ini_parse_stream) so
 * that every key and every section header is known by its line number, and
 * so that a continuation line of a multi-line value is told apart from a
 * duplicate key.
 */
#include "engine/catalog.h"
#include "engine/article.h"
#include "lib/text.h"
#include "engine/toolchain.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const case_keys[] = {"title",
                                        "go",
                                        "article",
                                        "family",
                                        "why",
                                        "timeout",
                                        "args",
                                        "no-swiss",
                                        "no-hmap",
                                        "tsan_options",
                                        "valgrind_options",
                                        "helgrind_options",
                                        "drd_options",
                                        NULL};
static const char *const required_case_keys[] = {"title",  "go",  "article",
                                                 "family", "why", NULL};
const char *const catalog_families[] = {"map",   "context",  "syncmap", "sync",
                                        "shard", "lockfree", NULL};

/* One key as read, before validation. */
struct raw_key {
    char *section;
    char *name;
    char *value;
    int line;
};

struct raw_section {
    char *name;
    int line;
};

struct parse_ctx {
    const char *ini;
    /* the reader's position */
    const char *buf, *pos, *end;
    int lineno;
    bool continuation; /* the current line starts with whitespace */
    struct raw_section *sections;
    size_t nr_sections, alloc_sections;
    struct raw_key *keys;
    size_t nr_keys, alloc_keys;
    char *why; /* the first error, or NULL */
};

/* Set *why to "<ini>:<line>: <msg>" (or "<ini>: <msg>" when line is 0)
 * and return -1. */
static int line_error(char **why, const char *ini, int line, const char *fmt,
                      ...) __attribute__((format(printf, 4, 5)));

static int line_error(char **why, const char *ini, int line, const char *fmt,
                      ...)
{
    struct strbuf sb = STRBUF_INIT;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (line > 0)
        strbuf_addf(&sb, "%s:%d: %s", ini, line, msg);
    else
        strbuf_addf(&sb, "%s: %s", ini, msg);
    *why = strbuf_detach(&sb);
    return -1;
}

/* ini_reader: hand inih one line at a time, and record section headers. */
static char *reader(char *str, int num, void *stream)
{
    struct parse_ctx *ctx = stream;
    if (ctx->pos >= ctx->end || num < 2)
        return NULL;
    const char *nl = memchr(ctx->pos, '\n', (size_t)(ctx->end - ctx->pos));
    const char *le = nl ? nl + 1 : ctx->end;
    size_t n = (size_t)(le - ctx->pos);
    if (n > (size_t)num - 1) {
        /* never cut: the tail would be read as a line of its own */
        line_error(&ctx->why, ctx->ini, ctx->lineno + 1,
                   "line too long (%zu bytes, at most %d)", n - (nl != NULL),
                   num - 2);
        return NULL;
    }
    if (ctx->pos == ctx->buf && n >= 3 &&
        !memcmp(ctx->pos, "\xEF\xBB\xBF", 3)) {
        ctx->pos += 3; /* a UTF-8 byte order mark */
        n -= 3;
    }
    memcpy(str, ctx->pos, n);
    str[n] = '\0';
    ctx->pos += n;
    ctx->lineno++;
    ctx->continuation = n && (str[0] == ' ' || str[0] == '\t');

    const char *s = str;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '[' && !ctx->continuation) {
        const char *close = strchr(s, ']');
        if (close) {
            ALLOC_GROW(ctx->sections, ctx->nr_sections + 1,
                       ctx->alloc_sections);
            struct raw_section *sec = &ctx->sections[ctx->nr_sections++];
            sec->name = xstrndup(s + 1, (size_t)(close - s - 1));
            sec->line = ctx->lineno;
        }
    }
    return str;
}

static struct raw_key *find_key(struct parse_ctx *ctx, const char *section,
                                const char *name)
{
    for (size_t i = 0; i < ctx->nr_keys; i++)
        if (!strcmp(ctx->keys[i].section, section) &&
            !strcmp(ctx->keys[i].name, name))
            return &ctx->keys[i];
    return NULL;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
    struct parse_ctx *ctx = user;
    if (ctx->why)
        return 0;
    /* the section as the reader saw it: inih cuts names past 49 bytes */
    if (ctx->nr_sections)
        section = ctx->sections[ctx->nr_sections - 1].name;
    struct raw_key *k = find_key(ctx, section, name);
    if (k && ctx->continuation) {
        /* "key = value" indented: inih joins it to the value above; a
         * key was meant, and silently losing it would change a verdict */
        size_t id = strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789_-");
        size_t eq = id + strspn(value + id, " \t");
        if (id && (value[eq] == '=' || value[eq] == ':')) {
            line_error(&ctx->why, ctx->ini, ctx->lineno,
                       "'%.*s' is indented, so it would continue the value "
                       "of '%s' (line %d): write the key at the start of its "
                       "line",
                       (int)id, value, name, k->line);
            return 0;
        }
        char *joined = xasprintf("%s %s", k->value, value);
        free(k->value);
        k->value = joined;
        return 1;
    }
    if (k) {
        line_error(&ctx->why, ctx->ini, ctx->lineno,
                   "duplicate key '%s' in [%s] (first on line %d)", name,
                   section, k->line);
        return 0;
    }
    ALLOC_GROW(ctx->keys, ctx->nr_keys + 1, ctx->alloc_keys);
    k = &ctx->keys[ctx->nr_keys++];
    k->section = xstrdup(section);
    k->name = xstrdup(name);
    k->value = xstrdup(value);
    k->line = ctx->lineno;
    return 1;
}

static void parse_ctx_release(struct parse_ctx *ctx)
{
    for (size_t i = 0; i < ctx->nr_sections; i++)
        free(ctx->sections[i].name);
    free(ctx->sections);
    for (size_t i = 0; i < ctx->nr_keys; i++) {
        free(ctx->keys[i].section);
        free(ctx->keys[i].name);
        free(ctx->keys[i].value);
    }
    free(ctx->keys);
    free(ctx->why);
}

const char *expect_kind_name(enum expect_kind k)
{
    switch (k) {
    case EXPECT_NONE:
        return "none";
    case EXPECT_RACE:
        return "race";
    case EXPECT_CLEAN:
        return "clean";
    case EXPECT_FATAL:
        return "fatal";
    case EXPECT_SYMPTOM:
        return "symptom";
    case EXPECT_MISS:
        return "miss";
    case EXPECT_FALSE_POSITIVE:
        return "false-positive";
    case EXPECT_LOCK_ORDER:
        return "lock-order";
    case EXPECT_THREAD_LEAK:
        return "thread-leak";
    case EXPECT_MUTEX_MISUSE:
        return "mutex-misuse";
    case EXPECT_USE_AFTER_FREE:
        return "use-after-free";
    case EXPECT_SIGNAL_UNSAFE:
        return "signal-unsafe";
    case EXPECT_EXIT:
        return "exit";
    case EXPECT_SIGNAL:
        return "signal";
    case EXPECT_ANY:
        return "any";
    }
    return "?";
}

const char *case_option(const struct mcase *c, const char *key)
{
    if (!key)
        return NULL;
    if (!strcmp(key, "tsan_options"))
        return c->tsan_options;
    if (!strcmp(key, "valgrind_options"))
        return c->valgrind_options;
    if (!strcmp(key, "helgrind_options"))
        return c->helgrind_options;
    if (!strcmp(key, "drd_options"))
        return c->drd_options;
    return NULL;
}

bool expect_is_report(enum expect_kind k)
{
    return k == EXPECT_RACE || k == EXPECT_LOCK_ORDER ||
           k == EXPECT_THREAD_LEAK || k == EXPECT_MUTEX_MISUSE ||
           k == EXPECT_USE_AFTER_FREE || k == EXPECT_SIGNAL_UNSAFE;
}

static const struct {
    const char *name;
    int num;
} signals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ILL", SIGILL},
    {"TRAP", SIGTRAP}, {"ABRT", SIGABRT}, {"BUS", SIGBUS},   {"FPE", SIGFPE},
    {"KILL", SIGKILL}, {"USR1", SIGUSR1}, {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM}, {"SYS", SIGSYS},
};

/* exit N: N from 0 to 255; signal NAME: a signal's name, with or without
 * "SIG". Normalises e->arg and sets e->num. */
static int expectation_arg(struct expectation *e, char **why)
{
    if (e->kind == EXPECT_EXIT) {
        char *end;
        long v = strtol(e->arg, &end, 10);
        if (*end || end == e->arg || v < 0 || v > 255) {
            *why = xasprintf("bad exit status '%s' (want 0 to 255)", e->arg);
            return -1;
        }
        e->num = (int)v;
        return 0;
    }
    const char *name = e->arg;
    if (!strncmp(name, "SIG", 3))
        name += 3;
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
        if (!strcmp(name, signals[i].name)) {
            e->num = signals[i].num;
            char *arg = xasprintf("SIG%s", signals[i].name);
            free(e->arg);
            free(e->text);
            e->arg = arg;
            e->text = xasprintf("signal %s", arg);
            return 0;
        }
    }
    *why = xasprintf("unknown signal '%s' (want SIGSEGV, SIGABRT, SIGBUS, "
                     "SIGFPE, SIGILL, SIGKILL, SIGTERM...)",
                     e->arg);
    return -1;
}

int expectation_parse(const char *value, struct expectation *e, char **why)
{
    static const struct {
        const char *word;
        enum expect_kind kind;
        bool needs_arg;
        const char *arg_name;
    } words[] = {
        {"race", EXPECT_RACE, false, NULL},
        {"clean", EXPECT_CLEAN, false, NULL},
        {"fatal", EXPECT_FATAL, true, "the Go message"},
        {"symptom", EXPECT_SYMPTOM, true, "the text printed on stdout"},
        {"miss", EXPECT_MISS, true, "a reason"},
        {"false-positive", EXPECT_FALSE_POSITIVE, true, "a reason"},
        {"lock-order", EXPECT_LOCK_ORDER, false, NULL},
        {"thread-leak", EXPECT_THREAD_LEAK, false, NULL},
        {"mutex-misuse", EXPECT_MUTEX_MISUSE, false, NULL},
        {"use-after-free", EXPECT_USE_AFTER_FREE, false, NULL},
        {"signal-unsafe", EXPECT_SIGNAL_UNSAFE, false, NULL},
        {"exit", EXPECT_EXIT, true, "an exit status"},
        {"signal", EXPECT_SIGNAL, true, "a signal name"},
    };
    const char *s = value;
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strcspn(s, " \t");
    const char *arg = s + n;
    while (*arg == ' ' || *arg == '\t')
        arg++;
    size_t arglen = strlen(arg);
    while (arglen && (arg[arglen - 1] == ' ' || arg[arglen - 1] == '\t'))
        arglen--;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strlen(words[i].word) != n || strncmp(words[i].word, s, n))
            continue;
        if (words[i].needs_arg && !arglen) {
            *why = xasprintf("'%s' needs %s", words[i].word, words[i].arg_name);
            return -1;
        }
        if (!words[i].needs_arg && arglen) {
            *why = xasprintf("'%s' takes no argument (got '%.*s')",
                             words[i].word, (int)arglen, arg);
            return -1;
        }
        e->kind = words[i].kind;
        e->arg = arglen ? xstrndup(arg, arglen) : NULL;
        e->text = arglen ? xasprintf("%s %s", words[i].word, e->arg)
                         : xstrdup(words[i].word);
        *why = NULL;
        if ((e->kind == EXPECT_EXIT || e->kind == EXPECT_SIGNAL) &&
            expectation_arg(e, why) < 0) {
            free(e->arg);
            free(e->text);
            e->arg = e->text = NULL;
            e->kind = EXPECT_NONE;
            return -1;
        }
        return 0;
    }
    *why = xasprintf("bad expectation '%s' (want race, clean, fatal <msg>, "
                     "symptom <text>, miss <reason>, false-positive "
                     "<reason>, lock-order, thread-leak, mutex-misuse, "
                     "use-after-free, signal-unsafe, exit <N> or signal "
                     "<NAME>)",
                     value);
    return -1;
}

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(list[i], s))
            return true;
    return false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Variants: "racy" first, then by name without ".c" (fixed before
 * fixed-x). */
static int cmp_variant(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    bool rx = starts_with(x, "racy"), ry = starts_with(y, "racy");
    if (rx != ry)
        return rx ? -1 : 1;
    size_t nx = strlen(x) - 2, ny = strlen(y) - 2; /* both end in .c */
    size_t n = nx < ny ? nx : ny;
    int c = strncmp(x, y, n);
    if (c)
        return c;
    return nx < ny ? -1 : nx > ny;
}

/* The sorted names of the entries of `dir` that satisfy `want`. */
static char **list_dir(const char *dir,
                       bool (*want)(const char *dir, const char *name),
                       size_t *nr)
{
    char **names = NULL;
    size_t n = 0, alloc = 0;
    DIR *d = opendir(dir);
    *nr = 0;
    if (!d)
        return NULL;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || !want(dir, de->d_name))
            continue;
        ALLOC_GROW(names, n + 1, alloc);
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), cmp_str);
    *nr = n;
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static bool is_regular(const char *dir, const char *name)
{
    char *p = path_join(dir, name);
    struct stat st;
    bool ok = !stat(p, &st) && S_ISREG(st.st_mode);
    free(p);
    return ok;
}

static bool is_c_file(const char *dir, const char *name)
{
    size_t n = strlen(name);
    return n >= 3 && !strcmp(name + n - 2, ".c") && is_regular(dir, name);
}

static bool is_go_file(const char *dir, const char *name)
{
    return path_is_go(name) && is_regular(dir, name);
}

static bool is_dir(const char *dir, const char *name)
{
    char *p = path_join(dir, name);
    struct stat st;
    bool ok = !stat(p, &st) && S_ISDIR(st.st_mode);
    free(p);
    return ok;
}

static struct variant *find_variant(struct mcase *c, const char *name)
{
    for (size_t i = 0; i < c->nr_variants; i++)
        if (!strcmp(c->variants[i].name, name))
            return &c->variants[i];
    return NULL;
}

/* Whether a section name is shaped like a variant (racy, fixed-x): then
 * its absence of a .c file is a missing source, not an unknown section. */
static bool looks_like_variant(const char *name)
{
    return !strcmp(name, "racy") || !strcmp(name, "fixed") ||
           starts_with(name, "racy-") || starts_with(name, "fixed-");
}

static char *take_key(struct parse_ctx *ctx, const char *section,
                      const char *name)
{
    struct raw_key *k = find_key(ctx, section, name);
    if (!k)
        return NULL;
    char *v = k->value;
    k->value = xstrdup("");
    return v;
}

/* Sections: [case] and one per variant, each once. Sets *case_line. */
static int validate_sections(struct parse_ctx *ctx, struct mcase *c,
                             int *case_line, char **why)
{
    const char *ini = ctx->ini;
    for (size_t i = 0; i < ctx->nr_sections; i++) {
        struct raw_section *sec = &ctx->sections[i];
        for (size_t j = 0; j < i; j++)
            if (!strcmp(ctx->sections[j].name, sec->name))
                return line_error(why, ini, sec->line,
                                  "duplicate section [%s] (first on line %d)",
                                  sec->name, ctx->sections[j].line);
        if (!strcmp(sec->name, "case")) {
            *case_line = sec->line;
            continue;
        }
        struct variant *v = find_variant(c, sec->name);
        if (v) {
            v->line = sec->line;
            continue;
        }
        if (looks_like_variant(sec->name))
            return line_error(why, ini, sec->line,
                              "missing source file %s/%s.c for section [%s]",
                              c->dir, sec->name, sec->name);
        return line_error(why, ini, sec->line,
                          "unknown section [%s] (want [case] or a "
                          "variant: a .c file of the case)",
                          sec->name);
    }
    if (!*case_line)
        return line_error(why, ini, 0, "no [case] section");
    return 0;
}

/* Keys: only documented ones, and [case]'s required ones. */
static int validate_keys(struct parse_ctx *ctx, int case_line, char **why)
{
    const char *ini = ctx->ini;
    for (size_t i = 0; i < ctx->nr_keys; i++) {
        struct raw_key *k = &ctx->keys[i];
        bool ok;
        if (!strcmp(k->section, "case"))
            ok = in_list(case_keys, k->name);
        else
            ok = !strcmp(k->name, "expect") || !strcmp(k->name, "title") ||
                 !strcmp(k->name, "no-go-twin") ||
                 detector_by_name(k->name) >= 0;
        if (!ok)
            return line_error(why, ini, k->line, "unknown key '%s' in [%s]",
                              k->name, k->section);
    }
    for (size_t i = 0; required_case_keys[i]; i++) {
        struct raw_key *k = find_key(ctx, "case", required_case_keys[i]);
        if (!k || !*k->value)
            return line_error(why, ini, case_line,
                              "[case] lacks required key '%s'",
                              required_case_keys[i]);
    }
    return 0;
}

/* A word of a detector option that the runner owns: TSan's log_path
 * and exitcode, valgrind's tool and output flags. NULL when none. */
static const char *owned_option(const char *value, bool tsan)
{
    static const char *const tsan_owned[] = {"log_path=", "exitcode=", NULL};
    static const char *const vg_owned[] = {"--tool", "--xml", "--log-", NULL};
    const char *s = value;
    while (*s) {
        s += strspn(s, " \t");
        const char *const *list = tsan ? tsan_owned : vg_owned;
        for (size_t i = 0; list[i]; i++)
            if (starts_with(s, list[i]))
                return list[i];
        if (!tsan && *s && !starts_with(s, "--"))
            return "";
        s += strcspn(s, " \t");
    }
    return NULL;
}

/* tsan_options, valgrind_options, helgrind_options, drd_options. */
static int validate_options(struct parse_ctx *ctx, struct mcase *c, char **why)
{
    static const char *const keys[] = {"tsan_options", "valgrind_options",
                                       "helgrind_options", "drd_options"};
    char **dest[] = {&c->tsan_options, &c->valgrind_options,
                     &c->helgrind_options, &c->drd_options};
    for (size_t i = 0; i < 4; i++) {
        struct raw_key *k = find_key(ctx, "case", keys[i]);
        if (!k)
            continue;
        const char *owned = owned_option(k->value, i == 0);
        if (owned && !*owned)
            return line_error(why, ctx->ini, k->line,
                              "%s: '%s' is not a list of valgrind flags "
                              "(each starts with --)",
                              keys[i], k->value);
        if (owned)
            return line_error(why, ctx->ini, k->line,
                              "%s: %s... is the runner's own (it needs it "
                              "to find and read the detector's log)",
                              keys[i], owned);
        *dest[i] = take_key(ctx, "case", keys[i]);
    }
    return 0;
}

/* [case]'s values: the family, the article sections, the timeout; then
 * take them into c. */
static int validate_case(struct parse_ctx *ctx, struct mcase *c, char **why)
{
    const char *ini = ctx->ini;
    struct raw_key *art = find_key(ctx, "case", "article");
    char *bad;
    if (article_parse(art->value, &bad) < 0) {
        int rc = line_error(why, ini, art->line,
                            "bad article section '%s' (want one or more of "
                            "1, 2.1-2.5, 3.1-3.3, 4.1-4.4, 5: the article's "
                            "own numbering, docs/article.md)",
                            bad);
        free(bad);
        return rc;
    }
    struct raw_key *fam = find_key(ctx, "case", "family");
    if (!in_list(catalog_families, fam->value)) {
        struct strbuf want = STRBUF_INIT;
        for (size_t i = 0; catalog_families[i]; i++)
            strbuf_addf(&want, "%s%s",
                        !i                        ? ""
                        : catalog_families[i + 1] ? ", "
                                                  : " or ",
                        catalog_families[i]);
        line_error(why, ini, fam->line, "unknown family '%s' (want %s)",
                   fam->value, strbuf_str(&want));
        strbuf_release(&want);
        return -1;
    }
    struct raw_key *to = find_key(ctx, "case", "timeout");
    if (to) {
        char *end;
        errno = 0;
        double t = strtod(to->value, &end);
        if (errno || end == to->value || *end || !(t > 0))
            return line_error(why, ini, to->line,
                              "bad timeout '%s' (want seconds > 0)", to->value);
        c->timeout = t;
    }
    c->title = take_key(ctx, "case", "title");
    c->go = take_key(ctx, "case", "go");
    c->article = take_key(ctx, "case", "article");
    c->family = take_key(ctx, "case", "family");
    c->why = take_key(ctx, "case", "why");
    c->args = take_key(ctx, "case", "args");
    struct raw_key *ns = find_key(ctx, "case", "no-swiss");
    if (ns && !*ns->value)
        return line_error(why, ctx->ini, ns->line,
                          "[case] no-swiss: needs the reason");
    c->no_swiss = take_key(ctx, "case", "no-swiss");
    struct raw_key *nh = find_key(ctx, "case", "no-hmap");
    if (nh && !*nh->value)
        return line_error(why, ctx->ini, nh->line,
                          "[case] no-hmap: needs the reason");
    if (nh && c->no_swiss)
        return line_error(why, ctx->ini, nh->line,
                          "[case] no-hmap and no-swiss: a case needs a model");
    c->no_hmap = take_key(ctx, "case", "no-hmap");
    return validate_options(ctx, c, why);
}

/* The expectation of variant v under detector d: its own key, else the
 * key of the detector it is like (go-hmap: go), else `expect`. */
static int validate_expectation(struct parse_ctx *ctx, struct variant *v,
                                enum detector d, char **why)
{
    const char *ini = ctx->ini;
    struct raw_key *def = find_key(ctx, v->name, "expect");
    struct raw_key *k = find_key(ctx, v->name, detector_name(d));
    const char *key = detector_name(d);
    const char *like = detector_row(d)->expect_like;
    if (!k && like && (k = find_key(ctx, v->name, like)))
        key = like;
    if (!k) {
        k = def;
        key = "expect";
    }
    if (!k)
        return line_error(why, ini, v->line,
                          "[%s]: no expectation for %s (set "
                          "'expect' or '%s')",
                          v->name, detector_name(d), detector_name(d));
    char *reason;
    struct expectation *e = &v->expect[d];
    if (expectation_parse(k->value, e, &reason) < 0) {
        line_error(why, ini, k->line, "[%s] %s: %s", v->name, key, reason);
        free(reason);
        return -1;
    }
    e->line = k->line;
    if (!detector_is_race_detector(d) &&
        (expect_is_report(e->kind) || e->kind == EXPECT_FALSE_POSITIVE)) {
        const char *name = detector_name(d);
        const char *sees =
            detector_row(d)->go_twin ? "Go's own" : "the model's";
        if (k == def)
            return line_error(why, ini, k->line,
                              "[%s]: %s would inherit '%s' from 'expect'; set "
                              "%s = fatal <msg>, symptom <text>, clean, exit "
                              "<N>, signal <NAME> or miss <reason> (it sees "
                              "only %s checks and how the program ends)",
                              v->name, name, expect_kind_name(e->kind), name,
                              sees);
        return line_error(why, ini, k->line,
                          "[%s] %s: %s cannot expect '%s' (it sees "
                          "only %s checks and how the program ends: "
                          "fatal, symptom, clean, exit, signal or miss)",
                          v->name, name, name, expect_kind_name(e->kind), sees);
    }
    bool twin = detector_row(d)->go_twin;
    const struct markers *m = twin ? &v->go_markers : &v->markers;
    if (e->kind == EXPECT_RACE && !m->nr)
        return line_error(why, ini, k->line,
                          "[%s] %s: expects a race but %s has no "
                          "RACE: marker",
                          v->name, key, twin ? v->go_source : v->source);
    return 0;
}

/* A variant's Go twin against case.ini: `no-go-twin` exactly when there is
 * no twin (in a case that has twins; a case without any has no Go cells),
 * and no go or go-race key without a twin. */
static int validate_go_twin(struct parse_ctx *ctx, struct mcase *c,
                            struct variant *v, char **why)
{
    const char *ini = ctx->ini;
    struct raw_key *k = find_key(ctx, v->name, "no-go-twin");
    bool case_has_twins = false;
    for (size_t i = 0; i < c->nr_variants; i++)
        case_has_twins |= c->variants[i].go_source != NULL;
    if (k && v->go_source)
        return line_error(why, ini, k->line,
                          "[%s] no-go-twin: but %s is its Go twin", v->name,
                          v->go_source);
    if (k && !*k->value)
        return line_error(why, ini, k->line,
                          "[%s] no-go-twin: needs the reason", v->name);
    if (!k && !v->go_source && case_has_twins)
        return line_error(why, ini, v->line,
                          "[%s]: no Go twin %s/%s.go and no 'no-go-twin' "
                          "reason",
                          v->name, c->dir, v->name);
    for (int d = 0; d < DET_COUNT && !v->go_source; d++) {
        struct raw_key *dk = find_key(ctx, v->name, detector_name(d));
        if (dk && detector_row(d)->go_twin)
            return line_error(why, ini, dk->line,
                              "[%s] %s: no Go twin %s.go to run", v->name,
                              detector_name(d), v->name);
    }
    v->no_go_twin = take_key(ctx, v->name, "no-go-twin");
    return 0;
}

static int validate(struct parse_ctx *ctx, struct mcase *c, char **why)
{
    int case_line = 0;
    if (validate_sections(ctx, c, &case_line, why) < 0 ||
        validate_keys(ctx, case_line, why) < 0 ||
        validate_case(ctx, c, why) < 0)
        return -1;

    /* Variants and their expectations. */
    for (size_t i = 0; i < c->nr_variants; i++) {
        struct variant *v = &c->variants[i];
        if (!v->line)
            return line_error(why, ctx->ini, 0, "no section [%s] for %s.c",
                              v->name, v->name);
        v->title = take_key(ctx, v->name, "title");
        if (validate_go_twin(ctx, c, v, why) < 0)
            return -1;
        for (int d = 0; d < DET_COUNT; d++) {
            if (detector_row(d)->go_twin && !v->go_source)
                continue; /* no Go twin: no expectation, no cell */
            if (validate_expectation(ctx, v, d, why) < 0)
                return -1;
        }
    }
    return 0;
}

/* The Go a twin needs: N of its `//go:build go1.N` line, looked for
 * before the `package` clause (Go's own rule for build constraints); 0
 * when it has none. -1 when the file cannot be read. */
static int go_build_minor(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[512];
    int minor = 0;
    while (fgets(line, sizeof(line), f)) {
        if (!strncmp(line, "package ", 8))
            break;
        int n, end = 0;
        if (sscanf(line, "//go:build go1.%d%n", &n, &end) == 1 && n > 0 &&
            (line[end] == '\n' || line[end] == '\0' ||
             (line[end] == '\r' && line[end + 1] == '\n')))
            minor = n;
    }
    fclose(f);
    return minor;
}

bool variant_has_cell(const struct variant *v, enum detector d, char **why)
{
    const struct detector_row *row = detector_row(d);
    if (why)
        *why = NULL;
    if (!row->go_twin)
        return true;
    if (!v->go_source)
        return false;
    if (!v->go_min_minor)
        return true;
    const struct go_toolchain *t = go_toolchain(row->toolchain);
    if (!t->path || t->major != 1 || t->minor >= v->go_min_minor)
        return true;
    if (why)
        *why = xasprintf("its Go twin needs Go 1.%d (//go:build go1.%d); "
                         "the %s Go is %s",
                         v->go_min_minor, v->go_min_minor,
                         go_kind_name(row->toolchain),
                         t->version ? t->version : "older");
    return false;
}

bool case_has_model(const struct mcase *c, enum detector d, const char **why)
{
    const struct detector_row *row = detector_row(d);
    const char *no = row->go_twin       ? NULL
                     : row->swiss_model ? c->no_swiss
                                        : c->no_hmap;
    if (why)
        *why = no;
    return !no;
}

/* The Go twins of c's variants: each <name>.go of the folder belongs to
 * the variant <name>. Returns 0, or -1 with *why. */
static int load_go_twins(struct mcase *c, char **why)
{
    size_t nr;
    char **twins = list_dir(c->dir, is_go_file, &nr);
    int rc = 0;
    for (size_t i = 0; i < nr && !rc; i++) {
        char *vname = xstrndup(twins[i], strlen(twins[i]) - 3);
        struct variant *v = find_variant(c, vname);
        char *path = path_join(c->dir, twins[i]);
        if (!v) {
            *why = xasprintf("%s: a Go twin without its variant (no %s.c)",
                             path, vname);
            rc = -1;
        } else if (markers_scan(path, &v->go_markers) < 0) {
            *why = xasprintf("%s: cannot read: %s", path, strerror(errno));
            rc = -1;
        } else if ((v->go_min_minor = go_build_minor(path)) < 0) {
            *why = xasprintf("%s: cannot read: %s", path, strerror(errno));
            rc = -1;
        } else {
            v->go_source = path;
            path = NULL;
        }
        free(path);
        free(vname);
    }
    free_names(twins, nr);
    return rc;
}

/* Whether a case folder or a variant can be named `name`: the Makefile
 * and the shell of its recipes take it as it is, so ASCII letters, digits,
 * '-', '_' and '.', not first a '-' or a '.'. */
static bool buildable_name(const char *name)
{
    if (!*name || *name == '-' || *name == '.')
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
            return false;
    return true;
}

/* The one-line error of a name that cannot be built. */
static int bad_name(char **why, const char *dir, const char *what,
                    const char *name)
{
    char *shown = text_cleaned(name, false);
    *why = xasprintf("%s: %s name '%s' cannot be built (use ASCII letters, "
                     "digits, '-', '_' and '.')",
                     dir, what, shown);
    free(shown);
    return -1;
}

int case_load(const char *dir, const char *name, struct mcase *c, char **why)
{
    memset(c, 0, sizeof(*c));
    c->name = xstrdup(name);
    c->dir = xstrdup(dir);
    c->ini = path_join(dir, "case.ini");
    *why = NULL;

    size_t nr;
    char **sources = list_dir(dir, is_c_file, &nr);
    if (nr)
        qsort(sources, nr, sizeof(*sources), cmp_variant);
    for (size_t i = 0; i < nr; i++) {
        ALLOC_GROW(c->variants, c->nr_variants + 1, c->alloc_variants);
        struct variant *v = &c->variants[c->nr_variants++];
        memset(v, 0, sizeof(*v));
        v->name = xstrndup(sources[i], strlen(sources[i]) - 2);
        v->source = path_join(dir, sources[i]);
        if (!buildable_name(v->name)) {
            bad_name(why, dir, "variant", sources[i]);
            free_names(sources, nr);
            return -1;
        }
        if (markers_scan(v->source, &v->markers) < 0) {
            *why = xasprintf("%s: cannot read: %s", v->source, strerror(errno));
            free_names(sources, nr);
            return -1;
        }
    }
    free_names(sources, nr);
    if (load_go_twins(c, why) < 0)
        return -1;

    size_t len;
    char *buf = read_file(c->ini, 0, &len);
    if (!buf) {
        *why = xasprintf("%s: cannot read: %s", c->ini, strerror(errno));
        return -1;
    }
    if (memchr(buf, '\0', len)) {
        line_error(why, c->ini, 0, "binary file (NUL byte)");
        free(buf);
        return -1;
    }
    struct parse_ctx ctx = {0};
    ctx.ini = c->ini;
    ctx.buf = ctx.pos = buf;
    ctx.end = buf + len;
    ini_max_line = 4096;
    ini_stop_on_first_error = true;
    int rc = ini_parse_stream(reader, &ctx, handler, &ctx);
    if (ctx.why) {
        *why = ctx.why;
        ctx.why = NULL;
        rc = -1;
    } else if (rc > 0) {
        line_error(why, c->ini, rc,
                   "syntax error (want [section], key = value, or "
                   "an indented continuation line)");
        rc = -1;
    } else if (rc < 0) {
        *why = xasprintf("%s: cannot parse (out of memory)", c->ini);
        rc = -1;
    } else {
        rc = validate(&ctx, c, why);
    }
    parse_ctx_release(&ctx);
    free(buf);
    return rc;
}

int catalog_load(const char *dir, struct catalog *cat, char **why)
{
    memset(cat, 0, sizeof(*cat));
    *why = NULL;
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        *why = xasprintf("%s: no such catalog folder", dir);
        return -1;
    }
    cat->dir = xstrdup(dir);
    size_t nr;
    char **names = list_dir(dir, is_dir, &nr);
    for (size_t i = 0; i < nr; i++) {
        char *cdir = path_join(dir, names[i]);
        char *ini = path_join(cdir, "case.ini");
        bool has_ini = !stat(ini, &st);
        free(ini);
        if (!has_ini) {
            /* Not a case (yet): the Makefile skips it too. */
            warning("%s: no case.ini, skipped", cdir);
            free(cdir);
            continue;
        }
        if (!buildable_name(names[i])) {
            bad_name(why, dir, "case folder", names[i]);
            free(cdir);
            free_names(names, nr);
            catalog_release(cat);
            return -1;
        }
        ALLOC_GROW(cat->cases, cat->nr + 1, cat->alloc);
        struct mcase *c = &cat->cases[cat->nr++];
        int rc = case_load(cdir, names[i], c, why);
        free(cdir);
        if (rc < 0) {
            free_names(names, nr);
            catalog_release(cat);
            return -1;
        }
    }
    free_names(names, nr);
    return 0;
}

struct mcase *catalog_find(const struct catalog *cat, const char *name)
{
    for (size_t i = 0; i < cat->nr; i++)
        if (!strcmp(cat->cases[i].name, name))
            return &cat->cases[i];
    return NULL;
}

void case_release(struct mcase *c)
{
    for (size_t i = 0; i < c->nr_variants; i++) {
        struct variant *v = &c->variants[i];
        free(v->name);
        free(v->source);
        free(v->title);
        for (int d = 0; d < DET_COUNT; d++) {
            free(v->expect[d].arg);
            free(v->expect[d].text);
        }
        markers_release(&v->markers);
        markers_release(&v->go_markers);
        free(v->go_source);
        free(v->no_go_twin);
    }
    free(c->variants);
    free(c->name);
    free(c->dir);
    free(c->ini);
    free(c->title);
    free(c->go);
    free(c->article);
    free(c->family);
    free(c->why);
    free(c->args);
    free(c->no_swiss);
    free(c->no_hmap);
    free(c->tsan_options);
    free(c->valgrind_options);
    free(c->helgrind_options);
    free(c->drd_options);
    memset(c, 0, sizeof(*c));
}

void catalog_release(struct catalog *cat)
{
    for (size_t i = 0; i < cat->nr; i++)
        case_release(&cat->cases[i]);
    free(cat->cases);
    free(cat->dir);
    memset(cat, 0, sizeof(*cat));
}
