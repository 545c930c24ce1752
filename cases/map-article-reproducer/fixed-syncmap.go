// map-article-reproducer, fixed-syncmap: the article's chapter-1
// reproducer with its other fix, a sync.Map instead of the map.
package main

import (
	"fmt"
	"sync"
)

const n = 1000

func main() {
	var m sync.Map
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < n; i++ {
			m.Store(i, i) // RACE: write m[i] (sync.Map Store)
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < n; i++ {
			m.Load(i) // RACE: read m[i] (sync.Map Load)
		}
	}()
	wg.Wait()
	stored := 0
	for i := 0; i < n; i++ {
		if _, ok := m.Load(i); ok {
			stored++
		}
	}
	fmt.Printf("%d writes and %d reads, %d keys stored, no fatal error\n", n, n, stored)
}
