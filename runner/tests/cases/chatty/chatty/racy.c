/* Prints a megabyte on stdout: more than the test's output cap. */
#include <stdio.h>
#include <string.h>

int main(void)
{
    char line[64];
    memset(line, 'x', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    for (int i = 0; i < 16384; i++)
        puts(line);
    return 0;
}
