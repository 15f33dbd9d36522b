/*
 * Host tests of endpoint IPC (object/endpoint.c, ipc.c, reply.c): the send/receive state
 * machine, Call and reply, badges, message lengths, cap transfer, queue order,
 * cancellation and scheduling-context donation.
 */
#include "ipc_test_util.h"

static const word_t ALL = RIGHTS_ALL;
static const word_t NO_GRANT = RIGHT_WRITE | RIGHT_READ;

static void fill_mrs(tcb_t *t, word_t *buf, word_t n, word_t base)
{
    for (word_t i = 0; i < n; i++)
        set_mr(t, buf, i, base + i);
}

/* ---- send / receive ordering ------------------------------------------------------------ */

static void test_send_then_receive(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *s = new_thread("sender", 10), *r = new_thread("receiver", 10);

    set_msg(s, 0x42, 0, 2);
    set_reg(s, REG_MR0, 111);
    set_reg(s, REG_MR0 + 1, 222);
    do_send(s, ep_cap(ep, 7, ALL), true, false);
    assert_int_equal(s->state, ThreadState_BlockedOnSend);
    assert_ptr_equal(ep->head, s);
    assert_int_equal(s->blocking_badge, 7);

    receive_ipc(r, ep_cap(ep, 0, ALL), true, cap_null());
    assert_int_equal(s->state, ThreadState_Running);
    assert_int_equal(r->state, ThreadState_Running);
    assert_null(ep->head);
    assert_int_equal(get_reg(r, REG_BADGE), 7);
    assert_int_equal(got_label(r), 0x42);
    assert_int_equal(got_length(r), 2);
    assert_int_equal(get_reg(r, REG_MR0), 111);
    assert_int_equal(get_reg(r, REG_MR0 + 1), 222);
}

static void test_receive_then_send(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *s = new_thread("sender", 10), *r = new_thread("receiver", 10);

    receive_ipc(r, ep_cap(ep, 0, ALL), true, cap_null());
    assert_int_equal(r->state, ThreadState_BlockedOnReceive);
    assert_ptr_equal(ep->head, r);

    set_msg(s, 5, 0, 1);
    set_reg(s, REG_MR0, 99);
    do_send(s, ep_cap(ep, 0x1234, ALL), true, false);
    assert_int_equal(s->state, ThreadState_Running);
    assert_int_equal(r->state, ThreadState_Running);
    assert_int_equal(get_reg(r, REG_BADGE), 0x1234);
    assert_int_equal(got_label(r), 5);
    assert_int_equal(get_reg(r, REG_MR0), 99);
    assert_null(ep->head);
    assert_null(ep->tail);
}

static void test_nbsend_without_receiver_drops(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *s = new_thread("sender", 10);

    do_send(s, ep_cap(ep, 0, ALL), false, false);
    assert_int_equal(s->state, ThreadState_Running);
    assert_null(ep->head);
}

static void test_nbrecv_with_nothing_writes_only_x0(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *r = new_thread("receiver", 10);

    set_reg(r, REG_BADGE, 77);
    set_reg(r, REG_MSGINFO, 0xabc);
    receive_ipc(r, ep_cap(ep, 0, ALL), false, cap_null());
    assert_int_equal(r->state, ThreadState_Running);
    assert_int_equal(get_reg(r, REG_BADGE), 0);
    assert_int_equal(get_reg(r, REG_MSGINFO), 0xabc);
    assert_null(ep->head);
}

/* ---- Call and reply ------------------------------------------------------------------------ */

