/*
 * Host tests of faults (api/faults.c): the message layouts of ABI (f) word by word,
 * delivery to a fault handler, the thread without a handler, and applying the handler's
 * reply ("Replying to a fault").
 */
#include "ipc_test_util.h"

#define FAULT_IP 0x400100ull
#define HANDLER_BADGE 0xfa17ull

/* A faulting thread whose registers hold recognisable values: x_i = 0x100 + i. */
static tcb_t *new_faulter(void)
{
    tcb_t *t = new_thread("faulter", 10);

    for (word_t i = 0; i <= 30; i++)
        set_reg(t, REG_X0 + i, 0x100 + i);
    set_reg(t, REG_SP, 0x7fff0000);
    set_reg(t, REG_PC, FAULT_IP + 4);
    set_reg(t, REG_SPSR, 0x60000040);
    set_reg(t, REG_FAULT_IP, FAULT_IP);
    return t;
}

/* A handler waiting with a reply object on ep; t's fault handler is a badged cap to ep. */
static tcb_t *new_handler(tcb_t *t, endpoint_t *ep, reply_t *reply, bool with_buffer)
{
    tcb_t *h = new_thread("handler", 100);

    if (with_buffer)
        give_ipc_buffer(h);
    tcb_slot(t, TCB_FAULT_HANDLER)->cap = ep_cap(ep, HANDLER_BADGE, RIGHT_WRITE | RIGHT_GRANT);
    receive_ipc(h, ep_cap(ep, 0, RIGHTS_ALL), true, reply ? reply_cap(reply, true) : cap_null());
    return h;
}

static word_t mr(tcb_t *t, word_t i)
{
    return get_mr(t, lookup_ipc_buffer(t, true), i);
}

/* ---- message layouts ------------------------------------------------------------------- */

static void test_cap_fault_invalid_root(void **state)
{
    (void)state;
    tcb_t *t = new_faulter();
    word_t msg[FAULT_MSG_MAX_WORDS];

    set_cap_fault(t, 0x55, true);
    t->lookup_failure = (lookup_fault_t){ .type = seL4_InvalidRoot };
    assert_int_equal(t->fault.type, seL4_Fault_CapFault);
    assert_int_equal(fault_message(t, msg), 4);
    assert_int_equal(msg[seL4_CapFault_IP], FAULT_IP);
    assert_int_equal(msg[seL4_CapFault_Addr], 0x55);
    assert_int_equal(msg[seL4_CapFault_InRecvPhase], 1);
    assert_int_equal(msg[seL4_CapFault_LookupFailureType], seL4_InvalidRoot);

    /* A failure that was never recorded reads as InvalidRoot. */
    t->lookup_failure = (lookup_fault_t){ 0 };
    assert_int_equal(fault_message(t, msg), 4);
    assert_int_equal(msg[3], 1);
}

static void test_cap_fault_lookup_details(void **state)
{
    (void)state;
    tcb_t *t = new_faulter();
    word_t msg[FAULT_MSG_MAX_WORDS];

    set_cap_fault(t, 0x1000, false);
    t->lookup_failure = (lookup_fault_t){ .type = seL4_MissingCapability, .bits_left = 12 };
    assert_int_equal(fault_message(t, msg), 5);
    assert_int_equal(msg[seL4_CapFault_InRecvPhase], 0);
    assert_int_equal(msg[seL4_CapFault_LookupFailureType], seL4_MissingCapability);
    assert_int_equal(msg[seL4_CapFault_BitsLeft], 12);

    t->lookup_failure = (lookup_fault_t){ .type = seL4_DepthMismatch, .bits_left = 40, .bits_found = 13 };
    assert_int_equal(fault_message(t, msg), 6);
    assert_int_equal(msg[3], seL4_DepthMismatch);
    assert_int_equal(msg[seL4_CapFault_BitsLeft], 40);
    assert_int_equal(msg[seL4_CapFault_DepthMismatch_BitsFound], 13);

    t->lookup_failure = (lookup_fault_t){ .type = seL4_GuardMismatch, .bits_left = 64,
                                          .guard_found = 0x3, .bits_found = 51 };
    assert_int_equal(fault_message(t, msg), 7);
    assert_int_equal(msg[3], seL4_GuardMismatch);
    assert_int_equal(msg[seL4_CapFault_BitsLeft], 64);
    assert_int_equal(msg[seL4_CapFault_GuardMismatch_GuardFound], 0x3);
    assert_int_equal(msg[seL4_CapFault_GuardMismatch_BitsFound], 51);
}

