/*
 * CPtr resolution (ABI (c)): single- and multi-level CSpaces, implicit and explicit
 * lookups, and every lookup failure with its exact bitsLeft / guard / bitsFound.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <keel/cspace.h>
#include <keel/cnode.h>
#include <keel/state.h>
#include "host_objects.h"

static int teardown(void **state)
{
    (void)state;
    host_free_all();
    return 0;
}

static cap_t some_endpoint(void)
{
    return endpoint_cap_new(paddr_of(host_alloc(seL4_EndpointBits)), 0, RIGHTS_ALL);
}

static void expect_lookup_fault(word_t type, word_t bits_left, word_t guard_found, word_t bits_found)
{
    assert_int_equal(ks_lookup_fault.type, type);
    assert_int_equal(ks_lookup_fault.bits_left, bits_left);
    assert_int_equal(ks_lookup_fault.guard_found, guard_found);
    assert_int_equal(ks_lookup_fault.bits_found, bits_found);
}

static void expect_failed_lookup(bool source)
{
    assert_int_equal(ks_syscall_error.type, seL4_FailedLookup);
    assert_int_equal(ks_syscall_error.lookup_was_source, source);
}

/* ---- one level, root-task style ------------------------------------------------------------ */

static void test_root_style_cspace(void **state)
{
    host_cspace_t cs;
    cte_t *slot;
    cap_t cap;
    (void)state;

    host_cspace_init(&cs, 8);
    host_put_cap(&cs.slots[5], some_endpoint());

    assert_int_equal(lookup_slot(cs.thread, 5, &slot), OK);
    assert_ptr_equal(slot, &cs.slots[5]);
    assert_int_equal(lookup_cap(cs.thread, 5, &cap, &slot), OK);
    assert_int_equal(cap_type(cap), cap_endpoint_cap);

    /* An empty slot resolves; its cap is the null cap. */
    assert_int_equal(lookup_cap(cs.thread, 255, &cap, &slot), OK);
    assert_ptr_equal(slot, &cs.slots[255]);
    assert_true(cap_is_null(cap));

    /* Any bit in the 56 guard bits set: GuardMismatch(64, 0, 56). */
    assert_int_equal(lookup_slot(cs.thread, 256, &slot), ERR_LOOKUP);
    expect_lookup_fault(seL4_GuardMismatch, 64, 0, 56);
    assert_int_equal(lookup_slot(cs.thread, BIT(63) | 5, &slot), ERR_LOOKUP);
    expect_lookup_fault(seL4_GuardMismatch, 64, 0, 56);

    /* Explicit lookups into the root must use depth 64. */
    assert_int_equal(lookup_target_slot(cs.root, 7, 64, &slot), OK);
    assert_ptr_equal(slot, &cs.slots[7]);
    assert_int_equal(lookup_target_slot(cs.root, 7, 8, &slot), ERR_SYSCALL);
    expect_failed_lookup(false);
    expect_lookup_fault(seL4_GuardMismatch, 8, 0, 56);
}

static void test_thread_without_cspace(void **state)
{
    tcb_t *t = host_make_thread(cap_null());
    cte_t *slot;
    (void)state;

    assert_int_equal(lookup_slot(t, 0, &slot), ERR_LOOKUP);
    expect_lookup_fault(seL4_InvalidRoot, 0, 0, 0);

    /* A non-CNode root is just as invalid. */
    host_put_cap(tcb_slot(t, TCB_CTABLE), some_endpoint());
    assert_int_equal(lookup_slot(t, 0, &slot), ERR_LOOKUP);
    expect_lookup_fault(seL4_InvalidRoot, 0, 0, 0);
}

/* ---- two levels ------------------------------------------------------------------------------ */

/*
 * R: radix 4, guard 0xA in 4 bits. R[3] -> C2: radix 6, guard 1 in 2 bits.
 * C2[10] holds an endpoint. A 16-bit path to it: A | 3 | 01 | 001010 = 0xA34A.
 */
typedef struct two_level {
    cap_t root, c2;
    cte_t *r, *c;
} two_level_t;

