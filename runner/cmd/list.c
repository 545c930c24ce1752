/*
 * list.c - `maprace list`: the cases, their Go pattern and the sections
 * of the article they serve; the catalog validated on the way.
 */
#include "cmd/builtin.h"
#include "cmd/options.h"
#include "cmd/repository.h"
#include "engine/article.h"
#include "engine/catalog.h"
#include "engine/detectors.h"
#include "lib/exit.h"
#include "lib/text.h"
#include "lib/util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct verb_option list_options[] = {
    {OPT_JSON, "the catalog as JSON on stdout"},
    {OPT_ARTICLE, NULL},
    {OPT_CASES, NULL},
    {OPT_COUNT, NULL},
};

static const char list_synopsis[] = "usage: maprace list [--json] [--article "
                                    "SECTION] [--cases DIR] [CASE...]\n";
static const char list_what[] =
    "List the cases: name, family, variants, the Go code each stands for\n"
    "and the sections of the article it serves (the article's numbering:\n"
    "1, 2.1-2.5, 3.1-3.3, 4.1-4.4, 5; docs/article.md). The catalog is\n"
    "validated: a bad case.ini is reported with its file and line (exit 2).\n";
static const char list_more[] =
    "exit codes: 0 listed; 2 a bad case.ini, an unknown case or section.\n";

static const struct verb_spec list_spec = {
    .name = "list",
    .synopsis = list_synopsis,
    .what = list_what,
    .options = list_options,
    .more = list_more,
};

/* Whether case c is asked for: named (or no name given), and serving
 * section `article` of the article (when given). */
static bool listed(const struct mcase *c, char **names, size_t n,
                   const char *article)
{
    bool want = !n;
    for (size_t k = 0; k < n && !want; k++)
        want = !strcmp(names[k], c->name);
    return want && (!article || article_names(c->article, article));
}

static void list_text(const struct catalog *cat, char **names, size_t n,
                      const char *article)
{
    size_t shown = 0;
    /* case.ini's text reaches the terminal shown, never sent */
    struct clean_stream cs;
    clean_stream_open(&cs, stdout, false);
    for (size_t i = 0; i < cat->nr; i++) {
        const struct mcase *c = &cat->cases[i];
        if (!listed(c, names, n, article))
            continue;
        shown++;
        fprintf(cs.fp, "%s  [%s]  %s\n", c->name, c->family, c->title);
        fprintf(cs.fp, "    go:       %s\n", c->go);
        fprintf(cs.fp, "    article:  %s\n", c->article);
        fprintf(cs.fp, "    variants:");
        for (size_t v = 0; v < c->nr_variants; v++)
            fprintf(cs.fp, " %s", c->variants[v].name);
        fprintf(cs.fp, "\n");
    }
    if (article && !shown)
        fprintf(cs.fp,
                "no case serves section %s of the article (docs/article.md "
                "says why)\n",
                article);
    clean_stream_close(&cs);
}

static json_t *list_json(const struct catalog *cat, char **names, size_t n,
                         const char *article)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < cat->nr; i++) {
        const struct mcase *c = &cat->cases[i];
        if (!listed(c, names, n, article))
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "name", json_text(c->name));
        json_object_set_new(o, "title", json_text(c->title));
        json_object_set_new(o, "go", json_text(c->go));
        json_object_set_new(o, "article", json_text(c->article));
        json_object_set_new(o, "family", json_text(c->family));
        json_object_set_new(o, "why", json_text(c->why));
        json_t *vars = json_array();
        for (size_t v = 0; v < c->nr_variants; v++) {
            const struct variant *va = &c->variants[v];
            json_t *vo = json_object();
            json_object_set_new(vo, "name", json_text(va->name));
            json_object_set_new(vo, "source", json_text(va->source));
            json_object_set_new(vo, "title",
                                va->title ? json_text(va->title) : json_null());
            json_t *ex = json_object();
            for (int d = 0; d < DET_COUNT; d++)
                json_object_set_new(ex, detector_name(d),
                                    json_text(va->expect[d].text));
            json_object_set_new(vo, "expect", ex);
            json_t *mk = json_array();
            for (size_t m = 0; m < va->markers.nr; m++) {
                json_t *mo = json_object();
                json_object_set_new(mo, "line",
                                    json_integer(va->markers.items[m].line));
                json_object_set_new(mo, "text",
                                    json_text(va->markers.items[m].text));
                json_array_append_new(mk, mo);
            }
            json_object_set_new(vo, "markers", mk);
            json_array_append_new(vars, vo);
        }
        json_object_set_new(o, "variants", vars);
        json_array_append_new(arr, o);
    }
    return arr;
}

/* list with the options in a. Returns the exit code. */
static int list_verb(const struct cli *a)
{
    if (a->article && !article_section(a->article)) {
        error("unknown article section '%s' (want 1, 2.1-2.5, 3.1-3.3, "
              "4.1-4.4 or 5: the article's own numbering, docs/article.md)",
              a->article);
        return EXIT_USAGE;
    }
    char *root = find_root();
    if (!root)
        return EXIT_USAGE;
    struct catalog cat;
    char *dir;
    if (cli_load_catalog(root, a->cases, &cat, &dir) < 0) {
        free(root);
        return EXIT_USAGE;
    }
    int rc = EXIT_OK;
    for (size_t k = 0; k < a->nr_pos; k++)
        if (!catalog_find(&cat, a->pos[k])) {
            error("unknown case '%s'", a->pos[k]);
            rc = EXIT_USAGE;
        }
    if (!rc) {
        if (a->json) {
            json_t *arr = list_json(&cat, a->pos, a->nr_pos, a->article);
            json_dumpf(arr, stdout, JSON_INDENT(2));
            fputc('\n', stdout);
            json_decref(arr);
        } else {
            list_text(&cat, a->pos, a->nr_pos, a->article);
        }
    }
    catalog_release(&cat);
    free(dir);
    free(root);
    return rc;
}

int cmd_list(int argc, char **argv)
{
    struct cli a;
    enum parse_result pr = parse_options(argc, argv, &list_spec, &a);
    int rc = pr != PARSE_OK ? parse_exit(pr) : list_verb(&a);
    cli_release(&a);
    return rc;
}
