// map-handler-global, racy: request handlers update a global map.
//
// net/http's Server.Serve starts a goroutine per connection (go
// c.serve(ctx) in src/net/http/server.go): two clients at once means two
// handlers running hits[path]++ on the same map at once.
//
// The program is self-contained: it serves on 127.0.0.1 on a port the
// kernel picks, and nconns clients, each with a connection of its own,
// send requestsPerConn requests one at a time.
//
// It runs 10 times the C variant's rounds: Go's check is best effort, and
// more rounds make it fire in more of the runs (docs/fidelity.md).
//
// Each client's first request asks its handler to hold on for a moment
// after its update (?hold=1). Go's race detector counts every socket read
// and write as synchronisation (src/syscall/syscall_unix.go: a write
// releases, a read acquires, one ioSync for all descriptors; README.md),
// so two handlers whose read-update-reply spans do not overlap are ordered
// by the I/O between them, and their race is invisible to it. On a loaded
// machine the server can serve the requests one at a time, and the race
// went unreported in 10 of 20 runs pinned to one busy core (docs/ci.md,
// "Measured"). The hold makes another connection's request arrive while a
// handler is inside.
package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

const (
	nconns          = 4
	requestsPerConn = 500 // 10 times the C variant's
	npages          = 8
	holdFor         = 20 * time.Millisecond // a first request's hold
)

var hits = map[string]int{}

func handler(w http.ResponseWriter, r *http.Request) {
	hits[r.URL.Path]++ // RACE: hits[path]++ in every handler
	if r.URL.Query().Get("hold") != "" {
		time.Sleep(holdFor)
	}
	fmt.Fprintf(w, "%d\n", hits[r.URL.Path]) // RACE: read hits[path] for the reply
}

// client sends requestsPerConn requests on a connection of its own and
// returns how many were answered.
func client(base string, id int) int {
	c := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	defer c.CloseIdleConnections()
	ok := 0
	for r := 0; r < requestsPerConn; r++ {
		url := fmt.Sprintf("%s/page/%d", base, (id+r)%npages)
		if r == 0 {
			url += "?hold=1"
		}
		resp, err := c.Get(url)
		if err != nil {
			log.Print(err)
			break
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		ok++
	}
	return ok
}

func main() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", handler)
	go http.Serve(l, mux)

	var wg sync.WaitGroup
	served := make([]int, nconns)
	for i := 0; i < nconns; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			served[i] = client("http://"+l.Addr().String(), i)
		}(i)
	}
	wg.Wait()
	l.Close()

	ok, total := 0, 0
	for i := range served {
		ok += served[i]
	}
	for p := 0; p < npages; p++ {
		total += hits[fmt.Sprintf("/page/%d", p)]
	}
	fmt.Printf("%d requests served, hits total %d (want %d)\n", ok, total, nconns*requestsPerConn)
}
