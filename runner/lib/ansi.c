/*
 * ansi.c - the colour of each verdict (ansi.h).
 */
#include "lib/ansi.h"

#include <string.h>

const char *ansi_verdict(const char *cls)
{
    static const struct {
        const char *cls, *colour;
    } colours[] = {
        {"ok", ANSI_GREEN},
        {"known", ANSI_CYAN},
        {"bad", ANSI_RED},
        {"error", ANSI_YELLOW},
    };
    for (size_t i = 0; cls && i < sizeof(colours) / sizeof(colours[0]); i++)
        if (!strcmp(cls, colours[i].cls))
            return colours[i].colour;
    return ANSI_RED;
}
