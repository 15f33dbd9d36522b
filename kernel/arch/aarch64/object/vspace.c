/*
 * Address spaces on AArch64: VSpaces (level-0 tables), PageTables (levels 1..3), the
 * address-space cap hooks of the object lifecycle, activation on context switch, and the
 * construction of the root task's address space at boot. Frames are in frame.c, ASIDs in
 * asid.c.
 *
 * Caps are the only record of what is mapped where (there is no shadow table): a
 * PageTable cap remembers the ASID and the vaddr it covers, and every unmap re-walks the
 * tables from the ASID to check that the entry still points at the object before clearing
 * it. Stale records are therefore harmless.
 */
#include <keel/abi_gen.h>
#include <keel/arch_api.h>
#include <keel/cap.h>
#include <keel/cnode.h>
#include <keel/kernel.h>
#include <keel/state.h>
#include <keel/tcb.h>
#include <keel/vspace.h>
#include <arch/memory.h>
#include "mmu.h"

STATIC_ASSERT(PT_TOP_BITS + PT_INDEX_BITS == 48, "4 levels of 9 bits above a 4 KiB page");
STATIC_ASSERT(BIT(PT_TOP_BITS) * PT_USER_ROOT_ENTRIES - 1 == seL4_UserTop,
              "user space is the lower half of the VSpace");
STATIC_ASSERT(seL4_PageTableBits == PT_SIZE_BITS && seL4_VSpaceBits == PT_SIZE_BITS,
              "tables are one page");

/* ---- walking and writing tables ---------------------------------------------------------- */

static pte_t *table_of_entry(pte_t entry) { return pptr_of(pte_address(entry)); }

pt_slot_t pt_lookup_slot(pte_t *root, vaddr_t vaddr)
{
    pt_slot_t s = { &root[pt_index(vaddr, PT_TOP_BITS)], PT_TOP_BITS };

    while (pte_is_table(*s.slot, s.bits_left)) {
        s.bits_left -= PT_INDEX_BITS;
        s.slot = &table_of_entry(*s.slot)[pt_index(vaddr, s.bits_left)];
    }
    return s;
}

void pte_store(pte_t *slot, pte_t value)
{
    *slot = value;
    /* The Cortex-A53 walker reads through the cache, but the helper also provides the
     * barrier that orders the write before later TLB maintenance and user accesses. */
    arch_clean_to_pou(slot, sizeof(*slot));
}

/* Clear a whole table (Unmap hands it back empty, as seL4 does). */
static void table_clear(pte_t *table)
{
    memset(table, 0, BIT(PT_SIZE_BITS));
    arch_clean_to_pou(table, BIT(PT_SIZE_BITS));
}

/* Unlink 'table' from the VSpace of asid if it is still the table covering vaddr. */
static void unmap_page_table(word_t asid, vaddr_t vaddr, pte_t *table)
{
    pte_t *pt = asid_find_vspace(asid);
    pte_t *slot = NULL;

    for (word_t bits = PT_TOP_BITS; pt && pt != table && bits > PT_PAGE_BITS; bits -= PT_INDEX_BITS) {
        slot = &pt[pt_index(vaddr, bits)];
        pt = pte_is_table(*slot, bits) ? table_of_entry(*slot) : NULL;
    }
    if (pt != table || !slot)
        return;                      /* not (or no longer) reachable there */
    pte_store(slot, PTE_INVALID);
    arch_tlb_flush_asid(asid);       /* drops every translation made through the table */
}

/* ---- VSpace caps --------------------------------------------------------------------------- */

bool vspace_cap_has_asid(cap_t cap)
{
    return cap_type(cap) == cap_vspace_cap && cap_is_mapped(cap);
}

status_t vspace_root_of_cap(cap_t cap, word_t cap_index, pte_t **root)
{
    pte_t *found = asid_find_vspace(cap_mapped_asid(cap));
    if (!found) {
        lookup_fail_invalid_root();
        return fail_lookup(false, "the VSpace's ASID has been released");
    }
    if (found != cap_ptr(cap))
        return fail_invalid_cap(cap_index, "the VSpace cap's ASID belongs to another VSpace");
    *root = found;
    return OK;
}

void vspace_activate(tcb_t *t)
{
    cap_t cap = tcb_slot(t, TCB_VTABLE)->cap;

    if (vspace_cap_has_asid(cap) && asid_find_vspace(cap_mapped_asid(cap)) == cap_ptr(cap))
        arch_set_user_vspace(cap_paddr(cap), cap_mapped_asid(cap));
    else
        arch_set_no_user_vspace();
}

/* ---- PageTable_Map / PageTable_Unmap ---------------------------------------------------------- */

