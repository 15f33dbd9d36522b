/*
 * Host tests of notifications (object/notification.c): OR of badges, blocking and polling
 * waits, queue order, bound notifications and endpoints, SC lending, deletion.
 */
#include "ipc_test_util.h"

static const word_t RW = RIGHT_READ | RIGHT_WRITE;

static void test_signals_accumulate_until_wait(void **state)
{
    (void)state;
    notification_t *n = new_notification();
    tcb_t *t = new_thread("t", 10);

    send_signal(n, 0x1);
    assert_int_equal(n->state, NtfnState_Active);
    send_signal(n, 0x4);
    send_signal(n, 0x1);
    assert_int_equal(n->badge, 0x5);

    set_reg(t, REG_MSGINFO, 0x1234);
    set_reg(t, REG_MR0, 0x5678);
    receive_signal(t, ntfn_cap(n, 0, RW), true);
    assert_int_equal(t->state, ThreadState_Running);
    assert_int_equal(get_reg(t, REG_BADGE), 0x5);
    assert_int_equal(get_reg(t, REG_MSGINFO), 0x1234);   /* only x0 is written */
    assert_int_equal(get_reg(t, REG_MR0), 0x5678);
    assert_int_equal(n->state, NtfnState_Idle);

    /* The badges were consumed: a poll now finds nothing. */
    set_reg(t, REG_BADGE, 99);
    receive_signal(t, ntfn_cap(n, 0, RW), false);
    assert_int_equal(get_reg(t, REG_BADGE), 0);
}

static void test_wait_blocks_then_signal_wakes(void **state)
{
    (void)state;
    notification_t *n = new_notification();
    tcb_t *t = new_thread("t", 10);

    set_reg(t, REG_MSGINFO, 0x77);
    receive_signal(t, ntfn_cap(n, 0, RW), true);
    assert_int_equal(t->state, ThreadState_BlockedOnNotification);
    assert_int_equal(n->state, NtfnState_Waiting);
    assert_ptr_equal(n->head, t);

    send_signal(n, 0x30);
    assert_int_equal(t->state, ThreadState_Running);
    assert_int_equal(get_reg(t, REG_BADGE), 0x30);
    assert_int_equal(get_reg(t, REG_MSGINFO), 0x77);
    assert_int_equal(n->state, NtfnState_Idle);
    assert_null(n->head);
}

static void test_poll_with_nothing_pending(void **state)
{
    (void)state;
    notification_t *n = new_notification();
    tcb_t *t = new_thread("t", 10);

    set_reg(t, REG_BADGE, 0xffff);
    set_reg(t, REG_MSGINFO, 0xabc);
    receive_signal(t, ntfn_cap(n, 0, RW), false);
    assert_int_equal(t->state, ThreadState_Running);
    assert_int_equal(get_reg(t, REG_BADGE), 0);
    assert_int_equal(get_reg(t, REG_MSGINFO), 0xabc);
    assert_int_equal(n->state, NtfnState_Idle);
}

static void test_waiters_woken_by_priority(void **state)
{
    (void)state;
    notification_t *n = new_notification();
    tcb_t *lo = new_thread("lo", 5), *hi = new_thread("hi", 200), *mid1 = new_thread("mid1", 50);
    tcb_t *mid2 = new_thread("mid2", 50);

    receive_signal(lo, ntfn_cap(n, 0, RW), true);
    receive_signal(mid1, ntfn_cap(n, 0, RW), true);
    receive_signal(hi, ntfn_cap(n, 0, RW), true);
    receive_signal(mid2, ntfn_cap(n, 0, RW), true);

    send_signal(n, 1);
    assert_int_equal(hi->state, ThreadState_Running);
    send_signal(n, 2);
    assert_int_equal(mid1->state, ThreadState_Running);
    assert_int_equal(mid2->state, ThreadState_BlockedOnNotification);
    send_signal(n, 3);
    assert_int_equal(mid2->state, ThreadState_Running);
    assert_int_equal(get_reg(mid2, REG_BADGE), 3);
    assert_int_equal(n->state, NtfnState_Waiting);
    send_signal(n, 4);
    assert_int_equal(lo->state, ThreadState_Running);
    assert_int_equal(n->state, NtfnState_Idle);
}

