/*
 * markdown.c - a case README's Markdown for the terminal, and its
 * pictures (markdown.h).
 */
#include "lib/markdown.h"

#include "lib/ansi.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

size_t md_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == 033 && p[1] == '[') {
            p += 2;
            while (*p && (isdigit(*p) || *p == ';'))
                p++;
            if (!*p)
                break;
            continue; /* the final 'm' */
        }
        if ((*p & 0xc0) != 0x80)
            w++;
    }
    return w;
}

/* The lines of md (malloc'd copies, without '\n'). */
static char **split_lines(const char *md, size_t *nr)
{
    size_t n = 0, alloc = 16;
    char **v = xmalloc(alloc * sizeof(*v));
    const char *s = md;
    while (*s) {
        size_t len = strcspn(s, "\n");
        if (n == alloc)
            v = xrealloc(v, (alloc *= 2) * sizeof(*v));
        v[n++] = xstrndup(s, len);
        s += len + (s[len] == '\n');
    }
    *nr = n;
    return v;
}

static void free_lines(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* A fence line: its info string (after the ``` or ~~~), else NULL. */
static const char *fence_info(const char *line)
{
    while (*line == ' ')
        line++;
    if (strncmp(line, "```", 3) && strncmp(line, "~~~", 3))
        return NULL;
    line += 3;
    while (*line == '`' || *line == '~' || *line == ' ')
        line++;
    return line;
}

static bool is_picture(const char *info)
{
    size_t n = strcspn(info, " \t{");
    return n == 7 && !strncmp(info, "picture", 7);
}

static bool blank(const char *s)
{
    return !s[strspn(s, " \t")];
}

/* ---- inline ------------------------------------------------------------ */

/* The text of one line with its spans rendered. */
static void inline_md(struct strbuf *sb, const char *s, bool color)
{
    while (*s) {
        if (*s == '\\' && s[1] && strchr("\\`*_[]()|#-!<>", s[1])) {
            strbuf_add(sb, s + 1, 1);
            s += 2;
            continue;
        }
        if (*s == '`') {
            size_t ticks = strspn(s, "`");
            const char *body = s + ticks, *end = body;
            while ((end = strchr(end, '`'))) {
                size_t run = strspn(end, "`");
                if (run == ticks)
                    break;
                end += run;
            }
            if (end) {
                if (color) {
                    strbuf_addstr(sb, ANSI_CYAN);
                    strbuf_add(sb, body, (size_t)(end - body));
                    strbuf_addstr(sb, ANSI_COLOUR_OFF);
                } else {
                    strbuf_add(sb, s, (size_t)(end + ticks - s));
                }
                s = end + ticks;
                continue;
            }
            strbuf_add(sb, s, ticks);
            s += ticks;
            continue;
        }
        if (s[0] == '*' && s[1] == '*' && s[2] && s[2] != ' ') {
            const char *end = strstr(s + 2, "**");
            if (end && end[-1] != ' ') {
                char *inner = xstrndup(s + 2, (size_t)(end - s - 2));
                if (color)
                    strbuf_addstr(sb, ANSI_BOLD);
                inline_md(sb, inner, color);
                if (color)
                    strbuf_addstr(sb, ANSI_BOLD_OFF);
                free(inner);
                s = end + 2;
                continue;
            }
        }
        if (s[0] == '*' && s[1] && s[1] != ' ' && s[1] != '*') {
            const char *end = strchr(s + 1, '*');
            if (end && end[-1] != ' ') {
                char *inner = xstrndup(s + 1, (size_t)(end - s - 1));
                if (color)
                    strbuf_addstr(sb, ANSI_UNDERLINE);
                inline_md(sb, inner, color);
                if (color)
                    strbuf_addstr(sb, ANSI_UNDERLINE_OFF);
                free(inner);
                s = end + 1;
                continue;
            }
        }
        if (*s == '[') {
            const char *close = strchr(s, ']');
            if (close && close[1] == '(') {
                const char *rp = strchr(close + 2, ')');
                if (rp) {
                    char *text = xstrndup(s + 1, (size_t)(close - s - 1));
                    inline_md(sb, text, color);
                    free(text);
                    strbuf_addstr(sb, " <");
                    strbuf_add(sb, close + 2, (size_t)(rp - close - 2));
                    strbuf_addstr(sb, ">");
                    s = rp + 1;
                    continue;
                }
            }
        }
        strbuf_add(sb, s, 1);
        s++;
    }
}

static char *inline_str(const char *s, bool color)
{
    struct strbuf sb = STRBUF_INIT;
    inline_md(&sb, s, color);
    return strbuf_detach(&sb);
}

/* s word-wrapped at width: the first line after `first`, the next ones
 * after `indent` spaces. */
static void wrap(struct strbuf *sb, const char *first, size_t indent,
                 const char *s, int width)
{
    strbuf_addstr(sb, first);
    size_t col = md_width(first);
    bool line_empty = true;
    while (*s) {
        s += strspn(s, " ");
        if (!*s)
            break;
        size_t len = strcspn(s, " ");
        char *word = xstrndup(s, len);
        size_t w = md_width(word);
        if (!line_empty && col + 1 + w > (size_t)width) {
            strbuf_addf(sb, "\n%*s", (int)indent, "");
            col = indent;
            line_empty = true;
        }
        if (!line_empty) {
            strbuf_addstr(sb, " ");
            col++;
        }
        strbuf_addstr(sb, word);
        col += w;
        line_empty = false;
        free(word);
        s += len;
    }
    strbuf_addstr(sb, "\n");
}

/* ---- tables ------------------------------------------------------------ */

static bool table_rule(const char *line)
{
    line += strspn(line, " ");
    if (*line != '|')
        return false;
    for (; *line; line++)
        if (!strchr("|-: ", *line))
            return false;
    return true;
}

/* The cells of a row "| a | b |", trimmed (malloc'd); '|' inside a code
 * span or escaped does not split. */
static char **row_cells(const char *line, size_t *nr)
{
    size_t n = 0, alloc = 8;
    char **v = xmalloc(alloc * sizeof(*v));
    const char *s = line + strspn(line, " ");
    if (*s == '|')
        s++;
    while (*s) {
        const char *p = s;
        bool code = false;
        while (*p && (code || *p != '|')) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == '`')
                code = !code;
            p++;
        }
        if (!*p && blank(s))
            break;
        const char *b = s, *e = p;
        while (b < e && *b == ' ')
            b++;
        while (e > b && e[-1] == ' ')
            e--;
        if (n == alloc)
            v = xrealloc(v, (alloc *= 2) * sizeof(*v));
        v[n++] = xstrndup(b, (size_t)(e - b));
        s = *p ? p + 1 : p;
    }
    *nr = n;
    return v;
}

