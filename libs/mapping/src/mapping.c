/*
 * Frame mapping with on-demand page tables, and exact placement of device frames.
 * See <mapping/mapping.h>.
 */
#include <stddef.h>
#include <mapping/mapping.h>

/* At most three page tables (levels 1, 2 and 3) can be missing below the VSpace root. */
#define MAX_MISSING_TABLES 3

#define PAGE_SIZE ((seL4_Word)1 << seL4_PageBits)

/* Retype one object of the given type into a fresh slot of cspace_root. */
static seL4_Error retype_into_new_slot(seL4_CNode cspace_root, const mapping_alloc_t *alloc,
                                       seL4_Untyped ut, seL4_Word type, seL4_Word size_bits,
                                       seL4_CPtr *out)
{
    seL4_CPtr slot = alloc->alloc_slot(alloc->cookie);
    if (slot == seL4_CapNull) {
        return seL4_NotEnoughMemory;
    }
    seL4_Error err = seL4_Untyped_Retype(ut, type, size_bits, cspace_root, 0, 0, slot, 1);
    if (err == seL4_NoError) {
        *out = slot;
    }
    return err;
}

/* Create a page table from a fresh 4 KiB untyped and map it for vaddr. */
static seL4_Error add_page_table(seL4_CNode cspace_root, const mapping_alloc_t *alloc,
                                 seL4_CPtr vspace, seL4_Word vaddr)
{
    seL4_CPtr ut = alloc->alloc_untyped(alloc->cookie, seL4_PageTableBits);
    if (ut == seL4_CapNull) {
        return seL4_NotEnoughMemory;
    }
    seL4_CPtr pt;
    seL4_Error err = retype_into_new_slot(cspace_root, alloc, ut, seL4_ARM_PageTableObject, 0, &pt);
    if (err != seL4_NoError) {
        return err;
    }
    return seL4_ARM_PageTable_Map(pt, vspace, vaddr, seL4_ARM_Default_VMAttributes);
}

seL4_Error map_frame(seL4_CNode cspace_root, const mapping_alloc_t *alloc, seL4_CPtr vspace,
                     seL4_ARM_Page frame_cap, seL4_Word vaddr, seL4_CapRights_t rights,
                     seL4_ARM_VMAttributes attrs)
{
    seL4_Error err = seL4_ARM_Page_Map(frame_cap, vspace, vaddr, rights, attrs);

    for (int i = 0; i < MAX_MISSING_TABLES && err == seL4_FailedLookup; i++) {
        err = add_page_table(cspace_root, alloc, vspace, vaddr);
        if (err != seL4_NoError) {
            return err;
        }
        err = seL4_ARM_Page_Map(frame_cap, vspace, vaddr, rights, attrs);
    }
    return err;
}

seL4_Error frame_retype(seL4_CNode cspace_root, const mapping_alloc_t *alloc, seL4_Untyped ut,
                        seL4_CPtr *frame_cap)
{
    return retype_into_new_slot(cspace_root, alloc, ut, seL4_ARM_SmallPageObject, 0, frame_cap);
}

/* ---- device untypeds ------------------------------------------------------------------ */

bool device_untyped_find(const seL4_BootInfo *bi, seL4_Word paddr, bool is_device,
                         device_untyped_t *out)
{
    seL4_Word count = bi->untyped.end - bi->untyped.start;

    for (seL4_Word i = 0; i < count; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        seL4_Word size = (seL4_Word)1 << d->sizeBits;
        if ((bool)d->isDevice == is_device && paddr >= d->paddr && paddr - d->paddr < size) {
            out->cap = bi->untyped.start + i;
            out->paddr = d->paddr;
            out->size_bits = d->sizeBits;
            out->watermark = 0;
            return true;
        }
    }
    return false;
}

static unsigned floor_log2(seL4_Word x)
{
    return (unsigned)(63 - __builtin_clzl(x));
}

/* Size (in bits) of the largest padding object that fits at offset 'at' before 'target':
 * naturally aligned at 'at' and not reaching past 'target'. */
static seL4_Word padding_bits(seL4_Word at, seL4_Word target)
{
    unsigned fit = floor_log2(target - at);
    if (at == 0) {
        return fit;
    }
    unsigned align = (unsigned)__builtin_ctzl(at);
    return align < fit ? align : fit;
}

/* Advance ut's watermark to 'target' by retyping naturally aligned padding untypeds. */
static seL4_Error pad_to(seL4_CNode cspace_root, const mapping_alloc_t *alloc,
                         device_untyped_t *ut, seL4_Word target)
{
    while (ut->watermark < target) {
        seL4_Word bits = padding_bits(ut->watermark, target);
        seL4_CPtr padding;
        seL4_Error err = retype_into_new_slot(cspace_root, alloc, ut->cap, seL4_UntypedObject,
                                              bits, &padding);
        if (err != seL4_NoError) {
            return err;
        }
        ut->watermark += (seL4_Word)1 << bits;
    }
    return seL4_NoError;
}

seL4_Error device_frame_retype(seL4_CNode cspace_root, const mapping_alloc_t *alloc,
                               device_untyped_t *ut, seL4_Word paddr, seL4_CPtr *frame_cap)
{
    seL4_Word size = (seL4_Word)1 << ut->size_bits;
    if ((paddr & (PAGE_SIZE - 1)) != 0 || paddr < ut->paddr || paddr - ut->paddr >= size ||
        paddr - ut->paddr < ut->watermark) {
        return seL4_InvalidArgument;
    }

    seL4_Error err = pad_to(cspace_root, alloc, ut, paddr - ut->paddr);
    if (err != seL4_NoError) {
        return err;
    }
    seL4_CPtr frame;
    err = frame_retype(cspace_root, alloc, ut->cap, &frame);
    if (err != seL4_NoError) {
        return err;
    }
    ut->watermark += PAGE_SIZE;

    seL4_ARM_Page_GetAddress_t addr = seL4_ARM_Page_GetAddress(frame);
    if (addr.error != seL4_NoError || addr.paddr != paddr) {
        return seL4_IllegalOperation;       /* the kernel placed it elsewhere */
    }
    *frame_cap = frame;
    return seL4_NoError;
}

seL4_Error map_device_frame(seL4_CNode cspace_root, const mapping_alloc_t *alloc,
                            seL4_CPtr vspace, device_untyped_t *ut, seL4_Word paddr,
                            seL4_Word vaddr, seL4_CPtr *frame_cap)
{
    seL4_CPtr frame;
    seL4_Error err = device_frame_retype(cspace_root, alloc, ut, paddr, &frame);
    if (err != seL4_NoError) {
        return err;
    }
    err = map_frame(cspace_root, alloc, vspace, frame, vaddr, seL4_ReadWrite,
                    seL4_ARM_ExecuteNever);
    if (err == seL4_NoError && frame_cap != NULL) {
        *frame_cap = frame;
    }
    return err;
}
