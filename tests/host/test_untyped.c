/*
 * Untyped_Retype: argument checks in the reference order, placement and alignment, the
 * watermark, NotEnoughMemory's byte count, device untypeds, and the reset (clearing,
 * preemptible) of an untyped whose children are all gone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <keel/cnode.h>
#include <keel/cspace.h>
#include <keel/untyped.h>
#include <keel/invariants.h>
#include <keel/state.h>
#include "fake_arch.h"
#include "fake_objects.h"
#include "host_objects.h"

#define RADIX 6
#define ROOT  2                 /* a copy of the root CNode cap */
#define UT    3                 /* a 64 KiB untyped */
#define DEV   4                 /* a 64 KiB device untyped */
#define D64   64

static host_cspace_t cs;

static int setup(void **state)
{
    (void)state;
    host_cspace_init(&cs, RADIX);
    cte_insert(cs.root, tcb_slot(cs.thread, TCB_CTABLE), &cs.slots[ROOT]);
    host_make_untyped(&cs.slots[UT], 16, false, 0);
    host_make_untyped(&cs.slots[DEV], 16, true, 0);
    invariants_add_root(cs.slots, BIT(RADIX));
    fake_irq_pending = false;
    memset(&fake_calls, 0, sizeof(fake_calls));
    return 0;
}

static cte_t *S(word_t i) { return &cs.slots[i]; }
static status_t revoke(word_t slot);
static status_t delete(word_t slot);

/* Destroy every object the test made (a TCB, for one, leaves the kernel's list of
 * threads only when it is finalised) before the host memory under them is freed. */
static void destroy_objects(void)
{
    for (word_t i = 0; i < BIT(RADIX); i++)
        if (i != ROOT && cap_type(S(i)->cap) == cap_untyped_cap)
            assert_int_equal(revoke(i), OK);
    for (word_t i = 0; i < BIT(RADIX); i++)
        if (i != ROOT)
            assert_int_equal(delete(i), OK);
}

static int teardown(void **state)
{
    (void)state;
    fake_irq_pending = false;
    destroy_objects();
    invariants_clear_roots();
    host_free_all();
    return 0;
}
static paddr_t ut_base(word_t slot) { return cap_paddr(S(slot)->cap); }
static word_t watermark(word_t slot) { return untyped_free_index(S(slot)->cap); }
static void assert_invariants(void) { assert_int_equal(check_invariants(), OK); }

/* Retype(type, size_bits, root = extra cap 'root', node_index, node_depth, offset, n). */
static status_t retype_full(cptr_t ut, word_t type, word_t bits, cptr_t root, word_t index,
                            word_t depth, word_t offset, word_t n)
{
    word_t mrs[6] = { type, bits, index, depth, offset, n };
    return host_invoke_cs(&cs, ut, UntypedRetype, mrs, 6, &root, 1);
}

/* Into the root CNode (depth 0 names the root cap itself). */
static status_t retype(cptr_t ut, word_t type, word_t bits, word_t offset, word_t n)
{
    return retype_full(ut, type, bits, ROOT, 0, 0, offset, n);
}

/* Delete / Revoke a root slot, restarted until done. */
static status_t slot_op(word_t label, word_t slot)
{
    word_t mrs[2] = { slot, D64 };
    cptr_t root = ROOT;
    return HOST_UNTIL_DONE(host_invoke_cs(&cs, ROOT, label, mrs, 2, &root, 1), 100000);
}

static status_t revoke(word_t slot) { return slot_op(CNodeRevoke, slot); }
static status_t delete(word_t slot) { return slot_op(CNodeDelete, slot); }

static void expect_error(status_t st, word_t type)
{
    assert_int_equal(st, ERR_SYSCALL);
    assert_int_equal(ks_syscall_error.type, type);
}

static void expect_range(status_t st, word_t min, word_t max)
{
    expect_error(st, seL4_RangeError);
    assert_int_equal(ks_syscall_error.range_min, min);
    assert_int_equal(ks_syscall_error.range_max, max);
}

static void expect_invalid_arg(status_t st, word_t index)
{
    expect_error(st, seL4_InvalidArgument);
    assert_int_equal(ks_syscall_error.arg, index);
}

/* ==== argument checks ========================================================================= */

