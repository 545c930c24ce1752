// map-read-write, racy: one goroutine reads a map while another writes it.
//
// The Go original: concurrentMapReadWrite in
// runtime/testdata/testprog/map.go. The keys differ, so no slot is shared;
// the reader's lookup reads the flags word that the writer's mapassign
// flips (Go's hashWriting check), and that is the race.
package main

import (
	"fmt"
	"runtime"
)

const rounds = 10000

func main() {
	m := map[int]int{}
	m[5] = 0
	m[6] = 0
	c := make(chan struct{})
	go func() {
		for i := 0; i < rounds; i++ {
			m[5] = 0 // RACE: write m[5] (mapassign flips h->flags)
			runtime.Gosched()
		}
		c <- struct{}{}
	}()
	go func() {
		for i := 0; i < rounds; i++ {
			_ = m[6] // RACE: read m[6] (mapaccess1 checks h->flags)
			runtime.Gosched()
		}
		c <- struct{}{}
	}()
	<-c
	<-c
	fmt.Printf("%d reads and %d writes, no fatal error\n", rounds, rounds)
}
