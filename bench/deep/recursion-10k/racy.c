/* A data race at the bottom of a deep recursion (depth: argv[1]). The
 * helper thread waits on a relaxed atomic flag, which orders nothing for a
 * detector, so the two writes of x are always reported as a race, with
 * the main thread's stack as deep as the recursion. For `make bench`: the
 * runner's memory and report size on a real, deep TSan report. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

static int x;
static atomic_int written;

__attribute__((noinline)) static int rec(int n)
{
    if (n <= 0) {
        x++; /* RACE: write x at the bottom of the recursion */
        atomic_store_explicit(&written, 1, memory_order_relaxed);
        return 0;
    }
    return rec(n - 1) + 1;
}

static void *other(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&written, memory_order_relaxed))
        sched_yield();
    x++; /* RACE: write x from the other thread */
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t;
    pthread_create(&t, NULL, other, NULL);
    int r = rec(argc > 1 ? atoi(argv[1]) : 10);
    pthread_join(t, NULL);
    return r < 0;
}
