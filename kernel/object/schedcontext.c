/*
 * Scheduling contexts (MCS): the refill queue of a sporadic server, binding to threads
 * and notifications, donation, and the SchedContext invocations.
 *
 * An SC holds a budget that may be used once per period. It is tracked as a queue of
 * refills {release, amount}, kept in a circular buffer after the 96-byte core: a thread
 * may consume the head refill from its release time on; whatever it consumes comes back
 * as a new refill one period after the head's release. The amounts always add up to the
 * budget. A round-robin SC (budget == period, stored as period 0) has exactly two
 * refills: the head holds what is left of the timeslice, the tail what was used, and
 * "charging" just moves time from one to the other.
 *
 * The rules (when to split, merge or delay refills) are those of seL4's sporadic.c, so
 * that user-visible behaviour (who runs when, timeouts, Consumed) matches.
 */
#include <keel/kernel.h>
#include <keel/sched.h>
#include <keel/state.h>
#include <keel/tcb.h>
#include <keel/ipc.h>
#include <keel/invocation.h>
#include <keel/status.h>

/* ---- the circular refill buffer ------------------------------------------------------ */

static uint32_t refill_next(const sched_context_t *sc, uint32_t index)
{
    return index + 1 == sc->refill_max ? 0 : index + 1;
}

/* The const variants for predicates. */
static const refill_t *head_of(const sched_context_t *sc) { return &sc->refills[sc->refill_head]; }

static bool refill_single(const sched_context_t *sc) { return sc->refill_count == 1; }
static bool refill_full(const sched_context_t *sc)   { return sc->refill_count == sc->refill_max; }

static refill_t refill_pop_head(sched_context_t *sc)
{
    kassert(!refill_single(sc));   /* the queue is never empty */
    refill_t r = *refill_head(sc);
    sc->refill_head = refill_next(sc, sc->refill_head);
    sc->refill_count--;
    return r;
}

static void refill_add_tail(sched_context_t *sc, refill_t r)
{
    kassert(sc->refill_count < sc->refill_max);
    sc->refill_count++;
    *refill_tail(sc) = r;
}

ticks_t refill_sum(const sched_context_t *sc)
{
    ticks_t sum = 0;
    uint32_t index = sc->refill_head;
    for (uint32_t i = 0; i < sc->refill_count; i++) {
        sum += sc->refills[index].amount;
        index = refill_next(sc, index);
    }
    return sum;
}

/* What the head refill still holds once 'usage' is charged to it. */
static ticks_t refill_capacity(const sched_context_t *sc, ticks_t usage)
{
    const refill_t *h = head_of(sc);
    return usage > h->amount ? 0 : h->amount - usage;
}

/* Enough left to enter and leave the kernel once more. */
bool refill_sufficient(const sched_context_t *sc, ticks_t usage)
{
    return refill_capacity(sc, usage) >= MIN_BUDGET;
}

/* The head may be used now. The kernel's WCET of slack avoids a timer interrupt for a
 * release that is due before we could return to user mode anyway. */
bool refill_ready(const sched_context_t *sc)
{
    return head_of(sc)->release <= ks_cur_time + KERNEL_WCET_TICKS;
}

word_t sched_context_refill_capacity(word_t size_bits)
{
    return (BIT(size_bits) - offsetof(sched_context_t, refills)) / sizeof(refill_t);
}

bool sched_context_is_sporadic(const sched_context_t *sc)
{
    return sched_context_is_active(sc) && sc->sporadic;
}

bool sched_context_has_budget(const sched_context_t *sc)
{
    return sched_context_is_active(sc) && refill_ready(sc) && refill_sufficient(sc, 0);
}

/* ---- creating and changing the refill queue -------------------------------------------- */

/* A round-robin SC tracks used time in an empty tail refill. */
static void maybe_add_empty_tail(sched_context_t *sc)
{
    if (sched_context_is_round_robin(sc))
        refill_add_tail(sc, (refill_t){ .release = refill_head(sc)->release, .amount = 0 });
}

/* Fresh parameters for an SC that is not in use: the whole budget is available now. */
void refill_new(sched_context_t *sc, word_t max_refills, ticks_t budget, ticks_t period)
{
    kassert(budget >= MIN_BUDGET);
    kassert(max_refills >= MIN_REFILLS && max_refills <= sched_context_refill_capacity(sc->size_bits));
    sc->period = period;
    sc->budget = budget;
    sc->refill_max = max_refills;
    sc->refill_head = 0;
    sc->refill_count = 1;
    sc->refills[0] = (refill_t){ .release = ks_cur_time, .amount = budget };
    maybe_add_empty_tail(sc);
}

