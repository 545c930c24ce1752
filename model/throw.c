/*
 * model/throw.c - Go's fatal errors (see throw.h for the contract).
 *
 * The traceback walks the calling thread's stack with libunwind. A frame
 * in the program's own executable is named from its DWARF with libdw
 * (function, file:line, and the functions inlined at that address, which
 * Go prints too); a frame in a shared library gets its exported symbol
 * (dladdr) and module+offset. DWARF is read for the executable only:
 * reading libc's debug info in-process costs about a second under
 * valgrind (measured: about 1.2 s per throw, against 60 ms natively).
 *
 * Go's runtime.fatal ends the process with exit(2) without running
 * deferred functions or exit hooks. We do the same with _exit(2): atexit
 * handlers and destructors of the program could touch the very map the
 * other threads are still racing on, or block on a stdio lock held by a
 * thread stopped mid-printf, and neither would teach anything. stdout is
 * flushed by hand first. ThreadSanitizer intercepts _exit and, when it has
 * reported a race, replaces the status with its exitcode (66 by default).
 */
#include "throw.h"

#include <dlfcn.h>
#include <link.h>
#include <limits.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>

#include <valgrind/drd.h>
#include <valgrind/helgrind.h>

/* Deepest traceback printed. */
enum { MAX_FRAMES = 64 };

/* Set by the first thread to call fatal_at(). Relaxed: the losers never
 * go on, so no ordering is needed, and none must be made visible to the
 * detectors. */
static atomic_int throwing;

/* Whether file:line come from DWARF (MAPRACE_TRACEBACK != raw); read
 * when a fatal error happens. */
static bool use_dwarf = true;

/* Held while a traceback is walked and printed: libdw's state and exe
 * below are not thread-safe, and window.c's recorder (traceback_write)
 * may walk one thread while another dies. A spin on a relaxed exchange:
 * no edge a detector models; contended only in a recorded native run. */
static atomic_int walking;

static void walk_lock(void)
{
    while (atomic_exchange_explicit(&walking, 1, memory_order_relaxed))
        sched_yield();
}

__attribute__((constructor)) static void throw_init(void)
{
    VALGRIND_HG_DISABLE_CHECKING(&throwing, sizeof(throwing));
    DRD_IGNORE_VAR(throwing);
    VALGRIND_HG_DISABLE_CHECKING(&walking, sizeof(walking));
    DRD_IGNORE_VAR(walking);
}

/* Output: a small buffer flushed with write(2), no malloc, no stdio. */
struct out {
    char buf[1024];
    size_t len;
    int fd; /* where to: 0 means stderr */
};

static void out_flush(struct out *o)
{
    size_t done = 0;

    while (done < o->len) {
        ssize_t n =
            write(o->fd ? o->fd : STDERR_FILENO, o->buf + done, o->len - done);
        if (n <= 0)
            break;
        done += n;
    }
    o->len = 0;
}

static void out_str(struct out *o, const char *s)
{
    while (*s) {
        if (o->len == sizeof(o->buf))
            out_flush(o);
        o->buf[o->len++] = *s++;
    }
}

