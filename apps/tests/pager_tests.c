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

/* ---- fault message layouts (ABI (f)), beyond fault_tests.c ----------------------------------- */

void pg_brk(void);
extern char pg_brk_insn[], pg_aligned_ret[];

__asm__(".text\n"
        ".global pg_brk\n"
        ".type pg_brk, %function\n"
        "pg_brk:\n"
        ".global pg_brk_insn\n"
        "pg_brk_insn:\n"
        "    brk #0x4b3\n"
        "    ret\n"
        ".size pg_brk, . - pg_brk\n"
        ".balign 16\n"
        ".global pg_aligned_ret\n"
        "pg_aligned_ret:\n"
        "    ret\n");

struct ue_child {
    volatile int step;
};

static void ue_child_fn(seL4_Word arg)
{
    struct ue_child *c = (struct ue_child *)arg;
    pg_brk();
    c->step = 1;
    /* A branch to a misaligned address: PC alignment fault at that address. */
    (void)probe_call((seL4_Word)(uintptr_t)pg_aligned_ret + 2);
    c->step = 2;
}

/* Check a UserException message: FaultIP, SP, SPSR, Number = ESR, Code = 0 (ABI (f)). */
static int check_user_exception(seL4_MessageInfo_t info, const struct thread *t, seL4_Word ip,
                                seL4_Word esr)
{
    CHECK_EQ_R(seL4_MessageInfo_get_label(info), seL4_Fault_UserException, -1);
    CHECK_EQ_R(seL4_MessageInfo_get_length(info), seL4_UserException_Length, -1);
    CHECK_EQ_R(seL4_GetMR(seL4_UserException_FaultIP), ip, -1);
    seL4_Word sp = seL4_GetMR(seL4_UserException_SP);
    CHECK_R(sp > t->stack_base - 16 && sp <= t->stack_top, -1);
    CHECK_EQ_R(seL4_GetMR(seL4_UserException_SPSR) & SPSR_MODE_DAIF_MASK, SPSR_EL0T_F, -1);
    CHECK_EQ_R(seL4_GetMR(seL4_UserException_Number), esr, -1);
    CHECK_EQ_R(seL4_GetMR(seL4_UserException_Code), 0, -1);
    seL4_UserContext regs;
    TRY_R(read_regs(t->tcb, &regs), -1);
    CHECK_EQ_R(regs.sp, sp, -1);
    CHECK_EQ_R(regs.pc, ip, -1);
    return 0;
}

/*
 * UserException (3) for other exception classes than the undefined instruction of
 * fault_tests.c, field by field: BRK (ESR EC 0x3c with the immediate), a PC alignment
 * fault (EC 0x22, FaultIP = the misaligned target). The reply's FaultIP word is taken
 * (ABI (f)): the handler moves the pc past the brk, then back to the caller. (SP
 * alignment faults, EC 0x26, are not tested: QEMU does not check SP alignment.)
 */
TEST(fault_layout_user_exception_kinds)
{
    static struct thread t;
    static struct ue_child c;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    c.step = 0;
    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, ROOT, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, ue_child_fn, (seL4_Word)(uintptr_t)&c));

    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    TRY(check_user_exception(info, &t, (seL4_Word)(uintptr_t)pg_brk_insn,
                             (0x3cul << 26) | FSR_IL | 0x4b3));
    CHECK_EQ(c.step, 0);
    seL4_Word rep[3] = {seL4_GetMR(0) + 4, seL4_GetMR(1), seL4_GetMR(2)};
    fault_reply(&f, 0, 3, rep);

    seL4_Word target = (seL4_Word)(uintptr_t)pg_aligned_ret + 2;
    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    TRY(check_user_exception(info, &t, target, (0x22ul << 26) | FSR_IL));
    CHECK_EQ(c.step, 1);
    seL4_UserContext regs;
    TRY(read_regs(t.tcb, &regs));
    CHECK_EQ(regs.x30, (seL4_Word)(uintptr_t)probe_call_insn + 4);
    rep[0] = regs.x30;
    rep[1] = seL4_GetMR(1);
    rep[2] = seL4_GetMR(2);
    fault_reply(&f, 0, 3, rep);

    TRY(fault_wait_exit(&f));
    CHECK_EQ(c.step, 2);
}

struct sys_child {
    seL4_Word in[RAW_IN_REGS];
    seL4_Word out[RAW_OUT_REGS];
    volatile int done;
};

