/*
 * Boot: turn the machine description from the arch code into the root task's world,
 * exactly as ABI.md (g) describes it, then hand all remaining memory to the root task as
 * Untyped caps. After this function the kernel never allocates memory again.
 *
 * Steps, in order:
 *   1. collect free RAM (RAM minus the kernel image, the root task image and the DTB);
 *   2. allocate and build the root task's objects: CNode, VSpace + ASID pool, paging
 *      tables, frames for the image, IPC buffer, bootinfo and extra bootinfo (the DTB),
 *      TCB and scheduling context; fill the initial CSpace slots;
 *   3. make untyped caps: device memory first, then every byte of free RAM, each in the
 *      largest naturally aligned blocks;
 *   4. fill in seL4_BootInfo and start the root task.
 */
#include <keel/abi_gen.h>
#include <keel/arch_api.h>
#include <keel/cnode.h>
#include <keel/interrupt.h>
#include <keel/invariants.h>
#include <keel/kernel.h>
#include <keel/sched.h>
#include <keel/state.h>
#include <keel/tcb.h>
#include <keel/vspace.h>

/* ---- seL4_BootInfo as the root task sees it (ABI (g)) -------------------------------- */

typedef struct slot_region { word_t start, end; } slot_region_t;
typedef struct untyped_desc {
    word_t  paddr;
    uint8_t size_bits;
    uint8_t is_device;
    uint8_t padding[6];
} untyped_desc_t;

typedef struct boot_info {
    word_t extra_len;
    word_t node_id;
    word_t num_nodes;
    word_t num_iopt_levels;
    word_t ipc_buffer;
    slot_region_t empty;
    slot_region_t shared_frames;
    slot_region_t user_image_frames;
    slot_region_t user_image_paging;
    slot_region_t io_space_caps;
    slot_region_t extra_bi_pages;
    word_t init_thread_cnode_size_bits;
    word_t init_thread_domain;
    slot_region_t schedcontrol;
    slot_region_t untyped;
    untyped_desc_t untyped_list[KEEL_BI_UNTYPED_LIST_LEN];
} boot_info_t;

STATIC_ASSERT(offsetof(boot_info_t, ipc_buffer) == KEEL_BI_OFF_IPC_BUFFER, "bootinfo layout");
STATIC_ASSERT(offsetof(boot_info_t, empty) == KEEL_BI_OFF_EMPTY, "bootinfo layout");
STATIC_ASSERT(offsetof(boot_info_t, user_image_frames) == KEEL_BI_OFF_USER_IMAGE_FRAMES, "bootinfo layout");
STATIC_ASSERT(offsetof(boot_info_t, extra_bi_pages) == KEEL_BI_OFF_EXTRA_BIPAGES, "bootinfo layout");
STATIC_ASSERT(offsetof(boot_info_t, init_thread_domain) == KEEL_BI_OFF_INIT_THREAD_DOMAIN, "bootinfo layout");
STATIC_ASSERT(offsetof(boot_info_t, schedcontrol) == KEEL_BI_OFF_SCHEDCONTROL, "bootinfo layout");
STATIC_ASSERT(offsetof(boot_info_t, untyped) == KEEL_BI_OFF_UNTYPED, "bootinfo layout");
STATIC_ASSERT(offsetof(boot_info_t, untyped_list) == KEEL_BI_OFF_UNTYPED_LIST, "bootinfo layout");
STATIC_ASSERT(sizeof(boot_info_t) == KEEL_BI_SIZE, "bootinfo size");

#define BI_HEADER_FDT 6              /* SEL4_BOOTINFO_HEADER_FDT (ABI (g) extra bootinfo) */
#define PADDR_USER_DEVICE_TOP BIT(40) /* Cortex-A53: 40-bit physical addresses */
#ifndef CONFIG_ROOT_CNODE_SIZE_BITS
#define CONFIG_ROOT_CNODE_SIZE_BITS KEEL_ROOT_CNODE_SIZE_BITS
#endif
#define ROOT_CNODE_BITS CONFIG_ROOT_CNODE_SIZE_BITS
#define ROOT_ASID 1

/* ---- free physical memory during boot -------------------------------------------------- */

#define MAX_FREE_REGIONS 64
static mem_region_t free_mem[MAX_FREE_REGIONS];  /* sorted, disjoint, non-empty */
static word_t num_free;

