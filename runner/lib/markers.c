/*
 * markers.c - find the RACE: marker comments of a source (see markers.h).
 */
#include "lib/markers.h"

#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

static const char *find_in(const char *s, const char *end, const char *needle)
{
    size_t n = strlen(needle);
    for (; s + n <= end; s++)
        if (!memcmp(s, needle, n))
            return s;
    return NULL;
}

static void scan_line(const char *path, int lineno, const char *s,
                      const char *end, struct markers *m)
{
    const char *c1 = find_in(s, end, "/*");
    const char *c2 = find_in(s, end, "//");
    const char *comment = c1 && (!c2 || c1 < c2) ? c1 : c2;
    if (!comment)
        return;
    const char *race = find_in(comment + 2, end, "RACE:");
    if (!race)
        return;
    const char *t = race + strlen("RACE:");
    const char *close = find_in(t, end, "*/");
    const char *te = close ? close : end;
    while (t < te && (*t == ' ' || *t == '\t'))
        t++;
    while (te > t && (te[-1] == ' ' || te[-1] == '\t' || te[-1] == '\r'))
        te--;
    ALLOC_GROW(m->items, m->nr + 1, m->alloc);
    struct marker *mk = &m->items[m->nr++];
    mk->file = xstrdup(path);
    mk->line = lineno;
    mk->text = xstrndup(t, (size_t)(te - t));
}

static void add_file(const char *path, struct markers *m)
{
    ALLOC_GROW(m->files, m->nr_files + 1, m->alloc_files);
    m->files[m->nr_files++] = xstrdup(path);
}

void markers_scan_buf(const char *path, const char *buf, size_t len,
                      struct markers *m)
{
    const char *s = buf, *end = buf + len;
    add_file(path, m);
    int lineno = 1;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        scan_line(path, lineno, s, le, m);
        lineno++;
        s = nl ? nl + 1 : end;
    }
}

int markers_scan(const char *path, struct markers *m)
{
    size_t len;
    char *buf = read_file(path, 0, &len);
    if (!buf)
        return -1;
    markers_scan_buf(path, buf, len, m);
    free(buf);
    return 0;
}

int markers_mark_all(const char *path, struct markers *m)
{
    size_t len;
    char *buf = read_file(path, 0, &len);
    if (!buf)
        return -1;
    int lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += buf[i] == '\n';
    if (len && buf[len - 1] != '\n')
        lines++;
    free(buf);
    add_file(path, m);
    for (int l = 1; l <= lines; l++) {
        ALLOC_GROW(m->items, m->nr + 1, m->alloc);
        struct marker *mk = &m->items[m->nr++];
        mk->file = xstrdup(path);
        mk->line = l;
        mk->text = xstrdup("");
    }
    return 0;
}

bool markers_in_files(const struct markers *m, const char *file)
{
    if (!file)
        return false;
    for (size_t i = 0; i < m->nr_files; i++)
        if (path_suffix_match(m->files[i], file))
            return true;
    return false;
}

const struct marker *markers_find(const struct markers *m, const char *file,
                                  int line)
{
    if (!file || line <= 0)
        return NULL;
    for (size_t i = 0; i < m->nr; i++)
        if (m->items[i].line == line &&
            path_suffix_match(m->items[i].file, file))
            return &m->items[i];
    return NULL;
}

void markers_release(struct markers *m)
{
    for (size_t i = 0; i < m->nr; i++) {
        free(m->items[i].file);
        free(m->items[i].text);
    }
    free(m->items);
    for (size_t i = 0; i < m->nr_files; i++)
        free(m->files[i]);
    free(m->files);
    memset(m, 0, sizeof(*m));
}
