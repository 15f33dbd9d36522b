/*
 * CNode tests: Copy/Mint/Move/Mutate/Rotate/Delete/Revoke/CancelBadgedSends success
 * paths and errors, address resolution through a two-level CSpace.
 */
#include "framework.h"

#define ROOT seL4_CapInitThreadCNode
#define ALL_RIGHTS 0xfull

static seL4_Word ident(seL4_CPtr c)
{
    return seL4_DebugCapIdentify(c);
}

/* Raw CNode invocations (full reply: label, length, MRs). */
static seL4_MessageInfo_t r_copy(seL4_CPtr root, seL4_Word di, seL4_Word dd, seL4_CPtr sroot,
                                 seL4_Word si, seL4_Word sd)
{
    seL4_Word mrs[5] = {di, dd, si, sd, ALL_RIGHTS};
    return raw_call(root, CNodeCopy, 5, mrs, 1, &sroot);
}

static seL4_MessageInfo_t r_mint(seL4_CPtr root, seL4_Word di, seL4_Word dd, seL4_CPtr sroot,
                                 seL4_Word si, seL4_Word sd, seL4_Word badge)
{
    seL4_Word mrs[6] = {di, dd, si, sd, ALL_RIGHTS, badge};
    return raw_call(root, CNodeMint, 6, mrs, 1, &sroot);
}

static seL4_MessageInfo_t r_mutate(seL4_CPtr root, seL4_Word di, seL4_Word dd, seL4_CPtr sroot,
                                   seL4_Word si, seL4_Word sd, seL4_Word data)
{
    seL4_Word mrs[5] = {di, dd, si, sd, data};
    return raw_call(root, CNodeMutate, 5, mrs, 1, &sroot);
}

static seL4_MessageInfo_t r_rotate(seL4_Word dest, seL4_Word dest_badge, seL4_Word pivot,
                                   seL4_Word pivot_badge, seL4_Word src)
{
    seL4_Word mrs[8] = {dest, 64, dest_badge, pivot, 64, pivot_badge, src, 64};
    seL4_CPtr caps[2] = {ROOT, ROOT};
    return raw_call(ROOT, CNodeRotate, 8, mrs, 2, caps);
}

static seL4_MessageInfo_t r_slot_op(seL4_Word label, seL4_CPtr root, seL4_Word idx,
                                    seL4_Word depth)
{
    seL4_Word mrs[2] = {idx, depth};
    return raw_call(root, label, 2, mrs, 0, NULL);
}

/*
 * ABI (c) badges, INVOCATIONS CNode Copy/Mint/Move: success paths. A minted
 * notification badge is the full 64-bit word, and signals OR their badges.
 */
TEST(cnode_copy_mint_move)
{
    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = alloc_object(seL4_NotificationObject, 0);
    CHECK(ep && ntfn);

    /* Copy */
    seL4_CPtr d1 = alloc_slot();
    CHECK_REPLY0(r_copy(ROOT, d1, 64, ROOT, ep, 64), seL4_NoError);
    CHECK_EQ(ident(d1), 4);
    CHECK_EQ(ident(ep), 4);

    /* Copy through the stub as well. */
    seL4_CPtr d2 = alloc_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, d2, 64, ROOT, ep, 64, seL4_AllRights));
    CHECK_EQ(ident(d2), 4);

    /* Mint: 64-bit badge delivered on a signal. */
    const seL4_Word badge1 = 0xdeadbeefcafef00dull, badge2 = 0x0000000000000ff0ull;
    seL4_CPtr m1 = alloc_slot(), m2 = alloc_slot();
    CHECK_REPLY0(r_mint(ROOT, m1, 64, ROOT, ntfn, 64, badge1), seL4_NoError);
    CHECK_OK(seL4_CNode_Mint(ROOT, m2, 64, ROOT, ntfn, 64, seL4_AllRights, badge2));
    CHECK_EQ(ident(m1), 6);
    CHECK_EQ(ident(m2), 6);
    seL4_Word got = 0;
    seL4_Signal(m1);
    seL4_NBWait(ntfn, &got);
    CHECK_EQ(got, badge1);
    seL4_Signal(m1);
    seL4_Signal(m2);
    got = 0;
    seL4_NBWait(ntfn, &got);
    CHECK_EQ(got, badge1 | badge2);
    got = 0x1234;
    seL4_NBWait(ntfn, &got); /* nothing pending: badge 0 */
    CHECK_EQ(got, 0);

    /* A Copy of a badged cap keeps the badge. */
    seL4_CPtr m1c = alloc_slot();
    CHECK_REPLY0(r_copy(ROOT, m1c, 64, ROOT, m1, 64), seL4_NoError);
    seL4_Signal(m1c);
    got = 0;
    seL4_NBWait(ntfn, &got);
    CHECK_EQ(got, badge1);

    /* Move */
    seL4_CPtr mv = alloc_slot();
    seL4_Word mrs[4] = {mv, 64, d1, 64};
    seL4_CPtr root = ROOT;
    CHECK_REPLY0(raw_call(ROOT, CNodeMove, 4, mrs, 1, &root), seL4_NoError);
    CHECK_EQ(ident(d1), 0);
    CHECK_EQ(ident(mv), 4);
    seL4_CPtr mv2 = alloc_slot();
    CHECK_OK(seL4_CNode_Move(ROOT, mv2, 64, ROOT, m2, 64));
    CHECK_EQ(ident(m2), 0);
    seL4_Signal(mv2);
    got = 0;
    seL4_NBWait(ntfn, &got);
    CHECK_EQ(got, badge2);
}

