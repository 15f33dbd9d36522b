/*
 * IRQControl hands out IRQHandler caps as children of the IRQControl cap that was
 * invoked, wherever that cap now lives. (Found by the host fuzzer: the handler used to be
 * linked after the slot the IRQControl cap had at boot, which is empty once the cap has
 * been moved, so the derivation list was corrupted and Revoke could not reach it.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <keel/cnode.h>
#include <keel/cspace.h>
#include <keel/interrupt.h>
#include <keel/invariants.h>
#include <keel/state.h>
#include "fake_arch.h"
#include "host_objects.h"

#define RADIX   4
#define ROOT    2               /* a copy of the root CNode cap */
#define BOOT    5               /* where IRQControl starts (as at boot) */
#define MOVED   6               /* where it is moved to */
#define HANDLER 7
#define D64     64

static host_cspace_t cs;

static cte_t *S(word_t i) { return &cs.slots[i]; }

static int setup(void **state)
{
    (void)state;
    host_cspace_init(&cs, RADIX);
    cte_insert(cs.root, tcb_slot(cs.thread, TCB_CTABLE), S(ROOT));
    host_put_cap(S(BOOT), irq_control_cap_new());
    irq_init(S(BOOT));
    invariants_add_root(cs.slots, BIT(RADIX));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (word_t i = 0; i < BIT(RADIX); i++)
        if (i != ROOT)
            assert_int_equal(cte_delete(S(i), true), OK);
    invariants_clear_roots();
    host_free_all();
    return 0;
}

static status_t issue_handler(cptr_t control, word_t irq, word_t index)
{
    word_t mrs[3] = { irq, index, D64 };
    cptr_t root = ROOT;
    return host_invoke(decode_irq_control_invocation, cs.thread, cs.ipc_buffer, control,
                       IRQIssueIRQHandler, mrs, 3, &root, 1);
}

static void test_handler_descends_from_moved_control_cap(void **state)
{
    (void)state;
    word_t mrs[4] = { MOVED, D64, BOOT, D64 };
    cptr_t root = ROOT;

    assert_int_equal(host_invoke_cs(&cs, ROOT, CNodeMove, mrs, 4, &root, 1), OK);
    assert_true(cap_is_null(S(BOOT)->cap));
    assert_int_equal(issue_handler(MOVED, 40, HANDLER), OK);
    assert_int_equal(cap_type(S(HANDLER)->cap), cap_irq_handler_cap);
    assert_int_equal(check_invariants(), OK);
    assert_true(cap_is_null(S(BOOT)->cap) && !mdb_next(S(BOOT)) && !mdb_prev(S(BOOT)));
    assert_ptr_equal(mdb_next(S(MOVED)), S(HANDLER));
    assert_true(cte_is_parent_of(S(MOVED), S(HANDLER)));

    /* Revoking the IRQControl cap takes the handler (and frees the line). */
    assert_int_equal(cte_revoke(S(MOVED)), OK);
    assert_true(cap_is_null(S(HANDLER)->cap));
    assert_int_equal(issue_handler(MOVED, 40, HANDLER), OK);
    assert_int_equal(check_invariants(), OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_handler_descends_from_moved_control_cap, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
