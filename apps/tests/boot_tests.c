/*
 * Boot tests: the root task's environment as the kernel hands it over.
 * These run first (before the allocator touches the empty slots).
 */
#include "framework.h"
#include "fdt.h"

/* ABI (g) numbers used below. */
#define ROOT_CNODE_SLOTS 8192u
#define NUM_INITIAL_CAPS 16u
#define MAX_BOOTINFO_UNTYPEDS 230u
#define PAGE_SIZE 4096ul
#define ABI_RAM_START 0x40000000ull /* RAM of the build-time DTB, ABI (g) */
#define ABI_RAM_END 0x80000000ull
#define PADDR_USER_DEVICE_TOP (1ull << 40)
#define UART_PADDR 0x09000000ull
#define GICD_PADDR 0x08000000ull
#define GICC_PADDR 0x08010000ull

/* Bootinfo byte offsets, ABI (g). */
#define BI_extraLen 0
#define BI_nodeID 8
#define BI_numNodes 16
#define BI_numIOPTLevels 24
#define BI_ipcBuffer 32
#define BI_empty 40
#define BI_sharedFrames 56
#define BI_userImageFrames 72
#define BI_userImagePaging 88
#define BI_ioSpaceCaps 104
#define BI_extraBIPages 120
#define BI_initThreadCNodeSizeBits 136
#define BI_initThreadDomain 144
#define BI_schedcontrol 152
#define BI_untyped 168
#define BI_untypedList 184
#define BI_SIZE 3864

/* Provided by the usual linker scripts; 0 when absent (weak). */
extern char _end[] __attribute__((weak));
extern char __keel_image_start[] __attribute__((weak)); /* libs/crt/user.lds */

struct region {
    seL4_Word start, end;
};

static struct region bi_region(size_t off)
{
    return (struct region){bi_word(off), bi_word(off + 8)};
}

#define ROUND_UP(x, a) (((x) + (a)-1) & ~((seL4_Word)(a)-1))
#define ROUND_DOWN(x, a) ((x) & ~((seL4_Word)(a)-1))

/*
 * ABI (g) seL4_BootInfo: field values and the slot-region layout of the initial
 * CSpace; libsel4's seL4_BootInfo must have the ABI's byte offsets.
 */
