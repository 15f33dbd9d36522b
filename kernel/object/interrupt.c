/*
 * Interrupts for user-mode drivers (IRQControl, IRQHandler) and the kernel's own timer.
 *
 * Each interrupt line is Inactive (nobody claimed it), Signal (an IRQHandler cap exists;
 * the line is delivered to the notification installed with SetNotification), or Reserved
 * (the kernel's timer). A line is unmasked when it is claimed; each delivered interrupt
 * masks it until the driver Acks it, so a level-triggered device cannot storm the CPU.
 *
 * The notification cap of each line is kept in a kernel slot (irq_slots[irq]) so that it
 * is part of the derivation tree: revoking the notification removes it from the line.
 */
#include <keel/abi_gen.h>
#include <keel/arch_api.h>
#include <keel/cnode.h>
#include <keel/cspace.h>
#include <keel/interrupt.h>
#include <keel/invariants.h>
#include <keel/invocation.h>
#include <keel/ipc.h>
#include <keel/kernel.h>
#include <keel/sched.h>
#include <keel/state.h>

#define NUM_IRQS (KEEL_MAX_IRQ + 1)

enum irq_state { IRQ_INACTIVE = 0, IRQ_SIGNAL, IRQ_RESERVED };

static uint8_t irq_state[NUM_IRQS];
static cte_t irq_slots[NUM_IRQS] ALIGNED(32);

void irq_init(cte_t *control_slot)
{
    /* Handler caps descend from the IRQControl cap that issues them, wherever it has
     * been moved since boot (not from this slot). */
    (void)control_slot;
    /* A line's notification cap may be the last one: the invariant checker looks here too. */
    invariants_add_root(irq_slots, NUM_IRQS);
    for (word_t irq = 0; irq < NUM_IRQS; irq++) {
        if (plat_irq_is_reserved(irq)) {
            irq_state[irq] = IRQ_RESERVED;
        } else {
            irq_state[irq] = IRQ_INACTIVE;
            plat_irq_mask(irq);
        }
    }
}

/* ---- delivery ----------------------------------------------------------------------------- */

static void deliver_to_notification(word_t irq)
{
    cap_t ntfn = irq_slots[irq].cap;

    if (cap_type(ntfn) == cap_notification_cap && (cap_rights(ntfn) & RIGHT_WRITE))
        send_signal(cap_ptr(ntfn), cap_badge(ntfn));
    plat_irq_mask(irq);          /* until the driver Acks */
}

void handle_irq(word_t irq)
{
    if (irq == IRQ_NONE)
        return;                  /* spurious */
    if (irq == KEEL_KERNEL_TIMER_IRQ) {
        mcs_handle_timer_interrupt();
    } else if (irq < NUM_IRQS && irq_state[irq] == IRQ_SIGNAL) {
        deliver_to_notification(irq);
    } else {
        kprintf("keel: unexpected interrupt %lu; masked\n", irq);
        if (irq < NUM_IRQS)
            plat_irq_mask(irq);
    }
    plat_irq_end(irq);
}

/* ---- IRQControl ------------------------------------------------------------------------------ */

static status_t check_irq_free(word_t irq)
{
    if (irq > KEEL_MAX_IRQ)
        return fail_range(0, KEEL_MAX_IRQ, "IRQ number beyond the interrupt controller");
    if (irq_state[irq] != IRQ_INACTIVE)
        return fail_revoke_first(irq_state[irq] == IRQ_RESERVED ? "IRQ is the kernel's timer"
                                                                 : "IRQ already has a handler cap");
    return OK;
}

static status_t lookup_empty_dest(const invocation_t *inv, word_t index, word_t depth, cte_t **dest)
{
    status_t s = lookup_target_slot(inv->extra[0].cap, index, depth, dest);
    if (s != OK)
        return s;
    if (!cap_is_null((*dest)->cap))
        return fail_delete_first("destination slot is occupied");
    return OK;
}

static void perform_irq_control_get(word_t irq, bool set_trigger, bool edge, cte_t *control,
                                    cte_t *dest)
{
    if (set_trigger)
        plat_irq_set_edge_triggered(irq, edge);
    irq_state[irq] = IRQ_SIGNAL;
    cte_insert(irq_handler_cap_new(irq), control, dest);
    /* A claimed line is live at once (as in seL4): its first interrupt needs no Ack. */
    plat_irq_unmask(irq);
}

status_t decode_irq_control_invocation(invocation_t *inv)
{
    bool with_trigger;
    word_t irq, trigger = 0, index, depth;
    cte_t *dest;
    status_t s;

    if (inv->label == IRQIssueIRQHandler) {
        with_trigger = false;
        if (inv->length < 3 || inv->extra_count < 1)
            return fail_truncated("IRQControl.Get needs irq, index, depth and a CNode");
        irq = inv_mr(inv, 0);
        index = inv_mr(inv, 1);
        depth = inv_mr(inv, 2);
    } else if (inv->label == ARMIRQIssueIRQHandlerTrigger) {
        with_trigger = true;
        if (inv->length < 4 || inv->extra_count < 1)
            return fail_truncated("IRQControl.GetTrigger needs irq, trigger, index, depth and a CNode");
        irq = inv_mr(inv, 0);
        trigger = inv_mr(inv, 1);
        index = inv_mr(inv, 2);
        depth = inv_mr(inv, 3);
    } else {
        return fail_illegal("not an IRQControl method");
    }

    s = check_irq_free(irq);
    if (s != OK)
        return s;
    s = lookup_empty_dest(inv, index, depth, &dest);
    if (s != OK)
        return s;
    perform_irq_control_get(irq, with_trigger, trigger != 0, inv->slot, dest);
    return OK;
}

/* ---- IRQHandler --------------------------------------------------------------------------------- */

static void clear_notification(word_t irq)
{
    if (!cap_is_null(irq_slots[irq].cap))
        cte_delete_one(&irq_slots[irq]);
}

static status_t set_notification(invocation_t *inv, word_t irq)
{
    cap_t ntfn;

    if (inv->extra_count < 1)
        return fail_truncated("IRQHandler.SetNotification needs a notification cap");
    ntfn = inv->extra[0].cap;
    if (cap_type(ntfn) != cap_notification_cap || !(cap_rights(ntfn) & RIGHT_WRITE))
        return fail_invalid_cap(0, "SetNotification needs a notification cap with Write");

    clear_notification(irq);
    cte_insert(ntfn, inv->extra[0].slot, &irq_slots[irq]);
    return OK;
}

status_t decode_irq_handler_invocation(invocation_t *inv)
{
    word_t irq = irq_handler_irq(inv->cap);

    switch (inv->label) {
    case IRQAckIRQ:
        plat_irq_unmask(irq);
        return OK;
    case IRQSetIRQHandler:
        return set_notification(inv, irq);
    case IRQClearIRQHandler:
        clear_notification(irq);
        return OK;
    default:
        return fail_illegal("not an IRQHandler method");
    }
}

void irq_handler_finalise(word_t irq)
{
    if (irq >= NUM_IRQS)
        return;
    plat_irq_mask(irq);
    clear_notification(irq);
    irq_state[irq] = IRQ_INACTIVE;
}
