/*
 * fuzz-tsan.c - libFuzzer harness of the ThreadSanitizer text parser
 * (parse_tsan_buf): any bytes, as "tsan" and as "tsan-gcc". Seeds:
 * runner/tests/logs/tsan-* and the *.stderr logs (fuzz/fuzz.mk).
 */
#include "parse/parse.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct report r;
    report_init(&r);
    parse_tsan_buf((const char *)data, size, size & 1 ? "tsan-gcc" : "tsan",
                   &r);
    report_release(&r);
    return 0;
}
