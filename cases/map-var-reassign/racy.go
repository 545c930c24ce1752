// map-var-reassign, racy: one goroutine empties a cache by making a new
// map while another looks keys up in it. The race is on the variable
// cache (one pointer word), not in any map: cache[k] loads the variable,
// and the janitor stores a new map into it, with nothing ordering the two.
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
	cache = map[uint64]uint64{}
	hits  uint64
)

func reset() {
	cache = make(map[uint64]uint64) // RACE: cache = make(map[uint64]uint64)
}

func get(k uint64) uint64 {
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
