/*
 * Keel benchmarks: slots of the root CNode and objects from the boot untypeds.
 */
#include <stdio.h>
#include <sel4/sel4.h>
#include "bench.h"

#define ROOT_DEPTH seL4_WordBits

static seL4_BootInfo *bootinfo;
static seL4_CPtr next_slot;

/* Objects come from RAM untypeds, first fit. The kernel places each object at the
 * next offset aligned to its size; `used` mirrors that so full untypeds are skipped
 * without a failing invocation. */
#define MAX_UNTYPEDS 256
static seL4_Word used[MAX_UNTYPEDS];

void env_init(seL4_BootInfo *bi)
{
    bootinfo = bi;
    next_slot = bi->empty.start;
}

seL4_BootInfo *env_bootinfo(void)
{
    return bootinfo;
}

seL4_CPtr env_alloc_slot(void)
{
    if (next_slot >= bootinfo->empty.end) {
        bench_die("out of root CNode slots", seL4_NotEnoughMemory);
    }
    return next_slot++;
}

/* Size (log2 bytes) of an object, which is also its alignment inside an untyped. */
static seL4_Word object_bits(seL4_Word type, seL4_Word size_bits)
{
    switch (type) {
    case seL4_TCBObject:
        return seL4_TCBBits;
    case seL4_EndpointObject:
        return seL4_EndpointBits;
    case seL4_NotificationObject:
        return seL4_NotificationBits;
    case seL4_ReplyObject:
        return seL4_ReplyBits;
    case seL4_CapTableObject:
        return size_bits + seL4_SlotBits;
    case seL4_ARM_SmallPageObject:
    case seL4_ARM_PageTableObject:
    case seL4_ARM_VSpaceObject:
        return seL4_PageBits;
    default:
        return size_bits;       /* untyped, scheduling context */
    }
}

/* Offset of the next object of 2^bits bytes in untyped i, if it fits. */
static bool next_fit(unsigned i, seL4_Word bits, seL4_Word *offset)
{
    seL4_Word size = 1ul << env_bootinfo()->untypedList[i].sizeBits;
    seL4_Word align = 1ul << bits;
    seL4_Word at = (used[i] + align - 1) & ~(align - 1);
    *offset = at;
    return at + align <= size;
}

seL4_CPtr env_alloc_object(seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr slot = env_alloc_slot();
    seL4_Word bits = object_bits(type, size_bits);
    seL4_Word n = bootinfo->untyped.end - bootinfo->untyped.start;

    for (unsigned i = 0; i < n && i < MAX_UNTYPEDS; i++) {
        seL4_Word at;
        if (bootinfo->untypedList[i].isDevice || !next_fit(i, bits, &at)) {
            continue;
        }
        check(seL4_Untyped_Retype(bootinfo->untyped.start + i, type, size_bits,
                                  seL4_CapInitThreadCNode, 0, 0, slot, 1), "Untyped_Retype");
        used[i] = at + (1ul << bits);
        return slot;
    }
    bench_die("no untyped has room for an object", seL4_NotEnoughMemory);
}

seL4_CPtr env_copy_cap(seL4_CPtr src)
{
    seL4_CPtr slot = env_alloc_slot();
    check(seL4_CNode_Copy(seL4_CapInitThreadCNode, slot, ROOT_DEPTH, seL4_CapInitThreadCNode,
                          src, ROOT_DEPTH, seL4_AllRights), "CNode_Copy");
    return slot;
}

void env_map_frame(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr, seL4_CapRights_t rights)
{
    /* Below the VSpace root there are at most three levels of page tables to add. */
    for (int level = 0; level <= 3; level++) {
        seL4_Error err = seL4_ARM_Page_Map(frame, vspace, vaddr, rights,
                                           seL4_ARM_Default_VMAttributes);
        if (err != seL4_FailedLookup) {
            check(err, "Page_Map");
            return;
        }
        seL4_CPtr pt = env_alloc_object(seL4_ARM_PageTableObject, 0);
        check(seL4_ARM_PageTable_Map(pt, vspace, vaddr, seL4_ARM_Default_VMAttributes),
              "PageTable_Map");
    }
    bench_die("Page_Map: still no page table after three levels", seL4_FailedLookup);
}
