/* Sleeps a minute, with a child that sleeps too: the runner is interrupted
 * meanwhile. Prints both pids first. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    pid_t child = fork();
    if (child == 0) {
        sleep(60);
        return 0;
    }
    printf("parent %ld\nchild %ld\n", (long)getpid(), (long)child);
    fflush(stdout);
    sleep(60);
    return 0;
}
