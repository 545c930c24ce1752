/*
 * parse/go.h - what Go's own runtime and Go's race detector print on a Go
 * program's stderr, into the finding model (finding.h).
 *
 * Go's race detector (go build -race; Go 1.19 shown):
 *
 *   ==================
 *   WARNING: DATA RACE
 *   Write at 0x00c00007e150 by goroutine 8:
 *     runtime.mapassign_fast64()
 *         /usr/lib/go-1.19/src/runtime/map_fast64.go:93 +0x0
 *     main.main.func2()
 *         /src/cases/map-concurrent-writes/racy.go:30 +0x52
 *
 *   Previous write at 0x00c00007e150 by goroutine 7:
 *     ...
 *
 *   Goroutine 8 (running) created at:
 *     main.main()
 *         /src/cases/map-concurrent-writes/racy.go:28 +0x204
 *   ...
 *   ==================
 *   Found 1 data race(s)
 *
 * gives one FINDING_DATA_RACE per report: type "data race", message "data
 * race FILE:LINE in FUNC" (the current access's top frame, as TSan's
 * SUMMARY), access[0] the current access, access[1] the "Previous" one,
 * each with kind (read, write, atomic read, atomic write), address,
 * thread ("goroutine 8", "main goroutine") and stack; the "Goroutine N
 * created at:" stacks are not kept.
 *
 * Go's runtime (a plain build; GOTRACEBACK=system shows runtime frames):
 *
 *   fatal error: concurrent map writes
 *
 *   goroutine 18 [running]:
 *   runtime.fatal({0x49c51d?, 0x0?})
 *   	/usr/lib/go-1.19/src/runtime/panic.go:1066 +0x5d fp=0xc... sp=... pc=...
 *   main.audit(...)
 *   	/src/cases/map-iterate-write/racy.go:35          (inlined: no offset)
 *   main.main.func2()
 *   	/src/cases/map-iterate-write/racy.go:56 +0x165 fp=... sp=... pc=...
 *   created by main.main
 *   	/src/cases/map-iterate-write/racy.go:53 +0xd9
 *
 *   goroutine 1 [chan receive]:
 *   ...
 *
 * gives one FINDING_FATAL: type "fatal error", message the Go message,
 * access[0].thread "goroutine 18", access[0].stack the traceback of the
 * goroutine that threw (the first one; "created by" is not a frame, the
 * other goroutines are not kept). "panic: ..." gives a FINDING_OTHER of
 * type "panic" the same way. Frames keep the function without its
 * arguments ("main.(*commandProvider).Create"), the file, the line and the
 * "+0x" offset.
 *
 * Other lines (the program's own output) are ignored. A race report
 * without its closing "==================" is not kept and sets r->error,
 * as do fewer reports than "Found N data race(s)" says, a fatal error or
 * panic without its traceback, and a traceback cut short (kept). The
 * functions return 0 when the log was read to its end cleanly, else -1.
 * `detector` ("go", "go-race") is copied into each finding.
 */
#ifndef MAPRACE_PARSE_GO_H
#define MAPRACE_PARSE_GO_H

#include "parse/finding.h"

#include <stddef.h>

int parse_go_file(const char *path, const char *detector, struct report *r);
int parse_go_buf(const char *buf, size_t len, const char *detector,
                 struct report *r);

#endif
