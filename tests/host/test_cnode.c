/*
 * The derivation tree (insert, move, swap, delete, revoke, badges, finality), cap data
 * and rights, and every CNode method with its errors in the reference order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <keel/cnode.h>
#include <keel/cspace.h>
#include <keel/invariants.h>
#include <keel/state.h>
#include "fake_arch.h"
#include "fake_objects.h"
#include "host_objects.h"

#define RADIX     6                 /* root CNode: 64 slots */
#define ROOT      2                 /* a copy of the root CNode cap */
#define UT        3                 /* a 64 KiB untyped */
#define D64       64                /* depth of every root slot */

static host_cspace_t cs;

static int setup(void **state)
{
    (void)state;
    host_cspace_init(&cs, RADIX);
    cte_insert(cs.root, tcb_slot(cs.thread, TCB_CTABLE), &cs.slots[ROOT]);
    host_make_untyped(&cs.slots[UT], 16, false, 0);
    invariants_add_root(cs.slots, BIT(RADIX));
    fake_irq_pending = false;
    memset(&fake_calls, 0, sizeof(fake_calls));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fake_irq_pending = false;
    invariants_clear_roots();
    host_free_all();
    return 0;
}

static cte_t *S(word_t i) { return &cs.slots[i]; }

static void assert_invariants(void) { assert_int_equal(check_invariants(), OK); }

static status_t invoke(cptr_t cptr, word_t label, const word_t *mrs, word_t n, const cptr_t *extra, word_t n_extra)
{
    return host_invoke_cs(&cs, cptr, label, mrs, n, extra, n_extra);
}

/* Retype 'count' objects from the untyped at 'ut' into CNode 'node' (a root cptr;
 * ROOT itself with depth 0) at 'offset'. */
static status_t retype_into(cptr_t ut, word_t type, word_t size_bits, cptr_t node, word_t depth,
                            word_t offset, word_t count)
{
    word_t mrs[6] = { type, size_bits, node, depth, offset, count };
    cptr_t root = ROOT;
    return invoke(ut, UntypedRetype, mrs, 6, &root, 1);
}

static void retype(word_t type, word_t size_bits, word_t offset, word_t count)
{
    assert_int_equal(retype_into(UT, type, size_bits, ROOT, 0, offset, count), OK);
}

/* CNode method on the root CNode with the source root = the root CNode. */
static status_t cnode_op(word_t label, const word_t *mrs, word_t n)
{
    cptr_t extra[2] = { ROOT, ROOT };
    return invoke(ROOT, label, mrs, n, extra, 2);
}

static status_t copy(word_t dest, word_t src, word_t rights)
{
    word_t mrs[5] = { dest, D64, src, D64, rights };
    return cnode_op(CNodeCopy, mrs, 5);
}

static status_t mint(word_t dest, word_t src, word_t rights, word_t data)
{
    word_t mrs[6] = { dest, D64, src, D64, rights, data };
    return cnode_op(CNodeMint, mrs, 6);
}

static status_t move(word_t dest, word_t src)
{
    word_t mrs[4] = { dest, D64, src, D64 };
    return cnode_op(CNodeMove, mrs, 4);
}

static status_t mutate(word_t dest, word_t src, word_t data)
{
    word_t mrs[5] = { dest, D64, src, D64, data };
    return cnode_op(CNodeMutate, mrs, 5);
}

static status_t rotate(word_t dest, word_t dest_data, word_t pivot, word_t pivot_data, word_t src)
{
    word_t mrs[8] = { dest, D64, dest_data, pivot, D64, pivot_data, src, D64 };
    return cnode_op(CNodeRotate, mrs, 8);
}

static status_t one_slot_op(word_t label, word_t slot)
{
    word_t mrs[2] = { slot, D64 };
    return cnode_op(label, mrs, 2);
}

