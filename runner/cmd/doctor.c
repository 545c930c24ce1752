/*
 * doctor.c - is everything installed, does TSan work here (see doctor.h).
 */
#include "cmd/doctor.h"

#include "lib/ansi.h"
#include "engine/detectors.h"
#include "cmd/doctor-go.h"
#include "lib/exec.h"
#include "lib/text.h"
#include "lib/util.h"

#include <errno.h>
#include <expat.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define STR_(x) #x
#define STR(x) STR_(x)

/* A program with a data race: TSan must say so. */
static const char racy_program[] =
    "#include <pthread.h>\n"
    "int x;\n"
    "static void *f(void *a) { x++; return a; }\n"
    "int main(void) {\n"
    "    pthread_t t;\n"
    "    pthread_create(&t, 0, f, 0);\n"
    "    x++;\n"
    "    pthread_join(t, 0);\n"
    "    return 0;\n"
    "}\n";

/* Run argv, output to `out`; returns the proc's description, sets *ok when
 * it exited with `want`. */
static void run_cmd(char **argv, char **env, const char *out, int want,
                    bool *ok, char *desc, size_t size)
{
    struct proc_spec spec = {0};
    spec.argv = argv;
    spec.env = env;
    spec.stdout_path = out;
    spec.timeout_s = 60;
    struct proc p = {0};
    char *why;
    *ok = false;
    if (exec_run(&spec, &p, &why) < 0) {
        snprintf(desc, size, "%s", why);
        free(why);
        return;
    }
    *ok = exec_exited(&p, want);
    snprintf(desc, size, "%s", exec_describe(&p));
}

/* The first line of `prog --version`, or NULL. */
static char *version_of(const char *prog, const char *tmp)
{
    char *path = find_in_path(prog);
    if (!path)
        return NULL;
    char *out = path_join(tmp, "version.txt");
    char *argv[] = {path, (char *)"--version", NULL};
    bool ok;
    char desc[128];
    run_cmd(argv, NULL, out, 0, &ok, desc, sizeof(desc));
    char *text = read_file(out, 4096, NULL);
    free(out);
    free(path);
    if (!text)
        return xstrdup("?");
    text[strcspn(text, "\n")] = '\0';
    return text;
}

struct tsan_check {
    const char *cc;
    bool works;
    bool needs_setarch;
    char *detail;
};

/* Compile the racy program with `cc -fsanitize=thread` into bin. 0, or -1
 * with t->detail set. */
static int build_racy(const char *cc, const char *src, const char *bin,
                      const char *log, struct tsan_check *t)
{
    if (write_file_atomic(src, racy_program, strlen(racy_program)) < 0) {
        t->detail = xasprintf("cannot write %s: %s", src, strerror(errno));
        return -1;
    }
    char *cc_path = find_in_path(cc);
    if (!cc_path) {
        t->detail = xasprintf("%s not found in PATH", cc);
        return -1;
    }
    char *cargv[] = {cc_path,      (char *)"-fsanitize=thread",
                     (char *)"-g", (char *)"-O1",
                     (char *)"-o", (char *)bin,
                     (char *)src,  NULL};
    bool ok;
    char desc[256];
    run_cmd(cargv, NULL, log, 0, &ok, desc, sizeof(desc));
    free(cc_path);
    if (ok)
        return 0;
    char *msg = read_file(log, 4096, NULL);
    t->detail =
        xasprintf("%s -fsanitize=thread cannot build a program "
                  "(%s): %.*s",
                  cc, desc, msg ? (int)strcspn(msg, "\n") : 0, msg ? msg : "");
    free(msg);
    return -1;
}

static char *tsan_env[] = {
    (char *)"TSAN_OPTIONS=exitcode=" STR(TSAN_EXITCODE) " atexit_sleep_ms=0",
    NULL};

/* Run argv (the racy program): whether it exited TSAN_EXITCODE with a
 * data race in its log; *mapping when TSan died of ASLR entropy. */
static bool race_reported(char **argv, const char *log, bool *mapping,
                          char *desc, size_t size, char *first, size_t fsize)
{
    bool ok;
    run_cmd(argv, tsan_env, log, TSAN_EXITCODE, &ok, desc, size);
    char *text = read_file(log, 1 << 20, NULL);
    bool race = text && strstr(text, "WARNING: ThreadSanitizer: data race");
    if (mapping)
        *mapping = text && strstr(text, "unexpected memory mapping");
    if (first && text)
        snprintf(first, fsize, "%.*s", (int)strcspn(text, "\n"), text);
    free(text);
    return ok && race;
}

