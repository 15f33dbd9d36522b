/*
 * The scheduler: priority ready queues, the release queue, MCS time accounting and the
 * timer deadline.
 *
 * Ready queues: one FIFO per priority (256) and a two-level bitmap of the non-empty
 * ones, so the highest ready priority is found with two count-leading-zeros: choosing a
 * thread costs the same whatever the number of threads.
 *
 * Time: ks_cur_time is the time of this kernel entry; ks_consumed the time used by the
 * current SC since it was last charged. Charging is lazy (mcs_commit_time): only when
 * the SC changes or the timer must be reprogrammed, so a thread that enters the kernel
 * often does not fragment its refills.
 *
 * The decisions follow seL4's (kernel/thread.c): the scheduler action says whether to
 * resume the current thread, choose the best ready one, or switch to a thread that was
 * just woken (which preempts if its priority is at least as high as everything ready).
 */
#include <keel/kernel.h>
#include <keel/sched.h>
#include <keel/state.h>
#include <keel/tcb.h>
#include <keel/ipc.h>
#include <keel/vspace.h>
#include <keel/arch_api.h>

/* ---- ready queues and the priority bitmap ------------------------------------------------- */

#define L2_WORDS (KEEL_NUM_PRIORITIES / 64)
STATIC_ASSERT(KEEL_NUM_PRIORITIES % 64 == 0 && L2_WORDS <= 64, "two-level bitmap layout");

typedef struct ready_queue {
    tcb_t *head, *tail;
} ready_queue_t;

static ready_queue_t ready_queues[KEEL_NUM_PRIORITIES];
static word_t prio_l1;               /* bit i: prio_l2[i] != 0 */
static word_t prio_l2[L2_WORDS];     /* bit p % 64 of word p / 64: queue p non-empty */

static tcb_t *release_head;          /* sorted by head refill release time */

static void bitmap_set(word_t prio)
{
    prio_l2[prio / 64] |= BIT(prio % 64);
    prio_l1 |= BIT(prio / 64);
}

static void bitmap_clear(word_t prio)
{
    prio_l2[prio / 64] &= ~BIT(prio % 64);
    if (prio_l2[prio / 64] == 0)
        prio_l1 &= ~BIT(prio / 64);
}

static word_t highest_prio(void)
{
    word_t l1 = 63 - __builtin_clzll(prio_l1);
    return l1 * 64 + 63 - __builtin_clzll(prio_l2[l1]);
}

static bool is_highest_prio(word_t prio)
{
    return prio_l1 == 0 || prio >= highest_prio();
}

void sched_enqueue(tcb_t *t)
{
    kassert(thread_is_schedulable(t));
    if (t->in_ready_queue)
        return;
    ready_queue_t *q = &ready_queues[t->priority];
    t->sched_prev = NULL;
    t->sched_next = q->head;
    if (q->head)
        q->head->sched_prev = t;
    else
        q->tail = t;
    q->head = t;
    bitmap_set(t->priority);
    t->in_ready_queue = true;
}

void sched_append(tcb_t *t)
{
    kassert(thread_is_schedulable(t));
    if (t->in_ready_queue)
        return;
    ready_queue_t *q = &ready_queues[t->priority];
    t->sched_next = NULL;
    t->sched_prev = q->tail;
    if (q->tail)
        q->tail->sched_next = t;
    else
        q->head = t;
    q->tail = t;
    bitmap_set(t->priority);
    t->in_ready_queue = true;
}

void sched_dequeue(tcb_t *t)
{
    if (!t->in_ready_queue)
        return;
    ready_queue_t *q = &ready_queues[t->priority];
    if (t->sched_prev)
        t->sched_prev->sched_next = t->sched_next;
    else
        q->head = t->sched_next;
    if (t->sched_next)
        t->sched_next->sched_prev = t->sched_prev;
    else
        q->tail = t->sched_prev;
    if (!q->head)
        bitmap_clear(t->priority);
    t->sched_next = t->sched_prev = NULL;
    t->in_ready_queue = false;
}

/* ---- thread states ---------------------------------------------------------------------- */

bool thread_is_runnable(const tcb_t *t)
{
    return t->state == ThreadState_Running || t->state == ThreadState_Restart;
}