static void test_call_and_reply(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *client = new_thread("client", 10), *server = new_thread("server", 10);

    receive_ipc(server, ep_cap(ep, 0, ALL), true, reply_cap(reply, true));
    assert_ptr_equal(reply->receiver, server);
    assert_ptr_equal(server->reply, reply);

    set_msg(client, 1, 0, 1);
    set_reg(client, REG_MR0, 10);
    do_send(client, ep_cap(ep, 3, ALL), true, true);
    assert_int_equal(client->state, ThreadState_BlockedOnReply);
    assert_ptr_equal(reply->caller, client);
    assert_ptr_equal(client->reply, reply);
    assert_null(reply->receiver);
    assert_null(server->reply);
    assert_int_equal(server->state, ThreadState_Running);
    assert_int_equal(get_reg(server, REG_BADGE), 3);
    assert_int_equal(get_reg(server, REG_MR0), 10);

    set_msg(server, 0, 0, 1);
    set_reg(server, REG_MR0, 20);
    do_reply_transfer(server, reply, true);
    assert_int_equal(client->state, ThreadState_Running);
    assert_int_equal(get_reg(client, REG_BADGE), 0);
    assert_int_equal(got_label(client), 0);
    assert_int_equal(got_length(client), 1);
    assert_int_equal(get_reg(client, REG_MR0), 20);
    assert_null(reply->caller);
    assert_null(client->reply);

    /* Replying again: nobody waits, nothing happens. */
    set_reg(client, REG_MR0, 1);
    do_reply_transfer(server, reply, true);
    assert_int_equal(get_reg(client, REG_MR0), 1);
}

static void test_call_to_waiting_sender_side(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *client = new_thread("client", 10), *server = new_thread("server", 10);

    do_send(client, ep_cap(ep, 9, ALL), true, true);
    assert_int_equal(client->state, ThreadState_BlockedOnSend);
    assert_true(client->blocking_is_call);

    receive_ipc(server, ep_cap(ep, 0, ALL), true, reply_cap(reply, true));
    assert_int_equal(client->state, ThreadState_BlockedOnReply);
    assert_ptr_equal(reply->caller, client);
    assert_int_equal(get_reg(server, REG_BADGE), 9);
}

static void test_call_without_reply_object_leaves_caller_inactive(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *client = new_thread("client", 10), *server = new_thread("server", 10);

    receive_ipc(server, ep_cap(ep, 0, ALL), true, cap_null());      /* Wait */
    do_send(client, ep_cap(ep, 0, ALL), true, true);
    assert_int_equal(client->state, ThreadState_Inactive);
    assert_int_equal(server->state, ThreadState_Running);

    /* Same when the Call was queued first. */
    client->state = ThreadState_Running;
    do_send(client, ep_cap(ep, 0, ALL), true, true);
    receive_ipc(server, ep_cap(ep, 0, ALL), true, cap_null());
    assert_int_equal(client->state, ThreadState_Inactive);
}

static void test_call_without_grant_rights_leaves_caller_inactive(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *client = new_thread("client", 10), *server = new_thread("server", 10);

    receive_ipc(server, ep_cap(ep, 0, ALL), true, reply_cap(reply, true));
    do_send(client, ep_cap(ep, 0, NO_GRANT), true, true);
    assert_int_equal(client->state, ThreadState_Inactive);
    assert_null(reply->caller);
    assert_null(reply->receiver);

    /* GrantReply alone is enough for the reply path. */
    client->state = ThreadState_Running;
    receive_ipc(server, ep_cap(ep, 0, ALL), true, reply_cap(reply, true));
    do_send(client, ep_cap(ep, 0, NO_GRANT | RIGHT_GRANT_REPLY), true, true);
    assert_int_equal(client->state, ThreadState_BlockedOnReply);
}

static void test_recv_with_busy_reply_aborts_old_caller(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *c1 = new_thread("c1", 10), *server = new_thread("server", 10);

    receive_ipc(server, ep_cap(ep, 0, ALL), true, reply_cap(reply, true));
    do_send(c1, ep_cap(ep, 0, ALL), true, true);
    assert_int_equal(c1->state, ThreadState_BlockedOnReply);

    /* The server receives again with the same, unanswered reply object. */
    receive_ipc(server, ep_cap(ep, 0, ALL), true, reply_cap(reply, true));
    assert_int_equal(c1->state, ThreadState_Inactive);
    assert_null(c1->reply);
    assert_ptr_equal(reply->receiver, server);
    assert_int_equal(server->state, ThreadState_BlockedOnReceive);
}

/* ---- message lengths ----------------------------------------------------------------------- */

