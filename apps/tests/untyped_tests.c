/*
 * Untyped tests: Retype of every object type, Retype errors, memory accounting
 * (NotEnoughMemory, alignment, reset after revoke, zeroing), device untypeds,
 * revoke reclaiming memory.
 */
#include "framework.h"

#define ROOT seL4_CapInitThreadCNode

static seL4_Word ident(seL4_CPtr c)
{
    return seL4_DebugCapIdentify(c);
}

/* Raw Retype into the root CNode (node_depth 0 = the root CNode itself). */
static seL4_MessageInfo_t r_retype(seL4_CPtr ut, seL4_Word type, seL4_Word size_bits,
                                   seL4_Word offset, seL4_Word num)
{
    seL4_Word mrs[6] = {type, size_bits, 0, 0, offset, num};
    seL4_CPtr root = ROOT;
    return raw_call(ut, UntypedRetype, 6, mrs, 1, &root);
}

static seL4_MessageInfo_t r_retype_node(seL4_CPtr ut, seL4_Word type, seL4_Word size_bits,
                                        seL4_CPtr root, seL4_Word index, seL4_Word depth,
                                        seL4_Word offset, seL4_Word num)
{
    seL4_Word mrs[6] = {type, size_bits, index, depth, offset, num};
    return raw_call(ut, UntypedRetype, 6, mrs, 1, &root);
}

static seL4_Word frame_paddr(seL4_CPtr frame)
{
    seL4_ARM_Page_GetAddress_t ga = seL4_ARM_Page_GetAddress(frame);
    if (ga.error != seL4_NoError)
        FAIL_R(~0ull, "Page_GetAddress(%llu): %s", (unsigned long long)frame,
               err_name((seL4_Word)ga.error));
    return ga.paddr;
}

/*
 * ABI (d) object types: Retype of every type succeeds and yields the right cap
 * (DebugCapIdentify tag, ABI (l)); frames are aligned to their size. The 1 GiB
 * HugePage comes from a device untyped (RAM has no free 1 GiB block).
 */
TEST(untyped_retype_every_type)
{
    static const struct {
        seL4_Word type, size_bits, tag;
        const char *name;
    } objs[] = {
        {seL4_UntypedObject, 12, 2, "Untyped"},
        {seL4_TCBObject, 0, 12, "TCB"},
        {seL4_EndpointObject, 0, 4, "Endpoint"},
        {seL4_NotificationObject, 0, 6, "Notification"},
        {seL4_CapTableObject, 3, 10, "CNode"},
        {seL4_SchedContextObject, 8, 22, "SchedContext"},
        {seL4_ReplyObject, 0, 8, "Reply"},
        {seL4_ARM_VSpaceObject, 0, 9, "VSpace"},
        {seL4_ARM_SmallPageObject, 0, 1, "SmallPage"},
        {seL4_ARM_LargePageObject, 0, 1, "LargePage"},
        {seL4_ARM_PageTableObject, 0, 3, "PageTable"},
        {seL4_UntypedObject, 4, 2, "Untyped (min size)"},
        {seL4_CapTableObject, 1, 10, "CNode (2 slots)"},
        {seL4_SchedContextObject, 7, 22, "SchedContext (min size)"},
    };
    for (unsigned i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
        seL4_CPtr c = alloc_object(objs[i].type, objs[i].size_bits);
        if (!c)
            return;
        seL4_Word tag = ident(c);
        if (tag != objs[i].tag)
            FAIL("%s: DebugCapIdentify = %llu, want %llu", objs[i].name, (unsigned long long)tag,
                 (unsigned long long)objs[i].tag);
        if (objs[i].type == seL4_ARM_SmallPageObject || objs[i].type == seL4_ARM_LargePageObject) {
            seL4_Word pa = frame_paddr(c);
            seL4_Word align = objs[i].type == seL4_ARM_SmallPageObject ? 1ul << 12 : 1ul << 21;
            if (test_failed())
                return;
            if (pa & (align - 1))
                FAIL("%s: paddr 0x%llx not aligned", objs[i].name, (unsigned long long)pa);
        }
    }

    seL4_Word dpaddr = 0, dbits = 0;
    seL4_CPtr dev = find_device_untyped(30, &dpaddr, &dbits);
    if (!dev)
        FAIL("no device untyped of at least 2^30 bytes for a HugePage");
    seL4_CPtr huge = alloc_slot();
    CHECK(huge);
    CHECK_REPLY0(r_retype(dev, seL4_ARM_HugePageObject, 0, huge, 1), seL4_NoError);
    CHECK_EQ(ident(huge), 1);
    CHECK_EQ(frame_paddr(huge), dpaddr); /* first object at the untyped's base */
    CHECK_OK(seL4_CNode_Revoke(ROOT, dev, 64));
    CHECK_EQ(ident(huge), 0);
}

