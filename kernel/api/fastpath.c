/*
 * The IPC fast path: seL4_Call to a server waiting in Recv/ReplyRecv, and seL4_ReplyRecv
 * answering such a call, in one straight line each.
 *
 * A fast path is only an optimisation: each function first checks that the case is
 * one it knows (every check below has a matching reason in the general path), and if
 * any check fails it changes nothing (but the time of the entry, which the general path
 * takes again) and the general path (handle_syscall) runs. When all checks pass, the
 * result is the state handle_syscall would have produced, field for field: the same
 * registers, thread states, endpoint queue, reply-object links, scheduling-context call
 * stack and ownership, refills, current thread and SC, timer. The host test
 * tests/host/test_fastpath.c runs both paths from the same states and compares the whole
 * memory of the objects involved and the kernel's state.
 *
 * Call (x0 = endpoint cap, x1 = msginfo, x2..x5 = MR0..MR3), handled when:
 *   - the message has no extra caps and at most 4 words (no IPC buffer involved), and
 *     the caller has no pending fault;
 *   - x0 names an endpoint cap with Write and Grant or GrantReply (so the caller gets a
 *     reply path, reply_push) and a receiver waits on it with a reply object;
 *   - the receiver is passive (no SC of its own: the caller's SC goes with the call and
 *     the scheduling context does not change, the common case and the shortest), or
 *     active with budget to run now (then, as schedule() would, the time is charged to
 *     the caller's SC and the timer set for the receiver's);
 *   - schedule() would pick the receiver: nothing ready has a higher priority and no
 *     thread in the release queue is due (awaken() would wake it first);
 *   - the caller's SC has the budget the general path's entry check asks for, and the
 *     receiver has no YieldTo to complete.
 * ReplyRecv (x0 = endpoint cap, x6 = reply cap), handled when:
 *   - the same message checks; x6 names a reply object whose caller waits for an
 *     ordinary reply (no fault), and either the caller has no SC and the reply is the
 *     top of the call stack of the SC the server runs on (the SC goes back to the
 *     caller, reply_pop), or the caller has an SC with budget and the reply is on no
 *     call stack (an active server: nothing was donated);
 *   - x0 names an endpoint cap with Read on which no sender waits, and the server's
 *     bound notification (if any) has no pending signal;
 *   - schedule() would pick the caller (as above), and the budget check passes.
 *
 * The woken thread's address space is switched to by vspace_activate, as
 * activate_thread does (a thread without a valid VSpace gets the empty one either way).
 *
 * Two states the general path re-establishes at every kernel exit are relied upon at
 * entry and left as they are: ks_sched_action == SCHED_RESUME_CURRENT and
 * ks_reprogram == false (schedule() resets both); ks_cur_sc == ks_cur_thread->sc is
 * checked.
 */
#include <keel/abi_gen.h>
#include <keel/arch_api.h>
#include <keel/fastpath.h>
#include <keel/ipc.h>
#include <keel/kernel.h>
#include <keel/sched.h>
#include <keel/state.h>
#include <keel/tcb.h>
#include <keel/vspace.h>

#if CONFIG_FASTPATH

STATIC_ASSERT(seL4_SysCall == FASTPATH_SYS_CALL, "entry.S compares x7 with this number");
STATIC_ASSERT(seL4_SysReplyRecv == FASTPATH_SYS_REPLY_RECV, "entry.S compares x7 with this number");

#define FP_INLINE static inline __attribute__((always_inline))

/* handle_syscall is the general path the fast path falls back to (api/syscall.c). */
void handle_syscall(sword_t number);

/* ---- checks ------------------------------------------------------------------------------- */

/*
 * No extra caps and at most NUM_MSG_REGISTERS words: the extra-caps and length fields,
 * taken together as a number, are then the length itself.
 */
FP_INLINE bool message_fits_registers(word_t info)
{
    word_t fields = info & ((KEEL_MSGINFO_EXTRA_CAPS_MASK << KEEL_MSGINFO_EXTRA_CAPS_SHIFT) |
                            (KEEL_MSGINFO_LENGTH_MASK << KEEL_MSGINFO_LENGTH_SHIFT));
    return fields <= NUM_MSG_REGISTERS;
}

