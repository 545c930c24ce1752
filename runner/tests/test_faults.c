/*
 * test_faults.c - the runner under faults and hostile programs, run as a
 * user would run it: a full disk (a run that could not write its report is
 * an error and `latest` stays on the last whole report), processes that
 * leave the process group or outlive a SIGKILL of the runner, output and
 * sources that are not UTF-8 or hold terminal control bytes, a case folder
 * whose name is not UTF-8, and tracebacks that name files out of the case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "results-test.h"
#include "runner-test.h"
#include "lib/util.h"

#include <fcntl.h>
#include <glob.h>
#include <jansson.h>
#include <sys/mount.h>

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s)
        fail_msg("no string '%s'", key);
    return s;
}

/* The offset of the first byte of buf[0..n) that breaks UTF-8, or -1. */
static long utf8_error_at(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            min = 0x10000;
        } else {
            return (long)i;
        }
        if (i + len > n)
            return (long)i;
        unsigned cp = c & (0x7F >> len);
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return (long)i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return (long)i;
        i += len;
    }
    return -1;
}

/* The report file <out>/latest/<name>, which must be valid UTF-8. */
static char *utf8_file(const char *out, const char *name)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/latest/%s", out, name);
    size_t n;
    char *text = read_file(path, 0, &n);
    if (!text)
        fail_msg("%s: not written", path);
    long at = utf8_error_at((const unsigned char *)text, n);
    if (at >= 0)
        fail_msg("%s: not UTF-8 at byte %ld", path, at);
    return text;
}

/* A control byte (C0 but tab and newline, DEL, or a C1 as UTF-8) in s. */
static void no_control_bytes(const char *what, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool bad = (*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7F ||
                   (p[0] == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0);
        if (bad)
            fail_msg(
                "%s: control byte 0x%02x at offset %ld: \"%.40s\"", what, *p,
                (long)(p - (const unsigned char *)s),
                (const char *)(p > (const unsigned char *)s + 20 ? p - 20 : p));
    }
}

/* Write file dir/name (made with its folders). */
static void put_file(const char *dir, const char *name, const char *text)
{
    assert_int_equal(mkdir_p(dir), 0);
    char *p = path_join(dir, name);
    if (write_file_atomic(p, text, strlen(text)) < 0)
        fail_msg("cannot write %s: %s", p, strerror(errno));
    free(p);
}

/* The pids a fixture program printed ("parent N", "child N") in the
 * stdout file matching `pattern`; 0 while not printed. */
static bool printed_pids(const char *pattern, long *parent, long *child)
{
    glob_t g;
    bool found = false;
    if (glob(pattern, 0, NULL, &g) == 0) {
        char *text = test_slurp(g.gl_pathv[0]);
        const char *p = text ? strstr(text, "parent ") : NULL;
        const char *c = text ? strstr(text, "child ") : NULL;
        if (p && c && strchr(c, '\n')) {
            *parent = atol(p + 7);
            *child = atol(c + 6);
            found = *parent > 1 && *child > 1;
        }
        free(text);
    }
    globfree(&g);
    return found;
}

/*
 * Full disk: a small tmpfs holds the reports folder. The first run fills
 * `latest`; with the disk full, the second cannot write its report: it
 * must exit 3 (`check` and `run`), say so, and leave `latest` alone.
 * Mounting needs root (the CI machine's `make test` runs as root); without
 * it the test is skipped, and says so.
 */
