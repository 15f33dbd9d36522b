/*
 * Thread control blocks: creation and destruction, suspend/restart, the IPC buffer, and
 * the TCB invocations (INVOCATIONS.md labels 2..17, MCS variants).
 *
 * Each decoder checks its arguments in the order seL4 does, so that a message with
 * several problems gets the same error as on seL4, and only then changes state.
 */
#include <keel/kernel.h>
#include <keel/tcb.h>
#include <keel/sched.h>
#include <keel/state.h>
#include <keel/ipc.h>
#include <keel/cnode.h>
#include <keel/invocation.h>
#include <keel/arch_api.h>

/* ---- the list of all threads (DebugDumpScheduler) ------------------------------------------ */

static tcb_t *debug_tcbs;

tcb_t *tcb_debug_list(void)
{
    return debug_tcbs;
}

static void debug_link(tcb_t *t)
{
    t->debug_prev = NULL;
    t->debug_next = debug_tcbs;
    if (debug_tcbs)
        debug_tcbs->debug_prev = t;
    debug_tcbs = t;
}

static void debug_unlink(tcb_t *t)
{
    if (t->debug_prev)
        t->debug_prev->debug_next = t->debug_next;
    else if (debug_tcbs == t)
        debug_tcbs = t->debug_next;
    if (t->debug_next)
        t->debug_next->debug_prev = t->debug_prev;
    t->debug_next = t->debug_prev = NULL;
}

/* ---- life cycle ------------------------------------------------------------------------------ */

void tcb_init(tcb_t *t)
{
    /* Retyped memory is zero: priority 0, MCP 0, no SC, Inactive, empty name. */
    t->state = ThreadState_Inactive;
    t->domain = ks_cur_domain;
    set_reg(t, REG_SPSR, sanitise_spsr(0));
    debug_link(t);
}

void tcb_finalise(tcb_t *t)
{
    if (t->bound_notification)
        unbind_notification(t);
    if (t->sc) {
        sched_context_complete_yield_to(t->sc->yield_from);
        sched_context_unbind_tcb(t->sc);
    }
    suspend(t);
    debug_unlink(t);
    arch_fpu_release(t);
}

void suspend(tcb_t *t)
{
    cancel_ipc(t);
    /* A running thread's restart PC may be stale (it was interrupted, not trapped):
     * make it the resume address, whichever way the thread is started again. */
    if (t->state == ThreadState_Running)
        set_reg(t, REG_FAULT_IP, get_reg(t, REG_PC));
    set_thread_state(t, ThreadState_Inactive);
    sched_dequeue(t);
    release_queue_remove(t);
    sched_context_cancel_yield_to(t);
}

void restart(tcb_t *t)
{
    if (!thread_is_stopped(t))
        return;
    cancel_ipc(t);
    set_thread_state(t, ThreadState_Restart);
    sched_context_unblock_sporadic(t->sc);
    sched_context_resume(t->sc);
    if (thread_is_schedulable(t))
        possible_switch_to(t);
}

/* ---- names ------------------------------------------------------------------------------------ */

void tcb_set_name(tcb_t *t, const char *name, word_t max)
{
    word_t room = MIN(MIN(max, (word_t)TCB_NAME_BYTES), (word_t)KEEL_THREAD_NAME_BYTES);
    word_t i;

    if (room == 0)
        return;
    for (i = 0; i + 1 < room && name[i]; i++)
        t->name[i] = name[i];
    t->name[i] = 0;
}

const char *tcb_name(tcb_t *t)
{
    return t->name;
}

/* ---- the IPC buffer ---------------------------------------------------------------------------- */

word_t *lookup_ipc_buffer(tcb_t *t, bool is_receiver)
{
    cap_t cap = tcb_slot(t, TCB_BUFFER)->cap;

    if (cap_type(cap) != cap_frame_cap || frame_is_device(cap))
        return NULL;
    word_t rights = frame_vm_rights(cap);
    if (rights != VM_READ_WRITE && (is_receiver || rights != VM_READ_ONLY))
        return NULL;
    word_t offset = t->ipc_buffer & MASK(frame_size_bits(frame_size(cap)));
    return (word_t *)((char *)cap_ptr(cap) + offset);
}

static status_t check_valid_ipc_buffer(vaddr_t vaddr, cap_t cap)
{
    if (cap_type(cap) != cap_frame_cap)
        return fail_illegal("IPC buffer cap is not a frame cap");
    if (frame_is_device(cap))
        return fail_illegal("IPC buffer cannot be a device frame");
    if (!IS_ALIGNED(vaddr, seL4_IPCBufferSizeBits))
        return fail_alignment("IPC buffer address is not 1024-byte aligned");
    return OK;
}

