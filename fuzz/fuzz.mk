# fuzz/fuzz.mk - libFuzzer harnesses of the parsers and the catalog reader
# (included by the Makefile).
#
#   make fuzz            run each harness for FUZZ_SECONDS (default 60)
#                        from its seed corpus; new inputs are kept in
#                        $(BUILD)/fuzz/corpus/<target>/, crashes in
#                        $(BUILD)/fuzz/crashes/<target>/
#   make fuzz-check      run each harness once over its seeds and over
#                        fuzz/regress/<target>/ (part of `make test`)
#
# scripts/fuzz does the running and prints one line per harness.
#
# Each harness is fuzz/fuzz-<target>.c (targets: tsan, valgrind, native,
# go, catalog), linked with the runner's objects
# (all but main.c) built by clang with -fsanitize=fuzzer-no-link,address,
# undefined in $(BUILD)/fuzz/. Seeds are the saved detector logs of
# runner/tests/logs and every case.ini of cases/ and runner/tests/cases/;
# an input that once crashed a harness goes to fuzz/regress/<target>/.

FUZZ_SECONDS ?= 60
FUZZ_TARGETS := tsan valgrind native go catalog
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_CFLAGS := -g -O1 $(STD) $(WARN) $(FUZZ_SAN) -Irunner \
	$(call pkgcflags,$(PKGS_RUNNER))
FUZZ_OBJS := $(patsubst runner/%.c,$(FUZZ_DIR)/runner/%.o,$(RUNNER_LIB_SRC))
FUZZ_BINS := $(patsubst %,$(FUZZ_DIR)/fuzz-%,$(FUZZ_TARGETS))

# Seeds of each harness.
FUZZ_SEEDS_tsan := $(wildcard runner/tests/logs/tsan-* runner/tests/logs/*.stderr)
FUZZ_SEEDS_valgrind := $(wildcard runner/tests/logs/*.xml)
FUZZ_SEEDS_native := $(wildcard runner/tests/logs/*native*.stderr \
	runner/tests/logs/tsan-*.stderr)
FUZZ_SEEDS_go := $(wildcard runner/tests/logs/go-*.stderr \
	runner/tests/logs/go126-*.stderr)
FUZZ_SEEDS_catalog := $(wildcard cases/*/case.ini runner/tests/cases/*/*/case.ini)

.PHONY: fuzz fuzz-build fuzz-check

fuzz-build: $(FUZZ_BINS)
# The objects are kept between builds.
.SECONDARY: $(FUZZ_OBJS)

$(FUZZ_DIR)/.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(CLANG) $(FUZZ_CFLAGS)' | cmp -s - $@ || \
		echo '$(CLANG) $(FUZZ_CFLAGS)' > $@
$(FUZZ_DIR)/runner/%.o: runner/%.c $(FUZZ_DIR)/.flags
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<
$(FUZZ_DIR)/fuzz-%: fuzz/fuzz-%.c $(FUZZ_OBJS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< \
		$(FUZZ_OBJS) $(RUNNER_LIBS) $(LDFLAGS)

# Each seed and regression input once: a crash, a leak or undefined
# behaviour fails `make test`.
fuzz-check: fuzz-build
	@set -e; $(foreach t,$(FUZZ_TARGETS),scripts/fuzz check $(FUZZ_DIR) 0 \
		$(t) $(FUZZ_SEEDS_$(t));)

fuzz: fuzz-build
	@set -e; $(foreach t,$(FUZZ_TARGETS),scripts/fuzz run $(FUZZ_DIR) \
		$(FUZZ_SECONDS) $(t) $(FUZZ_SEEDS_$(t));)
