/*
 * test_annotate.c - the Go counterparts table covers every model function,
 * and real detector reports of map-concurrent-writes are annotated: model
 * frames name their Go counterpart, marked lines carry the marker's text,
 * libc / runtime / valgrind frames are folded.
 */
#include "runner-test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
/* cmocka after the headers it needs */
#include <cmocka.h>

#include "engine/annotate.h"
#include "lib/markers.h"
#include "parse/parse.h"
#include "parse/finding.h"
#include "engine/results.h"
#include "lib/util.h"

#include <ctype.h>
#include <dirent.h>

/* Remove every __attribute__((...)) from s, in place. */
/* The annotation of a JSON frame, as results.json's races carry it
 * (annotate_frame_of(); group.c writes the same into struct res_frame). */
static void annotate_frame_json(json_t *frame)
{
    struct frame_annotation an;
    annotate_frame_of(json_string_value(json_object_get(frame, "func")),
                      json_string_value(json_object_get(frame, "file")),
                      json_string_value(json_object_get(frame, "module")), &an);
    json_object_set_new(frame, "class", json_string(frame_class_name(an.cls)));
    json_object_set_new(frame, "hidden", json_boolean(an.cls == FRAME_HIDDEN));
    if (an.path)
        json_object_set_new(frame, "path", json_string(an.path));
    if (an.model) {
        json_object_set_new(frame, "model", json_string(an.model));
        json_object_set_new(frame, "role", json_string(an.role));
    }
    if (an.go) {
        json_object_set_new(frame, "go", json_string(an.go));
        json_object_set_new(frame, "role", json_string(an.role));
    }
    free(an.path);
}

static void strip_attributes(char *s)
{
    char *p;
    while ((p = strstr(s, "__attribute__"))) {
        char *q = p + strlen("__attribute__");
        int depth = 0;
        do {
            if (*q == '(')
                depth++;
            else if (*q == ')')
                depth--;
            q++;
        } while (*q && depth > 0);
        memmove(p, q, strlen(q) + 1);
    }
}

/*
 * The functions of one model source that must be in the table: those
 * defined at file scope that are not static, or are noinline (GOFUNC,
 * noinline, noipa). A definition starts at column 0 with an identifier
 * (its declaration may span lines) and its parameter list is followed by
 * "{". Calls add_name for each.
 */
