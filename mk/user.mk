# The user side: ABI header generation, libsel4 checks, the user runtime and C library,
# and the rules that turn an app directory into a static EL0 ELF.
#
# Inputs (normally set by the top-level Makefile; defaults here for standalone use):
#   BUILD (absolute), CROSS, ABI_DIR, GEN_INC, PYTHON
# Run from the repository root (paths below are relative to it, as in the other mk/*.mk).
#
# Provides:
#   $(GEN_ABI_HEADERS)     $(GEN_INC)/keel/abi_gen.h, $(GEN_INC)/sel4/invocation_stubs_gen.h
#   gen, gen-check, libsel4-check, user-apps   (phony targets)
#   USER_CC, USER_CFLAGS, USER_ASFLAGS, USER_LDFLAGS, USER_LIBKEELC, USER_CRT0, USER_LDS
#   $(call keel_user_app,NAME,SRCS,EXTRA_LIBS[,EXTRA_CFLAGS])
#       -> $(BUILD)/apps/NAME/NAME.elf from SRCS (.c/.S, repo-relative paths)
#   $(call keel_user_lib,NAME,SRCS[,EXTRA_CFLAGS])
#       -> $(BUILD)/libs/libNAME.a (pass it to keel_user_app as an EXTRA_LIB)
# Apps declare themselves in apps/NAME/app.mk (included by the top-level Makefile after
# this file). Both functions may be used with or without an enclosing $(eval ...).

BUILD   ?= build
CROSS   ?= aarch64-linux-gnu-
ABI_DIR ?= $(abspath ../shared/abi)
GEN_INC ?= $(BUILD)/gen/include
PYTHON  ?= python3

USER_MK := $(lastword $(MAKEFILE_LIST))

# ---- ABI headers ---------------------------------------------------------------------
GEN_ABI         := tools/gen_abi.py
GEN_ABI_INPUTS  := $(ABI_DIR)/ABI.md $(ABI_DIR)/invocations.json
GEN_ABI_HEADERS := $(GEN_INC)/keel/abi_gen.h $(GEN_INC)/sel4/invocation_stubs_gen.h

$(GEN_ABI_HEADERS) &: $(GEN_ABI) $(GEN_ABI_INPUTS)
	$(Q)$(PYTHON) $(GEN_ABI) --abi-dir $(ABI_DIR) --out-dir $(GEN_INC)

.PHONY: gen gen-check libsel4-check user-apps
gen: $(GEN_ABI_HEADERS)

gen-check:
	$(PYTHON) $(GEN_ABI) --abi-dir $(ABI_DIR) --check --no-write \
	    --stub-user libsel4/test/all_stubs.c

# ---- Compiler settings for EL0 code ----------------------------------------------------
USER_CC  := $(CROSS)gcc
USER_AR  := $(CROSS)ar
USER_GCC_INCLUDE := $(shell $(USER_CC) -print-file-name=include)
USER_LDS := libs/crt/user.lds

USER_INCLUDES := -Ilibsel4/include -I$(GEN_INC) -Ilibs/libc/include -Ilibs/crt/include
# FP/SIMD is enabled for user threads (ABI (m)), so no -mgeneral-regs-only.
USER_ARCH_FLAGS := -mcpu=cortex-a53 -mno-outline-atomics -fno-pie -fno-pic \
                   -ftls-model=local-exec
USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
               -ffreestanding -nostdinc -isystem $(USER_GCC_INCLUDE) \
               -fno-stack-protector -fno-tree-loop-distribute-patterns -fno-common \
               -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
               $(USER_ARCH_FLAGS) $(USER_INCLUDES)
USER_ASFLAGS := $(USER_CFLAGS) -D__ASSEMBLER__
USER_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack \
                -Wl,-z,max-page-size=4096 -Wl,-T,$(USER_LDS)

# Everything user-side is rebuilt when the generated headers or this file change.
USER_DEPS := $(GEN_ABI_HEADERS) $(USER_MK)

