/*
 * A tiny root task the build uses while no real one (apps/$(ROOTTASK)) exists. It uses
 * only debug syscalls, so it runs on the arch stub boot and on the real core alike:
 * print a line (DebugPutChar), Yield once and check that registers survived the kernel
 * entry (including an FP register), spin for a while (long enough for timer interrupts
 * to arrive in user mode) and check again, then DebugHalt.
 */
#define SYS_YIELD        -11
#define SYS_DEBUG_PUTCHAR -12
#define SYS_DEBUG_HALT   -14

    .text
    .global _start
_start:
    adr     x19, hello
    bl      puts

    /* Registers (general and FP) must be preserved across a syscall. */
    mov     x20, #0x1234
    movk    x20, #0x5678, lsl #16
    fmov    d8, x20
    mov     x7, #SYS_YIELD
    svc     #0
    mov     x9, #0x1234
    movk    x9, #0x5678, lsl #16
    cmp     x20, x9
    b.ne    bad
    fmov    x21, d8
    cmp     x21, x9
    b.ne    bad

    /* About 100 M instructions: several 10 ms timer ticks under QEMU. */
    mov     x10, #0x2000000
1:  subs    x10, x10, #1
    b.ne    1b
    cmp     x20, x9
    b.ne    bad
    fmov    x21, d8
    cmp     x21, x9
    b.ne    bad
    adr     x19, good
    bl      puts
    b       halt
bad:
    adr     x19, broken
    bl      puts
halt:
    mov     x7, #SYS_DEBUG_HALT
    svc     #0
    b       halt

/* Print the NUL-terminated string at x19 with DebugPutChar. */
puts:
    ldrb    w0, [x19], #1
    cbz     w0, 1f
    mov     x7, #SYS_DEBUG_PUTCHAR
    svc     #0
    b       puts
1:  ret

    .section .rodata
hello:  .asciz "stub root task: hello from EL0\n"
good:   .asciz "stub root task: registers preserved across syscalls and interrupts\n"
broken: .asciz "stub root task: REGISTERS CORRUPTED by a syscall\n"