static void free_mem_insert_at(word_t i, paddr_t start, paddr_t end)
{
    if (num_free == MAX_FREE_REGIONS)
        panic("boot: too many free memory regions");
    for (word_t j = num_free; j > i; j--)
        free_mem[j] = free_mem[j - 1];
    free_mem[i] = (mem_region_t){ start, end };
    num_free++;
}

static void free_mem_delete_at(word_t i)
{
    for (word_t j = i; j + 1 < num_free; j++)
        free_mem[j] = free_mem[j + 1];
    num_free--;
}

static void free_mem_add(paddr_t start, paddr_t end)
{
    word_t i = 0;

    if (start >= end)
        return;
    while (i < num_free && free_mem[i].start < start)
        i++;
    free_mem_insert_at(i, start, end);
}

/* Take [start, end) out of the free regions, wherever it overlaps them. */
static void free_mem_remove(paddr_t start, paddr_t end)
{
    for (word_t i = 0; i < num_free; i++) {
        mem_region_t r = free_mem[i];
        if (r.end <= start || r.start >= end)
            continue;
        free_mem_delete_at(i);
        if (r.start < start)
            free_mem_insert_at(i++, r.start, start);
        if (end < r.end)
            free_mem_insert_at(i++, end, r.end);
        i--;
    }
}

/* A zeroed, naturally aligned block of 2^size_bits bytes of free RAM. */
static paddr_t boot_alloc(word_t size_bits)
{
    for (word_t i = 0; i < num_free; i++) {
        paddr_t p = ROUND_UP(free_mem[i].start, size_bits);
        if (p >= free_mem[i].start && p + BIT(size_bits) <= free_mem[i].end) {
            free_mem_remove(p, p + BIT(size_bits));
            memset(pptr_of(p), 0, BIT(size_bits));
            return p;
        }
    }
    panic("boot: no memory for a block of 2^%lu bytes", size_bits);
}

/* ---- the root task's initial CSpace --------------------------------------------------------- */

static cte_t *root_slots;            /* the root CNode's 2^13 slots */
static word_t next_free_slot = seL4_NumInitialCaps;

static word_t put_cap(word_t slot, cap_t cap)
{
    cte_insert_root(cap, &root_slots[slot]);
    return slot;
}

static word_t put_next_cap(cap_t cap)
{
    if (next_free_slot >= BIT(ROOT_CNODE_BITS))
        panic("boot: the root CNode is full");
    return put_cap(next_free_slot++, cap);
}

/* Insert a derived copy of the root CNode cap in slot 'src' into a TCB slot. */
static void copy_into_tcb(word_t src, tcb_t *t, enum tcb_slot dst)
{
    cap_t copy;

    if (derive_cap(&root_slots[src], root_slots[src].cap, &copy) != OK)
        panic("boot: cannot derive initial cap %lu", src);
    cte_insert(copy, &root_slots[src], tcb_slot(t, dst));
}

/* ---- the root task's address space ---------------------------------------------------------- */

typedef struct root_layout {
    vaddr_t image_start, image_end;  /* user image */
    vaddr_t ipc_buffer;              /* = image_end */
    vaddr_t bootinfo;                /* ipc_buffer + 4 KiB */
    vaddr_t extra;                   /* bootinfo + 4 KiB */
    word_t  extra_len;               /* bytes of extra bootinfo (0 without a DTB) */
    word_t  extra_pages;             /* frames mapped for it */
    vaddr_t end;                     /* end of everything mapped */
} root_layout_t;

static root_layout_t plan_layout(const boot_args_t *a)
{
    root_layout_t l;

    l.image_start = a->ui_start - a->ui_pv_offset;
    l.image_end = a->ui_end - a->ui_pv_offset;
    l.ipc_buffer = l.image_end;
    l.bootinfo = l.ipc_buffer + BIT(seL4_PageBits);
    l.extra = l.bootinfo + BIT(seL4_BootInfoFrameBits);
    l.extra_len = a->dtb_size ? KEEL_BI_HEADER_SIZE + a->dtb_size : 0;
    l.extra_pages = ROUND_UP(l.extra_len, seL4_PageBits) >> seL4_PageBits;
    l.end = l.extra + (l.extra_pages << seL4_PageBits);
    if (l.end - 1 > USER_TOP || l.image_start >= l.image_end)
        panic("boot: root task image at [%lx, %lx) does not fit user space", l.image_start, l.image_end);
    return l;
}

/* Paging tables covering [start, end): all level-1 tables, then level 2, then level 3
 * (the order ABI (g) lists them in). Each table lands at the first missing level. */