/*
 * ABI (c) address resolution and (e) errors for Copy/Mint: empty source
 * (FailedLookup, source, MissingCapability), occupied destination (DeleteFirst),
 * depth 0/65 (RangeError 1..64), source root not a CNode (InvalidRoot), Mint of a
 * badged cap and CNode guard overflow (IllegalOperation), untyped with children
 * (RevokeFirst), truncated messages.
 */
TEST(cnode_copy_mint_errors)
{
    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    CHECK(ep);
    seL4_CPtr empty_src = alloc_slot(), dst = alloc_slot();
    CHECK(empty_src && dst);

    /* Empty source. */
    CHECK_REPLY(r_copy(ROOT, dst, 64, ROOT, empty_src, 64), seL4_FailedLookup, 1,
                seL4_MissingCapability, 64);
    CHECK_ERR(seL4_CNode_Copy(ROOT, dst, 64, ROOT, empty_src, 64, seL4_AllRights),
              seL4_FailedLookup);
    CHECK_MR(0, 1);
    CHECK_MR(1, seL4_MissingCapability);
    CHECK_REPLY(r_mint(ROOT, dst, 64, ROOT, empty_src, 64, 7), seL4_FailedLookup, 1,
                seL4_MissingCapability, 64);
    CHECK_EQ(ident(dst), 0);

    /* Occupied destination. */
    CHECK_REPLY0(r_copy(ROOT, seL4_CapInitThreadTCB, 64, ROOT, ep, 64), seL4_DeleteFirst);
    CHECK_REPLY0(r_copy(ROOT, ep, 64, ROOT, ep, 64), seL4_DeleteFirst);
    CHECK_ERR(seL4_CNode_Mint(ROOT, seL4_CapInitThreadCNode, 64, ROOT, ep, 64, seL4_AllRights, 1),
              seL4_DeleteFirst);

    /* Depths. */
    CHECK_REPLY(r_copy(ROOT, dst, 0, ROOT, ep, 64), seL4_RangeError, 1, 64);
    CHECK_REPLY(r_copy(ROOT, dst, 65, ROOT, ep, 64), seL4_RangeError, 1, 64);
    CHECK_REPLY(r_copy(ROOT, dst, 64, ROOT, ep, 0), seL4_RangeError, 1, 64);
    CHECK_REPLY(r_copy(ROOT, dst, 64, ROOT, ep, 65), seL4_RangeError, 1, 64);
    CHECK_ERR(seL4_CNode_Copy(ROOT, dst, 0, ROOT, ep, 64, seL4_AllRights), seL4_RangeError);
    CHECK_MR(0, 1);
    CHECK_MR(1, 64);
    CHECK_EQ(ident(dst), 0);

    /* Source root is not a CNode. */
    CHECK_REPLY(r_copy(ROOT, dst, 64, ep, 0, 64), seL4_FailedLookup, 1, seL4_InvalidRoot);

    /* Mint of a badged endpoint (any badge, even 0). */
    seL4_CPtr b = alloc_slot();
    CHECK_REPLY0(r_mint(ROOT, b, 64, ROOT, ep, 64, 0x55), seL4_NoError);
    CHECK_REPLY0(r_mint(ROOT, dst, 64, ROOT, b, 64, 0x66), seL4_IllegalOperation);
    CHECK_REPLY0(r_mint(ROOT, dst, 64, ROOT, b, 64, 0), seL4_IllegalOperation);
    CHECK_EQ(ident(dst), 0);

    /* CNode guard data with guardSize + radix > 64. */
    seL4_CPtr cn = alloc_object(seL4_CapTableObject, 4);
    CHECK(cn);
    CHECK_REPLY0(r_mint(ROOT, dst, 64, ROOT, cn, 64, 61), seL4_IllegalOperation);
    CHECK_REPLY0(r_mint(ROOT, dst, 64, ROOT, cn, 64, (1ull << 6) | 60), seL4_NoError);
    CHECK_EQ(ident(dst), 10);
    cap_delete(dst);

    /* Untyped with children cannot be copied. */
    seL4_CPtr ut = alloc_object(seL4_UntypedObject, 12);
    CHECK(ut);
    seL4_CPtr child = alloc_slot();
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, child, 1));
    CHECK_REPLY0(r_copy(ROOT, dst, 64, ROOT, ut, 64), seL4_RevokeFirst);
    CHECK_EQ(ident(dst), 0);

    /* Truncated: Copy needs 5 words and 1 extra cap, Mint 6. */
    seL4_Word mrs[6] = {dst, 64, ep, 64, ALL_RIGHTS, 1};
    seL4_CPtr root = ROOT;
    CHECK_REPLY0(raw_call(ROOT, CNodeCopy, 4, mrs, 1, &root), seL4_TruncatedMessage);
    CHECK_REPLY0(raw_call(ROOT, CNodeCopy, 5, mrs, 0, NULL), seL4_TruncatedMessage);
    CHECK_REPLY0(raw_call(ROOT, CNodeMint, 5, mrs, 1, &root), seL4_TruncatedMessage);
    CHECK_REPLY0(raw_call(ROOT, CNodeDelete, 1, mrs, 0, NULL), seL4_TruncatedMessage);
    CHECK_EQ(ident(dst), 0);
}

