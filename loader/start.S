/*
 * keel-loader entry. QEMU starts us at EL1 (or EL2 with virtualization=on, or after
 * firmware); from EL2 we drop to EL1, since Keel is not a hypervisor. Then: a stack,
 * a clear .bss, and loader_main().
 */
#define HCR_EL2_RW      (1 << 31)       /* EL1 runs AArch64 */
#define SPSR_EL1H_MASKED 0x3c5          /* EL1h, DAIF masked */
#define SCTLR_EL1_RES1  0x30d00800      /* MMU and caches off */

    .section .text.start, "ax"
    .global _start
_start:
    mrs     x9, CurrentEL
    lsr     x9, x9, #2
    cmp     x9, #2
    b.ne    at_el1
    /* EL2 -> EL1 */
    mov     x9, #HCR_EL2_RW
    msr     hcr_el2, x9
    mrs     x9, cnthctl_el2
    orr     x9, x9, #3                  /* EL1 may use the physical counter and timer */
    msr     cnthctl_el2, x9
    msr     cntvoff_el2, xzr
    mov     x9, #0x33ff                 /* no FP/SIMD traps to EL2 */
    msr     cptr_el2, x9
    msr     hstr_el2, xzr
    ldr     x9, =SCTLR_EL1_RES1
    msr     sctlr_el1, x9
    mov     x9, #SPSR_EL1H_MASKED
    msr     spsr_el2, x9
    adr     x9, at_el1
    msr     elr_el2, x9
    eret

at_el1:
    msr     daifset, #0xf
    msr     spsel, #1
    adrp    x9, loader_stack_top
    add     sp, x9, :lo12:loader_stack_top
    adrp    x9, bss_start
    add     x9, x9, :lo12:bss_start
    adrp    x10, bss_end
    add     x10, x10, :lo12:bss_end
1:  cmp     x9, x10
    b.hs    2f
    str     xzr, [x9], #8
    b       1b
2:  mov     x29, #0
    bl      loader_main
3:  wfi
    b       3b

/*
 * void enter_kernel(x0..x5 = the kernel's arguments, x6 = kernel entry)
 * Caches and MMU are on and the images are cleaned to the point of unification.
 */
    .text
    .global enter_kernel
enter_kernel:
    dsb     sy
    isb
    br      x6

    .section .bss.aligned, "aw", %nobits
    .balign 16
loader_stack:
    .space  16384
loader_stack_top:
