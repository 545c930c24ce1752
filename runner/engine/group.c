/*
 * group.c - grouping findings into races (group.h).
 */
#include "engine/group.h"

#include "engine/annotate.h"
#include "engine/detectors.h"
#include "engine/results-model.h"
#include "lib/text.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* A copy of a frame, annotated (annotate.h) when `annotate`. */
static void frame_copy(struct res_frame *to, const struct res_frame *f,
                       bool annotate)
{
    *to = (struct res_frame){
        .func = dup_or_null(f->func),
        .file = dup_or_null(f->file),
        .line = f->line,
        .column = f->column,
        .module = dup_or_null(f->module),
        .offset = dup_or_null(f->offset),
        .ip = dup_or_null(f->ip),
        .marker = dup_or_null(f->marker),
        .repeat = f->repeat,
        .class_ = dup_or_null(f->class_),
        .hidden = f->hidden,
        .path = dup_or_null(f->path),
        .go = dup_or_null(f->go),
        .role = dup_or_null(f->role),
        .model = dup_or_null(f->model),
    };
    if (!annotate)
        return;
    struct frame_annotation an;
    annotate_frame_of(f->func, f->file, f->module, &an);
    free(to->class_);
    to->class_ = xstrdup(frame_class_name(an.cls));
    to->hidden = an.cls == FRAME_HIDDEN;
    if (an.path) {
        free(to->path);
        to->path = an.path;
    }
    if (an.model) {
        free(to->model);
        free(to->role);
        to->model = xstrdup(an.model);
        to->role = xstrdup(an.role);
    }
    if (an.go) {
        free(to->go);
        free(to->role);
        to->go = xstrdup(an.go);
        to->role = xstrdup(an.role);
    }
}

static void frame_free(struct res_frame *f)
{
    free(f->func);
    free(f->file);
    free(f->module);
    free(f->offset);
    free(f->ip);
    free(f->marker);
    free(f->class_);
    free(f->path);
    free(f->go);
    free(f->role);
    free(f->model);
}

/* A copy of an access, its frames annotated (annotate.h) when
 * `annotate`. */
static void access_copy(struct res_access *to, const struct res_access *a,
                        bool annotate)
{
    *to = *a;
    to->label = dup_or_null(a->label);
    to->kind = dup_or_null(a->kind);
    to->addr = dup_or_null(a->addr);
    to->thread = dup_or_null(a->thread);
    to->locks = xcalloc(a->nr_locks + 1, sizeof(*to->locks));
    for (size_t i = 0; i < a->nr_locks; i++)
        to->locks[i] = dup_or_null(a->locks[i]);
    to->frames = xcalloc(a->nr_frames + 1, sizeof(*to->frames));
    for (size_t i = 0; i < a->nr_frames; i++)
        frame_copy(&to->frames[i], &a->frames[i], annotate);
}

static void access_free(struct res_access *a)
{
    free(a->label);
    free(a->kind);
    free(a->addr);
    free(a->thread);
    for (size_t i = 0; i < a->nr_locks; i++)
        free(a->locks[i]);
    free(a->locks);
    for (size_t i = 0; i < a->nr_frames; i++)
        frame_free(&a->frames[i]);
    free(a->frames);
}

static bool has_line(const struct res_frame *f)
{
    return f->line > 0 && f->path;
}

/* The location of an annotated access (see group.h), into *loc; false
 * when it has none. */
static bool access_location(const struct res_access *a, const char *case_name,
                            struct res_location *loc)
{
    const struct res_frame *best = NULL;
    const char *how = NULL;
    char *case_dir = xasprintf("cases/%s/", case_name);
    for (size_t i = 0; i < a->nr_frames && !best; i++)
        if (has_line(&a->frames[i]) && a->frames[i].marker) {
            best = &a->frames[i];
            how = "marked";
        }
    for (size_t i = 0; i < a->nr_frames && !best; i++)
        if (has_line(&a->frames[i]) &&
            starts_with(a->frames[i].path, case_dir)) {
            best = &a->frames[i];
            how = "case";
        }
    for (size_t i = 0; i < a->nr_frames && !best; i++) {
        const char *cl = a->frames[i].class_;
        if (has_line(&a->frames[i]) && cl && !strcmp(cl, "model")) {
            best = &a->frames[i];
            how = "model";
        }
    }
    free(case_dir);
    if (!best)
        return false;
    *loc = (struct res_location){
        .path = xstrdup(best->path),
        .line = best->line,
        .func = dup_or_null(best->func),
        .marker = dup_or_null(best->marker),
        .how = xstrdup(how),
    };
    return true;
}

