/*
 * asm.c - `maprace asm`: a case's racing functions in machine code,
 * source interleaved, the accesses to the raced words marked (cmd/asm.h).
 */
#include "cmd/asm.h"

#include "cmd/builtin.h"
#include "cmd/options.h"
#include "cmd/repository.h"
#include "lib/exit.h"

#include "lib/ansi.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/catalog.h"
#include "lib/exec.h"
#include "lib/markers.h"
#include "engine/toolchain.h"
#include "lib/util.h"

enum { MAX_FILES = 16 };

/* An architecture: the compiler the Makefile uses for build/asm-<name>/,
 * the objdump that reads its objects, and the GOARCH of Go's twin build
 * shown after it (NULL: none). */
struct arch {
    const char *name, *cc, *objdump, *goarch, *what;
};

static const struct arch arches[] = {
    {"x86-64", "gcc", "objdump", "amd64", "gcc -O1, as the native build"},
    {"arm64", "aarch64-linux-gnu-gcc", "aarch64-linux-gnu-objdump", "arm64",
     "aarch64-linux-gnu-gcc -O1, gcc's default: a CAS calls libgcc's "
     "outline atomics"},
    {"arm64-lse", "aarch64-linux-gnu-gcc", "aarch64-linux-gnu-objdump", NULL,
     "aarch64-linux-gnu-gcc -O1 -march=armv8.1-a: the CAS inline"},
};
enum { NR_ARCHES = sizeof(arches) / sizeof(arches[0]) };

/* The model sources whose functions a case calls (window.c and throw.c
 * are the forcing and the fatal error: not shown), per model. */
enum model { MODEL_HMAP, MODEL_SWISS, NR_MODELS };
static const char *const model_srcs[NR_MODELS][3] = {
    [MODEL_HMAP] = {"model/map.c", "model/context.c", "model/syncmap.c"},
    [MODEL_SWISS] = {"model/swiss/map.c", "model/context.c", "model/syncmap.c"},
};
enum { NR_MODEL = 3 };

/* Per model: its name for --model, the build folder prefix of its objects
 * (build/<prefix><arch>/), what the heading calls it, the Go toolchain
 * whose runtime stands beside it and that Go program's build folder. */
static const struct {
    const char *name, *prefix, *what;
    enum go_kind go;
    const char *go_dir;
} models[NR_MODELS] = {
    [MODEL_HMAP] = {"hmap", "asm-", "the hmap model", GO_HMAP, "asm-go"},
    [MODEL_SWISS] = {"swiss", "asm-swiss-", "the Swiss-table model", GO_CURRENT,
                     "asm-go-current"},
};

struct ctx {
    FILE *out;
    const struct asm_opts *o;
    const struct mcase *c;
    const struct variant *v;
    enum model model; /* the model shown now */
    char *vsrc;       /* the variant's source, repo-relative */
    char *build;      /* absolute build folder */
    char **racing;    /* the functions that hold a marked line */
    size_t nr_racing;
    struct {
        char *path, *text;
    } files[MAX_FILES]; /* sources read so far */
    size_t nr_files;
};

/* ---- marks ------------------------------------------------------------ */

static bool has_prefix_word(const char *s, const char *const *words)
{
    for (size_t i = 0; words[i]; i++)
        if (starts_with(s, words[i]))
            return true;
    return false;
}

/* Whether an operand list names memory other than the stack frame. */
static bool data_memory(const char *ops, const char *open,
                        const char *const *frame)
{
    if (!strstr(ops, open))
        return false;
    for (size_t i = 0; frame[i]; i++)
        if (strstr(ops, frame[i]))
            return false;
    return true;
}

/* x86-64 (AT&T) and arm64 (GNU) instruction text: "lock cmpxchg %rsi,(%rcx)" */
static const char *mark_gnu(const char *insn, bool watched)
{
    static const char *const arm_atomic[] = {
        "ldaxr", "ldxr",  "stlxr", "stxr",  "ldar", "stlr", "cas",
        "ldadd", "ldset", "ldclr", "ldeor", "swp",  NULL};
    static const char *const rmw[] = {"add", "sub", "xor", "or",  "and",
                                      "inc", "dec", "not", "neg", NULL};
    static const char *const x86_frame[] = {"(%rsp", "(%rbp", NULL};
    static const char *const arm_frame[] = {"[sp", "[x29", NULL};
    static const char *const no_access[] = {"lea", "nop",  "call", "j",
                                            "b",   "prfm", NULL};
    const char *ops = insn + strcspn(insn, " \t");
    bool x86mem = data_memory(ops, "(", x86_frame);
    bool armmem = data_memory(ops, "[", arm_frame);

    if (starts_with(insn, "lock ") || (starts_with(insn, "xchg") && x86mem))
        return "atomic: lock-prefixed read-modify-write";
    if (has_prefix_word(insn, arm_atomic))
        return "atomic: arm64 exclusive/acquire-release/LSE access";
    if (starts_with(insn, "bl") && strstr(ops, "__aarch64_"))
        return "atomic: libgcc outline atomic (casal with LSE, else an "
               "ldaxr/stlxr loop)";
    static const char *const bitops[] = {"test", "xor",  "and", "or", "eor",
                                         "tbz",  "tbnz", "bt",  NULL};
    if (watched && !x86mem && !armmem && has_prefix_word(insn, bitops))
        return "the bit, in a register";
    if (!watched || (!x86mem && !armmem) || has_prefix_word(insn, no_access))
        return NULL;
    if (armmem)
        return insn[0] == 's' ? "plain store, no barrier"
                              : "plain load, no barrier";
    /* AT&T: the destination is the last operand. */
    const char *last = strrchr(ops, ',');
    bool memdst = last ? strchr(last, '(') != NULL : true;
    if (memdst && has_prefix_word(insn, rmw))
        return "plain read-modify-write of memory, no lock prefix";
    if (memdst && starts_with(insn, "mov"))
        return "plain store, no lock prefix";
    return "plain load, no lock prefix";
}