/*
 * ABI (d) size_bits rules and (e) Retype errors: bad type -> InvalidArgument 0;
 * size too big -> RangeError(0, 47); below the type minimum -> InvalidArgument 1;
 * num_objects 0 / 257 -> RangeError(1, 256); occupied destination -> DeleteFirst;
 * node_depth > 64 -> RangeError(1, 64); bad destination window; truncated message.
 * A failing Retype creates nothing.
 */
TEST(untyped_retype_errors)
{
    seL4_CPtr ut = alloc_object(seL4_UntypedObject, 16);
    seL4_CPtr d = alloc_slots(4);
    CHECK(ut && d);

    /* Object type. */
    CHECK_REPLY(r_retype(ut, seL4_ObjectTypeCount, 0, d, 1), seL4_InvalidArgument, 0);
    CHECK_REPLY(r_retype(ut, 0xfffe, 0, d, 1), seL4_InvalidArgument, 0);
    CHECK_REPLY(r_retype(ut, 0xffff, 0, d, 1), seL4_InvalidArgument, 0);
    CHECK_REPLY(r_retype(ut, ~0ull, 0, d, 1), seL4_InvalidArgument, 0);
    CHECK_ERR(seL4_Untyped_Retype(ut, 12, 0, ROOT, 0, 0, d, 1), seL4_InvalidArgument);
    CHECK_MR(0, 0);

    /* Too big. */
    CHECK_REPLY(r_retype(ut, seL4_UntypedObject, 48, d, 1), seL4_RangeError, 0, 47);
    CHECK_REPLY(r_retype(ut, seL4_UntypedObject, 64, d, 1), seL4_RangeError, 0, 47);
    CHECK_REPLY(r_retype(ut, seL4_UntypedObject, ~0ull, d, 1), seL4_RangeError, 0, 47);
    CHECK_REPLY(r_retype(ut, seL4_SchedContextObject, 48, d, 1), seL4_RangeError, 0, 47);
    CHECK_REPLY(r_retype(ut, seL4_CapTableObject, 43, d, 1), seL4_RangeError, 0, 47);
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_UntypedObject, 50, ROOT, 0, 0, d, 1), seL4_RangeError);
    CHECK_MR(0, 0);
    CHECK_MR(1, 47);

    /* Too small. */
    CHECK_REPLY(r_retype(ut, seL4_UntypedObject, 3, d, 1), seL4_InvalidArgument, 1);
    CHECK_REPLY(r_retype(ut, seL4_CapTableObject, 0, d, 1), seL4_InvalidArgument, 1);
    CHECK_REPLY(r_retype(ut, seL4_SchedContextObject, 6, d, 1), seL4_InvalidArgument, 1);

    /* Number of objects. */
    CHECK_REPLY(r_retype(ut, seL4_EndpointObject, 0, d, 0), seL4_RangeError, 1, 256);
    CHECK_REPLY(r_retype(ut, seL4_EndpointObject, 0, d, 257), seL4_RangeError, 1, 256);
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, d, 0), seL4_RangeError);
    CHECK_MR(0, 1);
    CHECK_MR(1, 256);

    /* Destination window (seL4: offset <= slots - 1, num <= slots - offset). */
    CHECK_REPLY(r_retype(ut, seL4_EndpointObject, 0, 8192, 1), seL4_RangeError, 0, 8191);
    CHECK_REPLY(r_retype(ut, seL4_EndpointObject, 0, 8190, 5), seL4_RangeError, 1, 2);

    /* Occupied destination, also when only a later slot of the window is taken. */
    CHECK_REPLY0(r_retype(ut, seL4_EndpointObject, 0, seL4_CapInitThreadTCB, 1), seL4_DeleteFirst);
    CHECK_REPLY0(r_retype(ut, seL4_EndpointObject, 0, seL4_CapInitThreadTCB - 1, 2),
                 seL4_DeleteFirst);
    seL4_CPtr occ = d + 2;
    CHECK_OK(seL4_CNode_Copy(ROOT, occ, 64, ROOT, seL4_CapInitThreadTCB, 64, seL4_AllRights));
    CHECK_REPLY0(r_retype(ut, seL4_EndpointObject, 0, d, 3), seL4_DeleteFirst);
    CHECK_EQ(ident(d), 0);
    CHECK_EQ(ident(d + 1), 0);
    cap_delete(occ);

    /* Destination CNode lookup. */
    CHECK_REPLY(r_retype_node(ut, seL4_EndpointObject, 0, ROOT, ROOT, 65, d, 1), seL4_RangeError,
                1, 64);
    CHECK_REPLY(r_retype_node(ut, seL4_EndpointObject, 0, ROOT, (seL4_Word)1 << 63, 64, d, 1),
                seL4_FailedLookup, 0, seL4_GuardMismatch, 64, 0, 51);
    /* node_index naming a non-CNode cap: FailedLookup, MissingCapability(depth). */
    CHECK_REPLY(r_retype_node(ut, seL4_EndpointObject, 0, ROOT, seL4_CapInitThreadTCB, 64, 0, 1),
                seL4_FailedLookup, 0, seL4_MissingCapability, 64);

    /* Truncated. */
    seL4_Word mrs[6] = {seL4_EndpointObject, 0, 0, 0, d, 1};
    seL4_CPtr root = ROOT;
    CHECK_REPLY0(raw_call(ut, UntypedRetype, 5, mrs, 1, &root), seL4_TruncatedMessage);
    CHECK_REPLY0(raw_call(ut, UntypedRetype, 6, mrs, 0, NULL), seL4_TruncatedMessage);

    /* Other labels on an untyped cap. */
    CHECK_REPLY0(raw_call(ut, CNodeDelete, 6, mrs, 1, &root), seL4_IllegalOperation);

    /* Nothing was created by any of the above. */
    for (int i = 0; i < 4; i++)
        CHECK_EQ(ident(d + (seL4_CPtr)i), 0);

    /* And a valid Retype still works afterwards: all 4 slots. */
    CHECK_REPLY0(r_retype(ut, seL4_EndpointObject, 0, d, 4), seL4_NoError);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(ident(d + (seL4_CPtr)i), 4);
}

