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
#include <arch/machine.h>   /* raw descriptor bits (PTE_VALID, PTE_AF, ...), MAIR indices */

typedef word_t pte_t;

/* ---- geometry ---------------------------------------------------------------------- */
#define PT_INDEX_BITS     9                     /* 512 entries per table */
#define PT_SIZE_BITS      12                    /* every table is one 4 KiB page */
#define PT_PAGE_BITS      12                    /* bits_left at level 3 */
#define PT_TOP_BITS       (PT_PAGE_BITS + 3 * PT_INDEX_BITS)   /* 39: bits_left at level 0 */
#define PT_USER_ROOT_ENTRIES (PT_ENTRIES / 2)   /* VSpace entries 0..255 are user space */

static inline word_t pt_index(vaddr_t vaddr, word_t bits_left)
{
    return (vaddr >> bits_left) & MASK(PT_INDEX_BITS);
}

/* ---- descriptor fields (beyond the raw bits in <arch/machine.h>) ----------------------- */
#define PTE_KIND_MASK      3ull
#define PTE_KIND_TABLE     3ull       /* valid + table: a table (levels 0..2) or a page (level 3) */
#define PTE_KIND_BLOCK     1ull       /* valid + block: a block (levels 1..2) */
#define PTE_ATTR_IDX_SHIFT 2          /* AttrIndx[2:0]: index into MAIR_EL1 */
#define PTE_AP_SHIFT       6          /* AP[2:1] */
#define PTE_AP_MASK        (3ull << PTE_AP_SHIFT)

/* AP[2:1] values, unshifted (stage 1, EL1 / EL0 permissions). */
#define PTE_AP_KERNEL_RW   0ull       /* EL1 RW, EL0 none */
#define PTE_AP_USER_RW     1ull       /* EL1 RW, EL0 RW */
#define PTE_AP_KERNEL_RO   2ull       /* EL1 RO, EL0 none (not used for user mappings) */
#define PTE_AP_USER_RO     3ull       /* EL1 RO, EL0 RO */

STATIC_ASSERT(PT_ENTRIES == BIT(PT_INDEX_BITS), "512 entries per table");
STATIC_ASSERT(PTE_ADDR_MASK == (MASK(48) & ~MASK(12)), "output address is bits [47:12]");
STATIC_ASSERT(MAIR_IDX_NORMAL_WB == 4 && MAIR_IDX_DEVICE_nGnRnE == 0, "ABI (h) MAIR indices");

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
