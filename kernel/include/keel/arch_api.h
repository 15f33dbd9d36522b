/*
 * The boundary between Keel's portable core and the architecture/platform code.
 *
 * The core (kernel/{object,api,model,lib}) calls only the functions declared here;
 * kernel/arch/aarch64 and kernel/plat/qemu-virt implement them. The host unit tests
 * implement them with fakes (tests/host/fake_arch.c), which is why nothing in this
 * header may mention AArch64 registers or devices directly.
 *
 * The second half lists what the core provides to the arch code (entry points).
 */
#pragma once

#include <keel/types.h>

/* ---- Memory: the kernel reaches all RAM through a linear window. -------------- */
/* Implemented as inlines in <arch/memory.h> (target) or the host fake. */
#include <arch/memory.h>   /* pptr_of(paddr) -> void*, paddr_of(const void*) -> paddr_t */

/* ---- Console ----------------------------------------------------------------- */
void plat_console_putchar(char c);

/* ---- Stopping the machine ---------------------------------------------------- */
/* Stop the whole system. success=false makes QEMU exit with a failure status. */
NORETURN void arch_halt(bool success);

/* ---- Time (ARM generic timer, EL1 virtual timer) ------------------------------- */
ticks_t arch_timer_now(void);                 /* current counter value */
void    arch_timer_set_deadline(ticks_t when); /* one-shot interrupt at 'when' */
void    arch_timer_ack(void);                  /* silence the timer until re-armed */

/* ---- Interrupt controller (GICv2) --------------------------------------------- */
#define IRQ_NONE ((word_t)~0ull)
word_t plat_irq_get_pending(void);             /* acknowledged INTID, or IRQ_NONE */
bool   plat_irq_is_pending(void);              /* an interrupt waits (preemption points) */
void   plat_irq_end(word_t irq);                /* end-of-interrupt (priority drop + deactivate) */
void   plat_irq_mask(word_t irq);
void   plat_irq_unmask(word_t irq);
void   plat_irq_set_edge_triggered(word_t irq, bool edge);
bool   plat_irq_is_reserved(word_t irq);       /* owned by the kernel (timer) */

/* ---- Address spaces ----------------------------------------------------------- */
/* Switch TTBR0 to the given top-level table (physical address) tagged with asid. */
void arch_set_user_vspace(paddr_t root_table, word_t asid);
/* Switch TTBR0 to the kernel's empty table (threads without a valid VSpace). */
void arch_set_no_user_vspace(void);
void arch_tlb_flush_asid(word_t asid);
void arch_tlb_flush_page(word_t asid, vaddr_t vaddr);
void arch_tlb_flush_all(void);
/* Make page-table writes visible to the table walker. */
void arch_clean_to_pou(void *start, word_t bytes);
/* Data cache maintenance by kernel virtual address (used by frame invocations). */
void arch_dcache_clean(word_t kvaddr_start, word_t kvaddr_end);
void arch_dcache_invalidate(word_t kvaddr_start, word_t kvaddr_end);
void arch_dcache_clean_invalidate(word_t kvaddr_start, word_t kvaddr_end);
void arch_icache_unify(word_t kvaddr_start, word_t kvaddr_end);

/* ---- Threads -------------------------------------------------------------------- */
struct tcb;
/* The user context lives at offset 0 of struct tcb (see keel/objects.h); the exception
 * entry code saves into it and the exit path restores from ks_cur_thread. */
/* Restore the FPU state of 'tcb' if it differs from what the FPU holds (lazy switching). */
void arch_fpu_switch_to(struct tcb *tcb);
/* Forget that 'tcb' owns the FPU registers (called when a TCB is destroyed). */
void arch_fpu_release(struct tcb *tcb);
/* TCB_SetFlags changed tcb's flags. If FP/SIMD is now disabled for it, the arch must
 * no longer let it use the FPU registers (it asks tcb_fpu_disabled() when a thread's
 * FP/SIMD use traps). */
void arch_tcb_flags_changed(struct tcb *tcb);

/* ---- What the core provides to the arch code ------------------------------------ */
/* Boot: called once by the arch code with the MMU on, the console and the interrupt
 * controller working, and the machine description filled in. Never returns: it ends by
 * entering the root task through the normal exit path (arch_return_to_user). */
typedef struct mem_region { paddr_t start, end; } mem_region_t;  /* [start, end) */
#define MAX_MEM_REGIONS 16
typedef struct boot_args {
    mem_region_t ram[MAX_MEM_REGIONS];        /* RAM from the DTB */
    word_t       num_ram;
    mem_region_t kernel_devices[4];           /* device pages the kernel keeps (GIC) */
    word_t       num_kernel_devices;
    paddr_t      kernel_start, kernel_end;    /* physical extent of the kernel image */
    paddr_t      ui_start, ui_end;            /* root task image (physical, page aligned) */
    sword_t      ui_pv_offset;                /* root task vaddr = paddr - pv_offset */
    vaddr_t      ui_entry;
    paddr_t      dtb_start;                   /* 0 if none */
    word_t       dtb_size;
} boot_args_t;
NORETURN void kernel_boot(const boot_args_t *args);

/* Exception entry points. The arch code has already saved the user context of
 * ks_cur_thread. Each returns normally; the arch code then restores the context of
 * ks_cur_thread (which may have changed) and returns to user mode. */
void handle_syscall(sword_t number);
void handle_vm_fault(bool instruction_fault, word_t fault_address, word_t esr);
void handle_user_exception(word_t esr);
void handle_interrupt(void);

/* Whether FP/SIMD is disabled for 'tcb' (TCB flag seL4_TCBFlag_fpuDisabled): the arch
 * then traps its FP/SIMD instructions and reports them with handle_user_exception. */
bool tcb_fpu_disabled(const struct tcb *tcb);

/* Restore ks_cur_thread's user context and eret (arch, assembly). */
NORETURN void arch_return_to_user(void);
