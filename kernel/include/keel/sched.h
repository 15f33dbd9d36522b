/* Scheduling: priority ready queues, MCS scheduling contexts, time (model/sched.c,
 * object/schedcontext.c).
 *
 * Semantics follow seL4 MCS: a thread runs only if it is runnable and has an active
 * (configured) scheduling context whose head refill is released and holds at least
 * MIN_BUDGET; otherwise it waits in the release queue (out of budget) or nowhere at all
 * (no SC: "passive"). Time is kept in ticks of the 62.5 MHz counter. */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>

/* ---- thread states and ready queues -------------------------------------------------- */
void set_thread_state(tcb_t *t, thread_state_t s);   /* also asks for a reschedule if needed */
bool thread_is_runnable(const tcb_t *t);              /* Running or Restart */
bool thread_is_schedulable(const tcb_t *t);           /* runnable, has an SC with budget... */
bool thread_is_blocked(const tcb_t *t);               /* BlockedOn{Receive,Send,Reply,Notification} */
bool thread_is_stopped(const tcb_t *t);               /* Inactive or blocked */
/* seL4's queue operations: enqueue puts t at the HEAD of its priority's queue (a thread
 * that was preempted keeps its place), append at the TAIL (end of a timeslice). Both do
 * nothing if t is queued already; t must be schedulable. */
void sched_enqueue(tcb_t *t);
void sched_append(tcb_t *t);
void sched_dequeue(tcb_t *t);
void possible_switch_to(tcb_t *t);                    /* woken thread: run it if it should */
void reschedule_required(void);
void schedule(void);                                  /* at the end of every kernel entry */
void activate_thread(void);                           /* make ks_cur_thread ready to run */
void set_priority(tcb_t *t, word_t prio);             /* also reorders endpoint queues */
void set_mcp(tcb_t *t, word_t mcp);
void set_domain(tcb_t *t, word_t domain);
void sched_dump(void);                                /* DebugDumpScheduler */
/* The invariant checker's view of priority prio's ready queue: its ends, and whether the
 * priority bitmap marks it non-empty. */
void sched_debug_ready_queue(word_t prio, tcb_t **head, tcb_t **tail, bool *marked);

/* ---- MCS time accounting --------------------------------------------------------------- */
/* At every kernel entry: read the clock and check the current SC's budget. Returns false
 * if the current thread has run out of budget; it has then been charged and postponed
 * (release queue), moved to the end of its queue (round robin) or sent a Timeout fault.
 * It never changes the thread's state to Restart: the syscall path does that. */
bool mcs_entry_check_budget(void);
/* Charge the time used since the last charge (ks_consumed) to ks_cur_sc. schedule()
 * does this when it switches SCs or reprograms the timer; otherwise the time stays in
 * ks_consumed and is charged later in one piece (fewer, larger refills). */
void mcs_commit_time(void);
void mcs_set_next_timer_interrupt(void);              /* schedule() calls it if ks_reprogram */
void mcs_handle_timer_interrupt(void);                /* the kernel timer's IRQ */
void mcs_yield(void);                                 /* the Yield syscall */
/* Out of budget: move sc's thread from the ready queue to the release queue. */
void sched_postpone(sched_context_t *sc);
void release_queue_remove(tcb_t *t);                  /* no-op if not in it */
tcb_t *release_queue_head(void);                      /* earliest release, or NULL */
/* The IPC fast path may switch straight to a woken thread whose priority is at least
 * this: nothing ready is more important and no release is due (see sched.c). */
word_t sched_fastpath_min_prio(void);
/* The end of schedule() (ks_cur_thread chosen): charge the time, switch ks_cur_sc to the
 * thread's SC, set the timer if needed. */
void sched_switch_sched_context(void);
ticks_t us_to_ticks(word_t us);                       /* saturates at ~0 */
word_t ticks_to_us(ticks_t ticks);

