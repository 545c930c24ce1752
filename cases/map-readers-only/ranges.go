// map-readers-only, ranges: two goroutines range over one map at the same
// time, no lock, and nobody writes it. Not a race: ranging only reads the
// map (the iterator bits mapiterinit sets in h.flags are set atomically),
// and each range writes only its own iterator.
package main

import (
	"fmt"
	"sync"
)

const (
	nkeys  = 64
	rounds = 200
)

var (
	m    = map[uint64]uint64{}
	sums [2]uint64 // one per reader
)

func sumValues() uint64 {
	var sum uint64
	for _, v := range m { // RACE: range m (two readers)
		sum += v // RACE: v of range m (two readers)
	}
	return sum
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
				sum += sumValues()
			}
			sums[id] = sum
			wg.Done()
		}(id)
	}
	wg.Wait()
	fmt.Printf("sums %d and %d; no fatal error\n", sums[0], sums[1])
}
