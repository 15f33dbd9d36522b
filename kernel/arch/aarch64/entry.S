/*
 * Exception vectors, kernel entry from user mode and the return to user mode.
 *
 * The contract with the rest of the kernel:
 *  - While a thread runs at EL0, SP_EL1 points at its saved context (the user_context_t
 *    at offset 0 of its TCB, i.e. ks_cur_thread). An exception from EL0 therefore
 *    stores the user registers straight into the TCB with no scratch register needed.
 *  - Then SP switches to the top of the single kernel stack (kernel_stack_top); the
 *    kernel is not preemptible, so every entry starts on an empty stack.
 *  - REG_PC gets ELR_EL1. REG_FAULT_IP gets the address of the instruction that trapped:
 *    ELR - 4 for an SVC (the svc itself), ELR for everything else.
 *  - The C handler returns normally; arch_return_to_user then restores ks_cur_thread
 *    (which the handler may have changed) or, for ks_idle_thread, idles at EL1.
 */
#include <arch/machine.h>
#include <arch/registers.h>
#include <keel/fastpath.h>

#define CTX(reg)        ((reg) * 8)
#define CTX_PAIR(n)     ((n) * 16)      /* byte offset of register pair n */

/* Kernel exception frame (struct kernel_frame in traps.h): x0..x30, sp, elr, spsr, esr, far */
#define KFRAME_SIZE     (36 * 8)

/* Vector slot numbers, passed to arch_kernel_exception(). */
#define VEC_EL1_SP0_SYNC   0
#define VEC_EL1_SPX_SYNC   4
#define VEC_EL1_SPX_IRQ    5
#define VEC_EL0_A32        12

    .text

/* ---- Vector table -------------------------------------------------------------- */

/* A slot that panics: save a kernel frame (on the current stack) and report 'slot'. */
.macro VECTOR_KERNEL slot
    .balign 0x80
    sub     sp, sp, #KFRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x1, #\slot
    b       kernel_exception
.endm

/* A slot taken from AArch32 user mode: SP_EL1 is a thread context, not a stack. */
.macro VECTOR_A32 slot
    .balign 0x80
    adrp    x0, kernel_stack_top
    add     sp, x0, :lo12:kernel_stack_top
    sub     sp, sp, #KFRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x1, #\slot
    b       kernel_exception
.endm

.macro VECTOR_BRANCH target
    .balign 0x80
    b       \target
.endm

    .balign 2048
    .global arch_vectors
arch_vectors:
    /* Current EL with SP_EL0: the kernel never runs on SP_EL0. */
    VECTOR_KERNEL 0
    VECTOR_KERNEL 1
    VECTOR_KERNEL 2
    VECTOR_KERNEL 3
    /* Current EL with SP_EL1: kernel faults; IRQs only in the idle loop. */
    VECTOR_KERNEL 4
    VECTOR_BRANCH el1_irq
    VECTOR_KERNEL 6
    VECTOR_KERNEL 7
    /* Lower EL, AArch64: user threads. */
    VECTOR_BRANCH el0_sync
    VECTOR_BRANCH el0_irq
    VECTOR_BRANCH el0_fiq
    VECTOR_BRANCH el0_serror
    /* Lower EL, AArch32: never used (SPSR always selects AArch64 EL0). */
    VECTOR_A32 12
    VECTOR_A32 13
    VECTOR_A32 14
    VECTOR_A32 15

/* ---- Entry from user mode ---------------------------------------------------------- */

/*
 * Save the user registers into the context SP_EL1 points at, then move to the kernel
 * stack. Leaves x19 = context, x22 = ELR_EL1 (the user PC).
 */