/* go tool objdump (Go syntax): "XORL $0x4, CX", "MOVB CL, 0x8(BX)" */
static const char *mark_go(const char *insn, bool watched)
{
    static const char *const atomic[] = {"LOCK",  "XCHG", "LDAXR", "STLXR",
                                         "LDAR",  "STLR", "CAS",   "LDADDAL",
                                         "SWPAL", NULL};
    static const char *const frame[] = {"(SP)", "(RSP)", "(PC)", "(FP)", NULL};
    static const char *const no_access[] = {"LEA", "CALL", "JMP", "B",
                                            "TB",  "CB",   "NOP", NULL};
    const char *ops = insn + strcspn(insn, " \t");

    static const char *const bitops[] = {"TEST", "XOR",  "AND", "OR", "EOR",
                                         "TBZ",  "TBNZ", "BT",  NULL};
    if (has_prefix_word(insn, atomic))
        return "atomic";
    if (watched && !data_memory(ops, "(", frame) &&
        has_prefix_word(insn, bitops))
        return "the bit, in a register";
    if (!watched || !data_memory(ops, "(", frame) ||
        has_prefix_word(insn, no_access))
        return NULL;
    const char *last = strrchr(ops, ',');
    bool memdst = last ? strchr(last, '(') != NULL : false;
    if (memdst && (starts_with(insn, "MOV") || starts_with(insn, "STR")))
        return "plain store, no lock prefix, no barrier";
    return "plain load, no lock prefix, no barrier";
}

const char *asm_mark(const char *insn, bool watched, bool go)
{
    while (isspace((unsigned char)*insn))
        insn++;
    return go ? mark_go(insn, watched) : mark_gnu(insn, watched);
}

/* ---- sources ---------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Line `ln` (1-based) of text, or "". Static buffer. */
static const char *nth_line(const char *text, int ln)
{
    static char buf[512];
    const char *s = text;
    for (int i = 1; s && *s && i < ln; i++) {
        s = strchr(s, '\n');
        s = s ? s + 1 : NULL;
    }
    if (!s)
        return "";
    size_t n = strcspn(s, "\n");
    snprintf(buf, sizeof(buf), "%.*s", (int)n, s);
    return buf;
}

/* The text of line `ln` of the source at `path` (each file read once),
 * or "". */
static const char *source_line(struct ctx *x, const char *path, int ln)
{
    size_t i;
    for (i = 0; i < x->nr_files; i++)
        if (!strcmp(x->files[i].path, path))
            break;
    if (i == x->nr_files) {
        if (x->nr_files == MAX_FILES)
            return "";
        x->files[i].path = xstrdup(path);
        x->files[i].text = read_file(path, 0, NULL);
        x->nr_files++;
    }
    return x->files[i].text ? nth_line(x->files[i].text, ln) : "";
}

/* Whether a source line touches Go's writer flag: hashWriting (the hmap:
 * h.flags, h->flags), or the Swiss map's writing (m.writing in Go,
 * m->writing in the model). */
static bool writer_flag(const char *text)
{
    return strstr(text, "hashWriting") || strstr(text, "m->writing") ||
           strstr(text, "m.writing");
}

/* Whether source line `ln` of `path` is watched: a marked line of the
 * variant, or a line that touches Go's writer flag. */
static bool watched(struct ctx *x, const char *path, int ln)
{
    if (!strcmp(base_name(path), base_name(x->vsrc)))
        for (size_t i = 0; i < x->v->markers.nr; i++)
            if (x->v->markers.items[i].line == ln)
                return true;
    return writer_flag(source_line(x, path, ln));
}

/* The function whose body holds line `ln` of a C source in this project's
 * style (a definition's `{` alone at column 0, its head on the lines just
 * before), malloc'd, or NULL. */