/* Compile the racy program with `cc -fsanitize=thread` and run it, plain
 * then under setarch -R. */
static void check_tsan(const char *cc, const char *tmp, struct tsan_check *t)
{
    memset(t, 0, sizeof(*t));
    t->cc = cc;
    char *src = path_join(tmp, "race.c");
    char *bin = xasprintf("%s/race-%s", tmp, cc);
    char *log = xasprintf("%s/race-%s.log", tmp, cc);
    if (build_racy(cc, src, bin, log, t) < 0)
        goto out;
    char *rargv[] = {bin, NULL};
    char desc[256];
    bool mapping = false;
    /* twice at most: one run can fail for reasons of its own (a loaded
     * machine, a shadow mapping refused); the first line says why */
    char first[256] = "";
    for (int attempt = 0; attempt < 2 && !mapping; attempt++) {
        if (race_reported(rargv, log, &mapping, desc, sizeof(desc),
                          attempt ? NULL : first, sizeof(first))) {
            t->works = true;
            t->detail = xstrdup("reports a data race");
            goto out;
        }
    }
    if (mapping) {
        struct utsname u;
        uname(&u);
        char *sargv[] = {(char *)"setarch", u.machine, (char *)"-R", bin, NULL};
        if (race_reported(sargv, log, NULL, desc, sizeof(desc), NULL, 0)) {
            t->works = true;
            t->needs_setarch = true;
            t->detail = xstrdup("dies with \"unexpected memory mapping\" "
                                "(high ASLR entropy); works under setarch "
                                "-R, which maprace uses by itself");
        } else {
            t->detail = xasprintf("dies with \"unexpected memory mapping\", "
                                  "and under setarch -R too (%s)",
                                  desc);
        }
        goto out;
    }
    t->detail = xasprintf("the racy test program was not reported (%s%s%s)",
                          desc, first[0] ? ": " : "", first);
out:
    free(src);
    free(bin);
    free(log);
}

static char *read_trimmed(const char *path)
{
    char *s = read_file(path, 256, NULL);
    if (s)
        s[strcspn(s, "\n")] = '\0';
    return s;
}

/* The tools' versions (null when not in PATH). */
static json_t *doctor_tools(const char *tmp)
{
    static const char *const tools[] = {
        "make", "gcc", "clang", "valgrind", "setarch", "addr2line", NULL};
    json_t *jt = json_object();
    for (size_t i = 0; tools[i]; i++) {
        char *v = version_of(tools[i], tmp);
        json_object_set_new(jt, tools[i], v ? json_text(v) : json_null());
        free(v);
    }
    return jt;
}

static json_t *doctor_kernel(const struct utsname *u)
{
    json_t *jk = json_object();
    json_object_set_new(jk, "release", json_text(u->release));
    json_object_set_new(jk, "machine", json_text(u->machine));
    char *bits = read_trimmed("/proc/sys/vm/mmap_rnd_bits");
    json_object_set_new(jk, "mmap_rnd_bits",
                        bits ? json_text(bits) : json_null());
    free(bits);
    return jk;
}

/* Whether detector d can run here: its tools in PATH, its sanitizer's
 * check passed (tc), its valgrind tool starts. *why: malloc'd, or NULL. */
static bool detector_usable(enum detector d, const struct tsan_check *tc,
                            size_t ntc, const struct go_check *gc,
                            const char *tmp, char **why)
{
    const struct detector_row *row = detector_row(d);
    if (!detector_available(d, why))
        return false;
    if (row->go_twin)
        return go_check_usable(&gc[row->toolchain], row->race_detector, why);
    for (size_t i = 0; row->sanitizer_cc && i < ntc; i++)
        if (!strcmp(tc[i].cc, row->sanitizer_cc) && !tc[i].works) {
            *why =
                xasprintf("%s's ThreadSanitizer: %s", tc[i].cc, tc[i].detail);
            return false;
        }
    if (!row->valgrind_tool)
        return true;
    /* valgrind found: does the tool start? */
    char *out = path_join(tmp, "valgrind.txt");
    char *tool = xasprintf("--tool=%s", row->valgrind_tool);
    char *argv[] = {(char *)"valgrind", tool, (char *)"-q", (char *)"true",
                    NULL};
    char desc[128];
    bool ok;
    run_cmd(argv, NULL, out, 0, &ok, desc, sizeof(desc));
    if (!ok)
        *why = xasprintf("valgrind --tool=%s cannot run true (%s)",
                         row->valgrind_tool, desc);
    free(tool);
    free(out);
    return ok;
}

