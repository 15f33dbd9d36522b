# libs/frametable: the root task's frame table.
# Include this file from an app.mk, then add $(KEEL_LIB_FRAMETABLE) to the app's libraries
# and $(KEEL_LIB_FRAMETABLE_CFLAGS) to its CFLAGS. Including it more than once is harmless.
KEEL_LIB_FRAMETABLE_CFLAGS := -Ilibs/frametable/include -Ilibs/cspace/include -Ilibs/ut/include -Ilibs/vmap/include
KEEL_LIB_FRAMETABLE := $(BUILD)/libs/libframetable.a
$(call keel_user_lib,frametable,$(sort $(wildcard libs/frametable/src/*.c)),$(KEEL_LIB_FRAMETABLE_CFLAGS))
