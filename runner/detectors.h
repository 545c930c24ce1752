/*
 * detectors.h - the five detectors maprace runs a case under.
 *
 *   native    the plain build; sees only the model's Go-style checks and
 *             the program's output
 *   tsan      clang -fsanitize=thread (build flavour "tsan")
 *   tsan-gcc  gcc -fsanitize=thread (build flavour "tsan-gcc")
 *   helgrind  valgrind --tool=helgrind on the native build
 *   drd       valgrind --tool=drd on the native build
 *
 * The Makefile owns the compiler flags of each flavour; this table only
 * says which flavour a detector runs and which tools it needs.
 */
#ifndef MAPRACE_DETECTORS_H
#define MAPRACE_DETECTORS_H

#include <stdbool.h>

enum detector {
    DET_NATIVE = 0,
    DET_TSAN,
    DET_TSAN_GCC,
    DET_HELGRIND,
    DET_DRD,
    DET_COUNT
};

/* "native", "tsan", "tsan-gcc", "helgrind", "drd". */
const char *detector_name(enum detector d);

/* The build flavour whose binary the detector runs ("native", "tsan",
 * "tsan-gcc"). */
const char *detector_flavour(enum detector d);

/* The detector named `name`, or -1. */
int detector_by_name(const char *name);

/* Whether the detector reports data races itself (all but native). */
bool detector_is_race_detector(enum detector d);

/* Whether the detector runs under valgrind. */
bool detector_is_valgrind(enum detector d);

/* Whether the detector is ThreadSanitizer (clang or gcc). */
bool detector_is_tsan(enum detector d);

/* Parse a comma-separated list ("tsan,drd", "all") into mask[DET_COUNT].
 * Returns 0, or -1 with *bad pointing at a malloc'd copy of the first
 * unknown name. */
int detector_parse_list(const char *list, bool mask[DET_COUNT], char **bad);

/* Whether the tools the detector needs to build and run are in $PATH. When
 * one is missing returns false and a malloc'd one-line reason in *why
 * ("valgrind not found in PATH"). */
bool detector_available(enum detector d, char **why);

#endif
