# maprace - teaching data races through Go map misuse, in C.
#
#   make            build the model, every case under every build flavour,
#                   and the maprace runner
#   make run        install missing packages, build, run every case under
#                   every installed detector (maprace run)
#   make test       install missing packages, build, run the unit and
#                   integration tests (minutes; docs/ci.md)
#   make check      the whole matrix: every case under every detector, and
#                   the case tests (SHARD=K/N: one slice)
#   make fresh-check  install-deps and make test in a fresh Debian 12 root
#   make bench      benchmarks (figures, not pass/fail)
#   make bench-go   chapter 4's maps in Go under both Gos (1.19 and the
#                   current one); rewrites the Go tables of
#                   docs/benchmarks.md (scripts/bench-go)
#   make fuzz       libFuzzer on the parsers and case.ini, FUZZ_SECONDS
#                   each (fuzz/fuzz.mk)
#   make install    install build/maprace into $(PREFIX)/bin, its man
#                   page into $(PREFIX)/share/man/man1, and the kit `try`
#                   builds with (this Makefile, model/) into
#                   $(PREFIX)/share/maprace
#
# Knobs: CC, CFLAGS, LDFLAGS, CLANG, GCC, PREFIX, DEVELOPER=1 (-Werror),
# SANITIZE=address,undefined (the model's and the runner's tests and the
# runner itself are built with those sanitizers).
#
# Build flavours. A case is compiled once per flavour; each detector runs
# the binary of one flavour:
#   native    gcc, plain                       -> detectors native, helgrind, drd
#   tsan      clang -fsanitize=thread          -> detector tsan
#   tsan-gcc  gcc -fsanitize=thread            -> detector tsan-gcc
#   go        go build of the Go twin (.go)    -> detector go
#   go-race   go build -race of the Go twin    -> detector go-race
#   go-hmap, go-hmap-race  the same with the hmap Go -> go-hmap, go-hmap-race
# The two Go toolchains are named, never found by PATH order: GO is the
# current Go (>= 1.24, Swiss tables), GO_HMAP the hmap Go (<= 1.23, the
# map of the article; Debian 12's Go 1.19). maprace passes both to make
# (it chooses them: runner/engine/toolchain.h, `maprace doctor`); without them
# make builds no Go twin.
# Valgrind needs no special build: Helgrind and DRD run the native binary.
# Every flavour's objects live under build/<flavour>/ and are rebuilt when a
# source, a header it includes or the flavour's flags change.

PREFIX ?= /usr/local
# Where everything is built (several trees can coexist: BUILD=build-x).
BUILD ?= build
CC ?= cc
CLANG ?= clang
GCC ?= gcc
CFLAGS ?= -O1 -g
LDFLAGS ?=

# One short line per target (  CC  build/native/model/map.o); V=1 prints
# the full command lines.
ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-6s %s\n' '$(1)' '$(2)'
endif

STD := -std=c11 -D_GNU_SOURCE
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wvla -Wundef -Wno-unused-parameter
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif
ifneq ($(SANITIZE),)
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
endif

# Libraries, by pkg-config name (Debian packages in scripts/install-deps).
PKGS_MODEL := libunwind libdw
PKGS_RUNNER := inih jansson expat
PKGS_TEST := cmocka
pkgcflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pkglibs = $(shell pkg-config --libs $(1) 2>/dev/null)
MODEL_LIBS = $(call pkglibs,$(PKGS_MODEL)) -lpthread

# Per-flavour compile flags for the model and the cases. Racing code is
# kept in noinline functions; -O1 keeps names and lines readable.
CASE_COMMON := -g -O1 -fno-omit-frame-pointer $(STD) $(WARN) \
	-Imodel $(call pkgcflags,$(PKGS_MODEL))
