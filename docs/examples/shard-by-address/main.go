// shard-by-address: what happens when a sharded map picks the shard from
// the address of its key parameter instead of a hash of the key's value
// (docs/article.md, section 4.4).
//
// Usage: go run main.go
//
// shardOf hashes uintptr(unsafe.Pointer(&key)): the address of the
// function's own copy of the key, which says nothing about the key's
// value. The program stores the same key, then looks it up, and prints
// the shard each call chose and whether the lookup found the value.
package main

import (
	"fmt"
	"hash/maphash"
	"sync"
	"unsafe"
)

const nshards = 32

type shard struct {
	mu sync.RWMutex
	m  map[string]int
}

type shardedMap struct{ shards [nshards]shard }

func newShardedMap() *shardedMap {
	s := &shardedMap{}
	for i := range s.shards {
		s.shards[i].m = make(map[string]int)
	}
	return s
}

// byAddress: the shard from the address of the key parameter.
//
//go:noinline
func byAddress(key string) int {
	p := uintptr(unsafe.Pointer(&key))
	return int((p >> 3) % nshards)
}

var seed = maphash.MakeSeed()

// byValue: the shard from a hash of the key's bytes.
func byValue(key string) int {
	return int(maphash.String(seed, key) % nshards)
}

func (s *shardedMap) store(pick func(string) int, key string, v int) int {
	i := pick(key)
	s.shards[i].mu.Lock()
	s.shards[i].m[key] = v
	s.shards[i].mu.Unlock()
	return i
}

func (s *shardedMap) load(pick func(string) int, key string) (int, bool, int) {
	i := pick(key)
	s.shards[i].mu.RLock()
	v, ok := s.shards[i].m[key]
	s.shards[i].mu.RUnlock()
	return v, ok, i
}

// deeper calls load from a deeper stack frame, as a real caller would.
//
//go:noinline
func deeper(s *shardedMap, pick func(string) int, key string) (int, bool, int) {
	var pad [256]byte
	_ = pad
	return s.load(pick, key)
}

func main() {
	for _, c := range []struct {
		name string
		pick func(string) int
	}{{"by address of &key", byAddress}, {"by hash of the key", byValue}} {
		s := newShardedMap()
		found := 0
		for k := 0; k < 1000; k++ {
			key := fmt.Sprintf("user-%d", k)
			s.store(c.pick, key, k)
			if _, ok, _ := deeper(s, c.pick, key); ok {
				found++
			}
		}
		si := s.store(c.pick, "user-1", 1)
		_, ok, li := deeper(s, c.pick, "user-1")
		fmt.Printf("%s: user-1 stored in shard %d, looked up in shard %d (found: %v); %d of 1000 keys found after storing them\n",
			c.name, si, li, ok, found)
	}
}
