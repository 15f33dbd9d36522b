/*
 * Faults: a thread that faults sends a message to its fault handler on its behalf, as if
 * it had done a Call on the handler's endpoint, and waits for the reply (ABI (f)).
 *
 * The syscall layer and the trap handlers record the fault in t->fault (and, for a
 * CapFault, the lookup failure in t->lookup_failure) and call handle_fault(t). The
 * message is built only when a receiver takes it (do_fault_transfer), so a fault queued
 * on a busy handler endpoint stays in the TCB until then. The handler answers through
 * its reply object; handle_fault_reply applies the answer.
 *
 * CapFault messages carry the real lookup failure (MR3 = its type, MR4.. its details,
 * length 4..7), as seL4 16.0 does. At the seL4 commit ABI.md describes, MCS always sent
 * MR3 = 1 (InvalidRoot) with length 4 because the failure was never recorded; a handler
 * that only reads MR0..MR3 sees the same layout either way.
 */
#include <keel/ipc.h>
#include <keel/sched.h>
#include <keel/tcb.h>
#include <keel/invocation.h>
#include <keel/kernel.h>

/* ---- recording ---------------------------------------------------------------------------- */

void set_cap_fault(tcb_t *t, cptr_t addr, bool in_receive_phase)
{
    t->fault = (fault_t){ .type = seL4_Fault_CapFault, .w = { addr, in_receive_phase } };
}

/* ---- building the messages ------------------------------------------------------------------ */

/* The lookup failure words of a CapFault (ABI (e) encoding); returns how many. */
static word_t lookup_failure_words(const lookup_fault_t *lf, word_t out[4])
{
    /* A failure never recorded (all zero) reads as InvalidRoot, like seL4's encoding. */
    out[0] = lf->type == seL4_NoFailure ? seL4_InvalidRoot : lf->type;
    switch (out[0]) {
    case seL4_MissingCapability:
        out[1] = lf->bits_left;
        return 2;
    case seL4_DepthMismatch:
        out[1] = lf->bits_left;
        out[2] = lf->bits_found;
        return 3;
    case seL4_GuardMismatch:
        out[1] = lf->bits_left;
        out[2] = lf->guard_found;
        out[3] = lf->bits_found;
        return 4;
    default:
        return 1;
    }
}

static word_t cap_fault_message(tcb_t *t, word_t msg[])
{
    msg[seL4_CapFault_IP] = get_reg(t, REG_FAULT_IP);
    msg[seL4_CapFault_Addr] = t->fault.w[0];
    msg[seL4_CapFault_InRecvPhase] = t->fault.w[1];
    return seL4_CapFault_LookupFailureType +
           lookup_failure_words(&t->lookup_failure, &msg[seL4_CapFault_LookupFailureType]);
}

static word_t unknown_syscall_message(tcb_t *t, word_t msg[])
{
    for (word_t i = 0; i <= 7; i++)
        msg[seL4_UnknownSyscall_X0 + i] = get_reg(t, REG_X0 + i);
    msg[seL4_UnknownSyscall_FaultIP] = get_reg(t, REG_FAULT_IP);
    msg[seL4_UnknownSyscall_SP] = get_reg(t, REG_SP);
    msg[seL4_UnknownSyscall_LR] = get_reg(t, REG_PC);      /* ELR: after the svc */
    msg[seL4_UnknownSyscall_SPSR] = get_reg(t, REG_SPSR);
    msg[seL4_UnknownSyscall_Syscall] = t->fault.w[0];
    return seL4_UnknownSyscall_Length;
}

static word_t user_exception_message(tcb_t *t, word_t msg[])
{
    msg[seL4_UserException_FaultIP] = get_reg(t, REG_FAULT_IP);
    msg[seL4_UserException_SP] = get_reg(t, REG_SP);
    msg[seL4_UserException_SPSR] = get_reg(t, REG_SPSR);
    msg[seL4_UserException_Number] = t->fault.w[0];
    msg[seL4_UserException_Code] = t->fault.w[1];
    return seL4_UserException_Length;
}

static word_t vm_fault_message(tcb_t *t, word_t msg[])
{
    msg[seL4_VMFault_IP] = get_reg(t, REG_FAULT_IP);
    msg[seL4_VMFault_Addr] = t->fault.w[0];
    msg[seL4_VMFault_PrefetchFault] = t->fault.w[1];
    msg[seL4_VMFault_FSR] = t->fault.w[2];
    return seL4_VMFault_Length;
}

/* Consumed time is reported in µs and the SC's counter starts again from zero. */
static word_t timeout_message(tcb_t *t, word_t msg[])
{
    msg[seL4_Timeout_Data] = t->fault.w[0];
    if (!t->sc)
        return seL4_Timeout_Data + 1;
    msg[seL4_Timeout_Consumed] = sched_context_update_consumed(t->sc);
    return seL4_Timeout_Length;
}

