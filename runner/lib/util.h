/*
 * util.h - small helpers of the runner: allocation that dies on failure,
 * a growable string, whole-file reads, atomic writes, paths.
 *
 * Every allocation helper aborts with one line on stderr when memory runs
 * out: the runner has nothing sensible to do then.
 */
#ifndef MAPRACE_UTIL_H
#define MAPRACE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new malloc'd string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow an array `p` of `nr` used elements, `alloc` allocated, so that it
 * holds at least `want` elements. */
#define ALLOC_GROW(p, want, alloc)                                             \
    do {                                                                       \
        if ((want) > (alloc)) {                                                \
            size_t alloc_grow_n_ = (alloc)*2 + 8;                              \
            if (alloc_grow_n_ < (want))                                        \
                alloc_grow_n_ = (want);                                        \
            (p) = xrealloc((p), alloc_grow_n_ * sizeof(*(p)));                 \
            (alloc) = alloc_grow_n_;                                           \
        }                                                                      \
    } while (0)

/* A growable, always NUL-terminated string. Zero-initialise, or use
 * STRBUF_INIT. */
struct strbuf {
    char *buf;
    size_t len, alloc;
};
#define STRBUF_INIT                                                            \
    {                                                                          \
        NULL, 0, 0                                                             \
    }

void strbuf_add(struct strbuf *sb, const char *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The string, "" when nothing was added (never NULL). */
const char *strbuf_str(const struct strbuf *sb);
/* Hand the buffer to the caller (malloc'd, never NULL); sb is reset. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);

/* A growable, NULL-terminated array of malloc'd strings (an argv or an
 * environment). Zero-initialise. */
struct strvec {
    char **v; /* NULL-terminated once anything was pushed */
    size_t nr, alloc;
};
void strvec_push(struct strvec *sv, const char *s);
void strvec_pushf(struct strvec *sv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Take ownership of a malloc'd string. */
void strvec_push_nodup(struct strvec *sv, char *s);
void strvec_release(struct strvec *sv);
/* Push each field of s between the separators sep ("tsan,drd" with ','),
 * empty fields left out; returns how many were pushed. */
size_t strvec_split(struct strvec *sv, const char *s, char sep);

/* Print "maprace: <msg>" on stderr (one line) and return -1, so that a
 * caller can write `return error("cannot open %s: %s", ...)` (git's
 * convention). */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, prefixed "warning: ". */
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a whole file into a malloc'd, NUL-terminated buffer; at most `cap`
 * bytes when cap > 0. Returns NULL (errno set) when it cannot be read. */
char *read_file(const char *path, size_t cap, size_t *len);

/* Write `len` bytes to `path` atomically: a temporary file beside it, then
 * rename(2). Returns 0, or -1 with errno set. */
int write_file_atomic(const char *path, const char *data, size_t len);

/* Make a directory and its parents (mode 0777 & ~umask). 0 or -1. */
int mkdir_p(const char *path);

/* "a" + "/" + "b", malloc'd. */
char *path_join(const char *a, const char *b);
/* An absolute version of a path given on the command line: itself when
 * absolute, else joined to the current folder (as given when that cannot
 * be read). Malloc'd. */
char *path_absolute(const char *path);
/* Whether path names a Go source file: a base name with a stem, ending in
 * ".go". */
bool path_is_go(const char *path);

/* Whether two paths name the same source, as detectors print paths
 * (absolute, relative to the build's cwd, or a bare file name): the file
 * name and, when both have one, the folder above it (the case) must be
 * equal. "cases/x/racy.c" matches "/repo/cases/x/racy.c" and "racy.c";
 * "y/racy.c" does not match "x/racy.c". */
bool path_suffix_match(const char *a, const char *b);

/* Look `prog` up in $PATH (or take it as is when it has a slash). Returns
 * the malloc'd path of an executable file, or NULL. */
char *find_in_path(const char *prog);

/* Seconds on the monotonic clock. */
double now_s(void);

/* Whether `s` starts with `prefix`; ends with `suffix`. */
/* The name a C definition's head declares ("static
 * __attribute__((noinline)) void assign_six(void)" -> "assign_six"): the
 * identifier before the first `(` that is not an __attribute__'s.
 * Malloc'd, or NULL. */
char *c_defined_name(const char *head);

/* Whether `name` is among names[0..n) (no names: every name is). */
bool names_select(char **names, size_t n, const char *name);

bool starts_with(const char *s, const char *prefix);
bool ends_with(const char *s, const char *suffix);
/* The 32-bit FNV-1a hash of s (short stable names for folders). */
uint32_t fnv1a(const char *s);

/* The largest number of seconds opt_seconds() accepts: a week. */
#define OPT_SECONDS_MAX 604800

/* The value of a command-line option: `s`, given for option `opt`, as an
 * integer >= min into *out, or as seconds > 0 into *out. 0, or -1 after
 * error("bad value '<s>' for <opt> (want ...)"). */
int opt_int(const char *opt, const char *s, int min, int *out);
int opt_seconds(const char *opt, const char *s, double *out);

/* An installed maprace's kit for `try` outside a repository: the folder
 * share/maprace beside the bin/ folder this executable is in
 * (/proc/self/exe), when it holds the Makefile and model/ that `make
 * install` put there. Malloc'd absolute path, or NULL. */
char *installed_kit(void);

/* Where an installed maprace builds and writes reports outside a
 * repository: $XDG_CACHE_HOME/maprace, else $HOME/.cache/maprace, else
 * /tmp/maprace-<uid>. Malloc'd. */
char *user_cache_dir(void);

#endif