static void test_unknown_syscall_layout(void **state)
{
    (void)state;
    tcb_t *t = new_faulter();
    word_t msg[FAULT_MSG_MAX_WORDS];

    t->fault = (fault_t){ .type = seL4_Fault_UnknownSyscall, .w = { (word_t)-40 } };
    assert_int_equal(fault_message(t, msg), 13);
    for (word_t i = 0; i <= 7; i++)
        assert_int_equal(msg[seL4_UnknownSyscall_X0 + i], 0x100 + i);
    assert_int_equal(msg[seL4_UnknownSyscall_FaultIP], FAULT_IP);
    assert_int_equal(msg[seL4_UnknownSyscall_SP], 0x7fff0000);
    assert_int_equal(msg[seL4_UnknownSyscall_LR], FAULT_IP + 4);
    assert_int_equal(msg[seL4_UnknownSyscall_SPSR], 0x60000040);
    assert_int_equal(msg[seL4_UnknownSyscall_Syscall], (word_t)-40);
}

static void test_user_exception_layout(void **state)
{
    (void)state;
    tcb_t *t = new_faulter();
    word_t msg[FAULT_MSG_MAX_WORDS];

    t->fault = (fault_t){ .type = seL4_Fault_UserException, .w = { 0x2000000, 0 } };
    assert_int_equal(fault_message(t, msg), 5);
    assert_int_equal(msg[seL4_UserException_FaultIP], FAULT_IP);
    assert_int_equal(msg[seL4_UserException_SP], 0x7fff0000);
    assert_int_equal(msg[seL4_UserException_SPSR], 0x60000040);
    assert_int_equal(msg[seL4_UserException_Number], 0x2000000);
    assert_int_equal(msg[seL4_UserException_Code], 0);
}

static void test_vm_fault_layout(void **state)
{
    (void)state;
    tcb_t *t = new_faulter();
    word_t msg[FAULT_MSG_MAX_WORDS];

    t->fault = (fault_t){ .type = seL4_Fault_VMFault, .w = { 0xdead000, 0, 0x92000047 } };
    assert_int_equal(fault_message(t, msg), 4);
    assert_int_equal(msg[seL4_VMFault_IP], FAULT_IP);
    assert_int_equal(msg[seL4_VMFault_Addr], 0xdead000);
    assert_int_equal(msg[seL4_VMFault_PrefetchFault], 0);
    assert_int_equal(msg[seL4_VMFault_FSR], 0x92000047);
}

static void test_timeout_layout(void **state)
{
    (void)state;
    tcb_t *t = new_faulter();
    sched_context_t *sc = new_sc();
    word_t msg[FAULT_MSG_MAX_WORDS];

    t->fault = (fault_t){ .type = seL4_Fault_Timeout, .w = { 0xbad9e } };
    assert_int_equal(fault_message(t, msg), 1);           /* no SC: badge only */
    assert_int_equal(msg[seL4_Timeout_Data], 0xbad9e);

    sched_context_bind_tcb(sc, t);
    sc->consumed = 62500 * 3;                               /* 3 ms of ticks */
    assert_int_equal(fault_message(t, msg), 2);
    assert_int_equal(msg[seL4_Timeout_Data], 0xbad9e);
    assert_int_equal(msg[seL4_Timeout_Consumed], 3000);
    assert_int_equal(sc->consumed, 0);                      /* the counter starts again */
}

/* ---- delivery ---------------------------------------------------------------------------- */

static void test_fault_delivered_to_waiting_handler(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *t = new_faulter();
    tcb_t *h = new_handler(t, ep, reply, true);

    t->fault = (fault_t){ .type = seL4_Fault_UnknownSyscall, .w = { 77 } };
    handle_fault(t);
    assert_int_equal(t->state, ThreadState_BlockedOnReply);
    assert_ptr_equal(reply->caller, t);
    assert_int_equal(h->state, ThreadState_Running);
    assert_int_equal(get_reg(h, REG_BADGE), HANDLER_BADGE);
    assert_int_equal(got_label(h), seL4_Fault_UnknownSyscall);
    assert_int_equal(got_length(h), 13);
    assert_int_equal(got_extra(h), 0);
    assert_int_equal(mr(h, 0), 0x100);
    assert_int_equal(mr(h, 8), FAULT_IP);
    assert_int_equal(mr(h, 12), 77);
}

static void test_fault_message_truncated_without_handler_buffer(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *t = new_faulter();
    tcb_t *h = new_handler(t, ep, reply, false);

    set_cap_fault(t, 0x9, false);
    t->lookup_failure = (lookup_fault_t){ .type = seL4_GuardMismatch, .bits_left = 64, .bits_found = 51 };
    handle_fault(t);
    assert_int_equal(got_label(h), seL4_Fault_CapFault);
    assert_int_equal(got_length(h), 4);
    assert_int_equal(get_reg(h, REG_MR0 + 3), seL4_GuardMismatch);
}

