/*
 * What every kind of cap means to the core: how big its object is, how objects are made
 * and destroyed, and when two caps refer to the same thing. Each object's own file does
 * the work; this file only dispatches on the cap type. Arch caps (odd tags) go to the
 * arch hooks in vspace.h.
 */
#include <keel/cnode.h>
#include <keel/invocation.h>
#include <keel/kernel.h>
#include <keel/tcb.h>
#include <keel/ipc.h>
#include <keel/sched.h>
#include <keel/interrupt.h>
#include <keel/vspace.h>

/* ---- object sizes ------------------------------------------------------------------ */

word_t object_size_bits(word_t type, word_t user_size_bits)
{
    switch (type) {
    case seL4_UntypedObject:        return user_size_bits;
    case seL4_TCBObject:            return seL4_TCBBits;
    case seL4_EndpointObject:       return seL4_EndpointBits;
    case seL4_NotificationObject:   return seL4_NotificationBits;
    case seL4_CapTableObject:       return user_size_bits + seL4_SlotBits;
    case seL4_SchedContextObject:   return user_size_bits;
    case seL4_ReplyObject:          return seL4_ReplyBits;
    default:                        return arch_object_size_bits(type);
    }
}

/* ---- creation ---------------------------------------------------------------------- */

cap_t create_object(word_t type, paddr_t paddr, word_t size_bits, bool device)
{
    void *obj = pptr_of(paddr);

    switch (type) {
    case seL4_UntypedObject:
        /* Nothing to build: the memory is the object. Its watermark starts at 0. */
        return untyped_cap_new(paddr, size_bits, device, 0);
    case seL4_TCBObject:
        tcb_init(obj);
        return thread_cap_new(paddr);
    case seL4_EndpointObject:
        /* Zeroed memory is an idle endpoint (empty queue). */
        return endpoint_cap_new(paddr, 0, RIGHTS_ALL);
    case seL4_NotificationObject:
        /* Zeroed memory is an idle notification. Only Send/Receive mean anything. */
        return notification_cap_new(paddr, 0, RIGHT_WRITE | RIGHT_READ);
    case seL4_CapTableObject:
        /* Zeroed slots are empty slots with empty derivation links. */
        return cnode_cap_new(paddr, size_bits, 0, 0);
    case seL4_SchedContextObject:
        sched_context_init(obj, size_bits);
        return sched_context_cap_new(paddr, size_bits);
    case seL4_ReplyObject:
        return reply_cap_new(paddr, true);
    default:
        return arch_create_object(type, paddr, device);
    }
}

/* ---- finalisation ------------------------------------------------------------------ */

/* The zombie left in a slot while a CNode or TCB's own slots are being emptied. */
static cap_t zombie_for_cnode(cap_t cap)
{
    word_t radix = cnode_radix(cap);
    return zombie_cap_new(cap_paddr(cap), radix, BIT(radix));
}

static cap_t zombie_for_tcb(cap_t cap)
{
    tcb_finalise(tcb_of_cap(cap));
    return zombie_cap_new(cap_paddr(cap), ZOMBIE_TCB, TCB_NUM_SLOTS);
}

cap_t finalise_cap(cap_t cap, bool final, bool exposed)
{
    if (cap_is_arch(cap))
        return arch_finalise_cap(cap, final);

    switch (cap_type(cap)) {
    case cap_endpoint_cap:
        if (final)
            endpoint_cancel_all(cap_ptr(cap));
        return cap_null();
    case cap_notification_cap:
        if (final)
            notification_finalise(cap_ptr(cap));
        return cap_null();
    case cap_reply_cap:
        if (final)
            reply_finalise(cap_ptr(cap));
        return cap_null();
    case cap_null_cap:
    case cap_domain_cap:
        return cap_null();
    default:
        break;
    }

    /* The rest may need recursive work, which a caller asking for immediate
     * finalisation (cte_delete_one) promised would not happen. */
    kassert(!exposed || !final || (cap_type(cap) != cap_cnode_cap && cap_type(cap) != cap_thread_cap));
    kassert(!exposed || cap_type(cap) != cap_zombie_cap);

    switch (cap_type(cap)) {
    case cap_cnode_cap:
        return final ? zombie_for_cnode(cap) : cap_null();
    case cap_thread_cap:
        return final ? zombie_for_tcb(cap) : cap_null();
    case cap_sched_context_cap:
        if (final)
            sched_context_finalise(cap_ptr(cap));
        return cap_null();
    case cap_zombie_cap:
        /* Already being destroyed: the zombie stays until its slots are empty. */
        return cap;
    case cap_irq_handler_cap:
        if (final)
            irq_handler_finalise(irq_handler_irq(cap));
        return cap_null();
    default:
        /* IRQControl, SchedControl: nothing to release. */
        return cap_null();
    }
}

/* ---- comparing caps ------------------------------------------------------------------ */