/*
 * ABI (e) NotEnoughMemory: MR0 = bytes still available in the untyped; retype of
 * 256 objects at once (the fan-out limit) fills a 4 KiB untyped with endpoints.
 */
TEST(untyped_not_enough_memory)
{
    seL4_CPtr ut = alloc_object(seL4_UntypedObject, 12);
    seL4_CPtr ut2 = alloc_object(seL4_UntypedObject, 12);
    seL4_CPtr d = alloc_slots(258);
    CHECK(ut && ut2 && d);

    /* Too much at once from a fresh untyped: all 4096 bytes available. */
    CHECK_REPLY(r_retype(ut2, seL4_ARM_SmallPageObject, 0, d, 2), seL4_NotEnoughMemory, 4096);
    CHECK_REPLY(r_retype(ut2, seL4_ARM_LargePageObject, 0, d, 1), seL4_NotEnoughMemory, 4096);
    CHECK_ERR(seL4_Untyped_Retype(ut2, seL4_UntypedObject, 13, ROOT, 0, 0, d, 1),
              seL4_NotEnoughMemory);
    CHECK_MR(0, 4096);
    CHECK_EQ(ident(d), 0);

    /* One endpoint (16 bytes) leaves 4080. */
    CHECK_REPLY0(r_retype(ut, seL4_EndpointObject, 0, d, 1), seL4_NoError);
    CHECK_REPLY(r_retype(ut, seL4_ARM_SmallPageObject, 0, d + 1, 1), seL4_NotEnoughMemory, 4080);
    CHECK_REPLY(r_retype(ut, seL4_EndpointObject, 0, d + 1, 256), seL4_NotEnoughMemory, 4080);
    /* 255 more fill it exactly. */
    CHECK_REPLY0(r_retype(ut, seL4_EndpointObject, 0, d + 1, 255), seL4_NoError);
    CHECK_REPLY(r_retype(ut, seL4_EndpointObject, 0, d + 256, 1), seL4_NotEnoughMemory, 0);
    for (int i = 0; i < 256; i++)
        if (ident(d + (seL4_CPtr)i) != 4)
            FAIL("slot %d of the window: tag %llu, want 4", i,
                 (unsigned long long)ident(d + (seL4_CPtr)i));
    CHECK_EQ(ident(d + 256), 0);

    /* 256 in one call from the other untyped. */
    CHECK_OK(seL4_CNode_Revoke(ROOT, ut, 64));
    CHECK_EQ(ident(d), 0);
    CHECK_EQ(ident(d + 255), 0);
    CHECK_REPLY0(r_retype(ut2, seL4_EndpointObject, 0, d, 256), seL4_NoError);
    CHECK_EQ(ident(d), 4);
    CHECK_EQ(ident(d + 255), 4);
    CHECK_REPLY(r_retype(ut2, seL4_NotificationObject, 0, d + 256, 1), seL4_NotEnoughMemory, 0);
}