/* ---- scheduling contexts -------------------------------------------------------------- */
void sched_context_init(sched_context_t *sc, word_t size_bits);
void sched_context_bind_tcb(sched_context_t *sc, tcb_t *t);
void sched_context_unbind_tcb(sched_context_t *sc);
void sched_context_bind_notification(sched_context_t *sc, notification_t *n);
void sched_context_unbind_notification(sched_context_t *sc);
/* Move sc to thread 'to' (which has none), e.g. along a Call or from a notification. */
void sched_context_donate(sched_context_t *sc, tcb_t *to);
/* SchedContext_Unbind: unbind the TCB, the notification and the reply chain. */
void sched_context_unbind_all(sched_context_t *sc);
void sched_context_finalise(sched_context_t *sc);     /* last cap deleted */
/* Configure as SchedControl_ConfigureFlags does (ticks, not µs). budget == period makes
 * a round-robin SC; otherwise a sporadic server with extra_refills + 2 refills. */
void sched_context_configure(sched_context_t *sc, ticks_t budget, ticks_t period,
                             word_t extra_refills, word_t badge, bool sporadic);
bool sched_context_has_budget(const sched_context_t *sc);    /* active, released, sufficient */
/* configured (refill_max > 0) */
static inline bool sched_context_is_active(const sched_context_t *sc) { return sc && sc->refill_max > 0; }
static inline bool sched_context_is_round_robin(const sched_context_t *sc) { return sc->period == 0; }
bool sched_context_is_sporadic(const sched_context_t *sc);   /* active and flag set */
/* If sc's thread is schedulable but sc is not released or sufficient: postpone it. */
void sched_context_resume(sched_context_t *sc);
/* refill_unblock_check: a released SC's head refill is re-based to now and merged with
 * the refills it now overlaps. Callers that wake a thread call
 * sched_context_unblock_sporadic(t->sc) first (does nothing unless sc is sporadic and
 * not ks_cur_sc), as seL4 does in its IPC and restart paths. */
void sched_context_unblock_check(sched_context_t *sc);
void sched_context_unblock_sporadic(sched_context_t *sc);
/* SchedContext_Consumed / Timeout faults: consumed time in µs, counter reset. */
word_t sched_context_update_consumed(sched_context_t *sc);
void sched_context_cancel_yield_to(tcb_t *t);          /* forget t's YieldTo */
/* Finish yielder's YieldTo: reply MR0 = consumed µs (msginfo length 1), then forget. */
void sched_context_complete_yield_to(tcb_t *yielder);
/* Refill slots an SC of 2^size_bits bytes holds. */
word_t sched_context_refill_capacity(word_t size_bits);

/* ---- the refill queue (object/schedcontext.c; exported for sched.c and the tests) ------ */
#define MIN_REFILLS       2
#define MIN_BUDGET        ((ticks_t)KEEL_MIN_BUDGET_TICKS)                  /* 20 µs */
#define TICKS_PER_MS      ((ticks_t)KEEL_TIMER_CLOCK_HZ / 1000)
#define KERNEL_WCET_TICKS ((ticks_t)KEEL_KERNEL_WCET_US * TICKS_PER_MS / 1000)   /* 10 µs */
/* Refills are never placed beyond this, so time arithmetic cannot overflow. */
#define MAX_RELEASE_TIME  (~(ticks_t)0 - 5 * ((ticks_t)KEEL_MAX_PERIOD_US * TICKS_PER_MS / 1000))

static inline refill_t *refill_head(sched_context_t *sc) { return &sc->refills[sc->refill_head]; }
static inline refill_t *refill_tail(sched_context_t *sc)
{
    uint32_t index = sc->refill_head + sc->refill_count - 1;
    if (index >= sc->refill_max)
        index -= sc->refill_max;
    return &sc->refills[index];
}
bool refill_ready(const sched_context_t *sc);          /* head released (within WCET) */
bool refill_sufficient(const sched_context_t *sc, ticks_t usage);  /* head - usage >= MIN */
ticks_t refill_sum(const sched_context_t *sc);
void refill_new(sched_context_t *sc, word_t max_refills, ticks_t budget, ticks_t period);
void refill_update(sched_context_t *sc, ticks_t period, ticks_t budget, word_t max_refills);
/* Charge 'usage' to a sporadic (non round-robin) SC: the used time comes back one
 * period after it was released. */
void refill_budget_check(sched_context_t *sc, ticks_t usage);
