/* Arch-internal declarations shared by the AArch64 files (not for the portable core). */
#pragma once

#include <keel/types.h>
#include <keel/arch_api.h>
#include <arch/registers.h>

/* Kept in step with the core's keel/state.h; declared here so that the arch code does
 * not depend on the core's object headers. */
struct tcb;
extern struct tcb *ks_cur_thread;
extern struct tcb *ks_idle_thread;

/* The user context is at offset 0 of every TCB. */
static inline user_context_t *tcb_context(struct tcb *t) { return (user_context_t *)t; }

/* Registers saved by entry.S when the kernel itself takes an exception. */
struct kernel_frame {
    word_t x[31];
    word_t sp, elr, spsr, esr, far;
};

/* entry.S */
extern char arch_vectors[];
extern char kernel_stack[], kernel_stack_top[];

/* Called from entry.S. */
void arch_handle_user_sync(word_t esr);
void arch_handle_user_fiq(void);
void arch_handle_user_serror(word_t esr);
NORETURN void arch_kernel_exception(const struct kernel_frame *frame, word_t slot);

/* fpu.S / fpu.c */
void fpu_save(void *area);
void fpu_restore(const void *area);
extern struct tcb *arch_fpu_owner;
extern bool arch_fpu_trapped;
void arch_fpu_trap(word_t esr);         /* EL0 FP/SIMD use trapped (EC 0x07) */

/* Boot-time set-up (init.c, mmu.c, timer.c, halt.c, plat). */
struct fdt;
void arch_map_kernel(boot_args_t *args);
void arch_timer_init(void);
void arch_halt_init(const struct fdt *fdt);
void plat_console_init(void);
void plat_irq_init(void);
word_t plat_irq_num_lines(void);

/* Linker script symbols: the kernel image (virtual addresses). */
extern char ki_start[], ki_end[];