static char *enclosing_function(const char *src, int ln)
{
    int open = 0;
    for (int i = ln; i > 0 && !open; i--)
        if (!strcmp(nth_line(src, i), "{"))
            open = i;
    if (!open)
        return NULL;
    struct strbuf head = STRBUF_INIT;
    for (int i = open - 1; i > 0 && i > open - 5; i--) {
        char *t = xstrdup(nth_line(src, i));
        const char *s = t + strspn(t, " \t");
        if (!*s || *s == '}' || *s == '/' || *s == '*' || *s == '#' ||
            ends_with(s, "*/") || ends_with(s, ";")) {
            free(t);
            break;
        }
        char *prev = strbuf_detach(&head);
        strbuf_addf(&head, "%s %s", t, prev);
        free(prev);
        free(t);
    }
    char *h = strbuf_detach(&head), *name = c_defined_name(h);
    free(h);
    return name;
}

/* ---- running tools ---------------------------------------------------- */

/* Run argv with stdout to <base>.out and stderr to <base>.err; returns the
 * stdout (malloc'd), or NULL with *why set (malloc'd) when it could not
 * run or exited non-zero (with the last line of its stderr). */
static char *capture(char *const *argv, const char *base, char **why)
{
    char *outp = xasprintf("%s.out", base), *errp = xasprintf("%s.err", base);
    struct proc_spec spec = {.argv = argv,
                             .stdout_path = outp,
                             .stderr_path = errp,
                             .timeout_s = 600};
    struct proc p;
    char *text = NULL;

    *why = NULL;
    if (exec_run(&spec, &p, why) < 0)
        goto out;
    if (!exec_exited(&p, 0)) {
        char *err = read_file(errp, 1 << 20, NULL);
        const char *e = err ? err : "";
        size_t n = strlen(e);
        while (n && e[n - 1] == '\n')
            n--;
        const char *last = e + n;
        while (last > e && last[-1] != '\n')
            last--;
        *why = xasprintf("%s %s (%.*s)", argv[0], exec_describe(&p),
                         (int)(e + n - last), last);
        free(err);
        goto out;
    }
    text = read_file(outp, 0, NULL);
    if (!text)
        *why = xasprintf("cannot read %s", outp);
out:
    free(outp);
    free(errp);
    return text;
}

/* make the targets (relative to the root), quietly. */
static int make_targets(const struct ctx *x, char **targets, size_t n,
                        char **why)
{
    char **argv = xcalloc(n + 8, sizeof(*argv));
    char *buildvar = xasprintf("BUILD=%s", x->o->build);
    char *govar = go_toolchain_make_arg(GO_HMAP);
    char *gocur = go_toolchain_make_arg(GO_CURRENT);
    char *log = xasprintf("%s/asm-make", x->build);
    size_t k = 0;

    mkdir_p(x->build);
    argv[k++] = "make";
    argv[k++] = "-C";
    argv[k++] = (char *)x->o->root;
    argv[k++] = buildvar;
    if (govar)
        argv[k++] = govar;
    if (gocur)
        argv[k++] = gocur;
    argv[k++] = "-s";
    for (size_t i = 0; i < n; i++)
        argv[k++] = targets[i];
    char *text = capture(argv, log, why);
    free(buildvar);
    free(govar);
    free(gocur);
    free(log);
    free(argv);
    if (!text)
        return -1;
    free(text);
    return 0;
}

/* ---- objdump listings ------------------------------------------------- */

/* One function of an objdump listing: its lines, verbatim. */
struct func {
    char *name;
    const char *src; /* the source it was compiled from (repo-relative) */
    char **lines;
    size_t nr, alloc;
    bool shown;
};

struct listing {
    struct func *funcs;
    size_t nr, alloc;
};

static void listing_parse(struct listing *l, const char *text, const char *src)
{
    struct func *f = NULL;
    for (const char *s = text; *s;) {
        size_t n = strcspn(s, "\n");
        char *line = xstrndup(s, n);
        s += n + (s[n] == '\n');
        const char *lt = strchr(line, '<');
        if (isxdigit((unsigned char)line[0]) && lt && ends_with(line, ">:")) {
            ALLOC_GROW(l->funcs, l->nr + 1, l->alloc);
            f = &l->funcs[l->nr++];
            memset(f, 0, sizeof(*f));
            f->name = xstrndup(lt + 1, strlen(lt + 1) - 2);
            f->src = src;
            free(line);
            continue;
        }
        if (!f) {
            free(line);
            continue;
        }
        ALLOC_GROW(f->lines, f->nr + 1, f->alloc);
        f->lines[f->nr++] = line;
    }
}

static void listing_release(struct listing *l)
{
    for (size_t i = 0; i < l->nr; i++) {
        for (size_t j = 0; j < l->funcs[i].nr; j++)
            free(l->funcs[i].lines[j]);
        free(l->funcs[i].lines);
        free(l->funcs[i].name);
    }
    free(l->funcs);
    memset(l, 0, sizeof(*l));
}

