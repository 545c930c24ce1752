// map-op-pairs, fixed: the six pairs of the racy variants, each call under
// one sync.Mutex. For each pair two goroutines, one per call, on a map of
// the pair's own (empty, or four keys): the lock orders the two calls, and
// go -race is silent.
package main

import (
	"fmt"
	"sync"
)

const (
	npairs = 6
	nkeys  = 4
)

// Which call a goroutine makes.
type op int

const (
	opLen op = iota
	opLookup
	opRange
	opDelete1
	opDelete2
	opDeleteAbsent
	opUpdate
)

type pair struct {
	name string
	full bool // the map has nkeys keys; else it is empty
	op   [2]op
}

var pairs = [npairs]pair{
	{"len / delete, empty map", false, [2]op{opLen, opDelete1}},
	{"len / update of a present key", true, [2]op{opLen, opUpdate}},
	{"len / delete of an absent key", true, [2]op{opLen, opDeleteAbsent}},
	{"delete / delete, empty map", false, [2]op{opDelete1, opDelete2}},
	{"lookup / delete, empty map", false, [2]op{opLookup, opDelete1}},
	{"range / delete, empty map", false, [2]op{opRange, opDelete1}},
}

var (
	maps  [npairs]map[uint64]uint64
	mu    sync.Mutex
	sinks [npairs][2]uint64 // one per goroutine
)

// mu.Lock(); <the call>; mu.Unlock()
func call(m map[uint64]uint64, o op) uint64 {
	var sink uint64
	mu.Lock()
	defer mu.Unlock()
	switch o {
	case opLen:
		sink = uint64(len(m)) // RACE: len(m)
	case opLookup:
		sink = m[1] // RACE: v := m[1] on the empty map
	case opRange:
		for _, v := range m { // RACE: range m on the empty map
			sink += v
		}
	case opDelete1:
		delete(m, 1) // RACE: delete(m, 1) on the empty map
	case opDelete2:
		delete(m, 2) // RACE: delete(m, 2) on the empty map
	case opDeleteAbsent:
		delete(m, 99) // RACE: delete(m, 99), key 99 absent
	case opUpdate:
		m[1] = 10 // RACE: m[1] = 10, key 1 present
	}
	return sink
}

func main() {
	for p := range pairs {
		maps[p] = map[uint64]uint64{}
		if pairs[p].full {
			for k := uint64(1); k <= nkeys; k++ {
				maps[p][k] = k
			}
		}
	}
	var wg sync.WaitGroup
	for p := range pairs {
		for s := 0; s < 2; s++ {
			wg.Add(1)
			go func(p, s int) {
				sinks[p][s] = call(maps[p], pairs[p].op[s])
				wg.Done()
			}(p, s)
		}
	}
	wg.Wait()
	for p := range pairs {
		fmt.Printf("%s: len(m) = %d\n", pairs[p].name, len(maps[p]))
	}
	fmt.Println("no fatal error")
}