/* ---- registers: seL4_UserContext order (ABI (i)) ------------------------------------------------- */

static const uint8_t uc_to_reg[KEEL_UC_COUNT] = {
    [KEEL_UC_PC] = REG_FAULT_IP,  [KEEL_UC_SP] = REG_SP,    [KEEL_UC_SPSR] = REG_SPSR,
    [KEEL_UC_X0] = 0,   [KEEL_UC_X1] = 1,   [KEEL_UC_X2] = 2,   [KEEL_UC_X3] = 3,
    [KEEL_UC_X4] = 4,   [KEEL_UC_X5] = 5,   [KEEL_UC_X6] = 6,   [KEEL_UC_X7] = 7,
    [KEEL_UC_X8] = 8,   [KEEL_UC_X9] = 9,   [KEEL_UC_X10] = 10, [KEEL_UC_X11] = 11,
    [KEEL_UC_X12] = 12, [KEEL_UC_X13] = 13, [KEEL_UC_X14] = 14, [KEEL_UC_X15] = 15,
    [KEEL_UC_X16] = 16, [KEEL_UC_X17] = 17, [KEEL_UC_X18] = 18, [KEEL_UC_X19] = 19,
    [KEEL_UC_X20] = 20, [KEEL_UC_X21] = 21, [KEEL_UC_X22] = 22, [KEEL_UC_X23] = 23,
    [KEEL_UC_X24] = 24, [KEEL_UC_X25] = 25, [KEEL_UC_X26] = 26, [KEEL_UC_X27] = 27,
    [KEEL_UC_X28] = 28, [KEEL_UC_X29] = 29, [KEEL_UC_X30] = 30,
    [KEEL_UC_TPIDR_EL0] = REG_TPIDR, [KEEL_UC_TPIDRRO_EL0] = REG_TPIDRRO,
};

word_t user_context_reg(word_t uc_index)
{
    kassert(uc_index < KEEL_UC_COUNT);
    return uc_to_reg[uc_index];
}

/* Writing pc sets the restart PC; the thread resumes there whether it is Running or
 * Restart (ABI (i)). */
static void write_user_reg(tcb_t *t, word_t uc_index, word_t value)
{
    if (uc_index == KEEL_UC_SPSR)
        value = sanitise_spsr(value);
    set_reg(t, user_context_reg(uc_index), value);
}

static void copy_user_regs(tcb_t *dest, const tcb_t *src, word_t first, word_t count)
{
    for (word_t i = first; i < first + count; i++)
        set_reg(dest, user_context_reg(i), get_reg(src, user_context_reg(i)));
}

/* ---- ReadRegisters / WriteRegisters / CopyRegisters --------------------------------------------- */

#define READREGS_SUSPEND   BIT(0)
#define WRITEREGS_RESUME   BIT(0)
#define COPYREGS_SUSPEND   BIT(0)
#define COPYREGS_RESUME    BIT(1)
#define COPYREGS_FRAME     BIT(2)
#define COPYREGS_INTEGER   BIT(3)

static status_t decode_read_registers(invocation_t *inv, tcb_t *target)
{
    if (inv->length < 2)
        return fail_truncated("ReadRegisters: needs flags and count");
    word_t flags = inv_mr(inv, 0);
    word_t count = inv_mr(inv, 1);
    if (count < 1 || count > KEEL_UC_COUNT)
        return fail_range(1, KEEL_UC_COUNT, "ReadRegisters: count out of range");
    if (target == inv->thread)
        return fail_illegal("ReadRegisters: a thread cannot read its own registers");

    if (flags & READREGS_SUSPEND)
        suspend(target);
    if (!inv->call)
        return OK;                               /* no reply: nothing to write */
    /* Without an IPC buffer only MR0..MR3 can be answered. */
    if (!lookup_ipc_buffer(inv->thread, true))
        count = MIN(count, (word_t)NUM_MSG_REGISTERS);
    for (word_t i = 0; i < count; i++)
        inv_reply_mr(inv, i, get_reg(target, user_context_reg(i)));
    return OK;
}