static void pad(struct strbuf *sb, size_t n)
{
    for (size_t i = 0; i < n; i++)
        strbuf_addstr(sb, " ");
}

/* Lines [from, to) of a table (its rule is line from+1). */
static void table(struct strbuf *sb, char **lines, size_t from, size_t to,
                  bool color, int width)
{
    size_t nrows = 0, ncols = 0;
    char ***rows = xcalloc(to - from, sizeof(*rows));
    size_t *rn = xcalloc(to - from, sizeof(*rn));
    for (size_t i = from; i < to; i++) {
        if (i == from + 1)
            continue; /* the rule */
        char **cells = row_cells(lines[i], &rn[nrows]);
        for (size_t k = 0; k < rn[nrows]; k++) {
            char *r = inline_str(cells[k], color);
            free(cells[k]);
            cells[k] = r;
        }
        if (rn[nrows] > ncols)
            ncols = rn[nrows];
        rows[nrows++] = cells;
    }
    size_t *w = xcalloc(ncols ? ncols : 1, sizeof(*w));
    for (size_t r = 0; r < nrows; r++)
        for (size_t k = 0; k < rn[r]; k++)
            if (md_width(rows[r][k]) > w[k])
                w[k] = md_width(rows[r][k]);
    size_t total = 2;
    for (size_t k = 0; k < ncols; k++)
        total += w[k] + (k ? 2 : 0);
    if (total <= (size_t)width) {
        for (size_t r = 0; r < nrows; r++) {
            strbuf_addstr(sb, "  ");
            for (size_t k = 0; k < ncols; k++) {
                const char *c = k < rn[r] ? rows[r][k] : "";
                if (k)
                    strbuf_addstr(sb, "  ");
                if (!r && color)
                    strbuf_addstr(sb, ANSI_BOLD);
                strbuf_addstr(sb, c);
                if (!r && color)
                    strbuf_addstr(sb, ANSI_BOLD_OFF);
                if (k + 1 < ncols)
                    pad(sb, w[k] - md_width(c));
            }
            strbuf_addstr(sb, "\n");
            if (!r) {
                strbuf_addstr(sb, "  ");
                for (size_t k = 0; k < ncols; k++) {
                    if (k)
                        strbuf_addstr(sb, "  ");
                    for (size_t i = 0; i < w[k]; i++)
                        strbuf_addstr(sb, "-");
                }
                strbuf_addstr(sb, "\n");
            }
        }
    } else {
        /* too wide: one block per row, "header: cell" per line */
        for (size_t r = 1; r < nrows; r++) {
            const char *h0 = rn[0] ? rows[0][0] : "",
                       *c0 = rn[r] ? rows[r][0] : "";
            char *head = *h0 ? xasprintf("  %s%s:%s %s", color ? ANSI_BOLD : "",
                                         h0, color ? ANSI_BOLD_OFF : "", c0)
                             : xasprintf("  %s%s%s", color ? ANSI_BOLD : "", c0,
                                         color ? ANSI_BOLD_OFF : "");
            strbuf_addstr(sb, head);
            strbuf_addstr(sb, "\n");
            free(head);
            for (size_t k = 1; k < rn[r]; k++) {
                char *first = xasprintf("    %s%s:%s ", color ? ANSI_BOLD : "",
                                        k < rn[0] ? rows[0][k] : "",
                                        color ? ANSI_BOLD_OFF : "");
                wrap(sb, first, 6, rows[r][k], width);
                free(first);
            }
            if (r + 1 < nrows)
                strbuf_addstr(sb, "\n");
        }
    }
    for (size_t r = 0; r < nrows; r++) {
        for (size_t k = 0; k < rn[r]; k++)
            free(rows[r][k]);
        free(rows[r]);
    }
    free(rows);
    free(rn);
    free(w);
}

