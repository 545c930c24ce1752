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

/* What valgrind's thread checkers never report (DRD adds lock order). */
#define VALGRIND_BLIND                                                         \
    {FINDING_THREAD_LEAK,                                                      \
     "valgrind's thread checkers do not report thread leaks"},                 \
        {FINDING_USE_AFTER_FREE,                                               \
         "valgrind's thread checkers do not check freed memory (Memcheck "     \
         "does)"},                                                             \
    {                                                                          \
        FINDING_SIGNAL_UNSAFE, "valgrind's thread checkers do not check what " \
                               "signal handlers call"                          \
    }

/* The figures ThreadSanitizer's documentation gives (clang,
 * "ThreadSanitizer"): typical slowdown 5x-15x, memory 5x-10x. */
#define TSAN_ANCHOR(source_)                                                   \
    {                                                                          \
        "5-15x", "5-10x", source_                                              \
    }

/* The program alone, on one model. */
#define NATIVE_ROW(name_, cost_, like_, swiss_)                                \
    {                                                                          \
        .name = name_, .flavour = name_, .tools = {"gcc", NULL},               \
        .cost = cost_, .parse_stderr = parse_native_file,                      \
        .expect_like = like_, .not_default = swiss_, .swiss_model = swiss_,    \
        .family = FAMILY_PLAIN,                                                \
        .no_reports = "native runs the program without a detector",            \
    }

#define TSAN_ROW(name_, cc_, cost_, like_, swiss_, anchor_)                    \
    {                                                                          \
        .name = name_, .flavour = name_, .tools = {cc_, NULL},                 \
        .race_detector = true, .reported_exit = TSAN_EXITCODE, .cost = cost_,  \
        .command = tsan_command, .log_suffix = ".tsan",                        \
        .log_per_process = true, .log_key = "tsan", .parse = parse_tsan_file,  \
        .parse_stderr = parse_native_file,                                     \
        .aslr_failure = "unexpected memory mapping", .sanitizer_cc = cc_,      \
        .option_keys = {"tsan_options", NULL}, .expect_like = like_,           \
        .not_default = swiss_, .swiss_model = swiss_, .family = FAMILY_TSAN,   \
        .reports_locks = true, .anchor = anchor_,                              \
    }

/* The fields of every valgrind row. */
#define VALGRIND_FIELDS(name_, tool_, flavour_, cost_, like_, swiss_)          \
    .name = name_, .flavour = flavour_, .tools = {"gcc", "valgrind", NULL},    \
    .race_detector = true, .cost = cost_, .command = valgrind_command,         \
    .log_suffix = ".xml", .aux_suffix = ".vglog", .log_key = "xml",            \
    .aux_key = "valgrind_log", .no_log_error = "valgrind wrote no XML log",    \
    .parse = parse_valgrind_file, .parse_stderr = parse_native_file,           \
    .valgrind_tool = tool_,                                                    \
    .option_keys = {"valgrind_options", tool_ "_options"},                     \
    .expect_like = like_, .not_default = swiss_, .swiss_model = swiss_,        \
    .family = FAMILY_VALGRIND, .no_atomics = true

/* Helgrind: the Valgrind manual, Helgrind chapter: "on the order of
 * 100:1". */
#define HELGRIND_ROW(name_, flavour_, like_, swiss_)                           \
    {                                                                          \
        VALGRIND_FIELDS(name_, "helgrind", flavour_, 1, like_, swiss_),        \
            .blind = {VALGRIND_BLIND},                                         \
            .anchor = {"~100x", "-", "Valgrind manual, Helgrind chapter"},     \
    }

/* DRD: no lock order either; a race names one access and the other
 * thread's segment; the Valgrind manual, DRD chapter: 20-50x against a
 * native single-threaded run. */
#define DRD_ROW(name_, flavour_, like_, swiss_)                                \
    {                                                                          \
        VALGRIND_FIELDS(name_, "drd", flavour_, 0, like_, swiss_),             \
            .blind = {VALGRIND_BLIND,                                          \
                      {FINDING_LOCK_ORDER,                                     \
                       "DRD does not report lock-order inversions"}},          \
            .one_access = "DRD names one access, and the other thread's "      \
                          "segment (where its access happened), not the "      \
                          "access itself",                                     \
            .anchor = {"20-50x", "-", "Valgrind manual, DRD chapter"},         \
    }

/* Go's own checks: the twin built by one toolchain, never forced. */
#define GO_ROW(name_, toolchain_, like_, extra_, race_)                        \
    {                                                                          \
        .name = name_, .flavour = name_, .cost = 4, .command = go_command,     \
        .parse_stderr = parse_go_file, .go_twin = true,                        \
        .toolchain = toolchain_, .expect_like = like_, .best_effort = true,    \
        .not_default = extra_, .family = FAMILY_GO,                            \
        .no_reports = "Go's runtime has no race detector (" race_ " has): "    \
                      "its own checks see only maps used by two goroutines "   \
                      "at once",                                               \
    }