/* "/abs/path/file.c:57" or "file.c:57 (discriminator 3)": the line number
 * (0 if it is not one), and the length of the path. */
static int location(const char *line, size_t *pathlen)
{
    if (!*line || isspace((unsigned char)*line))
        return 0;
    const char *end = strstr(line, " (discriminator");
    size_t n = end ? (size_t)(end - line) : strlen(line);
    size_t colon = n;
    while (colon && isdigit((unsigned char)line[colon - 1]))
        colon--;
    if (colon == n || colon < 2 || line[colon - 1] != ':')
        return 0;
    *pathlen = colon - 1;
    return atoi(line + colon);
}

/* An instruction line ("    124c:\txorq   $0x4,0x8(%rbx)"): where its text
 * starts (and *addr_end where its address ends), or NULL. */
static const char *instruction(const char *line, const char **addr_end)
{
    const char *p = line;
    if (!isspace((unsigned char)*p))
        return NULL;
    while (isspace((unsigned char)*p))
        p++;
    const char *a = p;
    while (isxdigit((unsigned char)*p))
        p++;
    if (p == a || *p != ':' || p[1] != '\t')
        return NULL;
    *addr_end = p;
    return p + 2;
}

/* ---- choosing and printing functions ---------------------------------- */

static bool racing(const struct ctx *x, const char *name)
{
    for (size_t i = 0; i < x->nr_racing; i++)
        if (!strcmp(x->racing[i], name))
            return true;
    return false;
}

