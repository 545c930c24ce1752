// map-iterate-write, racy: one goroutine ranges over a map while another
// writes it.
//
// The Go original: concurrentMapIterateWrite in
// runtime/testdata/testprog/map.go, with bank accounts in the map so that
// what the range computes can be checked. mapiternext reads the flags word
// (Go's check) and the slots; mapassign flips hashWriting and writes the
// slots. Nothing orders the two.
package main

import (
	"fmt"
	"runtime"
)

const (
	naccounts = 8
	balance   = 1000 // each account's opening balance
	rounds    = 1000
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

func main() {
	for a := 0; a < naccounts; a++ {
		accounts[a] = balance
	}
	done := make(chan struct{})
	go func() { // the bank
		for i := 0; i < rounds; i++ {
			transact()
			runtime.Gosched()
		}
		done <- struct{}{}
	}()
	go func() { // the auditor
		want := naccounts * balance
		for i := 0; i < rounds; i++ {
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