static void scan_model_source(const char *path, char ***names, size_t *n)
{
    char *text = read_file(path, 0, NULL);
    assert_non_null(text);
    char *s = text;
    char *prev = NULL; /* a type-only line before the name's line */
    while (*s) {
        size_t len = strcspn(s, "\n");
        char *line = xstrndup(s, len);
        char *next = s + len + (s[len] == '\n');
        bool col0 = isalpha((unsigned char)line[0]) || line[0] == '_';
        if (!col0 || !strncmp(line, "typedef", 7) ||
            !strncmp(line, "struct ", 7) || !strncmp(line, "enum ", 5) ||
            !strncmp(line, "_Static_assert", 14) || !strncmp(line, "#", 1)) {
            free(prev);
            prev = NULL;
            free(line);
            s = next;
            continue;
        }
        /* the declaration up to the end of its parameter list */
        struct strbuf decl = {0};
        if (prev)
            strbuf_addf(&decl, "%s ", prev);
        strbuf_addstr(&decl, line);
        const char *more = next;
        char *d = xstrdup(strbuf_str(&decl));
        strip_attributes(d);
        while (!strchr(d, '(') && *more) { /* "T\nname(" form */
            break;
        }
        /* join lines until the parentheses balance */
        int depth = 0;
        bool opened = false;
        for (const char *c = d; *c; c++) {
            if (*c == '(') {
                depth++;
                opened = true;
            } else if (*c == ')')
                depth--;
        }
        while (opened && depth > 0 && *more) {
            size_t l2 = strcspn(more, "\n");
            strbuf_add(&decl, " ", 1);
            strbuf_add(&decl, more, l2);
            for (size_t i = 0; i < l2; i++)
                depth += more[i] == '(' ? 1 : more[i] == ')' ? -1 : 0;
            more += l2 + (more[l2] == '\n');
        }
        free(d);
        d = xstrdup(strbuf_str(&decl));
        bool noinline =
            strstr(d, "GOFUNC") || strstr(d, "noinline") || strstr(d, "noipa");
        strip_attributes(d);
        char *paren = strchr(d, '(');
        if (!paren) {
            /* a type line: the name comes on the next line */
            free(prev);
            prev = xstrdup(line);
            free(d);
            strbuf_release(&decl);
            free(line);
            s = next;
            continue;
        }
        /* what follows the parameter list: "{" (maybe on the next line)
         * for a definition */
        const char *after = more;
        const char *close = strrchr(d, ')');
        bool def = close && strchr(close, '{');
        if (!def && close && !strchr(close, ';')) {
            while (*after == ' ' || *after == '\n')
                after++;
            def = *after == '{';
        }
        char *e = paren;
        while (e > d && isspace((unsigned char)e[-1]))
            e--;
        char *b = e;
        while (b > d && (isalnum((unsigned char)b[-1]) || b[-1] == '_'))
            b--;
        const char *lead = d;
        while (*lead == ' ' || *lead == '*')
            lead++;
        bool is_static = !strncmp(lead, "static", 6) ||
                         !strncmp(lead, "GOFUNC static", 13) ||
                         strstr(d, " static ") != NULL;
        if (def && e > b && (!is_static || noinline)) {
            *names = xrealloc(*names, (*n + 1) * sizeof(char *));
            (*names)[(*n)++] = xstrndup(b, (size_t)(e - b));
        }
        free(d);
        strbuf_release(&decl);
        free(prev);
        prev = NULL;
        free(line);
        s = next;
    }
    free(prev);
    free(text);
}

/* Scan every .c file of test_root()/sub; returns how many there were. */
static size_t scan_model_dir(const char *sub, char ***names, size_t *n)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s/%s", test_root(), sub);
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    size_t files = 0;
    struct dirent *de;
    while ((de = readdir(dp))) {
        size_t l = strlen(de->d_name);
        if (l < 3 || strcmp(de->d_name + l - 2, ".c"))
            continue;
        char *p = path_join(dir, de->d_name);
        scan_model_source(p, names, n);
        free(p);
        files++;
    }
    closedir(dp);
    return files;
}

/* Fail unless the scan found every name of expected. */
static void assert_scanned(char **names, size_t n, const char *const *expected,
                           size_t nr_expected, const char *what)
{
    for (size_t k = 0; k < nr_expected; k++) {
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++)
            seen = !strcmp(names[i], expected[k]);
        if (!seen)
            fail_msg("the scan of %s missed %s", what, expected[k]);
    }
}

static void test_every_model_function_has_an_entry(void **state)
{
    char **names = NULL;
    size_t n = 0;
    assert_true(scan_model_dir("model", &names, &n) >= 5);
    /* the scanner sees what it must (else the test could not fail) */
    static const char *const expected[] = {
        "mapassign",  "evacuate",         "growWork", "mapiternext",
        "Map_Range",  "propagateCancel",  "fatal_at", "window_enter",
        "WithCancel", "cancelCtx_cancel", "mapclone", "moveToBmap"};
    assert_scanned(names, n, expected, sizeof(expected) / sizeof(expected[0]),
                   "model/*.c");
    /* the hmap model's mapclone has its own entry beside the Swiss one */
    const struct go_counterpart *clone =
        annotate_lookup_in("mapclone", "model/map.c");
    assert_non_null(clone);
    assert_false(clone->swiss);
    /* and static non-noinline helpers are not required */
    for (size_t i = 0; i < n; i++)
        assert_string_not_equal(names[i], "xcalloc");
    size_t missing = 0;
    for (size_t i = 0; i < n; i++) {
        const struct go_counterpart *g = annotate_lookup(names[i]);
        if (!g) {
            fprintf(stderr,
                    "model function %s has no entry in "
                    "runner/engine/annotate-table.c\n",
                    names[i]);
            missing++;
        } else {
            assert_non_null(g->go);
            assert_true(strlen(g->role) > 5);
        }
        free(names[i]);
    }
    free(names);
    assert_int_equal(missing, 0);
}

