/*
 * Reply objects (MCS): the way back from a Call.
 *
 * A server passes a reply object to Recv. When a Call arrives, the caller is linked to
 * that reply object and waits BlockedOnReply (reply_push); the server answers by
 * invoking the reply cap (do_reply_transfer). If the caller's scheduling context was
 * donated along the call, the reply object is pushed onto that SC's call stack and the
 * SC goes back to the caller when the reply is sent (reply_pop).
 *
 * Links kept consistent here:
 *   reply->caller == t    <=> t is BlockedOnReply and t->reply == reply
 *   reply->receiver == t  <=> t is BlockedOnReceive with reply object t->reply == reply
 *   sc->reply is the top of the SC's call stack; reply->next of the top names the SC.
 */
#include <keel/ipc.h>
#include <keel/sched.h>
#include <keel/tcb.h>
#include <keel/kernel.h>

static void call_stack_clear(reply_t *reply)
{
    reply->prev = NULL;
    reply->next = 0;
}

void reply_unlink(reply_t *reply, tcb_t *t)
{
    kassert(t->reply == reply && (reply->caller == t || reply->receiver == t));
    if (reply->caller == t)
        reply->caller = NULL;
    else
        reply->receiver = NULL;
    t->reply = NULL;
    set_thread_state(t, ThreadState_Inactive);
}

void reply_push(tcb_t *caller, tcb_t *callee, reply_t *reply, bool can_donate)
{
    sched_context_t *sc = caller->sc;

    kassert(!reply->caller && !reply->receiver && !reply->prev && !reply->next);
    kassert(!caller->reply && !callee->reply);

    reply->caller = caller;
    caller->reply = reply;
    set_thread_state(caller, ThreadState_BlockedOnReply);

    if (sc && !callee->sc && can_donate) {
        reply_t *older = sc->reply;

        /* Push the reply on the SC's call stack, then let the SC follow the call. */
        reply->prev = older;
        if (older)
            older->next = (word_t)reply;
        reply->next = (word_t)sc | REPLY_NEXT_SC;
        sc->reply = reply;
        sched_context_donate(sc, callee);
    }
}

/* Take the top reply off its SC's call stack and return the SC to the caller. */
static void reply_pop(reply_t *reply, tcb_t *caller)
{
    sched_context_t *sc = reply_next_sc(reply);
    reply_t *older = reply->prev;

    kassert(sc && sc->reply == reply);
    sc->reply = older;
    if (older)
        older->next = reply->next;          /* the older reply becomes the top */
    call_stack_clear(reply);
    /* A caller that meanwhile got an SC of its own (bound while waiting) keeps it. */
    if (!caller->sc)
        sched_context_donate(sc, caller);
    reply_unlink(reply, caller);
}

void reply_remove(reply_t *reply, tcb_t *caller)
{
    reply_t *newer = reply_next_reply(reply);

    kassert(reply->caller == caller && caller->state == ThreadState_BlockedOnReply);
    if (reply_next_is_sc(reply)) {
        reply_pop(reply, caller);
        return;
    }
    /* Removing from the middle breaks the chain there, as seL4 does: the SC stays
     * with the newer calls and will not find its way back past this point. */
    if (newer)
        newer->prev = NULL;
    if (reply->prev)
        reply->prev->next = 0;
    call_stack_clear(reply);
    reply_unlink(reply, caller);
}

void reply_remove_tcb(tcb_t *t)
{
    reply_t *reply = t->reply;
    sched_context_t *sc = reply_next_sc(reply);
    reply_t *newer = reply_next_reply(reply);

    kassert(t->state == ThreadState_BlockedOnReply && reply);
    if (sc)
        sc->reply = NULL;                   /* the callee keeps the SC */
    else if (newer)
        newer->prev = NULL;
    if (reply->prev)
        reply->prev->next = 0;
    call_stack_clear(reply);
    reply_unlink(reply, t);
}

/*
 * The replier invokes the reply cap. A caller waiting for an ordinary reply gets the
 * message; a thread waiting for its fault handler has the reply applied to its
 * registers (ABI (f)) and restarts or stays Inactive.
 */
void do_reply_transfer(tcb_t *sender, reply_t *reply, bool grant)
{
    tcb_t *receiver = reply->caller;
    word_t fault_type;

    if (!receiver || receiver->state != ThreadState_BlockedOnReply)
        return;                                 /* nobody is waiting: nothing happens */

    reply_remove(reply, receiver);              /* also returns a donated SC */
    sched_context_unblock_sporadic(receiver->sc);
    fault_type = receiver->fault.type;
    if (fault_type == seL4_Fault_NullFault) {
        do_ipc_transfer(sender, NULL, 0, grant, receiver);
        set_thread_state(receiver, ThreadState_Running);
    } else {
        bool restart = handle_fault_reply(receiver, sender);
        receiver->fault = (fault_t){ .type = seL4_Fault_NullFault };
        set_thread_state(receiver, restart ? ThreadState_Restart : ThreadState_Inactive);
    }

    if (!receiver->sc || !thread_is_runnable(receiver))
        return;
    /* The SC came back out of budget: tell the timeout handler, if there is one (but
     * never answer a timeout fault with another). Otherwise possible_switch_to leaves
     * it waiting for its next refill (release queue). */
    if (!sched_context_has_budget(receiver->sc) && valid_timeout_handler(receiver) &&
        fault_type != seL4_Fault_Timeout)
        handle_timeout(receiver);
    else
        possible_switch_to(receiver);
}

/* The last cap to the reply object is deleted. */
void reply_finalise(reply_t *reply)
{
    if (reply->caller)
        reply_remove(reply, reply->caller);     /* the caller is left Inactive */
    else if (reply->receiver)
        cancel_ipc(reply->receiver);            /* the server's Recv is aborted */
}