/* Delete / Revoke, restarted until done as a preempted syscall would be. */
static status_t delete_slot(word_t slot) { return HOST_UNTIL_DONE(one_slot_op(CNodeDelete, slot), 100000); }
static status_t revoke_slot(word_t slot) { return HOST_UNTIL_DONE(one_slot_op(CNodeRevoke, slot), 100000); }

static void expect_error(status_t st, word_t type)
{
    assert_int_equal(st, ERR_SYSCALL);
    assert_int_equal(ks_syscall_error.type, type);
}

static void expect_failed_lookup(status_t st, bool source, word_t lf_type, word_t bits_left)
{
    expect_error(st, seL4_FailedLookup);
    assert_int_equal(ks_syscall_error.lookup_was_source, source);
    assert_int_equal(ks_lookup_fault.type, lf_type);
    assert_int_equal(ks_lookup_fault.bits_left, bits_left);
}

/* ==== the derivation tree ================================================================ */

static void test_copy_makes_a_child(void **state)
{
    (void)state;
    retype(seL4_EndpointObject, 0, 10, 1);
    assert_true(cte_is_parent_of(S(UT), S(10)));
    assert_true(mdb_revocable(S(10)) && mdb_first_badged(S(10)));

    assert_int_equal(copy(11, 10, RIGHTS_ALL), OK);
    assert_ptr_equal(mdb_next(S(10)), S(11));
    assert_ptr_equal(mdb_prev(S(11)), S(10));
    assert_false(mdb_revocable(S(11)));
    assert_true(cte_is_parent_of(S(10), S(11)));
    assert_true(cte_has_children(S(10)));
    assert_false(cte_has_children(S(11)));
    assert_false(is_final_cap(S(10)));
    assert_false(is_final_cap(S(11)));
    assert_invariants();

    assert_int_equal(delete_slot(11), OK);
    assert_true(is_final_cap(S(10)));
    assert_false(cte_has_children(S(10)));
    assert_invariants();
}

static void test_badges_and_first_badged(void **state)
{
    (void)state;
    retype(seL4_EndpointObject, 0, 10, 1);

    /* E(10) -> B5(11) -> copy of B5 (12). */
    assert_int_equal(mint(11, 10, RIGHTS_ALL, 5), OK);
    assert_int_equal(cap_badge(S(11)->cap), 5);
    assert_true(mdb_revocable(S(11)) && mdb_first_badged(S(11)));
    assert_int_equal(copy(12, 11, RIGHTS_ALL), OK);
    assert_false(mdb_revocable(S(12)) || mdb_first_badged(S(12)));
    assert_true(cte_is_parent_of(S(11), S(12)));

    /* A second mint of badge 5 is a sibling, not a parent, of the first. */
    assert_int_equal(mint(13, 10, RIGHTS_ALL, 5), OK);
    assert_ptr_equal(mdb_next(S(10)), S(13));
    assert_false(cte_is_parent_of(S(13), S(11)));
    assert_false(cte_has_children(S(13)));
    assert_int_equal(revoke_slot(13), OK);
    assert_false(cap_is_null(S(11)->cap));
    assert_invariants();

    /* Deleting the first of badge 5 passes "first" on to its next sibling. */
    assert_int_equal(delete_slot(11), OK);
    assert_true(mdb_first_badged(S(12)));
    assert_false(cte_is_parent_of(S(13), S(12)));

    /* Revoking the unbadged original takes every badge with it. */
    assert_int_equal(revoke_slot(10), OK);
    assert_true(cap_is_null(S(12)->cap) && cap_is_null(S(13)->cap));
    assert_false(cap_is_null(S(10)->cap));
    assert_invariants();
}

