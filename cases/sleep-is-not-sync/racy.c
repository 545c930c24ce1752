/*
 * sleep-is-not-sync, racy: "wait 100 ms for the init goroutine".
 *
 * Go original:
 *
 *     var config = map[string]string{}
 *
 *     func main() {
 *             go func() { // load the configuration in the background
 *                     config["addr"] = ":8080"
 *             }()
 *             time.Sleep(100 * time.Millisecond) // plenty of time
 *             fmt.Println(config["addr"])
 *     }
 *
 * The Go memory model orders memory operations by synchronisation
 * (channel operations, locks, sync.WaitGroup, atomics), never by time: a
 * sleep creates no happens-before edge, so the write in the goroutine and
 * the read in main are concurrent, a data race, however long the sleep.
 * In practice the goroutine has finished long before the 100 ms are up and
 * the program prints the right value every time (natively, nothing ever
 * goes wrong that anyone can see). It goes wrong on the day the machine is
 * loaded, the init does I/O, or the goroutine is not scheduled for 100 ms:
 * then main reads an empty map, or reads it while the goroutine is in the
 * middle of mapassign.
 *
 * The race detectors do not care about time: they see two accesses to the
 * same words with no synchronisation between them and report them in every
 * run. No race window is needed to make them see it, and none is used.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "map.h"

enum { key_addr = 1, addr_port = 8080 };

/* The configuration map. Non-static: clang renames static objects at -O1. */
struct hmap *config;

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
    return NULL;
}

int main(void)
{
    const struct timespec plenty = {0, 100 * 1000 * 1000}; /* 100 ms */
    pthread_t init;

    config = makemap(0);
    if (pthread_create(&init, NULL, init_goroutine, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    nanosleep(&plenty, NULL); /* "plenty of time": no synchronisation */
    printf("addr = :%llu\n", (unsigned long long)read_addr(config));

    pthread_join(init, NULL);
    mapfree(config);
    return 0;
}
