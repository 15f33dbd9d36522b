# apps/bench: the benchmark root task. `make bench` runs the target bench-run (listed in
# BENCH_TARGETS): it builds the bench image on kernels that export the PMU cycle counter
# (CONFIG_EXPORT_PMU_USER=1) and the EL1 physical timer (CONFIG_EXPORT_PTIMER_USER=1, for
# the interrupt benchmark) to EL0, boots each under QEMU -icount shift=0 with
# tools/bench/run.py and writes $(BUILD)/bench/results.csv, ipc-vs-length.png and logs.
#
# Kernel variants measured (the first is the one compared with seL4):
#   fastpath  release kernel (KEEL_DEBUG=0), CONFIG_FASTPATH=1
#   slowpath  release kernel, CONFIG_FASTPATH=0
#   debug     the default configuration (KEEL_DEBUG=1, default CONFIG_FASTPATH)
# Without a CONFIG_FASTPATH option in KERNEL_CONFIG_VARS: "release" and "debug" only.

$(call keel_user_app,bench,$(sort $(wildcard apps/bench/*.c)),)

BENCH_ELF     := $(BUILD)/apps/bench/bench.elf
BENCH_TIMEOUT ?= 900
BENCH_OUT     := $(BUILD)/bench
BENCH_RUNS    :=

# $(call bench_variant,LABEL,KERNEL CONFIG OVERRIDES): a kernel
# $(BUILD)/kernel-bench-LABEL/kernel.elf exporting the PMU and the physical timer, the
# bench image on it, and a run named LABEL.
BENCH_KERNEL_EXPORTS := CONFIG_EXPORT_PMU_USER=1 CONFIG_EXPORT_PTIMER_USER=1
bench_variant = $(call keel_kernel_variant,bench-$(1),$(BENCH_KERNEL_EXPORTS) $(2))$(call \
    keel_image_once,bench-$(1),$(BENCH_ELF),$(KERNEL_ELF_bench-$(1)))$(eval \
    BENCH_RUNS += $(1)=$(call keel_image_path,bench-$(1)))

ifneq ($(filter CONFIG_FASTPATH,$(KERNEL_CONFIG_VARS)),)
$(call bench_variant,fastpath,KEEL_DEBUG=0 CONFIG_FASTPATH=1)
$(call bench_variant,slowpath,KEEL_DEBUG=0 CONFIG_FASTPATH=0)
else
$(call bench_variant,release,KEEL_DEBUG=0)
endif
$(call bench_variant,debug,)

BENCH_IMAGES := $(foreach r,$(BENCH_RUNS),$(lastword $(subst =, ,$(r))))

.PHONY: bench-run bench-images
bench-images: $(BENCH_IMAGES)

bench-run: $(BENCH_IMAGES)
	$(PYTHON) tools/bench/run.py --mem $(MEM) --timeout $(BENCH_TIMEOUT) --out-dir $(BENCH_OUT) \
	    $(foreach r,$(BENCH_RUNS),--image $(r))

BENCH_TARGETS += bench-run
