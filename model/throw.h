/*
 * model/throw.h - Go's fatal errors: a message, a traceback, exit status 2.
 *
 * Go's runtime ends a program that misuses a map with
 *
 *     fatal error: concurrent map writes
 *
 *     goroutine 18 [running]:
 *     main.main.func1()
 *             /tmp/x.go:12 +0x34
 *     ...
 *
 * and exit status 2. fatal() prints the same first line, byte for byte, a
 * blank line, then a traceback of the calling thread in the same shape:
 *
 *     thread 12345 [running]:
 *     mapassign(...)
 *             model/map.c:612 +0x9c
 *     writer(...)
 *             cases/map-concurrent-writes/racy.c:40 +0x21
 *
 * Invariants:
 *  - Everything goes to stderr with write(2), without malloc in the
 *    message path; stdout is flushed first.
 *  - Only one thread prints: the first to call fatal() wins an atomic
 *    exchange (not a mutex: a thread exiting while holding a mutex earns a
 *    Helgrind error of its own); any other caller waits for the exit.
 *  - The frames of fatal() itself and of the detectors' runtimes (TSan's
 *    __tsan_thread_start_func, valgrind's _vgr* wrappers) are left out.
 *  - Frames are found with libunwind; file:line of frames in the program
 *    itself come from its own DWARF (libdw), frames in shared libraries show
 *    their symbol and module+offset. MAPRACE_TRACEBACK=raw skips DWARF.
 *  - The process exits with status 2, as Go's fatal errors do, through
 *    _exit(2): like Go's fatal, no exit hooks run (atexit handlers could
 *    touch the map the other threads are still racing on). Under TSan the
 *    runtime's _exit interceptor prints its summary and keeps the status 2
 *    (it substitutes its exitcode, 66, only for a status of 0).
 */
#ifndef MAPRACE_THROW_H
#define MAPRACE_THROW_H

/* Print "fatal error: <s>" and a traceback, then _exit(2). `file` and
 * `line` name the caller; passing them stops the compiler from merging
 * several fatal() calls into one. */
_Noreturn void fatal_at(const char *s, const char *file, int line);

#define fatal(s) fatal_at((s), __FILE__, __LINE__)

/* An unrecovered Go panic with a plain message (Go's plainError, as in
 * mapassign on a nil map): "panic: <s>", a blank line, the traceback, then
 * _exit(2), as Go's fatalpanic does. The model has no recover(). */
_Noreturn void gopanic_at(const char *s, const char *file, int line);

#define gopanic(s) gopanic_at((s), __FILE__, __LINE__)

/* Write the calling thread's traceback, in the shape fatal() prints it
 * (its caller first), to fd. Not async-signal-safe, not thread-safe: the
 * caller serialises (model/window.c's recorder does). */
void traceback_write(int fd);

#endif
