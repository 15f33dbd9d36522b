/*
 * Address-space tests (ABI (d), (e), (j), INVOCATIONS): Page/PageTable/VSpace/ASID
 * invocations with every error in seL4's order, rights and attributes as seen by user
 * accesses, large pages, sharing, replacement and stale mappings, cache maintenance,
 * GetAddress, ASID pools, and deletion (frames, tables, VSpaces, pools, untypeds) that
 * must unmap and flush.
 *
 * Accesses that are expected to fault are made by child threads (the root task has no
 * fault handler). A child in the root VSpace runs a "script" of loads, stores, calls and
 * invocations; making the invocation that changes a mapping from the child itself, right
 * after it touched the address, catches missing TLB maintenance (nothing else runs and
 * no address-space switch happens in between).
 */
#include "framework.h"

#include <sel4/keel.h>

#define ROOT seL4_CapInitThreadCNode
#define ROOT_VS seL4_CapInitThreadVSpace
#define PAGE 4096ul
#define MIB2 (1ul << 21)
#define GIB (1ul << 30)
#define RIGHTS_RW 3ul
#define RIGHTS_R 2ul
#define ATTR_DEFAULT 3ul
#define ATTR_XN 4ul
#define USER_TOP 0x00007ffffffffffful
#define KERNEL_VADDR 0xffffff8040000000ul

/* A level-0 entry (512 GiB) of the root VSpace per test, where no table exists yet. */
static seL4_Word region(unsigned n)
{
    return 0x100000000000ul + (seL4_Word)n * (1ul << 39);
}

static volatile seL4_Word *word_at(seL4_Word vaddr)
{
    return (volatile seL4_Word *)(uintptr_t)vaddr;
}

/* ---- raw invocations (full replies) ---------------------------------------------------------- */

static seL4_MessageInfo_t r_map(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr,
                                seL4_Word rights, seL4_Word attr)
{
    seL4_Word mrs[3] = {vaddr, rights, attr};
    return raw_call(frame, ARMPageMap, 3, mrs, 1, &vspace);
}

static seL4_MessageInfo_t r_pt_map(seL4_CPtr pt, seL4_CPtr vspace, seL4_Word vaddr)
{
    seL4_Word mrs[2] = {vaddr, ATTR_DEFAULT};
    return raw_call(pt, ARMPageTableMap, 2, mrs, 1, &vspace);
}

static seL4_MessageInfo_t r_call0(seL4_CPtr cap, seL4_Word label)
{
    return raw_call(cap, label, 0, NULL, 0, NULL);
}

static seL4_MessageInfo_t r_range(seL4_CPtr cap, seL4_Word label, seL4_Word start, seL4_Word end)
{
    seL4_Word mrs[2] = {start, end};
    return raw_call(cap, label, 2, mrs, 0, NULL);
}

static seL4_MessageInfo_t r_assign(seL4_CPtr pool, seL4_CPtr vspace)
{
    return raw_call(pool, ARMASIDPoolAssign, 0, NULL, 1, &vspace);
}

static seL4_MessageInfo_t r_make_pool(seL4_CPtr ut, seL4_CPtr root, seL4_Word index,
                                      seL4_Word depth)
{
    seL4_Word mrs[2] = {index, depth};
    seL4_CPtr caps[2] = {ut, root};
    return raw_call(seL4_CapASIDControl, ARMASIDControlMakePool, 2, mrs, 2, caps);
}

static seL4_MessageInfo_t r_copy(seL4_CPtr dest, seL4_CPtr src)
{
    seL4_Word mrs[5] = {dest, 64, src, 64, 0xf};
    seL4_CPtr root = ROOT;
    return raw_call(ROOT, CNodeCopy, 5, mrs, 1, &root);
}

static seL4_MessageInfo_t r_mint(seL4_CPtr dest, seL4_CPtr src)
{
    seL4_Word mrs[6] = {dest, 64, src, 64, 0xf, 0};
    seL4_CPtr root = ROOT;
    return raw_call(ROOT, CNodeMint, 6, mrs, 1, &root);
}

static seL4_Word frame_paddr(seL4_CPtr frame)
{
    seL4_ARM_Page_GetAddress_t ga = seL4_ARM_Page_GetAddress(frame);
    if (ga.error != seL4_NoError)
        FAIL_R(~0ul, "Page_GetAddress(%llu): %s", (unsigned long long)frame,
               err_name((seL4_Word)ga.error));
    return ga.paddr;
}

/* A page table, mapped into `vspace` for vaddr (at the first missing level). */
static seL4_CPtr new_table(seL4_CPtr vspace, seL4_Word vaddr)
{
    seL4_CPtr pt = alloc_object(seL4_ARM_PageTableObject, 0);
    if (!pt)
        return 0;
    seL4_Error err = seL4_ARM_PageTable_Map(pt, vspace, vaddr, ATTR_DEFAULT);
    if (err)
        FAIL_R(0, "PageTable_Map(0x%llx): %s", (unsigned long long)vaddr, err_name(err));
    return pt;
}

/* A fresh VSpace with an ASID from the root task's pool (no tables). */
static seL4_CPtr new_vspace(void)
{
    seL4_CPtr vs = alloc_object(seL4_ARM_VSpaceObject, 0);
    if (!vs)
        return 0;
    seL4_Error err = seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vs);
    if (err)
        FAIL_R(0, "ASIDPool_Assign: %s", err_name(err));
    return vs;
}

/* A fresh frame of `type` mapped read-write, cacheable, into the root VSpace at vaddr. */
static seL4_CPtr mapped_frame(seL4_Word type, seL4_Word vaddr)
{
    seL4_CPtr f = alloc_object(type, 0);
    if (!f)
        return 0;
    if (map_frame(f, vaddr, seL4_ReadWrite, ATTR_DEFAULT))
        return 0;
    return f;
}

/* ---- child scripts ----------------------------------------------------------------------------- */

enum op_kind { OP_END, OP_LOAD, OP_STORE, OP_CALL, OP_FN };

struct op {
    int kind;
    seL4_Word addr, val;
    seL4_Word (*fn)(seL4_Word);
};

#define SCRIPT_MAX 16

struct script {
    struct op ops[SCRIPT_MAX];
    volatile seL4_Word result[SCRIPT_MAX];
    volatile int done; /* number of ops completed */
};

static void script_fn(seL4_Word arg)
{
    struct script *s = (struct script *)arg;
    for (int i = 0; i < SCRIPT_MAX && s->ops[i].kind != OP_END; i++) {
        const struct op *o = &s->ops[i];
        switch (o->kind) {
        case OP_LOAD:
            s->result[i] = probe_load(o->addr);
            break;
        case OP_STORE:
            probe_store(o->addr, o->val);
            break;
        case OP_CALL:
            s->result[i] = probe_call(o->addr);
            break;
        case OP_FN:
            s->result[i] = o->fn(o->val);
            break;
        }
        s->done = i + 1;
    }
}

static void script_reset(struct script *s)
{
    for (int i = 0; i < SCRIPT_MAX; i++) {
        s->ops[i] = (struct op){0};
        s->result[i] = 0xdeadbeefdeadbeeful;
    }
    s->done = 0;
}

static int n_ops(const struct script *s)
{
    int n = 0;
    while (n < SCRIPT_MAX && s->ops[n].kind != OP_END)
        n++;
    return n;
}

static void op_load(struct script *s, seL4_Word addr)
{
    s->ops[n_ops(s)] = (struct op){OP_LOAD, addr, 0, NULL};
}

static void op_store(struct script *s, seL4_Word addr, seL4_Word val)
{
    s->ops[n_ops(s)] = (struct op){OP_STORE, addr, val, NULL};
}

static void op_call(struct script *s, seL4_Word addr)
{
    s->ops[n_ops(s)] = (struct op){OP_CALL, addr, 0, NULL};
}

static void op_fn(struct script *s, seL4_Word (*fn)(seL4_Word), seL4_Word arg)
{
    s->ops[n_ops(s)] = (struct op){OP_FN, 0, arg, fn};
}

/* Invocations a script can make (arguments through a static request block). */
struct map_req {
    seL4_CPtr frame, vspace;
    seL4_Word vaddr, rights, attr;
};

static seL4_Word fn_map(seL4_Word arg)
{
    const struct map_req *m = (const struct map_req *)arg;
    return seL4_ARM_Page_Map(m->frame, m->vspace, m->vaddr, (seL4_CapRights_t){{m->rights}},
                             (seL4_ARM_VMAttributes)m->attr);
}

static seL4_Word fn_unmap(seL4_Word cap)
{
    return seL4_ARM_Page_Unmap(cap);
}

static seL4_Word fn_pt_unmap(seL4_Word cap)
{
    return seL4_ARM_PageTable_Unmap(cap);
}

static seL4_Word fn_delete(seL4_Word cap)
{
    return seL4_CNode_Delete(ROOT, cap, 64);
}

static seL4_Word fn_revoke(seL4_Word cap)
{
    return seL4_CNode_Revoke(ROOT, cap, 64);
}

/* A script child in the root VSpace and CSpace, with fault endpoint f. */
static int start_script(struct thread *t, struct fault_ep *f, struct script *s)
{
    TRY_R(fault_ep_create(f), -1);
    TRY_R(thread_create(t, ROOT, 0, f->badged, TEST_CHILD_PRIO), -1);
    return thread_start(t, script_fn, (seL4_Word)(uintptr_t)s);
}

/* After a fault in op `op` of script s: check how far it got, skip the faulting load or
 * store (or return from a faulting call) and let the child go on. */
static int resume_after(struct thread *t, struct fault_ep *f, struct script *s, int op)
{
    if (s->done != op)
        FAIL_R(-1, "fault in op %d, but the script had completed %d ops", op, s->done);
    if (s->ops[op].kind == OP_CALL) {
        seL4_UserContext regs;
        TRY_R(read_regs(t->tcb, &regs), -1);
        regs.pc = regs.x30;
        seL4_Error err = seL4_TCB_WriteRegisters(t->tcb, false, 0, 1, &regs);
        if (err)
            FAIL_R(-1, "TCB_WriteRegisters: %s", err_name(err));
    } else {
        TRY_R(skip_insn(t), -1);
    }
    fault_reply(f, 0, 0, NULL);
    return 0;
}

/* Expect a data abort in op `op` (a load or store of the script) and skip it. */
#define EXPECT_DATA_FAULT(t, f, s, op, fsc)                                           \
    do {                                                                             \
        EXPECT_VM_FAULT(f, (s)->ops[op].kind == OP_LOAD ? probe_load_insn : probe_store_insn, \
                        (s)->ops[op].addr, 0, fsc, (s)->ops[op].kind == OP_STORE);   \
        TRY(resume_after(t, f, s, op));                                              \
    } while (0)

/* Wait for the script's end and check every OP_FN result is 0 (success). */
static int finish_script(struct fault_ep *f, struct script *s)
{
    TRY_R(fault_wait_exit(f), -1);
    int n = n_ops(s);
    if (s->done != n)
        FAIL_R(-1, "script completed %d of %d ops", s->done, n);
    for (int i = 0; i < n; i++)
        if (s->ops[i].kind == OP_FN && s->result[i] != 0)
            FAIL_R(-1, "script op %d (invocation) returned %s", i, err_name(s->result[i]));
    return 0;
}

/* ---- Page_Map errors ---------------------------------------------------------------------------- */

/*
 * Every Page_Map error in seL4's order (ABI (e), (j)): TruncatedMessage; the VSpace cap
 * (extra cap 0) without an ASID or not a VSpace -> InvalidCapability 1; misaligned ->
 * AlignmentError; a mapped cap at another address -> InvalidArgument 0, in another
 * VSpace -> InvalidCapability 1; beyond seL4_UserTop (the kernel window) ->
 * InvalidArgument 0; missing tables -> FailedLookup (not source) MissingCapability with
 * bitsLeft 39/30/21 (4 KiB, 2 MiB), or 12 when a level-3 table covers a 2 MiB frame's
 * place. Failed calls change nothing.
 */