static void out_num(struct out *o, uint64_t v, unsigned base)
{
    char tmp[24];
    int i = sizeof(tmp);

    tmp[--i] = '\0';
    do {
        tmp[--i] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    out_str(o, tmp + i);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* The main executable, as the dynamic linker sees it. */
static struct {
    uintptr_t bias; /* load bias (0 for a non-PIE executable) */
    void *dl_base;  /* dladdr's dli_fbase for addresses in it */
    char path[PATH_MAX];
    Dwfl *dwfl;
    Dwfl_Module *mod;
    bool tried;
} exe;

static int first_object(struct dl_phdr_info *info, size_t size, void *data)
{
    exe.bias = info->dlpi_addr;
    return 1; /* the first object is the executable */
}

static void exe_init(void)
{
    Dl_info dl;
    ssize_t n;

    dl_iterate_phdr(first_object, NULL);
    if (dladdr((void *)(uintptr_t)fatal_at, &dl))
        exe.dl_base = dl.dli_fbase;
    n = readlink("/proc/self/exe", exe.path, sizeof(exe.path) - 1);
    exe.path[n > 0 ? n : 0] = '\0';
}

/* Separate debug files are never looked for (no debuginfod either): the
 * executable carries its own DWARF or goes without. */
static int no_debuginfo(Dwfl_Module *mod, void **userdata, const char *name,
                        Dwarf_Addr base, const char *file, const char *link,
                        GElf_Word crc, char **debuginfo_file)
{
    return -1;
}

static const Dwfl_Callbacks dwfl_callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = no_debuginfo,
};

static Dwfl_Module *exe_module(void)
{
    if (exe.tried)
        return exe.mod;
    exe.tried = true;
    if (!use_dwarf || !exe.path[0])
        return NULL;
    exe.dwfl = dwfl_begin(&dwfl_callbacks);
    if (!exe.dwfl)
        return NULL;
    dwfl_report_begin(exe.dwfl);
    exe.mod = dwfl_report_elf(exe.dwfl, base_name(exe.path), exe.path, -1,
                              exe.bias, false);
    dwfl_report_end(exe.dwfl, NULL, NULL);
    return exe.mod;
}

/* The name of a function DIE, following abstract origins. */
static const char *die_name(Dwarf_Die *die)
{
    Dwarf_Attribute attr;
    const char *name;

    if (dwarf_attr_integrate(die, DW_AT_name, &attr) &&
        (name = dwarf_formstring(&attr)))
        return name;
    return "?";
}

/* A source path as DWARF gives it, made relative to the compilation
 * directory when it lies under it (model/map.c rather than
 * /home/.../model/map.c). */
static const char *short_path(const char *file, Dwarf_Die *cu)
{
    Dwarf_Attribute attr;
    const char *dir = NULL;
    size_t len;

    if (cu && dwarf_attr(cu, DW_AT_comp_dir, &attr))
        dir = dwarf_formstring(&attr);
    if (!file || !dir)
        return file ? file : "?";
    len = strlen(dir);
    if (len && !strncmp(file, dir, len) && file[len] == '/')
        return file + len + 1;
    return file;
}

static void out_frame_head(struct out *o, const char *func)
{
    out_str(o, func);
    out_str(o, "(...)\n\t");
}

/* The compilation unit holding pc. dwfl_module_addrdie reads
 * .debug_aranges, which clang 14 emits only with -gdwarf-aranges: without
 * it, walk the units and ask each whether it covers pc. */
static Dwarf_Die *find_cu(Dwfl_Module *mod, uintptr_t pc, Dwarf_Addr *bias)
{
    Dwarf_Die *cu = dwfl_module_addrdie(mod, pc, bias);

    if (cu)
        return cu;
    while ((cu = dwfl_module_nextcu(mod, cu, bias)))
        if (dwarf_haspc(cu, pc - *bias) > 0)
            return cu;
    return NULL;
}

/* Print one frame of the executable from DWARF: the inlined functions at
 * pc first (innermost first, as Go does), then the real function with
 * +0x<offset of the return address>. Returns false when DWARF has nothing
 * for pc. */
static bool print_dwarf_frame(struct out *o, Dwfl_Module *mod, uintptr_t pc,
                              uintptr_t ip)
{
    Dwarf_Addr bias = 0;
    Dwarf_Die *cu = find_cu(mod, pc, &bias);
    Dwarf_Line *line = cu ? dwarf_getsrc_die(cu, pc - bias) : NULL;
    Dwarf_Die *scopes = NULL;
    Dwarf_Files *files = NULL;
    const char *file = NULL;
    int lineno = 0, nscopes, i;
    GElf_Sym sym;
    GElf_Off off = 0;
    const char *symname;
    bool printed_real = false;

    if (!cu || !line)
        return false;
    file = dwarf_linesrc(line, NULL, NULL);
    dwarf_lineno(line, &lineno);
    symname = dwfl_module_addrinfo(mod, pc, &off, &sym, NULL, NULL, NULL);
    nscopes = dwarf_getscopes(cu, pc - bias, &scopes);
    if (nscopes > 0)
        dwarf_getsrcfiles(cu, &files, NULL);

    for (i = 0; i < nscopes; i++) {
        Dwarf_Die *s = &scopes[i];
        int tag = dwarf_tag(s);
        Dwarf_Attribute attr;
        Dwarf_Word cfile = 0, cline = 0;

        if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
            continue;
        out_frame_head(o, die_name(s));
        out_str(o, short_path(file, cu));
        out_str(o, ":");
        out_num(o, lineno, 10);
        if (tag == DW_TAG_subprogram) {
            out_str(o, " +0x");
            out_num(o, off + (ip - pc), 16);
            out_str(o, "\n");
            printed_real = true;
            break;
        }
        out_str(o, "\n");
        /* The caller's position is where this one was inlined. */
        file = NULL;
        lineno = 0;
        if (dwarf_attr(s, DW_AT_call_file, &attr))
            dwarf_formudata(&attr, &cfile);
        if (dwarf_attr(s, DW_AT_call_line, &attr))
            dwarf_formudata(&attr, &cline);
        if (files)
            file = dwarf_filesrc(files, cfile, NULL, NULL);
        lineno = (int)cline;
    }
    free(scopes);
    if (!printed_real) {
        out_frame_head(o, symname ? symname : "?");
        out_str(o, short_path(file, cu));
        out_str(o, ":");
        out_num(o, lineno, 10);
        out_str(o, " +0x");
        out_num(o, off + (ip - pc), 16);
        out_str(o, "\n");
    }
    return true;
}

/* Frames that belong to a detector's runtime, not to the program. */
static bool detector_frame(const char *func, const char *module)
{
    if (func && (!strncmp(func, "__tsan_", 7) || !strncmp(func, "_vgr", 4) ||
                 !strncmp(func, "__interceptor_", 14)))
        return true;
    if (module) {
        const char *b = base_name(module);
        if (!strncmp(b, "libtsan", 7) || !strncmp(b, "vgpreload_", 10))
            return true;
    }
    return false;
}

static void print_frame(struct out *o, unw_cursor_t *cursor, uintptr_t ip)
{
    /* ip is a return address: look up the call instruction before it, so
     * that a call ending a function (fatal is noreturn) is not put in the
     * next one. */
    uintptr_t pc = ip - 1;
    Dl_info dl;
    char name[256];
    unw_word_t uoff = 0;
    bool in_exe, have_dl;
    Dwfl_Module *mod;

    have_dl = dladdr((void *)pc, &dl) != 0;
    in_exe = have_dl && dl.dli_fbase == exe.dl_base;
    if (unw_get_proc_name(cursor, name, sizeof(name), &uoff) != 0)
        name[0] = '\0';

    if (in_exe) {
        if (detector_frame(name[0] ? name : NULL, NULL))
            return;
        if ((mod = exe_module()) && print_dwarf_frame(o, mod, pc, ip))
            return;
        /* raw: symbolize later with addr2line -e BIN 0xOFF */
        out_frame_head(o, name[0] ? name : "?");
        out_str(o, base_name(exe.path[0] ? exe.path : "?"));
        out_str(o, "+0x");
        out_num(o, ip - exe.bias, 16);
        out_str(o, "\n");
        return;
    }

    /* A shared library: libunwind names the nearest exported symbol below
     * ip even when ip lies past its end (libc's static functions); dladdr
     * names a symbol only when ip is inside it. */
    if (have_dl && detector_frame(dl.dli_sname, dl.dli_fname))
        return;
    if (!have_dl && detector_frame(name[0] ? name : NULL, NULL))
        return;
    out_frame_head(o, have_dl && dl.dli_sname ? dl.dli_sname : "?");
    if (have_dl && dl.dli_fname) {
        out_str(o, base_name(dl.dli_fname));
        out_str(o, "+0x");
        out_num(o, ip - (uintptr_t)dl.dli_fbase, 16);
    } else {
        out_str(o, "0x");
        out_num(o, ip, 16);
    }
    out_str(o, "\n");
}

static void traceback(struct out *o, unw_context_t *ctx)
{
    unw_cursor_t cursor;
    int n = 0;

    const char *mode = getenv("MAPRACE_TRACEBACK");

    use_dwarf = !(mode && !strcmp(mode, "raw"));
    exe_init();
    if (unw_init_local(&cursor, ctx) != 0) {
        out_str(o, "(no traceback: unw_init_local failed)\n");
        return;
    }
    /* The first frame is fatal_at (or gopanic_at) itself: leave it out. */
    while (unw_step(&cursor) > 0 && n++ < MAX_FRAMES) {
        unw_word_t ip;

        if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0)
            break;
        print_frame(o, &cursor, ip);
    }
}