# ---- Runtime and C library -------------------------------------------------------------
USER_CRT0     := $(BUILD)/libs/crt0.o
USER_LIBKEELC := $(BUILD)/libs/libkeelc.a
USER_LIBC_SRCS := $(sort $(wildcard libs/libc/src/*.c)) \
                  libs/crt/start.c libs/crt/tls.c libs/crt/bootinfo.c
USER_LIBC_OBJS := $(patsubst %,$(BUILD)/user/obj/%.o,$(USER_LIBC_SRCS))

$(BUILD)/user/obj/%.c.o: %.c $(USER_DEPS)
	@mkdir -p $(@D)
	$(Q)$(USER_CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/user/obj/%.S.o: %.S $(USER_DEPS)
	@mkdir -p $(@D)
	$(Q)$(USER_CC) $(USER_ASFLAGS) -MMD -MP -c $< -o $@

$(USER_CRT0): $(BUILD)/user/obj/libs/crt/crt0.S.o
	@mkdir -p $(@D)
	$(Q)cp $< $@

$(USER_LIBKEELC): $(USER_LIBC_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@
	$(Q)$(USER_AR) rcs $@ $^

-include $(USER_LIBC_OBJS:.o=.d) $(BUILD)/user/obj/libs/crt/crt0.S.d

# ---- Apps and libraries ------------------------------------------------------------------
KEEL_USER_APPS :=
KEEL_USER_ELFS :=

define keel_user_app_rules
KEEL_USER_APPS += $(1)
KEEL_USER_ELFS += $(BUILD)/apps/$(1)/$(1).elf
user-apps: $(BUILD)/apps/$(1)/$(1).elf
$(1)_USER_OBJS := $$(patsubst %,$(BUILD)/apps/$(1)/obj/%.o,$(2))

$(BUILD)/apps/$(1)/obj/%.c.o: %.c $$(USER_DEPS)
	@mkdir -p $$(@D)
	$(Q)$$(USER_CC) $$(USER_CFLAGS) $(4) -MMD -MP -c $$< -o $$@

$(BUILD)/apps/$(1)/obj/%.S.o: %.S $$(USER_DEPS)
	@mkdir -p $$(@D)
	$(Q)$$(USER_CC) $$(USER_ASFLAGS) $(4) -MMD -MP -c $$< -o $$@

$(BUILD)/apps/$(1)/$(1).elf: $$(USER_CRT0) $$($(1)_USER_OBJS) $(3) $$(USER_LIBKEELC) $$(USER_LDS)
	$(Q)$$(USER_CC) $$(USER_CFLAGS) $(4) $$(USER_LDFLAGS) $$(USER_CRT0) $$($(1)_USER_OBJS) \
	    -Wl,--start-group $(3) $$(USER_LIBKEELC) -lgcc -Wl,--end-group -o $$@

-include $$($(1)_USER_OBJS:.o=.d)
endef

define keel_user_lib_rules
$(1)_USER_LIB_OBJS := $$(patsubst %,$(BUILD)/libs/$(1)/obj/%.o,$(2))

$(BUILD)/libs/$(1)/obj/%.c.o: %.c $$(USER_DEPS)
	@mkdir -p $$(@D)
	$(Q)$$(USER_CC) $$(USER_CFLAGS) $(3) -MMD -MP -c $$< -o $$@

$(BUILD)/libs/$(1)/obj/%.S.o: %.S $$(USER_DEPS)
	@mkdir -p $$(@D)
	$(Q)$$(USER_CC) $$(USER_ASFLAGS) $(3) -MMD -MP -c $$< -o $$@

$(BUILD)/libs/lib$(1).a: $$($(1)_USER_LIB_OBJS)
	@mkdir -p $$(@D)
	$(Q)rm -f $$@
	$(Q)$$(USER_AR) rcs $$@ $$^

-include $$($(1)_USER_LIB_OBJS:.o=.d)
endef

# Defining the same app/library twice is harmless (the second call is ignored).
keel_user_app = $(if $(KEEL_USER_APP_DONE_$(strip $(1))),,$(eval \
    KEEL_USER_APP_DONE_$(strip $(1)) := 1)$(eval $(call keel_user_app_rules,$(strip \
    $(1)),$(strip $(2)),$(strip $(3)),$(strip $(4)))))
keel_user_lib = $(if $(KEEL_USER_LIB_DONE_$(strip $(1))),,$(eval \
    KEEL_USER_LIB_DONE_$(strip $(1)) := 1)$(eval $(call keel_user_lib_rules,$(strip \
    $(1)),$(strip $(2)),$(strip $(3)))))

# ---- Compile-only checks of libsel4 --------------------------------------------------------
USER_CHECK_HEADERS := $(sort $(patsubst libsel4/include/%,%,$(wildcard libsel4/include/sel4/*.h))) \
                      autoconf.h keel/abi_gen.h sel4/invocation_stubs_gen.h \
                      $(sort $(patsubst libs/libc/include/%,%,$(wildcard libs/libc/include/*.h))) \
                      keel/runtime.h

libsel4-check: $(USER_DEPS) gen-check
	@set -e; for h in $(USER_CHECK_HEADERS); do \
	  case $$h in sel4/invocation_stubs_gen.h) pre='#include <sel4/syscalls.h>';; *) pre='';; esac; \
	  printf '%s\n#include <%s>\n' "$$pre" "$$h" | \
	    $(USER_CC) $(USER_CFLAGS) -x c -fsyntax-only - || { echo "libsel4-check: $$h"; exit 1; }; \
	done
	@mkdir -p $(BUILD)/user
	$(Q)$(USER_CC) $(USER_CFLAGS) -c libsel4/test/all_stubs.c -o $(BUILD)/user/all_stubs.o
	@printf '#include <keel/abi_gen.h>\nmov x7, #KEEL_SYSCALL_CALL\nmov x0, #KEEL_UC_COUNT\n' | \
	    $(USER_CC) $(USER_ASFLAGS) -x assembler-with-cpp -c - -o $(BUILD)/user/abi_asm_check.o
	@echo "libsel4-check: $(words $(USER_CHECK_HEADERS)) headers and all_stubs.c compile"

# ---- Runtime tests without the kernel -----------------------------------------------------
# `make user-runtime-test` runs the runtime test program and the demo at EL0 on a tiny
# test monitor (libs/crt/test/monitor) that emulates the debug syscalls.
$(call keel_user_app,keel-rt-test,libs/crt/test/rt_test.c,)

USER_MON_ELF  := $(BUILD)/user/monitor/monitor.elf
USER_MON_SRCS := libs/crt/test/monitor/start.S libs/crt/test/monitor/monitor.c
USER_MON_LDS  := libs/crt/test/monitor/monitor.lds

$(USER_MON_ELF): $(USER_MON_SRCS) $(USER_MON_LDS) $(USER_DEPS)
	@mkdir -p $(@D)
	$(Q)$(USER_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -nostdlib \
	    -mgeneral-regs-only -mno-outline-atomics -fno-pie -no-pie -static -I$(GEN_INC) \
	    -Wl,-T,$(USER_MON_LDS) -Wl,--no-warn-rwx-segments -Wl,-z,noexecstack \
	    -Wl,--build-id=none $(USER_MON_SRCS) -o $@

.PHONY: user-runtime-test
user-runtime-test: $(USER_MON_ELF) $(BUILD)/apps/keel-rt-test/keel-rt-test.elf \
                   $(BUILD)/apps/demo/demo.elf
	libs/crt/test/run-on-monitor.sh $(USER_MON_ELF) $(BUILD)/apps/keel-rt-test/keel-rt-test.elf \
	    'rt-test: done' $(CROSS)
	libs/crt/test/run-on-monitor.sh $(USER_MON_ELF) $(BUILD)/apps/demo/demo.elf \
	    'demo: done' $(CROSS)