/*
 * ABI (d) "Retype places objects at the untyped's current free index rounded up to
 * the object's alignment; frames from non-device memory are zeroed"; an untyped
 * without children starts again from its base.
 */
TEST(untyped_alignment_reset_zeroing)
{
    seL4_CPtr ut = alloc_object(seL4_UntypedObject, 14); /* 16 KiB */
    seL4_CPtr d = alloc_slots(6);
    CHECK(ut && d);

    CHECK_REPLY0(r_retype(ut, seL4_EndpointObject, 0, d, 1), seL4_NoError);      /* [0,16) */
    CHECK_REPLY0(r_retype(ut, seL4_ARM_SmallPageObject, 0, d + 1, 1), seL4_NoError); /* 4K */
    CHECK_REPLY0(r_retype(ut, seL4_ARM_SmallPageObject, 0, d + 2, 1), seL4_NoError); /* 8K */
    CHECK_REPLY0(r_retype(ut, seL4_CapTableObject, 7, d + 3, 1), seL4_NoError);     /* 12K */
    CHECK_REPLY(r_retype(ut, seL4_EndpointObject, 0, d + 4, 1), seL4_NotEnoughMemory, 0);
    seL4_Word p1 = frame_paddr(d + 1), p2 = frame_paddr(d + 2);
    if (test_failed())
        return;
    CHECK_EQ(p2, p1 + 4096);
    CHECK_EQ(p1 & 0x3fff, 0x1000); /* the untyped is 16 KiB aligned */

    /* Dirty the second frame. */
    seL4_Word va = alloc_vaddr(1);
    TRY(map_frame(d + 2, va, seL4_ReadWrite, seL4_ARM_Default_VMAttributes));
    volatile seL4_Word *w = (volatile seL4_Word *)va;
    for (int i = 0; i < 512; i++)
        w[i] = 0xd1d1d1d1d1d1d1d1ull ^ (seL4_Word)i;
    CHECK_EQ(w[7], 0xd1d1d1d1d1d1d1d1ull ^ 7);

    /* Revoke: everything goes, the untyped restarts at its base. */
    CHECK_OK(seL4_CNode_Revoke(ROOT, ut, 64));
    for (int i = 0; i < 4; i++)
        CHECK_EQ(ident(d + (seL4_CPtr)i), 0);
    CHECK_REPLY0(r_retype(ut, seL4_ARM_SmallPageObject, 0, d, 4), seL4_NoError);
    CHECK_EQ(frame_paddr(d), p1 - 4096);
    CHECK_EQ(frame_paddr(d + 2), p2);

    /* The frame that reuses the dirtied memory reads as zero. */
    seL4_Word va2 = alloc_vaddr(1);
    TRY(map_frame(d + 2, va2, seL4_ReadWrite, seL4_ARM_Default_VMAttributes));
    volatile seL4_Word *z = (volatile seL4_Word *)va2;
    for (int i = 0; i < 512; i++)
        if (z[i] != 0)
            FAIL("reused frame word %d = 0x%llx, want 0 (frames are zeroed)", i,
                 (unsigned long long)z[i]);
}

