/*
 * engine/live-matrix.c - the terminal summary of a session (see engine/live-matrix.h).
 */
#include "engine/live-matrix.h"

#include "lib/ansi.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

#define CHECK_MARK "\xe2\x9c\x93" /* U+2713 */
#define CROSS_MARK "\xe2\x9c\x97" /* U+2717 */

static bool is_known_verdict(int v);

static const char *colour_of(enum verdict v)
{
    return ansi_verdict(verdict_class_of(v));
}

static const struct cell *find_cell(const struct session *s,
                                    const struct mcase *c,
                                    const struct variant *v, int d)
{
    for (size_t i = 0; i < s->nr_cells; i++)
        if (s->cells[i].c == c && s->cells[i].v == v &&
            s->cells[i].d == (enum detector)d)
            return &s->cells[i];
    return NULL;
}

/* What the detector saw in a cell's runs, in one word: the strongest
 * thing any run showed (a race on a marked line, Go's fatal error, the
 * expected symptom, another report, nothing). */
const char *matrix_saw(const struct cell *cl)
{
    bool race = false, fatal = false, symptom = false, other = false;
    if (cl->verdict.verdict == VERDICT_ERROR)
        return "ERR";
    for (size_t r = 0; r < cl->runs_done; r++) {
        const struct run_obs *o = &cl->obs[r];
        race |= o->race_marked;
        fatal |= o->fatal != NULL;
        symptom |= o->symptom;
        other |= o->nr_findings > 0;
    }
    return race      ? "race"
           : fatal   ? "fatal"
           : symptom ? "symptom"
           : other   ? "report"
                     : "clean";
}

/* The verdict as a mark: as expected, as expected but a known limit of
 * the detector, not as expected. */
static const char *verdict_mark(enum verdict v)
{
    return v == VERDICT_PASS     ? CHECK_MARK
           : is_known_verdict(v) ? "~"
                                 : CROSS_MARK;
}

static void cell_text(const struct session *s, const struct cell *cl, char *buf,
                      size_t size)
{
    if (!cl) {
        snprintf(buf, size, "-");
        return;
    }
    enum verdict v = cl->verdict.verdict;
    /* Go's own check is best effort: its rate always shows */
    if ((s->opts.runs > 1 || detector_row(cl->d)->best_effort) &&
        v != VERDICT_ERROR)
        snprintf(buf, size, "%s %zu/%zu %s", matrix_saw(cl),
                 cl->verdict.detected_runs, cl->verdict.runs, verdict_mark(v));
    else
        snprintf(buf, size, "%s %s", matrix_saw(cl), verdict_mark(v));
}

/* Columns a UTF-8 string takes on a terminal (one per character). */
static int text_width(const char *t)
{
    int w = 0;
    for (; *t; t++)
        w += ((unsigned char)*t & 0xc0) != 0x80;
    return w;
}

static void list_cells(const struct session *s, struct strbuf *sb, bool color,
                       const char *title, bool (*want)(int v))
{
    bool any = false;
    for (size_t i = 0; i < s->nr_cells; i++) {
        const struct cell *cl = &s->cells[i];
        if (!want(cl->verdict.verdict))
            continue;
        if (!any)
            strbuf_addf(sb, "\n%s%s%s\n", color ? ANSI_BOLD : "", title,
                        color ? ANSI_RESET : "");
        any = true;
        strbuf_addf(sb, "  %s/%s %s: %s%s%s (expected %s, observed %s",
                    cl->c->name, cl->v->name, detector_name(cl->d),
                    color ? colour_of(cl->verdict.verdict) : "",
                    verdict_name(cl->verdict.verdict), color ? ANSI_RESET : "",
                    /* a miss's or false positive's reason is in the note */
                    cl->expect->kind == EXPECT_MISS ||
                            cl->expect->kind == EXPECT_FALSE_POSITIVE
                        ? expect_kind_name(cl->expect->kind)
                    : cl->expect->text ? cl->expect->text
                                       : "?",
                    cl->verdict.observed ? cl->verdict.observed : "?");
        if (cl->verdict.runs)
            strbuf_addf(sb, ", %zu/%zu runs", cl->verdict.detected_runs,
                        cl->verdict.runs);
        strbuf_addstr(sb, ")\n");
        if (cl->verdict.note)
            strbuf_addf(sb, "      %s\n", cl->verdict.note);
        if (cl->bt && cl->bt->error && cl->verdict.verdict == VERDICT_ERROR) {
            /* the first line is in the note already */
            const char *e = cl->bt->error + strcspn(cl->bt->error, "\n");
            e += *e == '\n';
            while (*e) {
                size_t n = strcspn(e, "\n");
                strbuf_addf(sb, "      | %.*s\n", (int)n, e);
                e += n + (e[n] == '\n');
            }
        }
    }
}

