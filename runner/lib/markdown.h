/*
 * markdown.h - the Markdown of a case's README.md, for a terminal
 * (`maprace explain`) and its pictures for every report.
 *
 * The subset the READMEs use: ATX headings, paragraphs, bullet and
 * numbered lists, `code` spans, *emphasis* and **strong**, [links](url),
 * pipe tables, and fenced code blocks. A fenced block whose info string
 * is `picture` (```picture) is a picture: text art drawn in a monospace
 * font, the one source of the picture that `explain` prints in the
 * terminal and the HTML report draws as SVG.
 */
#ifndef MAPRACE_MARKDOWN_H
#define MAPRACE_MARKDOWN_H

#include "lib/util.h"

#include <stdbool.h>
#include <stddef.h>

/* Render md for a terminal into sb:
 *  - headings in bold (level 1 also underlined); without colour, the text
 *    underlined with '=' (level 1) or '-' (level 2) on the next line;
 *  - list items with a bullet ("  • ") or their number, continuation
 *    lines indented to match;
 *  - code spans in cyan without their backticks (without colour, the
 *    backticks stay), **strong** bold, *emphasis* underlined (without
 *    colour, the stars are dropped), [text](url) as "text <url>";
 *  - a table whose columns fit in `width` aligned in columns under a
 *    rule; a wider one as one block per row, "header: cell" per line,
 *    wrapped at `width`;
 *  - fenced code indented by four spaces (cyan with colour), as is;
 *  - a picture framed by a rule above and below, each line after "  | ".
 * Column widths count code points, not bytes. */
void md_render_terminal(struct strbuf *sb, const char *md, bool color,
                        int width);

/* The pictures of md, in order: each one's lines joined by '\n' (with a
 * final '\n'), pushed on out. Returns how many. */
size_t md_pictures(const char *md, struct strvec *out);

/* The display width of s: its code points, not counting the terminal's
 * colour sequences (ESC '[' ... 'm'). */
size_t md_width(const char *s);

#endif
