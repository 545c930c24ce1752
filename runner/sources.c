/*
 * sources.c - a report reads only the variants' own sources (see
 * sources.h).
 */
#include "sources.h"

#include "util.h"

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

char *source_of_variant(json_t *results, const char *name)
{
    if (!name || !*name)
        return NULL;
    json_t *c, *v;
    size_t i, k;
    json_array_foreach(json_object_get(results, "cases"), i, c)
    {
        const char *case_name = json_string_value(json_object_get(c, "name"));
        json_array_foreach(json_object_get(c, "variants"), k, v)
        {
            const char *src = json_string_value(json_object_get(v, "source"));
            if (!case_name || !src || !path_suffix_match(name, src))
                continue;
            /* the folder must be the case's, whatever the prefix */
            char *want =
                xasprintf("%s/%s", case_name,
                          strrchr(src, '/') ? strrchr(src, '/') + 1 : src);
            bool ok = path_suffix_match(name, want);
            free(want);
            if (ok)
                return locate(results, case_name, src);
        }
    }
    return NULL;
}
