/*
 * cmd/asm.h - `maprace asm CASE[/VARIANT] [FUNCTION]`: the machine code
 * of a case's racing functions, source interleaved, with the instructions
 * that touch the raced words marked: a plain load, store or
 * read-modify-write (no lock prefix), or an atomic one.
 *
 * Which functions: those of the variant that hold a RACE: marked line, and
 * the model functions they call (map.c, context.c, syncmap.c), or the one
 * FUNCTION named. Which instructions are marked: every atomic instruction
 * (x86 `lock` prefix or xchg; arm64 exclusive, acquire/release and LSE
 * atomics, and calls to libgcc's outline atomics), and every memory access
 * on a source line that is a marked line or touches Go's writer flag
 * (hashWriting in h->flags on the hmap model, m->writing on the Swiss
 * model, m.writing in Go 1.26's source).
 *
 * Which model (--model): the hmap (model/map.c; Go's code from the hmap
 * Go, Go 1.19), the Swiss tables (model/swiss/map.c, the case and the
 * model built as the *-swiss flavours are, in build/asm-swiss-<arch>/;
 * Go's code from the current Go, whose runtime.mapassign_fast64 is
 * internal/runtime/maps' runtime_mapassign_fast64), or both, one after
 * the other.
 *
 * Each architecture is a build of the variant and the model sources, one
 * object each, by the Makefile (build/asm-<arch>/): x86-64 (gcc), arm64
 * (aarch64-linux-gnu-gcc: gcc's default, a CAS calls libgcc's outline
 * atomics) and arm64-lse (-march=armv8.1-a: the CAS inline). Disassembled
 * with objdump -d -l -S (aarch64-linux-gnu-objdump for arm64). When Go is
 * installed, the same for Go's own runtime.mapassign_fast64 (and, for the
 * lockfree family, runtime/internal/atomic.Cas64) in a small Go program
 * (runner/asm-go/main.go) built for amd64 and arm64, with go tool objdump.
 */
#ifndef MAPRACE_CMD_ASM_H
#define MAPRACE_CMD_ASM_H

#include <stdbool.h>
#include <stdio.h>

struct asm_opts {
    const char *root;     /* the repository */
    const char *build;    /* build folder, relative to root ("build") */
    const char *cases;    /* the catalog folder (absolute) */
    const char *target;   /* CASE or CASE/VARIANT */
    const char *function; /* or NULL: the racing functions */
    const char *arches;   /* "x86-64,arm64,arm64-lse", or NULL: all */
    const char *model;    /* "hmap", "swiss", "both", or NULL: the case's
                             first (hmap, unless it says no-hmap) */
    bool go;              /* show Go's runtime too (when go is installed) */
    bool color;
};

/* Print the annotated disassembly on out. Returns 0; 2 for a bad case,
 * variant, function or architecture (one line on stderr); 3 when a tool an
 * explicitly requested architecture needs is missing (what could be shown
 * is still shown). */
int asm_show(FILE *out, const struct asm_opts *o);

/* The mark (or NULL) of one instruction line of objdump (AT&T syntax for
 * x86-64, or arm64) or of go tool objdump (Go syntax, `go` true), given
 * whether its source line is watched. For the tests. */
const char *asm_mark(const char *insn, bool watched, bool go);

#endif
