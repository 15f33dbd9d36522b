/*
 * Frames (seL4_ARM_Page): mapping, unmapping, cache maintenance and GetAddress.
 *
 * A frame cap records at most one mapping (ASID + vaddr); a copy of a frame cap starts
 * unmapped, so the same frame is shared by mapping several caps. Unmapping only clears the
 * entry if it still maps this frame: the entry may have been replaced or its table
 * unmapped since, and then the cap's mapping record is merely stale.
 */
#include <keel/abi_gen.h>
#include <keel/arch_api.h>
#include <keel/cap.h>
#include <keel/kernel.h>
#include <keel/vspace.h>
#include <arch/memory.h>
#include "mmu.h"

/* ---- rights and attributes (ABI (j)) -------------------------------------------------------- */

static word_t ap_of_vm_rights(word_t vm_rights)
{
    switch (vm_rights) {
    case VM_READ_WRITE: return PTE_AP_USER_RW;
    case VM_READ_ONLY:  return PTE_AP_USER_RO;
    default:            return PTE_AP_KERNEL_RW;
    }
}

word_t pte_vm_rights(pte_t pte)
{
    switch (pte_ap(pte)) {
    case PTE_AP_USER_RW: return VM_READ_WRITE;
    case PTE_AP_USER_RO: return VM_READ_ONLY;
    default:             return VM_KERNEL_ONLY;
    }
}

/* The descriptor for a user mapping of 'frame' (seL4_ARM_VMAttributes in attr). As in
 * seL4, the Cacheable bit alone chooses the memory type, for device frames too. */
static pte_t make_user_pte(paddr_t frame, word_t size_bits, word_t vm_rights, word_t attr)
{
    word_t mair = (attr & seL4_ARM_PageCacheable) ? MAIR_IDX_NORMAL_WB : MAIR_IDX_DEVICE_nGnRnE;
    return pte_make_user_page(frame, size_bits, ap_of_vm_rights(vm_rights), mair,
                              attr & seL4_ARM_ExecuteNever);
}

/* ---- unmapping ----------------------------------------------------------------------------- */

void unmap_page(word_t frame_size, word_t asid, vaddr_t vaddr, paddr_t frame)
{
    pte_t *root = asid_find_vspace(asid);
    if (!root)
        return;
    pt_slot_t s = pt_lookup_slot(root, vaddr);
    if (s.bits_left != frame_size_bits(frame_size))
        return;                      /* the table that held the mapping is gone */
    if (!pte_is_page(*s.slot, s.bits_left) || pte_address(*s.slot) != frame)
        return;                      /* the entry now maps something else (or nothing) */
    pte_store(s.slot, PTE_INVALID);
    arch_tlb_flush_page(asid, vaddr);
}

/* ---- cache maintenance --------------------------------------------------------------------- */

/*
 * The kernel does the maintenance through its own window onto physical memory rather than
 * through the user mapping: the data cache is physically indexed, so the effect is the
 * same, and there is no need to switch address spaces. Frames beyond the window (device
 * memory above PADDR_TOP) have no kernel alias; their user mappings are device memory in
 * practice, so there is nothing to maintain.
 */
void cache_maintenance(word_t label, paddr_t pstart, word_t bytes)
{
    if (bytes == 0 || pstart >= PADDR_TOP || PADDR_TOP - pstart < bytes)
        return;
    word_t start = (word_t)pptr_of(pstart);
    word_t end = start + bytes;       /* exclusive */

    switch (label) {
    case ARMPageClean_Data:
    case ARMVSpaceClean_Data:
        arch_dcache_clean(start, end);
        break;
    case ARMPageInvalidate_Data:
    case ARMVSpaceInvalidate_Data:
        /* DC IVAC works on whole lines: write back the (at most two) lines the range
         * only partly covers first, so that bytes outside [start, end) keep their
         * dirty data, as in seL4. */
        arch_dcache_clean(start, start + 1);
        arch_dcache_clean(end - 1, end);
        arch_dcache_invalidate(start, end);
        break;
    case ARMPageCleanInvalidate_Data:
    case ARMVSpaceCleanInvalidate_Data:
        arch_dcache_clean_invalidate(start, end);
        break;
    case ARMPageUnify_Instruction:
    case ARMVSpaceUnify_Instruction:
        arch_icache_unify(start, end);
        break;
    default:
        UNREACHABLE();
    }
}

/* ---- Page_Map ----------------------------------------------------------------------------- */

/* Checks on the frame cap's existing mapping (a remap must name the same place). */
static status_t check_remap(cap_t frame, word_t asid, vaddr_t vaddr, word_t size_bits)
{
    if (cap_is_mapped(frame)) {
        if (cap_mapped_asid(frame) != asid)
            return fail_invalid_cap(1, "Page_Map: frame cap is mapped in another VSpace");
        if (cap_mapped_vaddr(frame) != vaddr)
            return fail_invalid_arg(0, "Page_Map: frame cap is mapped at another address");
        return OK;
    }
    if (vaddr + MASK(size_bits) > seL4_UserTop)
        return fail_invalid_arg(0, "Page_Map: mapping would extend beyond seL4_UserTop");
    return OK;
}

