/*
 * test_asm.c - `maprace asm`: how instructions are marked (asm_mark), and
 * the verb end to end on the real cases: the model's h->flags ^=
 * hashWriting is a plain read-modify-write with no lock prefix, the
 * lock-free case's CAS a lock cmpxchg (x86-64) and a casal (arm64 with
 * LSE); on the Swiss-table model (--model swiss), m->writing ^= 1 is the
 * same plain read-modify-write, and Go 1.26's runtime.mapassign_fast64
 * toggles m.writing with a plain load and store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cmd/asm.h"
#include "engine/toolchain.h"
#include "runner-test.h"

static bool mark_has(const char *insn, bool watched, bool go, const char *s)
{
    const char *m = asm_mark(insn, watched, go);
    if (!m || !strstr(m, s)) {
        fprintf(stderr, "asm_mark(\"%s\") = %s, want \"%s\"\n", insn,
                m ? m : "NULL", s);
        return false;
    }
    return true;
}

static void test_x86_marks(void **state)
{
    assert_true(mark_has("xorq   $0x4,0x8(%rbx)", true, false,
                         "plain read-modify-write of memory, no lock prefix"));
    assert_true(mark_has("mov    0x8(%rbx),%r14", true, false,
                         "plain load, no lock prefix"));
    assert_true(mark_has("mov    %rax,0x8(%rbx)", true, false,
                         "plain store, no lock prefix"));
    assert_true(mark_has("lock cmpxchg %rsi,(%rcx)", false, false,
                         "atomic: lock-prefixed"));
    assert_true(mark_has("xchg   %rax,(%rdx)", false, false, "atomic"));
    /* not watched, the stack frame, no memory at all: no mark */
    assert_null(asm_mark("xorq   $0x4,0x8(%rbx)", false, false));
    assert_null(asm_mark("mov    0x8(%rsp),%rax", true, false));
    assert_true(mark_has("and    $0x4,%r14d", true, false, "in a register"));
    assert_null(asm_mark("and    $0x4,%r14d", false, false));
    assert_null(asm_mark("mov    %rbx,%rdi", true, false));
    assert_null(asm_mark("lea    0x48(%r12,%r13,8),%r12", true, false));
}

static void test_arm64_marks(void **state)
{
    assert_true(mark_has("casal x3, x1, [x0]", false, false, "atomic"));
    assert_true(mark_has("ldaxr x2, [x0]", false, false, "atomic"));
    assert_true(mark_has("bl 0 <__aarch64_cas8_acq_rel>", false, false,
                         "outline atomic"));
    assert_true(
        mark_has("ldr x0, [x21, #8]", true, false, "plain load, no barrier"));
    assert_true(
        mark_has("str x0, [x21, #8]", true, false, "plain store, no barrier"));
    assert_true(mark_has("eor x0, x0, #0x4", true, false, "in a register"));
    assert_null(asm_mark("ldr x0, [sp, #16]", true, false));
}

static void test_go_marks(void **state)
{
    assert_true(mark_has("MOVZX 0x8(BX), CX", true, true, "plain load"));
    assert_true(mark_has("MOVB CL, 0x8(BX)", true, true, "plain store"));
    assert_true(mark_has("LOCK CMPXCHGQ CX, 0(DX)", false, true, "atomic"));
    assert_true(mark_has("STLXR R2, (R0), R27", false, true, "atomic"));
    assert_true(mark_has("XORL $0x4, CX", true, true, "in a register"));
    assert_null(asm_mark("MOVQ 0x48(SP), BX", true, true));
    assert_true(mark_has("TBZ $2, R2, 7(PC)", true, true, "in a register"));
    assert_null(asm_mark("CALL runtime.fatal(SB)", true, true));
}

/* `maprace asm ARGS` from the root; stdout (malloc'd), exit status in *rc. */
static char *run_asm(const char *args, int *rc)
{
    char *tmp = test_tmpdir(), out[PATH_MAX], full[PATH_MAX * 2];
    snprintf(out, sizeof(out), "%s/asm", tmp);
    snprintf(full, sizeof(full), "asm %s --build '%s' --no-color", args,
             MAPRACE_BUILD);
    *rc = run_maprace("", full, out);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s.stdout", out);
    char *text = test_slurp(path);
    if (*rc) {
        snprintf(path, sizeof(path), "%s.stderr", out);
        char *err = test_slurp(path);
        fprintf(stderr, "maprace %s: exit %d\n%s\n", full, *rc, err ? err : "");
        free(err);
    }
    test_rmdir(tmp);
    free(tmp);
    return text;
}

/* The first instruction line after the source line holding `src`. */
static char *insn_after(const char *text, const char *src)
{
    const char *s = strstr(text, src);
    if (!s)
        return NULL;
    s = strchr(s, '\n');
    if (!s)
        return NULL;
    s++;
    return strndup(s, strcspn(s, "\n"));
}

static void test_flags_xor_has_no_lock_prefix(void **state)
{
    int rc;
    char *out = run_asm("map-concurrent-writes --arch x86-64 --no-go", &rc);
    assert_int_equal(rc, 0);
    assert_non_null(out);
    assert_non_null(strstr(out, "assign_five"));
    assert_non_null(strstr(out, "mapassign  (model/map.c)"));
    char *insn = insn_after(out, "| h->flags ^= hashWriting;");
    assert_non_null(insn);
    assert_non_null(strstr(insn, "<== plain read-modify-write of memory, no "
                                 "lock prefix"));
    *strstr(insn, "<==") = '\0'; /* the instruction alone */
    assert_non_null(strstr(insn, "xor"));
    assert_null(strstr(insn, "lock"));
    free(insn);
    free(out);
}