/*
 * New parameters for an SC whose thread may be running. Keep only the head refill (so
 * nothing already used can be used again early) and trim it to the new budget; the rest
 * of the new budget becomes available one new period after the head.
 */
void refill_update(sched_context_t *sc, ticks_t period, ticks_t budget, word_t max_refills)
{
    kassert(sched_context_is_active(sc));
    sc->refills[0] = *refill_head(sc);
    sc->refill_head = 0;
    sc->refill_count = 1;
    sc->refill_max = max_refills;
    sc->period = period;
    sc->budget = budget;

    refill_t *h = refill_head(sc);
    if (refill_ready(sc))
        h->release = ks_cur_time;
    if (h->amount >= budget) {
        h->amount = budget;
        maybe_add_empty_tail(sc);
    } else {
        refill_add_tail(sc, (refill_t){ .release = h->release + period, .amount = budget - h->amount });
    }
}

/* Queue a used amount for its replenishment, merging where refills would overlap or
 * where the queue has no room left (the tail is then delayed so that no more than the
 * budget can be used in any window of one period). */
static void schedule_used(sched_context_t *sc, refill_t used)
{
    refill_t *t = refill_tail(sc);

    if (t->release + t->amount >= used.release) {
        t->amount += used.amount;
    } else if (!refill_full(sc)) {
        refill_add_tail(sc, used);
    } else {
        t->release = used.release - t->amount;
        t->amount += used.amount;
    }
}

void refill_budget_check(sched_context_t *sc, ticks_t usage)
{
    kassert(!sched_context_is_round_robin(sc));

    /* Whole refills used up: each comes back one period after its release. */
    while (refill_head(sc)->amount <= usage && refill_head(sc)->release < MAX_RELEASE_TIME) {
        usage -= refill_head(sc)->amount;
        if (refill_single(sc)) {
            refill_head(sc)->release += sc->period;
        } else {
            refill_t old = refill_pop_head(sc);
            old.release += sc->period;
            schedule_used(sc, old);
        }
    }

    /* Part of the head used: split it. The rest of the head starts 'usage' later, which
     * keeps the queue ordered and lets consecutive partial charges merge into one. */
    if (usage > 0 && refill_head(sc)->release < MAX_RELEASE_TIME) {
        refill_t *h = refill_head(sc);
        refill_t used = { .release = h->release + sc->period, .amount = usage };
        h->amount -= usage;
        h->release += usage;
        schedule_used(sc, used);
    }

    /* A head below the minimum cannot be used: merge it into the next refill, which
     * starts earlier by as much (so it ends when it did before). */
    while (refill_head(sc)->amount < MIN_BUDGET) {
        refill_t old = refill_pop_head(sc);
        refill_head(sc)->amount += old.amount;
        refill_head(sc)->release -= old.amount;
    }
}

static bool refill_head_overlapping(sched_context_t *sc)
{
    if (refill_single(sc))
        return false;
    refill_t *h = refill_head(sc);
    return sc->refills[refill_next(sc, sc->refill_head)].release <= h->release + h->amount;
}

void sched_context_unblock_check(sched_context_t *sc)
{
    if (sched_context_is_round_robin(sc) || !refill_ready(sc))
        return;
    refill_head(sc)->release = ks_cur_time;
    ks_reprogram = true;
    while (refill_head_overlapping(sc)) {
        refill_t old = refill_pop_head(sc);
        refill_head(sc)->release = old.release;
        refill_head(sc)->amount += old.amount;
    }
}

void sched_context_unblock_sporadic(sched_context_t *sc)
{
    if (sched_context_is_sporadic(sc) && sc != ks_cur_sc)
        sched_context_unblock_check(sc);
}

/* ---- life cycle -------------------------------------------------------------------------- */

void sched_context_init(sched_context_t *sc, word_t size_bits)
{
    memset(sc, 0, sizeof(*sc));
    sc->size_bits = size_bits;
}

void sched_context_configure(sched_context_t *sc, ticks_t budget, ticks_t period,
                             word_t extra_refills, word_t badge, bool sporadic)
{
    tcb_t *t = sc->tcb;

    sc->badge = badge;
    sc->sporadic = sporadic;

    /* The thread must not sit in a queue sorted by the old refills; and the time it has
     * used so far is charged under the old parameters. */
    if (t) {
        release_queue_remove(t);
        sched_dequeue(t);
        if (sc == ks_cur_sc)
            mcs_commit_time();
        ks_reprogram = true;
    }

    if (budget == period)
        refill_new(sc, MIN_REFILLS, budget, 0);
    else if (sched_context_is_active(sc) && t && thread_is_runnable(t))
        refill_update(sc, period, budget, extra_refills + MIN_REFILLS);
    else
        refill_new(sc, extra_refills + MIN_REFILLS, budget, period);
    sc->configured = true;

    if (t) {
        sched_context_resume(sc);
        if (thread_is_schedulable(t) && t != ks_cur_thread)
            possible_switch_to(t);
        if (t == ks_cur_thread)
            reschedule_required();
    }
}

