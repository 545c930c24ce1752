// map-concurrent-writes, fixed: the same two goroutines, each assignment
// under one sync.Mutex kept beside the map.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

const rounds = 10000

func main() {
	var mu sync.Mutex
	m := map[int]int{}
	m[5] = 0
	m[6] = 0
	c := make(chan struct{})
	go func() {
		for i := 0; i < rounds; i++ {
			mu.Lock()
			m[5] = 0 // RACE: write m[5] (mapassign flips h->flags)
			mu.Unlock()
			runtime.Gosched()
		}
		c <- struct{}{}
	}()
	go func() {
		for i := 0; i < rounds; i++ {
			mu.Lock()
			m[6] = 0 // RACE: write m[6] (mapassign flips h->flags)
			mu.Unlock()
			runtime.Gosched()
		}
		c <- struct{}{}
	}()
	<-c
	<-c
	fmt.Printf("%d + %d assignments, no fatal error\n", rounds, rounds)
}