static void test_move_and_swap_keep_positions(void **state)
{
    cte_t *prev, *next;
    (void)state;
    retype(seL4_EndpointObject, 0, 10, 1);
    assert_int_equal(copy(11, 10, RIGHTS_ALL), OK);
    assert_int_equal(copy(12, 10, RIGHTS_ALL), OK);    /* list: UT, 10, 12, 11 */

    prev = mdb_prev(S(12));
    next = mdb_next(S(12));
    assert_int_equal(move(20, 12), OK);
    assert_true(cap_is_null(S(12)->cap));
    assert_null(mdb_prev(S(12)));
    assert_ptr_equal(mdb_prev(S(20)), prev);
    assert_ptr_equal(mdb_next(S(20)), next);
    assert_ptr_equal(mdb_next(prev), S(20));
    assert_ptr_equal(mdb_prev(next), S(20));
    assert_invariants();

    /* Neighbours (10 -> 20) swap. */
    cte_swap(S(10)->cap, S(10), S(20)->cap, S(20));
    assert_ptr_equal(mdb_next(S(UT)), S(20));
    assert_ptr_equal(mdb_next(S(20)), S(10));
    assert_ptr_equal(mdb_next(S(10)), S(11));
    assert_true(mdb_revocable(S(20)));
    assert_invariants();

    /* Non-neighbours (20 ... 11) swap. */
    cte_swap(S(20)->cap, S(20), S(11)->cap, S(11));
    assert_ptr_equal(mdb_next(S(UT)), S(11));
    assert_ptr_equal(mdb_next(S(10)), S(20));
    assert_true(mdb_revocable(S(11)));
    assert_invariants();
}

static void test_untyped_copies(void **state)
{
    (void)state;
    /* Copying a childless untyped marks the original full. */
    assert_int_equal(copy(10, UT, RIGHTS_ALL), OK);
    assert_int_equal(untyped_free_index(S(UT)->cap), BIT(16));
    assert_true(mdb_revocable(S(10)));
    assert_true(cte_is_parent_of(S(UT), S(10)));
    assert_invariants();

    /* The original cannot retype any more; the copy can. */
    expect_error(retype_into(UT, seL4_EndpointObject, 0, ROOT, 0, 20, 1), seL4_NotEnoughMemory);
    assert_int_equal(ks_syscall_error.arg, 0);
    assert_int_equal(retype_into(10, seL4_EndpointObject, 0, ROOT, 0, 20, 1), OK);

    /* An untyped with children cannot be copied. */
    expect_error(copy(11, 10, RIGHTS_ALL), seL4_RevokeFirst);
    assert_invariants();
}

static void test_update_cap_data(void **state)
{
    cap_t ep = endpoint_cap_new(0x1000, 0, RIGHTS_ALL);
    cap_t cn = cnode_cap_new(0x2000, 6, 0, 0);
    cap_t c;
    (void)state;

    c = update_cap_data(false, 42, ep);
    assert_int_equal(cap_badge(c), 42);
    assert_true(cap_is_null(update_cap_data(true, 42, ep)));
    assert_true(cap_is_null(update_cap_data(false, 43, c)));

    /* Guard size 2, guard 3 (extra bits above the size are masked off). */
    c = update_cap_data(true, (0xffull << 6) | 2, cn);
    assert_int_equal(cap_type(c), cap_cnode_cap);
    assert_int_equal(cnode_guard_size(c), 2);
    assert_int_equal(cnode_guard(c), 3);
    assert_int_equal(cnode_radix(c), 6);
    assert_int_equal(cap_paddr(c), 0x2000);
    /* guardSize + radix may reach 64 but not exceed it. */
    assert_int_equal(cnode_guard_size(update_cap_data(false, 58, cn)), 58);
    assert_true(cap_is_null(update_cap_data(false, 59, cn)));

    /* Other caps ignore the data. */
    c = update_cap_data(false, 7, thread_cap_new(0x800));
    assert_int_equal(c.w0, thread_cap_new(0x800).w0);
    assert_int_equal(c.w1, thread_cap_new(0x800).w1);
}

