/*
 * report/steps.c - the step-through of a forced interleaving (steps.h).
 */
#include "report/steps.h"

#include "report/common.h"
#include "engine/detectors.h"
#include "engine/results-model.h"
#include "report/windows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_LANES = 4, PANE_MAX_LINES = 40 };

typedef struct res_trace_event event_t;

/* The recorded interleaving of the race's variant: from native-swiss when
 * every detector of the race runs on the Swiss model, else from native. */
static const struct res_cell *trace_cell(const struct results *res,
                                         const struct res_race *race)
{
    bool swiss = race->nr_detectors > 0;
    for (size_t i = 0; i < race->nr_detectors; i++) {
        const struct detector_row *row =
            detector_row_named(race->detectors[i].detector);
        if (!row || !row->swiss_model)
            swiss = false;
    }
    /* the detectors whose first forced run records (engine/run.c) */
    const char *hmap = detector_name(DET_NATIVE),
               *swiss_native = detector_name(DET_NATIVE_SWISS);
    const char *order[2] = {swiss ? swiss_native : hmap,
                            swiss ? hmap : swiss_native};
    for (int k = 0; k < 2; k++) {
        const struct res_cell *c =
            results_cell_of(res, race->case_name, race->variant, order[k]);
        if (c && c->nr_window_trace)
            return c;
    }
    return NULL;
}

struct lanes {
    long long role[MAX_LANES];
    int n;
    long long lo[MAX_LANES], hi[MAX_LANES]; /* lines its events are on */
    const char *path;                       /* the case's source */
};

static int lane_of(const struct lanes *l, long long role)
{
    for (int i = 0; i < l->n; i++)
        if (l->role[i] == role)
            return i;
    return -1;
}

/* The threads of the record, as lanes: the one whose events are on the
 * race's line A is lane A, on line B lane B; others after, in the order
 * they first appear. */
static void find_lanes(struct lanes *l, const event_t *t, size_t nt,
                       const struct res_race *race)
{
    memset(l, 0, sizeof(*l));
    for (size_t want = 0; want < 2 && want < race->nr_locations; want++) {
        long long line = race->locations[want].line;
        for (size_t i = 0; i < nt; i++)
            if (t[i].case_ && t[i].case_->line == line &&
                lane_of(l, t[i].role) < 0 && l->n < MAX_LANES) {
                l->role[l->n++] = t[i].role;
                break;
            }
    }
    for (size_t i = 0; i < nt; i++)
        if (lane_of(l, t[i].role) < 0 && l->n < MAX_LANES)
            l->role[l->n++] = t[i].role;
    for (size_t i = 0; i < nt; i++) {
        int k = lane_of(l, t[i].role);
        if (!t[i].case_ || k < 0)
            continue;
        long long line = t[i].case_->line;
        if (!l->path)
            l->path = t[i].case_->path;
        if (!l->lo[k] || line < l->lo[k])
            l->lo[k] = line;
        if (line > l->hi[k])
            l->hi[k] = line;
    }
}

static const char *base_name(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : path ? path : "?";
}

/* The thread's function in the case, for its pane's title. */
static const char *lane_func(const event_t *t, size_t nt, long long role)
{
    for (size_t i = 0; i < nt; i++)
        if (t[i].case_ && t[i].role == role)
            return t[i].case_->func;
    return NULL;
}

static void pane(struct strbuf *sb, const struct results *res,
                 const struct lanes *l, int k, const event_t *t, size_t nt)
{
    char name = (char)('A' + k);
    const char *fn = lane_func(t, nt, l->role[k]);
    strbuf_addf(sb, "<div class=\"steps-pane\" data-lane=\"%d\"><b>thread %c",
                k, name);
    if (fn) {
        strbuf_addstr(sb, " <code>");
        html_escape(sb, fn);
        strbuf_addstr(sb, "</code>");
    }
    strbuf_addstr(sb, "</b> <span class=\"steps-state\"></span>");
    int from = (int)l->lo[k] - 3, to = (int)l->hi[k] + 3, n = 0;
    if (from < 1)
        from = 1;
    if (to - from >= PANE_MAX_LINES)
        to = from + PANE_MAX_LINES - 1;
    char **lines = l->path && l->lo[k]
                       ? source_lines(res, l->path, NULL, from, to, &n)
                       : NULL;
    if (!lines) {
        strbuf_addstr(sb,
                      "<div class=\"src\">(source not found)</div></div>\n");
        return;
    }
    strbuf_addstr(sb, "<pre class=\"src\">");
    for (int i = 0; i < n; i++) {
        strbuf_addf(sb,
                    "<span class=\"l\" data-line=\"%d\"><span "
                    "class=\"ln\">%d</span>",
                    from + i, from + i);
        html_escape(sb, lines[i]);
        strbuf_addstr(sb, "</span>\n");
    }
    strbuf_addstr(sb, "</pre></div>\n");
    source_lines_free(lines, n);
}