static void test_cancel_waiter(void **state)
{
    (void)state;
    notification_t *n = new_notification();
    tcb_t *a = new_thread("a", 10), *b = new_thread("b", 10);

    receive_signal(a, ntfn_cap(n, 0, RW), true);
    receive_signal(b, ntfn_cap(n, 0, RW), true);
    cancel_ipc(a);
    assert_int_equal(a->state, ThreadState_Inactive);
    assert_ptr_equal(n->head, b);
    assert_int_equal(n->state, NtfnState_Waiting);
    cancel_ipc(b);
    assert_null(n->head);
    assert_int_equal(n->state, NtfnState_Idle);
}

static void test_signal_wakes_bound_thread_waiting_on_endpoint(void **state)
{
    (void)state;
    notification_t *n = new_notification();
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *t = new_thread("server", 10);

    bind_notification(t, n);
    set_reg(t, REG_MSGINFO, 0x55);
    receive_ipc(t, ep_cap(ep, 0, RIGHTS_ALL), true, reply_cap(reply, true));
    assert_int_equal(t->state, ThreadState_BlockedOnReceive);

    send_signal(n, 0x8);
    assert_int_equal(t->state, ThreadState_Running);
    assert_int_equal(get_reg(t, REG_BADGE), 0x8);
    assert_int_equal(get_reg(t, REG_MSGINFO), 0x55);
    assert_null(ep->head);                      /* no longer waiting on the endpoint */
    assert_null(reply->receiver);
    assert_null(t->reply);
    assert_int_equal(n->state, NtfnState_Idle);
}

static void test_signal_does_not_wake_bound_thread_in_call(void **state)
{
    (void)state;
    notification_t *n = new_notification();
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *client = new_thread("client", 10), *server = new_thread("server", 10);

    bind_notification(client, n);
    receive_ipc(server, ep_cap(ep, 0, RIGHTS_ALL), true, reply_cap(reply, true));
    do_send(client, ep_cap(ep, 0, RIGHTS_ALL), true, true);
    assert_int_equal(client->state, ThreadState_BlockedOnReply);

    send_signal(n, 0x2);
    assert_int_equal(client->state, ThreadState_BlockedOnReply);
    assert_int_equal(n->state, NtfnState_Active);
    assert_int_equal(n->badge, 0x2);
}

static void test_bound_signal_delivered_by_endpoint_nbrecv(void **state)
{
    (void)state;
    notification_t *n = new_notification();
    endpoint_t *ep = new_endpoint();
    tcb_t *t = new_thread("t", 10);

    bind_notification(t, n);
    send_signal(n, 0x40);
    receive_ipc(t, ep_cap(ep, 0, RIGHTS_ALL), false, cap_null());
    assert_int_equal(get_reg(t, REG_BADGE), 0x40);
    assert_int_equal(n->state, NtfnState_Idle);
}

static void test_bind_and_unbind(void **state)
{
    (void)state;
    notification_t *n = new_notification();
    tcb_t *t = new_thread("t", 10);

    bind_notification(t, n);
    assert_ptr_equal(t->bound_notification, n);
    assert_ptr_equal(n->bound_tcb, t);
    unbind_notification(t);
    assert_null(t->bound_notification);
    assert_null(n->bound_tcb);
    unbind_notification(t);                     /* harmless when nothing is bound */
}

static void test_passive_waiter_borrows_notification_sc(void **state)
{
    (void)state;
    notification_t *n = new_notification();
    tcb_t *t = new_thread("passive", 10);
    sched_context_t *sc = new_sc();

    sched_context_bind_notification(sc, n);
    receive_signal(t, ntfn_cap(n, 0, RW), true);
    send_signal(n, 1);
    assert_int_equal(t->state, ThreadState_Running);
    assert_ptr_equal(t->sc, sc);
    assert_ptr_equal(sc->tcb, t);

    /* Waiting again gives the SC back to the notification. */
    receive_signal(t, ntfn_cap(n, 0, RW), true);
    assert_null(t->sc);
    assert_null(sc->tcb);
    assert_ptr_equal(n->sc, sc);
}

