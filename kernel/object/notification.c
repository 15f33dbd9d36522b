/*
 * Notifications: a word of badge bits and a queue of waiters.
 *
 * Idle: nothing pending, nobody waiting. Waiting: threads are queued (by priority).
 * Active: badges have been signalled (OR-ed together) and nobody has taken them yet.
 * A delivered signal writes only the badge into the waiter's x0 (ABI (a)).
 *
 * A notification may be bound to one TCB: a signal then also wakes that thread while it
 * waits on an endpoint, and a pending signal is what its next endpoint receive returns.
 * In MCS a notification may also carry a scheduling context, lent to a passive thread
 * (one without an SC of its own) for as long as it handles the signal.
 */
#include <keel/ipc.h>
#include <keel/sched.h>
#include <keel/tcb.h>
#include <keel/state.h>
#include <keel/kernel.h>

/* ---- scheduling contexts of notifications --------------------------------------------------- */

/* A passive thread handling a signal runs on the notification's SC, if it is free. */
static void maybe_donate_sched_context(tcb_t *t, notification_t *n)
{
    sched_context_t *sc = n->sc;

    if (t->sc || !sc || sc->tcb)
        return;
    sched_context_donate(sc, t);
    sched_context_unblock_sporadic(sc);
    sched_context_resume(sc);                /* no budget now: wait for the next refill */
}

void maybe_return_sched_context(notification_t *n, tcb_t *t)
{
    if (n->sc && n->sc == t->sc)
        sched_context_unbind_tcb(n->sc);   /* asks for a reschedule if t is current */
}

/* ---- signalling ----------------------------------------------------------------------------- */

static void set_active(notification_t *n, word_t badge)
{
    n->state = NtfnState_Active;
    n->badge = badge;
}

/* Wake t with the badge: x0 only; x1..x5 keep their values. */
static void wake_with_signal(tcb_t *t, notification_t *n, word_t badge)
{
    set_thread_state(t, ThreadState_Running);
    set_reg(t, REG_BADGE, badge);
    maybe_donate_sched_context(t, n);
    possible_switch_to(t);
}

/* Idle notification: wake the bound thread if it waits on an endpoint, else keep it. */
static void signal_idle(notification_t *n, word_t badge)
{
    tcb_t *t = n->bound_tcb;

    /* A bound thread in the middle of a Call (BlockedOnReply) is not woken. */
    if (t && t->state == ThreadState_BlockedOnReceive) {
        cancel_ipc(t);
        wake_with_signal(t, n, badge);
    } else {
        set_active(n, badge);
    }
}

void send_signal(notification_t *n, word_t badge)
{
    switch (n->state) {
    case NtfnState_Idle:
        signal_idle(n, badge);
        break;
    case NtfnState_Waiting: {
        tcb_t *t = n->head;
        tcb_queue_remove(&n->head, &n->tail, t);
        if (!n->head)
            n->state = NtfnState_Idle;
        wake_with_signal(t, n, badge);
        break;
    }
    case NtfnState_Active:
        n->badge |= badge;
        break;
    }
}

/* ---- waiting --------------------------------------------------------------------------------- */

void complete_signal(notification_t *n, tcb_t *t)
{
    kassert(n->state == NtfnState_Active);
    set_reg(t, REG_BADGE, n->badge);
    n->state = NtfnState_Idle;
    n->badge = 0;
    maybe_donate_sched_context(t, n);
    sched_context_unblock_sporadic(t->sc);
}

void receive_signal(tcb_t *thread, cap_t ntfn_cap, bool blocking)
{
    notification_t *n = cap_ptr(ntfn_cap);

    if (n->state == NtfnState_Active) {
        complete_signal(n, thread);
    } else if (blocking) {
        thread->blocking_object = (word_t)n;
        maybe_return_sched_context(n, thread);
        set_thread_state(thread, ThreadState_BlockedOnNotification);
        tcb_queue_insert(&n->head, &n->tail, thread);
        n->state = NtfnState_Waiting;
    } else {
        do_nb_recv_failed_transfer(thread);   /* NBWait/Poll with nothing pending: x0 = 0 */
    }
}

void cancel_signal(tcb_t *t, notification_t *n)
{
    tcb_queue_remove(&n->head, &n->tail, t);
    if (!n->head)
        n->state = NtfnState_Idle;
    set_thread_state(t, ThreadState_Inactive);
}

/* Deleted notification: every waiter re-executes its Wait (and then faults on the cap). */
void notification_cancel_all(notification_t *n)
{
    tcb_t *t = n->head, *next;

    if (n->state != NtfnState_Waiting)
        return;
    n->head = n->tail = NULL;
    n->state = NtfnState_Idle;
    for (; t; t = next) {
        next = t->ep_next;
        t->ep_next = t->ep_prev = NULL;
        set_thread_state(t, ThreadState_Restart);
        possible_switch_to(t);
    }
    reschedule_required();
}

/* ---- binding ------------------------------------------------------------------------------- */

void bind_notification(tcb_t *t, notification_t *n)
{
    kassert(!t->bound_notification && !n->bound_tcb);
    n->bound_tcb = t;
    t->bound_notification = n;
}

void unbind_notification(tcb_t *t)
{
    notification_t *n = t->bound_notification;

    if (!n)
        return;
    n->bound_tcb = NULL;
    t->bound_notification = NULL;
}

/* The last cap to n is gone: release its SC and TCB, wake its waiters. */
void notification_finalise(notification_t *n)
{
    if (n->sc)
        sched_context_unbind_notification(n->sc);
    if (n->bound_tcb)
        unbind_notification(n->bound_tcb);
    notification_cancel_all(n);
}
