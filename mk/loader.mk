# keel-loader: the ELF QEMU boots. Its code is built once; each bootable image links it
# with its own payload (mk/image.mk). Also builds the stub root task used while
# apps/$(ROOTTASK) does not exist.

LOADER_CC := $(CROSS)gcc

LOADER_SRCS := loader/start.S loader/loader.c loader/mmu.c loader/elf.c loader/uart.c \
               kernel/lib/kprintf.c kernel/lib/string.c kernel/lib/fdt.c
LOADER_LDS  := loader/loader.lds
LOADER_OBJS := $(patsubst %,$(BUILD)/loader/obj/%.o,$(LOADER_SRCS))

# The loader starts with the MMU off, where every access is Device memory: no
# unaligned accesses (-mstrict-align).
LOADER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -nostdlib \
                 -fno-stack-protector -fno-strict-aliasing \
                 -fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables \
                 -fno-unwind-tables -mcpu=cortex-a53 -mgeneral-regs-only \
                 -mno-outline-atomics -mstrict-align -fno-pie -fno-pic
LOADER_INCLUDES := -Iloader -Ikernel/include -Ikernel/lib/include \
                   -I$(KERNEL_ARCH_DIR)/include
LOADER_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack \
                  -Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments

$(BUILD)/loader/obj/%.c.o: %.c $(MAKEFILE_LIST)
	@mkdir -p $(@D)
	@echo "  CC      $< (loader)"
	$(Q)$(LOADER_CC) $(LOADER_CFLAGS) $(LOADER_INCLUDES) -MMD -MP -c $< -o $@

$(BUILD)/loader/obj/%.S.o: %.S $(MAKEFILE_LIST)
	@mkdir -p $(@D)
	@echo "  AS      $< (loader)"
	$(Q)$(LOADER_CC) $(LOADER_CFLAGS) $(LOADER_INCLUDES) -D__ASSEMBLER__ -MMD -MP -c $< -o $@

-include $(LOADER_OBJS:.o=.d)

# The stub root task: linked at the usual user address, debug syscalls only.
STUB_ROOTTASK_ELF := $(BUILD)/loader/stub-roottask.elf

$(STUB_ROOTTASK_ELF): loader/stub_roottask.S $(MAKEFILE_LIST)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(LOADER_CC) -mcpu=cortex-a53 -nostdlib -static -no-pie -Wl,--build-id=none \
	    -Wl,-Ttext-segment=0x400000 -Wl,-z,max-page-size=4096 $< -o $@
