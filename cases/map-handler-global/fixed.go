// map-handler-global, fixed: the global map behind a sync.Mutex. The
// increment and the read of the value for the reply are one critical
// section, and no I/O happens under the lock.
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
	requestsPerConn = 50
	npages          = 8
)

var (
	mu   sync.Mutex
	hits = map[string]int{}
)

func handler(w http.ResponseWriter, r *http.Request) {
	mu.Lock()
	hits[r.URL.Path]++    // RACE: hits[path]++ in every handler
	n := hits[r.URL.Path] // RACE: read hits[path] for the reply
	mu.Unlock()
	fmt.Fprintf(w, "%d\n", n)
}

// client sends requestsPerConn requests on a connection of its own and
// returns how many were answered.
func client(base string, id int) int {
	c := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	defer c.CloseIdleConnections()
	ok := 0
	for r := 0; r < requestsPerConn; r++ {
		resp, err := c.Get(fmt.Sprintf("%s/page/%d", base, (id+r)%npages))
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
	mu.Lock()
	for p := 0; p < npages; p++ {
		total += hits[fmt.Sprintf("/page/%d", p)]
	}
	mu.Unlock()
	fmt.Printf("%d requests served, hits total %d (want %d)\n", ok, total, nconns*requestsPerConn)
}
