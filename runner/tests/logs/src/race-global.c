/* two threads write a global; one holds a mutex while doing so */
#include <pthread.h>
#include <stdio.h>
int counter;
pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
__attribute__((noinline)) static void bump_locked(void)
{
    pthread_mutex_lock(&mu);
    counter++; /* RACE: locked write */
    pthread_mutex_unlock(&mu);
}
__attribute__((noinline)) static void bump(void)
{
    counter++; /* RACE: unlocked write */
}
static void *worker(void *arg)
{
    (void)arg;
    bump_locked();
    return NULL;
}
int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    bump();
    pthread_join(t, NULL);
    printf("%d\n", counter);
    return 0;
}