/* The known misses and false positives: one line per variant and reason,
 * naming every detector it applies to, then the reason once. */
static void list_known(const struct session *s, struct strbuf *sb, bool color)
{
    bool *done = xcalloc(s->nr_cells ? s->nr_cells : 1, sizeof(*done));
    bool any = false;
    for (size_t i = 0; i < s->nr_cells; i++) {
        const struct cell *cl = &s->cells[i];
        if (done[i] || !is_known_verdict(cl->verdict.verdict))
            continue;
        if (!any)
            strbuf_addf(sb, "\n%sKnown misses and false positives:%s\n",
                        color ? ANSI_BOLD : "", color ? ANSI_RESET : "");
        any = true;
        /* a miss's or false positive's reason; for anything else (Go's
         * check, best effort) the note, which says what the runs showed:
         * case.ini's message alone would read as if Go had printed it */
        bool reason = cl->expect->kind == EXPECT_MISS ||
                      cl->expect->kind == EXPECT_FALSE_POSITIVE;
        const char *why = reason && cl->expect->arg     ? cl->expect->arg
                          : !reason && cl->verdict.note ? cl->verdict.note
                                                        : "";
        strbuf_addf(sb, "  %s/%s %s%s%s (%s):", cl->c->name, cl->v->name,
                    color ? colour_of(cl->verdict.verdict) : "",
                    verdict_name(cl->verdict.verdict), color ? ANSI_RESET : "",
                    matrix_saw(cl));
        for (size_t j = i; j < s->nr_cells; j++) {
            const struct cell *o = &s->cells[j];
            bool o_reason = o->expect->kind == EXPECT_MISS ||
                            o->expect->kind == EXPECT_FALSE_POSITIVE;
            const char *o_why = o_reason && o->expect->arg     ? o->expect->arg
                                : !o_reason && o->verdict.note ? o->verdict.note
                                                               : "";
            if (o->c != cl->c || o->v != cl->v ||
                o->verdict.verdict != cl->verdict.verdict || strcmp(o_why, why))
                continue;
            done[j] = true;
            strbuf_addf(sb, " %s", detector_name(o->d));
            if (o->verdict.runs > 1)
                strbuf_addf(sb, " %zu/%zu", o->verdict.detected_runs,
                            o->verdict.runs);
        }
        strbuf_addf(sb, "\n      %s\n", why);
    }
    free(done);
}

/* What Go's own check printed, for the Go cells that passed (the others
 * are in the lists above, with their note): the message and its runs, so
 * that the matrix's "fatal" is never only case.ini's words. */
static void list_go_printed(const struct session *s, struct strbuf *sb,
                            bool color)
{
    bool any = false;
    for (size_t i = 0; i < s->nr_cells; i++) {
        const struct cell *cl = &s->cells[i];
        const char *said =
            cl->verdict.note ? strstr(cl->verdict.note, "Go printed ") : NULL;
        if (!said || cl->verdict.verdict != VERDICT_PASS)
            continue;
        if (!any)
            strbuf_addf(sb, "\n%sWhat Go's check printed:%s\n",
                        color ? ANSI_BOLD : "", color ? ANSI_RESET : "");
        any = true;
        strbuf_addf(sb, "  %s/%s %s: %s\n", cl->c->name, cl->v->name,
                    detector_name(cl->d), said);
    }
}

static bool is_bad(int v)
{
    return v == VERDICT_FALSE_NEGATIVE || v == VERDICT_FALSE_POSITIVE;
}

