/*
 * classify.c - runs and cells against case.ini (see classify.h).
 */
#include "engine/classify.h"

#include "lib/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char *const verdict_names[VERDICT_COUNT] = {
    [VERDICT_PASS] = "pass",
    [VERDICT_FALSE_NEGATIVE] = "false-negative",
    [VERDICT_FALSE_POSITIVE] = "false-positive",
    [VERDICT_KNOWN_MISS] = "known-miss",
    [VERDICT_KNOWN_FALSE_POSITIVE] = "known-false-positive",
    [VERDICT_ERROR] = "error",
};

const char *verdict_name(enum verdict v)
{
    return v < VERDICT_COUNT ? verdict_names[v] : "?";
}

const char *verdict_class_of(enum verdict v)
{
    switch (v) {
    case VERDICT_PASS:
        return "ok";
    case VERDICT_KNOWN_MISS:
    case VERDICT_KNOWN_FALSE_POSITIVE:
        return "known";
    case VERDICT_ERROR:
        return "error";
    default:
        return "bad";
    }
}

bool verdict_ok(enum verdict v)
{
    return v == VERDICT_PASS || v == VERDICT_KNOWN_MISS ||
           v == VERDICT_KNOWN_FALSE_POSITIVE;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* The marker of the first frame of f on a marked line, or NULL. */
static const struct marker *marked_frame(const struct finding *f,
                                         const struct markers *m)
{
    for (size_t a = 0; a < f->nr_access && a < 2; a++) {
        const struct stack *s = &f->access[a].stack;
        for (size_t i = 0; i < s->nr; i++) {
            const struct marker *mk =
                markers_find(m, s->frames[i].file, s->frames[i].line);
            if (mk)
                return mk;
        }
    }
    return NULL;
}

/* Whether a frame of any stack of f is in the variant's source files. */
static bool in_program(const struct finding *f, const struct markers *m)
{
    const struct access *all[64];
    size_t n = finding_stacks(f, all, 64);
    for (size_t a = 0; a < n; a++) {
        const struct stack *s = &all[a]->stack;
        for (size_t i = 0; i < s->nr; i++)
            if (markers_in_files(m, s->frames[i].file))
                return true;
    }
    return false;
}

/* "fatal error: x" -> "x" */
static const char *go_message(const char *s)
{
    if (!s)
        return "";
    if (starts_with(s, "fatal error: "))
        return s + strlen("fatal error: ");
    return s;
}

/* The findings of a run: races (and the first on a marked line), the
 * model's fatal error, other reports, a crash TSan turned into one. */
static void observe_findings(const struct markers *m, const struct report *r,
                             struct run_obs *o)
{
    for (size_t i = 0; i < r->nr; i++) {
        const struct finding *f = &r->findings[i];
        o->nr_findings++;
        if (f->kind == FINDING_DATA_RACE) {
            o->nr_races++;
            const struct marker *mk = marked_frame(f, m);
            if (mk && !o->race_marked) {
                o->race_marked = true;
                o->marker = xasprintf("%s:%d (%s)", base_name(mk->file),
                                      mk->line, mk->text);
            }
        } else if (f->kind == FINDING_FATAL) {
            if (!o->fatal)
                o->fatal = xstrdup(go_message(f->message));
        } else {
            if (f->kind < FINDING_KIND_COUNT && in_program(f, m))
                o->kinds[f->kind] = true;
            if (!o->other)
                o->other = xstrdup(f->type ? f->type : "report");
            /* TSan turns a crash into a report ("SEGV on unknown
             * address"): still a crash. */
            if (!o->crash && f->type &&
                (strstr(f->type, "on unknown address") ||
                 strstr(f->type, "DEADLYSIGNAL") ||
                 strstr(f->type, "deadly signal")))
                o->crash = xasprintf("crashed: %s", f->type);
        }
    }
}

/* The expected report kind of e, or FINDING_KIND_COUNT. */
static enum finding_kind expected_finding(enum expect_kind k)
{
    switch (k) {
    case EXPECT_LOCK_ORDER:
        return FINDING_LOCK_ORDER;
    case EXPECT_THREAD_LEAK:
        return FINDING_THREAD_LEAK;
    case EXPECT_MUTEX_MISUSE:
        return FINDING_MUTEX_MISUSE;
    case EXPECT_USE_AFTER_FREE:
        return FINDING_USE_AFTER_FREE;
    case EXPECT_SIGNAL_UNSAFE:
        return FINDING_SIGNAL_UNSAFE;
    default:
        return FINDING_KIND_COUNT;
    }
}

/* The program died of signal `sig`: by the wait status, or by TSan's
 * report of the deadly signal ("SEGV on unknown address"). */
static bool died_of(const struct proc *p, const struct run_obs *o,
                    const struct expectation *e)
{
    if (!p->spawn_errno && !p->timed_out && WIFSIGNALED(p->status) &&
        WTERMSIG(p->status) == e->num)
        return true;
    return o->crash && e->arg && strstr(o->crash, e->arg + 3);
}

/* Whether the run showed what e expects. */
static bool detected(enum detector d, const struct expectation *e,
                     const struct proc *p, int reported,
                     const struct run_obs *o)
{
    bool exited = !p->spawn_errno && !p->timed_out && WIFEXITED(p->status);
    switch (e->kind) {
    case EXPECT_RACE:
        return o->race_marked;
    case EXPECT_CLEAN:
        return o->nr_findings > 0;
    case EXPECT_FATAL:
        return o->fatal && e->arg && !strcmp(o->fatal, e->arg) && exited &&
               (WEXITSTATUS(p->status) == 2 ||
                (reported && WEXITSTATUS(p->status) == reported));
    case EXPECT_SYMPTOM:
        return o->symptom;
    case EXPECT_MISS:
        return detector_is_race_detector(d) ? o->race_marked : o->fatal != NULL;
    case EXPECT_FALSE_POSITIVE:
        return o->nr_races > 0;
    case EXPECT_EXIT:
        return exited && WEXITSTATUS(p->status) == e->num;
    case EXPECT_SIGNAL:
        return died_of(p, o, e);
    case EXPECT_ANY:
        return o->nr_findings > 0;
    case EXPECT_NONE:
        return false;
    default:
        return o->kinds[expected_finding(e->kind)];
    }
}

/* How the process ended, when that needs saying: o->end, and o->error
 * when nothing explains it (classify.h). */
static void judge_end(const struct expectation *e, const struct proc *p,
                      int reported, struct run_obs *o)
{
    bool exited =
        !p->spawn_errno && !p->timed_out && !p->killed && WIFEXITED(p->status);
    int code = exited ? WEXITSTATUS(p->status) : -1;
    bool plain = exited && (code == 0 || (code == 2 && o->fatal) ||
                            (reported && code == reported && o->nr_findings));
    if (!plain)
        o->end = xstrdup(o->crash ? o->crash : exec_describe(p));
    /* what was expected was seen: however it ended, it passes */
    bool shown = o->detected && e->kind != EXPECT_CLEAN &&
                 e->kind != EXPECT_MISS && e->kind != EXPECT_FALSE_POSITIVE &&
                 e->kind != EXPECT_ANY;
    if (p->spawn_errno || p->killed || (p->timed_out && !shown)) {
        o->error = xstrdup(exec_describe(p));
        return;
    }
    /* what the detector saw is the point (any), it cannot see the bug
     * (miss), or the end is what is judged (exit, signal): how the
     * program ended is said, not an error */
    if (shown || e->kind == EXPECT_ANY || e->kind == EXPECT_MISS ||
        e->kind == EXPECT_EXIT || e->kind == EXPECT_SIGNAL)
        return;
    if (o->crash) {
        o->error = xstrdup(o->crash);
    } else if (!exited) {
        o->error = xstrdup(exec_describe(p));
    } else {
        bool ok = plain || e->kind == EXPECT_SYMPTOM ||
                  (code == 2 && o->fatal) ||
                  (e->kind == EXPECT_EXIT && code == e->num);
        if (!ok)
            o->error = xasprintf("unexpected exit status %d%s", code,
                                 o->nr_findings ? "" : " with no report");
    }
}

void classify_run(enum detector d, const struct expectation *e,
                  const struct markers *m, const struct report *r,
                  const struct proc *p, const char *stdout_buf,
                  struct run_obs *o)
{
    /* the exit status that means "the detector reported" (TSan's), or 0 */
    int reported = detector_row(d)->reported_exit;
    memset(o, 0, sizeof(*o));
    observe_findings(m, r, o);
    if (e->kind == EXPECT_SYMPTOM && stdout_buf && e->arg)
        o->symptom = strstr(stdout_buf, e->arg) != NULL;
    o->detected = detected(d, e, p, reported, o);
    judge_end(e, p, reported, o);
}

void run_obs_release(struct run_obs *o)
{
    free(o->fatal);
    free(o->other);
    free(o->marker);
    free(o->crash);
    free(o->error);
    free(o->end);
    memset(o, 0, sizeof(*o));
}

/* What the cell showed, most telling first. */
static char *observed(const struct expectation *e, const struct run_obs *obs,
                      size_t n)
{
    if (!n) /* a cell that never ran saw nothing, not a clean run */
        return xstrdup("not run");
    for (size_t i = 0; i < n; i++)
        if (obs[i].race_marked)
            return xstrdup("race");
    for (size_t i = 0; i < n; i++)
        if (obs[i].fatal)
            return xasprintf("fatal %s", obs[i].fatal);
    for (size_t i = 0; i < n; i++)
        if (obs[i].nr_races)
            return xstrdup("race off the marked lines");
    for (int k = 0; k < FINDING_KIND_COUNT; k++)
        for (size_t i = 0; i < n; i++)
            if (k != FINDING_DATA_RACE && k != FINDING_FATAL &&
                k != FINDING_OTHER && obs[i].kinds[k])
                return xstrdup(finding_kind_name(k));
    if (e->kind == EXPECT_EXIT || e->kind == EXPECT_SIGNAL)
        for (size_t i = 0; i < n; i++)
            if (obs[i].end && !obs[i].nr_findings)
                return xstrdup(obs[i].end);
    for (size_t i = 0; i < n; i++)
        if (obs[i].other)
            return xasprintf("report: %s", obs[i].other);
    for (size_t i = 0; i < n; i++)
        if (obs[i].symptom)
            return xasprintf("symptom %s", e->arg);
    for (size_t i = 0; i < n; i++)
        if (obs[i].error)
            return xstrdup("error");
    return xstrdup("clean");
}

/* The verdict of n runs without error, k of them detected, against the
 * expectation's kind. */
static void verdict_of(enum detector d, const struct expectation *e,
                       const struct run_obs *obs, size_t n, size_t k,
                       bool natural, struct cell_verdict *v)
{
    switch (e->kind) {
    case EXPECT_RACE:
        v->verdict = k == n ? VERDICT_PASS : VERDICT_FALSE_NEGATIVE;
        if (k != n) {
            bool unmarked = false;
            for (size_t i = 0; i < n; i++)
                unmarked |= obs[i].nr_races > 0 && !obs[i].race_marked;
            v->note = xasprintf(
                "race on a marked line in %zu/%zu runs%s", k, n,
                unmarked ? " (races were reported off the marked lines)" : "");
        }
        break;
    case EXPECT_CLEAN:
        v->verdict = k ? VERDICT_FALSE_POSITIVE : VERDICT_PASS;
        if (k)
            v->note =
                xasprintf("reported in %zu/%zu runs: %s", k, n, v->observed);
        break;
    case EXPECT_FATAL:
    case EXPECT_SYMPTOM:
        if (detector_row(d)->best_effort) {
            /* Go's own check, never forced: seen once is enough; not
             * seen is judged over enough runs only */
            const char *what = e->kind == EXPECT_FATAL ? "fatal" : "symptom";
            if (k) {
                v->verdict = VERDICT_PASS;
                v->note = xasprintf("%s in %zu of %zu runs", what, k, n);
            } else if (n < BEST_EFFORT_JUDGED_RUNS) {
                v->verdict = VERDICT_KNOWN_MISS;
                v->note = xasprintf(
                    "%s in 0 of %zu runs: Go's check is best effort, and an "
                    "absence is judged over %d runs (--runs %d)",
                    what, n, BEST_EFFORT_JUDGED_RUNS, BEST_EFFORT_JUDGED_RUNS);
            } else {
                v->verdict = VERDICT_FALSE_NEGATIVE;
                v->note = xasprintf("%s in 0 of %zu runs (best effort: want "
                                    "one)",
                                    what, n);
            }
        } else if (k == n) {
            v->verdict = VERDICT_PASS;
        } else if (natural) {
            v->verdict = VERDICT_KNOWN_MISS;
            v->note = xasprintf("natural run (not forced): %s seen in "
                                "%zu/%zu runs; best-effort by design",
                                e->text, k, n);
        } else {
            v->verdict = VERDICT_FALSE_NEGATIVE;
            v->note = xasprintf("%s seen in %zu/%zu runs", e->text, k, n);
        }
        break;
    case EXPECT_MISS:
        if (k) {
            v->verdict = VERDICT_PASS;
            v->note = xasprintf("expected a miss (%s), but %s reported it "
                                "in %zu/%zu runs",
                                e->arg, detector_name(d), k, n);
        } else {
            v->verdict = VERDICT_KNOWN_MISS;
            v->note = xasprintf("known miss: %s", e->arg);
        }
        break;
    case EXPECT_FALSE_POSITIVE:
        if (k) {
            v->verdict = VERDICT_KNOWN_FALSE_POSITIVE;
            v->note = xasprintf("known false positive in %zu/%zu runs: %s", k,
                                n, e->arg);
        } else {
            v->verdict = VERDICT_PASS;
            v->note =
                xasprintf("expected false positive (%s) not reported", e->arg);
        }
        break;
    case EXPECT_LOCK_ORDER:
    case EXPECT_THREAD_LEAK:
    case EXPECT_MUTEX_MISUSE:
    case EXPECT_USE_AFTER_FREE:
    case EXPECT_SIGNAL_UNSAFE:
    case EXPECT_EXIT:
    case EXPECT_SIGNAL:
        v->verdict = k == n ? VERDICT_PASS : VERDICT_FALSE_NEGATIVE;
        if (k != n)
            v->note = xasprintf("%s in %zu/%zu runs%s", e->text, k, n,
                                expect_is_report(e->kind)
                                    ? " (with a frame in the program)"
                                    : "");
        break;
    case EXPECT_ANY:
        v->verdict = VERDICT_PASS;
        break;
    case EXPECT_NONE:
        v->verdict = VERDICT_ERROR;
        v->note = xstrdup("no expectation");
        break;
    }
}

/* Say how the program ended when that was not a plain exit: after the
 * note, in the first run it happened. */
static void note_end(const struct run_obs *obs, size_t n,
                     struct cell_verdict *v)
{
    size_t ended = 0, first = 0;
    for (size_t i = 0; i < n; i++)
        if (obs[i].end && !ended++)
            first = i;
    if (!ended)
        return;
    char *end = n > 1 ? xasprintf("the program ended: %s (%zu/%zu runs)",
                                  obs[first].end, ended, n)
                      : xasprintf("the program ended: %s", obs[first].end);
    char *note = v->note ? xasprintf("%s; %s", v->note, end) : end;
    if (v->note)
        free(end);
    free(v->note);
    v->note = note;
}

void classify_cell(enum detector d, const struct expectation *e,
                   const struct run_obs *obs, size_t n, bool natural,
                   struct cell_verdict *v)
{
    memset(v, 0, sizeof(*v));
    v->runs = n;
    for (size_t i = 0; i < n; i++)
        v->detected_runs += obs[i].detected;
    v->observed = observed(e, obs, n);
    size_t k = v->detected_runs;

    for (size_t i = 0; i < n; i++) {
        if (obs[i].error) {
            v->verdict = VERDICT_ERROR;
            if (n > 1)
                v->note = xasprintf("run %zu/%zu: %s", i + 1, n, obs[i].error);
            else
                v->note = xstrdup(obs[i].error);
            return;
        }
    }
    if (!n) {
        v->verdict = VERDICT_ERROR;
        v->note = xstrdup("not run");
        return;
    }

    verdict_of(d, e, obs, n, k, natural, v);
    note_end(obs, n, v);
}

void cell_verdict_release(struct cell_verdict *v)
{
    free(v->observed);
    free(v->note);
    memset(v, 0, sizeof(*v));
}