TEST(boot_bootinfo_fields)
{
    seL4_BootInfo *bi = test_bootinfo;
    uintptr_t base = (uintptr_t)bi;

    CHECK(bi != NULL);
    CHECK_EQ(base & (PAGE_SIZE - 1), 0);

    /* libsel4's struct agrees with the ABI byte offsets. */
    CHECK_EQ((uintptr_t)&bi->extraLen - base, BI_extraLen);
    CHECK_EQ((uintptr_t)&bi->nodeID - base, BI_nodeID);
    CHECK_EQ((uintptr_t)&bi->numNodes - base, BI_numNodes);
    CHECK_EQ((uintptr_t)&bi->numIOPTLevels - base, BI_numIOPTLevels);
    CHECK_EQ((uintptr_t)&bi->ipcBuffer - base, BI_ipcBuffer);
    CHECK_EQ((uintptr_t)&bi->empty - base, BI_empty);
    CHECK_EQ((uintptr_t)&bi->sharedFrames - base, BI_sharedFrames);
    CHECK_EQ((uintptr_t)&bi->userImageFrames - base, BI_userImageFrames);
    CHECK_EQ((uintptr_t)&bi->userImagePaging - base, BI_userImagePaging);
    CHECK_EQ((uintptr_t)&bi->ioSpaceCaps - base, BI_ioSpaceCaps);
    CHECK_EQ((uintptr_t)&bi->extraBIPages - base, BI_extraBIPages);
    CHECK_EQ((uintptr_t)&bi->initThreadCNodeSizeBits - base, BI_initThreadCNodeSizeBits);
    CHECK_EQ((uintptr_t)&bi->initThreadDomain - base, BI_initThreadDomain);
    CHECK_EQ((uintptr_t)&bi->schedcontrol - base, BI_schedcontrol);
    CHECK_EQ((uintptr_t)&bi->untyped - base, BI_untyped);
    CHECK_EQ((uintptr_t)&bi->untypedList[0] - base, BI_untypedList);
    CHECK_EQ(sizeof(seL4_BootInfo), BI_SIZE);
    CHECK_EQ(sizeof(seL4_UntypedDesc), 16);

    /* Plain fields. */
    CHECK_EQ(bi_word(BI_nodeID), 0);
    CHECK_EQ(bi_word(BI_numNodes), 1);
    CHECK_EQ(bi_word(BI_numIOPTLevels), 0);
    CHECK_EQ(bi_word(BI_initThreadCNodeSizeBits), 13);
    CHECK_EQ(bi_word(BI_initThreadDomain), 0);

    /* IPC buffer: the page after the image; the bootinfo frame follows it. */
    seL4_Word ipcbuf = bi_word(BI_ipcBuffer);
    CHECK_EQ(ipcbuf & (PAGE_SIZE - 1), 0);
    CHECK_EQ(ipcbuf + PAGE_SIZE, (seL4_Word)base);
    if (_end)
        CHECK_EQ(ipcbuf, ROUND_UP((seL4_Word)(uintptr_t)_end, PAGE_SIZE));
    CHECK_EQ((seL4_Word)(uintptr_t)seL4_GetIPCBuffer(), ipcbuf);

    /* Regions that must be empty here. */
    struct region shared = bi_region(BI_sharedFrames);
    struct region io = bi_region(BI_ioSpaceCaps);
    CHECK_EQ(shared.start, shared.end);
    CHECK_EQ(io.start, io.end);

    /* Slot regions: contiguous, in ABI order, starting at 16 and ending at 8192. */
    struct region paging = bi_region(BI_userImagePaging);
    struct region extra = bi_region(BI_extraBIPages);
    struct region sched = bi_region(BI_schedcontrol);
    struct region frames = bi_region(BI_userImageFrames);
    struct region ut = bi_region(BI_untyped);
    struct region empty = bi_region(BI_empty);
    tinfo("slots: paging [%llu,%llu) extraBI [%llu,%llu) schedcontrol [%llu,%llu) "
          "frames [%llu,%llu) untyped [%llu,%llu) empty [%llu,%llu)",
          (unsigned long long)paging.start, (unsigned long long)paging.end,
          (unsigned long long)extra.start, (unsigned long long)extra.end,
          (unsigned long long)sched.start, (unsigned long long)sched.end,
          (unsigned long long)frames.start, (unsigned long long)frames.end,
          (unsigned long long)ut.start, (unsigned long long)ut.end,
          (unsigned long long)empty.start, (unsigned long long)empty.end);
    CHECK_EQ(paging.start, NUM_INITIAL_CAPS);
    CHECK(paging.end >= paging.start + 3); /* at least one table per level 1..3 */
    CHECK_EQ(extra.start, paging.end);
    CHECK(extra.end >= extra.start);
    CHECK_EQ(sched.start, extra.end);
    CHECK_EQ(sched.end, sched.start + 1);
    CHECK_EQ(frames.start, sched.end);
    CHECK(frames.end > frames.start);
    CHECK_EQ(ut.start, frames.end);
    CHECK(ut.end > ut.start);
    CHECK(ut.end - ut.start <= MAX_BOOTINFO_UNTYPEDS);
    CHECK_EQ(empty.start, ut.end);
    CHECK_EQ(empty.end, ROOT_CNODE_SLOTS);
    CHECK(empty.start < empty.end);

    /* One extra-bootinfo frame per started 4 KiB of extraLen. */
    seL4_Word extra_len = bi_word(BI_extraLen);
    CHECK_EQ(extra.end - extra.start, ROUND_UP(extra_len, PAGE_SIZE) / PAGE_SIZE);

    /* One frame cap per page of the image. */
    if (_end && __keel_image_start) {
        seL4_Word img_pages = (ROUND_UP((seL4_Word)(uintptr_t)_end, PAGE_SIZE) -
                               ROUND_DOWN((seL4_Word)(uintptr_t)__keel_image_start, PAGE_SIZE)) /
                              PAGE_SIZE;
        CHECK_EQ(frames.end - frames.start, img_pages);
    }
}