static void test_mask_rights(void **state)
{
    cap_t ep = endpoint_cap_new(0x1000, 0, RIGHTS_ALL);
    cap_t nt = notification_cap_new(0x2000, 0, RIGHT_WRITE | RIGHT_READ);
    cap_t rp = reply_cap_new(0x3000, true);
    cap_t fr = frame_cap_new(0x4000, FRAME_4K, VM_READ_WRITE, false);
    (void)state;

    assert_int_equal(cap_rights(mask_cap_rights(RIGHT_READ | RIGHT_GRANT, ep)), RIGHT_READ | RIGHT_GRANT);
    assert_int_equal(cap_rights(mask_cap_rights(RIGHTS_ALL, nt)), RIGHT_WRITE | RIGHT_READ);
    assert_int_equal(cap_rights(mask_cap_rights(RIGHT_WRITE | RIGHT_GRANT, nt)), RIGHT_WRITE);
    assert_false(reply_cap_can_grant(mask_cap_rights(RIGHT_READ, rp)));
    assert_true(reply_cap_can_grant(mask_cap_rights(RIGHT_GRANT, rp)));
    assert_int_equal(frame_vm_rights(mask_cap_rights(RIGHT_READ, fr)), VM_READ_ONLY);
    assert_int_equal(frame_vm_rights(mask_cap_rights(0, fr)), VM_KERNEL_ONLY);
}

static void test_derive(void **state)
{
    cap_t out;
    cte_t slot = { 0 };
    (void)state;

    assert_int_equal(derive_cap(&slot, zombie_cap_new(0x1000, 3, 8), &out), OK);
    assert_true(cap_is_null(out));
    assert_int_equal(derive_cap(&slot, irq_control_cap_new(), &out), OK);
    assert_true(cap_is_null(out));
    assert_int_equal(derive_cap(&slot, reply_cap_new(0x40, true), &out), OK);
    assert_int_equal(cap_type(out), cap_reply_cap);    /* MCS reply caps copy */
    assert_int_equal(derive_cap(&slot, irq_handler_cap_new(33), &out), OK);
    assert_int_equal(cap_type(out), cap_irq_handler_cap);
}

/* ==== CNode methods: decoding errors in order ============================================== */

static void test_method_framing_errors(void **state)
{
    word_t mrs[8] = { 10, D64, 3, D64, RIGHTS_ALL, 0, 0, 0 };
    cptr_t root = ROOT;
    (void)state;

    expect_error(cnode_op(UntypedRetype, mrs, 8), seL4_IllegalOperation);
    expect_error(cnode_op(CNodeRotate + 1, mrs, 8), seL4_IllegalOperation);
    expect_error(cnode_op(CNodeCopy, mrs, 1), seL4_TruncatedMessage);

    /* Destination lookup comes first. */
    mrs[1] = 0;
    expect_error(cnode_op(CNodeDelete, mrs, 2), seL4_RangeError);
    assert_int_equal(ks_syscall_error.range_min, 1);
    assert_int_equal(ks_syscall_error.range_max, 64);
    mrs[1] = 8;
    expect_failed_lookup(cnode_op(CNodeDelete, mrs, 2), false, seL4_GuardMismatch, 8);
    assert_int_equal(ks_lookup_fault.bits_found, 64 - RADIX);
    mrs[1] = D64;

    /* Copy family: 4 words and an extra cap, then DeleteFirst, then the source. */
    expect_error(cnode_op(CNodeCopy, mrs, 3), seL4_TruncatedMessage);
    expect_error(invoke(ROOT, CNodeCopy, mrs, 5, NULL, 0), seL4_TruncatedMessage);
    mrs[0] = UT;                               /* occupied destination */
    mrs[2] = 1ull << 40;                       /* unresolvable source */
    expect_error(cnode_op(CNodeCopy, mrs, 4), seL4_DeleteFirst);
    mrs[0] = 10;
    expect_failed_lookup(cnode_op(CNodeCopy, mrs, 4), true, seL4_GuardMismatch, 64);
    /* The source root must be a CNode. */
    mrs[2] = 3;
    root = UT;
    expect_failed_lookup(invoke(ROOT, CNodeCopy, mrs, 5, &root, 1), true, seL4_InvalidRoot, 0);
    /* Empty source: MissingCapability with bitsLeft = the source depth. */
    mrs[2] = 30;
    expect_failed_lookup(cnode_op(CNodeMove, mrs, 4), true, seL4_MissingCapability, 64);
    /* Only now is the per-method length checked. */
    mrs[2] = UT;
    expect_error(cnode_op(CNodeCopy, mrs, 4), seL4_TruncatedMessage);
    expect_error(cnode_op(CNodeMint, mrs, 5), seL4_TruncatedMessage);
    expect_error(cnode_op(CNodeMutate, mrs, 4), seL4_TruncatedMessage);
    assert_true(cap_is_null(S(10)->cap));
    assert_invariants();
}

