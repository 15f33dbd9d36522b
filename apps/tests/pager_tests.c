/*
 * Pager and fault tests: child threads in address spaces (and CSpaces) of their own
 * (framework: vspace_env) take VM faults that the root task resolves by mapping frames,
 * share memory through copied frame caps, and fault without a handler; fault message
 * layouts field by field against ABI (f), beyond what fault_tests.c covers.
 */
#include "framework.h"

#include <sel4/keel.h>

#define ROOT seL4_CapInitThreadCNode
#define PAGE 4096ul
/* Regions of the children's VSpaces where nothing is mapped until a test maps it (the
 * image and the IPC buffers are far below). Each is a whole level-0 entry (512 GiB). */
#define PAGER_REGION 0x300000000000ul
#define PAGER_REGION_B 0x310000000000ul
#define GIB (1ul << 30)
#define MIB2 (1ul << 21)

#define SPSR_MODE_DAIF_MASK 0x3ffull
#define SPSR_EL0T_F 0x40ull

static void let_others_run(unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        seL4_Yield();
}

/* A fresh 4 KiB frame mapped read-write in the root VSpace; *vaddr receives where. */
static seL4_CPtr root_frame(seL4_Word *vaddr)
{
    seL4_CPtr frame = alloc_object(seL4_ARM_SmallPageObject, 0);
    if (!frame)
        return 0;
    *vaddr = alloc_vaddr(1);
    if (map_frame(frame, *vaddr, seL4_ReadWrite, seL4_ARM_Default_VMAttributes))
        return 0;
    return frame;
}

static volatile seL4_Word *word_at(seL4_Word vaddr)
{
    return (volatile seL4_Word *)(uintptr_t)vaddr;
}

/* ---- demand paging ------------------------------------------------------------------------ */

#define PAGER_STEPS 4

struct pager_child {
    seL4_Word addr[PAGER_STEPS];
    volatile seL4_Word seen[PAGER_STEPS];
    volatile int step;
};

static void pager_child_fn(seL4_Word arg)
{
    struct pager_child *c = (struct pager_child *)arg;
    for (int i = 0; i < PAGER_STEPS; i++) {
        c->seen[i] = probe_load(c->addr[i]);
        probe_store(c->addr[i] + 8, c->seen[i] ^ 0xffffu);
        c->step = i + 1;
    }
}

/*
 * The pager test: a child in its own VSpace and CSpace reads four unmapped addresses,
 * chosen so that the walk stops at level 0, 1, 2 and 3 in turn. For each, the root task
 * receives a VMFault (ABI (f): IP = the load, Addr = the exact address, data abort with
 * a translation fault of that level, WnR clear) while the child stays blocked; it then
 * maps a frame holding a pattern (creating the page tables it needs) and replies, the
 * load is restarted and returns the pattern, and the child's store lands in the frame.
 */
TEST(pager_demand_paging)
{
    static struct vspace_env e;
    static struct thread t;
    static struct pager_child c;
    struct fault_ep f;

    c.addr[0] = PAGER_REGION + 0x123010;            /* no level-1 table yet */
    c.addr[1] = PAGER_REGION + 5 * GIB + 0x20;      /* level-1 table, no level-2 entry */
    c.addr[2] = PAGER_REGION + 5 * GIB + 7 * MIB2 + 0x30; /* level-2 table, no entry */
    c.addr[3] = c.addr[2] + 3 * PAGE;               /* level-3 table, no entry */
    c.step = 0;
    for (int i = 0; i < PAGER_STEPS; i++)
        c.seen[i] = 0;

    TRY(fault_ep_create(&f));
    TRY(vspace_env_create(&e, 0, 4));
    TRY(thread_create_in(&t, &e, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, pager_child_fn, (seL4_Word)(uintptr_t)&c));

    seL4_Word root_va[PAGER_STEPS];
    for (int i = 0; i < PAGER_STEPS; i++) {
        EXPECT_VM_FAULT(&f, probe_load_insn, c.addr[i], 0, FSC_TRANSLATION(i), 0);
        /* Blocked on its reply: it gets no further while the root task waits. */
        let_others_run(20);
        CHECK_EQ(c.step, i);

        seL4_CPtr frame = root_frame(&root_va[i]);
        CHECK(frame);
        seL4_Word off = c.addr[i] & (PAGE - 1);
        *word_at(root_va[i] + off) = 0xc0de0000ul + (seL4_Word)i;
        TRY(vspace_env_map_copy(&e, frame, c.addr[i] & ~(PAGE - 1), seL4_ReadWrite,
                                seL4_ARM_Default_VMAttributes));
        fault_reply(&f, 0, 0, NULL);
    }
    TRY(fault_wait_exit(&f));
    CHECK_EQ(c.step, PAGER_STEPS);
    for (int i = 0; i < PAGER_STEPS; i++) {
        seL4_Word off = c.addr[i] & (PAGE - 1);
        CHECK_EQ(c.seen[i], 0xc0de0000ul + (seL4_Word)i);
        CHECK_EQ(*word_at(root_va[i] + off + 8), (0xc0de0000ul + (seL4_Word)i) ^ 0xffffu);
    }
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
}