static status_t decode_page_table_map(invocation_t *inv)
{
    if (inv->length < 2 || inv->extra_count < 1)
        return fail_truncated("PageTable_Map: needs vaddr, attributes and a VSpace cap");
    if (cap_is_mapped(inv->cap))
        return fail_invalid_cap(0, "PageTable_Map: the table is already mapped");
    vaddr_t vaddr = inv_mr(inv, 0);     /* MR1 (attributes) is ignored, as in seL4 */
    cap_t vspace = inv->extra[0].cap;

    if (!vspace_cap_has_asid(vspace))
        return fail_invalid_cap(1, "PageTable_Map: extra cap 0 must be a VSpace cap with an ASID");
    if (vaddr > seL4_UserTop)
        return fail_invalid_arg(0, "PageTable_Map: vaddr is above seL4_UserTop");
    pte_t *root = NULL;
    status_t s = vspace_root_of_cap(vspace, 1, &root);
    if (s != OK)
        return s;

    pt_slot_t slot = pt_lookup_slot(root, vaddr);
    if (slot.bits_left == PT_PAGE_BITS || pte_valid(*slot.slot))
        return fail_delete_first("PageTable_Map: vaddr already has all its tables or a frame");

    /* The cap records the region the table now translates. */
    inv->slot->cap = cap_set_mapping(inv->cap, cap_mapped_asid(vspace),
                                     ROUND_DOWN(vaddr, slot.bits_left));
    pte_store(slot.slot, pte_make_table(cap_paddr(inv->cap)));
    return OK;
}

static status_t decode_page_table_unmap(invocation_t *inv)
{
    cap_t cap = inv->cap;
    if (!is_final_cap(inv->slot))
        return fail_revoke_first("PageTable_Unmap: other caps to this table exist");

    if (cap_is_mapped(cap)) {
        pte_t *table = cap_ptr(cap);
        unmap_page_table(cap_mapped_asid(cap), cap_mapped_vaddr(cap), table);
        /* The table comes back empty: whatever was mapped through it is gone (the frame
         * caps' records go stale and their Unmap does nothing). */
        table_clear(table);
    }
    inv->slot->cap = cap_clear_mapping(cap);
    return OK;
}

static status_t decode_page_table_invocation(invocation_t *inv)
{
    switch (inv->label) {
    case ARMPageTableMap:   return decode_page_table_map(inv);
    case ARMPageTableUnmap: return decode_page_table_unmap(inv);
    default:                return fail_illegal("PageTable: unknown method");
    }
}

/* ---- VSpace_{Clean,Invalidate,CleanInvalidate}_Data, VSpace_Unify_Instruction ----------------- */

static status_t decode_vspace_flush(invocation_t *inv)
{
    if (inv->length < 2)
        return fail_truncated("VSpace flush: needs start and end addresses");
    vaddr_t start = inv_mr(inv, 0);
    vaddr_t end = inv_mr(inv, 1);
    if (end <= start)
        return fail_invalid_arg(1, "VSpace flush: end must be above start");
    if (end > seL4_UserTop)
        return fail_illegal("VSpace flush: range reaches above seL4_UserTop");
    if (!vspace_cap_has_asid(inv->cap))
        return fail_invalid_cap(0, "VSpace flush: the VSpace has no ASID");
    pte_t *root = NULL;
    status_t s = vspace_root_of_cap(inv->cap, 0, &root);
    if (s != OK)
        return s;

    pt_slot_t slot = pt_lookup_slot(root, start);
    pte_t entry = *slot.slot;
    word_t bits = slot.bits_left;
    if (!pte_is_page(entry, bits))
        return OK;     /* nothing mapped, so nothing of this VSpace can be cached there */
    if (ROUND_DOWN(start, bits) != ROUND_DOWN(end - 1, bits))
        return fail_range(start, ROUND_DOWN(start, bits) + MASK(bits),
                          "VSpace flush: range crosses a page boundary");
    if (inv->label == ARMVSpaceInvalidate_Data && pte_vm_rights(entry) != VM_READ_WRITE)
        return fail_illegal("VSpace_Invalidate_Data: the mapping is not writable");

    cache_maintenance(inv->label, pte_address(entry) + (start & MASK(bits)), end - start);
    return OK;
}

static status_t decode_vspace_invocation(invocation_t *inv)
{
    switch (inv->label) {
    case ARMVSpaceClean_Data:
    case ARMVSpaceInvalidate_Data:
    case ARMVSpaceCleanInvalidate_Data:
    case ARMVSpaceUnify_Instruction:
        return decode_vspace_flush(inv);
    default:
        return fail_illegal("VSpace: unknown method");
    }
}

/* ---- invocation dispatch ---------------------------------------------------------------------- */

status_t arch_decode_invocation(invocation_t *inv)
{
    switch (cap_type(inv->cap)) {
    case cap_frame_cap:        return decode_frame_invocation(inv);
    case cap_page_table_cap:   return decode_page_table_invocation(inv);
    case cap_vspace_cap:       return decode_vspace_invocation(inv);
    case cap_asid_control_cap: return decode_asid_control_invocation(inv);
    case cap_asid_pool_cap:    return decode_asid_pool_invocation(inv);
    case cap_sgi_signal_cap:   return fail_illegal("SGI signal caps are not implemented yet");
    default:                   return fail_illegal("not an address-space capability");
    }
}

