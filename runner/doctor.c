/*
 * doctor.c - is everything installed, does TSan work here (see doctor.h).
 */
#include "doctor.h"

#include "detectors.h"
#include "exec.h"
#include "util.h"

#include <errno.h>
#include <expat.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

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
    bool works;
    bool needs_setarch;
    char *detail;
};

/* Compile the racy program with `cc -fsanitize=thread` and run it, plain
 * then under setarch -R. */
static void check_tsan(const char *cc, const char *tmp, struct tsan_check *t)
{
    memset(t, 0, sizeof(*t));
    char *src = path_join(tmp, "race.c");
    char *bin = xasprintf("%s/race-%s", tmp, cc);
    char *log = xasprintf("%s/race-%s.log", tmp, cc);
    if (write_file_atomic(src, racy_program, strlen(racy_program)) < 0) {
        t->detail = xasprintf("cannot write %s: %s", src, strerror(errno));
        goto out;
    }
    char *cc_path = find_in_path(cc);
    if (!cc_path) {
        t->detail = xasprintf("%s not found in PATH", cc);
        goto out;
    }
    char *cargv[] = {cc_path,      (char *)"-fsanitize=thread",
                     (char *)"-g", (char *)"-O1",
                     (char *)"-o", bin,
                     src,          NULL};
    bool ok;
    char desc[256];
    run_cmd(cargv, NULL, log, 0, &ok, desc, sizeof(desc));
    free(cc_path);
    if (!ok) {
        char *msg = read_file(log, 4096, NULL);
        t->detail = xasprintf("%s -fsanitize=thread cannot build a program "
                              "(%s): %.*s",
                              cc, desc, msg ? (int)strcspn(msg, "\n") : 0,
                              msg ? msg : "");
        free(msg);
        goto out;
    }
    char *env[] = {(char *)"TSAN_OPTIONS=exitcode=66 atexit_sleep_ms=0", NULL};
    char *rargv[] = {bin, NULL};
    char *text = NULL;
    bool race = false, mapping = false;
    /* twice at most: one run can fail for reasons of its own (a loaded
     * machine, a shadow mapping refused); the first line says why */
    char first[256] = "";
    for (int attempt = 0; attempt < 2 && !(ok && race) && !mapping; attempt++) {
        run_cmd(rargv, env, log, 66, &ok, desc, sizeof(desc));
        free(text);
        text = read_file(log, 1 << 20, NULL);
        race = text && strstr(text, "WARNING: ThreadSanitizer: data race");
        mapping = text && strstr(text, "unexpected memory mapping");
        if (!attempt && text)
            snprintf(first, sizeof(first), "%.*s", (int)strcspn(text, "\n"),
                     text);
    }
    free(text);
    if (ok && race) {
        t->works = true;
        t->detail = xstrdup("reports a data race");
        goto out;
    }
    if (mapping) {
        struct utsname u;
        uname(&u);
        char *sargv[] = {(char *)"setarch", u.machine, (char *)"-R", bin, NULL};
        run_cmd(sargv, env, log, 66, &ok, desc, sizeof(desc));
        text = read_file(log, 1 << 20, NULL);
        race = text && strstr(text, "WARNING: ThreadSanitizer: data race");
        free(text);
        if (ok && race) {
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
    json_object_set_new(o, "root", root ? json_string(root) : json_null());

    /* Tools. */
    static const char *const tools[] = {
        "make", "gcc", "clang", "valgrind", "setarch", "addr2line", NULL};
    json_t *jt = json_object();
    for (size_t i = 0; tools[i]; i++) {
        char *v = version_of(tools[i], tmp);
        json_object_set_new(jt, tools[i], v ? json_string(v) : json_null());
        free(v);
    }
    json_object_set_new(o, "tools", jt);

    /* Kernel. */
    struct utsname u;
    uname(&u);
    json_t *jk = json_object();
    json_object_set_new(jk, "release", json_string(u.release));
    json_object_set_new(jk, "machine", json_string(u.machine));
    char *bits = read_trimmed("/proc/sys/vm/mmap_rnd_bits");
    json_object_set_new(jk, "mmap_rnd_bits",
                        bits ? json_string(bits) : json_null());
    free(bits);
    json_object_set_new(o, "kernel", jk);

    /* TSan, with each compiler. */
    struct tsan_check tc[2];
    check_tsan("clang", tmp, &tc[0]);
    check_tsan("gcc", tmp, &tc[1]);

    /* Detectors. */
    json_t *jd = json_object();
    for (int d = 0; d < DET_COUNT; d++) {
        char *why;
        bool ok = detector_available(d, &why);
        if (ok && d == DET_TSAN && !tc[0].works) {
            ok = false;
            why = xasprintf("clang's ThreadSanitizer: %s", tc[0].detail);
        }
        if (ok && d == DET_TSAN_GCC && !tc[1].works) {
            ok = false;
            why = xasprintf("gcc's ThreadSanitizer: %s", tc[1].detail);
        }
        if (ok && detector_is_valgrind(d)) {
            /* valgrind found: does the tool start? */
            char *out = path_join(tmp, "valgrind.txt");
            char *tool = xasprintf("--tool=%s", detector_name(d));
            char *argv[] = {(char *)"valgrind", tool, (char *)"-q",
                            (char *)"true", NULL};
            char desc[128];
            run_cmd(argv, NULL, out, 0, &ok, desc, sizeof(desc));
            if (!ok)
                why = xasprintf("valgrind --tool=%s cannot run true (%s)",
                                detector_name(d), desc);
            free(tool);
            free(out);
        }
        json_t *e = json_object();
        json_object_set_new(e, "usable", json_boolean(ok));
        json_object_set_new(e, "reason", why ? json_string(why) : json_null());
        json_object_set_new(jd, detector_name(d), e);
        if (!ok)
            rc = 3;
        free(why);
    }
    json_object_set_new(o, "detectors", jd);
    json_t *jts = json_object();
    const char *names[2] = {"clang", "gcc"};
    for (int i = 0; i < 2; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "works", json_boolean(tc[i].works));
        json_object_set_new(e, "needs_setarch",
                            json_boolean(tc[i].needs_setarch));
        json_object_set_new(e, "detail", json_string(tc[i].detail));
        json_object_set_new(jts, names[i], e);
        free(tc[i].detail);
    }
    json_object_set_new(o, "tsan", jts);

    /* Libraries. */
    json_t *jl = json_object();
    json_object_set_new(jl, "jansson", json_string(JANSSON_VERSION));
    json_object_set_new(jl, "expat", json_string(XML_ExpatVersion()));
    char *inih = NULL;
    {
        char *out = path_join(tmp, "inih.txt");
        char *argv[] = {(char *)"pkg-config", (char *)"--modversion",
                        (char *)"inih", NULL};
        bool ok;
        char desc[128];
        run_cmd(argv, NULL, out, 0, &ok, desc, sizeof(desc));
        if (ok)
            inih = read_trimmed(out);
        free(out);
    }
    json_object_set_new(jl, "inih", inih ? json_string(inih) : json_null());
    free(inih);
    json_object_set_new(o, "libraries", jl);

    if (json) {
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        fputc('\n', stdout);
    } else {
        const char *g = color ? "\033[32m" : "", *r = color ? "\033[31m" : "",
                   *z = color ? "\033[0m" : "";
        printf("maprace doctor%s%s\n\n", root ? ": " : "", root ? root : "");
        printf("detectors:\n");
        const char *key;
        json_t *val;
        for (int d = 0; d < DET_COUNT; d++) {
            json_t *e = json_object_get(jd, detector_name(d));
            bool ok = json_is_true(json_object_get(e, "usable"));
            const char *why = json_string_value(json_object_get(e, "reason"));
            printf("  %-9s %s%s%s%s%s\n", detector_name(d), ok ? g : r,
                   ok ? "usable" : "NOT USABLE", z, why ? ": " : "",
                   why ? why : "");
        }
        printf("\nThreadSanitizer on this kernel (%s, vm.mmap_rnd_bits=%s):\n",
               u.release,
               json_string_value(json_object_get(jk, "mmap_rnd_bits"))
                   ? json_string_value(json_object_get(jk, "mmap_rnd_bits"))
                   : "?");
        json_object_foreach(jts, key, val)
        {
            printf("  %-6s %s\n", key,
                   json_string_value(json_object_get(val, "detail")));
        }
        printf("\ntools:\n");
        json_object_foreach(jt, key, val)
        {
            printf("  %-9s %s\n", key,
                   json_is_string(val) ? json_string_value(val)
                                       : "not found in PATH");
        }
        printf("\nlibraries:\n");
        json_object_foreach(jl, key, val)
        {
            printf("  %-9s %s\n", key,
                   json_is_string(val) ? json_string_value(val) : "?");
        }
    }
    json_decref(o);

    /* Clean the temporary folder. */
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
    return rc;
}
