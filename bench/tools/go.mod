// The Go side's statistics: benchstat and its library (golang.org/x/perf),
// pinned here, apart from bench/go (which must build with Go 1.19 and
// the standard library only). x/perf at this version needs Go >= 1.26.0:
// built with the current Go. The first build downloads the two modules
// through the Go module proxy (GOPROXY); later builds work offline
// (GOPROXY=off) from the module cache. docs/benchmarks.md.
module maprace/bench/tools

go 1.26.0

tool golang.org/x/perf/cmd/benchstat

require golang.org/x/perf v0.0.0-20260908200009-22c9c6c9d4da

require github.com/aclements/go-moremath v0.0.0-20210112150236-f10218a38794 // indirect
