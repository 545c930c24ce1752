// context-cancel-delete, fixed-children: request contexts derived with
// context.WithCancel itself, whose propagateCancel checks the parent's err
// and adds the child to its children with the parent's lock held
// (src/context/context.go). No child is lost.
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

func main() {
	server, serverCancel := context.WithCancel(context.Background())
	var (
		before  [earlier]context.Context
		reqs    [requests]context.Context
		cancels []context.CancelFunc
	)
	for i := range before { // requests that were already running
		var cancel context.CancelFunc
		before[i], cancel = context.WithCancel(server)
		cancels = append(cancels, cancel)
	}

	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // the handler derives request contexts from the server's
		defer wg.Done()
		for i := range reqs {
			var cancel context.CancelFunc
			reqs[i], cancel = context.WithCancel(server) // RACE: add to children
			cancels = append(cancels, cancel)
		}
	}()
	go func() { // the client goes away while requests are being derived
		defer wg.Done()
		// A delay, not a synchronisation: it only gives the handler a
		// head start, and orders nothing.
		time.Sleep(10 * time.Millisecond)
		serverCancel() // RACE: cancel writes p.err, p.children
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
	for _, cancel := range cancels {
		cancel()
	}
}
