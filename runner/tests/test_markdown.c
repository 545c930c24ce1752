/*
 * test_markdown.c - a README's Markdown for the terminal (`maprace
 * explain`) and its pictures (lib/markdown.h): each construct rendered
 * with and without colour, tables aligned by code points, a too-wide
 * table as one block per row, pictures framed and found, and the growth
 * cases' READMEs each with a picture that explain prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cmd/show.h"
#include "lib/markdown.h"
#include "lib/util.h"
#include "runner-test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *render(const char *md, bool color, int width)
{
    struct strbuf sb = STRBUF_INIT;
    md_render_terminal(&sb, md, color, width);
    return strbuf_detach(&sb);
}

static void expect_render(const char *md, bool color, int width,
                          const char *want)
{
    char *got = render(md, color, width);
    if (strcmp(got, want))
        fail_msg("rendering\n%s\ngave\n%s\nwant\n%s", md, got, want);
    free(got);
}

static void test_width(void **state)
{
    assert_int_equal(md_width("abc"), 3);
    assert_int_equal(md_width("\xe2\x9c\x93 ok"), 4); /* "✓ ok" */
    assert_int_equal(md_width("\033[1mab\033[22m"), 2);
    assert_int_equal(md_width(""), 0);
}

static void test_headings(void **state)
{
    /* underlined by code points, not bytes: "é" is two bytes */
    expect_render("# Caf\xc3\xa9\n## Sub\n### Third\n", false, 80,
                  "Caf\xc3\xa9\n====\nSub\n---\nThird\n");
    expect_render("## Sub\n", true, 80, "\033[1mSub\033[0m\n");
    expect_render("# Top\n", true, 80, "\033[1m\033[4mTop\033[0m\n");
}

static void test_inline(void **state)
{
    /* without colour: backticks kept, stars dropped, links spelt out */
    expect_render("a `x*y` *b* **c** [d](e.md) 2 * 3\n", false, 80,
                  "a `x*y` b c d <e.md> 2 * 3\n");
    /* with colour: code cyan without its backticks, emphasis underlined,
     * strong bold; a star inside a code span is not emphasis */
    expect_render("a `x*y` *b* **c**\n", true, 80,
                  "a \033[36mx*y\033[39m \033[4mb\033[24m \033[1mc\033[22m\n");
    /* an unclosed span is text */
    expect_render("a `b and *c\n", false, 80, "a `b and *c\n");
}

static void test_lists(void **state)
{
    expect_render("- one\n  two\n- three\n\n1. first\n   more\n12. twelfth\n",
                  false, 80,
                  "  - one\n    two\n  - three\n\n  1. first\n     more\n"
                  "  12. twelfth\n");
    expect_render("- one\n", true, 80, "  \xe2\x80\xa2 one\n");
    /* a paragraph after a list is not indented */
    expect_render("- one\ntext\n", false, 80, "  - one\ntext\n");
}

static void test_code_block(void **state)
{
    /* fenced code as is, indented: no inline rendering inside */
    expect_render("```go\n\tm[k] = *v // `x`\n```\nafter\n", false, 80,
                  "    \tm[k] = *v // `x`\nafter\n");
    expect_render("```\nx\n```\n", true, 80, "    \033[36mx\033[0m\n");
}

static void test_table_aligned(void **state)
{
    /* a cell with a multi-byte check mark and a code span: the columns
     * line up by what the terminal shows */
    expect_render("| variant | tsan | native |\n"
                  "|---|---|---|\n"
                  "| `racy` | race \xe2\x9c\x93 | fatal |\n"
                  "| `fixed-long` | clean | clean |\n",
                  false, 80,
                  "  variant       tsan    native\n"
                  "  ------------  ------  ------\n"
                  "  `racy`        race \xe2\x9c\x93  fatal\n"
                  "  `fixed-long`  clean   clean\n");
    /* with colour, the backticks go and the columns still line up */
    char *got =
        render("| a | b |\n|---|---|\n| `xx` | y |\n| z | w |\n", true, 80);
    const char *l3 = strstr(got, "\n  \033[36mxx");
    assert_non_null(l3);
    char *row3 = xstrndup(l3 + 1, strcspn(l3 + 1, "\n"));
    const char *l4 = strstr(got, "\n  z");
    assert_non_null(l4);
    char *row4 = xstrndup(l4 + 1, strcspn(l4 + 1, "\n"));
    assert_int_equal(md_width(row3), md_width(row4));
    free(row3);
    free(row4);
    free(got);
}

static void test_table_too_wide(void **state)
{
    expect_render("| | hmap | Swiss |\n"
                  "|---|---|---|\n"
                  "| growth | incremental over later writes | at once |\n",
                  false, 30,
                  "  growth\n"
                  "    hmap: incremental over\n"
                  "      later writes\n"
                  "    Swiss: at once\n");
    /* a named first column prefixes each block */
    expect_render("| variant | tsan |\n|---|---|\n| racy | race 10/10 and "
                  "more words |\n",
                  false, 20,
                  "  variant: racy\n"
                  "    tsan: race 10/10\n"
                  "      and more words\n");
}

static void test_picture(void **state)
{
    const char *md = "text\n\n```picture\nab\nabcd\n```\n\n```go\nx\n```\n"
                     "~~~picture\n\xe2\x86\x92\n~~~\n";
    expect_render("```picture\nab\nabcd\n```\n", false, 80,
                  "  +------\n"
                  "  | ab\n"
                  "  | abcd\n"
                  "  +------\n");
    struct strvec v = {0};
    assert_int_equal(md_pictures(md, &v), 2);
    assert_int_equal(v.nr, 2);
    assert_string_equal(v.v[0], "ab\nabcd\n");
    assert_string_equal(v.v[1], "\xe2\x86\x92\n");
    strvec_release(&v);
    /* a code block that mentions picture is not one */
    assert_int_equal(md_pictures("```go\n// picture\n```\n", &v), 0);
    assert_int_equal(md_pictures("```pictures\nx\n```\n", &v), 0);
    strvec_release(&v);
}

/* The growth cases each have a picture, and explain prints it framed. */
static void test_growth_cases_have_pictures(void **state)
{
    static const char *const cases[] = {"map-grow-read", "map-grow-iterate",
                                        "map-grow-split"};
    char *dir = xasprintf("%s/cases", test_root());
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *path = xasprintf("%s/%s/README.md", dir, cases[i]);
        char *md = read_file(path, (size_t)4 << 20, NULL);
        assert_non_null(md);
        struct strvec v = {0};
        if (md_pictures(md, &v) < 1)
            fail_msg("%s: no ```picture block", path);
        char *buf = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&buf, &len);
        assert_int_equal(explain_case(fp, dir, cases[i], false), 0);
        fclose(fp);
        /* the first line of each picture, framed */
        for (size_t k = 0; k < v.nr; k++) {
            char *first = xstrndup(v.v[k], strcspn(v.v[k], "\n"));
            char *framed = xasprintf("\n  | %s\n", first);
            if (!strstr(buf, framed))
                fail_msg("explain %s: picture %zu not framed: %s", cases[i], k,
                         first);
            free(first);
            free(framed);
        }
        /* and no table left raw */
        assert_null(strstr(buf, "|---|"));
        free(buf);
        strvec_release(&v);
        free(md);
        free(path);
    }
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_headings),
        cmocka_unit_test(test_inline),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_code_block),
        cmocka_unit_test(test_table_aligned),
        cmocka_unit_test(test_table_too_wide),
        cmocka_unit_test(test_picture),
        cmocka_unit_test(test_growth_cases_have_pictures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
