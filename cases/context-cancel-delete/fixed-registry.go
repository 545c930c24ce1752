// context-cancel-delete, fixed-registry: one mutex in the provider, taken
// wherever the map is used (pulumi/pulumi-command#122).
package main

import (
	"context"
	"fmt"
	"sync"
)

const rounds = 1000

type commandProvider struct {
	providerMutex sync.Mutex // guards cancelFuncs
	cancelFuncs   map[context.Context]context.CancelFunc
}

func (k *commandProvider) addContext(c context.Context) context.Context {
	newctx, fn := context.WithCancel(c)
	k.providerMutex.Lock()
	defer k.providerMutex.Unlock()
	k.cancelFuncs[newctx] = fn // RACE: write k.cancelFuncs[newctx]
	return newctx
}

func (k *commandProvider) removeContext(c context.Context) {
	k.providerMutex.Lock()
	defer k.providerMutex.Unlock()
	delete(k.cancelFuncs, c) // RACE: delete(k.cancelFuncs, c)
}

// Create registers the request's context for the time it runs.
func (k *commandProvider) Create(ctx context.Context) {
	ctx = k.addContext(ctx)
	defer k.removeContext(ctx)
	// ... the command runs with ctx ...
}

func main() {
	k := &commandProvider{cancelFuncs: map[context.Context]context.CancelFunc{}}
	var wg sync.WaitGroup
	for r := 0; r < 2; r++ { // two requests at once, as gRPC serves them
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				k.Create(context.Background())
			}
		}()
	}
	wg.Wait()
	fmt.Printf("%d + %d requests, no fatal error, %d contexts left registered\n", rounds, rounds, len(k.cancelFuncs))
}
