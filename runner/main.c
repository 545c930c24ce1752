/*
 * main.c - the maprace command: options, the repository, and the verbs
 * (list, run, check, merge, show, explain, doctor, asm), each documented
 * by --help.
 *
 * Exit codes: 0 all as expected; 1 some cell not as expected (check);
 * 2 usage or catalog error; 3 environment (a required tool missing);
 * 130 interrupted (the report is written, marked incomplete).
 */
#include "engine/article.h"
#include "engine/catalog.h"
#include "cmd/rates.h"
#include "cmd/try.h"
#include "cmd/asm.h"
#include "cmd/merge.h"
#include "cmd/grade.h"
#include "engine/detectors.h"
#include "cmd/fidelity.h"
#include "cmd/doctor.h"
#include "report/common.h"
#include "engine/run.h"
#include "cmd/show.h"
#include "cmd/usage.h"
#include "lib/text.h"
#include "lib/util.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define EXIT_ENV 3

static const char usage_main[] =
    "usage: maprace [--help] <verb> [options] [CASE...]\n"
    "\n"
    "Teach data races through Go map misuse: run each case of cases/ under\n"
    "ThreadSanitizer (clang, gcc), Helgrind, DRD and natively, and compare\n"
    "what each detector saw with what the case's case.ini expects.\n"
    "\n"
    "verbs:\n"
    "  list      the cases, their Go pattern and article section\n"
    "  run       build and run cases under detectors; print the matrix\n"
    "  check     run, then exit 1 unless every cell is as expected (CI)\n"
    "  merge     join the reports of the shards of one matrix (CI)\n"
    "  show      the annotated races of the last run of a case\n"
    "  explain   a case's README in the terminal\n"
    "  doctor    which detectors work here; TSan on this kernel; versions\n"
    "  rates     how often each detector catches each race unforced\n"
    "  try       your own program (FILE.c...) under every detector, no\n"
    "            case.ini needed\n"
    "  asm       the machine code of a case's racing accesses (x86-64, arm64)\n"
    "  fidelity  the model against the real Go, variant by variant\n"
    "  grade     grade an answer to an exercise (exercises/README.md)\n"
    "\n"
    "`maprace <verb> --help` describes each verb and its options.\n"
    "\n"
    "The repository is found by walking up from the current folder to one\n"
    "with cases/ and a Makefile, or from $MAPRACE_ROOT.\n"
    "\n"
    "exit codes:\n"
    "  0    all as expected\n"
    "  1    some cell not as expected (check only)\n"
    "  2    usage or catalog error (case.ini, unknown case or option)\n"
    "  3    environment: a required tool is missing (make, valgrind...)\n"
    "  130  interrupted: children stopped, report written as incomplete\n";

static const char usage_run[] =
    "usage: maprace %s [options] [CASE...]\n"
    "\n"
    "%s"
    "\n"
    "options:\n"
    "  -d, --detectors LIST  comma-separated, of @detectors@\n"
    "                        or all\n"
    "                        (default: @detectors-default@;\n"
    "                        a Go not installed is then left out with a note)\n"
    "      --variant NAME    only this variant (racy, fixed...); repeatable,\n"
    "                        or comma-separated\n"
    "      --runs N          runs per cell (default 1); detection rate per "
    "cell\n"
    "  -j, --jobs N          parallel runs (default: the number of cores)\n"
    "      --timeout S       seconds per run before its process group is\n"
    "                        killed (default 60; case.ini's timeout wins)\n"
    "      --out DIR         reports folder (default <root>/reports)\n"
    "      --json            print results.json on stdout, not the matrix\n"
    "      --format LIST     report files to write: @formats@, all\n"
    "                        or none (default all)\n"
    "      --no-color        no colour (also when NO_COLOR is set or stdout\n"
    "                        is not a terminal)\n"
    "      --natural         do not force the race windows (MAPRACE_FORCE)\n"
    "      --cases DIR       another catalog than <root>/cases (tests)\n"
    "      --shard K/N       only the K-th of N slices of the cells (CI;\n"
    "                        maprace merge joins them, docs/ci.md)\n"
    "      --build DIR       build folder, relative to the root (default\n"
    "                        build)\n"
    "      --bench-stats     print the runner's overhead on stderr: wall time\n"
    "                        of the runs against the children's CPU / cores\n"
    "  -h, --help            this help\n"
    "\n"
    "Writes <out>/<run-id>/{results.json,summary.txt,raw/}, the --format\n"
    "files (@format-files@) and points\n"
    "<out>/latest at it (docs/report-format.md).\n"
    "\n"
    "exit codes: 0 %s; 2 usage or catalog error; 3 a required tool missing\n"
    "(its cells are errors); 130 interrupted.\n";

