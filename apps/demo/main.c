/*
 * Keel demo root task: prints what the kernel handed over at boot, then stops.
 */
#include <stdio.h>
#include <sel4/sel4.h>
#include <sel4/keel.h>

const char *__keel_progname = "demo";

static const char *const initial_cap_names[seL4_NumInitialCaps] = {
    [seL4_CapNull] = "Null",
    [seL4_CapInitThreadTCB] = "InitThreadTCB",
    [seL4_CapInitThreadCNode] = "InitThreadCNode",
    [seL4_CapInitThreadVSpace] = "InitThreadVSpace",
    [seL4_CapIRQControl] = "IRQControl",
    [seL4_CapASIDControl] = "ASIDControl",
    [seL4_CapInitThreadASIDPool] = "InitThreadASIDPool",
    [seL4_CapIOPortControl] = "IOPortControl",
    [seL4_CapIOSpace] = "IOSpace",
    [seL4_CapBootInfoFrame] = "BootInfoFrame",
    [seL4_CapInitThreadIPCBuffer] = "InitThreadIPCBuffer",
    [seL4_CapDomain] = "Domain",
    [seL4_CapSMMUSIDControl] = "SMMUSIDControl",
    [seL4_CapSMMUCBControl] = "SMMUCBControl",
    [seL4_CapInitThreadSC] = "InitThreadSC",
    [seL4_CapSMC] = "SMC",
};

static void print_region(const char *name, seL4_SlotRegion r)
{
    printf("  %-16s [%lu, %lu)  %lu slot%s\n", name, r.start, r.end, r.end - r.start,
           r.end - r.start == 1 ? "" : "s");
}

/* Whole GiB when exact, otherwise MiB or KiB (rounded down): 2046 MiB, not "1 GiB". */
static void print_size(seL4_Word bytes)
{
    if (bytes >= (1ul << 30) && bytes % (1ul << 30) == 0) {
        printf("%lu GiB", bytes >> 30);
    } else if (bytes >= (1ul << 20)) {
        printf("%lu MiB", bytes >> 20);
    } else if (bytes >= (1ul << 10)) {
        printf("%lu KiB", bytes >> 10);
    } else {
        printf("%lu B", bytes);
    }
}

static void print_untypeds(const seL4_BootInfo *bi)
{
    seL4_Word n = bi->untyped.end - bi->untyped.start;
    seL4_Word ram = 0, dev = 0;
    printf("untypeds (%lu):\n", n);
    for (seL4_Word i = 0; i < n; i++) {
        const seL4_UntypedDesc *u = &bi->untypedList[i];
        seL4_Word bytes = 1ul << u->sizeBits;
        printf("  slot %4lu  paddr 0x%010lx  2^%-2u (", bi->untyped.start + i, u->paddr,
               (unsigned)u->sizeBits);
        print_size(bytes);
        printf(")  %s\n", u->isDevice ? "device" : "RAM");
        if (u->isDevice) {
            dev += bytes;
        } else {
            ram += bytes;
        }
    }
    printf("  total RAM ");
    print_size(ram);
    printf(", device ");
    print_size(dev);
    printf("\n");
}

static void print_extra_bootinfo(const seL4_BootInfo *bi)
{
    if (bi->extraLen == 0) {
        printf("extra bootinfo: none\n");
        return;
    }
    printf("extra bootinfo: %lu bytes\n", bi->extraLen);
    const char *p = (const char *)bi + KEEL_BI_EXTRA_OFFSET;
    const char *end = p + bi->extraLen;
    while (p + sizeof(seL4_BootInfoHeader) <= end) {
        const seL4_BootInfoHeader *h = (const seL4_BootInfoHeader *)p;
        printf("  chunk id %lu (%s), %lu bytes\n", h->id,
               h->id == SEL4_BOOTINFO_HEADER_FDT ? "device tree" :
               h->id == SEL4_BOOTINFO_HEADER_PADDING ? "padding" : "other", h->len);
        if (h->len < sizeof(*h)) {
            break;
        }
        p += h->len;
    }
}

static void identify_caps(const seL4_BootInfo *bi)
{
    printf("initial caps:\n");
    for (seL4_Word slot = 0; slot < seL4_NumInitialCaps; slot++) {
        seL4_Uint32 tag = seL4_DebugCapIdentify(slot);
        printf("  slot %2lu  %-20s %s (tag %u)\n", slot, initial_cap_names[slot],
               keel_cap_tag_name(tag), tag);
    }
    if (bi->schedcontrol.end > bi->schedcontrol.start) {
        seL4_Uint32 tag = seL4_DebugCapIdentify(bi->schedcontrol.start);
        printf("  slot %2lu  %-20s %s (tag %u)\n", bi->schedcontrol.start, "SchedControl",
               keel_cap_tag_name(tag), tag);
    }
    if (bi->untyped.end > bi->untyped.start) {
        seL4_Uint32 tag = seL4_DebugCapIdentify(bi->untyped.start);
        printf("  slot %2lu  %-20s %s (tag %u)\n", bi->untyped.start, "first untyped",
               keel_cap_tag_name(tag), tag);
    }
}

int main(void)
{
    seL4_BootInfo *bi = seL4_GetBootInfo();

    printf("\nKeel demo root task\n");
    printf("bootinfo %p, IPC buffer %p, node %lu of %lu\n", (void *)bi, (void *)bi->ipcBuffer,
           bi->nodeID, bi->numNodes);
    printf("root CNode: 2^%lu slots, domain %lu\n", bi->initThreadCNodeSizeBits,
           bi->initThreadDomain);
    printf("slot regions:\n");
    print_region("empty", bi->empty);
    print_region("userImageFrames", bi->userImageFrames);
    print_region("userImagePaging", bi->userImagePaging);
    print_region("extraBIPages", bi->extraBIPages);
    print_region("schedcontrol", bi->schedcontrol);
    print_region("untyped", bi->untyped);
    print_untypeds(bi);
    print_extra_bootinfo(bi);
    identify_caps(bi);

    seL4_DebugNameThread(seL4_CapInitThreadTCB, "demo");
    printf("named the root thread \"demo\"; scheduler state:\n");
    seL4_DebugDumpScheduler();

    printf("demo: done\n");
    for (;;) {
        seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    }
    return 0;
}
