/*
 * report-diagram.c - a race as two thread lanes (see report-diagram.h).
 */
#include "report-diagram.h"

#include "report-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LANE_W = 42, MAX_RULES = 8 };

/* What one lane shows: its thread, the access and where it was made. */
struct lane {
    const char *thread; /* "T1", "2", or NULL */
    const char *kind;   /* "read", "write", or NULL */
    char *where;        /* "racy.c:57 assign_five" */
    char *model;        /* "mapassign (map.c:807)", or NULL */
};

struct diagram {
    struct lane lane[2];
    char *rules[MAX_RULES]; /* "auditor waits at W_X until bank reaches W_Y" */
    size_t nr_rules;
};

static const char *base_name(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : path ? path : "?";
}

/* The top frame of the model in an access, as "func (file:line)". */
static char *model_frame(json_t *access)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(access, "frames"), i, f)
    {
        const char *cls = jstr(f, "class");
        if (cls && !strcmp(cls, "model"))
            return xasprintf("%s (%s:%lld)", jstr(f, "func"),
                             base_name(jstr(f, "path")),
                             (long long)jint(f, "line"));
    }
    return NULL;
}

/* Fill each lane from the first detector that reported both accesses. */
static void fill_accesses(struct diagram *d, json_t *race)
{
    size_t i, k;
    json_t *ev, *a;
    json_array_foreach(json_object_get(race, "detectors"), i, ev)
    {
        json_t *acc = json_object_get(ev, "accesses");
        bool seen[2] = {false, false};
        json_array_foreach(acc, k, a)
        {
            json_int_t at = jint(a, "at");
            if (at == 0 || at == 1)
                seen[at] = true;
        }
        if (!seen[0] || !seen[1])
            continue;
        json_array_foreach(acc, k, a)
        {
            struct lane *l = &d->lane[jint(a, "at") == 1];
            if (l->kind || (jint(a, "at") != 0 && jint(a, "at") != 1))
                continue;
            l->thread = jstr(a, "thread");
            l->kind = jstr(a, "kind");
            l->model = model_frame(a);
        }
        return;
    }
}

/* "auditor_role" -> "auditor". */
static char *role_name(const char *s)
{
    size_t n = strlen(s);
    if (n > 5 && !strcmp(s + n - 5, "_role"))
        n -= 5;
    return xstrndup(s, n);
}

/* The forcing plan of the variant: its window_rule entries, read from its
 * source ({role, W_AT, wait_role, W_FOR}). */
static void fill_rules(struct diagram *d, json_t *results, const char *path)
{
    int n;
    char **lines = source_lines(results, path, NULL, 1, 100000, &n);
    bool in_plan = false;
    for (int i = 0; lines && i < n && d->nr_rules < MAX_RULES; i++) {
        if (strstr(lines[i], "struct window_rule"))
            in_plan = true;
        if (!in_plan)
            continue;
        char r1[64], w1[64], r2[64], w2[64];
        const char *p = strchr(lines[i], '{');
        if (p &&
            sscanf(p,
                   "{%63[A-Za-z0-9_] , %63[A-Z0-9_] , %63[A-Za-z0-9_] , "
                   "%63[A-Z0-9_]}",
                   r1, w1, r2, w2) == 4 &&
            !strncmp(w1, "W_", 2) && !strncmp(w2, "W_", 2)) {
            char *a = role_name(r1), *b = role_name(r2);
            d->rules[d->nr_rules++] =
                xasprintf("%s waits at %s until %s reaches %s", a, w1, b, w2);
            free(a);
            free(b);
        }
        if (strstr(lines[i], "};"))
            in_plan = false;
    }
    if (lines)
        source_lines_free(lines, n);
}

/* 0 when the race has no two locations. */
static int diagram_load(struct diagram *d, json_t *results, json_t *race)
{
    memset(d, 0, sizeof(*d));
    json_t *locs = json_object_get(race, "locations");
    if (json_array_size(locs) < 2)
        return 0;
    for (int i = 0; i < 2; i++) {
        json_t *loc = json_array_get(locs, (size_t)i);
        d->lane[i].where =
            xasprintf("%s:%lld %s", base_name(jstr(loc, "path")),
                      (long long)jint(loc, "line"),
                      jstr(loc, "func") ? jstr(loc, "func") : "?");
    }
    fill_accesses(d, race);
    fill_rules(d, results, jstr(json_array_get(locs, 0), "path"));
    return 1;
}

static void diagram_release(struct diagram *d)
{
    for (int i = 0; i < 2; i++) {
        free(d->lane[i].where);
        free(d->lane[i].model);
    }
    for (size_t i = 0; i < d->nr_rules; i++)
        free(d->rules[i]);
}

/* Columns a UTF-8 string takes (one per character). */
static int cols(const char *t)
{
    int w = 0;
    for (; *t; t++)
        w += ((unsigned char)*t & 0xc0) != 0x80;
    return w;
}

/* One text line: the left lane's cell, padded to LANE_W columns, then the
 * right one's. */
