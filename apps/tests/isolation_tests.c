/*
 * Isolation: what a thread holding only its own caps cannot do.
 *
 * The children run in address spaces and CSpaces of their own (vspace_env: the root
 * task's image is mapped into them, so they run the same code and report through shared
 * variables). Each test gives a child a few caps and checks, from both sides, that they
 * are all it can use:
 *   iso_only_given_caps              its CSpace holds exactly what it was given; every
 *                                    method on anything else fails, a cptr outside its
 *                                    CSpace faults (to its own handler)
 *   iso_derived_rights_never_grow    Copy/Mint/Mutate chains with any rights never give more
 *                                    than the parent had (frames, endpoints, notifications)
 *   iso_badges_cannot_be_forged      a badged cap stays that badge whatever is derived
 *   iso_device_memory                RAM untypeds never yield device memory; device
 *                                    memory only comes from device untypeds, and only as
 *                                    frames
 *   iso_other_vspaces_unreachable    memory mapped in another VSpace is unreachable, and
 *                                    mapping one's own frame at the same address changes
 *                                    nothing there
 *   iso_faulting_and_looping_threads a thread that faults or loops at a high priority
 *                                    stops neither higher-priority threads nor the budget
 *                                    of a lower-priority one
 * Every test ends with the kernel's invariant checker (Keel's debug syscall -64).
 */
#include <sel4/keel.h>
#include "framework.h"

#define ROOT seL4_CapInitThreadCNode
#define ATTRS seL4_ARM_Default_VMAttributes
#define CSPACE_BITS 5
#define NSLOTS (1u << CSPACE_BITS)

static volatile seL4_Word *word_at(seL4_Word vaddr)
{
    return (volatile seL4_Word *)(uintptr_t)vaddr;
}

/* A fresh frame mapped read-write at vaddr in the root VSpace. */
static seL4_CPtr root_mapped_frame(seL4_Word vaddr)
{
    seL4_CPtr f = alloc_object(seL4_ARM_SmallPageObject, 0);
    if (!f || map_frame(f, vaddr, seL4_ReadWrite, ATTRS))
        return 0;
    return f;
}

static void check_kernel_invariants(void)
{
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
}

/* ---- iso_only_given_caps ------------------------------------------------------------- */

#define OG_EP 1       /* the shared endpoint, Write only */
#define OG_NTFN 2     /* the shared notification, Write only, badge 0x40 */
#define OG_OUTSIDE 0x4000 /* beyond the 5-bit CSpace: the guard does not match */

struct only_given {
    seL4_Word tags[NSLOTS];
    seL4_Word errs[NSLOTS][8];
    volatile int done;
};

static void only_given_fn(seL4_Word arg)
{
    struct only_given *s = (struct only_given *)arg;

    for (seL4_Word i = 0; i < NSLOTS; i++)
        s->tags[i] = seL4_DebugCapIdentify(i);
    /* Every kind of object method on every slot that holds no cap. */
    for (seL4_Word i = 0; i < NSLOTS; i++) {
        if (s->tags[i] != cap_null_cap)
            continue;
        s->errs[i][0] = seL4_TCB_Suspend(i);
        s->errs[i][1] = seL4_Untyped_Retype(i, seL4_TCBObject, 0, i, 0, 0, 0, 1);
        s->errs[i][2] = seL4_CNode_Revoke(i, 0, 64);
        s->errs[i][3] = seL4_SchedContext_Consumed(i).error;
        s->errs[i][4] = seL4_ARM_Page_Map(i, i, 0x20000000ul, seL4_ReadWrite, ATTRS);
        s->errs[i][5] = seL4_IRQControl_Get(i, 40, i, 0, 64);
        s->errs[i][6] = seL4_DomainSet_Set(i, 0, i);
        s->errs[i][7] = seL4_ARM_ASIDPool_Assign(i, i);
    }
    seL4_Signal(OG_NTFN);                  /* what it was given does work */
    s->done = 1;
    /* The root task's own TCB cptr means nothing here: a cap fault, to its own handler. */
    (void)seL4_TCB_Suspend(OG_OUTSIDE | seL4_CapInitThreadTCB);
    s->done = 2;
}

