// lockfree-cas-lost-next, racy: the lock-free map of the article's section
// 4.3, as written. Store swings the head to a new node with
// compare-and-swap but never links the node to the old head: every Store
// drops the list. No data race (the head is only touched atomically, a
// node only by its maker before the CAS and by main after the Wait): a
// lost update that go run -race does not report.
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
	next  unsafe.Pointer // never set by Store
}

type lockFreeMap struct{ head unsafe.Pointer }

func (m *lockFreeMap) Store(key, value uint64) {
	for {
		old := atomic.LoadPointer(&m.head)
		n := &node{key: key, value: unsafe.Pointer(&value)}                // RACE: initialise the node (key, value); next: never
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
