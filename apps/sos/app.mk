# SOS: a small operating system as the root task (README.md, "SOS"), its programs
# (apps/sos/progs/<name>/, packed into a CPIO archive linked into SOS) and a test image
# for the libraries it is built from (apps/sos/libtest).
#
# SOS drives the EL1 physical timer from EL0, so it boots the kernel variant built with
# CONFIG_EXPORT_PTIMER_USER=1 (shared with drivertest).

SOS_LIB_NAMES := cspace ut vmap frametable cpio elf process serial timer
$(foreach l,$(SOS_LIB_NAMES) sosapi,$(eval include libs/$(l)/lib.mk))

# Order matters for static linking: users before what they use.
SOS_LIBS := $(KEEL_LIB_PROCESS) $(KEEL_LIB_FRAMETABLE) $(KEEL_LIB_VMAP) $(KEEL_LIB_UT) \
            $(KEEL_LIB_CSPACE) $(KEEL_LIB_ELF) $(KEEL_LIB_CPIO) $(KEEL_LIB_SERIAL) \
            $(KEEL_LIB_TIMER)
SOS_LIB_CFLAGS := $(KEEL_LIB_PROCESS_CFLAGS) $(KEEL_LIB_CPIO_CFLAGS) $(KEEL_LIB_SERIAL_CFLAGS) \
                  $(KEEL_LIB_TIMER_CFLAGS)

# ---- programs and the archive ------------------------------------------------------------
SOS_PROGS := $(sort $(notdir $(wildcard apps/sos/progs/*)))
SOS_PROG_CFLAGS := $(KEEL_LIB_SOSAPI_CFLAGS) $(KEEL_LIB_SOSAPI_LDFLAGS)
$(foreach p,$(SOS_PROGS),$(call keel_user_app,sosprog-$(p),$(sort $(wildcard apps/sos/progs/$(p)/*.c)),$(KEEL_LIB_SOSAPI),$(SOS_PROG_CFLAGS)))
SOS_PROG_ELFS := $(foreach p,$(SOS_PROGS),$(BUILD)/apps/sosprog-$(p)/sosprog-$(p).elf)

SOS_ARCHIVE := $(BUILD)/sos/archive.cpio
SOS_ARCHIVE_DIR := $(BUILD)/sos/archive

# Each program is stripped and stored under its plain name.
$(SOS_ARCHIVE): $(SOS_PROG_ELFS)
	@rm -rf $(SOS_ARCHIVE_DIR)
	@mkdir -p $(SOS_ARCHIVE_DIR)
	$(Q)for p in $(SOS_PROGS); do \
	  $(CROSS)strip -o $(SOS_ARCHIVE_DIR)/$$p $(BUILD)/apps/sosprog-$$p/sosprog-$$p.elf || exit 1; \
	done
	$(Q)cd $(SOS_ARCHIVE_DIR) && ls | LC_ALL=C sort | cpio -o -H newc --quiet > $@.tmp
	$(Q)mv $@.tmp $@

SOS_CFLAGS := -Iapps/sos/include $(SOS_LIB_CFLAGS) -DSOS_ARCHIVE_PATH='"$(SOS_ARCHIVE)"'

# ---- SOS ---------------------------------------------------------------------------------
$(call keel_user_app,sos,$(sort $(wildcard apps/sos/*.c)) apps/sos/archive.S,$(SOS_LIBS),$(SOS_CFLAGS))
$(BUILD)/apps/sos/obj/apps/sos/archive.S.o: $(SOS_ARCHIVE)

# ---- the libraries' test image ------------------------------------------------------------
$(call keel_user_app,sos-libtest,$(sort $(wildcard apps/sos/libtest/*.c)) apps/sos/archive.S,$(SOS_LIBS),$(SOS_CFLAGS))
$(BUILD)/apps/sos-libtest/obj/apps/sos/archive.S.o: $(SOS_ARCHIVE)

ifeq ($(KERNEL_ELF_ptimer),)
$(call keel_kernel_variant,ptimer,CONFIG_EXPORT_PTIMER_USER=1)
endif
$(call keel_image_once,sos,$(BUILD)/apps/sos/sos.elf,$(KERNEL_ELF_ptimer))

# The SOS test types commands at the shell prompt and checks what comes back.
SOS_PROMPT := --send-after 'sos$$ ' --send
QEMU_TESTS += sos-libtest sos
QEMU_TEST_ARGS_sos := \
    $(SOS_PROMPT) 'hello\r' --expect 'hello world! I am process' \
    $(SOS_PROMPT) 'sleep 10\r' --expect 'sleep: woke up after' \
    $(SOS_PROMPT) 'ls\r' --expect 'memtest' \
    $(SOS_PROMPT) 'memtest\r' --expect 'memtest: ok' \
    $(SOS_PROMPT) 'time\r' --expect 'time since boot:' \
    $(SOS_PROMPT) 'fault\r' --expect 'sos: killed process' --expect 'was killed]' \
    --done-marker 'was killed]'
