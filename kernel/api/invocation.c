/*
 * Invoking a capability: decode the invoker's message, dispatch on the cap's type, and
 * answer. The per-object decoders live with their objects; this file only gathers the
 * message, chooses the decoder and builds the reply (success or seL4 error, ABI (e)).
 */
#define KEEL_ABI_LABEL_NAMES
#include <keel/abi_gen.h>
#include <keel/invocation.h>
#include <keel/cspace.h>
#include <keel/ipc.h>
#include <keel/sched.h>
#include <keel/tcb.h>
#include <keel/state.h>
#include <keel/kernel.h>
#include <keel/syscall.h>

/* ---- message registers --------------------------------------------------------------- */

word_t inv_mr(const invocation_t *inv, word_t i)
{
    return get_mr(inv->thread, inv->buffer, i);
}

void inv_reply_mr(invocation_t *inv, word_t i, word_t value)
{
    set_mr(inv->thread, lookup_ipc_buffer(inv->thread, true), i, value);
    if (i + 1 > inv->reply_length)
        inv->reply_length = i + 1;
}

/* ---- kernel replies ------------------------------------------------------------------------ */

static void reply_success(tcb_t *t, word_t length)
{
    if (length > NUM_MSG_REGISTERS && !lookup_ipc_buffer(t, true))
        length = NUM_MSG_REGISTERS;
    set_reg(t, REG_BADGE, 0);
    set_reg(t, REG_MSGINFO, msginfo_new(0, 0, 0, length));
}

/* Write the lookup failure at MR 'first' onward; returns the number of words. */
word_t set_lookup_fault_mrs(tcb_t *t, word_t *buffer, word_t first, const lookup_fault_t *lf)
{
    set_mr(t, buffer, first, lf->type);
    switch (lf->type) {
    case seL4_MissingCapability:
        set_mr(t, buffer, first + 1, lf->bits_left);
        return 2;
    case seL4_DepthMismatch:
        set_mr(t, buffer, first + 1, lf->bits_left);
        set_mr(t, buffer, first + 2, lf->bits_found);
        return 3;
    case seL4_GuardMismatch:
        set_mr(t, buffer, first + 1, lf->bits_left);
        set_mr(t, buffer, first + 2, lf->guard_found);
        set_mr(t, buffer, first + 3, lf->bits_found);
        return 4;
    default:                     /* InvalidRoot */
        return 1;
    }
}

static word_t set_error_mrs(tcb_t *t, word_t *buffer)
{
    const syscall_error_t *e = &ks_syscall_error;

    switch (e->type) {
    case seL4_InvalidArgument:
    case seL4_InvalidCapability:
    case seL4_NotEnoughMemory:
        set_mr(t, buffer, 0, e->arg);
        return 1;
    case seL4_RangeError:
        set_mr(t, buffer, 0, e->range_min);
        set_mr(t, buffer, 1, e->range_max);
        return 2;
    case seL4_FailedLookup:
        set_mr(t, buffer, 0, e->lookup_was_source);
        return 1 + set_lookup_fault_mrs(t, buffer, 1, &ks_lookup_fault);
    default:                     /* IllegalOperation, AlignmentError, Truncated, DeleteFirst, RevokeFirst */
        return 0;
    }
}

static void reply_error(tcb_t *t)
{
    word_t *buffer = lookup_ipc_buffer(t, true);
    word_t length = set_error_mrs(t, buffer);

    if (!buffer && length > NUM_MSG_REGISTERS)
        length = NUM_MSG_REGISTERS;
    set_reg(t, REG_BADGE, 0);
    set_reg(t, REG_MSGINFO, msginfo_new(ks_syscall_error.type, 0, 0, length));
}

/* ---- debug names --------------------------------------------------------------------------- */

