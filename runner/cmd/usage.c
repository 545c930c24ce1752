/*
 * usage.c - usage texts with the tables' lists (usage.h).
 */
#include "cmd/usage.h"

#include "engine/detectors.h"
#include "lib/util.h"
#include "report/common.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* What a placeholder stands for. */
enum list_kind { LIST_DETECTORS, LIST_FORMATS, LIST_FORMAT_FILES };

static const struct {
    const char *name;
    enum list_kind kind;
    enum detector_select sel; /* LIST_DETECTORS: which ones */
} placeholders[] = {
    {"@detectors@", LIST_DETECTORS, DETECTORS_ALL},
    {"@detectors-default@", LIST_DETECTORS, DETECTORS_DEFAULT},
    {"@detectors-c@", LIST_DETECTORS, DETECTORS_C},
    {"@detectors-go@", LIST_DETECTORS, DETECTORS_GO},
    {"@detectors-go-current@", LIST_DETECTORS, DETECTORS_GO_CURRENT},
    {"@detectors-go-hmap@", LIST_DETECTORS, DETECTORS_GO_HMAP},
    {"@formats@", LIST_FORMATS, 0},
    {"@format-files@", LIST_FORMAT_FILES, 0},
};

/* The column of a usage text's column of text that position at of line is
 * in: where the text after the last run of two or more blanks before it
 * begins ("  -d, --detectors LIST  comma-separated, of @detectors@": 24). */
static int text_column(const char *line, const char *at)
{
    int col = 0;
    for (const char *p = line; p < at; p++)
        if (*p == ' ' && p + 1 < at && p[1] == ' ') {
            while (p < at && *p == ' ')
                p++;
            col = (int)(p - line);
        }
    return col;
}

/* The list placeholder i stands for, at column col of its line, its next
 * lines indented to column indent. */
static char *list_of(size_t i, int col, int indent)
{
    switch (placeholders[i].kind) {
    case LIST_FORMATS:
        return report_format_names(",");
    case LIST_FORMAT_FILES:
        return report_format_files(", ");
    default:
        return detector_usage_list(placeholders[i].sel, col, indent);
    }
}

char *usage_expand(const char *tmpl)
{
    struct strbuf sb = STRBUF_INIT;
    const char *s = tmpl, *line = tmpl;
    while (*s) {
        size_t i, n = sizeof(placeholders) / sizeof(placeholders[0]);
        for (i = 0; i < n; i++)
            if (starts_with(s, placeholders[i].name))
                break;
        if (i == n) {
            if (*s == '\n')
                line = s + 1;
            strbuf_add(&sb, s++, 1);
            continue;
        }
        char *list = list_of(i, (int)(s - line), text_column(line, s));
        strbuf_addstr(&sb, list);
        free(list);
        s += strlen(placeholders[i].name);
    }
    return strbuf_detach(&sb);
}

void usage_printf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
    va_start(ap, fmt);
    vsnprintf(text, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    va_end(ap);
    char *out = usage_expand(text);
    fputs(out, f);
    free(out);
    free(text);
}
