// A data race on a global counter, the Go form of race-exit42.c: main and
// a goroutine both increment hits, and nothing orders the two.
package main

import "fmt"

var hits int

//go:noinline
func bump() {
	hits++
}

func main() {
	done := make(chan bool)
	go func() {
		bump()
		done <- true
	}()
	bump()
	<-done
	fmt.Println("hits:", hits)
}
