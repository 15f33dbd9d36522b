# apps/fuzz: the in-QEMU syscall fuzzer (main.c, child.c); tests/fuzz/fuzz.mk: the host
# fuzzer.
#
#   fuzz       short fixed-seed run, one of the QEMU test images (`make test`)
#   fuzz-long  the run of `make fuzz`: FUZZ_OPS operations or FUZZ_SECONDS of CPU time,
#              seed FUZZ_SEED
# Both boot a debug kernel built with CONFIG_PRINT_USER_ERRORS=0: failed invocations are
# the fuzzer's daily bread, and a console line for each would slow it to a crawl.

include tests/fuzz/fuzz.mk

FUZZ_SEED          ?= 0x6b65656c
FUZZ_SHORT_OPS     ?= 20000
FUZZ_LONG_DEFAULT_OPS ?= 1000000
FZ_APP_SRCS        := apps/fuzz/main.c apps/fuzz/child.c

ifeq ($(KERNEL_ELF_fuzz),)
$(call keel_kernel_variant,fuzz,CONFIG_PRINT_USER_ERRORS=0)
endif

# The parameters reach the code through a generated header, rewritten only when they
# change (so that a new FUZZ_OPS rebuilds what it must).
FZ_LONG_OPS = $(or $(FUZZ_OPS),$(if $(FUZZ_SECONDS),100000000000,$(FUZZ_LONG_DEFAULT_OPS)))
fz_params = \#define FZ_SEED ($(FUZZ_SEED)ul)\n\#define FZ_OPS ($(1)ul)\n\#define FZ_SECONDS ($(2)ul)\n

$(BUILD)/fuzz/params-%.h: FORCE
	@mkdir -p $(@D)
	@printf '$(if $(filter short,$*),$(call fz_params,$(FUZZ_SHORT_OPS),0),$(call fz_params,$(FZ_LONG_OPS),$(or $(FUZZ_SECONDS),0)))' > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

.PHONY: FORCE
FORCE:

$(call keel_user_app,fuzz,$(FZ_APP_SRCS),,-include $(BUILD)/fuzz/params-short.h)
$(call keel_user_app,fuzz-long,$(FZ_APP_SRCS),,-include $(BUILD)/fuzz/params-long.h)
$(fuzz_USER_OBJS): $(BUILD)/fuzz/params-short.h
$(fuzz-long_USER_OBJS): $(BUILD)/fuzz/params-long.h
$(call keel_image_once,fuzz,$(BUILD)/apps/fuzz/fuzz.elf,$(KERNEL_ELF_fuzz))
$(call keel_image_once,fuzz-long,$(BUILD)/apps/fuzz-long/fuzz-long.elf,$(KERNEL_ELF_fuzz))

# Under -icount (one instruction per ns of virtual time, idle time skipped) a run is
# deterministic: the same seed replays the same interleaving. A time-bounded long run
# (FUZZ_SECONDS) goes without it, so that its CPU time is about the real time.
FZ_ICOUNT := --qemu-arg=-icount --qemu-arg=shift=0,sleep=off
QEMU_TESTS += fuzz
QEMU_TEST_ARGS_fuzz := --timeout 300 $(FZ_ICOUNT)

# `make fuzz`: the host fuzzer for FUZZ_SECONDS (default 60), then the QEMU fuzzer.
# The runner's timeout (the watchdog for a hung kernel): generous against the time the
# run should take (about 3000 operations per second under -icount).
FZ_LONG_TIMEOUT = $(shell echo $$(( $(if $(FUZZ_SECONDS),$(FUZZ_SECONDS) * 3,$(FZ_LONG_OPS) / 300) + 600 )))

.PHONY: fuzz-run fuzz-qemu-long
fuzz-qemu-long: $(call keel_image_path,fuzz-long)
	@mkdir -p $(FUZZ_DIR)
	@echo "== fuzz: QEMU fuzzer ($(if $(FUZZ_SECONDS),$(FUZZ_SECONDS) s of CPU time,$(FZ_LONG_OPS) operations), seed $(FUZZ_SEED)"
	$(Q){ $(PYTHON) tools/run-qemu-test.py --timeout $(FZ_LONG_TIMEOUT) \
	      --log $(FUZZ_DIR)/qemu-fuzz-long.log $(if $(FUZZ_SECONDS),,$(FZ_ICOUNT)) \
	      $(call keel_image_path,fuzz-long) $(MEM); echo $$? > $(FUZZ_DIR)/qemu-fuzz-long.status; } | \
	    grep --line-buffered -aE "^fuzz:|^\[test\]|KERNEL PANIC|INVARIANT|passed, |FAILED"; \
	    exit $$(cat $(FUZZ_DIR)/qemu-fuzz-long.status)

fuzz-run:
	@status=0; \
	echo "== fuzz: host fuzzer"; \
	$(MAKE) --no-print-directory host-fuzz-long || status=1; \
	$(MAKE) --no-print-directory fuzz-qemu-long || status=1; \
	echo "== fuzz: summary"; \
	grep -h "^host-fuzz: [0-9]* inputs\|^host-fuzz: .*labels" $(FUZZ_DIR)/host-fuzz-long.log 2>/dev/null; \
	grep -h "^fuzz: done\|^fuzz: distinct\|^fuzz: invariant\|^fuzz: fuzz untyped\|passed, " $(FUZZ_DIR)/qemu-fuzz-long.log 2>/dev/null; \
	exit $$status
