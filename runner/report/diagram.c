/*
 * report-diagram.c - a race as two thread lanes (see report-diagram.h).
 */
#include "report/diagram.h"

#include "lib/ansi.h"
#include "report/common.h"
#include "engine/detectors.h"

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
    strbuf_addf(sb, "%s%s%s", color ? ANSI_RED : "", label,
                color ? ANSI_RESET : "");
    for (int i = left; i < dashes; i++)
        strbuf_addstr(sb, "\u2504");
    strbuf_addf(sb, "\u256f\n  %s\n", race_unordered_text);
}

void race_diagram_text(struct strbuf *sb, json_t *results, json_t *race,
                       bool color)
{
    char *why = race_explanation(race);
    if (why) {
        strbuf_addf(sb, "  %swhat happened%s\n", color ? ANSI_BOLD : "",
                    color ? ANSI_RESET : "");
        for (const char *p = why; *p;) {
            size_t n = strcspn(p, "\n");
            strbuf_addf(sb, "  %.*s\n", (int)n, p);
            p += n + (p[n] == '\n');
        }
        free(why);
        return;
    }
    struct diagram d;
    if (!diagram_load(&d, results, race))
        return;
    char ha[64], hb[64];
    snprintf(ha, sizeof(ha), "A  thread %s",
             d.lane[0].thread ? d.lane[0].thread : "?");
    snprintf(hb, sizeof(hb), "B  thread %s",
             d.lane[1].thread ? d.lane[1].thread : "?");
    strbuf_addf(sb, "  %sinterleaving%s\n", color ? ANSI_BOLD : "",
                color ? ANSI_RESET : "");
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

const char race_unordered_text[] =
    "nothing orders A and B: no lock, channel, join or release/acquire pair "
    "between them";

static bool is_data_race(json_t *race)
{
    const char *k = jstr(race, "kind");
    return k && !strcmp(k, "data-race");
}

/* The first frame of an access that is not folded, as "func (file:line)";
 * "an unknown place" when every frame is. */
static char *where_of(json_t *acc)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(acc, "frames"), i, f)
    {
        if (json_is_true(json_object_get(f, "hidden")))
            continue;
        const char *path = jstr(f, "path") ? jstr(f, "path") : jstr(f, "file");
        return xasprintf("%s (%s:%lld)",
                         jstr(f, "func") ? jstr(f, "func") : "??",
                         base_name(path), (long long)jint(f, "line"));
    }
    return xstrdup("an unknown place");
}

static void label_where(struct strbuf *sb, const char *label, json_t *acc);

/* Whether a stack is a call of the allocator's free. */
static bool frees(json_t *acc)
{
    static const char *const names[] = {"free", "cfree", "__libc_free",
                                        "operator delete", "realloc"};
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(acc, "frames"), i, f)
    {
        const char *fn = jstr(f, "func");
        for (size_t k = 0; fn && k < sizeof(names) / sizeof(names[0]); k++)
            if (!strncmp(fn, names[k], strlen(names[k])) &&
                (!fn[strlen(names[k])] || fn[strlen(names[k])] == '('))
                return true;
    }
    return false;
}

static const char *thread_of(json_t *acc)
{
    const char *t = jstr(acc, "thread");
    return t && *t ? t : NULL;
}

/* "M0, M1" of an access's locks, or NULL when none. */
static char *locks_of(json_t *acc)
{
    json_t *locks = json_object_get(acc, "locks"), *l;
    if (!json_array_size(locks))
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    size_t i;
    json_array_foreach(locks, i, l)
    {
        if (!json_string_value(l))
            continue;
        strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", json_string_value(l));
    }
    return strbuf_detach(&sb);
}

static void explain_uaf(struct strbuf *sb, json_t *ev)
{
    json_t *freer = NULL, *user = NULL, *a;
    size_t i;
    json_t *all[2] = {json_object_get(ev, "accesses"),
                      json_object_get(ev, "more")};
    for (int k = 0; k < 2; k++)
        json_array_foreach(all[k], i, a)
        {
            if (!freer && frees(a))
                freer = a;
            else if (!user && k == 0)
                user = a;
        }
    char *fw = freer ? where_of(freer) : NULL;
    char *uw = user ? where_of(user) : NULL;
    strbuf_addstr(sb, "use after free: ");
    if (freer)
        strbuf_addf(sb, "the block was freed by %s in %s",
                    thread_of(freer) ? thread_of(freer) : "a thread", fw);
    if (freer && user)
        strbuf_addstr(sb, ", then ");
    if (user)
        strbuf_addf(sb, "%s %s it in %s",
                    thread_of(user) ? thread_of(user) : "a thread",
                    jstr(user, "kind") &&
                            !strncmp(jstr(user, "kind"), "read", 4)
                        ? "read"
                        : "wrote",
                    uw);
    strbuf_addstr(sb, ".\n");
    char *lf = freer ? locks_of(freer) : NULL,
         *lu = user ? locks_of(user) : NULL;
    if (lf && lu)
        strbuf_addf(sb,
                    "Both held a lock (%s; %s): the free and the use were "
                    "ordered, and the use still came after the free. A lock "
                    "cannot bring a freed block back: free it only after its "
                    "last user is done (joined).\n",
                    lf, lu);
    else
        strbuf_addstr(sb, "The block's life ended while another thread still "
                          "used it: free it only after its last user is done "
                          "(joined).\n");
    free(lf);
    free(lu);
    free(fw);
    free(uw);
}

