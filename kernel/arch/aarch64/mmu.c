/*
 * The kernel's address space and the MMU operations the core asks for.
 *
 * TTBR1 (kernel half), built once at boot in .bss:
 *   - the physical-memory window: PPTR_BASE + paddr for every RAM region of the DTB,
 *     2 MiB blocks, Normal write-back (MAIR idx 4), kernel-only, never user-executable;
 *     only the blocks holding the kernel image are kernel-executable;
 *   - one page table at KDEV_BASE with the UART and the GIC (Device-nGnRnE, XN).
 * TTBR0 (user half) points at an all-invalid table until the core installs a VSpace,
 * so stray user addresses fault.
 */
#include <keel/kernel.h>
#include <keel/arch_api.h>
#include <arch/machine.h>
#include <arch/traps.h>
#include <plat/platform.h>

/* Enough level-2 tables for 16 GiB-aligned slots of the window that hold RAM. */
#define WINDOW_L2_TABLES 16

typedef word_t pte_t;
#define TABLE ALIGNED(PAGE_SIZE) __attribute__((section(".bss.aligned")))

static pte_t kernel_l0[PT_ENTRIES] TABLE;           /* TTBR1 root */
static pte_t kernel_l1[PT_ENTRIES] TABLE;           /* covers the top 512 GiB */
static pte_t window_l2[WINDOW_L2_TABLES][PT_ENTRIES] TABLE;
static pte_t device_l2[PT_ENTRIES] TABLE;           /* the last 1 GiB */
static pte_t device_l3[PT_ENTRIES] TABLE;           /* the 2 MiB at KDEV_BASE */
static pte_t empty_user_l0[PT_ENTRIES] TABLE;       /* TTBR0 when no VSpace is set */
static unsigned window_l2_used;

static pte_t table_entry(const pte_t *next)
{
    return paddr_of(next) | PTE_TABLE | PTE_VALID;
}

/* Level-2 table for the 1 GiB of the window at L1 index 'i', allocated on first use. */
static pte_t *window_table(word_t i)
{
    if (kernel_l1[i] == 0) {
        if (window_l2_used == WINDOW_L2_TABLES)
            return NULL;
        kernel_l1[i] = table_entry(window_l2[window_l2_used++]);
    }
    return pptr_of(kernel_l1[i] & PTE_ADDR_MASK);
}

/* Does the 2 MiB block at 'paddr' overlap the kernel image? */
static bool block_holds_kernel(paddr_t paddr)
{
    paddr_t k_start = paddr_of(ki_start), k_end = paddr_of(ki_end);
    return paddr < k_end && paddr + BIT(LARGE_PAGE_BITS) > k_start;
}

/* Map the 2 MiB blocks covering [start, end) into the window. Returns the end of what
 * could be mapped (less than 'end' only if we ran out of level-2 tables). */
static paddr_t map_window_region(paddr_t start, paddr_t end)
{
    for (paddr_t p = ROUND_DOWN(start, LARGE_PAGE_BITS); p < end; p += BIT(LARGE_PAGE_BITS)) {
        vaddr_t v = PPTR_BASE + p;
        pte_t *l2 = window_table(PT_INDEX(v, 1));
        if (l2 == NULL)
            return MAX(p, start);
        pte_t attrs = PTE_VALID | PTE_BLOCK | PTE_ATTR(MAIR_IDX_NORMAL_WB) | PTE_AP_EL1_RW |
                      PTE_AF | PTE_UXN;
        if (!block_holds_kernel(p))
            attrs |= PTE_PXN;
        l2[PT_INDEX(v, 2)] = p | attrs;
    }
    return end;
}

static void map_device_page(word_t vaddr, paddr_t paddr)
{
    device_l3[PT_INDEX(vaddr, 3)] = paddr | PTE_VALID | PTE_PAGE |
                                    PTE_ATTR(MAIR_IDX_DEVICE_nGnRnE) | PTE_AP_EL1_RW |
                                    PTE_AF | PTE_UXN | PTE_PXN;
}

/*
 * Build the kernel tables for the RAM regions in args (clipping regions we cannot map)
 * and switch to them. Runs before the console works: it must not print.
 */
