# libs/timer: timeout driver on the EL1 physical timer.
# Include this file from an app.mk, then add $(KEEL_LIB_TIMER) to the app's libraries
# and $(KEEL_LIB_TIMER_CFLAGS) to its CFLAGS. Including it more than once is harmless.
KEEL_LIB_TIMER_CFLAGS := -Ilibs/timer/include
KEEL_LIB_TIMER := $(BUILD)/libs/libtimer.a
$(call keel_user_lib,timer,$(sort $(wildcard libs/timer/src/*.c)),$(KEEL_LIB_TIMER_CFLAGS))

# `make timer-host-test`: the timeout table's bookkeeping on the host (fake counter).
ifndef KEEL_LIB_TIMER_HOST_TEST
KEEL_LIB_TIMER_HOST_TEST := $(BUILD)/host/libs_timer_host_test
.PHONY: timer-host-test
timer-host-test: $(KEEL_LIB_TIMER_HOST_TEST)
	$(KEEL_LIB_TIMER_HOST_TEST)
$(KEEL_LIB_TIMER_HOST_TEST): libs/timer/test/host_test.c libs/timer/src/timer.c \
                             libs/timer/include/timer/timer.h $(wildcard libs/timer/test/fake/*/*.h)
	@mkdir -p $(@D)
	gcc -std=gnu11 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	    -Ilibs/timer/test/fake -Ilibs/timer/include libs/timer/test/host_test.c \
	    libs/timer/src/timer.c -o $@
endif