TEST(iso_only_given_caps)
{
    static struct vspace_env e;
    static struct thread t;
    static struct only_given s;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = alloc_object(seL4_NotificationObject, 0);
    CHECK(ep && ntfn);
    s = (struct only_given){0};
    TRY(fault_ep_create(&f));
    TRY(vspace_env_create(&e, 0, CSPACE_BITS));
    TRY(vspace_env_give(&e, OG_EP, ep, seL4_CanWrite));
    CHECK_OK(seL4_CNode_Mint(e.cspace, OG_NTFN, CSPACE_BITS, ROOT, ntfn, 64, seL4_CanWrite, 0x40));
    TRY(thread_create_in(&t, &e, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, only_given_fn, (seL4_Word)(uintptr_t)&s));

    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    CHECK_EQ(s.done, 1);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    CHECK_MR(seL4_CapFault_Addr, OG_OUTSIDE | seL4_CapInitThreadTCB);
    CHECK_MR(seL4_CapFault_LookupFailureType, seL4_GuardMismatch);
    TRY(skip_insn(&t));
    fault_reply(&f, 0, 0, NULL);
    TRY(fault_wait_exit(&f));
    CHECK_EQ(s.done, 2);

    for (seL4_Word i = 0; i < NSLOTS; i++) {
        seL4_Word want = i == OG_EP ? cap_endpoint_cap : i == OG_NTFN ? cap_notification_cap
                                                                     : cap_null_cap;
        if (s.tags[i] != want)
            FAIL("slot %llu of the child's CSpace holds cap type %llu, want %llu",
                 (unsigned long long)i, (unsigned long long)s.tags[i], (unsigned long long)want);
        if (want != cap_null_cap)
            continue;
        for (int m = 0; m < 8; m++)
            if (s.errs[i][m] != seL4_InvalidCapability)
                FAIL("method %d on empty slot %llu: %s, want InvalidCapability", m,
                     (unsigned long long)i, err_name(s.errs[i][m]));
    }
    seL4_Word badge = 0;
    seL4_Poll(ntfn, &badge);
    CHECK_EQ(badge, 0x40);
    /* The root task is still running with all its caps. */
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadTCB), cap_thread_cap);
    check_kernel_invariants();
}

/* ---- iso_derived_rights_never_grow ------------------------------------------------------- */

#define DR_FRAME 1    /* a frame, Read only */
#define DR_VSPACE 2   /* its own VSpace */
#define DR_EP 3       /* an endpoint, Write only */
#define DR_NTFN 4     /* a notification, Write only */
#define DR_CNODE 5    /* its own CNode (guard 0: depth 5) */
#define DR_FREE 8     /* 8..31 free */
#define DR_VADDR 0x30000000ul
#define DR_CHAINS 6

struct derived {
    seL4_Word pattern, seen[DR_CHAINS];
    seL4_Word mint_errs;
    volatile int step;
};

/* A chain of derivations from src, each with all rights or random ones that include
 * 'keep' (the right the test then uses); returns the last slot. */
static seL4_Word derive_chain(seL4_Word src, seL4_Word keep, seL4_Word *next_free, uint64_t *rng,
                              seL4_Word *errs)
{
    seL4_Word cur = src;
    for (int d = 0; d < 4; d++) {
        seL4_Word dest = (*next_free)++;
        seL4_CapRights_t rights = {.words = {(trand_next(rng) & 0xf) | keep}};
        seL4_Error err;
        if (d == 0 || (trand_next(rng) & 1))
            err = seL4_CNode_Copy(DR_CNODE, dest, CSPACE_BITS, DR_CNODE, cur, CSPACE_BITS,
                                  seL4_AllRights);
        else
            err = seL4_CNode_Mint(DR_CNODE, dest, CSPACE_BITS, DR_CNODE, cur, CSPACE_BITS,
                                  (trand_next(rng) & 1) ? seL4_AllRights : rights, 0);
        if (err) {
            (*errs)++;
            (*next_free)--;
            continue;
        }
        cur = dest;
    }
    return cur;
}