static void test_long_message_with_buffers(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *s = new_thread("s", 10), *r = new_thread("r", 10);
    word_t *sb = give_ipc_buffer(s), *rb = give_ipc_buffer(r);

    fill_mrs(s, sb, 120, 1000);
    set_msg(s, 1, 0, 120);
    receive_ipc(r, ep_cap(ep, 0, ALL), true, cap_null());
    do_send(s, ep_cap(ep, 0, ALL), true, false);
    assert_int_equal(got_length(r), 120);
    for (word_t i = 0; i < 120; i++)
        assert_int_equal(get_mr(r, rb, i), 1000 + i);
    assert_int_equal(rb[KEEL_IPCBUF_USER_DATA], 0);   /* nothing beyond msg[] */
}

static void test_length_above_max_is_clamped(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *s = new_thread("s", 10), *r = new_thread("r", 10);
    word_t *sb = give_ipc_buffer(s), *rb = give_ipc_buffer(r);

    fill_mrs(s, sb, 120, 1);
    sb[KEEL_IPCBUF_USER_DATA] = 0xdead;
    set_msg(s, 1, 0, 127);
    receive_ipc(r, ep_cap(ep, 0, ALL), true, cap_null());
    do_send(s, ep_cap(ep, 0, ALL), true, false);
    assert_int_equal(got_length(r), 120);
    assert_int_equal(rb[KEEL_IPCBUF_USER_DATA], 0);
}

static void test_receiver_without_buffer_gets_four(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *s = new_thread("s", 10), *r = new_thread("r", 10);
    word_t *sb = give_ipc_buffer(s);

    fill_mrs(s, sb, 10, 50);
    set_msg(s, 1, 0, 10);
    receive_ipc(r, ep_cap(ep, 0, ALL), true, cap_null());
    do_send(s, ep_cap(ep, 0, ALL), true, false);
    assert_int_equal(got_length(r), 4);
    for (word_t i = 0; i < 4; i++)
        assert_int_equal(get_reg(r, REG_MR0 + i), 50 + i);
}

static void test_sender_without_buffer_sends_four(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *s = new_thread("s", 10), *r = new_thread("r", 10);
    word_t *rb = give_ipc_buffer(r);

    rb[KEEL_IPCBUF_MSG + 5] = 0x5555;
    set_msg(s, 1, 0, 8);
    set_reg(s, REG_MR0 + 3, 33);
    receive_ipc(r, ep_cap(ep, 0, ALL), true, cap_null());
    do_send(s, ep_cap(ep, 0, ALL), true, false);
    assert_int_equal(got_length(r), 4);
    assert_int_equal(get_reg(r, REG_MR0 + 3), 33);
    assert_int_equal(rb[KEEL_IPCBUF_MSG + 5], 0x5555);    /* untouched */
}

static void test_short_message_copies_only_length(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *s = new_thread("s", 10), *r = new_thread("r", 10);

    set_reg(s, REG_MR0, 1);
    set_reg(s, REG_MR0 + 1, 2);
    set_reg(r, REG_MR0 + 1, 0x77);
    set_msg(s, 1, 0, 1);
    receive_ipc(r, ep_cap(ep, 0, ALL), true, cap_null());
    do_send(s, ep_cap(ep, 0, ALL), true, false);
    assert_int_equal(got_length(r), 1);
    assert_int_equal(get_reg(r, REG_MR0), 1);
    assert_int_equal(get_reg(r, REG_MR0 + 1), 0x77);
}

/* ---- cap transfer ---------------------------------------------------------------------------- */

#define RECV_SLOT 20

/* s holds caps in its slots 1..; r receives into its slot RECV_SLOT. */
static void setup_cap_transfer(tcb_t *s, tcb_t *r, word_t *sb, word_t *rb, word_t ncaps)
{
    (void)s;
    (void)r;
    for (word_t i = 0; i < ncaps; i++)
        sb[KEEL_IPCBUF_CAPS_OR_BADGES + i] = 1 + i;
    rb[KEEL_IPCBUF_RECEIVE_CNODE] = 2;            /* r's slot 2 holds its own CNode cap */
    rb[KEEL_IPCBUF_RECEIVE_INDEX] = RECV_SLOT;
    rb[KEEL_IPCBUF_RECEIVE_DEPTH] = 64;
    cspace_slot(r, 2)->cap = tcb_slot(r, TCB_CTABLE)->cap;
}

