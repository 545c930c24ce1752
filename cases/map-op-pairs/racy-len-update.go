// map-op-pairs, racy-len-update: len(m) and an update of a present key.
//
// An update of a present key writes h.flags (hashWriting) and the elem, never h.count, and len(m) reads only h.count.
// In the memory they touch the two calls never meet as a write and another
// access; the race detector reports them anyway, because it treats the map
// as one object: every map call reads or writes the header at its entry
// (runtime/map_fast64.go, map.go: racereadpc, racewritepc), and len(m) is
// a read of the header.
package main

import (
	"fmt"
	"sync"
)

const nkeys = 4

var (
	m            = map[uint64]uint64{}
	sink1, sink2 uint64 // one per goroutine: a shared one would race
)

func op1() uint64 {
	var sink uint64
	sink = uint64(len(m)) // RACE: len(m)
	return sink
}

func op2() uint64 {
	var sink uint64
	m[1] = 10 // RACE: m[1] = 10, key 1 present
	return sink
}

func main() {
	for k := uint64(1); k <= nkeys; k++ {
		m[k] = k
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { sink1 = op1(); wg.Done() }()
	go func() { sink2 = op2(); wg.Done() }()
	wg.Wait()
	fmt.Printf("len(m) = %d; no fatal error\n", len(m))
}
