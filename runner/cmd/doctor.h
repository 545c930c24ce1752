/*
 * doctor.h - `maprace doctor`: which detectors are usable here, whether
 * ThreadSanitizer works on this kernel (and whether it needs setarch -R),
 * and the versions of the tools and libraries maprace uses.
 */
#ifndef MAPRACE_DOCTOR_H
#define MAPRACE_DOCTOR_H

#include <stdbool.h>

/* Print the diagnosis (JSON on stdout when `json`). `root` is the
 * repository or NULL. Returns 0 when every detector is usable, 3 when a
 * tool is missing or TSan does not work. */
int doctor(const char *root, bool json, bool color);

#endif
