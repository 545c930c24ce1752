/* A use after free where both the free and the use hold mutex m: the
 * lock orders them, and the use still comes after the free. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int *slot;

static void *worker(void *arg)
{
    (void)arg;
    usleep(100000);
    pthread_mutex_lock(&m);
    *slot = 7; /* freed by main, under the same lock, before */
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(void)
{
    pthread_t t;
    slot = malloc(sizeof(*slot));
    pthread_create(&t, NULL, worker, NULL);
    pthread_mutex_lock(&m);
    free(slot);
    pthread_mutex_unlock(&m);
    pthread_join(t, NULL);
    return 0;
}