/*
 * The slot cptr names in t's CSpace, or NULL where resolve_address_bits would fail (or
 * would not terminate). Walks the CNodes exactly as resolve_address_bits does: each
 * level takes guard_size + radix bits, the guard must match, and the walk goes on while
 * bits remain and the slot reached holds a CNode cap. 'rest' keeps the bits not yet
 * translated at its top.
 */
FP_INLINE cte_t *lookup_slot_fast(const tcb_t *t, cptr_t cptr)
{
    cap_t node = t->slots[TCB_CTABLE].cap;
    word_t remaining = seL4_WordBits, rest = cptr;

    if (unlikely(cap_type(node) != cap_cnode_cap))
        return NULL;
    for (;;) {
        word_t radix = cnode_radix(node);                  /* < 64 */
        word_t level = cnode_guard_size(node) + radix;
        word_t bits;
        cte_t *slot;

        if (unlikely(level - 1 >= remaining))              /* level 0, or too many bits */
            return NULL;
        bits = rest >> (seL4_WordBits - level);            /* guard, then index */
        if (unlikely((bits >> radix) != cnode_guard(node)))
            return NULL;
        slot = cnode_slots(node) + (bits & (BIT(radix) - 1));
        remaining -= level;
        if (likely(remaining == 0 || cap_type(slot->cap) != cap_cnode_cap))
            return slot;
        rest <<= level;                                    /* level < 64 here */
        node = slot->cap;
    }
}

/*
 * The first step of every kernel entry (update_timestamp): the time of this entry.
 * The fast path takes it before deciding; if it then declines, the general path takes
 * the time again, which adds up to the same.
 */
FP_INLINE void take_time(ticks_t now)
{
    if (now > ks_cur_time)
        ks_consumed += now - ks_cur_time;
    ks_cur_time = now;
}

/*
 * The entry's budget check (mcs_entry_check_budget): go on only if the current SC is an
 * ordinary charged one with enough budget left to run. The head refill must also be
 * released: when the SC goes with the IPC (passive server), that is the rest of
 * sched_context_has_budget for the woken thread.
 */
FP_INLINE bool entry_budget_ok(const tcb_t *cur)
{
    sched_context_t *sc = ks_cur_sc;
    const refill_t *head;

    /* (Not the idle thread's SC: that is bound to the idle thread, not to cur.) */
    if (unlikely(sc != cur->sc || !sc || sc->refill_max == 0))
        return false;
    head = &sc->refills[sc->refill_head];
    return likely(head->amount >= ks_consumed && head->amount - ks_consumed >= MIN_BUDGET &&
                  head->release <= ks_cur_time + KERNEL_WCET_TICKS);
}

/* ---- doing it ------------------------------------------------------------------------------ */

/* do_normal_transfer of a message that fits the registers (no caps, no IPC buffer). */
FP_INLINE void transfer_registers(const tcb_t *sender, tcb_t *receiver, word_t badge, word_t info)
{
    word_t length = info & KEEL_MSGINFO_LENGTH_MASK;

    /* Only the words sent are written; the receiver's other MR registers keep theirs. */
    for (word_t i = 0; i < length; i++)
        set_reg(receiver, REG_MR0 + i, get_reg(sender, REG_MR0 + i));
    /* Same label and length, no caps, so nothing unwrapped. */
    set_reg(receiver, REG_MSGINFO,
            info & ~(KEEL_MSGINFO_CAPS_UNWRAPPED_MASK << KEEL_MSGINFO_CAPS_UNWRAPPED_SHIFT));
    set_reg(receiver, REG_BADGE, badge);
}

/* The woken thread becomes current (schedule() + activate_thread() of this case). */
FP_INLINE void switch_to(tcb_t *t)
{
    ks_cur_thread = t;
    vspace_activate(t);
}

/*
 * An active thread (its own SC) woken by the IPC: schedule() would run it only if it
 * can run now (possible_switch_to: not waiting for a refill, and
 * sched_context_has_budget: configured, head refill released and sufficient). A
 * sporadic SC is re-based to now on wake-up, which keeps it runnable.
 */
