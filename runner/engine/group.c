/*
 * group.c - grouping findings into races (group.h).
 */
#include "engine/group.h"

#include "engine/annotate.h"
#include "engine/detectors.h"
#include "lib/text.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A case of results.json's "cases" by name, or NULL. */
static json_t *find_case(json_t *results, const char *name)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(results, "cases"), i, c)
    {
        const char *n = json_string_value(json_object_get(c, "name"));
        if (n && !strcmp(n, name))
            return c;
    }
    return NULL;
}

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A copy of an access whose frames are annotated (annotate.h). */
static json_t *annotated_access(json_t *access)
{
    json_t *a = json_deep_copy(access);
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(a, "frames"), i, f)
        annotate_frame_json(f);
    return a;
}

/* The location of an annotated access (see group.h): a new object
 * {path, line, func, marker?, how}, or NULL. */
static json_t *access_location(json_t *access, const char *case_name)
{
    json_t *frames = json_object_get(access, "frames");
    json_t *best = NULL;
    const char *how = NULL;
    size_t i;
    json_t *f;
    char *case_dir = xasprintf("cases/%s/", case_name);
    json_array_foreach(frames, i, f)
    {
        if (json_integer_value(json_object_get(f, "line")) <= 0 ||
            !str(f, "path"))
            continue;
        if (json_object_get(f, "marker")) {
            best = f;
            how = "marked";
            break;
        }
    }
    if (!best)
        json_array_foreach(frames, i, f)
        {
            const char *p = str(f, "path");
            if (p && starts_with(p, case_dir) &&
                json_integer_value(json_object_get(f, "line")) > 0) {
                best = f;
                how = "case";
                break;
            }
        }
    if (!best)
        json_array_foreach(frames, i, f)
        {
            const char *cl = str(f, "class");
            if (cl && !strcmp(cl, "model") && str(f, "path") &&
                json_integer_value(json_object_get(f, "line")) > 0) {
                best = f;
                how = "model";
                break;
            }
        }
    free(case_dir);
    if (!best)
        return NULL;
    json_t *loc = json_object();
    json_object_set_new(loc, "path", json_text(str(best, "path")));
    json_object_set(loc, "line", json_object_get(best, "line"));
    if (str(best, "func"))
        json_object_set(loc, "func", json_object_get(best, "func"));
    if (json_object_get(best, "marker"))
        json_object_set(loc, "marker", json_object_get(best, "marker"));
    json_object_set_new(loc, "how", json_text(how));
    return loc;
}

static char *loc_key(json_t *loc)
{
    return xasprintf(
        "%s:%lld", str(loc, "path"),
        (long long)json_integer_value(json_object_get(loc, "line")));
}

/* What makes two locations one for grouping: the marker's text on a
 * marked line (so that a Go twin's race joins the model's race that names
 * the same markers), else "path:line". */
static char *join_key(json_t *loc)
{
    const char *marker = str(loc, "marker");
    /* maprace try marks every line of the user's program with "" */
    return marker && *marker ? xasprintf("marker:%s", marker) : loc_key(loc);
}

/* The race of `races` whose join key (case/variant:keys) is `join`, or
 * NULL. */
static json_t *find_race(json_t *races, const char *join)
{
    size_t i;
    json_t *r;
    json_array_foreach(races, i, r)
    {
        if (!strcmp(str(r, "join"), join))
            return r;
    }
    return NULL;
}

/* A race of this case variant one of whose locations is `key`. */
static json_t *find_race_with(json_t *races, const char *cs, const char *var,
                              const char *key)
{
    size_t i, k;
    json_t *r, *loc;
    json_array_foreach(races, i, r)
    {
        if (strcmp(str(r, "case"), cs) || strcmp(str(r, "variant"), var))
            continue;
        json_array_foreach(json_object_get(r, "locations"), k, loc)
        {
            char *lk = join_key(loc);
            bool same = !strcmp(lk, key);
            free(lk);
            if (same)
                return r;
        }
    }
    return NULL;
}

static json_t *new_race(json_t *races, json_t *cell, json_t *cs, const char *id,
                        const char *join, const char *kind, json_t *locs)
{
    json_t *r = json_object();
    json_object_set_new(r, "id", json_text(id));
    json_object_set_new(r, "join", json_text(join));
    json_object_set(r, "case", json_object_get(cell, "case"));
    json_object_set(r, "variant", json_object_get(cell, "variant"));
    json_object_set_new(r, "kind", json_text(kind));
    if (cs) {
        json_object_set(r, "title", json_object_get(cs, "title"));
        json_object_set(r, "family", json_object_get(cs, "family"));
        json_object_set(r, "go", json_object_get(cs, "go"));
        json_object_set(r, "why", json_object_get(cs, "why"));
    }
    json_object_set(r, "locations", locs);
    json_object_set_new(r, "detectors", json_array());
    json_array_append_new(races, r);
    return r;
}