static void derived_fn(seL4_Word arg)
{
    struct derived *s = (struct derived *)arg;
    uint64_t rng = 0x517cc1b727220a95ull;
    seL4_Word next_free = DR_FREE;

    /* Frames: whatever is derived maps read-only; reading works, writing faults. */
    for (int c = 0; c < DR_CHAINS; c++) {
        seL4_Word slot = derive_chain(DR_FRAME, seL4_CanRead.words[0], &next_free, &rng, &s->mint_errs);
        seL4_Word vaddr = DR_VADDR + (seL4_Word)c * 4096;
        if (seL4_ARM_Page_Map(slot, DR_VSPACE, vaddr, seL4_AllRights, ATTRS) != seL4_NoError)
            continue;
        s->seen[c] = probe_load(vaddr);
        s->step = 10 + c;
        probe_store(vaddr, 0xbad);          /* faults: the root skips it */
    }
    next_free = DR_FREE + 2 * DR_CHAINS;
    /* An endpoint without Read cannot receive, whatever is derived from it. */
    s->step = 1;
    seL4_Word badge;
    (void)seL4_NBRecv(derive_chain(DR_EP, 0, &next_free, &rng, &s->mint_errs), &badge, 0);
    /* ...and without Grant it carries no caps. */
    s->step = 2;
    seL4_Word ep = derive_chain(DR_EP, seL4_CanWrite.words[0], &next_free, &rng, &s->mint_errs);
    seL4_SetCap(0, DR_FRAME);
    seL4_SetMR(0, 0x1234);
    seL4_Send(ep, seL4_MessageInfo_new(7, 0, 1, 1));
    /* A notification without Read cannot be waited on. */
    s->step = 3;
    (void)seL4_Poll(derive_chain(DR_NTFN, 0, &next_free, &rng, &s->mint_errs), &badge);
    s->step = 4;
}

TEST(iso_derived_rights_never_grow)
{
    static struct vspace_env e;
    static struct thread t;
    static struct derived s;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    seL4_Word shared = alloc_vaddr(1);
    seL4_CPtr frame = root_mapped_frame(shared);
    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = alloc_object(seL4_NotificationObject, 0);
    seL4_CPtr recv_slot = alloc_slot();
    CHECK(frame && ep && ntfn && recv_slot);
    s = (struct derived){.pattern = 0x15011a7edull};
    *word_at(shared) = s.pattern;
    TRY(fault_ep_create(&f));
    TRY(vspace_env_create(&e, 0, CSPACE_BITS));
    TRY(vspace_env_give(&e, DR_FRAME, frame, seL4_CanRead));
    TRY(vspace_env_give(&e, DR_VSPACE, e.vspace, seL4_AllRights));
    TRY(vspace_env_give(&e, DR_EP, ep, seL4_CanWrite));
    TRY(vspace_env_give(&e, DR_NTFN, ntfn, seL4_CanWrite));
    TRY(vspace_env_give(&e, DR_CNODE, e.cspace, seL4_AllRights));
    TRY(vspace_env_map_tables(&e, DR_VADDR));
    TRY(thread_create_in(&t, &e, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, derived_fn, (seL4_Word)(uintptr_t)&s));

    for (int c = 0; c < DR_CHAINS; c++) {
        seL4_Word vaddr = DR_VADDR + (seL4_Word)c * 4096;
        EXPECT_VM_FAULT(&f, probe_store_insn, vaddr, 0, FSC_ANY, 1);
        CHECK_EQ(s.step, 10 + c);
        CHECK_EQ(FSR_FSC(seL4_GetMR(seL4_VMFault_FSR)) & 0x3c, 0x0c);   /* permission */
        CHECK_EQ(s.seen[c], s.pattern);
        TRY(skip_insn(&t));
        fault_reply(&f, 0, 0, NULL);
    }
    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    CHECK_EQ(s.step, 1);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    CHECK_MR(seL4_CapFault_InRecvPhase, 1);
    TRY(skip_insn(&t));
    fault_reply(&f, 0, 0, NULL);

    /* The child's Send: no cap arrives without Grant. */
    seL4_SetCapReceivePath(ROOT, recv_slot, 64);
    seL4_Word badge = 0;
    info = seL4_MessageInfo_new(0, 0, 0, 0);
    for (unsigned i = 0; i < FAULT_WAIT_POLLS && seL4_MessageInfo_get_label(info) != 7; i++) {
        info = seL4_NBRecv(ep, &badge, f.reply);
        if (seL4_MessageInfo_get_label(info) != 7)
            seL4_Yield();
    }
    seL4_SetCapReceivePath(0, 0, 0);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 7);
    CHECK_EQ(s.step, 2);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(info), 0);
    CHECK_EQ(seL4_DebugCapIdentify(recv_slot), cap_null_cap);

    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    CHECK_EQ(s.step, 3);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    CHECK_MR(seL4_CapFault_InRecvPhase, 1);
    TRY(skip_insn(&t));
    fault_reply(&f, 0, 0, NULL);
    TRY(fault_wait_exit(&f));
    CHECK_EQ(s.step, 4);
    CHECK_EQ(*word_at(shared), s.pattern);      /* no write got through */
    tinfo("%llu derivations refused along the way", (unsigned long long)s.mint_errs);
    check_kernel_invariants();
}