static void sys_child_fn(seL4_Word arg)
{
    struct sys_child *c = (struct sys_child *)arg;
    raw_syscall(c->in, c->out);
    c->done = 1;
}

static void sys_child_init(struct sys_child *c, seL4_Word number)
{
    for (int k = 0; k < RAW_IN_REGS; k++)
        c->in[k] = 0x5c000000ul + (seL4_Word)k * 0x111;
    c->in[7] = number;
    for (int k = 0; k < RAW_OUT_REGS; k++)
        c->out[k] = 0;
    c->done = 0;
}

#define BIG_SYSCALL 0x123456789abcul /* an unknown syscall number that needs all 64 bits */

/* Check every field of an UnknownSyscall message for the svc of raw_syscall. */
static int check_unknown_syscall(seL4_MessageInfo_t info, const struct sys_child *c,
                                 const struct thread *t)
{
    CHECK_EQ_R(seL4_MessageInfo_get_label(info), seL4_Fault_UnknownSyscall, -1);
    CHECK_EQ_R(seL4_MessageInfo_get_length(info), seL4_UnknownSyscall_Length, -1);
    for (int k = 0; k <= 7; k++)
        CHECK_EQ_R(seL4_GetMR(seL4_UnknownSyscall_X0 + k), c->in[k], -1);
    CHECK_EQ_R(seL4_GetMR(seL4_UnknownSyscall_FaultIP), (seL4_Word)(uintptr_t)raw_syscall_svc, -1);
    seL4_Word sp = seL4_GetMR(seL4_UnknownSyscall_SP);
    CHECK_R(sp > t->stack_base && sp < t->stack_top && (sp & 15) == 0, -1);
    CHECK_EQ_R(seL4_GetMR(seL4_UnknownSyscall_LR), (seL4_Word)(uintptr_t)raw_syscall_svc + 4, -1);
    CHECK_EQ_R(seL4_GetMR(seL4_UnknownSyscall_SPSR) & SPSR_MODE_DAIF_MASK, SPSR_EL0T_F, -1);
    CHECK_EQ_R(seL4_GetMR(seL4_UnknownSyscall_Syscall), c->in[7], -1);
    return 0;
}

/*
 * UnknownSyscall (2), every field (ABI (f)): MR0..7 = x0..x7, MR8 = FaultIP (the svc),
 * MR9 = SP, MR10 = ELR (after the svc), MR11 = SPSR, MR12 = the full 64-bit number.
 * Replies: a short reply (3 words) sets x0..x2 only and, without a FaultIP word,
 * restarts the svc (the same fault again, with the new x0..x2); a full 12-word reply
 * sets x0..x7, FaultIP (the thread goes on after the svc), SP, and a sanitised SPSR
 * (NZCV kept, mode bits forced to EL0t); the ELR word has no lasting effect. With
 * label != 0 the words are taken but the thread stays stopped.
 */
TEST(fault_layout_unknown_syscall_fields)
{
    static struct sys_child c;
    static struct thread t;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    sys_child_init(&c, BIG_SYSCALL);
    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, ROOT, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, sys_child_fn, (seL4_Word)(uintptr_t)&c));
    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    TRY(check_unknown_syscall(info, &c, &t));
    seL4_Word sp = seL4_GetMR(seL4_UnknownSyscall_SP);

    seL4_Word rep[12] = {0xa0, 0xa1, 0xa2};
    fault_reply(&f, 0, 3, rep);
    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    c.in[0] = 0xa0;
    c.in[1] = 0xa1;
    c.in[2] = 0xa2;
    TRY(check_unknown_syscall(info, &c, &t));
    CHECK_MR(seL4_UnknownSyscall_SP, sp);
    CHECK_EQ(c.done, 0);

    for (int k = 0; k <= 7; k++)
        rep[k] = 0xb0 + (seL4_Word)k;
    rep[8] = (seL4_Word)(uintptr_t)raw_syscall_svc + 4;
    rep[9] = sp;
    rep[10] = 0x1234; /* ELR: ignored */
    rep[11] = 0x600003c5ul; /* Z and C set; the low bits must not survive */
    fault_reply(&f, 0, 12, rep);
    TRY(fault_wait_exit(&f));
    CHECK_EQ(c.done, 1);
    for (int k = 0; k <= 7; k++)
        CHECK_EQ(c.out[k], 0xb0 + (seL4_Word)k);
    CHECK_EQ(c.out[29], sp);
    thread_destroy(&t);

    /* Label != 0: registers from the reply, thread stopped. */
    sys_child_init(&c, 77);
    TRY(thread_create(&t, ROOT, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, sys_child_fn, (seL4_Word)(uintptr_t)&c));
    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    TRY(check_unknown_syscall(info, &c, &t));
    sp = seL4_GetMR(seL4_UnknownSyscall_SP);
    for (int k = 0; k <= 7; k++)
        rep[k] = 0xc0 + (seL4_Word)k;
    rep[8] = 0x400100;
    rep[9] = sp - 64;
    rep[10] = 0x1234;
    rep[11] = 0xf00003c5ul;
    fault_reply(&f, 2, 12, rep);
    for (int i = 0; i < 100; i++)
        seL4_Yield();
    CHECK_EQ(c.done, 0);
    seL4_UserContext regs;
    TRY(read_regs(t.tcb, &regs));
    CHECK_EQ(regs.pc, 0x400100);
    CHECK_EQ(regs.sp, sp - 64);
    CHECK_EQ(regs.spsr, 0xf0000040ul);
    const seL4_Word *x = &regs.x0;
    CHECK_EQ(x[0], 0xc0);
    CHECK_EQ(regs.x1, 0xc1);
    CHECK_EQ(regs.x7, 0xc7);
}

