# tests-slowpath: the apps/tests suite (the same tests.elf) on a kernel built without
# the IPC fast path (CONFIG_FASTPATH=0), so every Call and ReplyRecv takes the general
# path. With the default kernel (fast path on) the same suite runs as `tests`; both
# must pass.
ifeq ($(KERNEL_ELF_slowpath),)
$(call keel_kernel_variant,slowpath,CONFIG_FASTPATH=0)
endif
$(call keel_image_once,tests-slowpath,$(BUILD)/apps/tests/tests.elf,$(KERNEL_ELF_slowpath))
QEMU_TESTS += tests-slowpath
