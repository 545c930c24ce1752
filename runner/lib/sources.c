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
static char *locate(json_t *results, const char *case_name, const char *source)
{
    char *p = regular(xstrdup(source));
    if (p)
        return p;
    const char *slash = strrchr(source, '/');
    const char *file = slash ? slash + 1 : source;
    const char *cat = json_string_value(
        json_object_get(json_object_get(results, "options"), "catalog"));
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

char *source_of_variant(json_t *results, const char *name)
{
    static const char *const keys[] = {"source", "go_source"};
    if (!name || !*name)
        return NULL;
    json_t *c, *v;
    size_t i, k;
    json_array_foreach(json_object_get(results, "cases"), i, c)
    {
        const char *case_name = json_string_value(json_object_get(c, "name"));
        json_array_foreach(json_object_get(c, "variants"), k, v)
        {
            for (size_t j = 0; j < 2 && case_name; j++) {
                const char *src =
                    json_string_value(json_object_get(v, keys[j]));
                if (src && names_source(name, case_name, src))
                    return locate(results, case_name, src);
            }
        }
    }
    return NULL;
}
