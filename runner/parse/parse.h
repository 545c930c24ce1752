/*
 * parse.h - detector logs into the report model (finding.h).
 *
 * Each parser appends the findings of one log to a struct report. A log
 * that is cut short (a crash, a size cap) or malformed still yields every
 * finding that was complete, and sets r->error to a one-line description.
 * The functions return 0 when the log was read to its end, -1 when it could
 * not be opened or was incomplete (r->error says which).
 */
#ifndef MAPRACE_PARSE_H
#define MAPRACE_PARSE_H

#include "parse/finding.h"

/* ThreadSanitizer's text report, as clang 14, clang 19 and gcc 12 print it
 * (one log_path file, or the program's stderr: other lines are ignored).
 * `detector` is copied into each finding ("tsan" or "tsan-gcc"). "data
 * race" gives FINDING_DATA_RACE with the current access in access[0] and
 * the "Previous" one in access[1], each with its "(mutexes: write M0)" as
 * locks; any other report (heap-use-after-free, thread leak,
 * lock-order-inversion, a deadly signal, ...) gives FINDING_OTHER with the
 * stacks it has (lock order: the two acquisitions, the held mutex as
 * lock; thread leak: the thread's creation). message is the SUMMARY line
 * after "SUMMARY: ThreadSanitizer: ", location the text after
 * "Location is ". Repeats beyond REPORT_MAX_SAME are counted in
 * r->nr_dropped. A report without its closing line, NUL bytes, fewer
 * reports than "ThreadSanitizer: reported N warnings" says, or TSan's own
 * "FATAL:" set r->error. */
int parse_tsan_file(const char *path, const char *detector, struct report *r);
int parse_tsan_buf(const char *buf, size_t len, const char *detector,
                   struct report *r);

/* Valgrind's XML (protocol 4) from --xml=yes, Helgrind or DRD; streamed
 * through expat, so a log of any size is read in constant memory per
 * finding. `detector` is "helgrind" or "drd". A frame's file is valgrind's
 * <dir> and <file> joined ("dir/file"). A DRD ConflictingAccess has one
 * access (DRD names the other thread's segment, kept in
 * finding.other_segment_start/end, not its access). Helgrind's XML has no
 * "locks held". Memory stays bounded on logs of thousands of records: past
 * REPORT_MAX_SAME findings of one signature (finding.h: kind, type, and for
 * each access the racing frame and its caller in another directory), the
 * rest are counted in r->nr_dropped, not kept. Input that is not
 * valgrind's XML, or XML cut short, sets r->error. */
int parse_valgrind_file(const char *path, const char *detector,
                        struct report *r);
int parse_valgrind_buf(const char *buf, size_t len, const char *detector,
                       struct report *r);

/* The model's Go-style fatal error and traceback (model/throw.h) on a
 * native run's stderr. Adds one FINDING_FATAL with the Go message and the
 * traceback as access[0].stack, or nothing when there is none.
 * `detector` (the run's: "native", or the detector whose program's stderr
 * it is) is copied into the finding. */
int parse_native_file(const char *path, const char *detector, struct report *r);
int parse_native_buf(const char *buf, size_t len, const char *detector,
                     struct report *r);

#endif
