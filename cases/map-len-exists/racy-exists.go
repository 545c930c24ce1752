// map-len-exists, racy-exists: `_, ok := m[k]`, "only a membership test",
// while another goroutine inserts.
//
// `_, ok := m[k]` is mapaccess2_fast64: it reads h.flags (Go's hashWriting
// check), then h.B, h.buckets and the slots, all of which mapassign
// writes. Discarding the value does not make it a lesser read.
//
// It runs 10 times the C variant's rounds: Go's check is best effort, and
// more rounds make it fire in more of the runs (docs/fidelity.md).
//
// Every 1000 rounds each goroutine adds 1 to a counter of its own with
// sync/atomic (keepRecent). No other goroutine touches that counter, so it
// orders nothing: the race is still a race. It is there for the race
// detector, which keeps, for each memory word, a goroutine's first access
// since that goroutine's last synchronising operation, and can report a
// race only while that access is still in the goroutine's bounded history.
// When one goroutine ran all its rounds before the other began (a loaded
// machine), that first access was long gone and the race went unreported
// (docs/ci.md, "Measured").
package main

import (
	"fmt"
	"sync/atomic"
)

const (
	nsessions = 8      // sessions open before the race; 1 is the admin
	nlogins   = 100000 // 10 times the C variant's
	rounds    = 100000 // 10 times the C variant's
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

// keepRecent: see the comment at the top.
func keepRecent(counter *uint32) { atomic.AddUint32(counter, 1) }

func main() {
	for id := uint64(1); id <= nsessions; id++ {
		sessions[id] = id
	}
	done := make(chan struct{})
	go func() { // logins
		var mine uint32
		for i := uint64(0); i < nlogins; i++ {
			if i%1000 == 0 {
				keepRecent(&mine)
			}
			login(1000+i, i)
		}
		done <- struct{}{}
	}()
	denied := 0
	go func() { // the checker
		var mine uint32
		for i := 0; i < rounds; i++ {
			if i%1000 == 0 {
				keepRecent(&mine)
			}
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