/* ---- iso_badges_cannot_be_forged ---------------------------------------------------------- */

#define BF_EP 1       /* an endpoint badged 0x55 (all rights) */
#define BF_NTFN 2     /* a notification badged 0x8 (Write) */
#define BF_CNODE 3
#define BF_FREE 8
#define BF_TRIES 6
#define BF_MAX (BF_TRIES + 1)

struct badges {
    seL4_Word ep_slots[BF_MAX], nep;
    seL4_Word ntfn_slots[BF_MAX], nntfn;
    volatile int sent;
};

static void badges_fn(seL4_Word arg)
{
    struct badges *s = (struct badges *)arg;
    static const seL4_Word new_badges[BF_TRIES] = { 0x99, 0, 0x55 ^ 1, 0x8, ~0ul >> 12, 0x7 };
    seL4_Word next = BF_FREE;

    s->ep_slots[s->nep++] = BF_EP;
    s->ntfn_slots[s->nntfn++] = BF_NTFN;
    for (int i = 0; i < BF_TRIES - 1; i++) {
        seL4_Word from = s->ep_slots[s->nep - 1];
        seL4_Error err = (i & 1)
            ? seL4_CNode_Mutate(BF_CNODE, next, CSPACE_BITS, BF_CNODE, from, CSPACE_BITS, new_badges[i])
            : seL4_CNode_Mint(BF_CNODE, next, CSPACE_BITS, BF_CNODE, from, CSPACE_BITS,
                              seL4_AllRights, new_badges[i]);
        if (err == seL4_NoError && (i & 1))
            s->ep_slots[s->nep - 1] = next++;    /* Mutate moved it */
        else if (err == seL4_NoError)
            s->ep_slots[s->nep++] = next++;
        err = seL4_CNode_Mint(BF_CNODE, next, CSPACE_BITS, BF_CNODE, s->ntfn_slots[s->nntfn - 1],
                              CSPACE_BITS, seL4_AllRights, new_badges[i]);
        if (err == seL4_NoError)
            s->ntfn_slots[s->nntfn++] = next++;
    }
    /* Plain copies are allowed, and keep the badge. */
    if (!seL4_CNode_Copy(BF_CNODE, next, CSPACE_BITS, BF_CNODE, s->ep_slots[s->nep - 1],
                         CSPACE_BITS, seL4_AllRights))
        s->ep_slots[s->nep++] = next++;
    if (!seL4_CNode_Copy(BF_CNODE, next, CSPACE_BITS, BF_CNODE, s->ntfn_slots[s->nntfn - 1],
                         CSPACE_BITS, seL4_AllRights))
        s->ntfn_slots[s->nntfn++] = next++;
    for (seL4_Word i = 0; i < s->nntfn; i++)
        seL4_Signal(s->ntfn_slots[i]);
    for (seL4_Word i = 0; i < s->nep; i++) {
        seL4_SetMR(0, i);
        seL4_Send(s->ep_slots[i], seL4_MessageInfo_new(0, 0, 0, 1));
        s->sent++;
    }
}

