/*
 * Kernel entry from the loader (ABI.md (h)): EL1, MMU on with the kernel mapped by
 * TTBR1, x0..x5 = ui_p_start, ui_p_end, pv_offset, ui_v_entry, dtb_paddr, dtb_size.
 *
 * _start masks interrupts, clears .bss (which holds the kernel stack and the boot page
 * tables), switches to the kernel stack, installs the vector table and calls
 * arch_init(x0..x5), which never returns.
 */
#include <arch/machine.h>

#ifndef CONFIG_KERNEL_STACK_BITS
#define CONFIG_KERNEL_STACK_BITS 14
#endif

    .section .text.start, "ax"
    .global _start
_start:
    msr     daifset, #0xf
    msr     spsel, #1

    /* Keep the loader's arguments in callee-saved registers. */
    mov     x19, x0
    mov     x20, x1
    mov     x21, x2
    mov     x22, x3
    mov     x23, x4
    mov     x24, x5

    /* Zero .bss (16-byte aligned and sized, see kernel.lds). */
    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
1:  cmp     x0, x1
    b.hs    2f
    stp     xzr, xzr, [x0], #16
    b       1b
2:
    adrp    x0, kernel_stack_top
    add     sp, x0, :lo12:kernel_stack_top

    adrp    x0, arch_vectors
    add     x0, x0, :lo12:arch_vectors
    msr     vbar_el1, x0
    isb

    mov     x0, x19
    mov     x1, x20
    mov     x2, x21
    mov     x3, x22
    mov     x4, x23
    mov     x5, x24
    mov     x29, #0             /* end of the frame-pointer chain for backtraces */
    mov     x30, #0
    bl      arch_init
3:  wfi
    b       3b

/*
 * The one kernel stack. The kernel is not preemptible: every exception from user mode
 * starts on an empty stack at kernel_stack_top, and so does the idle loop.
 */
    .section .bss.aligned, "aw", %nobits
    .balign 4096
    .global kernel_stack, kernel_stack_top
kernel_stack:
    .space  (1 << CONFIG_KERNEL_STACK_BITS)
kernel_stack_top:
