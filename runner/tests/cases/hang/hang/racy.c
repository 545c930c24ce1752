/* Never ends, and forks a child that never ends either: the runner must
 * kill both at the timeout. Prints both pids first. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    pid_t child = fork();
    if (child == 0) {
        for (;;)
            pause();
    }
    printf("parent %ld\nchild %ld\n", (long)getpid(), (long)child);
    fflush(stdout);
    for (;;)
        pause();
}