bool thread_is_blocked(const tcb_t *t)
{
    switch (t->state) {
    case ThreadState_BlockedOnReceive:
    case ThreadState_BlockedOnSend:
    case ThreadState_BlockedOnReply:
    case ThreadState_BlockedOnNotification:
        return true;
    default:
        return false;
    }
}

bool thread_is_stopped(const tcb_t *t)
{
    return t->state == ThreadState_Inactive || thread_is_blocked(t);
}

bool thread_is_schedulable(const tcb_t *t)
{
    return thread_is_runnable(t) && sched_context_is_active(t->sc) && !t->in_release_queue;
}

void reschedule_required(void)
{
    tcb_t *action = ks_sched_action;
    /* A thread we meant to switch to must not be lost: back into its queue. */
    if (action != SCHED_RESUME_CURRENT && action != SCHED_CHOOSE_NEW && thread_is_schedulable(action))
        sched_enqueue(action);
    ks_sched_action = SCHED_CHOOSE_NEW;
}

void set_thread_state(tcb_t *t, thread_state_t s)
{
    t->state = s;
    if (t == ks_cur_thread && ks_sched_action == SCHED_RESUME_CURRENT && !thread_is_schedulable(t))
        reschedule_required();
}

/* A runnable thread with budget: let schedule() consider switching to it directly (the
 * cheap case of one woken thread); with several, fall back to the queues. */
static void switch_to_if_best(tcb_t *t)
{
    if (t->domain != ks_cur_domain) {
        sched_enqueue(t);
    } else if (ks_sched_action != SCHED_RESUME_CURRENT) {
        reschedule_required();
        sched_enqueue(t);
    } else {
        ks_sched_action = t;
    }
}

/* Every place that wakes a thread comes here. As in seL4's wake-up paths, a sporadic SC
 * re-bases its refills now, and an SC without released budget sends its thread to the
 * release queue instead of the ready queue. */
void possible_switch_to(tcb_t *t)
{
    if (!t->sc || t->in_release_queue || !thread_is_runnable(t))
        return;                  /* passive, already waiting for budget, or not awake */
    sched_context_unblock_sporadic(t->sc);
    if (!sched_context_has_budget(t->sc)) {
        if (sched_context_is_active(t->sc))
            sched_postpone(t->sc);
        return;
    }
    switch_to_if_best(t);
}

/* ---- choosing the next thread --------------------------------------------------------------- */

static void switch_to_thread(tcb_t *t)
{
    kassert(sched_context_has_budget(t->sc) && !t->in_release_queue);
    sched_dequeue(t);
    ks_cur_thread = t;
}

static void choose_thread(void)
{
    if (prio_l1 == 0) {
        ks_cur_thread = ks_idle_thread;
        return;
    }
    switch_to_thread(ready_queues[highest_prio()].head);
}

/* ks_sched_action named a woken thread. It runs now unless something ready has a
 * higher priority; at a priority equal to the current thread's, the current thread
 * keeps the CPU (it was queued at the head) and the woken one goes to the tail. */
static void switch_to_candidate(tcb_t *candidate, bool was_runnable)
{
    tcb_t *cur = ks_cur_thread;

    if (!thread_is_schedulable(candidate)) {
        choose_thread();         /* it blocked or lost its SC after being woken */
        return;
    }
    bool maybe_lower = cur == ks_idle_thread || candidate->priority < cur->priority;
    if (maybe_lower && !is_highest_prio(candidate->priority)) {
        sched_enqueue(candidate);
        choose_thread();
    } else if (was_runnable && candidate->priority == cur->priority) {
        sched_append(candidate);
        choose_thread();
    } else {
        switch_to_thread(candidate);
    }
}

/* Whether 'sc' is one whose time is accounted (not the idle thread's, not a dead one). */
static bool is_charged_sc(const sched_context_t *sc)
{
    return sched_context_is_active(sc) && !(ks_idle_thread && sc == ks_idle_thread->sc);
}

/* The thread to run has been chosen: make its SC the one that is charged. A constant-
 * bandwidth SC re-bases its refills when it starts running (a sporadic one did so when
 * its thread was woken). */
