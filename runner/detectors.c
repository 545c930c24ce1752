/*
 * detectors.c - the detector table (see detectors.h).
 */
#include "detectors.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    const char *flavour;
    const char *tools[3]; /* what must be in PATH to build and run it */
} detectors[DET_COUNT] = {
    [DET_NATIVE] = {"native", "native", {"gcc", NULL}},
    [DET_TSAN] = {"tsan", "tsan", {"clang", NULL}},
    [DET_TSAN_GCC] = {"tsan-gcc", "tsan-gcc", {"gcc", NULL}},
    [DET_HELGRIND] = {"helgrind", "native", {"gcc", "valgrind", NULL}},
    [DET_DRD] = {"drd", "native", {"gcc", "valgrind", NULL}},
};

const char *detector_name(enum detector d)
{
    return detectors[d].name;
}

const char *detector_flavour(enum detector d)
{
    return detectors[d].flavour;
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
    return d != DET_NATIVE;
}

bool detector_is_valgrind(enum detector d)
{
    return d == DET_HELGRIND || d == DET_DRD;
}

bool detector_is_tsan(enum detector d)
{
    return d == DET_TSAN || d == DET_TSAN_GCC;
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

bool detector_available(enum detector d, char **why)
{
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
