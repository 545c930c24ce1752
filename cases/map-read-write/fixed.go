// map-read-write, fixed: the same two goroutines, the map guarded by a
// sync.RWMutex: the reader takes the read lock, the writer the write lock.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

const rounds = 10000

func main() {
	var mu sync.RWMutex
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
			mu.RLock()
			_ = m[6] // RACE: read m[6] (mapaccess1 checks h->flags)
			mu.RUnlock()
			runtime.Gosched()
		}
		c <- struct{}{}
	}()
	<-c
	<-c
	fmt.Printf("%d reads and %d writes, no fatal error\n", rounds, rounds)
}
