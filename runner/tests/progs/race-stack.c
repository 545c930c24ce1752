/* A race on a variable on the main thread's stack. */
#include <pthread.h>

__attribute__((noinline)) static void bump(int *n)
{
    ++*n;
}

static void *worker(void *arg)
{
    bump(arg);
    return NULL;
}

int main(void)
{
    int n = 0;
    pthread_t t;
    pthread_create(&t, NULL, worker, &n);
    bump(&n);
    pthread_join(t, NULL);
    return n == 3;
}
