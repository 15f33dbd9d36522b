/*
 * Keel user-program entry point (root task and processes started by a loader).
 *
 * Entry registers:
 *   x0  root task: address of seL4_BootInfo (ABI (g)); other processes: 0
 *   x1  other processes: address of their IPC buffer (ignored for the root task)
 *   x2  other processes: one word for the program, see keel_start_arg()
 * SP_EL0 is not trusted (it is 0 for the root task): we switch to a static stack
 * before running any C code. __keel_start_c sets up .bss, TLS and the IPC buffer
 * pointer, runs main() and never returns.
 */

#ifndef KEEL_STACK_SIZE
#define KEEL_STACK_SIZE (64 * 1024)
#endif

    .section .text.start, "ax", %progbits
    .global _start
    .type _start, %function
_start:
    adrp    x9, __keel_stack_top
    add     x9, x9, :lo12:__keel_stack_top
    mov     sp, x9
    mov     x29, #0                 /* end of the frame-pointer chain */
    mov     x30, #0
    bl      __keel_start_c
1:  b       1b
    .size _start, . - _start

    /* Not part of .bss proper: crt0 runs on it while .bss is being cleared. */
    .section .keel_stack, "aw", %nobits
    .balign 16
    .global __keel_stack_bottom
__keel_stack_bottom:
    .space  KEEL_STACK_SIZE
    .global __keel_stack_top
__keel_stack_top:

    .section .note.GNU-stack, "", %progbits
