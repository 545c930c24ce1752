// lockfree-cas-lost-next, racy: the behaviour of the lock-free map of the
// article's section 4.3, in our own code. put publishes a new entry as
// the list's top with compare-and-swap, but never links the entry to the
// top it replaces: every put drops the list before it. No data race (top
// is only touched atomically, an entry only by its maker before the CAS
// and by main after the Wait): a lost update that go run -race does not
// report.
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

// entry: one key and a pointer to its value; link should point at the
// entry below, and is never set.
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
		e := &entry{k: k, v: unsafe.Pointer(&v)}                           // RACE: initialise the node (key, value); next: never
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
