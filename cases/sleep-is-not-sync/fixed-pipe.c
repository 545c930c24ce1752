/*
 * sleep-is-not-sync, fixed-pipe: the handoff through a pipe. The init
 * thread writes one byte after the map write; main reads it (blocking)
 * before the map read.
 *
 * Go: the same as fixed.c's channel; in C this is the classic way to wake
 * another thread or an event loop (a self-pipe).
 *
 * The bytes really do order the two threads: the read returns only after
 * the write, so the map write happens before the map read. Whether a
 * detector knows it is another matter. ThreadSanitizer models a pipe as a
 * synchronisation object (a write to it releases, a read from it acquires:
 * compiler-rt's tsan_fd.cpp, FdPipeCreate): clean. Helgrind and DRD know
 * nothing about file descriptors: to them the two map accesses are
 * unordered, a false positive. (A pthread join or a condition variable, as
 * in fixed.c, is understood by every detector.)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "map.h"

enum { key_addr = 1, addr_port = 8080 };

/* The configuration map. Non-static: clang renames static objects at -O1. */
struct hmap *config;

/* done[1]: the init thread writes one byte; done[0]: main reads it. */
int done[2];

static __attribute__((noinline)) void load_config(struct hmap *m)
{
    mapstore(m, key_addr, addr_port); /* RACE: write config["addr"] */
}

static __attribute__((noinline)) uint64_t read_addr(struct hmap *m)
{
    return *mapaccess1(m, key_addr); /* RACE: read config["addr"] */
}

static void *init_goroutine(void *arg)
{
    load_config(config);
    if (write(done[1], "x", 1) != 1) /* close(done) */
        perror("write to pipe");
    return NULL;
}

int main(void)
{
    pthread_t init;
    char c;

    config = makemap(0);
    if (pipe(done)) {
        perror("pipe");
        return 1;
    }
    if (pthread_create(&init, NULL, init_goroutine, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    if (read(done[0], &c, 1) != 1) { /* <-done */
        perror("read from pipe");
        return 1;
    }
    printf("addr = :%llu\n", (unsigned long long)read_addr(config));

    pthread_join(init, NULL);
    close(done[0]);
    close(done[1]);
    mapfree(config);
    return 0;
}
