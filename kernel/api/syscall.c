/*
 * Kernel entry: the system calls (ABI (a)), faults raised by user code, and interrupts.
 *
 * Every entry follows the same three steps (docs/DESIGN.md): charge the current
 * scheduling context; do the work; choose the thread to run and make it current. The
 * arch code then restores ks_cur_thread's registers.
 */
#include <keel/abi_gen.h>
#include <keel/arch_api.h>
#include <keel/cspace.h>
#include <keel/invariants.h>
#include <keel/invocation.h>
#include <keel/ipc.h>
#include <keel/interrupt.h>
#include <keel/kernel.h>
#include <keel/sched.h>
#include <keel/state.h>
#include <keel/syscall.h>
#include <keel/tcb.h>

/* ---- preemption of long operations ---------------------------------------------------- */

#define WORK_UNITS_PER_PREEMPTION_CHECK 100

status_t preemption_point(void)
{
    static word_t work_units;

    if (++work_units < WORK_UNITS_PER_PREEMPTION_CHECK)
        return OK;
    work_units = 0;
    return plat_irq_is_pending() ? ERR_PREEMPTED : OK;
}

/* ---- receiving ------------------------------------------------------------------------- */

static void receive_phase_cap_fault(tcb_t *t, cptr_t cptr)
{
    t->lookup_failure = ks_lookup_fault;
    set_cap_fault(t, cptr, true);
    handle_fault(t);
}

/* A cap of the wrong kind in the receive phase is reported as a missing capability. */
static void receive_phase_wrong_cap(tcb_t *t, cptr_t cptr)
{
    lookup_fail_missing_cap(0);
    receive_phase_cap_fault(t, cptr);
}

/* The reply object for Recv/ReplyRecv/NBSendRecv: x6 must name a Reply cap. */
static bool lookup_reply_cap(tcb_t *t, cap_t *reply)
{
    cptr_t cptr = get_reg(t, REG_REPLY);
    cte_t *slot;

    if (lookup_cap(t, cptr, reply, &slot) != OK) {
        receive_phase_cap_fault(t, cptr);
        return false;
    }
    if (cap_type(*reply) != cap_reply_cap) {
        receive_phase_wrong_cap(t, cptr);
        return false;
    }
    return true;
}

static void handle_recv(bool block, bool with_reply)
{
    tcb_t *t = ks_cur_thread;
    cptr_t cptr = get_reg(t, REG_CAP);
    cap_t cap, reply = cap_null();
    cte_t *slot;

    if (lookup_cap(t, cptr, &cap, &slot) != OK) {
        receive_phase_cap_fault(t, cptr);
        return;
    }
    switch (cap_type(cap)) {
    case cap_endpoint_cap:
        if (!(cap_rights(cap) & RIGHT_READ)) {
            receive_phase_wrong_cap(t, cptr);
            return;
        }
        if (with_reply && !lookup_reply_cap(t, &reply))
            return;
        receive_ipc(t, cap, block, reply);
        return;
    case cap_notification_cap: {
        notification_t *n = cap_ptr(cap);
        if (!(cap_rights(cap) & RIGHT_READ) || (n->bound_tcb && n->bound_tcb != t)) {
            receive_phase_wrong_cap(t, cptr);
            return;
        }
        receive_signal(t, cap, block);
        return;
    }
    default:
        receive_phase_wrong_cap(t, cptr);
        return;
    }
}

/* ---- debug syscalls (ABI (l)) ------------------------------------------------------------ */

/* How far into the IPC buffer (from msg[0]) the kernel looks for the name's NUL. */
#define NAME_SEARCH_BYTES 960

static bool has_terminator(const char *s, word_t max)
{
    for (word_t i = 0; i < max; i++)
        if (s[i] == 0)
            return true;
    return false;
}

static void debug_name_thread(tcb_t *t)
{
    cap_t cap;
    cte_t *slot;
    word_t *buffer = lookup_ipc_buffer(t, true);
    const char *name;

    if (lookup_cap(t, get_reg(t, REG_CAP), &cap, &slot) != OK || cap_type(cap) != cap_thread_cap) {
        kprintf("keel: DebugNameThread: x0 is not a TCB cap; ignored\n");
        return;
    }
    if (!buffer) {
        kprintf("keel: DebugNameThread: caller has no writable IPC buffer; ignored\n");
        return;
    }
    name = (const char *)&buffer[1];
    if (!has_terminator(name, NAME_SEARCH_BYTES)) {
        kprintf("keel: DebugNameThread: name is not NUL-terminated; ignored\n");
        return;
    }
    tcb_set_name(tcb_of_cap(cap), name, TCB_NAME_BYTES);
}

