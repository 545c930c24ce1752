// sleep-is-not-sync, fixed-pipe: the handoff through a pipe, one byte
// written after the map write and read before the map read.
//
// The byte really orders the two goroutines. Go's race detector knows it:
// the syscall package tells it that every write to a file descriptor
// releases, and every read acquires, one shared object (ioSync in
// src/syscall/syscall_unix.go).
package main

import (
	"fmt"
	"log"
	"os"
)

var config = map[string]string{}

func loadConfig(w *os.File) {
	config["addr"] = ":8080" // RACE: write config["addr"]
	if _, err := w.Write([]byte{'x'}); err != nil {
		log.Fatal(err)
	}
}

func main() {
	r, w, err := os.Pipe()
	if err != nil {
		log.Fatal(err)
	}
	go loadConfig(w)
	if _, err := r.Read(make([]byte, 1)); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("addr = %s\n", config["addr"]) // RACE: read config["addr"]
	r.Close()
	w.Close()
}