/*
 * ABI (c) "CNode_Mutate/Rotate apply data with preserve semantics": endpoint and
 * notification caps become null (IllegalOperation, nothing moves); CNode caps get
 * the new guard; other caps move unchanged.
 */
TEST(cnode_mutate)
{
    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = alloc_object(seL4_NotificationObject, 0);
    seL4_CPtr cn = alloc_object(seL4_CapTableObject, 4);
    seL4_CPtr frame = alloc_object(seL4_ARM_SmallPageObject, 0);
    CHECK(ep && ntfn && cn && frame);
    seL4_CPtr dst = alloc_slot();
    CHECK(dst);

    CHECK_REPLY0(r_mutate(ROOT, dst, 64, ROOT, ep, 64, 0x1234), seL4_IllegalOperation);
    CHECK_REPLY0(r_mutate(ROOT, dst, 64, ROOT, ep, 64, 0), seL4_IllegalOperation);
    CHECK_REPLY0(r_mutate(ROOT, dst, 64, ROOT, ntfn, 64, 0x1), seL4_IllegalOperation);
    CHECK_ERR(seL4_CNode_Mutate(ROOT, dst, 64, ROOT, ep, 64, 0x77), seL4_IllegalOperation);
    CHECK_EQ(ident(ep), 4);
    CHECK_EQ(ident(ntfn), 6);
    CHECK_EQ(ident(dst), 0);

    /* CNode: new guard (size 2, value 1) — then resolve through it. */
    seL4_CPtr e2 = alloc_slot();
    CHECK_OK(seL4_CNode_Copy(cn, 3, 4, ROOT, ep, 64, seL4_AllRights));
    CHECK_REPLY0(r_mutate(ROOT, dst, 64, ROOT, cn, 64, (1ull << 6) | 2), seL4_NoError);
    CHECK_EQ(ident(cn), 0);
    CHECK_EQ(ident(dst), 10);
    /* cptr bits: guard 01, index 0011 -> depth 6. */
    CHECK_REPLY0(r_copy(ROOT, e2, 64, dst, (1u << 4) | 3, 6), seL4_NoError);
    CHECK_EQ(ident(e2), 4);
    /* The old guard-less address no longer resolves (guard mismatch). */
    seL4_CPtr e3 = alloc_slot();
    CHECK_REPLY(r_copy(ROOT, e3, 64, dst, 3, 6), seL4_FailedLookup, 1, seL4_GuardMismatch, 6, 1, 2);
    /* Mutate with guardSize + radix > 64 fails and leaves the cap in place. */
    seL4_CPtr dst2 = alloc_slot();
    CHECK_REPLY0(r_mutate(ROOT, dst2, 64, ROOT, dst, 64, 61), seL4_IllegalOperation);
    CHECK_EQ(ident(dst), 10);
    CHECK_EQ(ident(dst2), 0);

    /* Frame: data ignored, cap moves. */
    CHECK_REPLY0(r_mutate(ROOT, dst2, 64, ROOT, frame, 64, 0xabc), seL4_NoError);
    CHECK_EQ(ident(frame), 0);
    CHECK_EQ(ident(dst2), 1);

    /* Empty source / occupied destination. */
    CHECK_REPLY(r_mutate(ROOT, e3, 64, ROOT, frame, 64, 0), seL4_FailedLookup, 1,
                seL4_MissingCapability, 64);
    CHECK_REPLY0(r_mutate(ROOT, ep, 64, ROOT, dst2, 64, 0), seL4_DeleteFirst);
}

