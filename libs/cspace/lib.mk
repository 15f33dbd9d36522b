# libs/cspace: CSpaces with slot allocation (one and two levels).
# Include this file from an app.mk, then add $(KEEL_LIB_CSPACE) to the app's libraries
# and $(KEEL_LIB_CSPACE_CFLAGS) to its CFLAGS. Including it more than once is harmless.
KEEL_LIB_CSPACE_CFLAGS := -Ilibs/cspace/include
KEEL_LIB_CSPACE := $(BUILD)/libs/libcspace.a
$(call keel_user_lib,cspace,$(sort $(wildcard libs/cspace/src/*.c)),$(KEEL_LIB_CSPACE_CFLAGS))
