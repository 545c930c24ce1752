/*
 * bench/maps/mapreport.c - the map-design table of `make bench`: reads
 * mapbench's output (C designs) and `go test -bench` output (bench/go),
 * summarises the Go repetitions the way mapbench summarises its own
 * (stats.h: median and 95 % interval), and writes one Markdown file and
 * one self-contained HTML page (inline SVG bar charts, no script).
 *
 * Usage: mapreport --c FILE [--go FILE] --md OUT --html OUT
 *                  [--machine TEXT]
 * Lines starting with '#' in either input are notes (load averages, the
 * Go toolchain) and are copied into both outputs. A missing or empty Go
 * file is reported as "not run", never invented.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

enum { max_rows = 512, max_reps = 200, max_notes = 32 };

struct row {
    char lang[4];    /* "C" or "Go" */
    char design[32]; /* mapbench or bench/go name */
    unsigned mix;    /* % loads */
    unsigned long keys, threads;
    struct summary ns, ops, cpu; /* cpu.n == 0: CPU time not measured */
    /* Go: the figures of each repetition (-1: not reported) */
    double raw[max_reps], rawcpu[max_reps], allocs[max_reps];
    size_t nraw;
    double allocs_med; /* Go: median allocs/op; -1: not reported */
};

static struct row rows[max_rows];
static size_t nrows;
static char *notes[max_notes];
static size_t nnotes;

static const unsigned mixes[] = {90, 50, 0};
static const unsigned long keyset[] = {1000, 1000000};
static const unsigned long threadset[] = {1, 2, 4};

static void die(const char *what, const char *why)
{
    fprintf(stderr, "mapreport: %s: %s\n", what, why);
    exit(2);
}

static void note(const char *line)
{
    if (nnotes < max_notes)
        notes[nnotes++] = strdup(line);
}

static struct row *find_row(const char *lang, const char *design, unsigned mix,
                            unsigned long keys, unsigned long threads)
{
    for (size_t i = 0; i < nrows; i++)
        if (!strcmp(rows[i].lang, lang) && !strcmp(rows[i].design, design) &&
            rows[i].mix == mix && rows[i].keys == keys &&
            rows[i].threads == threads)
            return &rows[i];
    if (nrows == max_rows)
        die("input", "too many rows");
    rows[nrows] = (struct row){
        .mix = mix, .keys = keys, .threads = threads, .allocs_med = -1};
    snprintf(rows[nrows].lang, sizeof(rows[nrows].lang), "%s", lang);
    snprintf(rows[nrows].design, sizeof(rows[nrows].design), "%s", design);
    return &rows[nrows++];
}

/* One mapbench data line; 0 when it is not one. */
static int c_line(const char *line)
{
    char design[32];
    unsigned r, w;
    unsigned long keys, threads, reps;
    double v[9];
    struct row *row;

    if (sscanf(line,
               "%31s %u/%u %lu %lu %lu %lf %lf %lf %lf %lf %lf %lf %lf %lf",
               design, &r, &w, &keys, &threads, &reps, &v[0], &v[1], &v[2],
               &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) != 15)
        return 0;
    row = find_row("C", design, r, keys, threads);
    row->ns =
        (struct summary){.n = reps, .median = v[0], .lo = v[1], .hi = v[2]};
    row->ops =
        (struct summary){.n = reps, .median = v[3], .lo = v[4], .hi = v[5]};
    row->cpu =
        (struct summary){.n = reps, .median = v[6], .lo = v[7], .hi = v[8]};
    return 1;
}

/* One `go test -bench` result line:
 * BenchmarkMap/<design>/<r>-<w>/keys=<n>[-<procs>] <iters> then value and
 * unit pairs: ns/op, cpu-ns/op (bench/go's metric), B/op, allocs/op. */