/* Go's race detector: the twin built by one toolchain with -race. */
#define GO_RACE_ROW(name_, toolchain_, like_, extra_)                          \
    {                                                                          \
        .name = name_, .flavour = name_, .race_detector = true,                \
        .reported_exit = GORACE_EXITCODE, .cost = 3,                           \
        .command = go_race_command, .parse_stderr = parse_go_file,             \
        .go_twin = true, .toolchain = toolchain_, .expect_like = like_,        \
        .not_default = extra_, .family = FAMILY_GO_RACE,                       \
    }

static const struct detector_row detectors[DET_COUNT] = {
    [DET_NATIVE] = NATIVE_ROW("native", 4, NULL, false),
    [DET_TSAN] = TSAN_ROW("tsan", "clang", 3, NULL, false,
                          TSAN_ANCHOR("clang's ThreadSanitizer documentation")),
    [DET_TSAN_GCC] = TSAN_ROW("tsan-gcc", "gcc", 2, NULL, false,
                              TSAN_ANCHOR("the same runtime (libtsan)")),
    [DET_HELGRIND] = HELGRIND_ROW("helgrind", "native", NULL, false),
    [DET_DRD] = DRD_ROW("drd", "native", NULL, false),
    [DET_GO] = GO_ROW("go", GO_CURRENT, NULL, false, "go-race"),
    [DET_GO_RACE] = GO_RACE_ROW("go-race", GO_CURRENT, NULL, false),
    [DET_GO_HMAP] = GO_ROW("go-hmap", GO_HMAP, "go", true, "go-hmap-race"),
    [DET_GO_HMAP_RACE] = GO_RACE_ROW("go-hmap-race", GO_HMAP, "go-race", true),
    /* the same cases on the Swiss-table model; case.ini keys of the hmap
     * model's rows apply unless the row's own is given; the same tools,
     * so the same documented cost */
    [DET_NATIVE_SWISS] = NATIVE_ROW("native-swiss", 4, "native", true),
    [DET_TSAN_SWISS] =
        TSAN_ROW("tsan-swiss", "clang", 3, "tsan", true,
                 TSAN_ANCHOR("clang's ThreadSanitizer documentation")),
    [DET_TSAN_GCC_SWISS] =
        TSAN_ROW("tsan-gcc-swiss", "gcc", 2, "tsan-gcc", true,
                 TSAN_ANCHOR("the same runtime (libtsan)")),
    [DET_HELGRIND_SWISS] =
        HELGRIND_ROW("helgrind-swiss", "native-swiss", "helgrind", true),
    [DET_DRD_SWISS] = DRD_ROW("drd-swiss", "native-swiss", "drd", true),
};

/* Rows a test put in place of the table's (detector_row_override). */
static const struct detector_row *overrides[DET_COUNT];

#define ROW(d) (overrides[d] ? overrides[d] : &detectors[d])

const struct detector_row *detector_row(enum detector d)
{
    return ROW(d);
}

const char *detector_name(enum detector d)
{
    return ROW(d)->name;
}

const char *detector_flavour(enum detector d)
{
    return ROW(d)->flavour;
}

char *detector_names(const char *sep)
{
    struct strbuf sb = STRBUF_INIT;
    for (int d = 0; d < DET_COUNT; d++)
        strbuf_addf(&sb, "%s%s", d ? sep : "", ROW(d)->name);
    return strbuf_detach(&sb);
}

int detector_by_name(const char *name)
{
    for (int d = 0; d < DET_COUNT; d++)
        if (!strcmp(ROW(d)->name, name))
            return d;
    return -1;
}

bool detector_is_race_detector(enum detector d)
{
    return ROW(d)->race_detector;
}

int detector_parse_list(const char *list, bool mask[DET_COUNT], char **bad)
{
    for (int d = 0; d < DET_COUNT; d++)
        mask[d] = false;
    *bad = NULL;
    struct strvec names = {0};
    if (!strvec_split(&names, list, ',')) {
        *bad = xstrdup(list);
        return -1;
    }
    for (size_t i = 0; i < names.nr; i++) {
        int d = detector_by_name(names.v[i]);
        if (!strcmp(names.v[i], "all")) {
            for (int e = 0; e < DET_COUNT; e++)
                mask[e] = true;
        } else if (d < 0) {
            *bad = xstrdup(names.v[i]);
            strvec_release(&names);
            return -1;
        } else {
            mask[d] = true;
        }
    }
    strvec_release(&names);
    return 0;
}

