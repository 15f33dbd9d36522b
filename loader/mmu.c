/*
 * The loader's page tables and MMU switch-on, set up the way the kernel expects to find
 * them (ABI.md (h)):
 *   TTBR0: identity map, 1 GiB blocks: [0, 1 GiB) Device-nGnRnE (UART, GIC),
 *          [1 GiB, 4 GiB) Normal write-back (RAM on QEMU virt starts at 1 GiB);
 *   TTBR1: [kernel vbase, end of its 1 GiB) -> kernel pbase, 2 MiB Normal WB blocks;
 *   MAIR as in the ABI table; TCR T0SZ = T1SZ = 16, 4 KiB granules, 16-bit ASIDs.
 */
#include <keel/kernel.h>
#include <arch/machine.h>
#include "loader.h"

#define IDENTITY_RAM_GIB 3

typedef word_t pte_t;
#define TABLE ALIGNED(PAGE_SIZE) __attribute__((section(".bss.aligned")))

static pte_t ident_l0[PT_ENTRIES] TABLE;
static pte_t ident_l1[PT_ENTRIES] TABLE;
static pte_t kernel_l0[PT_ENTRIES] TABLE;
static pte_t kernel_l1[PT_ENTRIES] TABLE;
static pte_t kernel_l2[PT_ENTRIES] TABLE;

static pte_t table(const pte_t *next) { return (word_t)next | PTE_TABLE | PTE_VALID; }

static pte_t normal_block(paddr_t p)
{
    return p | PTE_VALID | PTE_BLOCK | PTE_ATTR(MAIR_IDX_NORMAL_WB) | PTE_AF | PTE_SH_INNER;
}

static void map_identity(void)
{
    ident_l0[0] = table(ident_l1);
    ident_l1[0] = 0 | PTE_VALID | PTE_BLOCK | PTE_ATTR(MAIR_IDX_DEVICE_nGnRnE) | PTE_AF |
                  PTE_UXN | PTE_PXN;
    for (word_t g = 1; g <= IDENTITY_RAM_GIB; g++)
        ident_l1[g] = normal_block(g << HUGE_PAGE_BITS);
}

/* Map [vbase rounded down to 2 MiB, end of that 1 GiB) onto pbase linearly. */
static void map_kernel(vaddr_t vbase, paddr_t pbase)
{
    vaddr_t v0 = ROUND_DOWN(vbase, LARGE_PAGE_BITS);
    paddr_t p0 = ROUND_DOWN(pbase, LARGE_PAGE_BITS);

    kernel_l0[PT_INDEX(v0, 0)] = table(kernel_l1);
    kernel_l1[PT_INDEX(v0, 1)] = table(kernel_l2);
    for (word_t i = PT_INDEX(v0, 2); i < PT_ENTRIES; i++)
        kernel_l2[i] = normal_block(p0 + ((i - PT_INDEX(v0, 2)) << LARGE_PAGE_BITS));
}

void mmu_enable(vaddr_t kernel_vbase, paddr_t kernel_pbase)
{
    map_identity();
    map_kernel(kernel_vbase, kernel_pbase);

    word_t ips = read_sysreg(id_aa64mmfr0_el1) & 0xf;
    word_t tcr = TCR_T0SZ(16) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
                 TCR_TG0_4K | TCR_T1SZ(16) | TCR_IRGN1_WBWA | TCR_ORGN1_WBWA |
                 TCR_SH1_INNER | TCR_TG1_4K | (ips << TCR_IPS_SHIFT) | TCR_AS;

    /* The tables were written with the caches off, straight to memory. */
    dsb_sy();
    write_sysreg(mair_el1, MAIR_VALUE);
    write_sysreg(tcr_el1, tcr);
    write_sysreg(ttbr0_el1, (word_t)ident_l0);
    write_sysreg(ttbr1_el1, (word_t)kernel_l0);
    isb();
    __asm__ volatile("tlbi vmalle1\n\tic iallu" ::: "memory");
    dsb_sy();
    isb();
    write_sysreg(sctlr_el1, SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_I);
    isb();
}

/* Write the data cache back to the point of unification and drop stale instructions,
 * so the code just copied is what the CPU fetches. */
void cache_sync_for_execution(word_t start, word_t end)
{
    word_t line = 4ul << ((read_sysreg(ctr_el0) >> 16) & 0xf);
    for (word_t a = start & ~(line - 1); a < end; a += line)
        __asm__ volatile("dc cvau, %0" :: "r"(a) : "memory");
    dsb_sy();
    __asm__ volatile("ic iallu" ::: "memory");
    dsb_sy();
    isb();
}