static void location_copy(struct res_location *to, const struct res_location *l)
{
    *to = (struct res_location){
        .path = dup_or_null(l->path),
        .line = l->line,
        .func = dup_or_null(l->func),
        .marker = dup_or_null(l->marker),
        .how = dup_or_null(l->how),
    };
}

static void location_free(struct res_location *l)
{
    free(l->path);
    free(l->func);
    free(l->marker);
    free(l->how);
}

static char *loc_key(const struct res_location *loc)
{
    return xasprintf("%s:%lld", loc->path, loc->line);
}

/* What makes two locations one for grouping: the marker's text on a
 * marked line (so that a Go twin's race joins the model's race that names
 * the same markers), else "path:line". */
static char *join_key(const struct res_location *loc)
{
    /* maprace try marks every line of the user's program with "" */
    return loc->marker && *loc->marker ? xasprintf("marker:%s", loc->marker)
                                       : loc_key(loc);
}

/* A pair of top frames of an evidence, while counting (access_pairs). */
struct pair_count {
    char *key;
    long long count;
    size_t seq;
    struct res_pair_access acc[2];
    size_t nr_acc;
};

/* One detector's evidence, while grouping: the typed evidence, the runs
 * that showed it, the pairs counted. */
struct evidence_work {
    struct res_evidence ev;
    long long *runs; /* distinct run numbers */
    size_t nr_runs, alloc_runs;
    struct pair_count *pairs;
    size_t nr_pairs, alloc_pairs;
};

/* A race while grouping: the typed race, its join key, its evidences. */
struct race_work {
    struct res_race race;
    char *join;
    struct evidence_work *evs;
    size_t nr_evs, alloc_evs;
};

struct races_work {
    struct race_work *v;
    size_t nr, alloc;
};

/* The race whose join key (case/variant:keys) is `join`, or NULL. */
static struct race_work *find_race(struct races_work *w, const char *join)
{
    for (size_t i = 0; i < w->nr; i++)
        if (!strcmp(w->v[i].join, join))
            return &w->v[i];
    return NULL;
}

/* A race of this case variant one of whose locations is `key`. */
static struct race_work *find_race_with(struct races_work *w, const char *cs,
                                        const char *var, const char *key)
{
    for (size_t i = 0; i < w->nr; i++) {
        struct res_race *r = &w->v[i].race;
        if (strcmp(r->case_name, cs) || strcmp(r->variant, var))
            continue;
        for (size_t k = 0; k < r->nr_locations; k++) {
            char *lk = join_key(&r->locations[k]);
            bool same = !strcmp(lk, key);
            free(lk);
            if (same)
                return &w->v[i];
        }
    }
    return NULL;
}

static struct race_work *new_race(struct races_work *w,
                                  const struct res_cell *cell,
                                  const struct res_case *cs, const char *id,
                                  const char *join, const char *kind,
                                  const struct res_location *locs, size_t n)
{
    ALLOC_GROW(w->v, w->nr + 1, w->alloc);
    struct race_work *rw = &w->v[w->nr++];
    memset(rw, 0, sizeof(*rw));
    rw->join = xstrdup(join);
    struct res_race *r = &rw->race;
    r->id = xstrdup(id);
    r->case_name = xstrdup(cell->case_name);
    r->variant = xstrdup(cell->variant);
    r->kind = xstrdup(kind);
    if (cs) {
        r->title = dup_or_null(cs->title);
        r->family = dup_or_null(cs->family);
        r->go = dup_or_null(cs->go);
        r->why = dup_or_null(cs->why);
    }
    r->locations = xcalloc(n + 1, sizeof(*r->locations));
    for (size_t i = 0; i < n; i++)
        location_copy(&r->locations[i], &locs[i]);
    r->nr_locations = n;
    return rw;
}

/* The raw logs of one run of detector det: the paths of its logs under
 * the keys its row names (detector_log_keys: its own log, its second
 * file, the program's stderr; not its stdout). */
