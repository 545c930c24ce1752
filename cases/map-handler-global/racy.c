/*
 * map-handler-global, racy: request handlers update a global map.
 *
 * Go original (a hit counter, the first thing many people write after
 * "hello world" in net/http):
 *
 *     var hits = map[string]int{}
 *
 *     func handler(w http.ResponseWriter, r *http.Request) {
 *             hits[r.URL.Path]++
 *             fmt.Fprintf(w, "%d\n", hits[r.URL.Path])
 *     }
 *
 *     func main() {
 *             http.HandleFunc("/", handler)
 *             log.Fatal(http.ListenAndServe("127.0.0.1:8080", nil))
 *     }
 *
 * net/http's Server.Serve "accepts incoming connections on the Listener l,
 * creating a new service goroutine for each" (src/net/http/server.go: `go
 * c.serve(connCtx)`). Two clients connected at once means two handlers
 * running at once, and both run hits[path]++ on the same map: mapassign
 * (Go compiles m[k]++ to p := mapassign(m, k); *p += 1) on one hmap from
 * two threads, which Go's check reports as "concurrent map writes" when
 * they overlap. It works in a test with one client and crashes under load.
 *
 * The program is self-contained: it listens on 127.0.0.1 on an ephemeral
 * port, a server thread accepts nconns connections and starts one handler
 * thread per connection (Go's model, not a worker pool: a pool of one
 * would hide the race, and net/http has no pool), and nconns client
 * threads send requests_per_conn requests each, one at a time, on their
 * own connection. Requests are one line, "GET /page/<n>\n"; responses are
 * "<hits>\n". Every socket has a 5 s receive timeout, so a run always ends.
 *
 * Threads: the handlers of the first two connections accepted have roles 1
 * and 2. Forced (MAPRACE_FORCE=1): handler 2's first hits[path]++ waits,
 * before Go's check, until handler 1 is inside its own mapassign with
 * hashWriting set; handler 1 stays there; handler 2's check sees
 * hashWriting and throws "concurrent map writes".
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

/* hits[path]++; return hits[path] */
static __attribute__((noinline)) uint64_t count_hit(uint64_t page)
{
    (*mapassign(hits, page))++;     /* RACE: hits[path]++ in every handler */
    return *mapaccess1(hits, page); /* RACE: read hits[path] for the reply */
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
    static const struct window_rule plan[] = {
        /* handler 2's first hits[path]++ waits, before the check, until
         * handler 1 is inside mapassign with hashWriting set */
        {2, W_MAPASSIGN_ENTRY, 1, W_MAPASSIGN_WRITING},
        /* handler 1 stays inside until handler 2 is inside too (never) */
        {1, W_MAPASSIGN_WRITING, 2, W_MAPASSIGN_WRITING},
    };
    struct sockaddr_in addr = {.sin_family = AF_INET};
    socklen_t len = sizeof(addr);
    struct client clients[nconns];
    pthread_t server, cth[nconns];
    uint64_t total = 0;
    int lfd, ok = 0;

    hits = makemap(0);
    window_plan(plan, sizeof(plan) / sizeof(plan[0]));

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
