/* Burns about 0.2 s of CPU and nothing else: scripts/run-bench runs it
 * many times to measure the runner's own overhead. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    uint64_t x = 1;
    for (long i = 0; i < 200000000; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
    printf("%llu\n", (unsigned long long)x);
    return 0;
}
