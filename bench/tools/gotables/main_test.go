package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// result writes count `go test -bench` lines of one benchmark, the
// i-th with ns/op and cpu-ns/op scale*(i+1) (count 10: 10, 20, ... 100
// times scale, in shuffled order).
func result(name string, scale float64, allocs int) string {
	var b strings.Builder
	for _, i := range []int{3, 0, 9, 5, 1, 8, 2, 7, 4, 6} {
		v := scale * float64(i+1)
		fmt.Fprintf(&b, "Benchmark%s \t 1000\t %.2f ns/op\t %.2f cpu-ns/op\t 16 B/op\t %d allocs/op\n",
			name, v, v, allocs)
	}
	return b.String()
}

func write(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const head = "goos: linux\ngoarch: amd64\npkg: maprace/bench\n"

func tables(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(args, &out); err != nil {
		t.Fatalf("run: %v", err)
	}
	return out.String()
}

// The summary is the median with the order-statistic interval of
// bench/maps/stats.h: for 10 repetitions, the 2nd and 9th smallest.
func TestSummary(t *testing.T) {
	v := []float64{40, 10, 100, 60, 20, 90, 30, 80, 50, 70}
	if got := summary(v); got != "55 [20, 90]" {
		t.Errorf("summary = %q, want 55 [20, 90]", got)
	}
	if got := summary(v[:3]); got != "40 (n=3, no interval)" {
		t.Errorf("summary of 3 = %q", got)
	}
}

func TestTables(t *testing.T) {
	old := write(t, "old.txt", "# go1.19.8, load average 1.00 at start\n"+head+
		result("Map/mutex/90-10/keys=1000-2", 10, 0)+
		result("Map/rwmutex/90-10/keys=1000-2", 20, 0)+
		result("Map/syncmap/50-50/keys=1000-2", 10, 1)+
		result("Map/mutex/50-50/keys=1000-2", 10, 0)+
		"PASS\nok  \tmaprace/bench\t1.0s\n")
	new := write(t, "new.txt", head+
		result("Map/mutex/90-10/keys=1000-2", 5, 0)+
		result("Map/rwmutex/90-10/keys=1000-2", 20, 0)+
		result("Map/mutex/90-10/keys=1000", 8, 0))
	out := tables(t, "Go 1.19="+old, "Go 1.26="+new)
	for _, want := range []string{
		"- Go 1.19: go1.19.8, load average 1.00 at start\n",
		"- Go 1.26: (no notes)\n",
		// ns and CPU equal in every cell: one goroutine at a time
		"- Go 1.19, 2 threads: CPU time over wall time 1.00 (median of 4 cells; ",
		"- Go 1.26, 2 threads: CPU time over wall time 1.00 (median of 2 cells; ",
		"| Go 1.19 | mutex | 55 [20, 90] | 55 [20, 90] | - | - | - | - |\n",
		"| Go 1.26 | mutex | 28 [10, 45] | - | - | - | - | - |\n",
		"| Go 1.19 | syncmap | - | 55 [20, 90] | - |",
		// B/op, allocs/op
		"| Go 1.19 | syncmap | - | 16 B, 1 | - |",
		// the 1-thread CPU table has Go 1.26's mutex only
		"| Go 1.26 | mutex | 44 [16, 72] | - |",
		// Go 1.26 against Go 1.19: halved, unchanged, missing
		"| wall, 2 threads | mutex | -50 % | - | - | - | - | - |\n",
		"| wall, 2 threads | rwmutex | ~ | - |",
		// chapter 4: Go 1.19 rwmutex at twice the mutex, Go 1.26 four times
		"| 4.1 | rwmutex against mutex | 90/10, 1 K keys, 2 threads | 2.00 x: slower (p=0.038 n=10) | 4.00 x: slower (p=0.001 n=10) |",
		"| 4.4 | syncmap against mutex | 50/50, 1 K keys, 2 threads | 1.00 x: no significant difference (p=1.000 n=10) | not measured |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

func TestSplice(t *testing.T) {
	doc := "intro\n" + beginMarker + "\nold table\n" + endMarker + "\nafter\n"
	got, err := splice([]byte(doc), []byte("new\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := "intro\n" + beginMarker + "\nnew\n" + endMarker + "\nafter\n"
	if string(got) != want {
		t.Errorf("splice = %q, want %q", got, want)
	}
	for _, bad := range []string{
		"no markers\n",
		beginMarker + "\n",
		endMarker + "\n" + beginMarker + "\n",
		beginMarker + "\n" + beginMarker + "\n" + endMarker + "\n",
		beginMarker + "\n" + endMarker + "\n" + endMarker + "\n",
	} {
		if _, err := splice([]byte(bad), nil); err == nil {
			t.Errorf("splice(%q): no error", bad)
		}
	}
}

func TestDoc(t *testing.T) {
	in := write(t, "go.txt", head+result("Map/mutex/0-100/keys=1000000-2", 1, 0))
	doc := write(t, "doc.md", "# page\n\n"+beginMarker+"\nstale\n"+endMarker+"\n\nend\n")
	if err := run([]string{"-doc", doc, "Go 1.26=" + in}, nil); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-doc", doc, "-check"}, nil); err != nil {
		t.Errorf("-check: %v", err)
	}
	text, _ := os.ReadFile(doc)
	s := string(text)
	if !strings.HasPrefix(s, "# page\n\n"+beginMarker+"\n<!-- written by") ||
		!strings.HasSuffix(s, "\n"+endMarker+"\n\nend\n") || strings.Contains(s, "stale") ||
		!strings.Contains(s, "| Go 1.26 | mutex | - | - | - | - | - | 6 [2, 9] |\n") {
		t.Errorf("rewritten page:\n%s", s)
	}
}

func TestErrors(t *testing.T) {
	empty := write(t, "empty.txt", head+"PASS\n")
	good := write(t, "go.txt", head+result("Map/mutex/90-10/keys=1000", 1, 0))
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "usage: gotables [-doc FILE] LABEL=FILE..."},
		{[]string{"nolabel"}, "nolabel: want LABEL=FILE"},
		{[]string{"A=" + empty}, empty + ": no BenchmarkMap result line"},
		{[]string{"A=/nonexistent"}, "/nonexistent: no such file or directory"},
		{[]string{"A=" + good, "A=" + good}, "A: label given twice"},
		{[]string{"-doc", "/nonexistent.md", "A=" + good}, "/nonexistent.md: no such file or directory"},
		{[]string{"-doc", good, "-check"}, good + ": no " + beginMarker + " ... " + endMarker + " lines"},
		{[]string{"-check"}, "usage: gotables -doc FILE -check"},
	} {
		err := run(c.args, &bytes.Buffer{})
		if err == nil || err.Error() != c.want {
			t.Errorf("run(%q) = %v, want %q", c.args, err, c.want)
		}
	}
}
