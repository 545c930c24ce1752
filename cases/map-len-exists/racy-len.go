// map-len-exists, racy-len: len(m), "only a read of one word", while
// another goroutine inserts.
//
// len(m) compiles to a plain load of h.count (the compiler inlines it; the
// runtime has no function for it). mapassign does h.count++ for every new
// key. Unlike m[k], len(m) has no hashWriting check: Go's runtime never
// notices, only a race detector can.
package main

import "fmt"

const (
	nsessions = 8 // sessions open before the race
	nlogins   = 10000
	rounds    = 10000
)

var (
	sessions = map[uint64]uint64{}
	active   int // the metric
)

func login(id, v uint64) {
	sessions[id] = v // RACE: write sessions[id] (h.count++)
}

func countSessions() int {
	return len(sessions) // RACE: len(sessions) reads h.count
}

func main() {
	for id := uint64(1); id <= nsessions; id++ {
		sessions[id] = id
	}
	done := make(chan struct{})
	go func() { // logins
		for i := uint64(0); i < nlogins; i++ {
			login(1000+i, i)
		}
		done <- struct{}{}
	}()
	first := -1
	go func() { // metrics
		for i := 0; i < rounds; i++ {
			active = countSessions()
			if i == 0 {
				first = active
			}
		}
		done <- struct{}{}
	}()
	<-done
	<-done
	fmt.Printf("first len(sessions) = %d (%d open before), last = %d; no fatal error\n", first, nsessions, active)
}