static void test_pending_signal_lends_sc_on_wait(void **state)
{
    (void)state;
    notification_t *n = new_notification();
    tcb_t *t = new_thread("passive", 10);
    sched_context_t *sc = new_sc();

    sched_context_bind_notification(sc, n);
    send_signal(n, 1);
    receive_signal(t, ntfn_cap(n, 0, RW), true);
    assert_ptr_equal(t->sc, sc);
}

static void test_thread_with_own_sc_does_not_borrow(void **state)
{
    (void)state;
    notification_t *n = new_notification();
    tcb_t *t = new_thread("active", 10);
    sched_context_t *own = new_sc(), *lent = new_sc();

    sched_context_bind_tcb(own, t);
    sched_context_bind_notification(lent, n);
    receive_signal(t, ntfn_cap(n, 0, RW), true);
    send_signal(n, 1);
    assert_ptr_equal(t->sc, own);
    assert_null(lent->tcb);
}

static void test_bound_server_returns_sc_when_waiting_on_endpoint(void **state)
{
    (void)state;
    notification_t *n = new_notification();
    endpoint_t *ep = new_endpoint();
    tcb_t *t = new_thread("server", 10);
    sched_context_t *sc = new_sc();

    bind_notification(t, n);
    sched_context_bind_notification(sc, n);
    send_signal(n, 1);
    receive_ipc(t, ep_cap(ep, 0, RIGHTS_ALL), true, cap_null());   /* takes the signal */
    assert_ptr_equal(t->sc, sc);
    receive_ipc(t, ep_cap(ep, 0, RIGHTS_ALL), true, cap_null());   /* blocks passively */
    assert_int_equal(t->state, ThreadState_BlockedOnReceive);
    assert_null(t->sc);
    assert_null(sc->tcb);
}

static void test_deleted_notification_restarts_waiters(void **state)
{
    (void)state;
    notification_t *n = new_notification();
    tcb_t *a = new_thread("a", 10), *b = new_thread("b", 20), *bound = new_thread("bound", 1);
    sched_context_t *sc = new_sc();

    bind_notification(bound, n);
    sched_context_bind_notification(sc, n);
    receive_signal(a, ntfn_cap(n, 0, RW), true);
    receive_signal(b, ntfn_cap(n, 0, RW), true);
    notification_finalise(n);
    assert_int_equal(a->state, ThreadState_Restart);
    assert_int_equal(b->state, ThreadState_Restart);
    assert_null(a->ep_next);
    assert_null(n->head);
    assert_int_equal(n->state, NtfnState_Idle);
    assert_null(bound->bound_notification);
    assert_null(n->bound_tcb);
    assert_null(n->sc);
    assert_null(sc->notification);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_signals_accumulate_until_wait, reset_arena),
        cmocka_unit_test_setup(test_wait_blocks_then_signal_wakes, reset_arena),
        cmocka_unit_test_setup(test_poll_with_nothing_pending, reset_arena),
        cmocka_unit_test_setup(test_waiters_woken_by_priority, reset_arena),
        cmocka_unit_test_setup(test_cancel_waiter, reset_arena),
        cmocka_unit_test_setup(test_signal_wakes_bound_thread_waiting_on_endpoint, reset_arena),
        cmocka_unit_test_setup(test_signal_does_not_wake_bound_thread_in_call, reset_arena),
        cmocka_unit_test_setup(test_bound_signal_delivered_by_endpoint_nbrecv, reset_arena),
        cmocka_unit_test_setup(test_bind_and_unbind, reset_arena),
        cmocka_unit_test_setup(test_passive_waiter_borrows_notification_sc, reset_arena),
        cmocka_unit_test_setup(test_pending_signal_lends_sc_on_wait, reset_arena),
        cmocka_unit_test_setup(test_thread_with_own_sc_does_not_borrow, reset_arena),
        cmocka_unit_test_setup(test_bound_server_returns_sc_when_waiting_on_endpoint, reset_arena),
        cmocka_unit_test_setup(test_deleted_notification_restarts_waiters, reset_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