static int go_line(const char *line)
{
    char design[32], unit[32];
    unsigned r, w;
    unsigned long keys, threads = 1, iters;
    double value, ns = -1, cpu = -1, allocs = -1;
    const char *p;
    int used = 0;
    struct row *row;

    if (sscanf(line, "BenchmarkMap/%31[^/]/%u-%u/keys=%lu%n", design, &r, &w,
               &keys, &used) != 4)
        return 0;
    p = line + used;
    if (*p == '-')
        threads = strtoul(p + 1, (char **)&p, 10);
    if (sscanf(p, " %lu%n", &iters, &used) != 1)
        return 0;
    for (p += used; sscanf(p, " %lf %31s%n", &value, unit, &used) == 2;
         p += used) {
        if (!strcmp(unit, "ns/op"))
            ns = value;
        else if (!strcmp(unit, "cpu-ns/op"))
            cpu = value;
        else if (!strcmp(unit, "allocs/op"))
            allocs = value;
    }
    if (ns <= 0)
        return 0;
    row = find_row("Go", design, r, keys, threads);
    if (row->nraw == max_reps)
        return 1;
    row->raw[row->nraw] = ns;
    row->rawcpu[row->nraw] = cpu;
    row->allocs[row->nraw] = allocs;
    row->nraw++;
    return 1;
}

static size_t read_input(const char *path, int (*parse)(const char *))
{
    FILE *f = fopen(path, "r");
    char line[1024];
    size_t n = 0;

    if (!f)
        die(path, strerror(errno));
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == '#')
            note(line + 1 + (line[1] == ' '));
        else
            n += (size_t)parse(line);
    }
    fclose(f);
    return n;
}

static void summarize_go(void)
{
    for (size_t i = 0; i < nrows; i++) {
        struct row *row = &rows[i];
        double ops[max_reps];
        if (strcmp(row->lang, "Go") || !row->nraw)
            continue;
        for (size_t k = 0; k < row->nraw; k++)
            ops[k] = 1e9 / row->raw[k];
        row->ns = summarize(row->raw, row->nraw);
        row->ops = summarize(ops, row->nraw);
        if (row->rawcpu[0] >= 0)
            row->cpu = summarize(row->rawcpu, row->nraw);
        if (row->allocs[0] >= 0)
            row->allocs_med = summarize(row->allocs, row->nraw).median;
    }
}

/* The distinct (lang, design) pairs, in input order. */
static size_t designs_of(const struct row **out)
{
    size_t n = 0;

    for (size_t i = 0; i < nrows; i++) {
        size_t j;
        for (j = 0; j < n; j++)
            if (!strcmp(out[j]->lang, rows[i].lang) &&
                !strcmp(out[j]->design, rows[i].design))
                break;
        if (j == n)
            out[n++] = &rows[i];
    }
    return n;
}

static const struct row *get(const struct row *d, unsigned mix,
                             unsigned long keys, unsigned long threads)
{
    for (size_t i = 0; i < nrows; i++)
        if (!strcmp(rows[i].lang, d->lang) &&
            !strcmp(rows[i].design, d->design) && rows[i].mix == mix &&
            rows[i].keys == keys && rows[i].threads == threads && rows[i].ns.n)
            return &rows[i];
    return NULL;
}

static void cell_text(FILE *f, const struct row *r)
{
    if (!r) {
        fputs("not measured", f);
        return;
    }
    fprintf(f, "%.1f ns [%.1f, %.1f] &middot; %.2f M/s [%.2f, %.2f]",
            r->ns.median, r->ns.lo, r->ns.hi, r->ops.median / 1e6,
            r->ops.lo / 1e6, r->ops.hi / 1e6);
    if (r->cpu.n)
        fprintf(f, " &middot; CPU %.1f ns [%.1f, %.1f]", r->cpu.median,
                r->cpu.lo, r->cpu.hi);
    if (r->allocs_med >= 0)
        fprintf(f, " &middot; %g allocs/op", r->allocs_med);
}

static void caption(FILE *f, unsigned mix, unsigned long keys)
{
    fprintf(f, "%u %% loads / %u %% stores, %lu keys", mix, 100 - mix, keys);
}

/* The compact table: CPU ns/op medians [95 % interval] at one thread
 * count, one column per mix and key count. */
