# sbconf: conformance suite and reference simulator for the Sideband stack.
# GNU make. Entry points users type:
#   make run    install what is missing, build, run the main job
#   make test   install what is missing, build, run every test
# Others: deps all asan valgrind bench clean test-layer L=<layer>

SHELL := bash
.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

CC      ?= cc
CLANG   ?= clang
BUILD   ?= build
PKGS    := libsodium libcjson libcrypto lua5.4
LAYERS  := common sbp rpc events sbrp auth peer cloud

# Flags are recursively expanded so pkg-config runs after `make deps`.
WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wundef -Wpointer-arith
CSTD     := -std=c11
OPT      ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CPPFLAGS += -Iref -Isim
CFLAGS   += $(CSTD) $(OPT) $(WARN)
SANITIZE :=

LIB_SRCS  := $(filter-out %_test.c,$(wildcard $(foreach l,$(LAYERS),ref/$(l)/*.c)))
TEST_SRCS := $(wildcard $(foreach l,$(LAYERS),ref/$(l)/*_test.c)) $(wildcard sim/*_test.c)
RUNNER_SRCS := ref/test/sbt.c ref/test/main.c
SIM_SRCS  := $(filter-out %_test.c,$(wildcard sim/*.c))
SIM_LIB_SRCS := $(filter-out sim/main.c,$(SIM_SRCS))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB_OBJS    := $(call obj,$(LIB_SRCS))
TEST_OBJS   := $(call obj,$(TEST_SRCS))
RUNNER_OBJS := $(call obj,$(RUNNER_SRCS))
SIM_OBJS    := $(call obj,$(SIM_SRCS))
SIM_LIB_OBJS := $(call obj,$(SIM_LIB_SRCS))

LIB     := $(BUILD)/libsbref.a
SBCONF  := $(BUILD)/sbconf
TESTBIN := $(BUILD)/sbconf-tests
RESULTS := $(BUILD)/results

.PHONY: all deps run vectors test test-unit test-reqcov test-vectors test-schema test-broken test-doc test-clang asan valgrind bench fuzz clean \
        test-layer check-deps

all: check-deps $(LIB) $(SBCONF) $(TESTBIN)

deps:
	@bash tools/deps.sh

check-deps:
	@pkg-config --exists $(PKGS) cunit || { \
	  echo "missing build dependencies: run 'make deps' (or 'make test' / 'make run')" >&2; exit 1; }

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(SANITIZE) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(SBCONF): $(SIM_OBJS) $(LIB)
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $(SIM_OBJS) $(LIB) $(PKG_LIBS) -lm

$(TESTBIN): $(RUNNER_OBJS) $(TEST_OBJS) $(SIM_LIB_OBJS) $(LIB)
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $(RUNNER_OBJS) $(TEST_OBJS) $(SIM_LIB_OBJS) $(LIB) $(PKG_LIBS) -lcunit -lm

-include $(BUILD)/obj/ref/bench/bench.d $(LIB_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(RUNNER_OBJS:.o=.d) $(SIM_OBJS:.o=.d)

# ---- running ---------------------------------------------------------------

# The main job: the reference checked against the upstream reference data,
# the conformance vectors and the upstream-interop set (tools/run.sh).
run: deps
	@$(MAKE) --no-print-directory all
	@bash tools/run.sh

# Every test stage writes "passed failed skipped" to $(RESULTS)/<stage>;
# tools/summary.sh adds them up and prints the closing line.
STAGES := unit reqcov vectors schema broken doc clang dissector scenarios fuzz

test: deps
	@$(MAKE) --no-print-directory all
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	@for s in $(STAGES); do $(MAKE) --no-print-directory test-$$s || true; done
	@bash tools/summary.sh $(RESULTS) $(STAGES)

test-unit: $(TESTBIN)
	@mkdir -p $(RESULTS)
	$(TESTBIN) --results $(RESULTS)/unit

# Every requirement a layer's catalog marks `test` is cited by a test, and
# every ID a test cites exists in a catalog.
test-reqcov:
	@mkdir -p $(RESULTS)
	@bash tools/reqcov.sh $(RESULTS)/reqcov

# Vectors: regeneration, the reference strict and through the adapter, the
# upstream-interop set, mutants, the Python example, requirement coverage.
test-vectors: all
	@mkdir -p $(RESULTS)
	@bash tools/vectors-test.sh $(RESULTS)/vectors

# Every vector file matches vectors/schema.json (and broken ones do not).
test-schema:
	@mkdir -p $(RESULTS)
	@bash tools/vectors-schema.sh $(RESULTS)/schema

# Broken vector files, configs, options and adapters give the documented
# exit codes and messages naming the file and the JSON path or line:column.
test-broken: all
	@mkdir -p $(RESULTS)
	@bash tools/vectors-broken.sh $(RESULTS)/broken

# Every public function in a ref/ header has a comment.
test-doc:
	@mkdir -p $(RESULTS)
	@bash tools/doccheck.sh $(RESULTS)/doc

# The library and tests also compile warning-free with clang.
test-clang:
	@mkdir -p $(RESULTS)
	@bash tools/clang-check.sh $(RESULTS)/clang $(CLANG) "$(CPPFLAGS) $(PKG_CFLAGS) $(CSTD) $(WARN)" \
	  $(LIB_SRCS) $(TEST_SRCS) $(RUNNER_SRCS) $(SIM_SRCS)

# One layer's tests in isolation (links only common + that layer), for work
# on a layer while others are mid-change: make test-layer L=sbrp
test-layer:
	@test -n "$(L)" || { echo "usage: make test-layer L=<layer>" >&2; exit 2; }
	@$(MAKE) --no-print-directory $(BUILD)/layer/$(L)-tests
	$(BUILD)/layer/$(L)-tests

LAYER_DEPS_common :=
LAYER_DEPS_sbp    := common
LAYER_DEPS_rpc    := common
LAYER_DEPS_events := common
LAYER_DEPS_sbrp   := common auth
LAYER_DEPS_auth   := common
LAYER_DEPS_peer   := common sbp rpc events
# cloud also uses sbrp (control-code table, frames, fingerprints); `=` so the
# layers peer and sbrp pull in are followed when their lists change.
LAYER_DEPS_cloud   = common auth peer sbrp $(LAYER_DEPS_peer) $(LAYER_DEPS_sbrp)
layer_srcs = $(filter-out %_test.c,$(wildcard $(foreach l,$(1) $(LAYER_DEPS_$(1)),ref/$(l)/*.c)))

.SECONDEXPANSION:
$(BUILD)/layer/%-tests: $(RUNNER_OBJS) $$(call obj,$$(wildcard ref/$$*/*_test.c)) \
                        $$(call obj,$$(call layer_srcs,$$*))
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^ $(PKG_LIBS) -lcunit -lm

# Regenerate the checked-in vectors from the reference and the curated inputs.
vectors: all
	$(SBCONF) vectors generate vectors

# Benchmarks: ratios against baselines measured in the same run.
BENCHBIN := $(BUILD)/sbconf-bench
$(BENCHBIN): $(call obj,ref/bench/bench.c) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# The simulator's and the dissector's rows are measured first and merged
# (--extra) into the one table, reports/bench.{json,md}.
bench: deps
	@$(MAKE) --no-print-directory all $(BENCHBIN)
	@mkdir -p reports
	@$(MAKE) --no-print-directory bench-sim
	@$(MAKE) --no-print-directory bench-dissector
	$(BENCHBIN) $(BENCH_ARGS) --extra $(BUILD)/bench-sim.json --extra $(BUILD)/bench-dissector.json

# Sanitizers: a separate tree so the normal build stays untouched.
asan: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan OPT="-O1 -g" \
	  SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  $(BUILD)/asan/sbconf-tests $(BUILD)/asan/sbconf
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(BUILD)/asan/sbconf-tests
	@echo "every scenario under AddressSanitizer and UndefinedBehaviorSanitizer:"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(BUILD)/asan/sbconf run --quiet scenarios/

valgrind: deps
	@$(MAKE) --no-print-directory all
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	  --error-exitcode=99 $(TESTBIN)

# ---- fuzzing (libFuzzer) ---------------------------------------------- begin
# One harness per target: ref/fuzz/fuzz_<target>.c. The library and sim
# objects are rebuilt by clang with coverage hooks and ASan+UBSan in their own
# tree, $(BUILD)/fuzz; tools/fuzz.sh builds, seeds (from vectors/) and runs:
#   make fuzz FUZZ_SECONDS=N   every target for N seconds (default 60), then
#                              the dissector's mutation run for N seconds
#   make test-fuzz             the smoke run of `make test` (a few seconds each)
# Crashing inputs are kept in $(BUILD)/fuzz/crashes/, logs in $(BUILD)/fuzz/logs/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(patsubst ref/fuzz/fuzz_%.c,%,$(wildcard ref/fuzz/fuzz_*.c))
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
.PHONY: test-fuzz fuzz-build fuzz-bins

fuzz: deps
	@rc=0; bash tools/fuzz.sh run $(FUZZ_SECONDS) || rc=1; \
	  $(MAKE) --no-print-directory fuzz-dissector FUZZ_SECONDS=$(FUZZ_SECONDS) || rc=1; exit $$rc

test-fuzz:
	@mkdir -p $(RESULTS)
	@bash tools/fuzz.sh smoke --results $(RESULTS)/fuzz

# What tools/fuzz.sh builds: the harnesses and the seed maker, in $(BUILD)/fuzz.
fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/fuzz CC=$(CLANG) OPT="-O1 -g" \
	  SANITIZE="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" fuzz-bins

fuzz-bins: $(addprefix $(BUILD)/bin/fuzz-,$(FUZZ_TARGETS)) $(BUILD)/bin/seed-maker

$(BUILD)/libsbsim.a: $(SIM_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/bin/fuzz-%: ref/fuzz/fuzz_%.c $(BUILD)/libsbsim.a $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) -MMD -MP -o $@ $< \
	  $(BUILD)/libsbsim.a $(LIB) $(PKG_LIBS) -lm

$(BUILD)/bin/seed-maker: ref/fuzz/seeds.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(SANITIZE) -MMD -MP -o $@ $< $(LIB) $(PKG_LIBS) -lm

-include $(wildcard $(BUILD)/bin/*.d)
# ---- fuzzing (libFuzzer) ------------------------------------------------ end

clean:
	rm -rf $(BUILD)

# ---- dissector ----
# The Wireshark 4.0 plugin for SBRP, SBP and RPC (dissector/README.md), built
# against the installed wireshark-dev with libsodium (Lua is never linked in).
# The lead hooks $(DISSECTOR_SO) into `all`, test-dissector into STAGES and
# bench-dissector into `bench`. sim/pcap.c needs OpenSSL's libcrypto (SHA-1),
# which PKGS lists.
DISSECTOR_SO      := $(BUILD)/dissector/sbrp.so
DISSECTOR_SRCS    := $(wildcard dissector/*.c)
DISSECTOR_HDRS    := $(wildcard dissector/*.h)
# WIRESHARK_PLUGIN_DIR layout for tests: <dir>/<major.minor>/epan/sbrp.so
DISSECTOR_PLUGDIR := $(BUILD)/dissector/plugins
DISSECTOR_CFLAGS   = $(shell pkg-config --cflags wireshark libsodium 2>/dev/null)
DISSECTOR_LIBS     = $(shell pkg-config --libs wireshark libsodium 2>/dev/null)
.PHONY: dissector install-dissector test-dissector fuzz-dissector bench-dissector

dissector: $(DISSECTOR_SO)
all: $(DISSECTOR_SO)

$(DISSECTOR_SO): $(DISSECTOR_SRCS) $(DISSECTOR_HDRS)
	@mkdir -p $(@D)
	@pkg-config --exists wireshark || { echo "missing wireshark-dev: run 'make deps'" >&2; exit 1; }
	$(CC) $(CSTD) $(OPT) $(WARN) -fPIC -shared -fvisibility=hidden $(DISSECTOR_CFLAGS) \
	  -o $@ $(DISSECTOR_SRCS) $(DISSECTOR_LIBS)
	@v=$$(pkg-config --modversion wireshark | cut -d. -f1,2); \
	  mkdir -p $(DISSECTOR_PLUGDIR)/$$v/epan && cp $@ $(DISSECTOR_PLUGDIR)/$$v/epan/sbrp.so

# The same plugin with AddressSanitizer and UBSan, for the fuzz runs (tshark itself is not
# instrumented: the scripts preload the sanitizer runtimes).
DISSECTOR_ASAN_SO := $(BUILD)/dissector/asan/sbrp.so
$(DISSECTOR_ASAN_SO): $(DISSECTOR_SRCS) $(DISSECTOR_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(WARN) -fsanitize=address,undefined -fno-omit-frame-pointer \
	  -fPIC -shared -fvisibility=hidden $(DISSECTOR_CFLAGS) -o $@ $(DISSECTOR_SRCS) $(DISSECTOR_LIBS)
	@v=$$(pkg-config --modversion wireshark | cut -d. -f1,2); \
	  mkdir -p $(@D)/plugins/$$v/epan && cp $@ $(@D)/plugins/$$v/epan/sbrp.so

# Personal plugin folder, or the global one when run as root.
install-dissector: $(DISSECTOR_SO)
	@BUILD=$(BUILD) bash tools/dissector-install.sh $(DISSECTOR_SO)

# tshark over the demo, vector, random and fuzz captures; "passed failed skipped".
test-dissector: $(DISSECTOR_SO) $(DISSECTOR_ASAN_SO) $(SBCONF)
	@mkdir -p $(RESULTS)
	@BUILD=$(BUILD) bash tools/dissector-test.sh $(RESULTS)/dissector

# A longer mutation run through tshark: FUZZ_SECONDS (default 60).
fuzz-dissector: $(DISSECTOR_SO) $(DISSECTOR_ASAN_SO) $(SBCONF)
	@BUILD=$(BUILD) bash tools/dissector-fuzz.sh $(or $(FUZZ_SECONDS),60)

# tshark with and without the plugin on >= 100 000 SBRP frames.
bench-dissector: $(DISSECTOR_SO) $(SBCONF)
	@BUILD=$(BUILD) bash tools/dissector-bench.sh $(BUILD)/bench-dissector.json
# ---- end dissector ----

# ---- scenarios ----
# Lua scenarios in the deterministic simulator (scenarios/README.md): every
# scenario passes; each is deterministic (same seed: the same trace digest,
# another seed: another digest); their captures open in tshark; the broken
# scripts of scenarios/broken/ and bad command lines give their documented
# exit code and message. Writes "passed failed skipped" to $(RESULTS)/scenarios.
# The lead hooks test-scenarios into STAGES.
.PHONY: test-scenarios bench-sim
test-scenarios: $(SBCONF)
	@mkdir -p $(RESULTS)
	@bash tools/scenarios-test.sh $(RESULTS)/scenarios

# sim_events (scheduler alone), sim_frames (Data frames delivered end to end
# vs the bare seal + open of the same frames) and the scenario suite's wall
# time, into $(BUILD)/bench-sim.json (BENCH_SIM_ARGS=--quick for a short run).
# The lead hooks bench-sim into bench.
SIM_BENCH := $(BUILD)/sim-bench
$(SIM_BENCH): sim/sim_bench.c $(filter-out $(BUILD)/obj/sim/sim_bench.o,$(SIM_LIB_OBJS)) $(LIB)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -DSIM_BENCH_MAIN -o $@ $^ $(PKG_LIBS) -lm

bench-sim: $(SIM_BENCH) $(SBCONF)
	@bash tools/sim-bench.sh $(SIM_BENCH) $(SBCONF) $(BUILD)/bench-sim.json $(BENCH_SIM_ARGS)
# ---- end scenarios ----