FP_INLINE bool active_can_run(const tcb_t *t)
{
    const sched_context_t *sc = t->sc;
    const refill_t *head = &sc->refills[sc->refill_head];

    return likely(!t->in_release_queue && sc->refill_max > 0 && head->amount >= MIN_BUDGET &&
                  head->release <= ks_cur_time + KERNEL_WCET_TICKS);
}

/* The woken thread on another SC becomes current: possible_switch_to's re-basing of a
 * sporadic SC, then the end of schedule() (charge the time, switch SC, set the timer)
 * and activate_thread(). Out of line: the fast path's own code then needs no registers
 * kept across calls. */
static __attribute__((noinline)) void switch_to_active(tcb_t *t)
{
    sched_context_unblock_sporadic(t->sc);
    ks_cur_thread = t;
    sched_switch_sched_context();
    vspace_activate(t);
}

FP_INLINE bool call(tcb_t *cur, word_t cptr, word_t info, word_t min_prio)
{
    cte_t *slot;
    cap_t cap;
    endpoint_t *ep;
    tcb_t *dest, *next;
    reply_t *reply, *older;
    sched_context_t *sc;

    if (unlikely(!message_fits_registers(info) || cur->fault.type != seL4_Fault_NullFault))
        return false;
    slot = lookup_slot_fast(cur, cptr);
    if (unlikely(!slot))
        return false;
    cap = slot->cap;
    if (unlikely(cap_type(cap) != cap_endpoint_cap || !(cap_rights(cap) & RIGHT_WRITE) ||
                 !(cap_rights(cap) & (RIGHT_GRANT | RIGHT_GRANT_REPLY))))
        return false;
    ep = cap_ptr(cap);
    dest = ep->head;
    if (unlikely(!dest || dest->state != ThreadState_BlockedOnReceive))
        return false;
    reply = dest->reply;
    if (unlikely(!reply || dest->yield_to || (dest->sc && !active_can_run(dest))))
        return false;
    if (unlikely(dest->priority < min_prio || !entry_budget_ok(cur)))
        return false;

    /* Committed. send_ipc: the receiver leaves the endpoint's queue (it is the head). */
    ks_num_kernel_entries++;
    next = dest->ep_next;
    ep->head = next;
    if (next)
        next->ep_prev = NULL;
    else
        ep->tail = NULL;
    dest->ep_next = dest->ep_prev = NULL;

    transfer_registers(cur, dest, cap_badge(cap), info);

    /* reply_unlink(reply, dest), then reply_push(cur, dest, reply, can_donate): the
     * caller waits on the reply object... */
    reply->receiver = NULL;
    dest->reply = NULL;
    reply->caller = cur;
    cur->reply = reply;
    cur->state = ThreadState_BlockedOnReply;
    dest->state = ThreadState_Running;

    if (unlikely(dest->sc)) {
        switch_to_active(dest);             /* the caller keeps its SC */
        return true;
    }
    /* ...which goes on top of the SC's call stack, and the SC goes to the server. */
    sc = cur->sc;
    older = sc->reply;
    reply->prev = older;
    if (older)
        older->next = (word_t)reply;
    reply->next = (word_t)sc | REPLY_NEXT_SC;
    sc->reply = reply;
    cur->sc = NULL;
    sc->tcb = dest;
    dest->sc = sc;
    switch_to(dest);
    return true;
}

