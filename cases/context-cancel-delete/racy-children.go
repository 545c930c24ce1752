// context-cancel-delete, racy-children: a home-grown cancellation tree,
// shaped as the context package's cancelCtx, whose propagateCancel adds
// the child to its parent's children without the parent's lock (a "fast
// path": the parent is "almost never canceled"), while another goroutine
// cancels the parent.
//
// The context package's own propagateCancel (src/context/context.go)
// takes p.mu around the check of p.err and the insertion; cancel holds the
// same p.mu from setting p.err to setting p.children to nil. Without the
// lock in propagateCancel, a child added after cancel's walk lands in a
// map nobody walks again: it is never canceled.
package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

const (
	requests = 100
	earlier  = 3
)

type cancelCtx struct {
	mu       sync.Mutex // guards done's closing, children and err
	done     chan struct{}
	children map[*cancelCtx]struct{}
	err      error
}

// withCancel derives a child of p, linked by the lock-less
// propagateCancel.
func withCancel(p *cancelCtx) *cancelCtx {
	c := &cancelCtx{done: make(chan struct{})}
	propagateCancel(p, c)
	return c
}

// propagateCancel links child to p, with p.mu.Lock() taken out.
func propagateCancel(p, child *cancelCtx) {
	select {
	case <-p.done: // p is already canceled
		child.cancel(p.Err())
		return
	default:
	}
	// p.mu.Lock() was here
	if p.err != nil { // RACE: read p.err without p.mu
		child.cancel(p.err)
	} else {
		if p.children == nil { // RACE: read p.children
			p.children = make(map[*cancelCtx]struct{}) // RACE: write p.children
		}
		p.children[child] = struct{}{} // RACE: write p.children[child]
	}
	// p.mu.Unlock() was here
}

// cancel closes c.done, cancels each of c's children and forgets them.
func (c *cancelCtx) cancel(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return // already canceled
	}
	c.err = err
	close(c.done)
	for child := range c.children {
		child.cancel(err)
	}
	c.children = nil
}

func (c *cancelCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func main() {
	server := &cancelCtx{done: make(chan struct{})}
	var before [earlier]*cancelCtx
	for i := range before { // requests that were already running
		before[i] = withCancel(server)
	}

	var reqs [requests]*cancelCtx
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // the handler derives request contexts from the server's
		defer wg.Done()
		for i := range reqs {
			reqs[i] = withCancel(server)
		}
	}()
	go func() { // the client goes away while requests are being derived
		defer wg.Done()
		// A delay, not a synchronisation: it only gives the handler a
		// head start, and orders nothing.
		time.Sleep(10 * time.Millisecond)
		server.cancel(context.Canceled) // RACE: cancel writes p.err, p.children
	}()
	wg.Wait()

	lost := 0
	for _, c := range append(reqs[:], before[:]...) {
		if c.Err() == nil {
			lost++
		}
	}
	if lost > 0 {
		fmt.Printf("lost children: %d of %d contexts never canceled (Err() == nil, Done() open) although their parent was: %v\n",
			lost, requests+earlier, server.Err())
	} else {
		fmt.Printf("all %d children canceled with their parent: %v\n", requests+earlier, server.Err())
	}
}
