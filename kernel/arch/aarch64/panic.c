/*
 * panic(): report and stop. Prints the message, the exception registers, the registers
 * saved at the exception (if the panic comes from one), a frame-pointer backtrace and the
 * current thread's user PC, then halts with a failure status.
 */
#include <keel/kernel.h>
#include <keel/arch_api.h>
#include <arch/machine.h>
#include <arch/traps.h>

static const struct kernel_frame *panic_frame;
static bool panicking;

/* Called by arch_kernel_exception() just before it panics. */
void arch_panic_set_frame(const struct kernel_frame *frame)
{
    panic_frame = frame;
}

static void dump_frame(const struct kernel_frame *f)
{
    for (int i = 0; i < 31; i += 2) {
        if (i == 30)
            kprintf("  x30 %016lx  sp  %016lx\n", f->x[30], f->sp);
        else
            kprintf("  x%-2d %016lx  x%-2d %016lx\n", i, f->x[i], i + 1, f->x[i + 1]);
    }
}

static bool on_kernel_stack(word_t addr)
{
    return addr >= (word_t)kernel_stack && addr + 16 <= (word_t)kernel_stack_top &&
           (addr & 15) == 0;
}

/* Print pc (if not 0), then follow the x29 chain: each frame record is
 * {previous x29, return address}. */
static void backtrace(word_t fp, word_t pc)
{
    kprintf("  backtrace:");
    if (pc != 0)
        kprintf(" %lx", pc);
    for (int depth = 0; depth < 16 && on_kernel_stack(fp); depth++) {
        const word_t *record = (const word_t *)fp;
        if (record[1] == 0)
            break;
        kprintf(" %lx", record[1]);
        fp = record[0];
    }
    kprintf("\n");
}

NORETURN void panic(const char *fmt, ...)
{
    va_list ap;

    __asm__ volatile("msr daifset, #0xf");
    if (panicking) {
        /* Panicking while panicking: say as little as possible and stop. */
        kprintf("\nKERNEL PANIC (again) while reporting a panic\n");
        arch_halt(false);
    }
    panicking = true;

    kprintf("\nKERNEL PANIC: ");
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");

    const struct kernel_frame *f = panic_frame;
    if (f != NULL) {
        kprintf("  ESR %lx  FAR %lx  ELR %lx  SPSR %lx\n", f->esr, f->far, f->elr, f->spsr);
        dump_frame(f);
        backtrace(f->x[29], f->elr);
    } else {
        kprintf("  last exception: ESR %lx  FAR %lx  ELR %lx\n", read_sysreg(esr_el1),
                read_sysreg(far_el1), read_sysreg(elr_el1));
        backtrace((word_t)__builtin_frame_address(0), 0);
    }
    if (ks_cur_thread != NULL && ks_cur_thread != ks_idle_thread) {
        const user_context_t *ctx = tcb_context(ks_cur_thread);
        kprintf("  current thread %p: user pc %lx sp %lx\n", (void *)ks_cur_thread,
                ctx->regs[REG_PC], ctx->regs[REG_SP]);
    }
    arch_halt(false);
}
