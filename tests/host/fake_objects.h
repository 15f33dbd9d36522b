/*
 * Weak stand-ins (fake_objects.c) for what the CSpace/CNode/Untyped code calls in other
 * modules (threads, IPC objects, scheduling contexts, IRQs, message registers,
 * preemption). When the real modules are linked in, theirs win, so tests must not rely
 * on these counters unless they check that the fakes are the ones linked.
 */
#pragma once

#include <keel/types.h>

typedef struct fake_object_calls {
    word_t tcb_init, tcb_finalise;
    word_t endpoint_cancel_all, endpoint_cancel_badged_sends;
    word_t last_cancel_badge;
    word_t notification_finalise, reply_finalise;
    word_t sched_context_init, sched_context_finalise;
    word_t irq_handler_finalise, last_irq;
} fake_object_calls_t;

extern fake_object_calls_t fake_calls;

/* True if the fake endpoint hooks (endpoint_cancel_all, endpoint_cancel_badged_sends)
 * are the ones linked, not the real IPC code. */
bool fake_endpoint_hooks_in_use(void);
/* True if preemption_point() is the fake one, which preempts at every call while
 * fake_irq_pending is set (the real one checks only every so many calls). */
bool fake_preemption_in_use(void);
