// map-grow-read, racy: a reader looks a key up while a writer's inserts
// make the map grow. The key is in the map the whole time.
//
// The lookup (mapaccess2_fast64) checks hashWriting once, on entry, then
// reads h.B, h.buckets, h.oldbuckets, the old bucket's evacuation mark
// and the slots, all of which hashGrow and evacuate write. The C model
// arranges the buckets with its own hash so that the key sits in the
// first bucket evacuated; Go's hash seed is random and private, so here
// the key is simply one of the 13 that fill the map's two buckets.
package main

import "fmt"

const (
	nkeys    = 13 // two buckets, 6.5 keys each: the next new key grows the map
	ninserts = 10000
	rounds   = 10000
	present  = nkeys // k: in the map the whole time
)

var m = make(map[uint64]uint64, nkeys)

func insert(key, v uint64) {
	m[key] = v // RACE: write m[key] (hashGrow, evacuate)
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
