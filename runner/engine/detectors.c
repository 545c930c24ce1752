/*
 * detectors.c - the detector table (see detectors.h).
 */
#include "engine/detectors.h"

#include "parse/parse.h"
#include "parse/go.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

/* ThreadSanitizer: its options in TSAN_OPTIONS, the log in log_path. The
 * largest history (history_size=7): with the default, clang 14's runtime
 * can lose the earlier access of a race that a sleep of 100 ms separates
 * (sleep-is-not-sync; a reader that sleeps instead of locking passed
 * `grade`), and a loaded machine stretches every race that way. */
static void tsan_command(const struct detector_row *row,
                         const struct detector_run *run, struct strvec *argv,
                         struct strvec *env)
{
    const char *user = getenv("TSAN_OPTIONS");
    /* the sanitizers' flag parser takes a quoted value */
    const char *q = strpbrk(run->log_path, " \t") ? "\"" : "";
    /* the user's, the runner's defaults, the case's; then what the
     * runner needs, last so that it wins */
    strvec_pushf(env,
                 "TSAN_OPTIONS=%s%satexit_sleep_ms=0 halt_on_error=0 "
                 "second_deadlock_stack=1 history_size=7 %s%slog_path=%s%s%s "
                 "exitcode=%d",
                 user ? user : "", user && *user ? " " : "",
                 run->options ? run->options : "", run->options ? " " : "", q,
                 run->log_path, q, run->program_exit ? 0 : row->reported_exit);
}

/* Push the words of a case's valgrind options. */
static void push_words(struct strvec *argv, const char *s)
{
    while (s && *s) {
        s += strspn(s, " \t");
        size_t n = strcspn(s, " \t");
        if (n)
            strvec_push_nodup(argv, xstrndup(s, n));
        s += n;
    }
}

/* Valgrind: the tool's XML in log_path, its text log in aux_path. */
static void valgrind_command(const struct detector_row *row,
                             const struct detector_run *run,
                             struct strvec *argv, struct strvec *env)
{
    strvec_push(argv, "valgrind");
    strvec_pushf(argv, "--tool=%s", row->valgrind_tool);
    push_words(argv, run->options);
    push_words(argv, run->options2);
    strvec_push(argv, "--xml=yes");
    strvec_pushf(argv, "--xml-file=%s", run->log_path);
    strvec_pushf(argv, "--log-file=%s", run->aux_path);
    strvec_push(argv, "--child-silent-after-fork=yes");
}

/* Go's runtime: every goroutine's traceback with the runtime's own frames
 * (runtime.mapassign_fast64, runtime.fatal), not Go's default. */
static void go_command(const struct detector_row *row,
                       const struct detector_run *run, struct strvec *argv,
                       struct strvec *env)
{
    strvec_push(env, "GOTRACEBACK=system");
}

/* Go's race detector: its options in GORACE (yours first). The largest
 * history keeps the earlier access's stack of a race in a long run (else
 * the race runtime drops the report); no second of sleep at exit. */
static void go_race_command(const struct detector_row *row,
                            const struct detector_run *run, struct strvec *argv,
                            struct strvec *env)
{
    const char *user = getenv("GORACE");
    strvec_pushf(env,
                 "GORACE=%s%shistory_size=7 exitcode=%d atexit_sleep_ms=0 "
                 "halt_on_error=0",
                 user ? user : "", user && *user ? " " : "",
                 row->reported_exit);
    go_command(row, run, argv, env);
}

#define TSAN_ROW(name_, cc_, cost_, like_, swiss_)                             \
    {                                                                          \
        .name = name_, .flavour = name_, .tools = {cc_, NULL},                 \
        .race_detector = true, .reported_exit = TSAN_EXITCODE, .cost = cost_,  \
        .command = tsan_command, .log_suffix = ".tsan",                        \
        .log_per_process = true, .log_key = "tsan", .parse = parse_tsan_file,  \
        .aslr_failure = "unexpected memory mapping", .sanitizer_cc = cc_,      \
        .option_keys = {"tsan_options", NULL}, .expect_like = like_,           \
        .not_default = swiss_, .swiss_model = swiss_,                          \
    }

#define VALGRIND_ROW(name_, tool_, flavour_, cost_, like_, swiss_)             \
    {                                                                          \
        .name = name_, .flavour = flavour_,                                    \
        .tools = {"gcc", "valgrind", NULL}, .race_detector = true,             \
        .cost = cost_, .command = valgrind_command, .log_suffix = ".xml",      \
        .aux_suffix = ".vglog", .log_key = "xml", .aux_key = "valgrind_log",   \
        .no_log_error = "valgrind wrote no XML log",                           \
        .parse = parse_valgrind_file, .valgrind_tool = tool_,                  \
        .option_keys = {"valgrind_options", tool_ "_options"},                 \
        .expect_like = like_, .not_default = swiss_, .swiss_model = swiss_,    \
    }

/* Go's own checks: the twin built by one toolchain, never forced. */
#define GO_ROW(name_, toolchain_, like_, extra_)                               \
    {                                                                          \
        .name = name_, .flavour = name_, .cost = 4, .command = go_command,     \
        .parse_stderr = parse_go_file, .go_twin = true,                        \
        .toolchain = toolchain_, .expect_like = like_, .best_effort = true,    \
        .not_default = extra_,                                                 \
    }

