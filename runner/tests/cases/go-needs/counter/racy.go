// A twin that needs a Go newer than any: no cell under an older one.

//go:build go1.99

package main

func main() {
	n := 0
	done := make(chan bool)
	go func() { n++; done <- true }() // RACE: n++
	n++ // RACE: n++
	<-done
}
