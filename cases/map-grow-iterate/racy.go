// map-grow-iterate, racy: a goroutine ranges over a map while another
// goroutine's inserts make it grow.
//
// The map starts with 13 keys in 2 buckets (6.5 per bucket), so the
// filler's first insert starts a growth (hashGrow), and each later insert
// evacuates old buckets (growWork, evacuate) while the range reads them.
package main

import (
	"fmt"
	"runtime"
)

const (
	nkeys    = 13 // keys 1..13, there from the start
	ninserts = 1000
	rounds   = 100
)

var m = make(map[uint64]uint64, nkeys)

func insert(key, v uint64) {
	m[key] = v // RACE: write m[key] (hashGrow, evacuate)
}

// report counts how often the range sees each of the first keys.
func report() (seen [nkeys + 1]int) {
	for k := range m { // RACE: range m
		if k <= nkeys {
			seen[k]++
		}
	}
	return seen
}

func main() {
	for k := uint64(1); k <= nkeys; k++ {
		m[k] = k * 10
	}
	done := make(chan struct{})
	go func() { // the filler
		for i := uint64(0); i < ninserts; i++ {
			insert(1000000+i, i)
			runtime.Gosched()
		}
		done <- struct{}{}
	}()
	go func() { // the reporter
		for i := 0; i < rounds; i++ {
			seen := report()
			for k := 1; k <= nkeys; k++ {
				if seen[k] != 1 {
					fmt.Printf("key %d seen %d times in one range (round %d)\n", k, seen[k], i)
				}
			}
		}
		done <- struct{}{}
	}()
	<-done
	<-done
	fmt.Printf("%d ranges during %d inserts, no fatal error\n", rounds, ninserts)
}
