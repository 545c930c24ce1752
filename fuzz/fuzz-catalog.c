/*
 * fuzz-catalog.c - libFuzzer harness of the catalog reader: the input is
 * a case.ini, read by case_load() in a case folder that also holds a racy
 * and a fixed variant (with RACE: markers), so that every validation path
 * is reachable. Seeds: every case.ini of cases/ and runner/tests/cases/
 * (fuzz/fuzz.mk).
 */
#include "engine/catalog.h"
#include "lib/util.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *top, *dir, *ini;

static void put(const char *name, const char *text)
{
    char *p = path_join(dir, name);
    if (write_file_atomic(p, text, strlen(text)) < 0) {
        perror(p);
        abort();
    }
    free(p);
}

/* The case folder goes when the fuzzer exits. */
static void cleanup(void)
{
    static const char *const names[] = {"racy.c", "fixed.c", "case.ini"};
    for (size_t i = 0; i < 3; i++) {
        char *p = path_join(dir, names[i]);
        remove(p);
        free(p);
    }
    remove(dir);
    remove(top);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static char tmpl[] = "/tmp/maprace-fuzz-catalog.XXXXXX";
    top = mkdtemp(tmpl);
    if (!top)
        abort();
    dir = path_join(top, "case");
    if (mkdir_p(dir) < 0)
        abort();
    put("racy.c", "int n;\nvoid f(void) { n++; /* RACE: write n */ }\n");
    put("fixed.c", "int n;\nvoid f(void) { n++; }\n");
    ini = path_join(dir, "case.ini");
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (write_file_atomic(ini, (const char *)data, size) < 0)
        abort();
    struct mcase c;
    char *err = NULL;
    if (case_load(dir, "case", &c, &err) < 0) {
        /* a rejected case.ini: one line, never empty */
        if (!err || !*err || strchr(err, '\n'))
            abort();
    }
    free(err);
    case_release(&c);
    return 0;
}
