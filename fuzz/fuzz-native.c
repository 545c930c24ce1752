/*
 * fuzz-native.c - libFuzzer harness of the parser of the model's Go-style
 * fatal error and traceback (parse_native_buf). Seeds: the native-*.stderr
 * logs of runner/tests/logs (fuzz/fuzz.mk).
 */
#include "parse/parse.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct report r;
    report_init(&r);
    parse_native_buf((const char *)data, size, "native", &r);
    report_release(&r);
    return 0;
}