FLAVOURS := native tsan tsan-gcc
FL_CC_native := $(GCC)
FL_CC_tsan := $(CLANG)
FL_CC_tsan-gcc := $(GCC)
FL_CFLAGS_native := $(CASE_COMMON)
FL_CFLAGS_tsan := $(CASE_COMMON) -fsanitize=thread -gdwarf-aranges
FL_CFLAGS_tsan-gcc := $(CASE_COMMON) -fsanitize=thread
# The opt flavour builds the model for the map benchmarks (bench/maps).
FL_CC_opt := $(GCC)
FL_CFLAGS_opt := -O2 -g $(STD) $(WARN) -Imodel $(call pkgcflags,$(PKGS_MODEL))
# The host flavour builds the model for its unit tests (CC, CFLAGS,
# SANITIZE apply).
FL_CC_host := $(CC)
FL_CFLAGS_host := $(CFLAGS) $(STD) $(WARN) $(SANFLAGS) -Imodel \
	$(call pkgcflags,$(PKGS_MODEL))
$(foreach f,native tsan tsan-gcc host,\
	$(eval FL_CC_$(f)-swiss := $(FL_CC_$(f)))\
	$(eval FL_CFLAGS_$(f)-swiss = -Imodel/swiss $(FL_CFLAGS_$(f)))\
	$(eval FL_MODEL_CFLAGS_$(f)-swiss = $$(SWISS_INCLUDE)))

MODEL_SRC := $(wildcard model/*.c)
# The Swiss-table model (model/swiss/, Go 1.26's map) replaces map.c in the
# *-swiss flavours: native-swiss, tsan-swiss, tsan-gcc-swiss (same compilers
# and flags as native, tsan, tsan-gcc) and host-swiss (its unit tests).
# A case's #include "map.h" finds model/swiss/map.h first (-Imodel/swiss
# before -Imodel). model/*.c would find model/map.h beside them, so their
# objects force-include model/swiss/map.h (-include swiss/map.h), which
# claims model/map.h's include guard. Not part of `make all` yet: build a
# case with
#   make build/native-swiss/cases/<case>/<variant>
# or every case with `make cases-swiss`.
SWISS_MODEL_SRC := $(filter-out model/map.c,$(MODEL_SRC)) model/swiss/map.c
SWISS_FLAVOURS := native-swiss tsan-swiss tsan-gcc-swiss
SWISS_INCLUDE := -include swiss/map.h
CASE_DIRS := $(patsubst %/case.ini,%,$(wildcard cases/*/case.ini))
CASE_SRC := $(foreach d,$(CASE_DIRS),$(wildcard $(d)/*.c))
# Cases that read one model's internals (m->B, m->dirLen) and build on
# that model only: those whose case.ini says no-swiss (hmap model only) or
# no-hmap (Swiss-table model only); the runner reads the same keys.
HMAP_ONLY_CASES := $(patsubst cases/%/case.ini,%,\
	$(shell grep -l '^no-swiss' cases/*/case.ini 2>/dev/null))