static status_t decode_write_registers(invocation_t *inv, tcb_t *target)
{
    if (inv->length < 2)
        return fail_truncated("WriteRegisters: needs flags and count");
    word_t flags = inv_mr(inv, 0);
    word_t count = inv_mr(inv, 1);
    /* Checked before clamping: a count beyond the message is an error even if > 36. */
    if (inv->length - 2 < count)
        return fail_truncated("WriteRegisters: message shorter than count");
    if (target == inv->thread)
        return fail_illegal("WriteRegisters: a thread cannot write its own registers");

    count = MIN(count, (word_t)KEEL_UC_COUNT);
    for (word_t i = 0; i < count; i++)
        write_user_reg(target, i, inv_mr(inv, 2 + i));
    set_reg(target, REG_PC, get_reg(target, REG_FAULT_IP));
    if (flags & WRITEREGS_RESUME)
        restart(target);
    return OK;
}

static status_t decode_copy_registers(invocation_t *inv, tcb_t *dest)
{
    if (inv->length < 1 || inv->extra_count < 1)
        return fail_truncated("CopyRegisters: needs flags and a source TCB cap");
    word_t flags = inv_mr(inv, 0);
    cap_t src_cap = inv->extra[0].cap;
    if (cap_type(src_cap) != cap_thread_cap)
        return fail_invalid_cap(1, "CopyRegisters: source is not a TCB cap");
    tcb_t *src = tcb_of_cap(src_cap);

    if (flags & COPYREGS_SUSPEND)
        suspend(src);
    if (flags & COPYREGS_RESUME)
        restart(dest);
    if (flags & COPYREGS_FRAME) {
        copy_user_regs(dest, src, KEEL_UC_FRAME_FIRST, KEEL_UC_FRAME_COUNT);
        set_reg(dest, REG_PC, get_reg(dest, REG_FAULT_IP));
    }
    if (flags & COPYREGS_INTEGER)
        copy_user_regs(dest, src, KEEL_UC_INTEGER_FIRST, KEEL_UC_INTEGER_COUNT);
    if (dest == ks_cur_thread)
        reschedule_required();
    return OK;
}

/* ---- the caps a TCB holds ---------------------------------------------------------------------- */

/* A fault or timeout handler: an endpoint cap that can send and carry a reply (ABI (f)),
 * or the null cap for none. */
static bool valid_fault_handler(cap_t cap)
{
    if (cap_is_null(cap))
        return true;
    return cap_type(cap) == cap_endpoint_cap && (cap_rights(cap) & RIGHT_WRITE) &&
           (cap_rights(cap) & (RIGHT_GRANT | RIGHT_GRANT_REPLY));
}

static bool valid_vspace_root(cap_t cap)
{
    return cap_type(cap) == cap_vspace_cap && cap_is_mapped(cap);   /* has an ASID */
}

/* Replacing the cap would start destroying a CNode or TCB (or finish a zombie): that
 * takes several preemptible steps, which Configure/SetSpace refuse to start. */
static bool slot_long_running_delete(const cte_t *slot)
{
    word_t type = cap_type(slot->cap);
    if (type == cap_null_cap || !is_final_cap(slot))
        return false;
    return type == cap_thread_cap || type == cap_cnode_cap || type == cap_zombie_cap;
}

/* A cap to go into one of the target's slots: derived from 'src' (its parent). */
typedef struct tcb_cap {
    cap_t  cap;
    cte_t *src;
} tcb_cap_t;

/*
 * Delete what the slot held (this may destroy objects and be preempted) and insert the
 * new cap. Deleting may have removed the source cap or the TCB cap we were invoked
 * through; then the new cap is not inserted (as in seL4).
 */
static status_t install_tcb_cap(invocation_t *inv, tcb_t *target, enum tcb_slot which, tcb_cap_t c)
{
    cte_t *dest = tcb_slot(target, which);
    status_t s = cte_delete(dest, true);
    if (s != OK)
        return s;
    if (!c.src || cap_is_null(c.cap))
        return OK;
    if (same_object_as(c.cap, c.src->cap) && same_object_as(thread_cap_new(paddr_of(target)), inv->slot->cap))
        cte_insert(c.cap, c.src, dest);
    return OK;
}

static status_t install_ipc_buffer(invocation_t *inv, tcb_t *target, vaddr_t vaddr, tcb_cap_t frame)
{
    status_t s = install_tcb_cap(inv, target, TCB_BUFFER, frame);
    if (s != OK)
        return s;
    target->ipc_buffer = vaddr;
    if (target == ks_cur_thread)
        reschedule_required();
    return OK;
}