static void test_copy_mint_rules(void **state)
{
    (void)state;
    retype(seL4_EndpointObject, 0, 10, 1);

    assert_int_equal(copy(11, 10, RIGHT_READ), OK);
    assert_int_equal(cap_rights(S(11)->cap), RIGHT_READ);

    assert_int_equal(mint(12, 10, RIGHT_WRITE | RIGHT_GRANT, 99), OK);
    assert_int_equal(cap_badge(S(12)->cap), 99);
    assert_int_equal(cap_rights(S(12)->cap), RIGHT_WRITE | RIGHT_GRANT);
    assert_true(cte_is_parent_of(S(10), S(12)));

    /* A badged cap cannot be re-badged. */
    expect_error(mint(13, 12, RIGHTS_ALL, 1), seL4_IllegalOperation);
    /* Neither can Mutate/Rotate set a badge. */
    expect_error(mutate(13, 10, 1), seL4_IllegalOperation);

    /* IRQControl cannot be copied. */
    host_put_cap(S(40), irq_control_cap_new());
    expect_error(copy(13, 40, RIGHTS_ALL), seL4_IllegalOperation);
    assert_true(cap_is_null(S(13)->cap));
    /* But IRQ handler caps minted from it are its (revocable) children. */
    cte_insert(irq_handler_cap_new(33), S(40), S(41));
    assert_true(mdb_revocable(S(41)));
    assert_true(cte_is_parent_of(S(40), S(41)));
    assert_invariants();
}

static void test_cnode_guard_data(void **state)
{
    (void)state;
    retype(seL4_CapTableObject, 4, 10, 1);

    /* Mint with a guard of 2 bits = 1. */
    assert_int_equal(mint(11, 10, RIGHTS_ALL, (1 << 6) | 2), OK);
    assert_int_equal(cnode_guard_size(S(11)->cap), 2);
    assert_int_equal(cnode_guard(S(11)->cap), 1);
    /* Guard size 61 + radix 4 > 64. */
    expect_error(mint(12, 10, RIGHTS_ALL, 61), seL4_IllegalOperation);
    /* Mutate moves the cap with the new guard. */
    assert_int_equal(mutate(12, 11, 60), OK);
    assert_true(cap_is_null(S(11)->cap));
    assert_int_equal(cnode_guard_size(S(12)->cap), 60);
    /* Mutate of a cap data cannot apply to keeps the cap unchanged. */
    retype(seL4_ARM_SmallPageObject, 0, 20, 1);
    assert_int_equal(mutate(21, 20, 12345), OK);
    assert_int_equal(cap_type(S(21)->cap), cap_frame_cap);
    assert_invariants();
}