/* The sentence of one recorded event. */
static void event_li(struct strbuf *sb, const struct lanes *l, const event_t *e)
{
    int k = lane_of(l, e->role);
    char name = (char)('A' + (k < 0 ? 0 : k));
    const char *ev = e->event ? e->event : "";
    const struct window_words *w = window_words(e->window);
    bool at = !strcmp(ev, "at");
    strbuf_addf(sb, "<li data-lane=\"%d\" data-kind=\"", k);
    html_escape(sb, ev);
    strbuf_addf(sb, "\" data-line=\"%lld\" data-writing=\"%d\"",
                e->case_ ? e->case_->line : 0LL, at && w->writing);
    if (at && w->check) {
        strbuf_addstr(sb, " data-check=\"");
        html_escape(sb, w->check);
        strbuf_addstr(sb, "\"");
    }
    strbuf_addstr(sb, ">");
    if (at) {
        strbuf_addf(sb, "%c ", name);
        html_escape(sb, w->did);
        if (e->case_) {
            strbuf_addstr(sb, " <small>(");
            html_escape(sb, base_name(e->case_->path));
            strbuf_addf(sb, ":%lld", e->case_->line);
            if (e->model && e->model->func) {
                strbuf_addstr(sb, ", in ");
                html_escape(sb, e->model->func);
            }
            strbuf_addstr(sb, ")</small>");
        }
        strbuf_addstr(sb, ".");
    } else if (!strcmp(ev, "wait")) {
        int o = lane_of(l, e->wait_role);
        const struct window_words *f = window_words(e->wait_for);
        strbuf_addf(sb, "%c is held here by the forcing until %c is ", name,
                    (char)('A' + (o < 0 ? 0 : o)));
        html_escape(sb, f->place);
        strbuf_addstr(sb, " (a spin on relaxed atomics: no detector sees an "
                          "order in it).");
    } else if (!strcmp(ev, "release")) {
        strbuf_addf(sb, "%c is let go: the thread it waited for got there.",
                    name);
    } else if (!strcmp(ev, "gaveup")) {
        strbuf_addf(sb,
                    "%c gave up waiting (the forcing's time ran out) and went "
                    "on.",
                    name);
    } else {
        html_escape(sb, ev);
    }
    strbuf_addstr(sb, "</li>\n");
}

/* How the recorded run ended, from its cell. */
static void end_li(struct strbuf *sb, const struct res_cell *cell)
{
    const struct res_run *run =
        cell->nr_runs_detail ? &cell->runs_detail[0] : NULL;
    const struct res_finding *f =
        run && run->nr_findings ? &run->findings[0] : NULL;
    strbuf_addstr(sb, "<li data-lane=\"-1\" data-kind=\"end\">Then the run "
                      "ended: ");
    if (f && f->message) {
        html_escape(sb, f->type && !strcmp(f->type, "panic") ? "panic: "
                                                             : "fatal error: ");
        html_escape(sb, f->message);
    } else {
        html_escape(sb, run && run->exit ? run->exit : "as its log says");
        /* a silent failure: the wrong result the program printed */
        if (run && run->obs && run->obs->symptom && cell->observed &&
            starts_with(cell->observed, "symptom ")) {
            strbuf_addstr(sb, ", with the wrong result it looks for: ");
            html_escape(sb, cell->observed + strlen("symptom "));
        }
    }
    strbuf_addstr(sb, " (the first run, the one recorded).</li>\n");
}

bool race_steps_html(struct strbuf *sb, const struct results *res,
                     const struct res_race *race)
{
    if (!race->kind ||
        (strcmp(race->kind, "data-race") && strcmp(race->kind, "fatal")))
        return false;
    const struct res_cell *cell = trace_cell(res, race);
    if (!cell)
        return false;
    const event_t *t = cell->window_trace;
    size_t nt = cell->nr_window_trace;
    struct lanes l;
    find_lanes(&l, t, nt, race);
    if (l.n < 1)
        return false;
    strbuf_addf(sb,
                "<section class=\"steps\" tabindex=\"0\" data-lanes=\"%d\" "
                "aria-label=\"step through the interleaving\">\n"
                "<h4>Step through the interleaving</h4>\n"
                "<p class=\"steps-help\">As the forced run went, recorded by "
                "the model's race windows (%s, run 1). <b>Next</b> and "
                "<b>Back</b> replay it; <b>A steps</b> and <b>B steps</b> let "
                "you choose another order, and say when Go's check would "
                "fire. Keys: &rarr; &larr; replay, a b step a thread, r "
                "resets.</p>\n<div class=\"steps-btns\">"
                "<button type=\"button\" data-act=\"back\">&larr; Back</button>"
                "<button type=\"button\" data-act=\"next\">Next &rarr;</button>"
                " &nbsp; ",
                l.n, cell->detector);
    for (int i = 0; i < l.n; i++)
        strbuf_addf(sb,
                    "<button type=\"button\" data-act=\"lane\" "
                    "data-lane=\"%d\">%c steps</button>",
                    i, 'A' + i);
    strbuf_addstr(sb, "<button type=\"button\" data-act=\"reset\">Reset"
                      "</button></div>\n<p class=\"steps-say\" "
                      "aria-live=\"polite\">Press Next, or step a thread.</p>\n"
                      "<div class=\"pair\">\n");
    for (int i = 0; i < l.n; i++)
        pane(sb, res, &l, i, t, nt);
    strbuf_addstr(sb, "</div>\n<details class=\"steps-all\"><summary>every "
                      "recorded step</summary><ol class=\"steps-list\">\n");
    for (size_t i = 0; i < nt; i++)
        event_li(sb, &l, &t[i]);
    end_li(sb, cell);
    strbuf_addstr(sb, "</ol></details>\n</section>\n");
    return true;
}

