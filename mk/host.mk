# Host unit tests: every tests/host/test_*.c becomes $(BUILD)/host/test_*, built with the
# host gcc under ASan/UBSan and linked with cmocka and the portable sources below.
#
#   HOST_CORE_SRCS   the portable core sources the tests link against (plus
#                    tests/host/fake_arch.c); set by the lead, here or in
#                    tests/host/sources.mk (included if it exists)
#   HOST_LIB_SRCS    kernel/lib sources that build on the host
#   HOST_TEST_SRCS_<test>   extra sources for one test only
#   HOST_TEST_ARGS_<test>   command-line arguments for one test (test_fdt: a DTB path)
#   HOST_TEST_DEPS_<test>   files a test needs before it runs

HOST_CC ?= gcc

HOST_CORE_SRCS ?=
-include tests/host/sources.mk
HOST_LIB_SRCS := kernel/lib/fdt.c

HOST_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=undefined -Wall -Wextra -Werror -DKEEL_HOST_TEST=1
# tests/host/include comes first: its arch/memory.h replaces the target one, while
# arch/registers.h (plain data layout) comes from the AArch64 headers.
HOST_INCLUDES := -Itests/host/include -Ikernel/include -Ikernel/lib/include -I$(GEN_INC) \
                 -I$(KERNEL_ARCH_DIR)/include
HOST_LDLIBS := -lcmocka

HOST_TESTS := $(patsubst tests/host/%.c,%,$(sort $(wildcard tests/host/test_*.c)))
HOST_TEST_BINS := $(patsubst %,$(BUILD)/host/%,$(HOST_TESTS))
host_objs = $(patsubst %,$(BUILD)/host/obj/%.o,$(1))
HOST_SHARED_SRCS = $(sort $(HOST_CORE_SRCS) $(HOST_LIB_SRCS))
HOST_SHARED_OBJS = $(call host_objs,$(HOST_SHARED_SRCS))
# Objects of one test's own extra sources that are not already shared.
host_test_objs = $(call host_objs,$(filter-out $(HOST_SHARED_SRCS),$(HOST_TEST_SRCS_$(1))))
HOST_GEN_HEADERS := $(if $(wildcard mk/user.mk),$(GEN_INC)/keel/abi_gen.h)

$(BUILD)/host/obj/%.c.o: %.c $(HOST_GEN_HEADERS) $(MAKEFILE_LIST)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(HOST_INCLUDES) -MMD -MP -c $< -o $@

# Secondary expansion lets the test binary rule see HOST_CORE_SRCS as set by files
# included later.
.SECONDEXPANSION:
$(BUILD)/host/test_%: $(BUILD)/host/obj/tests/host/test_%.c.o $$(HOST_SHARED_OBJS) \
                     $$(call host_test_objs,test_$$*)
	@echo "  HOSTLD  $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $^ $(HOST_LDLIBS) -o $@

-include $(HOST_SHARED_OBJS:.o=.d) $(patsubst %,$(BUILD)/host/obj/tests/host/%.c.d,$(HOST_TESTS)) \
         $(foreach t,$(HOST_TESTS),$(patsubst %.o,%.d,$(call host_test_objs,$(t))))

HOST_TEST_SRCS_test_kprintf := kernel/lib/kprintf.c

# test_fdt reads a DTB dumped from QEMU with 1 GiB of RAM.
HOST_TEST_ARGS_test_fdt := $(call keel_dtb,1G)
HOST_TEST_DEPS_test_fdt := $(call keel_dtb,1G)

.PHONY: run-host-tests
run-host-tests: $(HOST_TEST_BINS) $(foreach t,$(HOST_TESTS),$(HOST_TEST_DEPS_$(t)))
	@failed=0; \
	$(foreach t,$(HOST_TESTS), \
	  echo "== host-test: $(t)"; \
	  mkdir -p $(TEST_LOG_DIR); \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    $(BUILD)/host/$(t) $(HOST_TEST_ARGS_$(t)) > $(TEST_LOG_DIR)/host-$(t).log 2>&1; \
	    status=$$?; cat $(TEST_LOG_DIR)/host-$(t).log; \
	    [ $$status -eq 0 ] || failed=$$((failed + 1));) \
	if [ $$failed -ne 0 ]; then echo "host-test: $$failed test program(s) failed"; exit 1; fi; \
	echo "host-test: all $(words $(HOST_TESTS)) test program(s) passed"
