/*
 * Address spaces, faked for host unit tests of the portable core.
 *
 * The AArch64 code in kernel/arch/aarch64/object/ is not built on the host, so the core
 * links against these versions instead (the cap-only hooks — sizes, derive, mask, same
 * region — are the real ones from arch/aarch64/object/caps.c). They are weak: a test
 * that needs different behaviour defines its own. Nothing is ever mapped, and arch
 * invocations fail with IllegalOperation.
 */
#include <keel/cap.h>
#include <keel/status.h>
#include <keel/invocation.h>
#include <keel/vspace.h>

#define WEAK __attribute__((weak))

WEAK void vspace_activate(tcb_t *t) { (void)t; }

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