static two_level_t make_two_level(void)
{
    two_level_t t;

    t.root = host_make_cnode(4, 4, 0xA);
    t.c2 = host_make_cnode(6, 2, 1);
    t.r = cnode_slots(t.root);
    t.c = cnode_slots(t.c2);
    host_put_cap(&t.r[3], t.c2);
    host_put_cap(&t.c[10], some_endpoint());
    return t;
}

static void test_two_level_resolution(void **state)
{
    two_level_t t = make_two_level();
    cte_t *slot;
    word_t left;
    (void)state;

    assert_int_equal(resolve_address_bits(t.root, 0xA34A, 16, &slot, &left), OK);
    assert_ptr_equal(slot, &t.c[10]);
    assert_int_equal(left, 0);

    /* A CNode cap reached with the bits used up is the target itself: no descent. */
    assert_int_equal(resolve_address_bits(t.root, 0xA3, 8, &slot, &left), OK);
    assert_ptr_equal(slot, &t.r[3]);
    assert_int_equal(left, 0);

    /* Walking on past a non-CNode cap stops there with bits left. */
    assert_int_equal(resolve_address_bits(t.root, 0xA34A5, 20, &slot, &left), OK);
    assert_ptr_equal(slot, &t.c[10]);
    assert_int_equal(left, 4);

    /* ...and an empty slot likewise. */
    assert_int_equal(resolve_address_bits(t.root, 0xA5, 12, &slot, &left), ERR_LOOKUP);
    expect_lookup_fault(seL4_GuardMismatch, 12, 0xA, 4);
    assert_int_equal(resolve_address_bits(t.root, 0xA50, 12, &slot, &left), OK);
    assert_ptr_equal(slot, &t.r[5]);
    assert_int_equal(left, 4);
}

static void test_two_level_failures(void **state)
{
    two_level_t t = make_two_level();
    cte_t *slot;
    word_t left;
    (void)state;

    /* Wrong first guard. */
    assert_int_equal(resolve_address_bits(t.root, 0xB34A, 16, &slot, &left), ERR_LOOKUP);
    expect_lookup_fault(seL4_GuardMismatch, 16, 0xA, 4);

    /* Wrong second guard (10 instead of 01): 8 bits left at C2. */
    assert_int_equal(resolve_address_bits(t.root, 0xA38A, 16, &slot, &left), ERR_LOOKUP);
    expect_lookup_fault(seL4_GuardMismatch, 8, 1, 2);

    /* Second guard larger than the bits left. */
    assert_int_equal(resolve_address_bits(t.root, 0xA30 >> 3, 9, &slot, &left), ERR_LOOKUP);
    expect_lookup_fault(seL4_GuardMismatch, 1, 1, 2);

    /* Guard fits but guard + radix does not: DepthMismatch(4, 8). */
    assert_int_equal(resolve_address_bits(t.root, 0xA34, 12, &slot, &left), ERR_LOOKUP);
    expect_lookup_fault(seL4_DepthMismatch, 4, 0, 8);

    /* Too few bits for the first level. */
    assert_int_equal(resolve_address_bits(t.root, 0xA << 2, 6, &slot, &left), ERR_LOOKUP);
    expect_lookup_fault(seL4_DepthMismatch, 6, 0, 8);

    /* Root is not a CNode. */
    assert_int_equal(resolve_address_bits(t.c[10].cap, 0, 16, &slot, &left), ERR_LOOKUP);
    expect_lookup_fault(seL4_InvalidRoot, 0, 0, 0);
}

static void test_full_width_guard(void **state)
{
    /* Guard size 60, radix 4: the guard found is reported as a whole word. */
    word_t guard = 0xabcdef012345678ull;
    cap_t root = host_make_cnode(4, 60, guard);
    cte_t *slot;
    word_t left;
    (void)state;

    assert_int_equal(resolve_address_bits(root, (guard << 4) | 9, 64, &slot, &left), OK);
    assert_ptr_equal(slot, &cnode_slots(root)[9]);
    assert_int_equal(resolve_address_bits(root, ((guard ^ 1) << 4) | 9, 64, &slot, &left), ERR_LOOKUP);
    expect_lookup_fault(seL4_GuardMismatch, 64, guard, 60);
}

