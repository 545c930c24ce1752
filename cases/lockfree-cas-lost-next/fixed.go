// lockfree-cas-lost-next, fixed: racy.go with the one field it never
// sets: the new entry links to the top it replaces before the CAS
// publishes it. Every put pushes its entry; no key is lost.
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

// entry: one key, a pointer to its value, and the entry below.
type entry struct {
	k    uint64
	v    unsafe.Pointer
	link unsafe.Pointer
}

// list: a singly linked list of entries, its top swung by CAS.
type list struct{ top unsafe.Pointer }

func (l *list) put(k, v uint64) {
	for {
		seen := atomic.LoadPointer(&l.top)
		e := &entry{k: k, v: unsafe.Pointer(&v), link: seen}               // RACE: initialise the node (key, value, next)
		if atomic.CompareAndSwapPointer(&l.top, seen, unsafe.Pointer(e)) { // RACE: CAS head
			return
		}
	}
}

// count walks the list from its top.
func (l *list) count() int {
	c := 0
	for e := (*entry)(l.top); e != nil; e = (*entry)(e.link) {
		c++
	}
	return c
}

func main() {
	var l list
	var wg sync.WaitGroup
	for w := uint64(0); w < nwriters; w++ {
		wg.Add(1)
		go func(base uint64) {
			defer wg.Done()
			for i := uint64(0); i < nkeys; i++ {
				l.put(base+i, (base+i)*10)
			}
		}(w * 1000)
	}
	wg.Wait()
	fmt.Printf("keys in the map after %d Stores: %d of %d\n", nwriters*nkeys, l.count(), nwriters*nkeys)
}
