# libs/simple_alloc: bump allocator over bootinfo's slots and RAM untypeds (uses libs/mapping's types).
# Include this file from an app.mk, then add $(KEEL_LIB_SIMPLE_ALLOC) to the app's libraries
# and $(KEEL_LIB_SIMPLE_ALLOC_CFLAGS) to its CFLAGS. Including it more than once is harmless.
KEEL_LIB_SIMPLE_ALLOC_CFLAGS := -Ilibs/simple_alloc/include -Ilibs/mapping/include
KEEL_LIB_SIMPLE_ALLOC := $(BUILD)/libs/libsimple_alloc.a
$(call keel_user_lib,simple_alloc,$(sort $(wildcard libs/simple_alloc/src/*.c)),$(KEEL_LIB_SIMPLE_ALLOC_CFLAGS))
