// map-waitgroup-writes, fixed-merge: each worker fills a map of its own;
// main merges them after wg.Wait(). No two goroutines ever touch the same
// map, and no lock is needed.
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
	var wg sync.WaitGroup
	parts := make([]map[int]int, nworkers)
	for i := 0; i < nworkers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			part := make(map[int]int, perWorker) // this worker's own
			for j := 0; j < perWorker; j++ {
				part[i*perWorker+j] = j * j // RACE: m[k] = v (now into this worker's part)
			}
			parts[i] = part
		}(i)
	}
	wg.Wait()
	m := make(map[int]int, nworkers*perWorker)
	for _, part := range parts { // after Wait: every part is complete
		for k, v := range part {
			m[k] = v
		}
	}
	fmt.Printf("len(m) = %d (want %d)\n", len(m), nworkers*perWorker)
}
