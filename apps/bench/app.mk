# apps/bench: the benchmark root task. `make bench` runs the target bench-run (listed in
# BENCH_TARGETS): it builds the bench image on a kernel that exports the PMU cycle
# counter to EL0 (CONFIG_EXPORT_PMU_USER=1), boots it under QEMU -icount shift=0 with
# tools/bench/run.py and writes $(BUILD)/bench/results.csv, ipc-vs-length.png and the logs.
#
# When the kernel has a CONFIG_FASTPATH option (listed in KERNEL_CONFIG_VARS), the image
# is built on two kernels, fastpath on and off, and both are run and compared.

$(call keel_user_app,bench,$(sort $(wildcard apps/bench/*.c)),)

BENCH_ELF     := $(BUILD)/apps/bench/bench.elf
BENCH_TIMEOUT ?= 900
BENCH_OUT     := $(BUILD)/bench

ifeq ($(KERNEL_ELF_bench),)
$(call keel_kernel_variant,bench,CONFIG_EXPORT_PMU_USER=1)
endif

ifneq ($(filter CONFIG_FASTPATH,$(KERNEL_CONFIG_VARS)),)
$(call keel_kernel_variant,bench-fastpath,CONFIG_EXPORT_PMU_USER=1 CONFIG_FASTPATH=1)
$(call keel_kernel_variant,bench-slowpath,CONFIG_EXPORT_PMU_USER=1 CONFIG_FASTPATH=0)
$(call keel_image_once,bench-fastpath,$(BENCH_ELF),$(KERNEL_ELF_bench-fastpath))
$(call keel_image_once,bench-slowpath,$(BENCH_ELF),$(KERNEL_ELF_bench-slowpath))
BENCH_RUNS := fastpath=$(call keel_image_path,bench-fastpath) \
              slowpath=$(call keel_image_path,bench-slowpath)
else
$(call keel_image_once,bench,$(BENCH_ELF),$(KERNEL_ELF_bench))
BENCH_RUNS := default=$(call keel_image_path,bench)
endif

BENCH_IMAGES := $(foreach r,$(BENCH_RUNS),$(lastword $(subst =, ,$(r))))

.PHONY: bench-run bench-images
bench-images: $(BENCH_IMAGES)

bench-run: $(BENCH_IMAGES)
	$(PYTHON) tools/bench/run.py --mem $(MEM) --timeout $(BENCH_TIMEOUT) --out-dir $(BENCH_OUT) \
	    $(foreach r,$(BENCH_RUNS),--image $(r))

BENCH_TARGETS += bench-run
