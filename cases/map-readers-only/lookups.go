// map-readers-only, lookups: two goroutines look keys up in one map at the
// same time, no lock, and nobody writes it. Not a race: a data race needs
// a write, and the map was filled before the go statements, which order
// those writes before everything the goroutines do.
package main

import (
	"fmt"
	"sync"
)

const (
	nkeys  = 64
	rounds = 1000
)

var (
	m    = map[uint64]uint64{}
	hits [2]uint64 // one per reader
)

func lookup(k uint64) uint64 {
	return m[k] // RACE: v := m[k] (two readers)
}

func main() {
	for k := uint64(1); k <= nkeys; k++ {
		m[k] = k
	}
	var wg sync.WaitGroup
	for id := 0; id < 2; id++ {
		wg.Add(1)
		go func(id int) {
			var sum uint64
			for r := 0; r < rounds; r++ {
				for k := uint64(1); k <= nkeys; k++ {
					sum += lookup(k)
				}
			}
			hits[id] = sum
			wg.Done()
		}(id)
	}
	wg.Wait()
	fmt.Printf("sums %d and %d; no fatal error\n", hits[0], hits[1])
}