/* One raw syscall from a child; CapFault cases below. */
static int start_sys_child(struct thread *t, struct sys_child *c, struct vspace_env *e,
                           struct fault_ep *f)
{
    if (e)
        TRY_R(thread_create_in(t, e, f->badged, TEST_CHILD_PRIO), -1);
    else
        TRY_R(thread_create(t, ROOT, 0, f->badged, TEST_CHILD_PRIO), -1);
    return thread_start(t, sys_child_fn, (seL4_Word)(uintptr_t)c);
}

/* Check MR0..MR2 of a CapFault and its lookup failure words (MR3..; ABI (e) encoding). */
static int check_cap_fault(seL4_MessageInfo_t info, seL4_Word cptr, seL4_Word recv,
                           const seL4_Word *lf, seL4_Word nlf)
{
    CHECK_EQ_R(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault, -1);
    CHECK_EQ_R(seL4_MessageInfo_get_length(info), seL4_CapFault_LookupFailureType + nlf, -1);
    CHECK_EQ_R(seL4_GetMR(seL4_CapFault_IP), (seL4_Word)(uintptr_t)raw_syscall_svc, -1);
    CHECK_EQ_R(seL4_GetMR(seL4_CapFault_Addr), cptr, -1);
    CHECK_EQ_R(seL4_GetMR(seL4_CapFault_InRecvPhase), recv, -1);
    for (seL4_Word i = 0; i < nlf; i++)
        CHECK_EQ_R(seL4_GetMR((int)(seL4_CapFault_LookupFailureType + i)), lf[i], -1);
    return 0;
}

/*
 * CapFault (1) with each kind of lookup failure (Keel reports the real one, length
 * 4..7; fault_tests.c covers a guard mismatch in the root CNode):
 * MissingCapability(0) for Recv on an empty slot and on an endpoint cap without Read
 * (length 5); in a child's own two-level CSpace, DepthMismatch (length 6) and a guard
 * mismatch at the second level (length 7, guardFound = the node's guard); InvalidRoot
 * (length 4) once the thread's CSpace root is gone. CapFault replies restart the
 * syscall whatever the label.
 */
