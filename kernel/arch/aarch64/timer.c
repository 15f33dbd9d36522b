/*
 * The ARM generic timer: the kernel uses the EL1 virtual timer (CNTV_*) and the virtual
 * counter, interrupt PPI 11 = INTID 27 (ABI.md (h)). Time is in counter ticks at the
 * compile-time TIMER_CLOCK_HZ.
 */
#include <keel/kernel.h>
#include <keel/arch_api.h>
#include <arch/machine.h>
#include <arch/traps.h>
#include <plat/platform.h>

#ifndef CONFIG_EXPORT_PTIMER_USER
#define CONFIG_EXPORT_PTIMER_USER 0
#endif
#ifndef CONFIG_EXPORT_PMU_USER
#define CONFIG_EXPORT_PMU_USER 0
#endif

ticks_t arch_timer_now(void)
{
    isb();      /* do not let the counter read move before earlier instructions */
    return read_sysreg(cntvct_el0);
}

void arch_timer_set_deadline(ticks_t when)
{
    write_sysreg(cntv_cval_el0, when);
    write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
    isb();
}

void arch_timer_ack(void)
{
    /* Disabling the timer drops its (level) interrupt until the next deadline. */
    write_sysreg(cntv_ctl_el0, 0);
    isb();
}

/* Let user mode read the cycle counter (benchmark builds). */
static void export_pmu_to_user(void)
{
    write_sysreg(pmcr_el0, read_sysreg(pmcr_el0) | PMCR_E | PMCR_C);
    write_sysreg(pmccfiltr_el0, 0);                 /* count at EL0 and EL1 */
    write_sysreg(pmcntenset_el0, PMCNTEN_CYCLES);
    write_sysreg(pmuserenr_el0, PMUSERENR_EN);
}

void arch_timer_init(void)
{
    word_t frq = read_sysreg(cntfrq_el0);
    if (frq != 0 && frq != TIMER_CLOCK_HZ)
        kprintf("keel: warning: CNTFRQ is %lu Hz, the kernel assumes %lu Hz\n", frq,
                TIMER_CLOCK_HZ);

    write_sysreg(cntkctl_el1, CONFIG_EXPORT_PTIMER_USER ?
                 (CNTKCTL_EL0PCTEN | CNTKCTL_EL0PTEN) : 0);
    write_sysreg(cntv_ctl_el0, 0);
    if (CONFIG_EXPORT_PMU_USER)
        export_pmu_to_user();
    isb();
    /* The timer interrupt belongs to the kernel and is always enabled at the GIC. */
    plat_irq_unmask(KERNEL_TIMER_IRQ);
}