TEST(iso_badges_cannot_be_forged)
{
    static struct vspace_env e;
    static struct thread t;
    static struct badges s;
    struct fault_ep f;

    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = alloc_object(seL4_NotificationObject, 0);
    CHECK(ep && ntfn);
    s = (struct badges){0};
    TRY(fault_ep_create(&f));
    TRY(vspace_env_create(&e, 0, CSPACE_BITS));
    CHECK_OK(seL4_CNode_Mint(e.cspace, BF_EP, CSPACE_BITS, ROOT, ep, 64, seL4_AllRights, 0x55));
    CHECK_OK(seL4_CNode_Mint(e.cspace, BF_NTFN, CSPACE_BITS, ROOT, ntfn, 64, seL4_CanWrite, 0x8));
    TRY(vspace_env_give(&e, BF_CNODE, e.cspace, seL4_AllRights));
    TRY(thread_create_in(&t, &e, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, badges_fn, (seL4_Word)(uintptr_t)&s));

    seL4_Word got = 0;
    for (unsigned i = 0; i < FAULT_WAIT_POLLS && got < BF_MAX; i++) {
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = seL4_NBRecv(ep, &badge, f.reply);
        if (badge == 0 && seL4_MessageInfo_get_length(info) == 0) {
            if ((seL4_Word)s.sent == s.nep && s.nep > 0)
                break;
            seL4_Yield();
            continue;
        }
        if (badge != 0x55)
            FAIL("message %llu arrived with badge 0x%llx: forged", (unsigned long long)seL4_GetMR(0),
                 (unsigned long long)badge);
        got++;
    }
    TRY(fault_wait_exit(&f));
    CHECK_EQ(got, s.nep);
    CHECK(s.nep >= 2 && s.nntfn >= 2);
    tinfo("%llu endpoint caps and %llu notification caps derived; all keep their badge",
          (unsigned long long)s.nep, (unsigned long long)s.nntfn);
    seL4_Word bits = 0;
    seL4_Poll(ntfn, &bits);
    CHECK_EQ(bits, 0x8);
    check_kernel_invariants();
}

/* ---- iso_device_memory ----------------------------------------------------------------------- */

#define DM_UT 1       /* a 64 KiB RAM untyped */
#define DM_DEV 2      /* a device untyped */
#define DM_CNODE 3
#define DM_FREE 4
#define DM_FRAMES 17

struct devmem {
    seL4_Word ram_paddr[DM_FRAMES], nram, ram_err;
    seL4_Word dev_paddr, dev_frame_err, dev_tcb_err, dev_ep_err;
};

static void devmem_fn(seL4_Word arg)
{
    struct devmem *s = (struct devmem *)arg;
    seL4_Word slot = DM_FREE;

    for (int i = 0; i < DM_FRAMES; i++, slot++) {
        seL4_Error err = seL4_Untyped_Retype(DM_UT, seL4_ARM_SmallPageObject, 0, DM_CNODE, 0, 0,
                                             slot, 1);
        if (err) {
            s->ram_err = err;
            break;
        }
        seL4_ARM_Page_GetAddress_t a = seL4_ARM_Page_GetAddress(slot);
        s->ram_paddr[s->nram++] = a.error ? ~0ul : a.paddr;
    }
    s->dev_tcb_err = seL4_Untyped_Retype(DM_DEV, seL4_TCBObject, 0, DM_CNODE, 0, 0, slot, 1);
    s->dev_ep_err = seL4_Untyped_Retype(DM_DEV, seL4_EndpointObject, 0, DM_CNODE, 0, 0, slot, 1);
    s->dev_frame_err = seL4_Untyped_Retype(DM_DEV, seL4_ARM_SmallPageObject, 0, DM_CNODE, 0, 0,
                                           slot, 1);
    if (!s->dev_frame_err) {
        seL4_ARM_Page_GetAddress_t a = seL4_ARM_Page_GetAddress(slot);
        s->dev_paddr = a.error ? ~0ul : a.paddr;
    }
}

