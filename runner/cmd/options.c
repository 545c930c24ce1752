/*
 * options.c - the options of every verb, one table (options.h).
 */
#include "cmd/options.h"

#include "engine/detectors.h"
#include "engine/shard.h"
#include "lib/exit.h"
#include "lib/util.h"
#include "report/common.h"
#include "cmd/repository.h"
#include "cmd/usage.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every option of every verb. help: what it means when the verb's table
 * says nothing else; the help texts may name the tables' lists
 * (cmd/usage.h). */
static const struct opt_row {
    char short_name; /* or 0 */
    const char *long_name;
    const char *arg; /* the value's name in the help, or NULL: a flag */
    const char *help;
} opt_rows[OPT_COUNT] = {
    [OPT_DETECTORS] = {'d', "detectors", "LIST",
                       "comma-separated, of @detectors@ or all (default: "
                       "@detectors-default@; a Go not installed is then left "
                       "out with a note)"},
    [OPT_VARIANT] = {0, "variant", "NAME",
                     "only this variant (racy, fixed...); repeatable, or "
                     "comma-separated"},
    [OPT_RUNS] = {0, "runs", "N",
                  "runs per cell (default 1); detection rate per cell"},
    [OPT_EXPECT] = {0, "expect", "WHAT", "what every detector must report"},
    [OPT_JOBS] = {'j', "jobs", "N",
                  "parallel runs (default: the number of cores)"},
    [OPT_TIMEOUT] = {0, "timeout", "S",
                     "seconds per run before its process group is killed "
                     "(default 60; case.ini's timeout wins)"},
    [OPT_OUT] = {0, "out", "DIR", "reports folder (default <root>/reports)"},
    [OPT_JSON] = {0, "json", NULL,
                  "print results.json on stdout, not the matrix"},
    [OPT_FORMAT] = {0, "format", "LIST",
                    "report files to write: @formats@, all or none (default "
                    "all)"},
    [OPT_NO_COLOR] = {0, "no-color", NULL,
                      "no colour (also when NO_COLOR is set or stdout is not "
                      "a terminal)"},
    [OPT_NATURAL] = {0, "natural", NULL,
                     "do not force the race windows (MAPRACE_FORCE)"},
    [OPT_CASES] = {0, "cases", "DIR", "another catalog than <root>/cases"},
    [OPT_SHARD] = {0, "shard", "K/N",
                   "only the K-th of N slices of the cells (CI; maprace "
                   "merge joins them, docs/ci.md)"},
    [OPT_BUILD] = {0, "build", "DIR",
                   "build folder, relative to the root (default build)"},
    [OPT_BENCH_STATS] = {0, "bench-stats", NULL,
                         "print the runner's overhead on stderr: wall time of "
                         "the runs against the children's CPU / cores"},
    [OPT_ALL_FRAMES] = {0, "all-frames", NULL,
                        "also the frames of libc, the runtimes and window.c "
                        "(folded by default)"},
    [OPT_FULL] = {0, "full", NULL, "every detector's stacks and command lines"},
    [OPT_FROM] = {0, "from", "DIR",
                  "tabulate earlier report folders instead of running "
                  "(repeatable; the counts of a cell add up)"},
    [OPT_ARTICLE] = {0, "article", "S",
                     "only the cases that serve section S (e.g. 3.1)"},
    [OPT_ARCH] = {0, "arch", "LIST",
                  "x86-64, arm64 (gcc's default: outline atomics), arm64-lse "
                  "(-march=armv8.1-a) or all (default: all whose compiler is "
                  "installed)"},
    [OPT_NO_GO] = {0, "no-go", NULL, "do not show Go's own code"},
    [OPT_MODEL] = {0, "model", "M",
                   "hmap (Go 1.19's map, model/map.c), swiss (Go 1.26's, "
                   "model/swiss/) or both (default: hmap, or swiss for a case "
                   "that says no-hmap)"},
    [OPT_HELP] = {'h', "help", NULL, "this help"},
};

