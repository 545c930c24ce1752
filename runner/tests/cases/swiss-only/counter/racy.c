/* A minimal data race: two threads increment one global. */
#include <pthread.h>
#include <stdio.h>

long counter;

static void *inc(void *arg)
{
    counter++; /* RACE: write counter (thread) */
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, inc, NULL);
    counter++; /* RACE: write counter (main) */
    pthread_join(t, NULL);
    printf("counter %ld\n", counter);
    return 0;
}