void arch_map_kernel(boot_args_t *args)
{
    kernel_l0[PT_INDEX(PPTR_BASE, 0)] = table_entry(kernel_l1);
    for (word_t i = 0; i < args->num_ram; i++) {
        mem_region_t *r = &args->ram[i];
        r->end = map_window_region(r->start, r->end);
    }

    kernel_l1[PT_INDEX(KDEV_BASE, 1)] = table_entry(device_l2);
    device_l2[PT_INDEX(KDEV_BASE, 2)] = table_entry(device_l3);
    map_device_page(PL011_VADDR, PL011_PADDR);
    map_device_page(GICD_VADDR, GICD_PADDR);
    map_device_page(GICC_VADDR, GICC_PADDR);

    word_t ips = read_sysreg(id_aa64mmfr0_el1) & 0xf;
    word_t tcr = TCR_T0SZ(16) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
                 TCR_TG0_4K | TCR_T1SZ(16) | TCR_IRGN1_WBWA | TCR_ORGN1_WBWA |
                 TCR_SH1_INNER | TCR_TG1_4K | (ips << TCR_IPS_SHIFT) | TCR_AS;

    dsb_ishst();                            /* tables written before the walker looks */
    write_sysreg(mair_el1, MAIR_VALUE);     /* the loader's value; set again to be sure */
    write_sysreg(tcr_el1, tcr);
    write_sysreg(ttbr1_el1, paddr_of(kernel_l0));
    write_sysreg(ttbr0_el1, paddr_of(empty_user_l0));
    isb();
    arch_tlb_flush_all();
}

/* ---- User address spaces ---------------------------------------------------------- */

void arch_set_user_vspace(paddr_t root_table, word_t asid)
{
    write_sysreg(ttbr0_el1, root_table | (asid << 48));
    isb();
}

void arch_set_no_user_vspace(void)
{
    write_sysreg(ttbr0_el1, paddr_of(empty_user_l0));
    isb();
}

/* ---- TLB (single core: local, non-broadcast invalidation) ---------------------------- */

void arch_tlb_flush_asid(word_t asid)
{
    dsb_ishst();
    __asm__ volatile("tlbi aside1, %0" :: "r"(asid << 48) : "memory");
    dsb_ish();
    isb();
}

void arch_tlb_flush_page(word_t asid, vaddr_t vaddr)
{
    word_t arg = (asid << 48) | ((vaddr >> PAGE_BITS) & MASK(44));
    dsb_ishst();
    __asm__ volatile("tlbi vae1, %0" :: "r"(arg) : "memory");
    dsb_ish();
    isb();
}

void arch_tlb_flush_all(void)
{
    dsb_ishst();
    __asm__ volatile("tlbi vmalle1" ::: "memory");
    dsb_ish();
    isb();
}

/* ---- Caches. Ranges are kernel virtual addresses [start, end): end is exclusive. ---- */

static word_t dcache_line_size(void)
{
    return 4ul << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

static word_t icache_line_size(void)
{
    return 4ul << (read_sysreg(ctr_el0) & 0xf);
}

#define FOR_EACH_LINE(addr, start, end, line) \
    for (word_t addr = (start) & ~((line) - 1); addr < (end); addr += (line))

void arch_clean_to_pou(void *start, word_t bytes)
{
    word_t line = dcache_line_size(), s = (word_t)start;
    FOR_EACH_LINE(a, s, s + bytes, line)
        __asm__ volatile("dc cvau, %0" :: "r"(a) : "memory");
    dsb_ish();
}

void arch_dcache_clean(word_t start, word_t end)
{
    word_t line = dcache_line_size();
    FOR_EACH_LINE(a, start, end, line)
        __asm__ volatile("dc cvac, %0" :: "r"(a) : "memory");
    dsb_sy();
}

/* Lines only partly inside the range are invalidated whole: callers pass line-aligned
 * ranges (or accept losing the neighbouring bytes, as the ABI's Invalidate_Data does). */
void arch_dcache_invalidate(word_t start, word_t end)
{
    word_t line = dcache_line_size();
    FOR_EACH_LINE(a, start, end, line)
        __asm__ volatile("dc ivac, %0" :: "r"(a) : "memory");
    dsb_sy();
}

void arch_dcache_clean_invalidate(word_t start, word_t end)
{
    word_t line = dcache_line_size();
    FOR_EACH_LINE(a, start, end, line)
        __asm__ volatile("dc civac, %0" :: "r"(a) : "memory");
    dsb_sy();
}

void arch_icache_unify(word_t start, word_t end)
{
    word_t dline = dcache_line_size(), iline = icache_line_size();
    FOR_EACH_LINE(a, start, end, dline)
        __asm__ volatile("dc cvau, %0" :: "r"(a) : "memory");
    dsb_ish();
    FOR_EACH_LINE(a, start, end, iline)
        __asm__ volatile("ic ivau, %0" :: "r"(a) : "memory");
    dsb_ish();
    isb();
}