/* ABI (g) initial CSpace and ABI (l) DebugCapIdentify tags. */
TEST(boot_initial_caps)
{
    static const struct {
        seL4_CPtr slot;
        seL4_Word tag;
    } fixed[] = {
        {seL4_CapNull, 0},
        {seL4_CapInitThreadTCB, 12},
        {seL4_CapInitThreadCNode, 10},
        {seL4_CapInitThreadVSpace, 9},
        {seL4_CapIRQControl, 14},
        {seL4_CapASIDControl, 11},
        {seL4_CapInitThreadASIDPool, 13},
        {seL4_CapIOPortControl, 0},
        {seL4_CapIOSpace, 0},
        {seL4_CapBootInfoFrame, 1},
        {seL4_CapInitThreadIPCBuffer, 1},
        {seL4_CapDomain, 20},
        {seL4_CapSMMUSIDControl, 0},
        {seL4_CapSMMUCBControl, 0},
        {seL4_CapInitThreadSC, 22},
        {seL4_CapSMC, 0},
    };
    for (unsigned i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        seL4_Word tag = seL4_DebugCapIdentify(fixed[i].slot);
        if (tag != fixed[i].tag)
            FAIL("slot %llu: DebugCapIdentify = %llu, want %llu",
                 (unsigned long long)fixed[i].slot, (unsigned long long)tag,
                 (unsigned long long)fixed[i].tag);
    }

    struct {
        const char *name;
        size_t off;
        seL4_Word tag;
    } regions[] = {
        {"userImagePaging", BI_userImagePaging, 3},
        {"extraBIPages", BI_extraBIPages, 1},
        {"schedcontrol", BI_schedcontrol, 24},
        {"userImageFrames", BI_userImageFrames, 1},
        {"untyped", BI_untyped, 2},
        {"empty", BI_empty, 0},
    };
    for (unsigned r = 0; r < sizeof(regions) / sizeof(regions[0]); r++) {
        struct region reg = bi_region(regions[r].off);
        CHECK(reg.end <= ROOT_CNODE_SLOTS);
        for (seL4_Word s = reg.start; s < reg.end; s++) {
            seL4_Word tag = seL4_DebugCapIdentify(s);
            if (tag != regions[r].tag)
                FAIL("%s slot %llu: DebugCapIdentify = %llu, want %llu", regions[r].name,
                     (unsigned long long)s, (unsigned long long)tag,
                     (unsigned long long)regions[r].tag);
        }
    }

    /* cptrs that do not resolve: beyond the root CNode, guard bits set. */
    CHECK_EQ(seL4_DebugCapIdentify(ROOT_CNODE_SLOTS), 0);
    CHECK_EQ(seL4_DebugCapIdentify((seL4_CPtr)1 << 63), 0);
    CHECK_EQ(seL4_DebugCapIdentify(((seL4_CPtr)1 << 13) | seL4_CapInitThreadTCB), 0);
}

/* The DTB passed in the extra bootinfo (checked by boot_extra_bootinfo). */
static const void *boot_fdt(size_t *len)
{
    seL4_Word extra_len = bi_word(BI_extraLen);
    struct region extra = bi_region(BI_extraBIPages);
    if (extra_len < 16 + 40 || extra.end == extra.start)
        return NULL;
    const uint8_t *chunk = (const uint8_t *)test_bootinfo + PAGE_SIZE;
    if (*(const seL4_Word *)chunk != SEL4_BOOTINFO_HEADER_FDT)
        return NULL;
    *len = (size_t)(extra_len - 16);
    return chunk + 16;
}

/* ABI (g) Extra bootinfo: one FDT chunk (id 6) of len = extraLen = 16 + DTB size. */
TEST(boot_extra_bootinfo)
{
    seL4_Word extra_len = bi_word(BI_extraLen);
    struct region extra = bi_region(BI_extraBIPages);
    tinfo("extraLen %llu, %llu extra bootinfo frame(s)", (unsigned long long)extra_len,
          (unsigned long long)(extra.end - extra.start));
    CHECK(extra_len > 16);
    CHECK(extra.end > extra.start); /* only then is bootinfo + 4096 mapped */

    const seL4_BootInfoHeader *hdr =
        (const seL4_BootInfoHeader *)((uintptr_t)test_bootinfo + PAGE_SIZE);
    CHECK_EQ(hdr->id, SEL4_BOOTINFO_HEADER_FDT);
    CHECK_EQ(hdr->id, 6);
    CHECK_EQ(hdr->len, extra_len);

    const uint8_t *fdt = (const uint8_t *)hdr + 16;
    CHECK_EQ(fdt_be32(fdt), FDT_MAGIC);
    CHECK_EQ(fdt_total_size(fdt) + 16, extra_len);
    CHECK_EQ(fdt_check_header(fdt, (size_t)(extra_len - 16)), 0);

    /* The last byte of the chunk is readable (the frames cover extraLen). */
    volatile const uint8_t *last = fdt + (extra_len - 16) - 1;
    (void)*last;
}

