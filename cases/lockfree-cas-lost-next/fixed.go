// lockfree-cas-lost-next, fixed: the article's section 4.3 map with the
// one line it lacks: the new node points to the old head before the CAS
// publishes it. Every Store pushes its node; no key is lost.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"
)

const (
	nkeys    = 64
	nwriters = 2
)

type node struct {
	key   uint64
	value unsafe.Pointer
	next  unsafe.Pointer
}

type lockFreeMap struct{ head unsafe.Pointer }

func (m *lockFreeMap) Store(key, value uint64) {
	for {
		old := atomic.LoadPointer(&m.head)
		n := &node{key: key, value: unsafe.Pointer(&value), next: old}     // RACE: initialise the node (key, value, next)
		if atomic.CompareAndSwapPointer(&m.head, old, unsafe.Pointer(n)) { // RACE: CAS head
			return
		}
	}
}

func main() {
	var m lockFreeMap
	var wg sync.WaitGroup
	for w := uint64(0); w < nwriters; w++ {
		wg.Add(1)
		go func(w uint64) {
			defer wg.Done()
			for i := uint64(0); i < nkeys; i++ {
				k := w*1000 + i
				m.Store(k, k*10)
			}
		}(w)
	}
	wg.Wait()
	found := 0
	for n := (*node)(m.head); n != nil; n = (*node)(n.next) {
		found++
	}
	fmt.Printf("keys in the map after %d Stores: %d of %d\n", nwriters*nkeys, found, nwriters*nkeys)
}