static void test_framing(void **state)
{
    word_t mrs[6] = { seL4_EndpointObject, 0, 0, 0, 20, 1 };
    cptr_t root = ROOT;
    (void)state;

    expect_error(host_invoke_cs(&cs, UT, CNodeCopy, mrs, 6, &root, 1), seL4_IllegalOperation);
    expect_error(host_invoke_cs(&cs, UT, UntypedRetype, mrs, 5, &root, 1), seL4_TruncatedMessage);
    expect_error(host_invoke_cs(&cs, UT, UntypedRetype, mrs, 6, NULL, 0), seL4_TruncatedMessage);
    /* An extra cap that does not resolve does not count. */
    root = 1ull << 40;
    expect_error(host_invoke_cs(&cs, UT, UntypedRetype, mrs, 6, &root, 1), seL4_TruncatedMessage);
    assert_int_equal(watermark(UT), 0);
}

static void test_type_and_size_checks(void **state)
{
    (void)state;
    expect_invalid_arg(retype(UT, seL4_ObjectTypeCount, 0, 20, 1), 0);
    expect_invalid_arg(retype(UT, 0xfffe, 0, 20, 1), 0);

    /* Too big (object size above 47 bits, or size_bits >= 64 for any type). */
    expect_range(retype(UT, seL4_UntypedObject, 48, 20, 1), 0, 47);
    expect_range(retype(UT, seL4_CapTableObject, 43, 20, 1), 0, 47);
    expect_range(retype(UT, seL4_SchedContextObject, 48, 20, 1), 0, 47);
    expect_range(retype(UT, seL4_TCBObject, 64, 20, 1), 0, 47);
    expect_range(retype(UT, seL4_CapTableObject, ~0ull, 20, 1), 0, 47);
    /* Too small: InvalidArgument 1. */
    expect_invalid_arg(retype(UT, seL4_CapTableObject, 0, 20, 1), 1);
    expect_invalid_arg(retype(UT, seL4_UntypedObject, 3, 20, 1), 1);
    expect_invalid_arg(retype(UT, seL4_SchedContextObject, 6, 20, 1), 1);
    /* Sizes are checked before the destination. */
    expect_range(retype_full(UT, seL4_UntypedObject, 50, UT, 0, 0, 0, 1), 0, 47);
    /* Fixed-size types ignore small size_bits. */
    assert_int_equal(retype(UT, seL4_EndpointObject, 40, 20, 1), OK);
    /* A CNode of 42 bits is not too big, just not there. */
    expect_error(retype(UT, seL4_CapTableObject, 42, 21, 1), seL4_NotEnoughMemory);
    assert_invariants();
}

static void test_destination_checks(void **state)
{
    (void)state;
    assert_int_equal(retype(UT, seL4_CapTableObject, 3, 10, 1), OK);       /* 8-slot CNode */
    assert_int_equal(retype(UT, seL4_EndpointObject, 0, 11, 1), OK);

    /* depth 0 with a non-CNode root: FailedLookup, MissingCapability(0). */
    expect_error(retype_full(UT, seL4_EndpointObject, 0, 11, 0, 0, 0, 1), seL4_FailedLookup);
    assert_false(ks_syscall_error.lookup_was_source);
    assert_int_equal(ks_lookup_fault.type, seL4_MissingCapability);
    assert_int_equal(ks_lookup_fault.bits_left, 0);
    /* depth > 64 */
    expect_range(retype_full(UT, seL4_EndpointObject, 0, ROOT, 10, 65, 0, 1), 1, 64);
    /* The slot named is not a CNode: MissingCapability(depth). */
    expect_error(retype_full(UT, seL4_EndpointObject, 0, ROOT, 11, D64, 0, 1), seL4_FailedLookup);
    assert_int_equal(ks_lookup_fault.type, seL4_MissingCapability);
    assert_int_equal(ks_lookup_fault.bits_left, 64);
    /* Lookup failures of the destination slot itself. */
    expect_error(retype_full(UT, seL4_EndpointObject, 0, ROOT, 10, 8, 0, 1), seL4_FailedLookup);
    assert_int_equal(ks_lookup_fault.type, seL4_GuardMismatch);

    /* The window in the 8-slot CNode at root slot 10. */
    expect_range(retype_full(UT, seL4_EndpointObject, 0, ROOT, 10, D64, 8, 1), 0, 7);
    expect_range(retype_full(UT, seL4_EndpointObject, 0, ROOT, 10, D64, 0, 0), 1, 256);
    expect_range(retype_full(UT, seL4_EndpointObject, 0, ROOT, 10, D64, 0, 257), 1, 256);
    expect_range(retype_full(UT, seL4_EndpointObject, 0, ROOT, 10, D64, 5, 4), 1, 3);
    assert_int_equal(retype_full(UT, seL4_EndpointObject, 0, ROOT, 10, D64, 5, 3), OK);
    expect_error(retype_full(UT, seL4_EndpointObject, 0, ROOT, 10, D64, 4, 2), seL4_DeleteFirst);
    /* In the root CNode: offset 64 is out, 63 in. */
    expect_range(retype(UT, seL4_EndpointObject, 0, 64, 1), 0, 63);
    expect_range(retype(UT, seL4_EndpointObject, 0, 60, 5), 1, 4);
    assert_invariants();
}