#if KEEL_DEBUG && CONFIG_PRINT_USER_ERRORS
static const char *const error_names[seL4_NumErrors] = {
    [seL4_NoError] = "NoError",
    [seL4_InvalidArgument] = "InvalidArgument",
    [seL4_InvalidCapability] = "InvalidCapability",
    [seL4_IllegalOperation] = "IllegalOperation",
    [seL4_RangeError] = "RangeError",
    [seL4_AlignmentError] = "AlignmentError",
    [seL4_FailedLookup] = "FailedLookup",
    [seL4_TruncatedMessage] = "TruncatedMessage",
    [seL4_DeleteFirst] = "DeleteFirst",
    [seL4_RevokeFirst] = "RevokeFirst",
    [seL4_NotEnoughMemory] = "NotEnoughMemory",
};
#endif

const char *label_name(word_t label)
{
    if (label < nArchInvocationLabels && keel_label_names[label])
        return keel_label_names[label];
    return "(unknown method)";
}

static void print_failure(const invocation_t *inv)
{
#if KEEL_DEBUG && CONFIG_PRINT_USER_ERRORS
    word_t type = ks_syscall_error.type;
    /* IPC objects ignore the label: name what was attempted instead of a method. */
    word_t tag = cap_type(inv->cap);
    const char *method = tag == cap_endpoint_cap     ? "a send"
                         : tag == cap_notification_cap ? "a signal"
                         : tag == cap_reply_cap        ? "a reply"
                                                       : label_name(inv->label);
    kprintf("keel: '%s' invoking %s cap %lx with %s: %s (%s)\n", tcb_name(inv->thread),
            cap_type_name(tag), inv->cptr, method,
            ks_syscall_error.why ? ks_syscall_error.why : "no reason recorded",
            type < seL4_NumErrors ? error_names[type] : "?");
#else
    (void)inv;
#endif
}

/* ---- dispatch ------------------------------------------------------------------------------- */

/* Kernel objects that may not be invoked in the send phase of ReplyRecv/NBSendRecv/
 * NBSendWait (ABI (a) "Phase-1 rules"). */
static bool refused_in_first_phase(word_t type)
{
    return type == cap_thread_cap || type == cap_cnode_cap || type == cap_domain_cap ||
           type == cap_sched_control_cap || type == cap_sched_context_cap;
}

static status_t invoke_ipc_object(invocation_t *inv, bool can_donate)
{
    cap_t cap = inv->cap;
    tcb_t *t = inv->thread;

    switch (cap_type(cap)) {
    case cap_endpoint_cap:
        if (!(cap_rights(cap) & RIGHT_WRITE))
            return fail_invalid_cap(0, "endpoint cap without Write right cannot send");
        send_ipc(inv->block, inv->call, cap_badge(cap), cap_rights(cap) & RIGHT_GRANT,
                 cap_rights(cap) & RIGHT_GRANT_REPLY, can_donate, t, cap_ptr(cap));
        return OK;
    case cap_notification_cap:
        if (!(cap_rights(cap) & RIGHT_WRITE))
            return fail_invalid_cap(0, "notification cap without Write right cannot signal");
        send_signal(cap_ptr(cap), cap_badge(cap));
        return OK;
    default:                     /* cap_reply_cap */
        do_reply_transfer(t, cap_ptr(cap), reply_cap_can_grant(cap));
        return OK;
    }
}

static status_t decode_invocation(invocation_t *inv)
{
    switch (cap_type(inv->cap)) {
    case cap_null_cap:
    case cap_zombie_cap:
        return fail_invalid_cap(0, "invoked slot holds no usable cap");
    case cap_untyped_cap:       return decode_untyped_invocation(inv);
    case cap_cnode_cap:         return decode_cnode_invocation(inv);
    case cap_thread_cap:        return decode_tcb_invocation(inv);
    case cap_domain_cap:        return decode_domain_invocation(inv);
    case cap_sched_control_cap: return decode_sched_control_invocation(inv);
    case cap_sched_context_cap: return decode_sched_context_invocation(inv);
    case cap_irq_control_cap:   return decode_irq_control_invocation(inv);
    case cap_irq_handler_cap:   return decode_irq_handler_invocation(inv);
    default:                    return arch_decode_invocation(inv);
    }
}