/* The Swiss-table model (the .c files of model/swiss/): every function the scanner
 * requires has an entry of that design under its own C name, found as a
 * frame of model/swiss/map.c finds it. */
static void test_every_swiss_model_function_has_an_entry(void **state)
{
    char **names = NULL;
    size_t n = 0;
    assert_true(scan_model_dir("model/swiss", &names, &n) >= 1);
    /* the scanner sees static GOFUNC methods and the entry points (else
     * the test could not fail) */
    static const char *const expected[] = {"table_PutSlot",
                                           "Iter_Next",
                                           "Map_installTableSplit",
                                           "Map_getWithKey",
                                           "table_rehash",
                                           "ctrlGroup_matchH2",
                                           "h2",
                                           "mapassign",
                                           "mapiterinit",
                                           "mapclone",
                                           "runtime_rand",
                                           "Map_putSlotSmallFast64",
                                           "probeSeq_next",
                                           "growing",
                                           "bitset_first"};
    assert_scanned(names, n, expected, sizeof(expected) / sizeof(expected[0]),
                   "model/swiss/*.c");
    assert_true(n >= 75); /* 79 GOFUNC definitions in go1.26.8's model */
    size_t missing = 0;
    for (size_t i = 0; i < n; i++) {
        const struct go_counterpart *g =
            annotate_lookup_in(names[i], "model/swiss/map.c");
        if (!g || !g->swiss || strcmp(g->func, names[i])) {
            fprintf(stderr,
                    "Swiss model function %s has no swiss entry in "
                    "runner/engine/annotate-table.c\n",
                    names[i]);
            missing++;
        } else {
            assert_non_null(g->go);
            assert_true(strlen(g->role) > 5);
            if (g->role[strlen(g->role) - 1] == '.')
                fail_msg("%s: the role ends in a full stop", g->func);
        }
        free(names[i]);
    }
    free(names);
    assert_int_equal(missing, 0);
    /* and a frame of the Swiss model gets its Go 1.26 counterpart */
    const struct go_counterpart *g =
        annotate_lookup_in("table_PutSlot", "/x/model/swiss/map.c");
    assert_string_equal(g->go, "internal/runtime/maps.(*table).PutSlot");
    g = annotate_lookup_in("mapassign", "/x/model/swiss/map.c");
    assert_true(g->swiss);
    assert_non_null(strstr(g->go, "runtime.mapassign_fast64"));
}

/* A function of both models keeps its hmap entry where no file tells the
 * model (annotate_lookup, the hmap model's frames, model/throw.c's
 * fatal_at). */
static void test_shared_names_keep_the_hmap_entry(void **state)
{
    for (size_t i = 0; i < nr_go_counterparts; i++) {
        const struct go_counterpart *e = &go_counterparts[i];
        const struct go_counterpart *g = annotate_lookup(e->func);
        assert_non_null(g);
        bool has_hmap = false;
        for (size_t k = 0; k < nr_go_counterparts && !has_hmap; k++)
            has_hmap = !go_counterparts[k].swiss &&
                       !strcmp(go_counterparts[k].func, e->func);
        if (has_hmap && g->swiss)
            fail_msg("annotate_lookup(%s) gives the Swiss entry", e->func);
        if (has_hmap && annotate_lookup_in(e->func, "/x/model/map.c")->swiss)
            fail_msg("a frame of model/map.c's %s gives the Swiss entry",
                     e->func);
    }
    assert_false(annotate_lookup("fatal_at")->swiss);
    assert_string_equal(annotate_lookup("fatal_at")->go, "runtime.fatal");
    assert_true(annotate_lookup_in("fatal_at", "/x/model/swiss/map.c")->swiss);
}

