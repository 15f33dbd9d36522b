# apps/ipcperf: instruction counts of the IPC hot path (Call / ReplyRecv, 0 words) under
# -icount shift=0, with the fast path on and off. `make ipcperf` builds and runs it; it
# is a measurement, not a test (not in QEMU_TESTS or BENCH_TARGETS).

include libs/mapping/lib.mk
include libs/simple_alloc/lib.mk

$(call keel_user_app,ipcperf,apps/ipcperf/main.c,$(KEEL_LIB_SIMPLE_ALLOC) $(KEEL_LIB_MAPPING),$(KEEL_LIB_SIMPLE_ALLOC_CFLAGS))

# Kernels that export the cycle counter to EL0: the bench kernel (fast path as
# configured) and one with the fast path compiled out.
ifeq ($(KERNEL_ELF_bench-slowpath),)
$(call keel_kernel_variant,bench-slowpath,CONFIG_EXPORT_PMU_USER=1 CONFIG_FASTPATH=0)
endif
$(call keel_image_once,ipcperf,$(BUILD)/apps/ipcperf/ipcperf.elf,$(KERNEL_ELF_bench))
$(call keel_image_once,ipcperf-slowpath,$(BUILD)/apps/ipcperf/ipcperf.elf,$(KERNEL_ELF_bench-slowpath))

IPCPERF_IMAGES := ipcperf ipcperf-slowpath

.PHONY: ipcperf
ipcperf: $(foreach i,$(IPCPERF_IMAGES),$(call keel_image_path,$(i)))
	@$(foreach i,$(IPCPERF_IMAGES), \
	  echo "== ipcperf: $(i) (-icount shift=0)"; \
	  ICOUNT=1 $(PYTHON) tools/run-qemu-test.py --timeout 120 --allow-no-tests \
	    --done-marker 'ipcperf: done' --log $(BUILD)/logs/$(i)-$(MEM).log \
	    $(call keel_image_path,$(i)) $(MEM) | grep '^ipcperf' || exit 1;)
