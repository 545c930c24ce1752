/*
 * model/overlap.c - the overlap hook (see overlap.h): find the grader's
 * probe, if it was preloaded, and call it.
 */
#include "overlap.h"

#include <dlfcn.h>
#include <stddef.h>

bool overlap_on;

static void (*probe)(int fn);

__attribute__((constructor)) static void overlap_init(void)
{
    *(void **)&probe = dlsym(RTLD_DEFAULT, "maprace_overlap_call");
    overlap_on = probe != NULL;
}

void overlap_call(enum overlap_fn fn)
{
    probe((int)fn);
}
