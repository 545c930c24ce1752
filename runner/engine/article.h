/*
 * article.h - the sections of the "Go map concurrency checklist" article
 * that maprace confronts (docs/article.md), in the article's own numbering.
 * A case's `article` key names one or more of them ("1, 2.1").
 */
#ifndef MAPRACE_ARTICLE_H
#define MAPRACE_ARTICLE_H

#include <stdbool.h>
#include <stddef.h>

struct article_section {
    const char *number;  /* "2.4" */
    const char *subject; /* in our words */
};

extern const struct article_section article_sections[];
extern const size_t article_nr_sections;

/* The section numbered `number`, or NULL. */
const struct article_section *article_section(const char *number);

/* Check an `article` value: one or more section numbers separated by
 * commas and/or blanks. Returns 0, or -1 with the first bad token in
 * *bad (malloc'd). */
int article_parse(const char *value, char **bad);

/* Whether an `article` value names section `number`. */
bool article_names(const char *value, const char *number);

#endif
