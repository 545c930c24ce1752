// map-article-reproducer, racy: the article's chapter-1 reproducer. One
// goroutine fills a fresh map with 1000 keys while another reads the same
// keys; a WaitGroup waits for both.
//
// What it dies of, when Go's best-effort check catches the overlap, is
// "concurrent map read and map write" (mapaccess1_fast64's check in
// src/runtime/map_fast64.go), a message the article's list leaves out.
package main

import (
	"fmt"
	"sync"
)

const n = 1000

func main() {
	m := make(map[int]int)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < n; i++ {
			m[i] = i // RACE: write m[i] (mapassign flips h->flags)
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < n; i++ {
			_ = m[i] // RACE: read m[i] (mapaccess1 checks h->flags)
		}
	}()
	wg.Wait()
	fmt.Printf("%d writes and %d reads, len(m) = %d, no fatal error\n", n, n, len(m))
}
