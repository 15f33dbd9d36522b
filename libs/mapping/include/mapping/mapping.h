/*
 * libs/mapping: put frames into a VSpace, creating the paging structures on the way.
 *
 * map_frame() maps a frame cap; when the kernel reports that a page table is missing
 * (seL4_FailedLookup) it takes an untyped from the caller's allocator, retypes it into
 * a page table, maps the table and tries again.
 *
 * Device memory: a device_untyped_t tracks how far a device untyped has been retyped,
 * so that device_frame_retype() can place a frame at an exact physical address by
 * retyping padding untypeds in front of it.
 *
 * Slot numbers handed out by the allocator are indices into cspace_root, which must be a
 * single-level CNode that translates a full word (as the root task's CNode does), so that
 * a slot index is also a valid cptr.
 */
#pragma once

#include <stdbool.h>
#include <sel4/sel4.h>

/* The memory the mapping helpers may use, provided by the caller. */
typedef struct mapping_alloc {
    /* An empty slot of cspace_root, or seL4_CapNull when none is left. */
    seL4_CPtr (*alloc_slot)(void *cookie);
    /* A fresh, non-device untyped of exactly 2^size_bits bytes with no children,
     * or seL4_CapNull when memory is exhausted. */
    seL4_CPtr (*alloc_untyped)(void *cookie, seL4_Word size_bits);
    void *cookie;
} mapping_alloc_t;

/*
 * Map frame_cap at vaddr in vspace with the given rights and attributes, retyping and
 * mapping any page table that is missing. Returns the error of the last invocation
 * (seL4_NoError on success); seL4_NotEnoughMemory if the allocator ran dry.
 */
seL4_Error map_frame(seL4_CNode cspace_root, const mapping_alloc_t *alloc, seL4_CPtr vspace,
                     seL4_ARM_Page frame_cap, seL4_Word vaddr, seL4_CapRights_t rights,
                     seL4_ARM_VMAttributes attrs);

/* Retype one 4 KiB frame from the untyped ut into a new slot; *frame_cap receives it. */
seL4_Error frame_retype(seL4_CNode cspace_root, const mapping_alloc_t *alloc, seL4_Untyped ut,
                        seL4_CPtr *frame_cap);

/* A device untyped from bootinfo and the part of it already retyped by us. */
typedef struct device_untyped {
    seL4_Untyped cap;
    seL4_Word paddr;        /* physical base */
    seL4_Word size_bits;
    seL4_Word watermark;    /* offset of the first byte not yet retyped */
} device_untyped_t;

/* Find the untyped listed in bootinfo that covers paddr and whose device flag matches.
 * Fills *out (watermark 0: the untyped is assumed untouched). Returns false if none. */
bool device_untyped_find(const seL4_BootInfo *bi, seL4_Word paddr, bool is_device,
                         device_untyped_t *out);

/*
 * Retype the 4 KiB frame at physical address paddr out of ut: padding untypeds fill the
 * gap from the watermark (they stay allocated), then the frame. paddr must be page
 * aligned, inside ut and not below its watermark. The frame's address is checked with
 * Page_GetAddress.
 */
seL4_Error device_frame_retype(seL4_CNode cspace_root, const mapping_alloc_t *alloc,
                               device_untyped_t *ut, seL4_Word paddr, seL4_CPtr *frame_cap);

/*
 * Retype the device frame at paddr and map it at vaddr read-write, uncached (Device
 * nGnRnE) and not executable. *frame_cap (may be NULL) receives the frame cap.
 */
seL4_Error map_device_frame(seL4_CNode cspace_root, const mapping_alloc_t *alloc,
                            seL4_CPtr vspace, device_untyped_t *ut, seL4_Word paddr,
                            seL4_Word vaddr, seL4_CPtr *frame_cap);