static void test_cap_transfer_with_grant(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint(), *other = new_endpoint();
    tcb_t *s = new_thread("s", 10), *r = new_thread("r", 10);
    word_t *sb = give_ipc_buffer(s), *rb = give_ipc_buffer(r);
    cap_t sent = ep_cap(other, 0x99, RIGHT_WRITE);

    cspace_slot(s, 1)->cap = sent;
    setup_cap_transfer(s, r, sb, rb, 1);
    set_msg(s, 1, 1, 0);
    receive_ipc(r, ep_cap(ep, 0, RIGHT_READ), true, cap_null());
    do_send(s, ep_cap(ep, 0, ALL), true, false);
    assert_int_equal(got_extra(r), 1);
    assert_int_equal(got_unwrapped(r), 0);
    assert_memory_equal(&cspace_slot(r, RECV_SLOT)->cap, &sent, sizeof(cap_t));
}

static void test_cap_transfer_without_grant(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint(), *other = new_endpoint();
    tcb_t *s = new_thread("s", 10), *r = new_thread("r", 10);
    word_t *sb = give_ipc_buffer(s), *rb = give_ipc_buffer(r);

    cspace_slot(s, 1)->cap = ep_cap(other, 0, ALL);
    setup_cap_transfer(s, r, sb, rb, 1);
    set_msg(s, 1, 1, 0);
    receive_ipc(r, ep_cap(ep, 0, ALL), true, cap_null());
    do_send(s, ep_cap(ep, 0, NO_GRANT | RIGHT_GRANT_REPLY), true, false);
    assert_int_equal(got_extra(r), 0);
    assert_true(cap_is_null(cspace_slot(r, RECV_SLOT)->cap));
}

static void test_unwrap_cap_to_same_endpoint(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint(), *other = new_endpoint();
    tcb_t *s = new_thread("s", 10), *r = new_thread("r", 10);
    word_t *sb = give_ipc_buffer(s), *rb = give_ipc_buffer(r);

    cspace_slot(s, 1)->cap = ep_cap(ep, 0x5a5a, RIGHT_WRITE);      /* unwrapped */
    cspace_slot(s, 2)->cap = ep_cap(other, 1, ALL);                /* copied */
    cspace_slot(s, 3)->cap = ep_cap(ep, 0x77, RIGHT_WRITE);        /* unwrapped */
    setup_cap_transfer(s, r, sb, rb, 3);
    set_msg(s, 1, 3, 0);
    receive_ipc(r, ep_cap(ep, 0, ALL), true, cap_null());
    do_send(s, ep_cap(ep, 0, ALL), true, false);
    assert_int_equal(got_extra(r), 3);
    assert_int_equal(got_unwrapped(r), 0x5);
    assert_int_equal(rb[KEEL_IPCBUF_CAPS_OR_BADGES + 0], 0x5a5a);
    assert_int_equal(rb[KEEL_IPCBUF_CAPS_OR_BADGES + 2], 0x77);
    assert_int_equal(cap_type(cspace_slot(r, RECV_SLOT)->cap), cap_endpoint_cap);
    assert_ptr_equal(cap_ptr(cspace_slot(r, RECV_SLOT)->cap), other);
}

static void test_only_one_cap_is_copied(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint(), *a = new_endpoint(), *b = new_endpoint();
    tcb_t *s = new_thread("s", 10), *r = new_thread("r", 10);
    word_t *sb = give_ipc_buffer(s), *rb = give_ipc_buffer(r);

    cspace_slot(s, 1)->cap = ep_cap(a, 0, ALL);
    cspace_slot(s, 2)->cap = ep_cap(b, 0, ALL);
    setup_cap_transfer(s, r, sb, rb, 2);
    set_msg(s, 1, 2, 0);
    receive_ipc(r, ep_cap(ep, 0, ALL), true, cap_null());
    do_send(s, ep_cap(ep, 0, ALL), true, false);
    assert_int_equal(got_extra(r), 1);
    assert_ptr_equal(cap_ptr(cspace_slot(r, RECV_SLOT)->cap), a);
}

