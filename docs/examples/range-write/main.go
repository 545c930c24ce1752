// range-write: one goroutine ranges over a map while another writes it,
// with no lock (docs/article.md, section 3.1).
//
// Usage:
//
//	go run main.go          # the article's shape: main returns at once
//	go run main.go -wait    # main waits for both goroutines
//
// Without -wait, main starts the two goroutines and returns, as the
// article's example does: the program may end before either runs. With
// -wait, main waits for both: the writer inserts n new keys (the map
// grows), the reader ranges over the map again and again until the writer
// is done, and Go's best-effort check has a chance to fire. Which message
// it prints depends on the map: Go 1.19's mapiternext throws "concurrent
// map iteration and map write"; Go 1.24+'s iterator does too
// (internal/runtime/maps, Iter.Next), and after a growth it looks the key
// up in the new table (Map.getWithKey), whose check throws "concurrent
// map read and map write".
package main

import (
	"flag"
	"fmt"
	"sync"
	"sync/atomic"
)

func main() {
	wait := flag.Bool("wait", false, "wait for both goroutines")
	n := flag.Int("n", 1<<16, "keys the writer inserts")
	flag.Parse()

	counts := map[int]int{0: 0}
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // reader
		defer wg.Done()
		for !done.Load() {
			sum := 0
			for _, v := range counts { // RACE: range counts
				sum += v
			}
		}
	}()
	go func() { // writer
		defer wg.Done()
		for i := 1; i <= *n; i++ {
			counts[i] = i // RACE: counts[i] = i
		}
		done.Store(true)
	}()
	if *wait {
		wg.Wait()
		fmt.Printf("both done: %d keys, no fatal error\n", len(counts))
	}
}
