/*
 * map-handler-global, fixed: the global map behind a mutex.
 *
 * Go:
 *
 *     var (
 *             mu   sync.Mutex
 *             hits = map[string]int{}
 *     )
 *
 *     func handler(w http.ResponseWriter, r *http.Request) {
 *             mu.Lock()
 *             hits[r.URL.Path]++
 *             n := hits[r.URL.Path]
 *             mu.Unlock()
 *             fmt.Fprintf(w, "%d\n", n) // no I/O under the lock
 *     }
 *
 * A sync.Mutex, not a sync.RWMutex: every request writes, so there are no
 * readers to let in together, and an RWMutex only costs more. (A /stats
 * handler that only reads would take mu.RLock() if mu were an RWMutex.)
 * The increment and the read of the value for the reply are one critical
 * section: two separate ones would let another request slip in between
 * and the reply would show someone else's count.
 *
 * No race window plan here: under the lock two handlers cannot be inside
 * mapassign at once, so holding one there (as racy.c does) would only make
 * the other wait for the lock until the window gave up. The roles are
 * kept, so that a forced run shows the windows reached and passed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "map.h"
#include "window.h"

enum { nconns = 4, requests_per_conn = 50, npages = 8, timeout_s = 5 };

/* var hits = map[string]int{} (keyed by page number here). Non-static:
 * clang renames static objects at -O1. */
struct hmap *hits;

/* Guards hits. */
pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* mu.Lock(); hits[path]++; n := hits[path]; mu.Unlock(); return n */
static __attribute__((noinline)) uint64_t count_hit(uint64_t page)
{
    uint64_t n;

    pthread_mutex_lock(&mu);
    (*mapassign(hits, page))++;  /* RACE: hits[path]++ in every handler */
    n = *mapaccess1(hits, page); /* RACE: read hits[path] for the reply */
    pthread_mutex_unlock(&mu);
    return n;
}

/* Read one '\n'-terminated line into buf (without the '\n'). Returns its
 * length, or -1 at end of stream, on error or timeout. */
static int read_line(int fd, char *buf, size_t size)
{
    size_t n = 0;

    for (;;) {
        char c;
        ssize_t r = recv(fd, &c, 1, 0);
        if (r <= 0)
            return -1;
        if (c == '\n')
            break;
        if (n + 1 < size)
            buf[n++] = c;
    }
    buf[n] = '\0';
    return (int)n;
}

static int send_all(int fd, const char *s)
{
    size_t len = strlen(s);

    while (len) {
        ssize_t w = send(fd, s, len, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        s += w;
        len -= (size_t)w;
    }
    return 0;
}

static void set_timeout(int fd)
{
    struct timeval tv = {timeout_s, 0};

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

struct conn {
    int fd;
    int index; /* accept order */
};

/* c.serve(): one handler goroutine per connection. */
static void *serve_conn(void *arg)
{
    struct conn *c = arg;
    char line[64], reply[32];
    unsigned page;

    if (c->index < 2)
        window_role(c->index + 1);
    while (read_line(c->fd, line, sizeof(line)) >= 0) {
        if (sscanf(line, "GET /page/%u", &page) != 1 || page >= npages) {
            send_all(c->fd, "400\n");
            continue;
        }
        snprintf(reply, sizeof(reply), "%llu\n",
                 (unsigned long long)count_hit(page));
        if (send_all(c->fd, reply))
            break;
    }
    close(c->fd);
    return NULL;
}

/* srv.Serve(l): accept nconns connections, a handler thread for each. */
static void *serve(void *arg)
{
    int lfd = *(int *)arg;
    pthread_t th[nconns];
    struct conn conns[nconns];
    int n = 0;

    while (n < nconns) {
        struct pollfd p = {lfd, POLLIN, 0};
        if (poll(&p, 1, timeout_s * 1000) <= 0) {
            fprintf(stderr, "accept: no connection in %d s\n", timeout_s);
            break;
        }
        conns[n].fd = accept(lfd, NULL, NULL);
        if (conns[n].fd < 0) {
            perror("accept");
            break;
        }
        set_timeout(conns[n].fd);
        conns[n].index = n;
        if (pthread_create(&th[n], NULL, serve_conn, &conns[n])) {
            fprintf(stderr, "pthread_create failed\n");
            close(conns[n].fd);
            break;
        }
        n++;
    }
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    return NULL;
}

struct client {
    struct sockaddr_in addr;
    int id;
    int ok; /* replies received */
};

/* One client: a connection, requests_per_conn requests, one at a time. */
static void *client(void *arg)
{
    struct client *cl = arg;
    char req[32], line[32];
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0) {
        perror("socket");
        return NULL;
    }
    set_timeout(fd);
    if (connect(fd, (struct sockaddr *)&cl->addr, sizeof(cl->addr))) {
        perror("connect");
        close(fd);
        return NULL;
    }
    for (int r = 0; r < requests_per_conn; r++) {
        snprintf(req, sizeof(req), "GET /page/%d\n", (cl->id + r) % npages);
        if (send_all(fd, req) || read_line(fd, line, sizeof(line)) < 0)
            break;
        cl->ok++;
    }
    close(fd);
    return NULL;
}

int main(void)
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    socklen_t len = sizeof(addr);
    struct client clients[nconns];
    pthread_t server, cth[nconns];
    uint64_t total = 0;
    int lfd, ok = 0;

    hits = makemap(0);

    /* net.Listen("tcp", "127.0.0.1:0") */
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) ||
        listen(lfd, nconns) ||
        getsockname(lfd, (struct sockaddr *)&addr, &len)) {
        perror("listen on 127.0.0.1");
        return 1;
    }
    if (pthread_create(&server, NULL, serve, &lfd)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    for (int i = 0; i < nconns; i++) {
        clients[i] = (struct client){addr, i, 0};
        if (pthread_create(&cth[i], NULL, client, &clients[i])) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    for (int i = 0; i < nconns; i++) {
        pthread_join(cth[i], NULL);
        ok += clients[i].ok;
    }
    pthread_join(server, NULL);
    close(lfd);

    for (uint64_t p = 0; p < npages; p++)
        total += *mapaccess1(hits, p);
    printf("%d requests served, hits total %llu (want %d)\n", ok,
           (unsigned long long)total, nconns * requests_per_conn);
    mapfree(hits);
    return 0;
}