int detector_list_option(const char *list, bool mask[DET_COUNT])
{
    char *bad;
    if (detector_parse_list(list, mask, &bad) < 0) {
        char *names = detector_names(", ");
        error("unknown detector '%s' (want %s or all)", bad, names);
        free(names);
        free(bad);
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
    if (!ROW(d)->go_twin || go_toolchain(ROW(d)->toolchain)->path)
        return d;
    for (int e = 0; e < DET_COUNT; e++)
        if (ROW(e)->go_twin && ROW(e)->expect_like &&
            !strcmp(ROW(e)->expect_like, ROW(d)->name) &&
            go_toolchain(ROW(e)->toolchain)->path)
            return e;
    return d;
}

bool detector_available(enum detector d, char **why)
{
    if (ROW(d)->go_twin) {
        const struct go_toolchain *t = go_toolchain(ROW(d)->toolchain);
        if (!t->path) {
            *why = xstrdup(t->why);
            return false;
        }
    }
    for (int i = 0; ROW(d)->tools[i]; i++) {
        char *path = find_in_path(ROW(d)->tools[i]);
        if (!path) {
            *why = xasprintf("%s not found in PATH", ROW(d)->tools[i]);
            return false;
        }
        free(path);
    }
    *why = NULL;
    return true;
}

const struct detector_row *detector_row_named(const char *name)
{
    int d = name ? detector_by_name(name) : -1;
    return d < 0 ? NULL : ROW(d);
}

bool detector_reports_locks(const char *name)
{
    const struct detector_row *row = detector_row_named(name);
    return row && row->reports_locks;
}

void detector_row_override(enum detector d, const struct detector_row *row)
{
    overrides[d] = row;
}

/* Add key to keys[*n] unless it is NULL, there already, or keys is full. */
static void add_key(const char **keys, size_t *n, size_t max, const char *key)
{
    if (!key || *n == max)
        return;
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(keys[i], key))
            return;
    keys[(*n)++] = key;
}

size_t detector_log_keys(const char *name, const char **keys, size_t max)
{
    const struct detector_row *row = detector_row_named(name);
    size_t n = 0;
    for (int d = 0; d < DET_COUNT; d++) {
        if (row && ROW(d) != row)
            continue;
        add_key(keys, &n, max, ROW(d)->log_key);
        add_key(keys, &n, max, ROW(d)->aux_key);
    }
    add_key(keys, &n, max, DETECTOR_STDERR_KEY);
    return n;
}

enum detector detector_baseline(enum detector d)
{
    for (int e = 0; e < DET_COUNT; e++)
        if (ROW(e)->family == FAMILY_PLAIN &&
            ROW(e)->swiss_model == ROW(d)->swiss_model)
            return e;
    return d;
}

const char *detector_cannot_see(enum detector d, enum finding_kind k)
{
    if (ROW(d)->no_reports)
        return ROW(d)->no_reports;
    for (size_t i = 0; i < sizeof(ROW(d)->blind) / sizeof(ROW(d)->blind[0]);
         i++)
        if (ROW(d)->blind[i].why && ROW(d)->blind[i].kind == k)
            return ROW(d)->blind[i].why;
    return NULL;
}

/* Whether d is one of the detectors of sel (detector_usage_list). */
static bool selected(enum detector d, enum detector_select sel)
{
    switch (sel) {
    case DETECTORS_DEFAULT:
        return !ROW(d)->not_default;
    case DETECTORS_C:
        return !ROW(d)->go_twin && !ROW(d)->swiss_model;
    case DETECTORS_GO:
        return ROW(d)->go_twin;
    case DETECTORS_GO_CURRENT:
        return ROW(d)->go_twin && ROW(d)->toolchain == GO_CURRENT;
    case DETECTORS_GO_HMAP:
        return ROW(d)->go_twin && ROW(d)->toolchain == GO_HMAP;
    default:
        return true;
    }
}

char *detector_usage_list(enum detector_select sel, int col, int indent)
{
    struct strbuf sb = STRBUF_INIT;
    int at = col, last = -1;
    for (int d = 0; d < DET_COUNT; d++)
        if (selected(d, sel))
            last = d;
    for (int d = 0; d <= last; d++) {
        if (!selected(d, sel))
            continue;
        /* the name and, but after the last, its comma */
        int len = (int)strlen(ROW(d)->name) + (d < last);
        if (sb.len && at + len > 78) {
            strbuf_addf(&sb, "\n%*s", indent, "");
            at = indent;
        }
        strbuf_addf(&sb, "%s%s", ROW(d)->name, d < last ? "," : "");
        at += len;
    }
    return strbuf_detach(&sb);
}