static void test_full_disk(void **state)
{
    char *tmp = test_tmpdir();
    char mnt[PATH_MAX], out[PATH_MAX + 16], log[PATH_MAX], args[PATH_MAX * 3];
    snprintf(mnt, sizeof(mnt), "%s/mnt", tmp);
    snprintf(out, sizeof(out), "%s/reports", mnt);
    snprintf(log, sizeof(log), "%s/maprace", tmp);
    assert_int_equal(mkdir(mnt, 0777), 0);
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=4m") < 0) {
        fprintf(stderr, "test_full_disk: cannot mount a tmpfs (%s): skipped\n",
                strerror(errno));
        test_rmdir(tmp);
        free(tmp);
        skip();
    }
    snprintf(args, sizeof(args),
             "check --cases '%s' -d native,helgrind --build '%s' --out '%s' "
             "--no-color",
             fixture("good"), MAPRACE_BUILD, out);
    assert_int_equal(run_maprace("", args, log), 0);
    char latest[PATH_MAX + 32], before[PATH_MAX], after[PATH_MAX];
    snprintf(latest, sizeof(latest), "%s/latest", out);
    ssize_t n = readlink(latest, before, sizeof(before) - 1);
    assert_true(n > 0);
    before[n] = '\0';

    /* fill the disk */
    char fill[PATH_MAX + 16];
    snprintf(fill, sizeof(fill), "%s/fill", mnt);
    int fd = open(fill, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    assert_true(fd >= 0);
    static char chunk[65536];
    while (write(fd, chunk, sizeof(chunk)) > 0)
        ;
    while (write(fd, chunk, 1) > 0)
        ;
    close(fd);

    static const char *const verbs[] = {"check", "run"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(args, sizeof(args),
                 "%s --cases '%s' -d native,helgrind --build '%s' --out '%s' "
                 "--no-color",
                 verbs[i], fixture("good"), MAPRACE_BUILD, out);
        int rc = run_maprace("", args, log);
        if (rc != 3)
            fail_msg("%s on a full disk: exit %d, want 3", verbs[i], rc);
        n = readlink(latest, after, sizeof(after) - 1);
        assert_true(n > 0);
        after[n] = '\0';
        if (strcmp(before, after))
            fail_msg("%s on a full disk: latest moved from %s to %s", verbs[i],
                     before, after);
        char path[PATH_MAX + 16];
        snprintf(path, sizeof(path), "%s.stderr", log);
        char *err = test_slurp(path);
        assert_non_null(err);
        if (!strstr(err, "No space left on device"))
            fail_msg("stderr does not say why: %s", err);
        free(err);
    }
    /* the last good report is still whole */
    json_t *res = load_results(out);
    assert_string_equal(str(cell(res, "helgrind"), "verdict"), "pass");
    json_decref(res);
    assert_int_equal(umount2(mnt, MNT_DETACH), 0);
    test_rmdir(tmp);
    free(tmp);
}

/* A grandchild that calls setsid() and sleeps: gone when the run ends,
 * under the native run and under valgrind. */
static void test_setsid_grandchild(void **state)
{
    char *tmp = test_tmpdir();
    char out[PATH_MAX], args[PATH_MAX * 2];
    snprintf(out, sizeof(out), "%s/maprace", tmp);
    snprintf(args, sizeof(args),
             "check --cases '%s' -d native,helgrind --build '%s' --out '%s'",
             fixture("escape"), MAPRACE_BUILD, tmp);
    int rc = run_maprace("", args, out);
    static const char *const dets[] = {"native", "helgrind"};
    bool failed = false;
    for (size_t i = 0; i < 2; i++) {
        char pattern[PATH_MAX + 64];
        snprintf(pattern, sizeof(pattern),
                 "%s/latest/raw/setsid/racy.%s.r1.stdout", tmp, dets[i]);
        long parent = 0, grandchild = 0;
        if (!printed_pids(pattern, &parent, &grandchild)) {
            print_error("%s: the program printed no pids\n", dets[i]);
            failed = true;
        } else if (!pid_gone(grandchild)) {
            kill((pid_t)grandchild, SIGKILL);
            print_error("%s: the setsid grandchild %ld outlived the run\n",
                        dets[i], grandchild);
            failed = true;
        }
    }
    assert_false(failed);
    assert_int_equal(rc, 0);
    test_rmdir(tmp);
    free(tmp);
}

/* SIGKILL of the runner while a case and its child sleep, natively and
 * under valgrind: nothing it started survives it. */