/* The help of option o->id in a verb's table. Malloc'd. */
static char *option_help(const struct verb_option *o)
{
    const char *h = o->help ? o->help : opt_rows[o->id].help;
    /* the tables' lists (cmd/usage.h), wrapped below like any text */
    char *text = usage_expand(h ? h : "");
    /* undo its wrapping: a list goes on after its comma, a text after a
     * blank */
    char *to = text;
    for (const char *c = text; *c; c++) {
        if (*c != '\n') {
            *to++ = *c;
            continue;
        }
        if (to > text && to[-1] != ',')
            *to++ = ' ';
        while (c[1] == ' ')
            c++;
    }
    *to = '\0';
    return text;
}

enum { HELP_COLUMN = 24, HELP_WIDTH = 78 };

/* One option's lines: "  -d, --detectors LIST  text...", the text
 * wrapped at HELP_WIDTH under HELP_COLUMN. */
static void option_lines(FILE *fp, enum opt_id id, const char *text)
{
    const struct opt_row *r = &opt_rows[id];
    struct strbuf left = STRBUF_INIT;
    if (r->short_name)
        strbuf_addf(&left, "  -%c, --%s", r->short_name, r->long_name);
    else
        strbuf_addf(&left, "      --%s", r->long_name);
    if (r->arg)
        strbuf_addf(&left, " %s", r->arg);
    fputs(strbuf_str(&left), fp);
    size_t col = strlen(strbuf_str(&left));
    strbuf_release(&left);
    if (col + 2 > HELP_COLUMN) {
        fputc('\n', fp);
        col = 0;
    }
    /* words end at a blank, or after a comma (a list of the tables,
     * "native,tsan,...", breaks after one of its commas) */
    const char *s = text;
    bool first = true, glued = false;
    while (*s) {
        size_t skip = strspn(s, " ");
        s += skip;
        if (skip)
            glued = false;
        size_t w = strcspn(s, " ,");
        w += s[w] == ',';
        if (!w)
            break;
        size_t gap = first || glued ? 0 : 1;
        if (!first && col + gap + w > HELP_WIDTH) {
            fputc('\n', fp);
            col = 0;
            first = true;
            gap = 0;
        }
        if (first) {
            fprintf(fp, "%*s", (int)(HELP_COLUMN - col), "");
            col = HELP_COLUMN;
        } else if (gap) {
            fputc(' ', fp);
            col++;
        }
        fwrite(s, 1, w, fp);
        col += w;
        glued = s[w - 1] == ',' && s[w] != ' ';
        s += w;
        first = false;
    }
    fputc('\n', fp);
}

void verb_help(FILE *out, const struct verb_spec *v)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    if (!fp) {
        error("out of memory");
        abort();
    }
    fputs(v->synopsis, fp);
    fprintf(fp, "\n%s\noptions:\n", v->what);
    for (const struct verb_option *o = v->options; o->id != OPT_COUNT; o++) {
        char *help = option_help(o);
        option_lines(fp, o->id, help);
        free(help);
    }
    option_lines(fp, OPT_HELP, opt_rows[OPT_HELP].help);
    if (v->more)
        fprintf(fp, "\n%s", v->more);
    fclose(fp);
    /* the lists of the tables (cmd/usage.h) */
    char *expanded = usage_expand(text);
    fputs(expanded, out);
    free(expanded);
    free(text);
}

bool verb_accepts(const struct verb_spec *v, enum opt_id id)
{
    if (id == OPT_HELP)
        return true;
    for (const struct verb_option *o = v->options; o->id != OPT_COUNT; o++)
        if (o->id == id)
            return true;
    return false;
}

static void add_variants(struct cli *a, const char *list)
{
    struct strvec sv = {0};
    strvec_split(&sv, list, ',');
    a->variants =
        xrealloc(a->variants, (a->nr_variants + sv.nr + 1) * sizeof(char *));
    for (size_t i = 0; i < sv.nr; i++)
        a->variants[a->nr_variants++] = sv.v[i];
    free(sv.v);
}

