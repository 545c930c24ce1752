/*
 * report/sarif.c - results.sarif, SARIF 2.1.0 as GitHub code scanning reads it
 * (report/common.h, docs/report-format.md): a rule per case family, one result
 * per race at its first location, the second location as a related
 * location, and each detector's two accesses as threadFlows of a codeFlow
 * (one codeFlow per detector). URIs are repository-relative.
 */
#include "report/common.h"
#include "lib/text.h"

#include "engine/results-model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *text(const char *s)
{
    return json_pack("{s:s}", "text", s ? s : "");
}

static const struct {
    const char *family, *name, *desc;
} families[] = {
    {"map", "ConcurrentMapAccess",
     "Go map accessed by several goroutines without synchronisation"},
    {"context", "ContextChildrenRace",
     "context.Context's children map raced through lock-less code"},
    {"syncmap", "SyncMapMisuse", "sync.Map used with check-then-act"},
    {"sync", "MissingSynchronisation",
     "shared memory ordered by sleeps or partial waits, not by sync"},
    {"shard", "ShardedMapRace", "sharded map shared without its lock"},
    {"lockfree", "LockFreePublish", "lock-free publication of a map"},
    /* reports that are not data races (maprace try, case.ini kinds) */
    {"lock-order", "LockOrderInversion",
     "two locks taken in opposite orders: a potential deadlock"},
    {"thread-leak", "ThreadLeak", "a thread that is never joined"},
    {"mutex-misuse", "MutexMisuse",
     "a lock unlocked when not held, destroyed while held, or locked twice"},
    {"use-after-free", "UseAfterFree",
     "memory used after another thread "
     "freed it"},
    {"signal-unsafe", "SignalUnsafeCall",
     "a signal handler calls a function that is not async-signal-safe"},
};

/* `key` when it is a kind of report (rule_key()), else "". */
static const char *rule_key_kind(const char *key)
{
    static const char *const kinds[] = {"lock-order", "thread-leak",
                                        "mutex-misuse", "use-after-free",
                                        "signal-unsafe"};
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (!strcmp(kinds[i], key))
            return key;
    return "";
}

/* The rule a race belongs to: its kind when it is not a data race (or
 * the model's fatal error), else its case's family. */
static const char *rule_key(const struct res_race *r)
{
    const char *kind = r->kind;
    if (kind && strcmp(kind, "data-race") && strcmp(kind, "fatal") &&
        strcmp(kind, "other"))
        return kind;
    return r->family;
}

static json_t *rule_for(const char *family)
{
    const char *name = "DataRace", *desc = "data race";
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
        if (family && !strcmp(families[i].family, family)) {
            name = families[i].name;
            desc = families[i].desc;
        }
    char *id = xasprintf("maprace/%s", family ? family : "other");
    char *full = xasprintf(
        "%s. maprace groups the findings of ThreadSanitizer (clang, gcc), "
        "Helgrind, DRD and the model's Go-style checks that blame the same "
        "pair of lines into one race.",
        desc);
    /* a family's rule is a data race; a kind's is that kind of report */
    bool race = !family || strcmp(family, rule_key_kind(family));
    char *help = xasprintf(
        "%s See the case's README.md (`maprace explain CASE`) for the Go "
        "original and the fix, or the stacks of the report (`maprace show`).",
        race ? "Two threads access the same memory, at least one writes, and "
               "no lock, channel or atomic orders them."
             : "The detectors' own words for each stack are in the report.");
    json_t *r =
        json_pack("{s:s, s:s, s:o, s:o, s:o, s:{s:s}}", "id", id, "name", name,
                  "shortDescription", text(desc), "fullDescription", text(full),
                  "help", text(help), "defaultConfiguration", "level", "error");
    free(id);
    free(full);
    free(help);
    return r;
}

static json_t *phys(const char *path, long long line)
{
    return json_pack("{s:{s:s}, s:{s:I}}", "artifactLocation", "uri", path,
                     "region", "startLine", (json_int_t)(line > 0 ? line : 1));
}

static json_t *loc_location(const struct res_location *loc, int id,
                            const char *what)
{
    char *msg = xasprintf("%s: %s%s%s", what, loc->func ? loc->func : "??",
                          loc->marker ? " (RACE: " : "",
                          loc->marker ? loc->marker : "");
    if (loc->marker) {
        char *m2 = xasprintf("%s)", msg);
        free(msg);
        msg = m2;
    }
    json_t *l = json_pack("{s:o, s:o}", "physicalLocation",
                          phys(loc->path, loc->line), "message", text(msg));
    if (id >= 0)
        json_object_set_new(l, "id", json_integer(id));
    free(msg);
    return l;
}