/*
 * INVOCATIONS CNode.Rotate: pivot -> dest, src -> pivot; dest == src swaps.
 * Errors: pivot equal to src or dest (IllegalOperation), occupied dest
 * (DeleteFirst), empty src (FailedLookup, source) or pivot (FailedLookup, not
 * source), endpoint caps (preserve semantics -> IllegalOperation), truncated.
 */
TEST(cnode_rotate)
{
    seL4_CPtr a = alloc_object(seL4_ARM_SmallPageObject, 0);   /* frame: tag 1 */
    seL4_CPtr b = alloc_object(seL4_ARM_PageTableObject, 0);   /* page table: tag 3 */
    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    seL4_CPtr c = alloc_slot(), e = alloc_slot();
    CHECK(a && b && ep && c && e);

    /* Three-slot rotate: b -> c, a -> b. */
    CHECK_REPLY0(r_rotate(c, 0, b, 0, a), seL4_NoError);
    CHECK_EQ(ident(a), 0);
    CHECK_EQ(ident(b), 1);
    CHECK_EQ(ident(c), 3);

    /* Swap (dest == src): b <-> c. */
    CHECK_REPLY0(r_rotate(c, 0, b, 0, c), seL4_NoError);
    CHECK_EQ(ident(b), 3);
    CHECK_EQ(ident(c), 1);

    /* Through the stub. */
    CHECK_OK(seL4_CNode_Rotate(ROOT, a, 64, 0, ROOT, b, 64, 0, ROOT, c, 64));
    CHECK_EQ(ident(a), 3);
    CHECK_EQ(ident(b), 1);
    CHECK_EQ(ident(c), 0);

    /* Errors (state now: a = PT, b = frame, c = empty, e = empty). */
    CHECK_REPLY0(r_rotate(c, 0, a, 0, a), seL4_IllegalOperation);  /* pivot == src */
    CHECK_REPLY0(r_rotate(c, 0, c, 0, a), seL4_IllegalOperation);  /* pivot == dest */
    CHECK_REPLY0(r_rotate(ep, 0, b, 0, a), seL4_DeleteFirst);      /* dest occupied */
    CHECK_REPLY(r_rotate(c, 0, b, 0, e), seL4_FailedLookup, 1, seL4_MissingCapability, 64);
    CHECK_REPLY(r_rotate(c, 0, e, 0, a), seL4_FailedLookup, 0, seL4_MissingCapability, 64);
    CHECK_REPLY0(r_rotate(c, 0, b, 0, ep), seL4_IllegalOperation); /* endpoint src */
    CHECK_REPLY0(r_rotate(c, 0, ep, 0, a), seL4_IllegalOperation); /* endpoint pivot */
    CHECK_REPLY0(r_rotate(c, 0, b, 0, a), seL4_NoError);
    CHECK_EQ(ident(c), 1);
    CHECK_EQ(ident(b), 3);
    CHECK_EQ(ident(a), 0);
    CHECK_EQ(ident(ep), 4);

    seL4_Word mrs[8] = {e, 64, 0, b, 64, 0, c, 64};
    seL4_CPtr root = ROOT;
    CHECK_REPLY0(raw_call(ROOT, CNodeRotate, 8, mrs, 1, &root), seL4_TruncatedMessage);
    seL4_CPtr caps[2] = {ROOT, ROOT};
    CHECK_REPLY0(raw_call(ROOT, CNodeRotate, 7, mrs, 2, caps), seL4_TruncatedMessage);
    CHECK_EQ(ident(e), 0);
}

