// map-key-copy, racy: the map is locked correctly, but the key struct a
// lookup copies is written by another goroutine with no lock. The race is
// on the key object, not in the map: quotas[current] reads all 72 bytes
// of current (mapaccess1 hashes and compares them; the race detector
// records the read, raceReadObjectPC), and the login code writes
// current.ID with no lock.
package main

import (
	"fmt"
	"sync"
)

const (
	nusers = 4
	rounds = 1000
)

type Key struct {
	Tenant [8]uint64
	ID     uint64
}

var (
	mu      sync.Mutex
	quotas  = map[Key]uint64{}
	current Key // the shared key object
	total   uint64
)

func switchUser(id uint64) {
	current.ID = id // RACE: current.ID = id (the key object)
}

func quotaOfCurrent() uint64 {
	mu.Lock()
	defer mu.Unlock()
	return quotas[current] // RACE: quotas[current]
}

func main() {
	k := Key{Tenant: [8]uint64{7}}
	for id := uint64(0); id < nusers; id++ {
		k.ID = id
		quotas[k] = 100 + id
	}
	current = k
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // login
		for i := 0; i < rounds; i++ {
			switchUser(uint64(i) % nusers)
		}
		wg.Done()
	}()
	go func() { // handler
		for i := 0; i < rounds; i++ {
			total += quotaOfCurrent()
		}
		wg.Done()
	}()
	wg.Wait()
	fmt.Printf("%d lookups; no fatal error\n", rounds)
}
