// gcmark: how long the collector's mark phase takes with one large map
// live, held three ways: a plain map[uint64]uint64, a sync.Map with the
// same entries, and a map sharded 64 ways, each shard a plain
// map[uint64]uint64 behind its own sync.Mutex (docs/article.md, sections
// 2.5 and 4.4).
//
// Usage:
//
//	GODEBUG=gctrace=1 go run main.go -kind map|syncmap|sharded [-n entries]
//
// It fills the map with n entries (default 524288), forces three
// collections with runtime.GC() while the map is live, and prints one
// line per collection: the wall time runtime.GC() took and the mark
// phase's CPU time, from runtime/metrics (/cpu/classes/gc/mark/..., since
// Go 1.20; Go 1.19 does not have them, the line says "n/a" and the gctrace
// line the runtime prints on stderr is the measure).
//
// A plain map whose key and elem hold no pointers has bucket (Go 1.19) or
// group (Go 1.24+) memory without pointers: the collector does not scan
// it. A sync.Map boxes every key and value in an interface and keeps an
// *entry per key: every entry is a pointer to mark. A sharded map of
// pointer-free maps is as cheap as the plain map, no cheaper.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

const nshards = 64

type shard struct {
	mu sync.Mutex
	m  map[uint64]uint64
}

func main() {
	kind := flag.String("kind", "map", "map, syncmap or sharded")
	n := flag.Int("n", 1<<19, "entries")
	flag.Parse()

	var live any
	switch *kind {
	case "map":
		m := make(map[uint64]uint64)
		for i := 0; i < *n; i++ {
			m[uint64(i)] = uint64(i)
		}
		live = m
	case "syncmap":
		m := new(sync.Map)
		for i := 0; i < *n; i++ {
			m.Store(uint64(i), uint64(i))
		}
		live = m
	case "sharded":
		s := new([nshards]shard)
		for i := range s {
			s[i].m = make(map[uint64]uint64)
		}
		for i := 0; i < *n; i++ {
			sh := &s[uint64(i)%nshards]
			sh.mu.Lock()
			sh.m[uint64(i)] = uint64(i)
			sh.mu.Unlock()
		}
		live = s
	default:
		fmt.Fprintf(os.Stderr, "gcmark: bad -kind %q: want map, syncmap or sharded\n", *kind)
		os.Exit(2)
	}
	fmt.Fprintf(os.Stderr, "%s, %d entries, %s: forcing 3 collections\n", *kind, *n, runtime.Version())
	for i := 0; i < 3; i++ {
		before := markCPU()
		t := time.Now()
		runtime.GC()
		wall := time.Since(t)
		after := markCPU()
		mark := "n/a"
		if before >= 0 {
			mark = fmt.Sprintf("%.1f ms", (after-before)*1e3)
		}
		fmt.Fprintf(os.Stderr, "  GC %d: runtime.GC() %.1f ms wall, mark CPU %s\n", i+1, float64(wall.Microseconds())/1e3, mark)
	}
	runtime.KeepAlive(live)
}

var samples = []metrics.Sample{
	{Name: "/cpu/classes/gc/mark/assist:cpu-seconds"},
	{Name: "/cpu/classes/gc/mark/dedicated:cpu-seconds"},
	{Name: "/cpu/classes/gc/mark/idle:cpu-seconds"},
}

// markCPU: the mark phase's CPU seconds so far (assist, dedicated and idle
// workers), or -1 where runtime/metrics does not have them (Go 1.19).
func markCPU() float64 {
	metrics.Read(samples)
	s := 0.0
	for _, x := range samples {
		if x.Value.Kind() != metrics.KindFloat64 {
			return -1
		}
		s += x.Value.Float64()
	}
	return s
}
