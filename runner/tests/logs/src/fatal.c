/* a writer thread hits the model's Go-style check and throws */
#include <pthread.h>
#include "throw.h"
__attribute__((noinline)) static void mapassign_like(void)
{
    fatal("concurrent map writes");
}
static void *writer(void *arg)
{
    (void)arg;
    mapassign_like();
    return NULL;
}
int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    pthread_join(t, NULL);
    return 0;
}
