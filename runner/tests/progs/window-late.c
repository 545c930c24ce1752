/* A thread held in a race window for seconds must not push its racing
 * access out of ThreadSanitizer's history. The holder writes `shared` and
 * then waits in a forced window; the other thread arrives 4 s later,
 * releases it, and writes `shared` too. TSan can report that race only if
 * it can still restore the holder's stack; with clang 14 it could not
 * once the holder had waited 2.5 to 3 s, when the model's window read the
 * clock through clock_gettime (see model/window.c). The window is forced
 * from main, so no environment is needed. */
#include <pthread.h>
#include <time.h>

#include "window.h"

long shared;

static void *holder(void *arg)
{
    (void)arg;
    window_role(1);
    shared = 1;
    WINDOW(W_CASE_A); /* held until role 2 reaches W_CASE_B */
    return NULL;
}

static void *latecomer(void *arg)
{
    (void)arg;
    window_role(2);
    struct timespec ts = {4, 0};
    nanosleep(&ts, NULL);
    WINDOW(W_CASE_B);
    shared = 2;
    return NULL;
}

int main(void)
{
    static const struct window_rule plan[] = {{1, W_CASE_A, 2, W_CASE_B}};
    pthread_t a, b;

    window_forced = true;
    window_plan(plan, 1);
    pthread_create(&a, NULL, holder, NULL);
    pthread_create(&b, NULL, latecomer, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