/* One access as a threadFlow: its visible frames, outermost first. */
static json_t *thread_flow(const struct res_evidence *ev,
                           const struct res_access *a)
{
    json_t *locs = json_array();
    for (size_t i = a->nr_frames; i-- > 0;) {
        const struct res_frame *f = &a->frames[i];
        if (f->hidden == 1)
            continue;
        struct strbuf m = {0};
        strbuf_addstr(&m, f->func ? f->func : "??");
        if (f->go)
            strbuf_addf(&m, " = %s: %s", f->go, f->role);
        if (f->marker)
            strbuf_addf(&m, " (RACE: %s)", f->marker);
        json_t *l = json_object();
        if (f->path && f->line > 0)
            json_object_set_new(l, "physicalLocation", phys(f->path, f->line));
        json_object_set_new(l, "message", text(strbuf_str(&m)));
        strbuf_release(&m);
        json_array_append_new(locs, json_pack("{s:o}", "location", l));
    }
    if (!json_array_size(locs))
        json_array_append_new(locs,
                              json_pack("{s:{s:o}}", "location", "message",
                                        text("(no frame with a source line)")));
    char *msg = xasprintf("%s: %s of size %lld by %s", ev->detector,
                          a->kind ? a->kind : "access", a->size,
                          a->thread ? a->thread : "?");
    json_t *tf =
        json_pack("{s:o, s:o}", "message", text(msg), "locations", locs);
    free(msg);
    return tf;
}

/* The rules so far: their SARIF objects and their families. */
struct rules {
    json_t *arr;
    char **families;
    size_t nr, alloc;
};

/* The index of the rule of `family` in rules, added when new. */
static size_t rule_index_of(struct rules *rules, const char *family)
{
    const char *key = family ? family : "other";
    for (size_t k = 0; k < rules->nr; k++)
        if (!strcmp(rules->families[k], key))
            return k;
    ALLOC_GROW(rules->families, rules->nr + 1, rules->alloc);
    rules->families[rules->nr] = xstrdup(key);
    json_array_append_new(rules->arr, rule_for(family));
    return rules->nr++;
}

/* The result's message: the race, its lines, its detectors (also listed in
 * *dets), the case's why. */
static void race_message(struct strbuf *msg, const struct res_race *r,
                         const struct res_location *l0,
                         const struct res_location *l1, json_t **dets)
{
    strbuf_addf(msg, "%s in %s/%s: %s:%lld", r->kind, r->case_name, r->variant,
                l0->path, l0->line);
    if (l1)
        strbuf_addf(msg, " and [%s:%lld](1)", l1->path, l1->line);
    strbuf_addstr(msg, ", reported by");
    *dets = json_array();
    for (size_t k = 0; k < r->nr_detectors; k++) {
        const char *det = r->detectors[k].detector;
        strbuf_addf(msg, "%s %s", k ? "," : "", det);
        json_array_append_new(*dets, json_text(det));
    }
    strbuf_addstr(msg, ".");
    if (r->why)
        strbuf_addf(msg, " Why: %s", r->why);
}

/* One codeFlow per detector: its accesses as threadFlows. */
static json_t *race_flows(const struct res_race *r)
{
    json_t *flows = json_array();
    for (size_t k = 0; k < r->nr_detectors; k++) {
        const struct res_evidence *ev = &r->detectors[k];
        json_t *tfs = json_array();
        for (size_t m = 0; m < ev->nr_accesses; m++)
            json_array_append_new(tfs, thread_flow(ev, &ev->accesses[m]));
        if (!json_array_size(tfs)) {
            json_decref(tfs);
            continue;
        }
        char *fm = xasprintf("%s: %s", ev->detector,
                             ev->message ? ev->message
                             : ev->type  ? ev->type
                                         : "report");
        json_array_append_new(flows, json_pack("{s:o, s:o}", "message",
                                               text(fm), "threadFlows", tfs));
        free(fm);
    }
    return flows;
}