static void test_fault_queued_until_handler_receives(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *t = new_faulter();
    tcb_t *h = new_thread("handler", 100);

    give_ipc_buffer(h);
    tcb_slot(t, TCB_FAULT_HANDLER)->cap = ep_cap(ep, HANDLER_BADGE, RIGHT_WRITE | RIGHT_GRANT_REPLY);
    t->fault = (fault_t){ .type = seL4_Fault_VMFault, .w = { 0x1234, 1, 0x8200000f } };
    handle_fault(t);
    assert_int_equal(t->state, ThreadState_BlockedOnSend);
    assert_ptr_equal(ep->head, t);

    receive_ipc(h, ep_cap(ep, 0, RIGHTS_ALL), true, reply_cap(reply, true));
    assert_int_equal(t->state, ThreadState_BlockedOnReply);
    assert_int_equal(got_label(h), seL4_Fault_VMFault);
    assert_int_equal(got_length(h), 4);
    assert_int_equal(get_reg(h, REG_BADGE), HANDLER_BADGE);
    assert_int_equal(mr(h, seL4_VMFault_Addr), 0x1234);
    assert_int_equal(mr(h, seL4_VMFault_PrefetchFault), 1);
}

static void test_handler_without_reply_object_leaves_thread_inactive(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *t = new_faulter();
    tcb_t *h = new_handler(t, ep, NULL, true);             /* Wait, no reply object */

    t->fault = (fault_t){ .type = seL4_Fault_UserException, .w = { 0x1, 0 } };
    handle_fault(t);
    assert_int_equal(t->state, ThreadState_Inactive);
    assert_int_equal(got_label(h), seL4_Fault_UserException);
}

static void test_no_fault_handler_suspends_thread(void **state)
{
    (void)state;
    tcb_t *t = new_faulter();

    set_cap_fault(t, 0x42, false);
    t->lookup_failure = (lookup_fault_t){ .type = seL4_MissingCapability, .bits_left = 0 };
    handle_fault(t);            /* prints one "keel: thread 'faulter' cap fault ..." line */
    assert_int_equal(t->state, ThreadState_Inactive);

    t->state = ThreadState_Running;
    t->fault = (fault_t){ .type = seL4_Fault_VMFault, .w = { 0x0, 0, 0x92000006 } };
    handle_fault(t);
    assert_int_equal(t->state, ThreadState_Inactive);
}

static void test_fault_donates_sc_to_passive_handler(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *t = new_faulter();
    tcb_t *h = new_handler(t, ep, reply, true);
    sched_context_t *sc = new_sc();

    sched_context_bind_tcb(sc, t);
    t->fault = (fault_t){ .type = seL4_Fault_VMFault, .w = { 0x10, 0, 0 } };
    handle_fault(t);
    assert_ptr_equal(h->sc, sc);
    set_msg(h, 0, 0, 0);
    do_reply_transfer(h, reply, true);
    assert_ptr_equal(t->sc, sc);
    assert_int_equal(t->state, ThreadState_Restart);
}

static void test_timeout_goes_to_timeout_handler_without_donation(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint(), *tep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *t = new_faulter();
    tcb_t *th = new_thread("timeout handler", 100);
    sched_context_t *sc = new_sc();

    sched_context_bind_tcb(sc, t);
    sc->badge = 0x5c;
    tcb_slot(t, TCB_FAULT_HANDLER)->cap = ep_cap(ep, 1, RIGHTS_ALL);
    tcb_slot(t, TCB_TIMEOUT_HANDLER)->cap = ep_cap(tep, 2, RIGHTS_ALL);
    assert_true(valid_timeout_handler(t));
    receive_ipc(th, ep_cap(tep, 0, RIGHTS_ALL), true, reply_cap(reply, true));
    handle_timeout(t);
    assert_int_equal(t->state, ThreadState_BlockedOnReply);
    assert_ptr_equal(t->sc, sc);                           /* not donated */
    assert_null(th->sc);
    assert_int_equal(get_reg(th, REG_BADGE), 2);
    assert_int_equal(got_label(th), seL4_Fault_Timeout);
    assert_int_equal(got_length(th), 2);
    assert_int_equal(get_reg(th, REG_MR0), 0x5c);
    assert_null(ep->head);
}

/* ---- replies to faults -------------------------------------------------------------------- */