/* Is paddr in one of the boot untypeds of the given kind? */
static bool in_boot_untyped(seL4_Word paddr, bool device)
{
    const seL4_BootInfo *bi = test_bootinfo;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if ((bool)d->isDevice == device && paddr >= d->paddr &&
            paddr - d->paddr < (1ul << d->sizeBits))
            return true;
    }
    return false;
}

TEST(iso_device_memory)
{
    static struct vspace_env e;
    static struct thread t;
    static struct devmem s;
    struct fault_ep f;
    seL4_Word dev_paddr = 0, dev_bits = 0;

    seL4_CPtr ut = alloc_object(seL4_UntypedObject, 16);
    seL4_CPtr dev = find_device_untyped(12, &dev_paddr, &dev_bits);
    CHECK(ut && dev);
    s = (struct devmem){0};
    TRY(fault_ep_create(&f));
    TRY(vspace_env_create(&e, 0, CSPACE_BITS));
    CHECK_OK(seL4_CNode_Move(e.cspace, DM_UT, CSPACE_BITS, ROOT, ut, 64));
    TRY(vspace_env_give(&e, DM_DEV, dev, seL4_AllRights));
    TRY(vspace_env_give(&e, DM_CNODE, e.cspace, seL4_AllRights));
    TRY(thread_create_in(&t, &e, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, devmem_fn, (seL4_Word)(uintptr_t)&s));
    TRY(fault_wait_exit(&f));

    /* 16 frames fill the 64 KiB untyped; the 17th does not fit. */
    CHECK_EQ(s.nram, 16);
    CHECK_EQ(s.ram_err, seL4_NotEnoughMemory);
    for (seL4_Word i = 0; i < s.nram; i++) {
        seL4_Word p = s.ram_paddr[i];
        CHECK((p & 0xfff) == 0 && (p >> 16) == (s.ram_paddr[0] >> 16));
        if (!in_boot_untyped(p, false) || in_boot_untyped(p, true))
            FAIL("frame %llu from a RAM untyped is at 0x%llx, not RAM", (unsigned long long)i,
                 (unsigned long long)p);
        for (seL4_Word j = 0; j < i; j++)
            CHECK(s.ram_paddr[j] != p);
    }
    /* A device untyped makes device frames, never kernel objects. */
    CHECK_EQ(s.dev_tcb_err, seL4_InvalidArgument);
    CHECK_EQ(s.dev_ep_err, seL4_InvalidArgument);
    CHECK_OK(s.dev_frame_err);
    CHECK(s.dev_paddr >= dev_paddr && s.dev_paddr - dev_paddr < (1ul << dev_bits));
    CHECK(in_boot_untyped(s.dev_paddr, true));
    check_kernel_invariants();
    thread_destroy_all();
    CHECK_OK(seL4_CNode_Revoke(ROOT, dev, 64));
}

/* ---- iso_other_vspaces_unreachable --------------------------------------------------------------- */

#define OV_VSPACE 1
#define OV_FRAME 2
#define OV_VADDR 0x31000000ul

struct other_vspace {
    seL4_Word map_err, seen_b;
    volatile int step;
};