static slot_region_t make_paging_tables(cap_t vspace, vaddr_t start, vaddr_t end)
{
    static const word_t coverage_bits[] = { 39, 30, 21 };
    slot_region_t r = { next_free_slot, 0 };

    for (word_t level = 0; level < ARRAY_SIZE(coverage_bits); level++) {
        word_t bits = coverage_bits[level];
        for (vaddr_t v = ROUND_DOWN(start, bits); v < end; v += BIT(bits)) {
            if (!vspace_boot_needs_table(vspace, v))
                continue;
            paddr_t table = boot_alloc(seL4_PageTableBits);
            put_next_cap(vspace_boot_map_table(vspace, table, v));
        }
    }
    r.end = next_free_slot;
    return r;
}

static cap_t map_new_frame(cap_t vspace, vaddr_t v, bool executable, paddr_t *paddr)
{
    *paddr = boot_alloc(seL4_PageBits);
    return vspace_boot_map_frame(vspace, *paddr, v, executable);
}

/* Copy the DTB into the extra bootinfo frames, preceded by its chunk header. */
static slot_region_t make_extra_bootinfo(cap_t vspace, const root_layout_t *l, const boot_args_t *a)
{
    slot_region_t r = { next_free_slot, next_free_slot };

    if (!l->extra_len)
        return r;
    word_t block_bits = seL4_PageBits;
    while (BIT(block_bits) < l->extra_len)
        block_bits++;
    paddr_t block = boot_alloc(block_bits);
    word_t *header = pptr_of(block);
    header[0] = BI_HEADER_FDT;
    header[1] = l->extra_len;
    memcpy((char *)header + KEEL_BI_HEADER_SIZE, pptr_of(a->dtb_start), a->dtb_size);

    for (word_t i = 0; i < l->extra_pages; i++) {
        word_t off = i << seL4_PageBits;
        put_next_cap(vspace_boot_map_frame(vspace, block + off, l->extra + off, true));
    }
    r.end = next_free_slot;
    return r;
}

static slot_region_t make_image_frames(cap_t vspace, const boot_args_t *a)
{
    slot_region_t r = { next_free_slot, 0 };

    for (paddr_t p = a->ui_start; p < a->ui_end; p += BIT(seL4_PageBits))
        put_next_cap(vspace_boot_map_frame(vspace, p, p - a->ui_pv_offset, true));
    r.end = next_free_slot;
    return r;
}

/* ---- untyped memory ---------------------------------------------------------------------------- */

static boot_info_t *bootinfo;

static void add_untyped(paddr_t p, word_t size_bits, bool device)
{
    word_t n = bootinfo->untyped.end - bootinfo->untyped.start;

    if (n >= KEEL_MAX_BOOTINFO_UNTYPEDS || next_free_slot >= BIT(ROOT_CNODE_BITS)) {
        kprintf("keel: boot: untyped list full; dropping [%lx, %lx)\n", p, p + BIT(size_bits));
        return;
    }
    /* RAM untypeds start with a full watermark: their memory is not known to be zero,
     * so the first Retype resets (clears) them, preemptibly. */
    put_next_cap(untyped_cap_new(p, size_bits, device, device ? 0 : BIT(size_bits)));
    bootinfo->untyped_list[n] = (untyped_desc_t){ .paddr = p, .size_bits = size_bits, .is_device = device };
    bootinfo->untyped.end = next_free_slot;
}

/* Cover [start, end) with the largest naturally aligned blocks. */
static void add_untypeds_for_range(paddr_t start, paddr_t end, bool device)
{
    while (start < end) {
        word_t bits = seL4_MaxUntypedBits;
        while (bits > 0 && (!IS_ALIGNED(start, bits) || start + BIT(bits) > end || start + BIT(bits) < start))
            bits--;
        if (bits < seL4_MinUntypedBits)
            return;              /* a sliver too small for any object */
        add_untyped(start, bits, device);
        start += BIT(bits);
    }
}

/* Device untypeds: all physical space below 2^40 that is neither RAM nor kept by the
 * kernel (its GIC pages). */
static void add_device_untypeds(const boot_args_t *a)
{
    mem_region_t used[MAX_MEM_REGIONS + 4];
    word_t n = 0;

    for (word_t i = 0; i < a->num_ram; i++)
        used[n++] = a->ram[i];
    for (word_t i = 0; i < a->num_kernel_devices; i++)
        used[n++] = a->kernel_devices[i];
    for (word_t i = 1; i < n; i++)          /* insertion sort by start */
        for (word_t j = i; j > 0 && used[j].start < used[j - 1].start; j--) {
            mem_region_t t = used[j];
            used[j] = used[j - 1];
            used[j - 1] = t;
        }

    paddr_t cursor = 0;
    for (word_t i = 0; i < n; i++) {
        if (used[i].start > cursor)
            add_untypeds_for_range(cursor, MIN(used[i].start, PADDR_USER_DEVICE_TOP), true);
        cursor = MAX(cursor, used[i].end);
    }
    if (cursor < PADDR_USER_DEVICE_TOP)
        add_untypeds_for_range(cursor, PADDR_USER_DEVICE_TOP, true);
}

