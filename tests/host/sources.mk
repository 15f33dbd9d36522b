# Sources every host unit test links against: the whole portable core, the AArch64 cap
# hooks that only look at caps (arch/aarch64/object/caps.c), the fake
# architecture, and the host helpers. The fakes of other modules are weak symbols, so
# the real implementations always win.
HOST_CORE_SRCS := $(sort $(wildcard kernel/object/*.c kernel/model/*.c kernel/api/*.c) \
                    kernel/lib/kprintf.c kernel/lib/string.c \
                    kernel/arch/aarch64/object/caps.c \
                    tests/host/fake_arch.c tests/host/fake_vspace.c tests/host/fake_objects.c \
                    tests/host/fake_ipc_deps.c tests/host/host_objects.c)
