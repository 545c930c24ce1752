// map-iterate-write, fixed: the auditor holds the read lock across the
// whole range, the bank the write lock across a whole transaction. No
// write can start while a range is between two of its steps.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

const (
	naccounts = 8
	balance   = 1000 // each account's opening balance
	rounds    = 1000
)

var (
	mu       sync.RWMutex
	accounts = map[int]int{}
)

// transact moves 10 from every even account to the next one, under the
// write lock: the total does not change.
func transact() {
	mu.Lock()
	for a := 0; a < naccounts; a += 2 {
		accounts[a] -= 10   // RACE: write accounts[a]
		accounts[a+1] += 10 // RACE: write accounts[a+1]
	}
	mu.Unlock()
}

func audit() int {
	total := 0
	mu.RLock()
	for _, v := range accounts { // RACE: range accounts
		total += v
	}
	mu.RUnlock()
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
