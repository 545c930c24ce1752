// asm-go: the Go program `maprace asm` disassembles to show Go's own map
// and compare-and-swap code (runtime.mapassign_fast64,
// runtime/internal/atomic.Cas64) beside the C model's. It is built by the
// Makefile (build/asm-go/<GOARCH>/prog) and never run by the runner.
package main

import (
	"fmt"
	"sync/atomic"
	"unsafe"
)

type node struct {
	key  uint64
	next unsafe.Pointer
}

func main() {
	m := map[uint64]uint64{}
	m[5] = 0 // runtime.mapassign_fast64

	var head unsafe.Pointer
	n := &node{key: 5}
	n.next = atomic.LoadPointer(&head)
	atomic.CompareAndSwapPointer(&head, n.next, unsafe.Pointer(n)) // Cas64

	fmt.Println(len(m), (*node)(head).key)
}
