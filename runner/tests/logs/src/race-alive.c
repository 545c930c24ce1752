/* the writer thread is still alive when the main thread's read conflicts,
 * so DRD can show the other segment's call stacks */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
int shared;
__attribute__((noinline)) static void put(int v)
{
    shared = v;
}
__attribute__((noinline)) static int get(void)
{
    return shared;
}
static void *writer(void *arg)
{
    (void)arg;
    put(1);
    usleep(300000);
    return NULL;
}
int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    usleep(100000);
    printf("%d\n", get());
    pthread_join(t, NULL);
    return 0;
}
