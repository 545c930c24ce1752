// sharded-false-sharing, unpadded: a sharded map whose shard locks share
// cache lines. Race-free (every map access holds its shard's lock); the
// cost is performance only.
//
// A shard is a sync.Mutex (8 bytes) and a map (a pointer, 8 bytes): four
// shards to a 64-byte cache line. Goroutine 0's hot keys live in shard 0,
// goroutine 1's in shard 1: they never share a lock or a map, yet every
// Lock and Unlock by one writes a line the other is writing too (false
// sharing). padded.go pads each shard to 64 bytes; compare the ops/s the
// two print, on an idle machine, over several runs: the figure is noisy.
package main

import (
	"fmt"
	"sync"
	"time"
	"unsafe"
)

const (
	nshards      = 16
	nworkers     = 2
	keysPerShard = 64
	opsPerWorker = 1000000
)

type shard struct {
	sync.Mutex // guards items
	items      map[uint64]uint64
}

var shards [nshards]shard

func (sh *shard) get(k uint64) uint64 {
	sh.Lock()
	defer sh.Unlock()
	return sh.items[k] // guarded: sh's lock held
}

func (sh *shard) set(k, v uint64) {
	sh.Lock()
	sh.items[k] = v // guarded: sh's lock held
	sh.Unlock()
}

// worker t's hot keys live in shard t: the workers never share a shard.
// One write in 16 operations, the rest reads.
func worker(t int) (sum uint64) {
	sh := &shards[t]
	for i := 0; i < opsPerWorker; i++ {
		k := uint64(i) % keysPerShard
		if i%16 == 0 {
			sh.set(k, uint64(i))
		} else {
			sum += sh.get(k)
		}
	}
	return sum
}

func main() {
	for i := range shards {
		shards[i].items = make(map[uint64]uint64, keysPerShard)
		for k := uint64(0); k < keysPerShard; k++ {
			shards[i].items[k] = k
		}
	}
	var wg sync.WaitGroup
	start := time.Now()
	for t := 0; t < nworkers; t++ {
		wg.Add(1)
		go func(t int) {
			defer wg.Done()
			worker(t)
		}(t)
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	fmt.Printf("unpadded: shard size %d bytes, %d goroutines x %d ops in %.3f s: %.0f ops/s\n",
		unsafe.Sizeof(shard{}), nworkers, opsPerWorker, secs, nworkers*opsPerWorker/secs)
}
