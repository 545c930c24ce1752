/* An error-checking mutex locked twice by the same thread: the second
 * lock fails with EDEADLK instead of hanging. */
#include <pthread.h>
#include <stdio.h>

int main(void)
{
    pthread_mutex_t mu;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&mu, &attr);
    pthread_mutex_lock(&mu);
    int rc = pthread_mutex_lock(&mu); /* already held by this thread */
    printf("second lock: %d\n", rc);
    pthread_mutex_unlock(&mu);
    pthread_mutex_destroy(&mu);
    return 0;
}
