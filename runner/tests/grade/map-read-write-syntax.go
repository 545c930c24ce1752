// TEST FIXTURE for maprace grade: the catalog's fixed.go with an
// closing parenthesis missing (the line marked "missing"). The grader must say once
// that it does not compile, with this file's path and line, and check
// nothing else.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

const rounds = 100000 // 10 times the C variant's

func main() {
	var mu sync.RWMutex
	m := map[int]int{}
	m[5] = 0
	m[6] = 0
	c := make(chan struct{})
	go func() {
		for i := 0; i < rounds; i++ {
			mu.Lock()
			m[5] = 0
			mu.Unlock( // missing )
			runtime.Gosched()
		}
		c <- struct{}{}
	}()
	go func() {
		for i := 0; i < rounds; i++ {
			mu.RLock()
			_ = m[6]
			mu.RUnlock()
			runtime.Gosched()
		}
		c <- struct{}{}
	}()
	<-c
	<-c
	fmt.Printf("%d reads and %d writes, no fatal error\n", rounds, rounds)
}
