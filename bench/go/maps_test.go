// Package bench measures, in real Go, the concurrent map designs of the
// article's chapter 4, next to their C counterparts in bench/maps: a map
// behind a sync.Mutex, behind a sync.RWMutex, sync.Map, and a sharded map
// (64 shards, each a map behind its own sync.Mutex, packed four to a
// cache line and padded to 64 bytes each).
//
// Each benchmark name is Map/<design>/<mix>/keys=<n>, and `go test -cpu
// 1,2,4` runs it with GOMAXPROCS 1, 2 and 4 (the -N suffix): b.RunParallel
// starts GOMAXPROCS goroutines, the "threads" of the C table. As in C the
// map is filled with every key first, so a store always updates a
// present key, and ns/op is the wall time over all goroutines' operations.
// The filled maps are kept between runs (a store never adds a key), so
// `go test -count 10` fills each one once.
//
// The same file builds with Go 1.19 (the hmap map, sync.Map as a
// read-only map and a dirty map) and with Go >= 1.24 (a Swiss-table map,
// sync.Map as internal/sync.HashTrieMap): `make bench-go` runs it under
// both and writes their tables into docs/benchmarks.md. Run by hand
// (standard library only, no module download):
//
//	go test -run '^$' -bench . -benchtime 500ms -timeout 0 -count 10 -cpu 1,2,4
//
// (with -benchtime 100ms the CPU time per operation came out several
// times higher on a loaded machine: fixed costs of each run, spread over
// too few operations)
package bench

