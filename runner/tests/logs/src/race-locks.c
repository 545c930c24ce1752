/* a write under a mutex and a read lock of an rwlock, against a write
 * under a different mutex: the locks are no common protection */
#include <pthread.h>
#include <stdio.h>
int value;
pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
__attribute__((noinline)) static void set_locked(int v)
{
    pthread_mutex_lock(&a);
    pthread_rwlock_rdlock(&rw);
    value = v;
    pthread_rwlock_unlock(&rw);
    pthread_mutex_unlock(&a);
}
__attribute__((noinline)) static void set_other(int v)
{
    pthread_mutex_lock(&b);
    value = v;
    pthread_mutex_unlock(&b);
}
static void *worker(void *arg)
{
    (void)arg;
    set_locked(1);
    return NULL;
}
int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    set_other(2);
    pthread_join(t, NULL);
    printf("%d\n", value);
    return 0;
}
