# libs/sosapi: client side of the SOS system calls.
# Include this file from an app.mk, then add $(KEEL_LIB_SOSAPI) to the app's libraries
# and $(KEEL_LIB_SOSAPI_CFLAGS) to its CFLAGS. Including it more than once is harmless.
# The library's hooks (__keel_putchar, __keel_exit_hook, __keel_heap_region) replace libc's
# weak ones, so the program must link it even if it calls no sos_* function itself:
# KEEL_LIB_SOSAPI_LDFLAGS (part of the program's CFLAGS, which the link uses) makes sure.
KEEL_LIB_SOSAPI_CFLAGS := -Ilibs/sosapi/include -Iapps/sos/include
KEEL_LIB_SOSAPI_LDFLAGS := -Wl,--undefined=sos_write
KEEL_LIB_SOSAPI := $(BUILD)/libs/libsosapi.a
$(call keel_user_lib,sosapi,$(sort $(wildcard libs/sosapi/src/*.c)),$(KEEL_LIB_SOSAPI_CFLAGS))
