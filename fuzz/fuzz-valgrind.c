/*
 * fuzz-valgrind.c - libFuzzer harness of the valgrind XML parser
 * (parse_valgrind_buf, expat): any bytes, as Helgrind's and as DRD's log.
 * Seeds: the .xml logs of runner/tests/logs (fuzz/fuzz.mk).
 */
#include "parse/parse.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct report r;
    report_init(&r);
    parse_valgrind_buf((const char *)data, size, size & 1 ? "drd" : "helgrind",
                       &r);
    report_release(&r);
    return 0;
}