static bool is_known_verdict(int v)
{
    return v == VERDICT_KNOWN_MISS || v == VERDICT_KNOWN_FALSE_POSITIVE;
}

static bool is_error(int v)
{
    return v == VERDICT_ERROR;
}

static bool variant_used(const struct session *s, const struct mcase *c,
                         const struct variant *va)
{
    for (int d = 0; d < DET_COUNT; d++)
        if (find_cell(s, c, va, d))
            return true;
    return false;
}

/* The widths of the case and variant columns; how many of each ran. */
struct matrix_shape {
    size_t ncases, nvariants;
    int w_case, w_var, w_cell, ndet;
};

static void matrix_shape(const struct session *s, struct matrix_shape *m)
{
    memset(m, 0, sizeof(*m));
    m->w_case = (int)strlen("case");
    m->w_var = (int)strlen("variant");
    for (size_t i = 0; i < s->cat.nr; i++) {
        const struct mcase *c = &s->cat.cases[i];
        bool used = false;
        for (size_t v = 0; v < c->nr_variants; v++) {
            const struct variant *va = &c->variants[v];
            if (!variant_used(s, c, va))
                continue;
            used = true;
            m->nvariants++;
            if ((int)strlen(va->name) > m->w_var)
                m->w_var = (int)strlen(va->name);
        }
        if (used) {
            m->ncases++;
            if ((int)strlen(c->name) > m->w_case)
                m->w_case = (int)strlen(c->name);
        }
    }
    m->w_cell = s->opts.runs > 1 ? 13 : 9;
    for (int d = 0; d < DET_COUNT; d++) {
        if (s->opts.detectors[d] && detector_row(d)->best_effort &&
            m->w_cell < (s->opts.runs > 1 ? 13 : 11))
            m->w_cell = s->opts.runs > 1 ? 13 : 11; /* its rate shows */
        m->ndet += s->opts.detectors[d];
        /* a column as wide as its detector's name (tsan-gcc-swiss) */
        if (s->opts.detectors[d] && (int)strlen(detector_name(d)) > m->w_cell)
            m->w_cell = (int)strlen(detector_name(d));
    }
}

static void trim_blanks(struct strbuf *sb)
{
    while (sb->len && sb->buf[sb->len - 1] == ' ')
        sb->buf[--sb->len] = '\0';
}

/* The title line, the header and one row per variant that ran. */
static void matrix_table(const struct session *s, struct strbuf *sb, bool color)
{
    struct matrix_shape m;
    matrix_shape(s, &m);
    strbuf_addf(sb,
                "maprace %s: %zu case%s, %zu variant%s, %d detector%s, "
                "%d run%s per cell%s (run %s)\n\n",
                session_verb(s), m.ncases, m.ncases == 1 ? "" : "s",
                m.nvariants, m.nvariants == 1 ? "" : "s", m.ndet,
                m.ndet == 1 ? "" : "s", s->opts.runs,
                s->opts.runs == 1 ? "" : "s",
                s->opts.natural ? ", natural (not forced)" : "",
                s->run_id ? s->run_id : "-");
    strbuf_addf(sb, "%-*s  %-*s", m.w_case, "case", m.w_var, "variant");
    for (int d = 0; d < DET_COUNT; d++)
        if (s->opts.detectors[d])
            strbuf_addf(sb, "  %-*s", m.w_cell, detector_name(d));
    trim_blanks(sb);
    strbuf_addstr(sb, "\n");

    for (size_t i = 0; i < s->cat.nr; i++) {
        const struct mcase *c = &s->cat.cases[i];
        bool first = true;
        for (size_t v = 0; v < c->nr_variants; v++) {
            const struct variant *va = &c->variants[v];
            if (!variant_used(s, c, va))
                continue;
            strbuf_addf(sb, "%-*s  %-*s", m.w_case, first ? c->name : "",
                        m.w_var, va->name);
            first = false;
            for (int d = 0; d < DET_COUNT; d++) {
                if (!s->opts.detectors[d])
                    continue;
                const struct cell *cl = find_cell(s, c, va, d);
                char text[64];
                cell_text(s, cl, text, sizeof(text));
                int pad = m.w_cell - text_width(text);
                if (color && cl)
                    strbuf_addf(sb, "  %s%s%s%*s",
                                colour_of(cl->verdict.verdict), text,
                                ANSI_RESET, pad > 0 ? pad : 0, "");
                else
                    strbuf_addf(sb, "  %s%*s", text, pad > 0 ? pad : 0, "");
            }
            trim_blanks(sb); /* no trailing blanks */
            strbuf_addstr(sb, "\n");
        }
    }
}

