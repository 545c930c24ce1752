// loadorstore: what sync.Map.LoadOrStore costs when the key is already
// there (docs/article.md, section 3.2).
//
// Usage:
//
//	go run main.go
//
// A sync.Map holds 1024 keys, each loaded once. Then testing.Benchmark
// times, on keys that are present, m.Load(k) and m.LoadOrStore(k, v) with
// a value boxed before the loop, and m.LoadOrStore(k, makeValue(k)) whose
// argument is a call: Go evaluates arguments before the call, hit or miss,
// so makeValue runs every time. The hit path itself is loads only (Go 1.19:
// sync/map.go, LoadOrStore's "clean hit" and tryLoadOrStore's
// atomic.LoadPointer; Go 1.24+: internal/sync/hashtriemap.go, LoadOrStore
// walks the trie with atomic loads and returns the entry it finds).
package main

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
)

const nkeys = 1024

var makes int

// makeValue: the value's constructor, counted.
func makeValue(k int) any {
	makes++
	return fmt.Sprintf("value-%d", k)
}

func main() {
	var m sync.Map
	for k := 0; k < nkeys; k++ {
		m.Store(k, fmt.Sprintf("value-%d", k))
	}
	for k := 0; k < nkeys; k++ {
		m.Load(k)
	}
	var boxed any = "unused"
	keys := make([]any, nkeys) // boxed once: the loops box no key
	for k := range keys {
		keys[k] = k
	}
	report := func(name string, r testing.BenchmarkResult) {
		fmt.Printf("%-32s %6.1f ns/op %3d allocs/op\n", name, float64(r.T.Nanoseconds())/float64(r.N), r.AllocsPerOp())
	}
	report("Load (hit)", testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m.Load(keys[i%nkeys])
		}
	}))
	report("LoadOrStore(k, boxed) (hit)", testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m.LoadOrStore(keys[i%nkeys], boxed)
		}
	}))
	var calls, hits int
	report("LoadOrStore(k, makeValue(k)) (hit)", testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, loaded := m.LoadOrStore(keys[i%nkeys], makeValue(i%nkeys)); loaded {
				hits++
			}
			calls++
		}
	}))
	fmt.Printf("%s: LoadOrStore(k, makeValue(k)) called %d times, %d hits: makeValue ran %d times\n", runtime.Version(), calls, hits, makes)
}
