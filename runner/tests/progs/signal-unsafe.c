/* A signal handler that calls malloc, which is not async-signal-safe. */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t seen;

static void on_signal(int sig)
{
    (void)sig;
    char *volatile p = malloc(16); /* not async-signal-safe */
    p[0] = 0;
    free(p);
    seen = 1;
}

int main(void)
{
    struct sigaction act = {0};
    act.sa_handler = on_signal;
    sigaction(SIGUSR1, &act, NULL);
    kill(getpid(), SIGUSR1);
    while (!seen)
        usleep(1000);
    return 0;
}
