/*
 * ansi.h - the terminal's ANSI escapes, in one place, and the colour of
 * each verdict, decided once for every view (the live matrix, show,
 * grade, doctor): the colours of the HTML report's matrix (report/html.c:
 * td.ok, td.known, td.bad, td.error).
 */
#ifndef MAPRACE_ANSI_H
#define MAPRACE_ANSI_H

#define ANSI_RESET "\033[0m"
#define ANSI_BOLD "\033[1m"
#define ANSI_DIM "\033[2m"
#define ANSI_UNDERLINE "\033[4m"
#define ANSI_RED "\033[31m"
#define ANSI_GREEN "\033[32m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_CYAN "\033[36m"
#define ANSI_BOLD_RED "\033[1;31m"
#define ANSI_BOLD_CYAN "\033[1;36m"
/* The ends of one attribute, leaving the others on. */
#define ANSI_BOLD_OFF "\033[22m"
#define ANSI_UNDERLINE_OFF "\033[24m"
#define ANSI_COLOUR_OFF "\033[39m"
/* Erase to the end of the line (the progress line). */
#define ANSI_ERASE_LINE "\033[K"

/* The colour of a verdict's class: "ok" (as expected) green, "known" (a
 * known miss or false positive) cyan, "bad" (not as expected) red,
 * "error" (the run could not say) yellow; any other class red. */
const char *ansi_verdict(const char *cls);

#endif