/* Decode an IPC buffer address and frame; address 0 removes the buffer. */
static status_t decode_buffer(vaddr_t vaddr, const extra_cap_t *x, tcb_cap_t *out)
{
    *out = (tcb_cap_t){ cap_null(), NULL };
    if (vaddr == 0)
        return OK;
    cap_t cap;
    status_t s = derive_cap(x->slot, x->cap, &cap);
    if (s != OK)
        return s;
    s = check_valid_ipc_buffer(vaddr, cap);
    if (s != OK)
        return s;
    *out = (tcb_cap_t){ cap, x->slot };
    return OK;
}

/* Decode the CSpace and VSpace roots of Configure/SetSpace. */
static status_t decode_space(tcb_t *target, word_t croot_data, const extra_cap_t *croot,
                             word_t vroot_data, const extra_cap_t *vroot,
                             tcb_cap_t *cspace, tcb_cap_t *vspace)
{
    cap_t cap;
    status_t s;

    if (slot_long_running_delete(tcb_slot(target, TCB_CTABLE)) ||
        slot_long_running_delete(tcb_slot(target, TCB_VTABLE)))
        return fail_illegal("CSpace or VSpace of the thread is being deleted");

    cap = croot->cap;
    if (croot_data != 0)
        cap = update_cap_data(false, croot_data, cap);
    s = derive_cap(croot->slot, cap, &cap);
    if (s != OK)
        return s;
    if (cap_type(cap) != cap_cnode_cap)
        return fail_illegal("CSpace root is not a CNode cap");
    *cspace = (tcb_cap_t){ cap, croot->slot };

    cap = vroot->cap;
    if (vroot_data != 0)
        cap = update_cap_data(false, vroot_data, cap);
    s = derive_cap(vroot->slot, cap, &cap);
    if (s != OK)
        return s;
    if (!valid_vspace_root(cap))
        return fail_illegal("VSpace root is not a VSpace cap with an ASID");
    *vspace = (tcb_cap_t){ cap, vroot->slot };
    return OK;
}

static status_t install_space(invocation_t *inv, tcb_t *target, tcb_cap_t cspace, tcb_cap_t vspace)
{
    status_t s = install_tcb_cap(inv, target, TCB_CTABLE, cspace);
    if (s != OK)
        return s;
    return install_tcb_cap(inv, target, TCB_VTABLE, vspace);
}

/* ---- Configure / SetSpace / SetIPCBuffer / SetTimeoutEndpoint -------------------------------- */

static status_t decode_configure(invocation_t *inv, tcb_t *target)
{
    if (inv->length < 3 || inv->extra_count < 3)
        return fail_truncated("Configure: needs 3 words and 3 caps");
    word_t croot_data = inv_mr(inv, 0);
    word_t vroot_data = inv_mr(inv, 1);
    vaddr_t buffer = inv_mr(inv, 2);
    tcb_cap_t frame, cspace, vspace;
    status_t s;

    s = decode_buffer(buffer, &inv->extra[2], &frame);
    if (s != OK)
        return s;
    s = decode_space(target, croot_data, &inv->extra[0], vroot_data, &inv->extra[1], &cspace, &vspace);
    if (s != OK)
        return s;

    s = install_space(inv, target, cspace, vspace);
    if (s != OK)
        return s;
    return install_ipc_buffer(inv, target, buffer, frame);
}

static status_t decode_set_space(invocation_t *inv, tcb_t *target)
{
    if (inv->length < 2 || inv->extra_count < 3)
        return fail_truncated("SetSpace: needs 2 words and 3 caps");
    word_t croot_data = inv_mr(inv, 0);
    word_t vroot_data = inv_mr(inv, 1);
    tcb_cap_t cspace, vspace;
    tcb_cap_t handler = { inv->extra[0].cap, inv->extra[0].slot };

    status_t s = decode_space(target, croot_data, &inv->extra[1], vroot_data, &inv->extra[2], &cspace, &vspace);
    if (s != OK)
        return s;
    if (!valid_fault_handler(handler.cap))
        return fail_invalid_cap(1, "SetSpace: fault handler must be an endpoint with Write and Grant/GrantReply");

    s = install_tcb_cap(inv, target, TCB_FAULT_HANDLER, handler);
    if (s != OK)
        return s;
    return install_space(inv, target, cspace, vspace);
}

static status_t decode_set_ipc_buffer(invocation_t *inv, tcb_t *target)
{
    if (inv->length < 1 || inv->extra_count < 1)
        return fail_truncated("SetIPCBuffer: needs an address and a frame cap");
    vaddr_t buffer = inv_mr(inv, 0);
    tcb_cap_t frame;

    status_t s = decode_buffer(buffer, &inv->extra[0], &frame);
    if (s != OK)
        return s;
    return install_ipc_buffer(inv, target, buffer, frame);
}