static void test_lookup(void **state)
{
    const struct go_counterpart *g = annotate_lookup("mapassign");
    assert_non_null(g);
    assert_non_null(strstr(g->go, "runtime.mapassign"));
    assert_non_null(strstr(g->role, "hashWriting"));
    g = annotate_lookup("evacuate.constprop.0");
    assert_non_null(g);
    assert_string_equal(g->func, "evacuate");
    assert_non_null(strstr(g->role, "oldbuckets"));
    assert_null(annotate_lookup("main"));
    assert_null(annotate_lookup("mapassignX"));
    assert_null(annotate_lookup(NULL));
    assert_true(annotate_lookup("window_enter")->hidden);
}

/* Frames of a real Go program: the runtime functions the model stands
 * for (their specialised variants too), the case's .go source, the rest
 * of Go's runtime folded, the standard library shown. */
static void test_go_frames(void **state)
{
    static const char *const pairs[][2] = {
        {"runtime.mapassign_fast64", "mapassign"},
        {"runtime.mapassign", "mapassign"},
        {"runtime.mapassign_faststr", "mapassign"},
        {"runtime.mapaccess2_fast64", "mapaccess2"},
        {"runtime.mapaccess1_fast32ptr", "mapaccess1"},
        {"runtime.mapiterinit", "mapiterinit"},
        {"runtime.mapiternext", "mapiternext"},
        {"runtime.mapdelete", "mapdelete"},
        {"runtime.evacuate_fast64", "evacuate"},
        {"runtime.fatal", "fatal_at"},
        {"sync.(*Map).Load", "Map_Load"},
        {"context.(*cancelCtx).cancel", "cancelCtx_cancel"},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        const struct go_counterpart *g = annotate_lookup_go(pairs[i][0], false);
        if (!g || strcmp(g->func, pairs[i][1]))
            fail_msg("%s: want %s, got %s", pairs[i][0], pairs[i][1],
                     g ? g->func : "nothing");
    }
    assert_null(annotate_lookup_go("main.audit", false));
    assert_null(annotate_lookup_go("runtime.mapassignX", false));
    assert_null(annotate_lookup_go("runtime.goexit", false));
    assert_null(annotate_lookup_go(NULL, false));

    /* Go >= 1.24: the same Go names, the Swiss map's work */
    static const char *const swiss[][2] = {
        {"runtime.mapassign_fast64", "mapassign"},
        {"runtime.mapaccess1_fast64", "mapaccess1"},
        {"runtime.mapIterStart", "mapiterinit"},
        {"runtime.mapIterNext", "mapiternext"},
        {"runtime.mapdelete_fast64", "mapdelete"},
        {"runtime.mapclear", "mapclear"},
        {"maps.clone", "mapclone"},
        {"internal/runtime/maps.(*Iter).Next", "Iter_Next"},
        {"internal/runtime/maps.(*Map).getWithKey", "Map_getWithKey"},
        {"internal/runtime/maps.(*table).getWithKey", "table_getWithKey"},
        {"internal/runtime/maps.(*table).PutSlot", "table_PutSlot"},
        {"internal/runtime/maps.(*Map).installTableSplit",
         "Map_installTableSplit"},
        {"internal/runtime/maps.(*table).split", "table_split"},
        {"internal/runtime/maps.(*Map).Clone", "Map_Clone"},
        {"internal/runtime/maps.fatal", "fatal_at"},
    };
    for (size_t i = 0; i < sizeof(swiss) / sizeof(swiss[0]); i++) {
        const struct go_counterpart *g = annotate_lookup_go(swiss[i][0], true);
        if (!g || strcmp(g->func, swiss[i][1]) || !g->swiss)
            fail_msg("%s (Swiss): want %s, got %s", swiss[i][0], swiss[i][1],
                     g ? g->func : "nothing");
    }
    assert_non_null(
        strstr(annotate_lookup_go("runtime.mapassign_fast64", true)->role,
               "m.writing"));
    assert_non_null(
        strstr(annotate_lookup_go("runtime.mapassign_fast64", false)->role,
               "hashWriting"));
    /* a Swiss-only name found from an hmap frame too */
    assert_non_null(annotate_lookup_go("runtime.mapIterStart", false));
    assert_true(annotate_is_swiss_frame(
        "runtime.mapassign_fast64",
        "/usr/local/go/src/internal/runtime/maps/runtime_fast64.go"));
    assert_true(
        annotate_is_swiss_frame("internal/runtime/maps.(*Iter).Next", NULL));
    assert_false(
        annotate_is_swiss_frame("runtime.mapassign_fast64",
                                "/usr/lib/go-1.19/src/runtime/map_fast64.go"));
    /* the model's own functions keep their hmap entries */
    assert_false(annotate_lookup("mapassign")->swiss);

    const char *rt = "/usr/lib/go-1.19/src/runtime/";
    char map_go[128], asm_s[128], atomic_go[128];
    snprintf(map_go, sizeof(map_go), "%smap_fast64.go", rt);
    snprintf(asm_s, sizeof(asm_s), "%sasm_amd64.s", rt);
    snprintf(atomic_go, sizeof(atomic_go), "%satomic_pointer.go", rt);
    assert_true(annotate_is_go_frame("main.audit", "/x/cases/c/racy.go"));
    assert_true(annotate_is_go_frame("runtime.goexit", asm_s));
    assert_false(annotate_is_go_frame("mapassign", "/x/model/map.c"));
    assert_int_equal(
        annotate_classify("runtime.mapassign_fast64", map_go, NULL),
        FRAME_MODEL);
    assert_int_equal(annotate_classify("main.audit",
                                       "/x/cases/map-iterate-write/racy.go",
                                       NULL),
                     FRAME_CASE);
    assert_int_equal(annotate_classify("runtime.goexit", asm_s, NULL),
                     FRAME_HIDDEN);
    assert_int_equal(
        annotate_classify("sync/atomic.CompareAndSwapPointer", atomic_go, NULL),
        FRAME_OTHER);

    /* results.json: a Go frame names the model function, not "go" */
    json_t *f =
        json_pack("{s:s, s:s, s:i}", "func", "runtime.mapiternext", "file",
                  "/usr/lib/go-1.19/src/runtime/map.go", "line", 873);
    annotate_frame_json(f);
    assert_string_equal(json_string_value(json_object_get(f, "class")),
                        "model");
    assert_string_equal(json_string_value(json_object_get(f, "model")),
                        "mapiternext");
    assert_non_null(json_object_get(f, "role"));
    assert_null(json_object_get(f, "go"));
    json_decref(f);
}