/* The line of totals, the legend, where the report is. */
static void matrix_totals(const struct session *s, struct strbuf *sb)
{
    size_t counts[VERDICT_COUNT] = {0};
    for (size_t i = 0; i < s->nr_cells; i++)
        counts[s->cells[i].verdict.verdict]++;
    strbuf_addf(sb, "\n%zu cell%s:", s->nr_cells, s->nr_cells == 1 ? "" : "s");
    const char *sep = " ";
    for (int v = 0; v < VERDICT_COUNT; v++) {
        if (!counts[v])
            continue;
        strbuf_addf(sb, "%s%zu %s", sep, counts[v], verdict_name(v));
        sep = ", ";
    }
    strbuf_addf(sb, " in %.1f s", s->total_wall_s);
    if (!s->complete)
        strbuf_addf(sb, " -- INCOMPLETE: interrupted by SIG%s",
                    s->signal ? sigabbrev_np(s->signal) : "?");
    strbuf_addstr(sb, "\n");
    /* maprace try has no case.ini: its expectation is --expect */
    const char *expects = s->opts.try_id ? " as --expect asks (without it: "
                                           "whatever was seen)"
                                         : " as case.ini expects";
    strbuf_addf(sb,
                "legend: what each detector saw (race, fatal: Go's "
                "check, symptom, report: another finding, clean, ERR: "
                "did not run); " CHECK_MARK "%s, ~ a known "
                "miss or false positive, " CROSS_MARK " not as expected",
                expects);
    if (s->opts.runs > 1)
        strbuf_addf(sb,
                    "; k/n: runs that showed what %s looks "
                    "for (for clean: any report)",
                    s->opts.try_id ? "--expect" : "case.ini");
    strbuf_addstr(sb, "\n");
    if (s->report_dir)
        strbuf_addf(sb, "report: %s/ (results.json, summary.txt, raw/%s)\n",
                    s->report_dir, s->opts.report_files);
}

/* Cells whose runs dropped findings past the parsers' cap (finding.h):
 * counted, not kept. */
static void list_dropped(const struct session *s, struct strbuf *sb, bool color)
{
    bool any = false;
    for (size_t i = 0; i < s->nr_cells; i++) {
        const struct cell *cl = &s->cells[i];
        size_t dropped = cl->findings_dropped;
        if (!dropped)
            continue;
        if (!any)
            strbuf_addf(sb,
                        "\n%sFindings dropped past the cap (counted, not "
                        "kept):%s\n",
                        color ? ANSI_BOLD : "", color ? ANSI_RESET : "");
        any = true;
        strbuf_addf(sb, "  %s/%s %s: %lld\n", cl->c->name, cl->v->name,
                    detector_name(cl->d), (long long)dropped);
    }
}

char *matrix_render(const struct session *s, bool color)
{
    struct strbuf sb = STRBUF_INIT;
    matrix_table(s, &sb, color);
    list_cells(s, &sb, color, "Not as expected:", is_bad);
    list_cells(s, &sb, color, "Errors:", is_error);
    list_known(s, &sb, color);
    list_go_printed(s, &sb, color);
    list_dropped(s, &sb, color);
    if (s->nr_notes) {
        strbuf_addf(&sb, "\n%sNotes:%s\n", color ? ANSI_BOLD : "",
                    color ? ANSI_RESET : "");
        for (size_t i = 0; i < s->nr_notes; i++)
            strbuf_addf(&sb, "  %s\n", s->notes[i]);
    }
    matrix_totals(s, &sb);
    return strbuf_detach(&sb);
}