/* ---- write faults on read-only mappings ------------------------------------------------------- */

struct rw_child {
    seL4_Word addr;
    volatile seL4_Word seen;
    volatile int step;
};

static void read_then_write_fn(seL4_Word arg)
{
    struct rw_child *c = (struct rw_child *)arg;
    c->seen = probe_load(c->addr);
    c->step = 1;
    probe_store(c->addr, c->seen + 1);
    c->step = 2;
}

/*
 * A pager that maps read-only first: the child's read faults (translation), is served
 * with a read-only mapping, then its write faults with a permission fault (level 3) and
 * WnR set; the pager re-maps the same frame cap at the same address read-write (ABI (j)
 * remap) and the restarted store completes.
 */
TEST(pager_write_fault_upgrade)
{
    static struct vspace_env e;
    static struct thread t;
    static struct rw_child c;
    struct fault_ep f;

    c.addr = PAGER_REGION + 0x5000 + 0x40;
    c.seen = 0;
    c.step = 0;
    TRY(fault_ep_create(&f));
    TRY(vspace_env_create(&e, 0, 4));
    TRY(thread_create_in(&t, &e, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, read_then_write_fn, (seL4_Word)(uintptr_t)&c));

    EXPECT_VM_FAULT(&f, probe_load_insn, c.addr, 0, FSC_TRANSLATION(0), 0);
    seL4_Word va;
    seL4_CPtr frame = root_frame(&va);
    CHECK(frame);
    *word_at(va + 0x40) = 41;
    seL4_CPtr copy = cap_copy(frame, seL4_AllRights);
    CHECK(copy);
    TRY(vspace_env_map(&e, copy, c.addr & ~(PAGE - 1), seL4_CanRead,
                       seL4_ARM_Default_VMAttributes));
    fault_reply(&f, 0, 0, NULL);

    EXPECT_VM_FAULT(&f, probe_store_insn, c.addr, 0, FSC_PERMISSION(3), 1);
    CHECK_EQ(c.step, 1);
    CHECK_EQ(c.seen, 41);
    CHECK_EQ(*word_at(va + 0x40), 41);
    CHECK_OK(seL4_ARM_Page_Map(copy, e.vspace, c.addr & ~(PAGE - 1), seL4_ReadWrite,
                               seL4_ARM_Default_VMAttributes));
    fault_reply(&f, 0, 0, NULL);
    TRY(fault_wait_exit(&f));
    CHECK_EQ(c.step, 2);
    CHECK_EQ(*word_at(va + 0x40), 42);
}

/*
 * ABI (f): a VMFault reply's label and words are ignored and the thread is always
 * restarted at the faulting instruction with its registers unchanged.
 */
TEST(pager_vm_fault_reply_label_ignored)
{
    static struct vspace_env e;
    static struct thread t;
    static struct rw_child c;
    struct fault_ep f;

    c.addr = PAGER_REGION + 0x7000 + 0x18;
    c.seen = 0;
    c.step = 0;
    TRY(fault_ep_create(&f));
    TRY(vspace_env_create(&e, 0, 4));
    TRY(thread_create_in(&t, &e, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, read_then_write_fn, (seL4_Word)(uintptr_t)&c));

    EXPECT_VM_FAULT(&f, probe_load_insn, c.addr, 0, FSC_TRANSLATION(0), 0);
    seL4_UserContext before, after;
    TRY(read_regs(t.tcb, &before));
    CHECK_EQ(before.pc, (seL4_Word)(uintptr_t)probe_load_insn);
    CHECK_EQ(before.x0, c.addr);

    /* Reply with an error label and words that would be registers for other faults:
     * the fault is not resolved, so the same fault comes back. */
    seL4_Word junk[4] = {0x1111, 0x2222, 0x3333, 0xf00000c5};
    fault_reply(&f, 5, 4, junk);
    EXPECT_VM_FAULT(&f, probe_load_insn, c.addr, 0, FSC_TRANSLATION(0), 0);
    TRY(read_regs(t.tcb, &after));
    CHECK_EQ(after.pc, before.pc);
    CHECK_EQ(after.sp, before.sp);
    CHECK_EQ(after.spsr, before.spsr);
    CHECK_EQ(after.x0, before.x0);
    CHECK_EQ(after.x1, before.x1);
    CHECK_EQ(c.step, 0);

    seL4_Word va;
    seL4_CPtr frame = root_frame(&va);
    CHECK(frame);
    *word_at(va + 0x18) = 99;
    TRY(vspace_env_map_copy(&e, frame, c.addr & ~(PAGE - 1), seL4_ReadWrite,
                            seL4_ARM_Default_VMAttributes));
    fault_reply(&f, 1, 4, junk); /* label 1: still restarted */
    TRY(fault_wait_exit(&f));
    CHECK_EQ(c.seen, 99);
    CHECK_EQ(*word_at(va + 0x18), 100);
}

/* ---- shared memory between two VSpaces --------------------------------------------------------- */

