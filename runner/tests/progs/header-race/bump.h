/* The program's own header: an inline helper that writes a counter and
 * the thread function that calls it. Both racing stacks are in this
 * header only, not in the .c file that includes it. */
#ifndef BUMP_H
#define BUMP_H

#include <stddef.h>

extern int hits;

static inline __attribute__((always_inline)) void bump(void)
{
    hits++;
}

static void *bumper(void *arg)
{
    (void)arg;
    bump();
    return NULL;
}

#endif