/* Replay: step i of the list; each lane is on the line of its latest
 * "at" event. Free stepping: each lane's own "at" events; a lane on an
 * event with data-check makes Go's check when it moves on, and the check
 * fires when another lane is on an event with data-writing="1". */
const char race_steps_script[] =
    "<script>\n"
    "document.querySelectorAll('.steps').forEach(function(s){\n"
    "var li=[].slice.call(s.querySelectorAll('.steps-list li'));\n"
    "var say=s.querySelector('.steps-say'),n=+s.dataset.lanes;\n"
    "var own=[],pos=[],i=-1,dead=false;\n"
    "for(var k=0;k<n;k++)own.push(li.filter(function(e){return "
    "e.dataset.kind=='at'&&+e.dataset.lane==k}));\n"
    "function nm(k){return String.fromCharCode(65+k)}\n"
    "function paint(cur,moved,text){\n"
    " s.querySelectorAll('.l.cur').forEach(function(e){e.classList.remove("
    "'cur','moved')});\n"
    " for(var k=0;k<n;k++){var p=s.querySelector('.steps-pane[data-lane=\"'+k+"
    "'\"]');\n"
    "  var st=p.querySelector('.steps-state');\n"
    "  if(!cur[k]){st.textContent='not started';continue}\n"
    "  st.textContent=cur[k].dataset.writing=='1'?'hashWriting set':'';\n"
    "  var l=p.querySelector('.l[data-line=\"'+cur[k].dataset.line+'\"]');\n"
    "  if(l){l.classList.add('cur');if(k==moved)l.classList.add('moved')}}\n"
    " say.textContent=text;}\n"
    "function replay(){dead=false;pos=[];\n"
    " li.forEach(function(e,j){e.classList.toggle('now',j==i);"
    "e.classList.toggle('done',j<i)});\n"
    " var cur=[];for(var j=0;j<=i;j++)if(li[j].dataset.kind=='at')"
    "cur[+li[j].dataset.lane]=li[j];\n"
    " paint(cur,i>=0?+li[i].dataset.lane:-1,i<0?'Press Next, or step a "
    "thread.':'Step '+(i+1)+' of '+li.length+': '+li[i].textContent);}\n"
    "function cur(){var c=[];for(var k=0;k<n;k++)c[k]=pos[k]>=0?"
    "own[k][pos[k]]:null;return c}\n"
    "function lane(k){if(i>=0){i=-1;replay()}\n"
    " for(var j=0;j<n;j++)if(pos[j]===undefined)pos[j]=-1;\n"
    " var c=cur(),t;\n"
    " if(dead){paint(c,-1,'Go\\'s check has stopped the program. Reset to "
    "try another order.');return}\n"
    " if(c[k]&&c[k].dataset.check){var w=-1;for(var j=0;j<n;j++)"
    "if(j!=k&&c[j]&&c[j].dataset.writing=='1')w=j;\n"
    "  if(w>=0){dead=true;s.classList.add('fired');paint(c,k,nm(k)+' makes "
    "Go\\'s check and it fires: fatal error: '+c[k].dataset.check+' ('+nm(w)+"
    "' has hashWriting set).');return}\n"
    "  t=nm(k)+' makes Go\\'s check and it passes: no other thread has "
    "hashWriting set. '}else t='';\n"
    " if(pos[k]+1>=own[k].length){paint(c,k,t+nm(k)+' has no later "
    "recorded step.');return}\n"
    " pos[k]++;c=cur();paint(c,k,t+c[k].textContent);}\n"
    "s.addEventListener('click',function(ev){var b=ev.target.closest("
    "'button');if(!b)return;var a=b.dataset.act;\n"
    " if(a=='next'&&i<li.length-1){i++;replay()}else if(a=='back'&&i>=0){i--;"
    "replay()}\n"
    " else if(a=='lane')lane(+b.dataset.lane);else if(a=='reset'){i=-1;"
    "s.classList.remove('fired');replay()}});\n"
    "s.addEventListener('keydown',function(ev){var m={ArrowRight:'next',"
    "ArrowLeft:'back',r:'reset',a:0,b:1,c:2,d:3}[ev.key];\n"
    " if(m===undefined)return;ev.preventDefault();\n"
    " var b=typeof m=='number'?s.querySelector('button[data-lane=\"'+m+'\"]')"
    ":s.querySelector('button[data-act=\"'+m+'\"]');if(b)b.click();});\n"
    "replay();});\n"
    "</script>\n";
