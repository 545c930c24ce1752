// map-article-reproducer, fixed: the article's chapter-1 reproducer with
// the fix it recommends first, a sync.RWMutex around every access.
package main

import (
	"fmt"
	"sync"
)

const n = 1000

func main() {
	m := make(map[int]int)
	var mu sync.RWMutex
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < n; i++ {
			mu.Lock()
			m[i] = i // RACE: write m[i] (mapassign flips h->flags)
			mu.Unlock()
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < n; i++ {
			mu.RLock()
			_ = m[i] // RACE: read m[i] (mapaccess1 checks h->flags)
			mu.RUnlock()
		}
	}()
	wg.Wait()
	fmt.Printf("%d writes and %d reads, len(m) = %d, no fatal error\n", n, n, len(m))
}