static void test_rotate(void **state)
{
    word_t mrs[8] = { 0 };
    cptr_t root = ROOT;
    (void)state;
    retype(seL4_EndpointObject, 0, 10, 3);     /* 10, 11, 12 */
    retype(seL4_CapTableObject, 2, 20, 2);     /* 20, 21 */

    /* The destination is looked up before Rotate's own length check. */
    expect_error(cnode_op(CNodeRotate, mrs, 7), seL4_RangeError);
    mrs[1] = D64;
    expect_error(cnode_op(CNodeRotate, mrs, 7), seL4_TruncatedMessage);
    expect_error(invoke(ROOT, CNodeRotate, mrs, 8, &root, 1), seL4_TruncatedMessage);

    /* Source is looked up before the pivot; both are "source" lookups. */
    expect_failed_lookup(rotate(30, 0, 1ull << 50, 0, 1ull << 40), true, seL4_GuardMismatch, 64);
    expect_failed_lookup(rotate(30, 0, 1ull << 50, 0, 10), true, seL4_GuardMismatch, 64);

    expect_error(rotate(30, 0, 10, 0, 10), seL4_IllegalOperation);   /* pivot == src */
    expect_error(rotate(30, 0, 30, 0, 10), seL4_IllegalOperation);   /* pivot == dest */
    expect_error(rotate(12, 0, 11, 0, 10), seL4_DeleteFirst);
    expect_failed_lookup(rotate(30, 0, 11, 0, 31), true, seL4_MissingCapability, 64);
    expect_failed_lookup(rotate(30, 0, 31, 0, 10), false, seL4_MissingCapability, 64);
    /* Endpoint caps cannot take data under Rotate... */
    expect_error(rotate(30, 0, 11, 0, 20), seL4_IllegalOperation);    /* pivot ep */
    expect_error(rotate(30, 0, 20, 0, 10), seL4_IllegalOperation);    /* source ep */
    assert_invariants();

    /* Three-way: pivot 21 -> dest 30 (guard 1/1), src 20 -> pivot 21 (guard 2/2). */
    assert_int_equal(rotate(30, (1 << 6) | 1, 21, (2 << 6) | 2, 20), OK);
    assert_true(cap_is_null(S(20)->cap));
    assert_int_equal(cnode_guard(S(30)->cap), 1);
    assert_int_equal(cnode_guard_size(S(21)->cap), 2);
    assert_invariants();

    /* src == dest swaps the two caps. */
    {
        paddr_t a = cap_paddr(S(21)->cap), b = cap_paddr(S(30)->cap);
        assert_int_equal(rotate(30, 0, 21, 0, 30), OK);
        assert_int_equal(cap_paddr(S(21)->cap), b);
        assert_int_equal(cap_paddr(S(30)->cap), a);
        assert_int_equal(cnode_guard_size(S(21)->cap), 0);
    }
    assert_invariants();
}

static void test_cancel_badged_sends(void **state)
{
    (void)state;
    retype(seL4_EndpointObject, 0, 10, 1);
    assert_int_equal(mint(11, 10, RIGHTS_ALL, 7), OK);
    assert_int_equal(mint(12, 10, RIGHT_WRITE | RIGHT_READ, 8), OK);

    expect_error(one_slot_op(CNodeCancelBadgedSends, UT), seL4_IllegalOperation);
    expect_error(one_slot_op(CNodeCancelBadgedSends, 12), seL4_IllegalOperation);
    expect_error(one_slot_op(CNodeCancelBadgedSends, 30), seL4_IllegalOperation);

    assert_int_equal(one_slot_op(CNodeCancelBadgedSends, 10), OK);
    assert_int_equal(one_slot_op(CNodeCancelBadgedSends, 11), OK);
    if (fake_endpoint_hooks_in_use()) {
        /* Only the badged cap names sends to cancel. */
        assert_int_equal(fake_calls.endpoint_cancel_badged_sends, 1);
        assert_int_equal(fake_calls.last_cancel_badge, 7);
    }
}

/* ==== deletion ============================================================================= */

static void test_delete_and_final_cap(void **state)
{
    (void)state;
    retype(seL4_EndpointObject, 0, 10, 1);
    assert_int_equal(copy(11, 10, RIGHTS_ALL), OK);

    assert_int_equal(delete_slot(10), OK);       /* not final */
    if (fake_endpoint_hooks_in_use())
        assert_int_equal(fake_calls.endpoint_cancel_all, 0);
    assert_true(cte_is_parent_of(S(UT), S(11)));
    assert_int_equal(delete_slot(11), OK);       /* final */
    if (fake_endpoint_hooks_in_use())
        assert_int_equal(fake_calls.endpoint_cancel_all, 1);
    assert_int_equal(delete_slot(11), OK);       /* empty: nothing to do */
    assert_false(cte_has_children(S(UT)));
    assert_invariants();

    /* cte_delete_one for caps without recursive work. */
    retype(seL4_NotificationObject, 0, 12, 1);
    cte_delete_one(S(12));
    assert_true(cap_is_null(S(12)->cap));
    assert_invariants();
}