static void test_sigkill_of_the_runner(void **state)
{
    char *tmp = test_tmpdir();
    char bin[PATH_MAX + 16], log[PATH_MAX];
    snprintf(bin, sizeof(bin), "%s/maprace", test_build());
    snprintf(log, sizeof(log), "%s/maprace.log", tmp);
    unblock_signals();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        dup2(fd, 1);
        dup2(fd, 2);
        if (chdir(test_root()) < 0)
            _exit(126);
        setenv("MAPRACE_NO_PROGRESS", "1", 1);
        execl(bin, bin, "check", "--cases", fixture("sleeper"), "-d",
              "native,helgrind", "-j", "2", "--build", MAPRACE_BUILD, "--out",
              tmp, NULL);
        _exit(127);
    }
    static const char *const dets[] = {"native", "helgrind"};
    long pids[2][2] = {{0}};
    for (int i = 0; i < 1200 && !(pids[0][1] && pids[1][1]); i++) {
        for (size_t d = 0; d < 2; d++) {
            char pattern[PATH_MAX + 64];
            snprintf(pattern, sizeof(pattern),
                     "%s/*/raw/sleeper/racy.%s.r1.stdout", tmp, dets[d]);
            if (!pids[d][1])
                printed_pids(pattern, &pids[d][0], &pids[d][1]);
        }
        usleep(100000);
    }
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    bool failed = false;
    for (size_t d = 0; d < 2; d++) {
        if (!pids[d][1]) {
            print_error("%s: the program printed no pids\n", dets[d]);
            failed = true;
        }
        for (size_t k = 0; k < 2; k++)
            if (pids[d][k] && !pid_gone(pids[d][k])) {
                kill((pid_t)pids[d][k], SIGKILL);
                print_error("%s: process %ld outlived the SIGKILLed runner\n",
                            dets[d], pids[d][k]);
                failed = true;
            }
    }
    assert_false(failed);
    test_rmdir(tmp);
    free(tmp);
}

/* A traceback naming cases/x/../../../etc/passwd, /etc/passwd and
 * /etc/hostname: no report reads them (the paths are shown as text). */
static void test_frames_out_of_the_case(void **state)
{
    char *tmp = test_tmpdir();
    char out[PATH_MAX], args[PATH_MAX * 2];
    snprintf(out, sizeof(out), "%s/maprace", tmp);
    snprintf(args, sizeof(args),
             "check --cases '%s' -d native --build '%s' --out '%s'",
             fixture("traversal"), MAPRACE_BUILD, tmp);
    assert_int_equal(run_maprace("", args, out), 0);
    char *passwd = test_slurp("/etc/passwd");
    assert_non_null(passwd);
    passwd[strcspn(passwd, "\n")] = '\0'; /* its first line */
    assert_true(strlen(passwd) > 8);
    static const char *const files[] = {
        "index.html", "junit.xml",   "results.json", "results.sarif",
        "summary.md", "summary.txt", "show:frames",  "show-all:frames"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *text;
        if (starts_with(files[i], "show")) {
            char show[PATH_MAX + 64], path[PATH_MAX + 16];
            snprintf(show, sizeof(show), "show --out '%s' %s frames", tmp,
                     starts_with(files[i], "show-all") ? "--all-frames" : "");
            assert_int_equal(run_maprace("", show, out), 0);
            snprintf(path, sizeof(path), "%s.stdout", out);
            text = test_slurp(path);
        } else {
            text = utf8_file(tmp, files[i]);
        }
        assert_non_null(text);
        if (strstr(text, passwd))
            fail_msg("%s holds the first line of /etc/passwd", files[i]);
        /* the frames are still there, as text (the summaries show none) */
        if (!starts_with(files[i], "summary") && !strstr(text, "racy.c"))
            fail_msg("%s lost the case's own frame", files[i]);
        free(text);
    }
    free(passwd);
    test_rmdir(tmp);
    free(tmp);
}

/*
 * One catalog of hostile bytes, run once for the tests below (group
 * setup): the racy variant's marker holds bytes that are not UTF-8 and an
 * escape sequence; the program prints both on stdout and in a fatal
 * error's message on stderr; the case's title holds an OSC sequence.
 */
