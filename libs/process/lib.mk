# libs/process: threads, address spaces and processes.
# Include this file from an app.mk, then add $(KEEL_LIB_PROCESS) to the app's libraries
# and $(KEEL_LIB_PROCESS_CFLAGS) to its CFLAGS. Including it more than once is harmless.
KEEL_LIB_PROCESS_CFLAGS := -Ilibs/process/include -Ilibs/cspace/include -Ilibs/ut/include -Ilibs/vmap/include -Ilibs/frametable/include -Ilibs/elf/include
KEEL_LIB_PROCESS := $(BUILD)/libs/libprocess.a
$(call keel_user_lib,process,$(sort $(wildcard libs/process/src/*.c)),$(KEEL_LIB_PROCESS_CFLAGS))
