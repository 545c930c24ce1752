/* A lock-order inversion: one thread takes a then b, another b then a.
 * They never overlap (the second starts after the first ended), so the
 * program never deadlocks; the detectors see the two orders anyway. */
#include <pthread.h>

pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void transfer_ab(void)
{
    pthread_mutex_lock(&a);
    pthread_mutex_lock(&b);
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
}

__attribute__((noinline)) static void transfer_ba(void)
{
    pthread_mutex_lock(&b);
    pthread_mutex_lock(&a);
    pthread_mutex_unlock(&a);
    pthread_mutex_unlock(&b);
}

static void *worker(void *arg)
{
    (void)arg;
    transfer_ba();
    return NULL;
}

int main(void)
{
    pthread_t t;
    transfer_ab();
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 0;
}
