// Command gotables turns the output of bench/go (`go test -bench`), one
// file per Go toolchain, into the Go tables of docs/benchmarks.md: each
// design's median with its 95 % confidence interval, the change from the
// first toolchain to each later one, and the comparisons of the article's
// chapter 4 per toolchain. The statistics are benchstat's own
// (golang.org/x/perf/benchmath: the median and its distribution-free
// interval, and the Mann-Whitney U test); gotables only picks the cells
// and writes them in the page's "median [low, high]" form, which
// benchstat's "± %" columns do not give.
//
// Usage:
//
//	gotables [-doc FILE] LABEL=FILE...
//	gotables -doc FILE -check
//
// LABEL names a toolchain ("Go 1.19"); FILE holds its `go test -bench`
// output. Lines starting with "# " in FILE are notes (the Go version, the
// settings, the load average) and are copied as they are. The first
// LABEL is the base of the comparisons. Without -doc the tables go to
// standard output; with it, they replace what lies between the lines
// "<!-- bench-go: begin -->" and "<!-- bench-go: end -->" of FILE (each
// exactly once), and nothing else of it.
//
// Bad input (no result line, a missing file, a malformed label, missing
// markers) is a one-line error and exit status 2.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
)

// The markers of -doc, each alone on its line.
const (
	beginMarker = "<!-- bench-go: begin -->"
	endMarker   = "<!-- bench-go: end -->"
)

// The cells of a table row: mixes (% loads) within key counts, the order
// of docs/benchmarks.md's other tables.
var (
	mixes   = []int{90, 50, 0}
	keyset  = []int{1000, 1000000}
	confLvl = 0.95
)

// A cell is one benchmark of one toolchain: its repetitions.
type cell struct {
	ns, cpu, bytes, allocs []float64
}

type key struct {
	label, design  string
	mix, keys, thr int
}

type data struct {
	labels  []string
	notes   map[string][]string
	designs []string // in order of first appearance
	cells   map[key]*cell
}

// BenchmarkMap/<design>/<r>-<w>/keys=<n>[-<procs>], without "Benchmark".
var nameRE = regexp.MustCompile(`^Map/([^/]+)/([0-9]+)-([0-9]+)/keys=([0-9]+)(?:-([0-9]+))?$`)

// value returns the measurement of r in the unit as written in the input
// ("ns/op", "cpu-ns/op", "allocs/op"): the reader converts units to base
// ones ("sec/op") and keeps the original beside them.
func value(r *benchfmt.Result, unit string) (float64, bool) {
	for _, v := range r.Values {
		if v.OrigUnit == unit {
			return v.OrigValue, true
		}
		if v.OrigUnit == "" && v.Unit == unit {
			return v.Value, true
		}
	}
	return 0, false
}

