// sleep-is-not-sync, racy: "wait 100 ms for the init goroutine".
//
// The Go memory model orders memory operations by synchronisation
// (channels, locks, sync.WaitGroup, atomics), never by time: the sleep
// creates no happens-before edge, so the write in the goroutine and the
// read in main race, however long the sleep.
package main

import (
	"fmt"
	"time"
)

var config = map[string]string{}

func loadConfig() {
	config["addr"] = ":8080" // RACE: write config["addr"]
}

func main() {
	go loadConfig()                           // load the configuration in the background
	time.Sleep(100 * time.Millisecond)        // "plenty of time"
	fmt.Printf("addr = %s\n", config["addr"]) // RACE: read config["addr"]
}
