// map-grow-split, racy: a reader looks a key up while a writer's inserts
// split the tables of Go 1.26's map and double its directory. The key is
// in the map the whole time.
//
// The lookup (runtime.mapaccess2_fast64) checks writing once, on entry,
// then reads dirLen, globalShift, dirPtr and the chosen table's groups,
// all of which the writer's split and installTableSplit write. The C
// model arranges the tables with its own hash so that the key's table is
// the one split and the reader reads across the directory's doubling; Go's
// hash seed is random and private, so here the key is simply one of the
// keys the map starts with, and the inserts split every table in turn.
package main

import "fmt"

const (
	hint     = 1792 // two tables of 1024 slots
	nkeys    = 906  // as the C model's setup: 896 + 10
	ninserts = 10000
	rounds   = 10000
	present  = nkeys // k: in the map the whole time
)

var m = make(map[uint64]uint64, hint)

func insert(key, v uint64) {
	m[key] = v // RACE: write m[key] (rehash, split)
}

func lookup(key uint64) (uint64, bool) {
	v, ok := m[key] // RACE: read m[k]
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