static json_t *doctor_detectors(const struct tsan_check *tc, size_t ntc,
                                const struct go_check *gc, const char *tmp,
                                int *rc)
{
    json_t *jd = json_object();
    for (int d = 0; d < DET_COUNT; d++) {
        char *why = NULL;
        bool ok = detector_usable(d, tc, ntc, gc, tmp, &why);
        json_t *e = json_object();
        json_object_set_new(e, "usable", json_boolean(ok));
        json_object_set_new(e, "reason", why ? json_text(why) : json_null());
        json_object_set_new(jd, detector_name(d), e);
        if (!ok)
            *rc = 3;
        free(why);
    }
    return jd;
}

static json_t *doctor_tsan(struct tsan_check *tc, size_t ntc)
{
    json_t *jts = json_object();
    for (size_t i = 0; i < ntc; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "works", json_boolean(tc[i].works));
        json_object_set_new(e, "needs_setarch",
                            json_boolean(tc[i].needs_setarch));
        json_object_set_new(e, "detail", json_text(tc[i].detail));
        json_object_set_new(jts, tc[i].cc, e);
        free(tc[i].detail);
    }
    return jts;
}

static json_t *doctor_libraries(const char *tmp)
{
    json_t *jl = json_object();
    json_object_set_new(jl, "jansson", json_text(JANSSON_VERSION));
    json_object_set_new(jl, "expat", json_text(XML_ExpatVersion()));
    char *inih = NULL;
    char *out = path_join(tmp, "inih.txt");
    char *argv[] = {(char *)"pkg-config", (char *)"--modversion",
                    (char *)"inih", NULL};
    bool ok;
    char desc[128];
    run_cmd(argv, NULL, out, 0, &ok, desc, sizeof(desc));
    if (ok)
        inih = read_trimmed(out);
    free(out);
    json_object_set_new(jl, "inih", inih ? json_text(inih) : json_null());
    free(inih);
    return jl;
}

/* One Go toolchain: where, which version, which map design. */
static json_t *doctor_go(enum go_kind k)
{
    const struct go_toolchain *t = go_toolchain(k);
    json_t *o = json_object();
    json_object_set_new(o, "path", t->path ? json_text(t->path) : json_null());
    json_object_set_new(o, "version",
                        t->path ? json_text(t->version) : json_null());
    json_object_set_new(o, "goroot",
                        t->path ? json_text(t->goroot) : json_null());
    json_object_set_new(o, "from", t->path ? json_text(t->from) : json_null());
    json_object_set_new(
        o, "design", t->path ? json_text(go_toolchain_design(t)) : json_null());
    json_object_set_new(o, "reason", t->why ? json_text(t->why) : json_null());
    return o;
}

