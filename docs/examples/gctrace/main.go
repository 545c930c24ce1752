// gctrace: what GODEBUG=gctrace=1 really prints while a program holds a
// large map (docs/article.md, section 2.5).
//
// Usage:
//
//	GODEBUG=gctrace=1 go run main.go [-kind ints|ptrs] [-n entries]
//
// It fills one map with n entries, then forces three collections with
// runtime.GC() while the map is live, and prints the map's size. Each
// collection makes the runtime print one "gc N @..." line on stderr
// (src/runtime/mgc.go, gcMarkTermination, in Go 1.19). The line counts
// time (wall clock and CPU per phase), heap megabytes, stacks, globals and
// Ps: nothing in it names maps or buckets.
//
// -kind ints uses map[uint64]uint64: neither key nor elem holds a pointer,
// so the bucket type has no pointers and the collector does not scan the
// buckets at all (src/runtime/map.go, the comment on mapextra).
// -kind ptrs uses map[uint64]*uint64: every bucket must be scanned, and
// every elem is an object to mark. Compare the mark CPU of the two.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
)

func main() {
	kind := flag.String("kind", "ints", "ints (map[uint64]uint64) or ptrs (map[uint64]*uint64)")
	n := flag.Int("n", 1<<21, "entries")
	flag.Parse()

	var live any
	switch *kind {
	case "ints":
		m := make(map[uint64]uint64)
		for i := 0; i < *n; i++ {
			m[uint64(i)] = uint64(i)
		}
		live = m
	case "ptrs":
		m := make(map[uint64]*uint64)
		for i := 0; i < *n; i++ {
			v := uint64(i)
			m[uint64(i)] = &v
		}
		live = m
	default:
		fmt.Fprintf(os.Stderr, "gctrace: bad -kind %q: want ints or ptrs\n", *kind)
		os.Exit(2)
	}
	fmt.Fprintf(os.Stderr, "filled: %s, %d entries; forcing 3 collections\n", *kind, *n)
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	switch m := live.(type) {
	case map[uint64]uint64:
		fmt.Printf("kind=%s len=%d heap=%d MB numgc=%d\n", *kind, len(m), ms.HeapAlloc>>20, ms.NumGC)
	case map[uint64]*uint64:
		fmt.Printf("kind=%s len=%d heap=%d MB numgc=%d\n", *kind, len(m), ms.HeapAlloc>>20, ms.NumGC)
	}
}
