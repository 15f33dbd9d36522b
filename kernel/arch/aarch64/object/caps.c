/*
 * The AArch64 cap hooks that only look at caps: object sizes, which caps cover the same
 * object, rights masking and derivation. Nothing here touches page tables or hardware,
 * so the host unit tests link this file as it is.
 */
#include <keel/abi_gen.h>
#include <keel/cap.h>
#include <keel/status.h>
#include <keel/vspace.h>

word_t arch_object_size_bits(word_t type)
{
    switch (type) {
    case seL4_ARM_SmallPageObject: return seL4_PageBits;
    case seL4_ARM_LargePageObject: return seL4_LargePageBits;
    case seL4_ARM_HugePageObject:  return seL4_HugePageBits;
    case seL4_ARM_PageTableObject: return seL4_PageTableBits;
    case seL4_ARM_VSpaceObject:    return seL4_VSpaceBits;
    default:                       return 0;
    }
}

bool arch_is_frame_type(word_t type)
{
    return type == seL4_ARM_SmallPageObject || type == seL4_ARM_LargePageObject ||
           type == seL4_ARM_HugePageObject;
}

/* Frame VM rights after masking with a seL4_CapRights word (ABI (j) table). */
word_t mask_vm_rights(word_t vm_rights, word_t rights_word)
{
    bool read = rights_word & RIGHT_READ;
    bool write = rights_word & RIGHT_WRITE;

    if (vm_rights == VM_READ_ONLY && read)
        return VM_READ_ONLY;
    if (vm_rights == VM_READ_WRITE && read)
        return write ? VM_READ_WRITE : VM_READ_ONLY;
    return VM_KERNEL_ONLY;          /* no read right: write-only mappings do not exist */
}

/* Physical extent [base, last] of a frame cap. */
static paddr_t frame_last(cap_t frame) { return cap_paddr(frame) + MASK(frame_size_bits(frame_size(frame))); }

bool arch_same_region_as(cap_t a, cap_t b)
{
    if (cap_type(a) != cap_type(b))
        return false;
    switch (cap_type(a)) {
    case cap_frame_cap:
        return cap_paddr(a) <= cap_paddr(b) && frame_last(b) <= frame_last(a);
    case cap_page_table_cap:
    case cap_vspace_cap:
    case cap_asid_pool_cap:
        return cap_paddr(a) == cap_paddr(b);
    case cap_asid_control_cap:
        return true;
    case cap_sgi_signal_cap:
        /* No object: an SGI cap names (SGI number, target), and its copies are equal. */
        return a.w0 == b.w0 && a.w1 == b.w1;
    default:
        return false;
    }
}

bool arch_same_object_as(cap_t a, cap_t b)
{
    if (cap_type(a) == cap_frame_cap && cap_type(b) == cap_frame_cap)
        return cap_paddr(a) == cap_paddr(b) && frame_size(a) == frame_size(b) &&
               frame_is_device(a) == frame_is_device(b);
    return arch_same_region_as(a, b);
}

cap_t arch_mask_cap_rights(word_t rights, cap_t cap)
{
    if (cap_type(cap) != cap_frame_cap)
        return cap;
    return cap_with_small(cap, 2, 2, mask_vm_rights(frame_vm_rights(cap), rights));
}

status_t arch_derive_cap(cap_t cap, cap_t *out)
{
    switch (cap_type(cap)) {
    case cap_frame_cap:
        *out = cap_clear_mapping(cap);      /* a copy has no mapping of its own yet */
        return OK;
    case cap_page_table_cap:
        if (!cap_is_mapped(cap))
            return fail_illegal("cannot copy a page table cap that is not mapped");
        *out = cap;
        return OK;
    case cap_vspace_cap:
        if (!cap_is_mapped(cap))
            return fail_illegal("cannot copy a VSpace cap without an ASID");
        *out = cap;
        return OK;
    default:                                /* ASID control and pools copy as they are */
        *out = cap;
        return OK;
    }
}
