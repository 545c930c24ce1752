/*
 * text.h - text from outside (a program's output, a detector's log, a
 * source line, case.ini) made safe to write: valid UTF-8 for JSON, XML and
 * HTML, and no terminal control sequence for the terminal and the text
 * reports.
 *
 * Nothing is dropped: a byte that is not part of valid UTF-8 becomes
 * U+FFFD (one per byte), a control character becomes a visible stand-in.
 */
#ifndef MAPRACE_TEXT_H
#define MAPRACE_TEXT_H

#include "lib/util.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The length of the valid UTF-8 sequence at s[0..n) (1 to 4), or 0 when
 * s[0] does not start one (overlong forms, surrogates and code points past
 * U+10FFFF are not valid). */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/* Whether s[0..n) is valid UTF-8. */
bool utf8_valid(const char *s, size_t n);

/* s[0..n) with each byte that is not valid UTF-8 replaced by U+FFFD, and
 * each NUL byte too (malloc'd, NUL-terminated). */
char *utf8_fix(const char *s, size_t n);

/* A JSON string of s (or JSON null for NULL): utf8_fix'd first, so that
 * jansson never refuses it. */
json_t *json_text(const char *s);

/* Text for a terminal or a text report: valid UTF-8 (utf8_fix), and every
 * control character but newline and tab shown instead of sent: C0 and DEL
 * in caret notation (ESC is "^["), C1 (U+0080..U+009F) as U+FFFD. With
 * `keep_sgr`, the colour sequences the runner itself writes (ESC '['
 * digits and ';' 'm') are kept: they only change colours. */
void text_clean(struct strbuf *sb, const char *s, bool keep_sgr);

/* text_clean() into a new string (malloc'd). */
char *text_cleaned(const char *s, bool keep_sgr);

/* A stream to print to, whose text reaches `out` cleaned (text_clean)
 * when closed: for the verbs that print a case's or a program's text
 * (list, show, explain). */
struct clean_stream {
    FILE *fp; /* print here */
    FILE *out;
    bool keep_sgr;
    char *buf;
    size_t len;
};

/* Open cs: print to cs->fp. */
void clean_stream_open(struct clean_stream *cs, FILE *out, bool keep_sgr);
/* Write the cleaned text to cs->out and free the stream. */
void clean_stream_close(struct clean_stream *cs);

#endif