static void test_cas_is_lock_cmpxchg_and_casal(void **state)
{
    int rc;
    char *out =
        run_asm("lockfree-cas-publish --arch x86-64,arm64-lse --no-go", &rc);
    assert_int_equal(rc, 0);
    assert_non_null(out);
    char *x86 = strstr(out, "== x86-64"), *arm = strstr(out, "== arm64-lse");
    assert_non_null(x86);
    assert_non_null(arm);
    char *cas = strstr(x86, "lock cmpxchg");
    assert_true(cas && cas < arm);
    assert_non_null(strstr(cas, "<== atomic: lock-prefixed"));
    assert_non_null(strstr(arm, "casal"));
    free(out);
}

static void test_swiss_writing_xor_has_no_lock_prefix(void **state)
{
    int rc;
    char *out = run_asm(
        "map-concurrent-writes --arch x86-64 --model swiss --no-go", &rc);
    assert_int_equal(rc, 0);
    assert_non_null(out);
    assert_non_null(strstr(out, "and the Swiss-table model"));
    assert_non_null(strstr(out, "mapassign  (model/swiss/map.c)"));
    assert_null(strstr(out, "(model/map.c)"));
    /* the check: a plain load of m->writing */
    char *insn = insn_after(out, "| if (m->writing != 0)");
    assert_non_null(insn);
    assert_non_null(strstr(insn, "<== plain load, no lock prefix"));
    free(insn);
    /* the toggle on entry: a plain xor of memory */
    insn = insn_after(out, "| m->writing ^= 1; /* toggle");
    assert_non_null(insn);
    assert_non_null(strstr(insn, "<== plain read-modify-write of memory, no "
                                 "lock prefix"));
    *strstr(insn, "<==") = '\0';
    assert_non_null(strstr(insn, "xor"));
    assert_null(strstr(insn, "lock"));
    free(insn);
    free(out);
}

/* Go's own code beside the Swiss model is the current Go's: the toggle of
 * m.writing in internal/runtime/maps, a plain load, xor, plain store.
 * Without a current Go, the run says so and shows the model alone. */
static void test_swiss_go_runtime(void **state)
{
    int rc;
    char *out =
        run_asm("map-concurrent-writes --arch x86-64 --model swiss", &rc);
    assert_int_equal(rc, 0);
    assert_non_null(out);
    const struct go_toolchain *t = go_toolchain(GO_CURRENT);
    if (!t->path) {
        assert_null(strstr(out, "== Go ("));
        free(out);
        return;
    }
    char *head = xasprintf("== Go (%s), GOARCH=amd64", t->version);
    const char *go = strstr(out, head);
    assert_non_null(go);
    free(head);
    assert_non_null(strstr(go, "\nruntime.mapassign_fast64"));
    assert_non_null(strstr(go, "$GOROOT/src/internal/runtime/maps/"));
    char *insn = insn_after(go, "| if m.writing != 0 {");
    assert_non_null(insn);
    assert_non_null(strstr(insn, "<== plain load, no lock prefix"));
    free(insn);
    const char *toggle = strstr(go, "| m.writing ^= 1");
    assert_non_null(toggle);
    /* its instructions: up to the next source line ("  file.go:N | ...") */
    const char *end = strchr(toggle, '\n');
    while (end && starts_with(end + 1, "    "))
        end = strchr(end + 1, '\n');
    char *block = xstrndup(toggle, end ? (size_t)(end - toggle) : 400);
    assert_non_null(strstr(block, "XOR"));
    assert_non_null(strstr(block, "<== plain store, no lock prefix"));
    assert_null(strstr(block, "LOCK"));
    free(block);
    free(out);
}

static void test_models(void **state)
{
    int rc;
    /* a case of the hmap model only: swiss refused, both shows hmap */
    free(run_asm("map-grow-read --model swiss --no-go --arch x86-64", &rc));
    assert_int_equal(rc, 2);
    char *out =
        run_asm("map-grow-read --model both --no-go --arch x86-64", &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "and the hmap model"));
    assert_null(strstr(out, "Swiss-table model"));
    free(out);
    /* a case of the Swiss model only: its model by default */
    out = run_asm("map-grow-split --no-go --arch x86-64", &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "and the Swiss-table model"));
    assert_non_null(strstr(out, "(model/swiss/map.c)"));
    free(out);
    free(run_asm("map-grow-split --model hmap --no-go --arch x86-64", &rc));
    assert_int_equal(rc, 2);
    free(run_asm("map-concurrent-writes --model btree --no-go", &rc));
    assert_int_equal(rc, 2);
}

static void test_bad_input(void **state)
{
    int rc;
    free(run_asm("no-such-case", &rc));
    assert_int_equal(rc, 2);
    free(run_asm("map-grow-read no_such_function --no-go --arch x86-64", &rc));
    assert_int_equal(rc, 2);
    free(run_asm("map-grow-read --arch sparc", &rc));
    assert_int_equal(rc, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_x86_marks),
        cmocka_unit_test(test_arm64_marks),
        cmocka_unit_test(test_go_marks),
        cmocka_unit_test(test_flags_xor_has_no_lock_prefix),
        cmocka_unit_test(test_cas_is_lock_cmpxchg_and_casal),
        cmocka_unit_test(test_swiss_writing_xor_has_no_lock_prefix),
        cmocka_unit_test(test_swiss_go_runtime),
        cmocka_unit_test(test_models),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