.macro SAVE_USER_CONTEXT
    stp     x0, x1, [sp, #CTX_PAIR(0)]
    stp     x2, x3, [sp, #CTX_PAIR(1)]
    stp     x4, x5, [sp, #CTX_PAIR(2)]
    stp     x6, x7, [sp, #CTX_PAIR(3)]
    stp     x8, x9, [sp, #CTX_PAIR(4)]
    stp     x10, x11, [sp, #CTX_PAIR(5)]
    stp     x12, x13, [sp, #CTX_PAIR(6)]
    stp     x14, x15, [sp, #CTX_PAIR(7)]
    stp     x16, x17, [sp, #CTX_PAIR(8)]
    stp     x18, x19, [sp, #CTX_PAIR(9)]
    stp     x20, x21, [sp, #CTX_PAIR(10)]
    stp     x22, x23, [sp, #CTX_PAIR(11)]
    stp     x24, x25, [sp, #CTX_PAIR(12)]
    stp     x26, x27, [sp, #CTX_PAIR(13)]
    stp     x28, x29, [sp, #CTX_PAIR(14)]
    mrs     x21, sp_el0
    stp     x30, x21, [sp, #CTX(30)]            /* x30, REG_SP */
    mrs     x22, elr_el1
    mrs     x23, spsr_el1
    stp     x22, x23, [sp, #CTX(REG_PC)]        /* REG_PC, REG_SPSR */
    mrs     x24, tpidr_el0
    mrs     x25, tpidrro_el0
    stp     x24, x25, [sp, #CTX(REG_TPIDR)]     /* REG_TPIDR, REG_TPIDRRO */
    mov     x19, sp
    adrp    x20, kernel_stack_top
    add     sp, x20, :lo12:kernel_stack_top
    mov     x29, #0                             /* backtraces stop at the kernel entry */
.endm

el0_sync:
    SAVE_USER_CONTEXT
    mrs     x24, esr_el1
    ubfx    x25, x24, #ESR_EC_SHIFT, #6
    cmp     x25, #EC_SVC64
    b.ne    1f
    /* System call: the hot path. FAULT_IP = the svc; x0..x7 are still the user's. */
    sub     x22, x22, #4
    str     x22, [x19, #CTX(REG_FAULT_IP)]
#if CONFIG_FASTPATH
    /* Call and ReplyRecv go to the IPC fast path (api/fastpath.c) with the user's x0
     * and x1 as its arguments; it falls back to handle_syscall itself. */
    cmn     x7, #-(FASTPATH_SYS_CALL)
    b.eq    2f
    cmn     x7, #-(FASTPATH_SYS_REPLY_RECV)
    b.eq    3f
#endif
    mov     x0, x7
    bl      handle_syscall
    b       arch_return_to_user
1:  /* Aborts and other exceptions: the faulting instruction is at ELR. */
    str     x22, [x19, #CTX(REG_FAULT_IP)]
    mov     x0, x24
    bl      arch_handle_user_sync               /* (esr) */
    b       arch_return_to_user
#if CONFIG_FASTPATH
2:  bl      fastpath_call                       /* (x0 cap, x1 msginfo) */
    b       arch_return_to_user
3:  bl      fastpath_reply_recv                 /* (x0 cap, x1 msginfo) */
    b       arch_return_to_user
#endif

el0_irq:
    SAVE_USER_CONTEXT
    str     x22, [x19, #CTX(REG_FAULT_IP)]
    bl      handle_interrupt
    b       arch_return_to_user

el0_fiq:
    SAVE_USER_CONTEXT
    str     x22, [x19, #CTX(REG_FAULT_IP)]
    bl      arch_handle_user_fiq
    b       arch_return_to_user

el0_serror:
    SAVE_USER_CONTEXT
    str     x22, [x19, #CTX(REG_FAULT_IP)]
    mrs     x0, esr_el1
    bl      arch_handle_user_serror             /* (esr) */
    b       arch_return_to_user

/* ---- Return to user mode ------------------------------------------------------------ */

/*
 * NORETURN void arch_return_to_user(void)
 *
 * Restore ks_cur_thread and eret. Callable from any kernel stack depth (kernel_boot
 * calls it too). If the current thread is the idle thread, idle instead. FP/SIMD is
 * trapped at EL0 unless the thread owns the FP/SIMD registers (lazy switching, fpu.c).
 */
    .global arch_return_to_user
    .type arch_return_to_user, %function
arch_return_to_user:
    adrp    x0, ks_cur_thread
    ldr     x0, [x0, :lo12:ks_cur_thread]
    adrp    x1, ks_idle_thread
    ldr     x1, [x1, :lo12:ks_idle_thread]
    cmp     x0, x1
    b.eq    idle_loop
    cbz     x0, no_current_thread
    /* FP/SIMD at EL0: allowed for the thread whose state the registers hold, trapped
     * for any other (fpu.c switches on the first use). CPACR_EL1 is written only when
     * that changes; the eret below synchronises the change. */
    adrp    x1, arch_fpu_owner
    ldr     x1, [x1, :lo12:arch_fpu_owner]
    adrp    x2, arch_fpu_trapped
    ldrb    w3, [x2, :lo12:arch_fpu_trapped]
    cmp     x0, x1
    cset    w1, ne                              /* trap unless x0 owns the registers */
    cmp     w1, w3
    b.ne    change_fpu_trap
restore_user_context:
    mov     sp, x0                              /* SP_EL1 = context until the next entry */
    ldp     x22, x23, [sp, #CTX(REG_PC)]
    ldp     x24, x25, [sp, #CTX(REG_TPIDR)]
    ldp     x30, x21, [sp, #CTX(30)]
    /* Never return to anything but EL0 AArch64, whatever the saved SPSR says. */
    and     x23, x23, #0xf0000000
    orr     x23, x23, #0x40
    msr     elr_el1, x22
    msr     spsr_el1, x23
    msr     tpidr_el0, x24
    msr     tpidrro_el0, x25
    msr     sp_el0, x21
    ldp     x0, x1, [sp, #CTX_PAIR(0)]
    ldp     x2, x3, [sp, #CTX_PAIR(1)]
    ldp     x4, x5, [sp, #CTX_PAIR(2)]
    ldp     x6, x7, [sp, #CTX_PAIR(3)]
    ldp     x8, x9, [sp, #CTX_PAIR(4)]
    ldp     x10, x11, [sp, #CTX_PAIR(5)]
    ldp     x12, x13, [sp, #CTX_PAIR(6)]
    ldp     x14, x15, [sp, #CTX_PAIR(7)]
    ldp     x16, x17, [sp, #CTX_PAIR(8)]
    ldp     x18, x19, [sp, #CTX_PAIR(9)]
    ldp     x20, x21, [sp, #CTX_PAIR(10)]
    ldp     x22, x23, [sp, #CTX_PAIR(11)]
    ldp     x24, x25, [sp, #CTX_PAIR(12)]
    ldp     x26, x27, [sp, #CTX_PAIR(13)]
    ldp     x28, x29, [sp, #CTX_PAIR(14)]
    eret

change_fpu_trap:                                /* w1: trap, x2: &arch_fpu_trapped */
    strb    w1, [x2, :lo12:arch_fpu_trapped]
    mov     x3, #(3 << 20)                      /* CPACR_FPEN_NONE_TRAPPED */
    cbz     w1, 1f
    mov     x3, #(1 << 20)                      /* CPACR_FPEN_EL0_TRAPPED */
1:  msr     cpacr_el1, x3
    b       restore_user_context

no_current_thread:
    adrp    x0, no_thread_msg
    add     x0, x0, :lo12:no_thread_msg
    bl      panic

/*
 * The idle thread: wait for interrupts at EL1 on an empty kernel stack. The interrupt
 * arrives at el1_irq, which handles it and goes back through arch_return_to_user.
 */
idle_loop:
    adrp    x0, kernel_stack_top
    add     sp, x0, :lo12:kernel_stack_top
    mov     x29, #0
    msr     daifclr, #2                         /* unmask IRQs */
idle_wfi:
    wfi
    b       idle_wfi
idle_loop_end:

/* IRQ at EL1. Only the idle loop runs with IRQs unmasked; anything else is a bug. */
el1_irq:
    sub     sp, sp, #KFRAME_SIZE
    stp     x0, x1, [sp, #0]
    mrs     x0, elr_el1
    adr     x1, idle_loop
    cmp     x0, x1
    b.lo    1f
    adr     x1, idle_loop_end
    cmp     x0, x1
    b.hs    1f
    /* From the idle loop: nothing to save. */
    adrp    x0, kernel_stack_top
    add     sp, x0, :lo12:kernel_stack_top
    mov     x29, #0
    bl      handle_interrupt
    b       arch_return_to_user
1:  mov     x1, #VEC_EL1_SPX_IRQ
    b       kernel_exception

/*
 * An exception the kernel cannot handle. x0/x1 are saved at [sp], x1 = vector slot.
 * Complete the frame and call arch_kernel_exception(frame, slot), which panics.
 */
kernel_exception:
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    add     x2, sp, #KFRAME_SIZE                /* sp before the exception */
    stp     x30, x2, [sp, #16 * 15]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #16 * 16]
    mrs     x2, esr_el1
    mrs     x3, far_el1
    stp     x2, x3, [sp, #16 * 17]
    mov     x0, sp
    bl      arch_kernel_exception               /* (frame, slot): does not return */
    b       .

    .section .rodata
no_thread_msg:
    .asciz  "arch_return_to_user: ks_cur_thread is NULL"