static void ov_a_fn(seL4_Word arg)
{
    struct other_vspace *s = (struct other_vspace *)arg;
    s->step = 1;
    (void)probe_load(OV_VADDR);              /* nothing there in A's VSpace: faults */
    s->step = 2;
    s->map_err = seL4_ARM_Page_Map(OV_FRAME, OV_VSPACE, OV_VADDR, seL4_ReadWrite, ATTRS);
    probe_store(OV_VADDR, 0xdead);            /* A's own frame */
    s->step = 3;
}

static void ov_b_fn(seL4_Word arg)
{
    struct other_vspace *s = (struct other_vspace *)arg;
    s->seen_b = probe_load(OV_VADDR);
}

TEST(iso_other_vspaces_unreachable)
{
    static struct vspace_env a, b;
    static struct thread ta, tb;
    static struct other_vspace s;
    struct fault_ep fa, fb;
    seL4_MessageInfo_t info;

    seL4_Word root_view = alloc_vaddr(1);
    seL4_CPtr secret = root_mapped_frame(root_view);
    seL4_CPtr own = alloc_object(seL4_ARM_SmallPageObject, 0);
    CHECK(secret && own);
    *word_at(root_view) = 0x5ec7e7;
    s = (struct other_vspace){0};
    TRY(fault_ep_create(&fa));
    TRY(fault_ep_create(&fb));
    TRY(vspace_env_create(&a, 0, CSPACE_BITS));
    TRY(vspace_env_create(&b, 0, CSPACE_BITS));
    TRY(vspace_env_map_copy(&b, secret, OV_VADDR, seL4_ReadWrite, ATTRS));
    TRY(vspace_env_map_tables(&a, OV_VADDR));      /* tables, but no frame, in A */
    TRY(vspace_env_give(&a, OV_VSPACE, a.vspace, seL4_AllRights));
    CHECK_OK(seL4_CNode_Move(a.cspace, OV_FRAME, CSPACE_BITS, ROOT, own, 64));
    TRY(thread_create_in(&ta, &a, fa.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&ta, ov_a_fn, (seL4_Word)(uintptr_t)&s));

    EXPECT_VM_FAULT(&fa, probe_load_insn, OV_VADDR, 0, FSC_ANY, 0);
    CHECK_EQ(s.step, 1);
    CHECK_EQ(FSR_FSC(seL4_GetMR(seL4_VMFault_FSR)) & 0x3c, 0x04);   /* translation */
    TRY(skip_insn(&ta));
    fault_reply(&fa, 0, 0, NULL);
    TRY(fault_wait_exit(&fa));
    CHECK_EQ(s.step, 3);
    CHECK_OK(s.map_err);

    /* B still sees its frame, unchanged; so does the root. */
    TRY(thread_create_in(&tb, &b, fb.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&tb, ov_b_fn, (seL4_Word)(uintptr_t)&s));
    TRY(fault_wait_exit(&fb));
    CHECK_EQ(s.seen_b, 0x5ec7e7);
    CHECK_EQ(*word_at(root_view), 0x5ec7e7);
    (void)info;
    check_kernel_invariants();
}

/* ---- iso_faulting_and_looping_threads ------------------------------------------------------------ */

/*
 * Priorities: a faulter (220: faults at once, no handler) and a looper (200: spins
 * forever, budget 1 ms every 10 ms), a watcher above both (210: woken by the worker), and
 * a worker below (100: budget 3 ms every 10 ms, counts to a target, signals the watcher
 * along the way and the root at the end). The root waits at priority 1, so it runs only
 * in the time the others leave. If the looper's budget were not enforced, the worker and
 * the root would never run again (the runner's timeout would end the test image); the
 * faulter stops without taking anyone with it.
 */
#define FL_TARGET 3000000ul
#define FL_WAKEUPS 8

struct faulting_looping {
    volatile seL4_Word looper, worker, watcher;
    seL4_CPtr watcher_ntfn, root_ntfn;
};

static void fl_faulter_fn(seL4_Word arg)
{
    (void)arg;
    (void)probe_load(0x8);                    /* no fault handler: it just stops */
}

