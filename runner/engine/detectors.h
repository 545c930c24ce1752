/*
 * detectors.h - the detectors maprace runs a case under, one row each.
 *
 *   native    the plain build; sees only the model's Go-style checks and
 *             the program's output
 *   tsan      clang -fsanitize=thread (build flavour "tsan")
 *   tsan-gcc  gcc -fsanitize=thread (build flavour "tsan-gcc")
 *   helgrind  valgrind --tool=helgrind on the native build
 *   drd       valgrind --tool=drd on the native build
 *   go        the variant's Go twin (<variant>.go) built by the current Go
 *             (Go >= 1.24, Swiss tables; toolchain.h) and run with
 *             GOTRACEBACK=system: Go's own checks (fatal error)
 *   go-race   the Go twin built by the current Go with go build -race
 *             (build flavour "go-race"): Go's race detector
 *   go-hmap, go-hmap-race
 *             the same two with the hmap Go (Go <= 1.23; Debian 12's Go
 *             1.19), the map of the article (flavours "go-hmap",
 *             "go-hmap-race")
 *   native-swiss, tsan-swiss, tsan-gcc-swiss, helgrind-swiss, drd-swiss
 *             the first five with the case built on the Swiss-table model
 *             (model/swiss, Go 1.26's map) instead of the hmap model
 *             (flavours "native-swiss", "tsan-swiss", "tsan-gcc-swiss")
 *
 * A detector is one row of the table in detectors.c (struct detector_row):
 * the driver (run.c) builds a run's command line, finds its logs and
 * parses them through the row, and never names a detector; nor does any
 * other file (scripts/check-names, run by make test, fails on a detector's
 * name as a string literal outside detectors.c). What a report or a verb
 * needs to know of a detector is a field of its row: its logs' keys, its
 * family, whether it prints the locks held, whether it names one access
 * only, what it cannot see, its documented cost, its toolchain. Adding one
 * is a value of enum detector, a row, and a parser (parse.h) when its log
 * is new; the Makefile owns the compiler flags of each build flavour
 * (docs/architecture.md, "Adding a detector").
 */
#ifndef MAPRACE_DETECTORS_H
#define MAPRACE_DETECTORS_H

#include "engine/toolchain.h"
#include "lib/util.h"
#include "parse/finding.h"

#include <stdbool.h>

struct report;

enum detector {
    DET_NATIVE = 0,
    DET_TSAN,
    DET_TSAN_GCC,
    DET_HELGRIND,
    DET_DRD,
    DET_GO,
    DET_GO_RACE,
    DET_GO_HMAP,
    DET_GO_HMAP_RACE,
    DET_NATIVE_SWISS,
    DET_TSAN_SWISS,
    DET_TSAN_GCC_SWISS,
    DET_HELGRIND_SWISS,
    DET_DRD_SWISS,
    DET_COUNT
};

/* TSan's exit status when it reported (TSAN_OPTIONS exitcode=). */
#define TSAN_EXITCODE 66
/* Go's race detector's exit status when it reported (GORACE exitcode=). */
#define GORACE_EXITCODE 66

/* The results.json "logs" key of the program's stderr, which every run
 * has (run.c), whatever its detector. */
#define DETECTOR_STDERR_KEY "stderr"

/* The paths of one run that a row's command line names. */
struct detector_run {
    const char *log_path; /* <base><log_suffix>, NULL without log_suffix */
    const char *aux_path; /* <base><aux_suffix>, NULL without aux_suffix */
    /* The case's options for this detector (case.ini's tsan_options;
     * valgrind_options then helgrind_options or drd_options), or NULL */
    const char *options, *options2;
    /* Leave the program's exit status alone (TSan: exitcode=0), for an
     * `exit N` expectation */
    bool program_exit;
};

/* What runs the program, which decides the words of its reports. */
enum detector_family {
    FAMILY_PLAIN,    /* the program alone (native): the model's own checks */
    FAMILY_TSAN,     /* a ThreadSanitizer runtime (clang's or gcc's) */
    FAMILY_VALGRIND, /* a valgrind tool (Helgrind, DRD) */
    FAMILY_GO,       /* Go's runtime: its own checks of a Go twin */
    FAMILY_GO_RACE,  /* Go's race detector on a Go twin */
};

/* A kind of report the detector never makes, and why (for `try
 * --expect`: a detector that cannot see what is expected is not asked
 * to). */
struct detector_blind_spot {
    enum finding_kind kind;
    const char *why;
};

