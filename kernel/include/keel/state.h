/* The kernel's global state ("ks_"): one CPU, one kernel stack, no heap. */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>

extern tcb_t *ks_cur_thread;          /* the thread whose context the exit path restores */
extern tcb_t *ks_idle_thread;         /* runs (wfi at EL1) when nothing else can */

/* What schedule() must do at the end of this kernel entry. */
#define SCHED_RESUME_CURRENT ((tcb_t *)0)
#define SCHED_CHOOSE_NEW     ((tcb_t *)1)
extern tcb_t *ks_sched_action;        /* one of the above, or a thread to switch to */

extern sched_context_t *ks_cur_sc;    /* SC being charged for the current thread */
extern ticks_t ks_cur_time;           /* time of this kernel entry */
extern ticks_t ks_consumed;           /* time consumed by ks_cur_sc since last charge */
extern bool    ks_reprogram;          /* the timer deadline must be recomputed */
extern uint8_t ks_cur_domain;

/* The root task's initial caps that have no object (made at boot). */
extern word_t ks_num_kernel_entries;
