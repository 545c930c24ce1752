// map-article-reproducer, racy: the shape of the article's chapter-1
// reproducer, in our own code. A fill goroutine assigns keys 0..n-1 of a
// fresh map while a probe goroutine looks the same keys up; a WaitGroup
// holds main until both return.
//
// What it dies of, when Go's best-effort check catches the overlap, is
// "concurrent map read and map write" (the lookup's check of the writing
// flag: mapaccess1_fast64 in Go 1.19, runtime_fast64.go in Go 1.24+), a
// message the article's list leaves out.
package main

import (
	"fmt"
	"sync"
)

const n = 1000

// fill assigns every key 0..n-1 its own value.
func fill(m map[int]int, wg *sync.WaitGroup) {
	defer wg.Done()
	for k := 0; k < n; k++ {
		m[k] = k // RACE: write m[i] (mapassign flips h->flags)
	}
}

// probe looks every key 0..n-1 up and drops the result.
func probe(m map[int]int, wg *sync.WaitGroup) {
	defer wg.Done()
	for k := 0; k < n; k++ {
		_ = m[k] // RACE: read m[i] (mapaccess1 checks h->flags)
	}
}

func main() {
	m := make(map[int]int)
	var wg sync.WaitGroup
	wg.Add(2)
	go fill(m, &wg)
	go probe(m, &wg)
	wg.Wait()
	fmt.Printf("%d writes and %d reads, len(m) = %d, no fatal error\n", n, n, len(m))
}
