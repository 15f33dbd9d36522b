/*
 * Weak stand-ins for the modules the CSpace/CNode/Untyped code calls (see
 * fake_objects.h). Each only records that it was called: the objects it is handed are
 * zeroed host memory with nothing queued on them. The real modules, when linked into
 * the same test binary, replace every one of these.
 */
#include <stdio.h>
#include <stdlib.h>
#include <keel/kernel.h>
#include <keel/invocation.h>
#include <keel/tcb.h>
#include <keel/ipc.h>
#include <keel/sched.h>
#include <keel/interrupt.h>
#include <keel/status.h>
#include "fake_arch.h"
#include "fake_objects.h"

#define WEAK __attribute__((weak))

fake_object_calls_t fake_calls;

/* ---- threads ---------------------------------------------------------------------------- */
WEAK void tcb_init(tcb_t *t) { (void)t; fake_calls.tcb_init++; }
WEAK void tcb_finalise(tcb_t *t) { (void)t; fake_calls.tcb_finalise++; }

/* ---- IPC objects ------------------------------------------------------------------------- */
static void fake_endpoint_cancel_all(endpoint_t *ep)
{
    (void)ep;
    fake_calls.endpoint_cancel_all++;
}

static void fake_endpoint_cancel_badged_sends(endpoint_t *ep, word_t badge)
{
    (void)ep;
    fake_calls.endpoint_cancel_badged_sends++;
    fake_calls.last_cancel_badge = badge;
}

/* Aliases, so fake_endpoint_hooks_in_use() can tell whether these are the ones linked. */
void endpoint_cancel_all(endpoint_t *ep) __attribute__((weak, alias("fake_endpoint_cancel_all")));
void endpoint_cancel_badged_sends(endpoint_t *ep, word_t badge)
    __attribute__((weak, alias("fake_endpoint_cancel_badged_sends")));

bool fake_endpoint_hooks_in_use(void)
{
    return endpoint_cancel_all == fake_endpoint_cancel_all &&
           endpoint_cancel_badged_sends == fake_endpoint_cancel_badged_sends;
}

WEAK void notification_finalise(notification_t *n) { (void)n; fake_calls.notification_finalise++; }
WEAK void reply_finalise(reply_t *r) { (void)r; fake_calls.reply_finalise++; }

/* ---- scheduling contexts and IRQs --------------------------------------------------------- */
WEAK void sched_context_init(sched_context_t *sc, word_t size_bits)
{
    sc->size_bits = size_bits;
    fake_calls.sched_context_init++;
}
WEAK void sched_context_finalise(sched_context_t *sc) { (void)sc; fake_calls.sched_context_finalise++; }

WEAK void irq_handler_finalise(word_t irq)
{
    fake_calls.irq_handler_finalise++;
    fake_calls.last_irq = irq;
}

/* ---- message registers and preemption (ABI (b); api/syscall.c) ---------------------------- */
WEAK word_t get_mr(tcb_t *t, const word_t *buffer, word_t i)
{
    if (i < NUM_MSG_REGISTERS)
        return t->ctx.regs[REG_MR0 + i];
    return buffer ? buffer[KEEL_IPCBUF_MSG + i] : 0;
}

WEAK word_t inv_mr(const invocation_t *inv, word_t i) { return get_mr(inv->thread, inv->buffer, i); }

/* Preempt at every preemption point while the fake interrupt is pending. */
static status_t fake_preemption_point(void) { return fake_irq_pending ? ERR_PREEMPTED : OK; }
status_t preemption_point(void) __attribute__((weak, alias("fake_preemption_point")));

bool fake_preemption_in_use(void) { return preemption_point == fake_preemption_point; }

/* ---- panic (kernel.h): abort, so cmocka/ASan report it ------------------------------------ */
WEAK NORETURN void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "KERNEL PANIC: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}