bool cap_is_physical(cap_t c)
{
    switch (cap_type(c)) {
    case cap_untyped_cap:
    case cap_endpoint_cap:
    case cap_notification_cap:
    case cap_cnode_cap:
    case cap_thread_cap:
    case cap_zombie_cap:
    case cap_reply_cap:
    case cap_sched_context_cap:
    case cap_frame_cap:
    case cap_page_table_cap:
    case cap_vspace_cap:
    case cap_asid_pool_cap:
        return true;
    default:
        return false;
    }
}

word_t cap_object_size_bits(cap_t c)
{
    switch (cap_type(c)) {
    case cap_untyped_cap:       return untyped_size_bits(c);
    case cap_endpoint_cap:      return seL4_EndpointBits;
    case cap_notification_cap:  return seL4_NotificationBits;
    case cap_cnode_cap:         return cnode_radix(c) + seL4_SlotBits;
    case cap_thread_cap:        return seL4_TCBBits;
    case cap_reply_cap:         return seL4_ReplyBits;
    case cap_sched_context_cap: return sched_context_size_bits(c);
    case cap_zombie_cap:
        return zombie_kind(c) == ZOMBIE_TCB ? seL4_TCBBits : zombie_kind(c) + seL4_SlotBits;
    case cap_frame_cap:         return frame_size_bits(frame_size(c));
    case cap_page_table_cap:    return seL4_PageTableBits;
    case cap_vspace_cap:        return seL4_VSpaceBits;
    case cap_asid_pool_cap:     return seL4_ASIDPoolBits;
    default:                    return 0;
    }
}

/* An untyped covers every physical cap whose object lies inside its memory. */
static bool untyped_covers(cap_t ut, cap_t c)
{
    paddr_t ut_base, ut_last, base, last;

    if (!cap_is_physical(c))
        return false;
    ut_base = cap_paddr(ut);
    ut_last = ut_base + MASK(untyped_size_bits(ut));
    base = cap_paddr(c);
    last = base + MASK(cap_object_size_bits(c));
    return ut_base <= base && last <= ut_last && base <= last;
}

bool same_region_as(cap_t a, cap_t b)
{
    word_t tb = cap_type(b);

    switch (cap_type(a)) {
    case cap_untyped_cap:
        return untyped_covers(a, b);
    case cap_endpoint_cap:
    case cap_notification_cap:
    case cap_thread_cap:
    case cap_reply_cap:
        return tb == cap_type(a) && cap_paddr(a) == cap_paddr(b);
    case cap_cnode_cap:
        return tb == cap_cnode_cap && cap_paddr(a) == cap_paddr(b) &&
               cnode_radix(a) == cnode_radix(b);
    case cap_sched_context_cap:
        return tb == cap_sched_context_cap && cap_paddr(a) == cap_paddr(b) &&
               sched_context_size_bits(a) == sched_context_size_bits(b);
    case cap_domain_cap:
    case cap_sched_control_cap:
        return tb == cap_type(a);
    case cap_irq_control_cap:
        /* IRQControl is the origin of every IRQ handler (and SGI signal) cap. */
        return tb == cap_irq_control_cap || tb == cap_irq_handler_cap || tb == cap_sgi_signal_cap;
    case cap_irq_handler_cap:
        return tb == cap_irq_handler_cap && irq_handler_irq(a) == irq_handler_irq(b);
    default:
        if (cap_is_arch(a) && cap_is_arch(b))
            return arch_same_region_as(a, b);
        return false;
    }
}

bool same_object_as(cap_t a, cap_t b)
{
    /* An untyped is never "the same object" as anything: deleting the last cap to
     * an untyped region is not tied to other caps inside it. */
    if (cap_type(a) == cap_untyped_cap)
        return false;
    if (cap_type(a) == cap_irq_control_cap &&
        (cap_type(b) == cap_irq_handler_cap || cap_type(b) == cap_sgi_signal_cap))
        return false;
    if (cap_is_arch(a) && cap_is_arch(b))
        return arch_same_object_as(a, b);
    return same_region_as(a, b);
}

/* ---- debug names ---------------------------------------------------------------------- */

const char *cap_type_name(word_t tag)
{
    switch (tag) {
    case cap_null_cap:          return "Null";
    case cap_frame_cap:         return "Frame";
    case cap_untyped_cap:       return "Untyped";
    case cap_page_table_cap:    return "PageTable";
    case cap_endpoint_cap:      return "Endpoint";
    case cap_notification_cap:  return "Notification";
    case cap_reply_cap:         return "Reply";
    case cap_vspace_cap:        return "VSpace";
    case cap_cnode_cap:         return "CNode";
    case cap_asid_control_cap:  return "ASIDControl";
    case cap_thread_cap:        return "TCB";
    case cap_asid_pool_cap:     return "ASIDPool";
    case cap_irq_control_cap:   return "IRQControl";
    case cap_irq_handler_cap:   return "IRQHandler";
    case cap_zombie_cap:        return "Zombie";
    case cap_domain_cap:        return "DomainSet";
    case cap_sched_context_cap: return "SchedContext";
    case cap_sched_control_cap: return "SchedControl";
    case cap_sgi_signal_cap:    return "SGISignal";
    default:                    return "?";
    }
}
