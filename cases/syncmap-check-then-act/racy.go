// syncmap-check-then-act, racy: a hit counter kept in a sync.Map, updated
// with Load, then Store.
//
// Each call is safe: Load and Store synchronize through sync.Map's atomics
// and mutex, so there is no data race and no race detector has anything to
// report. But two calls are not one: a handler that loads n, then stores
// n+1, overwrites whatever another handler stored in between.
package main

import (
	"fmt"
	"sync"
)

const (
	rounds = 5000
	page   = "/page/42"
)

var hits sync.Map // page -> count

func record(page string) {
	v, _ := hits.Load(page) // RACE: check: n := hits.Load(page)
	n, _ := v.(int)
	hits.Store(page, n+1) // RACE: act: hits.Store(page, n+1)
}

func main() {
	hits.Store(page, 0)
	var wg sync.WaitGroup
	for h := 0; h < 2; h++ { // two request handlers
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				record(page)
			}
		}()
	}
	wg.Wait()
	v, _ := hits.Load(page)
	if n := v.(int); n != 2*rounds {
		fmt.Printf("lost updates: %d (hits = %d, want %d)\n", 2*rounds-n, n, 2*rounds)
	} else {
		fmt.Printf("every update counted: hits = %d\n", n)
	}
}
