/*
 * fuzz-go.c - libFuzzer harness of the parser of what Go's runtime and
 * Go's race detector print (parse_go_buf: race reports, fatal errors and
 * panics with their goroutine tracebacks). The detector's name is only
 * copied into the findings, so one name serves both. Seeds: the
 * go-*.stderr logs of runner/tests/logs (fuzz/fuzz.mk).
 */
#include "parse/go.h"
#include "parse/parse.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct report r;
    report_init(&r);
    parse_go_buf((const char *)data, size, "go-race", &r);
    report_release(&r);
    return 0;
}
