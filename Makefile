# Keel: build, run and test. See README.md.
#
#   make run        build and boot $(ROOTTASK) (default: sos) in QEMU; Ctrl-A x quits
#   make test       host unit tests + QEMU tests (what CI runs)
#   make debug      boot under QEMU's gdb stub and attach gdb-multiarch
#
# Everything is built out of tree in $(BUILD).

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:
.SECONDARY:

BUILD    ?= build
override BUILD := $(abspath $(BUILD))
CROSS    ?= aarch64-linux-gnu-
MEM      ?= 1G
ABI_DIR  ?= $(abspath ../shared/abi)
GEN_INC  := $(BUILD)/gen/include
ROOTTASK ?= sos
QEMU     ?= qemu-system-aarch64
PYTHON   ?= python3
GDB      ?= gdb-multiarch
GDB_PORT ?= 1234
QEMU_TEST_TIMEOUT ?= 120
TEST_LOG_DIR = $(BUILD)/logs

# V=1 shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

# Kernel configuration (passed to the kernel as -D options).
CONFIG_ROOT_CNODE_SIZE_BITS ?= 13
CONFIG_EXPORT_PMU_USER      ?= 0
CONFIG_EXPORT_PTIMER_USER   ?= 0
CONFIG_SEMIHOSTING          ?= 1
CONFIG_FASTPATH             ?= 1
CONFIG_PRINT_USER_ERRORS    ?= 1
KEEL_DEBUG                  ?= 1

# Filled by apps/*/app.mk: names of images to boot in `make qemu-test`, each with
# optional extra runner arguments in QEMU_TEST_ARGS_<name>.
QEMU_TESTS :=
# Filled by apps/*/app.mk: targets that `make bench` runs.
BENCH_TARGETS :=

include mk/kernel.mk
include mk/loader.mk
include mk/image.mk
include mk/host.mk
-include mk/user.mk
# Apps declare themselves after the user build rules (keel_user_app) exist.
-include $(sort $(wildcard apps/*/app.mk))

# The root task for `make run`: apps/$(ROOTTASK) if it (and the user build) exists,
# else the loader's stub root task.
ifneq ($(and $(wildcard apps/$(ROOTTASK)/app.mk),$(wildcard mk/user.mk)),)
ROOTTASK_ELF ?= $(BUILD)/apps/$(ROOTTASK)/$(ROOTTASK).elf
else
ROOTTASK_ELF ?= $(STUB_ROOTTASK_ELF)
endif
$(call keel_image_once,$(ROOTTASK),$(ROOTTASK_ELF),$(KERNEL_ELF))
RUN_IMAGE := $(call keel_image_path,$(ROOTTASK))

# With no tests declared yet, qemu-test boots the run image and waits for its last line.
ifeq ($(strip $(QEMU_TESTS)),)
QEMU_TESTS := $(ROOTTASK)
ifeq ($(ROOTTASK_ELF),$(STUB_ROOTTASK_ELF))
QEMU_TEST_ARGS_$(ROOTTASK) ?= --done-marker 'tick 3' --allow-no-tests
else
QEMU_TEST_ARGS_$(ROOTTASK) ?= --done-marker '$(ROOTTASK): done' --allow-no-tests
endif
endif
# Every test image that no app.mk defined gets the default kernel.
$(foreach t,$(QEMU_TESTS),$(call keel_image_once,$(t),$(BUILD)/apps/$(t)/$(t).elf,$(KERNEL_ELF)))
QEMU_TEST_IMAGES := $(foreach t,$(QEMU_TESTS),$(call keel_image_path,$(t)))

.PHONY: all run test host-test qemu-test bench fuzz debug debug-server clean setup

# The user-facing targets first make sure the tools are there (tools/setup.sh is fast
# when they are), then re-enter make to do the work, so nothing starts without them.
ENTRY_TARGETS := all run test host-test qemu-test bench fuzz debug debug-server

ifeq ($(KEEL_SETUP_DONE),)
$(ENTRY_TARGETS): setup
	+@$(MAKE) --no-print-directory KEEL_SETUP_DONE=1 $@
else

all: $(KERNEL_ELF) $(RUN_IMAGE) $(QEMU_TEST_IMAGES) $(HOST_TEST_BINS)

run: $(RUN_IMAGE)
	@echo "run: booting $(RUN_IMAGE) (MEM=$(MEM)); Ctrl-A x quits QEMU"
	tools/qemu/run.sh $(RUN_IMAGE) $(MEM)

# `make test`: host tests, the short host fuzz run, every QEMU test image (the QEMU fuzzer's
# short run among them), the main test image again with 512 MiB
# and 2 GiB of RAM (its bootinfo tests check the untypeds against each DTB), then the
# sum of everything. One stage after the other, even under -j, so output does not
# interleave.
TEST_MEMS_EXTRA ?= 512M 2G
test:
	@rm -rf $(TEST_LOG_DIR)
	+@status=0; \
	$(MAKE) --no-print-directory host-test || status=1; \
	$(MAKE) --no-print-directory host-fuzz-short || status=1; \
	$(MAKE) --no-print-directory qemu-test || status=1; \
	for m in $(TEST_MEMS_EXTRA); do \
	  $(MAKE) --no-print-directory qemu-test MEM=$$m QEMU_TESTS=tests || status=1; \
	done; \
	echo "== test summary"; \
	$(PYTHON) tools/test-summary.py $(TEST_LOG_DIR) || status=1; \
	exit $$status

host-test: run-host-tests

qemu-test: $(QEMU_TEST_IMAGES)
	@failed=0; \
	$(foreach t,$(QEMU_TESTS), \
	  echo "== qemu-test: $(t) (MEM=$(MEM))"; \
	  $(PYTHON) tools/run-qemu-test.py --timeout $(QEMU_TEST_TIMEOUT) \
	    --log $(TEST_LOG_DIR)/$(t)-$(MEM).log $(QEMU_TEST_ARGS_$(t)) \
	    $(call keel_image_path,$(t)) $(MEM) || failed=$$((failed + 1));) \
	if [ $$failed -ne 0 ]; then echo "qemu-test: $$failed image(s) failed"; exit 1; fi; \
	echo "qemu-test: all images passed"

bench: $(BENCH_TARGETS)
	@if [ -z "$(strip $(BENCH_TARGETS))" ]; then \
	  echo "bench: not yet implemented - no benchmarks exist, nothing was measured"; fi

# `make fuzz`: the host fuzzer, then the QEMU fuzzer (apps/fuzz/app.mk; FUZZ_SECONDS,
# FUZZ_OPS, FUZZ_SEED).
fuzz:
	+@$(MAKE) --no-print-directory fuzz-run

debug: $(RUN_IMAGE) $(KERNEL_ELF)
	tools/qemu/debug.sh $(RUN_IMAGE) $(MEM) $(KERNEL_ELF) $(GDB_PORT)

debug-server: $(RUN_IMAGE) $(KERNEL_ELF)
	tools/qemu/debug.sh --server-only $(RUN_IMAGE) $(MEM) $(KERNEL_ELF) $(GDB_PORT)

endif

setup:
	@CROSS=$(CROSS) QEMU=$(QEMU) tools/setup.sh

clean:
	rm -rf $(BUILD)