static word_t debug_cap_identify(tcb_t *t)
{
    cap_t cap;
    cte_t *slot;

    if (lookup_cap(t, get_reg(t, REG_CAP), &cap, &slot) != OK)
        return 0;
    return cap_type(cap);
}

static bool handle_debug_syscall(sword_t number)
{
    tcb_t *t = ks_cur_thread;

    switch (number) {
    case seL4_SysDebugPutChar:
        plat_console_putchar((char)(get_reg(t, REG_CAP) & 0xff));
        return true;
    case seL4_SysDebugDumpScheduler:
        sched_dump();
        return true;
    case seL4_SysDebugHalt:
        kprintf("keel: DebugHalt called by '%s'; halting\n", tcb_name(t));
        arch_halt(true);
    case seL4_SysDebugCapIdentify:
        set_reg(t, REG_CAP, debug_cap_identify(t));
        return true;
    case seL4_SysDebugSnapshot:
        debug_snapshot(t);
        return true;
    case seL4_SysDebugNameThread:
        debug_name_thread(t);
        return true;
    case KEEL_SYS_DEBUG_CHECK_INVARIANTS:
        set_reg(t, REG_CAP, check_invariants() == OK ? 0 : 1);
        return true;
    default:
        return false;
    }
}

/* ---- the syscalls ---------------------------------------------------------------------------- */

static void raise_unknown_syscall(tcb_t *t, sword_t number)
{
    t->fault = (fault_t){ .type = seL4_Fault_UnknownSyscall, .w = { (word_t)number } };
    handle_fault(t);
}

static void perform_syscall(sword_t number)
{
    tcb_t *t = ks_cur_thread;

    switch (number) {
    case seL4_SysCall:
        handle_invocation(true, true, true, false, get_reg(t, REG_CAP));
        break;
    case seL4_SysSend:
        handle_invocation(false, true, false, false, get_reg(t, REG_CAP));
        break;
    case seL4_SysNBSend:
        handle_invocation(false, false, false, false, get_reg(t, REG_CAP));
        break;
    case seL4_SysRecv:
        handle_recv(true, true);
        break;
    case seL4_SysNBRecv:
        handle_recv(false, true);
        break;
    case seL4_SysWait:
        handle_recv(true, false);
        break;
    case seL4_SysNBWait:
        handle_recv(false, false);
        break;
    case seL4_SysReplyRecv:
        if (handle_invocation(false, false, true, true, get_reg(t, REG_REPLY)) == OK)
            handle_recv(true, true);
        break;
    case seL4_SysNBSendRecv:
        if (handle_invocation(false, false, true, true, get_reg(t, REG_NBSEND_DEST)) == OK)
            handle_recv(true, true);
        break;
    case seL4_SysNBSendWait:
        if (handle_invocation(false, false, true, true, get_reg(t, REG_REPLY)) == OK)
            handle_recv(true, false);
        break;
    case seL4_SysYield:
        mcs_yield();
        break;
    default:
        raise_unknown_syscall(t, number);
        break;
    }
}

static void finish_kernel_entry(void)
{
    schedule();
    activate_thread();
}

void handle_syscall(sword_t number)
{
    ks_num_kernel_entries++;
    if (handle_debug_syscall(number))
        return;                  /* debug syscalls neither charge budget nor reschedule */

    if (mcs_entry_check_budget()) {
        perform_syscall(number);
    } else if (thread_is_runnable(ks_cur_thread)) {
        /* Out of budget before the call: run the svc again on the next refill. */
        set_thread_state(ks_cur_thread, ThreadState_Restart);
    }
    finish_kernel_entry();
}

void handle_vm_fault(bool instruction_fault, word_t fault_address, word_t esr)
{
    tcb_t *t = ks_cur_thread;

    ks_num_kernel_entries++;
    if (mcs_entry_check_budget()) {
        t->fault = (fault_t){
            .type = seL4_Fault_VMFault,
            .w = { instruction_fault ? get_reg(t, REG_FAULT_IP) : fault_address,
                   instruction_fault, esr & 0xffffffffull },
        };
        handle_fault(t);
    }
    finish_kernel_entry();
}

void handle_user_exception(word_t esr)
{
    tcb_t *t = ks_cur_thread;

    ks_num_kernel_entries++;
    if (mcs_entry_check_budget()) {
        t->fault = (fault_t){ .type = seL4_Fault_UserException, .w = { esr & 0xffffffffull, 0 } };
        handle_fault(t);
    }
    finish_kernel_entry();
}

void handle_interrupt(void)
{
    ks_num_kernel_entries++;
    mcs_entry_check_budget();
    handle_irq(plat_irq_get_pending());
    finish_kernel_entry();
}
