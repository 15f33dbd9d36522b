# drivertest: root task testing IRQControl/IRQHandler and the timer, serial and mapping
# libraries (libs/timer, libs/serial, libs/mapping, libs/simple_alloc).
#
# It drives the EL1 physical timer from EL0, so its image boots a kernel variant built
# with CONFIG_EXPORT_PTIMER_USER=1. The serial test waits for the runner to type a line.

include libs/mapping/lib.mk
include libs/simple_alloc/lib.mk
include libs/timer/lib.mk
include libs/serial/lib.mk

DRIVERTEST_LIBS := $(KEEL_LIB_SIMPLE_ALLOC) $(KEEL_LIB_MAPPING) $(KEEL_LIB_TIMER) \
                   $(KEEL_LIB_SERIAL)
DRIVERTEST_CFLAGS := $(KEEL_LIB_MAPPING_CFLAGS) $(KEEL_LIB_SIMPLE_ALLOC_CFLAGS) \
                     $(KEEL_LIB_TIMER_CFLAGS) $(KEEL_LIB_SERIAL_CFLAGS)

$(call keel_user_app,drivertest,$(sort $(wildcard apps/drivertest/*.c)),$(DRIVERTEST_LIBS),$(DRIVERTEST_CFLAGS))

# A kernel that lets EL0 use the physical timer (shared with any other app that needs it).
ifeq ($(KERNEL_ELF_ptimer),)
$(call keel_kernel_variant,ptimer,CONFIG_EXPORT_PTIMER_USER=1)
endif
$(call keel_image_once,drivertest,$(BUILD)/apps/drivertest/drivertest.elf,$(KERNEL_ELF_ptimer))

QEMU_TESTS += drivertest
QEMU_TEST_ARGS_drivertest := --send-after 'drivertest: type something' --send 'hello keel\r'
