// map-concurrent-writes, racy: two goroutines assign to one map.
//
// The Go original: concurrentMapWrites in runtime/testdata/testprog/map.go,
// the program Go's crash test TestConcurrentMapWrites runs. The keys differ,
// so no slot is shared; the two mapassign calls share the map header, and
// its flags word (Go's hashWriting check) is what races.
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
			m[6] = 0 // RACE: write m[6] (mapassign flips h->flags)
			runtime.Gosched()
		}
		c <- struct{}{}
	}()
	<-c
	<-c
	fmt.Printf("%d + %d assignments, no fatal error\n", rounds, rounds)
}
