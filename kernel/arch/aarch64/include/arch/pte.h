/*
 * AArch64 stage-1 translation table descriptors (4 KiB granule, 48-bit VA, 4 levels).
 *
 * Level 0 is the VSpace object; PageTable objects serve at levels 1..3. A level covers
 * "bits_left" address bits below it: 39 at level 0, 30 at level 1, 21 at level 2 and 12 at
 * level 3, so a translation is named by bits_left rather than by a level number (it is also
 * the value Page_Map reports in its MissingCapability lookup failure, ABI (j)).
 *
 * Descriptor kinds, by bits [1:0]:
 *   00, 10  invalid (any level)
 *   11      table at levels 0..2, 4 KiB page at level 3
 *   01      block at levels 1..2 (2 MiB, 1 GiB); reserved (invalid) at levels 0 and 3
 * Keel never writes level-0 blocks or level-3 01 entries.
 */
#pragma once

#include <keel/types.h>

typedef word_t pte_t;

/* ---- geometry ---------------------------------------------------------------------- */
#define PT_INDEX_BITS     9                     /* 512 entries per table */
#define PT_ENTRIES        BIT(PT_INDEX_BITS)
#define PT_SIZE_BITS      12                    /* every table is one 4 KiB page */
#define PT_PAGE_BITS      12                    /* bits_left at level 3 */
#define PT_TOP_BITS       (PT_PAGE_BITS + 3 * PT_INDEX_BITS)   /* 39: bits_left at level 0 */
#define PT_USER_ROOT_ENTRIES (PT_ENTRIES / 2)   /* VSpace entries 0..255 are user space */

static inline word_t pt_index(vaddr_t vaddr, word_t bits_left)
{
    return (vaddr >> bits_left) & MASK(PT_INDEX_BITS);
}

/* ---- descriptor fields ----------------------------------------------------------------- */
#define PTE_VALID          BIT(0)
#define PTE_TYPE_TABLE     BIT(1)     /* with VALID: table (levels 0..2) or page (level 3) */
#define PTE_KIND_MASK      3ull
#define PTE_KIND_TABLE     3ull       /* also the level-3 page kind */
#define PTE_KIND_BLOCK     1ull
#define PTE_ATTR_IDX_SHIFT 2          /* AttrIndx[2:0]: index into MAIR_EL1 */
#define PTE_AP_SHIFT       6          /* AP[2:1] */
#define PTE_AP_MASK        (3ull << PTE_AP_SHIFT)
#define PTE_SH_SHIFT       8          /* shareability; 0 = non-shareable (single core) */
#define PTE_AF             BIT(10)    /* access flag: set, so no access-flag faults */
#define PTE_NG             BIT(11)    /* not global: the TLB entry is tagged with the ASID */
#define PTE_ADDR_MASK      (MASK(48) & ~MASK(12))   /* output / next-table address [47:12] */
#define PTE_PXN            BIT(53)    /* privileged (EL1) execute-never */
#define PTE_UXN            BIT(54)    /* unprivileged (EL0) execute-never */

/* AP[2:1] values (stage 1, EL1 / EL0 permissions). */
#define PTE_AP_KERNEL_RW   0ull       /* EL1 RW, EL0 none */
#define PTE_AP_USER_RW     1ull       /* EL1 RW, EL0 RW */
#define PTE_AP_KERNEL_RO   2ull       /* EL1 RO, EL0 none (not used for user mappings) */
#define PTE_AP_USER_RO     3ull       /* EL1 RO, EL0 RO */

/* MAIR_EL1 indices as the loader programs them (ABI (h)); the kernel relies on them. */
#define MAIR_IDX_DEVICE_nGnRnE 0
#define MAIR_IDX_DEVICE_nGnRE  1
#define MAIR_IDX_DEVICE_GRE    2
#define MAIR_IDX_NORMAL_NC     3
#define MAIR_IDX_NORMAL        4      /* write-back, read/write allocate */
#define MAIR_IDX_NORMAL_WT     5

/* ---- queries --------------------------------------------------------------------------- */
static inline bool pte_valid(pte_t p) { return p & PTE_VALID; }
static inline paddr_t pte_address(pte_t p) { return p & PTE_ADDR_MASK; }
static inline word_t pte_ap(pte_t p) { return (p & PTE_AP_MASK) >> PTE_AP_SHIFT; }

/* A pointer to a next-level table? (Level-3 entries never are.) */
static inline bool pte_is_table(pte_t p, word_t bits_left)
{
    return bits_left > PT_PAGE_BITS && (p & PTE_KIND_MASK) == PTE_KIND_TABLE;
}

/* A page (level 3) or block (levels 1..2) mapping at this level? */
static inline bool pte_is_page(pte_t p, word_t bits_left)
{
    if (bits_left == PT_PAGE_BITS)
        return (p & PTE_KIND_MASK) == PTE_KIND_TABLE;
    return bits_left < PT_TOP_BITS && (p & PTE_KIND_MASK) == PTE_KIND_BLOCK;
}

/* ---- constructors ---------------------------------------------------------------------- */
#define PTE_INVALID 0ull

static inline pte_t pte_make_table(paddr_t table)
{
    return (table & PTE_ADDR_MASK) | PTE_KIND_TABLE;
}

/*
 * A user page/block: bits_left says which level the entry lives at (12, 21 or 30).
 * User mappings are never executable by the kernel (PXN), always ASID-tagged (nG) and
 * pre-accessed (AF); normal memory is non-shareable because Keel runs on one core.
 */
static inline pte_t pte_make_user_page(paddr_t frame, word_t bits_left, word_t ap,
                                       word_t mair_idx, bool execute_never)
{
    pte_t p = (frame & PTE_ADDR_MASK) | PTE_AF | PTE_NG | PTE_PXN |
              (ap << PTE_AP_SHIFT) | ((word_t)mair_idx << PTE_ATTR_IDX_SHIFT);
    p |= bits_left == PT_PAGE_BITS ? PTE_KIND_TABLE : PTE_KIND_BLOCK;
    if (execute_never)
        p |= PTE_UXN;
    return p;
}
