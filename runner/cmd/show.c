/*
 * show.c - the show and explain verbs (show.h).
 */
#include "cmd/show.h"

#include "lib/ansi.h"
#include "engine/group.h"
#include "engine/results-model.h"
#include "report/common.h"
#include "lib/text.h"
#include "report/diagram.h"
#include "lib/markdown.h"
#include "lib/util.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One line per cell: variant, detector, verdict, observed, expected. */
static void show_cell(FILE *fp, const struct res_cell *c, bool color)
{
    const char *verdict = verdict_name(c->verdict);
    const char *cls = verdict_class(verdict);
    const char *on = color ? ansi_verdict(cls) : "";
    fprintf(fp,
            "  %-14s %-9s %s%-20s%s observed %s, expected %s (%lld/%lld "
            "runs)\n",
            c->variant, c->detector, on, verdict, color ? ANSI_RESET : "",
            c->observed ? c->observed : "?", c->expected ? c->expected : "?",
            c->detected_runs, c->runs_done);
    /* why it is not a plain pass, how the program ended, what was
     * dropped */
    if (c->note)
        fprintf(fp, "  %-14s %-9s %s\n", "", "", c->note);
    if (c->findings_dropped > 0)
        fprintf(fp, "  %-14s %-9s %lld more findings dropped past the cap\n",
                "", "", c->findings_dropped);
}

/* Whether a cell or race of case_name/variant is of the spec's. */
static bool of_spec(const char *case_name, const char *variant,
                    const char *cname, const char *vname)
{
    return !strcmp(case_name, cname) && (!vname || !strcmp(variant, vname));
}

static int show_races_raw(FILE *fp, const char *out, const char *results_path,
                          const char *spec, bool color, bool all_frames)
{
    char *path = results_path ? xstrdup(results_path)
                              : xasprintf("%s/latest/results.json", out);
    struct results res;
    char *why = NULL;
    if (results_load(path, &res, &why) < 0) {
        error("cannot read %s (run `maprace %s` first)", why,
              !strncmp(spec, "try/", 4) ? "try PROG.c" : "run");
        free(why);
        free(path);
        return 2;
    }
    char *cname = xstrdup(spec);
    char *vname = strchr(cname, '/');
    if (vname)
        *vname++ = '\0';
    bool known = false;
    for (size_t i = 0; i < res.nr_cells; i++)
        known |=
            of_spec(res.cells[i].case_name, res.cells[i].variant, cname, vname);
    int rc = 0;
    const char *run_id = res.run_id ? res.run_id : "?";
    if (!known && !strcmp(cname, "try")) {
        /* a program of maprace try: the variant is the program's name */
        error("%s is not in the last run (%s, %s): run `maprace try %s%s` "
              "first",
              spec, run_id, path, vname ? vname : "PROG", vname ? ".c" : ".c");
        rc = 2;
        goto out;
    }
    if (!known) {
        error("%s is not in the last run (%s, %s): run `maprace run %s` "
              "first",
              spec, run_id, path, cname);
        rc = 2;
        goto out;
    }
    /* a file without races (an older one): computed as a run does */
    group_results_ensure(&res);
    fprintf(fp, "%s%s%s (run %s)\n", color ? ANSI_BOLD : "", spec,
            color ? ANSI_RESET : "", res.run_id);
    for (size_t i = 0; i < res.nr_cells; i++)
        if (of_spec(res.cells[i].case_name, res.cells[i].variant, cname, vname))
            show_cell(fp, &res.cells[i], color);
    struct race_text_opts o = {
        .color = color, .all_frames = all_frames, .context = 2};
    size_t shown = 0;
    for (size_t i = 0; i < res.nr_races; i++) {
        if (!of_spec(res.races[i].case_name, res.races[i].variant, cname,
                     vname))
            continue;
        struct strbuf sb = {0};
        race_text(&sb, &res, &res.races[i], &o);
        race_diagram_text(&sb, &res, &res.races[i], color);
        fprintf(fp, "\n%s", strbuf_str(&sb));
        strbuf_release(&sb);
        shown++;
    }
    if (!shown) {
        fprintf(fp, "\nNothing reported for %s in the last run.\n", spec);
        rc = 1;
    }
out:
    free(cname);
    free(path);
    results_release(&res);
    return rc;
}

int show_races(FILE *fp, const char *out, const char *results_path,
               const char *spec, bool color, bool all_frames)
{
    /* what a program printed reaches the terminal shown, never sent */
    struct clean_stream cs;
    clean_stream_open(&cs, fp, color);
    int rc = show_races_raw(cs.fp, out, results_path, spec, color, all_frames);
    clean_stream_close(&cs);
    return rc;
}

/* The terminal's width: COLUMNS when set, else 100 (explain prints to
 * pipes and pagers as often as to a terminal). */
static int explain_width(void)
{
    const char *c = getenv("COLUMNS");
    int w = c ? atoi(c) : 0;
    return w >= 40 && w <= 1000 ? w : 100;
}

int explain_case(FILE *fp, const char *cases_dir, const char *name, bool color)
{
    if (strchr(name, '/') || name[0] == '.') {
        error("bad case name '%s'", name);
        return 2;
    }
    char *dir = path_join(cases_dir, name);
    char *path = path_join(dir, "README.md");
    char *text = read_file(path, (size_t)4 << 20, NULL);
    int rc = 0;
    if (!text) {
        struct stat st;
        if (stat(dir, &st) < 0)
            error("unknown case '%s' (see maprace list)", name);
        else
            error("cannot read %s: %s", path, strerror(errno));
        rc = 2;
    } else {
        explain_render(fp, text, color);
    }
    free(text);
    free(path);
    free(dir);
    return rc;
}

void explain_render(FILE *fp, const char *md, bool color)
{
    struct clean_stream cs;
    clean_stream_open(&cs, fp, color);
    struct strbuf sb = STRBUF_INIT;
    md_render_terminal(&sb, md, color, explain_width());
    fputs(strbuf_str(&sb), cs.fp);
    strbuf_release(&sb);
    clean_stream_close(&cs);
}
