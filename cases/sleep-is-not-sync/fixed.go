// sleep-is-not-sync, fixed: a real handoff. The init goroutine closes
// done after the write; main receives from done before the read. A close
// happens before a receive that returns because the channel is closed.
package main

import "fmt"

var config = map[string]string{}

func loadConfig(done chan<- struct{}) {
	config["addr"] = ":8080" // RACE: write config["addr"]
	close(done)
}

func main() {
	done := make(chan struct{})
	go loadConfig(done)
	<-done
	fmt.Printf("addr = %s\n", config["addr"]) // RACE: read config["addr"]
}
