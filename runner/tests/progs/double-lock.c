/* A mutex locked by a thread that ended without unlocking it is
 * initialised again and locked by main: ThreadSanitizer still counts the
 * first lock (a double lock), valgrind's tools see a mutex re-initialised
 * while locked. */
#include <pthread.h>

pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu); /* never unlocked */
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    pthread_mutex_init(&mu, NULL);
    pthread_mutex_lock(&mu);
    pthread_mutex_unlock(&mu);
    return 0;
}
