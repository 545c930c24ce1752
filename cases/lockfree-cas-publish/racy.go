// lockfree-cas-publish, racy: a "lock-free" map whose insert is a CAS on
// the bucket head but whose lookup walks the bucket list with plain loads.
//
// The CAS orders nothing for a reader that does not load the same word
// atomically: the writer's initialisation of the node (key, val, next)
// and the reader's reads of the same fields are a data race. On x86 it
// "works"; on arm64 or POWER the reader can follow the new pointer to a
// node whose fields are not there yet.
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
	next     *node
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
		n.next = (*node)(old)                                        // RACE: initialise the node (next)
		if atomic.CompareAndSwapPointer(b, old, unsafe.Pointer(n)) { // RACE: publish the node
			return
		}
	}
}

func (m *lfmap) lookup(k uint64) (uint64, bool) {
	n := (*node)(m.buckets[k%nbuckets]) // RACE: plain load of head
	for ; n != nil; n = n.next {        // RACE: plain load of next
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