/*
 * INVOCATIONS CNode.Delete/Revoke/CancelBadgedSends; ABI (c) resolution errors on
 * the target slot (FailedLookup with MR0 = 0): root CNode guard 0/51, depth
 * mismatch, depth 0/65 (RangeError 1..64).
 */
TEST(cnode_delete_revoke)
{
    seL4_CPtr ntfn = alloc_object(seL4_NotificationObject, 0);
    CHECK(ntfn);

    /* Delete */
    seL4_CPtr c1 = cap_copy(ntfn, seL4_AllRights);
    CHECK(c1);
    CHECK_REPLY0(r_slot_op(CNodeDelete, ROOT, c1, 64), seL4_NoError);
    CHECK_EQ(ident(c1), 0);
    CHECK_REPLY0(r_slot_op(CNodeDelete, ROOT, c1, 64), seL4_NoError); /* empty: no-op */
    CHECK_EQ(ident(ntfn), 6);

    /* Revoke: badged children and a grandchild go, the original stays. */
    seL4_CPtr k1 = cap_mint(ntfn, seL4_AllRights, 1);
    seL4_CPtr k2 = cap_mint(ntfn, seL4_AllRights, 2);
    seL4_CPtr k3 = cap_mint(ntfn, seL4_AllRights, 3);
    CHECK(k1 && k2 && k3);
    seL4_CPtr g1 = cap_copy(k1, seL4_AllRights);
    CHECK(g1);
    CHECK_REPLY0(r_slot_op(CNodeRevoke, ROOT, ntfn, 64), seL4_NoError);
    CHECK_EQ(ident(k1), 0);
    CHECK_EQ(ident(k2), 0);
    CHECK_EQ(ident(k3), 0);
    CHECK_EQ(ident(g1), 0);
    CHECK_EQ(ident(ntfn), 6);
    CHECK_OK(seL4_CNode_Revoke(ROOT, ntfn, 64)); /* nothing left to revoke */
    CHECK_OK(seL4_CNode_Revoke(ROOT, c1, 64));   /* empty slot */

    /* Revoke of a badged cap removes only its own descendants. */
    k1 = cap_mint(ntfn, seL4_AllRights, 1);
    k2 = cap_mint(ntfn, seL4_AllRights, 2);
    CHECK(k1 && k2);
    g1 = cap_copy(k1, seL4_AllRights);
    seL4_CPtr g2 = cap_copy(k2, seL4_AllRights);
    CHECK(g1 && g2);
    CHECK_OK(seL4_CNode_Revoke(ROOT, k1, 64));
    CHECK_EQ(ident(k1), 6);
    CHECK_EQ(ident(g1), 0);
    CHECK_EQ(ident(k2), 6);
    CHECK_EQ(ident(g2), 6);

    /* Target-slot errors. */
    seL4_Word ops[2] = {CNodeDelete, CNodeRevoke};
    for (int i = 0; i < 2; i++) {
        CHECK_REPLY(r_slot_op(ops[i], ROOT, c1, 0), seL4_RangeError, 1, 64);
        CHECK_REPLY(r_slot_op(ops[i], ROOT, c1, 65), seL4_RangeError, 1, 64);
        CHECK_REPLY(r_slot_op(ops[i], ROOT, (seL4_Word)1 << 63, 64), seL4_FailedLookup, 0,
                    seL4_GuardMismatch, 64, 0, 51);
        CHECK_REPLY(r_slot_op(ops[i], ROOT, seL4_CapInitThreadTCB, 32), seL4_FailedLookup, 0,
                    seL4_GuardMismatch, 32, 0, 51);
        CHECK_REPLY(r_slot_op(ops[i], ROOT, seL4_CapInitThreadTCB, 60), seL4_FailedLookup, 0,
                    seL4_DepthMismatch, 60, 64);
    }
    CHECK_ERR(seL4_CNode_Delete(ROOT, (seL4_Word)1 << 63, 64), seL4_FailedLookup);
    CHECK_MR(0, 0);
    CHECK_MR(1, seL4_GuardMismatch);
    CHECK_MR(2, 64);
    CHECK_MR(3, 0);
    CHECK_MR(4, 51);
    CHECK_EQ(ident(seL4_CapInitThreadTCB), 12);

    /* CancelBadgedSends: endpoint caps only. */
    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    CHECK(ep);
    seL4_CPtr bep = cap_mint(ep, seL4_AllRights, 9);
    CHECK(bep);
    CHECK_OK(seL4_CNode_CancelBadgedSends(ROOT, bep, 64));
    CHECK_OK(seL4_CNode_CancelBadgedSends(ROOT, ep, 64));
    CHECK_ERR(seL4_CNode_CancelBadgedSends(ROOT, ntfn, 64), seL4_IllegalOperation);
}