/* The function a call instruction, or its relocation, names, or NULL. */
static char *callee(const char *line)
{
    const char *r = strstr(line, "R_X86_64_PLT32");
    if (!r)
        r = strstr(line, "R_AARCH64_CALL26");
    if (r) {
        r += strcspn(r, " \t");
        r += strspn(r, " \t");
        return xstrndup(r, strcspn(r, "+- \t"));
    }
    const char *e, *insn = instruction(line, &e);
    if (!insn || !(starts_with(insn, "call") || starts_with(insn, "bl\t") ||
                   starts_with(insn, "bl ")))
        return NULL;
    const char *lt = strchr(insn, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    if (!gt || memchr(lt, '+', (size_t)(gt - lt)))
        return NULL;
    return xstrndup(lt + 1, (size_t)(gt - lt - 1));
}

static struct func *find_func(struct listing *l, const char *name)
{
    for (size_t i = 0; i < l->nr; i++)
        if (!strcmp(l->funcs[i].name, name))
            return &l->funcs[i];
    return NULL;
}

/* Mark the functions to show: FUNCTION, or the variant's racing functions
 * (listing 0 is the variant's) and the model functions they call. 0, or
 * -1 when FUNCTION is nowhere. */
static int choose(const struct ctx *x, struct listing *ls, size_t nls)
{
    if (x->o->function) {
        for (size_t i = 0; i < nls; i++) {
            struct func *f = find_func(&ls[i], x->o->function);
            if (f) {
                f->shown = true;
                return 0;
            }
        }
        return -1;
    }
    for (size_t i = 0; i < ls[0].nr; i++) {
        struct func *f = &ls[0].funcs[i];
        if (!racing(x, f->name))
            continue;
        f->shown = true;
        for (size_t j = 0; j < f->nr; j++) {
            char *name = callee(f->lines[j]);
            for (size_t k = 1; name && k < nls; k++) {
                struct func *g = find_func(&ls[k], name);
                if (g)
                    g->shown = true;
            }
            free(name);
        }
    }
    return 0;
}

static void print_mark(const struct ctx *x, const char *mark)
{
    bool atomic = starts_with(mark, "atomic");
    if (x->o->color)
        fprintf(x->out, "   %s<== %s" ANSI_RESET,
                atomic ? ANSI_BOLD_CYAN : ANSI_BOLD_RED, mark);
    else
        fprintf(x->out, "   <== %s", mark);
}

static void print_source(struct ctx *x, const char *line, size_t pl, int ln)
{
    size_t rootlen = strlen(x->o->root);
    char *path = xstrndup(line, pl);
    const char *rel = path;
    if (pl > rootlen && !strncmp(path, x->o->root, rootlen) &&
        path[rootlen] == '/')
        rel += rootlen + 1;
    char *loc = xasprintf("%s:%d", rel, ln);
    const char *text = source_line(x, path, ln);
    fprintf(x->out, "  %s%-28s | %s%s\n", x->o->color ? ANSI_DIM : "", loc,
            text + strspn(text, " \t"), x->o->color ? ANSI_RESET : "");
    free(loc);
    free(path);
}

/* One function: each source line (objdump -l) before its instructions,
 * the accesses of watched lines and every atomic marked. */
static void print_func(struct ctx *x, const struct func *f)
{
    bool watch = false;
    char *last = NULL;

    fprintf(x->out, "\n%s%s%s  (%s)\n", x->o->color ? ANSI_BOLD : "", f->name,
            x->o->color ? ANSI_RESET : "", f->src);
    for (size_t i = 0; i < f->nr; i++) {
        const char *line = f->lines[i], *ae, *insn;
        size_t pl;
        int ln;
        if ((insn = instruction(line, &ae))) {
            const char *a = line + strspn(line, " \t");
            const char *reloc = strstr(insn, ": R_");
            size_t n = reloc ? (size_t)(reloc - insn) : strlen(insn);
            while (reloc && n && isxdigit((unsigned char)insn[n - 1]))
                n--; /* the relocation's offset */
            while (n && isspace((unsigned char)insn[n - 1]))
                n--;
            char *text = xstrndup(insn, n);
            for (char *t = text; (t = strchr(t, '\t'));)
                *t = ' '; /* arm64: "ldr\tx0, [x1]" */
            reloc = reloc ? reloc + 2 : NULL;
            const char *mark = asm_mark(insn, watch, false);
            fprintf(x->out, "    %6.*s  %s", (int)(ae - a), a, text);
            if (reloc)
                fprintf(x->out, "  [%.*s]", (int)strcspn(reloc, "\n"), reloc);
            if (mark)
                print_mark(x, mark);
            fputc('\n', x->out);
            free(text);
        } else if ((ln = location(line, &pl))) {
            if (last && !strcmp(last, line))
                continue;
            free(last);
            last = xstrdup(line);
            char *path = xstrndup(line, pl);
            watch = watched(x, path, ln);
            free(path);
            print_source(x, line, pl, ln);
        }
    }
    free(last);
}

/* ---- one architecture ------------------------------------------------- */

/* <build>/asm-<arch>/<src without .c>.o (asm-swiss-<arch> on the Swiss
 * model), relative to the root. */
static char *obj_target(const struct ctx *x, const char *arch, const char *src)
{
    return xasprintf("%s/%s%s/%.*s.o", x->o->build, models[x->model].prefix,
                     arch, (int)(strlen(src) - 2), src);
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
}

/* Disassemble the objects (targets, relative to the root) into ls. */
static int disassemble(const struct ctx *x, const struct arch *a,
                       char **targets, const char **srcs, size_t n,
                       struct listing *ls)
{
    for (size_t i = 0; i < n; i++) {
        char *obj = path_join(x->o->root, targets[i]);
        char *base = xasprintf("%s.dis", obj), *why;
        char *argv[] = {(char *)a->objdump,   "-d", "-l", "-r", "-w",
                        "--no-show-raw-insn", obj,  NULL};
        char *text = capture(argv, base, &why);
        free(obj);
        free(base);
        if (!text) {
            error("asm: %s: %s", a->name, why);
            free(why);
            return -1;
        }
        listing_parse(&ls[i], text, srcs[i]);
        free(text);
    }
    return 0;
}

static int show_arch(struct ctx *x, const struct arch *a)
{
    const char *srcs[1 + NR_MODEL];
    char *targets[1 + NR_MODEL], *why;
    struct listing ls[1 + NR_MODEL] = {0};
    int rc = 0;

    const char *const *msrc = model_srcs[x->model];
    srcs[0] = x->vsrc;
    for (size_t i = 0; i < NR_MODEL; i++)
        srcs[1 + i] = msrc[i];
    for (size_t i = 0; i < 1 + NR_MODEL; i++)
        targets[i] = obj_target(x, a->name, srcs[i]);
    if (make_targets(x, targets, 1 + NR_MODEL, &why) < 0) {
        error("asm: %s: build failed: %s", a->name, why);
        free(why);
        rc = EXIT_ENV;
    } else if (disassemble(x, a, targets, srcs, 1 + NR_MODEL, ls) < 0) {
        rc = EXIT_ENV;
    } else if (choose(x, ls, 1 + NR_MODEL) < 0) {
        error("asm: no function '%s' in %s or the model (%s, %s, %s)",
              x->o->function, x->vsrc, msrc[0], msrc[1], msrc[2]);
        rc = EXIT_USAGE;
    } else {
        fprintf(x->out, "%s== %s: %s and %s (%s)%s\n",
                x->o->color ? ANSI_BOLD : "", a->name, x->vsrc,
                models[x->model].what, a->what, x->o->color ? ANSI_RESET : "");
        size_t shown = 0;
        for (size_t i = 0; i < 1 + NR_MODEL; i++)
            for (size_t j = 0; j < ls[i].nr; j++)
                if (ls[i].funcs[j].shown) {
                    print_func(x, &ls[i].funcs[j]);
                    shown++;
                }
        if (!shown)
            fprintf(x->out,
                    "\n(%s has no RACE: marked line: name a FUNCTION to "
                    "see one)\n",
                    x->vsrc);
        fputc('\n', x->out);
    }
    for (size_t i = 0; i < 1 + NR_MODEL; i++)
        listing_release(&ls[i]);
    free_strs(targets, 1 + NR_MODEL);
    return rc;
}

/* ---- Go's runtime ------------------------------------------------------ */

/* Go 1.19's objdump prints "?" for the ARMv8.1 CASAL (word 0xc8e0fc00 |
 * Rs << 16 | Rn << 5 | Rt, 64-bit). */
static bool is_casal(const char *bytes)
{
    unsigned long w = strtoul(bytes, NULL, 16);
    return strlen(bytes) == 8 && (w & 0xffe0fc00UL) == 0xc8e0fc00UL;
}

/* One line of go tool objdump. "TEXT name(SB) /goroot/src/runtime/x.go"
 * starts a function (*dir becomes its source folder); an instruction line
 * is "  x.go:101\t0x40f613\t\t0fb64b08\t\tMOVZX 0x8(BX), CX\t". */
static void print_go_line(struct ctx *x, const char *line, char **dir,
                          char **last)
{
    if (starts_with(line, "TEXT ")) {
        const char *path = strrchr(line, ' ');
        const char *rel = path ? strstr(path, "/src/") : NULL;
        const char *slash = path ? strrchr(path, '/') : NULL;
        free(*dir);
        *dir = slash ? xstrndup(path + 1, (size_t)(slash - path - 1)) : NULL;
        free(*last);
        *last = NULL;
        fprintf(x->out, "\n%s%.*s%s  (%s%s)\n", x->o->color ? ANSI_BOLD : "",
                (int)((path ? (size_t)(path - line) : strlen(line)) - 5),
                line + 5, x->o->color ? ANSI_RESET : "", rel ? "$GOROOT" : "",
                rel ? rel : "generated by the compiler");
        return;
    }
    char loc[128], addr[64], bytes[64], insn[256];
    if (sscanf(line, " %127[^\t]\t%63[^\t]\t%63[^\t]\t%255[^\t]", loc, addr,
               bytes, insn) != 4)
        return;
    const char *colon = strrchr(loc, ':');
    int ln = colon ? atoi(colon + 1) : 0;
    const char *text = "";
    if (*dir && ln && loc[0] != '<') {
        char *file = xstrndup(loc, (size_t)(colon - loc));
        char *path = path_join(*dir, file);
        text = source_line(x, path, ln);
        free(path);
        free(file);
    }
    bool watch = writer_flag(text);
    if (!*last || strcmp(*last, loc)) {
        fprintf(x->out, "  %s%-28s | %s%s\n", x->o->color ? ANSI_DIM : "", loc,
                text + strspn(text, " \t"), x->o->color ? ANSI_RESET : "");
        free(*last);
        *last = xstrdup(loc);
    }
    const char *mark = asm_mark(insn, watch, true);
    if (!strcmp(insn, "?") && is_casal(bytes))
        mark = "atomic: CASAL, the ARMv8.1 compare-and-swap (Go 1.19's "
               "objdump cannot decode it)";
    fprintf(x->out, "    %8s  %s", addr, insn);
    if (mark)
        print_mark(x, mark);
    fputc('\n', x->out);
}

static int show_go(struct ctx *x, const char *goarch)
{
    const struct go_toolchain *go = go_toolchain(models[x->model].go);
    char *target = xasprintf("%s/%s/%s/prog", x->o->build,
                             models[x->model].go_dir, goarch);
    char *prog = path_join(x->o->root, target), *why = NULL;
    const char *re = !strcmp(x->c->family, "lockfree")
                         ? "^sync/atomic\\.CompareAndSwapUintptr$"
                         : "^runtime\\.mapassign_fast64$";
    int rc = 0;

    if (make_targets(x, &target, 1, &why) < 0) {
        error("asm: go %s: build failed: %s", goarch, why);
        rc = EXIT_ENV;
        goto out;
    }
    char *base = xasprintf("%s.objdump", prog);
    char *argv[] = {go->path, "tool", "objdump", "-s", (char *)re, prog, NULL};
    char *text = capture(argv, base, &why);
    free(base);
    if (!text) {
        error("asm: go tool objdump: %s", why);
        rc = EXIT_ENV;
        goto out;
    }
    fprintf(x->out,
            "%s== Go (%s), GOARCH=%s: Go's own code (runner/asm-go/main.go, "
            "go tool objdump)%s\n",
            x->o->color ? ANSI_BOLD : "", go->version, goarch,
            x->o->color ? ANSI_RESET : "");
    char *dir = NULL, *last = NULL;
    for (const char *s = text; *s;) {
        size_t n = strcspn(s, "\n");
        char *line = xstrndup(s, n);
        print_go_line(x, line, &dir, &last);
        free(line);
        s += n + (s[n] == '\n');
    }
    fputc('\n', x->out);
    free(dir);
    free(last);
    free(text);
out:
    free(why);
    free(prog);
    free(target);
    return rc;
}

/* ---- the verb ---------------------------------------------------------- */

/* The functions of the variant that hold its marked lines, into x. */
static void find_racing(struct ctx *x)
{
    char *src = read_file(x->v->source, 0, NULL);
    for (size_t i = 0; src && i < x->v->markers.nr; i++) {
        char *name = enclosing_function(src, x->v->markers.items[i].line);
        if (!name || racing(x, name)) {
            free(name);
            continue;
        }
        x->racing = xrealloc(x->racing, (x->nr_racing + 1) * sizeof(char *));
        x->racing[x->nr_racing++] = name;
    }
    free(src);
}

/* Which architectures: want[i] set; 0, or -1 after an error. */
static int parse_arches(const char *list, bool want[NR_ARCHES])
{
    memset(want, 0, NR_ARCHES * sizeof(bool));
    if (!list || !strcmp(list, "all")) {
        for (size_t i = 0; i < NR_ARCHES; i++)
            want[i] = true;
        return 0;
    }
    struct strvec names = {0};
    strvec_split(&names, list, ',');
    for (size_t k = 0; k < names.nr; k++) {
        size_t i;
        for (i = 0; i < NR_ARCHES; i++)
            if (!strcmp(names.v[k], arches[i].name))
                break;
        if (i == NR_ARCHES) {
            struct strbuf all = STRBUF_INIT;
            for (size_t j = 0; j < NR_ARCHES; j++)
                strbuf_addf(&all, "%s, ", arches[j].name);
            all.buf[all.len - 2] = '\0';
            error("asm: unknown architecture '%s' (want %s or all)", names.v[k],
                  all.buf);
            strbuf_release(&all);
            strvec_release(&names);
            return -1;
        }
        want[i] = true;
    }
    strvec_release(&names);
    return 0;
}

static bool have_tool(const char *name)
{
    char *p = find_in_path(name);
    free(p);
    return p != NULL;
}

static int show_all(struct ctx *x, const bool want[NR_ARCHES])
{
    bool explicit = x->o->arches && strcmp(x->o->arches, "all");
    const struct go_toolchain *t = go_toolchain(models[x->model].go);
    bool go = x->o->go && t->path;
    int rc = 0;

    if (x->o->go && !go)
        warning("asm: %s Go's runtime.mapassign_fast64 is not shown: %s",
                go_kind_name(models[x->model].go), t->why);
    for (size_t i = 0; i < NR_ARCHES; i++) {
        const struct arch *a = &arches[i];
        if (!want[i])
            continue;
        if (!have_tool(a->cc) || !have_tool(a->objdump)) {
            const char *what = have_tool(a->cc) ? a->objdump : a->cc;
            if (explicit) {
                error("asm: %s: %s not found in PATH (Debian package "
                      "gcc-aarch64-linux-gnu)",
                      a->name, what);
                rc = EXIT_ENV;
            } else {
                warning("asm: %s skipped: %s not found in PATH", a->name, what);
            }
            continue;
        }
        int r = show_arch(x, a);
        if (r == EXIT_USAGE)
            return r;
        if (r > rc)
            rc = r;
        if (go && a->goarch && !x->o->function && (r = show_go(x, a->goarch)))
            rc = r > rc ? r : rc;
    }
    return rc;
}

/* Which models to show (--model), given what the case builds on: 0, or
 * EXIT_USAGE after an error. */
static int choose_models(const struct mcase *c, const char *model,
                         bool show[NR_MODELS])
{
    static const enum detector native[NR_MODELS] = {
        [MODEL_HMAP] = DET_NATIVE, [MODEL_SWISS] = DET_NATIVE_SWISS};
    memset(show, 0, NR_MODELS * sizeof(bool));
    if (!model) {
        show[case_has_model(c, DET_NATIVE, NULL) ? MODEL_HMAP : MODEL_SWISS] =
            true;
        return 0;
    }
    bool both = !strcmp(model, "both");
    for (int m = 0; m < NR_MODELS; m++)
        show[m] = both || !strcmp(model, models[m].name);
    if (!show[MODEL_HMAP] && !show[MODEL_SWISS]) {
        error("asm: unknown model '%s' (want hmap, swiss or both)", model);
        return EXIT_USAGE;
    }
    for (int m = 0; m < NR_MODELS; m++) {
        const char *why;
        if (show[m] && !case_has_model(c, native[m], &why)) {
            if (both) {
                show[m] = false;
                continue;
            }
            error("asm: %s builds on the %s model only (%s): %s", c->name,
                  m == MODEL_HMAP ? "Swiss-table" : "hmap",
                  m == MODEL_HMAP ? "no-hmap" : "no-swiss", why);
            return EXIT_USAGE;
        }
    }
    return 0;
}

int asm_show(FILE *out, const struct asm_opts *o)
{
    struct ctx x = {.out = out, .o = o};
    struct mcase c;
    bool want[NR_ARCHES];
    char *name = xstrdup(o->target), *slash = strchr(name, '/'), *err = NULL;
    char *dir = NULL;
    int rc = EXIT_USAGE;

    if (slash)
        *slash++ = '\0';
    if (parse_arches(o->arches, want) < 0)
        goto out;
    dir = path_join(o->cases, name);
    if (access(dir, F_OK) < 0) {
        error("asm: unknown case '%s' (see maprace list)", name);
        goto out;
    }
    if (case_load(dir, name, &c, &err) < 0) {
        error("asm: %s", err);
        free(err);
        case_release(&c);
        goto out;
    }
    for (size_t i = 0; i < c.nr_variants && !x.v; i++)
        if (!slash || !strcmp(c.variants[i].name, slash))
            x.v = &c.variants[i];
    if (!x.v) {
        error("asm: case %s has no variant '%s'", name, slash);
        case_release(&c);
        goto out;
    }
    x.c = &c;
    size_t rl = strlen(o->root);
    x.vsrc =
        xstrdup(!strncmp(x.v->source, o->root, rl) && x.v->source[rl] == '/'
                    ? x.v->source + rl + 1
                    : x.v->source);
    x.build = path_join(o->root, o->build);
    find_racing(&x);
    bool show[NR_MODELS];
    rc = choose_models(&c, o->model, show);
    for (int m = 0; m < NR_MODELS && !rc; m++) {
        if (!show[m])
            continue;
        x.model = (enum model)m;
        int r = show_all(&x, want);
        if (r == EXIT_USAGE)
            rc = r;
        else if (r > rc)
            rc = r;
    }
    free(x.vsrc);
    free(x.build);
    for (size_t i = 0; i < x.nr_racing; i++)
        free(x.racing[i]);
    free(x.racing);
    for (size_t i = 0; i < x.nr_files; i++) {
        free(x.files[i].path);
        free(x.files[i].text);
    }
    case_release(&c);
out:
    free(dir);
    free(name);
    return rc;
}

static const struct verb_option asm_options[] = {
    {OPT_ARCH, NULL},  {OPT_MODEL, NULL}, {OPT_NO_GO, NULL},
    {OPT_CASES, NULL}, {OPT_BUILD, NULL}, {OPT_NO_COLOR, "no colour"},
    {OPT_COUNT, NULL},
};

static const char asm_synopsis[] =
    "usage: maprace asm [--arch LIST] [--model hmap|swiss|both] [--no-go]\n"
    "                   [--cases DIR] [--build DIR] [--no-color]\n"
    "                   CASE[/VARIANT] [FUNCTION]\n";
static const char asm_what[] =
    "Disassemble a case's racing functions (those holding a RACE: line, and\n"
    "the model functions they call), or only FUNCTION, with their source\n"
    "lines, and mark the accesses that race: each load, store or\n"
    "read-modify-write of a marked line or of a line with Go's writer flag\n"
    "(hashWriting on the hmap model, writing on the Swiss-table model):\n"
    "\"plain, no lock prefix\"; and every atomic instruction (lock prefix,\n"
    "arm64 exclusive/LSE). When Go is installed, Go's own\n"
    "runtime.mapassign_fast64 (lockfree family: its compare-and-swap)\n"
    "follows each architecture: the hmap Go's beside the hmap model, the\n"
    "current Go's (internal/runtime/maps) beside the Swiss-table model.\n"
    "The variant defaults to the first (racy).\n";
static const char asm_more[] =
    "exit codes: 0 shown; 2 unknown case, variant, function, architecture or\n"
    "model, or a model the case does not build on; 3 a compiler asked for by\n"
    "--arch is missing, or a build failed.\n";

static const struct verb_spec asm_spec = {
    .name = "asm",
    .synopsis = asm_synopsis,
    .what = asm_what,
    .options = asm_options,
    .more = asm_more,
};

static int asm_verb(const struct cli *a)
{
    if (a->nr_pos < 1 || a->nr_pos > 2) {
        error("asm needs a case and at most a function (maprace asm "
              "CASE[/VARIANT] [FUNCTION])");
        return EXIT_USAGE;
    }
    char *root = find_root();
    if (!root)
        return EXIT_USAGE;
    char *cases = a->cases ? path_absolute(a->cases) : path_join(root, "cases");
    struct asm_opts o = {
        .root = root,
        .build = a->build ? a->build : "build",
        .cases = cases,
        .target = a->pos[0],
        .function = a->nr_pos > 1 ? a->pos[1] : NULL,
        .arches = a->arch,
        .model = a->model,
        .go = !a->no_go,
        .color = cli_color(a),
    };
    int rc = asm_show(stdout, &o);
    free(cases);
    free(root);
    return rc;
}

int cmd_asm(int argc, char **argv)
{
    struct cli a;
    enum parse_result pr = parse_options(argc, argv, &asm_spec, &a);
    int rc = pr != PARSE_OK ? parse_exit(pr) : asm_verb(&a);
    cli_release(&a);
    return rc;
}
