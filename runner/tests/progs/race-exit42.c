/* A data race on a global counter; the program then exits with status 42,
 * as some detectors' own regression tests do. */
#include <pthread.h>
#include <stdlib.h>

int hits;

__attribute__((noinline)) static void bump(void)
{
    hits++;
}

static void *worker(void *arg)
{
    (void)arg;
    bump();
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    bump();
    pthread_join(t, NULL);
    exit(42);
}