FP_INLINE bool reply_recv(tcb_t *cur, word_t cptr, word_t info, word_t min_prio)
{
    cte_t *slot;
    cap_t cap;
    endpoint_t *ep;
    reply_t *reply, *older;
    tcb_t *caller;
    sched_context_t *sc = cur->sc;
    notification_t *n;

    if (unlikely(!message_fits_registers(info) || cur->fault.type != seL4_Fault_NullFault))
        return false;

    /* The reply: an ordinary caller; either its SC comes back with the reply (the reply
     * is on top of the running SC's call stack) or it has its own (no call stack). */
    slot = lookup_slot_fast(cur, get_reg(cur, REG_REPLY));
    if (unlikely(!slot || cap_type(slot->cap) != cap_reply_cap))
        return false;
    reply = cap_ptr(slot->cap);
    caller = reply->caller;
    if (unlikely(!caller || caller->state != ThreadState_BlockedOnReply ||
                 caller->fault.type != seL4_Fault_NullFault || caller->yield_to))
        return false;
    if (likely(!caller->sc)) {
        if (unlikely(!sc || reply->next != ((word_t)sc | REPLY_NEXT_SC)))
            return false;
    } else if (unlikely(reply->next || reply->prev || !active_can_run(caller))) {
        return false;
    }

    /* The receive: an endpoint with Read, no sender waiting, no signal pending. */
    slot = lookup_slot_fast(cur, cptr);
    if (unlikely(!slot))
        return false;
    cap = slot->cap;
    if (unlikely(cap_type(cap) != cap_endpoint_cap || !(cap_rights(cap) & RIGHT_READ)))
        return false;
    ep = cap_ptr(cap);
    if (unlikely(ep->head && ep->head->state == ThreadState_BlockedOnSend))
        return false;
    n = cur->bound_notification;
    if (unlikely(n && n->state == NtfnState_Active))
        return false;
    if (unlikely(caller->priority < min_prio || !entry_budget_ok(cur)))
        return false;

    /* Committed. do_reply_transfer: reply_remove forgets the caller; if the SC was
     * donated along the call (reply_pop), the reply leaves the call stack and the SC
     * goes back to the caller. */
    ks_num_kernel_entries++;
    if (likely(!caller->sc)) {
        older = reply->prev;
        sc->reply = older;
        if (older)
            older->next = reply->next;
        reply->prev = NULL;
        reply->next = 0;
        cur->sc = NULL;
        sc->tcb = caller;
        caller->sc = sc;
    }
    reply->caller = NULL;
    caller->reply = NULL;

    transfer_registers(cur, caller, 0, info);
    caller->state = ThreadState_Running;

    /* receive_ipc → block_receiver: wait on the endpoint with the same reply object. */
    cur->blocking_object = (word_t)ep;
    cur->reply = reply;
    reply->receiver = cur;
    cur->state = ThreadState_BlockedOnReceive;
    if (likely(!ep->head)) {
        cur->ep_next = cur->ep_prev = NULL;
        ep->head = ep->tail = cur;
    } else {
        tcb_queue_insert(&ep->head, &ep->tail, cur);   /* other servers wait too */
    }

    if (unlikely(caller->sc != ks_cur_sc))
        switch_to_active(caller);           /* the server keeps its SC */
    else
        switch_to(caller);
    return true;
}

/* ---- entry points -------------------------------------------------------------------------- */

/*
 * The time, then the scheduler's answer (it looks at refill release times, so it needs
 * the time): both calls come first, while little else is live.
 */
FP_INLINE word_t enter(void)
{
    take_time(arch_timer_now());
    return sched_fastpath_min_prio();
}

void fastpath_call(word_t cptr, word_t info)
{
    word_t min_prio = enter();

    if (!call(ks_cur_thread, cptr, info, min_prio))
        handle_syscall(seL4_SysCall);
}

void fastpath_reply_recv(word_t cptr, word_t info)
{
    word_t min_prio = enter();

    if (!reply_recv(ks_cur_thread, cptr, info, min_prio))
        handle_syscall(seL4_SysReplyRecv);
}

#if KEEL_HOST_TEST
bool fastpath_try_call(void)
{
    word_t min_prio = enter();
    tcb_t *t = ks_cur_thread;

    return call(t, get_reg(t, REG_CAP), get_reg(t, REG_MSGINFO), min_prio);
}

bool fastpath_try_reply_recv(void)
{
    word_t min_prio = enter();
    tcb_t *t = ks_cur_thread;

    return reply_recv(t, get_reg(t, REG_CAP), get_reg(t, REG_MSGINFO), min_prio);
}
#endif

#endif /* CONFIG_FASTPATH */
