/* A joinable thread that is never joined. */
#include <pthread.h>
#include <unistd.h>

static void *worker(void *arg)
{
    (void)arg;
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    usleep(100000); /* the thread has finished; nobody joins it */
    return 0;
}