// read adds the results of one file under label.
func (d *data) read(label, path string) error {
	text, err := os.ReadFile(path)
	if err != nil {
		return bare(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "# ") {
			d.notes[label] = append(d.notes[label], line[2:])
		}
	}
	n := 0
	rd := benchfmt.NewReader(bytes.NewReader(text), path)
	for rd.Scan() {
		res, ok := rd.Result().(*benchfmt.Result)
		if !ok {
			continue // unit metadata, or a line that is not a result
		}
		m := nameRE.FindStringSubmatch(res.Name.String())
		if m == nil {
			continue
		}
		k := key{label: label, design: m[1]}
		k.mix, _ = strconv.Atoi(m[2])
		k.keys, _ = strconv.Atoi(m[4])
		k.thr = 1
		if m[5] != "" {
			k.thr, _ = strconv.Atoi(m[5])
		}
		ns, ok := value(res, "ns/op")
		if !ok || ns <= 0 {
			continue
		}
		c := d.cells[k]
		if c == nil {
			c = &cell{}
			d.cells[k] = c
			if !contains(d.designs, k.design) {
				d.designs = append(d.designs, k.design)
			}
		}
		c.ns = append(c.ns, ns)
		if v, ok := value(res, "cpu-ns/op"); ok {
			c.cpu = append(c.cpu, v)
		}
		if v, ok := value(res, "B/op"); ok {
			c.bytes = append(c.bytes, v)
		}
		if v, ok := value(res, "allocs/op"); ok {
			c.allocs = append(c.allocs, v)
		}
		n++
	}
	if err := rd.Err(); err != nil {
		return err
	}
	if n == 0 {
		return errors.New("no BenchmarkMap result line")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sample(v []float64) *benchmath.Sample {
	return benchmath.NewSample(append([]float64(nil), v...), &benchmath.DefaultThresholds)
}

// summary is "median [low, high]" (benchstat's median and interval), or
// "median (n=N, no interval)" when there are too few repetitions for one.
func summary(v []float64) string {
	if len(v) == 0 {
		return "-"
	}
	s := benchmath.AssumeNothing.Summary(sample(v), confLvl)
	if math.IsInf(s.Lo, 0) || math.IsInf(s.Hi, 0) {
		return fmt.Sprintf("%.0f (n=%d, no interval)", s.Center, len(v))
	}
	return fmt.Sprintf("%.0f [%.0f, %.0f]", s.Center, s.Lo, s.Hi)
}

func median(v []float64) float64 {
	return benchmath.AssumeNothing.Summary(sample(v), confLvl).Center
}

// delta is benchstat's verdict on new against old: the change of the
// median in percent, or "~" when the U test finds no difference at
// alpha 0.05 (or there are too few repetitions to find one).
func delta(old, new []float64) string {
	if len(old) == 0 || len(new) == 0 {
		return "-"
	}
	c := benchmath.AssumeNothing.Compare(sample(old), sample(new))
	if c.P > c.Alpha {
		return "~"
	}
	return fmt.Sprintf("%+.0f %%", (median(new)/median(old)-1)*100)
}

func mixName(mix int) string { return fmt.Sprintf("%d/%d", mix, 100-mix) }

func keysName(keys int) string {
	if keys == 1000000 {
		return "1 M keys"
	}
	if keys == 1000 {
		return "1 K keys"
	}
	return fmt.Sprintf("%d keys", keys)
}

func header(w io.Writer, first string) {
	if first == "" {
		fmt.Fprint(w, "| | design |")
	} else {
		fmt.Fprintf(w, "| %s | design |", first)
	}
	for _, k := range keyset {
		for _, m := range mixes {
			fmt.Fprintf(w, " %s, %s |", mixName(m), keysName(k))
		}
	}
	fmt.Fprint(w, "\n|---|---|")
	for range len(keyset) * len(mixes) {
		fmt.Fprint(w, "---|")
	}
	fmt.Fprintln(w)
}

// table writes one figure of every design of every toolchain.
func (d *data) table(w io.Writer, title string, thr int, pick func(*cell) []float64) {
	fmt.Fprintf(w, "\n#### %s\n\n", title)
	header(w, "")
	for _, l := range d.labels {
		for _, ds := range d.designs {
			fmt.Fprintf(w, "| %s | %s |", l, ds)
			for _, k := range keyset {
				for _, m := range mixes {
					c := d.cells[key{l, ds, m, k, thr}]
					if c == nil {
						fmt.Fprint(w, " - |")
					} else {
						fmt.Fprintf(w, " %s |", summary(pick(c)))
					}
				}
			}
			fmt.Fprintln(w)
		}
	}
}

// parallelism is the median over the 2-thread cells of label of CPU
// ns/op over wall ns/op, and the number of cells.
func (d *data) parallelism(label string) (float64, int) {
	var r []float64
	for k, c := range d.cells {
		if k.label == label && k.thr == 2 && len(c.cpu) > 0 {
			r = append(r, median(c.cpu)/median(c.ns))
		}
	}
	if len(r) == 0 {
		return 0, 0
	}
	return median(r), len(r)
}

// allocs writes the medians of B/op and allocs/op (testing.B's, whole
// numbers per operation, rounded down), 2 threads.
func (d *data) allocs(w io.Writer) {
	fmt.Fprint(w, "\n#### Memory allocated per operation, 2 threads: median B/op, allocs/op\n\n")
	header(w, "")
	for _, l := range d.labels {
		for _, ds := range d.designs {
			fmt.Fprintf(w, "| %s | %s |", l, ds)
			for _, k := range keyset {
				for _, m := range mixes {
					c := d.cells[key{l, ds, m, k, 2}]
					if c == nil || len(c.bytes) == 0 || len(c.allocs) == 0 {
						fmt.Fprint(w, " - |")
					} else {
						fmt.Fprintf(w, " %.0f B, %.0f |", median(c.bytes), median(c.allocs))
					}
				}
			}
			fmt.Fprintln(w)
		}
	}
}

// changes writes each later toolchain against the first.
func (d *data) changes(w io.Writer) {
	base := d.labels[0]
	for _, l := range d.labels[1:] {
		fmt.Fprintf(w, "\n#### %s against %s: change of the median (\"~\": no significant difference)\n\n", l, base)
		header(w, "figure")
		for _, f := range []struct {
			name string
			thr  int
			pick func(*cell) []float64
		}{
			{"wall, 2 threads", 2, func(c *cell) []float64 { return c.ns }},
			{"CPU, 1 thread", 1, func(c *cell) []float64 { return c.cpu }},
			{"CPU, 2 threads", 2, func(c *cell) []float64 { return c.cpu }},
		} {
			for _, ds := range d.designs {
				fmt.Fprintf(w, "| %s | %s |", f.name, ds)
				for _, k := range keyset {
					for _, m := range mixes {
						a, b := d.cells[key{base, ds, m, k, f.thr}], d.cells[key{l, ds, m, k, f.thr}]
						if a == nil || b == nil {
							fmt.Fprint(w, " - |")
						} else {
							fmt.Fprintf(w, " %s |", delta(f.pick(a), f.pick(b)))
						}
					}
				}
				fmt.Fprintln(w)
			}
		}
	}
}

// The comparisons of the article's chapter 4: design a against design b
// in one cell, wall ns/op.
var chapter4 = []struct {
	section, a, b  string
	mix, keys, thr int
}{
	{"4.1", "rwmutex", "mutex", 90, 1000, 2},
	{"4.1", "rwmutex", "mutex", 90, 1000, 1},
	{"4.1", "rwmutex", "mutex", 90, 1000000, 2},
	{"4.1", "rwmutex", "mutex", 50, 1000, 2},
	{"4.2", "shard64", "mutex", 0, 1000, 2},
	{"4.2", "shard64", "mutex", 0, 1000000, 2},
	{"4.2", "shard64-pad", "shard64", 0, 1000, 2},
	{"4.2", "shard64-pad", "shard64", 90, 1000, 2},
	{"4.4", "syncmap", "mutex", 90, 1000, 2},
	{"4.4", "syncmap", "mutex", 50, 1000, 2},
	{"4.4", "syncmap", "mutex", 0, 1000, 2},
}

// verdict says how design a fared against design b in one toolchain.
func verdict(a, b *cell) string {
	if a == nil || b == nil {
		return "not measured"
	}
	ratio := median(a.ns) / median(b.ns)
	c := benchmath.AssumeNothing.Compare(sample(a.ns), sample(b.ns))
	switch {
	case c.P > c.Alpha:
		return fmt.Sprintf("%.2f x: no significant difference (%s)", ratio, c)
	case ratio < 1:
		return fmt.Sprintf("%.2f x: faster (%s)", ratio, c)
	default:
		return fmt.Sprintf("%.2f x: slower (%s)", ratio, c)
	}
}

func (d *data) chapter4(w io.Writer) {
	fmt.Fprint(w, "\n#### The comparisons of chapter 4, per Go: the first design's wall ns/op over the second's\n\n| § | comparison | cell |")
	for _, l := range d.labels {
		fmt.Fprintf(w, " %s |", l)
	}
	fmt.Fprint(w, "\n|---|---|---|")
	for range d.labels {
		fmt.Fprint(w, "---|")
	}
	fmt.Fprintln(w)
	for _, c := range chapter4 {
		th := "threads"
		if c.thr == 1 {
			th = "thread"
		}
		fmt.Fprintf(w, "| %s | %s against %s | %s, %s, %d %s |", c.section, c.a, c.b,
			mixName(c.mix), keysName(c.keys), c.thr, th)
		for _, l := range d.labels {
			fmt.Fprintf(w, " %s |", verdict(d.cells[key{l, c.a, c.mix, c.keys, c.thr}],
				d.cells[key{l, c.b, c.mix, c.keys, c.thr}]))
		}
		fmt.Fprintln(w)
	}
}

func (d *data) write(w io.Writer) {
	fmt.Fprintln(w, "<!-- written by `make bench-go` (scripts/bench-go, bench/tools/gotables); do not edit -->")
	fmt.Fprintln(w)
	for _, l := range d.labels {
		fmt.Fprintf(w, "- %s:", l)
		if len(d.notes[l]) == 0 {
			fmt.Fprint(w, " (no notes)")
		}
		for i, n := range d.notes[l] {
			sep := ";"
			if i == 0 {
				sep = ""
			}
			fmt.Fprintf(w, "%s %s", sep, n)
		}
		fmt.Fprintln(w)
	}
	for _, l := range d.labels {
		if p, n := d.parallelism(l); n > 0 {
			fmt.Fprintf(w, "- %s, 2 threads: CPU time over wall time %.2f (median of %d cells; "+
				"2: both goroutines running all along; lower: a goroutine asleep on a lock, or "+
				"not running at all). Below 1 the process had less than one core on average: "+
				"its 2-thread figures measure the machine's load more than contention.\n",
				l, p, n)
		}
	}
	fmt.Fprintf(w, "- Statistics: benchstat's (golang.org/x/perf/benchmath): "+
		"median [%.0f %% confidence interval of the median]; changes and "+
		"comparisons by the Mann-Whitney U test at alpha %.2f.\n",
		confLvl*100, benchmath.DefaultThresholds.CompareAlpha)
	ns := func(c *cell) []float64 { return c.ns }
	cpu := func(c *cell) []float64 { return c.cpu }
	d.table(w, "Wall ns/op, 2 threads: median [95 % interval]", 2, ns)
	d.table(w, "CPU ns/op, 1 thread: median [95 % interval]", 1, cpu)
	d.table(w, "CPU ns/op, 2 threads: median [95 % interval]", 2, cpu)
	d.allocs(w)
	if len(d.labels) > 1 {
		d.changes(w)
	}
	d.chapter4(w)
}

// splice replaces the lines between the markers of doc with body.
func splice(doc, body []byte) ([]byte, error) {
	lines := strings.SplitAfter(string(doc), "\n")
	begin, end := -1, -1
	for i, l := range lines {
		switch strings.TrimRight(l, "\n") {
		case beginMarker:
			if begin >= 0 {
				return nil, errors.New("two " + beginMarker + " lines")
			}
			begin = i
		case endMarker:
			if end >= 0 {
				return nil, errors.New("two " + endMarker + " lines")
			}
			end = i
		}
	}
	if begin < 0 || end < 0 {
		return nil, errors.New("no " + beginMarker + " ... " + endMarker + " lines")
	}
	if end < begin {
		return nil, errors.New(endMarker + " before " + beginMarker)
	}
	var out bytes.Buffer
	out.WriteString(strings.Join(lines[:begin+1], ""))
	out.Write(body)
	out.WriteString(strings.Join(lines[end:], ""))
	return out.Bytes(), nil
}

// bare drops the file name from an error of package os: the caller
// names the file.
func bare(err error) error {
	if pe := (*os.PathError)(nil); errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func writeDoc(path string, body []byte) error {
	doc, err := os.ReadFile(path)
	if err != nil {
		return bare(err)
	}
	out, err := splice(doc, body)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gotables-*")
	if err != nil {
		return bare(err)
	}
	if _, err := tmp.Write(out); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gotables", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	doc := fs.String("doc", "", "rewrite the tables between the markers of this file")
	check := fs.Bool("check", false, "only check the markers of -doc")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *check {
		if *doc == "" || fs.NArg() != 0 {
			return errors.New("usage: gotables -doc FILE -check")
		}
		text, err := os.ReadFile(*doc)
		if err == nil {
			_, err = splice(text, nil)
		}
		if err != nil {
			return fmt.Errorf("%s: %v", *doc, bare(err))
		}
		return nil
	}
	if fs.NArg() == 0 {
		return errors.New("usage: gotables [-doc FILE] LABEL=FILE...")
	}
	d := &data{notes: map[string][]string{}, cells: map[key]*cell{}}
	for _, a := range fs.Args() {
		label, path, ok := strings.Cut(a, "=")
		if !ok || label == "" || path == "" {
			return fmt.Errorf("%s: want LABEL=FILE", a)
		}
		if contains(d.labels, label) {
			return fmt.Errorf("%s: label given twice", label)
		}
		d.labels = append(d.labels, label)
		if err := d.read(label, path); err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
	}
	var body bytes.Buffer
	d.write(&body)
	if *doc == "" {
		_, err := stdout.Write(body.Bytes())
		return err
	}
	if err := writeDoc(*doc, body.Bytes()); err != nil {
		return fmt.Errorf("%s: %v", *doc, err)
	}
	return nil
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "gotables: %v\n", err)
		os.Exit(2)
	}
}