static void switch_sched_context(void)
{
    sched_context_t *next = ks_cur_thread->sc;

    if (next != ks_cur_sc) {
        ks_reprogram = true;
        if (next && is_charged_sc(next) && !next->sporadic)
            sched_context_unblock_check(next);
    }
    if (ks_reprogram)
        mcs_commit_time();       /* the timer is set from now on: charge what was used */
    ks_cur_sc = next;
}

static void awaken(void);

void schedule(void)
{
    awaken();

    if (ks_sched_action != SCHED_RESUME_CURRENT) {
        bool was_runnable = thread_is_schedulable(ks_cur_thread);
        if (was_runnable)
            sched_enqueue(ks_cur_thread);
        if (ks_sched_action == SCHED_CHOOSE_NEW)
            choose_thread();
        else
            switch_to_candidate(ks_sched_action, was_runnable);
    }
    ks_sched_action = SCHED_RESUME_CURRENT;
    sched_switch_sched_context();
}

/* The end of schedule(), once ks_cur_thread is chosen: charge the time used, make the
 * thread's SC the current one and set the timer if needed. The IPC fast path calls it
 * when the thread it switched to runs on an SC of its own. */
void sched_switch_sched_context(void)
{
    switch_sched_context();
    if (ks_reprogram) {
        mcs_set_next_timer_interrupt();
        ks_reprogram = false;
    }
}

void activate_thread(void)
{
    tcb_t *t = ks_cur_thread;

    if (t == ks_idle_thread) {
        arch_set_no_user_vspace();
        return;
    }
    if (t->yield_to)
        sched_context_complete_yield_to(t);   /* a YieldTo answered late */
    switch (t->state) {
    case ThreadState_Running:
        break;
    case ThreadState_Restart:
        /* Re-execute the instruction that trapped (a syscall restarts this way). */
        set_reg(t, REG_PC, get_reg(t, REG_FAULT_IP));
        set_thread_state(t, ThreadState_Running);
        break;
    default:
        panic("activate_thread: current thread '%s' is not runnable (state %d)", tcb_name(t), t->state);
    }
    vspace_activate(t);
}

/* ---- priorities and domains --------------------------------------------------------------- */

void set_priority(tcb_t *t, word_t prio)
{
    switch (t->state) {
    case ThreadState_Running:
    case ThreadState_Restart:
        if (t->in_ready_queue || t == ks_cur_thread) {
            sched_dequeue(t);
            t->priority = prio;
            if (thread_is_schedulable(t))
                sched_enqueue(t);
            reschedule_required();
        } else {
            t->priority = prio;
        }
        break;
    case ThreadState_BlockedOnReceive:
    case ThreadState_BlockedOnSend:
    case ThreadState_BlockedOnNotification:
        /* Endpoint and notification queues are sorted by priority (ABI (a)). */
        t->priority = prio;
        ipc_reorder_waiter(t);
        break;
    default:
        t->priority = prio;
        break;
    }
}

void set_mcp(tcb_t *t, word_t mcp)
{
    t->mcp = mcp;
}

void set_domain(tcb_t *t, word_t domain)
{
    sched_dequeue(t);
    t->domain = domain;
    if (thread_is_schedulable(t))
        sched_enqueue(t);
    if (t == ks_cur_thread)
        reschedule_required();
}

/* ---- the release queue: threads waiting for their next refill ------------------------------ */

static ticks_t release_time(tcb_t *t)
{
    return refill_head(t->sc)->release;
}

tcb_t *release_queue_head(void)
{
    return release_head;
}

/* For the IPC fast path (api/fastpath.c), with ks_cur_time up to date: the lowest
 * priority a thread woken now must have for schedule(), choosing among the ready
 * threads and that thread (queued at the head of its priority), to pick it and change
 * nothing else: no ready thread may have a higher priority, and awaken() must have no
 * thread to release (KEEL_NUM_PRIORITIES, which no thread has, if it has one). */
word_t sched_fastpath_min_prio(void)
{
    if (release_head && refill_ready(release_head->sc))
        return KEEL_NUM_PRIORITIES;
    return prio_l1 == 0 ? 0 : highest_prio();
}

/* Insert behind every thread released no later (linear in the queue's length, as in
 * seL4; the queue holds only threads that ran out of budget). */
