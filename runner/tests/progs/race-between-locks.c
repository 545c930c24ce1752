/* A race whose earlier access falls between two lock operations of its
 * thread: Helgrind with --history-level=approx names those two points
 * ("after ... but before ...") instead of the access itself. */
#include <pthread.h>
#include <unistd.h>

pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
int total;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    pthread_mutex_unlock(&mu);
    total += 1; /* outside the lock */
    pthread_mutex_lock(&mu);
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    usleep(100000);
    total += 2;
    pthread_join(t, NULL);
    return 0;
}
