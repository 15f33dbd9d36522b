# libs/elf: ELF64 loader.
# Include this file from an app.mk, then add $(KEEL_LIB_ELF) to the app's libraries
# and $(KEEL_LIB_ELF_CFLAGS) to its CFLAGS. Including it more than once is harmless.
KEEL_LIB_ELF_CFLAGS := -Ilibs/elf/include
KEEL_LIB_ELF := $(BUILD)/libs/libelf.a
$(call keel_user_lib,elf,$(sort $(wildcard libs/elf/src/*.c)),$(KEEL_LIB_ELF_CFLAGS))