/* Option id with its value (NULL for a flag) into a. 0, or -1 after an
 * error. */
static int take_option(struct cli *a, enum opt_id id, char *value)
{
    switch (id) {
    case OPT_DETECTORS:
        a->detectors = value;
        break;
    case OPT_VARIANT:
        add_variants(a, value);
        break;
    case OPT_RUNS:
        return opt_int("--runs", value, 1, &a->runs);
    case OPT_EXPECT:
        a->expect = value;
        break;
    case OPT_JOBS:
        return opt_int("-j", value, 1, &a->jobs);
    case OPT_TIMEOUT:
        return opt_seconds("--timeout", value, &a->timeout);
    case OPT_OUT:
        a->out = value;
        break;
    case OPT_JSON:
        a->json = true;
        break;
    case OPT_FORMAT:
        a->format = value;
        break;
    case OPT_NO_COLOR:
        a->no_color = true;
        break;
    case OPT_NATURAL:
        a->natural = true;
        break;
    case OPT_CASES:
        a->cases = value;
        break;
    case OPT_SHARD:
        a->shard = value;
        break;
    case OPT_BUILD:
        a->build = value;
        break;
    case OPT_BENCH_STATS:
        a->bench_stats = true;
        break;
    case OPT_ALL_FRAMES:
        a->all_frames = true;
        break;
    case OPT_FULL:
        a->full = true;
        break;
    case OPT_FROM:
        a->from = xrealloc(a->from, (a->nr_from + 1) * sizeof(char *));
        a->from[a->nr_from++] = value;
        break;
    case OPT_ARTICLE:
        a->article = value;
        break;
    case OPT_ARCH:
        a->arch = value;
        break;
    case OPT_NO_GO:
        a->no_go = true;
        break;
    case OPT_MODEL:
        a->model = value;
        break;
    case OPT_HELP:
        a->help = true;
        break;
    case OPT_COUNT:
        break;
    }
    return 0;
}

enum { LONG_BASE = 256 }; /* getopt_long's value of a long option: + id */

enum parse_result parse_options(int argc, char **argv,
                                const struct verb_spec *v, struct cli *a)
{
    struct option longs[OPT_COUNT + 1];
    char shorts[2 * OPT_COUNT + 2], *sp = shorts;
    memset(a, 0, sizeof(*a));
    a->verb = v->name;
    a->runs = 1;
    a->timeout = 60;
    *sp++ = ':'; /* ':' for a missing value, '?' for an unknown option */
    for (int i = 0; i < OPT_COUNT; i++) {
        const struct opt_row *r = &opt_rows[i];
        longs[i] = (struct option){r->long_name,
                                   r->arg ? required_argument : no_argument,
                                   NULL, LONG_BASE + i};
        if (r->short_name) {
            *sp++ = r->short_name;
            if (r->arg)
                *sp++ = ':';
        }
    }
    longs[OPT_COUNT] = (struct option){NULL, 0, NULL, 0};
    *sp = '\0';
    optind = 0; /* GNU getopt: start again, from argv[1] */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        if (c == ':') {
            error("option %s needs a value", argv[optind - 1]);
            return PARSE_ERROR;
        }
        if (c == '?') {
            if (optopt > 0 && optopt < LONG_BASE)
                error("unknown option -%c (see maprace %s --help)", optopt,
                      v->name);
            else if (optopt >= LONG_BASE && optopt < LONG_BASE + OPT_COUNT)
                error("option --%s takes no value",
                      opt_rows[optopt - LONG_BASE].long_name);
            else
                error("unknown option %s (see maprace %s --help)",
                      argv[optind - 1], v->name);
            return PARSE_ERROR;
        }
        int id = c - LONG_BASE;
        for (int i = 0; c < LONG_BASE && i < OPT_COUNT; i++)
            if (opt_rows[i].short_name == c)
                id = i;
        if (id < 0 || id >= OPT_COUNT)
            continue; /* cannot happen: getopt returns what we gave it */
        if (!verb_accepts(v, id)) {
            if (c < LONG_BASE)
                error("option -%c does not apply to %s (see maprace %s "
                      "--help)",
                      c, v->name, v->name);
            else
                error("option --%s does not apply to %s (see maprace %s "
                      "--help)",
                      opt_rows[id].long_name, v->name, v->name);
            return PARSE_ERROR;
        }
        a->given[id] = true;
        if (take_option(a, id, optarg) < 0)
            return PARSE_ERROR;
    }
    a->pos = argv + optind;
    a->nr_pos = (size_t)(argc - optind);
    if (a->help) {
        verb_help(stdout, v);
        return PARSE_HELP;
    }
    return PARSE_OK;
}