/* Published figures of a detector's cost, for the cost tables and charts
 * (docs/benchmarks.md cites them); time NULL: none published. */
struct detector_cost_anchor {
    const char *time, *memory, *source;
};

struct detector_row {
    const char *name;
    const char *flavour;  /* build flavour whose binary it runs */
    const char *tools[3]; /* what must be in PATH to build and run it */
    bool race_detector;   /* reports data races itself (not native) */
    int reported_exit;    /* the exit status that means "reported", or 0 */
    int cost;             /* 0 is the slowest; slow runs start first */

    /* The command line: push the words that go before the program (a
     * wrapper such as valgrind) on argv and the variables it needs on
     * env. NULL: the program runs as is. */
    void (*command)(const struct detector_row *row,
                    const struct detector_run *run, struct strvec *argv,
                    struct strvec *env);

    /* Where its log lands: <base><log_suffix>, or, when log_per_process,
     * one <base><log_suffix>.<pid> per process (TSan's log_path). NULL:
     * it writes no log of its own (the program's stderr is parsed for
     * every detector). aux_suffix: a second file the tool writes
     * (valgrind's text log), kept in results.json, never parsed. */
    const char *log_suffix;
    bool log_per_process;
    const char *aux_suffix;
    /* results.json "logs" keys of the log (a string, or an array when
     * log_per_process) and of the second file */
    const char *log_key, *aux_key;
    /* A run that leaves no log has this error ("... (see <aux>)"); NULL:
     * no log is not an error. */
    const char *no_log_error;
    /* Its parser (parse.h): the findings of one log file into r. */
    int (*parse)(const char *path, const char *detector, struct report *r);
    /* The parser of the program's stderr, which every run has: the
     * model's Go-style fatal error (parse_native_file), or Go's race
     * reports and fatal errors (parse_go_file). */
    int (*parse_stderr)(const char *path, const char *detector,
                        struct report *r);

    /* It runs the variant's Go twin, <variant>.go (go, go-race, go-hmap,
     * go-hmap-race): a variant without one has no cell for it. The twin
     * is built by this toolchain (toolchain.h). */
    bool go_twin;
    enum go_kind toolchain;
    /* Not in the default set (no -d): the hmap Go's and the Swiss model's
     * columns, which `-d all`, `-d go-hmap,...` or make check add. A run
     * without -d shows the hmap model (every case, the article's map) and
     * the Go a learner runs (the current Go). */
    bool not_default;
    /* It runs the case built on the Swiss-table model (model/swiss): a case
     * whose case.ini says `no-swiss` has no cell for it. Its runs' baseline
     * (cost) is native-swiss, not native. */
    bool swiss_model;
    /* The case.ini key that gives this one's expectation when its own key
     * is absent, before `expect` (go-hmap: "go"), or NULL. */
    const char *expect_like;
    /* Its own checks are best effort and its runs are never forced (go):
     * a fatal or symptom expectation is met when seen in at least one
     * run. */
    bool best_effort;

    /* Text in its stderr or its log saying it died of this kernel's ASLR
     * entropy: the run starts again under `setarch <machine> -R`, and so
     * do the detector's later runs. NULL: never retried. */
    const char *aslr_failure;

    /* The case.ini keys of its options (docs/case-format.md), passed to
     * its command line as detector_run.options and options2; NULL: none */
    const char *option_keys[2];

    /* For `maprace doctor`: the compiler whose -fsanitize=thread it
     * checks, and the valgrind tool it starts (each NULL when none). */
    const char *sanitizer_cc;
    const char *valgrind_tool;

    /* What a report needs to know. Its family (FAMILY_TSAN: a mutex
     * misuse's type is the detector's words for the operation). */
    enum detector_family family;
    /* It prints the locks each access held, so an access with none held
     * none (TSan); otherwise a report says the locks were not reported. */
    bool reports_locks;
    /* It names one access of a race only: why, said where the other
     * access would be (DRD), or NULL. */
    const char *one_access;
    /* It reports nothing by itself: why, for `try --expect` (native, Go's
     * runtime), or NULL. */
    const char *no_reports;
    /* It does not model C11 atomics: a correct atomic_flag spinlock or a
     * release/acquire pair is a race to it (Helgrind, DRD); `grade`
     * judges an answer with atomics from the others. */
    bool no_atomics;
    /* The kinds of report it never makes (up to 4, the rest {0, NULL}). */
    struct detector_blind_spot blind[4];
    /* Its documented cost against a native run. */
    struct detector_cost_anchor anchor;
};

/* The row of detector d. */
const struct detector_row *detector_row(enum detector d);