static void run_logs(struct res_evidence *ev, const struct res_run *run,
                     const char *det)
{
    const char *keys[2 * DET_COUNT + 1];
    size_t nr = detector_log_keys(det, keys, sizeof(keys) / sizeof(keys[0]));
    size_t alloc = 0;
    ev->logs = xcalloc(1, sizeof(*ev->logs));
    for (size_t k = 0; k < nr; k++)
        for (size_t i = 0; i < run->nr_logs; i++) {
            const struct res_log *lg = &run->logs[i];
            if (strcmp(lg->key, keys[k]))
                continue;
            for (size_t p = 0; p < lg->nr_paths; p++) {
                ALLOC_GROW(ev->logs, ev->nr_logs + 1, alloc);
                ev->logs[ev->nr_logs++] = xstrdup(lg->paths[p]);
            }
        }
}

/* The top visible model frame of an annotated access, for access_pairs
 * (group.h): the first frame that is not folded and is in the model, else
 * the first that is not folded; with null func, path, go, class when the
 * access has no such frame. */
static void top_frame(const struct res_access *a, long long at,
                      struct res_pair_access *t)
{
    const struct res_frame *best = NULL;
    for (size_t i = 0; i < a->nr_frames && !best; i++)
        if (a->frames[i].hidden != 1 && a->frames[i].class_ &&
            !strcmp(a->frames[i].class_, "model"))
            best = &a->frames[i];
    for (size_t i = 0; i < a->nr_frames && !best; i++)
        if (a->frames[i].hidden != 1)
            best = &a->frames[i];
    *t = (struct res_pair_access){
        .kind = xstrdup(a->kind ? a->kind : "unknown"),
        .at = at,
        .func = best ? dup_or_null(best->func) : NULL,
        .path = best ? dup_or_null(best->path) : NULL,
        .line = best ? best->line : 0,
        .go = best ? dup_or_null(best->go) : NULL,
        .class_ = best ? dup_or_null(best->class_) : NULL,
    };
}

static char *top_frame_key(const struct res_pair_access *t)
{
    return xasprintf("%lld %s %s %s:%lld", t->at, t->kind,
                     t->func ? t->func : "?", t->path ? t->path : "?", t->line);
}

static void pair_access_free(struct res_pair_access *t)
{
    free(t->kind);
    free(t->func);
    free(t->path);
    free(t->go);
    free(t->class_);
}

/* Count the pair of top frames of one finding's accesses (ordered as the
 * locations, as `accesses[]`; by key when both are at the same one). */
static void count_pair(struct evidence_work *w, const struct res_access *accs,
                       size_t n, const int *slots)
{
    struct res_pair_access tops[2];
    char *keys[2] = {NULL, NULL};
    if (n > 2)
        n = 2;
    for (size_t i = 0; i < n; i++) {
        top_frame(&accs[i], slots[i], &tops[i]);
        keys[i] = top_frame_key(&tops[i]);
    }
    if (n == 2 && (slots[0] > slots[1] ||
                   (slots[0] == slots[1] && strcmp(keys[0], keys[1]) > 0))) {
        struct res_pair_access t = tops[0];
        char *k = keys[0];
        tops[0] = tops[1];
        keys[0] = keys[1];
        tops[1] = t;
        keys[1] = k;
    }
    char *key = xasprintf("%s ~ %s", n ? keys[0] : "-", n == 2 ? keys[1] : "-");
    struct pair_count *e = NULL;
    for (size_t i = 0; i < w->nr_pairs && !e; i++)
        if (!strcmp(w->pairs[i].key, key))
            e = &w->pairs[i];
    if (!e) {
        ALLOC_GROW(w->pairs, w->nr_pairs + 1, w->alloc_pairs);
        e = &w->pairs[w->nr_pairs];
        memset(e, 0, sizeof(*e));
        e->key = key;
        e->seq = w->nr_pairs++;
        for (size_t i = 0; i < n; i++)
            e->acc[i] = tops[i];
        e->nr_acc = n;
        key = NULL;
    } else {
        for (size_t i = 0; i < n; i++)
            pair_access_free(&tops[i]);
    }
    e->count++;
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(key);
}