/*
 * ABI (d): device untypeds only yield frames and untypeds (seL4: InvalidArgument 1
 * otherwise); a device frame's address is the untyped's.
 */
TEST(untyped_device)
{
    seL4_Word paddr = 0, bits = 0;
    seL4_CPtr dev = find_device_untyped(23, &paddr, &bits);
    if (!dev)
        FAIL("no device untyped of at least 8 MiB");
    seL4_CPtr d = alloc_slots(3);
    CHECK(d);

    CHECK_REPLY(r_retype(dev, seL4_TCBObject, 0, d, 1), seL4_InvalidArgument, 1);
    CHECK_REPLY(r_retype(dev, seL4_EndpointObject, 0, d, 1), seL4_InvalidArgument, 1);
    CHECK_REPLY(r_retype(dev, seL4_CapTableObject, 4, d, 1), seL4_InvalidArgument, 1);
    CHECK_REPLY(r_retype(dev, seL4_ARM_PageTableObject, 0, d, 1), seL4_InvalidArgument, 1);
    CHECK_REPLY(r_retype(dev, seL4_ARM_VSpaceObject, 0, d, 1), seL4_InvalidArgument, 1);
    CHECK_EQ(ident(d), 0);

    CHECK_REPLY0(r_retype(dev, seL4_ARM_LargePageObject, 0, d, 1), seL4_NoError);
    CHECK_EQ(ident(d), 1);
    CHECK_EQ(frame_paddr(d), paddr);
    CHECK_REPLY0(r_retype(dev, seL4_ARM_SmallPageObject, 0, d + 1, 1), seL4_NoError);
    CHECK_EQ(frame_paddr(d + 1), paddr + (1ul << 21));
    CHECK_REPLY0(r_retype(dev, seL4_UntypedObject, 12, d + 2, 1), seL4_NoError);
    CHECK_EQ(ident(d + 2), 2);
    /* A device child untyped is still device memory. */
    seL4_CPtr e = alloc_slot();
    CHECK(e);
    CHECK_REPLY(r_retype(d + 2, seL4_NotificationObject, 0, e, 1), seL4_InvalidArgument, 1);

    CHECK_OK(seL4_CNode_Revoke(ROOT, dev, 64));
    CHECK_EQ(ident(d), 0);
    CHECK_EQ(ident(d + 1), 0);
    CHECK_EQ(ident(d + 2), 0);
}

/*
 * INVOCATIONS Untyped.Retype destination: node_index/node_depth select a CNode
 * other than the root; the window must fit that CNode.
 */
