/*
 * Minimal stand-ins for what the IPC code uses from other parts of the kernel (scheduler,
 * CSpace, derivation tree, TCB helpers), so the IPC host tests can be built on their own.
 *
 * Every definition is WEAK: when the real kernel/{object,model,api} sources are linked
 * into the same test binary, theirs win and these disappear. The fakes therefore only
 * do what the IPC tests need and nothing the tests could mistake for the real thing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <keel/kernel.h>
#include <keel/sched.h>
#include <keel/tcb.h>
#include <keel/cspace.h>
#include <keel/cnode.h>
#include <keel/status.h>

#define WEAK __attribute__((weak))

/* ---- panic (kernel.h) ------------------------------------------------------------------ */

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

/* ---- scheduler (sched.h) -------------------------------------------------------------- */

WEAK void set_thread_state(tcb_t *t, thread_state_t s) { t->state = s; }

WEAK bool thread_is_runnable(const tcb_t *t)
{
    return t->state == ThreadState_Running || t->state == ThreadState_Restart;
}

WEAK void possible_switch_to(tcb_t *t) { (void)t; }
WEAK void reschedule_required(void) {}

WEAK void sched_context_init(sched_context_t *sc, word_t size_bits)
{
    memset(sc, 0, sizeof(*sc));
    sc->size_bits = size_bits;
}

WEAK void sched_context_donate(sched_context_t *sc, tcb_t *to)
{
    if (sc->tcb)
        sc->tcb->sc = NULL;
    sc->tcb = to;
    to->sc = sc;
}

WEAK void sched_context_bind_tcb(sched_context_t *sc, tcb_t *t)
{
    sc->tcb = t;
    t->sc = sc;
}

WEAK void sched_context_unbind_tcb(sched_context_t *sc)
{
    if (sc->tcb)
        sc->tcb->sc = NULL;
    sc->tcb = NULL;
}

WEAK void sched_context_bind_notification(sched_context_t *sc, notification_t *n)
{
    sc->notification = n;
    n->sc = sc;
}

WEAK void sched_context_unbind_notification(sched_context_t *sc)
{
    if (sc->notification)
        sc->notification->sc = NULL;
    sc->notification = NULL;
}

WEAK bool sched_context_has_budget(const sched_context_t *sc) { (void)sc; return true; }
WEAK void sched_context_unblock_sporadic(sched_context_t *sc) { (void)sc; }
WEAK void sched_context_resume(sched_context_t *sc) { (void)sc; }
WEAK word_t ticks_to_us(ticks_t ticks) { return ticks * 1000 / (KEEL_TIMER_CLOCK_HZ / 1000); }

WEAK word_t sched_context_update_consumed(sched_context_t *sc)
{
    word_t us = ticks_to_us(sc->consumed);
    sc->consumed = 0;
    return us;
}

/* ---- threads (tcb.h) --------------------------------------------------------------------- */

WEAK const char *tcb_name(tcb_t *t) { return t->name[0] ? t->name : "(unnamed)"; }

WEAK word_t *lookup_ipc_buffer(tcb_t *t, bool is_receiver)
{
    cap_t frame = tcb_slot(t, TCB_BUFFER)->cap;
    word_t offset;

    if (!t->ipc_buffer || cap_type(frame) != cap_frame_cap || frame_is_device(frame))
        return NULL;
    if (is_receiver && frame_vm_rights(frame) != VM_READ_WRITE)
        return NULL;
    offset = t->ipc_buffer & MASK(frame_size_bits(frame_size(frame)));
    return (word_t *)((char *)cap_ptr(frame) + offset);
}

/* ---- capability addressing (cspace.h), ABI (c) ------------------------------------------- */

WEAK status_t resolve_address_bits(cap_t root, cptr_t cptr, word_t n, cte_t **slot, word_t *bits_left)
{
    cap_t node = root;

    if (cap_type(node) != cap_cnode_cap)
        return lookup_fail_invalid_root();
    for (;;) {
        word_t radix = cnode_radix(node), gsize = cnode_guard_size(node);
        word_t guard = gsize ? (cptr >> (n - gsize)) & MASK(gsize) : 0;
        word_t index;

        if (gsize > n || guard != cnode_guard(node))
            return lookup_fail_guard_mismatch(n, cnode_guard(node), gsize);
        if (gsize + radix > n)
            return lookup_fail_depth_mismatch(n, gsize + radix);
        index = (cptr >> (n - gsize - radix)) & MASK(radix);
        *slot = &cnode_slots(node)[index];
        n -= gsize + radix;
        if (n == 0 || cap_type((*slot)->cap) != cap_cnode_cap) {
            *bits_left = n;
            return OK;
        }
        node = (*slot)->cap;
    }
}

WEAK status_t lookup_slot(tcb_t *thread, cptr_t cptr, cte_t **slot)
{
    word_t left;
    return resolve_address_bits(tcb_slot(thread, TCB_CTABLE)->cap, cptr, 64, slot, &left);
}

WEAK status_t lookup_cap(tcb_t *thread, cptr_t cptr, cap_t *cap, cte_t **slot)
{
    status_t s = lookup_slot(thread, cptr, slot);

    *cap = s == OK ? (*slot)->cap : cap_null();
    return s;
}

WEAK status_t lookup_target_slot(cap_t root, cptr_t index, word_t depth, cte_t **slot)
{
    word_t left;

    if (cap_type(root) != cap_cnode_cap) {
        lookup_fail_invalid_root();
        return fail_lookup(false, "receive root is not a CNode");
    }
    if (depth < 1 || depth > 64)
        return fail_range(1, 64, "depth out of range");
    if (resolve_address_bits(root, index, depth, slot, &left) != OK)
        return fail_lookup(false, "lookup failed");
    if (left) {
        lookup_fail_depth_mismatch(left, 0);
        return fail_lookup(false, "depth mismatch");
    }
    return OK;
}

/* ---- the derivation tree (cnode.h) --------------------------------------------------------- */

WEAK status_t derive_cap(cte_t *slot, cap_t cap, cap_t *out)
{
    (void)slot;
    switch (cap_type(cap)) {
    case cap_reply_cap:
    case cap_irq_control_cap:
    case cap_zombie_cap:
        *out = cap_null();
        return OK;
    default:
        *out = cap;
        return OK;
    }
}

WEAK void cte_insert(cap_t new_cap, cte_t *src, cte_t *dest)
{
    (void)src;
    dest->cap = new_cap;
}