static const char run_what[] =
    "Build every selected case variant (through the Makefile) and run it\n"
    "under every selected detector, --runs times; print the matrix of\n"
    "verdicts against case.ini.\n";
static const char check_what[] =
    "Same as run, for CI: the exit code says whether every cell is as\n"
    "case.ini expects (pass, known miss, known false positive).\n";

static const char usage_fidelity[] =
    "usage: maprace fidelity [options] [CASE...]\n"
    "\n"
    "The C models against the real Go, each against the Go whose map it\n"
    "models: the hmap model (native) against the hmap Go (go-hmap-race,\n"
    "go-hmap: Go 1.19), the Swiss-table model (native-swiss) against the\n"
    "current Go (go-race, go: Go >= 1.24). For each pairing the selected\n"
    "cases' Go twins under the race detector (20 runs) and Go's runtime\n"
    "(100 runs, natural), the model forced and unforced (100 runs each);\n"
    "then a Markdown table per pairing on stdout: per variant, what each\n"
    "showed and how often, and whether model and Go agree on what happens\n"
    "(docs/fidelity.md). Each of the eight runs writes its report to\n"
    "<out>/<run-id>/ as `run` does.\n"
    "\n"
    "options:\n"
    "      --runs N          every run count N instead of 20/100\n"
    "      --variant, -j, --timeout, --out, --cases, --build: as for run\n"
    "  -h, --help            this help\n"
    "\n"
    "exit codes: 0 measured; 2 usage or catalog error; 3 a required tool\n"
    "missing (its cells are errors); 130 interrupted.\n";

static const char usage_list[] =
    "usage: maprace list [--json] [--article SECTION] [--cases DIR] [CASE...]\n"
    "\n"
    "List the cases: name, family, variants, the Go code each stands for\n"
    "and the sections of the article it serves (the article's numbering:\n"
    "1, 2.1-2.5, 3.1-3.3, 4.1-4.4, 5; docs/article.md). The catalog is\n"
    "validated: a bad case.ini is reported with its file and line (exit 2).\n"
    "\n"
    "options:\n"
    "      --json        the catalog as JSON on stdout\n"
    "      --article S   only the cases that serve section S (e.g. 3.1)\n"
    "      --cases DIR   another catalog than <root>/cases\n"
    "  -h, --help        this help\n";

static const char usage_doctor[] =
    "usage: maprace doctor [--json] [--no-color]\n"
    "       maprace doctor go current|hmap\n"
    "\n"
    "Say which detectors are usable here, whether ThreadSanitizer works on\n"
    "this kernel (and whether it needs setarch -R), the two Go toolchains\n"
    "(the current Go, >= 1.24, Swiss tables: @detectors-go-current@;\n"
    "the hmap Go, <= 1.23: @detectors-go-hmap@; chosen by name, never by\n"
    "PATH order; MAPRACE_GO and MAPRACE_GO_HMAP override, =none switches\n"
    "one off), and the versions of the tools and libraries maprace uses.\n"
    "`doctor go KIND` prints the path of that Go only (for scripts).\n"
    "\n"
    "exit codes: 0 every detector usable (doctor go: the Go found); 3 some\n"
    "are not.\n";

static const char usage_show[] =
    "usage: maprace show [--out DIR] [--all-frames] [--no-color] "
    "CASE[/VARIANT]...\n"
    "\n"
    "Print the races of the last run (<out>/latest/results.json) of each\n"
    "case or case variant: the two racing lines with their source, the\n"
    "case's why, then what each detector said, frame by frame, each model\n"
    "frame with its Go counterpart.\n"
    "\n"
    "options:\n"
    "      --out DIR      reports folder (default <root>/reports)\n"
    "      --all-frames   also the frames of libc, the runtimes and\n"
    "                     window.c (folded by default)\n"
    "      --no-color     no colour (also when NO_COLOR is set or stdout is\n"
    "                     not a terminal)\n"
    "\n"
    "exit codes: 0 races shown; 1 the last run has no race for one of them;\n"
    "2 not in the last run, or no last run.\n";

static const char usage_merge[] =
    "usage: maprace merge [--out DIR] [--format LIST] [--json] [--no-color]\n"
    "                     DIR...\n"
    "\n"
    "Join the reports of the shards of one matrix (`maprace check --shard\n"
    "K/N` on N machines) into one report, as if one machine had run every\n"
    "cell. Each DIR is a shard's report folder, or a reports folder (its\n"
    "latest is taken). Shards 1/N..N/N of one selection, each once, every\n"
    "cell once: otherwise nothing is written (docs/ci.md).\n"
    "\n"
    "options:\n"
    "      --out DIR       reports folder (default <root>/reports)\n"
    "      --format LIST   report files: @formats@, all or none\n"
    "      --json          print the merged results.json, not the matrix\n"
    "\n"
    "exit codes: 0 every cell as expected (shards of run: merged); 1 some\n"
    "cell not as expected, or a shard interrupted; 2 a shard missing,\n"
    "doubled or of another matrix; 3 the report could not be written.\n";

