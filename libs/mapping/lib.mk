# libs/mapping: frame mapping with on-demand page tables, device frames at exact addresses.
# Include this file from an app.mk, then add $(KEEL_LIB_MAPPING) to the app's libraries
# and $(KEEL_LIB_MAPPING_CFLAGS) to its CFLAGS. Including it more than once is harmless.
KEEL_LIB_MAPPING_CFLAGS := -Ilibs/mapping/include
KEEL_LIB_MAPPING := $(BUILD)/libs/libmapping.a
$(call keel_user_lib,mapping,$(sort $(wildcard libs/mapping/src/*.c)),$(KEEL_LIB_MAPPING_CFLAGS))
