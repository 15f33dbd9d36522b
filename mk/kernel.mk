# The Keel kernel: kernel/**.c/.S cross-compiled into $(BUILD)/kernel/kernel.elf.
#
# Variants (same sources, other configuration) build into $(BUILD)/kernel-<name>/:
#   $(call keel_kernel_variant,NAME,MAKE-VARIABLE OVERRIDES)  defines KERNEL_ELF_<NAME>
# The default kernel is $(KERNEL_ELF); the bench kernel ($(KERNEL_ELF_bench)) exports the
# PMU cycle counter to user mode.

KERNEL_CC := $(CROSS)gcc

KERNEL_ARCH_DIR := kernel/arch/aarch64
KERNEL_PLAT_DIR := kernel/plat/qemu-virt
KERNEL_LDS      := $(KERNEL_ARCH_DIR)/kernel.lds

# The core: the portable part and the AArch64 object invocations.
KERNEL_CORE_SRCS := $(wildcard kernel/*.c kernel/object/*.c kernel/api/*.c kernel/model/*.c \
                               $(KERNEL_ARCH_DIR)/object/*.c)
KERNEL_ARCH_SRCS := $(sort $(shell find $(KERNEL_ARCH_DIR) -path '*/object' -prune -o \
                                     \( -name '*.c' -o -name '*.S' \) -print))
KERNEL_SRCS := $(KERNEL_CORE_SRCS) \
               $(wildcard kernel/lib/*.c) \
               $(KERNEL_ARCH_SRCS) \
               $(wildcard $(KERNEL_PLAT_DIR)/*.c $(KERNEL_PLAT_DIR)/*.S)

KERNEL_INCLUDES := -Ikernel/include -Ikernel/lib/include -I$(KERNEL_ARCH_DIR)/include \
                   -I$(KERNEL_PLAT_DIR)/include -I$(GEN_INC)

# Code generation: freestanding, no FP/SIMD in the kernel (user FP state is switched
# by fpu.S), position-dependent small code model (adrp reaches the whole image).
KERNEL_ARCH_FLAGS := -mcpu=cortex-a53 -mgeneral-regs-only -mno-outline-atomics \
                     -fno-pie -fno-pic
KERNEL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
                 -ffreestanding -nostdlib -fno-stack-protector -fno-strict-aliasing \
                 -fno-tree-loop-distribute-patterns -fno-omit-frame-pointer \
                 -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-common \
                 $(KERNEL_ARCH_FLAGS)
KERNEL_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack \
                  -Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments

# Options that become -D flags; a variant can override any of them.
KERNEL_CONFIG_VARS := CONFIG_ROOT_CNODE_SIZE_BITS CONFIG_EXPORT_PMU_USER \
                      CONFIG_EXPORT_PTIMER_USER CONFIG_SEMIHOSTING CONFIG_FASTPATH KEEL_DEBUG \
                      CONFIG_PRINT_USER_ERRORS

# The generated ABI header, once mk/user.mk exists to make it.
KERNEL_GEN_HEADERS := $(if $(wildcard mk/user.mk),$(GEN_INC)/keel/abi_gen.h)

# $(call kernel_rules,DIR,OVERRIDES): objects under $(BUILD)/DIR/obj, image
# $(BUILD)/DIR/kernel.elf. OVERRIDES is a list of VAR=value for KERNEL_CONFIG_VARS.
define kernel_rules
$(1)_OBJS := $$(patsubst %,$(BUILD)/$(1)/obj/%.o,$(KERNEL_SRCS))
$(1)_DEFS := $$(foreach v,$(KERNEL_CONFIG_VARS),-D$$(v)=$$(or \
               $$(patsubst $$(v)=%,%,$$(filter $$(v)=%,$(2))),$$($$(v))))

# The configuration this variant was last built with: rewritten only when it changes,
# so that `make CONFIG_X=...` rebuilds what it must and nothing else.
$(1)_CONFIG := $(BUILD)/$(1)/config.defs
$$($(1)_CONFIG): kernel-config-check
	@mkdir -p $$(@D)
	@echo '$$($(1)_DEFS)' | cmp -s - $$@ || echo '$$($(1)_DEFS)' > $$@

$(BUILD)/$(1)/obj/%.c.o: %.c $(KERNEL_GEN_HEADERS) $(MAKEFILE_LIST) $$($(1)_CONFIG)
	@mkdir -p $$(@D)
	@echo "  CC      $$<"
	$(Q)$(KERNEL_CC) $(KERNEL_CFLAGS) $(KERNEL_INCLUDES) $$($(1)_DEFS) -MMD -MP -c $$< -o $$@

$(BUILD)/$(1)/obj/%.S.o: %.S $(KERNEL_GEN_HEADERS) $(MAKEFILE_LIST) $$($(1)_CONFIG)
	@mkdir -p $$(@D)
	@echo "  AS      $$<"
	$(Q)$(KERNEL_CC) $(KERNEL_CFLAGS) $(KERNEL_INCLUDES) $$($(1)_DEFS) -D__ASSEMBLER__ \
	    -MMD -MP -c $$< -o $$@

$(BUILD)/$(1)/kernel.elf: $$($(1)_OBJS) $(KERNEL_LDS)
	@echo "  LD      $$@"
	$(Q)$(KERNEL_CC) $(KERNEL_CFLAGS) $(KERNEL_LDFLAGS) -T $(KERNEL_LDS) \
	    $$($(1)_OBJS) -lgcc -o $$@
	@$(CROSS)size $$@ | tail -1 | awk '{ printf "kernel: %s (text %s, data %s, bss %s)\n", "$$@", $$$$1, $$$$2, $$$$3 }'

-include $$($(1)_OBJS:.o=.d)
endef

# Always considered: each variant's config.defs rule decides whether anything changed.
.PHONY: kernel-config-check
kernel-config-check:

keel_kernel_variant = $(eval $(call kernel_rules,kernel-$(1),$(2)))$(eval \
                      KERNEL_ELF_$(1) := $(BUILD)/kernel-$(1)/kernel.elf)

$(eval $(call kernel_rules,kernel,))
KERNEL_ELF := $(BUILD)/kernel/kernel.elf

$(call keel_kernel_variant,bench,CONFIG_EXPORT_PMU_USER=1)
