/*
 * Test monitor for the Keel user runtime (not part of Keel): a few hundred lines of
 * EL1 code that map one user program, enter it at EL0 and emulate the handful of
 * syscalls the runtime tests use. Lets the user side be tested without the kernel.
 */
    .section .text.boot, "ax"
    .global _start
_start:
    ldr     x0, =mon_stack_top
    mov     sp, x0
    ldr     x0, =mon_vectors
    msr     vbar_el1, x0
    mov     x0, #(3 << 20)          /* CPACR_EL1.FPEN: FP/SIMD usable at EL0 */
    msr     cpacr_el1, x0
    isb
    bl      mon_main
1:  wfi
    b       1b

    .balign 2048
mon_vectors:
    .rept 8
    .balign 128
    b       mon_bad
    .endr
    .balign 128
    b       mon_lower_sync          /* +0x400: synchronous, lower EL, AArch64 */
    .rept 7
    .balign 128
    b       mon_bad
    .endr

mon_lower_sync:
    sub     sp, sp, #(32 * 8)
    stp     x0, x1, [sp, #0]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    mov     x0, sp
    bl      mon_sync
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    add     sp, sp, #(32 * 8)
    eret

mon_bad:
    mrs     x0, esr_el1
    mrs     x1, elr_el1
    mrs     x2, far_el1
    bl      mon_unexpected
2:  b       2b

    .global mon_enter_el0
mon_enter_el0:                       /* x0 = entry, x1 = bootinfo */
    msr     elr_el1, x0
    msr     spsr_el1, xzr
    msr     sp_el0, xzr
    mov     x0, x1
    mov     x1, #0
    eret

    .bss
    .balign 16
    .space  16384
mon_stack_top:

    .section .note.GNU-stack, "", %progbits
