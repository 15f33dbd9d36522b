# The host fuzzer (tests/fuzz): Keel's portable core driven by arbitrary bytes, under
# ASan/UBSan, with the invariant checker after every kernel entry (see host_fuzz.c).
#
#   $(FUZZ_DIR)/host-fuzz             libFuzzer build (clang -fsanitize=fuzzer)
#   $(FUZZ_DIR)/host-fuzz-standalone  any host compiler; random inputs from a seed
#   make host-fuzz-short              the fixed-seed run of `make test`
#                                     (HOST_FUZZ_RUNS inputs, seed HOST_FUZZ_SEED)
#   make host-fuzz-long               the run of `make fuzz` (FUZZ_SECONDS, default 60)
# Without clang (FUZZ_CC), both runs use the stand-alone build.

FUZZ_CC        ?= clang
HOST_FUZZ_RUNS ?= 1200
HOST_FUZZ_SEED ?= 1
FUZZ_DIR       := $(BUILD)/fuzz
HOST_FUZZ_SEEDS := tests/fuzz/corpus

HOST_FUZZ_OWN_SRCS := tests/fuzz/host_fuzz.c
FUZZ_WARN   := -Wall -Wextra -Werror
FUZZ_LF_FLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer -DKEEL_HOST_TEST=1 \
                 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                 $(HOST_INCLUDES) -Itests/host

# The kernel's string functions stay out: in a host program they would replace libc's
# for everyone (libFuzzer's mutators included), and its memmove leans on its own memcpy
# copying forwards, which ASan's memcpy does not promise.
FUZZ_CORE_SRCS := $(filter-out kernel/lib/string.c,$(HOST_CORE_SRCS))

# libFuzzer build: every object instrumented for coverage (-fsanitize=fuzzer-no-link).
FUZZ_LF_SRCS := $(sort $(FUZZ_CORE_SRCS) $(HOST_FUZZ_OWN_SRCS) tests/fuzz/libfuzzer_main.c)
FUZZ_LF_OBJS := $(patsubst %,$(FUZZ_DIR)/lf/%.o,$(FUZZ_LF_SRCS))

# The checker's own branches would only distract the coverage guidance (and slow it).
FUZZ_COVERAGE := -fsanitize=fuzzer-no-link
$(FUZZ_DIR)/lf/kernel/model/invariants.c.o: FUZZ_COVERAGE :=

$(FUZZ_DIR)/lf/%.c.o: %.c $(HOST_GEN_HEADERS) $(MAKEFILE_LIST)
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_LF_FLAGS) $(FUZZ_WARN) $(FUZZ_COVERAGE) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/host-fuzz: $(FUZZ_LF_OBJS)
	@echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_LF_FLAGS) -fsanitize=fuzzer $^ -o $@

# Stand-alone build: the host unit tests' objects plus the harness.
FUZZ_SA_OBJS := $(patsubst %,$(FUZZ_DIR)/sa/%.o,$(HOST_FUZZ_OWN_SRCS) tests/fuzz/standalone.c)

$(FUZZ_DIR)/sa/%.c.o: %.c $(HOST_GEN_HEADERS) $(MAKEFILE_LIST)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(HOST_INCLUDES) -Itests/host -MMD -MP -c $< -o $@

$(FUZZ_DIR)/host-fuzz-standalone: $(FUZZ_SA_OBJS) $(call host_objs,$(FUZZ_CORE_SRCS))
	@echo "  HOSTLD  $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $^ -o $@

-include $(FUZZ_LF_OBJS:.o=.d) $(FUZZ_SA_OBJS:.o=.d)

# $(call host_fuzz_run,DRIVER,LOG,OPTIONS,CORPUS): run the libFuzzer (lf) build on a corpus
# directory (the seeds are added to it), or the stand-alone (sa) build. The log ends with
# a "N passed, N failed" line for tools/test-summary.py.
define host_fuzz_run
	@mkdir -p $(dir $(2)) $(4)
	@$(MAKE) --no-print-directory $(if $(filter lf,$(1)),$(FUZZ_DIR)/host-fuzz,$(FUZZ_DIR)/host-fuzz-standalone) || exit 1
	@echo "host-fuzz: $(if $(filter lf,$(1)),libFuzzer,stand-alone driver), $(3)"
	@$(if $(filter lf,$(1)),cp -n $(HOST_FUZZ_SEEDS)/* $(4)/ 2>/dev/null;) \
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(if $(filter lf,$(1)),$(FUZZ_DIR)/host-fuzz -artifact_prefix=$(FUZZ_DIR)/ $(3) $(4),$(FUZZ_DIR)/host-fuzz-standalone $(3)) \
	  > $(2) 2>&1; status=$$?; \
	grep -aE "^host-fuzz|FAILURE|ERROR|INVARIANT|KERNEL PANIC|^  #|Test unit written|^keel:   |runtime error" $(2) | tail -60; \
	if [ $$status -eq 0 ]; then echo "1 passed, 0 failed" | tee -a $(2); \
	else echo "host-fuzz: FAILED (status $$status), log: $(2)"; echo "0 passed, 1 failed" >> $(2); exit 1; fi
endef

HOST_FUZZ_LF := $(if $(shell command -v $(FUZZ_CC) 2>/dev/null),lf,sa)
HOST_FUZZ_SA_RUNS ?= 300

# The short run of `make test`: libFuzzer (coverage-guided from the seeds) and the
# stand-alone driver (long random inputs), both with fixed seeds.
.PHONY: host-fuzz-short host-fuzz-long
host-fuzz-short:
	@rm -rf $(FUZZ_DIR)/corpus-short            # the same start every time
	$(call host_fuzz_run,$(HOST_FUZZ_LF),$(TEST_LOG_DIR)/host-fuzz.log,-runs=$(HOST_FUZZ_RUNS) -max_len=2048 -seed=$(HOST_FUZZ_SEED),$(FUZZ_DIR)/corpus-short)
	$(call host_fuzz_run,sa,$(TEST_LOG_DIR)/host-fuzz-random.log,-runs=$(HOST_FUZZ_SA_RUNS) -seed=$(HOST_FUZZ_SEED),)

# The run of `make fuzz`: FUZZ_SECONDS (default 60) of libFuzzer, or FUZZ_OPS inputs.
FUZZ_SECONDS ?=
HOST_FUZZ_SECONDS = $(or $(FUZZ_SECONDS),60)
host-fuzz-long:
	$(call host_fuzz_run,$(HOST_FUZZ_LF),$(FUZZ_DIR)/host-fuzz-long.log,-max_total_time=$(HOST_FUZZ_SECONDS) -max_len=8192 $(if $(FUZZ_OPS),-runs=$(FUZZ_OPS)) -seed=$$(( $(or $(FUZZ_SEED),$(HOST_FUZZ_SEED)) & 0x7fffffff )),$(FUZZ_DIR)/corpus)
