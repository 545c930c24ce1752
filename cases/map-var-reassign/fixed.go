// map-var-reassign, fixed: the lock that guards the map guards the
// variable cache too.
package main

import (
	"fmt"
	"sync"
)

const (
	resets = 100
	rounds = 10000
	nkeys  = 8
)

var (
	mu    sync.RWMutex
	cache = map[uint64]uint64{}
	hits  uint64
)

func reset() {
	fresh := make(map[uint64]uint64)
	mu.Lock()
	cache = fresh // RACE: cache = make(map[uint64]uint64)
	mu.Unlock()
}

func get(k uint64) uint64 {
	mu.RLock()
	defer mu.RUnlock()
	return cache[k] // RACE: cache[k] loads the variable cache
}

func main() {
	for k := uint64(1); k <= nkeys; k++ {
		cache[k] = k
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // the janitor
		for i := 0; i < resets; i++ {
			reset()
		}
		wg.Done()
	}()
	go func() { // a request handler
		for i := 0; i < rounds; i++ {
			hits += get(uint64(i)%nkeys + 1)
		}
		wg.Done()
	}()
	wg.Wait()
	fmt.Printf("%d lookups, %d resets; no fatal error\n", rounds, resets)
}
