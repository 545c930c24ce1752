package main

func main() {
	n := 0
	done := make(chan bool)
	go func() { n++; done <- true }() // RACE: n++
	n++ // RACE: n++
	<-done
}
