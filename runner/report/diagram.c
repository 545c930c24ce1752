/*
 * report/diagram.c - a race as two thread lanes (see report/diagram.h).
 */
#include "report/diagram.h"

#include "lib/ansi.h"
#include "report/common.h"
#include "engine/detectors.h"
#include "report/windows.h"

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
    const char *det;        /* the detector the lanes' threads are named by */
    char *rules[MAX_RULES]; /* "auditor is held at ... until bank is ..." */
    size_t nr_rules;
};

static const char *base_name(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : path ? path : "?";
}

/* The top frame of the model in an access, as "func (file:line)". */
static char *model_frame(const struct res_access *access)
{
    for (size_t i = 0; i < access->nr_frames; i++) {
        const struct res_frame *f = &access->frames[i];
        if (f->class_ && !strcmp(f->class_, "model"))
            return xasprintf("%s (%s:%lld)", f->func, base_name(f->path),
                             f->line);
    }
    return NULL;
}

/* Fill each lane from the first detector of the C program (go ones only
 * when none, go = true) that reported both accesses. */
static void fill_accesses_of(struct diagram *d, const struct res_race *race,
                             bool go)
{
    for (size_t i = 0; i < race->nr_detectors; i++) {
        const struct res_evidence *ev = &race->detectors[i];
        const struct detector_row *row = detector_row_named(ev->detector);
        if (!row || row->go_twin != go)
            continue;
        bool seen[2] = {false, false};
        for (size_t k = 0; k < ev->nr_accesses; k++) {
            long long at = ev->accesses[k].at;
            if (at == 0 || at == 1)
                seen[at] = true;
        }
        if (!seen[0] || !seen[1])
            continue;
        for (size_t k = 0; k < ev->nr_accesses; k++) {
            const struct res_access *a = &ev->accesses[k];
            struct lane *l = &d->lane[a->at == 1];
            if (l->kind || (a->at != 0 && a->at != 1))
                continue;
            l->thread = a->thread;
            l->kind = a->kind;
            l->model = model_frame(a);
        }
        d->det = ev->detector;
        return;
    }
}

/* Fill each lane from the first detector that reported both accesses, a
 * detector of the C program first (the lanes are drawn over C lines:
 * go-race's goroutine numbers belong to the Go twin), both lanes from the
 * same one. */