void sched_context_resume(sched_context_t *sc)
{
    if (!sc || !sc->tcb || !thread_is_schedulable(sc->tcb))
        return;
    if (!(refill_ready(sc) && refill_sufficient(sc, 0)))
        sched_postpone(sc);
}

void sched_context_bind_tcb(sched_context_t *sc, tcb_t *t)
{
    kassert(sc->tcb == NULL && t->sc == NULL);
    t->sc = sc;
    sc->tcb = t;

    if (sched_context_is_sporadic(sc) && sc != ks_cur_sc)
        sched_context_unblock_check(sc);
    sched_context_resume(sc);
    if (thread_is_schedulable(t)) {
        sched_enqueue(t);
        reschedule_required();
    }
}

void sched_context_unbind_tcb(sched_context_t *sc)
{
    tcb_t *t = sc->tcb;

    kassert(t != NULL);
    if (t == ks_cur_thread)
        reschedule_required();
    sched_dequeue(t);
    release_queue_remove(t);
    t->sc = NULL;
    sc->tcb = NULL;
}

void sched_context_bind_notification(sched_context_t *sc, notification_t *n)
{
    n->sc = sc;
    sc->notification = n;
}

void sched_context_unbind_notification(sched_context_t *sc)
{
    if (sc && sc->notification) {
        sc->notification->sc = NULL;
        sc->notification = NULL;
    }
}

void sched_context_donate(sched_context_t *sc, tcb_t *to)
{
    tcb_t *from = sc->tcb;

    kassert(to->sc == NULL);
    if (from) {
        sched_dequeue(from);
        release_queue_remove(from);
        from->sc = NULL;
        if (from == ks_cur_thread || from == ks_sched_action)
            reschedule_required();
    }
    sc->tcb = to;
    to->sc = sc;
}

/* Detach the call stack: the top reply no longer leads to this SC. The reply objects
 * themselves belong to the IPC code; only the SC end is cut here. */
static void unbind_reply(sched_context_t *sc)
{
    if (sc->reply) {
        sc->reply->next = 0;
        sc->reply = NULL;
    }
}

void sched_context_unbind_all(sched_context_t *sc)
{
    if (sc->tcb)
        sched_context_unbind_tcb(sc);
    sched_context_unbind_notification(sc);
    unbind_reply(sc);
}

void sched_context_finalise(sched_context_t *sc)
{
    sched_context_unbind_all(sc);
    if (sc->yield_from)
        sched_context_complete_yield_to(sc->yield_from);
    sc->refill_max = 0;      /* no longer usable: charging code skips it */
    sc->configured = false;
}

/* ---- consumed time and YieldTo ------------------------------------------------------------ */

/* The largest tick count ticks_to_us could take without the µs value growing past what
 * seL4 reports in one answer; more is reported by the next query. */
#define MAX_TICKS_TO_US (~(ticks_t)0 / 1000)

word_t sched_context_update_consumed(sched_context_t *sc)
{
    ticks_t consumed = sc->consumed;

    if (consumed >= MAX_TICKS_TO_US) {
        sc->consumed -= MAX_TICKS_TO_US;
        return ticks_to_us(MAX_TICKS_TO_US);
    }
    sc->consumed = 0;
    return ticks_to_us(consumed);
}

void sched_context_cancel_yield_to(tcb_t *t)
{
    if (t && t->yield_to) {
        t->yield_to->yield_from = NULL;
        t->yield_to = NULL;
    }
}

/* The answer to a YieldTo whose reply was deferred until the caller ran again. */
void sched_context_complete_yield_to(tcb_t *yielder)
{
    if (!yielder || !yielder->yield_to)
        return;
    word_t consumed = sched_context_update_consumed(yielder->yield_to);
    set_reg(yielder, REG_BADGE, 0);
    set_mr(yielder, lookup_ipc_buffer(yielder, true), 0, consumed);
    set_reg(yielder, REG_MSGINFO, 1);        /* label 0, length 1 */
    sched_context_cancel_yield_to(yielder);
}

/* ---- invocations ------------------------------------------------------------------------ */

static void reply_consumed(invocation_t *inv, sched_context_t *sc)
{
    word_t consumed = sched_context_update_consumed(sc);
    if (inv->call)
        inv_reply_mr(inv, 0, consumed);
}