static void cpu_summary(FILE *f, const struct row **d, size_t nd,
                        unsigned long threads)
{
    fprintf(f,
            "\n### CPU ns/op, %lu thread%s: median [95 %% interval]\n\n"
            "| | design |",
            threads, threads > 1 ? "s" : "");
    for (size_t k = 0; k < 2; k++)
        for (size_t m = 0; m < 3; m++)
            fprintf(f, " %u/%u, %s |", mixes[m], 100 - mixes[m],
                    keyset[k] == 1000 ? "1 K keys" : "1 M keys");
    fputs("\n|---|---|---|---|---|---|---|---|\n", f);
    for (size_t i = 0; i < nd; i++) {
        fprintf(f, "| %s | %s |", d[i]->lang, d[i]->design);
        for (size_t k = 0; k < 2; k++)
            for (size_t m = 0; m < 3; m++) {
                const struct row *r = get(d[i], mixes[m], keyset[k], threads);
                if (r && r->cpu.n)
                    fprintf(f, " %.0f [%.0f, %.0f] |", r->cpu.median, r->cpu.lo,
                            r->cpu.hi);
                else
                    fputs(" - |", f);
            }
        fputc('\n', f);
    }
}

static void write_md(const char *path, const char *machine)
{
    const struct row *d[max_rows];
    size_t nd = designs_of(d);
    FILE *f = fopen(path, "w");

    if (!f)
        die(path, strerror(errno));
    fprintf(f, "## Map designs (chapter 4): ns/op and ops/s, median "
               "[95 %% interval]\n\n"
               "Each cell: wall ns/op &middot; ops/s &middot; CPU ns/op (the "
               "process's CPU time per operation) &middot; Go: allocs/op. "
               "The machine has 2 cores: with 4 threads they are "
               "oversubscribed.\n\n");
    if (machine)
        fprintf(f, "Machine: %s.\n\n", machine);
    for (size_t i = 0; i < nnotes; i++)
        fprintf(f, "- %s\n", notes[i]);
    cpu_summary(f, d, nd, 1);
    cpu_summary(f, d, nd, 2);
    for (size_t m = 0; m < 3; m++)
        for (size_t k = 0; k < 2; k++) {
            fputs("\n### ", f);
            caption(f, mixes[m], keyset[k]);
            fputs("\n\n| | design | 1 thread | 2 threads | 4 threads (on 2 "
                  "cores) |\n|---|---|---|---|---|\n",
                  f);
            for (size_t i = 0; i < nd; i++) {
                fprintf(f, "| %s | %s |", d[i]->lang, d[i]->design);
                for (size_t t = 0; t < 3; t++) {
                    fputc(' ', f);
                    cell_text(f, get(d[i], mixes[m], keyset[k], threadset[t]));
                    fputs(" |", f);
                }
                fputc('\n', f);
            }
        }
    fclose(f);
}

static double chart_max(const struct row **d, size_t nd, unsigned mix,
                        unsigned long keys)
{
    double max = 1;

    for (size_t i = 0; i < nd; i++)
        for (size_t t = 0; t < 3; t++) {
            const struct row *r = get(d[i], mix, keys, threadset[t]);
            if (r && r->ops.hi > max)
                max = r->ops.hi;
        }
    return max;
}

/* Horizontal bars: ops/s medians, 95 % intervals as whiskers. */
static void svg_chart(FILE *f, const struct row **d, size_t nd, unsigned mix,
                      unsigned long keys)
{
    static const char *fill[] = {"#4e79a7", "#f28e2b", "#59a14f"};
    const int left = 150, width = 560, bar = 7, group = 3 * bar + 8;
    double max = chart_max(d, nd, mix, keys);
    int height = (int)nd * group + 40;

    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n",
            left + width + 20, height);
    for (size_t i = 0; i < nd; i++) {
        int y = 10 + (int)i * group;
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s %s</text>\n",
                left - 6, y + 2 * bar, d[i]->lang, d[i]->design);
        for (size_t t = 0; t < 3; t++) {
            const struct row *r = get(d[i], mix, keys, threadset[t]);
            int yy = y + (int)t * bar;
            if (!r)
                continue;
            fprintf(f,
                    "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                    "fill=\"%s\"><title>%s %s, %lu threads: %.2f M ops/s "
                    "[%.2f, %.2f]</title></rect>\n",
                    left, yy, width * r->ops.median / max, bar - 1, fill[t],
                    d[i]->lang, d[i]->design, threadset[t], r->ops.median / 1e6,
                    r->ops.lo / 1e6, r->ops.hi / 1e6);
            fprintf(f,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
                    "stroke=\"#000\"/>\n",
                    left + width * r->ops.lo / max,
                    left + width * r->ops.hi / max, yy + bar / 2, yy + bar / 2);
        }
    }
    fprintf(f,
            "<text x=\"%d\" y=\"%d\">0</text><text x=\"%d\" y=\"%d\" "
            "text-anchor=\"end\">%.1f M ops/s</text>\n",
            left, height - 14, left + width, height - 14, max / 1e6);
    for (size_t t = 0; t < 3; t++)
        fprintf(f,
                "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"8\" "
                "fill=\"%s\"/><text x=\"%d\" y=\"%d\">%lu thread%s</text>\n",
                left + 120 + (int)t * 110, height - 22, fill[t],
                left + 134 + (int)t * 110, height - 14, threadset[t],
                threadset[t] > 1 ? "s" : "");
    fputs("</svg>\n", f);
}

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++)
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else
            fputc(*s, f);
}

