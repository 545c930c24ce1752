// syncmap-eager-init, racy: a cache of connections in a sync.Map, filled
// with LoadOrStore(addr, dial(addr)).
//
// Go evaluates a call's arguments before the call: dial runs on every
// get, hit or miss, and LoadOrStore throws the new connection away
// whenever the key is already there (golang/go#27114). No data race: the
// cost is work. The program counts the dials.
package main

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
)

const (
	rounds = 2000
	naddrs = 4
)

type Conn struct{ addr int }

func (c *Conn) Close() {}

var (
	conns     sync.Map // addr -> *Conn
	dials     atomic.Int64
	discarded atomic.Int64
)

// dial is the expensive initializer.
func dial(addr int) *Conn {
	dials.Add(1)
	return &Conn{addr: addr}
}

func get(addr int) *Conn {
	c := dial(addr) // the argument, evaluated first
	v, loaded := conns.LoadOrStore(addr, c)
	if loaded { // the new connection is not used
		c.Close()
		discarded.Add(1)
	}
	return v.(*Conn)
}

func main() {
	var wg sync.WaitGroup
	var bad atomic.Int64
	for h := 0; h < 2; h++ { // two request handlers
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				if addr := i % naddrs; get(addr).addr != addr {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if bad.Load() != 0 {
		fmt.Println("get returned a connection to the wrong address")
		os.Exit(1)
	}
	fmt.Printf("dial ran %d times for %d addresses (%d gets): %d connections dialed for nothing\n",
		dials.Load(), naddrs, 2*rounds, discarded.Load())
}
