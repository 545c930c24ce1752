// map-iterate-write, racy-lockstep: the wrong fix. The auditor holds the
// read lock for each step of the range only, and lets it go while it
// works on the value. Every map access is under mu, so there is no data
// race and Go's check never fires; but a transaction can fall between two
// steps of one range, and the total is then torn.
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
		mu.RUnlock() // "so that the bank is not held up"
		total += v
		mu.RLock()
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