static void add_ram_untypeds(void)
{
    for (word_t i = 0; i < num_free; i++)
        add_untypeds_for_range(free_mem[i].start, free_mem[i].end, false);
    num_free = 0;                /* from now on the kernel never allocates */
}

/* ---- threads ----------------------------------------------------------------------------------- */

static uint8_t idle_tcb_mem[BIT(seL4_TCBBits)] ALIGNED(BIT(seL4_TCBBits));
static uint8_t idle_sc_mem[BIT(seL4_MinSchedContextBits)] ALIGNED(BIT(seL4_MinSchedContextBits));

static ticks_t boot_time_slice(void)
{
    return us_to_ticks(KEEL_BOOT_TIME_SLICE_MS * 1000);
}

static void make_idle_thread(void)
{
    tcb_t *idle = (tcb_t *)idle_tcb_mem;
    sched_context_t *sc = (sched_context_t *)idle_sc_mem;

    tcb_init(idle);
    tcb_set_name(idle, "idle", TCB_NAME_BYTES);
    idle->state = ThreadState_IdleThreadState;
    sched_context_init(sc, seL4_MinSchedContextBits);
    sched_context_configure(sc, boot_time_slice(), boot_time_slice(), 0, 0, false);
    sched_context_bind_tcb(sc, idle);
    ks_idle_thread = idle;
}

static tcb_t *make_root_thread(const root_layout_t *l, const boot_args_t *a)
{
    tcb_t *t = pptr_of(boot_alloc(seL4_TCBBits));
    sched_context_t *sc = pptr_of(boot_alloc(KEEL_ROOT_SC_SIZE_BITS));

    tcb_init(t);
    tcb_set_name(t, "rootserver", TCB_NAME_BYTES);
    set_reg(t, REG_PC, a->ui_entry);
    set_reg(t, REG_FAULT_IP, a->ui_entry);
    set_reg(t, REG_X0, l->bootinfo);
    set_reg(t, REG_SPSR, KEEL_ROOT_TASK_SPSR);
    t->ipc_buffer = l->ipc_buffer;
    t->priority = seL4_MaxPrio;
    t->mcp = seL4_MaxPrio;

    put_cap(seL4_CapInitThreadTCB, thread_cap_new(paddr_of(t)));
    copy_into_tcb(seL4_CapInitThreadCNode, t, TCB_CTABLE);
    copy_into_tcb(seL4_CapInitThreadVSpace, t, TCB_VTABLE);
    copy_into_tcb(seL4_CapInitThreadIPCBuffer, t, TCB_BUFFER);

    sched_context_init(sc, KEEL_ROOT_SC_SIZE_BITS);
    sched_context_configure(sc, boot_time_slice(), boot_time_slice(), 0, 0, false);
    sched_context_bind_tcb(sc, t);
    put_cap(seL4_CapInitThreadSC, sched_context_cap_new(paddr_of(sc), KEEL_ROOT_SC_SIZE_BITS));
    return t;
}

/* ---- putting it together ----------------------------------------------------------------------- */

static void collect_free_memory(const boot_args_t *a)
{
    for (word_t i = 0; i < a->num_ram; i++)
        free_mem_add(a->ram[i].start, a->ram[i].end);
    free_mem_remove(a->kernel_start, a->kernel_end);
    free_mem_remove(a->ui_start, a->ui_end);
    if (a->dtb_size)
        free_mem_remove(ROUND_DOWN(a->dtb_start, seL4_PageBits),
                        ROUND_UP(a->dtb_start + a->dtb_size, seL4_PageBits));
}