static int pair_cmp(const void *a, const void *b)
{
    const struct pair_count *x = *(const struct pair_count *const *)a;
    const struct pair_count *y = *(const struct pair_count *const *)b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The evidence's access_pairs (most frequent first, then first seen; at
 * most GROUP_MAX_PAIRS) and access_pairs_more, from the pairs counted. */
static void finish_pairs(struct evidence_work *w)
{
    size_t n = w->nr_pairs;
    struct pair_count **v = xcalloc(n ? n : 1, sizeof(*v));
    for (size_t i = 0; i < n; i++)
        v[i] = &w->pairs[i];
    qsort(v, n, sizeof(*v), pair_cmp);
    size_t keep = n < GROUP_MAX_PAIRS ? n : GROUP_MAX_PAIRS;
    struct res_evidence *ev = &w->ev;
    ev->access_pairs = xcalloc(keep + 1, sizeof(*ev->access_pairs));
    for (size_t i = 0; i < keep; i++) {
        struct res_access_pair *p = &ev->access_pairs[ev->nr_access_pairs++];
        p->count = v[i]->count;
        p->accesses = xcalloc(3, sizeof(*p->accesses));
        for (size_t k = 0; k < v[i]->nr_acc; k++) {
            p->accesses[k] = v[i]->acc[k];
            memset(&v[i]->acc[k], 0, sizeof(v[i]->acc[k]));
        }
        p->nr_accesses = v[i]->nr_acc;
    }
    ev->access_pairs_more =
        (long long)(n > GROUP_MAX_PAIRS ? n - GROUP_MAX_PAIRS : 0);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < w->pairs[i].nr_acc; k++)
            pair_access_free(&w->pairs[i].acc[k]);
        free(w->pairs[i].key);
    }
    free(w->pairs);
    free(v);
    w->pairs = NULL;
    w->nr_pairs = w->alloc_pairs = 0;
}

/* One finding on its way into a race. */
struct grouping {
    struct races_work *races;
    const struct res_cell *cell;
    const struct res_case *cs;
    const struct res_run *run;
    const struct res_finding *finding;
    struct res_access accs[2]; /* its accesses, annotated */
    size_t nr_accs;
    const char *cname, *vname, *kind;
};

/* Add one finding (its accesses annotated, `slots` saying which location
 * each access is at) as evidence of race rw. */
static void add_evidence(struct race_work *rw, const struct grouping *g,
                         const int *slots)
{
    const char *det = g->cell->detector;
    struct evidence_work *w = NULL;
    for (size_t i = 0; i < rw->nr_evs && !w; i++)
        if (!strcmp(rw->evs[i].ev.detector, det))
            w = &rw->evs[i];
    long long runno = g->run->run;
    if (!w) {
        ALLOC_GROW(rw->evs, rw->nr_evs + 1, rw->alloc_evs);
        w = &rw->evs[rw->nr_evs++];
        memset(w, 0, sizeof(*w));
        struct res_evidence *ev = &w->ev;
        const struct res_finding *f = g->finding;
        ev->detector = xstrdup(det);
        ev->kind = dup_or_null(f->kind);
        ev->type = dup_or_null(f->type);
        ev->message = dup_or_null(f->message);
        ev->location = dup_or_null(f->location);
        ev->verdict = g->cell->verdict;
        ev->runs = g->cell->runs_done;
        ev->first_run = runno;
        ev->accesses = xcalloc(3, sizeof(*ev->accesses));
        for (size_t i = 0; i < g->nr_accs; i++) {
            access_copy(&ev->accesses[i], &g->accs[i], false);
            ev->accesses[i].at = slots[i]; /* its place among the locations */
        }
        ev->nr_accesses = g->nr_accs;
        /* the access at location 0 first */
        if (g->nr_accs == 2 && slots[0] > slots[1]) {
            struct res_access t = ev->accesses[0];
            ev->accesses[0] = ev->accesses[1];
            ev->accesses[1] = t;
        }
        ev->more = xcalloc(f->nr_more + 1, sizeof(*ev->more));
        for (size_t i = 0; i < f->nr_more; i++)
            access_copy(&ev->more[i], &f->more[i], true);
        ev->nr_more = f->nr_more;
        ev->command = dup_or_null(g->run->command);
        run_logs(ev, g->run, det);
    }
    w->ev.findings++;
    bool seen = false;
    for (size_t i = 0; i < w->nr_runs && !seen; i++)
        seen = w->runs[i] == runno;
    if (!seen) {
        ALLOC_GROW(w->runs, w->nr_runs + 1, w->alloc_runs);
        w->runs[w->nr_runs++] = runno;
    }
    count_pair(w, g->accs, g->nr_accs, slots);
}

