// map-grow-read, fixed: lookups under the read lock, inserts under the
// write lock. A growth step happens inside one write critical section: a
// lookup sees the map before it or after it, never half-evacuated.
package main

import (
	"fmt"
	"sync"
)

const (
	nkeys    = 13 // two buckets, 6.5 keys each: the next new key grows the map
	ninserts = 10000
	rounds   = 10000
	present  = nkeys // k: in the map the whole time
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

func lookup(key uint64) (uint64, bool) {
	mu.RLock()
	v, ok := m[key] // RACE: read m[k]
	mu.RUnlock()
	return v, ok
}

func main() {
	for k := uint64(1); k <= nkeys; k++ {
		m[k] = k * 10
	}
	done := make(chan struct{})
	go func() { // the writer
		for i := uint64(0); i < ninserts; i++ {
			insert(1000000+i, i)
		}
		done <- struct{}{}
	}()
	go func() { // the reader
		for i := 0; i < rounds; i++ {
			if v, ok := lookup(present); !ok {
				fmt.Printf("present key reported missing: m[%d] read as %d, ok=false, lookup %d\n", present, v, i)
				break
			}
		}
		done <- struct{}{}
	}()
	<-done
	<-done
	fmt.Printf("len(m) = %d after %d inserts\n", len(m), ninserts)
}