static const char usage_explain[] =
    "usage: maprace explain [--cases DIR] [--no-color] CASE...\n"
    "\n"
    "Print a case's README.md as plain text: the Go original, what goes\n"
    "wrong in memory, what each detector says, the fix, an exercise.\n";

enum opt_id {
    OPT_VARIANT = 256,
    OPT_RUNS,
    OPT_TIMEOUT,
    OPT_OUT,
    OPT_JSON,
    OPT_NO_COLOR,
    OPT_NATURAL,
    OPT_CASES,
    OPT_BUILD,
    OPT_BENCH_STATS,
    OPT_FORMAT,
    OPT_ALL_FRAMES,
    OPT_FROM,
    OPT_SHARD,
    OPT_ARTICLE,
    OPT_ARCH,
    OPT_NO_GO,
    OPT_MODEL,
};

static const struct option long_opts[] = {
    {"detectors", required_argument, NULL, 'd'},
    {"variant", required_argument, NULL, OPT_VARIANT},
    {"runs", required_argument, NULL, OPT_RUNS},
    {"jobs", required_argument, NULL, 'j'},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"out", required_argument, NULL, OPT_OUT},
    {"json", no_argument, NULL, OPT_JSON},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"natural", no_argument, NULL, OPT_NATURAL},
    {"cases", required_argument, NULL, OPT_CASES},
    {"build", required_argument, NULL, OPT_BUILD},
    {"bench-stats", no_argument, NULL, OPT_BENCH_STATS},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"all-frames", no_argument, NULL, OPT_ALL_FRAMES},
    {"from", required_argument, NULL, OPT_FROM},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"article", required_argument, NULL, OPT_ARTICLE},
    {"arch", required_argument, NULL, OPT_ARCH},
    {"no-go", no_argument, NULL, OPT_NO_GO},
    {"model", required_argument, NULL, OPT_MODEL},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct args {
    const char *verb;
    char **pos; /* positional arguments after the verb */
    size_t nr_pos;
    const char *detectors;
    char **variants;
    size_t nr_variants;
    int runs, jobs;
    double timeout;
    const char *out, *cases, *build;
    bool json, no_color, natural, help, bench_stats, all_frames, no_go;
    const char *article, *arch, *model;
    char **from; /* rates --from, repeatable */
    size_t nr_from;
    const char *format, *shard;
    const char *used[16]; /* options given, for "does not apply" */
    size_t nr_used;
};

static void add_variants(struct args *a, const char *list)
{
    struct strvec sv = {0};
    strvec_split(&sv, list, ',');
    a->variants =
        xrealloc(a->variants, (a->nr_variants + sv.nr + 1) * sizeof(char *));
    for (size_t i = 0; i < sv.nr; i++)
        a->variants[a->nr_variants++] = sv.v[i];
    free(sv.v);
}

static void note_used(struct args *a, const char *name)
{
    if (a->nr_used < sizeof(a->used) / sizeof(a->used[0]))
        a->used[a->nr_used++] = name;
}

/* The options of list and asm (--article, --arch, --no-go, --model):
 * whether c was one. */
static bool take_list_asm_option(struct args *a, int c)
{
    switch (c) {
    case OPT_ARTICLE:
        a->article = optarg;
        note_used(a, "--article");
        return true;
    case OPT_ARCH:
        a->arch = optarg;
        note_used(a, "--arch");
        return true;
    case OPT_NO_GO:
        a->no_go = true;
        note_used(a, "--no-go");
        return true;
    case OPT_MODEL:
        a->model = optarg;
        note_used(a, "--model");
        return true;
    }
    return false;
}