static void test_occupied_receive_slot_stops_transfer(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint(), *a = new_endpoint(), *busy = new_endpoint();
    tcb_t *s = new_thread("s", 10), *r = new_thread("r", 10);
    word_t *sb = give_ipc_buffer(s), *rb = give_ipc_buffer(r);

    cspace_slot(s, 1)->cap = ep_cap(a, 0, ALL);
    cspace_slot(s, 2)->cap = ep_cap(ep, 4, ALL);                   /* would be unwrapped */
    setup_cap_transfer(s, r, sb, rb, 2);
    cspace_slot(r, RECV_SLOT)->cap = ep_cap(busy, 0, ALL);
    set_msg(s, 1, 2, 0);
    receive_ipc(r, ep_cap(ep, 0, ALL), true, cap_null());
    do_send(s, ep_cap(ep, 0, ALL), true, false);
    assert_int_equal(got_extra(r), 0);                 /* processing stops at the first */
    assert_int_equal(got_unwrapped(r), 0);
    assert_ptr_equal(cap_ptr(cspace_slot(r, RECV_SLOT)->cap), busy);
}

static void test_failed_extra_cap_lookup_sends_no_caps(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *s = new_thread("s", 10), *r = new_thread("r", 10);
    word_t *sb = give_ipc_buffer(s), *rb = give_ipc_buffer(r);

    cspace_slot(s, 1)->cap = ep_cap(ep, 4, ALL);
    setup_cap_transfer(s, r, sb, rb, 2);
    sb[KEEL_IPCBUF_CAPS_OR_BADGES + 1] = 0x12345;      /* guard mismatch: does not resolve */
    set_msg(s, 1, 2, 1);
    set_reg(s, REG_MR0, 8);
    receive_ipc(r, ep_cap(ep, 0, ALL), true, cap_null());
    do_send(s, ep_cap(ep, 0, ALL), true, false);
    assert_int_equal(got_extra(r), 0);
    assert_int_equal(got_length(r), 1);                /* the message itself arrives */
    assert_int_equal(get_reg(r, REG_MR0), 8);
}

static void test_receiver_without_buffer_gets_no_caps(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *s = new_thread("s", 10), *r = new_thread("r", 10);
    word_t *sb = give_ipc_buffer(s);

    cspace_slot(s, 1)->cap = ep_cap(ep, 4, ALL);
    sb[KEEL_IPCBUF_CAPS_OR_BADGES] = 1;
    set_msg(s, 1, 1, 0);
    receive_ipc(r, ep_cap(ep, 0, ALL), true, cap_null());
    do_send(s, ep_cap(ep, 0, ALL), true, false);
    assert_int_equal(got_extra(r), 0);
    assert_int_equal(got_unwrapped(r), 0);
}

static void test_reply_carries_caps_only_with_grant(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint(), *other = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *client = new_thread("client", 10), *server = new_thread("server", 10);
    word_t *sb = give_ipc_buffer(server), *cb = give_ipc_buffer(client);

    cspace_slot(server, 1)->cap = ep_cap(other, 0, ALL);
    setup_cap_transfer(server, client, sb, cb, 1);
    receive_ipc(server, ep_cap(ep, 0, ALL), true, reply_cap(reply, false));
    do_send(client, ep_cap(ep, 0, ALL), true, true);
    set_msg(server, 0, 1, 0);
    do_reply_transfer(server, reply, false);
    assert_int_equal(client->state, ThreadState_Running);
    assert_int_equal(got_extra(client), 0);
    assert_true(cap_is_null(cspace_slot(client, RECV_SLOT)->cap));

    client->state = ThreadState_Running;
    receive_ipc(server, ep_cap(ep, 0, ALL), true, reply_cap(reply, true));
    do_send(client, ep_cap(ep, 0, ALL), true, true);
    set_msg(server, 0, 1, 0);
    do_reply_transfer(server, reply, true);
    assert_int_equal(got_extra(client), 1);
    assert_ptr_equal(cap_ptr(cspace_slot(client, RECV_SLOT)->cap), other);
}

/* ---- queues -------------------------------------------------------------------------------- */

