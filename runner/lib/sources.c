/*
 * sources.c - a report reads only the variants' own sources (see
 * sources.h).
 */
#include "lib/sources.h"

#include "lib/util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A regular file, not a symbolic link. */
static char *regular(char *path)
{
    struct stat st;
    if (path && !lstat(path, &st) && S_ISREG(st.st_mode))
        return path;
    free(path);
    return NULL;
}

/* The variant's file, where it can be found. */
static char *locate(const char *cat, const char *case_name, const char *source)
{
    char *p = regular(xstrdup(source));
    if (p)
        return p;
    const char *slash = strrchr(source, '/');
    const char *file = slash ? slash + 1 : source;
    if (cat) {
        p = xasprintf("%s/%s/%s", cat, case_name, file);
        if ((p = regular(p)))
            return p;
    }
    const char *root = getenv("MAPRACE_ROOT");
    if (root && *root)
        return regular(xasprintf("%s/cases/%s/%s", root, case_name, file));
    return NULL;
}

/* Whether `name` stands for the file `src` of case `case_name`: its file
 * name and the folder it is in (the case's, or for `maprace try` the
 * program's own), whatever the prefix. */
static bool names_source(const char *name, const char *case_name,
                         const char *src)
{
    if (!path_suffix_match(name, src))
        return false;
    const char *slash = strrchr(src, '/');
    const char *file = slash ? slash + 1 : src;
    const char *dir = case_name;
    size_t dirlen = strlen(case_name);
    if (slash && slash > src) {
        const char *d = slash;
        while (d > src && d[-1] != '/')
            d--;
        dir = d;
        dirlen = (size_t)(slash - d);
    }
    char *want = xasprintf("%.*s/%s", (int)dirlen, dir, file);
    char *as_case = xasprintf("%s/%s", case_name, file);
    bool ok = path_suffix_match(name, want) || path_suffix_match(name, as_case);
    free(want);
    free(as_case);
    return ok;
}

char *source_of_variant(const char *catalog, const struct source_ref *refs,
                        size_t n, const char *name)
{
    if (!name || !*name)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (refs[i].case_name && refs[i].source &&
            names_source(name, refs[i].case_name, refs[i].source))
            return locate(catalog, refs[i].case_name, refs[i].source);
    return NULL;
}