/* Deliver t's fault to h and return the reply object h answers through. */
static reply_t *fault_and_deliver(tcb_t *t, tcb_t **h, fault_t f)
{
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();

    *h = new_handler(t, ep, reply, true);
    t->fault = f;
    handle_fault(t);
    assert_int_equal(t->state, ThreadState_BlockedOnReply);
    return reply;
}

static void test_unknown_syscall_reply_label_zero_restarts(void **state)
{
    (void)state;
    tcb_t *t = new_faulter(), *h;
    reply_t *reply = fault_and_deliver(t, &h, (fault_t){ .type = seL4_Fault_UnknownSyscall, .w = { 9 } });
    word_t *hb = lookup_ipc_buffer(h, true);

    for (word_t i = 0; i < 12; i++)
        set_mr(h, hb, i, 0x900 + i);
    set_mr(h, hb, seL4_UnknownSyscall_FaultIP, FAULT_IP + 4);
    set_mr(h, hb, seL4_UnknownSyscall_SPSR, 0xffffffffffffffffull);
    set_msg(h, 0, 0, 12);
    do_reply_transfer(h, reply, true);

    assert_int_equal(t->state, ThreadState_Restart);
    assert_int_equal(t->fault.type, seL4_Fault_NullFault);
    for (word_t i = 0; i <= 7; i++)
        assert_int_equal(get_reg(t, REG_X0 + i), 0x900 + i);
    assert_int_equal(get_reg(t, 8), 0x108);                /* x8 is not part of the reply */
    assert_int_equal(get_reg(t, REG_FAULT_IP), FAULT_IP + 4);
    assert_int_equal(get_reg(t, REG_SP), 0x909);
    assert_int_equal(get_reg(t, REG_PC), 0x90a);
    assert_int_equal(get_reg(t, REG_SPSR), 0xf0000040);    /* sanitised */
    assert_null(reply->caller);
}

static void test_unknown_syscall_reply_short_and_nonzero_label(void **state)
{
    (void)state;
    tcb_t *t = new_faulter(), *h;
    reply_t *reply = fault_and_deliver(t, &h, (fault_t){ .type = seL4_Fault_UnknownSyscall, .w = { 9 } });

    set_reg(h, REG_MR0, 0xaaa);
    set_reg(h, REG_MR0 + 1, 0xbbb);
    set_msg(h, 1, 0, 1);                                   /* label 1: do not restart */
    do_reply_transfer(h, reply, true);
    assert_int_equal(t->state, ThreadState_Inactive);
    assert_int_equal(get_reg(t, 0), 0xaaa);
    assert_int_equal(get_reg(t, 1), 0x101);                /* beyond the reply's length */
}

static void test_user_exception_reply(void **state)
{
    (void)state;
    tcb_t *t = new_faulter(), *h;
    reply_t *reply = fault_and_deliver(t, &h, (fault_t){ .type = seL4_Fault_UserException, .w = { 1, 0 } });

    set_reg(h, REG_MR0, 0x500000);
    set_reg(h, REG_MR0 + 1, 0x600000);
    set_reg(h, REG_MR0 + 2, 0x3c5);
    set_reg(h, REG_MR0 + 3, 0x1234);                       /* ignored: only 3 words */
    set_msg(h, 0, 0, 4);
    do_reply_transfer(h, reply, true);
    assert_int_equal(t->state, ThreadState_Restart);
    assert_int_equal(get_reg(t, REG_FAULT_IP), 0x500000);
    assert_int_equal(get_reg(t, REG_SP), 0x600000);
    assert_int_equal(get_reg(t, REG_SPSR), 0x40);
    assert_int_equal(get_reg(t, 0), 0x100);
}

static void test_cap_and_vm_fault_replies_always_restart(void **state)
{
    (void)state;
    tcb_t *t = new_faulter(), *h;
    reply_t *reply = fault_and_deliver(t, &h, (fault_t){ .type = seL4_Fault_CapFault, .w = { 1, 0 } });

    set_reg(h, REG_MR0, 0x1);
    set_msg(h, 5, 0, 1);                                   /* label ignored */
    do_reply_transfer(h, reply, true);
    assert_int_equal(t->state, ThreadState_Restart);
    assert_int_equal(get_reg(t, 0), 0x100);                /* registers untouched */
    assert_int_equal(get_reg(t, REG_FAULT_IP), FAULT_IP);

    t = new_faulter();
    reply = fault_and_deliver(t, &h, (fault_t){ .type = seL4_Fault_VMFault, .w = { 0, 0, 0 } });
    set_msg(h, 3, 0, 0);
    do_reply_transfer(h, reply, true);
    assert_int_equal(t->state, ThreadState_Restart);
}

