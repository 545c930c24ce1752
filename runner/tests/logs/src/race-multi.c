#define _GNU_SOURCE
/* two unrelated races in one run, a named thread, and the program's own
 * output on stderr mixed with TSan's reports */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
int hits;
long total;
pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
__attribute__((noinline)) static void count_hit(void)
{
    hits++;
}
__attribute__((noinline)) static void add_total(long v)
{
    pthread_mutex_lock(&mu);
    total += v;
    pthread_mutex_unlock(&mu);
}
static void *worker(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "counter");
    count_hit();
    add_total(2);
    return NULL;
}
int main(void)
{
    pthread_t t;
    fprintf(stderr, "starting\n");
    pthread_create(&t, NULL, worker, NULL);
    usleep(50000);
    count_hit();
    fprintf(stderr, "between the races\n");
    total += 1;
    pthread_join(t, NULL);
    fprintf(stderr, "hits=%d total=%ld\n", hits, total);
    return 0;
}