/* The raw logs of one run of detector det: the paths of its "logs" object
 * under the keys its row names (detector_log_keys). */
static json_t *run_logs(json_t *run, const char *det)
{
    json_t *out = json_array();
    json_t *logs = json_object_get(run, "logs");
    const char *keys[2 * DET_COUNT + 1];
    size_t nr = detector_log_keys(det, keys, sizeof(keys) / sizeof(keys[0]));
    for (size_t k = 0; k < nr; k++) {
        json_t *v = json_object_get(logs, keys[k]);
        if (json_is_string(v)) {
            json_array_append(out, v);
        } else if (json_is_array(v)) {
            size_t i;
            json_t *p;
            json_array_foreach(v, i, p) json_array_append(out, p);
        }
    }
    return out;
}

/* The top visible model frame of an annotated access, for access_pairs
 * (group.h): the first frame that is not folded and is in the model, else
 * the first that is not folded; a new object {kind, func, path, line, go,
 * class} (count_pair adds "at"), with null func, path, go, class when the
 * access has no such frame. */
static json_t *top_frame(json_t *access)
{
    json_t *frames = json_object_get(access, "frames");
    json_t *best = NULL, *f;
    size_t i;
    json_array_foreach(frames, i, f)
    {
        const char *cl = str(f, "class");
        if (!json_is_true(json_object_get(f, "hidden")) && cl &&
            !strcmp(cl, "model")) {
            best = f;
            break;
        }
    }
    if (!best)
        json_array_foreach(frames, i, f)
        {
            if (!json_is_true(json_object_get(f, "hidden"))) {
                best = f;
                break;
            }
        }
    json_t *o = json_object();
    const char *kind = str(access, "kind");
    json_object_set_new(o, "kind", json_text(kind ? kind : "unknown"));
    static const char *const keys[] = {"func", "path", "go", "class"};
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        json_t *v = best ? json_object_get(best, keys[k]) : NULL;
        json_object_set(o, keys[k], json_is_string(v) ? v : json_null());
    }
    json_object_set_new(
        o, "line",
        json_integer(best ? json_integer_value(json_object_get(best, "line"))
                          : 0));
    return o;
}

static char *top_frame_key(json_t *t)
{
    return xasprintf("%lld %s %s %s:%lld",
                     (long long)json_integer_value(json_object_get(t, "at")),
                     str(t, "kind"), str(t, "func") ? str(t, "func") : "?",
                     str(t, "path") ? str(t, "path") : "?",
                     (long long)json_integer_value(json_object_get(t, "line")));
}

/* Count the pair of top frames of one finding's accesses (ordered as the
 * locations, as `accesses[]`; by key when both are at the same one) in
 * the evidence's temporary "pair_set". */
static void count_pair(json_t *ev, json_t *accesses, const int *slots)
{
    json_t *tops[2] = {NULL, NULL};
    char *keys[2] = {NULL, NULL};
    size_t n = json_array_size(accesses) < 2 ? json_array_size(accesses) : 2;
    for (size_t i = 0; i < n; i++) {
        tops[i] = top_frame(json_array_get(accesses, i));
        json_object_set_new(tops[i], "at", json_integer(slots[i]));
        keys[i] = top_frame_key(tops[i]);
    }
    if (n == 2 && (slots[0] > slots[1] ||
                   (slots[0] == slots[1] && strcmp(keys[0], keys[1]) > 0))) {
        json_t *t = tops[0];
        char *k = keys[0];
        tops[0] = tops[1];
        keys[0] = keys[1];
        tops[1] = t;
        keys[1] = k;
    }
    char *key = xasprintf("%s ~ %s", n ? keys[0] : "-", n == 2 ? keys[1] : "-");
    json_t *set = json_object_get(ev, "pair_set");
    json_t *e = json_object_get(set, key);
    if (!e) {
        json_t *acc = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append(acc, tops[i]);
        e = json_pack("{s:i, s:I, s:o}", "count", 0, "seq",
                      (json_int_t)json_object_size(set), "accesses", acc);
        json_object_set_new(set, key, e);
    }
    json_object_set_new(
        e, "count",
        json_integer(json_integer_value(json_object_get(e, "count")) + 1));
    for (size_t i = 0; i < n; i++) {
        json_decref(tops[i]);
        free(keys[i]);
    }
    free(key);
}

