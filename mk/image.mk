# Bootable images: keel-loader + kernel + root task + DTB, one ELF for `qemu -kernel`.
#
#   $(call keel_image,NAME,ROOTTASK_ELF,KERNEL_ELF)
#       defines the rules for $(call keel_image_path,NAME) =
#       $(BUILD)/images/NAME-$(MEM).elf. KERNEL_ELF is $(KERNEL_ELF) or a variant such
#       as $(KERNEL_ELF_bench) (mk/kernel.mk). Use it once per NAME (it evaluates its
#       rules itself; wrapping it in $(eval ...) is harmless).
#   $(call keel_image_once,...)  the same, unless NAME already has an image.
#
# QEMU does not hand a DTB to an ELF image, so we dump QEMU's own (for the same machine
# and memory size) and carry it in the image: the image depends on MEM.

KEEL_IMAGES :=

DTB_MACHINE_OPTS := -M virt -cpu cortex-a53 -nographic \
                    -semihosting-config enable=on,target=native

keel_dtb = $(BUILD)/dtb/virt-$(1).dtb

$(BUILD)/dtb/virt-%.dtb:
	@mkdir -p $(@D)
	@echo "  DTB     $@"
	$(Q)$(QEMU) $(DTB_MACHINE_OPTS) -m $* -machine dumpdtb=$@ >/dev/null 2>&1

keel_image_path = $(BUILD)/images/$(1)-$(MEM).elf

define keel_image_rules
KEEL_IMAGES += $(1)

$(BUILD)/images/$(1)-$(MEM)/payload.o: loader/payload.S $(2) $(3) $(call keel_dtb,$(MEM))
	@mkdir -p $$(@D)
	$(Q)$(LOADER_CC) $(LOADER_CFLAGS) -D__ASSEMBLER__ -DKERNEL_ELF_PATH='"$(3)"' \
	    -DROOTTASK_ELF_PATH='"$(2)"' -DDTB_PATH='"$(call keel_dtb,$(MEM))"' -c $$< -o $$@

$(call keel_image_path,$(1)): $(LOADER_OBJS) $(BUILD)/images/$(1)-$(MEM)/payload.o $(LOADER_LDS)
	$(Q)$(LOADER_CC) $(LOADER_CFLAGS) $(LOADER_LDFLAGS) -T $(LOADER_LDS) $(LOADER_OBJS) \
	    $(BUILD)/images/$(1)-$(MEM)/payload.o -lgcc -o $$@
	@echo "image: $$@ (root task $(notdir $(2)), MEM=$(MEM))"
endef

keel_image = $(eval $(call keel_image_rules,$(1),$(2),$(3)))
keel_image_once = $(if $(filter $(1),$(KEEL_IMAGES)),,$(call keel_image,$(1),$(2),$(3)))