/*
 * ABI (c) address resolution through a two-level CSpace and (e) the lookup-failure
 * encoding at MR1..: InvalidRoot, MissingCapability(bitsLeft), DepthMismatch
 * (bitsLeft, bitsFound), GuardMismatch(bitsLeft, guardFound, bitsFound);
 * MR0 = 1 for the source, 0 for the destination.
 *
 * L1: radix 4, no guard. L1[1] = L2 with guard 0x5/4 bits (radix 4), L1[2] = an
 * endpoint. Address of L2[j] at depth 12: (1 << 8) | (5 << 4) | j.
 */
TEST(cnode_lookup_two_level)
{
    seL4_CPtr l1 = alloc_object(seL4_CapTableObject, 4);
    seL4_CPtr l2 = alloc_object(seL4_CapTableObject, 4);
    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    seL4_CPtr out = alloc_slot(), out2 = alloc_slot();
    CHECK(l1 && l2 && ep && out && out2);
#define L2(j) (((seL4_Word)1 << 8) | ((seL4_Word)5 << 4) | (j))

    CHECK_REPLY0(r_mint(l1, 1, 4, ROOT, l2, 64, (5ull << 6) | 4), seL4_NoError);
    CHECK_REPLY0(r_copy(l1, 2, 4, ROOT, ep, 64), seL4_NoError);
    CHECK_REPLY0(r_copy(l1, L2(3), 12, ROOT, ep, 64), seL4_NoError);

    /* Resolves: copy L2[3] back out; L1[1] at depth 4 is the CNode cap itself. */
    CHECK_REPLY0(r_copy(ROOT, out, 64, l1, L2(3), 12), seL4_NoError);
    CHECK_EQ(ident(out), 4);
    CHECK_REPLY0(r_copy(ROOT, out2, 64, l1, 1, 4), seL4_NoError);
    CHECK_EQ(ident(out2), 10);
    cap_delete(out);

    /* The same slot through the guarded copy in out2 (guard 5/4, radix 4): depth 8. */
    CHECK_REPLY0(r_copy(ROOT, out, 64, out2, (5u << 4) | 3, 8), seL4_NoError);
    CHECK_EQ(ident(out), 4);
    cap_delete(out);

    /* GuardMismatch in L2: bitsLeft 8, guardFound 5, bitsFound 4. */
    CHECK_REPLY(r_copy(ROOT, out, 64, l1, ((seL4_Word)1 << 8) | (6u << 4) | 3, 12),
                seL4_FailedLookup, 1, seL4_GuardMismatch, 8, 5, 4);
    /* Same failure on the destination side: MR0 = 0. */
    CHECK_REPLY(r_copy(l1, ((seL4_Word)1 << 8) | (6u << 4) | 7, 12, ROOT, ep, 64),
                seL4_FailedLookup, 0, seL4_GuardMismatch, 8, 5, 4);
    /* DepthMismatch: depth 10 leaves 6 bits for L2, which needs 8. */
    CHECK_REPLY(r_copy(ROOT, out, 64, l1, (1u << 6) | (5u << 2), 10), seL4_FailedLookup, 1,
                seL4_DepthMismatch, 6, 8);
    /* DepthMismatch: L1 alone needs 4 bits, depth 2 given. */
    CHECK_REPLY(r_copy(ROOT, out, 64, l1, 1, 2), seL4_FailedLookup, 1, seL4_DepthMismatch, 2, 4);
    /* Stopping at a non-CNode with 8 bits left (L1[2] = endpoint). */
    CHECK_REPLY(r_copy(ROOT, out, 64, l1, ((seL4_Word)2 << 8) | 0x33, 12), seL4_FailedLookup, 1,
                seL4_DepthMismatch, 8, 0);
    /* Empty slot L2[4]: MissingCapability with bitsLeft = the depth. */
    CHECK_REPLY(r_copy(ROOT, out, 64, l1, L2(4), 12), seL4_FailedLookup, 1,
                seL4_MissingCapability, 12);
    /* Source root not a CNode. */
    CHECK_REPLY(r_copy(ROOT, out, 64, ep, L2(3), 12), seL4_FailedLookup, 1, seL4_InvalidRoot);
    /* Root CNode (guard 0, 51 bits; radix 13). */
    CHECK_REPLY(r_copy(ROOT, out, 64, ROOT, seL4_CapInitThreadTCB, 60), seL4_FailedLookup, 1,
                seL4_DepthMismatch, 60, 64);
    CHECK_REPLY(r_copy(ROOT, out, 64, ROOT, seL4_CapInitThreadTCB, 32), seL4_FailedLookup, 1,
                seL4_GuardMismatch, 32, 0, 51);
    CHECK_REPLY(r_copy(ROOT, out, 64, ROOT, (seL4_Word)1 << 20, 64), seL4_FailedLookup, 1,
                seL4_GuardMismatch, 64, 0, 51);

    /* Through the stub: MR4 (beyond the registers) is readable as well. */
    CHECK_ERR(seL4_CNode_Copy(ROOT, out, 64, l1, ((seL4_Word)1 << 8) | (6u << 4) | 3, 12,
                              seL4_AllRights),
              seL4_FailedLookup);
    CHECK_MR(0, 1);
    CHECK_MR(1, seL4_GuardMismatch);
    CHECK_MR(2, 8);
    CHECK_MR(3, 5);
    CHECK_MR(4, 4);
    CHECK_EQ(ident(out), 0);

    /* Delete inside L2 by path, then the slot is empty. */
    CHECK_REPLY0(r_slot_op(CNodeDelete, l1, L2(3), 12), seL4_NoError);
    CHECK_REPLY(r_copy(ROOT, out, 64, l1, L2(3), 12), seL4_FailedLookup, 1,
                seL4_MissingCapability, 12);
#undef L2
}

/*
 * ABI "Invocation summary": an unknown label for a cap type gives IllegalOperation
 * (CNode cap with a non-CNode label, frame cap with a CNode label, label 0).
 */
TEST(cnode_illegal_labels)
{
    seL4_CPtr frame = alloc_object(seL4_ARM_SmallPageObject, 0);
    CHECK(frame);
    seL4_Word mrs[6] = {seL4_EndpointObject, 0, 0, 0, 0, 1};
    seL4_CPtr root = ROOT;
    CHECK_REPLY0(raw_call(ROOT, UntypedRetype, 6, mrs, 1, &root), seL4_IllegalOperation);
    CHECK_REPLY0(raw_call(ROOT, InvalidInvocation, 2, mrs, 0, NULL), seL4_IllegalOperation);
    CHECK_REPLY0(raw_call(ROOT, TCBSuspend, 0, mrs, 0, NULL), seL4_IllegalOperation);
    CHECK_REPLY0(raw_call(frame, CNodeDelete, 2, mrs, 0, NULL), seL4_IllegalOperation);
    CHECK_REPLY0(raw_call(ROOT, ARMPageMap, 3, mrs, 1, &root), seL4_IllegalOperation);
    CHECK_EQ(ident(ROOT), 10);
}
