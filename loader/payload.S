/*
 * The images the loader carries: the kernel ELF, the root task ELF and the DTB.
 * Their paths come from the build (image.mk) as string macros.
 */
    .section .rodata.payload, "a"

    .balign 16
    .global payload_kernel, payload_kernel_end
payload_kernel:
    .incbin KERNEL_ELF_PATH
payload_kernel_end:

    .balign 16
    .global payload_roottask, payload_roottask_end
payload_roottask:
    .incbin ROOTTASK_ELF_PATH
payload_roottask_end:

    .balign 16
    .global payload_dtb, payload_dtb_end
payload_dtb:
    .incbin DTB_PATH
payload_dtb_end:
