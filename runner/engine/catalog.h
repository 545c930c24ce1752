/*
 * catalog.h - the cases: cases/<name>/case.ini and its sources, read and
 * validated per docs/case-format.md (the contract).
 *
 * The catalog is rejected as a whole on the first problem, with one line
 * naming the file, the line and the problem:
 *
 *     cases/x/case.ini:7: unknown key 'expekt' in [racy]
 *
 * Rejected: an unknown section or key, a duplicate key, a missing required
 * [case] key, a section without its .c file, a .c without its section, a
 * detector left without an expectation, an expectation that is not one of
 * race, clean, fatal <msg>, symptom <text>, miss <reason>,
 * false-positive <reason>, lock-order, thread-leak, mutex-misuse,
 * use-after-free, signal-unsafe, exit <N>, signal <NAME> (native sees no
 * report: it takes none of race, false-positive and the report kinds), a
 * `race` expected of a variant without RACE: marker, a bad timeout, a
 * detector option the runner owns (tsan_options' log_path or exitcode,
 * valgrind's --tool, --xml*, --log-*).
 * Rejected too: go, like native, expecting race, false-positive or a
 * report kind;
 * a <name>.go (Go twin) without <name>.c, a `no-go-twin` reason beside a
 * twin, an expectation for go or go-race without a twin, and, in a case
 * that has Go twins, a variant with neither a twin nor `no-go-twin`.
 */
#ifndef MAPRACE_CATALOG_H
#define MAPRACE_CATALOG_H

#include "engine/detectors.h"
#include "lib/markers.h"

#include <stdbool.h>
#include <stddef.h>

enum expect_kind {
    EXPECT_NONE = 0,
    EXPECT_RACE,
    EXPECT_CLEAN,
    EXPECT_FATAL,          /* arg: the Go message, "concurrent map writes" */
    EXPECT_SYMPTOM,        /* arg: text the program prints on stdout */
    EXPECT_MISS,           /* arg: why the detector cannot see it */
    EXPECT_FALSE_POSITIVE, /* arg: why the detector reports it */
    EXPECT_LOCK_ORDER,     /* a report of that kind (finding.h) with a */
    EXPECT_THREAD_LEAK,    /* frame in the variant's source */
    EXPECT_MUTEX_MISUSE,
    EXPECT_USE_AFTER_FREE,
    EXPECT_SIGNAL_UNSAFE,
    EXPECT_EXIT,   /* arg: the exit status; num: it */
    EXPECT_SIGNAL, /* arg: "SIGSEGV"; num: the signal number */
    EXPECT_ANY,    /* maprace try without --expect: whatever is reported
                      (never from case.ini) */
};

struct expectation {
    enum expect_kind kind;
    char *arg;  /* NULL for race and clean */
    char *text; /* the value as written, normalised ("fatal concurrent
                   map writes") */
    int line;   /* line of case.ini it comes from */
    int num;    /* exit N: N; signal NAME: the signal's number */
};

struct variant {
    char *name;   /* "racy", "fixed-rwlock" */
    char *source; /* path of the .c file */
    char *title;  /* optional, or NULL */
    int line;     /* line of its [section] in case.ini */
    struct expectation expect[DET_COUNT]; /* kind NONE for go and go-race
                                             without a Go twin */
    struct markers markers;
    char *go_source;           /* path of its Go twin <name>.go, or NULL */
    struct markers go_markers; /* the Go twin's RACE: markers */
    char *no_go_twin;          /* why it has none (case.ini), or NULL */
    /* The Go its twin needs: N of a `//go:build go1.N` line before
     * `package` (0: none). A Go detector whose toolchain is older has no
     * cell for it (variant_has_cell). */
    int go_min_minor;
};

struct mcase {
    char *name; /* folder name, "map-concurrent-writes" */
    char *dir;  /* path of the folder */
    char *ini;  /* path of case.ini */
    char *title, *go, *article, *family, *why;
    char *args; /* or NULL */
    /* Why the case does not build on the Swiss-table model (case.ini
     * `no-swiss`): it has no cell of a swiss_model detector. NULL: it
     * runs on both models. */
    char *no_swiss;
    /* Why the case does not build on the hmap model (case.ini `no-hmap`):
     * it has no cell of a C detector of the hmap model (native, tsan,
     * tsan-gcc, helgrind, drd). NULL: it runs on the hmap model. */
    char *no_hmap;
    /* Detector options (docs/case-format.md), or NULL: TSan flags for
     * TSAN_OPTIONS, extra valgrind flags for both tools and for each. */
    char *tsan_options, *valgrind_options, *helgrind_options, *drd_options;
    double timeout; /* seconds, 0 when not set */
    struct variant *variants;
    size_t nr_variants, alloc_variants;
};

struct catalog {
    char *dir; /* the folder that holds the cases */
    struct mcase *cases;
    size_t nr, alloc;
};

/* The case families a case.ini may name (family = ...), NULL-terminated. */
extern const char *const catalog_families[];

/* Read every case of `dir` (each subfolder with a case.ini, sorted by
 * name; a subfolder without one is skipped with a warning). Returns 0, or
 * -1 with a malloc'd one-line message in *why (the catalog is then empty). */
int catalog_load(const char *dir, struct catalog *cat, char **why);

/* Read one case folder into c. Returns 0, or -1 with *why set; release c
 * with case_release() either way. */
int case_load(const char *dir, const char *name, struct mcase *c, char **why);

/* The value of one of the case's option keys ("tsan_options",
 * "valgrind_options", "helgrind_options", "drd_options"), or NULL. */
const char *case_option(const struct mcase *c, const char *key);

/* Whether variant v has a cell of detector d: a Go detector (go_twin)
 * needs the variant's Go twin, and a toolchain no older than the twin's
 * `//go:build go1.N` (a toolchain not installed is not judged here: its
 * cells are "not installed" errors). When it has none and why is not
 * NULL, *why is a malloc'd reason ("its Go twin needs Go 1.21
 * (//go:build go1.21); the hmap Go is go1.19.8"), or NULL for a variant
 * without a twin (its reason is no_go_twin). */
bool variant_has_cell(const struct variant *v, enum detector d, char **why);

/* Whether case c builds on the model detector d runs (a Go detector runs
 * the twin: always true): false for a swiss_model detector when the case
 * says no-swiss, and for a C detector of the hmap model when it says
 * no-hmap. When false and why is not NULL, *why is the case's reason. */
bool case_has_model(const struct mcase *c, enum detector d, const char **why);

/* The case named `name`, or NULL. */
struct mcase *catalog_find(const struct catalog *cat, const char *name);

/* "race", "clean", "fatal", "symptom", "miss", "false-positive",
 * "lock-order", "thread-leak", "mutex-misuse", "use-after-free",
 * "signal-unsafe", "exit", "signal", "any". */
const char *expect_kind_name(enum expect_kind k);

/* Whether the expectation is a kind of report (race, lock-order,
 * thread-leak, mutex-misuse, use-after-free, signal-unsafe), which a
 * detector that sees no reports (native) cannot expect. */
bool expect_is_report(enum expect_kind k);

/* Parse one expectation value (any but `any`). Returns 0, or -1 with a
 * malloc'd reason ("'fatal' needs the Go message"). */
int expectation_parse(const char *value, struct expectation *e, char **why);

void case_release(struct mcase *c);
void catalog_release(struct catalog *cat);

#endif
