// context-cancel-map-write, child: the article's section 3.3 example made
// as strong as it can be: the context stored in the map is registered in
// its parent's children, and cancel() walks them while the goroutine
// writes m. Still no race: parent.children is touched only under
// parent.mu, and m only by the goroutine.
package main

import (
	"context"
	"fmt"
	"sync"
)

func main() {
	parent, cancel := context.WithCancel(context.Background())
	ctx, cancelChild := context.WithCancel(parent) // parent.children[ctx]
	defer cancelChild()
	m := make(map[string]context.Context)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		m["key"] = ctx // RACE: m["key"] = ctx
	}()
	cancel() // RACE: cancel() walks parent.children
	wg.Wait()
	fmt.Printf("ctx.Err() = %v, len(m) = %d, m[\"key\"] == ctx: %v\n", ctx.Err(), len(m), m["key"] == ctx)
}
