/*
 * util.c - small helpers of the runner (see util.h).
 */
#include "lib/util.h"

#include "lib/text.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void die_oom(size_t n)
{
    fprintf(stderr, "maprace: out of memory (%zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die_oom(n);
    return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (!p)
        die_oom(nmemb * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die_oom(n);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char *xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

static char *xvasprintf(const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        n = 0;
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void strbuf_add(struct strbuf *sb, const char *data, size_t len)
{
    ALLOC_GROW(sb->buf, sb->len + len + 1, sb->alloc);
    memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    strbuf_addstr(sb, p);
    free(p);
}

const char *strbuf_str(const struct strbuf *sb)
{
    return sb->buf ? sb->buf : "";
}

char *strbuf_detach(struct strbuf *sb)
{
    char *p = sb->buf ? sb->buf : xstrdup("");
    sb->buf = NULL;
    sb->len = sb->alloc = 0;
    return p;
}

void strbuf_release(struct strbuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->alloc = 0;
}

void strvec_push_nodup(struct strvec *sv, char *s)
{
    ALLOC_GROW(sv->v, sv->nr + 2, sv->alloc);
    sv->v[sv->nr++] = s;
    sv->v[sv->nr] = NULL;
}

void strvec_push(struct strvec *sv, const char *s)
{
    strvec_push_nodup(sv, xstrdup(s));
}

void strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    strvec_push_nodup(sv, s);
}

size_t strvec_split(struct strvec *sv, const char *s, char sep)
{
    size_t pushed = 0;
    while (*s) {
        const char *end = strchr(s, sep);
        size_t n = end ? (size_t)(end - s) : strlen(s);
        if (n) {
            strvec_push_nodup(sv, xstrndup(s, n));
            pushed++;
        }
        s += n + (s[n] == sep);
    }
    return pushed;
}

void strvec_release(struct strvec *sv)
{
    for (size_t i = 0; i < sv->nr; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->nr = sv->alloc = 0;
}

static void vreport(const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
    char msg[4096];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    /* a name or a value from a case or a program: shown, never sent */
    char *clean = text_cleaned(msg, false);
    fprintf(stderr, "maprace: %s%s\n", prefix, clean);
    free(clean);
}

int error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
    return -1;
}

void warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("warning: ", fmt, ap);
    va_end(ap);
}

char *read_file(const char *path, size_t cap, size_t *lenp)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    char chunk[65536];
    for (;;) {
        size_t want = sizeof(chunk);
        if (cap && cap - sb.len < want)
            want = cap - sb.len;
        if (!want)
            break;
        ssize_t n = read(fd, chunk, want);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            strbuf_release(&sb);
            errno = e;
            return NULL;
        }
        if (!n)
            break;
        strbuf_add(&sb, chunk, (size_t)n);
    }
    close(fd);
    if (lenp)
        *lenp = sb.len;
    return strbuf_detach(&sb);
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        off += (size_t)n;
    }
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    if (rename(tmp, path) < 0) {
        fd = -1;
        goto fail;
    }
    free(tmp);
    return 0;
fail : {
    int e = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    errno = e;
    return -1;
}
}

int mkdir_p(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) < 0 && errno != EEXIST) {
            int e = errno;
            free(p);
            errno = e;
            return -1;
        }
        *s = '/';
    }
    int rc = 0;
    if (mkdir(p, 0777) < 0 && errno != EEXIST)
        rc = -1;
    int e = errno;
    free(p);
    errno = e;
    return rc;
}

char *path_absolute(const char *path)
{
    if (path[0] == '/')
        return xstrdup(path);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd)))
        return xstrdup(path);
    return path_join(cwd, path);
}

bool path_is_go(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    return strlen(base) > 3 && ends_with(base, ".go");
}

uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

char *path_join(const char *a, const char *b)
{
    size_t la = strlen(a);
    if (la && a[la - 1] == '/')
        return xasprintf("%s%s", a, b);
    return xasprintf("%s/%s", a, b);
}

/* The last component of path[0..*end), skipping empty and "."
 * components: sets *start, returns its length (0 when none is left) and
 * moves *end before it. */
static size_t last_component(const char *path, const char **end,
                             const char **start)
{
    for (;;) {
        const char *e = *end, *s = e;
        while (s > path && s[-1] != '/')
            s--;
        *start = s;
        *end = s > path ? s - 1 : s;
        size_t n = (size_t)(e - s);
        if (n && !(n == 1 && *s == '.'))
            return n;
        if (s == path)
            return 0;
    }
}

bool path_suffix_match(const char *a, const char *b)
{
    const char *ea = a + strlen(a), *eb = b + strlen(b);
    /* The file name and its folder (the case) identify a source. */
    for (int i = 0; i < 2; i++) {
        const char *sa, *sb;
        size_t na = last_component(a, &ea, &sa);
        size_t nb = last_component(b, &eb, &sb);
        if (!na || !nb)
            return i > 0;
        if (na != nb || memcmp(sa, sb, na))
            return false;
    }
    return true;
}

char *find_in_path(const char *prog)
{
    if (strchr(prog, '/'))
        return access(prog, X_OK) ? NULL : xstrdup(prog);
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        char *dir = n ? xstrndup(path, n) : xstrdup(".");
        char *full = path_join(dir, prog);
        free(dir);
        struct stat st;
        if (!stat(full, &st) && S_ISREG(st.st_mode) && !access(full, X_OK))
            return full;
        free(full);
        path += n;
        if (*path == ':')
            path++;
    }
    return NULL;
}

double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *c_defined_name(const char *head)
{
    const char *p = head;
    for (const char *a; (a = strstr(p, "__attribute__"));)
        p = strstr(a, "))") ? strstr(a, "))") + 2 : a + 13;
    const char *paren = strchr(p, '(');
    if (!paren)
        return NULL;
    const char *e = paren;
    while (e > p && isspace((unsigned char)e[-1]))
        e--;
    const char *b = e;
    while (b > p && (isalnum((unsigned char)b[-1]) || b[-1] == '_'))
        b--;
    return b < e ? xstrndup(b, (size_t)(e - b)) : NULL;
}

bool names_select(char **names, size_t n, const char *name)
{
    if (!n)
        return true;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return true;
    return false;
}

bool starts_with(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

int opt_int(const char *opt, const char *s, int min, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > INT_MAX)
        return error("bad value '%s' for %s (want an integer >= %d)", s, opt,
                     min);
    *out = (int)v;
    return 0;
}

int opt_seconds(const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    /* inf, nan and absurd values would disable the hang guard */
    if (errno || end == s || *end || !(v > 0) || !(v <= OPT_SECONDS_MAX))
        return error("bad value '%s' for %s (want seconds > 0, at most %d)", s,
                     opt, OPT_SECONDS_MAX);
    *out = v;
    return 0;
}

char *installed_kit(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0'; /* <prefix>/bin */
    slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0'; /* <prefix> */
    char *kit = xasprintf("%s/share/maprace", exe[0] ? exe : "");
    char *mk = path_join(kit, "Makefile");
    char *model = path_join(kit, "model/map.c");
    bool ok = !access(mk, R_OK) && !access(model, R_OK);
    free(mk);
    free(model);
    if (!ok) {
        free(kit);
        return NULL;
    }
    return kit;
}

char *user_cache_dir(void)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg && xdg[0] == '/')
        return path_join(xdg, "maprace");
    const char *home = getenv("HOME");
    if (home && home[0] == '/')
        return xasprintf("%s/.cache/maprace", home);
    return xasprintf("/tmp/maprace-%ld", (long)getuid());
}
