// context-cancel-map-write, article: the situation of the article's
// section 3.3, in our own code: a goroutine records a fresh cancelable
// context in a map while main cancels it. The article presents this as a
// race between cancel() and the map write. There is none: the map has one
// writer, and cancel() touches only the context's own fields, under its
// own mutex. With Background() as the parent, propagateCancel returns at
// once (Background().Done() is nil), so no children map is ever made.
//
// Not in the article: main waits for the goroutine (the article's main
// returns right after cancel(), so the goroutine may never run). The wait
// comes after both and orders nothing between them.
package main

import (
	"context"
	"fmt"
	"sync"
)

// record stores c in reg under "key", then tells wg.
func record(reg map[string]context.Context, c context.Context, wg *sync.WaitGroup) {
	defer wg.Done()
	reg["key"] = c // RACE: m["key"] = ctx
}

func main() {
	reg := make(map[string]context.Context)
	c, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go record(reg, c, &wg)
	stop() // RACE: cancel()
	wg.Wait()
	fmt.Printf("ctx.Err() = %v, len(m) = %d, m[\"key\"] == ctx: %v\n", c.Err(), len(reg), reg["key"] == c)
}
