/*
 * parse.h - detector logs into the report model (report.h).
 *
 * Each parser appends the findings of one log to a struct report. A log
 * that is cut short (a crash, a size cap) or malformed still yields every
 * finding that was complete, and sets r->error to a one-line description.
 * The functions return 0 when the log was read to its end, -1 when it could
 * not be opened or was incomplete (r->error says which).
 */
#ifndef MAPRACE_PARSE_H
#define MAPRACE_PARSE_H

#include "report.h"

/* ThreadSanitizer's text report, as clang 14, clang 19 and gcc 12 print it
 * (one log_path file, or the program's stderr). `detector` is copied into
 * each finding ("tsan" or "tsan-gcc"). */
int parse_tsan_file(const char *path, const char *detector, struct report *r);
int parse_tsan_buf(const char *buf, size_t len, const char *detector,
                   struct report *r);

/* Valgrind's XML (protocol 4) from --xml=yes, Helgrind or DRD; streamed,
 * so a log of any size is read in constant memory per finding. `detector`
 * is "helgrind" or "drd". */
int parse_valgrind_file(const char *path, const char *detector,
                        struct report *r);
int parse_valgrind_buf(const char *buf, size_t len, const char *detector,
                       struct report *r);

/* The model's Go-style fatal error and traceback (model/throw.h) on a
 * native run's stderr. Adds one FINDING_FATAL with the Go message and the
 * traceback as access[0].stack, or nothing when there is none. */
int parse_native_file(const char *path, struct report *r);
int parse_native_buf(const char *buf, size_t len, struct report *r);

#endif