/* Retype into the CNode whose cap is at root slot 'node' (named by depth 0). */
static void retype_into_cnode_at(word_t node, word_t type, word_t size_bits, word_t offset, word_t count)
{
    word_t mrs[6] = { type, size_bits, 0, 0, offset, count };
    cptr_t root = node;
    assert_int_equal(invoke(UT, UntypedRetype, mrs, 6, &root, 1), OK);
}

/* Move root slot 'src' into slot 'index' of the radix-4 CNode at root slot 'node'. */
static status_t move_into_cnode_at(word_t node, word_t index, word_t src)
{
    word_t mrs[4] = { index, 4, src, D64 };
    cptr_t root = ROOT;
    return invoke(node, CNodeMove, mrs, 4, &root, 1);
}

/* Delete, restarting after each preemption; the tree must be sound at every stop. */
static word_t delete_with_preemption(word_t slot)
{
    word_t preemptions = 0;
    status_t st;

    fake_irq_pending = true;
    while ((st = one_slot_op(CNodeDelete, slot)) == ERR_PREEMPTED) {
        preemptions++;
        assert_true(preemptions < 100000);
        assert_invariants();
        /* A preempted deletion leaves a zombie where the cap was, or has already
         * emptied that slot and is busy elsewhere. */
        assert_true(cap_is_null(S(slot)->cap) || cap_type(S(slot)->cap) == cap_zombie_cap ||
                    cap_type(S(slot)->cap) == cap_cnode_cap || cap_type(S(slot)->cap) == cap_thread_cap);
    }
    fake_irq_pending = false;
    assert_int_equal(st, OK);
    return preemptions;
}

/*
 * A CNode C (root slot 10) holding endpoints and the only cap to another CNode D, which
 * holds endpoints too. Deleting C's last cap empties C; D's last cap goes with C, so D
 * becomes a cyclic zombie in its own slot 0 (seL4 semantics), which only a revoke of the
 * untyped clears.
 */
static void test_delete_cnode_preemptibly(void **state)
{
    cte_t *c, *d;
    (void)state;

    retype(seL4_CapTableObject, 4, 10, 1);            /* C */
    retype(seL4_CapTableObject, 2, 11, 1);            /* D */
    c = cnode_slots(S(10)->cap);
    d = cnode_slots(S(11)->cap);
    retype_into_cnode_at(10, seL4_EndpointObject, 0, 0, 6);
    retype_into_cnode_at(11, seL4_EndpointObject, 0, 0, 4);
    assert_int_equal(move_into_cnode_at(10, 6, 11), OK);
    assert_int_equal(cap_type(c[6].cap), cap_cnode_cap);
    assert_invariants();

    assert_true(cap_delete_is_long_running(S(10)));
    delete_with_preemption(10);
    assert_true(cap_is_null(S(10)->cap));
    for (word_t i = 0; i < 16; i++)
        assert_true(cap_is_null(c[i].cap));
    assert_int_equal(cap_type(d[0].cap), cap_zombie_cap);
    assert_int_equal(zombie_kind(d[0].cap), 2);
    assert_int_equal(zombie_remaining(d[0].cap), 4);
    for (word_t i = 1; i < 4; i++)
        assert_int_equal(cap_type(d[i].cap), cap_endpoint_cap);
    if (fake_endpoint_hooks_in_use())
        assert_int_equal(fake_calls.endpoint_cancel_all, 7);   /* C's six and D[0] */
    assert_invariants();

    /* Revoking the untyped destroys the orphaned D too. */
    fake_irq_pending = true;
    assert_int_equal(revoke_slot(UT), OK);
    fake_irq_pending = false;
    for (word_t i = 0; i < 4; i++)
        assert_true(cap_is_null(d[i].cap));
    assert_false(cte_has_children(S(UT)));
    if (fake_endpoint_hooks_in_use())
        assert_int_equal(fake_calls.endpoint_cancel_all, 10);
    assert_invariants();
}