static void explain_lock_order(struct strbuf *sb, json_t *ev)
{
    json_t *acc = json_object_get(ev, "accesses");
    strbuf_addstr(sb, "lock-order inversion: a cycle of acquisitions.\n");
    json_t *a;
    size_t i;
    json_array_foreach(acc, i, a)
    {
        char *w = where_of(a);
        json_int_t at = jint(a, "at");
        strbuf_addf(sb, "%c: %s, in %s\n",
                    (char)('A' + (at == 0 || at == 1 ? (int)at : (int)i)),
                    jstr(a, "label") ? jstr(a, "label") : "an acquisition", w);
        free(w);
    }
    const char *t0 = thread_of(json_array_get(acc, 0));
    const char *t1 = thread_of(json_array_get(acc, 1));
    if (t0 && t1 && !strcmp(t0, t1))
        strbuf_addf(sb,
                    "One thread (%s) took the locks in both orders, so this "
                    "run could not deadlock; two threads taking them in these "
                    "orders at once could each wait for the other forever.\n",
                    t0);
    else if (t0 && t1)
        strbuf_addf(sb,
                    "Two threads (%s and %s) took the locks in opposite "
                    "orders; had they held their first lock at once, each "
                    "would have waited for the other forever (a deadlock). "
                    "The report is about the order, not a deadlock that "
                    "happened.\n",
                    t0, t1);
    else
        strbuf_addstr(sb, "Taken in opposite orders by threads that may run at "
                          "once, each could wait for the other forever (a "
                          "deadlock). The report is about the order, not a "
                          "deadlock that happened.\n");
}

static void explain_thread_leak(struct strbuf *sb, json_t *ev)
{
    json_t *a = json_array_get(json_object_get(ev, "accesses"), 0);
    if (!a)
        a = json_array_get(json_object_get(ev, "more"), 0);
    char *w = a ? where_of(a) : xstrdup("an unknown place");
    strbuf_addf(sb,
                "thread leak: the thread created in %s was never joined nor "
                "detached: nothing waits for it to end, and what it holds is "
                "never given back. Join it (pthread_join) or detach it.\n",
                w);
    if (a && jstr(a, "label"))
        label_where(sb, jstr(a, "label"), a);
    free(w);
}

/* A detector's header of a stack, then where: "Mutex M0 (0x...) created
 * in f (x.c:8)" (its trailing " at" read as " in"), else "<label>, in
 * f (x.c:8)". Appended to sb with a newline. */
static void label_where(struct strbuf *sb, const char *label, json_t *acc)
{
    char *w = where_of(acc);
    size_t n = strlen(label);
    if (n > 3 && !strcmp(label + n - 3, " at"))
        strbuf_addf(sb, "%.*s in %s\n", (int)(n - 3), label, w);
    else
        strbuf_addf(sb, "%s, in %s\n", label, w);
    free(w);
}

/* The state of the mutex, from one detector's words for the misuse, or
 * NULL when they do not say. `definite` is set when they name one state
 * (TSan's "unlock of an unlocked mutex (or by a wrong thread)" names two). */
