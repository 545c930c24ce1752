#include <stdio.h>

int main(void)
{
    puts("no marker here");
    return 0;
}