static void test_classify(void **state)
{
    assert_int_equal(
        annotate_classify("assign_six", "/x/cases/map-a/racy.c", NULL),
        FRAME_CASE);
    assert_int_equal(annotate_classify("mapassign", "/x/model/map.c", NULL),
                     FRAME_MODEL);
    assert_int_equal(annotate_classify("mapassign", NULL, "racy"), FRAME_MODEL);
    assert_int_equal(annotate_classify("wait_for", "/x/model/window.c", NULL),
                     FRAME_HIDDEN);
    assert_int_equal(annotate_classify("start_thread", "./nptl/./nptl/pc.c",
                                       "/usr/lib/libc.so.6"),
                     FRAME_HIDDEN);
    assert_int_equal(annotate_classify(NULL, NULL,
                                       "/usr/libexec/valgrind/"
                                       "vgpreload_drd-amd64-linux.so"),
                     FRAME_HIDDEN);
    assert_int_equal(annotate_classify("pthread_create", NULL, "racy"),
                     FRAME_HIDDEN);
    assert_int_equal(annotate_classify("__tsan_thread_start_func",
                                       "../../../../src/libsanitizer/tsan/"
                                       "tsan_interceptors_posix.cpp",
                                       NULL),
                     FRAME_HIDDEN);
    /* clang's interceptors, linked into the program: no source file */
    assert_int_equal(
        annotate_classify("pthread_mutex_lock", NULL, "lock-order.clang14"),
        FRAME_HIDDEN);
    assert_int_equal(annotate_classify("usleep", NULL, "prog"), FRAME_HIDDEN);
    /* a function of the program with one of those names is not */
    assert_int_equal(
        annotate_classify("pthread_mutex_lock", "/x/mylock.c", "prog"),
        FRAME_OTHER);
    assert_int_equal(annotate_classify("helper", "/x/lib/helper.c", NULL),
                     FRAME_OTHER);
    /* the user's code in folders named like the runtimes is the user's */
    assert_int_equal(annotate_classify("Thread1", "/home/u/tsan/simple_stack.c",
                                       "/home/u/tsan/simple_stack"),
                     FRAME_OTHER);
    assert_int_equal(annotate_classify("bump", "/x/valgrind/tests/race.c",
                                       "/x/valgrind/tests/race"),
                     FRAME_OTHER);
    assert_int_equal(annotate_classify("bump", "/x/glibc/sysdeps/race.c", NULL),
                     FRAME_OTHER);
    assert_int_equal(
        annotate_classify("bump", "/x/libsanitizer/tsan/race.c", NULL),
        FRAME_OTHER);
    assert_int_equal(annotate_classify("bump", "./nptl/race.c", "race"),
                     FRAME_OTHER);
    /* the runtimes by what they are: their objects and their sources */
    assert_int_equal(annotate_classify("clone3",
                                       "./misc/../sysdeps/unix/sysv/linux/"
                                       "x86_64/clone3.S",
                                       "/usr/lib/x86_64-linux-gnu/libc.so.6"),
                     FRAME_HIDDEN);
    assert_int_equal(annotate_classify("Dispatch",
                                       "/b/llvm-14/compiler-rt/lib/tsan/rtl/"
                                       "tsan_rtl.cpp",
                                       NULL),
                     FRAME_HIDDEN);
    assert_int_equal(annotate_classify("x", NULL, "libtsan.so.2"),
                     FRAME_HIDDEN);
    assert_int_equal(annotate_classify("pthread_mutex_lock",
                                       "/b/helgrind/hg_intercepts.c", NULL),
                     FRAME_HIDDEN);
    char *rel = annotate_relpath("/work/main/cases/map-a/racy.c");
    assert_string_equal(rel, "cases/map-a/racy.c");
    free(rel);
    rel = annotate_relpath("/home/u/model/x/model/map.c");
    assert_string_equal(rel, "model/map.c");
    free(rel);
    rel = annotate_relpath("other.c");
    assert_string_equal(rel, "other.c");
    free(rel);
}

