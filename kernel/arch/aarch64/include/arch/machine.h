/* AArch64 system registers, barriers and bit definitions used by the arch code. */
#pragma once

/* ---- SCTLR_EL1 ---------------------------------------------------------------- */
#define SCTLR_M       (1ul << 0)    /* MMU on */
#define SCTLR_A       (1ul << 1)    /* alignment checks (off: user code may do unaligned) */
#define SCTLR_C       (1ul << 2)    /* data cache */
#define SCTLR_SA      (1ul << 3)    /* EL1 SP alignment check */
#define SCTLR_SA0     (1ul << 4)    /* EL0 SP alignment check */
#define SCTLR_I       (1ul << 12)   /* instruction cache */
#define SCTLR_DZE     (1ul << 14)   /* EL0 may use DC ZVA */
#define SCTLR_UCT     (1ul << 15)   /* EL0 may read CTR_EL0 */
#define SCTLR_NTWI    (1ul << 16)   /* EL0 WFI does not trap */
#define SCTLR_NTWE    (1ul << 18)   /* EL0 WFE does not trap */
#define SCTLR_WXN     (1ul << 19)
#define SCTLR_UCI     (1ul << 26)   /* EL0 may do cache maintenance by VA */
#define SCTLR_RES1    ((1ul << 29) | (1ul << 28) | (1ul << 23) | (1ul << 22) | \
                       (1ul << 20) | (1ul << 11))

/* ---- TCR_EL1 ------------------------------------------------------------------ */
#define TCR_T0SZ(n)        ((unsigned long)(n) << 0)
#define TCR_IRGN0_WBWA     (1ul << 8)
#define TCR_ORGN0_WBWA     (1ul << 10)
#define TCR_SH0_INNER      (3ul << 12)
#define TCR_TG0_4K         (0ul << 14)
#define TCR_T1SZ(n)        ((unsigned long)(n) << 16)
#define TCR_IRGN1_WBWA     (1ul << 24)
#define TCR_ORGN1_WBWA     (1ul << 26)
#define TCR_SH1_INNER      (3ul << 28)
#define TCR_TG1_4K         (2ul << 30)
#define TCR_IPS_SHIFT      32
#define TCR_AS             (1ul << 36)   /* 16-bit ASIDs */

/* ---- MAIR_EL1: the attribute indices set by the loader (ABI (h)) --------------- */
#define MAIR_IDX_DEVICE_nGnRnE 0
#define MAIR_IDX_DEVICE_nGnRE  1
#define MAIR_IDX_DEVICE_GRE    2
#define MAIR_IDX_NORMAL_NC     3
#define MAIR_IDX_NORMAL_WB     4
#define MAIR_IDX_NORMAL_WT     5
#define MAIR_VALUE             0x0000aaff440c0400ul

/* ---- Translation table descriptors (4 KiB granule) ---------------------------- */
#define PTE_VALID        (1ul << 0)
#define PTE_TABLE        (1ul << 1)      /* levels 0-2: next-level table */
#define PTE_BLOCK        (0ul << 1)      /* levels 1-2: block */
#define PTE_PAGE         (1ul << 1)      /* level 3: page */
#define PTE_ATTR(idx)    ((unsigned long)(idx) << 2)
#define PTE_AP_EL1_RW    (0ul << 6)      /* AP[2:1] = 00: kernel only */
#define PTE_AP_RW        (1ul << 6)      /* 01: EL1 and EL0 read/write */
#define PTE_AP_RO        (3ul << 6)      /* 11: read-only for both */
#define PTE_SH_INNER     (3ul << 8)
#define PTE_AF           (1ul << 10)
#define PTE_NG           (1ul << 11)
#define PTE_PXN          (1ul << 53)
#define PTE_UXN          (1ul << 54)
#define PTE_ADDR_MASK    0x0000fffffffff000ul

#define PT_ENTRIES       512
#define PAGE_BITS        12
#define PAGE_SIZE        (1ul << PAGE_BITS)
#define LARGE_PAGE_BITS  21               /* 2 MiB block */
#define HUGE_PAGE_BITS   30               /* 1 GiB block */

/* Index of 'va' in the table at 'level' (0..3). */
#define PT_INDEX(va, level) (((va) >> (39 - 9 * (level))) & 0x1ff)

/* ---- ESR_EL1 exception classes --------------------------------------------------- */
#define ESR_EC_SHIFT          26
#define ESR_EC(esr)           (((esr) >> ESR_EC_SHIFT) & 0x3f)
#define EC_UNKNOWN            0x00
#define EC_WFX                0x01
#define EC_FP_ACCESS          0x07
#define EC_ILLEGAL_STATE      0x0e
#define EC_SVC64              0x15
#define EC_SYSREG             0x18
#define EC_IABT_LOWER         0x20
#define EC_IABT_CURRENT       0x21
#define EC_PC_ALIGN           0x22
#define EC_DABT_LOWER         0x24
#define EC_DABT_CURRENT       0x25
#define EC_SP_ALIGN           0x26
#define EC_SERROR             0x2f
#define EC_BRK64              0x3c

/* ---- CPACR_EL1, CNTKCTL_EL1, PMU ---------------------------------------------------- */
#define CPACR_FPEN_NONE_TRAPPED (3ul << 20)
#define CPACR_FPEN_EL0_TRAPPED  (1ul << 20)  /* FP/SIMD traps at EL0 (EC 0x07), not at EL1 */
#define CNTKCTL_EL0PCTEN      (1ul << 0)   /* EL0 may read CNTPCT */
#define CNTKCTL_EL0PTEN       (1ul << 9)   /* EL0 may use the physical timer */
#define CNT_CTL_ENABLE        (1ul << 0)
#define CNT_CTL_IMASK         (1ul << 1)
#define PMCR_E                (1ul << 0)
#define PMCR_C                (1ul << 2)
#define PMCNTEN_CYCLES        (1ul << 31)
#define PMUSERENR_EN          (1ul << 0)

#ifndef __ASSEMBLER__
#include <keel/types.h>

#define read_sysreg(reg) ({                                   \
        word_t _v;                                            \
        __asm__ volatile("mrs %0, " #reg : "=r"(_v));         \
        _v;                                                   \
    })
#define write_sysreg(reg, v) \
        __asm__ volatile("msr " #reg ", %0" :: "r"((word_t)(v)) : "memory")

static inline void dsb_ish(void) { __asm__ volatile("dsb ish" ::: "memory"); }
static inline void dsb_ishst(void) { __asm__ volatile("dsb ishst" ::: "memory"); }
static inline void dsb_sy(void)  { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void isb(void)     { __asm__ volatile("isb" ::: "memory"); }
static inline void wfi(void)     { __asm__ volatile("wfi" ::: "memory"); }

/* MMIO accessors: single 32-bit accesses the compiler may not merge or split. */
static inline uint32_t mmio_read32(word_t addr)
{
    return *(volatile uint32_t *)addr;
}
static inline void mmio_write32(word_t addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}
#endif