/* A finding with both accesses on located lines: the race of that pair. */
static void group_pair(const struct grouping *g,
                       const struct res_location locs[2])
{
    char *k0 = loc_key(&locs[0]), *k1 = loc_key(&locs[1]);
    char *j0 = join_key(&locs[0]), *j1 = join_key(&locs[1]);
    /* locations in path:line order; the race found by its join keys */
    int swap = strcmp(k0, k1) > 0;
    int jswap = strcmp(j0, j1) > 0;
    char *id = xasprintf("%s/%s:%s~%s", g->cname, g->vname, swap ? k1 : k0,
                         swap ? k0 : k1);
    char *join = xasprintf("%s/%s:%s~%s", g->cname, g->vname, jswap ? j1 : j0,
                           jswap ? j0 : j1);
    struct race_work *r = find_race(g->races, join);
    if (!r) {
        struct res_location la[2] = {locs[swap], locs[!swap]};
        r = new_race(g->races, g->cell, g->cs, id, join, g->kind, la, 2);
    } else if (strcmp(j0, j1)) {
        /* joined: which of the race's locations each access names */
        char *l0 = join_key(&r->race.locations[0]);
        swap = strcmp(l0, j0) != 0;
        free(l0);
    }
    int slots[2] = {swap, !swap};
    add_evidence(r, g, slots);
    free(id);
    free(join);
    free(k0);
    free(k1);
    free(j0);
    free(j1);
}

/* A finding with one located access: the pair race that has its line, or
 * a race of that line alone. */
static void group_single(const struct grouping *g,
                         const struct res_location locs[2], const bool has[2])
{
    const struct res_location *loc = has[0] ? &locs[0] : &locs[1];
    char *k = join_key(loc);
    struct race_work *r = find_race_with(g->races, g->cname, g->vname, k);
    int at = 0;
    if (r) {
        char *k0 = join_key(&r->race.locations[0]);
        at = strcmp(k0, k) ? 1 : 0;
        free(k0);
    } else {
        char *lk = loc_key(loc);
        char *id = xasprintf("%s/%s:%s", g->cname, g->vname, lk);
        char *join = xasprintf("%s/%s:%s", g->cname, g->vname, k);
        r = find_race(g->races, join);
        if (!r)
            r = new_race(g->races, g->cell, g->cs, id, join, g->kind, loc, 1);
        free(join);
        free(id);
        free(lk);
    }
    int slots[2];
    for (size_t s = 0; s < 2; s++)
        slots[s] = has[s] ? at : -1;
    add_evidence(r, g, slots);
    free(k);
}

/* "path:line" of the first frame of the finding (any of its stacks)
 * that is not folded and has a line, or NULL. Malloc'd. */
static char *first_line(const struct res_finding *finding)
{
    const struct res_access *stacks[2] = {finding->accesses, finding->more};
    size_t nr[2] = {finding->nr_accesses, finding->nr_more};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < nr[k]; i++)
            for (size_t j = 0; j < stacks[k][i].nr_frames; j++) {
                struct res_frame fr;
                frame_copy(&fr, &stacks[k][i].frames[j], true);
                char *key = NULL;
                if (fr.line > 0 && fr.path && fr.hidden != 1)
                    key = xasprintf("%s:%lld", fr.path, fr.line);
                frame_free(&fr);
                if (key)
                    return key;
            }
    return NULL;
}

/* A finding with no located access: grouped by its type and the first
 * line of its stacks, so that distinct bugs stay distinct. */
static void group_other(const struct grouping *g)
{
    const char *type = g->finding->type;
    char *line = first_line(g->finding);
    char *id =
        xasprintf("%s/%s:%s%s%s", g->cname, g->vname, type ? type : g->kind,
                  line ? "@" : "", line ? line : "");
    free(line);
    struct race_work *r = find_race(g->races, id);
    if (!r)
        r = new_race(g->races, g->cell, g->cs, id, id, g->kind, NULL, 0);
    int slots[2] = {-1, -1};
    add_evidence(r, g, slots);
    free(id);
}