static void print_boot_summary(const boot_args_t *a, const root_layout_t *l)
{
    word_t ram = 0, free_bytes = 0;

    for (word_t i = 0; i < a->num_ram; i++)
        ram += a->ram[i].end - a->ram[i].start;
    for (word_t i = 0; i < bootinfo->untyped.end - bootinfo->untyped.start; i++)
        if (!bootinfo->untyped_list[i].is_device)
            free_bytes += BIT(bootinfo->untyped_list[i].size_bits);
    kprintf("keel: RAM %lu MiB, %lu KiB free as untyped, root task image [%lx, %lx), entry %lx\n",
            ram >> 20, free_bytes >> 10, l->image_start, l->image_end, a->ui_entry);
    kprintf("keel: slots: paging [%lu,%lu) extra [%lu,%lu) schedcontrol [%lu,%lu) "
            "frames [%lu,%lu) untyped [%lu,%lu) empty [%lu,%lu)\n",
            bootinfo->user_image_paging.start, bootinfo->user_image_paging.end,
            bootinfo->extra_bi_pages.start, bootinfo->extra_bi_pages.end,
            bootinfo->schedcontrol.start, bootinfo->schedcontrol.end,
            bootinfo->user_image_frames.start, bootinfo->user_image_frames.end,
            bootinfo->untyped.start, bootinfo->untyped.end,
            bootinfo->empty.start, bootinfo->empty.end);
}

NORETURN void kernel_boot(const boot_args_t *a)
{
    root_layout_t l = plan_layout(a);
    paddr_t p;

    collect_free_memory(a);

    /* The root CNode holds itself in slot seL4_CapInitThreadCNode. */
    paddr_t cnode = boot_alloc(ROOT_CNODE_BITS + seL4_SlotBits);
    root_slots = pptr_of(cnode);
    put_cap(seL4_CapInitThreadCNode,
            cnode_cap_new(cnode, ROOT_CNODE_BITS, seL4_WordBits - ROOT_CNODE_BITS, 0));

    /* Address space: VSpace with ASID 1 from ASID pool 0. */
    cap_t pool;
    cap_t vspace = vspace_boot_init(boot_alloc(seL4_VSpaceBits), boot_alloc(seL4_ASIDPoolBits),
                                    ROOT_ASID, &pool);
    put_cap(seL4_CapInitThreadVSpace, vspace);
    put_cap(seL4_CapInitThreadASIDPool, pool);

    slot_region_t paging = make_paging_tables(vspace, l.image_start, l.end);
    slot_region_t extra = make_extra_bootinfo(vspace, &l, a);
    free_mem_add(ROUND_DOWN(a->dtb_start, seL4_PageBits),   /* the DTB is copied now */
                 a->dtb_size ? ROUND_UP(a->dtb_start + a->dtb_size, seL4_PageBits) : 0);

    put_cap(seL4_CapInitThreadIPCBuffer, map_new_frame(vspace, l.ipc_buffer, false, &p));
    put_cap(seL4_CapBootInfoFrame, map_new_frame(vspace, l.bootinfo, false, &p));
    bootinfo = pptr_of(p);

    slot_region_t schedcontrol = { next_free_slot, next_free_slot + 1 };
    put_next_cap(sched_control_cap_new(0));
    slot_region_t frames = make_image_frames(vspace, a);

    put_cap(seL4_CapIRQControl, irq_control_cap_new());
    put_cap(seL4_CapASIDControl, asid_control_cap_new());
    put_cap(seL4_CapDomain, domain_cap_new());
    irq_init(&root_slots[seL4_CapIRQControl]);
    invariants_add_root(root_slots, BIT(ROOT_CNODE_BITS));   /* where the checker starts */

    make_idle_thread();
    tcb_t *root = make_root_thread(&l, a);

    *bootinfo = (boot_info_t){
        .extra_len = l.extra_len,
        .node_id = 0,
        .num_nodes = 1,
        .num_iopt_levels = 0,
        .ipc_buffer = l.ipc_buffer,
        .user_image_frames = frames,
        .user_image_paging = paging,
        .extra_bi_pages = extra,
        .init_thread_cnode_size_bits = ROOT_CNODE_BITS,
        .init_thread_domain = 0,
        .schedcontrol = schedcontrol,
        .untyped = { next_free_slot, next_free_slot },
    };
    add_device_untypeds(a);
    add_ram_untypeds();
    bootinfo->empty = (slot_region_t){ next_free_slot, BIT(ROOT_CNODE_BITS) };
    print_boot_summary(a, &l);

    /* Start on the idle thread and switch to the root task at once. */
    ks_cur_thread = ks_idle_thread;
    ks_cur_sc = ks_idle_thread->sc;
    ks_cur_time = arch_timer_now();
    ks_reprogram = true;
    set_thread_state(root, ThreadState_Running);
    ks_sched_action = root;
    schedule();
    activate_thread();
    arch_return_to_user();
}
