/* a thread dereferences a NULL pointer: TSan's deadly-signal report */
#include <pthread.h>
#include <stddef.h>
int *volatile p;
__attribute__((noinline)) static void poke(void)
{
    *p = 1;
}
static void *worker(void *arg)
{
    (void)arg;
    poke();
    return NULL;
}
int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 0;
}
