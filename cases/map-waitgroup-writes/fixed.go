// map-waitgroup-writes, fixed: each write under one sync.Mutex; wg.Wait()
// still orders every write before main's len(m).
package main

import (
	"fmt"
	"sync"
)

const (
	nworkers  = 4
	perWorker = 100
)

func main() {
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	m := make(map[int]int)
	for i := 0; i < nworkers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < perWorker; j++ {
				mu.Lock()
				m[i*perWorker+j] = j * j // RACE: m[k] = v from several workers (under mu)
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	fmt.Printf("len(m) = %d (want %d)\n", len(m), nworkers*perWorker)
}
