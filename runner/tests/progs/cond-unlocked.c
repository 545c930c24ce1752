/* A condition variable signalled without its mutex held, and a thread
 * that exits while it still holds a mutex. */
#include <pthread.h>
#include <unistd.h>

pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
int ready;

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!ready)
        pthread_cond_wait(&cv, &mu);
    return NULL; /* exits holding mu */
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, waiter, NULL);
    usleep(100000);
    pthread_mutex_lock(&mu);
    ready = 1;
    pthread_mutex_unlock(&mu);
    pthread_cond_signal(&cv); /* mu not held */
    pthread_join(t, NULL);
    return 0;
}