word_t fault_message(tcb_t *t, word_t msg[FAULT_MSG_MAX_WORDS])
{
    switch (t->fault.type) {
    case seL4_Fault_CapFault:       return cap_fault_message(t, msg);
    case seL4_Fault_UnknownSyscall: return unknown_syscall_message(t, msg);
    case seL4_Fault_UserException:  return user_exception_message(t, msg);
    case seL4_Fault_VMFault:        return vm_fault_message(t, msg);
    case seL4_Fault_Timeout:        return timeout_message(t, msg);
    default:
        panic("fault_message: thread '%s' has no fault (type %lu)", tcb_name(t), t->fault.type);
    }
}

void do_fault_transfer(word_t badge, tcb_t *sender, tcb_t *receiver, word_t *receive_buffer)
{
    word_t msg[FAULT_MSG_MAX_WORDS];
    word_t length = fault_message(sender, msg);

    for (word_t i = 0; i < length; i++)
        set_mr(receiver, receive_buffer, i, msg[i]);
    /* Without an IPC buffer the handler gets only what fits in x2..x5. */
    if (!receive_buffer)
        length = MIN(length, NUM_MSG_REGISTERS);
    set_reg(receiver, REG_MSGINFO, msginfo_new(sender->fault.type, 0, 0, length));
    set_reg(receiver, REG_BADGE, badge);
}

/* ---- delivering ----------------------------------------------------------------------------- */

/* A usable fault/timeout handler: an endpoint cap we may send on with a reply path. */
static bool valid_handler_cap(cap_t c)
{
    return cap_type(c) == cap_endpoint_cap && (cap_rights(c) & RIGHT_WRITE) &&
           (cap_rights(c) & (RIGHT_GRANT | RIGHT_GRANT_REPLY));
}

/* TCB_SetTimeoutEndpoint only installs valid handler caps (or the null cap), so this is
 * seL4's "is there an endpoint cap" test; checking the rights too keeps handle_timeout
 * from ever being asked to send where it cannot. */
bool valid_timeout_handler(tcb_t *t)
{
    return valid_handler_cap(tcb_slot(t, TCB_TIMEOUT_HANDLER)->cap);
}

/* Send t's pending fault as a blocking Call-like IPC; false if there is no handler. */
static bool send_fault_ipc(tcb_t *t, cap_t handler, bool can_donate)
{
    if (!valid_handler_cap(handler))
        return false;
    send_ipc(true, false, cap_badge(handler), cap_rights(handler) & RIGHT_GRANT,
             cap_rights(handler) & RIGHT_GRANT_REPLY, can_donate, t, cap_ptr(handler));
    return true;
}

static const char *lookup_failure_name(word_t type)
{
    switch (type) {
    case seL4_MissingCapability: return "missing capability";
    case seL4_DepthMismatch:     return "depth mismatch";
    case seL4_GuardMismatch:     return "guard mismatch";
    default:                     return "invalid root";
    }
}

/* The one line a debug kernel prints for a fault nobody handles. */
static void print_unhandled_fault(tcb_t *t)
{
    const fault_t *f = &t->fault;
    const char *name = tcb_name(t);
    word_t pc = get_reg(t, REG_FAULT_IP);

    switch (f->type) {
    case seL4_Fault_CapFault:
        kprintf("keel: thread '%s' cap fault (%s%s) at pc 0x%lx, address 0x%lx "
                "(no fault handler): thread suspended\n", name,
                lookup_failure_name(t->lookup_failure.type),
                f->w[1] ? ", receive phase" : "", pc, f->w[0]);
        break;
    case seL4_Fault_VMFault:
        kprintf("keel: thread '%s' vm fault (%s abort, fsr 0x%lx) at pc 0x%lx, address 0x%lx "
                "(no fault handler): thread suspended\n", name,
                f->w[1] ? "instruction" : "data", f->w[2], pc, f->w[0]);
        break;
    case seL4_Fault_UnknownSyscall:
        kprintf("keel: thread '%s' unknown syscall %ld at pc 0x%lx "
                "(no fault handler): thread suspended\n", name, (sword_t)f->w[0], pc);
        break;
    case seL4_Fault_UserException:
        kprintf("keel: thread '%s' user exception (esr 0x%lx) at pc 0x%lx "
                "(no fault handler): thread suspended\n", name, f->w[0], pc);
        break;
    default:
        kprintf("keel: thread '%s' fault %lu at pc 0x%lx (no fault handler): thread suspended\n",
                name, f->type, pc);
        break;
    }
}

