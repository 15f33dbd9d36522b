/*
 * Keel benchmarks: object creation and mapping, measured in the root task.
 *
 * Untyped_Retype of a 4 KiB frame out of a 4 KiB untyped (the kernel clears the
 * frame), then CNode_Delete of the frame cap, which leaves the untyped empty again for
 * the next round; Page_Map of a 4 KiB frame where the page tables already exist, then
 * Page_Unmap. These go through the libsel4 invocation stubs, whose few instructions
 * are part of the numbers; only the counter-pair overhead is subtracted.
 */
#include <stdio.h>
#include <sel4/sel4.h>
#include "bench.h"
#include "cycles.h"

/* A free region of the root task's address space (the image is at 0x400000). */
#define MAP_VADDR 0x40000000ul
#define PAGE_SIZE (1ul << seL4_PageBits)

static uint64_t t_a[BENCH_TOTAL], t_b[BENCH_TOTAL], t_c[BENCH_TOTAL];

static void retype_delete(void)
{
    seL4_CPtr ut = env_alloc_object(seL4_UntypedObject, seL4_PageBits);
    seL4_CPtr slot = env_alloc_slot();

    for (unsigned i = 0; i < BENCH_TOTAL; i++) {
        uint64_t a = read_ccnt();
        seL4_Error e1 = seL4_Untyped_Retype(ut, seL4_ARM_SmallPageObject, 0,
                                            seL4_CapInitThreadCNode, 0, 0, slot, 1);
        uint64_t b = read_ccnt();
        seL4_Error e2 = seL4_CNode_Delete(seL4_CapInitThreadCNode, slot, seL4_WordBits);
        uint64_t c = read_ccnt();
        check(e1, "Untyped_Retype (4 KiB frame, repeated)");
        check(e2, "CNode_Delete (frame)");
        t_a[i] = a;
        t_b[i] = b;
        t_c[i] = c;
    }
}

static void map_unmap(void)
{
    seL4_CPtr frame = env_alloc_object(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr neighbour = env_alloc_object(seL4_ARM_SmallPageObject, 0);

    /* Mapping the neighbouring page creates the page tables the loop will use. */
    env_map_frame(neighbour, seL4_CapInitThreadVSpace, MAP_VADDR + PAGE_SIZE, seL4_ReadWrite);
    for (unsigned i = 0; i < BENCH_TOTAL; i++) {
        uint64_t a = read_ccnt();
        seL4_Error e1 = seL4_ARM_Page_Map(frame, seL4_CapInitThreadVSpace, MAP_VADDR,
                                          seL4_ReadWrite, seL4_ARM_Default_VMAttributes);
        uint64_t b = read_ccnt();
        seL4_Error e2 = seL4_ARM_Page_Unmap(frame);
        uint64_t c = read_ccnt();
        check(e1, "Page_Map (4 KiB, repeated)");
        check(e2, "Page_Unmap (4 KiB)");
        t_a[i] = a;
        t_b[i] = b;
        t_c[i] = c;
    }
}

void run_memory_benchmarks(const struct overheads *o)
{
    struct stats s;

    report_header("Memory management invocations (root task, libsel4 stubs included)");
    retype_delete();
    s = stats_of_deltas(t_a, t_b, o->ccnt);
    report("untyped_retype_4k_frame", 0, &s);
    s = stats_of_deltas(t_b, t_c, o->ccnt);
    report("cnode_delete_4k_frame", 0, &s);

    map_unmap();
    s = stats_of_deltas(t_a, t_b, o->ccnt);
    report("page_map_4k", 0, &s);
    s = stats_of_deltas(t_b, t_c, o->ccnt);
    report("page_unmap_4k", 0, &s);
}