/* The frame of `func` in an access's frames, or NULL. */
static json_t *frame_named(json_t *access, const char *func)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(access, "frames"), i, f)
    {
        const char *fn = json_string_value(json_object_get(f, "func"));
        if (fn && !strcmp(fn, func))
            return f;
    }
    return NULL;
}

/* Parse a fixture, turn it into results.json's findings, annotate. */
static json_t *annotated_fixture(const char *name, const char *det)
{
    char path[PATH_MAX + 64], src[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/runner/tests/logs/%s", test_root(), name);
    snprintf(src, sizeof(src), "%s/cases/map-concurrent-writes/racy.c",
             test_root());
    struct report r;
    report_init(&r);
    if (!strcmp(det, "native"))
        parse_native_file(path, "native", &r);
    else if (strstr(name, ".xml"))
        parse_valgrind_file(path, det, &r);
    else
        parse_tsan_file(path, det, &r);
    struct markers m = {0};
    assert_int_equal(markers_scan(src, &m), 0);
    json_t *findings = results_findings_json(&r, &m, 50);
    report_release(&r);
    markers_release(&m);
    assert_true(json_array_size(findings) >= 1);
    size_t i, k;
    json_t *f, *a, *fr;
    json_array_foreach(findings, i, f)
    {
        json_array_foreach(json_object_get(f, "accesses"), k, a)
        {
            size_t j;
            json_array_foreach(json_object_get(a, "frames"), j, fr)
                annotate_frame_json(fr);
        }
    }
    return findings;
}

static void check_mcw_access(json_t *a, bool want_libc)
{
    json_t *ma = frame_named(a, "mapassign");
    assert_non_null(ma);
    assert_string_equal(json_string_value(json_object_get(ma, "class")),
                        "model");
    assert_non_null(strstr(json_string_value(json_object_get(ma, "go")),
                           "runtime.mapassign"));
    assert_non_null(
        strstr(json_string_value(json_object_get(ma, "role")), "hashWriting"));
    assert_string_equal(json_string_value(json_object_get(ma, "path")),
                        "model/map.c");
    assert_false(json_is_true(json_object_get(ma, "hidden")));
    /* the case's frame on the marked line carries the marker */
    json_t *six = frame_named(a, "assign_six");
    json_t *five = frame_named(a, "assign_five");
    json_t *c = six ? six : five;
    assert_non_null(c);
    assert_string_equal(json_string_value(json_object_get(c, "class")), "case");
    const char *mk = json_string_value(json_object_get(c, "marker"));
    assert_non_null(mk);
    assert_non_null(strstr(mk, six ? "write m[6]" : "write m[5]"));
    assert_null(json_object_get(c, "go"));
    if (want_libc) {
        json_t *st = frame_named(a, "start_thread");
        assert_non_null(st);
        assert_true(json_is_true(json_object_get(st, "hidden")));
    }
}

static void test_annotate_tsan(void **state)
{
    json_t *fs = annotated_fixture("case-mcw-tsan-clang14.log", "tsan");
    json_t *f = json_array_get(fs, 0);
    assert_int_equal(json_array_size(json_object_get(f, "accesses")), 2);
    check_mcw_access(json_array_get(json_object_get(f, "accesses"), 0), false);
    check_mcw_access(json_array_get(json_object_get(f, "accesses"), 1), false);
    json_decref(fs);
}

static void test_annotate_helgrind(void **state)
{
    json_t *fs = annotated_fixture("case-mcw-helgrind.xml", "helgrind");
    json_t *f = json_array_get(fs, 0);
    assert_int_equal(json_array_size(json_object_get(f, "accesses")), 2);
    check_mcw_access(json_array_get(json_object_get(f, "accesses"), 0), true);
    /* Helgrind's preload frame (a bare address in vgpreload) is folded */
    json_t *a = json_array_get(json_object_get(f, "accesses"), 0);
    size_t i, hidden = 0;
    json_t *fr;
    json_array_foreach(json_object_get(a, "frames"), i, fr) hidden +=
        json_is_true(json_object_get(fr, "hidden"));
    assert_true(hidden >= 2);
    json_decref(fs);
}

static void test_annotate_drd(void **state)
{
    json_t *fs = annotated_fixture("case-mcw-drd.xml", "drd");
    json_t *f = json_array_get(fs, 0);
    assert_int_equal(json_array_size(json_object_get(f, "accesses")), 1);
    check_mcw_access(json_array_get(json_object_get(f, "accesses"), 0), true);
    json_decref(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_model_function_has_an_entry),
        cmocka_unit_test(test_every_swiss_model_function_has_an_entry),
        cmocka_unit_test(test_shared_names_keep_the_hmap_entry),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_go_frames),
        cmocka_unit_test(test_annotate_tsan),
        cmocka_unit_test(test_annotate_helgrind),
        cmocka_unit_test(test_annotate_drd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