/* Look up the extra caps named in the IPC buffer; stops at the first that fails. */
static status_t lookup_extra_caps(invocation_t *inv, word_t wanted, cptr_t *failed)
{
    inv->extra_count = 0;
    if (!inv->buffer)
        return OK;
    for (word_t i = 0; i < wanted; i++) {
        cptr_t cptr = inv->buffer[KEEL_IPCBUF_CAPS_OR_BADGES + i];
        status_t s = lookup_cap(inv->thread, cptr, &inv->extra[i].cap, &inv->extra[i].slot);
        if (s != OK) {
            *failed = cptr;
            return s;
        }
        inv->extra_count++;
    }
    return OK;
}

static void raise_cap_fault(tcb_t *t, cptr_t cptr, bool in_receive_phase)
{
    t->lookup_failure = ks_lookup_fault;
    set_cap_fault(t, cptr, in_receive_phase);
    handle_fault(t);
}

static bool is_ipc_object(word_t type)
{
    return type == cap_endpoint_cap || type == cap_notification_cap || type == cap_reply_cap;
}

status_t handle_invocation(bool call, bool block, bool can_donate, bool first_phase, cptr_t cptr)
{
    tcb_t *t = ks_cur_thread;
    word_t info = get_reg(t, REG_MSGINFO);
    word_t extra_caps = msginfo_extra_caps(info);
    invocation_t inv;
    cptr_t failed_cptr;
    status_t s;

    /* Every field but the extra caps now (a whole-struct initialiser costs a memset of
     * the lot on every syscall); the extra caps after their lookup. */
    inv.thread = t;
    inv.label = msginfo_label(info);
    inv.length = msginfo_length(info);   /* clamped to seL4_MsgMaxLength */
    inv.cptr = cptr;
    inv.call = call;
    inv.block = block;
    inv.reply_length = 0;
    s = lookup_cap(t, cptr, &inv.cap, &inv.slot);
    if (s != OK) {
        if (block)
            raise_cap_fault(t, cptr, false);
        return OK;
    }
    /* Messages to IPC objects are read by the transfer itself: their invoker's IPC
     * buffer is needed here only for the extra caps. */
    if (extra_caps == 0 && is_ipc_object(cap_type(inv.cap)))
        inv.buffer = NULL;
    else
        inv.buffer = lookup_ipc_buffer(t, false);
    if (!inv.buffer && inv.length > NUM_MSG_REGISTERS)
        inv.length = NUM_MSG_REGISTERS;

    s = lookup_extra_caps(&inv, extra_caps, &failed_cptr);
    if (s != OK) {
        if (block)
            raise_cap_fault(t, failed_cptr, false);
        return OK;
    }
    for (word_t i = inv.extra_count; i < seL4_MsgMaxExtraCaps; i++)
        inv.extra[i] = (extra_cap_t){ .cap = cap_null(), .slot = NULL };

    word_t type = cap_type(inv.cap);
    if (first_phase && refused_in_first_phase(type))
        return OK;   /* InvalidCapability, dropped: there is nobody to tell */

    set_thread_state(t, ThreadState_Restart);
    if (is_ipc_object(type))
        s = invoke_ipc_object(&inv, can_donate);
    else
        s = decode_invocation(&inv);

    if (s == ERR_PREEMPTED)
        return s;                /* stays Restart: the svc runs again */
    if (s == ERR_LOOKUP)         /* a decoder that forgot to convert its lookup failure */
        s = fail_lookup(false, "capability lookup failed");
    if (s != OK) {
        print_failure(&inv);
        set_thread_state(t, ThreadState_Running);
        if (call)
            reply_error(t);
        return OK;
    }
    if (t->state == ThreadState_Restart) {
        if (call)
            reply_success(t, inv.reply_length);
        set_thread_state(t, ThreadState_Running);
    }
    return OK;
}
