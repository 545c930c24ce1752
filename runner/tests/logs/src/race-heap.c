/* a heap block: one thread stores atomically, another reads plainly */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
struct box { long pad; long v; };
__attribute__((noinline)) static void store(struct box *b)
{
    __atomic_store_n(&b->v, 1, __ATOMIC_RELAXED);
}
__attribute__((noinline)) static long load(struct box *b)
{
    return b->v;
}
static void *writer(void *arg)
{
    store(arg);
    return NULL;
}
static void *reader(void *arg)
{
    printf("%ld\n", load(arg));
    return NULL;
}
int main(void)
{
    struct box *b = calloc(1, sizeof(*b));
    pthread_t t1, t2;
    pthread_create(&t1, NULL, writer, b);
    pthread_create(&t2, NULL, reader, b);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    free(b);
    return 0;
}
