/* A hostile log for `make bench`, NOT a detector's report: this program
 * writes, in ThreadSanitizer's text format, one data race report whose
 * second stack is argv[1] frames of a recursion deep, to the file TSan's
 * own log_path option names (<log_path>.<pid>), then exits with TSan's
 * exit code. It measures how the runner copes with a log deeper than
 * TSan prints (TSan stops reporting past its own stack limit). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int x;

static void write_x(void)
{
    x++; /* RACE: write x (the first stack of the hostile log) */
}

static void rec_write(void)
{
    x++; /* RACE: write x at the bottom of the recursion (hostile log) */
}

int main(int argc, char **argv)
{
    long depth = argc > 1 ? atol(argv[1]) : 10;
    const char *opts = getenv("TSAN_OPTIONS");
    const char *lp = opts ? strstr(opts, "log_path=") : NULL;
    if (!lp)
        return 0; /* not under the tsan detector: no log to write */
    lp += strlen("log_path=");
    char path[4096];
    snprintf(path, sizeof(path), "%.*s.%ld", (int)strcspn(lp, " :"), lp,
             (long)getpid());
    FILE *fp = fopen(path, "w");
    if (!fp)
        return 1;
    write_x();
    rec_write();
    fprintf(fp,
            "==================\n"
            "WARNING: ThreadSanitizer: data race (pid=%ld)\n"
            "  Write of size 4 at 0x1000 by thread T1:\n"
            "    #0 write_x %s:%d:5 (racy+0x10)\n\n"
            "  Previous write of size 4 at 0x1000 by main thread:\n"
            "    #0 rec_write %s:%d:5 (racy+0x20)\n",
            (long)getpid(), __FILE__, 16, __FILE__, 21);
    for (long i = 1; i < depth; i++)
        fprintf(fp, "    #%ld rec %s:%d:5 (racy+0x30)\n", i, __FILE__, 40);
    fprintf(fp,
            "    #%ld main %s:%d:5 (racy+0x40)\n\n"
            "SUMMARY: ThreadSanitizer: data race %s:16:5 in write_x\n"
            "==================\n",
            depth, __FILE__, 41, __FILE__);
    fclose(fp);
    return 66;
}
