// map-grow-iterate, fixed: the reporter holds the read lock across the
// whole range; each insert, and so each growth step, holds the write lock.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

const (
	nkeys    = 13 // keys 1..13, there from the start
	ninserts = 1000
	rounds   = 100
)

var (
	mu sync.RWMutex
	m  = make(map[uint64]uint64, nkeys)
)

func insert(key, v uint64) {
	mu.Lock()
	m[key] = v // RACE: write m[key] (hashGrow, evacuate)
	mu.Unlock()
}

// report counts how often the range sees each of the first keys.
func report() (seen [nkeys + 1]int) {
	mu.RLock()
	for k := range m { // RACE: range m
		if k <= nkeys {
			seen[k]++
		}
	}
	mu.RUnlock()
	return seen
}

func main() {
	for k := uint64(1); k <= nkeys; k++ {
		m[k] = k * 10
	}
	done := make(chan struct{})
	go func() { // the filler
		for i := uint64(0); i < ninserts; i++ {
			insert(1000000+i, i)
			runtime.Gosched()
		}
		done <- struct{}{}
	}()
	go func() { // the reporter
		for i := 0; i < rounds; i++ {
			seen := report()
			for k := 1; k <= nkeys; k++ {
				if seen[k] != 1 {
					fmt.Printf("key %d seen %d times in one range (round %d)\n", k, seen[k], i)
				}
			}
		}
		done <- struct{}{}
	}()
	<-done
	<-done
	fmt.Printf("%d ranges during %d inserts, no fatal error\n", rounds, ninserts)
}