/* One option of getopt_long (c) into a. 0, or -1 after an error. */
static int take_option(struct args *a, int c, char **argv)
{
    if (take_list_asm_option(a, c))
        return 0;
    switch (c) {
    case 'd':
        a->detectors = optarg;
        note_used(a, "--detectors");
        break;
    case OPT_VARIANT:
        add_variants(a, optarg);
        note_used(a, "--variant");
        break;
    case OPT_RUNS:
        if (opt_int("--runs", optarg, 1, &a->runs) < 0)
            return -1;
        note_used(a, "--runs");
        break;
    case 'j':
        if (opt_int("-j", optarg, 1, &a->jobs) < 0)
            return -1;
        note_used(a, "-j");
        break;
    case OPT_TIMEOUT:
        if (opt_seconds("--timeout", optarg, &a->timeout) < 0)
            return -1;
        note_used(a, "--timeout");
        break;
    case OPT_OUT:
        a->out = optarg;
        note_used(a, "--out");
        break;
    case OPT_JSON:
        a->json = true;
        break;
    case OPT_NO_COLOR:
        a->no_color = true;
        break;
    case OPT_NATURAL:
        a->natural = true;
        note_used(a, "--natural");
        break;
    case OPT_CASES:
        a->cases = optarg;
        note_used(a, "--cases");
        break;
    case OPT_BUILD:
        a->build = optarg;
        note_used(a, "--build");
        break;
    case OPT_FORMAT:
        a->format = optarg;
        note_used(a, "--format");
        break;
    case OPT_FROM:
        a->from = xrealloc(a->from, (a->nr_from + 1) * sizeof(char *));
        a->from[a->nr_from++] = optarg;
        note_used(a, "--from");
        break;
    case OPT_SHARD:
        a->shard = optarg;
        note_used(a, "--shard");
        break;
    case OPT_ALL_FRAMES:
        a->all_frames = true;
        note_used(a, "--all-frames");
        break;
    case OPT_BENCH_STATS:
        a->bench_stats = true;
        note_used(a, "--bench-stats");
        break;
    case 'h':
        a->help = true;
        break;
    case ':':
        return error("option %s needs a value", argv[optind - 1]);
    default:
        if (optopt)
            return error("unknown option -%c (see maprace --help)", optopt);
        return error("unknown option %s (see maprace --help)",
                     argv[optind - 1]);
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct args *a)
{
    memset(a, 0, sizeof(*a));
    a->runs = 1;
    a->timeout = 60;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:j:h", long_opts, NULL)) != -1)
        if (take_option(a, c, argv) < 0)
            return -1;
    if (optind < argc)
        a->verb = argv[optind++];
    a->pos = argv + optind;
    a->nr_pos = (size_t)(argc - optind);
    return 0;
}

/* Whether a folder from the cwd up holds cases/ and a Makefile (quiet). */
static bool repository_above_cwd(void)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd)))
        return false;
    for (;;) {
        char *cases = path_join(cwd, "cases");
        char *mk = path_join(cwd, "Makefile");
        struct stat st1, st2;
        bool ok = !stat(cases, &st1) && S_ISDIR(st1.st_mode) &&
                  !stat(mk, &st2) && S_ISREG(st2.st_mode);
        free(cases);
        free(mk);
        if (ok)
            return true;
        char *slash = strrchr(cwd, '/');
        if (!slash || slash == cwd)
            return false;
        *slash = '\0';
    }
}

/* The repository: $MAPRACE_ROOT, or the first folder from the cwd up with
 * cases/ and a Makefile. Malloc'd absolute path, or NULL. */
static char *find_root(void)
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
    for (;;) {
        char *cases = path_join(cwd, "cases");
        char *mk = path_join(cwd, "Makefile");
        struct stat st1, st2;
        bool ok = !stat(cases, &st1) && S_ISDIR(st1.st_mode) &&
                  !stat(mk, &st2) && S_ISREG(st2.st_mode);
        free(cases);
        free(mk);
        if (ok)
            return xstrdup(cwd);
        char *slash = strrchr(cwd, '/');
        if (!slash || slash == cwd)
            break;
        *slash = '\0';
    }
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

static bool want_color(const struct args *a)
{
    const char *nc = getenv("NO_COLOR");
    return !a->no_color && !(nc && *nc) && isatty(1);
}

static int only_options(const struct args *a, const char *verb,
                        const char *const *allowed)
{
    for (size_t i = 0; i < a->nr_used; i++) {
        bool ok = false;
        for (size_t k = 0; allowed[k] && !ok; k++)
            ok = !strcmp(allowed[k], a->used[i]);
        if (!ok)
            return error(
                "option %s does not apply to %s (see maprace %s --help)",
                a->used[i], verb, verb);
    }
    return 0;
}

