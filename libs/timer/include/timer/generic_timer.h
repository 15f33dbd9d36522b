/*
 * EL0 access to the ARM generic timer's EL1 physical timer and the physical counter.
 * Only valid when the kernel enables it (CNTKCTL_EL1.EL0PTEN and EL0PCTEN; Keel's build
 * option CONFIG_EXPORT_PTIMER_USER).
 */
#pragma once

#include <stdint.h>

#define CNTP_CTL_ENABLE   (1u << 0)   /* timer enabled */
#define CNTP_CTL_IMASK    (1u << 1)   /* interrupt masked at the timer */
#define CNTP_CTL_ISTATUS  (1u << 2)   /* condition met (read only) */

static inline uint64_t gt_counter(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(v) : : "memory");
    return v;
}

static inline uint64_t gt_frequency(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

/* Fire when the counter reaches 'when' (absolute counter value). */
static inline void gt_arm(uint64_t when)
{
    __asm__ volatile("msr cntp_cval_el0, %0" : : "r"(when));
    __asm__ volatile("msr cntp_ctl_el0, %0; isb" : : "r"((uint64_t)CNTP_CTL_ENABLE) : "memory");
}

/* Disable the timer; its interrupt line drops. */
static inline void gt_disarm(void)
{
    __asm__ volatile("msr cntp_ctl_el0, xzr; isb" : : : "memory");
}

static inline uint64_t gt_control(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntp_ctl_el0" : "=r"(v));
    return v;
}
