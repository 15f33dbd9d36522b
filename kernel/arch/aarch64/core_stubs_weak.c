/*
 * TEMPORARY weak stand-ins for the portable core's entry points, so the arch code can be
 * booted and tested before (or without) the core. Every definition here is weak: the
 * core's real definitions replace them at link time, and this file then does nothing.
 *
 * The stub boot: print the boot arguments and start a 10 ms timer tick; if there is a
 * root-task image, map it at its virtual address and run it at EL0 with a minimal
 * syscall handler (DebugPutChar, Yield, DebugHalt) to exercise the entry/exit paths
 * (ticks that arrive in user mode exercise the interrupt path); when it halts or
 * faults, idle, print "tick N" for three ticks taken while idle and halt with success.
 */
#include <keel/kernel.h>
#include <keel/arch_api.h>
#include <arch/machine.h>
#include <arch/traps.h>
#include <plat/platform.h>

#define WEAK __attribute__((weak))
#define STUB_TICK      (10 * TICKS_PER_MS)
#define STUB_MAX_TICKS 3

WEAK struct tcb *ks_cur_thread;
WEAK struct tcb *ks_idle_thread;

/* Stand-in threads: just a context (at offset 0, as in the real TCB). */
static user_context_t stub_user ALIGNED(64);
static user_context_t stub_idle ALIGNED(64);
static word_t stub_idle_ticks;
static ticks_t stub_next_tick;

/* A 4-level user table mapping up to 2 MiB of root-task image with 4 KiB pages. */
static word_t stub_l0[PT_ENTRIES] ALIGNED(PAGE_SIZE);
static word_t stub_l1[PT_ENTRIES] ALIGNED(PAGE_SIZE);
static word_t stub_l2[PT_ENTRIES] ALIGNED(PAGE_SIZE);
static word_t stub_l3[PT_ENTRIES] ALIGNED(PAGE_SIZE);

static bool stub_map_user_image(const boot_args_t *a)
{
    vaddr_t v_start = a->ui_start - a->ui_pv_offset;
    word_t size = a->ui_end - a->ui_start;

    if (size == 0 || size > BIT(LARGE_PAGE_BITS) ||
        PT_INDEX(v_start, 2) != PT_INDEX(v_start + size - 1, 2))
        return false;
    stub_l0[PT_INDEX(v_start, 0)] = paddr_of(stub_l1) | PTE_TABLE | PTE_VALID;
    stub_l1[PT_INDEX(v_start, 1)] = paddr_of(stub_l2) | PTE_TABLE | PTE_VALID;
    stub_l2[PT_INDEX(v_start, 2)] = paddr_of(stub_l3) | PTE_TABLE | PTE_VALID;
    for (word_t off = 0; off < size; off += PAGE_SIZE)
        stub_l3[PT_INDEX(v_start + off, 3)] = (a->ui_start + off) | PTE_VALID | PTE_PAGE |
            PTE_ATTR(MAIR_IDX_NORMAL_WB) | PTE_AP_RW | PTE_AF | PTE_NG;
    arch_clean_to_pou(stub_l0, PAGE_SIZE);
    arch_clean_to_pou(stub_l1, PAGE_SIZE);
    arch_clean_to_pou(stub_l2, PAGE_SIZE);
    arch_clean_to_pou(stub_l3, PAGE_SIZE);
    arch_set_user_vspace(paddr_of(stub_l0), 1);
    arch_tlb_flush_asid(1);
    return true;
}

static void stub_go_idle(void)
{
    ks_cur_thread = (struct tcb *)&stub_idle;
}

WEAK NORETURN void kernel_boot(const boot_args_t *a)
{
    kprintf("Keel: boot args: RAM");
    for (word_t i = 0; i < a->num_ram; i++)
        kprintf(" [%lx, %lx)", a->ram[i].start, a->ram[i].end);
    kprintf(", kernel [%lx, %lx), ui [%lx, %lx) pv_offset %lx entry %lx, dtb %lx (%lu bytes)\n",
            a->kernel_start, a->kernel_end, a->ui_start, a->ui_end, (word_t)a->ui_pv_offset,
            a->ui_entry, a->dtb_start, a->dtb_size);
    kprintf("Keel: the core is not linked in; running the arch stub boot\n");

    ks_idle_thread = (struct tcb *)&stub_idle;
    stub_next_tick = arch_timer_now() + STUB_TICK;
    arch_timer_set_deadline(stub_next_tick);
    if (stub_map_user_image(a)) {
        stub_user.regs[REG_PC] = a->ui_entry;
        stub_user.regs[REG_SPSR] = 0x40;        /* EL0t, FIQ masked (ABI (g)) */
        ks_cur_thread = (struct tcb *)&stub_user;
    } else {
        stub_go_idle();
    }
    arch_return_to_user();
}

WEAK bool tcb_fpu_disabled(const struct tcb *tcb)
{
    (void)tcb;
    return false;
}

WEAK void handle_syscall(sword_t number)
{
    user_context_t *ctx = tcb_context(ks_cur_thread);

    switch (number) {
    case -12:       /* DebugPutChar */
        plat_console_putchar((char)ctx->regs[0]);
        break;
    case -11:       /* Yield: prove we got here from the svc and return */
        kprintf("stub: Yield from pc %lx (fault ip %lx)\n", ctx->regs[REG_PC],
                ctx->regs[REG_FAULT_IP]);
        break;
    case -14:       /* DebugHalt: stop running the thread; tick, then halt */
        kprintf("stub: DebugHalt, idling for %d ticks\n", STUB_MAX_TICKS);
        stub_go_idle();
        break;
    default:
        kprintf("stub: unknown syscall %ld at %lx\n", number, ctx->regs[REG_FAULT_IP]);
        stub_go_idle();
        break;
    }
}

WEAK void handle_vm_fault(bool instruction_fault, word_t fault_address, word_t esr)
{
    kprintf("stub: %s fault at %lx, pc %lx, ESR %lx\n", instruction_fault ? "prefetch" : "data",
            fault_address, tcb_context(ks_cur_thread)->regs[REG_FAULT_IP], esr);
    stub_go_idle();
}

WEAK void handle_user_exception(word_t esr)
{
    kprintf("stub: user exception, pc %lx, ESR %lx\n",
            tcb_context(ks_cur_thread)->regs[REG_FAULT_IP], esr);
    stub_go_idle();
}

WEAK void handle_interrupt(void)
{
    word_t irq = plat_irq_get_pending();
    if (irq == IRQ_NONE)
        return;
    if (irq == KERNEL_TIMER_IRQ) {
        arch_timer_ack();
        if (ks_cur_thread == ks_idle_thread) {
            kprintf("tick %lu\n", ++stub_idle_ticks);
            if (stub_idle_ticks == STUB_MAX_TICKS)
                arch_halt(true);
        } else {
            kprintf("stub: timer interrupt in user mode at pc %lx\n",
                    tcb_context(ks_cur_thread)->regs[REG_PC]);
        }
        stub_next_tick += STUB_TICK;
        arch_timer_set_deadline(stub_next_tick);
    } else {
        kprintf("stub: interrupt %lu\n", irq);
    }
    plat_irq_end(irq);
}
