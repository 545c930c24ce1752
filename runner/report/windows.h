/*
 * report/windows.h - the model's race windows (model/window.h) in a
 * learner's words: what a thread has just done to the map when it reaches
 * each window, whether Go's hashWriting flag is set there, and which of
 * Go's checks the thread makes right after it. The single truth for every
 * report that speaks of a window (the step-through of index.html, the
 * forcing line of the diagram); no report prints a window's enum name.
 */
#ifndef MAPRACE_REPORT_WINDOWS_H
#define MAPRACE_REPORT_WINDOWS_H

#include <stdbool.h>

struct window_words {
    const char *name;  /* "W_MAPASSIGN_ENTRY", as window_name() says it */
    const char *did;   /* "has entered mapassign; next it reads h->flags ..." */
    const char *place; /* "at the entry of mapassign, before Go's check" */
    bool writing;      /* hashWriting is set while a thread is here */
    const char *check; /* Go's fatal message of the check made right after,
                          or NULL */
};

/* The words for the window named `name`; for an unknown name, words that
 * say only "a point the case marks". Never NULL. */
const struct window_words *window_words(const char *name);

#endif
