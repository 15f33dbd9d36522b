/*
 * The invariant checker (model/invariants.c) finds what it should: each test builds a
 * small consistent world from real objects (retyped from an untyped, so every object
 * has its cap), checks that it passes, breaks one thing, and expects the checker to
 * report exactly that violation (by its reason).
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
#include <keel/ipc.h>
#include <keel/sched.h>
#include <keel/state.h>
#include <keel/tcb.h>
#include "fake_arch.h"
#include "fake_objects.h"
#include "host_objects.h"

#define RADIX 6
#define ROOT  2                 /* a copy of the root CNode cap */
#define UT    3                 /* a 64 KiB untyped */
#define FREE  8                 /* first free slot for retyped objects */

static host_cspace_t cs;

static int setup(void **state)
{
    (void)state;
    host_cspace_init(&cs, RADIX);
    cte_insert(cs.root, tcb_slot(cs.thread, TCB_CTABLE), &cs.slots[ROOT]);
    host_make_untyped(&cs.slots[UT], 16, false, 0);
    invariants_add_root(cs.slots, BIT(RADIX));
    fake_irq_pending = false;
    return 0;
}

/* The tests leave broken links behind on purpose: undo them in every TCB, then finalise
 * the TCBs (which takes them off the kernel's list of threads) before their memory goes. */
static void destroy_threads(void)
{
    tcb_t *t;

    while ((t = tcb_debug_list()) != NULL) {
        t->state = ThreadState_Inactive;
        t->sc = NULL;
        t->yield_to = NULL;
        t->reply = NULL;
        t->bound_notification = NULL;
        t->ep_next = t->ep_prev = NULL;
        t->in_ready_queue = t->in_release_queue = false;
        tcb_finalise(t);
    }
}

static int teardown(void **state)
{
    (void)state;
    invariants_check_entry_state(false);
    destroy_threads();
    invariants_clear_roots();
    host_free_all();
    return 0;
}

static cte_t *S(word_t i) { return &cs.slots[i]; }

/* Retype one object of 'type' into root slot 'slot' and return the object. */
static void *make(word_t type, word_t bits, word_t slot)
{
    word_t mrs[6] = { type, bits, 0, 0, slot, 1 };
    cptr_t root = ROOT;

    assert_int_equal(host_invoke_cs(&cs, UT, UntypedRetype, mrs, 6, &root, 1), OK);
    return cap_ptr(S(slot)->cap);
}

static void assert_ok(void)
{
    assert_int_equal(check_invariants(), OK);
}

/* The checker must fail, with a reason containing 'what'. */
static void assert_violation(const char *what)
{
    assert_int_equal(check_invariants(), ERR_SYSCALL);
    assert_non_null(ks_syscall_error.why);
    if (!strstr(ks_syscall_error.why, what))
        fail_msg("reported \"%s\", expected \"%s\"", ks_syscall_error.why, what);
}

/* Take a slot out of its derivation list and empty it, bypassing the kernel. */
static void drop_slot_raw(cte_t *s)
{
    if (mdb_prev(s))
        mdb_set_next(mdb_prev(s), mdb_next(s));
    if (mdb_next(s))
        mdb_set_prev(mdb_next(s), mdb_prev(s));
    s->cap = cap_null();
    s->mdb_prev = NULL;
    s->mdb_next_flags = 0;
}

static void test_consistent_world_passes(void **state)
{
    (void)state;
    make(seL4_TCBObject, 0, FREE);
    make(seL4_EndpointObject, 0, FREE + 1);
    make(seL4_NotificationObject, 0, FREE + 2);
    make(seL4_ReplyObject, 0, FREE + 3);
    make(seL4_SchedContextObject, seL4_MinSchedContextBits, FREE + 4);
    make(seL4_CapTableObject, 3, FREE + 5);
    assert_ok();
}

static void test_blocked_thread_missing_from_queue(void **state)
{
    (void)state;
    tcb_t *t = make(seL4_TCBObject, 0, FREE);
    endpoint_t *ep = make(seL4_EndpointObject, 0, FREE + 1);

    t->state = ThreadState_BlockedOnSend;
    t->blocking_object = (word_t)ep;
    assert_violation("differ from threads in their wait queues");
}

static void test_queued_thread_in_wrong_state(void **state)
{
    (void)state;
    tcb_t *t = make(seL4_TCBObject, 0, FREE);
    endpoint_t *ep = make(seL4_EndpointObject, 0, FREE + 1);

    t->state = ThreadState_BlockedOnReceive;
    t->blocking_object = (word_t)ep;
    tcb_queue_insert(&ep->head, &ep->tail, t);
    assert_ok();
    t->state = ThreadState_BlockedOnNotification;
    assert_violation("thread waits on a notification that is not a live object");
}

static void test_wait_queue_order(void **state)
{
    (void)state;
    tcb_t *a = make(seL4_TCBObject, 0, FREE);
    tcb_t *b = make(seL4_TCBObject, 0, FREE + 1);
    endpoint_t *ep = make(seL4_EndpointObject, 0, FREE + 2);

    a->priority = 10;
    b->priority = 20;
    a->state = b->state = ThreadState_BlockedOnSend;
    a->blocking_object = b->blocking_object = (word_t)ep;
    tcb_queue_insert(&ep->head, &ep->tail, a);
    tcb_queue_insert(&ep->head, &ep->tail, b);
    assert_ok();                         /* b (20) was put ahead of a (10) */
    b->priority = 5;                     /* changed without re-sorting */
    assert_violation("wait queue is not ordered by priority");
}

