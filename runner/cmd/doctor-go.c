/*
 * doctor-go.c - the check of Go for `maprace doctor` (doctor-go.h).
 */
#include "cmd/doctor-go.h"

#include "engine/detectors.h"
#include "lib/exec.h"
#include "lib/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)

/* Two goroutines write one map: go -race must say so. */
static const char racy_go[] = "package main\n"
                              "\n"
                              "func main() {\n"
                              "\tm := map[int]int{}\n"
                              "\tdone := make(chan bool)\n"
                              "\tgo func() { m[1] = 1; done <- true }()\n"
                              "\tm[2] = 2\n"
                              "\t<-done\n"
                              "}\n";

/* Run argv with env; stdout and stderr to `out`. Whether it exited with
 * `want`; desc: how it ended. */
static bool run(char **argv, char **env, const char *out, int want, char *desc,
                size_t size)
{
    struct proc_spec spec = {0};
    spec.argv = argv;
    spec.env = env;
    spec.stdout_path = out;
    spec.timeout_s = 600; /* the first -race build compiles the library */
    struct proc p = {0};
    char *why;
    if (exec_run(&spec, &p, &why) < 0) {
        snprintf(desc, size, "%s", why);
        free(why);
        return false;
    }
    snprintf(desc, size, "%s", exec_describe(&p));
    return exec_exited(&p, want);
}

/* The first line of a file, or "" (malloc'd). */
static char *first_line(const char *path)
{
    char *text = read_file(path, 1 << 16, NULL);
    if (!text)
        return xstrdup("");
    text[strcspn(text, "\n")] = '\0';
    return text;
}

/* go build [-race] -o bin src; NULL, or why not (malloc'd). */
static char *go_build(const char *go, char **env, const char *tmp, bool race)
{
    char *src = path_join(tmp, "racy.go");
    char *bin = path_join(tmp, race ? "racy.race" : "racy");
    char *log = path_join(tmp, "go-build.txt");
    char *argv[7];
    int k = 0;
    argv[k++] = (char *)go;
    argv[k++] = (char *)"build";
    if (race)
        argv[k++] = (char *)"-race";
    argv[k++] = (char *)"-o";
    argv[k++] = bin;
    argv[k++] = src;
    argv[k] = NULL;
    char desc[256];
    char *why = NULL;
    if (!run(argv, env, log, 0, desc, sizeof(desc))) {
        char *msg = first_line(log);
        why = xasprintf("go build%s cannot build a program (%s): %s",
                        race ? " -race" : "", desc, msg);
        free(msg);
    }
    free(src);
    free(bin);
    free(log);
    return why;
}

/* The race build, run: exit GORACE_EXITCODE and a report. */
static char *go_race_reports(const char *tmp)
{
    char *bin = path_join(tmp, "racy.race");
    char *log = path_join(tmp, "go-race.txt");
    char *argv[] = {bin, NULL};
    char *env[] = {
        (char *)"GORACE=exitcode=" STR(GORACE_EXITCODE) " atexit_sleep_ms=0",
        NULL};
    char desc[128];
    bool ok = run(argv, env, log, GORACE_EXITCODE, desc, sizeof(desc));
    char *text = read_file(log, 1 << 20, NULL);
    char *why = NULL;
    if (!ok || !text || !strstr(text, "WARNING: DATA RACE"))
        why = xasprintf("a program built with go build -race did not report "
                        "its data race (%s)",
                        desc);
    free(text);
    free(bin);
    free(log);
    return why;
}

void go_check_run(const char *root, const char *tmp, enum go_kind kind,
                  struct go_check *g)
{
    memset(g, 0, sizeof(*g));
    const struct go_toolchain *t = go_toolchain(kind);
    if (!t->path) {
        g->plain = xstrdup(t->why);
        g->race = xstrdup(g->plain);
        return;
    }
    g->version = xstrdup(t->version);
    /* each toolchain its own scratch folder: the binaries differ */
    char *dir = path_join(tmp, go_kind_name(kind));
    char *build = root ? path_join(root, "build") : xstrdup(tmp);
    char *env[] = {xasprintf("GOCACHE=%s/go-cache", build),
                   xasprintf("GOPATH=%s/gopath", build),
                   (char *)"GOFLAGS=", (char *)"GOTOOLCHAIN=local", NULL};
    char *src = path_join(dir, "racy.go");
    if (mkdir_p(dir) < 0 ||
        write_file_atomic(src, racy_go, strlen(racy_go)) < 0) {
        g->plain = xasprintf("cannot write %s: %s", src, strerror(errno));
        g->race = xstrdup(g->plain);
    } else {
        g->plain = go_build(t->path, env, dir, false);
        g->race = go_build(t->path, env, dir, true);
        if (!g->race)
            g->race = go_race_reports(dir);
    }
    free(src);
    free(env[0]);
    free(env[1]);
    free(build);
    free(dir);
}

bool go_check_usable(const struct go_check *g, bool race, char **why)
{
    const char *reason = race ? g->race : g->plain;
    *why = reason ? xstrdup(reason) : NULL;
    return !reason;
}

void go_check_release(struct go_check *g)
{
    free(g->version);
    free(g->plain);
    free(g->race);
    memset(g, 0, sizeof(*g));
}