TEST(untyped_retype_into_other_cnode)
{
    seL4_CPtr ut = alloc_object(seL4_UntypedObject, 12);
    seL4_CPtr cn = alloc_object(seL4_CapTableObject, 4);
    seL4_CPtr out = alloc_slot();
    CHECK(ut && cn && out);

    CHECK_REPLY0(r_retype_node(ut, seL4_EndpointObject, 0, ROOT, cn, 64, 3, 2), seL4_NoError);
    CHECK_REPLY0(r_retype_node(ut, seL4_NotificationObject, 0, ROOT, cn, 64, 3, 1),
                 seL4_DeleteFirst);
    CHECK_REPLY(r_retype_node(ut, seL4_EndpointObject, 0, ROOT, cn, 64, 16, 1), seL4_RangeError,
                0, 15);
    CHECK_REPLY(r_retype_node(ut, seL4_EndpointObject, 0, ROOT, cn, 64, 15, 2), seL4_RangeError,
                1, 1);
    /* The CNode cap itself as root with node_depth 0. */
    CHECK_REPLY0(r_retype_node(ut, seL4_NotificationObject, 0, cn, 0, 0, 15, 1), seL4_NoError);

    CHECK_OK(seL4_CNode_Copy(ROOT, out, 64, cn, 4, 4, seL4_AllRights));
    CHECK_EQ(ident(out), 4);
    cap_delete(out);
    CHECK_OK(seL4_CNode_Copy(ROOT, out, 64, cn, 15, 4, seL4_AllRights));
    CHECK_EQ(ident(out), 6);
    cap_delete(out);
    CHECK_ERR(seL4_CNode_Copy(ROOT, out, 64, cn, 5, 4, seL4_AllRights), seL4_FailedLookup);
}

/*
 * ABI (d) retype placement / (e) NotEnoughMemory, INVOCATIONS CNode.Revoke:
 * revoke reclaims memory: 100 rounds of retype-everything (frames, CNodes or one
 * full-size untyped), check the untyped is full, revoke, check the caps are gone.
 */
TEST(untyped_revoke_reclaim_100x)
{
    seL4_CPtr ut = alloc_object(seL4_UntypedObject, 16); /* 64 KiB */
    seL4_CPtr d = alloc_slots(17);
    CHECK(ut && d);

    for (int round = 0; round < 100; round++) {
        seL4_Word n;
        seL4_Word tag;
        seL4_MessageInfo_t info;
        switch (round % 3) {
        case 0:
            n = 16;
            tag = 1;
            info = r_retype(ut, seL4_ARM_SmallPageObject, 0, d, n);
            break;
        case 1:
            n = 4;
            tag = 10;
            info = r_retype(ut, seL4_CapTableObject, 9, d, n); /* 16 KiB each */
            break;
        default:
            n = 1;
            tag = 2;
            info = r_retype(ut, seL4_UntypedObject, 16, d, n);
            break;
        }
        if (seL4_MessageInfo_get_label(info) != seL4_NoError)
            FAIL("round %d: Retype failed: %s (MR0 %llu)", round,
                 err_name(seL4_MessageInfo_get_label(info)), (unsigned long long)seL4_GetMR(0));
        for (seL4_Word i = 0; i < n; i++)
            if (ident(d + i) != tag)
                FAIL("round %d: slot %llu tag %llu, want %llu", round, (unsigned long long)i,
                     (unsigned long long)ident(d + i), (unsigned long long)tag);
        info = r_retype(ut, seL4_EndpointObject, 0, d + 16, 1);
        if (seL4_MessageInfo_get_label(info) != seL4_NotEnoughMemory || seL4_GetMR(0) != 0)
            FAIL("round %d: untyped not full after retype-all: %s, MR0 %llu", round,
                 err_name(seL4_MessageInfo_get_label(info)), (unsigned long long)seL4_GetMR(0));
        seL4_Error err = seL4_CNode_Revoke(ROOT, ut, 64);
        if (err != seL4_NoError)
            FAIL("round %d: Revoke: %s", round, err_name(err));
        for (seL4_Word i = 0; i < n; i++)
            if (ident(d + i) != 0)
                FAIL("round %d: slot %llu still holds tag %llu after Revoke", round,
                     (unsigned long long)i, (unsigned long long)ident(d + i));
    }
    CHECK_EQ(ident(ut), 2);
}
