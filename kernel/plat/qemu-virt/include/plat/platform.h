/* QEMU 'virt' machine (GICv2, PL011, ARM generic timer) as Keel sees it (ABI.md (h)). */
#pragma once

#include <arch/memory.h>

/* Physical addresses of the devices the kernel uses. */
#define PL011_PADDR      0x09000000ul
#define GICD_PADDR       0x08000000ul
#define GICC_PADDR       0x08010000ul

/* Where they appear in the kernel device page table at KDEV_BASE. */
#define PL011_VADDR      (KDEV_BASE + 0x0000)
#define GICD_VADDR       (KDEV_BASE + 0x1000)
#define GICC_VADDR       (KDEV_BASE + 0x2000)

/* Interrupts. */
#define PLAT_MAX_IRQ     159          /* highest IRQ number user level may claim */
#define KERNEL_TIMER_IRQ 27           /* PPI 11: EL1 virtual timer */

/* Generic timer frequency the kernel assumes (ABI (k)); CNTFRQ is only checked. */
#define TIMER_CLOCK_HZ   62500000ul
#define TICKS_PER_MS     (TIMER_CLOCK_HZ / 1000)