/* ---- explicit lookups --------------------------------------------------------------------- */

static void test_explicit_lookup_rules(void **state)
{
    two_level_t t = make_two_level();
    cte_t *slot;
    (void)state;

    assert_int_equal(lookup_source_slot(t.root, 0xA34A, 16, &slot), OK);
    assert_ptr_equal(slot, &t.c[10]);

    /* Depth must be 1..64. */
    assert_int_equal(lookup_target_slot(t.root, 0, 0, &slot), ERR_SYSCALL);
    assert_int_equal(ks_syscall_error.type, seL4_RangeError);
    assert_int_equal(ks_syscall_error.range_min, 1);
    assert_int_equal(ks_syscall_error.range_max, 64);
    assert_int_equal(lookup_target_slot(t.root, 0, 65, &slot), ERR_SYSCALL);
    assert_int_equal(ks_syscall_error.type, seL4_RangeError);

    /* Root must be a CNode: FailedLookup with InvalidRoot; the source flag as asked. */
    assert_int_equal(lookup_source_slot(t.c[10].cap, 0, 8, &slot), ERR_SYSCALL);
    expect_failed_lookup(true);
    expect_lookup_fault(seL4_InvalidRoot, 0, 0, 0);
    assert_int_equal(lookup_pivot_slot(t.c[10].cap, 0, 8, &slot), ERR_SYSCALL);
    expect_failed_lookup(true);
    assert_int_equal(lookup_target_slot(t.c[10].cap, 0, 8, &slot), ERR_SYSCALL);
    expect_failed_lookup(false);

    /* Stopping early is an error here: DepthMismatch(bitsLeft = remaining, bitsFound 0). */
    assert_int_equal(lookup_target_slot(t.root, 0xA34A5, 20, &slot), ERR_SYSCALL);
    expect_failed_lookup(false);
    expect_lookup_fault(seL4_DepthMismatch, 4, 0, 0);
    assert_int_equal(lookup_source_slot(t.root, 0xA50, 12, &slot), ERR_SYSCALL);
    expect_failed_lookup(true);
    expect_lookup_fault(seL4_DepthMismatch, 4, 0, 0);

    /* Resolution failures keep their own kind. */
    assert_int_equal(lookup_source_slot(t.root, 0xA38A, 16, &slot), ERR_SYSCALL);
    expect_failed_lookup(true);
    expect_lookup_fault(seL4_GuardMismatch, 8, 1, 2);
}

static void test_cycle_through_self(void **state)
{
    /* A CNode holding a cap to itself: each step consumes bits, so the walk ends. */
    cap_t root = host_make_cnode(2, 0, 0);
    cte_t *slots = cnode_slots(root);
    cte_t *slot;
    word_t left;
    (void)state;

    host_put_cap(&slots[1], root);
    assert_int_equal(resolve_address_bits(root, 0x5556, 16, &slot, &left), OK);
    /* 01 01 01 01 01 01 01 10: seven hops through slot 1, then slot 2 (empty). */
    assert_ptr_equal(slot, &slots[2]);
    assert_int_equal(left, 0);
    assert_int_equal(resolve_address_bits(root, ~0ull, 64, &slot, &left), OK);
    assert_ptr_equal(slot, &slots[3]);
    assert_int_equal(left, 62);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_root_style_cspace, teardown),
        cmocka_unit_test_teardown(test_thread_without_cspace, teardown),
        cmocka_unit_test_teardown(test_two_level_resolution, teardown),
        cmocka_unit_test_teardown(test_two_level_failures, teardown),
        cmocka_unit_test_teardown(test_full_width_guard, teardown),
        cmocka_unit_test_teardown(test_explicit_lookup_rules, teardown),
        cmocka_unit_test_teardown(test_cycle_through_self, teardown),
    };
    return cmocka_run_group_tests_name("cspace", tests, NULL, NULL);
}