static void release_queue_insert(tcb_t *t)
{
    kassert(!t->in_release_queue && !t->in_ready_queue);
    tcb_t *before = NULL, *after = release_head;
    while (after && release_time(after) <= release_time(t)) {
        before = after;
        after = after->sched_next;
    }
    t->sched_prev = before;
    t->sched_next = after;
    if (before) {
        before->sched_next = t;
    } else {
        release_head = t;
        ks_reprogram = true;     /* the earliest release changed */
    }
    if (after)
        after->sched_prev = t;
    t->in_release_queue = true;
}

void release_queue_remove(tcb_t *t)
{
    if (!t->in_release_queue)
        return;
    if (t->sched_prev) {
        t->sched_prev->sched_next = t->sched_next;
    } else {
        release_head = t->sched_next;
        ks_reprogram = true;
    }
    if (t->sched_next)
        t->sched_next->sched_prev = t->sched_prev;
    t->sched_next = t->sched_prev = NULL;
    t->in_release_queue = false;
}

void sched_postpone(sched_context_t *sc)
{
    tcb_t *t = sc->tcb;
    kassert(t != NULL);
    sched_dequeue(t);
    release_queue_insert(t);
    ks_reprogram = true;
    if (t == ks_cur_thread)
        reschedule_required();   /* it cannot go on running */
}

/* Threads whose refill has come: back to the ready queues. */
static void awaken(void)
{
    while (release_head && refill_ready(release_head->sc)) {
        tcb_t *t = release_head;
        release_queue_remove(t);
        switch_to_if_best(t);
    }
}

/* ---- time ---------------------------------------------------------------------------------- */

ticks_t us_to_ticks(word_t us)
{
    if (us > ~(word_t)0 / TICKS_PER_MS)
        return ~(ticks_t)0;
    return us * TICKS_PER_MS / 1000;
}

word_t ticks_to_us(ticks_t ticks)
{
    /* Split so that ticks * 1000 cannot overflow. */
    return ticks / TICKS_PER_MS * 1000 + ticks % TICKS_PER_MS * 1000 / TICKS_PER_MS;
}

static void update_timestamp(void)
{
    ticks_t now = arch_timer_now();
    if (now > ks_cur_time)
        ks_consumed += now - ks_cur_time;
    ks_cur_time = now;
}

void mcs_commit_time(void)
{
    sched_context_t *sc = ks_cur_sc;

    if (is_charged_sc(sc) && ks_consumed > 0) {
        if (sched_context_is_round_robin(sc)) {
            /* Round robin: the head keeps what is left, the tail what was used. */
            ticks_t used = MIN(ks_consumed, refill_head(sc)->amount);
            refill_head(sc)->amount -= used;
            refill_tail(sc)->amount += used;
        } else {
            refill_budget_check(sc, ks_consumed);
        }
        sc->consumed += ks_consumed;
    }
    ks_consumed = 0;
}

/* The current thread's timeslice is over: fault it, requeue it (round robin) or wait
 * for the next refill. */
static void end_timeslice(bool can_timeout_fault)
{
    tcb_t *t = ks_cur_thread;
    sched_context_t *sc = ks_cur_sc;

    if (can_timeout_fault && !sched_context_is_round_robin(sc) && valid_timeout_handler(t)) {
        handle_timeout(t);       /* records the Timeout fault (badge = sc->badge) */
    } else if (refill_ready(sc) && refill_sufficient(sc, 0)) {
        sched_append(t);
    } else {
        sched_postpone(sc);
    }
}

/* Charge 'consumed' as used in full: a round-robin SC starts a new timeslice, a sporadic
 * one consumes its head refills. */
static void charge_budget(ticks_t consumed, bool can_timeout_fault)
{
    sched_context_t *sc = ks_cur_sc;

    if (is_charged_sc(sc)) {
        if (sched_context_is_round_robin(sc)) {
            refill_head(sc)->amount += refill_tail(sc)->amount;
            refill_tail(sc)->amount = 0;
        } else {
            refill_budget_check(sc, consumed);
        }
        sc->consumed += consumed;
    }
    ks_consumed = 0;
    if (thread_is_schedulable(ks_cur_thread) && ks_cur_thread->sc == sc) {
        end_timeslice(can_timeout_fault);
        reschedule_required();
        ks_reprogram = true;
    }
}

