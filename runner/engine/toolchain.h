/*
 * toolchain.h - the two Go toolchains maprace runs the Go twins with,
 * chosen explicitly, never by the order of PATH.
 *
 *   current  Go >= 1.24, whose map is Swiss tables
 *            (GOROOT/src/internal/runtime/maps): $MAPRACE_GO when set,
 *            else the newest Go >= 1.24 among every `go` on PATH and Go's
 *            default install location (/usr/local/go/bin/go). Detectors
 *            go and go-race.
 *   hmap     Go <= 1.23, whose map is the hmap of buckets and incremental
 *            evacuation (GOROOT/src/runtime/map.go), the map of the
 *            article: $MAPRACE_GO_HMAP when set, else Debian's
 *            /usr/lib/go-1.19/bin/go (golang-1.19-go), else the newest
 *            Go <= 1.23 among /usr/lib/go-1.2[0-3] and every `go` on
 *            PATH. Detectors go-hmap and go-hmap-race.
 *
 * `MAPRACE_GO=none` (or MAPRACE_GO_HMAP=none) switches a toolchain off:
 * its detectors are then "not installed".
 *
 * A toolchain's version is read from GOROOT/VERSION (the first line,
 * "go1.26.8"), GOROOT being the folder above the binary's real bin/
 * folder; when that file is missing, from `go version`. A toolchain named
 * by its variable must exist and be of its kind, or it is "not found" with
 * the reason (a wrong override is never replaced by a guess).
 *
 * The runner passes both paths to make (GO=..., GO_HMAP=...), which owns
 * the build flags; `maprace doctor` shows both, with the map design each
 * has.
 */
#ifndef MAPRACE_TOOLCHAIN_H
#define MAPRACE_TOOLCHAIN_H

#include <stdbool.h>

enum go_kind { GO_CURRENT = 0, GO_HMAP, GO_KIND_COUNT };

struct go_toolchain {
    enum go_kind kind;
    char *path;    /* absolute path of the go binary; NULL: none found */
    char *goroot;  /* its GOROOT */
    char *version; /* "go1.26.8" */
    int major, minor;
    bool swiss;       /* GOROOT/src/internal/runtime/maps exists */
    const char *from; /* how it was chosen: "MAPRACE_GO", "PATH", ... */
    char *why;        /* without path: why none, one line */
};

/* The toolchain of a kind, looked up once per process. */
const struct go_toolchain *go_toolchain(enum go_kind k);

/* "current" or "hmap". */
const char *go_kind_name(enum go_kind k);

/* The environment variable that overrides it: "MAPRACE_GO" or
 * "MAPRACE_GO_HMAP". */
const char *go_kind_variable(enum go_kind k);

/* "GO=/usr/local/go/bin/go" for make, malloc'd; NULL when none is found. */
char *go_toolchain_make_arg(enum go_kind k);

/* "Swiss tables (internal/runtime/maps)" or "hmap (runtime/map.go)". */
const char *go_toolchain_design(const struct go_toolchain *t);

/* Forget what was looked up (tests that change the environment). */
void go_toolchain_reset(void);

#endif
