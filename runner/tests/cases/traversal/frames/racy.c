/* Prints the model's fatal error with a traceback whose frames name files
 * out of the case: climbing out of it with ../, and absolute paths. A
 * report must show the paths as text and read none of those files. */
#include <stdio.h>

int main(void)
{
    static const char up[] = "../../../../../../../../../../../../../../..";
    fprintf(stderr, "fatal error: concurrent map writes\n\n"
                    "thread 1 [running]:\n");
    fprintf(stderr, "main(...)\n\tcases/frames/%s/etc/passwd:1 +0x1\n", up);
    fprintf(stderr, "main(...)\n\tframes/%s/etc/passwd:2 +0x1\n", up);
    fprintf(stderr, "main(...)\n\t/etc/passwd:1 +0x1\n");
    fprintf(stderr, "main(...)\n\t/etc/hostname:1 +0x1\n");
    fprintf(stderr, "main(...)\n\tcases/frames/racy.c:12 +0x1\n");
    fprintf(stderr, "main(...)\n\tracy.c:12 +0x1\n");
    return 2;
}
