/*
 * cmd/fidelity.c - `maprace fidelity`: the model against the real Go
 * (cmd/fidelity.h).
 */
#include "cmd/fidelity.h"

#include "cmd/builtin.h"
#include "cmd/options.h"
#include "cmd/run.h"
#include "engine/run.h"
#include "lib/util.h"
#include "lib/exit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* The runs of one pairing: a model against the Go whose map it models. */
enum { SUB_GO_RACE, SUB_GO, SUB_FORCED, SUB_NATURAL, NR_SUB };

/* The two pairings: the hmap model against the hmap Go (Go 1.19), the
 * Swiss-table model against the current Go (Go 1.26). */
enum { PAIR_HMAP, PAIR_SWISS, NR_PAIR };

/* One of the four runs. */
struct sub {
    const char *what;
    enum detector d;
    int runs;
    bool natural;
    struct session s;
    bool ran;
};

/* What the runs of one cell showed: each outcome and how many runs. */
#define TALLY_MAX 16
struct tally {
    size_t runs;
    char *what[TALLY_MAX];
    size_t n[TALLY_MAX];
    size_t nr;
    char *error; /* the cell did not run: why */
};

static void tally_add(struct tally *t, char *what)
{
    for (size_t i = 0; i < t->nr; i++)
        if (!strcmp(t->what[i], what)) {
            t->n[i]++;
            free(what);
            return;
        }
    if (t->nr == TALLY_MAX) {
        free(what);
        return;
    }
    t->what[t->nr] = what;
    t->n[t->nr++] = 1;
}

static size_t tally_count(const struct tally *t, const char *what)
{
    for (size_t i = 0; i < t->nr; i++)
        if (!strcmp(t->what[i], what))
            return t->n[i];
    return 0;
}

static void tally_release(struct tally *t)
{
    for (size_t i = 0; i < t->nr; i++)
        free(t->what[i]);
    free(t->error);
    memset(t, 0, sizeof(*t));
}

/* One run's outcomes: the race (on a marked line), the Go message of a
 * fatal error, the expected symptom, another report, or nothing. */
static void tally_run(struct tally *t, const struct run_obs *o,
                      const struct expectation *e)
{
    bool any = false;
    t->runs++;
    if (o->error) {
        tally_add(t, xstrdup("error"));
        return;
    }
    if (o->race_marked || o->nr_races) {
        tally_add(t, xstrdup(o->race_marked ? "race" : "race off the marks"));
        any = true;
    }
    if (o->fatal) {
        tally_add(t, xasprintf("fatal %s", o->fatal));
        any = true;
    }
    if (o->symptom) {
        tally_add(t, xasprintf("symptom %s", e->arg));
        any = true;
    }
    if (!any && o->other)
        tally_add(t, xasprintf("report: %s", o->other));
    else if (!any)
        tally_add(t, xstrdup("clean"));
}

static const struct cell *find_cell(const struct session *s, const char *cname,
                                    const char *vname)
{
    for (size_t i = 0; i < s->nr_cells; i++)
        if (!strcmp(s->cells[i].c->name, cname) &&
            !strcmp(s->cells[i].v->name, vname))
            return &s->cells[i];
    return NULL;
}

static void tally_cell(const struct sub *u, const char *cname,
                       const char *vname, struct tally *t)
{
    memset(t, 0, sizeof(*t));
    const struct cell *cl = u->ran ? find_cell(&u->s, cname, vname) : NULL;
    if (!cl) {
        t->error = xstrdup("not run");
        return;
    }
    if (cl->error) {
        t->error = xstrdup(cl->error);
        return;
    }
    for (size_t r = 0; r < cl->runs_done; r++)
        tally_run(t, &cl->obs[r], cl->expect);
}

/* "fatal concurrent map writes 17/100, clean 83/100", most runs first. */
static char *tally_text(const struct tally *t)
{
    if (t->error)
        return xasprintf("error: %s", t->error);
    struct strbuf sb = STRBUF_INIT;
    bool used[TALLY_MAX] = {false};
    for (size_t k = 0; k < t->nr; k++) {
        size_t best = t->nr;
        for (size_t i = 0; i < t->nr; i++)
            if (!used[i] && (best == t->nr || t->n[i] > t->n[best]))
                best = i;
        used[best] = true;
        strbuf_addf(&sb, "%s%s %zu/%zu", k ? ", " : "", t->what[best],
                    t->n[best], t->runs);
    }
    return strbuf_detach(&sb);
}

