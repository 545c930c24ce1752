/* A read-write lock unlocked by a thread that does not hold it, then
 * destroyed while read-locked. */
#include <pthread.h>

pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

static void *worker(void *arg)
{
    (void)arg;
    pthread_rwlock_unlock(&rw); /* held by main */
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_rwlock_wrlock(&rw);
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    pthread_rwlock_rdlock(&rw);
    pthread_rwlock_destroy(&rw); /* still locked */
    return 0;
}
