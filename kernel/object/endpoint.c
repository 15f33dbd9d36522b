/*
 * Endpoints: synchronous IPC with seL4 MCS semantics.
 *
 * An endpoint is a queue of threads that are all sending or all receiving; which of the
 * two follows from the first thread's state. A send meets the first receiver (or
 * queues), a receive meets the first sender (or queues). Queues are ordered by thread
 * priority, FIFO among equals (ABI (a)).
 *
 * Call (and a fault, which is a call made by the kernel on the thread's behalf) needs a
 * reply path: the receiver's reply object becomes the caller's way back, and if the
 * receiver is passive the caller's scheduling context travels with it (reply_push).
 * Without a reply object, or without Grant/GrantReply on the caller's endpoint cap, the
 * caller is left Inactive once the message is delivered.
 */
#include <keel/ipc.h>
#include <keel/sched.h>
#include <keel/tcb.h>
#include <keel/state.h>
#include <keel/kernel.h>

/* ---- thread queues ------------------------------------------------------------------------ */

void tcb_queue_insert(tcb_t **head, tcb_t **tail, tcb_t *t)
{
    tcb_t *before = NULL, *after = *head;

    /* Go past everyone of higher or equal priority: equals stay first come, first served. */
    while (after && after->priority >= t->priority) {
        before = after;
        after = after->ep_next;
    }
    t->ep_prev = before;
    t->ep_next = after;
    if (before)
        before->ep_next = t;
    else
        *head = t;
    if (after)
        after->ep_prev = t;
    else
        *tail = t;
}

void tcb_queue_remove(tcb_t **head, tcb_t **tail, tcb_t *t)
{
    if (t->ep_prev)
        t->ep_prev->ep_next = t->ep_next;
    else
        *head = t->ep_next;
    if (t->ep_next)
        t->ep_next->ep_prev = t->ep_prev;
    else
        *tail = t->ep_prev;
    t->ep_next = t->ep_prev = NULL;
}

static endpoint_t *blocked_endpoint(const tcb_t *t) { return (endpoint_t *)t->blocking_object; }
static notification_t *blocked_notification(const tcb_t *t) { return (notification_t *)t->blocking_object; }

void ipc_reorder_waiter(tcb_t *t)
{
    switch (t->state) {
    case ThreadState_BlockedOnSend:
    case ThreadState_BlockedOnReceive: {
        endpoint_t *ep = blocked_endpoint(t);
        tcb_queue_remove(&ep->head, &ep->tail, t);
        tcb_queue_insert(&ep->head, &ep->tail, t);
        break;
    }
    case ThreadState_BlockedOnNotification: {
        notification_t *n = blocked_notification(t);
        tcb_queue_remove(&n->head, &n->tail, t);
        tcb_queue_insert(&n->head, &n->tail, t);
        break;
    }
    default:
        break;
    }
}

static bool ep_has_receivers(const endpoint_t *ep)
{
    return ep->head && ep->head->state == ThreadState_BlockedOnReceive;
}

static bool ep_has_senders(const endpoint_t *ep)
{
    return ep->head && ep->head->state == ThreadState_BlockedOnSend;
}

static bool has_fault(const tcb_t *t) { return t->fault.type != seL4_Fault_NullFault; }

/* ---- sending -------------------------------------------------------------------------------- */

static void block_sender(tcb_t *t, endpoint_t *ep, word_t badge, bool can_grant,
                         bool can_grant_reply, bool is_call)
{
    t->blocking_object = (word_t)ep;
    t->blocking_badge = badge;
    t->blocking_can_grant = can_grant;
    t->blocking_can_grant_reply = can_grant_reply;
    t->blocking_is_call = is_call;
    set_thread_state(t, ThreadState_BlockedOnSend);
    tcb_queue_insert(&ep->head, &ep->tail, t);
}

void send_ipc(bool blocking, bool do_call, word_t badge, bool can_grant, bool can_grant_reply,
              bool can_donate, tcb_t *thread, endpoint_t *ep)
{
    tcb_t *dest;
    reply_t *reply;

    if (!ep_has_receivers(ep)) {
        if (blocking)
            block_sender(thread, ep, badge, can_grant, can_grant_reply, do_call);
        return;                  /* NBSend with nobody waiting: the message is dropped */
    }

    dest = ep->head;
    tcb_queue_remove(&ep->head, &ep->tail, dest);
    do_ipc_transfer(thread, ep, badge, can_grant, dest);

    /* The receiver's reply object (if any) is no longer "waiting for a caller". */
    reply = dest->reply;
    if (reply)
        reply_unlink(reply, dest);

    if (do_call || has_fault(thread)) {
        if (reply && (can_grant || can_grant_reply))
            reply_push(thread, dest, reply, can_donate);
        else
            set_thread_state(thread, ThreadState_Inactive);
    } else if (can_donate && !dest->sc && thread->sc) {
        /* A plain send to a passive receiver (NBSendRecv etc.) lends the SC as well. */
        sched_context_donate(thread->sc, dest);
    }

    set_thread_state(dest, ThreadState_Running);
    possible_switch_to(dest);
}

/* ---- receiving ---------------------------------------------------------------------------- */