static void test_queue_order_by_priority_fifo_among_equals(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *a = new_thread("a", 10), *b = new_thread("b", 50), *c = new_thread("c", 50);
    tcb_t *d = new_thread("d", 30), *r = new_thread("r", 1);
    tcb_t *order[] = { b, c, d, a };

    do_send(a, ep_cap(ep, 1, ALL), true, false);
    do_send(b, ep_cap(ep, 2, ALL), true, false);
    do_send(c, ep_cap(ep, 3, ALL), true, false);
    do_send(d, ep_cap(ep, 4, ALL), true, false);
    assert_ptr_equal(ep->head, b);
    assert_ptr_equal(ep->tail, a);
    for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
        receive_ipc(r, ep_cap(ep, 0, ALL), true, cap_null());
        assert_int_equal(get_reg(r, REG_BADGE), order[i]->blocking_badge);
        assert_int_equal(order[i]->state, ThreadState_Running);
    }
    assert_null(ep->head);
}

static void test_reorder_after_priority_change(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *a = new_thread("a", 10), *b = new_thread("b", 20), *c = new_thread("c", 30);

    receive_ipc(a, ep_cap(ep, 0, ALL), true, cap_null());
    receive_ipc(b, ep_cap(ep, 0, ALL), true, cap_null());
    receive_ipc(c, ep_cap(ep, 0, ALL), true, cap_null());
    assert_ptr_equal(ep->head, c);
    a->priority = 100;
    ipc_reorder_waiter(a);
    assert_ptr_equal(ep->head, a);
    assert_ptr_equal(a->ep_next, c);
    assert_ptr_equal(ep->tail, b);
    assert_ptr_equal(b->ep_prev, c);
}

/* ---- cancellation ----------------------------------------------------------------------------- */

static void test_cancel_ipc_dequeues(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *a = new_thread("a", 10), *b = new_thread("b", 10);

    receive_ipc(a, ep_cap(ep, 0, ALL), true, reply_cap(reply, true));
    receive_ipc(b, ep_cap(ep, 0, ALL), true, cap_null());
    cancel_ipc(a);
    assert_int_equal(a->state, ThreadState_Inactive);
    assert_null(reply->receiver);
    assert_null(a->reply);
    assert_ptr_equal(ep->head, b);
    assert_ptr_equal(ep->tail, b);
    cancel_ipc(b);
    assert_null(ep->head);
    assert_null(ep->tail);
}

static void test_endpoint_deleted_waiters_restart(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *a = new_thread("a", 10), *b = new_thread("b", 20);

    receive_ipc(a, ep_cap(ep, 0, ALL), true, reply_cap(reply, true));
    receive_ipc(b, ep_cap(ep, 0, ALL), true, cap_null());
    endpoint_cancel_all(ep);
    assert_int_equal(a->state, ThreadState_Restart);
    assert_int_equal(b->state, ThreadState_Restart);
    assert_null(ep->head);
    assert_null(reply->receiver);
    assert_null(a->reply);
    assert_null(a->ep_next);
}

static void test_endpoint_deleted_faulted_sender_inactive(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *a = new_thread("a", 10);

    tcb_slot(a, TCB_FAULT_HANDLER)->cap = ep_cap(ep, 0, ALL);
    set_cap_fault(a, 5, false);
    handle_fault(a);
    assert_int_equal(a->state, ThreadState_BlockedOnSend);
    endpoint_cancel_all(ep);
    assert_int_equal(a->state, ThreadState_Inactive);
}

static void test_cancel_badged_sends(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *a = new_thread("a", 10), *b = new_thread("b", 10), *c = new_thread("c", 10);

    do_send(a, ep_cap(ep, 1, ALL), true, false);
    do_send(b, ep_cap(ep, 2, ALL), true, false);
    do_send(c, ep_cap(ep, 1, ALL), true, false);
    endpoint_cancel_badged_sends(ep, 1);
    assert_int_equal(a->state, ThreadState_Restart);
    assert_int_equal(c->state, ThreadState_Restart);
    assert_int_equal(b->state, ThreadState_BlockedOnSend);
    assert_ptr_equal(ep->head, b);
    assert_ptr_equal(ep->tail, b);
    endpoint_cancel_badged_sends(ep, 2);
    assert_null(ep->head);
}

static void test_reply_object_deleted_while_caller_waits(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *client = new_thread("client", 10), *server = new_thread("server", 10);

    receive_ipc(server, ep_cap(ep, 0, ALL), true, reply_cap(reply, true));
    do_send(client, ep_cap(ep, 0, ALL), true, true);
    reply_finalise(reply);
    assert_int_equal(client->state, ThreadState_Inactive);
    assert_null(client->reply);
    assert_null(reply->caller);
}