/* ---- blocks ------------------------------------------------------------ */

/* A list item's marker length ("- ", "12. "), or 0. */
static size_t list_marker(const char *line, bool *numbered)
{
    const char *s = line;
    if ((*s == '-' || *s == '*' || *s == '+') && s[1] == ' ') {
        *numbered = false;
        return 2;
    }
    size_t d = strspn(s, "0123456789");
    if (d && d < 4 && s[d] == '.' && s[d + 1] == ' ') {
        *numbered = true;
        return d + 2;
    }
    return 0;
}

static void picture(struct strbuf *sb, char **lines, size_t from, size_t to)
{
    size_t w = 0;
    for (size_t i = from; i < to; i++)
        if (md_width(lines[i]) > w)
            w = md_width(lines[i]);
    strbuf_addstr(sb, "  +");
    for (size_t i = 0; i < w + 2; i++)
        strbuf_addstr(sb, "-");
    strbuf_addstr(sb, "\n");
    for (size_t i = from; i < to; i++)
        strbuf_addf(sb, "  | %s\n", lines[i]);
    strbuf_addstr(sb, "  +");
    for (size_t i = 0; i < w + 2; i++)
        strbuf_addstr(sb, "-");
    strbuf_addstr(sb, "\n");
}

void md_render_terminal(struct strbuf *sb, const char *md, bool color,
                        int width)
{
    size_t n;
    char **lines = split_lines(md, &n);
    size_t cont = 0; /* the indent of a list item's continuation lines */
    for (size_t i = 0; i < n; i++) {
        const char *line = lines[i];
        const char *info = fence_info(line);
        if (info) {
            size_t end = i + 1;
            while (end < n && !fence_info(lines[end]))
                end++;
            if (is_picture(info)) {
                picture(sb, lines, i + 1, end);
            } else {
                for (size_t k = i + 1; k < end; k++)
                    strbuf_addf(sb, "    %s%s%s\n", color ? ANSI_CYAN : "",
                                lines[k], color ? ANSI_RESET : "");
            }
            i = end; /* the closing fence (or the end) */
            cont = 0;
            continue;
        }
        if (line[0] == '#') {
            size_t level = strspn(line, "#");
            const char *t = line + level;
            t += strspn(t, " ");
            char *text = inline_str(t, color);
            if (color) {
                strbuf_addf(sb, ANSI_BOLD "%s%s" ANSI_RESET "\n",
                            level == 1 ? ANSI_UNDERLINE : "", text);
            } else {
                strbuf_addf(sb, "%s\n", text);
                char under = level == 1 ? '=' : level == 2 ? '-' : 0;
                for (size_t k = 0; under && k < md_width(text); k++)
                    strbuf_add(sb, &under, 1);
                if (under)
                    strbuf_addstr(sb, "\n");
            }
            free(text);
            cont = 0;
            continue;
        }
        if (line[strspn(line, " ")] == '|' && i + 1 < n &&
            table_rule(lines[i + 1])) {
            size_t end = i + 2;
            while (end < n && lines[end][strspn(lines[end], " ")] == '|')
                end++;
            table(sb, lines, i, end, color, width);
            i = end - 1;
            cont = 0;
            continue;
        }
        bool numbered;
        size_t lead = strspn(line, " ");
        size_t m = list_marker(line + lead, &numbered);
        if (m) {
            char *text = inline_str(line + lead + m, color);
            if (numbered)
                strbuf_addf(sb, "%*s  %.*s %s\n", (int)lead, "", (int)(m - 1),
                            line + lead, text);
            else
                strbuf_addf(sb, "%*s  %s %s\n", (int)lead, "",
                            color ? "\xe2\x80\xa2" : "-", text);
            cont = lead + 2 + (numbered ? m : 2);
            free(text);
            continue;
        }
        if (blank(line)) {
            strbuf_addstr(sb, "\n");
            continue;
        }
        char *text = inline_str(line + (cont && lead ? lead : 0), color);
        if (cont && lead)
            strbuf_addf(sb, "%*s%s\n", (int)cont, "", text);
        else
            strbuf_addf(sb, "%s\n", text);
        if (!lead)
            cont = 0;
        free(text);
    }
    free_lines(lines, n);
}

size_t md_pictures(const char *md, struct strvec *out)
{
    size_t n, found = 0;
    char **lines = split_lines(md, &n);
    for (size_t i = 0; i < n; i++) {
        const char *info = fence_info(lines[i]);
        if (!info)
            continue;
        size_t end = i + 1;
        while (end < n && !fence_info(lines[end]))
            end++;
        if (is_picture(info)) {
            struct strbuf sb = STRBUF_INIT;
            for (size_t k = i + 1; k < end; k++)
                strbuf_addf(&sb, "%s\n", lines[k]);
            strvec_push_nodup(out, strbuf_detach(&sb));
            found++;
        }
        i = end;
    }
    free_lines(lines, n);
    return found;
}