/* ==== placement and watermark ================================================================ */

static void test_placement_and_alignment(void **state)
{
    paddr_t base = ut_base(UT);
    (void)state;

    assert_int_equal(retype(UT, seL4_EndpointObject, 0, 10, 1), OK);
    assert_int_equal(cap_paddr(S(10)->cap), base);
    assert_int_equal(watermark(UT), 16);

    assert_int_equal(retype(UT, seL4_TCBObject, 0, 11, 1), OK);        /* aligned to 2 KiB */
    assert_int_equal(cap_paddr(S(11)->cap), base + 2048);
    assert_int_equal(watermark(UT), 4096);

    assert_int_equal(retype(UT, seL4_CapTableObject, 4, 12, 1), OK);   /* 512 bytes */
    assert_int_equal(cap_paddr(S(12)->cap), base + 4096);
    assert_int_equal(cnode_radix(S(12)->cap), 4);
    assert_int_equal(watermark(UT), 4608);

    assert_int_equal(retype(UT, seL4_ARM_SmallPageObject, 0, 13, 3), OK);
    for (word_t i = 0; i < 3; i++)
        assert_int_equal(cap_paddr(S(13 + i)->cap), base + 8192 + i * 4096);
    assert_int_equal(watermark(UT), 20480);

    /* 45056 bytes left: 11 pages fit, 12 do not. */
    expect_error(retype(UT, seL4_ARM_SmallPageObject, 0, 20, 12), seL4_NotEnoughMemory);
    assert_int_equal(ks_syscall_error.arg, 45056);
    assert_int_equal(retype(UT, seL4_ARM_SmallPageObject, 0, 20, 11), OK);
    assert_int_equal(watermark(UT), BIT(16));
    expect_error(retype(UT, seL4_EndpointObject, 0, 40, 1), seL4_NotEnoughMemory);
    assert_int_equal(ks_syscall_error.arg, 0);
    assert_invariants();
}

static void test_every_object_type(void **state)
{
    (void)state;

    assert_int_equal(retype(UT, seL4_TCBObject, 0, 10, 1), OK);
    assert_int_equal(cap_type(S(10)->cap), cap_thread_cap);
    assert_int_equal(retype(UT, seL4_EndpointObject, 0, 11, 1), OK);
    assert_int_equal(cap_type(S(11)->cap), cap_endpoint_cap);
    assert_int_equal(cap_rights(S(11)->cap), RIGHTS_ALL);
    assert_int_equal(cap_badge(S(11)->cap), 0);
    assert_int_equal(retype(UT, seL4_NotificationObject, 0, 12, 1), OK);
    assert_int_equal(cap_type(S(12)->cap), cap_notification_cap);
    assert_int_equal(retype(UT, seL4_CapTableObject, 1, 13, 1), OK);
    assert_int_equal(cap_type(S(13)->cap), cap_cnode_cap);
    assert_int_equal(cnode_guard_size(S(13)->cap), 0);
    assert_int_equal(retype(UT, seL4_SchedContextObject, 8, 14, 1), OK);
    assert_int_equal(cap_type(S(14)->cap), cap_sched_context_cap);
    assert_int_equal(sched_context_size_bits(S(14)->cap), 8);
    assert_int_equal(retype(UT, seL4_ReplyObject, 0, 15, 1), OK);
    assert_int_equal(cap_type(S(15)->cap), cap_reply_cap);
    assert_true(reply_cap_can_grant(S(15)->cap));
    assert_int_equal(retype(UT, seL4_ARM_SmallPageObject, 0, 16, 1), OK);
    assert_int_equal(cap_type(S(16)->cap), cap_frame_cap);
    assert_int_equal(frame_vm_rights(S(16)->cap), VM_READ_WRITE);
    assert_int_equal(retype(UT, seL4_ARM_PageTableObject, 0, 17, 1), OK);
    assert_int_equal(cap_type(S(17)->cap), cap_page_table_cap);
    assert_int_equal(retype(UT, seL4_ARM_VSpaceObject, 0, 18, 1), OK);
    assert_int_equal(cap_type(S(18)->cap), cap_vspace_cap);
    assert_int_equal(retype(UT, seL4_UntypedObject, 10, 19, 1), OK);
    assert_int_equal(cap_type(S(19)->cap), cap_untyped_cap);
    assert_int_equal(untyped_size_bits(S(19)->cap), 10);
    assert_int_equal(watermark(19), 0);
    if (fake_endpoint_hooks_in_use()) {
        assert_int_equal(fake_calls.tcb_init, 1);
        assert_int_equal(fake_calls.sched_context_init, 1);
    }
    /* A 2 MiB frame needs a bigger untyped. */
    expect_error(retype(UT, seL4_ARM_LargePageObject, 0, 20, 1), seL4_NotEnoughMemory);
    host_make_untyped(S(30), 22, false, 0);
    assert_int_equal(retype(30, seL4_ARM_LargePageObject, 0, 20, 2), OK);
    assert_int_equal(cap_paddr(S(21)->cap), ut_base(30) + BIT(21));
    assert_invariants();
}