static void group_finding(struct races_work *races, const struct results *res,
                          const struct res_cell *cell,
                          const struct res_run *run,
                          const struct res_finding *finding, int pass)
{
    struct grouping g = {
        .races = races, .cell = cell, .run = run, .finding = finding};
    g.cname = cell->case_name;
    g.vname = cell->variant;
    g.cs = results_case(res, g.cname);
    struct res_location locs[2];
    bool has[2] = {false, false};
    memset(locs, 0, sizeof(locs));
    for (size_t i = 0; i < finding->nr_accesses && i < 2; i++) {
        access_copy(&g.accs[i], &finding->accesses[i], true);
        has[i] = access_location(&g.accs[i], g.cname, &locs[i]);
        g.nr_accs++;
    }
    int nloc = has[0] + has[1];
    g.kind = finding->kind ? finding->kind : "other";
    /* pass 1: pairs; pass 2: the rest, which may join a pair's race */
    if ((pass == 1) == (nloc == 2)) {
        if (nloc == 2)
            group_pair(&g, locs);
        else if (nloc == 1)
            group_single(&g, locs, has);
        else
            group_other(&g);
    }
    for (size_t i = 0; i < 2; i++)
        if (has[i])
            location_free(&locs[i]);
    for (size_t i = 0; i < g.nr_accs; i++)
        access_free(&g.accs[i]);
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

/* The race's evidences, the real Go's before the model's (the
 * reference first); otherwise in the order the cells ran in. */
static void finish_race(struct race_work *rw)
{
    struct res_race *r = &rw->race;
    r->detectors = xcalloc(rw->nr_evs + 1, sizeof(*r->detectors));
    for (int rank = 0; rank <= 4; rank++)
        for (size_t i = 0; i < rw->nr_evs; i++) {
            int k = go_rank(rw->evs[i].ev.detector);
            if (k == rank || (rank == 4 && k < 0))
                r->detectors[r->nr_detectors++] = rw->evs[i].ev;
        }
    for (size_t i = 0; i < rw->nr_evs; i++)
        free(rw->evs[i].runs);
    free(rw->evs);
    free(rw->join);
}

void group_results(struct results *res)
{
    struct races_work w = {NULL, 0, 0};
    for (int pass = 1; pass <= 2; pass++)
        for (size_t i = 0; i < res->nr_cells; i++) {
            const struct res_cell *cell = &res->cells[i];
            for (size_t k = 0; k < cell->nr_runs_detail; k++) {
                const struct res_run *run = &cell->runs_detail[k];
                for (size_t m = 0; m < run->nr_findings; m++)
                    group_finding(&w, res, cell, run, &run->findings[m], pass);
            }
        }
    /* A race that some detector reported as a data race is one, whatever
     * the others said (native: a fatal error). */
    struct results old = {.races = res->races, .nr_races = res->nr_races};
    res->races = xcalloc(w.nr + 1, sizeof(*res->races));
    res->nr_races = 0;
    for (size_t i = 0; i < w.nr; i++) {
        struct race_work *rw = &w.v[i];
        for (size_t k = 0; k < rw->nr_evs; k++) {
            struct evidence_work *ew = &rw->evs[k];
            const char *kind = ew->ev.kind;
            if (kind && !strcmp(kind, "data-race")) {
                free(rw->race.kind);
                rw->race.kind = xstrdup("data-race");
            }
            ew->ev.seen_runs = (long long)ew->nr_runs;
            finish_pairs(ew);
        }
        finish_race(rw);
        res->races[res->nr_races++] = rw->race;
    }
    free(w.v);
    results_release(&old);
}

void group_results_ensure(struct results *res)
{
    if (!res->races)
        group_results(res);
}

json_t *group_races(json_t *results)
{
    struct results res;
    char *why = NULL;
    if (results_from_json(results, &res, &why) < 0) {
        error("cannot group the races: %s", why);
        free(why);
        return json_array();
    }
    group_results(&res);
    json_t *races = results_races_json(&res);
    results_release(&res);
    return races;
}
