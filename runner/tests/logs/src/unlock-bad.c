/* unlocking a mutex that is not locked */
#include <pthread.h>
pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
int main(void)
{
    pthread_mutex_unlock(&mu);
    return 0;
}
