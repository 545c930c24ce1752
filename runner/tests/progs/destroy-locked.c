/* A mutex destroyed while it is still locked. */
#include <pthread.h>

int main(void)
{
    pthread_mutex_t mu;
    pthread_mutex_init(&mu, NULL);
    pthread_mutex_lock(&mu);
    pthread_mutex_destroy(&mu); /* still locked */
    return 0;
}
