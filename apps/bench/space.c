/*
 * Keel benchmarks: a second address space running the root task's image.
 *
 * The new VSpace gets an ASID from the initial ASID pool and maps copies of the root
 * task's image frame caps (bootinfo userImageFrames) at the same virtual addresses:
 * text and read-only data read-only, the rest read-write. Its CSpace is a small CNode
 * of its own whose guard makes cptrs resolve with the full 64-bit depth.
 */
#include <stdio.h>
#include <sel4/sel4.h>
#include "bench.h"

#define SPACE_CNODE_BITS 6
#define PAGE_SIZE (1ul << seL4_PageBits)

/* From libs/crt/user.lds: the image, and the first (page-aligned) writable byte. */
extern char __keel_image_start[], __keel_image_end[], __init_array_start[];

seL4_Word image_base(void)
{
    return (seL4_Word)__keel_image_start & ~(PAGE_SIZE - 1);
}

static seL4_Word image_frame_count(void)
{
    const seL4_SlotRegion *r = &env_bootinfo()->userImageFrames;
    return r->end - r->start;
}

static seL4_Word frame_index(seL4_Word vaddr)
{
    seL4_Word i = (vaddr - image_base()) / PAGE_SIZE;
    if (vaddr < image_base() || i >= image_frame_count()) {
        bench_die("address outside the root task image", seL4_RangeError);
    }
    return i;
}

seL4_CPtr space_frame_cap(const struct space *s, seL4_Word vaddr)
{
    seL4_Word i = frame_index(vaddr);
    return s ? s->frames_start + i : env_bootinfo()->userImageFrames.start + i;
}

static void check_image_size(void)
{
    seL4_Word need = ((seL4_Word)__keel_image_end - image_base() + PAGE_SIZE - 1) / PAGE_SIZE;
    if (image_frame_count() < need) {
        printf("bench: bootinfo has %lu image frames, the image needs %lu\n",
               image_frame_count(), need);
        bench_die("userImageFrames does not cover the image", seL4_RangeError);
    }
}

/* Copies of all image frame caps, in consecutive root slots (copied before any page
 * table is allocated, so nothing else takes a slot in between), mapped into s->vspace. */
static void clone_image(struct space *s)
{
    seL4_CPtr first = env_bootinfo()->userImageFrames.start;
    s->nframes = image_frame_count();
    for (seL4_Word i = 0; i < s->nframes; i++) {
        seL4_CPtr copy = env_copy_cap(first + i);
        if (i == 0) {
            s->frames_start = copy;
        } else if (copy != s->frames_start + i) {
            bench_die("image frame copies are not in consecutive slots", seL4_RangeError);
        }
    }
    for (seL4_Word i = 0; i < s->nframes; i++) {
        seL4_Word vaddr = image_base() + i * PAGE_SIZE;
        bool writable = vaddr >= (seL4_Word)__init_array_start;
        env_map_frame(s->frames_start + i, s->vspace, vaddr,
                      writable ? seL4_ReadWrite : seL4_CanRead);
    }
}

void space_create(struct space *s)
{
    check_image_size();
    s->vspace = env_alloc_object(seL4_ARM_VSpaceObject, 0);
    check(seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, s->vspace), "ASIDPool_Assign");
    s->cnode = env_alloc_object(seL4_CapTableObject, SPACE_CNODE_BITS);
    s->next_slot = 1;               /* slot 0 stays null */
    clone_image(s);
}

seL4_CPtr space_give_cap(struct space *s, seL4_CPtr cap)
{
    if (!s) {
        return cap;
    }
    if (s->next_slot >= (1ul << SPACE_CNODE_BITS)) {
        bench_die("space CNode full", seL4_NotEnoughMemory);
    }
    seL4_CPtr dest = s->next_slot++;
    check(seL4_CNode_Copy(s->cnode, dest, SPACE_CNODE_BITS, seL4_CapInitThreadCNode, cap,
                          seL4_WordBits, seL4_AllRights), "CNode_Copy into space");
    return dest;
}

seL4_CPtr space_cnode(const struct space *s)
{
    return s ? s->cnode : seL4_CapInitThreadCNode;
}

seL4_Word space_cnode_data(const struct space *s)
{
    if (!s) {
        return seL4_NilData;
    }
    return seL4_CNode_CapData_new(0, seL4_WordBits - SPACE_CNODE_BITS).words[0];
}

seL4_CPtr space_vspace(const struct space *s)
{
    return s ? s->vspace : seL4_CapInitThreadVSpace;
}

/* ---- Checking that a space really has page tables of its own ---------------------------- */

/* A page that is mapped in both spaces at the same address, backed by different frames. */
#define PROBE_VADDR 0x50000000ul
#define MARK_ROOT 0x526f6f74ul          /* "Root" */
#define MARK_OTHER 0x4f746872ul         /* "Othr" */

static volatile seL4_Word probe_seen;
static struct sync_caps probe_sync;

static void probe_fn(seL4_Word arg) __attribute__((noreturn));
static void probe_fn(seL4_Word arg)
{
    probe_seen = *(volatile seL4_Word *)PROBE_VADDR;
    thread_finish((const struct sync_caps *)arg);
}

/* Map the probe page: root's frame at PROBE_VADDR, the other space's frame at
 * PROBE_VADDR in that space (and at the next page in the root, to write its mark). */
static void map_probe_pages(struct space *s)
{
    seL4_CPtr root_frame = env_alloc_object(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr other_frame = env_alloc_object(seL4_ARM_SmallPageObject, 0);
    env_map_frame(root_frame, seL4_CapInitThreadVSpace, PROBE_VADDR, seL4_ReadWrite);
    env_map_frame(other_frame, seL4_CapInitThreadVSpace, PROBE_VADDR + PAGE_SIZE,
                  seL4_ReadWrite);
    env_map_frame(env_copy_cap(other_frame), s->vspace, PROBE_VADDR, seL4_CanRead);
    *(volatile seL4_Word *)PROBE_VADDR = MARK_ROOT;
    *(volatile seL4_Word *)(PROBE_VADDR + PAGE_SIZE) = MARK_OTHER;
}

void space_verify(struct space *s)
{
    static struct thread probe;

    map_probe_pages(s);
    probe_sync = sync_caps_for(s);
    thread_create(&probe, "space-probe", s, PRIO_LOW, 0);
    thread_start(&probe, probe_fn, (seL4_Word)&probe_sync);
    sync_wait_done();
    thread_stop(&probe);
    if (probe_seen != MARK_OTHER) {
        printf("bench: a thread of the second space read 0x%lx at 0x%lx, expected 0x%lx\n",
               (unsigned long)probe_seen, PROBE_VADDR, MARK_OTHER);
        bench_die("the second address space does not use its own page tables",
                  seL4_IllegalOperation);
    }
    printf("address-space check: a thread of the second space sees its own page at 0x%lx\n",
           PROBE_VADDR);
}