/* Model and Go agree when go -race says race exactly when the model's
 * race detectors must (tsan: the model's TSan row of the pairing), and
 * every outcome of the forced model shows in the Go runs too. NULL when
 * they agree, else what differs. */
static char *differs(const struct variant *v, const struct tally *t,
                     enum detector tsan)
{
    const struct tally *race = &t[SUB_GO_RACE], *go = &t[SUB_GO];
    const struct tally *forced = &t[SUB_FORCED];
    if (race->error || go->error || forced->error)
        return xstrdup("not measured");
    bool model_race = v->expect[tsan].kind == EXPECT_RACE;
    bool go_race = tally_count(race, "race") > 0;
    if (model_race != go_race)
        return xasprintf("go -race %s a race, the model's detectors %s",
                         go_race ? "reports" : "does not report",
                         model_race ? "must" : "must not");
    for (size_t i = 0; i < forced->nr; i++)
        if (strcmp(forced->what[i], "error") &&
            !tally_count(go, forced->what[i]))
            return xasprintf("the model's %s never in Go", forced->what[i]);
    return NULL;
}

/* A session's matrix goes to its summary.txt; stdout is the table. */
static int run_quiet(struct session *s)
{
    fflush(stdout);
    int saved = dup(1);
    int null = open("/dev/null", O_WRONLY);
    if (saved >= 0 && null >= 0)
        dup2(null, 1);
    int rc = session_run(s);
    fflush(stdout);
    if (saved >= 0) {
        dup2(saved, 1);
        close(saved);
    }
    if (null >= 0)
        close(null);
    return rc;
}

/* For a Go run (detector go_det): where the model's native expectation is
 * a symptom, the Go runs look for the same text. */
static void borrow_symptoms(struct catalog *cat, enum detector go_det)
{
    for (size_t c = 0; c < cat->nr; c++)
        for (size_t i = 0; i < cat->cases[c].nr_variants; i++) {
            struct variant *v = &cat->cases[c].variants[i];
            const struct expectation *n = &v->expect[DET_NATIVE];
            struct expectation *g = &v->expect[go_det];
            if (!v->go_source || n->kind != EXPECT_SYMPTOM)
                continue;
            free(g->arg);
            free(g->text);
            g->kind = n->kind;
            g->arg = xstrdup(n->arg);
            g->text = xstrdup(n->text);
        }
}

static int sub_run(struct session *base, struct sub *u)
{
    memset(&u->s, 0, sizeof(u->s));
    u->s.opts = base->opts;
    memset(u->s.opts.detectors, 0, sizeof(u->s.opts.detectors));
    u->s.opts.detectors[u->d] = true;
    u->s.opts.runs = u->runs;
    u->s.opts.natural = u->natural;
    u->s.opts.check = false;
    u->s.opts.json = false;
    u->s.opts.formats = 0;
    char *why;
    if (catalog_load(base->opts.cases_dir, &u->s.cat, &why) < 0) {
        error("%s", why);
        free(why);
        return EXIT_USAGE;
    }
    if (detector_row(u->d)->go_twin && !detector_row(u->d)->race_detector)
        borrow_symptoms(&u->s.cat, u->d);
    fprintf(stderr, "maprace fidelity: %s, %d runs per variant\n", u->what,
            u->runs);
    int rc = run_quiet(&u->s);
    u->ran = rc == EXIT_OK || rc == EXIT_ENV; /* some cells are errors */
    if (u->ran)
        fprintf(stderr, "maprace fidelity: %s: %s\n", u->what, u->s.report_dir);
    return rc;
}

/* The machine's load average (/proc/loadavg: 1, 5, 15 minutes), for the
 * table's head: figures taken under load say so. */
static const char *load_average(void)
{
    static char buf[64];
    char *text = read_file("/proc/loadavg", 256, NULL);
    snprintf(buf, sizeof(buf), "?");
    if (text) {
        size_t n = 0;
        for (int field = 0; field < 3 && text[n]; field++) {
            n += strcspn(text + n, " ");
            n += strspn(text + n, " ");
        }
        snprintf(buf, sizeof(buf), "%.*s", (int)(n ? n - 1 : 0), text);
        free(text);
    }
    return buf;
}

/* The Go version of a pairing's toolchain ("go1.19.8"), or "?". */
static const char *pair_go(const struct sub *u)
{
    const struct go_toolchain *t =
        go_toolchain(detector_row(u[SUB_GO].d)->toolchain);
    return t->version ? t->version : "?";
}