static void test_timeout_reply_register_order(void **state)
{
    (void)state;
    static const uint8_t order[34] = {
        REG_FAULT_IP, REG_SP, REG_SPSR, 0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 17, 18, 29, 30,
        9, 10, 11, 12, 13, 14, 15, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
    };
    endpoint_t *tep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *t = new_faulter(), *th = new_thread("timeout handler", 100);
    word_t *hb = give_ipc_buffer(th);

    tcb_slot(t, TCB_TIMEOUT_HANDLER)->cap = ep_cap(tep, 0, RIGHTS_ALL);
    receive_ipc(th, ep_cap(tep, 0, RIGHTS_ALL), true, reply_cap(reply, true));
    handle_timeout(t);
    for (word_t i = 0; i < 34; i++)
        set_mr(th, hb, i, 0x7000 + i);
    set_mr(th, hb, 2, 0x20000000);                         /* SPSR */
    set_msg(th, 0, 0, 34);
    do_reply_transfer(th, reply, true);
    assert_int_equal(t->state, ThreadState_Restart);
    for (word_t i = 0; i < 34; i++) {
        word_t want = order[i] == REG_SPSR ? 0x20000040 : 0x7000 + i;
        assert_int_equal(get_reg(t, order[i]), want);
    }
}

static void test_reply_without_replier_buffer_copies_four(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    reply_t *reply = new_reply();
    tcb_t *t = new_faulter();
    tcb_t *h = new_handler(t, ep, reply, false);

    t->fault = (fault_t){ .type = seL4_Fault_UnknownSyscall, .w = { 1 } };
    handle_fault(t);
    for (word_t i = 0; i < 4; i++)
        set_reg(h, REG_MR0 + i, 0xe0 + i);
    set_msg(h, 0, 0, 12);
    do_reply_transfer(h, reply, true);
    for (word_t i = 0; i < 4; i++)
        assert_int_equal(get_reg(t, i), 0xe0 + i);
    assert_int_equal(get_reg(t, 4), 0x104);
    assert_int_equal(get_reg(t, REG_FAULT_IP), FAULT_IP);
}

static void test_cancel_ipc_clears_fault(void **state)
{
    (void)state;
    endpoint_t *ep = new_endpoint();
    tcb_t *t = new_faulter();

    tcb_slot(t, TCB_FAULT_HANDLER)->cap = ep_cap(ep, 0, RIGHTS_ALL);
    set_cap_fault(t, 1, false);
    handle_fault(t);
    assert_int_equal(t->state, ThreadState_BlockedOnSend);
    cancel_ipc(t);
    assert_int_equal(t->state, ThreadState_Inactive);
    assert_int_equal(t->fault.type, seL4_Fault_NullFault);
    assert_null(ep->head);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_cap_fault_invalid_root, reset_arena),
        cmocka_unit_test_setup(test_cap_fault_lookup_details, reset_arena),
        cmocka_unit_test_setup(test_unknown_syscall_layout, reset_arena),
        cmocka_unit_test_setup(test_user_exception_layout, reset_arena),
        cmocka_unit_test_setup(test_vm_fault_layout, reset_arena),
        cmocka_unit_test_setup(test_timeout_layout, reset_arena),
        cmocka_unit_test_setup(test_fault_delivered_to_waiting_handler, reset_arena),
        cmocka_unit_test_setup(test_fault_message_truncated_without_handler_buffer, reset_arena),
        cmocka_unit_test_setup(test_fault_queued_until_handler_receives, reset_arena),
        cmocka_unit_test_setup(test_handler_without_reply_object_leaves_thread_inactive, reset_arena),
        cmocka_unit_test_setup(test_no_fault_handler_suspends_thread, reset_arena),
        cmocka_unit_test_setup(test_fault_donates_sc_to_passive_handler, reset_arena),
        cmocka_unit_test_setup(test_timeout_goes_to_timeout_handler_without_donation, reset_arena),
        cmocka_unit_test_setup(test_unknown_syscall_reply_label_zero_restarts, reset_arena),
        cmocka_unit_test_setup(test_unknown_syscall_reply_short_and_nonzero_label, reset_arena),
        cmocka_unit_test_setup(test_user_exception_reply, reset_arena),
        cmocka_unit_test_setup(test_cap_and_vm_fault_replies_always_restart, reset_arena),
        cmocka_unit_test_setup(test_timeout_reply_register_order, reset_arena),
        cmocka_unit_test_setup(test_reply_without_replier_buffer_copies_four, reset_arena),
        cmocka_unit_test_setup(test_cancel_ipc_clears_fault, reset_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
