// map-waitgroup-writes, racy: workers fill one map; wg.Wait() is the only
// synchronisation, and it only orders the workers before main's read.
//
// A call to Done synchronizes before the return of the Wait it unblocks
// (src/sync/waitgroup.go), so main's len(m) is fine; nothing orders one
// worker's writes against another's.
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
	m := make(map[int]int)
	var wg sync.WaitGroup
	for i := 0; i < nworkers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < perWorker; j++ {
				m[i*perWorker+j] = j * j // RACE: m[k] = v from several workers
			}
		}(i)
	}
	wg.Wait()
	fmt.Printf("len(m) = %d (want %d)\n", len(m), nworkers*perWorker)
}
