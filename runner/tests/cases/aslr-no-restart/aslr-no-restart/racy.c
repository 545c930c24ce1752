/* Plays ThreadSanitizer on a kernel with high ASLR entropy, and makes the
 * runner's second attempt fail to start: its stdout file (the runner's
 * raw/<case>/<variant>.<detector>.r1.stdout) becomes a folder. */
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/fd/1", path, sizeof(path) - 1);
    if (n > 0) {
        path[n] = '\0';
        if (unlink(path) == 0)
            mkdir(path, 0755);
    }
    fprintf(stderr, "FATAL: ThreadSanitizer: unexpected memory mapping "
                    "0x5581b5d9a000-0x5581b5da0000\n");
    return 66;
}