static void test_reply_object_deleted_while_server_waits(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *server = new_thread("server", 10);

    receive_ipc(server, ep_cap(ep, 0, ALL), true, reply_cap(reply, true));
    reply_finalise(reply);
    assert_int_equal(server->state, ThreadState_Inactive);
    assert_null(ep->head);
    assert_null(reply->receiver);
}

/* ---- scheduling-context donation -------------------------------------------------------------- */

/* A client with its own SC calls a passive server (no SC). */
static void passive_call(tcb_t *client, tcb_t *server, endpoint_t *ep, reply_t *reply)
{
    receive_ipc(server, ep_cap(ep, 0, ALL), true, reply_cap(reply, true));
    do_send(client, ep_cap(ep, 0, ALL), true, true);
}

static void test_call_donates_sc_to_passive_server(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *client = new_thread("client", 10), *server = new_thread("server", 10);
    sched_context_t *sc = new_sc();

    sched_context_bind_tcb(sc, client);
    passive_call(client, server, ep, reply);
    assert_ptr_equal(server->sc, sc);
    assert_null(client->sc);
    assert_ptr_equal(sc->reply, reply);
    assert_true(reply_next_is_sc(reply));
    assert_ptr_equal(reply_next_sc(reply), sc);

    set_msg(server, 0, 0, 0);
    do_reply_transfer(server, reply, true);
    assert_ptr_equal(client->sc, sc);
    assert_null(server->sc);
    assert_null(sc->reply);
    assert_int_equal(reply->next, 0);
    assert_int_equal(client->state, ThreadState_Running);
}

static void test_nested_calls_build_call_stack(void **state)
{
    (void)state;
    endpoint_t *ep1 = new_endpoint(), *ep2 = new_endpoint();
    reply_t *r1 = new_reply(), *r2 = new_reply();
    tcb_t *client = new_thread("client", 10), *s1 = new_thread("s1", 10), *s2 = new_thread("s2", 10);
    sched_context_t *sc = new_sc();

    sched_context_bind_tcb(sc, client);
    passive_call(client, s1, ep1, r1);
    passive_call(s1, s2, ep2, r2);
    assert_ptr_equal(s2->sc, sc);
    assert_ptr_equal(sc->reply, r2);
    assert_ptr_equal(r2->prev, r1);
    assert_ptr_equal(reply_next_reply(r1), r2);

    do_reply_transfer(s2, r2, true);
    assert_ptr_equal(s1->sc, sc);
    assert_ptr_equal(sc->reply, r1);
    assert_true(reply_next_is_sc(r1));
    do_reply_transfer(s1, r1, true);
    assert_ptr_equal(client->sc, sc);
    assert_null(sc->reply);
}

static void test_cancelled_caller_leaves_sc_with_server(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *client = new_thread("client", 10), *server = new_thread("server", 10);
    sched_context_t *sc = new_sc();

    sched_context_bind_tcb(sc, client);
    passive_call(client, server, ep, reply);
    cancel_ipc(client);                                  /* e.g. the client is suspended */
    assert_int_equal(client->state, ThreadState_Inactive);
    assert_ptr_equal(server->sc, sc);
    assert_null(sc->reply);
    assert_null(reply->caller);
    assert_int_equal(reply->next, 0);
}

static void test_deleted_reply_returns_sc(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *client = new_thread("client", 10), *server = new_thread("server", 10);
    sched_context_t *sc = new_sc();

    sched_context_bind_tcb(sc, client);
    passive_call(client, server, ep, reply);
    reply_finalise(reply);
    assert_ptr_equal(client->sc, sc);
    assert_null(server->sc);
    assert_int_equal(client->state, ThreadState_Inactive);
}

static void test_no_donation_to_server_with_sc(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *client = new_thread("client", 10), *server = new_thread("server", 10);
    sched_context_t *csc = new_sc(), *ssc = new_sc();

    sched_context_bind_tcb(csc, client);
    sched_context_bind_tcb(ssc, server);
    passive_call(client, server, ep, reply);
    assert_ptr_equal(client->sc, csc);
    assert_ptr_equal(server->sc, ssc);
    assert_int_equal(reply->next, 0);
    do_reply_transfer(server, reply, true);
    assert_int_equal(client->state, ThreadState_Running);
    assert_ptr_equal(server->sc, ssc);
}

