/*
 * DebugSnapshot: a capDL-flavoured listing of the calling thread's CSpace root, one line
 * per occupied slot, so a user can see at a glance what their root task holds.
 */
#include <keel/cnode.h>
#include <keel/invocation.h>
#include <keel/kernel.h>
#include <keel/syscall.h>
#include <keel/tcb.h>

static void print_cap(word_t index, cap_t cap)
{
    kprintf("  0x%lx: %s", index, cap_type_name(cap_type(cap)));
    if (cap_is_physical(cap))
        kprintf(" paddr=0x%lx size_bits=%lu", cap_paddr(cap), cap_object_size_bits(cap));
    switch (cap_type(cap)) {
    case cap_endpoint_cap:
    case cap_notification_cap:
        kprintf(" rights=0x%lx badge=0x%lx", cap_rights(cap), cap_badge(cap));
        break;
    case cap_cnode_cap:
        kprintf(" radix=%lu guard=0x%lx/%lu", cnode_radix(cap), cnode_guard(cap), cnode_guard_size(cap));
        break;
    case cap_untyped_cap:
        kprintf(" watermark=0x%lx%s", untyped_free_index(cap), untyped_is_device(cap) ? " device" : "");
        break;
    case cap_irq_handler_cap:
        kprintf(" irq=%lu", irq_handler_irq(cap));
        break;
    default:
        break;
    }
    kprintf("\n");
}

void debug_snapshot(tcb_t *t)
{
    cap_t root = tcb_slot(t, TCB_CTABLE)->cap;

    kprintf("keel: snapshot of the CSpace of '%s'\n", tcb_name(t));
    if (cap_type(root) != cap_cnode_cap) {
        kprintf("  (no CSpace root)\n");
        return;
    }
    cte_t *slots = cnode_slots(root);
    for (word_t i = 0; i < BIT(cnode_radix(root)); i++)
        if (!cap_is_null(slots[i].cap))
            print_cap(i, slots[i].cap);
}
