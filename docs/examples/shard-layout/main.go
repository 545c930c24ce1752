// shard-layout: the sizes and cache lines of a sharded map's shards, with
// and without 64 bytes of padding after the lock (docs/article.md, section
// 4.2).
//
// Usage: go run main.go
//
// It prints unsafe.Sizeof and unsafe.Alignof of sync.RWMutex, of a map
// variable and of each shard layout, and, for the first shards of an array
// of them, the 64-byte cache lines their lock and map words occupy.
package main

import (
	"fmt"
	"sync"
	"unsafe"
)

type shard struct {
	mu sync.RWMutex
	m  map[string]int
}

type paddedShard struct {
	mu sync.RWMutex
	m  map[string]int
	_  [64]byte
}

const line = 64

func lines(base, off, size uintptr) string {
	first, last := (base+off)/line, (base+off+size-1)/line
	if first == last {
		return fmt.Sprintf("line %d", first)
	}
	return fmt.Sprintf("lines %d-%d", first, last)
}

func main() {
	var mu sync.RWMutex
	var m map[string]int
	fmt.Printf("sync.RWMutex: %d bytes; a map variable: %d bytes (a pointer to the runtime's hmap)\n",
		unsafe.Sizeof(mu), unsafe.Sizeof(m))
	fmt.Printf("shard{mu, m}: %d bytes, align %d\n", unsafe.Sizeof(shard{}), unsafe.Alignof(shard{}))
	fmt.Printf("shard{mu, m, _ [64]byte}: %d bytes, align %d\n", unsafe.Sizeof(paddedShard{}), unsafe.Alignof(paddedShard{}))

	var plain [4]shard
	var padded [4]paddedShard
	// Offsets from the array's start, as if it started on a line boundary.
	for i := range plain {
		off := uintptr(unsafe.Pointer(&plain[i])) - uintptr(unsafe.Pointer(&plain[0]))
		fmt.Printf("unpadded shard %d: bytes %3d-%3d, %s\n", i, off, off+unsafe.Sizeof(plain[i])-1,
			lines(0, off, unsafe.Sizeof(plain[i])))
	}
	for i := range padded {
		off := uintptr(unsafe.Pointer(&padded[i])) - uintptr(unsafe.Pointer(&padded[0]))
		used := unsafe.Sizeof(padded[i].mu) + unsafe.Sizeof(padded[i].m)
		fmt.Printf("padded shard %d: lock and map bytes %3d-%3d, %s\n", i, off, off+used-1,
			lines(0, off, used))
	}
}