void handle_fault(tcb_t *t)
{
    cap_t handler = tcb_slot(t, TCB_FAULT_HANDLER)->cap;

    if (send_fault_ipc(t, handler, t->sc != NULL))
        return;
    if (KEEL_DEBUG && CONFIG_PRINT_USER_ERRORS)
        print_unhandled_fault(t);
    set_thread_state(t, ThreadState_Inactive);
}

void handle_timeout(tcb_t *t)
{
    kassert(valid_timeout_handler(t));
    t->fault = (fault_t){ .type = seL4_Fault_Timeout, .w = { t->sc ? t->sc->badge : 0 } };
    /* The SC has no budget left: it stays behind and is not donated to the handler. */
    send_fault_ipc(t, tcb_slot(t, TCB_TIMEOUT_HANDLER)->cap, false);
}

/* ---- the handler's reply -------------------------------------------------------------------- */

/* Registers the reply words go to, in MR order (ABI (f) "Replying to a fault"). */
static const uint8_t unknown_syscall_reply_regs[] = {
    [seL4_UnknownSyscall_X0] = 0, 1, 2, 3, 4, 5, 6, 7,
    [seL4_UnknownSyscall_FaultIP] = REG_FAULT_IP,
    [seL4_UnknownSyscall_SP] = REG_SP,
    [seL4_UnknownSyscall_LR] = REG_PC,
    [seL4_UnknownSyscall_SPSR] = REG_SPSR,
};

static const uint8_t user_exception_reply_regs[] = {
    [seL4_UserException_FaultIP] = REG_FAULT_IP,
    [seL4_UserException_SP] = REG_SP,
    [seL4_UserException_SPSR] = REG_SPSR,
};

static const uint8_t timeout_reply_regs[seL4_TimeoutReply_Length] = {
    [seL4_TimeoutReply_FaultIP] = REG_FAULT_IP,
    [seL4_TimeoutReply_SP] = REG_SP,
    [seL4_TimeoutReply_SPSR_EL1] = REG_SPSR,
    [seL4_TimeoutReply_X0] = 0, 1, 2, 3, 4, 5, 6, 7, 8,
    [seL4_TimeoutReply_X16] = 16, 17, 18,
    [seL4_TimeoutReply_X29] = 29, 30,
    [seL4_TimeoutReply_X9] = 9, 10, 11, 12, 13, 14, 15,
    [seL4_TimeoutReply_X19] = 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
};

STATIC_ASSERT(ARRAY_SIZE(unknown_syscall_reply_regs) == seL4_UnknownSyscall_Syscall,
              "UnknownSyscall replies carry every message word but the syscall number");
STATIC_ASSERT(seL4_TimeoutReply_X8 == seL4_TimeoutReply_X0 + 8 &&
              seL4_TimeoutReply_X18 == seL4_TimeoutReply_X16 + 2 &&
              seL4_TimeoutReply_X30 == seL4_TimeoutReply_X29 + 1 &&
              seL4_TimeoutReply_X15 == seL4_TimeoutReply_X9 + 6 &&
              seL4_TimeoutReply_X28 == seL4_TimeoutReply_X19 + 9,
              "timeout_reply_regs relies on runs of consecutive registers");

/* Copy up to n reply words into receiver's registers; SPSR is sanitised. */
static void copy_reply_to_regs(tcb_t *sender, tcb_t *receiver, const uint8_t regs[], word_t n)
{
    const word_t *buf = lookup_ipc_buffer(sender, false);

    for (word_t i = 0; i < n; i++) {
        word_t v;
        if (i >= NUM_MSG_REGISTERS && !buf)
            break;                              /* the replier has no MR4.. to give */
        v = get_mr(sender, buf, i);
        set_reg(receiver, regs[i], regs[i] == REG_SPSR ? sanitise_spsr(v) : v);
    }
}

bool handle_fault_reply(tcb_t *receiver, tcb_t *sender)
{
    word_t info = get_reg(sender, REG_MSGINFO);
    word_t label = msginfo_label(info), length = msginfo_length(info);

    switch (receiver->fault.type) {
    case seL4_Fault_UnknownSyscall:
        copy_reply_to_regs(sender, receiver, unknown_syscall_reply_regs,
                           MIN(length, ARRAY_SIZE(unknown_syscall_reply_regs)));
        return label == 0;
    case seL4_Fault_UserException:
        copy_reply_to_regs(sender, receiver, user_exception_reply_regs,
                           MIN(length, ARRAY_SIZE(user_exception_reply_regs)));
        return label == 0;
    case seL4_Fault_Timeout:
        copy_reply_to_regs(sender, receiver, timeout_reply_regs,
                           MIN(length, ARRAY_SIZE(timeout_reply_regs)));
        return label == 0;
    default:                                    /* CapFault, VMFault: retry the instruction */
        return true;
    }
}