static int load_catalog(const char *root, const struct args *a,
                        struct catalog *cat, char **abs_dir)
{
    char *dir = a->cases ? path_absolute(a->cases) : path_join(root, "cases");
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

/* Whether case c is asked for: named (or no name given), and serving
 * section `article` of the article (when given). */
static bool listed(const struct mcase *c, char **names, size_t n,
                   const char *article)
{
    bool want = !n;
    for (size_t k = 0; k < n && !want; k++)
        want = !strcmp(names[k], c->name);
    return want && (!article || article_names(c->article, article));
}

static void list_text(const struct catalog *cat, char **names, size_t n,
                      const char *article)
{
    size_t shown = 0;
    /* case.ini's text reaches the terminal shown, never sent */
    struct clean_stream cs;
    clean_stream_open(&cs, stdout, false);
    for (size_t i = 0; i < cat->nr; i++) {
        const struct mcase *c = &cat->cases[i];
        if (!listed(c, names, n, article))
            continue;
        shown++;
        fprintf(cs.fp, "%s  [%s]  %s\n", c->name, c->family, c->title);
        fprintf(cs.fp, "    go:       %s\n", c->go);
        fprintf(cs.fp, "    article:  %s\n", c->article);
        fprintf(cs.fp, "    variants:");
        for (size_t v = 0; v < c->nr_variants; v++)
            fprintf(cs.fp, " %s", c->variants[v].name);
        fprintf(cs.fp, "\n");
    }
    if (article && !shown)
        fprintf(cs.fp,
                "no case serves section %s of the article (docs/article.md "
                "says why)\n",
                article);
    clean_stream_close(&cs);
}

static json_t *list_json(const struct catalog *cat, char **names, size_t n,
                         const char *article)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < cat->nr; i++) {
        const struct mcase *c = &cat->cases[i];
        if (!listed(c, names, n, article))
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "name", json_text(c->name));
        json_object_set_new(o, "title", json_text(c->title));
        json_object_set_new(o, "go", json_text(c->go));
        json_object_set_new(o, "article", json_text(c->article));
        json_object_set_new(o, "family", json_text(c->family));
        json_object_set_new(o, "why", json_text(c->why));
        json_t *vars = json_array();
        for (size_t v = 0; v < c->nr_variants; v++) {
            const struct variant *va = &c->variants[v];
            json_t *vo = json_object();
            json_object_set_new(vo, "name", json_text(va->name));
            json_object_set_new(vo, "source", json_text(va->source));
            json_object_set_new(vo, "title",
                                va->title ? json_text(va->title) : json_null());
            json_t *ex = json_object();
            for (int d = 0; d < DET_COUNT; d++)
                json_object_set_new(ex, detector_name(d),
                                    json_text(va->expect[d].text));
            json_object_set_new(vo, "expect", ex);
            json_t *mk = json_array();
            for (size_t m = 0; m < va->markers.nr; m++) {
                json_t *mo = json_object();
                json_object_set_new(mo, "line",
                                    json_integer(va->markers.items[m].line));
                json_object_set_new(mo, "text",
                                    json_text(va->markers.items[m].text));
                json_array_append_new(mk, mo);
            }
            json_object_set_new(vo, "markers", mk);
            json_array_append_new(vars, vo);
        }
        json_object_set_new(o, "variants", vars);
        json_array_append_new(arr, o);
    }
    return arr;
}

static int cmd_list(const struct args *a)
{
    static const char *const allowed[] = {"--cases", "--article", NULL};
    if (a->help) {
        fputs(usage_list, stdout);
        return 0;
    }
    if (only_options(a, "list", allowed) < 0)
        return EXIT_USAGE;
    if (a->article && !article_section(a->article)) {
        error("unknown article section '%s' (want 1, 2.1-2.5, 3.1-3.3, "
              "4.1-4.4 or 5: the article's own numbering, docs/article.md)",
              a->article);
        return EXIT_USAGE;
    }
    char *root = find_root();
    if (!root)
        return EXIT_USAGE;
    struct catalog cat;
    char *dir;
    if (load_catalog(root, a, &cat, &dir) < 0) {
        free(root);
        return EXIT_USAGE;
    }
    int rc = 0;
    for (size_t k = 0; k < a->nr_pos; k++)
        if (!catalog_find(&cat, a->pos[k])) {
            error("unknown case '%s'", a->pos[k]);
            rc = EXIT_USAGE;
        }
    if (!rc) {
        if (a->json) {
            json_t *arr = list_json(&cat, a->pos, a->nr_pos, a->article);
            json_dumpf(arr, stdout, JSON_INDENT(2));
            fputc('\n', stdout);
            json_decref(arr);
        } else {
            list_text(&cat, a->pos, a->nr_pos, a->article);
        }
    }
    catalog_release(&cat);
    free(dir);
    free(root);
    return rc;
}

/* --format and --detectors into o. 0, or -1 after an error. */
static int parse_lists(const struct args *a, struct run_opts *o)
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
    if (!a->detectors) {
        for (int d = 0; d < DET_COUNT; d++)
            o->detectors[d] = !detector_row(d)->not_default;
        o->detectors_default = true;
        return 0;
    }
    return detector_list_option(a->detectors, o->detectors);
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

static bool option_used(const struct args *a, const char *name)
{
    for (size_t i = 0; i < a->nr_used; i++)
        if (!strcmp(a->used[i], name))
            return true;
    return false;
}