static void fill_accesses(struct diagram *d, const struct res_race *race)
{
    for (int pass = 0; pass < 2 && !d->det; pass++)
        fill_accesses_of(d, race, pass == 1);
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
static void fill_rules(struct diagram *d, const struct results *res,
                       const char *path)
{
    int n;
    char **lines = source_lines(res, path, NULL, 1, 100000, &n);
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
                xasprintf("%s is held %s, until %s is %s", a,
                          window_words(w1)->place, b, window_words(w2)->place);
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
static int diagram_load(struct diagram *d, const struct results *res,
                        const struct res_race *race)
{
    memset(d, 0, sizeof(*d));
    if (race->nr_locations < 2)
        return 0;
    for (int i = 0; i < 2; i++) {
        const struct res_location *loc = &race->locations[i];
        d->lane[i].where = xasprintf("%s:%lld %s", base_name(loc->path),
                                     loc->line, loc->func ? loc->func : "?");
    }
    fill_accesses(d, race);
    fill_rules(d, res, race->locations[0].path);
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

void race_diagram_text(struct strbuf *sb, const struct results *res,
                       const struct res_race *race, bool color)
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
    if (!diagram_load(&d, res, race))
        return;
    char ha[64], hb[64];
    snprintf(ha, sizeof(ha), "A  thread %s",
             d.lane[0].thread ? d.lane[0].thread : "?");
    snprintf(hb, sizeof(hb), "B  thread %s",
             d.lane[1].thread ? d.lane[1].thread : "?");
    strbuf_addf(sb, "  %sinterleaving%s (threads as %s names them)\n",
                color ? ANSI_BOLD : "", color ? ANSI_RESET : "",
                d.det ? d.det : "the detector");
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

static bool is_data_race(const struct res_race *race)
{
    const char *k = race->kind;
    return k && !strcmp(k, "data-race");
}

/* The first frame of an access that is not folded, as "func (file:line)";
 * "an unknown place" when every frame is. */
static char *where_of(const struct res_access *acc)
{
    for (size_t i = 0; i < acc->nr_frames; i++) {
        const struct res_frame *f = &acc->frames[i];
        if (f->hidden == 1)
            continue;
        const char *path = f->path ? f->path : f->file;
        return xasprintf("%s (%s:%lld)", f->func ? f->func : "??",
                         base_name(path), f->line);
    }
    return xstrdup("an unknown place");
}

static void label_where(struct strbuf *sb, const char *label,
                        const struct res_access *acc);

/* Whether a stack is a call of the allocator's free. */
static bool frees(const struct res_access *acc)
{
    static const char *const names[] = {"free", "cfree", "__libc_free",
                                        "operator delete", "realloc"};
    for (size_t i = 0; i < acc->nr_frames; i++) {
        const char *fn = acc->frames[i].func;
        for (size_t k = 0; fn && k < sizeof(names) / sizeof(names[0]); k++)
            if (!strncmp(fn, names[k], strlen(names[k])) &&
                (!fn[strlen(names[k])] || fn[strlen(names[k])] == '('))
                return true;
    }
    return false;
}

static const char *thread_of(const struct res_access *acc)
{
    const char *t = acc ? acc->thread : NULL;
    return t && *t ? t : NULL;
}

/* "M0, M1" of an access's locks, or NULL when none. */
static char *locks_of(const struct res_access *acc)
{
    if (!acc->nr_locks)
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < acc->nr_locks; i++) {
        if (!acc->locks[i])
            continue;
        strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", acc->locks[i]);
    }
    return strbuf_detach(&sb);
}

static void explain_uaf(struct strbuf *sb, const struct res_evidence *ev)
{
    const struct res_access *freer = NULL, *user = NULL;
    const struct res_access *all[2] = {ev->accesses, ev->more};
    size_t nr[2] = {ev->nr_accesses, ev->nr_more};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < nr[k]; i++) {
            const struct res_access *a = &all[k][i];
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
                    user->kind && !strncmp(user->kind, "read", 4) ? "read"
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

static void explain_lock_order(struct strbuf *sb, const struct res_evidence *ev)
{
    strbuf_addstr(sb, "lock-order inversion: a cycle of acquisitions.\n");
    for (size_t i = 0; i < ev->nr_accesses; i++) {
        const struct res_access *a = &ev->accesses[i];
        char *w = where_of(a);
        long long at = a->at;
        strbuf_addf(sb, "%c: %s, in %s\n",
                    (char)('A' + (at == 0 || at == 1 ? (int)at : (int)i)),
                    a->label ? a->label : "an acquisition", w);
        free(w);
    }
    const char *t0 = thread_of(ev->nr_accesses > 0 ? &ev->accesses[0] : NULL);
    const char *t1 = thread_of(ev->nr_accesses > 1 ? &ev->accesses[1] : NULL);
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

static void explain_thread_leak(struct strbuf *sb,
                                const struct res_evidence *ev)
{
    const struct res_access *a = ev->nr_accesses ? &ev->accesses[0]
                                 : ev->nr_more   ? &ev->more[0]
                                                 : NULL;
    char *w = a ? where_of(a) : xstrdup("an unknown place");
    strbuf_addf(sb,
                "thread leak: the thread created in %s was never joined nor "
                "detached: nothing waits for it to end, and what it holds is "
                "never given back. Join it (pthread_join) or detach it.\n",
                w);
    if (a && a->label)
        label_where(sb, a->label, a);
    free(w);
}

/* A detector's header of a stack, then where: "Mutex M0 (0x...) created
 * in f (x.c:8)" (its trailing " at" read as " in"), else "<label>, in
 * f (x.c:8)". Appended to sb with a newline. */
static void label_where(struct strbuf *sb, const char *label,
                        const struct res_access *acc)
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

static bool tsan_like(const struct res_evidence *ev)
{
    const struct detector_row *row = detector_row_named(ev->detector);
    return row && row->family == FAMILY_TSAN;
}

static void explain_mutex_misuse(struct strbuf *sb, const struct res_race *race,
                                 const struct res_evidence *ev)
{
    const struct res_access *a = ev->nr_accesses ? &ev->accesses[0] : NULL;
    char *w = a ? where_of(a) : xstrdup("an unknown place");
    /* TSan's type is its words for the operation; valgrind's message */
    const char *op = tsan_like(ev) || !ev->message ? ev->type : ev->message;
    strbuf_addf(sb, "mutex misuse: %s, in %s.\n", op ? op : "?", w);
    /* the state, as the most definite of the detectors says it */
    const char *state = NULL, *by = NULL;
    for (size_t i = 0; i < race->nr_detectors; i++) {
        const struct res_evidence *d = &race->detectors[i];
        bool definite;
        const char *st = mutex_state(d->type, d->message, &definite);
        if (st && (!state || definite)) {
            state = st;
            by = d->detector;
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
    for (size_t i = 0; i < ev->nr_more; i++) {
        const struct res_access *m = &ev->more[i];
        if (!m->label)
            continue;
        label_where(sb, m->label, m);
        break; /* the first: where the mutex was made or last locked */
    }
    free(w);
}

char *race_explanation(const struct res_race *race)
{
    static const struct res_evidence none;
    if (is_data_race(race))
        return NULL;
    const struct res_evidence *ev =
        race->nr_detectors ? &race->detectors[0] : &none;
    const char *kind = race->kind ? race->kind : "other";
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
        const struct res_access *a = ev->nr_accesses ? &ev->accesses[0] : NULL;
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
                    ev->message ? ev->message : "fatal error");
    else
        strbuf_addf(&sb,
                    "%s: %s (the detector's words; no interleaving is "
                    "drawn for it).\n",
                    ev->type ? ev->type : "report",
                    ev->message ? ev->message : "");
    return strbuf_detach(&sb);
}

static void svg_text(struct strbuf *sb, int x, int y, const char *cls,
                     const char *s)
{
    strbuf_addf(sb, "<text x=\"%d\" y=\"%d\" class=\"%s\">", x, y, cls);
    html_escape(sb, s);
    strbuf_addstr(sb, "</text>");
}

void race_diagram_svg(struct strbuf *sb, const struct results *res,
                      const struct res_race *race)
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
    if (!diagram_load(&d, res, race))
        return;
    int h = 136 + 16 * (int)d.nr_rules;
    strbuf_addf(
        sb,
        "<svg class=\"interleaving\" xmlns=\"http://www.w3.org/2000/svg\" "
        "width=\"960\" height=\"%d\" role=\"img\"><title>the "
        "interleaving: two threads, two unordered accesses</title>\n",
        h);
    for (int i = 0; i < 2; i++) {
        const struct lane *l = &d.lane[i];
        int x = 20 + 360 * i, y = 56; /* level: nothing orders them */
        char head[64], acc[200];
        snprintf(head, sizeof(head), "%c  thread %s (%s)", 'A' + i,
                 l->thread ? l->thread : "?", d.det ? d.det : "?");
        snprintf(acc, sizeof(acc), "%s %s", l->kind ? l->kind : "access",
                 l->where);
        strbuf_addf(sb,
                    "<line x1=\"%d\" y1=\"24\" x2=\"%d\" y2=\"104\" "
                    "stroke=\"#888\"/>",
                    x, x);
        svg_text(sb, x - 6, 16, "lane", head);
        strbuf_addf(sb, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"#333\"/>",
                    x, y);
        svg_text(sb, x + 10, y + 4, "acc", acc);
        if (l->model)
            svg_text(sb, x + 10, y + 18, "model", l->model);
    }
    /* below the texts, so that it crosses none */
    strbuf_addstr(sb, "<line x1=\"20\" y1=\"100\" x2=\"380\" y2=\"100\" "
                      "stroke=\"#c00\" stroke-dasharray=\"5,4\"/>");
    svg_text(sb, 70, 118, "nohb", "no happens-before edge: A and B unordered");
    for (size_t i = 0; i < d.nr_rules; i++) {
        char line[300];
        snprintf(line, sizeof(line), "forced: %s", d.rules[i]);
        svg_text(sb, 20, 146 + 16 * (int)i, "forced", line);
    }
    strbuf_addstr(sb, "</svg>\n");
    diagram_release(&d);
}
