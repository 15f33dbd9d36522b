/*
 * The AArch64 part of the invariant checker (model/invariants.c calls it last, once the
 * caps are known): what the MMU can reach must be owned by caps.
 *
 * The MMU reaches memory from the ASID table: ASID pool -> VSpace -> page tables ->
 * frames. Each of those must have a live cap that records exactly that place (the pool
 * cap its ASID range, the VSpace cap its ASID, a page table or frame cap its ASID and
 * virtual address), because the caps are the only record the kernel uses to undo a
 * mapping when an object is deleted; a table or frame reachable without such a cap would
 * stay reachable after its memory is handed out again. A cap whose record has gone stale
 * (its table was unmapped) is harmless and not reported.
 */
#include <keel/invariants.h>
#include <keel/cap.h>
#include <keel/kernel.h>
#include <arch/memory.h>
#include "mmu.h"

#if KEEL_DEBUG

static word_t mapping_word(word_t asid, vaddr_t vaddr)
{
    return (asid << 48) | (vaddr & MASK(48));
}

/* Every valid entry of 'table' (covering 2^(bits + 9) bytes from 'base' in asid). */
static status_t check_table(const pte_t *table, word_t asid, vaddr_t base, word_t bits)
{
    for (word_t i = 0; i < PT_ENTRIES; i++) {
        pte_t e = table[i];
        vaddr_t v = base + (i << bits);
        status_t st;

        if (!pte_valid(e))
            continue;
        if (bits == PT_TOP_BITS && i >= PT_USER_ROOT_ENTRIES)
            return invariants_violation("a VSpace maps the kernel's half of the address space "
                                        "(asid, entry)", asid, i);
        if (pte_is_table(e, bits)) {
            paddr_t pt = pte_address(e);
            if (!invariants_cap_exists(cap_page_table_cap, pt, seL4_PageTableBits, true,
                                       mapping_word(asid, v)))
                return invariants_violation("page table reachable from a VSpace has no cap "
                                            "mapped there (asid, vaddr)", asid, v);
            if (!invariants_first_visit(pt))
                return invariants_violation("page table reachable twice (asid, vaddr)", asid, v);
            st = check_table(pptr_of(pt), asid, v, bits - PT_INDEX_BITS);
            if (st != OK)
                return st;
        } else if (pte_is_page(e, bits)) {
            if (!invariants_cap_exists(cap_frame_cap, pte_address(e), bits, true,
                                       mapping_word(asid, v)))
                return invariants_violation("frame mapped without a frame cap recording the "
                                            "mapping (asid, vaddr)", asid, v);
            if (!(e & PTE_PXN) || !(e & PTE_NG) || pte_ap(e) == PTE_AP_KERNEL_RO)
                return invariants_violation("user mapping is kernel-executable, global or "
                                            "kernel read-only (asid, vaddr)", asid, v);
        } else {
            return invariants_violation("reserved descriptor in a user page table (asid, vaddr)",
                                        asid, v);
        }
    }
    return OK;
}

status_t arch_check_invariants(void)
{
    for (word_t p = 0; p < NUM_ASID_POOLS; p++) {
        asid_pool_t *pool = asid_debug_pool(p);
        word_t base = p << ASID_LOW_BITS;

        if (!pool)
            continue;
        if (!invariants_cap_exists(cap_asid_pool_cap, paddr_of(pool), seL4_ASIDPoolBits, false, base))
            return invariants_violation("ASID table holds a pool without a live ASID pool cap "
                                        "(pool index, address)", p, paddr_of(pool));
        for (word_t i = 0; i < ASIDS_PER_POOL; i++) {
            pte_t *vspace = pool->vspace[i];
            word_t asid = base + i;
            status_t st;

            if (!vspace)
                continue;
            if (asid == 0)
                return invariants_violation("ASID 0 is assigned", 0, paddr_of(vspace));
            if (!invariants_cap_exists(cap_vspace_cap, paddr_of(vspace), seL4_VSpaceBits, true,
                                       mapping_word(asid, 0)))
                return invariants_violation("ASID assigned to a VSpace that has no cap with that "
                                            "ASID (asid, vspace)", asid, paddr_of(vspace));
            if (!invariants_first_visit(paddr_of(vspace)))
                return invariants_violation("VSpace reachable through two ASIDs (asid, vspace)",
                                            asid, paddr_of(vspace));
            st = check_table(vspace, asid, 0, PT_TOP_BITS);
            if (st != OK)
                return st;
        }
    }
    return OK;
}

#endif /* KEEL_DEBUG */
