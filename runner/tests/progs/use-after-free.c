/* A thread writes a block that the main thread has already freed. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

int *slot;

static void *worker(void *arg)
{
    (void)arg;
    usleep(100000);
    *slot = 7; /* freed by main meanwhile */
    return NULL;
}

int main(void)
{
    pthread_t t;
    slot = malloc(sizeof(*slot));
    pthread_create(&t, NULL, worker, NULL);
    free(slot);
    pthread_join(t, NULL);
    return 0;
}