static void fl_looper_fn(seL4_Word arg)
{
    struct faulting_looping *s = (struct faulting_looping *)arg;
    for (;;)
        s->looper++;
}

static void fl_watcher_fn(seL4_Word arg)
{
    struct faulting_looping *s = (struct faulting_looping *)arg;
    for (;;) {
        seL4_Wait(s->watcher_ntfn, NULL);
        s->watcher++;
    }
}

static void fl_worker_fn(seL4_Word arg)
{
    struct faulting_looping *s = (struct faulting_looping *)arg;
    for (seL4_Word i = 1; i <= FL_TARGET; i++) {
        s->worker = i;
        if (i % (FL_TARGET / FL_WAKEUPS) == 0)
            seL4_Signal(s->watcher_ntfn);
    }
    seL4_Signal(s->root_ntfn);
}

static void fl_set_root_prio(seL4_Word prio)
{
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, prio);
}

static void fl_body(void)
{
    static struct thread faulter, looper, watcher, worker;
    static struct faulting_looping s;
    seL4_CPtr sched_control = test_bootinfo->schedcontrol.start;

    s = (struct faulting_looping){0};
    s.watcher_ntfn = alloc_object(seL4_NotificationObject, 0);
    s.root_ntfn = alloc_object(seL4_NotificationObject, 0);
    CHECK(s.watcher_ntfn && s.root_ntfn);
    TRY(thread_create(&faulter, ROOT, 0, 0, 220));
    TRY(thread_create(&looper, ROOT, 0, 0, 200));
    TRY(thread_create(&watcher, ROOT, 0, 0, 210));
    TRY(thread_create(&worker, ROOT, 0, 0, 100));
    CHECK_OK(seL4_SchedControl_ConfigureFlags(sched_control, looper.sc, 1000, 10000, 0, 0, 0));
    CHECK_OK(seL4_SchedControl_ConfigureFlags(sched_control, worker.sc, 3000, 10000, 0, 0, 0));
    (void)seL4_SchedContext_Consumed(looper.sc);
    (void)seL4_SchedContext_Consumed(worker.sc);
    TRY(thread_start(&faulter, fl_faulter_fn, 0));
    TRY(thread_start(&looper, fl_looper_fn, (seL4_Word)(uintptr_t)&s));
    TRY(thread_start(&watcher, fl_watcher_fn, (seL4_Word)(uintptr_t)&s));
    TRY(thread_start(&worker, fl_worker_fn, (seL4_Word)(uintptr_t)&s));

    fl_set_root_prio(1);
    seL4_Wait(s.root_ntfn, NULL);             /* the worker got through */
    fl_set_root_prio(255);

    seL4_TCB_Suspend(looper.tcb);
    seL4_Word looped = s.looper;
    seL4_Word used_looper = seL4_SchedContext_Consumed(looper.sc).consumed;
    seL4_Word used_worker = seL4_SchedContext_Consumed(worker.sc).consumed;
    tinfo("looper: %llu iterations, %llu us; worker: %llu us; watcher woken %llu times",
          (unsigned long long)looped, (unsigned long long)used_looper,
          (unsigned long long)used_worker, (unsigned long long)s.watcher);
    CHECK_EQ(s.worker, FL_TARGET);
    CHECK_EQ(s.watcher, FL_WAKEUPS);
    CHECK(looped > 0);
    /* The worker finishing at all is the proof (an unbounded looper would have kept it
     * and the root off the CPU). The times (1 ms against 3 ms per period) are only a
     * sanity check: without -icount, QEMU's counter also runs while the host deschedules
     * it, and whoever runs then is charged for it. */
    CHECK(used_worker > 0);
    if (used_looper > 3 * used_worker + 5000)
        FAIL("the looper used %llu us while the worker used %llu us: its budget was not enforced",
             (unsigned long long)used_looper, (unsigned long long)used_worker);
    check_kernel_invariants();
}

TEST(iso_faulting_and_looping_threads)
{
    fl_body();
    fl_set_root_prio(255);
}