/* run, check, and fidelity (which runs sessions of its own). */
static int cmd_run(const struct args *a, bool check, bool fidelity)
{
    const char *verb = check ? "check" : "run";
    if (fidelity && a->help) {
        fputs(usage_fidelity, stdout);
        return 0;
    }
    if (a->help) {
        usage_printf(stdout, usage_run, verb, check ? check_what : run_what,
                     check
                         ? "every cell as expected; 1 some cell not as expected"
                         : "the run completed (whatever the verdicts)");
        return 0;
    }
    struct session s;
    memset(&s, 0, sizeof(s));
    struct run_opts *o = &s.opts;
    if (parse_lists(a, o) < 0)
        return EXIT_USAGE;
    char *root = find_root();
    if (!root)
        return EXIT_USAGE;
    char *cases_dir;
    if (load_catalog(root, a, &s.cat, &cases_dir) < 0) {
        free(root);
        return EXIT_USAGE;
    }
    char *out = a->out ? path_absolute(a->out) : path_join(root, "reports");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->cases = a->pos;
    o->nr_cases = a->nr_pos;
    o->variants = a->variants;
    o->nr_variants = a->nr_variants;
    o->runs = a->runs;
    o->jobs = a->jobs ? a->jobs : (cores > 0 ? (int)cores : 1);
    o->timeout = a->timeout;
    o->out = out;
    o->root = root;
    o->build = a->build ? a->build : "build";
    o->cases_dir = cases_dir;
    o->check = check;
    o->json = a->json;
    o->color = want_color(a);
    o->progress_tty = isatty(2) && !getenv("MAPRACE_NO_PROGRESS");
    o->natural = a->natural;
    o->bench_stats = a->bench_stats;
    if (output_cap(&o->output_cap) < 0) {
        session_release(&s);
        free(out);
        free(cases_dir);
        free(root);
        return EXIT_USAGE;
    }
    int rc = fidelity ? fidelity_run(&s, option_used(a, "--runs") ? a->runs : 0)
                      : session_run(&s);
    session_release(&s);
    free(out);
    free(cases_dir);
    free(root);
    return rc;
}

/* The folder an option named, made absolute, or <root>/<sub> when it
 * named none. NULL (the error said) when there is no repository. */
static char *given_or_in_root(const char *given, const char *sub)
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

static int cmd_show(const struct args *a)
{
    static const char *const allowed[] = {"--out", "--all-frames", NULL};
    if (a->help) {
        fputs(usage_show, stdout);
        return 0;
    }
    if (only_options(a, "show", allowed) < 0)
        return EXIT_USAGE;
    if (!a->nr_pos) {
        error("show needs a case (maprace show CASE[/VARIANT])");
        return EXIT_USAGE;
    }
    char *out = given_or_in_root(a->out, "reports");
    if (!out)
        return EXIT_USAGE;
    int rc = 0;
    for (size_t i = 0; i < a->nr_pos; i++) {
        int r = show_races(stdout, out, NULL, a->pos[i], want_color(a),
                           a->all_frames);
        if (r > rc)
            rc = r;
    }
    free(out);
    return rc;
}

static int cmd_merge(const struct args *a)
{
    static const char *const allowed[] = {"--out", "--format", NULL};
    if (a->help) {
        usage_printf(stdout, "%s", usage_merge);
        return 0;
    }
    if (only_options(a, "merge", allowed) < 0)
        return EXIT_USAGE;
    struct merge_opts mo = {.formats = FORMAT_ALL};
    if (a->format && report_formats_option(a->format, &mo.formats) < 0)
        return EXIT_USAGE;
    char *out = given_or_in_root(a->out, "reports");
    if (!out)
        return EXIT_USAGE;
    mo.out = out;
    mo.json = a->json;
    mo.color = want_color(a);
    int rc = merge_reports(a->pos, a->nr_pos, &mo);
    free(out);
    return rc;
}

static int cmd_explain(const struct args *a)
{
    static const char *const allowed[] = {"--cases", NULL};
    if (a->help) {
        fputs(usage_explain, stdout);
        return 0;
    }
    if (only_options(a, "explain", allowed) < 0)
        return EXIT_USAGE;
    if (!a->nr_pos) {
        error("explain needs a case (see maprace list)");
        return EXIT_USAGE;
    }
    char *dir = given_or_in_root(a->cases, "cases");
    if (!dir)
        return EXIT_USAGE;
    int rc = 0;
    for (size_t i = 0; i < a->nr_pos && !rc; i++)
        rc = explain_case(stdout, dir, a->pos[i], want_color(a));
    free(dir);
    return rc;
}

