// sharded-false-sharing, padded: unpadded.go with each shard padded to a
// 64-byte cache line, so that shards 0 and 1 no longer share one.
// Race-free, like unpadded.go. (Go cannot align a variable to 64 bytes;
// the padding makes neighbouring shards' locks 64 bytes apart, so they
// are on different lines.)
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
	_          [64 - 16]byte // one cache line per shard
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
	fmt.Printf("padded: shard size %d bytes, %d goroutines x %d ops in %.3f s: %.0f ops/s\n",
		unsafe.Sizeof(shard{}), nworkers, opsPerWorker, secs, nworkers*opsPerWorker/secs)
}
