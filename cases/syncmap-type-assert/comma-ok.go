// syncmap-type-assert, comma-ok: a sync.Map holds values of two types; a
// goroutine loads them and asserts with the comma-ok form while another
// stores them. The comma-ok form never panics: a value of another type,
// or nil for a key not stored yet, gives ok == false. Only the
// single-value form v.(string) panics on a mismatch.
package main

import (
	"fmt"
	"strconv"
	"sync"
)

const rounds = 1000

func main() {
	var m sync.Map
	var wg sync.WaitGroup
	asserts := 0
	wg.Add(2)
	go func() { // writer: ints at even keys, strings at odd keys
		defer wg.Done()
		for i := 0; i < rounds; i++ {
			if i%2 == 0 {
				m.Store(i, i) // RACE: m.Store(i, v)
			} else {
				m.Store(i, strconv.Itoa(i)) // RACE: m.Store(i, v)
			}
		}
	}()
	go func() { // reader
		defer wg.Done()
		for i := 0; i < rounds; i++ {
			v, _ := m.Load(i) // RACE: m.Load(i)
			_, _ = v.(string) // nil or int: ok == false, no panic
			asserts++
		}
	}()
	wg.Wait()
	ok, notok := 0, 0
	for i := 0; i < rounds; i++ {
		v, _ := m.Load(i)
		if _, isString := v.(string); isString {
			ok++
		} else {
			notok++
		}
	}
	fmt.Printf("%d comma-ok assertions during the stores, then %d after: %d ok (string), %d not ok (int), no panic\n",
		asserts, ok+notok, ok, notok)
}