static int pair_cmp(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t cx = json_integer_value(json_object_get(x, "count"));
    json_int_t cy = json_integer_value(json_object_get(y, "count"));
    if (cx != cy)
        return cx > cy ? -1 : 1;
    json_int_t sx = json_integer_value(json_object_get(x, "seq"));
    json_int_t sy = json_integer_value(json_object_get(y, "seq"));
    return (sx > sy) - (sx < sy);
}

/* Turn the evidence's "pair_set" into "access_pairs" (most frequent
 * first, then first seen; at most GROUP_MAX_PAIRS) and
 * "access_pairs_more". */
static void finish_pairs(json_t *ev)
{
    json_t *set = json_object_get(ev, "pair_set");
    size_t n = json_object_size(set), i = 0;
    json_t **v = xcalloc(n ? n : 1, sizeof(*v));
    const char *key;
    json_t *e;
    json_object_foreach(set, key, e) v[i++] = e;
    qsort(v, n, sizeof(*v), pair_cmp);
    json_t *pairs = json_array();
    for (i = 0; i < n && i < GROUP_MAX_PAIRS; i++) {
        json_t *p = json_object();
        json_object_set(p, "count", json_object_get(v[i], "count"));
        json_object_set(p, "accesses", json_object_get(v[i], "accesses"));
        json_array_append_new(pairs, p);
    }
    json_object_set_new(ev, "access_pairs", pairs);
    json_object_set_new(
        ev, "access_pairs_more",
        json_integer(
            (json_int_t)(n > GROUP_MAX_PAIRS ? n - GROUP_MAX_PAIRS : 0)));
    free(v);
    json_object_del(ev, "pair_set");
}

/* Add one finding (its accesses annotated, `slots` saying which location
 * each access is at) as evidence of `race`. */
static void add_evidence(json_t *race, json_t *cell, json_t *run,
                         json_t *finding, json_t *accesses, const int *slots)
{
    const char *det = str(cell, "detector");
    json_t *dets = json_object_get(race, "detectors");
    json_t *ev = NULL, *e;
    size_t i;
    json_array_foreach(dets, i, e)
    {
        if (!strcmp(str(e, "detector"), det)) {
            ev = e;
            break;
        }
    }
    json_int_t runno = json_integer_value(json_object_get(run, "run"));
    if (!ev) {
        ev = json_object();
        json_object_set_new(ev, "detector", json_text(det));
        json_object_set(ev, "kind", json_object_get(finding, "kind"));
        json_object_set(ev, "type", json_object_get(finding, "type"));
        json_object_set(ev, "message", json_object_get(finding, "message"));
        json_object_set(ev, "location", json_object_get(finding, "location"));
        json_object_set(ev, "verdict", json_object_get(cell, "verdict"));
        json_object_set(ev, "runs", json_object_get(cell, "runs_done"));
        json_object_set_new(ev, "findings", json_integer(0));
        json_object_set_new(ev, "run_set", json_object());
        json_object_set_new(ev, "pair_set", json_object());
        json_object_set_new(ev, "first_run", json_integer(runno));
        json_t *acc = json_array();
        json_t *a;
        json_array_foreach(accesses, i, a)
        {
            json_t *c = json_deep_copy(a);
            json_object_set_new(c, "at", json_integer(slots[i]));
            json_array_append_new(acc, c);
        }
        /* the access at location 0 first */
        if (json_array_size(acc) == 2 && slots[0] > slots[1]) {
            json_t *first = json_incref(json_array_get(acc, 1));
            json_array_remove(acc, 1);
            json_array_insert_new(acc, 0, first);
        }
        json_object_set_new(ev, "accesses", acc);
        json_t *more = json_array();
        json_array_foreach(json_object_get(finding, "more"), i, a)
            json_array_append_new(more, annotated_access(a));
        json_object_set_new(ev, "more", more);
        json_object_set(ev, "command", json_object_get(run, "command"));
        json_object_set_new(ev, "logs", run_logs(run, det));
        json_array_append_new(dets, ev);
    }
    json_object_set_new(
        ev, "findings",
        json_integer(json_integer_value(json_object_get(ev, "findings")) + 1));
    char key[32];
    snprintf(key, sizeof(key), "%lld", (long long)runno);
    json_object_set_new(json_object_get(ev, "run_set"), key, json_true());
    count_pair(ev, accesses, slots);
}

