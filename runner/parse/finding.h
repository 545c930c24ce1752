/*
 * finding.h - one report model for every detector.
 *
 * A detector's log (TSan text, valgrind XML, the model's Go-style fatal
 * error) is parsed into a struct report: a list of findings, each with up
 * to two accesses, each access with a stack of frames. The parsers
 * (parse/tsan.c, parse/valgrind.c, parse/native.c) fill it; the classifier,
 * the annotator and the report writers read it.
 *
 * Ownership: every string in these structs is malloc'd and owned by the
 * struct that holds it; report_release() frees all of it.
 */
#ifndef MAPRACE_FINDING_H
#define MAPRACE_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum access_kind {
    ACCESS_UNKNOWN = 0,
    ACCESS_READ,
    ACCESS_WRITE,
    ACCESS_ATOMIC_READ,
    ACCESS_ATOMIC_WRITE,
};

struct frame {
    char *func;      /* function name, NULL if unknown */
    char *file;      /* source file as the detector printed it, or NULL */
    int line;        /* 0 if unknown */
    int column;      /* 0 if unknown */
    char *module;    /* object file (TSan "(module+0xOFF)", valgrind <obj>) */
    uint64_t offset; /* offset in module, or 0 */
    uint64_t ip;     /* instruction pointer (valgrind <ip>), or 0 */
    size_t repeat;   /* times this frame came in a row (a recursion),
                        folded into this one; 0 or 1: once */
};

/*
 * Bounded stacks, whatever the depth a detector printed: stack_add()
 * folds a frame equal to the one before it (same function, file, line,
 * column, module, offset and ip: a recursion) into that one's `repeat`,
 * and keeps at most STACK_MAX_FRAMES frames (after folding) from the
 * innermost, then the outermost frame; the frames between are not kept,
 * only counted in `cut` (they were between frames[cut_after - 1] and
 * frames[cut_after]). A stack holds at most STACK_MAX_FRAMES + 1 frames.
 */
#define STACK_MAX_FRAMES 64

struct stack {
    struct frame *frames;
    size_t nr, alloc;
    size_t cut;       /* frames printed by the detector, not kept */
    size_t cut_after; /* where they were: after this many kept frames */
};

/* One stack of a report: an access of a race, or any other stack the
 * detector printed (where a mutex was locked, a thread created, a block
 * allocated...), with the detector's own header for it. */
struct access {
    char *label; /* the detector's header of this stack, verbatim, without
                    its final ':' ("Previous write of size 8 at 0x7b04...
                    by main thread", "Mutex M0 previously acquired by the
                    same thread here", "Required order was established by
                    acquisition of lock at 0x10C0A0"); for a stack printed
                    right under the report's first line, that line (the
                    finding's type, or valgrind's <what>); NULL if none */
    int seq;     /* its place among the finding's stacks, 0 first */
    enum access_kind kind;
    int size;      /* bytes, 0 if unknown */
    uint64_t addr; /* 0 if unknown */
    char *thread;  /* "main thread", "T1", "#2" ... as the detector says */
    char **locks;  /* locks held ("write M0", "read M1"), may be empty */
    size_t nr_locks;
    struct stack stack;
};

enum finding_kind {
    FINDING_DATA_RACE = 0,  /* TSan data race, Helgrind Race, DRD
                              ConflictingAccess */
    FINDING_FATAL,          /* the model's "fatal error: ..." */
    FINDING_OTHER,          /* any other report (a crash, DRD's hold time,
                              a condition variable signalled unlocked...) */
    FINDING_LOCK_ORDER,     /* TSan lock-order-inversion, Helgrind LockOrder */
    FINDING_THREAD_LEAK,    /* TSan thread leak */
    FINDING_MUTEX_MISUSE,   /* a lock used wrongly: unlock of an unlocked or
                              foreign mutex, destroy of a locked one, double
                              lock, bad read-write lock use (TSan's mutex
                              reports; Helgrind UnlockUnlocked,
                              UnlockForeign, UnlockBogus, PthAPIerror and
                              its Misc lock reports; DRD MutexErr,
                              RwlockErr) */
    FINDING_USE_AFTER_FREE, /* TSan heap-use-after-free */
    FINDING_SIGNAL_UNSAFE,  /* TSan signal-unsafe call inside of a signal,
                               signal handler spoils errno */
    FINDING_KIND_COUNT
};