static const char *mutex_state(const char *type, const char *message,
                               bool *definite)
{
    char words[512];
    snprintf(words, sizeof(words), "%s %s", type ? type : "",
             message ? message : "");
    for (char *p = words; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    *definite = true;
    if (strstr(words, "unlocked mutex (or by a wrong thread)")) {
        *definite = false;
        return "not locked, or locked by another thread (TSan's report does "
               "not tell which)";
    }
    if (strstr(words, "unlockforeign") || strstr(words, "currently held by") ||
        strstr(words, "not owned") || strstr(words, "by another thread") ||
        strstr(words, "other thread"))
        return "locked by another thread than the one that unlocked it";
    if (strstr(words, "unlockbogus") || strstr(words, "invalid lock") ||
        strstr(words, "not a mutex"))
        return "no mutex the detector knew of (initialised without a call "
               "it could see, or destroyed)";
    if (strstr(words, "destroy"))
        return "still locked when it was destroyed";
    if (strstr(words, "double lock") || strstr(words, "recursive") ||
        strstr(words, "relock") || strstr(words, "already locked"))
        return "already locked by the thread that locked it again";
    if (strstr(words, "unlockunlocked") || strstr(words, "not-locked") ||
        strstr(words, "not locked") || strstr(words, "unlocked a"))
        return "not locked when it was unlocked";
    *definite = false;
    return NULL;
}

static bool tsan_like(json_t *ev)
{
    const struct detector_row *row = detector_row_named(jstr(ev, "detector"));
    return row && row->family == FAMILY_TSAN;
}

static void explain_mutex_misuse(struct strbuf *sb, json_t *race, json_t *ev)
{
    json_t *a = json_array_get(json_object_get(ev, "accesses"), 0);
    char *w = a ? where_of(a) : xstrdup("an unknown place");
    /* TSan's type is its words for the operation; valgrind's message */
    const char *op = tsan_like(ev) || !jstr(ev, "message")
                         ? jstr(ev, "type")
                         : jstr(ev, "message");
    strbuf_addf(sb, "mutex misuse: %s, in %s.\n", op ? op : "?", w);
    /* the state, as the most definite of the detectors says it */
    const char *state = NULL, *by = NULL;
    json_t *d;
    size_t i;
    json_array_foreach(json_object_get(race, "detectors"), i, d)
    {
        bool definite;
        const char *st =
            mutex_state(jstr(d, "type"), jstr(d, "message"), &definite);
        if (st && (!state || definite)) {
            state = st;
            by = jstr(d, "detector");
        }
        if (st && definite)
            break;
    }
    if (state)
        strbuf_addf(sb, "The mutex's state (as %s saw it): %s.\n",
                    by ? by : "the detector", state);
    else
        strbuf_addstr(sb, "The mutex's state: as the detector's words above "
                          "say.\n");
    json_t *m;
    json_array_foreach(json_object_get(ev, "more"), i, m)
    {
        if (!jstr(m, "label"))
            continue;
        label_where(sb, jstr(m, "label"), m);
        break; /* the first: where the mutex was made or last locked */
    }
    free(w);
}

char *race_explanation(json_t *race)
{
    if (is_data_race(race))
        return NULL;
    json_t *ev = json_array_get(json_object_get(race, "detectors"), 0);
    const char *kind = jstr(race, "kind") ? jstr(race, "kind") : "other";
    struct strbuf sb = STRBUF_INIT;
    if (!strcmp(kind, "use-after-free"))
        explain_uaf(&sb, ev);
    else if (!strcmp(kind, "lock-order"))
        explain_lock_order(&sb, ev);
    else if (!strcmp(kind, "thread-leak"))
        explain_thread_leak(&sb, ev);
    else if (!strcmp(kind, "mutex-misuse"))
        explain_mutex_misuse(&sb, race, ev);
    else if (!strcmp(kind, "signal-unsafe")) {
        json_t *a = json_array_get(json_object_get(ev, "accesses"), 0);
        char *w = a ? where_of(a) : xstrdup("an unknown place");
        strbuf_addf(&sb,
                    "signal-unsafe call: a signal handler called a function "
                    "that is not async-signal-safe, in %s. The signal may "
                    "arrive inside that same function, in the middle of its "
                    "own state or locks.\n",
                    w);
        free(w);
    } else if (!strcmp(kind, "fatal"))
        strbuf_addf(&sb,
                    "Go's check stopped the program: %s. The map's "
                    "hashWriting flag showed another goroutine inside the map "
                    "at that moment; the check sees only the overlaps it "
                    "happens to catch.\n",
                    jstr(ev, "message") ? jstr(ev, "message") : "fatal error");
    else
        strbuf_addf(&sb,
                    "%s: %s (the detector's words; no interleaving is "
                    "drawn for it).\n",
                    jstr(ev, "type") ? jstr(ev, "type") : "report",
                    jstr(ev, "message") ? jstr(ev, "message") : "");
    return strbuf_detach(&sb);
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
    char *why = race_explanation(race);
    if (why) {
        strbuf_addstr(sb, "<p class=\"explain\"><b>What happened:</b> ");
        for (const char *p = why; *p;) {
            size_t n = strcspn(p, "\n");
            char *line = xstrndup(p, n);
            html_escape(sb, line);
            free(line);
            p += n + (p[n] == '\n');
            if (*p)
                strbuf_addstr(sb, "<br>");
        }
        strbuf_addstr(sb, "</p>\n");
        free(why);
        return;
    }
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
