# schedtest: time-dependent scheduler tests (MCS budgets and periods, CPU shares, round
# robin, timeout faults, sporadic replenishment, Consumed, constant-time kernel entry).
#
# QEMU runs it with -icount shift=0,sleep=off (one instruction per ns of virtual time;
# idle time skips straight to the next timer deadline), so the timings are the same on
# every run. Threads measure their own running time with the generic
# counter (CNTPCT_EL0), which needs the kernel variant that lets EL0 read it. The
# apps/tests framework (threads, allocator, CHECK macros) is linked in.
$(call keel_user_app,schedtest,$(sort $(wildcard apps/schedtest/*.c)) apps/tests/framework.c,,-Iapps/tests)

ifeq ($(KERNEL_ELF_ptimer),)
$(call keel_kernel_variant,ptimer,CONFIG_EXPORT_PTIMER_USER=1)
endif
$(call keel_image_once,schedtest,$(BUILD)/apps/schedtest/schedtest.elf,$(KERNEL_ELF_ptimer))

QEMU_TESTS += schedtest
QEMU_TEST_ARGS_schedtest := --qemu-arg=-icount --qemu-arg=shift=0,sleep=off