static const char bytes_ini[] =
    "[case]\n"
    "title   = Bytes \x1b]0;owned\x07 that are not text\n"
    "go      = fmt.Println(\"\\xff\")\n"
    "article = 1\n"
    "family  = sync\n"
    "why     = a race, and output that is not UTF-8 \xff\n"
    "\n"
    "[racy]\n"
    "expect = race\n"
    "native = clean\n";

static const char bytes_c[] =
    "#include <pthread.h>\n"
    "#include <stdio.h>\n"
    "\n"
    "long counter;\n"
    "\n"
    "static void *inc(void *arg)\n"
    "{\n"
    "    counter++; /* RACE: write counter \xff\xfe \x1b[2J (thread) */\n"
    "    return arg;\n"
    "}\n"
    "\n"
    "int main(void)\n"
    "{\n"
    "    pthread_t t;\n"
    "    pthread_create(&t, NULL, inc, NULL);\n"
    "    counter++; /* RACE: write counter (main) */\n"
    "    pthread_join(t, NULL);\n"
    "    printf(\"out \\xff\\xfe \\x1b[31m\\n\");\n"
    "    fprintf(stderr, \"fatal error: bad \\xff\\xfe \\x1b[2J end\\n\\n\"\n"
    "                    \"thread 1 [running]:\\nmain(...)\\n\"\n"
    "                    \"\\tcases/bytes/racy.c:16 +0x1\\n\");\n"
    "    return 0;\n"
    "}\n";

struct bytes_run {
    char *tmp;
    int rc;
};

static int bytes_setup(void **state)
{
    struct bytes_run *b = calloc(1, sizeof(*b));
    b->tmp = test_tmpdir();
    char cat[PATH_MAX], out[PATH_MAX], args[PATH_MAX * 3];
    snprintf(cat, sizeof(cat), "%s/cat/bytes", b->tmp);
    put_file(cat, "case.ini", bytes_ini);
    put_file(cat, "racy.c", bytes_c);
    snprintf(cat, sizeof(cat), "%s/cat", b->tmp);
    snprintf(out, sizeof(out), "%s/maprace", b->tmp);
    snprintf(args, sizeof(args),
             "check --cases '%s' -d native,tsan --build '%s' --out '%s' "
             "--no-color",
             cat, MAPRACE_BUILD, b->tmp);
    b->rc = run_maprace("", args, out);
    *state = b;
    return 0;
}

static int bytes_teardown(void **state)
{
    struct bytes_run *b = *state;
    test_rmdir(b->tmp);
    free(b->tmp);
    free(b);
    return 0;
}

#define REPL "\xEF\xBF\xBD" /* U+FFFD, what an invalid byte becomes */

/* Every report file is valid UTF-8, and nothing was dropped: the bad
 * bytes are replaced by U+FFFD in observed, note, the finding's message
 * and the marker text. */
static void test_invalid_utf8(void **state)
{
    struct bytes_run *b = *state;
    if (b->rc != 1) /* native: a fatal error where clean was expected */
        fail_msg("check exit %d, want 1", b->rc);
    json_t *res = load_results(b->tmp);
    json_t *n = cell(res, "native");
    assert_string_equal(str(n, "verdict"), "false-positive");
    if (!strstr(str(n, "observed"), "bad " REPL REPL))
        fail_msg("observed: %s", str(n, "observed"));
    assert_non_null(strstr(str(n, "note"), "bad " REPL REPL));
    json_t *f = json_array_get(json_object_get(n, "findings"), 0);
    assert_non_null(strstr(str(f, "message"), "bad " REPL REPL));
    json_t *t = cell(res, "tsan");
    assert_string_equal(str(t, "verdict"), "pass");
    json_t *var = json_array_get(
        json_object_get(json_array_get(json_object_get(res, "cases"), 0),
                        "variants"),
        0);
    json_t *mk = json_array_get(json_object_get(var, "markers"), 0);
    assert_non_null(strstr(str(mk, "text"), "counter " REPL REPL));
    json_decref(res);

    static const char *const files[] = {"junit.xml", "results.sarif",
                                        "index.html", "summary.md",
                                        "summary.txt"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *text = utf8_file(b->tmp, files[i]);
        if (!strstr(text, "bad " REPL REPL))
            fail_msg("%s lost the fatal error's message", files[i]);
        free(text);
    }
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof(cmd), "xmllint --noout '%s/latest/junit.xml'", b->tmp);
    assert_int_equal(system(cmd), 0);
}

