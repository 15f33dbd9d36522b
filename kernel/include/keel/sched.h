/* Scheduling: priority ready queues, MCS scheduling contexts, time (model/sched.c,
 * object/schedcontext.c). */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>

/* ---- thread states and ready queues -------------------------------------------------- */
void set_thread_state(tcb_t *t, thread_state_t s);   /* also asks for a reschedule if needed */
bool thread_is_runnable(const tcb_t *t);              /* Running or Restart */
bool thread_is_schedulable(const tcb_t *t);           /* runnable, has an SC with budget... */
void sched_enqueue(tcb_t *t);                         /* tail of its priority's queue */
void sched_append(tcb_t *t);
void sched_dequeue(tcb_t *t);
void possible_switch_to(tcb_t *t);                    /* woken thread: run it if it should */
void reschedule_required(void);
void schedule(void);                                  /* at the end of every kernel entry */
void activate_thread(void);                           /* make ks_cur_thread ready to run */
void set_priority(tcb_t *t, word_t prio);
void set_mcp(tcb_t *t, word_t mcp);
void sched_dump(void);                                /* DebugDumpScheduler */

/* ---- MCS time accounting --------------------------------------------------------------- */
/* At every kernel entry: read the clock and charge the current SC. Returns false if the
 * current thread has run out of budget (it has been postponed or faulted already). */
bool mcs_entry_check_budget(void);
void mcs_set_next_timer_interrupt(void);              /* before returning to user */
void mcs_handle_timer_interrupt(void);
void mcs_yield(void);                                 /* the Yield syscall */

/* ---- scheduling contexts -------------------------------------------------------------- */
void sched_context_init(sched_context_t *sc, word_t size_bits);
void sched_context_bind_tcb(sched_context_t *sc, tcb_t *t);
void sched_context_unbind_tcb(sched_context_t *sc);
void sched_context_bind_notification(sched_context_t *sc, notification_t *n);
void sched_context_unbind_notification(sched_context_t *sc);
void sched_context_donate(sched_context_t *sc, tcb_t *to);
void sched_context_unbind_all(sched_context_t *sc);
void sched_context_finalise(sched_context_t *sc);
/* Configure as SchedControl_ConfigureFlags does (ticks, not µs). */
void sched_context_configure(sched_context_t *sc, ticks_t budget, ticks_t period,
                             word_t extra_refills, word_t badge, bool sporadic);
bool sched_context_has_budget(const sched_context_t *sc);
ticks_t us_to_ticks(word_t us);
word_t ticks_to_us(ticks_t ticks);
