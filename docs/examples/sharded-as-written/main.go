// sharded-as-written: the sharded map of the article's section 4.4, with
// the behaviour it has as published (docs/article.md, section 4.4): an
// array of 256 pointers to shards, each shard a lock and a map, and a
// Store that picks a shard from the addresses of its own two parameters
// (address of the key XOR address of the value, modulo 256). Nothing in
// the article allocates the shards or makes their maps, so its first
// Store dereferences a nil shard.
//
// Usage:
//
//	go run main.go [-init none|shards|all]
//
// -init none (the default) is the article's program: the first Store
// panics with a nil pointer dereference. -init shards allocates the 256
// shards but not their maps: the first Store panics with "assignment to
// entry in nil map". -init all makes everything; then the Stores work,
// and the program prints how many of 256 shards the 1000 keys landed in
// (the address of a parameter does not depend on the key).
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"unsafe"
)

type shard struct {
	mu   sync.RWMutex
	data map[string]any
}

type shardedMap struct {
	shards [256]*shard
}

// Store: the shard index from the parameters' addresses, as the article
// computes it.
func (s *shardedMap) Store(key string, val any) int {
	i := uint32(uintptr(unsafe.Pointer(&key))^uintptr(unsafe.Pointer(&val))) % 256
	sh := s.shards[i]
	sh.mu.Lock() // nil shard: the first Store dies here
	sh.data[key] = val
	sh.mu.Unlock()
	return int(i)
}

func main() {
	init := flag.String("init", "none", "none (as in the article), shards, or all")
	flag.Parse()
	var s shardedMap
	switch *init {
	case "none":
	case "shards", "all":
		for i := range s.shards {
			s.shards[i] = new(shard)
			if *init == "all" {
				s.shards[i].data = make(map[string]any)
			}
		}
	default:
		fmt.Fprintf(os.Stderr, "sharded-as-written: bad -init %q: want none, shards or all\n", *init)
		os.Exit(2)
	}
	used := map[int]int{}
	for k := 0; k < 1000; k++ {
		used[s.Store(fmt.Sprintf("user-%d", k), k)]++
	}
	fmt.Printf("1000 Stores went to %d of 256 shards\n", len(used))
}
