# libs/vmap: frame mapping with recorded page tables.
# Include this file from an app.mk, then add $(KEEL_LIB_VMAP) to the app's libraries
# and $(KEEL_LIB_VMAP_CFLAGS) to its CFLAGS. Including it more than once is harmless.
KEEL_LIB_VMAP_CFLAGS := -Ilibs/vmap/include -Ilibs/cspace/include -Ilibs/ut/include
KEEL_LIB_VMAP := $(BUILD)/libs/libvmap.a
$(call keel_user_lib,vmap,$(sort $(wildcard libs/vmap/src/*.c)),$(KEEL_LIB_VMAP_CFLAGS))