/* "<prefix><s>", a blank line, the traceback, _exit(2). Always inlined,
 * so that the traceback's first frame, left out, is fatal_at or
 * gopanic_at, and the next is the model function that died. */
static inline __attribute__((always_inline)) _Noreturn void
die(const char *prefix, const char *s)
{
    static struct out o; /* only the winner of `throwing` uses it */
    unw_context_t ctx;

    if (atomic_exchange_explicit(&throwing, 1, memory_order_relaxed)) {
        /* Another thread is printing; it ends the process. */
        for (;;)
            pause();
    }

    fflush(stdout);
    out_str(&o, prefix);
    out_str(&o, s);
    out_str(&o, "\n\nthread ");
    out_num(&o, (uint64_t)syscall(SYS_gettid), 10);
    out_str(&o, " [running]:\n");
    out_flush(&o);

    walk_lock(); /* never released: the process ends */
    unw_getcontext(&ctx);
    traceback(&o, &ctx);
    out_flush(&o);
    _exit(2);
}

_Noreturn void fatal_at(const char *s, const char *file, int line)
{
    (void)file;
    (void)line;
    die("fatal error: ", s);
}

_Noreturn void gopanic_at(const char *s, const char *file, int line)
{
    (void)file;
    (void)line;
    die("panic: ", s);
}

void traceback_write(int fd)
{
    struct out o = {.len = 0, .fd = fd};
    unw_context_t ctx;

    walk_lock();
    unw_getcontext(&ctx);
    traceback(&o, &ctx);
    out_flush(&o);
    atomic_store_explicit(&walking, 0, memory_order_relaxed);
}
