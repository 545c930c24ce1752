// map-clone-write, racy: one goroutine assigns to a map while another
// clones it with maps.Clone (Go 1.21), with no lock.
//
// maps.Clone copies the map inside the runtime (mapclone): it checks the
// map's writing flag once, then reads every bucket (group) of the map,
// while the writer flips that flag and writes slots. That check is Go's
// fourth map message: "concurrent map clone and map write".
//
// It runs 100 times the C variant's rounds: Go's check is best effort, and
// more rounds make it fire in more of the runs (docs/fidelity.md).

//go:build go1.21

package main

import (
	"fmt"
	"maps"
	"runtime"
)

const (
	keys   = 64
	rounds = 100000 // 100 times the C variant's
)

func main() {
	m := make(map[uint64]uint64)
	for k := uint64(0); k < keys; k++ {
		m[k] = k
	}
	done := make(chan int)
	go func() { // the writer
		for i := 0; i < rounds; i++ {
			m[uint64(i%keys)] = uint64(i) // RACE: write m[k] (mapassign flips the writing flag)
			runtime.Gosched()
		}
		done <- 0
	}()
	go func() { // the cloner
		n := 0
		for i := 0; i < rounds; i++ {
			c := maps.Clone(m) // RACE: maps.Clone(m) reads the flag and every slot
			n += len(c)
			runtime.Gosched()
		}
		done <- n
	}()
	<-done
	<-done
	fmt.Printf("%d clones beside %d writes, no fatal error\n", rounds, rounds)
}