static status_t decode_set_timeout_endpoint(invocation_t *inv, tcb_t *target)
{
    if (inv->extra_count < 1)
        return fail_truncated("SetTimeoutEndpoint: needs an endpoint cap");
    tcb_cap_t handler = { inv->extra[0].cap, inv->extra[0].slot };
    if (!valid_fault_handler(handler.cap))
        return fail_invalid_cap(1, "SetTimeoutEndpoint: must be an endpoint with Write and Grant/GrantReply");
    return install_tcb_cap(inv, target, TCB_TIMEOUT_HANDLER, handler);
}

/* ---- priorities and scheduling parameters ---------------------------------------------------------- */

/* The authority's MCP bounds any priority or MCP it gives. */
static status_t check_prio(word_t prio, const tcb_t *authority, const char *why)
{
    if (prio > authority->mcp)
        return fail_range(seL4_MinPrio, authority->mcp, why);
    return OK;
}

static status_t decode_authority(invocation_t *inv, tcb_t **authority)
{
    cap_t cap = inv->extra[0].cap;
    if (cap_type(cap) != cap_thread_cap)
        return fail_invalid_cap(1, "authority is not a TCB cap");
    *authority = tcb_of_cap(cap);
    return OK;
}

/* SetPriority and SetMCPriority: MR0 = the new value, C0 = the authority whose MCP
 * bounds it. */
static status_t decode_bounded_prio(invocation_t *inv, word_t *value, const char *what)
{
    tcb_t *auth = NULL;
    status_t s;

    if (inv->length < 1 || inv->extra_count < 1)
        return fail_truncated(what);
    *value = inv_mr(inv, 0);
    s = decode_authority(inv, &auth);
    if (s != OK)
        return s;
    return check_prio(*value, auth, "value above the authority's MCP");
}

static status_t decode_set_priority(invocation_t *inv, tcb_t *target)
{
    word_t prio;
    status_t s = decode_bounded_prio(inv, &prio, "SetPriority: needs a priority and an authority cap");

    if (s == OK)
        set_priority(target, prio);
    return s;
}

static status_t decode_set_mc_priority(invocation_t *inv, tcb_t *target)
{
    word_t mcp;
    status_t s = decode_bounded_prio(inv, &mcp, "SetMCPriority: needs an MCP and an authority cap");

    if (s == OK)
        set_mcp(target, mcp);
    return s;
}

/* The SC argument of SetSchedParams: an SC to bind (*sc), or the null cap to unbind. */
static status_t decode_sched_context_arg(invocation_t *inv, tcb_t *target, sched_context_t **sc)
{
    cap_t cap = inv->extra[1].cap;

    *sc = NULL;
    switch (cap_type(cap)) {
    case cap_sched_context_cap:
        *sc = cap_ptr(cap);
        if (target->sc)
            return fail_illegal("SetSchedParams: thread already has an SC");
        if ((*sc)->tcb)
            return fail_illegal("SetSchedParams: SC already bound to a thread");
        if (thread_is_blocked(target) && !(sched_context_is_active(*sc) && refill_ready(*sc)))
            return fail_illegal("SetSchedParams: thread blocked and SC not released");
        return OK;
    case cap_null_cap:
        if (target == inv->thread)
            return fail_illegal("SetSchedParams: cannot unbind the caller's own SC");
        return OK;
    default:
        return fail_invalid_cap(2, "SetSchedParams: not an SC cap or the null cap");
    }
}

static status_t decode_set_sched_params(invocation_t *inv, tcb_t *target)
{
    if (inv->length < 2 || inv->extra_count < 3)
        return fail_truncated("SetSchedParams: needs 2 words and 3 caps");
    word_t mcp = inv_mr(inv, 0);
    word_t prio = inv_mr(inv, 1);
    tcb_cap_t handler = { inv->extra[2].cap, inv->extra[2].slot };
    sched_context_t *sc = NULL;
    tcb_t *auth = NULL;

    status_t s = decode_authority(inv, &auth);
    if (s != OK)
        return s;
    s = check_prio(mcp, auth, "SetSchedParams: MCP above the authority's MCP");
    if (s != OK)
        return s;
    s = check_prio(prio, auth, "SetSchedParams: priority above the authority's MCP");
    if (s != OK)
        return s;
    s = decode_sched_context_arg(inv, target, &sc);
    if (s != OK)
        return s;
    if (!valid_fault_handler(handler.cap))
        return fail_invalid_cap(3, "SetSchedParams: fault handler must be an endpoint with Write and Grant/GrantReply");

    s = install_tcb_cap(inv, target, TCB_FAULT_HANDLER, handler);
    if (s != OK)
        return s;
    set_mcp(target, mcp);
    set_priority(target, prio);
    if (sc && sc != target->sc)
        sched_context_bind_tcb(sc, target);
    else if (!sc && target->sc)
        sched_context_unbind_tcb(target->sc);
    return OK;
}