static void html_table(FILE *f, const struct row **d, size_t nd, unsigned mix,
                       unsigned long keys)
{
    fputs("<table><tr><th></th><th>design</th><th>1 thread</th><th>2 "
          "threads</th><th>4 threads (on 2 cores)</th></tr>\n",
          f);
    for (size_t i = 0; i < nd; i++) {
        fprintf(f, "<tr><td>%s</td><td>%s</td>", d[i]->lang, d[i]->design);
        for (size_t t = 0; t < 3; t++) {
            fputs("<td>", f);
            cell_text(f, get(d[i], mix, keys, threadset[t]));
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void write_html(const char *path, const char *machine)
{
    const struct row *d[max_rows];
    size_t nd = designs_of(d);
    FILE *f = fopen(path, "w");

    if (!f)
        die(path, strerror(errno));
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<title>maprace: map designs measured</title><style>body{font-"
          "family:sans-serif;max-width:1100px;margin:1em auto}table{border-"
          "collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;"
          "padding:2px 6px}</style></head><body>\n"
          "<h1>Chapter 4's map designs, measured</h1>\n<p>Throughput "
          "(ops/s, bars: median, whiskers: 95 % interval of the median) and "
          "ns/op of each design, C (bench/maps) and Go (bench/go). This "
          "machine has 2 cores: 4 threads share them.</p>\n",
          f);
    if (machine) {
        fputs("<p>Machine: ", f);
        html_text(f, machine);
        fputs("</p>\n", f);
    }
    fputs("<ul>\n", f);
    for (size_t i = 0; i < nnotes; i++) {
        fputs("<li>", f);
        html_text(f, notes[i]);
        fputs("</li>\n", f);
    }
    fputs("</ul>\n", f);
    for (size_t m = 0; m < 3; m++)
        for (size_t k = 0; k < 2; k++) {
            fputs("<h2>", f);
            caption(f, mixes[m], keyset[k]);
            fputs("</h2>\n", f);
            svg_chart(f, d, nd, mixes[m], keyset[k]);
            html_table(f, d, nd, mixes[m], keyset[k]);
        }
    fputs("</body></html>\n", f);
    fclose(f);
}

static const char *arg_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc)
        die(argv[*i], "missing value");
    return argv[++*i];
}

int main(int argc, char **argv)
{
    const char *c = NULL, *go = NULL, *md = NULL, *html = NULL;
    const char *machine = NULL;
    size_t ngo = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--c"))
            c = arg_value(argc, argv, &i);
        else if (!strcmp(argv[i], "--go"))
            go = arg_value(argc, argv, &i);
        else if (!strcmp(argv[i], "--md"))
            md = arg_value(argc, argv, &i);
        else if (!strcmp(argv[i], "--html"))
            html = arg_value(argc, argv, &i);
        else if (!strcmp(argv[i], "--machine"))
            machine = arg_value(argc, argv, &i);
        else
            die(argv[i], "unknown option");
    }
    if (!c || !md || !html)
        die("usage", "mapreport --c FILE [--go FILE] --md OUT --html OUT "
                     "[--machine TEXT]");
    if (!read_input(c, c_line))
        die(c, "no mapbench result line");
    if (go)
        ngo = read_input(go, go_line);
    if (!ngo)
        note("Go (bench/go): not run, no result");
    summarize_go();
    write_md(md, machine);
    write_html(html, machine);
    return 0;
}
