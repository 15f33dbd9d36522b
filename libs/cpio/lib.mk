# libs/cpio: CPIO (newc) archive reader.
# Include this file from an app.mk, then add $(KEEL_LIB_CPIO) to the app's libraries
# and $(KEEL_LIB_CPIO_CFLAGS) to its CFLAGS. Including it more than once is harmless.
KEEL_LIB_CPIO_CFLAGS := -Ilibs/cpio/include
KEEL_LIB_CPIO := $(BUILD)/libs/libcpio.a
$(call keel_user_lib,cpio,$(sort $(wildcard libs/cpio/src/*.c)),$(KEEL_LIB_CPIO_CFLAGS))