static void perform_page_map(invocation_t *inv, word_t asid, vaddr_t vaddr, pte_t *slot, pte_t pte)
{
    bool replaced = pte_valid(*slot);   /* remap, or another frame's entry */

    inv->slot->cap = cap_set_mapping(inv->cap, asid, vaddr);
    pte_store(slot, pte);
    if (replaced)
        arch_tlb_flush_page(asid, vaddr);
}

static status_t decode_page_map(invocation_t *inv)
{
    if (inv->length < 3 || inv->extra_count < 1)
        return fail_truncated("Page_Map: needs vaddr, rights, attributes and a VSpace cap");
    cap_t frame = inv->cap;
    vaddr_t vaddr = inv_mr(inv, 0);
    word_t vm_rights = mask_vm_rights(frame_vm_rights(frame), inv_mr(inv, 1));
    word_t attr = inv_mr(inv, 2);
    cap_t vspace = inv->extra[0].cap;
    word_t size_bits = frame_size_bits(frame_size(frame));

    if (!vspace_cap_has_asid(vspace))
        return fail_invalid_cap(1, "Page_Map: extra cap 0 must be a VSpace cap with an ASID");
    pte_t *root = NULL;
    status_t s = vspace_root_of_cap(vspace, 1, &root);
    if (s != OK)
        return s;
    if (!IS_ALIGNED(vaddr, size_bits))
        return fail_alignment("Page_Map: vaddr is not aligned to the frame size");
    word_t asid = cap_mapped_asid(vspace);
    s = check_remap(frame, asid, vaddr, size_bits);
    if (s != OK)
        return s;

    pt_slot_t slot = pt_lookup_slot(root, vaddr);
    if (slot.bits_left != size_bits) {
        lookup_fail_missing_cap(slot.bits_left);
        return fail_lookup(false, slot.bits_left > size_bits
                                      ? "Page_Map: a page table is missing for vaddr"
                                      : "Page_Map: vaddr is covered by smaller page tables");
    }

    perform_page_map(inv, asid, vaddr, slot.slot,
                     make_user_pte(cap_paddr(frame), size_bits, vm_rights, attr));
    return OK;
}

/* ---- Page_Unmap, Page_GetAddress ----------------------------------------------------------- */

static status_t perform_page_unmap(invocation_t *inv)
{
    cap_t frame = inv->cap;
    if (cap_is_mapped(frame))
        unmap_page(frame_size(frame), cap_mapped_asid(frame), cap_mapped_vaddr(frame),
                   cap_paddr(frame));
    inv->slot->cap = cap_clear_mapping(inv->slot->cap);
    return OK;
}

static status_t perform_get_address(invocation_t *inv)
{
    if (inv->call)      /* the reply registers are only written for a Call */
        inv_reply_mr(inv, 0, cap_paddr(inv->cap));
    return OK;
}

/* ---- Page_{Clean,Invalidate,CleanInvalidate}_Data, Page_Unify_Instruction ------------------ */

/* The frame cap's mapping must still be the one in the page tables. */
static status_t check_mapping_current(cap_t frame, pte_t *root, pte_t *entry)
{
    pt_slot_t s = pt_lookup_slot(root, cap_mapped_vaddr(frame));
    if (s.bits_left != frame_size_bits(frame_size(frame)) || !pte_is_page(*s.slot, s.bits_left) ||
        pte_address(*s.slot) != cap_paddr(frame))
        return fail_invalid_cap(0, "Page flush: the frame cap's mapping is stale");
    *entry = *s.slot;
    return OK;
}

static status_t decode_page_flush(invocation_t *inv)
{
    cap_t frame = inv->cap;
    if (inv->length < 2)
        return fail_truncated("Page flush: needs start and end offsets");
    if (!cap_is_mapped(frame))
        return fail_illegal("Page flush: the frame is not mapped");
    pte_t *root = asid_find_vspace(cap_mapped_asid(frame));
    if (!root) {
        lookup_fail_invalid_root();
        return fail_lookup(false, "Page flush: the frame's ASID has no VSpace");
    }

    word_t start = inv_mr(inv, 0);
    word_t end = inv_mr(inv, 1);
    word_t size = BIT(frame_size_bits(frame_size(frame)));
    if (end <= start)
        return fail_invalid_arg(1, "Page flush: end must be above start");
    if (start >= size || end > size)
        return fail_invalid_arg(0, "Page flush: range is not inside the frame");

    pte_t entry = PTE_INVALID;
    status_t s = check_mapping_current(frame, root, &entry);
    if (s != OK)
        return s;
    /* DC IVAC discards data; seL4 only allows it to whoever may write the frame. */
    if (inv->label == ARMPageInvalidate_Data && pte_vm_rights(entry) != VM_READ_WRITE)
        return fail_illegal("Page_Invalidate_Data: the mapping is not writable");

    cache_maintenance(inv->label, cap_paddr(frame) + start, end - start);
    return OK;
}

/* ---- dispatch ---------------------------------------------------------------------------------- */

status_t decode_frame_invocation(invocation_t *inv)
{
    switch (inv->label) {
    case ARMPageMap:
        return decode_page_map(inv);
    case ARMPageUnmap:
        return perform_page_unmap(inv);
    case ARMPageClean_Data:
    case ARMPageInvalidate_Data:
    case ARMPageCleanInvalidate_Data:
    case ARMPageUnify_Instruction:
        return decode_page_flush(inv);
    case ARMPageGetAddress:
        return perform_get_address(inv);
    default:
        return fail_illegal("Page: unknown method");
    }
}