int parse_exit(enum parse_result r)
{
    return r == PARSE_HELP ? EXIT_OK : EXIT_USAGE;
}

void cli_release(struct cli *a)
{
    for (size_t i = 0; i < a->nr_variants; i++)
        free(a->variants[i]);
    free(a->variants);
    free(a->from);
    a->variants = NULL;
    a->from = NULL;
    a->nr_variants = a->nr_from = 0;
}

bool cli_color(const struct cli *a)
{
    const char *nc = getenv("NO_COLOR");
    return !a->no_color && !(nc && *nc) && isatty(1);
}

/* --detectors into o: parsed, or none: the default set. 0, or -1 after
 * an error. */
static int parse_detectors(const struct cli *a, struct run_opts *o)
{
    if (!a->detectors) {
        for (int d = 0; d < DET_COUNT; d++)
            o->detectors[d] = !detector_row(d)->not_default;
        o->detectors_default = true;
        return 0;
    }
    return detector_list_option(a->detectors, o->detectors);
}

/* --shard and --format into o. 0, or -1 after an error. */
static int parse_lists(const struct cli *a, struct run_opts *o)
{
    char *bad;
    if (a->shard && shard_parse(a->shard, &o->shard, &bad) < 0) {
        error("%s", bad);
        free(bad);
        return -1;
    }
    o->formats = FORMAT_ALL;
    if (a->format && report_formats_option(a->format, &o->formats) < 0)
        return -1;
    report_opts_set(o, o->formats);
    return 0;
}

/* RUN_OUTPUT_CAP, or $MAPRACE_OUTPUT_CAP. 0, or -1 after an error. */
static int output_cap(size_t *cap)
{
    *cap = RUN_OUTPUT_CAP;
    const char *env = getenv("MAPRACE_OUTPUT_CAP");
    if (!env || !*env)
        return 0;
    char *end;
    unsigned long long v = strtoull(env, &end, 10);
    if (*end || !v)
        return error("bad MAPRACE_OUTPUT_CAP '%s' (want bytes > 0)", env);
    *cap = (size_t)v;
    return 0;
}

int cli_run_opts(const struct cli *a, const char *root, struct run_opts *o)
{
    if (parse_lists(a, o) < 0 || parse_detectors(a, o) < 0 ||
        output_cap(&o->output_cap) < 0)
        return -1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->variants = a->variants;
    o->nr_variants = a->nr_variants;
    o->runs = a->runs;
    o->jobs = a->jobs ? a->jobs : (cores > 0 ? (int)cores : 1);
    o->timeout = a->timeout;
    o->out = a->out ? path_absolute(a->out) : path_join(root, "reports");
    o->root = root;
    o->build = a->build ? a->build : "build";
    o->json = a->json;
    o->color = cli_color(a);
    o->progress_tty = isatty(2) && !getenv("MAPRACE_NO_PROGRESS");
    o->natural = a->natural;
    o->bench_stats = a->bench_stats;
    return 0;
}