/* ---- bound notifications -------------------------------------------------------------------- */

static void test_receive_takes_pending_bound_signal(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    notification_t *n = new_notification();
    tcb_t *t = new_thread("t", 10);

    bind_notification(t, n);
    send_signal(n, 0x10);
    set_reg(t, REG_MSGINFO, 0x999);
    receive_ipc(t, ep_cap(ep, 0, ALL), true, cap_null());
    assert_int_equal(t->state, ThreadState_Running);
    assert_int_equal(get_reg(t, REG_BADGE), 0x10);
    assert_int_equal(get_reg(t, REG_MSGINFO), 0x999);   /* only x0 is written */
    assert_int_equal(n->state, NtfnState_Idle);
    assert_null(ep->head);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_send_then_receive, reset_arena),
        cmocka_unit_test_setup(test_receive_then_send, reset_arena),
        cmocka_unit_test_setup(test_nbsend_without_receiver_drops, reset_arena),
        cmocka_unit_test_setup(test_nbrecv_with_nothing_writes_only_x0, reset_arena),
        cmocka_unit_test_setup(test_call_and_reply, reset_arena),
        cmocka_unit_test_setup(test_call_to_waiting_sender_side, reset_arena),
        cmocka_unit_test_setup(test_call_without_reply_object_leaves_caller_inactive, reset_arena),
        cmocka_unit_test_setup(test_call_without_grant_rights_leaves_caller_inactive, reset_arena),
        cmocka_unit_test_setup(test_recv_with_busy_reply_aborts_old_caller, reset_arena),
        cmocka_unit_test_setup(test_long_message_with_buffers, reset_arena),
        cmocka_unit_test_setup(test_length_above_max_is_clamped, reset_arena),
        cmocka_unit_test_setup(test_receiver_without_buffer_gets_four, reset_arena),
        cmocka_unit_test_setup(test_sender_without_buffer_sends_four, reset_arena),
        cmocka_unit_test_setup(test_short_message_copies_only_length, reset_arena),
        cmocka_unit_test_setup(test_cap_transfer_with_grant, reset_arena),
        cmocka_unit_test_setup(test_cap_transfer_without_grant, reset_arena),
        cmocka_unit_test_setup(test_unwrap_cap_to_same_endpoint, reset_arena),
        cmocka_unit_test_setup(test_only_one_cap_is_copied, reset_arena),
        cmocka_unit_test_setup(test_occupied_receive_slot_stops_transfer, reset_arena),
        cmocka_unit_test_setup(test_failed_extra_cap_lookup_sends_no_caps, reset_arena),
        cmocka_unit_test_setup(test_receiver_without_buffer_gets_no_caps, reset_arena),
        cmocka_unit_test_setup(test_reply_carries_caps_only_with_grant, reset_arena),
        cmocka_unit_test_setup(test_queue_order_by_priority_fifo_among_equals, reset_arena),
        cmocka_unit_test_setup(test_reorder_after_priority_change, reset_arena),
        cmocka_unit_test_setup(test_cancel_ipc_dequeues, reset_arena),
        cmocka_unit_test_setup(test_endpoint_deleted_waiters_restart, reset_arena),
        cmocka_unit_test_setup(test_endpoint_deleted_faulted_sender_inactive, reset_arena),
        cmocka_unit_test_setup(test_cancel_badged_sends, reset_arena),
        cmocka_unit_test_setup(test_reply_object_deleted_while_caller_waits, reset_arena),
        cmocka_unit_test_setup(test_reply_object_deleted_while_server_waits, reset_arena),
        cmocka_unit_test_setup(test_call_donates_sc_to_passive_server, reset_arena),
        cmocka_unit_test_setup(test_nested_calls_build_call_stack, reset_arena),
        cmocka_unit_test_setup(test_cancelled_caller_leaves_sc_with_server, reset_arena),
        cmocka_unit_test_setup(test_deleted_reply_returns_sc, reset_arena),
        cmocka_unit_test_setup(test_no_donation_to_server_with_sc, reset_arena),
        cmocka_unit_test_setup(test_receive_takes_pending_bound_signal, reset_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
