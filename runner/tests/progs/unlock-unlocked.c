/* Three unlocks of a mutex nobody holds, on three different lines. */
#include <pthread.h>

pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void release_twice(void)
{
    pthread_mutex_lock(&mu);
    pthread_mutex_unlock(&mu);
    pthread_mutex_unlock(&mu); /* not locked any more */
}

__attribute__((noinline)) static void release_unlocked(pthread_mutex_t *m)
{
    pthread_mutex_unlock(m); /* never locked */
}

int main(void)
{
    pthread_mutex_t other = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_t third = PTHREAD_MUTEX_INITIALIZER;
    release_twice();
    release_unlocked(&other);
    pthread_mutex_unlock(&third); /* never locked either */
    return 0;
}