static void test_sub_cnode_destination(void **state)
{
    cte_t *c;
    (void)state;

    assert_int_equal(retype(UT, seL4_CapTableObject, 3, 10, 1), OK);
    c = cnode_slots(S(10)->cap);
    assert_int_equal(retype_full(UT, seL4_EndpointObject, 0, ROOT, 10, D64, 2, 3), OK);
    for (word_t i = 2; i < 5; i++)
        assert_int_equal(cap_type(c[i].cap), cap_endpoint_cap);
    /* The CNode cap itself as root with depth 0. */
    assert_int_equal(retype_full(UT, seL4_NotificationObject, 0, 10, 0, 0, 7, 1), OK);
    assert_int_equal(cap_type(c[7].cap), cap_notification_cap);
    assert_invariants();
}

/* ==== children, revoke and reset =========================================================== */

static void test_watermark_stays_while_children_live(void **state)
{
    (void)state;
    assert_int_equal(retype(UT, seL4_ARM_SmallPageObject, 0, 10, 2), OK);
    assert_int_equal(delete(10), OK);
    /* One page is still there: the next object goes after the watermark. */
    assert_int_equal(watermark(UT), 8192);
    assert_int_equal(retype(UT, seL4_EndpointObject, 0, 12, 1), OK);
    assert_int_equal(cap_paddr(S(12)->cap), ut_base(UT) + 8192);
    assert_invariants();
}

static bool all_zero(const void *p, word_t bytes)
{
    const unsigned char *b = p;
    for (word_t i = 0; i < bytes; i++)
        if (b[i])
            return false;
    return true;
}

static void test_revoke_then_reset_clears_memory(void **state)
{
    unsigned char *mem = (unsigned char *)(uintptr_t)ut_base(UT);
    (void)state;

    assert_int_equal(retype(UT, seL4_ARM_SmallPageObject, 0, 10, 16), OK);
    memset(mem, 0xaa, BIT(16));             /* "user" data in every page */
    assert_int_equal(revoke(UT), OK);
    assert_false(cte_has_children(S(UT)));
    /* The watermark is stale until the next Retype resets it. */
    assert_int_equal(watermark(UT), BIT(16));
    assert_invariants();

    assert_int_equal(retype(UT, seL4_UntypedObject, 16, 10, 1), OK);
    assert_int_equal(cap_paddr(S(10)->cap), ut_base(UT));
    assert_int_equal(watermark(UT), BIT(16));
    assert_true(all_zero(mem, BIT(16)));
    assert_invariants();
}

static void test_reset_is_preemptible(void **state)
{
    unsigned char *mem = (unsigned char *)(uintptr_t)ut_base(UT);
    word_t preemptions = 0, last = BIT(16);
    status_t st;
    (void)state;

    assert_int_equal(retype(UT, seL4_ARM_SmallPageObject, 0, 10, 16), OK);
    memset(mem, 0x55, BIT(16));
    assert_int_equal(revoke(UT), OK);

    fake_irq_pending = true;
    while ((st = retype(UT, seL4_EndpointObject, 0, 10, 1)) == ERR_PREEMPTED) {
        /* The watermark follows the cleared part down; above it all is zero. */
        assert_true(watermark(UT) < last);
        last = watermark(UT);
        assert_true(all_zero(mem + last, BIT(16) - last));
        assert_true(cap_is_null(S(10)->cap));
        assert_invariants();
        preemptions++;
        assert_true(preemptions < 1000);
    }
    fake_irq_pending = false;
    assert_int_equal(st, OK);
    if (fake_preemption_in_use())
        assert_int_equal(preemptions, BIT(16 - UNTYPED_RESET_CHUNK_BITS) - 1);
    assert_int_equal(cap_paddr(S(10)->cap), ut_base(UT));
    assert_int_equal(watermark(UT), 16);
    assert_true(all_zero(mem, BIT(16)));
    assert_invariants();
}