static void print_head(const char *title, const struct sub *u)
{
    char date[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", &tm);
    struct utsname un;
    uname(&un);
    printf("### %s\n\n", title);
    printf("Measured %s on %s %s %s, %ld cores, load average at the end %s; "
           "%s (%s, %s) %d runs per variant, Go's runtime (%s) %d, the model "
           "forced (%s) %d, unforced %d.\n\n",
           date, un.sysname, un.release, un.machine,
           sysconf(_SC_NPROCESSORS_ONLN), load_average(),
           detector_name(u[SUB_GO_RACE].d), pair_go(u), "-race",
           u[SUB_GO_RACE].runs, detector_name(u[SUB_GO].d), u[SUB_GO].runs,
           detector_name(u[SUB_FORCED].d), u[SUB_FORCED].runs,
           u[SUB_NATURAL].runs);
    printf("| variant | go -race (%s) | Go runtime (%s) | model, forced | "
           "model, unforced | model and Go |\n",
           pair_go(u), pair_go(u));
    printf("|---|---|---|---|---|---|\n");
}

static void print_row(const struct mcase *c, const struct variant *v,
                      const struct sub *u)
{
    if (!v->go_source) {
        printf("| %s/%s | - | - | - | - | no Go twin: %s |\n", c->name, v->name,
               v->no_go_twin ? v->no_go_twin : "none");
        return;
    }
    char *needs;
    if (!variant_has_cell(v, u[SUB_GO_RACE].d, &needs)) {
        printf("| %s/%s | - | - | - | - | %s |\n", c->name, v->name,
               needs ? needs : "no Go cell");
        free(needs);
        return;
    }
    /* a case the model cannot run (no-swiss, no-hmap): what the Go did,
     * and why the model has nothing beside it */
    const char *no_why;
    bool no_model = !case_has_model(c, u[SUB_FORCED].d, &no_why);
    struct tally t[NR_SUB];
    printf("| %s/%s |", c->name, v->name);
    for (int k = 0; k < NR_SUB; k++) {
        tally_cell(&u[k], c->name, v->name, &t[k]);
        char *text = no_model && (k == SUB_FORCED || k == SUB_NATURAL)
                         ? xstrdup("-")
                         : tally_text(&t[k]);
        printf(" %s |", text);
        free(text);
    }
    if (no_model) {
        printf(" %s model only: %s |\n", c->no_swiss ? "hmap" : "Swiss-table",
               no_why);
        for (int k = 0; k < NR_SUB; k++)
            tally_release(&t[k]);
        return;
    }
    enum detector tsan =
        detector_row(u[SUB_FORCED].d)->swiss_model ? DET_TSAN_SWISS : DET_TSAN;
    char *d = differs(v, t, tsan);
    printf(" %s |\n", d ? d : "agree");
    free(d);
    for (int k = 0; k < NR_SUB; k++)
        tally_release(&t[k]);
}

/* Whether detector d has a cell among the selected cases and variants
 * (a Go twin for a Go detector, a case that builds on the detector's
 * model: no no-swiss for the Swiss model's, no no-hmap for the hmap's). */
static bool any_cell(const struct session *base, enum detector d)
{
    const struct run_opts *o = &base->opts;
    for (size_t c = 0; c < base->cat.nr; c++) {
        const struct mcase *mc = &base->cat.cases[c];
        if (!names_select(o->cases, o->nr_cases, mc->name) ||
            !case_has_model(mc, d, NULL))
            continue;
        for (size_t i = 0; i < mc->nr_variants; i++)
            if (names_select(o->variants, o->nr_variants,
                             mc->variants[i].name) &&
                variant_has_cell(&mc->variants[i], d, NULL))
                return true;
    }
    return false;
}

int fidelity_run(struct session *base, int runs)
{
    static const struct {
        const char *title;
        enum detector race, go, model;
    } pairs[NR_PAIR] = {
        [PAIR_HMAP] = {"The hmap model against the hmap Go", DET_GO_HMAP_RACE,
                       DET_GO_HMAP, DET_NATIVE},
        [PAIR_SWISS] = {"The Swiss-table model against the current Go",
                        DET_GO_RACE, DET_GO, DET_NATIVE_SWISS},
    };
    struct sub u[NR_PAIR][NR_SUB];
    int rc = 0;
    for (int p = 0; p < NR_PAIR; p++) {
        struct sub *s = u[p];
        memset(s, 0, sizeof(u[p]));
        s[SUB_GO_RACE] = (struct sub){.what = detector_name(pairs[p].race),
                                      .d = pairs[p].race,
                                      .runs = 20};
        s[SUB_GO] = (struct sub){.what = detector_name(pairs[p].go),
                                 .d = pairs[p].go,
                                 .runs = 100,
                                 .natural = true};
        s[SUB_FORCED] = (struct sub){
            .what = p == PAIR_HMAP ? "hmap model forced" : "Swiss model forced",
            .d = pairs[p].model,
            .runs = 100};
        s[SUB_NATURAL] =
            (struct sub){.what = p == PAIR_HMAP ? "hmap model unforced"
                                                : "Swiss model unforced",
                         .d = pairs[p].model,
                         .runs = 100,
                         .natural = true};
        for (int k = 0;
             k < NR_SUB && rc != EXIT_USAGE && rc != EXIT_INTERRUPTED; k++) {
            if (runs > 0)
                s[k].runs = runs;
            if (!any_cell(base, s[k].d))
                continue; /* e.g. the Swiss model of no-swiss cases */
            int r = sub_run(base, &s[k]);
            if (r > rc)
                rc = r;
        }
    }
    for (int p = 0; p < NR_PAIR && rc != EXIT_USAGE && rc != EXIT_INTERRUPTED;
         p++) {
        print_head(pairs[p].title, u[p]);
        const struct run_opts *o = &base->opts;
        for (size_t c = 0; c < base->cat.nr; c++) {
            const struct mcase *mc = &base->cat.cases[c];
            if (!names_select(o->cases, o->nr_cases, mc->name))
                continue;
            for (size_t i = 0; i < mc->nr_variants; i++)
                if (names_select(o->variants, o->nr_variants,
                                 mc->variants[i].name))
                    print_row(mc, &mc->variants[i], u[p]);
        }
        printf("\n");
    }
    for (int p = 0; p < NR_PAIR; p++)
        for (int k = 0; k < NR_SUB; k++)
            session_release(&u[p][k].s);
    return rc == EXIT_NOT_AS_EXPECTED ? EXIT_OK : rc;
}

static const struct verb_option fidelity_options[] = {
    {OPT_RUNS, "every run count N instead of 20/100"},
    {OPT_VARIANT, NULL},
    {OPT_JOBS, NULL},
    {OPT_TIMEOUT, NULL},
    {OPT_OUT, NULL},
    {OPT_CASES, NULL},
    {OPT_BUILD, NULL},
    {OPT_NO_COLOR, NULL},
    {OPT_COUNT, NULL},
};

static const char fidelity_synopsis[] =
    "usage: maprace fidelity [options] [CASE...]\n";
static const char fidelity_what[] =
    "The C models against the real Go, each against the Go whose map it\n"
    "models: the hmap model (native) against the hmap Go (go-hmap-race,\n"
    "go-hmap: Go 1.19), the Swiss-table model (native-swiss) against the\n"
    "current Go (go-race, go: Go >= 1.24). For each pairing the selected\n"
    "cases' Go twins under the race detector (20 runs) and Go's runtime\n"
    "(100 runs, natural), the model forced and unforced (100 runs each);\n"
    "then a Markdown table per pairing on stdout: per variant, what each\n"
    "showed and how often, and whether model and Go agree on what happens\n"
    "(docs/fidelity.md). Each of the eight runs writes its report to\n"
    "<out>/<run-id>/ as `run` does.\n";
static const char fidelity_more[] =
    "exit codes: 0 measured; 2 usage or catalog error; 3 a required tool\n"
    "missing (its cells are errors); 130 interrupted.\n";

static const struct verb_spec fidelity_spec = {
    .name = "fidelity",
    .synopsis = fidelity_synopsis,
    .what = fidelity_what,
    .options = fidelity_options,
    .more = fidelity_more,
};

static int fidelity_verb(const struct cli *a)
{
    struct session s;
    int rc = run_session_open(&s, a, false) < 0
                 ? EXIT_USAGE
                 : fidelity_run(&s, a->given[OPT_RUNS] ? a->runs : 0);
    run_session_release(&s);
    return rc;
}

int cmd_fidelity(int argc, char **argv)
{
    struct cli a;
    enum parse_result pr = parse_options(argc, argv, &fidelity_spec, &a);
    int rc = pr != PARSE_OK ? parse_exit(pr) : fidelity_verb(&a);
    cli_release(&a);
    return rc;
}