static const char *jstr_or(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* Where an installed maprace's `try` builds outside a repository. */
static json_t *doctor_try_kit(void)
{
    json_t *o = json_object();
    char *kit = installed_kit();
    char *cache = user_cache_dir();
    json_object_set_new(o, "kit", kit ? json_string(kit) : json_null());
    if (kit) {
        char *b = path_join(cache, "build"), *r = path_join(cache, "reports");
        json_object_set_new(o, "build", json_string(b));
        json_object_set_new(o, "reports", json_string(r));
        free(b);
        free(r);
    }
    free(kit);
    free(cache);
    return o;
}

/* The report as text, from its JSON. */
static void doctor_print(json_t *o, const char *root, bool color)
{
    const char *g = color ? ANSI_GREEN : "", *r = color ? ANSI_RED : "",
               *z = color ? ANSI_RESET : "";
    json_t *jd = json_object_get(o, "detectors");
    json_t *jk = json_object_get(o, "kernel");
    const char *key;
    json_t *val;
    printf("maprace doctor%s%s\n\n", root ? ": " : "", root ? root : "");
    json_t *kit = json_object_get(o, "try_kit");
    if (jstr_or(kit, "kit"))
        printf("try outside a repository: built with %s (the Makefile and "
               "the model), into %s; reports in %s\n\n",
               jstr_or(kit, "kit"), jstr_or(kit, "build"),
               jstr_or(kit, "reports"));
    else
        printf("try outside a repository: no kit installed beside this "
               "maprace (make install puts it in <prefix>/share/maprace)\n\n");
    printf("detectors:\n");
    for (int d = 0; d < DET_COUNT; d++) {
        json_t *e = json_object_get(jd, detector_name(d));
        bool ok = json_is_true(json_object_get(e, "usable"));
        const char *why = json_string_value(json_object_get(e, "reason"));
        printf("  %-12s %s%s%s%s%s\n", detector_name(d), ok ? g : r,
               ok ? "usable" : "NOT USABLE", z, why ? ": " : "",
               why ? why : "");
    }
    printf("\nGo toolchains (chosen by name, not by PATH order):\n");
    for (int k = 0; k < GO_KIND_COUNT; k++) {
        json_t *t = json_object_get(json_object_get(o, "go"), go_kind_name(k));
        const char *path = json_string_value(json_object_get(t, "path"));
        printf("  %-8s ", go_kind_name(k));
        if (path)
            printf("%s  %s (%s)\n           map: %s\n",
                   json_string_value(json_object_get(t, "version")), path,
                   json_string_value(json_object_get(t, "from")),
                   json_string_value(json_object_get(t, "design")));
        else
            printf("%snot installed%s: %s\n", r, z,
                   json_string_value(json_object_get(t, "reason")));
        printf("           detectors:");
        for (int d = 0; d < DET_COUNT; d++)
            if (detector_row(d)->go_twin &&
                detector_row(d)->toolchain == (enum go_kind)k)
                printf(" %s", detector_name(d));
        printf("; override: %s=/path/to/go\n", go_kind_variable(k));
    }
    const char *bits = json_string_value(json_object_get(jk, "mmap_rnd_bits"));
    printf("\nThreadSanitizer on this kernel (%s, vm.mmap_rnd_bits=%s):\n",
           json_string_value(json_object_get(jk, "release")),
           bits ? bits : "?");
    json_object_foreach(json_object_get(o, "tsan"), key, val)
    {
        printf("  %-6s %s\n", key,
               json_string_value(json_object_get(val, "detail")));
    }
    printf("\ntools:\n");
    json_object_foreach(json_object_get(o, "tools"), key, val)
    {
        printf("  %-9s %s\n", key,
               json_is_string(val) ? json_string_value(val)
                                   : "not found in PATH");
    }
    printf("\nlibraries:\n");
    json_object_foreach(json_object_get(o, "libraries"), key, val)
    {
        printf("  %-9s %s\n", key,
               json_is_string(val) ? json_string_value(val) : "?");
    }
}

/* Remove the temporary folder and what the checks left in it. */
static void doctor_clean(const char *tmp)
{
    static const char *const files[] = {
        "version.txt",    "race.c",       "race-clang",
        "race-clang.log", "race-gcc",     "race-gcc.log",
        "inih.txt",       "valgrind.txt", NULL};
    for (size_t i = 0; files[i]; i++) {
        char *p = path_join(tmp, files[i]);
        unlink(p);
        free(p);
    }
    rmdir(tmp);
}

int doctor(const char *root, bool json, bool color)
{
    exec_init();
    char tmpl[] = "/tmp/maprace-doctor.XXXXXX";
    char *tmp = mkdtemp(tmpl);
    if (!tmp) {
        error("cannot create a temporary folder: %s", strerror(errno));
        return 3;
    }
    int rc = 0;
    json_t *o = json_object();
    json_object_set_new(o, "root", root ? json_text(root) : json_null());
    json_object_set_new(o, "tools", doctor_tools(tmp));
    json_object_set_new(o, "try_kit", doctor_try_kit());
    struct utsname u;
    uname(&u);
    json_object_set_new(o, "kernel", doctor_kernel(&u));

    /* TSan, with each compiler a detector row names. */
    struct tsan_check tc[DET_COUNT];
    size_t ntc = 0;
    for (int d = 0; d < DET_COUNT; d++) {
        const char *cc = detector_row(d)->sanitizer_cc;
        bool seen = false;
        for (size_t i = 0; cc && i < ntc; i++)
            seen |= !strcmp(tc[i].cc, cc);
        if (cc && !seen)
            check_tsan(cc, tmp, &tc[ntc++]);
    }
    /* The two Go toolchains, each for its two detectors */
    struct go_check gc[GO_KIND_COUNT];
    json_t *jg = json_object();
    for (int k = 0; k < GO_KIND_COUNT; k++) {
        go_check_run(root, tmp, k, &gc[k]);
        json_object_set_new(jg, go_kind_name(k), doctor_go(k));
    }
    json_object_set_new(o, "go", jg);
    json_object_set_new(o, "detectors",
                        doctor_detectors(tc, ntc, gc, tmp, &rc));
    for (int k = 0; k < GO_KIND_COUNT; k++)
        go_check_release(&gc[k]);
    json_object_set_new(o, "tsan", doctor_tsan(tc, ntc));
    json_object_set_new(o, "libraries", doctor_libraries(tmp));

    if (json) {
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        fputc('\n', stdout);
    } else {
        doctor_print(o, root, color);
    }
    json_decref(o);
    doctor_clean(tmp);
    return rc;
}