/* doctor go KIND: the path of a Go toolchain, for scripts (make bench). */
static int doctor_go_path(const struct args *a)
{
    for (int k = 0; a->nr_pos == 2 && k < GO_KIND_COUNT; k++) {
        if (strcmp(a->pos[1], go_kind_name(k)))
            continue;
        const struct go_toolchain *t = go_toolchain(k);
        if (!t->path) {
            error("the %s Go: %s", go_kind_name(k), t->why);
            return 3;
        }
        printf("%s\n", t->path);
        return 0;
    }
    error("doctor go: want 'current' or 'hmap'");
    return EXIT_USAGE;
}

static int cmd_doctor(const struct args *a)
{
    static const char *const allowed[] = {NULL};
    if (a->help) {
        usage_printf(stdout, "%s", usage_doctor);
        return 0;
    }
    if (only_options(a, "doctor", allowed) < 0)
        return EXIT_USAGE;
    if (a->nr_pos && !strcmp(a->pos[0], "go"))
        return doctor_go_path(a);
    if (a->nr_pos) {
        error("doctor takes no argument but 'go current|hmap' (got '%s')",
              a->pos[0]);
        return EXIT_USAGE;
    }
    char *root = NULL;
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd))) {
        /* quiet lookup: doctor must work outside the repository too */
        char *p = xstrdup(cwd);
        for (;;) {
            char *cases = path_join(p, "cases");
            char *mk = path_join(p, "Makefile");
            bool ok = !access(cases, F_OK) && !access(mk, F_OK);
            free(cases);
            free(mk);
            if (ok) {
                root = p;
                break;
            }
            char *slash = strrchr(p, '/');
            if (!slash || slash == p) {
                free(p);
                break;
            }
            *slash = '\0';
        }
    }
    int rc = doctor(root, a->json, want_color(a));
    free(root);
    return rc;
}

/* maprace rates: a pass is the run verb with its settings (cmd/rates.h);
 * its matrix goes to stderr, stdout keeps the table. */
static int rates_pass_run(void *ctx, const struct rates_pass *p)
{
    struct args b = *(const struct args *)ctx;
    b.natural = p->natural;
    b.detectors = p->detectors;
    b.runs = p->runs;
    b.variants = p->variants;
    b.nr_variants = p->nr_variants;
    b.format = "none";
    b.no_color = true;
    b.json = false;
    fflush(stdout);
    int saved = dup(1);
    dup2(2, 1);
    int rc = cmd_run(&b, false, false);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    return rc;
}

static bool used(const struct args *a, const char *opt)
{
    for (size_t i = 0; i < a->nr_used; i++)
        if (!strcmp(a->used[i], opt))
            return true;
    return false;
}

static int cmd_rates_verb(const struct args *a)
{
    static const char *const allowed[] = {"--detectors", "--runs", "-j",
                                          "--timeout",   "--out",  "--cases",
                                          "--build",     "--from", NULL};
    if (a->help) {
        fputs(rates_usage, stdout);
        return 0;
    }
    if (only_options(a, "rates", allowed) < 0)
        return EXIT_USAGE;
    struct rates_request rq = {.from = a->from,
                               .nr_from = a->nr_from,
                               .cases = a->pos,
                               .nr_cases = a->nr_pos,
                               .detectors = a->detectors,
                               .runs = used(a, "--runs") ? a->runs : 0,
                               .run = rates_pass_run,
                               .ctx = (void *)a};
    char *out = NULL, *cases_dir = NULL;
    if (!a->nr_from && (!(out = given_or_in_root(a->out, "reports")) ||
                        !(cases_dir = given_or_in_root(a->cases, "cases"))))
        return EXIT_USAGE;
    rq.out = out;
    rq.cases_dir = cases_dir;
    int rc = cmd_rates(&rq);
    free(out);
    free(cases_dir);
    return rc;
}

/* `maprace try ...`: its own options (cmd/try.h). */
static int cmd_try_main(int argc, char **argv)
{
    bool help = false;
    for (int i = 1; i < argc; i++)
        help |= !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help");
    if (help)
        return cmd_try(argc, argv, NULL);
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
        cmd_try_defaults(build, out);
    } else {
        root = find_root();
        if (!root)
            return EXIT_USAGE;
    }
    int rc = cmd_try(argc, argv, root);
    free(root);
    free(build);
    free(out);
    return rc;
}

