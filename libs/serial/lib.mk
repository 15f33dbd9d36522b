# libs/serial: interrupt-driven PL011 driver.
# Include this file from an app.mk, then add $(KEEL_LIB_SERIAL) to the app's libraries
# and $(KEEL_LIB_SERIAL_CFLAGS) to its CFLAGS. Including it more than once is harmless.
KEEL_LIB_SERIAL_CFLAGS := -Ilibs/serial/include
KEEL_LIB_SERIAL := $(BUILD)/libs/libserial.a
$(call keel_user_lib,serial,$(sort $(wildcard libs/serial/src/*.c)),$(KEEL_LIB_SERIAL_CFLAGS))
