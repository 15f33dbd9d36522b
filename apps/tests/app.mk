# apps/tests: the QEMU test root task (boot, syscall, fault, CNode and untyped tests).
# `make qemu-test` boots its image and judges the "[test] ..." lines.
$(call keel_user_app,tests,$(sort $(wildcard apps/tests/*.c)),)
$(call keel_image_once,tests,$(BUILD)/apps/tests/tests.elf,$(KERNEL_ELF))
QEMU_TESTS += tests