static void test_wait_queue_broken_link(void **state)
{
    (void)state;
    tcb_t *a = make(seL4_TCBObject, 0, FREE);
    tcb_t *b = make(seL4_TCBObject, 0, FREE + 1);
    notification_t *n = make(seL4_NotificationObject, 0, FREE + 2);

    a->state = b->state = ThreadState_BlockedOnNotification;
    a->blocking_object = b->blocking_object = (word_t)n;
    tcb_queue_insert(&n->head, &n->tail, a);
    tcb_queue_insert(&n->head, &n->tail, b);
    n->state = NtfnState_Waiting;
    assert_ok();
    b->ep_prev = NULL;
    assert_violation("wait queue is not doubly linked");
}

static void test_notification_state(void **state)
{
    (void)state;
    notification_t *n = make(seL4_NotificationObject, 0, FREE);

    n->state = NtfnState_Waiting;
    assert_violation("notification is Waiting without waiters");
}

static void test_ready_flag_on_stopped_thread(void **state)
{
    (void)state;
    tcb_t *t = make(seL4_TCBObject, 0, FREE);

    t->in_ready_queue = true;
    assert_violation("thread in a ready queue is not runnable with an active SC");
}

static void test_sc_binding_one_sided(void **state)
{
    (void)state;
    tcb_t *t = make(seL4_TCBObject, 0, FREE);
    sched_context_t *sc = make(seL4_SchedContextObject, seL4_MinSchedContextBits, FREE + 1);

    sched_context_bind_tcb(sc, t);
    assert_ok();
    t->sc = NULL;
    assert_violation("SC's thread is not live or runs on another SC");
}

static void test_thread_sc_not_live(void **state)
{
    (void)state;
    tcb_t *t = make(seL4_TCBObject, 0, FREE);
    sched_context_t *sc = make(seL4_SchedContextObject, seL4_MinSchedContextBits, FREE + 1);

    sched_context_bind_tcb(sc, t);
    drop_slot_raw(S(FREE + 1));           /* the SC's only cap, gone without finalising */
    assert_violation("thread's SC is not a live object");
}

static void test_reply_caller_link(void **state)
{
    (void)state;
    tcb_t *t = make(seL4_TCBObject, 0, FREE);
    reply_t *r = make(seL4_ReplyObject, 0, FREE + 1);

    t->state = ThreadState_BlockedOnReply;
    t->reply = r;
    r->caller = t;
    assert_ok();
    t->state = ThreadState_Inactive;
    assert_violation("thread that waits for nothing holds a reply object");
    t->reply = NULL;
    assert_violation("reply object's caller is not a live thread waiting on it");
}

static void test_refills_must_add_up(void **state)
{
    (void)state;
    sched_context_t *sc = make(seL4_SchedContextObject, seL4_MinSchedContextBits, FREE);

    sched_context_configure(sc, us_to_ticks(1000), us_to_ticks(5000), 0, 0, false);
    assert_ok();
    sc->refills[sc->refill_head].amount += 1;
    assert_violation("refill amounts do not add up to the budget");
}

static void test_tcb_without_cap(void **state)
{
    (void)state;
    make(seL4_TCBObject, 0, FREE);
    drop_slot_raw(S(FREE));               /* still in the kernel's list, but capless */
    assert_violation("TCB in the kernel's list has no cap");
}

static void test_stray_object_inside_untyped(void **state)
{
    (void)state;
    paddr_t base = cap_paddr(S(UT)->cap);

    /* An endpoint cap to memory of the untyped, but not derived from it. */
    host_put_cap(S(FREE), endpoint_cap_new(base + 0x800, 0, RIGHTS_ALL));
    assert_violation("not among its descendants");
}

static void test_kernel_object_in_device_memory(void **state)
{
    (void)state;
    host_make_untyped(S(FREE), 12, true, 0);
    paddr_t base = cap_paddr(S(FREE)->cap);

    S(FREE)->cap.w1 = 16;                 /* watermark past the object */
    cte_insert_new(endpoint_cap_new(base, 0, RIGHTS_ALL), S(FREE), S(FREE + 1));
    assert_violation("kernel object in device memory");
}

static void test_current_thread_must_run(void **state)
{
    (void)state;
    tcb_t *t = make(seL4_TCBObject, 0, FREE);
    sched_context_t *sc = make(seL4_SchedContextObject, seL4_MinSchedContextBits, FREE + 1);

    sched_context_configure(sc, us_to_ticks(1000), us_to_ticks(1000), 0, 0, false);
    sched_context_bind_tcb(sc, t);
    t->state = ThreadState_Running;
    sched_dequeue(t);
    ks_cur_thread = t;
    ks_cur_sc = sc;
    ks_sched_action = SCHED_RESUME_CURRENT;
    invariants_check_entry_state(true);
    assert_ok();
    t->state = ThreadState_Inactive;
    assert_violation("current thread is not runnable");
    t->state = ThreadState_Running;
    ks_cur_thread = cs.thread;            /* t is now runnable, with budget, unqueued */
    assert_violation("is in no queue");
    invariants_check_entry_state(false);
    sched_context_unbind_tcb(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_consistent_world_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blocked_thread_missing_from_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queued_thread_in_wrong_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wait_queue_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wait_queue_broken_link, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notification_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ready_flag_on_stopped_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sc_binding_one_sided, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thread_sc_not_live, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_caller_link, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refills_must_add_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tcb_without_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stray_object_inside_untyped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kernel_object_in_device_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_current_thread_must_run, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
