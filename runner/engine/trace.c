/*
 * engine/trace.c - read the forced interleaving's record (see trace.h).
 */
#include "engine/trace.h"

#include "lib/text.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Most records kept of one run: a plan has a few rules, a thread a few
 * first arrivals. */
enum { TRACE_MAX = 200 };

/* "func(...)" then "\tpath:line +0x..": one frame of the traceback. */
static json_t *frame_of(const char *head, const char *where)
{
    const char *paren = strstr(head, "(...)");
    const char *colon = strrchr(where, ':');
    if (!paren || !colon || where[0] != '\t')
        return NULL;
    json_t *f = json_object();
    char *func = xstrndup(head, (size_t)(paren - head));
    char *path = xstrndup(where + 1, (size_t)(colon - where - 1));
    json_object_set_new(f, "func", json_text(func));
    json_object_set_new(f, "path", json_text(path));
    json_object_set_new(f, "line", json_integer(atoi(colon + 1)));
    free(func);
    free(path);
    return f;
}

static bool in_model(const char *path)
{
    return starts_with(path, "model/") || strstr(path, "/model/");
}

/* The frames of an "at" record: the model function holding the window
 * (the first frame past window.c), and the case's own line. */
static void take_frames(json_t *rec, char **lines, size_t from, size_t to)
{
    for (size_t i = from; i + 1 < to; i += 2) {
        json_t *f = frame_of(lines[i], lines[i + 1]);
        if (!f)
            continue;
        const char *path = json_string_value(json_object_get(f, "path"));
        if (ends_with(path, "window.c") || ends_with(path, "throw.c") ||
            !strcmp(path, "?")) {
            json_decref(f);
        } else if (in_model(path) || ends_with(path, ".h")) {
            if (!json_object_get(rec, "model") && in_model(path))
                json_object_set(rec, "model", f);
            json_decref(f);
        } else {
            json_object_set_new(rec, "case", f);
            return;
        }
    }
}

json_t *window_trace_read(const char *path)
{
    char *text = read_file(path, (size_t)1 << 20, NULL);
    if (!text)
        return NULL;
    json_t *out = json_array();
    size_t n = 0, alloc = 0;
    char **lines = NULL;
    for (char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        if (n == alloc)
            lines = xrealloc(lines,
                             (alloc = alloc ? 2 * alloc : 64) * sizeof(*lines));
        lines[n++] = p;
        if (!p[len])
            break;
        p[len] = '\0';
        p += len + 1;
    }
    for (size_t i = 0; i < n && json_array_size(out) < TRACE_MAX; i++) {
        unsigned seq;
        int role, wr, used = 0;
        char ev[16], w[64], wf[64];
        if (sscanf(lines[i], "window %u role %d %15s %63s%n", &seq, &role, ev,
                   w, &used) != 4)
            continue;
        size_t end = i + 1;
        while (end < n && strcmp(lines[end], "end"))
            end++;
        if (end == n)
            break; /* cut short: the program died mid-record */
        json_t *rec = json_object();
        json_object_set_new(rec, "seq", json_integer(seq));
        json_object_set_new(rec, "role", json_integer(role));
        json_object_set_new(rec, "event", json_text(ev));
        json_object_set_new(rec, "window", json_text(w));
        if (!strcmp(ev, "wait") &&
            sscanf(lines[i] + used, " for %d %63s", &wr, wf) == 2) {
            json_object_set_new(rec, "wait_role", json_integer(wr));
            json_object_set_new(rec, "wait_for", json_text(wf));
        }
        if (!strcmp(ev, "at"))
            take_frames(rec, lines, i + 1, end);
        json_array_append_new(out, rec);
        i = end;
    }
    free(lines);
    free(text);
    if (!json_array_size(out)) {
        json_decref(out);
        return NULL;
    }
    return out;
}
