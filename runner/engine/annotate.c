/*
 * annotate.c - frame classification and the lookup of engine/annotate-table.c's
 * table (annotate.h).
 */
#include "engine/annotate.h"

#include "lib/text.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

const struct go_counterpart *annotate_lookup(const char *func)
{
    if (!func || !*func)
        return NULL;
    /* gcc clones: "evacuate.constprop.0", "mapassign.part.1" */
    size_t n = strcspn(func, ".");
    for (size_t i = 0; i < nr_go_counterparts; i++)
        if (strlen(go_counterparts[i].func) == n &&
            !strncmp(go_counterparts[i].func, func, n))
            return &go_counterparts[i];
    return NULL;
}

bool annotate_is_swiss_model_file(const char *file)
{
    return file && strstr(file, "model/swiss/");
}

const struct go_counterpart *annotate_lookup_in(const char *func,
                                                const char *file)
{
    if (!func || !*func)
        return NULL;
    if (annotate_is_swiss_model_file(file)) {
        size_t n = strcspn(func, ".");
        for (size_t i = 0; i < nr_go_counterparts; i++)
            if (go_counterparts[i].swiss &&
                strlen(go_counterparts[i].func) == n &&
                !strncmp(go_counterparts[i].func, func, n))
                return &go_counterparts[i];
    }
    return annotate_lookup(func);
}

/* The length of a Go function's name (its first n bytes) without the
 * suffix of a specialised map variant ("runtime.mapassign_fast64" ->
 * "runtime.mapassign"). */
static size_t go_generic_len(const char *f, size_t n)
{
    static const char *const suffixes[] = {"_fast32ptr", "_fast64ptr",
                                           "_fast32", "_fast64", "_faststr"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && !strncmp(f + n - k, suffixes[i], k))
            return n - k;
    }
    return n;
}

const struct go_counterpart *annotate_lookup_go(const char *gofunc, bool swiss)
{
    if (!gofunc || !*gofunc)
        return NULL;
    size_t n = go_generic_len(gofunc, strlen(gofunc));
    const struct go_counterpart *any = NULL;
    for (size_t i = 0; i < nr_go_counterparts; i++) {
        /* a row may name the specialised variant the model is (the Swiss
         * rows' "runtime.mapassign_fast64"): fold it too */
        const char *go = go_counterparts[i].go;
        if (go_generic_len(go, strcspn(go, " ")) != n || strncmp(go, gofunc, n))
            continue;
        if (go_counterparts[i].swiss == swiss)
            return &go_counterparts[i];
        if (!any)
            any = &go_counterparts[i];
    }
    return any;
}

bool annotate_is_swiss_frame(const char *func, const char *file)
{
    return (func && starts_with(func, "internal/runtime/maps.")) ||
           (file && strstr(file, "/internal/runtime/maps/"));
}

bool annotate_is_go_frame(const char *func, const char *file)
{
    return file && (ends_with(file, ".go") ||
                    (ends_with(file, ".s") && strstr(file, "/src/runtime/")));
}

/* A frame of a Go program: the case's own .go source, a runtime function
 * the model stands for, the rest of the runtime (folded), or the standard
 * library. */
static enum frame_class classify_go(const char *func, const char *file)
{
    char *rel = annotate_relpath(file);
    bool in_case = starts_with(rel, "cases/");
    free(rel);
    if (in_case)
        return FRAME_CASE;
    const struct go_counterpart *g =
        annotate_lookup_go(func, annotate_is_swiss_frame(func, file));
    if (g)
        return g->hidden ? FRAME_HIDDEN : FRAME_MODEL;
    if (func &&
        (starts_with(func, "runtime.") || starts_with(func, "internal/race.") ||
         starts_with(func, "internal/runtime/")))
        return FRAME_HIDDEN;
    return FRAME_OTHER;
}

const char *frame_class_name(enum frame_class c)
{
    switch (c) {
    case FRAME_CASE:
        return "case";
    case FRAME_MODEL:
        return "model";
    case FRAME_HIDDEN:
        return "hidden";
    case FRAME_OTHER:
        break;
    }
    return "other";
}

/* Where the last path component "dir/" starts in file, or NULL. */
static const char *last_component(const char *file, const char *dir)
{
    const char *found = NULL;
    for (const char *p = file; (p = strstr(p, dir)); p++)
        if (p == file || p[-1] == '/')
            found = p;
    return found;
}

char *annotate_relpath(const char *file)
{
    if (!file)
        return NULL;
    static const char *const dirs[] = {"cases/", "model/", "runner/"};
    const char *best = NULL;
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        const char *p = last_component(file, dirs[i]);
        if (p && (!best || p > best))
            best = p;
    }
    return xstrdup(best ? best : file);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* A source file of a detector's runtime, by what it is: a file of the
 * sanitizer runtimes (tsan_*, sanitizer_*, interception_*) in their own
 * source trees (gcc's libsanitizer, LLVM's compiler-rt), or one of
 * valgrind's preload sources. Never a word anywhere in the path: a
 * user's program kept in a folder named tsan or valgrind is the user's. */
