# libs/ut: buddy allocator over the boot untypeds.
# Include this file from an app.mk, then add $(KEEL_LIB_UT) to the app's libraries
# and $(KEEL_LIB_UT_CFLAGS) to its CFLAGS. Including it more than once is harmless.
KEEL_LIB_UT_CFLAGS := -Ilibs/ut/include -Ilibs/cspace/include
KEEL_LIB_UT := $(BUILD)/libs/libut.a
$(call keel_user_lib,ut,$(sort $(wildcard libs/ut/src/*.c)),$(KEEL_LIB_UT_CFLAGS))
