/*
 * text.c - valid UTF-8 and no control characters (see text.h).
 */
#include "lib/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min, cp;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        min = 0x80;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        min = 0x800;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        min = 0x10000;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

bool utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t l = utf8_seq_len(p + i, n - i);
        if (!l || !p[i])
            return false;
        i += l;
    }
    return true;
}

char *utf8_fix(const char *s, size_t n)
{
    struct strbuf sb = STRBUF_INIT;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    strbuf_add(&sb, "", 0);
    while (i < n) {
        size_t run = i;
        size_t l;
        while (run < n && p[run] && (l = utf8_seq_len(p + run, n - run)))
            run += l;
        strbuf_add(&sb, s + i, run - i);
        if (run < n) {
            strbuf_addstr(&sb, REPLACEMENT);
            run++;
        }
        i = run;
    }
    return strbuf_detach(&sb);
}

json_t *json_text(const char *s)
{
    if (!s)
        return json_null();
    size_t n = strlen(s);
    if (utf8_valid(s, n))
        return json_stringn(s, n);
    char *fixed = utf8_fix(s, n);
    json_t *j = json_string(fixed);
    free(fixed);
    return j;
}

/* The length of a colour sequence ESC '[' [0-9;]* 'm' at s, or 0. */
static size_t sgr_len(const char *s)
{
    if (s[0] != '\033' || s[1] != '[')
        return 0;
    size_t i = 2;
    while ((s[i] >= '0' && s[i] <= '9') || s[i] == ';')
        i++;
    return s[i] == 'm' ? i + 1 : 0;
}

void text_clean(struct strbuf *sb, const char *s, bool keep_sgr)
{
    char *fixed = utf8_fix(s, strlen(s));
    const unsigned char *p = (const unsigned char *)fixed;
    while (*p) {
        size_t keep = 0;
        while (p[keep] >= 0x20 && p[keep] != 0x7F &&
               !(p[keep] == 0xC2 && p[keep + 1] >= 0x80 && p[keep + 1] < 0xA0))
            keep++;
        strbuf_add(sb, (const char *)p, keep);
        p += keep;
        if (!*p)
            break;
        size_t sgr = keep_sgr ? sgr_len((const char *)p) : 0;
        if (sgr) {
            strbuf_add(sb, (const char *)p, sgr);
            p += sgr;
        } else if (*p == '\n' || *p == '\t') {
            strbuf_add(sb, (const char *)p, 1);
            p++;
        } else if (*p == 0xC2) { /* C1 */
            strbuf_addstr(sb, REPLACEMENT);
            p += 2;
        } else {
            char caret[2] = {'^', *p == 0x7F ? '?' : (char)(*p + '@')};
            strbuf_add(sb, caret, 2);
            p++;
        }
    }
    free(fixed);
}

char *text_cleaned(const char *s, bool keep_sgr)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_add(&sb, "", 0);
    text_clean(&sb, s, keep_sgr);
    return strbuf_detach(&sb);
}

void clean_stream_open(struct clean_stream *cs, FILE *out, bool keep_sgr)
{
    memset(cs, 0, sizeof(*cs));
    cs->out = out;
    cs->keep_sgr = keep_sgr;
    cs->fp = open_memstream(&cs->buf, &cs->len);
    if (!cs->fp) {
        fprintf(stderr, "maprace: out of memory (a text stream)\n");
        abort();
    }
}

void clean_stream_close(struct clean_stream *cs)
{
    fclose(cs->fp);
    char *clean = text_cleaned(cs->buf ? cs->buf : "", cs->keep_sgr);
    fputs(clean, cs->out);
    free(clean);
    free(cs->buf);
    memset(cs, 0, sizeof(*cs));
}