TEST(fault_layout_cap_fault_lookup_failures)
{
    static struct sys_child c;
    static struct thread t;
    static struct vspace_env e;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    TRY(fault_ep_create(&f));
    seL4_CPtr empty = alloc_slot();
    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    seL4_CPtr ep_wo = ep ? cap_mint(ep, seL4_CanWrite, 0) : 0;
    CHECK(empty && ep && ep_wo);

    /* Recv on an empty slot, then on a send-only endpoint cap. */
    const seL4_CPtr recv_on[2] = {empty, ep_wo};
    for (int i = 0; i < 2; i++) {
        sys_child_init(&c, (seL4_Word)seL4_SysRecv);
        c.in[0] = recv_on[i];
        c.in[6] = f.reply;
        TRY(start_sys_child(&t, &c, NULL, &f));
        TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
        TRY(check_cap_fault(info, recv_on[i], 1, (const seL4_Word[]){seL4_MissingCapability, 0}, 2));
        fault_reply(&f, 3, 0, NULL); /* label 3: restarted all the same */
        TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
        TRY(check_cap_fault(info, recv_on[i], 1, (const seL4_Word[]){seL4_MissingCapability, 0}, 2));
        CHECK_EQ(c.done, 0);
        thread_destroy(&t);
    }

    /* A CSpace of its own: root CNode radix 6 with a 50-bit guard (56 bits), slot 1 a
     * CNode of radix 10 (too deep for the last 8 bits), slot 2 a CNode of radix 6 with
     * guard 1 of 2 bits (exactly 8 bits). */
    seL4_CPtr deep = alloc_object(seL4_CapTableObject, 10);
    seL4_CPtr guarded = alloc_object(seL4_CapTableObject, 6);
    CHECK(deep && guarded);
    TRY(vspace_env_create(&e, 0, 6));
    e.cspace_data = 50;
    TRY(vspace_env_give(&e, 1, deep, seL4_AllRights));
    CHECK_OK(seL4_CNode_Mint(e.cspace, 2, (seL4_Uint8)e.cspace_bits, ROOT, guarded, 64,
                             seL4_AllRights, (1ul << 6) | 2));
    struct {
        seL4_Word cptr, lf[4], nlf;
    } cases[] = {
        {(1ul << 8) | 5, {seL4_DepthMismatch, 8, 10}, 3},
        {(2ul << 8) | 5, {seL4_GuardMismatch, 8, 1, 2}, 4},
        {(1ul << 62) | 5, {seL4_GuardMismatch, 64, 0, 50}, 4},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sys_child_init(&c, (seL4_Word)seL4_SysSend);
        c.in[0] = cases[i].cptr;
        c.in[1] = 0;
        TRY(start_sys_child(&t, &c, &e, &f));
        TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
        TRY(check_cap_fault(info, cases[i].cptr, 0, cases[i].lf, cases[i].nlf));
        thread_destroy(&t);
    }

    /* The CSpace root goes away under the thread: InvalidRoot. */
    sys_child_init(&c, (seL4_Word)seL4_SysSend);
    c.in[0] = 1;
    c.in[1] = 0;
    TRY(thread_create_in(&t, &e, f.badged, TEST_CHILD_PRIO));
    CHECK_OK(seL4_CNode_Revoke(ROOT, e.cspace, 64));
    CHECK_OK(seL4_CNode_Delete(ROOT, e.cspace, 64));
    TRY(thread_start(&t, sys_child_fn, (seL4_Word)(uintptr_t)&c));
    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    TRY(check_cap_fault(info, 1, 0, (const seL4_Word[]){seL4_InvalidRoot}, 1));
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
}

static void cap_fault_fn(seL4_Word arg)
{
    struct sys_child *c = (struct sys_child *)arg;
    c->done = 1;
    raw_syscall(c->in, c->out);
    c->done = 2;
}

/*
 * No fault handler (ABI (f)): a CapFault, an UnknownSyscall and a VMFault each leave the
 * thread Inactive at the faulting instruction (the kernel prints one line for each, with
 * the thread's name, the fault, the address and the pc); the kernel carries on.
 */
TEST(fault_no_handler_kinds)
{
    static struct sys_child c[3];
    static struct thread t[3];

    sys_child_init(&c[0], (seL4_Word)seL4_SysSend);
    c[0].in[0] = 1ul << 60;
    c[0].in[1] = 0;
    sys_child_init(&c[1], 0x4242);
    for (int i = 0; i < 2; i++) {
        TRY(thread_create(&t[i], ROOT, 0, seL4_CapNull, TEST_CHILD_PRIO));
        TRY(thread_start(&t[i], cap_fault_fn, (seL4_Word)(uintptr_t)&c[i]));
    }
    static struct rw_child v;
    v.addr = 0x7e0000000010ul;
    v.step = 0;
    TRY(thread_create(&t[2], ROOT, 0, seL4_CapNull, TEST_CHILD_PRIO));
    TRY(thread_start(&t[2], load_fn, (seL4_Word)(uintptr_t)&v));
    let_others_run(300);
    CHECK_EQ(c[0].done, 1);
    CHECK_EQ(c[1].done, 1);
    CHECK_EQ(v.step, 1);
    seL4_UserContext regs;
    for (int i = 0; i < 2; i++) {
        TRY(read_regs(t[i].tcb, &regs));
        CHECK_EQ(regs.pc, (seL4_Word)(uintptr_t)raw_syscall_svc);
    }
    TRY(read_regs(t[2].tcb, &regs));
    CHECK_EQ(regs.pc, (seL4_Word)(uintptr_t)probe_load_insn);
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
}