static void block_receiver(tcb_t *t, endpoint_t *ep, reply_t *reply)
{
    t->blocking_object = (word_t)ep;
    t->reply = reply;
    if (reply)
        reply->receiver = t;
    set_thread_state(t, ThreadState_BlockedOnReceive);
    tcb_queue_insert(&ep->head, &ep->tail, t);
}

/*
 * A reply object can serve one conversation at a time. If it is still linked to another
 * thread (an unanswered caller, or another server waiting with it), that thread's IPC is
 * aborted: the caller or the other waiter becomes Inactive.
 */
static void take_reply_object(tcb_t *t, reply_t *reply)
{
    tcb_t *old = reply->caller ? reply->caller : reply->receiver;

    if (!old || old == t)
        return;
    if (CONFIG_PRINT_USER_ERRORS)
        kdebugf("keel: thread '%s' receives with a reply object still in use by '%s': "
                "that thread's IPC is aborted\n", tcb_name(t), tcb_name(old));
    cancel_ipc(old);
}

/* The first sender on ep meets receiver t. */
static void receive_from_sender(tcb_t *t, endpoint_t *ep, reply_t *reply)
{
    tcb_t *sender = ep->head;
    bool can_grant = sender->blocking_can_grant;
    bool can_grant_reply = sender->blocking_can_grant_reply;

    tcb_queue_remove(&ep->head, &ep->tail, sender);
    do_ipc_transfer(sender, ep, sender->blocking_badge, can_grant, t);
    /* The sender's SC was idle while it waited: a sporadic SC catches up with the time. */
    sched_context_unblock_sporadic(sender->sc);

    if (sender->blocking_is_call || has_fault(sender)) {
        if (reply && (can_grant || can_grant_reply)) {
            /* A timeout fault must not hand over the SC that just ran out. */
            bool can_donate = sender->sc && sender->fault.type != seL4_Fault_Timeout;
            reply_push(sender, t, reply, can_donate);
        } else {
            set_thread_state(sender, ThreadState_Inactive);
        }
    } else {
        set_thread_state(sender, ThreadState_Running);
        possible_switch_to(sender);
    }
}

void receive_ipc(tcb_t *thread, cap_t ep_cap, bool blocking, cap_t reply_cap)
{
    endpoint_t *ep = cap_ptr(ep_cap);
    reply_t *reply = cap_type(reply_cap) == cap_reply_cap ? cap_ptr(reply_cap) : NULL;
    notification_t *n = thread->bound_notification;

    if (reply)
        take_reply_object(thread, reply);

    /* A pending signal on the bound notification is delivered instead (badge in x0). */
    if (n && n->state == NtfnState_Active) {
        complete_signal(n, thread);
        return;
    }
    /* Waiting passively on the endpoint: give back an SC borrowed from the notification. */
    if (n && blocking)
        maybe_return_sched_context(n, thread);

    if (ep_has_senders(ep))
        receive_from_sender(thread, ep, reply);
    else if (blocking)
        block_receiver(thread, ep, reply);
    else
        do_nb_recv_failed_transfer(thread);
}

/* ---- cancelling ---------------------------------------------------------------------------- */

void cancel_ipc(tcb_t *t)
{
    /* Whatever t was doing, a pending fault is abandoned with it. */
    t->fault = (fault_t){ .type = seL4_Fault_NullFault };

    switch (t->state) {
    case ThreadState_BlockedOnSend:
    case ThreadState_BlockedOnReceive: {
        endpoint_t *ep = blocked_endpoint(t);
        tcb_queue_remove(&ep->head, &ep->tail, t);
        if (t->reply)
            reply_unlink(t->reply, t);
        set_thread_state(t, ThreadState_Inactive);
        break;
    }
    case ThreadState_BlockedOnNotification:
        cancel_signal(t, blocked_notification(t));
        break;
    case ThreadState_BlockedOnReply:
        reply_remove_tcb(t);
        break;
    default:
        break;
    }
}

/* A waiter whose wait was cancelled by the kernel (not by itself): it re-executes its
 * syscall, unless it was delivering a fault, which is lost with the endpoint. */
static void restart_waiter(tcb_t *t)
{
    if (t->reply)
        reply_unlink(t->reply, t);
    if (has_fault(t)) {
        set_thread_state(t, ThreadState_Inactive);
    } else {
        set_thread_state(t, ThreadState_Restart);
        possible_switch_to(t);
    }
}

void endpoint_cancel_all(endpoint_t *ep)
{
    tcb_t *t = ep->head, *next;

    if (!t)
        return;
    ep->head = ep->tail = NULL;
    for (; t; t = next) {
        next = t->ep_next;
        t->ep_next = t->ep_prev = NULL;
        restart_waiter(t);
    }
    reschedule_required();
}

void endpoint_cancel_badged_sends(endpoint_t *ep, word_t badge)
{
    tcb_t *t, *next;

    if (!ep_has_senders(ep))
        return;
    for (t = ep->head; t; t = next) {
        next = t->ep_next;
        if (t->blocking_badge != badge)
            continue;
        tcb_queue_remove(&ep->head, &ep->tail, t);
        restart_waiter(t);
    }
    reschedule_required();
}
