// map-grow-split, fixed: lookups under the read lock, inserts under the
// write lock. A split, directory and all, happens inside one write
// critical section: a lookup sees the directory before it or after it,
// never a new shift over an old directory.
package main

import (
	"fmt"
	"sync"
)

const (
	hint     = 1792 // two tables of 1024 slots
	nkeys    = 906  // as the C model's setup: 896 + 10
	ninserts = 10000
	rounds   = 10000
	present  = nkeys // k: in the map the whole time
)

var (
	mu sync.RWMutex
	m  = make(map[uint64]uint64, hint)
)

func insert(key, v uint64) {
	mu.Lock()
	m[key] = v // RACE: write m[key] (rehash, split)
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
