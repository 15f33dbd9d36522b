# apps/ipcperf: instruction counts of the IPC hot path (Call / ReplyRecv, 0 words) under
# -icount shift=0. `make ipcperf` builds and boots it on three kernels that export the
# PMU cycle counter to EL0:
#   ipcperf           release (KEEL_DEBUG=0), fast path on   -- the numbers to compare
#   ipcperf-slowpath  release, fast path off (CONFIG_FASTPATH=0)
#   ipcperf-debug     the default configuration (KEEL_DEBUG=1, fast path on)
# It is a measurement, not a test (not in QEMU_TESTS or BENCH_TARGETS; apps/bench is the
# full benchmark suite). apps/ipcperf/profile.py attributes each kernel entry's
# instructions to kernel functions.

include libs/mapping/lib.mk
include libs/simple_alloc/lib.mk

$(call keel_user_app,ipcperf,apps/ipcperf/main.c,$(KEEL_LIB_SIMPLE_ALLOC) $(KEEL_LIB_MAPPING),$(KEEL_LIB_SIMPLE_ALLOC_CFLAGS))

IPCPERF_ELF := $(BUILD)/apps/ipcperf/ipcperf.elf
$(call keel_kernel_variant,ipcperf,CONFIG_EXPORT_PMU_USER=1 KEEL_DEBUG=0 CONFIG_FASTPATH=1)
$(call keel_kernel_variant,ipcperf-slowpath,CONFIG_EXPORT_PMU_USER=1 KEEL_DEBUG=0 CONFIG_FASTPATH=0)
$(call keel_kernel_variant,ipcperf-debug,CONFIG_EXPORT_PMU_USER=1 KEEL_DEBUG=1)
IPCPERF_IMAGES := ipcperf ipcperf-slowpath ipcperf-debug
$(foreach i,$(IPCPERF_IMAGES),$(call keel_image_once,$(i),$(IPCPERF_ELF),$(KERNEL_ELF_$(i))))

.PHONY: ipcperf
ipcperf: $(foreach i,$(IPCPERF_IMAGES),$(call keel_image_path,$(i)))
	@$(foreach i,$(IPCPERF_IMAGES), \
	  echo "== ipcperf: $(i) (-icount shift=0)"; \
	  ICOUNT=1 $(PYTHON) tools/run-qemu-test.py --timeout 120 --allow-no-tests \
	    --done-marker 'ipcperf: done' --log $(BUILD)/logs/$(i)-$(MEM).log \
	    $(call keel_image_path,$(i)) $(MEM) | grep '^ipcperf' || exit 1;)
