// map-clone-write, fixed: the same two goroutines, with a sync.RWMutex
// beside the map: maps.Clone under the read lock (a clone only reads the
// map), each assignment under the write lock.
//
// It runs 100 times the C variant's rounds, as racy.go does.

//go:build go1.21

package main

import (
	"fmt"
	"maps"
	"runtime"
	"sync"
)

const (
	keys   = 64
	rounds = 100000 // 100 times the C variant's
)

func main() {
	var mu sync.RWMutex
	m := make(map[uint64]uint64)
	for k := uint64(0); k < keys; k++ {
		m[k] = k
	}
	done := make(chan int)
	go func() { // the writer
		for i := 0; i < rounds; i++ {
			mu.Lock()
			m[uint64(i%keys)] = uint64(i) // RACE: write m[k] (mapassign flips the writing flag)
			mu.Unlock()
			runtime.Gosched()
		}
		done <- 0
	}()
	go func() { // the cloner
		n := 0
		for i := 0; i < rounds; i++ {
			mu.RLock()
			c := maps.Clone(m) // RACE: maps.Clone(m) reads the flag and every slot
			mu.RUnlock()
			n += len(c)
			runtime.Gosched()
		}
		done <- n
	}()
	<-done
	<-done
	fmt.Printf("%d clones beside %d writes, no fatal error\n", rounds, rounds)
}
