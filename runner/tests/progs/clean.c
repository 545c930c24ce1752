/* No bug: a counter updated under its mutex by two threads. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int hits;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    hits++;
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    worker(NULL);
    pthread_join(t, NULL);
    printf("%d\n", hits);
    return 0;
}