#define SHARE_WORDS 64
#define SHARE_FLAG 0x800  /* byte offsets of the handshake words in the shared frame */
#define SHARE_ACK 0x808
#define SHARE_SUM 0x810

static void share_writer_fn(seL4_Word base)
{
    for (seL4_Word i = 0; i < SHARE_WORDS; i++)
        word_at(base)[i] = 0x5a5a0000ul + i * 3;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    *word_at(base + SHARE_FLAG) = 1;
    while (*word_at(base + SHARE_ACK) == 0)
        seL4_Yield();
}

static void share_reader_fn(seL4_Word base)
{
    while (*word_at(base + SHARE_FLAG) == 0)
        seL4_Yield();
    seL4_Word sum = 0;
    for (seL4_Word i = 0; i < SHARE_WORDS; i++)
        sum += word_at(base)[i] ^ i;
    *word_at(base + SHARE_SUM) = sum;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    *word_at(base + SHARE_ACK) = 1;
}

/*
 * Shared memory: one frame, two copies of its cap, each mapped in a different child
 * VSpace at a different address. The writer's data and the handshake travel only
 * through the frame; the root task checks the result through a third mapping.
 */
TEST(pager_shared_memory_two_vspaces)
{
    static struct vspace_env a, b;
    static struct thread ta, tb;
    struct fault_ep fa, fb;
    seL4_Word va;

    seL4_CPtr frame = root_frame(&va);
    CHECK(frame);
    seL4_CPtr ca = cap_copy(frame, seL4_AllRights);
    seL4_CPtr cb = cap_copy(frame, seL4_AllRights);
    CHECK(ca && cb);
    seL4_Word base_a = PAGER_REGION + 0x3000, base_b = PAGER_REGION_B + 0x42000;

    TRY(fault_ep_create(&fa));
    TRY(fault_ep_create(&fb));
    TRY(vspace_env_create(&a, 0, 4));
    TRY(vspace_env_create(&b, 0, 4));
    TRY(vspace_env_map(&a, ca, base_a, seL4_ReadWrite, seL4_ARM_Default_VMAttributes));
    TRY(vspace_env_map(&b, cb, base_b, seL4_ReadWrite, seL4_ARM_Default_VMAttributes));
    /* Each address is mapped in one VSpace only. */
    TRY(thread_create_in(&ta, &a, fa.badged, TEST_CHILD_PRIO));
    TRY(thread_create_in(&tb, &b, fb.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&tb, share_reader_fn, base_b));
    TRY(thread_start(&ta, share_writer_fn, base_a));

    TRY(fault_wait_exit(&fb));
    TRY(fault_wait_exit(&fa));
    seL4_Word want = 0;
    for (seL4_Word i = 0; i < SHARE_WORDS; i++)
        want += (0x5a5a0000ul + i * 3) ^ i;
    CHECK_EQ(*word_at(va + SHARE_SUM), want);
    CHECK_EQ(*word_at(va + SHARE_ACK), 1);
    CHECK_EQ(word_at(va)[SHARE_WORDS - 1], 0x5a5a0000ul + (SHARE_WORDS - 1) * 3);

    /* The same copies, mapped elsewhere: a cap maps one place only (InvalidArgument 0
     * for another address, InvalidCapability 1 for another VSpace). */
    CHECK_ERR(seL4_ARM_Page_Map(ca, a.vspace, base_a + PAGE, seL4_ReadWrite,
                                seL4_ARM_Default_VMAttributes), seL4_InvalidArgument);
    CHECK_ERR(seL4_ARM_Page_Map(ca, b.vspace, base_a, seL4_ReadWrite,
                                seL4_ARM_Default_VMAttributes), seL4_InvalidCapability);
}

/* ---- no fault handler ------------------------------------------------------------------------ */

static void load_fn(seL4_Word arg)
{
    struct rw_child *c = (struct rw_child *)arg;
    c->step = 1;
    c->seen = probe_load(c->addr);
    c->step = 2;
}

/*
 * ABI (f): a thread in its own VSpace without a fault handler that takes a VMFault is
 * made Inactive (the kernel prints one line naming the thread, the fault, the address
 * and the pc); it is not restarted and the kernel carries on.
 */
TEST(pager_vm_fault_no_handler)
{
    static struct vspace_env e;
    static struct thread t;
    static struct rw_child c;

    c.addr = PAGER_REGION + 0xabc008;
    c.step = 0;
    TRY(vspace_env_create(&e, 0, 4));
    TRY(thread_create_in(&t, &e, seL4_CapNull, TEST_CHILD_PRIO));
    TRY(thread_start(&t, load_fn, (seL4_Word)(uintptr_t)&c));
    for (int i = 0; i < 200 && c.step == 0; i++)
        seL4_Yield();
    CHECK_EQ(c.step, 1);
    let_others_run(200);
    CHECK_EQ(c.step, 1);
    seL4_UserContext regs;
    TRY(read_regs(t.tcb, &regs));
    CHECK_EQ(regs.pc, (seL4_Word)(uintptr_t)probe_load_insn);
    CHECK_EQ(regs.x0, c.addr);
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
}
