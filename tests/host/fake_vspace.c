/*
 * Address spaces, faked for host unit tests of the portable core.
 *
 * The AArch64 code in kernel/arch/aarch64/object/ is not built on the host, so the core
 * links against these versions instead. They are weak: a test that needs different
 * behaviour defines its own. The cap-level hooks (create, derive, mask, same region)
 * behave like the real ones, because they only compute with caps; nothing is ever
 * mapped, and arch invocations fail with IllegalOperation.
 */
#include <keel/cap.h>
#include <keel/status.h>
#include <keel/invocation.h>
#include <keel/vspace.h>

#define WEAK __attribute__((weak))

WEAK void vspace_activate(tcb_t *t) { (void)t; }

WEAK word_t arch_object_size_bits(word_t type)
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

WEAK bool arch_is_frame_type(word_t type)
{
    return type == seL4_ARM_SmallPageObject || type == seL4_ARM_LargePageObject ||
           type == seL4_ARM_HugePageObject;
}

WEAK cap_t arch_create_object(word_t type, paddr_t paddr, bool device)
{
    switch (type) {
    case seL4_ARM_SmallPageObject: return frame_cap_new(paddr, FRAME_4K, VM_READ_WRITE, device);
    case seL4_ARM_LargePageObject: return frame_cap_new(paddr, FRAME_2M, VM_READ_WRITE, device);
    case seL4_ARM_HugePageObject:  return frame_cap_new(paddr, FRAME_1G, VM_READ_WRITE, device);
    case seL4_ARM_PageTableObject: return page_table_cap_new(paddr);
    case seL4_ARM_VSpaceObject:    return vspace_cap_new(paddr);
    default:                       return cap_null();
    }
}

WEAK cap_t arch_finalise_cap(cap_t cap, bool final)
{
    (void)cap;
    (void)final;
    return cap_null();
}

static paddr_t frame_last(cap_t c) { return cap_paddr(c) + MASK(frame_size_bits(frame_size(c))); }

WEAK bool arch_same_region_as(cap_t a, cap_t b)
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

WEAK bool arch_same_object_as(cap_t a, cap_t b)
{
    if (cap_type(a) == cap_frame_cap && cap_type(b) == cap_frame_cap)
        return cap_paddr(a) == cap_paddr(b) && frame_size(a) == frame_size(b) &&
               frame_is_device(a) == frame_is_device(b);
    return arch_same_region_as(a, b);
}

/* ABI (j): ReadWrite loses Write without the write right; no read right = kernel only. */
static word_t fake_mask_vm_rights(word_t vm, word_t rights)
{
    if (!(rights & RIGHT_READ))
        return VM_KERNEL_ONLY;
    if (vm == VM_READ_WRITE && !(rights & RIGHT_WRITE))
        return VM_READ_ONLY;
    return vm;
}

WEAK cap_t arch_mask_cap_rights(word_t rights, cap_t cap)
{
    if (cap_type(cap) != cap_frame_cap)
        return cap;
    return cap_with_small(cap, 2, 2, fake_mask_vm_rights(frame_vm_rights(cap), rights));
}

WEAK status_t arch_derive_cap(cap_t cap, cap_t *out)
{
    switch (cap_type(cap)) {
    case cap_frame_cap:
        *out = cap_clear_mapping(cap);
        return OK;
    case cap_page_table_cap:
    case cap_vspace_cap:
        if (!cap_is_mapped(cap))
            return fail_illegal("cannot copy an unmapped page table / VSpace cap");
        *out = cap;
        return OK;
    default:
        *out = cap;
        return OK;
    }
}

WEAK status_t arch_decode_invocation(invocation_t *inv)
{
    (void)inv;
    return fail_illegal("address-space invocations are not available on the host");
}

/* ---- boot helpers: record mappings in the caps only --------------------------------------- */

WEAK cap_t vspace_boot_init(paddr_t vspace_root, paddr_t asid_pool, word_t asid, cap_t *pool_cap)
{
    *pool_cap = asid_pool_cap_new(asid_pool, ROUND_DOWN(asid, seL4_ASIDPoolIndexBits));
    return cap_set_mapping(vspace_cap_new(vspace_root), asid, 0);
}

WEAK bool vspace_boot_needs_table(cap_t vspace, vaddr_t vaddr)
{
    (void)vspace;
    (void)vaddr;
    return false;
}

WEAK cap_t vspace_boot_map_table(cap_t vspace, paddr_t table, vaddr_t vaddr)
{
    return cap_set_mapping(page_table_cap_new(table), cap_mapped_asid(vspace), vaddr);
}

WEAK cap_t vspace_boot_map_frame(cap_t vspace, paddr_t frame, vaddr_t vaddr, bool executable)
{
    (void)executable;
    return cap_set_mapping(frame_cap_new(frame, FRAME_4K, VM_READ_WRITE, false),
                           cap_mapped_asid(vspace), vaddr);
}