static void test_small_untyped_reset(void **state)
{
    unsigned char *mem;
    (void)state;

    /* Below the reset chunk size the whole untyped is cleared at once. */
    assert_int_equal(retype(UT, seL4_UntypedObject, 8, 10, 1), OK);
    mem = (unsigned char *)(uintptr_t)ut_base(10);
    assert_int_equal(retype(10, seL4_EndpointObject, 0, 11, 4), OK);
    assert_int_equal(revoke(10), OK);
    memset(mem, 0xcc, 64);            /* what the dead objects left behind */
    assert_int_equal(retype(10, seL4_NotificationObject, 0, 11, 1), OK);
    assert_int_equal(watermark(10), 64);
    assert_true(all_zero(mem, BIT(8)));
    assert_invariants();
}

static void test_child_untypeds(void **state)
{
    (void)state;
    assert_int_equal(retype(UT, seL4_UntypedObject, 12, 10, 2), OK);
    assert_int_equal(cap_paddr(S(11)->cap), ut_base(UT) + 4096);
    assert_int_equal(retype(10, seL4_EndpointObject, 0, 20, 4), OK);
    assert_int_equal(retype(11, seL4_CapTableObject, 2, 24, 1), OK);
    assert_int_equal(cap_paddr(S(24)->cap), ut_base(UT) + 4096);
    assert_int_equal(watermark(11), 128);
    assert_invariants();

    /* Revoking a child untyped resets only its own objects. */
    assert_int_equal(revoke(10), OK);
    assert_true(cap_is_null(S(20)->cap));
    assert_false(cap_is_null(S(24)->cap));
    assert_invariants();

    /* Revoking the parent takes the child untypeds and their objects. */
    assert_int_equal(revoke(UT), OK);
    assert_true(cap_is_null(S(10)->cap) && cap_is_null(S(11)->cap) && cap_is_null(S(24)->cap));
    assert_invariants();
}

static void test_device_untyped(void **state)
{
    unsigned char *mem = (unsigned char *)(uintptr_t)ut_base(DEV);
    (void)state;

    expect_invalid_arg(retype(DEV, seL4_EndpointObject, 0, 10, 1), 1);
    expect_invalid_arg(retype(DEV, seL4_ARM_PageTableObject, 0, 10, 1), 1);
    expect_invalid_arg(retype(DEV, seL4_TCBObject, 0, 10, 1), 1);
    assert_int_equal(retype(DEV, seL4_ARM_SmallPageObject, 0, 10, 1), OK);
    assert_true(frame_is_device(S(10)->cap));
    assert_int_equal(retype(DEV, seL4_UntypedObject, 12, 11, 1), OK);
    assert_true(untyped_is_device(S(11)->cap));
    expect_invalid_arg(retype(11, seL4_NotificationObject, 0, 12, 1), 1);
    assert_invariants();

    /* Device memory is never cleared by a reset. */
    memset(mem, 0x77, 16);
    assert_int_equal(revoke(DEV), OK);
    assert_int_equal(retype(DEV, seL4_ARM_SmallPageObject, 0, 10, 1), OK);
    assert_int_equal(cap_paddr(S(10)->cap), ut_base(DEV));
    assert_int_equal(mem[0], 0x77);
    assert_invariants();
}

static void test_not_enough_memory_before_device_check(void **state)
{
    (void)state;
    assert_int_equal(retype(DEV, seL4_ARM_SmallPageObject, 0, 10, 16), OK);
    expect_error(retype(DEV, seL4_EndpointObject, 0, 30, 1), seL4_NotEnoughMemory);
    assert_int_equal(ks_syscall_error.arg, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_framing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_type_and_size_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destination_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_placement_and_alignment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_object_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sub_cnode_destination, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watermark_stays_while_children_live, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revoke_then_reset_clears_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_is_preemptible, setup, teardown),
        cmocka_unit_test_setup_teardown(test_small_untyped_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_child_untypeds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_untyped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_enough_memory_before_device_check, setup, teardown),
    };
    return cmocka_run_group_tests_name("untyped", tests, NULL, NULL);
}