/* Group one finding; pass 1 takes findings with two locations, pass 2
 * the rest. */
/* One finding on its way into a race. */
struct grouping {
    json_t *races, *cell, *cs, *run, *finding;
    json_t *accs; /* its accesses, annotated */
    const char *cname, *vname, *kind;
};

/* A finding with both accesses on located lines: the race of that pair. */
static void group_pair(const struct grouping *g, json_t *locs[2])
{
    char *k0 = loc_key(locs[0]), *k1 = loc_key(locs[1]);
    char *j0 = join_key(locs[0]), *j1 = join_key(locs[1]);
    /* locations in path:line order; the race found by its join keys */
    int swap = strcmp(k0, k1) > 0;
    int jswap = strcmp(j0, j1) > 0;
    char *id = xasprintf("%s/%s:%s~%s", g->cname, g->vname, swap ? k1 : k0,
                         swap ? k0 : k1);
    char *join = xasprintf("%s/%s:%s~%s", g->cname, g->vname, jswap ? j1 : j0,
                           jswap ? j0 : j1);
    json_t *r = find_race(g->races, join);
    if (!r) {
        json_t *la = json_array();
        json_array_append(la, locs[swap]);
        json_array_append(la, locs[!swap]);
        r = new_race(g->races, g->cell, g->cs, id, join, g->kind, la);
        json_decref(la);
    } else if (strcmp(j0, j1)) {
        /* joined: which of the race's locations each access names */
        char *l0 = join_key(json_array_get(json_object_get(r, "locations"), 0));
        swap = strcmp(l0, j0) != 0;
        free(l0);
    }
    int slots[2] = {swap, !swap};
    add_evidence(r, g->cell, g->run, g->finding, g->accs, slots);
    free(id);
    free(join);
    free(k0);
    free(k1);
    free(j0);
    free(j1);
}

/* A finding with one located access: the pair race that has its line, or
 * a race of that line alone. */
static void group_single(const struct grouping *g, json_t *locs[2])
{
    json_t *loc = locs[0] ? locs[0] : locs[1];
    char *k = join_key(loc);
    json_t *r = find_race_with(g->races, g->cname, g->vname, k);
    int at = 0;
    if (r) {
        json_t *l0 = json_array_get(json_object_get(r, "locations"), 0);
        char *k0 = join_key(l0);
        at = strcmp(k0, k) ? 1 : 0;
        free(k0);
    } else {
        char *lk = loc_key(loc);
        char *id = xasprintf("%s/%s:%s", g->cname, g->vname, lk);
        char *join = xasprintf("%s/%s:%s", g->cname, g->vname, k);
        r = find_race(g->races, join);
        if (!r) {
            json_t *la = json_array();
            json_array_append(la, loc);
            r = new_race(g->races, g->cell, g->cs, id, join, g->kind, la);
            json_decref(la);
        }
        free(join);
        free(id);
        free(lk);
    }
    int slots[2];
    for (size_t s = 0; s < 2; s++)
        slots[s] = locs[s] ? at : -1;
    add_evidence(r, g->cell, g->run, g->finding, g->accs, slots);
    free(k);
}

/* "path:line" of the first frame of the finding (any of its stacks)
 * that is not folded and has a line, or NULL. Malloc'd. */
static char *first_line(json_t *finding)
{
    static const char *const keys[] = {"accesses", "more"};
    for (size_t k = 0; k < 2; k++) {
        size_t i, j;
        json_t *a, *f;
        json_array_foreach(json_object_get(finding, keys[k]), i, a)
        {
            json_array_foreach(json_object_get(a, "frames"), j, f)
            {
                json_t *fr = json_deep_copy(f);
                annotate_frame_json(fr);
                json_int_t line =
                    json_integer_value(json_object_get(fr, "line"));
                char *key = NULL;
                if (line > 0 && str(fr, "path") &&
                    !json_is_true(json_object_get(fr, "hidden")))
                    key =
                        xasprintf("%s:%lld", str(fr, "path"), (long long)line);
                json_decref(fr);
                if (key)
                    return key;
            }
        }
    }
    return NULL;
}

/* A finding with no located access: grouped by its type and the first
 * line of its stacks, so that distinct bugs stay distinct. */
