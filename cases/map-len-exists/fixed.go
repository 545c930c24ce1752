// map-len-exists, fixed: len(m) and the lookup under the read lock, the
// inserts under the write lock.
package main

import (
	"fmt"
	"sync"
)

const (
	nsessions = 8 // sessions open before the race; 1 is the admin
	nlogins   = 10000
	rounds    = 10000
	admin     = 1
)

var (
	mu       sync.RWMutex
	sessions = map[uint64]uint64{}
	active   int // the metric
)

func login(id, v uint64) {
	mu.Lock()
	sessions[id] = v // RACE: write sessions[id] (h.count++)
	mu.Unlock()
}

func countSessions() int {
	mu.RLock()
	defer mu.RUnlock()
	return len(sessions) // RACE: len(sessions) reads h.count
}

func loggedIn(id uint64) bool {
	mu.RLock()
	defer mu.RUnlock()
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
	go func() { // the reader
		for i := 0; i < rounds; i++ {
			active = countSessions()
			if !loggedIn(admin) {
				denied++
			}
		}
		done <- struct{}{}
	}()
	<-done
	<-done
	fmt.Printf("%d reads, last len(sessions) = %d, %d denied; no fatal error\n", rounds, active, denied)
}