/* ---- object lifecycle hooks ------------------------------------------------------------------- */

/*
 * A new frame from RAM was zeroed through the kernel's cacheable window; push the zeroes
 * out to memory so that an uncached user mapping does not see what was there before.
 */
static cap_t new_frame(paddr_t paddr, word_t size, bool device)
{
    if (!device) {
        word_t start = (word_t)pptr_of(paddr);
        arch_dcache_clean(start, start + BIT(frame_size_bits(size)));
    }
    return frame_cap_new(paddr, size, VM_READ_WRITE, device);
}

cap_t arch_create_object(word_t type, paddr_t paddr, bool device)
{
    switch (type) {
    case seL4_ARM_SmallPageObject: return new_frame(paddr, FRAME_4K, device);
    case seL4_ARM_LargePageObject: return new_frame(paddr, FRAME_2M, device);
    case seL4_ARM_HugePageObject:  return new_frame(paddr, FRAME_1G, device);
    case seL4_ARM_PageTableObject:
    case seL4_ARM_VSpaceObject:
        /* Zeroed memory is an empty table; make the zeroes visible to the walker. */
        arch_clean_to_pou(pptr_of(paddr), BIT(PT_SIZE_BITS));
        return type == seL4_ARM_VSpaceObject ? vspace_cap_new(paddr) : page_table_cap_new(paddr);
    default:
        panic("arch_create_object: type %lu is not an AArch64 object", (unsigned long)type);
    }
}

cap_t arch_finalise_cap(cap_t cap, bool final)
{
    switch (cap_type(cap)) {
    case cap_frame_cap:
        /* Every frame cap owns its own mapping, final or not. */
        if (cap_is_mapped(cap))
            unmap_page(frame_size(cap), cap_mapped_asid(cap), cap_mapped_vaddr(cap), cap_paddr(cap));
        break;
    case cap_page_table_cap:
        if (final && cap_is_mapped(cap))
            unmap_page_table(cap_mapped_asid(cap), cap_mapped_vaddr(cap), cap_ptr(cap));
        break;
    case cap_vspace_cap:
        if (final && cap_is_mapped(cap))
            asid_delete(cap_mapped_asid(cap), cap_ptr(cap));
        break;
    case cap_asid_pool_cap:
        if (final)
            asid_pool_delete(asid_pool_base(cap), cap_ptr(cap));
        break;
    default:
        break;
    }
    return cap_null();
}

/* ---- boot: the root task's address space (ABI (g)) ------------------------------------------- */

cap_t vspace_boot_init(paddr_t vspace_root, paddr_t asid_pool, word_t asid, cap_t *pool_cap)
{
    pte_t *root = pptr_of(vspace_root);
    asid_pool_t *pool = pptr_of(asid_pool);

    table_clear(root);
    memset(pool, 0, sizeof(*pool));
    asid_boot_install(pool, asid, root);
    *pool_cap = asid_pool_cap_new(asid_pool, ROUND_DOWN(asid, ASID_LOW_BITS));
    return cap_set_mapping(vspace_cap_new(vspace_root), asid, 0);
}

bool vspace_boot_needs_table(cap_t vspace, vaddr_t vaddr)
{
    return pt_lookup_slot(cap_ptr(vspace), vaddr).bits_left > PT_PAGE_BITS;
}

cap_t vspace_boot_map_table(cap_t vspace, paddr_t table, vaddr_t vaddr)
{
    pt_slot_t slot = pt_lookup_slot(cap_ptr(vspace), vaddr);
    kassert(slot.bits_left > PT_PAGE_BITS && !pte_valid(*slot.slot));
    kassert(vaddr <= seL4_UserTop);

    table_clear(pptr_of(table));
    pte_store(slot.slot, pte_make_table(table));
    return cap_set_mapping(page_table_cap_new(table), cap_mapped_asid(vspace),
                           ROUND_DOWN(vaddr, slot.bits_left));
}

cap_t vspace_boot_map_frame(cap_t vspace, paddr_t frame, vaddr_t vaddr, bool executable)
{
    pt_slot_t slot = pt_lookup_slot(cap_ptr(vspace), vaddr);
    kassert(slot.bits_left == PT_PAGE_BITS && !pte_valid(*slot.slot));

    pte_store(slot.slot, pte_make_user_page(frame, PT_PAGE_BITS, PTE_AP_USER_RW, MAIR_IDX_NORMAL_WB,
                                            !executable));
    return cap_set_mapping(frame_cap_new(frame, FRAME_4K, VM_READ_WRITE, false),
                           cap_mapped_asid(vspace), vaddr);
}