/* ---- notifications, TLS, flags ---------------------------------------------------------------------- */

static status_t decode_bind_notification(invocation_t *inv, tcb_t *target)
{
    if (inv->extra_count < 1)
        return fail_truncated("BindNotification: needs a notification cap");
    if (target->bound_notification)
        return fail_illegal("BindNotification: thread already has a bound notification");
    cap_t cap = inv->extra[0].cap;
    if (cap_type(cap) != cap_notification_cap)
        return fail_illegal("BindNotification: not a notification cap");
    if (!(cap_rights(cap) & RIGHT_READ))
        return fail_illegal("BindNotification: cap lacks the Read right");
    notification_t *n = cap_ptr(cap);
    if (n->head || n->bound_tcb)
        return fail_illegal("BindNotification: notification has waiters or is bound already");
    bind_notification(target, n);
    return OK;
}

static status_t decode_unbind_notification(tcb_t *target)
{
    if (!target->bound_notification)
        return fail_illegal("UnbindNotification: thread has no bound notification");
    unbind_notification(target);
    return OK;
}

static status_t decode_set_tls_base(invocation_t *inv, tcb_t *target)
{
    if (inv->length < 1)
        return fail_truncated("SetTLSBase: needs the TLS base");
    set_reg(target, REG_TPIDR, inv_mr(inv, 0));
    if (target == ks_cur_thread)
        reschedule_required();
    return OK;
}

/* Flags the kernel knows; the arch code reads bit 0 (FPU disabled, tcb_fpu_disabled)
 * when it next switches the FPU and traps FP/SIMD use as a UserException. */
#define TCB_FLAGS_KNOWN ((word_t)seL4_TCBFlag_fpuDisabled)

static status_t decode_set_flags(invocation_t *inv, tcb_t *target)
{
    if (inv->length < 2)
        return fail_truncated("SetFlags: needs clear and set words");
    word_t clear = inv_mr(inv, 0);
    word_t set = inv_mr(inv, 1);
    target->flags = (target->flags & ~clear) | (set & TCB_FLAGS_KNOWN);
    arch_tcb_flags_changed(target);
    if (inv->call)
        inv_reply_mr(inv, 0, target->flags);
    return OK;
}

bool tcb_fpu_disabled(const tcb_t *t)
{
    return (t->flags & seL4_TCBFlag_fpuDisabled) != 0;
}

/* ---- dispatch ----------------------------------------------------------------------------------- */

status_t decode_tcb_invocation(invocation_t *inv)
{
    tcb_t *target = tcb_of_cap(inv->cap);

    switch (inv->label) {
    case TCBReadRegisters:      return decode_read_registers(inv, target);
    case TCBWriteRegisters:     return decode_write_registers(inv, target);
    case TCBCopyRegisters:      return decode_copy_registers(inv, target);
    case TCBConfigure:          return decode_configure(inv, target);
    case TCBSetPriority:        return decode_set_priority(inv, target);
    case TCBSetMCPriority:      return decode_set_mc_priority(inv, target);
    case TCBSetSchedParams:     return decode_set_sched_params(inv, target);
    case TCBSetTimeoutEndpoint: return decode_set_timeout_endpoint(inv, target);
    case TCBSetIPCBuffer:       return decode_set_ipc_buffer(inv, target);
    case TCBSetSpace:           return decode_set_space(inv, target);
    case TCBSuspend:
        suspend(target);
        return OK;
    case TCBResume:
        restart(target);
        return OK;
    case TCBBindNotification:   return decode_bind_notification(inv, target);
    case TCBUnbindNotification: return decode_unbind_notification(target);
    case TCBSetTLSBase:         return decode_set_tls_base(inv, target);
    case TCBSetFlags:           return decode_set_flags(inv, target);
    default:
        return fail_illegal("not a TCB method");
    }
}
