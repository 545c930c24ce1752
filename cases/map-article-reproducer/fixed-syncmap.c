/*
 * map-article-reproducer, fixed-syncmap: the article's chapter-1
 * reproducer with its other fix, a sync.Map instead of the map.
 *
 * Go (fixed-syncmap.go beside this file is the full program):
 *
 *     var m sync.Map
 *     go func() { defer wg.Done(); for i := 0; i < 1000; i++ { m.Store(i, i) } }()
 *     go func() { defer wg.Done(); for i := 0; i < 1000; i++ { m.Load(i) } }()
 *
 * Every sync.Map method is safe for concurrent use: Store takes the map's
 * mutex for a new key, Load reads the read-only part with an atomic load
 * and falls back to the mutex on a miss (model/syncmap.h). No detector
 * reports anything. Whether sync.Map is the right tool for this shape
 * (every key written once by one goroutine, read by another) is the
 * article's section 4 question; sync.Map's documentation names two cases
 * it is optimised for, and this is close to the first (keys written once,
 * read many times), except that here each key is read once.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "syncmap.h"

enum { n = 1000 };

struct Map m;
uint64_t sink;

/* m.Store(i, i) */
static __attribute__((noinline)) void write_key(uint64_t i)
{
    Map_Store(&m, i, i); /* RACE: write m[i] (sync.Map Store) */
}

/* m.Load(i) */
static __attribute__((noinline)) void read_key(uint64_t i)
{
    uint64_t v;

    if (Map_Load(&m, i, &v)) /* RACE: read m[i] (sync.Map Load) */
        sink = v;
}

static void *writer(void *arg)
{
    for (uint64_t i = 0; i < n; i++)
        write_key(i);
    return NULL;
}

static void *reader(void *arg)
{
    for (uint64_t i = 0; i < n; i++)
        read_key(i);
    return NULL;
}

int main(void)
{
    pthread_t w, r;
    uint64_t v;
    int stored = 0;

    syncmap_init(&m);
    if (pthread_create(&w, NULL, writer, NULL) ||
        pthread_create(&r, NULL, reader, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(w, NULL); /* wg.Wait() */
    pthread_join(r, NULL);
    for (uint64_t i = 0; i < n; i++)
        stored += Map_Load(&m, i, &v);
    printf("%d writes and %d reads, %d keys stored, no fatal error\n", n, n,
           stored);
    syncmap_free(&m);
    return 0;
}
