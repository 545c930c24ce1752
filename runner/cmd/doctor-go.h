/*
 * doctor-go.h - `maprace doctor`'s check of one Go toolchain (toolchain.h:
 * the current Go for go and go-race, the hmap Go for go-hmap and
 * go-hmap-race): a small program with a map written by two goroutines
 * built with `go build` and with `go build -race`; the race build must
 * report the race (WARNING: DATA RACE, exit status 66). The builds use the
 * build tree's GOCACHE and GOPATH (<root>/build/go-cache, gopath) when
 * there is a repository, so that a doctor run warms the cache `make` then
 * uses, and writes nothing outside it.
 */
#ifndef MAPRACE_DOCTOR_GO_H
#define MAPRACE_DOCTOR_GO_H

#include <stdbool.h>

#include "engine/toolchain.h"

struct go_check {
    char *version; /* "go1.19.8", or NULL when the toolchain is missing */
    char *plain;   /* why `go build` does not work, or NULL when it does */
    char *race;    /* why go -race does not work (or does not report the
                      race), or NULL when it does */
};

/* Run the checks of toolchain k in the scratch folder tmp. root may be
 * NULL. */
void go_check_run(const char *root, const char *tmp, enum go_kind k,
                  struct go_check *g);

/* Whether the detector works here: `race` for go-race. *why: malloc'd
 * reason, or NULL. */
bool go_check_usable(const struct go_check *g, bool race, char **why);

void go_check_release(struct go_check *g);

#endif
