// map-len-exists, racy-exists: `_, ok := m[k]`, "only a membership test",
// while another goroutine inserts.
//
// `_, ok := m[k]` is mapaccess2_fast64: it reads h.flags (Go's hashWriting
// check), then h.B, h.buckets and the slots, all of which mapassign
// writes. Discarding the value does not make it a lesser read.
package main

import "fmt"

const (
	nsessions = 8 // sessions open before the race; 1 is the admin
	nlogins   = 10000
	rounds    = 10000
	admin     = 1
)

var sessions = map[uint64]uint64{}

func login(id, v uint64) {
	sessions[id] = v // RACE: write sessions[id]
}

func loggedIn(id uint64) bool {
	_, ok := sessions[id] // RACE: _, ok := sessions[id]
	return ok
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
	denied := 0
	go func() { // the checker
		for i := 0; i < rounds; i++ {
			if !loggedIn(admin) {
				denied++
			}
		}
		done <- struct{}{}
	}()
	<-done
	<-done
	fmt.Printf("%d membership tests, %d denied; no fatal error\n", rounds, denied)
}