bool mcs_entry_check_budget(void)
{
    update_timestamp();
    if (!is_charged_sc(ks_cur_sc) || ks_cur_thread == ks_idle_thread)
        return true;
    if (refill_sufficient(ks_cur_sc, ks_consumed))
        return true;
    charge_budget(ks_consumed, true);
    return false;
}

void mcs_yield(void)
{
    sched_context_t *sc = ks_cur_sc;

    if (!is_charged_sc(sc)) {
        reschedule_required();
        return;
    }
    /* Give up the whole head refill, but report only the time really used. */
    ticks_t consumed = sc->consumed + ks_consumed;
    charge_budget(refill_head(sc)->amount, false);
    sc->consumed = consumed;
}

/* Next timer interrupt: the end of the current thread's head refill or the earliest
 * release, whichever comes first. Called with the current SC freshly charged. */
void mcs_set_next_timer_interrupt(void)
{
    ticks_t next = ~(ticks_t)0;
    tcb_t *t = ks_cur_thread;

    if (t != ks_idle_thread && is_charged_sc(t->sc))
        next = ks_cur_time + refill_head(t->sc)->amount;
    if (release_head)
        next = MIN(next, release_time(release_head));
    arch_timer_set_deadline(next);
}

/* The deadline passed. The budget check at entry has charged the current thread, and
 * schedule() will wake released threads and set the next deadline. */
void mcs_handle_timer_interrupt(void)
{
    arch_timer_ack();
    ks_reprogram = true;
}

/* ---- DebugDumpScheduler ------------------------------------------------------------------- */

static const char *state_name(thread_state_t s)
{
    switch (s) {
    case ThreadState_Inactive:              return "inactive";
    case ThreadState_Running:               return "running";
    case ThreadState_Restart:               return "restart";
    case ThreadState_BlockedOnReceive:      return "blocked-recv";
    case ThreadState_BlockedOnSend:         return "blocked-send";
    case ThreadState_BlockedOnReply:        return "blocked-reply";
    case ThreadState_BlockedOnNotification: return "blocked-ntfn";
    case ThreadState_IdleThreadState:       return "idle";
    default:                                return "?";
    }
}

static void dump_thread(tcb_t *t)
{
    sched_context_t *sc = t->sc;

    kprintf("  %-24s %3u %3u %-13s", t->name[0] ? t->name : "(unnamed)", t->priority, t->mcp,
            state_name(t->state));
    if (sc && sched_context_is_active(sc))
        kprintf(" %10lu %10lu %10lu %2u", ticks_to_us(sc->budget),
                ticks_to_us(sched_context_is_round_robin(sc) ? sc->budget : sc->period),
                ticks_to_us(sc->consumed), sc->refill_count);
    else
        kprintf(" %10s %10s %10s %2s", sc ? "unconf" : "passive", "-", "-", "-");
    kprintf("%s%s%s\n", t == ks_cur_thread ? " current" : "", t->in_ready_queue ? " ready" : "",
            t->in_release_queue ? " released-later" : "");
}

void sched_dump(void)
{
    kprintf("keel: scheduler at %lu ticks, current '%s'\n", ks_cur_time, tcb_name(ks_cur_thread));
    kprintf("  %-24s %3s %3s %-13s %10s %10s %10s %2s\n", "thread", "pri", "mcp", "state",
            "budget-us", "period-us", "used-us", "rf");
    for (tcb_t *t = tcb_debug_list(); t; t = t->debug_next)
        dump_thread(t);
    if (ks_idle_thread && !ks_idle_thread->debug_prev && tcb_debug_list() != ks_idle_thread)
        dump_thread(ks_idle_thread);
}

/* ---- for the invariant checker (model/invariants.c) ------------------------------------------ */

void sched_debug_ready_queue(word_t prio, tcb_t **head, tcb_t **tail, bool *marked)
{
    *head = ready_queues[prio].head;
    *tail = ready_queues[prio].tail;
    *marked = (prio_l2[prio / 64] & BIT(prio % 64)) != 0 && (prio_l1 & BIT(prio / 64)) != 0;
}
