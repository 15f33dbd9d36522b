/*
 * Keel benchmarks: interrupt delivered to a user-level handler thread.
 *
 * The interrupt source is the EL1 physical timer (INTID 30), programmed from EL0,
 * which the kernel allows when built with CONFIG_EXPORT_PTIMER_USER=1. A low-priority
 * thread spins, storing the cycle counter to memory on every turn of its loop; the
 * high-priority handler arms the timer, acknowledges the IRQ handler and waits on the
 * notification bound to it. When the timer fires, the kernel signals the notification
 * and switches to the handler, which reads the counter: the cost is its reading minus
 * the spinner's last stored one (as sel4bench's irquser does). The spinner's loop is
 * three instructions, so the interrupt may land up to that many after the last store.
 *
 * Without the timer exported to EL0 the benchmark is skipped: a probe thread with a
 * fault handler tries to read the physical counter first.
 */
#include <stdio.h>
#include <sel4/sel4.h>
#include "bench.h"
#include "cycles.h"

#define PTIMER_IRQ 30
#define CNTP_CTL_ENABLE 1ul
/* Timer delay: 1000 counter ticks = 16000 instructions at 62.5 MHz under -icount. */
#define IRQ_DELAY_TICKS 1000

struct irq_run {
    seL4_CPtr ntfn, irq_handler;
    struct sync_caps sync;
    volatile uint64_t spin_now;
    uint64_t start[BENCH_TOTAL];
    uint64_t end[BENCH_TOTAL];
};

static struct irq_run run;

static inline uint64_t ptimer_counter(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(v) : : "memory");
    return v;
}

static inline void ptimer_arm(uint64_t when)
{
    __asm__ volatile("msr cntp_cval_el0, %0" : : "r"(when));
    __asm__ volatile("msr cntp_ctl_el0, %0; isb" : : "r"(CNTP_CTL_ENABLE) : "memory");
}

static inline void ptimer_disarm(void)
{
    __asm__ volatile("msr cntp_ctl_el0, xzr; isb" : : : "memory");
}

static void ptimer_probe_fn(seL4_Word ep) __attribute__((noreturn));
static void ptimer_probe_fn(seL4_Word ep)
{
    (void)ptimer_counter();                 /* traps when the timer is not exported */
    probe_succeeded(ep);
}

/* ---- The measurement ------------------------------------------------------------------------- */

static void spinner_fn(seL4_Word arg) __attribute__((noreturn));
static void spinner_fn(seL4_Word arg)
{
    struct irq_run *r = (struct irq_run *)arg;
    for (;;) {
        r->spin_now = read_ccnt();
    }
}

static void irq_handler_fn(seL4_Word arg) __attribute__((noreturn));
static void irq_handler_fn(seL4_Word arg)
{
    struct irq_run *r = (struct irq_run *)arg;
    for (unsigned i = 0; i < BENCH_TOTAL; i++) {
        ptimer_arm(ptimer_counter() + IRQ_DELAY_TICKS);
        seL4_IRQHandler_Ack(r->irq_handler);
        sys_wait(r->ntfn);
        uint64_t t = read_ccnt();
        r->end[i] = t;
        r->start[i] = r->spin_now;
        ptimer_disarm();                    /* drops the level-triggered line */
    }
    thread_finish(&r->sync);
}

static void setup_irq(void)
{
    run.ntfn = env_alloc_object(seL4_NotificationObject, 0);
    run.irq_handler = env_alloc_slot();
    check(seL4_IRQControl_Get(seL4_CapIRQControl, PTIMER_IRQ, seL4_CapInitThreadCNode,
                              run.irq_handler, seL4_WordBits), "IRQControl_Get (timer)");
    check(seL4_IRQHandler_SetNotification(run.irq_handler, run.ntfn),
          "IRQHandler_SetNotification");
    run.sync = sync_caps_for(NULL);
}

void run_irq_benchmarks(const struct overheads *o)
{
    static struct thread spinner, handler;

    report_header("Interrupt (EL1 physical timer) to a user-level handler thread");
    if (!probe_in_thread(ptimer_probe_fn)) {
        printf("  skipped: the physical timer is not accessible at EL0 "
               "(kernel without CONFIG_EXPORT_PTIMER_USER=1)\n");
        return;
    }
    setup_irq();
    thread_create(&spinner, "irq-spinner", NULL, PRIO_LOW, 0);
    thread_create(&handler, "irq-handler", NULL, PRIO_HIGH, 0);
    thread_start(&spinner, spinner_fn, (seL4_Word)&run);
    thread_start(&handler, irq_handler_fn, (seL4_Word)&run);
    sync_wait_done();
    thread_stop(&handler);
    thread_stop(&spinner);

    struct stats s = stats_of_deltas(run.start, run.end, o->ccnt);
    report("irq_to_user", 0, &s);
}
