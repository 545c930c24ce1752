/* Prints the line a symptom expectation looks for. */
#include <stdio.h>

int main(void)
{
    puts("lookup: key 7 missing");
    return 0;
}
