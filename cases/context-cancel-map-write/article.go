// context-cancel-map-write, article: the example of the article's section
// 3.3, which it presents as a race between cancel() and a map write. It
// has none: m has one writer, and cancel() touches only ctx's own fields
// under ctx.mu. With Background() as the parent, propagateCancel returns
// at once (Background().Done() is nil), so no children map is ever made.
//
// Not in the article: main waits for the goroutine (its main returns right
// after cancel(), so the goroutine may never run). The wait comes after
// both and orders nothing between them.
package main

import (
	"context"
	"fmt"
	"sync"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	m := make(map[string]context.Context)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		m["key"] = ctx // RACE: m["key"] = ctx
	}()
	cancel() // RACE: cancel()
	wg.Wait()
	fmt.Printf("ctx.Err() = %v, len(m) = %d, m[\"key\"] == ctx: %v\n", ctx.Err(), len(m), m["key"] == ctx)
}
