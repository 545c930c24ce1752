/*
 * show.c - the show and explain verbs (show.h).
 */
#include "cmd/show.h"

#include "cmd/builtin.h"
#include "cmd/options.h"
#include "cmd/repository.h"
#include "lib/ansi.h"
#include "engine/group.h"
#include "engine/results-model.h"
#include "report/common.h"
#include "lib/text.h"
#include "report/diagram.h"
#include "lib/markdown.h"
#include "lib/util.h"
#include "lib/exit.h"

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
                          const char *spec, bool color, bool all_frames,
                          bool full)
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
        return EXIT_USAGE;
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
        rc = EXIT_USAGE;
        goto out;
    }
    if (!known) {
        error("%s is not in the last run (%s, %s): run `maprace run %s` "
              "first",
              spec, run_id, path, cname);
        rc = EXIT_USAGE;
        goto out;
    }
    /* a file without races (an older one): computed as a run does */
    group_results_ensure(&res);
    fprintf(fp, "%s%s%s (run %s)\n", color ? ANSI_BOLD : "", spec,
            color ? ANSI_RESET : "", res.run_id);
    for (size_t i = 0; full && i < res.nr_cells; i++)
        if (of_spec(res.cells[i].case_name, res.cells[i].variant, cname, vname))
            show_cell(fp, &res.cells[i], color);
    struct race_text_opts o = {
        .color = color, .all_frames = all_frames, .context = full ? 2 : 1};
    size_t shown = 0;
    for (size_t i = 0; i < res.nr_races; i++) {
        if (!of_spec(res.races[i].case_name, res.races[i].variant, cname,
                     vname))
            continue;
        struct strbuf sb = {0};
        if (full) {
            race_text(&sb, &res, &res.races[i], &o);
            race_diagram_text(&sb, &res, &res.races[i], color);
        } else {
            /* the accesses, the why, the picture, then who saw it */
            race_text_brief(&sb, &res, &res.races[i], &o);
            race_diagram_text(&sb, &res, &res.races[i], color);
            race_seen_by_text(&sb, &res.races[i], &o);
        }
        fprintf(fp, "\n%s", strbuf_str(&sb));
        strbuf_release(&sb);
        shown++;
    }
    if (!shown) {
        fprintf(fp, "\nNothing reported for %s in the last run.\n", spec);
        rc = EXIT_NOT_AS_EXPECTED;
    }
    if (!full) {
        fprintf(fp, "\n%sverdicts%s\n", color ? ANSI_BOLD : "",
                color ? ANSI_RESET : "");
        for (size_t i = 0; i < res.nr_cells; i++)
            if (of_spec(res.cells[i].case_name, res.cells[i].variant, cname,
                        vname))
                show_cell(fp, &res.cells[i], color);
        if (shown) {
            fprintf(fp,
                    "\nmaprace show --full %s: every detector's stacks, frame "
                    "by frame, and its command line.\n",
                    spec);
            if (!results_path)
                fprintf(fp,
                        "Step through the interleaving: "
                        "%s/latest/index.html#case-%s\n",
                        out, cname);
        }
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
    int rc =
        show_races_raw(cs.fp, out, results_path, spec, color, all_frames, true);
    clean_stream_close(&cs);
    return rc;
}

int show_races_brief(FILE *fp, const char *out, const char *results_path,
                     const char *spec, bool color)
{
    struct clean_stream cs;
    clean_stream_open(&cs, fp, color);
    int rc =
        show_races_raw(cs.fp, out, results_path, spec, color, false, false);
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
        return EXIT_USAGE;
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
        rc = EXIT_USAGE;
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

/* The show verb's options: a new one is a line here (and a row of
 * options.c's table when no verb has it yet). */
static const struct verb_option show_options[] = {
    {OPT_OUT, NULL},
    {OPT_FULL, NULL},
    {OPT_ALL_FRAMES, "also the frames of libc, the runtimes and window.c "
                     "(folded by default; implies --full)"},
    {OPT_NO_COLOR, NULL},
    {OPT_COUNT, NULL},
};

static const char show_synopsis[] =
    "usage: maprace show [--out DIR] [--full] [--all-frames] [--no-color] "
    "CASE[/VARIANT]...\n";
static const char show_what[] =
    "Print the races of the last run (<out>/latest/results.json) of each\n"
    "case or case variant: the two racing lines with their source, the\n"
    "case's why, the interleaving, and which detectors saw it; then each\n"
    "cell's verdict. With --full, what each detector said, frame by frame,\n"
    "each model frame with its Go counterpart, and its command line.\n";
static const char show_more[] =
    "exit codes: 0 races shown; 1 the last run has no race for one of them;\n"
    "2 not in the last run, or no last run.\n";

static const struct verb_spec show_spec = {
    .name = "show",
    .synopsis = show_synopsis,
    .what = show_what,
    .options = show_options,
    .more = show_more,
};

static int show_verb(const struct cli *a)
{
    if (!a->nr_pos) {
        error("show needs a case (maprace show CASE[/VARIANT])");
        return EXIT_USAGE;
    }
    char *out = given_or_in_root(a->out, "reports");
    if (!out)
        return EXIT_USAGE;
    int rc = EXIT_OK;
    for (size_t i = 0; i < a->nr_pos; i++) {
        int r =
            a->full || a->all_frames
                ? show_races(stdout, out, NULL, a->pos[i], cli_color(a),
                             a->all_frames)
                : show_races_brief(stdout, out, NULL, a->pos[i], cli_color(a));
        if (r > rc)
            rc = r;
    }
    free(out);
    return rc;
}

int cmd_show(int argc, char **argv)
{
    struct cli a;
    enum parse_result pr = parse_options(argc, argv, &show_spec, &a);
    int rc = pr != PARSE_OK ? parse_exit(pr) : show_verb(&a);
    cli_release(&a);
    return rc;
}

static const struct verb_option explain_options[] = {
    {OPT_CASES, NULL},
    {OPT_NO_COLOR, NULL},
    {OPT_COUNT, NULL},
};

static const char explain_synopsis[] =
    "usage: maprace explain [--cases DIR] [--no-color] CASE...\n";
static const char explain_what[] =
    "Print a case's README.md as plain text: the Go original, what goes\n"
    "wrong in memory, what each detector says, the fix, an exercise.\n";
static const char explain_more[] = "exit codes: 0 shown; 2 an unknown case.\n";

static const struct verb_spec explain_spec = {
    .name = "explain",
    .synopsis = explain_synopsis,
    .what = explain_what,
    .options = explain_options,
    .more = explain_more,
};

static int explain_verb(const struct cli *a)
{
    if (!a->nr_pos) {
        error("explain needs a case (see maprace list)");
        return EXIT_USAGE;
    }
    char *dir = given_or_in_root(a->cases, "cases");
    if (!dir)
        return EXIT_USAGE;
    int rc = EXIT_OK;
    for (size_t i = 0; i < a->nr_pos && !rc; i++)
        rc = explain_case(stdout, dir, a->pos[i], cli_color(a));
    free(dir);
    return rc;
}

int cmd_explain(int argc, char **argv)
{
    struct cli a;
    enum parse_result pr = parse_options(argc, argv, &explain_spec, &a);
    int rc = pr != PARSE_OK ? parse_exit(pr) : explain_verb(&a);
    cli_release(&a);
    return rc;
}
