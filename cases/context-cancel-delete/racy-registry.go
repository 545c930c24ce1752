// context-cancel-delete, racy-registry: a registry of cancel functions,
// map[context.Context]context.CancelFunc, that concurrent requests add to
// and delete from with no lock: pulumi-command's provider, reported as
// pulumi/pulumi-command#54 (fatal error: concurrent map writes, from
// removeContext and from addContext).
//
// It runs 10 times the C variant's rounds: Go's check is best effort, and
// more rounds make it fire in more of the runs (docs/fidelity.md).
//
// Every 100 rounds each goroutine adds 1 to a counter of its own with
// sync/atomic (keepRecent). No other goroutine touches that counter, so it
// orders nothing: the race is still a race. It is there for the race
// detector, which keeps, for each memory word, a goroutine's first access
// since that goroutine's last synchronising operation, and can report a
// race only while that access is still in the goroutine's bounded history.
// When one goroutine ran all its rounds before the other began (a loaded
// machine), that first access was long gone and the race went unreported
// (docs/ci.md, "Measured").
package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

const rounds = 10000 // 10 times the C variant's

type commandProvider struct {
	cancelFuncs map[context.Context]context.CancelFunc
}

func (k *commandProvider) addContext(c context.Context) context.Context {
	newctx, fn := context.WithCancel(c)
	k.cancelFuncs[newctx] = fn // RACE: write k.cancelFuncs[newctx]
	return newctx
}

func (k *commandProvider) removeContext(c context.Context) {
	delete(k.cancelFuncs, c) // RACE: delete(k.cancelFuncs, c)
}

// Create registers the request's context for the time it runs.
func (k *commandProvider) Create(ctx context.Context) {
	ctx = k.addContext(ctx)
	defer k.removeContext(ctx)
	// ... the command runs with ctx ...
}

// keepRecent: see the comment at the top.
func keepRecent(counter *uint32) { atomic.AddUint32(counter, 1) }

func main() {
	k := &commandProvider{cancelFuncs: map[context.Context]context.CancelFunc{}}
	var wg sync.WaitGroup
	for r := 0; r < 2; r++ { // two requests at once, as gRPC serves them
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine uint32
			for i := 0; i < rounds; i++ {
				if i%100 == 0 {
					keepRecent(&mine)
				}
				k.Create(context.Background())
			}
		}()
	}
	wg.Wait()
	fmt.Printf("%d + %d requests, no fatal error, %d contexts left registered\n", rounds, rounds, len(k.cancelFuncs))
}