/* No terminal control byte from a program's output, a source or case.ini
 * reaches the terminal, summary.txt, summary.md or `show`. */
static void test_control_bytes(void **state)
{
    struct bytes_run *b = *state;
    char path[PATH_MAX + 16], args[PATH_MAX + 64], out[PATH_MAX];
    snprintf(out, sizeof(out), "%s/maprace", b->tmp);
    snprintf(path, sizeof(path), "%s.stdout", out);
    char *text = test_slurp(path);
    assert_non_null(text);
    assert_non_null(strstr(text, "bytes")); /* the matrix is there */
    no_control_bytes("the terminal matrix", text);
    free(text);
    static const char *const files[] = {"summary.txt", "summary.md"};
    for (size_t i = 0; i < 2; i++) {
        text = utf8_file(b->tmp, files[i]);
        no_control_bytes(files[i], text);
        free(text);
    }
    snprintf(args, sizeof(args), "show --out '%s' bytes", b->tmp);
    assert_int_equal(run_maprace("", args, out), 0);
    text = test_slurp(path);
    assert_non_null(strstr(text, "counter"));
    no_control_bytes("show", text);
    free(text);
    snprintf(args, sizeof(args), "list --cases '%s/cat'", b->tmp);
    assert_int_equal(run_maprace("", args, out), 0);
    text = test_slurp(path);
    no_control_bytes("list", text);
    free(text);
}

/* A case folder whose name holds byte 0xFF: refused with one line, no
 * crash. */
static void test_case_folder_not_utf8(void **state)
{
    char *tmp = test_tmpdir();
    char cat[PATH_MAX + 32], out[PATH_MAX], args[PATH_MAX * 3];
    snprintf(cat, sizeof(cat), "%s/cat/x\xFFy", tmp);
    char *src = path_join(fixture("good"), "counter/racy.c");
    char *ini = path_join(fixture("good"), "counter/case.ini");
    char *s = test_slurp(src), *i = test_slurp(ini);
    put_file(cat, "racy.c", s);
    put_file(cat, "case.ini", i);
    free(s);
    free(i);
    free(src);
    free(ini);
    snprintf(cat, sizeof(cat), "%s/cat", tmp);
    snprintf(out, sizeof(out), "%s/maprace", tmp);
    static const char *const verbs[] = {"list", "check -d native"};
    for (size_t v = 0; v < 2; v++) {
        snprintf(args, sizeof(args), "%s --cases '%s'%s%s%s", verbs[v], cat,
                 v ? " --out '" : "", v ? tmp : "", v ? "'" : "");
        int rc = run_maprace("", args, out);
        if (rc != 2)
            fail_msg("%s: exit %d, want 2", verbs[v], rc);
        char path[PATH_MAX + 16];
        snprintf(path, sizeof(path), "%s.stderr", out);
        char *err = test_slurp(path);
        assert_non_null(err);
        assert_true(starts_with(err, "maprace: "));
        assert_non_null(strstr(err, "name"));
        assert_true(utf8_error_at((unsigned char *)err, strlen(err)) < 0);
        free(err);
    }
    test_rmdir(tmp);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_disk),
        cmocka_unit_test(test_setsid_grandchild),
        cmocka_unit_test(test_sigkill_of_the_runner),
        cmocka_unit_test(test_frames_out_of_the_case),
        cmocka_unit_test(test_case_folder_not_utf8),
    };
    const struct CMUnitTest bytes[] = {
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_control_bytes),
    };
    /* MAPRACE_TEST_FILTER=test_full_disk: one test (while developing) */
    if (getenv("MAPRACE_TEST_FILTER"))
        cmocka_set_test_filter(getenv("MAPRACE_TEST_FILTER"));
    int failed = cmocka_run_group_tests_name("faults", tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("hostile bytes", bytes, bytes_setup,
                                          bytes_teardown);
    return failed;
}
