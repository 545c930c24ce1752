/* heap-use-after-free across threads */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
int *p;
static void *worker(void *arg)
{
    (void)arg;
    usleep(100000);
    *p = 1;
    return NULL;
}
int main(void)
{
    pthread_t t;
    p = malloc(sizeof(*p));
    pthread_create(&t, NULL, worker, NULL);
    free(p);
    pthread_join(t, NULL);
    return 0;
}
