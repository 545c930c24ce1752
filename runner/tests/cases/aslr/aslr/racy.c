/* Plays ThreadSanitizer on a kernel with high ASLR entropy: unless ASLR is
 * off (setarch -R), print TSan's fatal message and exit 66. */
#include <stdio.h>
#include <sys/personality.h>

int main(void)
{
    int persona = personality(0xffffffff);
    if (persona == -1 || !(persona & ADDR_NO_RANDOMIZE)) {
        fprintf(stderr, "FATAL: ThreadSanitizer: unexpected memory mapping "
                        "0x5581b5d9a000-0x5581b5da0000\n");
        return 66;
    }
    puts("ASLR is off");
    return 0;
}
