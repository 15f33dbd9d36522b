# libs/timer: timeout driver on the EL1 physical timer.
# Include this file from an app.mk, then add $(KEEL_LIB_TIMER) to the app's libraries
# and $(KEEL_LIB_TIMER_CFLAGS) to its CFLAGS. Including it more than once is harmless.
KEEL_LIB_TIMER_CFLAGS := -Ilibs/timer/include
KEEL_LIB_TIMER := $(BUILD)/libs/libtimer.a
$(call keel_user_lib,timer,$(sort $(wildcard libs/timer/src/*.c)),$(KEEL_LIB_TIMER_CFLAGS))
