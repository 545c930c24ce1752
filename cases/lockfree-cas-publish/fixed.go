// lockfree-cas-publish, fixed: the lookup loads the bucket head and every
// next with atomic.LoadPointer. Go's atomics are sequentially consistent:
// a load that sees the node the CAS published is ordered after everything
// the writer stored into it before the CAS.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"
)

const (
	nbuckets = 8
	nkeys    = 64
)

type node struct {
	key, val uint64
	next     unsafe.Pointer // *node
}

type lfmap struct {
	buckets [nbuckets]unsafe.Pointer // *node
}

func (m *lfmap) insert(k, v uint64) {
	b := &m.buckets[k%nbuckets]
	n := &node{}
	n.key = k // RACE: initialise the node (key)
	n.val = v // RACE: initialise the node (val)
	for {
		old := atomic.LoadPointer(b)
		atomic.StorePointer(&n.next, old)                            // RACE: initialise the node (next)
		if atomic.CompareAndSwapPointer(b, old, unsafe.Pointer(n)) { // RACE: publish the node
			return
		}
	}
}

func (m *lfmap) lookup(k uint64) (uint64, bool) {
	n := (*node)(atomic.LoadPointer(&m.buckets[k%nbuckets]))   // RACE: load head
	for ; n != nil; n = (*node)(atomic.LoadPointer(&n.next)) { // RACE: load next
		if n.key == k { // RACE: read key
			return n.val, true // RACE: read val
		}
	}
	return 0, false
}

var table lfmap

func main() {
	var wg sync.WaitGroup
	for w := uint64(0); w < 2; w++ { // two writers, disjoint keys, same buckets
		wg.Add(1)
		go func(first uint64) {
			defer wg.Done()
			for i := uint64(0); i < nkeys; i++ {
				table.insert(first+i, (first+i)*10)
			}
		}(w * 1000)
	}
	found := 0
	wg.Add(1)
	go func() { // one reader looks up the first writer's keys
		defer wg.Done()
		for k := uint64(0); k < nkeys; k++ {
			if v, ok := table.lookup(k); ok && v == k*10 {
				found++
			}
		}
	}()
	wg.Wait()
	fmt.Printf("reader found %d of %d keys while they were inserted\n", found, nkeys)
}
