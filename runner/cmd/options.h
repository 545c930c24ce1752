/*
 * options.h - the one options parser of every verb (cmd/builtin.h).
 *
 * Every option any verb takes is a row of one table (options.c), named by
 * an opt_id; its value lands in a field of struct cli. A verb declares the
 * options it accepts as a table of verb_option (the option, and its help
 * line for that verb), in a verb_spec that also holds its synopsis, what
 * it does and what follows the options (files, exit codes). Then
 *
 *	enum parse_result pr = parse_options(argc, argv, &run_spec, &a);
 *	if (pr != PARSE_OK)
 *		return parse_exit(pr);
 *
 * parses argv (argv[0] is the verb) with getopt_long, options and
 * arguments in any order ("--" ends the options): an option of another
 * verb is refused ("option --arch does not apply to run"), as is an
 * unknown one, each with one line on stderr and EXIT_USAGE; `-h` or
 * `--help` prints the verb's help, generated from its spec, on stdout.
 *
 * To give a verb a new option: a row in options.c's table (and an opt_id
 * and a field here when it is new), a line in the verb's table; the help
 * follows.
 */
#ifndef MAPRACE_CMD_OPTIONS_H
#define MAPRACE_CMD_OPTIONS_H

#include "engine/session.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum opt_id {
    OPT_DETECTORS,
    OPT_VARIANT,
    OPT_RUNS,
    OPT_EXPECT,
    OPT_JOBS,
    OPT_TIMEOUT,
    OPT_OUT,
    OPT_JSON,
    OPT_FORMAT,
    OPT_NO_COLOR,
    OPT_NATURAL,
    OPT_CASES,
    OPT_SHARD,
    OPT_BUILD,
    OPT_BENCH_STATS,
    OPT_ALL_FRAMES,
    OPT_FULL,
    OPT_FROM,
    OPT_ARTICLE,
    OPT_ARCH,
    OPT_NO_GO,
    OPT_MODEL,
    OPT_HELP, /* every verb's; never listed in a verb's table */
    OPT_COUNT
};

/* What the command line said. Fields of options not given keep their
 * defaults (runs 1, timeout 60 s, NULL, false). */
struct cli {
    const char *verb;
    char **pos; /* the arguments that are not options, in order */
    size_t nr_pos;
    const char *detectors; /* -d, as given */
    char **variants;       /* --variant, split at commas (malloc'd) */
    size_t nr_variants;
    int runs, jobs; /* jobs 0: the number of cores */
    double timeout;
    const char *out, *cases, *build, *format, *shard, *expect;
    const char *article, *arch, *model;
    char **from; /* rates --from, repeatable (malloc'd array) */
    size_t nr_from;
    bool json, no_color, natural, bench_stats, all_frames, full, no_go, help;
    bool given[OPT_COUNT]; /* which options the command line named */
};

/* An option a verb accepts, and its help for that verb (NULL: the
 * option's usual help, options.c). */
struct verb_option {
    enum opt_id id;
    const char *help;
};

struct verb_spec {
    const char *name;
    /* "usage: maprace run [options] [CASE...]\n", more lines for other
     * forms */
    const char *synopsis;
    const char *what; /* what the verb does, one or more paragraphs */
    const struct verb_option *options; /* ended by {OPT_COUNT, NULL} */
    const char *more; /* after the options (files, exit codes), or NULL */
};

enum parse_result {
    PARSE_OK,    /* go on */
    PARSE_HELP,  /* the help was printed: exit EXIT_OK */
    PARSE_ERROR, /* one line said why: exit EXIT_USAGE */
};

/* Parse argv (argv[0]: the verb) into a, for verb v. Call cli_release()
 * afterwards, whatever it returns. */
enum parse_result parse_options(int argc, char **argv,
                                const struct verb_spec *v, struct cli *a);

/* The exit code of a parse that did not return PARSE_OK. */
int parse_exit(enum parse_result r);

/* Free what parse_options() allocated in a. */
void cli_release(struct cli *a);

/* Write v's help: synopsis, what, the options (each with its help,
 * wrapped), then `more`. */
void verb_help(FILE *fp, const struct verb_spec *v);

/* Whether v's table has option id. */
bool verb_accepts(const struct verb_spec *v, enum opt_id id);

/* Colour on stdout: no --no-color, no $NO_COLOR, stdout a terminal. */
bool cli_color(const struct cli *a);

/* The options shared by the verbs that run a session (run, check,
 * fidelity, rates, try, grade) and the environment, assembled once into
 * o: -d (parsed; none: every detector but the not_default ones, and
 * detectors_default), --variant, --runs, -j (none: the number of cores),
 * --timeout, --out (absolute, malloc'd; none: <root>/reports), --build
 * (none: "build"), --format (none: all), --shard, --json, --natural,
 * --bench-stats, the colour (cli_color), the progress line (stderr a
 * terminal, no $MAPRACE_NO_PROGRESS) and the output cap
 * ($MAPRACE_OUTPUT_CAP, else RUN_OUTPUT_CAP). Sets o->root to root;
 * leaves the cases, cases_dir and check to the verb.
 * 0, or -1 after saying why (a usage error). Free o->out afterwards. */
int cli_run_opts(const struct cli *a, const char *root, struct run_opts *o);

#endif
