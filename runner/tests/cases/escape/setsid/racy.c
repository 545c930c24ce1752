/* Forks a child that forks a grandchild; the grandchild starts a session
 * of its own (out of the runner's process group) and sleeps a minute. The
 * program ends at once, and prints the grandchild's pid first. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int fds[2];
    if (pipe(fds) < 0)
        return 1;
    pid_t child = fork();
    if (child == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            setsid();
            close(fds[0]);
            close(fds[1]);
            sleep(60);
            _exit(0);
        }
        if (write(fds[1], &grandchild, sizeof(grandchild)) < 0)
            _exit(1);
        _exit(0);
    }
    pid_t grandchild = 0;
    if (read(fds[0], &grandchild, sizeof(grandchild)) < 0)
        return 1;
    waitpid(child, NULL, 0);
    printf("parent %ld\nchild %ld\n", (long)getpid(), (long)grandchild);
    return 0;
}