static status_t decode_bind(invocation_t *inv, sched_context_t *sc)
{
    if (inv->extra_count < 1)
        return fail_truncated("SchedContext Bind: no TCB or notification cap");
    cap_t cap = inv->extra[0].cap;

    switch (cap_type(cap)) {
    case cap_thread_cap: {
        tcb_t *t = tcb_of_cap(cap);
        if (sc->tcb)
            return fail_illegal("SchedContext Bind: SC already bound to a thread");
        if (t->sc)
            return fail_illegal("SchedContext Bind: thread already has an SC");
        if (thread_is_blocked(t) && !(sched_context_is_active(sc) && refill_ready(sc)))
            return fail_illegal("SchedContext Bind: thread blocked and SC not released");
        sched_context_bind_tcb(sc, t);
        return OK;
    }
    case cap_notification_cap: {
        notification_t *n = cap_ptr(cap);
        if (sc->notification)
            return fail_illegal("SchedContext Bind: SC already bound to a notification");
        if (n->sc)
            return fail_illegal("SchedContext Bind: notification already has an SC");
        sched_context_bind_notification(sc, n);
        return OK;
    }
    default:
        return fail_invalid_cap(1, "SchedContext Bind: not a TCB or notification cap");
    }
}

static status_t decode_unbind_object(invocation_t *inv, sched_context_t *sc)
{
    if (inv->extra_count < 1)
        return fail_truncated("SchedContext UnbindObject: no TCB or notification cap");
    cap_t cap = inv->extra[0].cap;

    switch (cap_type(cap)) {
    case cap_thread_cap:
        if (sc->tcb != tcb_of_cap(cap))
            return fail_illegal("SchedContext UnbindObject: thread not bound to this SC");
        if (sc->tcb == inv->thread)
            return fail_illegal("SchedContext UnbindObject: cannot unbind the caller's SC");
        sched_context_unbind_tcb(sc);
        return OK;
    case cap_notification_cap:
        if (sc->notification != (notification_t *)cap_ptr(cap))
            return fail_illegal("SchedContext UnbindObject: notification not bound to this SC");
        sched_context_unbind_notification(sc);
        return OK;
    default:
        return fail_invalid_cap(1, "SchedContext UnbindObject: not a TCB or notification cap");
    }
}

/*
 * YieldTo: run sc's thread now in place of the caller, if its priority is not lower.
 * The caller is queued right behind it and gets its answer (the consumed time of sc)
 * when it runs again (sched_context_complete_yield_to from activate_thread).
 */
static void perform_yield_to(invocation_t *inv, sched_context_t *sc)
{
    tcb_t *caller = inv->thread;

    if (sc->yield_from)
        sched_context_complete_yield_to(sc->yield_from);
    sched_context_resume(sc);

    tcb_t *t = sc->tcb;
    if (thread_is_schedulable(t) && t->priority >= caller->priority) {
        caller->yield_to = sc;
        sc->yield_from = caller;
        sched_dequeue(t);
        sched_enqueue(caller);
        sched_enqueue(t);             /* ahead of the caller at an equal priority */
        reschedule_required();
        return;                       /* the dispatcher sends an empty reply now */
    }
    if (thread_is_schedulable(t)) {   /* lower priority: it only moves to its queue's head */
        sched_dequeue(t);
        sched_enqueue(t);
    }
    reply_consumed(inv, sc);
}

static status_t decode_yield_to(invocation_t *inv, sched_context_t *sc)
{
    tcb_t *caller = inv->thread;

    if (!sc->tcb)
        return fail_illegal("SchedContext YieldTo: SC has no thread");
    if (sc->tcb == caller)
        return fail_illegal("SchedContext YieldTo: cannot yield to oneself");
    if (sc->tcb->priority > caller->mcp)
        return fail_illegal("SchedContext YieldTo: target priority above the caller's MCP");
    if (caller->yield_to)
        return fail_illegal("SchedContext YieldTo: caller already yields to an SC");
    perform_yield_to(inv, sc);
    return OK;
}

status_t decode_sched_context_invocation(invocation_t *inv)
{
    sched_context_t *sc = cap_ptr(inv->cap);

    switch (inv->label) {
    case SchedContextConsumed:
        reply_consumed(inv, sc);
        return OK;
    case SchedContextBind:
        return decode_bind(inv, sc);
    case SchedContextUnbindObject:
        return decode_unbind_object(inv, sc);
    case SchedContextUnbind:
        if (sc->tcb && sc->tcb == inv->thread)
            return fail_illegal("SchedContext Unbind: cannot unbind the caller's SC");
        sched_context_unbind_all(sc);
        return OK;
    case SchedContextYieldTo:
        return decode_yield_to(inv, sc);
    default:
        return fail_illegal("not a SchedContext method");
    }
}