struct finding {
    enum finding_kind kind;
    char *detector; /* "tsan", "tsan-gcc", "helgrind", "drd", "native" */
    char *type;     /* the detector's own word: "data race",
                        "Race", "ConflictingAccess", "fatal error" ... */
    char *message;  /* one line: TSan SUMMARY, valgrind <what>, or the Go
                        message ("concurrent map writes") */
    char *location; /* "heap block of size 336 ...", "global 'x' ...";
                       several locations (TSan's two "Location is" lines)
                       joined by "; " */
    /* The two sides: a race's current [0] and previous [1] access; a lock
     * order's two acquisitions; otherwise the first two stacks printed. */
    struct access access[2];
    size_t nr_access; /* 0, 1 or 2 */
    /* Every other stack the detector printed, each with its label; `seq`
     * orders them with access[] (finding_stacks()). */
    struct access *more;
    size_t nr_more, alloc_more;
    /* DRD only: a ConflictingAccess names the other thread's segment in
     * which the conflicting access happened (somewhere between these two
     * stacks), not the access itself; so a DRD race has one access, and
     * these stay empty when DRD printed no segment (its thread ended). */
    struct stack other_segment_start;
    struct stack other_segment_end;
};

struct report {
    struct finding *findings;
    size_t nr, alloc;
    /* Set when the log was not complete (cut short by a crash or a size
     * cap, malformed): what was complete is still in findings. Malloc'd
     * one-line description, or NULL. */
    char *error;
    size_t nr_errors;  /* errors recorded, also those only counted */
    size_t error_kept; /* bytes of error that are whole messages */
    /* Records seen but not kept as separate findings (e.g. DRD repeats
     * beyond a cap): counted so that nothing is lost silently. */
    size_t nr_dropped;
    void *sigs; /* private to finding.c: counts for report_cap_last() */
};

void report_init(struct report *r);
void report_release(struct report *r);

/* Free what f holds and zero it (f itself is not freed). */
void finding_release(struct finding *f);

/* Append a zeroed finding and return it. */
struct finding *report_add(struct report *r);

/* Append a zeroed stack to f->more and return it. */
struct access *finding_add_more(struct finding *f);

/* Every stack of f (access[0..nr_access) and more[]) in the order the
 * detector printed them, at most max into out. Returns how many. */
size_t finding_stacks(const struct finding *f, const struct access **out,
                      size_t max);

/* The kind of a TSan report from its type ("data race", "thread leak",
 * "double lock of a mutex" ...), and of a valgrind <kind> with the
 * error's text. */
enum finding_kind finding_kind_of_tsan(const char *type);
enum finding_kind finding_kind_of_valgrind(const char *kind, const char *text);

/* Append a zeroed frame to s and return it; the frame before it is then
 * complete, and is folded or cut as "Bounded stacks" above says. A
 * parser fills only the frame it was given last. */
struct frame *stack_add(struct stack *s);

/* stack_add() for a stack whose strings the caller owns (a parser's
 * arena, copied out with finding_copy() for a finding it keeps): a frame
 * folded or cut is cleared, its strings not freed. */
struct frame *stack_add_borrowed(struct stack *s);

/* dst = a deep copy of src: every string and array malloc'd anew (src's
 * strings need not be malloc'd). */
void finding_copy(struct finding *dst, const struct finding *src);

/* Whether two frames are the same place (function, file, line, column,
 * module, offset, ip), as stack_add() folds them. */
bool frame_equal(const struct frame *a, const struct frame *b);

/* Record an error on r: the first REPORT_MAX_ERRORS are kept, joined by
 * "; ", the rest counted ("; and N more errors"), so that a log of a
 * million broken records costs linear time and a bounded message.
 * printf-style. */
#define REPORT_MAX_ERRORS 8
void report_error(struct report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Names for reports: "read", "write", "atomic read", "atomic write",
 * "unknown"; "data-race", "fatal", "other", "lock-order", "thread-leak",
 * "mutex-misuse", "use-after-free", "signal-unsafe" (the words of the
 * expectations, docs/case-format.md). */
const char *access_kind_name(enum access_kind k);
const char *finding_kind_name(enum finding_kind k);

/*
 * Bounded memory for logs with thousands of records of one race (DRD
 * reports every call path separately). A finding's signature is its kind,
 * its type and, for each access, the access kind and a pair of frames: the
 * innermost one, and the innermost one with a source file in another
 * directory (its caller outside the code that raced: a model function
 * reached from two lines of a case gives two signatures, and model/map.h's
 * inline helpers do not count as callers of model/map.c). A frame is known
 * by function, file and line, else module and offset, else ip. Once
 * max_same findings of one signature are kept, report_cap_last() removes
 * the last finding when it has that signature too and counts it in
 * r->nr_dropped. The parsers call it after each finding with
 * REPORT_MAX_SAME. Returns 1 when the finding was dropped, else 0.
 */
#define REPORT_MAX_SAME 16
int report_cap_last(struct report *r, size_t max_same);

/*
 * Whether report_cap_last() would drop a finding with f's signature now:
 * max_same findings of it are kept already. A parser that knows the parts
 * of the signature of the finding it is reading are final (its kind, its
 * type, how many accesses it has, and each one's kind, innermost frame
 * and caller) may stop building the rest of it when this says yes, and at
 * its end count it in r->nr_dropped instead of adding it: the same result
 * at a fraction of the cost, on logs of one race repeated a million times.
 * f need not be in r.
 */
bool report_sig_full(const struct report *r, const struct finding *f,
                     size_t max_same);

#endif