import (
	"flag"
	"fmt"
	"math/bits"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// A design is a map[uint64]uint64 safe for concurrent use.
type design interface {
	Load(k uint64) (uint64, bool)
	Store(k, v uint64)
}

type mutexMap struct {
	mu sync.Mutex
	m  map[uint64]uint64
}

func (m *mutexMap) Load(k uint64) (uint64, bool) {
	m.mu.Lock()
	v, ok := m.m[k]
	m.mu.Unlock()
	return v, ok
}

func (m *mutexMap) Store(k, v uint64) {
	m.mu.Lock()
	m.m[k] = v
	m.mu.Unlock()
}

type rwMap struct {
	mu sync.RWMutex
	m  map[uint64]uint64
}

func (m *rwMap) Load(k uint64) (uint64, bool) {
	m.mu.RLock()
	v, ok := m.m[k]
	m.mu.RUnlock()
	return v, ok
}

func (m *rwMap) Store(k, v uint64) {
	m.mu.Lock()
	m.m[k] = v
	m.mu.Unlock()
}

type syncMap struct{ m sync.Map }

func (m *syncMap) Load(k uint64) (uint64, bool) {
	v, ok := m.m.Load(k)
	if !ok {
		return 0, false
	}
	return v.(uint64), true
}

func (m *syncMap) Store(k, v uint64) { m.m.Store(k, v) }

// shard is 8 (Mutex) + 8 (map pointer) = 16 bytes: four to a cache line.
type shard struct {
	mu sync.Mutex
	m  map[uint64]uint64
}

// paddedShard fills a 64-byte line (the shards are one array, which Go
// allocates 64-byte aligned for this size).
type paddedShard struct {
	shard
	_ [64 - 16]byte
}

const nshards = 64

type paddedMap struct{ shards [nshards]paddedShard }

// unpaddedMap packs the 16-byte shards four to a cache line: two cores
// locking neighbouring shards write the same line (false sharing).
type unpaddedMap struct{ shards [nshards]shard }

// hash is splitmix64's finalizer, as design_hash in bench/maps/design.h.
func hash(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func (s *shard) load(k uint64) (uint64, bool) {
	s.mu.Lock()
	v, ok := s.m[k]
	s.mu.Unlock()
	return v, ok
}

func (s *shard) store(k, v uint64) {
	s.mu.Lock()
	s.m[k] = v
	s.mu.Unlock()
}

func (m *paddedMap) Load(k uint64) (uint64, bool) {
	return m.shards[hash(k)%nshards].load(k)
}
func (m *paddedMap) Store(k, v uint64) { m.shards[hash(k)%nshards].store(k, v) }

func (m *unpaddedMap) Load(k uint64) (uint64, bool) {
	return m.shards[hash(k)%nshards].load(k)
}
func (m *unpaddedMap) Store(k, v uint64) { m.shards[hash(k)%nshards].store(k, v) }

var designs = []struct {
	name string
	make func(n int) design
}{
	{"mutex", func(n int) design { return &mutexMap{m: make(map[uint64]uint64, n)} }},
	{"rwmutex", func(n int) design { return &rwMap{m: make(map[uint64]uint64, n)} }},
	{"syncmap", func(n int) design { return &syncMap{} }},
	{"shard64", func(n int) design {
		m := &unpaddedMap{}
		for i := range m.shards {
			m.shards[i].m = make(map[uint64]uint64, n/nshards+1)
		}
		return m
	}},
	{"shard64-pad", func(n int) design {
		m := &paddedMap{}
		for i := range m.shards {
			m.shards[i].m = make(map[uint64]uint64, n/nshards+1)
		}
		return m
	}},
}

var (
	filledMu sync.Mutex
	filled   = map[string]design{}
)

// filledMap returns the design's map holding keys 0..n-1, made once.
func filledMap(name string, mk func(int) design, n int) design {
	filledMu.Lock()
	defer filledMu.Unlock()
	id := fmt.Sprintf("%s/%d", name, n)
	if m, ok := filled[id]; ok {
		return m
	}
	m := mk(n)
	for k := 0; k < n; k++ {
		m.Store(uint64(k), uint64(k))
	}
	// Load every key once: Go 1.19's sync.Map promotes its dirty map to
	// the read map after as many misses as it has keys (the steady state
	// of a read-mostly map); for the others, and for sync.Map on Go >= 1.24
	// (a hash-trie, no dirty map), a plain warm-up.
	for k := 0; k < n; k++ {
		m.Load(uint64(k))
	}
	filled[id] = m
	return m
}

var seed uint64

// cpuTime is the process's user + system CPU time in ns (getrusage).
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func run(b *testing.B, m design, n uint64, readPct uint32) {
	var missed atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		// xorshift64*, one stream per goroutine, as in mapbench.c
		s := atomic.AddUint64(&seed, 0x9e3779b97f4a7c15) | 1
		for pb.Next() {
			s ^= s >> 12
			s ^= s << 25
			s ^= s >> 27
			r := s * 0x2545f4914f6cdd1d
			k, _ := bits.Mul64(r, n)
			if uint32(r)%100 < readPct {
				if _, ok := m.Load(k); !ok {
					missed.Add(1)
				}
			} else {
				m.Store(k, r)
			}
		}
	})
	// CPU ns/op, as mapbench's: less sensitive than ns/op to the share
	// of a loaded machine's cores the benchmark gets.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	if missed.Load() != 0 {
		b.Fatalf("%d loads missed a present key", missed.Load())
	}
}

// syncMapBig: also sync.Map with 1 000 000 keys. Off by default: testing.B
// runs a full garbage collection before every round (runtime.GC in
// runN), and a filled 1 M-entry sync.Map (millions of small objects:
// entries, boxed keys and values) takes seconds to mark, tens of seconds
// on a loaded machine; the whole run then takes hours. `go test -bench .
// -args -syncmap-big` turns it on.
var syncMapBig = flag.Bool("syncmap-big", false,
	"also measure sync.Map with 1000000 keys (slow: a full GC per round)")

func BenchmarkMap(b *testing.B) {
	mixes := []uint32{90, 50, 0}
	keys := []int{1000, 1000000}
	for _, d := range designs {
		for _, mix := range mixes {
			for _, n := range keys {
				if d.name == "syncmap" && n > 1000 && !*syncMapBig {
					continue
				}
				d, mix, n := d, mix, n
				name := fmt.Sprintf("%s/%d-%d/keys=%d", d.name, mix, 100-mix, n)
				b.Run(name, func(b *testing.B) {
					run(b, filledMap(d.name, d.make, n), uint64(n), mix)
				})
			}
		}
	}
}
