// syncmap-type-assert, single-value: the same sync.Map of ints and
// strings, but the reader asserts with the single-value form, s :=
// v.(string), on every value it finds. The first int it meets ends the
// program: "panic: interface conversion: interface {} is int, not
// string", exit status 2. If the reader meets no int while the writer
// stores, main's pass after both are done meets key 0 and panics the same
// way.
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
			if v, ok := m.Load(i); ok { // RACE: m.Load(i)
				_ = v.(string) // an int: panic
			}
			asserts++
		}
	}()
	wg.Wait()
	fmt.Printf("%d single-value assertions during the stores, no int met\n", asserts)
	for i := 0; i < rounds; i++ {
		if v, ok := m.Load(i); ok {
			_ = v.(string)
		}
	}
	fmt.Println("no panic")
}