/* A CNode whose only cap is inside itself is unreachable but still revocable. */
static void test_self_referencing_cnode(void **state)
{
    word_t mrs[5] = { 7, 4, 10, D64, RIGHTS_ALL };
    cptr_t root = ROOT;
    cte_t *c;
    (void)state;

    retype(seL4_CapTableObject, 4, 10, 1);
    c = cnode_slots(S(10)->cap);
    retype_into_cnode_at(10, seL4_EndpointObject, 0, 0, 3);
    assert_int_equal(invoke(10, CNodeCopy, mrs, 5, &root, 1), OK);   /* C[7] = C */
    assert_int_equal(delete_slot(10), OK);                           /* not final */
    assert_int_equal(cap_type(c[7].cap), cap_cnode_cap);
    assert_invariants();

    assert_int_equal(revoke_slot(UT), OK);
    for (word_t i = 0; i < 16; i++)
        assert_true(cap_is_null(c[i].cap));
    assert_false(cte_has_children(S(UT)));
    assert_invariants();
}

static void test_delete_thread(void **state)
{
    tcb_t *t;
    (void)state;

    retype(seL4_TCBObject, 0, 12, 1);
    retype(seL4_CapTableObject, 2, 13, 1);
    retype(seL4_EndpointObject, 0, 14, 1);
    t = (tcb_t *)cap_ptr(S(12)->cap);
    cte_insert(S(13)->cap, S(13), tcb_slot(t, TCB_CTABLE));
    cte_insert(S(14)->cap, S(14), tcb_slot(t, TCB_FAULT_HANDLER));
    assert_invariants();

    delete_with_preemption(12);
    assert_true(cap_is_null(S(12)->cap));
    for (word_t i = 0; i < TCB_NUM_SLOTS; i++)
        assert_true(cap_is_null(tcb_slot(t, i)->cap));
    /* The CNode and endpoint live on through their own caps. */
    assert_true(is_final_cap(S(13)) && is_final_cap(S(14)));
    if (fake_endpoint_hooks_in_use())
        assert_int_equal(fake_calls.tcb_finalise, 1);
    assert_invariants();
}

static void test_revoke_is_preemptible(void **state)
{
    word_t preemptions = 0;
    status_t st;
    (void)state;

    retype(seL4_EndpointObject, 0, 10, 1);
    for (word_t i = 11; i < 40; i++)
        assert_int_equal(copy(i, 10, RIGHTS_ALL), OK);
    fake_irq_pending = true;
    while ((st = one_slot_op(CNodeRevoke, 10)) == ERR_PREEMPTED) {
        preemptions++;
        assert_invariants();
    }
    fake_irq_pending = false;
    assert_int_equal(st, OK);
    for (word_t i = 11; i < 40; i++)
        assert_true(cap_is_null(S(i)->cap));
    assert_false(cap_is_null(S(10)->cap));
    assert_invariants();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_copy_makes_a_child, setup, teardown),
        cmocka_unit_test_setup_teardown(test_badges_and_first_badged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_and_swap_keep_positions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_untyped_copies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_cap_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mask_rights, setup, teardown),
        cmocka_unit_test_setup_teardown(test_derive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_method_framing_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_mint_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cnode_guard_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_badged_sends, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_and_final_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_cnode_preemptibly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_self_referencing_cnode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revoke_is_preemptible, setup, teardown),
    };
    return cmocka_run_group_tests_name("cnode", tests, NULL, NULL);
}
