/*
 * report-sarif.c - results.sarif, SARIF 2.1.0 as GitHub code scanning reads it
 * (report-common.h, docs/report-format.md): a rule per case family, one result
 * per race at its first location, the second location as a related
 * location, and each detector's two accesses as threadFlows of a codeFlow
 * (one codeFlow per detector). URIs are repository-relative.
 */
#include "report/common.h"
#include "lib/text.h"

#include "engine/group.h"

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
static const char *rule_key(json_t *r)
{
    const char *kind = jstr(r, "kind");
    if (kind && strcmp(kind, "data-race") && strcmp(kind, "fatal") &&
        strcmp(kind, "other"))
        return kind;
    return jstr(r, "family");
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

static json_t *phys(const char *path, json_int_t line)
{
    return json_pack("{s:{s:s}, s:{s:I}}", "artifactLocation", "uri", path,
                     "region", "startLine", line > 0 ? line : 1);
}

static json_t *loc_location(json_t *loc, int id, const char *what)
{
    char *msg = xasprintf("%s: %s%s%s", what,
                          jstr(loc, "func") ? jstr(loc, "func") : "??",
                          jstr(loc, "marker") ? " (RACE: " : "",
                          jstr(loc, "marker") ? jstr(loc, "marker") : "");
    if (jstr(loc, "marker")) {
        char *m2 = xasprintf("%s)", msg);
        free(msg);
        msg = m2;
    }
    json_t *l =
        json_pack("{s:o, s:o}", "physicalLocation",
                  phys(jstr(loc, "path"),
                       json_integer_value(json_object_get(loc, "line"))),
                  "message", text(msg));
    if (id >= 0)
        json_object_set_new(l, "id", json_integer(id));
    free(msg);
    return l;
}

/* One access as a threadFlow: its visible frames, outermost first. */
static json_t *thread_flow(json_t *ev, json_t *a)
{
    json_t *locs = json_array();
    json_t *frames = json_object_get(a, "frames");
    for (size_t i = json_array_size(frames); i-- > 0;) {
        json_t *f = json_array_get(frames, i);
        if (json_is_true(json_object_get(f, "hidden")))
            continue;
        struct strbuf m = {0};
        strbuf_addstr(&m, jstr(f, "func") ? jstr(f, "func") : "??");
        if (jstr(f, "go"))
            strbuf_addf(&m, " = %s: %s", jstr(f, "go"), jstr(f, "role"));
        if (jstr(f, "marker"))
            strbuf_addf(&m, " (RACE: %s)", jstr(f, "marker"));
        json_t *l = json_object();
        json_int_t line = json_integer_value(json_object_get(f, "line"));
        if (jstr(f, "path") && line > 0)
            json_object_set_new(l, "physicalLocation",
                                phys(jstr(f, "path"), line));
        json_object_set_new(l, "message", text(strbuf_str(&m)));
        strbuf_release(&m);
        json_array_append_new(locs, json_pack("{s:o}", "location", l));
    }
    if (!json_array_size(locs))
        json_array_append_new(locs,
                              json_pack("{s:{s:o}}", "location", "message",
                                        text("(no frame with a source line)")));
    char *msg =
        xasprintf("%s: %s of size %lld by %s", jstr(ev, "detector"),
                  jstr(a, "kind") ? jstr(a, "kind") : "access",
                  (long long)json_integer_value(json_object_get(a, "size")),
                  jstr(a, "thread") ? jstr(a, "thread") : "?");
    json_t *tf =
        json_pack("{s:o, s:o}", "message", text(msg), "locations", locs);
    free(msg);
    return tf;
}

/* The index of the rule of `family` in rules, added when new. */
static size_t rule_index_of(json_t *rules, const char *family)
{
    char *rule_id = xasprintf("maprace/%s", family ? family : "other");
    size_t rule_index = json_array_size(rules);
    size_t k;
    json_t *rl;
    json_array_foreach(rules, k, rl)
    {
        if (!strcmp(jstr(rl, "id"), rule_id))
            rule_index = k;
    }
    if (rule_index == json_array_size(rules))
        json_array_append_new(rules, rule_for(family));
    free(rule_id);
    return rule_index;
}

/* The result's message: the race, its lines, its detectors (also listed in
 * *dets), the case's why. */
static void race_message(struct strbuf *msg, json_t *r, json_t *l0, json_t *l1,
                         json_t **dets)
{
    strbuf_addf(msg, "%s in %s/%s: %s:%lld", jstr(r, "kind"), jstr(r, "case"),
                jstr(r, "variant"), jstr(l0, "path"),
                (long long)json_integer_value(json_object_get(l0, "line")));
    if (l1)
        strbuf_addf(msg, " and [%s:%lld](1)", jstr(l1, "path"),
                    (long long)json_integer_value(json_object_get(l1, "line")));
    strbuf_addstr(msg, ", reported by");
    size_t k;
    json_t *ev;
    *dets = json_array();
    json_array_foreach(json_object_get(r, "detectors"), k, ev)
    {
        strbuf_addf(msg, "%s %s", k ? "," : "", jstr(ev, "detector"));
        json_array_append_new(*dets, json_text(jstr(ev, "detector")));
    }
    strbuf_addstr(msg, ".");
    if (jstr(r, "why"))
        strbuf_addf(msg, " Why: %s", jstr(r, "why"));
}

/* One codeFlow per detector: its accesses as threadFlows. */
static json_t *race_flows(json_t *r)
{
    json_t *flows = json_array();
    size_t k;
    json_t *ev;
    json_array_foreach(json_object_get(r, "detectors"), k, ev)
    {
        json_t *tfs = json_array();
        size_t m;
        json_t *a;
        json_array_foreach(json_object_get(ev, "accesses"), m, a)
            json_array_append_new(tfs, thread_flow(ev, a));
        if (!json_array_size(tfs)) {
            json_decref(tfs);
            continue;
        }
        char *fm = xasprintf("%s: %s", jstr(ev, "detector"),
                             jstr(ev, "message") ? jstr(ev, "message")
                             : jstr(ev, "type")  ? jstr(ev, "type")
                                                 : "report");
        json_array_append_new(flows, json_pack("{s:o, s:o}", "message",
                                               text(fm), "threadFlows", tfs));
        free(fm);
    }
    return flows;
}

/* A race with one location (its detector, DRD, named one access): the
 * pair race of the same case and variant whose location is nearest that
 * one in the same file, and, in *other, that pair's other location. NULL
 * when the variant has no pair race. */
static json_t *group_partner(json_t *races, json_t *r, json_t **other)
{
    json_t *l0 = json_array_get(json_object_get(r, "locations"), 0);
    json_int_t line = jint(l0, "line"), best = -1;
    json_t *found = NULL;
    size_t i;
    json_t *p;
    *other = NULL;
    json_array_foreach(races, i, p)
    {
        json_t *locs = json_object_get(p, "locations");
        if (json_array_size(locs) != 2 || !jstr(p, "case") ||
            !jstr(p, "variant") || !jstr(r, "case") || !jstr(r, "variant") ||
            strcmp(jstr(p, "case"), jstr(r, "case")) ||
            strcmp(jstr(p, "variant"), jstr(r, "variant")))
            continue;
        for (size_t k = 0; k < 2; k++) {
            json_t *l = json_array_get(locs, k);
            if (!jstr(l, "path") || !jstr(l0, "path") ||
                strcmp(jstr(l, "path"), jstr(l0, "path")))
                continue;
            json_int_t d = jint(l, "line") - line;
            if (d < 0)
                d = -d;
            if (best < 0 || d < best) {
                best = d;
                found = p;
                *other = json_array_get(locs, !k);
            }
        }
    }
    return found;
}

/* The SARIF result of race r (NULL when it has no location). */
static json_t *race_result(json_t *races, json_t *r, json_t *rules)
{
    json_t *locs = json_object_get(r, "locations");
    if (!json_array_size(locs))
        return NULL; /* nothing to point at in the sources */
    size_t rule_index = rule_index_of(rules, rule_key(r));
    json_t *l0 = json_array_get(locs, 0), *l1 = json_array_get(locs, 1);
    char *b_what = NULL;
    if (!l1) {
        json_t *pair = group_partner(races, r, &l1);
        if (pair)
            b_what = xasprintf("access B (the detector named one access; "
                               "the other from the nearest race of this "
                               "variant, %s)",
                               jstr(pair, "id") ? jstr(pair, "id") : "?");
    }
    struct strbuf msg = {0};
    json_t *dets;
    race_message(&msg, r, l0, l1, &dets);
    json_t *flows = race_flows(r);

    json_t *res = json_object();
    json_object_set_new(
        res, "ruleId",
        json_text(jstr(json_array_get(rules, rule_index), "id")));
    json_object_set_new(res, "ruleIndex", json_integer((json_int_t)rule_index));
    json_object_set_new(res, "level", json_text("error"));
    json_object_set_new(res, "message", text(strbuf_str(&msg)));
    json_object_set_new(res, "locations",
                        json_pack("[o]", loc_location(l0, -1, "access A")));
    if (l1)
        json_object_set_new(
            res, "relatedLocations",
            json_pack("[o]",
                      loc_location(l1, 1, b_what ? b_what : "access B")));
    free(b_what);
    if (json_array_size(flows))
        json_object_set_new(res, "codeFlows", flows);
    else
        json_decref(flows);
    json_object_set_new(res, "partialFingerprints",
                        json_pack("{s:s}", "mapraceRace/v1", jstr(r, "id")));
    json_object_set_new(res, "properties",
                        json_pack("{s:o, s:s, s:s}", "detectors", dets, "case",
                                  jstr(r, "case"), "variant",
                                  jstr(r, "variant")));
    strbuf_release(&msg);
    return res;
}

char *report_sarif(json_t *results)
{
    json_t *races = group_ensure(results);
    json_t *rules = json_array();
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(races, i, r)
    {
        json_t *res = race_result(races, r, rules);
        if (res)
            json_array_append_new(out, res);
    }
    json_t *driver = json_pack("{s:s, s:s, s:o}", "name", "maprace",
                               "semanticVersion", "0.1.0", "rules", rules);
    json_t *run =
        json_pack("{s:{s:o}, s:o}", "tool", "driver", driver, "results", out);
    if (jstr(results, "run_id"))
        json_object_set_new(run, "automationDetails",
                            json_pack("{s:s}", "id", jstr(results, "run_id")));
    json_t *doc = json_pack("{s:s, s:s, s:[o]}", "$schema",
                            "https://json.schemastore.org/sarif-2.1.0.json",
                            "version", "2.1.0", "runs", run);
    char *s = json_dumps(doc, JSON_INDENT(2));
    json_decref(doc);
    size_t n = strlen(s);
    s = xrealloc(s, n + 2);
    s[n] = '\n';
    s[n + 1] = '\0';
    return s;
}
