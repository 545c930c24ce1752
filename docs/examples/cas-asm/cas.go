// cas-asm: what `go tool compile -S` shows for the two compare-and-swaps
// of sync/atomic (docs/article.md, section 4.3).
//
// Usage:
//
//	go tool compile -S cas.go | grep -E 'CMPXCHG|CALL.*CompareAndSwap'
//
// The compiler replaces atomic.CompareAndSwapInt64 by its instruction
// (an intrinsic: LOCK CMPXCHGQ on amd64, in this file's code), but calls
// atomic.CompareAndSwapPointer, which must also run the GC write barrier:
// its LOCK CMPXCHGQ is in runtime/internal/atomic's Cas64 (Go 1.19), or
// internal/runtime/atomic's (Go 1.21+), not in this file's listing.
package cas

import (
	"sync/atomic"
	"unsafe"
)

func casPointer(p *unsafe.Pointer, old, new unsafe.Pointer) bool {
	return atomic.CompareAndSwapPointer(p, old, new)
}

func casInt64(p *int64, old, new int64) bool {
	return atomic.CompareAndSwapInt64(p, old, new)
}