SWISS_ONLY_CASES := $(patsubst cases/%/case.ini,%,\
	$(shell grep -l '^no-hmap' cases/*/case.ini 2>/dev/null))
HMAP_CASE_SRC := $(filter-out $(foreach c,$(SWISS_ONLY_CASES),cases/$(c)/%),\
	$(CASE_SRC))
CASE_BINS := $(foreach f,$(FLAVOURS),\
	$(patsubst %.c,$(BUILD)/$(f)/%,$(HMAP_CASE_SRC)))
SWISS_CASE_SRC := $(filter-out $(foreach c,$(HMAP_ONLY_CASES),cases/$(c)/%),\
	$(CASE_SRC))
SWISS_CASE_BINS := $(foreach f,$(SWISS_FLAVOURS),\
	$(patsubst %.c,$(BUILD)/$(f)/%,$(SWISS_CASE_SRC)))
# The model sources of a flavour.
model_src = $(if $(filter %-swiss,$(1)),$(SWISS_MODEL_SRC),$(MODEL_SRC))
# The Go twins (see below), built by the toolchains given (GO, GO_HMAP).
GO ?=
GO_HMAP ?=
GO_TWIN_ENV = GOCACHE=$(abspath $(BUILD))/go-cache \
	GOPATH=$(abspath $(BUILD))/gopath GOFLAGS= GOTOOLCHAIN=local
GO_SRC := $(foreach d,$(CASE_DIRS),$(wildcard $(d)/*.go))
# A twin with a `//go:build go1.N` line before package needs Go 1.N: a
# toolchain older than that builds none (maprace gives it no cell there).
GO_NEEDS_SRC := $(if $(GO_SRC),$(shell grep -l '^//go:build go1\.' $(GO_SRC)))
go_minor = $(shell $(1) env GOVERSION 2>/dev/null | \
	sed -n 's/^go1\.\([0-9]*\).*/\1/p')
go_needs = $(shell sed -n '/^package /q;s|^//go:build go1\.\([0-9]*\)$$|\1|p' $(1))
go_src = $(filter-out $(foreach s,$(GO_NEEDS_SRC),$(if $(shell \
	test '$(call go_needs,$(s))' -le '$(call go_minor,$(1))' 2>/dev/null \
	&& echo ok),,$(s))),$(GO_SRC))
go_bins = $(if $(SANITIZE),,$(if $(1),$(foreach f,$(2),\
	$(patsubst %.go,$(BUILD)/$(f)/%,$(call go_src,$(1))))))
GO_BINS := $(call go_bins,$(GO),go go-race) \
	$(call go_bins,$(GO_HMAP),go-hmap go-hmap-race)

# The runner's layers, bottom up (docs/architecture.md): a file includes
# only its own folder's headers and those of the folders before it.
RUNNER_LAYERS := lib parse engine report cmd
RUNNER_SRC := $(wildcard $(addprefix runner/,$(addsuffix /*.c,$(RUNNER_LAYERS)))) \
	runner/main.c
RUNNER_LIB_SRC := $(filter-out runner/main.c,$(RUNNER_SRC))
RUNNER_CFLAGS := $(CFLAGS) $(STD) $(WARN) $(SANFLAGS) -Irunner \
	$(call pkgcflags,$(PKGS_RUNNER))
RUNNER_LIBS := $(call pkglibs,$(PKGS_RUNNER)) -lm

MODEL_TEST_SRC := $(wildcard tests/model/test_*.c tests/cases/test_*.c \
	tests/bench/test_*.c)
RUNNER_TEST_SRC := $(wildcard runner/tests/test_*.c)
TEST_BINS := $(patsubst %.c,$(BUILD)/host/%,$(MODEL_TEST_SRC)) \
	$(patsubst %.c,$(BUILD)/host/%,$(RUNNER_TEST_SRC))
# The tiers (docs/ci.md). check: the catalog's cases under the detectors,
# many runs each (make check). integration: the runner driving detectors on
# fixture catalogs, one case or a program (make test). unit: everything
# else, the only tier also run under ASan+UBSan (make test); a new test
# program is a unit test unless listed here.
CHECK_TEST_SRC := $(wildcard tests/cases/test_*.c)
INTEG_TEST_SRC := $(addprefix runner/tests/,test_e2e.c test_exec.c \
	test_faults.c test_grade.c test_try.c test_shard.c test_asm.c \
	test_options.c) \
	$(wildcard tests/bench/test_*.c)
UNIT_TEST_SRC := $(filter-out $(CHECK_TEST_SRC) $(INTEG_TEST_SRC),\
	$(MODEL_TEST_SRC) $(RUNNER_TEST_SRC))
tier_bins = $(patsubst %.c,$(1)/host/%,$(2))
CHECK_DOCS := $(BUILD)/host/scripts/check-docs

.PHONY: all model cases cases-swiss runner tests benches test check fresh-check \
	run bench bench-go install uninstall check-format check-docs format deps deps-run \
	deps-test clean FORCE
.DELETE_ON_ERROR:
# The flags stamps are pattern-rule targets; keep them between runs.
.PRECIOUS: $(BUILD)/%/.flags $(BUILD)/runner/.flags
# The Swiss flavours' model objects are only prerequisites: keep them.
.SECONDARY: $(foreach f,$(SWISS_FLAVOURS) host-swiss,\
	$(patsubst %.c,$(BUILD)/$(f)/%.o,$(SWISS_MODEL_SRC)))

all: model cases runner

model: $(foreach f,$(FLAVOURS) host,$(patsubst %.c,$(BUILD)/$(f)/%.o,$(call model_src,$(f))))
cases: $(CASE_BINS) $(GO_BINS)
cases-swiss: $(SWISS_CASE_BINS)
runner: $(if $(RUNNER_SRC),$(BUILD)/maprace $(BUILD)/maprace-overlap.so)
tests: $(TEST_BINS) $(CHECK_DOCS)

# A flavour's flags, recorded so that a change of flags rebuilds its objects.
$(BUILD)/%/.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(FL_CC_$*) $(FL_CFLAGS_$*)$(if $(FL_MODEL_CFLAGS_$*), $(FL_MODEL_CFLAGS_$*))' | cmp -s - $@ || \
		echo '$(FL_CC_$*) $(FL_CFLAGS_$*)$(if $(FL_MODEL_CFLAGS_$*), $(FL_MODEL_CFLAGS_$*))' > $@

define flavour_rules
$(BUILD)/$(1)/model/%.o: model/%.c $(BUILD)/$(1)/.flags
	@mkdir -p $$(@D)
	$$(call msg,CC,$$@)
	$$(Q)$$(FL_CC_$(1)) $$(FL_CFLAGS_$(1)) $$(FL_MODEL_CFLAGS_$(1)) \
		-MMD -MP -c -o $$@ $$<

$(BUILD)/$(1)/cases/%: cases/%.c $(patsubst %.c,$(BUILD)/$(1)/%.o,$(call model_src,$(1))) $(BUILD)/$(1)/.flags
	@mkdir -p $$(@D)
	$$(call msg,CCLD,$$@)
	$$(Q)$$(FL_CC_$(1)) $$(FL_CFLAGS_$(1)) -MMD -MP -o $$@ $$< \
		$(patsubst %.c,$(BUILD)/$(1)/%.o,$(call model_src,$(1))) $$(MODEL_LIBS)
endef
$(foreach f,$(FLAVOURS) host opt $(SWISS_FLAVOURS) host-swiss,\
	$(eval $(call flavour_rules,$(f))))

# The Go twins of the cases (cases/<case>/<variant>.go), built by go itself
# into four more flavours: go (plain; detector go) and go-race (-race;
# detector go-race) with $(GO), go-hmap and go-hmap-race with $(GO_HMAP).
# GOCACHE and GOPATH live in the build tree, so nothing is written outside
# it (Go keys its cache by toolchain: both share it). `make` builds them
# when the toolchain is given (not in a SANITIZE build: the sanitizers are
# for the C code). The toolchain's path is stamped (.flags), so a change
# of Go rebuilds the twins.
# maprace try of Go files: TRY_SRC (absolute paths, package main, one
# folder), built into the same flavours. Always rebuilt.
FL_GO_go := $(GO)
FL_GO_go-race := $(GO)
FL_GO_go-hmap := $(GO_HMAP)
FL_GO_go-hmap-race := $(GO_HMAP)
FL_CFLAGS_go := $(GO)
FL_CFLAGS_go-race := $(GO) -race
FL_CFLAGS_go-hmap := $(GO_HMAP)
FL_CFLAGS_go-hmap-race := $(GO_HMAP) -race
define go_rules
$(BUILD)/$(1)/cases/%: cases/%.go $(BUILD)/$(1)/.flags
	@mkdir -p $$(@D)
	$$(if $$(FL_GO_$(1)),,$$(error $(1): no Go toolchain given (make $(2)=/path/to/go); maprace passes it))
	$$(call msg,GO,$$@)
	$$(Q)$$(GO_TWIN_ENV) $$(FL_GO_$(1)) build $(3) -o $$@ $$<
$(BUILD)/$(1)/try/%: FORCE
	@mkdir -p $$(@D)
	$$(if $$(FL_GO_$(1)),,$$(error $(1): no Go toolchain given (make $(2)=/path/to/go); maprace passes it))
	$$(GO_TWIN_ENV) $$(FL_GO_$(1)) build $(3) -o $$@ $$(TRY_SRC)
endef
$(eval $(call go_rules,go,GO,))
$(eval $(call go_rules,go-race,GO,-race))
$(eval $(call go_rules,go-hmap,GO_HMAP,))
$(eval $(call go_rules,go-hmap-race,GO_HMAP,-race))

# maprace try (docs/runner.md): a program of the user's, TRY_SRC (absolute
# paths, all C or all C++), built as $(BUILD)/<flavour>/try/<id> in each
# flavour with the flavour's compiler and flags minus the project's own
# warnings, -I each file's folder, valgrind's headers after the system's,
# and the model as an archive (its objects are linked only when the
# program calls the model). Always rebuilt: the runner names the id.
TRY_SRC ?=
CLANGXX ?= clang++
GXX ?= g++
FL_CXX_native := $(GXX)
FL_CXX_tsan := $(CLANGXX)
FL_CXX_tsan-gcc := $(GXX)
TRY_CXX = $(filter %.cc %.cpp %.cxx,$(TRY_SRC))
TRY_FLAGS = $(if $(TRY_CXX),,-std=gnu11) \
	$(addprefix -I,$(sort $(dir $(TRY_SRC)))) \
	$(patsubst -I%,-idirafter %,$(call pkgcflags,valgrind))
define try_rules
$(BUILD)/$(1)/libmodel.a: $(patsubst %.c,$(BUILD)/$(1)/%.o,$(MODEL_SRC))
	rm -f $$@
	ar rcs $$@ $$^

$(BUILD)/$(1)/try/%: $(BUILD)/$(1)/libmodel.a $(BUILD)/$(1)/.flags FORCE
	@mkdir -p $$(@D)
	$$(if $$(TRY_CXX),$(FL_CXX_$(1)),$(FL_CC_$(1))) \
		$(filter-out $(WARN) -std=c11,$(FL_CFLAGS_$(1))) $$(TRY_FLAGS) \
		-o $$@ $$(TRY_SRC) $(BUILD)/$(1)/libmodel.a $$(MODEL_LIBS) $$(LDFLAGS)
endef
$(foreach f,$(FLAVOURS),$(eval $(call try_rules,$(f))))

# maprace asm: each model or case source compiled alone to an object, per
# architecture, with the native flavour's code generation: x86-64 (gcc),
# arm64 (aarch64-linux-gnu-gcc; gcc's default makes a CAS a call to
# libgcc's outline atomics) and arm64-lse (-march=armv8.1-a: the CAS
# inline). Go's runtime: runner/asm-go/main.go built per GOARCH.
ASM_COMMON := -g -O1 -fno-omit-frame-pointer $(STD) $(WARN) -Imodel
FL_CC_asm-x86-64 := $(GCC)
FL_CFLAGS_asm-x86-64 := $(ASM_COMMON)
FL_CC_asm-arm64 := aarch64-linux-gnu-gcc
FL_CFLAGS_asm-arm64 := $(ASM_COMMON)
FL_CC_asm-arm64-lse := aarch64-linux-gnu-gcc
FL_CFLAGS_asm-arm64-lse := $(ASM_COMMON) -march=armv8.1-a
define asm_rules
$(BUILD)/asm-$(1)/%.o: %.c $(BUILD)/asm-$(1)/.flags
	@mkdir -p $$(@D)
	$$(FL_CC_asm-$(1)) $$(FL_CFLAGS_asm-$(1)) -MMD -MP -c -o $$@ $$<
endef
$(foreach a,x86-64 arm64 arm64-lse,$(eval $(call asm_rules,$(a))))
# The same on the Swiss-table model (maprace asm --model swiss): the case
# and model sources compiled as the *-swiss flavours compile them.
$(foreach a,x86-64 arm64 arm64-lse,\
	$(eval FL_CC_asm-swiss-$(a) := $(FL_CC_asm-$(a)))\
	$(eval FL_CFLAGS_asm-swiss-$(a) := -Imodel/swiss $(FL_CFLAGS_asm-$(a)) \
		$(SWISS_INCLUDE))\
	$(eval $(call asm_rules,swiss-$(a))))
# Go's own map code as the article saw it: the hmap Go (GO_HMAP, given by
# maprace asm).
GO_ENV = GOCACHE=$(abspath $(BUILD))/go-cache \
	GOPATH=$(abspath $(BUILD))/gopath GO111MODULE=off CGO_ENABLED=0
$(BUILD)/asm-go/%/prog: runner/asm-go/main.go
	@mkdir -p $(@D)
	$(if $(GO_HMAP),,$(error asm-go: no Go toolchain given (make GO_HMAP=/path/to/go)))
	$(GO_ENV) GOARCH=$* $(GO_HMAP) build -o $@ $<
# Go's map of today beside the Swiss-table model: the current Go (GO).
$(BUILD)/asm-go-current/%/prog: runner/asm-go/main.go
	@mkdir -p $(@D)
	$(if $(GO),,$(error asm-go-current: no Go toolchain given (make GO=/path/to/go)))
	$(GO_ENV) GOTOOLCHAIN=local GOARCH=$* $(GO) build -o $@ $<

# Unit tests of the model and of the first cases (host flavour + cmocka).
$(BUILD)/host/tests/%: tests/%.c $(patsubst %.c,$(BUILD)/host/%.o,$(MODEL_SRC)) $(BUILD)/host/.flags
	@mkdir -p $(@D)
	$(call msg,CCLD,$@)
	$(Q)$(CC) $(FL_CFLAGS_host) $(call pkgcflags,$(PKGS_TEST)) \
		-DMAPRACE_BUILD='"$(BUILD)"' -MMD -MP -o $@ $< \
		$(patsubst %.c,$(BUILD)/host/%.o,$(MODEL_SRC)) $(MODEL_LIBS) \
		$(call pkglibs,$(PKGS_TEST)) $(LDFLAGS)

# The Swiss model's unit tests (host-swiss flavour) include
# model/swiss/map.c itself, to reach its file-local functions, and link the
# rest of the model.
SWISS_TEST_OBJS := $(patsubst %.c,$(BUILD)/host-swiss/%.o,\
	$(filter-out model/swiss/map.c,$(SWISS_MODEL_SRC)))
$(BUILD)/host/tests/model/test_swiss: tests/model/test_swiss.c \
		$(SWISS_TEST_OBJS) $(BUILD)/host-swiss/.flags
	@mkdir -p $(@D)
	$(call msg,CCLD,$@)
	$(Q)$(CC) $(FL_CFLAGS_host-swiss) $(call pkgcflags,$(PKGS_TEST)) \
		-DMAPRACE_BUILD='"$(BUILD)"' -MMD -MP -o $@ $< \
		$(SWISS_TEST_OBJS) $(MODEL_LIBS) $(call pkglibs,$(PKGS_TEST)) \
		$(LDFLAGS)

# The runner.
$(BUILD)/runner/.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(RUNNER_CFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(RUNNER_CFLAGS)' > $@
$(BUILD)/runner/%.o: runner/%.c $(BUILD)/runner/.flags
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(RUNNER_CFLAGS) -MMD -MP -c -o $@ $<
$(BUILD)/maprace: $(patsubst %.c,$(BUILD)/%.o,$(RUNNER_SRC))
	$(call msg,LD,$@)
	$(Q)$(CC) $(RUNNER_CFLAGS) -o $@ $^ $(RUNNER_LIBS) $(LDFLAGS)
# The overlap probe of `maprace grade`, preloaded into native runs only.
$(BUILD)/maprace-overlap.so: runner/preload/overlap.c $(BUILD)/runner/.flags
	$(call msg,LD,$@)
	$(Q)$(GCC) -g -O1 -fPIC -shared $(STD) $(WARN) -o $@ $< -lpthread
$(BUILD)/host/runner/tests/%: runner/tests/%.c \
		$(patsubst %.c,$(BUILD)/%.o,$(RUNNER_LIB_SRC)) $(BUILD)/runner/.flags
	@mkdir -p $(@D)
	$(call msg,CCLD,$@)
	$(Q)$(CC) $(RUNNER_CFLAGS) $(call pkgcflags,$(PKGS_TEST)) \
		-DMAPRACE_BUILD='"$(BUILD)"' -MMD -MP -o $@ $< \
		$(patsubst %.c,$(BUILD)/%.o,$(RUNNER_LIB_SRC)) $(RUNNER_LIBS) \
		$(call pkglibs,$(PKGS_TEST)) $(LDFLAGS)

# check-docs (scripts/check-docs.c): every `function path:line` reference of
# the docs falls in that function and did not move since it was written;
# every case README's detector table agrees with case.ini; every benchmark
# figure quoted is in docs/benchmarks.md's tables; stated counts of
# detectors, cases, variants and cells are today's (docs/runner.md).
$(CHECK_DOCS): scripts/check-docs.c \
		$(patsubst %.c,$(BUILD)/%.o,$(RUNNER_LIB_SRC)) $(BUILD)/runner/.flags
	@mkdir -p $(@D)
	$(CC) $(RUNNER_CFLAGS) -MMD -MP -o $@ $< \
		$(patsubst %.c,$(BUILD)/%.o,$(RUNNER_LIB_SRC)) $(RUNNER_LIBS) $(LDFLAGS)
check-docs: $(CHECK_DOCS)
	@$(CHECK_DOCS) .

# Benchmarks: bench/*.c, linked with the runner's objects (but main.c).
BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))
benches: $(BENCH_BINS)
$(BUILD)/bench/%: bench/%.c $(patsubst %.c,$(BUILD)/%.o,$(RUNNER_LIB_SRC))
	@mkdir -p $(@D)
	$(call msg,CCLD,$@)
	$(Q)$(CC) $(RUNNER_CFLAGS) -O2 -MMD -MP -o $@ $< \
		$(patsubst %.c,$(BUILD)/%.o,$(RUNNER_LIB_SRC)) $(RUNNER_LIBS) $(LDFLAGS)

# The chapter-4 map designs (bench/maps): mapbench over the model (opt
# flavour) and liburcu; mapreport turns its output and bench/go's into
# tables. The Go benchmark itself runs in scripts/run-bench.
PKGS_MAPBENCH := liburcu liburcu-cds
MAPBENCH_SRC := $(filter-out bench/maps/mapreport.c,$(wildcard bench/maps/*.c))
MAPBENCH_BINS := $(BUILD)/bench/maps/mapbench $(BUILD)/bench/maps/mapreport
benches: $(MAPBENCH_BINS)
# The smoke test (make test) runs them.
$(BUILD)/host/tests/bench/test_bench_smoke: | $(MAPBENCH_BINS) $(BUILD)/maprace
$(BUILD)/bench/maps/mapbench: $(MAPBENCH_SRC) $(wildcard bench/maps/*.h model/*.h) \
		$(patsubst %.c,$(BUILD)/opt/%.o,$(MODEL_SRC)) $(BUILD)/opt/.flags
	@mkdir -p $(@D)
	$(FL_CC_opt) $(FL_CFLAGS_opt) $(call pkgcflags,$(PKGS_MAPBENCH)) -o $@ \
		$(MAPBENCH_SRC) $(patsubst %.c,$(BUILD)/opt/%.o,$(MODEL_SRC)) \
		$(MODEL_LIBS) $(call pkglibs,$(PKGS_MAPBENCH)) -lm $(LDFLAGS)
$(BUILD)/bench/maps/mapreport: bench/maps/mapreport.c bench/maps/stats.c \
		bench/maps/stats.h $(BUILD)/opt/.flags
	@mkdir -p $(@D)
	$(FL_CC_opt) $(FL_CFLAGS_opt) -o $@ $(filter %.c,$^) -lm $(LDFLAGS)
# The fuzzers (absent in the shadow trees that build a --cases catalog).
-include fuzz/fuzz.mk

-include $(shell find $(BUILD) -path '$(BUILD)/fresh-root' -prune -o -type f -name '*.d' -print 2>/dev/null)

deps: deps-test
deps-run:
	@scripts/install-deps run
deps-test:
	@scripts/install-deps test

# The README's test command, and the whole matrix (docs/ci.md).
# make test: the unit and integration tests (TEST_JOBS at a time), the unit
# tests again built with AddressSanitizer and UndefinedBehaviorSanitizer
# (in $(BUILD)-sanitize: the runner and the model, not the programs that
# only drive detectors), the fuzz seeds, the CI files, the formatting and
# the docs, the runner's layers (scripts/check-layers), its reading of
# results.json through the typed model only (scripts/check-results-keys)
# and its tables (scripts/check-names: no detector or format named outside
# its table).
SAN_BUILD := $(BUILD)-sanitize
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
test: deps-test
	@$(MAKE) --no-print-directory model runner tests \
		$(call tier_bins,$(BUILD),$(INTEG_TEST_SRC) $(UNIT_TEST_SRC))
	@$(MAKE) --no-print-directory BUILD=$(SAN_BUILD) \
		SANITIZE=address,undefined runner \
		$(SAN_BUILD)/host/scripts/check-docs \
		$(call tier_bins,$(SAN_BUILD),$(UNIT_TEST_SRC))
	@scripts/test-run-tests
	@scripts/check-layers
	@scripts/test-check-layers
	@scripts/check-results-keys
	@scripts/test-check-results-keys
	@scripts/check-names
	@scripts/test-check-names
	@DEVELOPER=$(DEVELOPER) scripts/run-tests -j $(TEST_JOBS) \
		$(call tier_bins,$(BUILD),$(INTEG_TEST_SRC) $(UNIT_TEST_SRC)) \
		$(call tier_bins,$(SAN_BUILD),$(UNIT_TEST_SRC))
	@$(MAKE) --no-print-directory fuzz-check
	@scripts/validate-ci
	@$(MAKE) --no-print-directory check-format
	@$(MAKE) --no-print-directory check-docs

# make check: the whole catalog under every detector (maprace check), then
# the case tests (tests/cases: each case many runs). SHARD=K/N runs one
# slice of the cells (maprace check --shard) and, in shard 1 only, the case
# tests; CHECK_DETECTORS (default all: a missing detector is an error; empty:
# maprace's default set) goes to -d, CHECK_ARGS to maprace check.
SHARD ?=
CHECK_DETECTORS ?= all
CHECK_ARGS ?=
check: deps-test
	@$(MAKE) --no-print-directory all tests
	$(BUILD)/maprace check --no-color $(if $(SHARD),--shard $(SHARD)) \
		$(if $(CHECK_DETECTORS),-d $(CHECK_DETECTORS)) $(CHECK_ARGS)
	@$(if $(filter-out 1/%,$(SHARD)),echo "check: the case tests run in shard 1",\
		DEVELOPER=$(DEVELOPER) scripts/run-tests \
		$(call tier_bins,$(BUILD),$(CHECK_TEST_SRC)))

# A fresh Debian 12 root (debootstrap): install-deps run + the quick start,
# install-deps test + make test, nothing installed by hand (as root).
fresh-check:
	scripts/fresh-check

run: deps-run
	@$(MAKE) --no-print-directory all
	$(BUILD)/maprace run $(ARGS)

bench: deps-test
	@$(MAKE) --no-print-directory all benches
	@BUILD=$(BUILD) scripts/run-bench

# Only the runner (maprace doctor go picks the two Gos): no other build.
bench-go: runner
	@BUILD=$(BUILD) scripts/bench-go

install: $(BUILD)/maprace
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD)/maprace $(DESTDIR)$(PREFIX)/bin/maprace
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 docs/maprace.1 $(DESTDIR)$(PREFIX)/share/man/man1/maprace.1
	# the kit `maprace try` builds with outside a repository
	install -d $(DESTDIR)$(PREFIX)/share/maprace/model/swiss \
		$(DESTDIR)$(PREFIX)/share/maprace/cases
	install -m 644 Makefile $(DESTDIR)$(PREFIX)/share/maprace/Makefile
	install -m 644 $(wildcard model/*.c model/*.h) \
		$(DESTDIR)$(PREFIX)/share/maprace/model/
	install -m 644 $(wildcard model/swiss/*.c model/swiss/*.h) \
		$(DESTDIR)$(PREFIX)/share/maprace/model/swiss/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/maprace
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/maprace.1
	rm -rf $(DESTDIR)$(PREFIX)/share/maprace

FORMAT_SRC = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
check-format:
	@clang-format --dry-run -Werror $(FORMAT_SRC)

format:
	@clang-format -i $(FORMAT_SRC)

clean:
	rm -rf $(BUILD) $(BUILD)-sanitize
