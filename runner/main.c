/*
 * main.c - the maprace command: the table of verbs and the dispatch.
 *
 * Each verb is a cmd_*() function of cmd/builtin.h, in the file of cmd/
 * named after it, which owns its usage and its options (cmd/options.h).
 * `maprace --help` lists the verbs of commands[] below; `maprace VERB
 * --help` (or `maprace help VERB`) describes one. The exit codes are
 * lib/exit.h's.
 */
#include "cmd/builtin.h"
#include "lib/exit.h"
#include "lib/util.h"

#include <stdio.h>
#include <string.h>

static const struct cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary; /* for `maprace --help`, one line or two */
} commands[] = {
    {"list", cmd_list, "the cases, their Go pattern and article section"},
    {"run", cmd_run, "build and run cases under detectors; print the matrix"},
    {"check", cmd_check,
     "run, then exit 1 unless every cell is as expected (CI)"},
    {"merge", cmd_merge, "join the reports of the shards of one matrix (CI)"},
    {"show", cmd_show, "the annotated races of the last run of a case"},
    {"explain", cmd_explain, "a case's README in the terminal"},
    {"doctor", cmd_doctor,
     "which detectors work here; TSan on this kernel; versions"},
    {"rates", cmd_rates, "how often each detector catches each race unforced"},
    {"try", cmd_try,
     "your own program (FILE.c...) under every detector, no\n"
     "case.ini needed"},
    {"asm", cmd_asm,
     "the machine code of a case's racing accesses (x86-64, arm64)"},
    {"fidelity", cmd_fidelity,
     "the model against the real Go, variant by "
     "variant"},
    {"grade", cmd_grade,
     "grade an answer to an exercise (exercises/README.md)"},
};

enum { NR_COMMANDS = sizeof(commands) / sizeof(commands[0]) };

static const char usage_head[] =
    "usage: maprace [--help] <verb> [options] [CASE...]\n"
    "       maprace help <verb>\n"
    "\n"
    "Teach data races through Go map misuse: run each case of cases/ under\n"
    "ThreadSanitizer (clang, gcc), Helgrind, DRD and natively, and compare\n"
    "what each detector saw with what the case's case.ini expects.\n"
    "\n"
    "verbs:\n";

static const char usage_tail[] =
    "\n"
    "`maprace <verb> --help` describes each verb and its options; an option\n"
    "of another verb is refused.\n"
    "\n"
    "The repository is found by walking up from the current folder to one\n"
    "with cases/ and a Makefile, or from $MAPRACE_ROOT.\n"
    "\n"
    "exit codes:\n"
    "  0    all as expected\n"
    "  1    not as expected (check, merge, try --expect, grade, show)\n"
    "  2    usage or catalog error (case.ini, unknown case or option)\n"
    "  3    environment: a required tool is missing (make, valgrind...)\n"
    "  130  interrupted: children stopped, report written as incomplete\n";

static void usage(FILE *fp)
{
    fputs(usage_head, fp);
    for (size_t i = 0; i < NR_COMMANDS; i++) {
        const char *s = commands[i].summary;
        fprintf(fp, "  %-9s ", commands[i].name);
        for (size_t n; *s; s += n + (s[n] == '\n')) {
            n = strcspn(s, "\n");
            fprintf(fp, "%s%.*s\n",
                    s == commands[i].summary ? "" : "            ", (int)n, s);
        }
    }
    fputs(usage_tail, fp);
}

static const struct cmd *find_command(const char *name)
{
    for (size_t i = 0; i < NR_COMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

/* `maprace help [VERB]`: the usage, or the verb's --help. */
static int help(int argc, char **argv)
{
    if (argc < 2) {
        usage(stdout);
        return EXIT_OK;
    }
    const struct cmd *c = find_command(argv[1]);
    if (!c || argc > 2) {
        error("help: want one verb (see maprace --help), not '%s'",
              argv[argc > 2 ? 2 : 1]);
        return EXIT_USAGE;
    }
    static char help_opt[] = "--help";
    char *args[] = {argv[1], help_opt, NULL};
    return c->fn(2, args);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *verb = argv[1];
    if (!strcmp(verb, "-h") || !strcmp(verb, "--help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(verb, "help"))
        return help(argc - 1, argv + 1);
    if (verb[0] == '-') {
        error("unknown option %s (options go after the verb: maprace "
              "<verb> [options]; see maprace --help)",
              verb);
        return EXIT_USAGE;
    }
    const struct cmd *c = find_command(verb);
    if (!c) {
        error("unknown verb '%s' (see maprace --help)", verb);
        return EXIT_USAGE;
    }
    return c->fn(argc - 1, argv + 1);
}