struct ut_entry {
    uint64_t base, end;
    bool device;
};

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    return a0 < b1 && b0 < a1;
}

/* Bytes of [a0,a1) inside [b0,b1). */
static uint64_t overlap_bytes(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    uint64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

/* Is the page at paddr inside some untyped? */
static int untyped_containing(const struct ut_entry *uts, unsigned n, uint64_t paddr)
{
    for (unsigned i = 0; i < n; i++)
        if (paddr >= uts[i].base && paddr < uts[i].end)
            return (int)i;
    return -1;
}

/*
 * ABI (g) untyped list: well-formed descriptors, no overlaps, RAM from the DTB,
 * device untypeds outside RAM and below 2^40, memory in use (root image, IPC
 * buffer, bootinfo, extra bootinfo, GIC pages) not handed out, free RAM covered.
 */
TEST(boot_untypeds)
{
    static struct ut_entry uts[MAX_BOOTINFO_UNTYPEDS];
    struct region ut = bi_region(BI_untyped);
    unsigned n = (unsigned)(ut.end - ut.start);
    CHECK(n > 0 && n <= MAX_BOOTINFO_UNTYPEDS);

    uint64_t dev_bytes = 0;
    unsigned n_dev = 0;
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *d = (const uint8_t *)test_bootinfo + BI_untypedList + 16 * i;
        uint64_t paddr = *(const uint64_t *)d;
        unsigned bits = d[8];
        unsigned dev = d[9];
        for (int p = 10; p < 16; p++)
            if (d[p] != 0)
                FAIL("untyped %u: padding byte %d = %u", i, p, d[p]);
        if (bits < 4 || bits > 47)
            FAIL("untyped %u: sizeBits %u out of [4,47]", i, bits);
        if (dev > 1)
            FAIL("untyped %u: isDevice = %u", i, dev);
        if (paddr & ((1ull << bits) - 1))
            FAIL("untyped %u: paddr 0x%llx not aligned to 2^%u", i, (unsigned long long)paddr,
                 bits);
        uts[i].base = paddr;
        uts[i].end = paddr + (1ull << bits);
        uts[i].device = dev != 0;
        if (uts[i].device) {
            dev_bytes += 1ull << bits;
            n_dev++;
        }
    }
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = i + 1; j < n; j++)
            if (overlaps(uts[i].base, uts[i].end, uts[j].base, uts[j].end))
                FAIL("untypeds %u [0x%llx,0x%llx) and %u [0x%llx,0x%llx) overlap", i,
                     (unsigned long long)uts[i].base, (unsigned long long)uts[i].end, j,
                     (unsigned long long)uts[j].base, (unsigned long long)uts[j].end);

    /* RAM according to the DTB passed at boot. */
    size_t fdt_len = 0;
    const void *fdt = boot_fdt(&fdt_len);
    if (!fdt)
        FAIL("no FDT chunk in the extra bootinfo (extraLen %llu)",
             (unsigned long long)bi_word(BI_extraLen));
    struct fdt_region ram[8];
    int n_ram = fdt_memory_regions(fdt, fdt_len, ram, 8);
    if (n_ram <= 0)
        FAIL("FDT: no memory node found (%d)", n_ram);
    uint64_t dtb_ram = 0;
    for (int r = 0; r < n_ram; r++) {
        tinfo("DTB RAM [0x%llx, 0x%llx)", (unsigned long long)ram[r].base,
              (unsigned long long)(ram[r].base + ram[r].size));
        dtb_ram += ram[r].size;
    }

    /*
     * The kernel's RAM: per ABI (g) the build-time DTB's [0x40000000, 0x80000000);
     * RAM the boot DTB reports beyond it may be given out as device untyped. A
     * kernel that takes all of the boot DTB's RAM is accepted as well below.
     */
    uint64_t kram_bytes = 0;
    for (int r = 0; r < n_ram; r++)
        kram_bytes += overlap_bytes(ram[r].base, ram[r].base + ram[r].size, ABI_RAM_START,
                                    ABI_RAM_END);
    CHECK(kram_bytes > 0);

    uint64_t ram_ut_bytes = 0, ram_ut_in_window = 0;
    for (unsigned i = 0; i < n; i++) {
        if (uts[i].device) {
            if (uts[i].end > PADDR_USER_DEVICE_TOP)
                FAIL("device untyped %u [0x%llx,0x%llx) reaches beyond 2^40", i,
                     (unsigned long long)uts[i].base, (unsigned long long)uts[i].end);
            for (int r = 0; r < n_ram; r++) {
                uint64_t lo = ram[r].base > ABI_RAM_START ? ram[r].base : ABI_RAM_START;
                uint64_t hi = ram[r].base + ram[r].size < ABI_RAM_END ? ram[r].base + ram[r].size
                                                                      : ABI_RAM_END;
                if (lo < hi && overlaps(uts[i].base, uts[i].end, lo, hi))
                    FAIL("device untyped %u [0x%llx,0x%llx) overlaps RAM", i,
                         (unsigned long long)uts[i].base, (unsigned long long)uts[i].end);
            }
            continue;
        }
        bool inside = false;
        for (int r = 0; r < n_ram; r++)
            if (uts[i].base >= ram[r].base && uts[i].end <= ram[r].base + ram[r].size)
                inside = true;
        if (!inside)
            FAIL("RAM untyped %u [0x%llx,0x%llx) is not inside DTB RAM", i,
                 (unsigned long long)uts[i].base, (unsigned long long)uts[i].end);
        ram_ut_bytes += uts[i].end - uts[i].base;
        ram_ut_in_window += overlap_bytes(uts[i].base, uts[i].end, ABI_RAM_START, ABI_RAM_END);
    }

    /* Devices: the UART is given out as device memory, the kernel's GIC pages are not. */
    int u = untyped_containing(uts, n, UART_PADDR);
    if (u < 0 || !uts[u].device)
        FAIL("UART page 0x%llx is not inside a device untyped", (unsigned long long)UART_PADDR);
    if (untyped_containing(uts, n, GICD_PADDR) >= 0)
        FAIL("GIC distributor page 0x%llx is inside an untyped", (unsigned long long)GICD_PADDR);
    if (untyped_containing(uts, n, GICC_PADDR) >= 0)
        FAIL("GIC CPU interface page 0x%llx is inside an untyped",
             (unsigned long long)GICC_PADDR);

    /* Frames in use by the root task are never inside an untyped, and are RAM. */
    struct region frames = bi_region(BI_userImageFrames);
    struct region extra = bi_region(BI_extraBIPages);
    static seL4_CPtr in_use[4096];
    unsigned n_in_use = 0;
    in_use[n_in_use++] = seL4_CapBootInfoFrame;
    in_use[n_in_use++] = seL4_CapInitThreadIPCBuffer;
    for (seL4_Word s = extra.start; s < extra.end && n_in_use < 4096; s++)
        in_use[n_in_use++] = s;
    for (seL4_Word s = frames.start; s < frames.end && n_in_use < 4096; s++)
        in_use[n_in_use++] = s;
    uint64_t img_lo = ~0ull, img_hi = 0;
    for (unsigned k = 0; k < n_in_use; k++) {
        seL4_ARM_Page_GetAddress_t ga = seL4_ARM_Page_GetAddress(in_use[k]);
        if (ga.error != seL4_NoError)
            FAIL("Page_GetAddress(slot %llu): %s", (unsigned long long)in_use[k],
                 err_name((seL4_Word)ga.error));
        if (ga.paddr & (PAGE_SIZE - 1))
            FAIL("slot %llu: frame paddr 0x%llx not page aligned", (unsigned long long)in_use[k],
                 (unsigned long long)ga.paddr);
        int c = untyped_containing(uts, n, ga.paddr);
        if (c >= 0)
            FAIL("frame in use (slot %llu, paddr 0x%llx) lies inside untyped %d",
                 (unsigned long long)in_use[k], (unsigned long long)ga.paddr, c);
        bool in_ram = false;
        for (int r = 0; r < n_ram; r++)
            if (ga.paddr >= ram[r].base && ga.paddr < ram[r].base + ram[r].size)
                in_ram = true;
        if (!in_ram)
            FAIL("frame in use (slot %llu) paddr 0x%llx is not RAM", (unsigned long long)in_use[k],
                 (unsigned long long)ga.paddr);
        if (in_use[k] >= frames.start && in_use[k] < frames.end) {
            if (ga.paddr < img_lo)
                img_lo = ga.paddr;
            if (ga.paddr + PAGE_SIZE > img_hi)
                img_hi = ga.paddr + PAGE_SIZE;
        }
    }
    /* The image is loaded physically contiguous (ABI (g)). */
    uint64_t img_bytes = (frames.end - frames.start) * PAGE_SIZE;
    CHECK_EQ(img_hi - img_lo, img_bytes);

    /*
     * Coverage: everything in the kernel's RAM that is not handed out must be
     * explained by the kernel image, the root-task image and boot objects. Boot
     * objects: root CNode (256 KiB), TCB, SC, VSpace, ASID pool, paging tables,
     * IPC buffer, bootinfo and extra bootinfo frames; allow 8 MiB for the kernel
     * image, its stacks and boot-time tables.
     */
    struct region paging = bi_region(BI_userImagePaging);
    uint64_t boot_objs = (1ull << (13 + 5)) + 4 * PAGE_SIZE /* TCB, SC, VSpace, pool */ +
                         (paging.end - paging.start) * PAGE_SIZE + 2 * PAGE_SIZE +
                         (extra.end - extra.start) * PAGE_SIZE;
    uint64_t kernel_allowance = 8ull << 20;
    uint64_t uncovered = kram_bytes > ram_ut_in_window ? kram_bytes - ram_ut_in_window : 0;
    tinfo("untypeds: %u (%u device, %llu MiB); RAM untyped %llu KiB (in ABI RAM window %llu KiB)",
          n, n_dev, (unsigned long long)(dev_bytes >> 20), (unsigned long long)(ram_ut_bytes >> 10),
          (unsigned long long)(ram_ut_in_window >> 10));
    tinfo("RAM (DTB) %llu KiB, kernel RAM window %llu KiB, not given out %llu KiB = "
          "root image %llu KiB + boot objects ~%llu KiB + kernel/other %lld KiB",
          (unsigned long long)(dtb_ram >> 10), (unsigned long long)(kram_bytes >> 10),
          (unsigned long long)(uncovered >> 10), (unsigned long long)(img_bytes >> 10),
          (unsigned long long)(boot_objs >> 10),
          (long long)((int64_t)uncovered - (int64_t)img_bytes - (int64_t)boot_objs) / 1024);
    /* RAM outside the kernel's window is handed out completely (as RAM or device). */
    for (int r = 0; r < n_ram; r++) {
        uint64_t parts[2][2] = {
            {ram[r].base, ram[r].base + ram[r].size < ABI_RAM_START ? ram[r].base + ram[r].size
                                                                    : ABI_RAM_START},
            {ram[r].base > ABI_RAM_END ? ram[r].base : ABI_RAM_END, ram[r].base + ram[r].size},
        };
        for (int p = 0; p < 2; p++) {
            if (parts[p][0] >= parts[p][1])
                continue;
            uint64_t covered = 0;
            for (unsigned i = 0; i < n; i++)
                covered += overlap_bytes(uts[i].base, uts[i].end, parts[p][0], parts[p][1]);
            if (covered != parts[p][1] - parts[p][0])
                FAIL("RAM [0x%llx,0x%llx) outside the kernel window: only %llu KiB of %llu KiB "
                     "in untypeds",
                     (unsigned long long)parts[p][0], (unsigned long long)parts[p][1],
                     (unsigned long long)(covered >> 10),
                     (unsigned long long)((parts[p][1] - parts[p][0]) >> 10));
        }
    }
    if (uncovered > img_bytes + boot_objs + kernel_allowance)
        FAIL("%llu KiB of RAM neither given out nor explained (image %llu KiB, boot objects %llu "
             "KiB, kernel allowance %llu KiB)",
             (unsigned long long)(uncovered >> 10), (unsigned long long)(img_bytes >> 10),
             (unsigned long long)(boot_objs >> 10), (unsigned long long)(kernel_allowance >> 10));
}