static bool same(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* A race with one location (its detector, DRD, named one access): the
 * pair race of the same case and variant whose location is nearest that
 * one in the same file, and, in *other, that pair's other location. NULL
 * when the variant has no pair race. */
static const struct res_race *group_partner(const struct results *res,
                                            const struct res_race *r,
                                            const struct res_location **other)
{
    const struct res_location *l0 = &r->locations[0];
    long long line = l0->line, best = -1;
    const struct res_race *found = NULL;
    *other = NULL;
    for (size_t i = 0; i < res->nr_races; i++) {
        const struct res_race *p = &res->races[i];
        if (p->nr_locations != 2 || !same(p->case_name, r->case_name) ||
            !same(p->variant, r->variant))
            continue;
        for (size_t k = 0; k < 2; k++) {
            const struct res_location *l = &p->locations[k];
            if (!same(l->path, l0->path))
                continue;
            long long d = l->line - line;
            if (d < 0)
                d = -d;
            if (best < 0 || d < best) {
                best = d;
                found = p;
                *other = &p->locations[!k];
            }
        }
    }
    return found;
}

/* The SARIF result of race r (NULL when it has no location). */
static json_t *race_result(const struct results *res, const struct res_race *r,
                           struct rules *rules)
{
    if (!r->nr_locations)
        return NULL; /* nothing to point at in the sources */
    size_t rule_index = rule_index_of(rules, rule_key(r));
    const struct res_location *l0 = &r->locations[0];
    const struct res_location *l1 =
        r->nr_locations > 1 ? &r->locations[1] : NULL;
    char *b_what = NULL;
    if (!l1) {
        const struct res_race *pair = group_partner(res, r, &l1);
        if (pair)
            b_what = xasprintf("access B (the detector named one access; "
                               "the other from the nearest race of this "
                               "variant, %s)",
                               pair->id ? pair->id : "?");
    }
    struct strbuf msg = {0};
    json_t *dets;
    race_message(&msg, r, l0, l1, &dets);
    json_t *flows = race_flows(r);

    json_t *out = json_object();
    char *rule_id = xasprintf("maprace/%s", rules->families[rule_index]);
    json_object_set_new(out, "ruleId", json_text(rule_id));
    free(rule_id);
    json_object_set_new(out, "ruleIndex", json_integer((json_int_t)rule_index));
    json_object_set_new(out, "level", json_text("error"));
    json_object_set_new(out, "message", text(strbuf_str(&msg)));
    json_object_set_new(out, "locations",
                        json_pack("[o]", loc_location(l0, -1, "access A")));
    if (l1)
        json_object_set_new(
            out, "relatedLocations",
            json_pack("[o]",
                      loc_location(l1, 1, b_what ? b_what : "access B")));
    free(b_what);
    if (json_array_size(flows))
        json_object_set_new(out, "codeFlows", flows);
    else
        json_decref(flows);
    json_object_set_new(out, "partialFingerprints",
                        json_pack("{s:s}", "mapraceRace/v1", r->id));
    json_object_set_new(out, "properties",
                        json_pack("{s:o, s:s, s:s}", "detectors", dets, "case",
                                  r->case_name, "variant", r->variant));
    strbuf_release(&msg);
    return out;
}

char *report_sarif(json_t *results)
{
    struct results res;
    if (results_of_report(results, &res) < 0)
        return xstrdup("");
    struct rules rules = {json_array(), NULL, 0, 0};
    json_t *out = json_array();
    for (size_t i = 0; i < res.nr_races; i++) {
        json_t *one = race_result(&res, &res.races[i], &rules);
        if (one)
            json_array_append_new(out, one);
    }
    json_t *driver = json_pack("{s:s, s:s, s:o}", "name", "maprace",
                               "semanticVersion", "0.1.0", "rules", rules.arr);
    json_t *run =
        json_pack("{s:{s:o}, s:o}", "tool", "driver", driver, "results", out);
    if (res.run_id)
        json_object_set_new(run, "automationDetails",
                            json_pack("{s:s}", "id", res.run_id));
    json_t *doc = json_pack("{s:s, s:s, s:[o]}", "$schema",
                            "https://json.schemastore.org/sarif-2.1.0.json",
                            "version", "2.1.0", "runs", run);
    char *s = json_dumps(doc, JSON_INDENT(2));
    json_decref(doc);
    for (size_t i = 0; i < rules.nr; i++)
        free(rules.families[i]);
    free(rules.families);
    results_release(&res);
    size_t n = strlen(s);
    s = xrealloc(s, n + 2);
    s[n] = '\n';
    s[n + 1] = '\0';
    return s;
}