static void row(struct strbuf *sb, const char *left, const char *right)
{
    int pad = LANE_W - cols(left);
    strbuf_addf(sb, "  %s%*s%s\n", left, pad > 1 ? pad : 1, "", right);
}

static void access_rows(struct strbuf *sb, const struct lane *l, bool right)
{
    char a[160], b[160];
    snprintf(a, sizeof(a), "\u25cf %-5s %.*s", l->kind ? l->kind : "access",
             LANE_W - 10, l->where);
    snprintf(b, sizeof(b), "\u2502       %.*s", LANE_W - 10,
             l->model ? l->model : "");
    row(sb, right ? "\u2502" : a, right ? a : "\u2502");
    if (l->model)
        row(sb, right ? "\u2502" : b, right ? b : "\u2502");
}

/* The line that joins the two lanes: the edge that is not there. */
static void bottom(struct strbuf *sb, bool color)
{
    static const char label[] = " no happens-before edge ";
    int dashes = LANE_W - 1 - cols(label), left = dashes / 2;
    strbuf_addstr(sb, "  \u2570");
    for (int i = 0; i < left; i++)
        strbuf_addstr(sb, "\u2504");
    strbuf_addf(sb, "%s%s%s", color ? "\033[31m" : "", label,
                color ? "\033[0m" : "");
    for (int i = left; i < dashes; i++)
        strbuf_addstr(sb, "\u2504");
    strbuf_addstr(sb,
                  "\u256f\n  nothing orders A and B: no lock, channel, join or "
                  "release/acquire pair between them\n");
}

void race_diagram_text(struct strbuf *sb, json_t *results, json_t *race,
                       bool color)
{
    struct diagram d;
    if (!diagram_load(&d, results, race))
        return;
    char ha[64], hb[64];
    snprintf(ha, sizeof(ha), "A  thread %s",
             d.lane[0].thread ? d.lane[0].thread : "?");
    snprintf(hb, sizeof(hb), "B  thread %s",
             d.lane[1].thread ? d.lane[1].thread : "?");
    strbuf_addf(sb, "  %sinterleaving%s\n", color ? "\033[1m" : "",
                color ? "\033[0m" : "");
    row(sb, ha, hb);
    row(sb, "\u2502", "\u2502");
    access_rows(sb, &d.lane[0], false);
    access_rows(sb, &d.lane[1], true);
    bottom(sb, color);
    for (size_t i = 0; i < d.nr_rules; i++)
        strbuf_addf(sb, "  forced: %s\n", d.rules[i]);
    if (d.nr_rules)
        strbuf_addstr(sb, "  (the forcing spins on relaxed atomics: it orders "
                          "nothing a detector can see)\n");
    diagram_release(&d);
}

static void svg_text(struct strbuf *sb, int x, int y, const char *cls,
                     const char *s)
{
    strbuf_addf(sb, "<text x=\"%d\" y=\"%d\" class=\"%s\">", x, y, cls);
    html_escape(sb, s);
    strbuf_addstr(sb, "</text>");
}

void race_diagram_svg(struct strbuf *sb, json_t *results, json_t *race)
{
    struct diagram d;
    if (!diagram_load(&d, results, race))
        return;
    int h = 150 + 16 * (int)d.nr_rules;
    strbuf_addf(
        sb,
        "<svg class=\"interleaving\" xmlns=\"http://www.w3.org/2000/svg\" "
        "width=\"720\" height=\"%d\" role=\"img\"><title>the "
        "interleaving: two threads, two unordered accesses</title>\n",
        h);
    for (int i = 0; i < 2; i++) {
        const struct lane *l = &d.lane[i];
        int x = 20 + 360 * i, y = 50 + 40 * i;
        char head[64], acc[200];
        snprintf(head, sizeof(head), "%c  thread %s", 'A' + i,
                 l->thread ? l->thread : "?");
        snprintf(acc, sizeof(acc), "%s %s", l->kind ? l->kind : "access",
                 l->where);
        strbuf_addf(sb,
                    "<line x1=\"%d\" y1=\"24\" x2=\"%d\" y2=\"120\" "
                    "stroke=\"#888\"/>",
                    x, x);
        svg_text(sb, x - 6, 16, "lane", head);
        strbuf_addf(sb, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"#333\"/>",
                    x, y);
        svg_text(sb, x + 10, y + 4, "acc", acc);
        if (l->model)
            svg_text(sb, x + 10, y + 18, "model", l->model);
    }
    strbuf_addstr(sb, "<line x1=\"20\" y1=\"50\" x2=\"380\" y2=\"90\" "
                      "stroke=\"#c00\" stroke-dasharray=\"5,4\"/>");
    svg_text(sb, 110, 136, "nohb", "no happens-before edge: A and B unordered");
    for (size_t i = 0; i < d.nr_rules; i++) {
        char line[300];
        snprintf(line, sizeof(line), "forced: %s", d.rules[i]);
        svg_text(sb, 20, 156 + 16 * (int)i, "forced", line);
    }
    strbuf_addstr(sb, "</svg>\n");
    diagram_release(&d);
}