/* Go's race detector: the twin built by one toolchain with -race. */
#define GO_RACE_ROW(name_, toolchain_, like_, extra_)                          \
    {                                                                          \
        .name = name_, .flavour = name_, .race_detector = true,                \
        .reported_exit = GORACE_EXITCODE, .cost = 3,                           \
        .command = go_race_command, .parse_stderr = parse_go_file,             \
        .go_twin = true, .toolchain = toolchain_, .expect_like = like_,        \
        .not_default = extra_,                                                 \
    }

static const struct detector_row detectors[DET_COUNT] = {
    [DET_NATIVE] = {.name = "native",
                    .flavour = "native",
                    .tools = {"gcc", NULL},
                    .cost = 4},
    [DET_TSAN] = TSAN_ROW("tsan", "clang", 3, NULL, false),
    [DET_TSAN_GCC] = TSAN_ROW("tsan-gcc", "gcc", 2, NULL, false),
    [DET_HELGRIND] =
        VALGRIND_ROW("helgrind", "helgrind", "native", 1, NULL, false),
    [DET_DRD] = VALGRIND_ROW("drd", "drd", "native", 0, NULL, false),
    [DET_GO] = GO_ROW("go", GO_CURRENT, NULL, false),
    [DET_GO_RACE] = GO_RACE_ROW("go-race", GO_CURRENT, NULL, false),
    [DET_GO_HMAP] = GO_ROW("go-hmap", GO_HMAP, "go", true),
    [DET_GO_HMAP_RACE] = GO_RACE_ROW("go-hmap-race", GO_HMAP, "go-race", true),
    /* the same cases on the Swiss-table model; case.ini keys of the hmap
     * model's rows apply unless the row's own is given */
    [DET_NATIVE_SWISS] = {.name = "native-swiss",
                          .flavour = "native-swiss",
                          .tools = {"gcc", NULL},
                          .cost = 4,
                          .expect_like = "native",
                          .not_default = true,
                          .swiss_model = true},
    [DET_TSAN_SWISS] = TSAN_ROW("tsan-swiss", "clang", 3, "tsan", true),
    [DET_TSAN_GCC_SWISS] =
        TSAN_ROW("tsan-gcc-swiss", "gcc", 2, "tsan-gcc", true),
    [DET_HELGRIND_SWISS] = VALGRIND_ROW("helgrind-swiss", "helgrind",
                                        "native-swiss", 1, "helgrind", true),
    [DET_DRD_SWISS] =
        VALGRIND_ROW("drd-swiss", "drd", "native-swiss", 0, "drd", true),
};

const struct detector_row *detector_row(enum detector d)
{
    return &detectors[d];
}

const char *detector_name(enum detector d)
{
    return detectors[d].name;
}

const char *detector_flavour(enum detector d)
{
    return detectors[d].flavour;
}

char *detector_names(const char *sep)
{
    struct strbuf sb = STRBUF_INIT;
    for (int d = 0; d < DET_COUNT; d++)
        strbuf_addf(&sb, "%s%s", d ? sep : "", detectors[d].name);
    return strbuf_detach(&sb);
}

int detector_by_name(const char *name)
{
    for (int d = 0; d < DET_COUNT; d++)
        if (!strcmp(detectors[d].name, name))
            return d;
    return -1;
}

bool detector_is_race_detector(enum detector d)
{
    return detectors[d].race_detector;
}

int detector_parse_list(const char *list, bool mask[DET_COUNT], char **bad)
{
    for (int d = 0; d < DET_COUNT; d++)
        mask[d] = false;
    *bad = NULL;
    const char *p = list;
    bool any = false;
    while (*p) {
        size_t n = strcspn(p, ",");
        char *name = xstrndup(p, n);
        if (!strcmp(name, "all")) {
            for (int d = 0; d < DET_COUNT; d++)
                mask[d] = true;
            any = true;
        } else if (n) {
            int d = detector_by_name(name);
            if (d < 0) {
                *bad = name;
                return -1;
            }
            mask[d] = true;
            any = true;
        }
        free(name);
        p += n;
        if (*p == ',')
            p++;
    }
    if (!any) {
        *bad = xstrdup(list);
        return -1;
    }
    return 0;
}

int detector_mask_language(bool mask[DET_COUNT], bool go, bool drop_others)
{
    for (int d = 0; d < DET_COUNT; d++) {
        if (!mask[d] || detector_row(d)->go_twin == go)
            continue;
        if (!drop_others)
            return d;
        mask[d] = false;
    }
    return -1;
}

enum detector detector_go_stand_in(enum detector d)
{
    if (!detectors[d].go_twin || go_toolchain(detectors[d].toolchain)->path)
        return d;
    for (int e = 0; e < DET_COUNT; e++)
        if (detectors[e].go_twin && detectors[e].expect_like &&
            !strcmp(detectors[e].expect_like, detectors[d].name) &&
            go_toolchain(detectors[e].toolchain)->path)
            return e;
    return d;
}

bool detector_available(enum detector d, char **why)
{
    if (detectors[d].go_twin) {
        const struct go_toolchain *t = go_toolchain(detectors[d].toolchain);
        if (!t->path) {
            *why = xstrdup(t->why);
            return false;
        }
    }
    for (int i = 0; detectors[d].tools[i]; i++) {
        char *path = find_in_path(detectors[d].tools[i]);
        if (!path) {
            *why = xasprintf("%s not found in PATH", detectors[d].tools[i]);
            return false;
        }
        free(path);
    }
    *why = NULL;
    return true;
}
