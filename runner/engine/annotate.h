/*
 * annotate.h - what each frame of a detector's stack stands for.
 *
 * One table (engine/annotate-table.c) maps every function of model/ (map.c,
 * context.c, syncmap.c, window.c, throw.c, and the inline helpers of the
 * model headers) to its Go counterpart and its role in a race:
 *
 *     mapassign -> "runtime.mapassign",
 *                  "writes the key and value into the bucket slot while
 *                   hashWriting is set"
 *
 * A frame is classified so that the reports can fold what a student does
 * not need to read: libc, the dynamic loader, the ThreadSanitizer runtime
 * and its interceptors (also those clang links into the program, named
 * by a C library function with no source file), valgrind's preload
 * objects and model/window.c's forcing machinery are "hidden" (shown on
 * demand).
 *
 * annotate_frame_of() says all of it for one frame; group.c puts it into
 * the frames of results.json's races (docs/report-format.md, "Annotated
 * frames").
 */
#ifndef MAPRACE_ANNOTATE_H
#define MAPRACE_ANNOTATE_H

#include <stdbool.h>
#include <stddef.h>

struct go_counterpart {
    const char *func; /* the model's C name, "mapassign" */
    const char *go;   /* its Go counterpart, "runtime.mapassign" */
    const char *role; /* its part in a race, one sentence, no full stop */
    bool hidden;      /* forcing machinery: folded away in reports */
    /* A function of the Swiss-table map (Go >= 1.24, whose frames sit in
     * internal/runtime/maps/): chosen for a frame of that Go over an entry
     * of the same Go name without it (runtime.mapassign_fast64 is in both
     * Gos, with different work). */
    bool swiss;
};

/* The table, in engine/annotate-table.c. */
extern const struct go_counterpart go_counterparts[];
extern const size_t nr_go_counterparts;

/* The entry of a model function, or NULL. Compiler suffixes
 * (".constprop.0", ".part.1", ".isra.0", ".cold") are ignored. */
const struct go_counterpart *annotate_lookup(const char *func);

/* The entry of a model function as a frame of `file` names it: a frame of
 * the Swiss-table model (model/swiss/) takes the entry of that design
 * (swiss) when there is one (its mapassign is not the hmap's), else the
 * first; NULL when none. */
const struct go_counterpart *annotate_lookup_in(const char *func,
                                                const char *file);

/* Whether a source file is the Swiss-table model's (model/swiss/). */
bool annotate_is_swiss_model_file(const char *file);

/* The entry whose Go counterpart is the Go function `gofunc` of a real Go
 * stack (a race report or a traceback of a Go twin): the first word of its
 * `go` field, with the specialised variants of the map functions folded
 * into the generic one on both sides ("runtime.mapassign_fast64",
 * "..._faststr", "..._fast64ptr" are "runtime.mapassign", also as the
 * first word of an entry). `swiss`: the frame is of the
 * Swiss-table map (annotate_is_swiss_frame); an entry of that design is
 * preferred. NULL when none. */
const struct go_counterpart *annotate_lookup_go(const char *gofunc, bool swiss);

/* Whether a Go frame is of the Swiss-table map: its function is in
 * internal/runtime/maps or its file is. */
bool annotate_is_swiss_frame(const char *func, const char *file);

/* Whether a frame is of a Go program (its file is a .go source, or it is
 * in Go's runtime assembly). */
bool annotate_is_go_frame(const char *func, const char *file);

enum frame_class {
    FRAME_CASE = 0, /* in a case's source (cases/...) */
    FRAME_MODEL,    /* in the model (model/...) or a function of the table */
    FRAME_HIDDEN,   /* libc, loader, TSan runtime, valgrind, window.c */
    FRAME_OTHER,    /* anything else (the runner's test programs...) */
};

/* "case", "model", "hidden", "other". */
const char *frame_class_name(enum frame_class c);

/* Classify a frame from what the detector printed (any may be NULL). */
enum frame_class annotate_classify(const char *func, const char *file,
                                   const char *module);

/* The repository-relative form of a source path printed by a detector:
 * from its last "cases/", "model/" or "runner/" component on
 * ("/home/me/maprace/cases/x/racy.c" -> "cases/x/racy.c"); otherwise the path as
 * given. Malloc'd; NULL for NULL. */
char *annotate_relpath(const char *file);

/* What a frame stands for (group.c puts it into results.json's races): its class,
 * its repo-relative path (malloc'd, or NULL without a file), and for a
 * model function its Go counterpart and role; for a frame of a real Go
 * program whose function the model stands for, the model function and
 * its role (go, model and role point into the table, or are NULL). */
struct frame_annotation {
    enum frame_class cls;
    char *path;
    const char *go, *model, *role;
};
void annotate_frame_of(const char *func, const char *file, const char *module,
                       struct frame_annotation *out);

#endif
