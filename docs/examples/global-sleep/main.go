// global-sleep: a package-level variable written by one goroutine and
// printed by another, with main sleeping a millisecond before it returns
// (docs/article.md, section 2.2). A sleep orders nothing: the write and
// the read race however long it is, and go run -race reports a write
// against a read (the article says only concurrent writes are reported).
//
// Usage:
//
//	go run -race main.go [-sleep 1ms]
package main

import (
	"flag"
	"fmt"
	"time"
)

var addr string

func main() {
	sleep := flag.Duration("sleep", time.Millisecond, "how long main sleeps")
	flag.Parse()
	go func() {
		addr = ":8080" // RACE: write addr
	}()
	go func() {
		fmt.Println("addr =", addr) // RACE: read addr
	}()
	time.Sleep(*sleep)
}