static const char usage_asm[] =
    "usage: maprace asm [--arch LIST] [--model hmap|swiss|both] [--no-go]\n"
    "                   [--cases DIR] [--build DIR] [--no-color]\n"
    "                   CASE[/VARIANT] [FUNCTION]\n"
    "\n"
    "Disassemble a case's racing functions (those holding a RACE: line, and\n"
    "the model functions they call), or only FUNCTION, with their source\n"
    "lines, and mark the accesses that race: each load, store or\n"
    "read-modify-write of a marked line or of a line with Go's writer flag\n"
    "(hashWriting on the hmap model, writing on the Swiss-table model):\n"
    "\"plain, no lock prefix\"; and every atomic instruction (lock prefix,\n"
    "arm64 exclusive/LSE). When Go is installed, Go's own\n"
    "runtime.mapassign_fast64 (lockfree family: its compare-and-swap)\n"
    "follows each architecture: the hmap Go's beside the hmap model, the\n"
    "current Go's (internal/runtime/maps) beside the Swiss-table model.\n"
    "The variant defaults to the first (racy).\n"
    "\n"
    "options:\n"
    "      --arch LIST    x86-64, arm64 (gcc's default: outline atomics),\n"
    "                     arm64-lse (-march=armv8.1-a) or all (default: all\n"
    "                     whose compiler is installed)\n"
    "      --model M      hmap (Go 1.19's map, model/map.c), swiss (Go "
    "1.26's,\n"
    "                     model/swiss/) or both (default: hmap, or swiss for\n"
    "                     a case that says no-hmap)\n"
    "      --no-go        do not show Go's own code\n"
    "      --cases DIR    another catalog than <root>/cases\n"
    "      --build DIR    build folder, relative to the root (default build)\n"
    "      --no-color     no colour\n"
    "\n"
    "exit codes: 0 shown; 2 unknown case, variant, function, architecture or\n"
    "model, or a model the case does not build on; 3 a compiler asked for by\n"
    "--arch is missing, or a build failed.\n";

static int cmd_asm(const struct args *a)
{
    static const char *const allowed[] = {"--cases", "--build", "--arch",
                                          "--no-go", "--model", NULL};
    if (a->help) {
        fputs(usage_asm, stdout);
        return 0;
    }
    if (only_options(a, "asm", allowed) < 0)
        return EXIT_USAGE;
    if (a->nr_pos < 1 || a->nr_pos > 2) {
        error("asm needs a case and at most a function (maprace asm "
              "CASE[/VARIANT] [FUNCTION])");
        return EXIT_USAGE;
    }
    char *root = find_root();
    if (!root)
        return EXIT_USAGE;
    char *cases = a->cases ? path_absolute(a->cases) : path_join(root, "cases");
    struct asm_opts o = {
        .root = root,
        .build = a->build ? a->build : "build",
        .cases = cases,
        .target = a->pos[0],
        .function = a->nr_pos > 1 ? a->pos[1] : NULL,
        .arches = a->arch,
        .model = a->model,
        .go = !a->no_go,
        .color = want_color(a),
    };
    int rc = asm_show(stdout, &o);
    free(cases);
    free(root);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "try"))
        return cmd_try_main(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "grade")) {
        char *root = find_root();
        int grc = root ? cmd_grade(root, argc - 1, argv + 1) : EXIT_USAGE;
        free(root);
        return grc;
    }
    struct args a;
    if (parse_args(argc, argv, &a) < 0) {
        free(a.variants);
        free(a.from);
        return EXIT_USAGE;
    }
    int rc;
    if (!a.verb || !strcmp(a.verb, "help")) {
        if (!a.verb && !a.help) {
            fputs(usage_main, stderr);
            rc = EXIT_USAGE;
        } else {
            fputs(usage_main, stdout);
            rc = 0;
        }
    } else if (!strcmp(a.verb, "list")) {
        rc = cmd_list(&a);
    } else if (!strcmp(a.verb, "run")) {
        rc = cmd_run(&a, false, false);
    } else if (!strcmp(a.verb, "check")) {
        rc = cmd_run(&a, true, false);
    } else if (!strcmp(a.verb, "merge")) {
        rc = cmd_merge(&a);
    } else if (!strcmp(a.verb, "show")) {
        rc = cmd_show(&a);
    } else if (!strcmp(a.verb, "explain")) {
        rc = cmd_explain(&a);
    } else if (!strcmp(a.verb, "doctor")) {
        rc = cmd_doctor(&a);
    } else if (!strcmp(a.verb, "rates")) {
        rc = cmd_rates_verb(&a);
    } else if (!strcmp(a.verb, "asm")) {
        rc = cmd_asm(&a);
    } else if (!strcmp(a.verb, "fidelity")) {
        static const char *const allowed[] = {
            "--runs",  "--variant", "-j",         "--timeout", "--out",
            "--cases", "--build",   "--no-color", NULL};
        rc = only_options(&a, "fidelity", allowed) < 0
                 ? EXIT_USAGE
                 : cmd_run(&a, false, true);
    } else {
        error("unknown verb '%s' (see maprace --help)", a.verb);
        rc = EXIT_USAGE;
    }
    for (size_t i = 0; i < a.nr_variants; i++)
        free(a.variants[i]);
    free(a.variants);
    free(a.from);
    return rc;
}
