/* A mutex held for 50 ms (DRD reports it with --exclusive-threshold). */
#include <pthread.h>
#include <unistd.h>

pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
    pthread_mutex_lock(&mu);
    usleep(50000);
    pthread_mutex_unlock(&mu);
    return 0;
}
