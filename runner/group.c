/*
 * group.c - grouping findings into races (group.h).
 */
#include "group.h"

#include "annotate.h"
#include "util.h"

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
    json_object_set_new(loc, "path", json_string(str(best, "path")));
    json_object_set(loc, "line", json_object_get(best, "line"));
    if (str(best, "func"))
        json_object_set(loc, "func", json_object_get(best, "func"));
    if (json_object_get(best, "marker"))
        json_object_set(loc, "marker", json_object_get(best, "marker"));
    json_object_set_new(loc, "how", json_string(how));
    return loc;
}

static char *loc_key(json_t *loc)
{
    return xasprintf(
        "%s:%lld", str(loc, "path"),
        (long long)json_integer_value(json_object_get(loc, "line")));
}

/* The race of `races` for this case variant and key, or NULL. */
static json_t *find_race(json_t *races, const char *id)
{
    size_t i;
    json_t *r;
    json_array_foreach(races, i, r)
    {
        if (!strcmp(str(r, "id"), id))
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
            char *lk = loc_key(loc);
            bool same = !strcmp(lk, key);
            free(lk);
            if (same)
                return r;
        }
    }
    return NULL;
}

static json_t *new_race(json_t *races, json_t *cell, json_t *cs, const char *id,
                        const char *kind, json_t *locs)
{
    json_t *r = json_object();
    json_object_set_new(r, "id", json_string(id));
    json_object_set(r, "case", json_object_get(cell, "case"));
    json_object_set(r, "variant", json_object_get(cell, "variant"));
    json_object_set_new(r, "kind", json_string(kind));
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

/* The raw logs of one run: every path of its "logs" object. */
static json_t *run_logs(json_t *run)
{
    json_t *out = json_array();
    json_t *logs = json_object_get(run, "logs");
    static const char *const keys[] = {"tsan", "xml", "valgrind_log", "stderr"};
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
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
        json_object_set_new(ev, "detector", json_string(det));
        json_object_set(ev, "kind", json_object_get(finding, "kind"));
        json_object_set(ev, "type", json_object_get(finding, "type"));
        json_object_set(ev, "message", json_object_get(finding, "message"));
        json_object_set(ev, "location", json_object_get(finding, "location"));
        json_object_set(ev, "verdict", json_object_get(cell, "verdict"));
        json_object_set(ev, "runs", json_object_get(cell, "runs_done"));
        json_object_set_new(ev, "findings", json_integer(0));
        json_object_set_new(ev, "run_set", json_object());
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
        json_object_set_new(ev, "logs", run_logs(run));
        json_array_append_new(dets, ev);
    }
    json_object_set_new(
        ev, "findings",
        json_integer(json_integer_value(json_object_get(ev, "findings")) + 1));
    char key[32];
    snprintf(key, sizeof(key), "%lld", (long long)runno);
    json_object_set_new(json_object_get(ev, "run_set"), key, json_true());
}

/* Group one finding; pass 1 takes findings with two locations, pass 2
 * the rest. */
static void group_finding(json_t *races, json_t *results, json_t *cell,
                          json_t *run, json_t *finding, int pass)
{
    const char *cname = str(cell, "case");
    const char *vname = str(cell, "variant");
    json_t *cs = find_case(results, cname);
    json_t *accs = json_array();
    json_t *locs[2] = {NULL, NULL};
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(finding, "accesses"), i, a)
    {
        if (i >= 2)
            break;
        json_t *an = annotated_access(a);
        locs[i] = access_location(an, cname);
        json_array_append_new(accs, an);
    }
    int nloc = (locs[0] != NULL) + (locs[1] != NULL);
    if ((pass == 1) != (nloc == 2))
        goto out;
    const char *kind = str(finding, "kind");
    if (!kind)
        kind = "other";
    if (nloc == 2) {
        char *k0 = loc_key(locs[0]), *k1 = loc_key(locs[1]);
        int swap = strcmp(k0, k1) > 0;
        char *id = xasprintf("%s/%s:%s~%s", cname, vname, swap ? k1 : k0,
                             swap ? k0 : k1);
        json_t *r = find_race(races, id);
        if (!r) {
            json_t *la = json_array();
            json_array_append(la, locs[swap]);
            json_array_append(la, locs[!swap]);
            r = new_race(races, cell, cs, id, kind, la);
            json_decref(la);
        }
        int slots[2] = {swap, !swap};
        add_evidence(r, cell, run, finding, accs, slots);
        free(id);
        free(k0);
        free(k1);
    } else if (nloc == 1) {
        json_t *loc = locs[0] ? locs[0] : locs[1];
        char *k = loc_key(loc);
        json_t *r = find_race_with(races, cname, vname, k);
        int at = 0;
        if (r) {
            json_t *l0 = json_array_get(json_object_get(r, "locations"), 0);
            char *k0 = loc_key(l0);
            at = strcmp(k0, k) ? 1 : 0;
            free(k0);
        } else {
            char *id = xasprintf("%s/%s:%s", cname, vname, k);
            r = find_race(races, id);
            if (!r) {
                json_t *la = json_array();
                json_array_append(la, loc);
                r = new_race(races, cell, cs, id, kind, la);
                json_decref(la);
            }
            free(id);
        }
        int slots[2];
        for (size_t s = 0; s < 2; s++)
            slots[s] = locs[s] ? at : -1;
        add_evidence(r, cell, run, finding, accs, slots);
        free(k);
    } else {
        const char *type = str(finding, "type");
        char *id = xasprintf("%s/%s:%s", cname, vname, type ? type : kind);
        json_t *r = find_race(races, id);
        if (!r) {
            json_t *la = json_array();
            r = new_race(races, cell, cs, id, kind, la);
            json_decref(la);
        }
        int slots[2] = {-1, -1};
        add_evidence(r, cell, run, finding, accs, slots);
        free(id);
    }
out:
    for (i = 0; i < 2; i++)
        json_decref(locs[i]);
    json_decref(accs);
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
                json_object_set_new(r, "kind", json_string("data-race"));
            json_object_set_new(ev, "seen_runs",
                                json_integer((json_int_t)json_object_size(
                                    json_object_get(ev, "run_set"))));
            json_object_del(ev, "run_set");
        }
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