/* The row of the detector named `name` (NULL, or a name of no row: NULL). */
const struct detector_row *detector_row_named(const char *name);

/* Whether the detector named `name` prints the locks each access held
 * (reports_locks); false for an unknown name. */
bool detector_reports_locks(const char *name);

/* For tests only: detector d's row is `row` from now on (NULL: the
 * table's own again), so that a test can put a detector of its own in the
 * table (runner/tests/test_fake_detector.c) and check that its logs and
 * its name reach every report through the table alone. */
void detector_row_override(enum detector d, const struct detector_row *row);

/* The results.json "logs" keys of a run of the detector named `name`
 * that hold raw logs worth keeping in a race's evidence, in order: its
 * own log, its second file, then the program's stderr (every run's).
 * Fills keys (at most max) and returns how many; an unknown detector has
 * every row's keys. */
size_t detector_log_keys(const char *name, const char **keys, size_t max);

/* The detector whose runs are d's baseline for cost (cost.h): the plain
 * run (FAMILY_PLAIN) on the same model (native, or native-swiss). */
enum detector detector_baseline(enum detector d);

/* Why detector d never reports findings of kind k, or NULL when it may. */
const char *detector_cannot_see(enum detector d, enum finding_kind k);

/* The comma-separated names of the detectors for a usage text: every
 * detector (DETECTORS_ALL), those of the default set (DETECTORS_DEFAULT,
 * no not_default), those that run C programs on the hmap model
 * (DETECTORS_C: `try`'s), or the Go ones (DETECTORS_GO; of one Go
 * toolchain: DETECTORS_GO_CURRENT, DETECTORS_GO_HMAP). The words are
 * wrapped to lines of at most 78 columns (room for a
 * punctuation mark after it), the first line starting at
 * column `col`, the next ones indented by `indent` blanks; the text has
 * no final newline. Malloc'd. */
enum detector_select {
    DETECTORS_ALL,
    DETECTORS_DEFAULT,
    DETECTORS_C,
    DETECTORS_GO,
    DETECTORS_GO_CURRENT, /* the Go ones of the current Go (toolchain.h) */
    DETECTORS_GO_HMAP,    /* the Go ones of the hmap Go */
};
char *detector_usage_list(enum detector_select sel, int col, int indent);

/* "native", "tsan", "tsan-gcc", "helgrind", "drd", "go", "go-race",
 * "go-hmap", "go-hmap-race". */
const char *detector_name(enum detector d);

/* The build flavour whose binary the detector runs ("native", "tsan",
 * "tsan-gcc", "go", "go-race", "go-hmap", "go-hmap-race"). */
const char *detector_flavour(enum detector d);

/* Every detector's name, in the table's order, joined by sep (malloc'd):
 * for usage lines and error messages. */
char *detector_names(const char *sep);

/* The detector named `name`, or -1. */
int detector_by_name(const char *name);

/* Whether the detector reports data races itself (all but native). */
bool detector_is_race_detector(enum detector d);

/* Parse a comma-separated list ("tsan,drd", "all") into mask[DET_COUNT].
 * Returns 0, or -1 with *bad pointing at a malloc'd copy of the first
 * unknown name. */
int detector_parse_list(const char *list, bool mask[DET_COUNT], char **bad);

/* detector_parse_list() for an option: 0, or -1 after saying "unknown
 * detector 'x' (want native, tsan, ... or all)". */
int detector_list_option(const char *list, bool mask[DET_COUNT]);

/* Keep in mask only the detectors that run programs of one language: the
 * Go detectors (go_twin) when `go`, the others otherwise. With
 * `drop_others` the rest are taken out of mask and -1 is returned;
 * without, mask is left alone and the first detector of the other
 * language in it is returned (-1 when there is none), for the caller to
 * refuse. */
int detector_mask_language(bool mask[DET_COUNT], bool go, bool drop_others);

/* The detector to run a Go program under in place of d: d itself, or,
 * when d's toolchain is not installed, the row of another installed
 * toolchain that stands for it (go -> go-hmap, go-race -> go-hmap-race:
 * its expect_like names d). For try and grade, where a Go program must
 * run under some Go; a check leaves a missing Go out instead. */
enum detector detector_go_stand_in(enum detector d);

/* Whether the tools the detector needs to build and run are in $PATH (and,
 * for a Go detector, its toolchain is installed). When one is missing
 * returns false and a malloc'd one-line reason in *why ("valgrind not
 * found in PATH"). */
bool detector_available(enum detector d, char **why);

#endif
