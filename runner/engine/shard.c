/*
 * shard.c - a deterministic slice of the cells (see shard.h).
 */
#include "engine/shard.h"

#include "engine/results-model.h"

#include "lib/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static int parse_part(const char *s, size_t n, long *v)
{
    if (!n || n > 6)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return -1;
    *v = strtol(s, NULL, 10);
    return 0;
}

int shard_parse(const char *s, struct shard_spec *sp, char **why)
{
    const char *slash = strchr(s, '/');
    long k, n;
    *why = NULL;
    if (!slash || parse_part(s, (size_t)(slash - s), &k) < 0 ||
        parse_part(slash + 1, strlen(slash + 1), &n) < 0 || n < 1 ||
        n > 10000 || k < 1 || k > n) {
        *why =
            xasprintf("bad value '%s' for --shard (want K/N, 1 <= K <= N)", s);
        return -1;
    }
    memset(sp, 0, sizeof(*sp));
    sp->index = (int)k;
    sp->count = (int)n;
    sp->fingerprint = FNV_OFFSET;
    return 0;
}

bool shard_takes(const struct shard_spec *sp, size_t i)
{
    return !sp->count || (int)(i % (size_t)sp->count) + 1 == sp->index;
}

static void mix_bytes(uint64_t *fp, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        *fp ^= (unsigned char)s[i];
        *fp *= FNV_PRIME;
    }
    *fp ^= 0xff; /* separator */
    *fp *= FNV_PRIME;
}

static void mix(struct shard_spec *sp, const char *s)
{
    mix_bytes(&sp->fingerprint, s, strlen(s));
}

void shard_add_cell(struct shard_spec *sp, const char *case_name,
                    const char *variant, const char *detector,
                    const char *expectation)
{
    mix(sp, case_name);
    mix(sp, variant);
    mix(sp, detector);
    mix(sp, expectation ? expectation : "");
    sp->cells_total++;
}

void shard_add_case(struct shard_spec *sp, const char *case_name,
                    const char *const *files, size_t nr_files)
{
    uint64_t fp = FNV_OFFSET;
    for (size_t i = 0; i < nr_files; i++) {
        size_t len = 0;
        char *data = read_file(files[i], 0, &len);
        const char *base = strrchr(files[i], '/');
        base = base ? base + 1 : files[i];
        mix_bytes(&fp, base, strlen(base));
        if (data)
            mix_bytes(&fp, data, len);
        free(data);
    }
    ALLOC_GROW(sp->cases, sp->nr_cases + 1, sp->alloc_cases);
    sp->cases[sp->nr_cases].name = xstrdup(case_name);
    sp->cases[sp->nr_cases].fingerprint = fp;
    sp->nr_cases++;
}

void shard_release(struct shard_spec *sp)
{
    for (size_t i = 0; i < sp->nr_cases; i++)
        free(sp->cases[i].name);
    free(sp->cases);
    sp->cases = NULL;
    sp->nr_cases = sp->alloc_cases = 0;
}

void shard_add_setting(struct shard_spec *sp, const char *name, long value)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%ld", value);
    mix(sp, name);
    mix(sp, buf);
}

json_t *shard_json(const struct shard_spec *sp)
{
    if (!sp->count)
        return NULL;
    char fp[32];
    snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)sp->fingerprint);
    struct res_shard r = {
        .index = sp->index,
        .count = sp->count,
        .cells_total = (long long)sp->cells_total,
        .selection = fp,
        .cases = xcalloc(sp->nr_cases + 1, sizeof(*r.cases)),
        .nr_cases = sp->nr_cases,
    };
    for (size_t i = 0; i < sp->nr_cases; i++) {
        r.cases[i].key = sp->cases[i].name;
        r.cases[i].value =
            xasprintf("%016llx", (unsigned long long)sp->cases[i].fingerprint);
    }
    json_t *o = results_shard_json(&r);
    for (size_t i = 0; i < sp->nr_cases; i++)
        free(r.cases[i].value);
    free(r.cases);
    return o;
}
