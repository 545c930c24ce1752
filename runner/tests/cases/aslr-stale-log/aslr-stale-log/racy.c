/* Plays ThreadSanitizer on a kernel with high ASLR entropy, whose first
 * attempt leaves a log behind: unless ASLR is off (setarch -R), write a
 * data race report to TSan's log (log_path.<pid> of TSAN_OPTIONS), print
 * TSan's fatal message and exit 66. With ASLR off: no report, exit 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <unistd.h>

/* log_path=... of $TSAN_OPTIONS (unquoted: the test's paths have no
 * blank), or NULL. */
static char *log_path(void)
{
    const char *opts = getenv("TSAN_OPTIONS");
    const char *p = opts ? strstr(opts, "log_path=") : NULL;
    if (!p)
        return NULL;
    p += strlen("log_path=");
    return strndup(p, strcspn(p, " "));
}

int main(void)
{
    int persona = personality(0xffffffff);
    if (persona != -1 && (persona & ADDR_NO_RANDOMIZE)) {
        puts("ASLR is off");
        return 0;
    }
    char *base = log_path();
    if (base) {
        char path[4096];
        snprintf(path, sizeof(path), "%s.%ld", base, (long)getpid());
        FILE *fp = fopen(path, "w");
        if (fp) {
            fprintf(fp,
                    "==================\n"
                    "WARNING: ThreadSanitizer: data race (pid=%ld)\n"
                    "  Write of size 4 at 0x7b0400000010 by thread T1:\n"
                    "    #0 f racy.c:3 (racy+0x1234)\n"
                    "\n"
                    "  Previous write of size 4 at 0x7b0400000010 by "
                    "main thread:\n"
                    "    #0 main racy.c:7 (racy+0x1240)\n"
                    "\n"
                    "SUMMARY: ThreadSanitizer: data race racy.c:3 in f\n"
                    "==================\n",
                    (long)getpid());
            fclose(fp);
        }
        free(base);
    }
    fprintf(stderr, "FATAL: ThreadSanitizer: unexpected memory mapping "
                    "0x5581b5d9a000-0x5581b5da0000\n");
    return 66;
}