static void group_other(const struct grouping *g)
{
    const char *type = str(g->finding, "type");
    char *line = first_line(g->finding);
    char *id =
        xasprintf("%s/%s:%s%s%s", g->cname, g->vname, type ? type : g->kind,
                  line ? "@" : "", line ? line : "");
    free(line);
    json_t *r = find_race(g->races, id);
    if (!r) {
        json_t *la = json_array();
        r = new_race(g->races, g->cell, g->cs, id, id, g->kind, la);
        json_decref(la);
    }
    int slots[2] = {-1, -1};
    add_evidence(r, g->cell, g->run, g->finding, g->accs, slots);
    free(id);
}

static void group_finding(json_t *races, json_t *results, json_t *cell,
                          json_t *run, json_t *finding, int pass)
{
    struct grouping g = {
        .races = races, .cell = cell, .run = run, .finding = finding};
    g.cname = str(cell, "case");
    g.vname = str(cell, "variant");
    g.cs = find_case(results, g.cname);
    g.accs = json_array();
    json_t *locs[2] = {NULL, NULL};
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(finding, "accesses"), i, a)
    {
        if (i >= 2)
            break;
        json_t *an = annotated_access(a);
        locs[i] = access_location(an, g.cname);
        json_array_append_new(g.accs, an);
    }
    int nloc = (locs[0] != NULL) + (locs[1] != NULL);
    g.kind = str(finding, "kind") ? str(finding, "kind") : "other";
    /* pass 1: pairs; pass 2: the rest, which may join a pair's race */
    if ((pass == 1) == (nloc == 2)) {
        if (nloc == 2)
            group_pair(&g, locs);
        else if (nloc == 1)
            group_single(&g, locs);
        else
            group_other(&g);
    }
    for (i = 0; i < 2; i++)
        json_decref(locs[i]);
    json_decref(g.accs);
}

/* The rank of a detector's evidence among the real Go's: the race
 * detectors' reports, with both accesses, before the tracebacks of Go's
 * checks; the current Go before the hmap Go. -1: not a Go detector. */
static int go_rank(const char *name)
{
    int d = name ? detector_by_name(name) : -1;
    if (d < 0 || !detector_row(d)->go_twin)
        return -1;
    return (detector_row(d)->race_detector ? 0 : 2) +
           (detector_row(d)->toolchain == GO_CURRENT ? 0 : 1);
}

/* The real Go's evidence before the model's: the reference first.
 * Otherwise the order is the order the cells ran in. */
static void go_first(json_t *dets)
{
    json_t *sorted = json_array(), *ev;
    size_t i;
    for (int rank = 0; rank <= 4; rank++)
        json_array_foreach(dets, i, ev)
        {
            int r = go_rank(str(ev, "detector"));
            if (r == rank || (rank == 4 && r < 0))
                json_array_append(sorted, ev);
        }
    json_array_clear(dets);
    json_array_extend(dets, sorted);
    json_decref(sorted);
}

json_t *group_races(json_t *results)
{
    json_t *races = json_array();
    for (int pass = 1; pass <= 2; pass++) {
        size_t i, k, m;
        json_t *cell, *run, *f;
        json_array_foreach(json_object_get(results, "cells"), i, cell)
        {
            if (!str(cell, "case") || !str(cell, "variant") ||
                !str(cell, "detector"))
                continue;
            json_array_foreach(json_object_get(cell, "run_details"), k, run)
            {
                json_array_foreach(json_object_get(run, "findings"), m, f)
                    group_finding(races, results, cell, run, f, pass);
            }
        }
    }
    /* A race that some detector reported as a data race is one, whatever
     * the others said (native: a fatal error). */
    size_t i, k;
    json_t *r, *ev;
    json_array_foreach(races, i, r)
    {
        json_array_foreach(json_object_get(r, "detectors"), k, ev)
        {
            const char *kind = str(ev, "kind");
            if (kind && !strcmp(kind, "data-race"))
                json_object_set_new(r, "kind", json_text("data-race"));
            json_object_set_new(ev, "seen_runs",
                                json_integer((json_int_t)json_object_size(
                                    json_object_get(ev, "run_set"))));
            json_object_del(ev, "run_set");
            finish_pairs(ev);
        }
        json_object_del(r, "join");
        go_first(json_object_get(r, "detectors"));
    }
    return races;
}

json_t *group_ensure(json_t *results)
{
    json_t *races = json_object_get(results, "races");
    if (json_is_array(races))
        return races;
    races = group_races(results);
    json_object_set_new(results, "races", races);
    return races;
}