static bool runtime_file(const char *file)
{
    static const char *const sanitizer_files[] = {"tsan_", "sanitizer_",
                                                  "interception_"};
    static const char *const valgrind_files[] = {
        "hg_intercepts.c", "drd_pthread_intercepts.c",
        "drd_qtcore_intercepts.c", "vg_replace_malloc.c",
        "vg_replace_strmem.c"};
    const char *base = base_name(file);
    bool tree =
        strstr(file, "libsanitizer/") || strstr(file, "compiler-rt/lib/");
    for (size_t i = 0; i < sizeof(sanitizer_files) / sizeof(sanitizer_files[0]);
         i++)
        if (tree && starts_with(base, sanitizer_files[i]))
            return true;
    for (size_t i = 0; i < sizeof(valgrind_files) / sizeof(valgrind_files[0]);
         i++)
        if (!strcmp(base, valgrind_files[i]))
            return true;
    return false;
}

/* An object of libc, the loader, a sanitizer runtime or valgrind's
 * preloads, by its file name (the folder it sits in is not looked at). */
static bool runtime_module(const char *module)
{
    static const char *const prefixes[] = {
        "libc.so",  "libc-",    "ld-linux",  "ld-musl",      "libpthread",
        "libtsan.", "libasan.", "libubsan.", "libclang_rt.", "vgpreload_",
    };
    const char *base = base_name(module);
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (starts_with(base, prefixes[i]))
            return true;
    return false;
}

/* Functions of libc, the loader, the TSan runtime and valgrind that show
 * up in stacks without a module to tell them by. */
static bool runtime_func(const char *func)
{
    static const char *const prefixes[] = {
        "__tsan", "__interceptor", "__sanitizer", "_vgr",    "__libc_",
        "__GI_",  "_dl_",          "__pthread",   "__clone",
    };
    static const char *const names[] = {
        "start_thread", "clone",  "clone3",  "pthread_create", "_start",
        "malloc",       "calloc", "realloc", "free",           "abort",
        "raise",        "exit",   "_exit",   "sched_yield",    "nanosleep",
    };
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (starts_with(func, prefixes[i]))
            return true;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(func, names[i]))
            return true;
    return false;
}

/* An interceptor of the TSan runtime: clang links them into the program
 * itself, so they come with the program's module and no source
 * ("pthread_mutex_lock <null> (prog+0x6ef3a)"): a C library function
 * without a file. */
static bool interceptor_func(const char *func, const char *file)
{
    static const char *const prefixes[] = {"pthread_", "sem_", "operator new",
                                           "operator delete", "__cxa_"};
    static const char *const names[] = {
        "memcpy",  "memmove",        "memset",        "memcmp", "strlen",
        "strcpy",  "strcmp",         "usleep",        "sleep",  "write",
        "read",    "open",           "close",         "printf", "puts",
        "fprintf", "signal",         "sigaction",     "kill",   "fork",
        "atexit",  "posix_memalign", "aligned_alloc",
    };
    if (!func || file)
        return false;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (starts_with(func, prefixes[i]))
            return true;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(func, names[i]))
            return true;
    return false;
}

enum frame_class annotate_classify(const char *func, const char *file,
                                   const char *module)
{
    if (annotate_is_go_frame(func, file))
        return classify_go(func, file);
    if (file && last_component(file, "model/") &&
        strstr(file, "model/window.c"))
        return FRAME_HIDDEN;
    const struct go_counterpart *g = annotate_lookup(func);
    if (g && g->hidden)
        return FRAME_HIDDEN;
    if (module && runtime_module(module))
        return FRAME_HIDDEN;
    if (file) {
        if (runtime_file(file))
            return FRAME_HIDDEN;
        char *rel = annotate_relpath(file);
        enum frame_class c = FRAME_OTHER;
        if (starts_with(rel, "cases/"))
            c = FRAME_CASE;
        else if (starts_with(rel, "model/"))
            c = FRAME_MODEL;
        free(rel);
        if (c != FRAME_OTHER)
            return c;
    }
    if (g)
        return FRAME_MODEL;
    if (func && (runtime_func(func) || interceptor_func(func, file)))
        return FRAME_HIDDEN;
    if (!func && !file)
        return FRAME_HIDDEN; /* a bare address: nothing to read */
    return FRAME_OTHER;
}

void annotate_frame_of(const char *func, const char *file, const char *module,
                       struct frame_annotation *out)
{
    memset(out, 0, sizeof(*out));
    out->cls = annotate_classify(func, file, module);
    if (file)
        out->path = annotate_relpath(file);
    if (annotate_is_go_frame(func, file)) {
        /* a real Go frame: the model function that stands for it */
        const struct go_counterpart *g =
            annotate_lookup_go(func, annotate_is_swiss_frame(func, file));
        if (g && (out->cls == FRAME_MODEL || out->cls == FRAME_HIDDEN)) {
            out->model = g->func;
            out->role = g->role;
        }
        return;
    }
    const struct go_counterpart *g = annotate_lookup_in(func, file);
    if (g && (out->cls == FRAME_MODEL || out->cls == FRAME_HIDDEN)) {
        out->go = g->go;
        out->role = g->role;
    }
}
