// map-iterate-write, racy: one goroutine ranges over a map while another
// writes it.
//
// The Go original: concurrentMapIterateWrite in
// runtime/testdata/testprog/map.go, with bank accounts in the map so that
// what the range computes can be checked. mapiternext reads the flags word
// (Go's check) and the slots; mapassign flips hashWriting and writes the
// slots. Nothing orders the two.
//
// It runs 10 times the C variant's rounds: Go's check is best effort, and
// more rounds make it fire in more of the runs (docs/fidelity.md).
//
// Every 100 rounds each goroutine adds 1 to a counter of its own with
// sync/atomic (keepRecent). No other goroutine touches that counter, so it
// orders nothing: the race is still a race. It is there for the race
// detector, which keeps, for each memory word, a goroutine's first access
// since that goroutine's last synchronising operation, and can report a
// race only while that access is still in the goroutine's bounded history.
// When one goroutine ran all its rounds before the other began (a loaded
// machine), that first access was long gone and the race went unreported
// (docs/ci.md, "Measured").
package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
)

const (
	naccounts = 8
	balance   = 1000  // each account's opening balance
	rounds    = 10000 // 10 times the C variant's
)

var accounts = map[int]int{}

// transact moves 10 from every even account to the next one: the total
// does not change.
func transact() {
	for a := 0; a < naccounts; a += 2 {
		accounts[a] -= 10   // RACE: write accounts[a]
		accounts[a+1] += 10 // RACE: write accounts[a+1]
	}
}

func audit() int {
	total := 0
	for _, v := range accounts { // RACE: range accounts
		total += v
	}
	return total
}

// keepRecent: see the comment at the top.
func keepRecent(counter *uint32) { atomic.AddUint32(counter, 1) }

func main() {
	for a := 0; a < naccounts; a++ {
		accounts[a] = balance
	}
	done := make(chan struct{})
	go func() { // the bank
		var mine uint32
		for i := 0; i < rounds; i++ {
			if i%100 == 0 {
				keepRecent(&mine)
			}
			transact()
			runtime.Gosched()
		}
		done <- struct{}{}
	}()
	go func() { // the auditor
		want := naccounts * balance
		var mine uint32
		for i := 0; i < rounds; i++ {
			if i%100 == 0 {
				keepRecent(&mine)
			}
			if total := audit(); total != want {
				fmt.Printf("torn snapshot: total %d, want %d\n", total, want)
			}
			runtime.Gosched()
		}
		done <- struct{}{}
	}()
	<-done
	<-done
	fmt.Printf("%d audits during %d transactions, no fatal error\n", rounds, rounds)
}