TEST(vspace_page_map_errors)
{
    seL4_CPtr vs = new_vspace();
    seL4_CPtr noasid = alloc_object(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr frame = alloc_object(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr large = alloc_object(seL4_ARM_LargePageObject, 0);
    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    seL4_CPtr unmapped_pt = alloc_object(seL4_ARM_PageTableObject, 0);
    CHECK(vs && noasid && frame && large && ep && unmapped_pt);
    const seL4_Word v = 0x0000123456600000ul; /* 2 MiB aligned, in a fresh VSpace */
    seL4_Word mrs[3] = {v, RIGHTS_RW, ATTR_DEFAULT};

    /* Truncated: fewer than 3 words or no extra cap; it comes before anything else. */
    CHECK_REPLY0(raw_call(frame, ARMPageMap, 2, mrs, 1, &vs), seL4_TruncatedMessage);
    CHECK_REPLY0(raw_call(frame, ARMPageMap, 3, mrs, 0, NULL), seL4_TruncatedMessage);
    CHECK_REPLY0(raw_call(frame, ARMPageMap, 2, mrs, 1, &noasid), seL4_TruncatedMessage);

    /* Extra cap 0 must be a VSpace with an ASID. */
    CHECK_REPLY(r_map(frame, noasid, v, RIGHTS_RW, ATTR_DEFAULT), seL4_InvalidCapability, 1);
    CHECK_REPLY(r_map(frame, ep, v, RIGHTS_RW, ATTR_DEFAULT), seL4_InvalidCapability, 1);
    CHECK_REPLY(r_map(frame, unmapped_pt, v, RIGHTS_RW, ATTR_DEFAULT), seL4_InvalidCapability, 1);
    CHECK_REPLY(r_map(frame, frame, v, RIGHTS_RW, ATTR_DEFAULT), seL4_InvalidCapability, 1);
    CHECK_REPLY(r_map(frame, noasid, v + 8, RIGHTS_RW, ATTR_DEFAULT), seL4_InvalidCapability, 1);

    /* Alignment to the frame's size, checked before the address range. */
    CHECK_REPLY0(r_map(frame, vs, v + 0x800, RIGHTS_RW, ATTR_DEFAULT), seL4_AlignmentError);
    CHECK_REPLY0(r_map(large, vs, v + PAGE, RIGHTS_RW, ATTR_DEFAULT), seL4_AlignmentError);
    CHECK_REPLY0(r_map(frame, vs, USER_TOP, RIGHTS_RW, ATTR_DEFAULT), seL4_AlignmentError);

    /* Past seL4_UserTop: the kernel's half is never mappable. */
    CHECK_REPLY(r_map(frame, vs, USER_TOP + 1, RIGHTS_RW, ATTR_DEFAULT), seL4_InvalidArgument, 0);
    CHECK_REPLY(r_map(frame, vs, KERNEL_VADDR, RIGHTS_RW, ATTR_DEFAULT), seL4_InvalidArgument, 0);
    CHECK_REPLY(r_map(large, vs, 0xffffffffffe00000ul, RIGHTS_RW, ATTR_DEFAULT),
                seL4_InvalidArgument, 0);
    CHECK_REPLY(r_map(frame, ROOT_VS, KERNEL_VADDR, RIGHTS_RW, ATTR_DEFAULT),
                seL4_InvalidArgument, 0);

    /* Missing tables, level by level (bitsLeft = bits still to translate). The last
     * 2 MiB of user space is a valid place (only the tables are missing). */
    CHECK_REPLY(r_map(frame, vs, v, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup, 0,
                seL4_MissingCapability, 39);
    CHECK_REPLY(r_map(large, vs, USER_TOP + 1 - MIB2, RIGHTS_RW, ATTR_DEFAULT),
                seL4_FailedLookup, 0, seL4_MissingCapability, 39);
    seL4_CPtr l1 = new_table(vs, v);
    CHECK(l1);
    CHECK_REPLY(r_map(frame, vs, v, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup, 0,
                seL4_MissingCapability, 30);
    CHECK_REPLY(r_map(large, vs, v, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup, 0,
                seL4_MissingCapability, 30);
    seL4_CPtr l2 = new_table(vs, v);
    CHECK(l2);
    CHECK_REPLY(r_map(frame, vs, v, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup, 0,
                seL4_MissingCapability, 21);
    /* A 2 MiB frame fits at level 2 now; a level-3 table next to it blocks it there. */
    CHECK_REPLY0(r_map(large, vs, v, RIGHTS_RW, ATTR_DEFAULT), seL4_NoError);
    CHECK_OK(seL4_ARM_Page_Unmap(large));
    seL4_CPtr l3 = new_table(vs, v);
    CHECK(l3);
    CHECK_REPLY(r_map(large, vs, v, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup, 0,
                seL4_MissingCapability, 12);

    /* Success; then the mapped cap may only be re-mapped at the same place. */
    CHECK_REPLY0(r_map(frame, vs, v, RIGHTS_RW, ATTR_DEFAULT), seL4_NoError);
    CHECK_REPLY(r_map(frame, vs, v + PAGE, RIGHTS_RW, ATTR_DEFAULT), seL4_InvalidArgument, 0);
    CHECK_REPLY(r_map(frame, ROOT_VS, v, RIGHTS_RW, ATTR_DEFAULT), seL4_InvalidCapability, 1);
    /* Order: alignment before the mapped-cap checks; those before the range check. */
    CHECK_REPLY0(r_map(frame, ROOT_VS, v + 0x10, RIGHTS_RW, ATTR_DEFAULT), seL4_AlignmentError);
    CHECK_REPLY(r_map(frame, ROOT_VS, USER_TOP + 1, RIGHTS_RW, ATTR_DEFAULT),
                seL4_InvalidCapability, 1);
    CHECK_REPLY(r_map(frame, vs, USER_TOP + 1, RIGHTS_RW, ATTR_DEFAULT), seL4_InvalidArgument, 0);
    CHECK_REPLY0(r_map(frame, vs, v, RIGHTS_R, ATTR_DEFAULT), seL4_NoError); /* remap */

    /* Nothing changed by the failures: the unmapped 2 MiB frame and the 4 KiB frame
     * still behave as before. */
    CHECK_OK(seL4_ARM_Page_Unmap(frame));
    CHECK_REPLY0(r_map(frame, vs, v + PAGE, RIGHTS_RW, ATTR_DEFAULT), seL4_NoError);
    CHECK_REPLY0(r_map(large, vs, v + MIB2, RIGHTS_RW, ATTR_DEFAULT), seL4_NoError);
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
    cap_delete(frame);
    cap_delete(large);
    cap_delete(l3);
    cap_delete(l2);
    cap_delete(l1);
    cap_delete(vs);
}

/*
 * PageTable_Map errors in seL4's order: TruncatedMessage (fewer than 2 words, no extra
 * cap); the table already mapped -> InvalidCapability 0; extra cap not a VSpace with an
 * ASID -> InvalidCapability 1; vaddr > seL4_UserTop -> InvalidArgument 0; every level
 * present, or the slot holds a frame (2 MiB or 1 GiB block) -> DeleteFirst. The table
 * goes in at the first missing level (ABI (j)).
 */
TEST(vspace_page_table_map_errors)
{
    seL4_CPtr vs = new_vspace();
    seL4_CPtr noasid = alloc_object(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr pts = alloc_slots(5);
    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    seL4_CPtr large = alloc_object(seL4_ARM_LargePageObject, 0);
    seL4_CPtr frame = alloc_object(seL4_ARM_SmallPageObject, 0);
    CHECK(vs && noasid && pts && ep && large && frame);
    seL4_CPtr ut = alloc_object(seL4_UntypedObject, 16);
    CHECK(ut);
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_ARM_PageTableObject, 0, ROOT, 0, 0, pts, 5));
    const seL4_Word v = 0x0000400000000000ul + 3 * GIB + 5 * MIB2;
    seL4_Word mrs[2] = {v, ATTR_DEFAULT};

    CHECK_REPLY0(raw_call(pts, ARMPageTableMap, 1, mrs, 1, &vs), seL4_TruncatedMessage);
    CHECK_REPLY0(raw_call(pts, ARMPageTableMap, 2, mrs, 0, NULL), seL4_TruncatedMessage);
    CHECK_REPLY(r_pt_map(pts, noasid, v), seL4_InvalidCapability, 1);
    CHECK_REPLY(r_pt_map(pts, ep, v), seL4_InvalidCapability, 1);
    CHECK_REPLY(r_pt_map(pts, pts + 1, v), seL4_InvalidCapability, 1);
    CHECK_REPLY(r_pt_map(pts, vs, USER_TOP + 1), seL4_InvalidArgument, 0);
    CHECK_REPLY(r_pt_map(pts, vs, KERNEL_VADDR), seL4_InvalidArgument, 0);
    CHECK_REPLY(r_pt_map(pts, noasid, KERNEL_VADDR), seL4_InvalidCapability, 1);

    /* Levels 1, 2, 3, then nothing is missing. */
    CHECK_REPLY0(r_pt_map(pts, vs, v), seL4_NoError);
    CHECK_REPLY(r_pt_map(pts, vs, v), seL4_InvalidCapability, 0);
    CHECK_REPLY(r_pt_map(pts, noasid, USER_TOP + 1), seL4_InvalidCapability, 0);
    CHECK_REPLY0(r_pt_map(pts + 1, vs, v), seL4_NoError);
    CHECK_REPLY0(r_pt_map(pts + 2, vs, v + 0x1234), seL4_NoError);
    CHECK_REPLY0(r_pt_map(pts + 3, vs, v), seL4_DeleteFirst);
    CHECK_REPLY0(r_pt_map(pts + 3, vs, v + MIB2 - PAGE), seL4_DeleteFirst);
    /* The level-3 table covers [v, v + 2 MiB): a page maps there directly. */
    CHECK_REPLY0(r_map(frame, vs, v + MIB2 - PAGE, RIGHTS_RW, ATTR_DEFAULT), seL4_NoError);

    /* A 2 MiB block in the level-2 slot next door: no table can go there. */
    CHECK_REPLY0(r_map(large, vs, v + MIB2, RIGHTS_RW, ATTR_DEFAULT), seL4_NoError);
    CHECK_REPLY0(r_pt_map(pts + 3, vs, v + MIB2), seL4_DeleteFirst);
    CHECK_REPLY0(r_pt_map(pts + 3, vs, v + MIB2 + 0x5000), seL4_DeleteFirst);
    CHECK_OK(seL4_ARM_Page_Unmap(large));
    CHECK_REPLY0(r_pt_map(pts + 3, vs, v + MIB2 + 0x5000), seL4_NoError);

    /* A table at level 1 of another 512 GiB region covers 1 GiB of the next level. */
    CHECK_REPLY0(r_pt_map(pts + 4, vs, 0x0000500000000000ul), seL4_NoError);
    CHECK_REPLY(r_map(frame, vs, 0x0000500000000000ul, RIGHTS_RW, ATTR_DEFAULT),
                seL4_InvalidArgument, 0); /* still mapped at v + 2 MiB - 4 KiB */
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
    cap_delete(frame);
    cap_delete(large);
    CHECK_OK(seL4_CNode_Revoke(ROOT, ut, 64));
    cap_delete(vs);
}

/*
 * Labels that do not belong to the invoked cap type give IllegalOperation (ABI
 * "Invocation summary"), for frames, page tables, VSpaces, ASID control and pools.
 */
TEST(vspace_illegal_labels)
{
    seL4_CPtr frame = alloc_object(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr pt = alloc_object(seL4_ARM_PageTableObject, 0);
    seL4_CPtr vs = new_vspace();
    CHECK(frame && pt && vs);
    static const seL4_Word frame_bad[] = {0, UntypedRetype, ARMPageTableMap, ARMVSpaceClean_Data,
                                          ARMASIDPoolAssign, ARMASIDControlMakePool, 55, 1000};
    static const seL4_Word pt_bad[] = {0, TCBConfigure, ARMPageMap, ARMPageGetAddress,
                                       ARMVSpaceClean_Data, ARMASIDPoolAssign, 55};
    static const seL4_Word vs_bad[] = {0, CNodeCopy, ARMPageMap, ARMPageTableMap,
                                       ARMPageClean_Data, ARMASIDPoolAssign, ARMSMCCall, 55};
    static const seL4_Word ctl_bad[] = {0, ARMASIDPoolAssign, ARMPageMap, 55};
    static const seL4_Word pool_bad[] = {0, ARMASIDControlMakePool, ARMPageMap, 55};
    for (unsigned i = 0; i < sizeof(frame_bad) / sizeof(frame_bad[0]); i++)
        CHECK_REPLY0(r_call0(frame, frame_bad[i]), seL4_IllegalOperation);
    for (unsigned i = 0; i < sizeof(pt_bad) / sizeof(pt_bad[0]); i++)
        CHECK_REPLY0(r_call0(pt, pt_bad[i]), seL4_IllegalOperation);
    for (unsigned i = 0; i < sizeof(vs_bad) / sizeof(vs_bad[0]); i++)
        CHECK_REPLY0(r_call0(vs, vs_bad[i]), seL4_IllegalOperation);
    for (unsigned i = 0; i < sizeof(ctl_bad) / sizeof(ctl_bad[0]); i++)
        CHECK_REPLY0(r_call0(seL4_CapASIDControl, ctl_bad[i]), seL4_IllegalOperation);
    for (unsigned i = 0; i < sizeof(pool_bad) / sizeof(pool_bad[0]); i++)
        CHECK_REPLY0(r_call0(seL4_CapInitThreadASIDPool, pool_bad[i]), seL4_IllegalOperation);
    cap_delete(vs);
}

/* ---- rights, attributes -------------------------------------------------------------------------- */

/*
 * Remapping through the same cap at the same address changes the rights (ABI (j)):
 * read-write, then read-only (a write faults: permission fault, level 3, WnR set), then
 * no rights = kernel-only (reads and writes fault), then read-write again. The child
 * makes each remap itself, right after using the old mapping, so a missing TLB flush
 * shows up as an access that should have faulted.
 */
TEST(vspace_remap_rights)
{
    static struct script s;
    static struct thread t;
    static struct map_req ro, none, rw;
    struct fault_ep f;
    const seL4_Word v = alloc_vaddr(1), alias = alloc_vaddr(1);

    seL4_CPtr frame = mapped_frame(seL4_ARM_SmallPageObject, v);
    CHECK(frame);
    seL4_CPtr copy = cap_copy(frame, seL4_AllRights);
    CHECK(copy);
    TRY(map_frame(copy, alias, seL4_ReadWrite, ATTR_DEFAULT));
    ro = (struct map_req){frame, ROOT_VS, v, RIGHTS_R, ATTR_DEFAULT};
    none = (struct map_req){frame, ROOT_VS, v, 0, ATTR_DEFAULT};
    rw = (struct map_req){frame, ROOT_VS, v, RIGHTS_RW, ATTR_DEFAULT};

    script_reset(&s);
    op_store(&s, v, 0x11);                              /* 0 */
    op_fn(&s, fn_map, (seL4_Word)(uintptr_t)&ro);       /* 1 */
    op_load(&s, v);                                     /* 2 */
    op_store(&s, v, 0x22);                              /* 3: faults */
    op_fn(&s, fn_map, (seL4_Word)(uintptr_t)&none);     /* 4 */
    op_load(&s, v + 8);                                 /* 5: faults */
    op_store(&s, v, 0x33);                              /* 6: faults */
    op_fn(&s, fn_map, (seL4_Word)(uintptr_t)&rw);       /* 7 */
    op_store(&s, v, 0x44);                              /* 8 */
    op_load(&s, v);                                     /* 9 */
    TRY(start_script(&t, &f, &s));

    EXPECT_DATA_FAULT(&t, &f, &s, 3, FSC_PERMISSION(3));
    CHECK_EQ(*word_at(alias), 0x11);
    EXPECT_DATA_FAULT(&t, &f, &s, 5, FSC_PERMISSION(3));
    EXPECT_DATA_FAULT(&t, &f, &s, 6, FSC_PERMISSION(3));
    TRY(finish_script(&f, &s));
    CHECK_EQ(s.result[2], 0x11);
    CHECK_EQ(s.result[9], 0x44);
    CHECK_EQ(*word_at(alias), 0x44);
    CHECK_EQ(frame_paddr(frame), frame_paddr(copy));
}

/* Two instructions: mov x0, #42; ret. */
static const uint32_t code_ret42[2] = {0xd2800540u, 0xd65f03c0u};

/*
 * ExecuteNever (ABI (j)): code in a frame mapped executable runs; remapped with
 * seL4_ARM_ExecuteNever, the call faults with an instruction abort (PrefetchFault 1,
 * IP = Addr = the target, permission fault level 3); the pager re-maps it executable
 * and replies, and the restarted fetch succeeds. Read-only executable pages run.
 * Uncached (attribute without PageCacheable) mappings of a frame are coherent with a
 * cacheable one given the cache maintenance the ABI offers.
 */
TEST(vspace_execute_never_uncached)
{
    static struct script s;
    static struct thread t;
    static struct map_req xn, ro_x;
    struct fault_ep f;
    const seL4_Word v = alloc_vaddr(1);

    seL4_CPtr code = mapped_frame(seL4_ARM_SmallPageObject, v);
    CHECK(code);
    word_at(v)[0] = ((seL4_Word)code_ret42[1] << 32) | code_ret42[0];
    CHECK_OK(seL4_ARM_Page_Unify_Instruction(code, 0, 8));
    xn = (struct map_req){code, ROOT_VS, v, RIGHTS_RW, ATTR_DEFAULT | ATTR_XN};
    ro_x = (struct map_req){code, ROOT_VS, v, RIGHTS_R, ATTR_DEFAULT};

    script_reset(&s);
    op_call(&s, v);                                   /* 0: 42 */
    op_fn(&s, fn_map, (seL4_Word)(uintptr_t)&xn);     /* 1 */
    op_call(&s, v);                                   /* 2: faults, then 42 */
    op_load(&s, v);                                   /* 3: XN pages are readable */
    op_fn(&s, fn_map, (seL4_Word)(uintptr_t)&ro_x);   /* 4 */
    op_call(&s, v);                                   /* 5: 42 */
    TRY(start_script(&t, &f, &s));

    EXPECT_VM_FAULT(&f, v, v, 1, FSC_PERMISSION(3), -1);
    CHECK_EQ(s.done, 2);
    CHECK_OK(seL4_ARM_Page_Map(code, ROOT_VS, v, seL4_ReadWrite, ATTR_DEFAULT));
    fault_reply(&f, 0, 0, NULL);
    TRY(finish_script(&f, &s));
    CHECK_EQ(s.result[0], 42);
    CHECK_EQ(s.result[2], 42);
    CHECK_EQ(s.result[3], word_at(v)[0]);
    CHECK_EQ(s.result[5], 42);

    /* Uncached alias of a cacheable frame. */
    const seL4_Word cached = alloc_vaddr(1), uncached = alloc_vaddr(1);
    seL4_CPtr frame = mapped_frame(seL4_ARM_SmallPageObject, cached);
    CHECK(frame);
    seL4_CPtr copy = cap_copy(frame, seL4_AllRights);
    CHECK(copy);
    TRY(map_frame(copy, uncached, seL4_ReadWrite, ATTR_XN)); /* not PageCacheable */
    for (int i = 0; i < 16; i++)
        word_at(cached)[i] = 0xcafe0000ul + (seL4_Word)i;
    CHECK_OK(seL4_ARM_Page_Clean_Data(frame, 0, PAGE));
    for (int i = 0; i < 16; i++)
        CHECK_EQ(word_at(uncached)[i], 0xcafe0000ul + (seL4_Word)i);
    for (int i = 0; i < 16; i++)
        word_at(uncached)[i] = 0xbeef0000ul + (seL4_Word)i;
    CHECK_OK(seL4_ARM_Page_Invalidate_Data(frame, 0, PAGE));
    for (int i = 0; i < 16; i++)
        CHECK_EQ(word_at(cached)[i], 0xbeef0000ul + (seL4_Word)i);
    CHECK_EQ(frame_paddr(copy), frame_paddr(frame));
}

/* ---- large pages ---------------------------------------------------------------------------------- */

/* A 1 GiB frame: from a RAM untyped when one has a free 1 GiB (then *ram is set), else
 * from a device untyped. Returns its cap (0 if there is none). */
static seL4_CPtr huge_frame(bool *ram, seL4_CPtr *device_ut)
{
    const seL4_BootInfo *bi = test_bootinfo;
    seL4_CPtr slot = alloc_slot();
    if (!slot)
        return 0;
    *ram = false;
    *device_ut = 0;
    for (seL4_Word s = bi->untyped.start; s < bi->untyped.end; s++) {
        const seL4_UntypedDesc *d = &bi->untypedList[s - bi->untyped.start];
        if (d->isDevice || d->sizeBits < 30)
            continue;
        if (seL4_Untyped_Retype(s, seL4_ARM_HugePageObject, 0, ROOT, 0, 0, slot, 1) == 0) {
            *ram = true;
            return slot;
        }
    }
    seL4_CPtr dev = find_device_untyped(30, NULL, NULL);
    if (!dev)
        FAIL_R(0, "no RAM or device untyped with a free 1 GiB");
    seL4_Error err = seL4_Untyped_Retype(dev, seL4_ARM_HugePageObject, 0, ROOT, 0, 0, slot, 1);
    if (err)
        FAIL_R(0, "HugePage from device untyped %llu: %s", (unsigned long long)dev, err_name(err));
    *device_ut = dev;
    return slot;
}

/*
 * 2 MiB and 1 GiB frames (level-2 and level-1 blocks, ABI (j)): aligned mapping,
 * AlignmentError otherwise, accesses across the whole 2 MiB, FailedLookup
 * MissingCapability(12) for a 2 MiB frame where a level-3 table exists and (30) for
 * smaller frames inside a 1 GiB block, DeleteFirst for a table over a block, GetAddress
 * aligned, and unmapping flushes (the child's next access faults at level 2 / 1). The
 * 1 GiB frame comes from a device untyped when no RAM untyped has a free 1 GiB; it is
 * then mapped uncached and not touched.
 */
TEST(vspace_large_pages)
{
    static struct script s;
    static struct thread t;
    struct fault_ep f;
    const seL4_Word r = region(2);

    seL4_CPtr large = mapped_frame(seL4_ARM_LargePageObject, r);
    CHECK(large);
    CHECK_EQ(frame_paddr(large) & (MIB2 - 1), 0);
    seL4_CPtr small = mapped_frame(seL4_ARM_SmallPageObject, r + MIB2);
    CHECK(small);
    seL4_CPtr large2 = alloc_object(seL4_ARM_LargePageObject, 0);
    seL4_CPtr pt = alloc_object(seL4_ARM_PageTableObject, 0);
    CHECK(large2 && pt);
    CHECK_REPLY0(r_map(large2, ROOT_VS, r + 3 * MIB2 + PAGE, RIGHTS_RW, ATTR_DEFAULT),
                 seL4_AlignmentError);
    /* A level-3 table holds r + 2 MiB: no block there. */
    CHECK_REPLY(r_map(large2, ROOT_VS, r + MIB2, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup, 0,
                seL4_MissingCapability, 12);
    /* A block holds r: no table there, and a 4 KiB frame stops at the block. */
    CHECK_REPLY0(r_pt_map(pt, ROOT_VS, r + PAGE), seL4_DeleteFirst);
    seL4_CPtr small_in = alloc_object(seL4_ARM_SmallPageObject, 0);
    CHECK(small_in);
    CHECK_REPLY(r_map(small_in, ROOT_VS, r + 5 * PAGE, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup,
                0, seL4_MissingCapability, 21);
    CHECK_REPLY(r_map(small, ROOT_VS, r + MIB2, RIGHTS_R, ATTR_DEFAULT), seL4_NoError);

    script_reset(&s);
    op_store(&s, r, 1);                                /* 0 */
    op_store(&s, r + MIB2 - 8, 2);                     /* 1 */
    op_load(&s, r + MIB2 - 8);                         /* 2 */
    op_load(&s, r + MIB2);                             /* 3: the small page, read-only */
    op_fn(&s, fn_unmap, large);                        /* 4 */
    op_load(&s, r + 0x12340);                          /* 5: faults, level 2 */
    op_load(&s, r + MIB2);                             /* 6: still there */
    TRY(start_script(&t, &f, &s));
    EXPECT_DATA_FAULT(&t, &f, &s, 5, FSC_TRANSLATION(2));
    TRY(finish_script(&f, &s));
    CHECK_EQ(s.result[2], 2);
    /* The block's slot is free again: a table may go there now. */
    CHECK_REPLY0(r_pt_map(pt, ROOT_VS, r + PAGE), seL4_NoError);
    CHECK_OK(seL4_ARM_PageTable_Unmap(pt));
    CHECK_REPLY0(r_map(large, ROOT_VS, r, RIGHTS_RW, ATTR_DEFAULT), seL4_NoError);
    CHECK_EQ(word_at(r)[0], 1);
    CHECK_EQ(*word_at(r + MIB2 - 8), 2);
    thread_destroy(&t);

    /* 1 GiB. */
    bool ram;
    seL4_CPtr dev_ut;
    seL4_CPtr huge = huge_frame(&ram, &dev_ut);
    CHECK(huge);
    tinfo("1 GiB frame from %s memory at paddr 0x%llx", ram ? "RAM" : "device",
          (unsigned long long)frame_paddr(huge));
    CHECK_EQ(frame_paddr(huge) & (GIB - 1), 0);
    const seL4_Word g = region(3) + 5 * GIB;
    seL4_Word attr = ram ? ATTR_DEFAULT : ATTR_XN;
    CHECK_REPLY0(r_map(huge, ROOT_VS, g + MIB2, RIGHTS_RW, attr), seL4_AlignmentError);
    CHECK_REPLY(r_map(huge, ROOT_VS, g, RIGHTS_RW, attr), seL4_FailedLookup, 0,
                seL4_MissingCapability, 39);
    seL4_CPtr l1 = new_table(ROOT_VS, g);
    CHECK(l1);
    CHECK_REPLY0(r_map(huge, ROOT_VS, g, RIGHTS_RW, attr), seL4_NoError);
    CHECK_REPLY0(r_pt_map(pt, ROOT_VS, g + 7 * MIB2), seL4_DeleteFirst);
    CHECK_REPLY(r_map(large2, ROOT_VS, g + 4 * MIB2, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup,
                0, seL4_MissingCapability, 30);
    seL4_CPtr small2 = alloc_object(seL4_ARM_SmallPageObject, 0);
    CHECK(small2);
    CHECK_REPLY(r_map(small2, ROOT_VS, g + GIB - PAGE, RIGHTS_RW, ATTR_DEFAULT),
                seL4_FailedLookup, 0, seL4_MissingCapability, 30);
    if (ram) {
        script_reset(&s);
        op_store(&s, g + GIB - 8, 0x1a1a);             /* 0 */
        op_load(&s, g + GIB - 8);                      /* 1 */
        op_fn(&s, fn_unmap, huge);                     /* 2 */
        op_load(&s, g);                                /* 3: faults, level 1 */
        TRY(start_script(&t, &f, &s));
        EXPECT_DATA_FAULT(&t, &f, &s, 3, FSC_TRANSLATION(1));
        TRY(finish_script(&f, &s));
        CHECK_EQ(s.result[1], 0x1a1a);
    } else {
        CHECK_OK(seL4_ARM_Page_Unmap(huge));
    }
    /* The level-1 slot is free: smaller frames fit below new tables now. */
    seL4_CPtr l2 = new_table(ROOT_VS, g);
    CHECK(l2);
    CHECK_REPLY0(r_map(large2, ROOT_VS, g + 4 * MIB2, RIGHTS_RW, ATTR_DEFAULT), seL4_NoError);
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
    cap_delete(large2);
    cap_delete(l2);
    cap_delete(huge);
    if (dev_ut)
        CHECK_OK(seL4_CNode_Revoke(ROOT, dev_ut, 64));
    cap_delete(l1);
}

/* ---- sharing, rights of copies ------------------------------------------------------------------ */

/*
 * One frame cap maps one page (ABI (j)); sharing takes copies: the original and a copy
 * map the same frame at two addresses (writes through one are read through the other);
 * the original cannot be mapped a second time. Copies get rights masked (CNode Mint /
 * Copy rights, ABI (j) table): a read-only copy mapped with read-write rights gives a
 * read-only mapping, a copy without Read gives a kernel-only mapping, and rights never
 * grow back through further copies. Deleting a mapped copy unmaps that copy's page only.
 */
TEST(vspace_share_copied_frame)
{
    static struct script s;
    static struct thread t;
    struct fault_ep f;
    const seL4_Word v1 = alloc_vaddr(1), v2 = alloc_vaddr(1), v3 = alloc_vaddr(1),
                    v4 = alloc_vaddr(1), v5 = alloc_vaddr(1);

    seL4_CPtr frame = mapped_frame(seL4_ARM_SmallPageObject, v1);
    CHECK(frame);
    seL4_CPtr copy = cap_copy(frame, seL4_AllRights);
    seL4_CPtr ro = cap_mint(frame, seL4_CanRead, 0);
    seL4_CPtr wo = cap_copy(frame, seL4_CanWrite);
    CHECK(copy && ro && wo);
    seL4_CPtr ro_rw = cap_copy(ro, seL4_AllRights);
    CHECK(ro_rw);
    CHECK_REPLY(r_map(frame, ROOT_VS, v2, RIGHTS_RW, ATTR_DEFAULT), seL4_InvalidArgument, 0);
    TRY(map_frame(copy, v2, seL4_ReadWrite, ATTR_DEFAULT));
    TRY(map_frame(ro, v3, seL4_ReadWrite, ATTR_DEFAULT));
    TRY(map_frame(wo, v4, seL4_ReadWrite, ATTR_DEFAULT));
    TRY(map_frame(ro_rw, v5, seL4_ReadWrite, ATTR_DEFAULT));

    word_at(v1)[3] = 0x5151;
    CHECK_EQ(word_at(v2)[3], 0x5151);
    word_at(v2)[4] = 0x5252;
    CHECK_EQ(word_at(v1)[4], 0x5252);
    CHECK_EQ(word_at(v3)[4], 0x5252);
    seL4_Word pa = frame_paddr(frame);
    CHECK_EQ(frame_paddr(copy), pa);
    CHECK_EQ(frame_paddr(ro), pa);
    CHECK_EQ(frame_paddr(wo), pa);

    script_reset(&s);
    op_load(&s, v3 + 24);        /* 0 */
    op_store(&s, v3 + 24, 1);    /* 1: read-only */
    op_load(&s, v4);             /* 2: kernel-only */
    op_store(&s, v4, 2);         /* 3: kernel-only */
    op_store(&s, v5, 3);         /* 4: still read-only */
    op_store(&s, v2 + 40, 4);    /* 5: the copy is read-write */
    TRY(start_script(&t, &f, &s));
    EXPECT_DATA_FAULT(&t, &f, &s, 1, FSC_PERMISSION(3));
    EXPECT_DATA_FAULT(&t, &f, &s, 2, FSC_PERMISSION(3));
    EXPECT_DATA_FAULT(&t, &f, &s, 3, FSC_PERMISSION(3));
    EXPECT_DATA_FAULT(&t, &f, &s, 4, FSC_PERMISSION(3));
    TRY(finish_script(&f, &s));
    CHECK_EQ(s.result[0], 0x5151);
    CHECK_EQ(word_at(v1)[5], 4);
    CHECK_EQ(word_at(v1)[0], 0);
    CHECK_EQ(word_at(v1)[3], 0x5151);
    thread_destroy(&t);

    /* Deleting a copy removes its mapping only. */
    script_reset(&s);
    op_load(&s, v2 + 40);        /* 0 */
    op_fn(&s, fn_delete, copy);  /* 1 */
    op_load(&s, v2 + 40);        /* 2: faults */
    op_load(&s, v1 + 40);        /* 3 */
    op_load(&s, v3 + 40);        /* 4 */
    TRY(start_script(&t, &f, &s));
    EXPECT_DATA_FAULT(&t, &f, &s, 2, FSC_TRANSLATION(3));
    TRY(finish_script(&f, &s));
    CHECK_EQ(s.result[0], 4);
    CHECK_EQ(s.result[3], 4);
    CHECK_EQ(s.result[4], 4);
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
}

/*
 * Replacement and stale unmapping: cap A mapped at v, then an unmapped cap B mapped at
 * the same v replaces A's entry (INVOCATIONS Page_Map note); unmapping A afterwards
 * leaves B mapped (A's record is stale), unmapping B unmaps v, and A (now unmapped) can
 * be mapped again. The root task reads through v right before and after each change,
 * so stale TLB entries would show.
 */
TEST(vspace_replace_and_stale_unmap)
{
    static struct script s;
    static struct thread t;
    struct fault_ep f;
    const seL4_Word v = alloc_vaddr(1), va = alloc_vaddr(1), vb = alloc_vaddr(1);

    seL4_CPtr a = mapped_frame(seL4_ARM_SmallPageObject, va);
    seL4_CPtr b = mapped_frame(seL4_ARM_SmallPageObject, vb);
    CHECK(a && b);
    seL4_CPtr a2 = cap_copy(a, seL4_AllRights), b2 = cap_copy(b, seL4_AllRights);
    CHECK(a2 && b2);
    word_at(va)[0] = 0xaaaa;
    word_at(vb)[0] = 0xbbbb;

    TRY(map_frame(a2, v, seL4_ReadWrite, ATTR_DEFAULT));
    CHECK_EQ(word_at(v)[0], 0xaaaa);
    CHECK_REPLY0(r_map(b2, ROOT_VS, v, RIGHTS_RW, ATTR_DEFAULT), seL4_NoError);
    CHECK_EQ(word_at(v)[0], 0xbbbb);
    CHECK_OK(seL4_ARM_Page_Unmap(a2));
    CHECK_EQ(word_at(v)[0], 0xbbbb);
    word_at(v)[1] = 0xb1;
    CHECK_EQ(word_at(vb)[1], 0xb1);
    CHECK_EQ(word_at(va)[1], 0);
    /* A (unmapped now) can go elsewhere; a second copy of B cannot take v from B twice. */
    CHECK_EQ(keel_DebugCheckInvariants(), 0);

    script_reset(&s);
    op_load(&s, v);              /* 0: B */
    op_fn(&s, fn_unmap, b2);     /* 1 */
    op_load(&s, v);              /* 2: faults, level 3 */
    TRY(start_script(&t, &f, &s));
    EXPECT_DATA_FAULT(&t, &f, &s, 2, FSC_TRANSLATION(3));
    TRY(finish_script(&f, &s));
    CHECK_EQ(s.result[0], 0xbbbb);
    CHECK_REPLY0(r_map(a2, ROOT_VS, v, RIGHTS_RW, ATTR_DEFAULT), seL4_NoError);
    CHECK_EQ(word_at(v)[0], 0xaaaa);
    CHECK_OK(seL4_ARM_Page_Unmap(a2));
}

/*
 * PageTable_Unmap (ABI (j), seL4 semantics): RevokeFirst while another cap to the
 * table exists; with the final cap it unlinks the table, so everything mapped through
 * it faults (a translation fault one level up), and the table comes back empty. The
 * frame caps' records go stale: Unmap of them does nothing, and re-mapping one at its
 * old address (same cap, same place) is a remap. Deleting the final cap of a mapped
 * table unmaps it too. PageTable_Unmap of an unmapped table succeeds.
 */
TEST(vspace_page_table_unmap)
{
    static struct script s;
    static struct thread t;
    struct fault_ep f;
    const seL4_Word r = region(4) + 7 * GIB + 9 * MIB2;

    seL4_CPtr l1 = new_table(ROOT_VS, r);
    seL4_CPtr l2 = new_table(ROOT_VS, r);
    seL4_CPtr l3 = new_table(ROOT_VS, r);
    CHECK(l1 && l2 && l3);
    seL4_CPtr f1 = mapped_frame(seL4_ARM_SmallPageObject, r);
    seL4_CPtr f2 = mapped_frame(seL4_ARM_SmallPageObject, r + PAGE);
    CHECK(f1 && f2);
    word_at(r)[0] = 0xf1;
    word_at(r + PAGE)[0] = 0xf2;
    seL4_CPtr l3copy = cap_copy(l3, seL4_AllRights);
    CHECK(l3copy);
    CHECK_REPLY0(r_call0(l3, ARMPageTableUnmap), seL4_RevokeFirst);
    CHECK_REPLY0(r_call0(l3copy, ARMPageTableUnmap), seL4_RevokeFirst);
    cap_delete(l3copy);

    script_reset(&s);
    op_load(&s, r);                  /* 0 */
    op_load(&s, r + PAGE);           /* 1 */
    op_fn(&s, fn_pt_unmap, l3);      /* 2 */
    op_load(&s, r);                  /* 3: faults, level 2 */
    op_load(&s, r + PAGE + 8);       /* 4: faults, level 2 */
    TRY(start_script(&t, &f, &s));
    EXPECT_DATA_FAULT(&t, &f, &s, 3, FSC_TRANSLATION(2));
    EXPECT_DATA_FAULT(&t, &f, &s, 4, FSC_TRANSLATION(2));
    TRY(finish_script(&f, &s));
    CHECK_EQ(s.result[0], 0xf1);
    CHECK_EQ(s.result[1], 0xf2);
    thread_destroy(&t);

    CHECK_OK(seL4_ARM_PageTable_Unmap(l3)); /* unmapped already: nothing to do */
    CHECK_OK(seL4_ARM_Page_Unmap(f2));      /* stale record: nothing to do */
    /* Back in place, the table is empty: f1's address faults at level 3 ... */
    CHECK_REPLY0(r_pt_map(l3, ROOT_VS, r), seL4_NoError);
    script_reset(&s);
    op_load(&s, r);                  /* 0: faults, level 3 */
    op_load(&s, r);                  /* 1: after the remap */
    op_fn(&s, fn_delete, l3);        /* 2: the final cap of a mapped table */
    op_load(&s, r);                  /* 3: faults, level 2 */
    TRY(start_script(&t, &f, &s));
    EXPECT_VM_FAULT(&f, probe_load_insn, r, 0, FSC_TRANSLATION(3), 0);
    /* ... f1's stale record still names r: mapping it there again is a remap, elsewhere
     * InvalidArgument 0. */
    CHECK_REPLY(r_map(f1, ROOT_VS, r + 2 * PAGE, RIGHTS_RW, ATTR_DEFAULT), seL4_InvalidArgument, 0);
    CHECK_REPLY0(r_map(f1, ROOT_VS, r, RIGHTS_RW, ATTR_DEFAULT), seL4_NoError);
    TRY(resume_after(&t, &f, &s, 0));
    EXPECT_DATA_FAULT(&t, &f, &s, 3, FSC_TRANSLATION(2));
    TRY(finish_script(&f, &s));
    CHECK_EQ(s.result[1], 0xf1);
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
    CHECK_OK(seL4_ARM_Page_Unmap(f1));
    cap_delete(l2);
    cap_delete(l1);
}

/*
 * Copying needs a mapping for tables and an ASID for VSpaces (seL4 deriveCap): Copy or
 * Mint of an unmapped PageTable cap or of a VSpace cap without an ASID gives
 * IllegalOperation; mapped/assigned ones copy, and Move works either way. A frame cap
 * copies unmapped even when the original is mapped.
 */
TEST(vspace_copy_unmapped_tables)
{
    seL4_CPtr pt = alloc_object(seL4_ARM_PageTableObject, 0);
    seL4_CPtr vs = alloc_object(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr d = alloc_slots(4);
    CHECK(pt && vs && d);
    CHECK_REPLY0(r_copy(d, pt), seL4_IllegalOperation);
    CHECK_REPLY0(r_mint(d, pt), seL4_IllegalOperation);
    CHECK_REPLY0(r_copy(d, vs), seL4_IllegalOperation);
    CHECK_REPLY0(r_mint(d, vs), seL4_IllegalOperation);
    CHECK_EQ(seL4_DebugCapIdentify(d), cap_null_cap);
    CHECK_OK(seL4_CNode_Move(ROOT, d, 64, ROOT, pt, 64));
    CHECK_OK(seL4_CNode_Move(ROOT, pt, 64, ROOT, d, 64));

    CHECK_OK(seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vs));
    CHECK_REPLY0(r_copy(d, vs), seL4_NoError);
    CHECK_OK(seL4_ARM_PageTable_Map(pt, vs, 0x1000000000ul, ATTR_DEFAULT));
    CHECK_REPLY0(r_mint(d + 1, pt), seL4_NoError);
    CHECK_EQ(seL4_DebugCapIdentify(d + 1), cap_page_table_cap);
    /* The copy of the VSpace cap names the same VSpace (with its ASID). */
    CHECK_OK(seL4_ARM_PageTable_Map(alloc_object(seL4_ARM_PageTableObject, 0), d,
                                    0x1000000000ul, ATTR_DEFAULT));

    seL4_CPtr frame = mapped_frame(seL4_ARM_SmallPageObject, alloc_vaddr(1));
    CHECK(frame);
    CHECK_REPLY0(r_copy(d + 2, frame), seL4_NoError);
    CHECK_REPLY(r_map(d + 2, vs, 0x1000000000ul, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup, 0,
                seL4_MissingCapability, 21);
    CHECK_OK(seL4_CNode_Revoke(ROOT, vs, 64));
    CHECK_EQ(seL4_DebugCapIdentify(d), cap_null_cap);
    cap_delete(d + 2);
    cap_delete(d + 1);
    cap_delete(pt);
    cap_delete(vs);
}

/* ---- cache maintenance ---------------------------------------------------------------------------- */

static const seL4_Word page_flush_labels[4] = {ARMPageClean_Data, ARMPageInvalidate_Data,
                                               ARMPageCleanInvalidate_Data,
                                               ARMPageUnify_Instruction};
static const seL4_Word vspace_flush_labels[4] = {ARMVSpaceClean_Data, ARMVSpaceInvalidate_Data,
                                                 ARMVSpaceCleanInvalidate_Data,
                                                 ARMVSpaceUnify_Instruction};

/*
 * Every cache method and its errors (ABI (j), seL4's order). Page_*: TruncatedMessage;
 * unmapped frame -> IllegalOperation; end <= start -> InvalidArgument 1; range outside
 * the frame -> InvalidArgument 0; stale mapping record -> InvalidCapability 0;
 * Invalidate_Data on a mapping that is not read-write -> IllegalOperation. VSpace_*:
 * TruncatedMessage; end <= start -> InvalidArgument 1; end beyond seL4_UserTop ->
 * IllegalOperation; VSpace without ASID -> InvalidCapability 0; nothing mapped at start
 * -> success; crossing the page -> RangeError(start, last byte of the page);
 * Invalidate_Data on a read-only mapping -> IllegalOperation.
 */
TEST(vspace_cache_maintenance)
{
    const seL4_Word v = alloc_vaddr(1), vro = alloc_vaddr(1), vs1 = alloc_vaddr(1);
    const seL4_Word r = region(6);
    seL4_CPtr frame = mapped_frame(seL4_ARM_SmallPageObject, v);
    seL4_CPtr unmapped = alloc_object(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr ro = cap_copy(frame, seL4_AllRights);
    seL4_CPtr noasid = alloc_object(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr large = mapped_frame(seL4_ARM_LargePageObject, r);
    CHECK(frame && unmapped && ro && noasid && large);
    TRY(map_frame(ro, vro, seL4_CanRead, ATTR_DEFAULT));
    /* A stale record: a replaced by b at vs1. */
    seL4_CPtr a = mapped_frame(seL4_ARM_SmallPageObject, vs1);
    seL4_CPtr b = alloc_object(seL4_ARM_SmallPageObject, 0);
    CHECK(a && b);
    CHECK_OK(seL4_ARM_Page_Map(b, ROOT_VS, vs1, seL4_ReadWrite, ATTR_DEFAULT));
    for (int i = 0; i < 8; i++)
        word_at(v)[i] = (seL4_Word)i;

    for (int k = 0; k < 4; k++) {
        seL4_Word l = page_flush_labels[k];
        seL4_Word one[1] = {0};
        bool inval = l == ARMPageInvalidate_Data;
        CHECK_REPLY0(raw_call(frame, l, 1, one, 0, NULL), seL4_TruncatedMessage);
        CHECK_REPLY0(raw_call(unmapped, l, 1, one, 0, NULL), seL4_TruncatedMessage);
        CHECK_REPLY0(r_range(unmapped, l, 0, 8), seL4_IllegalOperation);
        CHECK_REPLY(r_range(frame, l, 8, 8), seL4_InvalidArgument, 1);
        CHECK_REPLY(r_range(frame, l, 16, 8), seL4_InvalidArgument, 1);
        CHECK_REPLY(r_range(frame, l, 5000, 4000), seL4_InvalidArgument, 1);
        CHECK_REPLY(r_range(frame, l, PAGE, PAGE + 1), seL4_InvalidArgument, 0);
        CHECK_REPLY(r_range(frame, l, 0, PAGE + 1), seL4_InvalidArgument, 0);
        CHECK_REPLY(r_range(large, l, 0, MIB2 + 1), seL4_InvalidArgument, 0);
        CHECK_REPLY(r_range(a, l, 0, 64), seL4_InvalidCapability, 0);
        CHECK_REPLY(r_range(a, l, 64, 0), seL4_InvalidArgument, 1);
        CHECK_REPLY0(r_range(b, l, 0, 64), seL4_NoError);
        CHECK_REPLY0(r_range(ro, l, 0, 64), inval ? seL4_IllegalOperation : seL4_NoError);
        CHECK_REPLY0(r_range(frame, l, 0, PAGE), seL4_NoError);
        CHECK_REPLY0(r_range(frame, l, 8, 16), seL4_NoError);
        CHECK_REPLY0(r_range(frame, l, PAGE - 1, PAGE), seL4_NoError);
        CHECK_REPLY0(r_range(large, l, MIB2 - 64, MIB2), seL4_NoError);
    }
    for (int k = 0; k < 4; k++) {
        seL4_Word l = vspace_flush_labels[k];
        seL4_Word one[1] = {v};
        bool inval = l == ARMVSpaceInvalidate_Data;
        CHECK_REPLY0(raw_call(ROOT_VS, l, 1, one, 0, NULL), seL4_TruncatedMessage);
        CHECK_REPLY(r_range(ROOT_VS, l, v + 8, v + 8), seL4_InvalidArgument, 1);
        CHECK_REPLY(r_range(ROOT_VS, l, KERNEL_VADDR + 8, KERNEL_VADDR), seL4_InvalidArgument, 1);
        CHECK_REPLY0(r_range(ROOT_VS, l, USER_TOP - 7, USER_TOP + 1), seL4_IllegalOperation);
        CHECK_REPLY0(r_range(ROOT_VS, l, KERNEL_VADDR, KERNEL_VADDR + 64), seL4_IllegalOperation);
        CHECK_REPLY0(r_range(noasid, l, 0, USER_TOP + 2), seL4_IllegalOperation);
        CHECK_REPLY(r_range(noasid, l, v, v + 8), seL4_InvalidCapability, 0);
        CHECK_REPLY0(r_range(frame, l, v, v + 8), seL4_IllegalOperation);
        /* Nothing mapped at start: nothing to do, even across pages. */
        CHECK_REPLY0(r_range(ROOT_VS, l, region(7), region(7) + 3 * PAGE), seL4_NoError);
        CHECK_REPLY(r_range(ROOT_VS, l, v + 4000, v + 4200), seL4_RangeError, v + 4000,
                    v + PAGE - 1);
        CHECK_REPLY(r_range(ROOT_VS, l, r + MIB2 - 8, r + MIB2 + 8), seL4_RangeError,
                    r + MIB2 - 8, r + MIB2 - 1);
        CHECK_REPLY0(r_range(ROOT_VS, l, r + 4000, r + 3 * PAGE), seL4_NoError);
        CHECK_REPLY0(r_range(ROOT_VS, l, vro, vro + 64), inval ? seL4_IllegalOperation
                                                              : seL4_NoError);
        CHECK_REPLY0(r_range(ROOT_VS, l, v, v + PAGE), seL4_NoError);
        CHECK_REPLY0(r_range(ROOT_VS, l, v + 8, v + 16), seL4_NoError);
    }
    for (int i = 0; i < 8; i++)
        CHECK_EQ(word_at(v)[i], (seL4_Word)i);
    cap_delete(large);
}

/* ---- GetAddress ---------------------------------------------------------------------------------- */

/*
 * Page_GetAddress (INVOCATIONS: reply label 0, length 1, MR0 = physical address): the
 * root image frames are physically contiguous (ABI (g)); frames retyped one after
 * another from an untyped follow each other (aligned to their size); a device frame's
 * address is the device untyped's; copies, mapped or not, give the same address.
 */
TEST(vspace_get_address)
{
    const seL4_BootInfo *bi = test_bootinfo;
    seL4_Word base = frame_paddr(bi->userImageFrames.start);
    CHECK_EQ(base & (PAGE - 1), 0);
    for (seL4_Word s = bi->userImageFrames.start; s < bi->userImageFrames.end; s++)
        CHECK_REPLY(r_call0(s, ARMPageGetAddress), seL4_NoError,
                    base + (s - bi->userImageFrames.start) * PAGE);

    seL4_CPtr ut = alloc_object(seL4_UntypedObject, 23);
    seL4_CPtr d = alloc_slots(4);
    CHECK(ut && d);
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_ARM_SmallPageObject, 0, ROOT, 0, 0, d, 1));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_ARM_LargePageObject, 0, ROOT, 0, 0, d + 1, 1));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_ARM_SmallPageObject, 0, ROOT, 0, 0, d + 2, 1));
    seL4_Word p0 = frame_paddr(d);
    /* The untyped is 4 MiB aligned: 4 KiB at its base, 2 MiB at +2 MiB (aligned up),
     * 4 KiB right after that. */
    CHECK_EQ(p0 & ((1ul << 23) - 1), 0);
    CHECK_REPLY(r_call0(d + 1, ARMPageGetAddress), seL4_NoError, p0 + MIB2);
    CHECK_REPLY(r_call0(d + 2, ARMPageGetAddress), seL4_NoError, p0 + 2 * MIB2);
    TRY(map_frame(d + 2, alloc_vaddr(1), seL4_ReadWrite, ATTR_DEFAULT));
    seL4_CPtr c = cap_mint(d + 2, seL4_CanRead, 0);
    CHECK(c);
    CHECK_REPLY(r_call0(d + 2, ARMPageGetAddress), seL4_NoError, p0 + 2 * MIB2);
    CHECK_REPLY(r_call0(c, ARMPageGetAddress), seL4_NoError, p0 + 2 * MIB2);
    cap_delete(c);
    CHECK_OK(seL4_CNode_Revoke(ROOT, ut, 64));

    seL4_Word dpaddr = 0;
    seL4_CPtr dev = find_device_untyped(22, &dpaddr, NULL);
    CHECK(dev);
    CHECK_OK(seL4_Untyped_Retype(dev, seL4_ARM_SmallPageObject, 0, ROOT, 0, 0, d, 1));
    CHECK_OK(seL4_Untyped_Retype(dev, seL4_ARM_LargePageObject, 0, ROOT, 0, 0, d + 1, 1));
    CHECK_REPLY(r_call0(d, ARMPageGetAddress), seL4_NoError, dpaddr);
    CHECK_REPLY(r_call0(d + 1, ARMPageGetAddress), seL4_NoError, dpaddr + MIB2);
    CHECK_OK(seL4_CNode_Revoke(ROOT, dev, 64));
}

/* ---- ASID pools ---------------------------------------------------------------------------------- */

/*
 * ASIDControl_MakePool (INVOCATIONS, seL4's order): TruncatedMessage; extra cap 0 not
 * a 4 KiB non-device untyped -> InvalidCapability 1; the untyped has children ->
 * RevokeFirst; destination lookup errors (FailedLookup / RangeError); occupied slot ->
 * DeleteFirst. The pool takes the whole untyped (Retype from it: NotEnoughMemory).
 * ASIDPool_Assign: TruncatedMessage; extra cap not a VSpace without ASID ->
 * InvalidCapability 1. Copies of a pool cap assign from the same pool; deleting the last
 * one takes the ASIDs away (FailedLookup InvalidRoot for the VSpaces), and the untyped
 * makes a pool again.
 */
TEST(vspace_asid_make_pool_assign)
{
    seL4_CPtr ut = alloc_object(seL4_UntypedObject, 12);
    seL4_CPtr ut_busy = alloc_object(seL4_UntypedObject, 12);
    seL4_CPtr ut8k = alloc_object(seL4_UntypedObject, 13);
    seL4_CPtr ut2k = alloc_object(seL4_UntypedObject, 11);
    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    seL4_CPtr d = alloc_slots(4);
    CHECK(ut && ut_busy && ut8k && ut2k && ep && d);
    seL4_CPtr child = alloc_slot();
    CHECK(child);
    CHECK_OK(seL4_Untyped_Retype(ut_busy, seL4_EndpointObject, 0, ROOT, 0, 0, child, 1));
    seL4_Word dev_paddr;
    seL4_CPtr dev = find_device_untyped(12, &dev_paddr, NULL);
    CHECK(dev);
    seL4_CPtr dev4k = alloc_slot();
    CHECK(dev4k);
    CHECK_OK(seL4_Untyped_Retype(dev, seL4_UntypedObject, 12, ROOT, 0, 0, dev4k, 1));

    seL4_Word mrs[2] = {d, 64};
    seL4_CPtr caps[2] = {ut, ROOT};
    CHECK_REPLY0(raw_call(seL4_CapASIDControl, ARMASIDControlMakePool, 1, mrs, 2, caps),
                 seL4_TruncatedMessage);
    CHECK_REPLY0(raw_call(seL4_CapASIDControl, ARMASIDControlMakePool, 2, mrs, 1, caps),
                 seL4_TruncatedMessage);
    CHECK_REPLY(r_make_pool(ut8k, ROOT, d, 64), seL4_InvalidCapability, 1);
    CHECK_REPLY(r_make_pool(ut2k, ROOT, d, 64), seL4_InvalidCapability, 1);
    CHECK_REPLY(r_make_pool(ep, ROOT, d, 64), seL4_InvalidCapability, 1);
    CHECK_REPLY(r_make_pool(dev4k, ROOT, d, 64), seL4_InvalidCapability, 1);
    CHECK_REPLY0(r_make_pool(ut_busy, ROOT, d, 64), seL4_RevokeFirst);
    CHECK_REPLY0(r_make_pool(ut_busy, ep, d, 64), seL4_RevokeFirst); /* before the lookup */
    CHECK_REPLY(r_make_pool(ut, ep, d, 64), seL4_FailedLookup, 0, seL4_InvalidRoot);
    CHECK_REPLY(r_make_pool(ut, ROOT, d, 0), seL4_RangeError, 1, 64);
    CHECK_REPLY(r_make_pool(ut, ROOT, d, 65), seL4_RangeError, 1, 64);
    CHECK_REPLY(r_make_pool(ut, ROOT, (seL4_Word)1 << 63, 64), seL4_FailedLookup, 0,
                seL4_GuardMismatch, 64, 0, 64 - test_bootinfo->initThreadCNodeSizeBits);
    CHECK_REPLY0(r_make_pool(ut, ROOT, ep, 64), seL4_DeleteFirst);
    CHECK_EQ(seL4_DebugCapIdentify(d), cap_null_cap);

    CHECK_REPLY0(r_make_pool(ut, ROOT, d, 64), seL4_NoError);
    seL4_CPtr pool = d;
    CHECK_EQ(seL4_DebugCapIdentify(pool), cap_asid_pool_cap);
    CHECK_REPLY(raw_call(ut, UntypedRetype, 6,
                         (seL4_Word[]){seL4_EndpointObject, 0, 0, 0, d + 3, 1}, 1,
                         (seL4_CPtr[]){ROOT}),
                seL4_NotEnoughMemory, 0);
    CHECK_REPLY0(r_make_pool(ut, ROOT, d + 1, 64), seL4_RevokeFirst);

    /* Assign. */
    seL4_CPtr vs = alloc_object(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr vs2 = alloc_object(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr frame = alloc_object(seL4_ARM_SmallPageObject, 0);
    CHECK(vs && vs2 && frame);
    CHECK_REPLY0(raw_call(pool, ARMASIDPoolAssign, 0, NULL, 0, NULL), seL4_TruncatedMessage);
    CHECK_REPLY(r_assign(pool, frame), seL4_InvalidCapability, 1);
    CHECK_REPLY(r_assign(pool, ep), seL4_InvalidCapability, 1);
    CHECK_REPLY(r_assign(pool, ROOT_VS), seL4_InvalidCapability, 1);
    CHECK_REPLY0(r_assign(pool, vs), seL4_NoError);
    CHECK_REPLY(r_assign(pool, vs), seL4_InvalidCapability, 1);
    CHECK_REPLY(r_assign(seL4_CapInitThreadASIDPool, vs), seL4_InvalidCapability, 1);
    seL4_CPtr pool_copy = cap_copy(pool, seL4_AllRights);
    CHECK(pool_copy);
    CHECK_REPLY0(r_assign(pool_copy, vs2), seL4_NoError);
    cap_delete(pool_copy); /* not the last cap: the pool stays */
    CHECK_REPLY(r_map(frame, vs2, 0, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup, 0,
                seL4_MissingCapability, 39);
    CHECK_REPLY(r_map(frame, vs, 0, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup, 0,
                seL4_MissingCapability, 39);

    cap_delete(pool); /* the last pool cap: the ASIDs go */
    CHECK_REPLY(r_map(frame, vs, 0, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup, 0,
                seL4_InvalidRoot);
    CHECK_REPLY(r_map(frame, vs2, 0, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup, 0,
                seL4_InvalidRoot);
    /* The untyped has no children now: it makes a pool again. */
    CHECK_REPLY0(r_make_pool(ut, ROOT, d + 1, 64), seL4_NoError);
    seL4_CPtr vs3 = alloc_object(seL4_ARM_VSpaceObject, 0);
    CHECK(vs3);
    CHECK_REPLY0(r_assign(d + 1, vs3), seL4_NoError);
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
    cap_delete(d + 1);
    cap_delete(vs);
    cap_delete(vs2);
    cap_delete(vs3);
    CHECK_OK(seL4_CNode_Revoke(ROOT, dev, 64));
}

/*
 * Running out: MakePool with all 128 pools in use -> DeleteFirst (checked before the
 * untyped); a pool hands out 512 ASIDs (ASID 0 exists only in pool 0), then Assign ->
 * DeleteFirst; deleting one VSpace frees its ASID for the next Assign.
 */
TEST(vspace_asid_exhaustion)
{
    seL4_CPtr scratch = alloc_slot();
    seL4_CPtr sub = alloc_object(seL4_CapTableObject, 9);
    seL4_CPtr big = alloc_object(seL4_UntypedObject, 19); /* 128 x 4 KiB */
    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    CHECK(scratch && sub && big && ep);

    unsigned made = 0;
    for (;;) {
        CHECK_OK(seL4_Untyped_Retype(big, seL4_UntypedObject, 12, ROOT, 0, 0, scratch, 1));
        seL4_MessageInfo_t info = r_make_pool(scratch, sub, 2 * made, 9);
        if (seL4_MessageInfo_get_label(info) == seL4_DeleteFirst) {
            CHECK_EQ(seL4_MessageInfo_get_length(info), 0);
            break;
        }
        CHECK_REPLY0(info, seL4_NoError);
        CHECK_OK(seL4_CNode_Move(sub, 2 * made + 1, 9, ROOT, scratch, 64));
        made++;
        if (made >= 128)
            FAIL("MakePool succeeded %u times", made);
    }
    tinfo("%u ASID pools made before running out", made);
    CHECK(made >= 1);
    CHECK_REPLY0(r_make_pool(ep, ROOT, scratch, 64), seL4_DeleteFirst);
    CHECK_REPLY0(r_make_pool(scratch, ROOT, ep, 64), seL4_DeleteFirst);
    /* One pool fewer: MakePool works again. */
    CHECK_OK(seL4_CNode_Delete(sub, 0, 9));
    seL4_CPtr ut4k = alloc_object(seL4_UntypedObject, 12);
    seL4_CPtr pool = alloc_slot();
    CHECK(ut4k && pool);
    CHECK_REPLY0(r_make_pool(ut4k, ROOT, pool, 64), seL4_NoError);
    CHECK_OK(seL4_CNode_Revoke(ROOT, big, 64));
    cap_delete(scratch);

    /* 512 ASIDs in a new pool. */
    seL4_CPtr vsut = alloc_object(seL4_UntypedObject, 21);
    CHECK(vsut);
    for (seL4_Word i = 0; i < 512; i++) {
        CHECK_OK(seL4_Untyped_Retype(vsut, seL4_ARM_VSpaceObject, 0, ROOT, 0, 0, scratch, 1));
        seL4_Error err = seL4_ARM_ASIDPool_Assign(pool, scratch);
        if (err)
            FAIL("Assign %llu of 512: %s", (unsigned long long)i, err_name(err));
        CHECK_OK(seL4_CNode_Move(sub, i, 9, ROOT, scratch, 64));
    }
    seL4_CPtr extra = alloc_object(seL4_ARM_VSpaceObject, 0);
    CHECK(extra);
    CHECK_REPLY0(r_assign(pool, extra), seL4_DeleteFirst);
    CHECK_REPLY(r_assign(pool, ROOT_VS), seL4_InvalidCapability, 1);
    CHECK_OK(seL4_CNode_Delete(sub, 100, 9));
    CHECK_REPLY0(r_assign(pool, extra), seL4_NoError);
    CHECK_OK(seL4_ARM_PageTable_Map(alloc_object(seL4_ARM_PageTableObject, 0), extra, 0,
                                    ATTR_DEFAULT));
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
    CHECK_OK(seL4_CNode_Revoke(ROOT, vsut, 64));
    cap_delete(extra);
    cap_delete(pool);
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
}

/*
 * Stale ASIDs: once the pool is deleted, a VSpace cap keeps its ASID number but the
 * ASID names nothing: Page_Map, PageTable_Map, VSpace and Page flushes give FailedLookup
 * (not source) InvalidRoot; Assign refuses the cap (InvalidCapability 1); Unmap just
 * forgets the record. When a new pool hands the same ASID to another VSpace, the old
 * cap gets InvalidCapability (1 for Map, 0 for flushes), and deleting the old VSpace's
 * stale frame and table caps leaves the new VSpace's mappings alone.
 */
TEST(vspace_stale_asid)
{
    seL4_CPtr ut = alloc_object(seL4_UntypedObject, 12);
    seL4_CPtr pool = alloc_slot();
    seL4_CPtr vs = alloc_object(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr frame = alloc_object(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr other = alloc_object(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr pt = alloc_object(seL4_ARM_PageTableObject, 0);
    CHECK(ut && pool && vs && frame && other && pt);
    const seL4_Word x = 0x0000200000000000ul + 0x7000;
    CHECK_REPLY0(r_make_pool(ut, ROOT, pool, 64), seL4_NoError);
    CHECK_OK(seL4_ARM_ASIDPool_Assign(pool, vs));
    seL4_CPtr t1 = new_table(vs, x), t2 = new_table(vs, x), t3 = new_table(vs, x);
    CHECK(t1 && t2 && t3);
    CHECK_OK(seL4_ARM_Page_Map(frame, vs, x, seL4_ReadWrite, ATTR_DEFAULT));

    cap_delete(pool);
    CHECK_REPLY(r_map(other, vs, x + PAGE, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup, 0,
                seL4_InvalidRoot);
    CHECK_REPLY(r_map(frame, vs, x, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup, 0,
                seL4_InvalidRoot);
    CHECK_REPLY(r_pt_map(pt, vs, x + GIB), seL4_FailedLookup, 0, seL4_InvalidRoot);
    CHECK_REPLY(r_pt_map(pt, vs, USER_TOP + 1), seL4_InvalidArgument, 0); /* range first */
    for (int k = 0; k < 4; k++) {
        CHECK_REPLY(r_range(vs, vspace_flush_labels[k], x, x + 8), seL4_FailedLookup, 0,
                    seL4_InvalidRoot);
        CHECK_REPLY(r_range(frame, page_flush_labels[k], 0, 8), seL4_FailedLookup, 0,
                    seL4_InvalidRoot);
        CHECK_REPLY(r_range(frame, page_flush_labels[k], 8, 0), seL4_FailedLookup, 0,
                    seL4_InvalidRoot); /* before the range check */
    }
    CHECK_REPLY(r_assign(seL4_CapInitThreadASIDPool, vs), seL4_InvalidCapability, 1);

    /* A new pool takes the freed slot of the ASID table: the same ASIDs again. */
    seL4_CPtr pool2 = alloc_slot(), vs2 = alloc_object(seL4_ARM_VSpaceObject, 0);
    CHECK(pool2 && vs2);
    CHECK_REPLY0(r_make_pool(ut, ROOT, pool2, 64), seL4_NoError);
    CHECK_OK(seL4_ARM_ASIDPool_Assign(pool2, vs2));
    CHECK_REPLY(r_map(other, vs, x + PAGE, RIGHTS_RW, ATTR_DEFAULT), seL4_InvalidCapability, 1);
    CHECK_REPLY(r_pt_map(pt, vs, x + GIB), seL4_InvalidCapability, 1);
    CHECK_REPLY(r_range(vs, ARMVSpaceClean_Data, x, x + 8), seL4_InvalidCapability, 0);
    /* vs2 gets tables and a frame at the same address. */
    seL4_CPtr u1 = new_table(vs2, x), u2 = new_table(vs2, x), u3 = new_table(vs2, x);
    CHECK(u1 && u2 && u3);
    CHECK_OK(seL4_ARM_Page_Map(other, vs2, x, seL4_ReadWrite, ATTR_DEFAULT));
    CHECK_OK(seL4_ARM_Page_Clean_Data(other, 0, 8));
    /* The old caps' records name the same (ASID, vaddr) but other objects. */
    CHECK_REPLY(r_range(frame, ARMPageClean_Data, 0, 8), seL4_InvalidCapability, 0);
    cap_delete(frame);
    cap_delete(t3);
    cap_delete(t2);
    cap_delete(t1);
    CHECK_OK(seL4_ARM_Page_Clean_Data(other, 0, 8)); /* still mapped */
    CHECK_REPLY0(r_map(pt, vs2, x, RIGHTS_RW, ATTR_DEFAULT), seL4_IllegalOperation);
    CHECK_REPLY0(r_pt_map(pt, vs2, x), seL4_DeleteFirst);
    CHECK_OK(seL4_ARM_Page_Unmap(other));
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
    cap_delete(vs);
    cap_delete(vs2);
    cap_delete(pool2);
}

/* ---- deletion while in use ----------------------------------------------------------------------- */

struct spin {
    volatile seL4_Word count;
    volatile int stop;
};

static void spin_fn(seL4_Word arg)
{
    struct spin *s = (struct spin *)arg;
    while (!s->stop) {
        s->count++;
        seL4_Yield();
    }
}

static int wait_count(struct spin *s, seL4_Word n)
{
    for (int i = 0; i < 2000 && s->count < n; i++)
        seL4_Yield();
    if (s->count < n)
        FAIL_R(-1, "the child did not run (count %llu)", (unsigned long long)s->count);
    return 0;
}

/* The fault of a thread whose VSpace went away: an instruction abort at its pc, with a
 * level-0 translation fault (nothing is mapped for it any more). */
static int expect_lost_vspace_fault(struct fault_ep *f, struct spin *s)
{
    seL4_MessageInfo_t info;
    TRY_R(fault_wait(f, &info, FAULT_WAIT_POLLS), -1);
    CHECK_EQ_R(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault, -1);
    CHECK_EQ_R(seL4_MessageInfo_get_length(info), seL4_VMFault_Length, -1);
    CHECK_EQ_R(seL4_GetMR(seL4_VMFault_PrefetchFault), 1, -1);
    CHECK_EQ_R(seL4_GetMR(seL4_VMFault_Addr), seL4_GetMR(seL4_VMFault_IP), -1);
    CHECK_EQ_R(FSR_EC(seL4_GetMR(seL4_VMFault_FSR)), FSR_EC_IABT_LOWER, -1);
    CHECK_EQ_R(FSR_FSC(seL4_GetMR(seL4_VMFault_FSR)), FSC_TRANSLATION(0), -1);
    seL4_Word c = s->count;
    for (int i = 0; i < 50; i++)
        seL4_Yield();
    CHECK_EQ_R(s->count, c, -1);
    return 0;
}

/*
 * Deleting a VSpace (all its caps, including the thread's) or the ASID pool it came from
 * while a thread runs in it (issue: "deleting an ASID pool or VSpace invalidates what it
 * must"): the thread faults (instruction abort, level-0 translation fault) and the
 * kernel carries on; the pool case leaves the VSpace cap with a dead ASID (FailedLookup
 * InvalidRoot on Map, InvalidCapability 1 on Assign). A new VSpace (TCB_SetSpace) and a
 * reply let the thread continue.
 */
TEST(vspace_delete_in_use)
{
    static struct vspace_env e, e2;
    static struct thread t;
    static struct spin s;
    struct fault_ep f;

    /* The VSpace itself. */
    s.count = 0;
    s.stop = 0;
    TRY(fault_ep_create(&f));
    TRY(vspace_env_create(&e, 0, 4));
    TRY(thread_create_in(&t, &e, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, spin_fn, (seL4_Word)(uintptr_t)&s));
    TRY(wait_count(&s, 10));
    CHECK_OK(seL4_CNode_Revoke(ROOT, e.vspace, 64)); /* the TCB's copy */
    CHECK_OK(seL4_CNode_Delete(ROOT, e.vspace, 64)); /* the last cap */
    TRY(expect_lost_vspace_fault(&f, &s));
    vspace_env_destroy(&e);
    CHECK_EQ(keel_DebugCheckInvariants(), 0);

    TRY(vspace_env_create(&e2, 0, 4));
    TRY(vspace_env_map_ipc_buffer(&e2, &t));
    CHECK_OK(seL4_TCB_SetSpace(t.tcb, f.badged, e2.cspace, e2.cspace_data, e2.vspace, 0));
    seL4_Word c = s.count;
    fault_reply(&f, 0, 0, NULL);
    TRY(wait_count(&s, c + 10));
    s.stop = 1;
    TRY(fault_wait_exit(&f));
    thread_destroy(&t);
    vspace_env_destroy(&e2);

    /* The ASID pool. */
    seL4_CPtr ut = alloc_object(seL4_UntypedObject, 12);
    seL4_CPtr pool = alloc_slot();
    seL4_CPtr frame = alloc_object(seL4_ARM_SmallPageObject, 0);
    CHECK(ut && pool && frame);
    CHECK_REPLY0(r_make_pool(ut, ROOT, pool, 64), seL4_NoError);
    s.count = 0;
    s.stop = 0;
    TRY(vspace_env_create(&e, pool, 4));
    TRY(thread_create_in(&t, &e, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, spin_fn, (seL4_Word)(uintptr_t)&s));
    TRY(wait_count(&s, 10));
    cap_delete(pool);
    TRY(expect_lost_vspace_fault(&f, &s));
    CHECK_REPLY(r_map(frame, e.vspace, 0x1000, RIGHTS_RW, ATTR_DEFAULT), seL4_FailedLookup, 0,
                seL4_InvalidRoot);
    CHECK_REPLY(r_assign(seL4_CapInitThreadASIDPool, e.vspace), seL4_InvalidCapability, 1);
    /* Replying without a fix: the thread faults again, the same way. */
    fault_reply(&f, 0, 0, NULL);
    TRY(expect_lost_vspace_fault(&f, &s));
    CHECK_EQ(keel_DebugCheckInvariants(), 0);

    TRY(vspace_env_create(&e2, 0, 4));
    TRY(vspace_env_map_ipc_buffer(&e2, &t));
    CHECK_OK(seL4_TCB_SetSpace(t.tcb, f.badged, e2.cspace, e2.cspace_data, e2.vspace, 0));
    c = s.count;
    fault_reply(&f, 0, 0, NULL);
    TRY(wait_count(&s, c + 10));
    s.stop = 1;
    TRY(fault_wait_exit(&f));
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
}

/*
 * Revoking an untyped that holds live mappings (the page tables, a 2 MiB and two 4 KiB
 * frames, all mapped in the root VSpace): everything is unmapped and flushed (the child
 * that revoked it faults on its next access, at level 0 since the level-1 table went),
 * the kernel's invariants hold, and the memory can be retyped again.
 */
TEST(vspace_revoke_untyped_with_mappings)
{
    static struct script s;
    static struct thread t;
    struct fault_ep f;
    const seL4_Word r = region(8) + 3 * GIB;
    seL4_CPtr ut = alloc_object(seL4_UntypedObject, 22);
    seL4_CPtr d = alloc_slots(6);
    CHECK(ut && d);
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_ARM_LargePageObject, 0, ROOT, 0, 0, d, 1));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_ARM_PageTableObject, 0, ROOT, 0, 0, d + 1, 3));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_ARM_SmallPageObject, 0, ROOT, 0, 0, d + 4, 2));
    for (int i = 0; i < 3; i++)
        CHECK_OK(seL4_ARM_PageTable_Map(d + 1 + i, ROOT_VS, r, ATTR_DEFAULT));
    CHECK_OK(seL4_ARM_Page_Map(d + 4, ROOT_VS, r, seL4_ReadWrite, ATTR_DEFAULT));
    CHECK_OK(seL4_ARM_Page_Map(d + 5, ROOT_VS, r + PAGE, seL4_ReadWrite, ATTR_DEFAULT));
    CHECK_OK(seL4_ARM_Page_Map(d, ROOT_VS, r + MIB2, seL4_ReadWrite, ATTR_DEFAULT));
    word_at(r)[0] = 1;
    word_at(r + PAGE)[0] = 2;
    word_at(r + MIB2)[0] = 3;

    script_reset(&s);
    op_load(&s, r);                /* 0 */
    op_load(&s, r + PAGE);         /* 1 */
    op_load(&s, r + MIB2);         /* 2 */
    op_fn(&s, fn_revoke, ut);      /* 3 */
    op_load(&s, r);                /* 4: faults, level 0 */
    op_load(&s, r + MIB2 + 8);     /* 5: faults, level 0 */
    TRY(start_script(&t, &f, &s));
    EXPECT_DATA_FAULT(&t, &f, &s, 4, FSC_TRANSLATION(0));
    EXPECT_DATA_FAULT(&t, &f, &s, 5, FSC_TRANSLATION(0));
    TRY(finish_script(&f, &s));
    CHECK_EQ(s.result[0], 1);
    CHECK_EQ(s.result[1], 2);
    CHECK_EQ(s.result[2], 3);
    for (int i = 0; i < 6; i++)
        CHECK_EQ(seL4_DebugCapIdentify(d + (seL4_Word)i), cap_null_cap);
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
    /* All the memory is free again (a 4 MiB untyped fits in the 4 MiB untyped). */
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 22, ROOT, 0, 0, d, 1));
    CHECK_OK(seL4_CNode_Revoke(ROOT, ut, 64));
}

/* ---- isolation ------------------------------------------------------------------------------------ */

/* Slots of the isolated child's CSpace. */
#define ISO_VSPACE 1
#define ISO_FOREIGN_FRAME 2 /* a frame cap mapped in the root VSpace */
#define ISO_FRAME 3         /* an unmapped frame cap */
#define ISO_PT 4            /* an unmapped page table cap */
#define ISO_ASID_CONTROL_IN_ROOT 5 /* seL4_CapASIDControl's number: empty here */

struct iso {
    seL4_Word root_only, dev_cptr;
    seL4_Word err[6], mr0[6];
    volatile int step;
};

static void iso_record(struct iso *s, int i, seL4_Error err)
{
    s->err[i] = err;
    s->mr0[i] = seL4_GetMR(0);
}

static void iso_fn(seL4_Word arg)
{
    struct iso *s = (struct iso *)arg;
    iso_record(s, 0, seL4_ARM_Page_Map(ISO_FOREIGN_FRAME, ISO_VSPACE, 0x0000500000000000ul,
                                       seL4_ReadWrite, ATTR_DEFAULT));
    iso_record(s, 1, seL4_ARM_Page_Map(ISO_FRAME, ISO_VSPACE, USER_TOP + 1, seL4_ReadWrite,
                                       ATTR_DEFAULT));
    iso_record(s, 2, seL4_ARM_Page_Map(ISO_FRAME, ISO_VSPACE, KERNEL_VADDR, seL4_ReadWrite,
                                       ATTR_DEFAULT));
    iso_record(s, 3, seL4_ARM_PageTable_Map(ISO_PT, ISO_VSPACE, KERNEL_VADDR, ATTR_DEFAULT));
    iso_record(s, 4, seL4_ARM_PageTable_Map(ISO_PT, ISO_VSPACE, 0xffff000000000000ul,
                                            ATTR_DEFAULT));
    iso_record(s, 5, seL4_ARM_ASIDControl_MakePool(ISO_ASID_CONTROL_IN_ROOT, ISO_FRAME,
                                                   ISO_VSPACE, 0, 4));
    s->step = 1;
    (void)probe_load(KERNEL_VADDR);
    s->step = 2;
    (void)probe_load(0x09000000ul); /* the UART's physical address */
    s->step = 3;
    (void)probe_load(s->root_only);
    s->step = 4;
    (void)seL4_Untyped_Retype(s->dev_cptr, seL4_ARM_SmallPageObject, 0, ISO_VSPACE, 0, 0, 0, 1);
    s->step = 5;
}

/*
 * Isolation: a child in its own VSpace and CSpace holding a VSpace cap, frame and table
 * caps cannot map anything into the kernel's half (InvalidArgument 0), cannot map a
 * frame cap that is mapped in another VSpace (InvalidCapability 1), and reaches no
 * memory it was not given: kernel addresses, device registers and addresses mapped only
 * in the root VSpace fault, and the root task's cptrs (ASID control, a device untyped)
 * name nothing in its CSpace (InvalidCapability from an empty slot; a CapFault for a
 * cptr outside the CSpace's guard).
 */
TEST(vspace_isolation)
{
    static struct vspace_env e;
    static struct thread t;
    static struct iso s;
    struct fault_ep f;

    const seL4_Word root_only = alloc_vaddr(1);
    seL4_CPtr foreign = mapped_frame(seL4_ARM_SmallPageObject, root_only);
    seL4_CPtr frame = alloc_object(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr pt = alloc_object(seL4_ARM_PageTableObject, 0);
    seL4_CPtr dev = find_device_untyped(12, NULL, NULL);
    CHECK(foreign && frame && pt && dev);
    s = (struct iso){.root_only = root_only, .dev_cptr = dev};
    TRY(fault_ep_create(&f));
    TRY(vspace_env_create(&e, 0, 6));
    TRY(vspace_env_give(&e, ISO_VSPACE, e.vspace, seL4_AllRights));
    CHECK_OK(seL4_CNode_Move(e.cspace, ISO_FOREIGN_FRAME, (seL4_Uint8)e.cspace_bits, ROOT,
                             foreign, 64));
    TRY(vspace_env_give(&e, ISO_FRAME, frame, seL4_AllRights));
    CHECK_OK(seL4_CNode_Move(e.cspace, ISO_PT, (seL4_Uint8)e.cspace_bits, ROOT, pt, 64));
    TRY(thread_create_in(&t, &e, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, iso_fn, (seL4_Word)(uintptr_t)&s));

    seL4_MessageInfo_t info;
    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    CHECK_EQ(s.step, 1);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault);
    CHECK_MR(seL4_VMFault_IP, (seL4_Word)(uintptr_t)probe_load_insn);
    CHECK_MR(seL4_VMFault_Addr, KERNEL_VADDR);
    CHECK_MR(seL4_VMFault_PrefetchFault, 0);
    seL4_Word fsc = FSR_FSC(seL4_GetMR(seL4_VMFault_FSR));
    tinfo("EL0 load from the kernel window: FSC 0x%llx", (unsigned long long)fsc);
    CHECK((fsc & 0x3c) == 0x04 || (fsc & 0x3c) == 0x0c); /* translation or permission */
    TRY(skip_insn(&t));
    fault_reply(&f, 0, 0, NULL);
    EXPECT_VM_FAULT(&f, probe_load_insn, 0x09000000ul, 0, FSC_ANY, 0);
    CHECK_EQ(FSR_FSC(seL4_GetMR(seL4_VMFault_FSR)) & 0x3c, 0x04);
    TRY(skip_insn(&t));
    fault_reply(&f, 0, 0, NULL);
    EXPECT_VM_FAULT(&f, probe_load_insn, root_only, 0, FSC_ANY, 0);
    CHECK_EQ(FSR_FSC(seL4_GetMR(seL4_VMFault_FSR)) & 0x3c, 0x04);
    TRY(skip_insn(&t));
    fault_reply(&f, 0, 0, NULL);
    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    CHECK_EQ(s.step, 4);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    CHECK_MR(seL4_CapFault_Addr, dev);
    CHECK_MR(seL4_CapFault_InRecvPhase, 0);
    CHECK_MR(seL4_CapFault_LookupFailureType, seL4_GuardMismatch);
    TRY(skip_insn(&t));
    fault_reply(&f, 0, 0, NULL);
    TRY(fault_wait_exit(&f));
    CHECK_EQ(s.step, 5);

    CHECK_EQ(s.err[0], seL4_InvalidCapability);
    CHECK_EQ(s.mr0[0], 1);
    CHECK_EQ(s.err[1], seL4_InvalidArgument);
    CHECK_EQ(s.mr0[1], 0);
    CHECK_EQ(s.err[2], seL4_InvalidArgument);
    CHECK_EQ(s.mr0[2], 0);
    CHECK_EQ(s.err[3], seL4_InvalidArgument);
    CHECK_EQ(s.mr0[3], 0);
    CHECK_EQ(s.err[4], seL4_InvalidArgument);
    CHECK_EQ(s.mr0[4], 0);
    CHECK_EQ(s.err[5], seL4_InvalidCapability);
    /* The root task's own view is unchanged. */
    CHECK_EQ(word_at(root_only)[0], 0);
    CHECK_OK(seL4_CNode_Revoke(ROOT, dev, 64));
}
