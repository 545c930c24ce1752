// map-op-pairs, racy-lookup-delete-empty: m[k] and delete(m, k) on an empty map.
//
// mapaccess1 and mapdelete both return at once on an empty map, after one read of h.count each: two reads.
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

const nkeys = 0

var (
	m            = map[uint64]uint64{}
	sink1, sink2 uint64 // one per goroutine: a shared one would race
)

func op1() uint64 {
	var sink uint64
	sink = m[1] // RACE: v := m[1] on the empty map
	return sink
}

func op2() uint64 {
	var sink uint64
	delete(m, 1) // RACE: delete(m, 1) on the empty map
	return sink
}

func main() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { sink1 = op1(); wg.Done() }()
	go func() { sink2 = op2(); wg.Done() }()
	wg.Wait()
	fmt.Printf("len(m) = %d; no fatal error\n", len(m))
}
