/*
 * article.c - the article's sections (article.h).
 */
#include "engine/article.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

const struct article_section article_sections[] = {
    {"1", "map conflicts, the fatal errors, common mistakes, a reproducer"},
    {"2.1", "\"assembly evidence\": no atomic instruction in map code"},
    {"2.2", "the race detector: when it reports, shadow memory, clocks"},
    {"2.3", "buckets, oldbuckets and flags written concurrently"},
    {"2.4", "growWork and evacuate during growth"},
    {"2.5", "GODEBUG=gctrace=1 as a map diagnostic"},
    {"3.1", "range and write without a lock"},
    {"3.2", "sync.Map misuse: type assertions, LoadOrStore"},
    {"3.3", "context cancel and a map write"},
    {"4.1", "read-mostly: RWMutex and a map"},
    {"4.2", "write-heavy: sharding and false sharing"},
    {"4.3", "a lock-free map with compare-and-swap"},
    {"4.4", "choosing a concurrent map"},
    {"5", "unrelated text"},
};
const size_t article_nr_sections =
    sizeof(article_sections) / sizeof(article_sections[0]);

const struct article_section *article_section(const char *number)
{
    for (size_t i = 0; i < article_nr_sections; i++)
        if (!strcmp(article_sections[i].number, number))
            return &article_sections[i];
    return NULL;
}

/* Call fn on each token of value (split on commas and blanks); stop and
 * return what fn returns when it is not 0. */
static int each_token(const char *value, int (*fn)(const char *, void *),
                      void *data)
{
    for (const char *s = value; *s;) {
        s += strspn(s, ", \t");
        size_t n = strcspn(s, ", \t");
        if (!n)
            break;
        char *tok = xstrndup(s, n);
        int r = fn(tok, data);
        free(tok);
        if (r)
            return r;
        s += n;
    }
    return 0;
}

static int check_token(const char *tok, void *data)
{
    if (article_section(tok))
        return 0;
    *(char **)data = xstrdup(tok);
    return -1;
}

int article_parse(const char *value, char **bad)
{
    *bad = NULL;
    if (!value || !value[strspn(value, ", \t")]) {
        *bad = xstrdup("");
        return -1;
    }
    return each_token(value, check_token, bad);
}

static int match_token(const char *tok, void *data)
{
    return !strcmp(tok, (const char *)data);
}

bool article_names(const char *value, const char *number)
{
    return value && each_token(value, match_token, (void *)number) == 1;
}
