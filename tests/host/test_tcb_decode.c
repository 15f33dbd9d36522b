/*
 * Host tests of the TCB, SchedControl, SchedContext and DomainSet decoders: every error
 * path with its exact seL4 error (and MRs), and the effect of the successful calls.
 * Invocations are built by hand as the dispatcher would build them, with the caller's
 * message in its registers and IPC buffer.
 */
#include "sched_test_util.h"
#include <keel/invocation.h>
#include <keel/ipc.h>

static tcb_t *caller, *target;
static word_t *caller_buf;
static invocation_t inv;
static cte_t invoked_slot;
static cte_t extra_slots[seL4_MsgMaxExtraCaps];

static cap_t frame_cap(bool device, word_t rights)
{
    return frame_cap_new(paddr_of(test_alloc(BIT(seL4_PageBits))), FRAME_4K, rights, device);
}

static int setup(void **state)
{
    kernel_setup(state);
    caller = new_runnable("caller", 100, 5000, 5000, 0, false);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, caller);
    cap_t buf = frame_cap(false, VM_READ_WRITE);
    tcb_slot(caller, TCB_BUFFER)->cap = buf;
    caller->ipc_buffer = 0x10000;
    caller_buf = cap_ptr(buf);
    target = new_thread("target", 50);
    memset(extra_slots, 0, sizeof(extra_slots));
    memset(&invoked_slot, 0, sizeof(invoked_slot));
    return 0;
}

static int teardown(void **state)
{
    for (tcb_t *t = tcb_debug_list(); t; t = t->debug_next)
        for (int i = 0; i < TCB_NUM_SLOTS; i++)
            t->slots[i] = (cte_t){ 0 };   /* the caps are the tests' own, not the MDB's */
    return kernel_teardown(state);
}

/* Build an invocation of 'cap' by the caller: MRs and extra caps. */
static void invoke_prepare(cap_t cap, word_t label, word_t length, const word_t *mrs,
                           word_t n_extra, const cap_t *caps)
{
    memset(&inv, 0, sizeof(inv));
    inv.thread = caller;
    inv.label = label;
    inv.length = length;
    inv.call = true;
    inv.block = true;
    inv.buffer = caller_buf;
    invoked_slot.cap = cap;
    inv.cap = cap;
    inv.slot = &invoked_slot;
    for (word_t i = 0; i < length; i++)
        set_mr(caller, caller_buf, i, mrs[i]);
    for (word_t i = 0; i < n_extra; i++) {
        extra_slots[i].cap = caps[i];
        inv.extra[i] = (extra_cap_t){ caps[i], &extra_slots[i] };
    }
    inv.extra_count = n_extra;
    set_thread_state(caller, ThreadState_Restart);   /* as the dispatcher does */
}

static cap_t tcb_cap(tcb_t *t) { return thread_cap_new(paddr_of(t)); }

static status_t invoke_tcb(word_t label, word_t length, const word_t *mrs, word_t n_extra, const cap_t *caps)
{
    invoke_prepare(tcb_cap(target), label, length, mrs, n_extra, caps);
    return decode_tcb_invocation(&inv);
}

#define W(...) ((const word_t[]){ __VA_ARGS__ })
#define C(...) ((const cap_t[]){ __VA_ARGS__ })
#define NONE   NULL

#define assert_error(s, type_)                                       \
    do {                                                             \
        assert_int_equal((s), ERR_SYSCALL);                          \
        assert_int_equal(ks_syscall_error.type, (type_));            \
    } while (0)
#define assert_range(s, lo, hi)                                      \
    do {                                                             \
        assert_error(s, seL4_RangeError);                            \
        assert_int_equal(ks_syscall_error.range_min, (lo));          \
        assert_int_equal(ks_syscall_error.range_max, (hi));          \
    } while (0)
#define assert_error_arg(s, type_, a)                                \
    do {                                                             \
        assert_error(s, type_);                                      \
        assert_int_equal(ks_syscall_error.arg, (a));                 \
    } while (0)

static cap_t endpoint(word_t rights) { return endpoint_cap_new(paddr_of(test_alloc(16)), 0, rights); }
static cap_t ntfn(word_t rights) { return notification_cap_new(paddr_of(test_alloc(64)), 0, rights); }
static cap_t cnode(word_t radix) { return cnode_cap_new(paddr_of(test_alloc(BIT(radix + 5))), radix, 0, 0); }
static cap_t vspace(bool with_asid)
{
    cap_t c = vspace_cap_new(paddr_of(test_alloc(BIT(seL4_VSpaceBits))));
    return with_asid ? cap_set_mapping(c, 1, 0) : c;
}
static cap_t sc_cap(sched_context_t *sc) { return sched_context_cap_new(paddr_of(sc), sc->size_bits); }

/* ---- ReadRegisters / WriteRegisters / CopyRegisters ------------------------------------------- */

static void test_read_registers(void **state)
{
    (void)state;
    assert_error(invoke_tcb(TCBReadRegisters, 1, W(0), 0, NONE), seL4_TruncatedMessage);
    assert_range(invoke_tcb(TCBReadRegisters, 2, W(0, 0), 0, NONE), 1, 36);
    assert_range(invoke_tcb(TCBReadRegisters, 2, W(0, 37), 0, NONE), 1, 36);

    invoke_prepare(tcb_cap(caller), TCBReadRegisters, 2, W(0, 1), 0, NONE);
    assert_error(decode_tcb_invocation(&inv), seL4_IllegalOperation);

    for (word_t r = 0; r < NUM_CONTEXT_REGS; r++)
        set_reg(target, r, 0x1000 + r);
    assert_int_equal(invoke_tcb(TCBReadRegisters, 2, W(0, 36), 0, NONE), OK);
    assert_int_equal(inv.reply_length, 36);
    assert_int_equal(get_mr(caller, caller_buf, KEEL_UC_PC), 0x1000 + REG_FAULT_IP);
    assert_int_equal(get_mr(caller, caller_buf, KEEL_UC_SP), 0x1000 + REG_SP);
    assert_int_equal(get_mr(caller, caller_buf, KEEL_UC_X0), 0x1000);
    assert_int_equal(get_mr(caller, caller_buf, KEEL_UC_X16), 0x1000 + 16);
    assert_int_equal(get_mr(caller, caller_buf, KEEL_UC_X9), 0x1000 + 9);
    assert_int_equal(get_mr(caller, caller_buf, KEEL_UC_TPIDRRO_EL0), 0x1000 + REG_TPIDRRO);

    target->state = ThreadState_Running;
    assert_int_equal(invoke_tcb(TCBReadRegisters, 2, W(1, 3), 0, NONE), OK);   /* suspend */
    assert_int_equal(target->state, ThreadState_Inactive);
    assert_int_equal(inv.reply_length, 3);
}

static void test_write_registers(void **state)
{
    (void)state;
    word_t mrs[40] = { 0, 36 };
    for (word_t i = 0; i < 36; i++)
        mrs[2 + i] = 0x2000 + i;

    assert_error(invoke_tcb(TCBWriteRegisters, 1, mrs, 0, NONE), seL4_TruncatedMessage);
    mrs[1] = 100;                         /* more than the message: checked before clamping */
    assert_error(invoke_tcb(TCBWriteRegisters, 38, mrs, 0, NONE), seL4_TruncatedMessage);
    mrs[1] = 37;
    assert_error(invoke_tcb(TCBWriteRegisters, 38, mrs, 0, NONE), seL4_TruncatedMessage);

    mrs[1] = 36;
    invoke_prepare(tcb_cap(caller), TCBWriteRegisters, 38, mrs, 0, NONE);
    assert_error(decode_tcb_invocation(&inv), seL4_IllegalOperation);

    mrs[1] = 38;                          /* count above 36 but within the message: clamped */
    assert_int_equal(invoke_tcb(TCBWriteRegisters, 40, mrs, 0, NONE), OK);
    assert_int_equal(get_reg(target, REG_FAULT_IP), 0x2000 + KEEL_UC_PC);
    assert_int_equal(get_reg(target, REG_PC), 0x2000 + KEEL_UC_PC);
    assert_int_equal(get_reg(target, REG_SPSR), ((0x2000 + KEEL_UC_SPSR) & 0xf0000000) | 0x40);
    assert_int_equal(get_reg(target, 0), 0x2000 + KEEL_UC_X0);
    assert_int_equal(get_reg(target, 28), 0x2000 + KEEL_UC_X28);
    assert_int_equal(get_reg(target, REG_TPIDR), 0x2000 + KEEL_UC_TPIDR_EL0);
    assert_int_equal(target->state, ThreadState_Inactive);

    mrs[0] = 1;                           /* resume_target */
    mrs[1] = 1;
    mrs[2] = 0xf0000000ull | 0x3c5;       /* spsr is not pc: count 1 writes only pc */
    assert_int_equal(invoke_tcb(TCBWriteRegisters, 3, mrs, 0, NONE), OK);
    assert_int_equal(get_reg(target, REG_FAULT_IP), 0xf00003c5ull);
    assert_int_equal(target->state, ThreadState_Restart);
}

static void test_copy_registers(void **state)
{
    (void)state;
    tcb_t *src = new_thread("src", 10);
    for (word_t r = 0; r < NUM_CONTEXT_REGS; r++)
        set_reg(src, r, 0x3000 + r);

    assert_error(invoke_tcb(TCBCopyRegisters, 1, W(0), 0, NONE), seL4_TruncatedMessage);
    assert_error(invoke_tcb(TCBCopyRegisters, 0, NONE, 1, C(tcb_cap(src))), seL4_TruncatedMessage);
    assert_error_arg(invoke_tcb(TCBCopyRegisters, 1, W(0), 1, C(endpoint(RIGHTS_ALL))),
                     seL4_InvalidCapability, 1);

    assert_int_equal(invoke_tcb(TCBCopyRegisters, 1, W(BIT(2)), 1, C(tcb_cap(src))), OK);   /* frame */
    assert_int_equal(get_reg(target, REG_FAULT_IP), 0x3000 + REG_FAULT_IP);
    assert_int_equal(get_reg(target, REG_PC), 0x3000 + REG_FAULT_IP);
    assert_int_equal(get_reg(target, 30), 0x3000 + 30);
    assert_int_equal(get_reg(target, 9), 0);                     /* integer set not copied */

    assert_int_equal(invoke_tcb(TCBCopyRegisters, 1, W(BIT(3)), 1, C(tcb_cap(src))), OK);   /* integer */
    assert_int_equal(get_reg(target, 9), 0x3000 + 9);
    assert_int_equal(get_reg(target, REG_TPIDRRO), 0x3000 + REG_TPIDRRO);
}

/* ---- priorities, scheduling parameters ------------------------------------------------------ */

static void test_set_priority(void **state)
{
    (void)state;
    tcb_t *auth = new_thread("auth", 0);
    auth->mcp = 80;

    assert_error(invoke_tcb(TCBSetPriority, 0, NONE, 1, C(tcb_cap(auth))), seL4_TruncatedMessage);
    assert_error(invoke_tcb(TCBSetPriority, 1, W(10), 0, NONE), seL4_TruncatedMessage);
    assert_error_arg(invoke_tcb(TCBSetPriority, 1, W(10), 1, C(endpoint(RIGHTS_ALL))),
                     seL4_InvalidCapability, 1);
    assert_range(invoke_tcb(TCBSetPriority, 1, W(81), 1, C(tcb_cap(auth))), 0, 80);
    assert_int_equal(invoke_tcb(TCBSetPriority, 1, W(80), 1, C(tcb_cap(auth))), OK);
    assert_int_equal(target->priority, 80);

    assert_range(invoke_tcb(TCBSetMCPriority, 1, W(300), 1, C(tcb_cap(auth))), 0, 80);
    assert_int_equal(invoke_tcb(TCBSetMCPriority, 1, W(7), 1, C(tcb_cap(auth))), OK);
    assert_int_equal(target->mcp, 7);
}

static void test_set_sched_params(void **state)
{
    (void)state;
    tcb_t *auth = new_thread("auth", 0);
    auth->mcp = 90;
    sched_context_t *sc = new_sc(7);
    sched_context_configure(sc, us_to_ticks(1000), us_to_ticks(1000), 0, 0, false);
    cap_t fh = endpoint(RIGHT_WRITE | RIGHT_GRANT);

    assert_error(invoke_tcb(TCBSetSchedParams, 2, W(1, 1), 2, C(tcb_cap(auth), sc_cap(sc))),
                 seL4_TruncatedMessage);
    assert_error(invoke_tcb(TCBSetSchedParams, 1, W(1), 3, C(tcb_cap(auth), sc_cap(sc), fh)),
                 seL4_TruncatedMessage);
    assert_error_arg(invoke_tcb(TCBSetSchedParams, 2, W(1, 1), 3, C(ntfn(RIGHTS_ALL), sc_cap(sc), fh)),
                     seL4_InvalidCapability, 1);
    assert_range(invoke_tcb(TCBSetSchedParams, 2, W(91, 1), 3, C(tcb_cap(auth), sc_cap(sc), fh)), 0, 90);
    assert_range(invoke_tcb(TCBSetSchedParams, 2, W(1, 91), 3, C(tcb_cap(auth), sc_cap(sc), fh)), 0, 90);
    assert_error_arg(invoke_tcb(TCBSetSchedParams, 2, W(1, 1), 3, C(tcb_cap(auth), fh, fh)),
                     seL4_InvalidCapability, 2);
    assert_error_arg(invoke_tcb(TCBSetSchedParams, 2, W(1, 1), 3,
                                C(tcb_cap(auth), sc_cap(sc), endpoint(RIGHT_GRANT))),
                     seL4_InvalidCapability, 3);
    assert_error_arg(invoke_tcb(TCBSetSchedParams, 2, W(1, 1), 3,
                                C(tcb_cap(auth), sc_cap(sc), endpoint(RIGHT_WRITE | RIGHT_READ))),
                     seL4_InvalidCapability, 3);

    /* the caller may not drop its own SC */
    invoke_prepare(tcb_cap(caller), TCBSetSchedParams, 2, W(1, 1), 3, C(tcb_cap(auth), cap_null(), cap_null()));
    assert_error(decode_tcb_invocation(&inv), seL4_IllegalOperation);

    assert_int_equal(invoke_tcb(TCBSetSchedParams, 2, W(60, 70), 3, C(tcb_cap(auth), sc_cap(sc), fh)), OK);
    assert_int_equal(target->mcp, 60);
    assert_int_equal(target->priority, 70);
    assert_ptr_equal(target->sc, sc);
    assert_ptr_equal(sc->tcb, target);
    assert_int_equal(cap_type(tcb_slot(target, TCB_FAULT_HANDLER)->cap), cap_endpoint_cap);

    /* bound already (thread and SC) */
    assert_error(invoke_tcb(TCBSetSchedParams, 2, W(1, 1), 3, C(tcb_cap(auth), sc_cap(sc), fh)),
                 seL4_IllegalOperation);
    tcb_t *other = target;
    target = new_thread("other", 1);
    assert_error(invoke_tcb(TCBSetSchedParams, 2, W(1, 1), 3, C(tcb_cap(auth), sc_cap(sc), fh)),
                 seL4_IllegalOperation);

    /* the null cap unbinds */
    target = other;
    assert_int_equal(invoke_tcb(TCBSetSchedParams, 2, W(1, 1), 3, C(tcb_cap(auth), cap_null(), cap_null())), OK);
    assert_null(target->sc);
    assert_null(sc->tcb);
    assert_true(cap_is_null(tcb_slot(target, TCB_FAULT_HANDLER)->cap));
}

static void test_set_sched_params_blocked_needs_released_sc(void **state)
{
    (void)state;
    tcb_t *auth = new_thread("auth", 0);
    auth->mcp = 255;
    target->state = ThreadState_BlockedOnReply;
    sched_context_t *sc = new_sc(7);       /* unconfigured: not released */
    assert_error(invoke_tcb(TCBSetSchedParams, 2, W(1, 1), 3, C(tcb_cap(auth), sc_cap(sc), cap_null())),
                 seL4_IllegalOperation);
    target->state = ThreadState_Inactive;
}

static void test_set_timeout_endpoint(void **state)
{
    (void)state;
    assert_error(invoke_tcb(TCBSetTimeoutEndpoint, 0, NONE, 0, NONE), seL4_TruncatedMessage);
    assert_error_arg(invoke_tcb(TCBSetTimeoutEndpoint, 0, NONE, 1, C(ntfn(RIGHTS_ALL))),
                     seL4_InvalidCapability, 1);
    assert_int_equal(invoke_tcb(TCBSetTimeoutEndpoint, 0, NONE, 1, C(endpoint(RIGHT_WRITE | RIGHT_GRANT_REPLY))), OK);
    assert_true(valid_timeout_handler(target));
    assert_int_equal(invoke_tcb(TCBSetTimeoutEndpoint, 0, NONE, 1, C(cap_null())), OK);
    assert_false(valid_timeout_handler(target));
}

/* ---- spaces and the IPC buffer ---------------------------------------------------------------- */

static void test_set_ipc_buffer(void **state)
{
    (void)state;
    cap_t frame = frame_cap(false, VM_READ_WRITE);

    assert_error(invoke_tcb(TCBSetIPCBuffer, 0, NONE, 1, C(frame)), seL4_TruncatedMessage);
    assert_error(invoke_tcb(TCBSetIPCBuffer, 1, W(0x20000), 0, NONE), seL4_TruncatedMessage);
    assert_error(invoke_tcb(TCBSetIPCBuffer, 1, W(0x20200), 1, C(frame)), seL4_AlignmentError);
    assert_error(invoke_tcb(TCBSetIPCBuffer, 1, W(0x20000), 1, C(frame_cap(true, VM_READ_WRITE))),
                 seL4_IllegalOperation);
    assert_error(invoke_tcb(TCBSetIPCBuffer, 1, W(0x20000), 1, C(endpoint(RIGHTS_ALL))),
                 seL4_IllegalOperation);

    assert_int_equal(invoke_tcb(TCBSetIPCBuffer, 1, W(0x20400), 1, C(frame)), OK);
    assert_int_equal(target->ipc_buffer, 0x20400);
    assert_ptr_equal(lookup_ipc_buffer(target, true), (word_t *)((char *)cap_ptr(frame) + 0x400));

    assert_int_equal(invoke_tcb(TCBSetIPCBuffer, 1, W(0), 1, C(endpoint(RIGHTS_ALL))), OK);
    assert_int_equal(target->ipc_buffer, 0);
    assert_null(lookup_ipc_buffer(target, false));
}

static void test_lookup_ipc_buffer_rights(void **state)
{
    (void)state;
    target->ipc_buffer = 0x30000;
    tcb_slot(target, TCB_BUFFER)->cap = frame_cap(false, VM_READ_ONLY);
    assert_null(lookup_ipc_buffer(target, true));          /* a receiver must write */
    assert_non_null(lookup_ipc_buffer(target, false));
    tcb_slot(target, TCB_BUFFER)->cap = frame_cap(true, VM_READ_WRITE);
    assert_null(lookup_ipc_buffer(target, false));         /* never a device frame */
    tcb_slot(target, TCB_BUFFER)->cap = frame_cap(false, VM_KERNEL_ONLY);
    assert_null(lookup_ipc_buffer(target, false));
}

static void test_configure(void **state)
{
    (void)state;
    cap_t cn = cnode(4), vs = vspace(true), frame = frame_cap(false, VM_READ_WRITE);

    assert_error(invoke_tcb(TCBConfigure, 2, W(0, 0), 3, C(cn, vs, frame)), seL4_TruncatedMessage);
    assert_error(invoke_tcb(TCBConfigure, 3, W(0, 0, 0x40000), 2, C(cn, vs)), seL4_TruncatedMessage);
    assert_error(invoke_tcb(TCBConfigure, 3, W(0, 0, 0x40100), 3, C(cn, vs, frame)), seL4_AlignmentError);
    assert_error(invoke_tcb(TCBConfigure, 3, W(0, 0, 0x40000), 3, C(cn, vs, endpoint(RIGHTS_ALL))),
                 seL4_IllegalOperation);
    assert_error(invoke_tcb(TCBConfigure, 3, W(0, 0, 0x40000), 3, C(endpoint(RIGHTS_ALL), vs, frame)),
                 seL4_IllegalOperation);
    assert_error(invoke_tcb(TCBConfigure, 3, W(0, 0, 0x40000), 3, C(cn, vspace(false), frame)),
                 seL4_IllegalOperation);
    assert_error(invoke_tcb(TCBConfigure, 3, W(0, 0, 0x40000), 3, C(cn, cn, frame)), seL4_IllegalOperation);
    /* guard size 61 + radix 4 > 64: the CNode cap data is refused */
    assert_error(invoke_tcb(TCBConfigure, 3, W(61, 0, 0x40000), 3, C(cn, vs, frame)), seL4_IllegalOperation);

    /* buffer 0: the frame cap is not checked */
    assert_int_equal(invoke_tcb(TCBConfigure, 3, W(2, 0, 0), 3, C(cn, vs, endpoint(RIGHTS_ALL))), OK);
    assert_int_equal(cap_type(tcb_slot(target, TCB_CTABLE)->cap), cap_cnode_cap);
    assert_int_equal(cnode_guard_size(tcb_slot(target, TCB_CTABLE)->cap), 2);
    assert_int_equal(cap_type(tcb_slot(target, TCB_VTABLE)->cap), cap_vspace_cap);
    assert_true(cap_is_null(tcb_slot(target, TCB_BUFFER)->cap));
    assert_int_equal(target->ipc_buffer, 0);
}

static void test_set_space(void **state)
{
    (void)state;
    cap_t cn = cnode(3), vs = vspace(true), fh = endpoint(RIGHT_WRITE | RIGHT_GRANT);

    assert_error(invoke_tcb(TCBSetSpace, 1, W(0), 3, C(fh, cn, vs)), seL4_TruncatedMessage);
    assert_error(invoke_tcb(TCBSetSpace, 2, W(0, 0), 2, C(fh, cn)), seL4_TruncatedMessage);
    assert_error(invoke_tcb(TCBSetSpace, 2, W(0, 0), 3, C(fh, vs, vs)), seL4_IllegalOperation);
    assert_error(invoke_tcb(TCBSetSpace, 2, W(0, 0), 3, C(fh, cn, cn)), seL4_IllegalOperation);
    /* the spaces are checked before the fault handler */
    assert_error(invoke_tcb(TCBSetSpace, 2, W(0, 0), 3, C(ntfn(RIGHTS_ALL), cn, cn)), seL4_IllegalOperation);
    assert_error_arg(invoke_tcb(TCBSetSpace, 2, W(0, 0), 3, C(ntfn(RIGHTS_ALL), cn, vs)),
                     seL4_InvalidCapability, 1);
    assert_int_equal(invoke_tcb(TCBSetSpace, 2, W(0, 0), 3, C(fh, cn, vs)), OK);
    assert_int_equal(cap_type(tcb_slot(target, TCB_FAULT_HANDLER)->cap), cap_endpoint_cap);
    assert_int_equal(cap_type(tcb_slot(target, TCB_CTABLE)->cap), cap_cnode_cap);
}

/* ---- the rest ----------------------------------------------------------------------------------- */

static void test_notification_binding(void **state)
{
    (void)state;
    cap_t n = ntfn(RIGHTS_ALL);

    assert_error(invoke_tcb(TCBBindNotification, 0, NONE, 0, NONE), seL4_TruncatedMessage);
    assert_error(invoke_tcb(TCBBindNotification, 0, NONE, 1, C(endpoint(RIGHTS_ALL))), seL4_IllegalOperation);
    assert_error(invoke_tcb(TCBBindNotification, 0, NONE, 1, C(ntfn(RIGHT_WRITE))), seL4_IllegalOperation);
    assert_error(invoke_tcb(TCBUnbindNotification, 0, NONE, 0, NONE), seL4_IllegalOperation);

    assert_int_equal(invoke_tcb(TCBBindNotification, 0, NONE, 1, C(n)), OK);
    assert_ptr_equal(target->bound_notification, cap_ptr(n));
    assert_error(invoke_tcb(TCBBindNotification, 0, NONE, 1, C(ntfn(RIGHTS_ALL))), seL4_IllegalOperation);

    tcb_t *first = target;
    target = new_thread("second", 1);      /* the notification is taken */
    assert_error(invoke_tcb(TCBBindNotification, 0, NONE, 1, C(n)), seL4_IllegalOperation);
    target = first;
    assert_int_equal(invoke_tcb(TCBUnbindNotification, 0, NONE, 0, NONE), OK);
    assert_null(target->bound_notification);
}

static void test_tls_flags_suspend_resume_unknown(void **state)
{
    (void)state;
    assert_error(invoke_tcb(TCBSetTLSBase, 0, NONE, 0, NONE), seL4_TruncatedMessage);
    assert_int_equal(invoke_tcb(TCBSetTLSBase, 1, W(0xabcd), 0, NONE), OK);
    assert_int_equal(get_reg(target, REG_TPIDR), 0xabcd);

    assert_error(invoke_tcb(TCBSetFlags, 1, W(0), 0, NONE), seL4_TruncatedMessage);
    assert_int_equal(invoke_tcb(TCBSetFlags, 2, W(0, ~0ull), 0, NONE), OK);
    assert_int_equal(target->flags, seL4_TCBFlag_fpuDisabled);
    assert_int_equal(inv.reply_length, 1);
    assert_int_equal(get_mr(caller, caller_buf, 0), 1);
    assert_int_equal(invoke_tcb(TCBSetFlags, 2, W(1, 0), 0, NONE), OK);
    assert_int_equal(target->flags, 0);
    assert_int_equal(get_mr(caller, caller_buf, 0), 0);

    sched_context_t *sc = new_sc(7);
    sched_context_configure(sc, us_to_ticks(1000), us_to_ticks(1000), 0, 0, false);
    sched_context_bind_tcb(sc, target);
    assert_int_equal(invoke_tcb(TCBResume, 0, NONE, 0, NONE), OK);
    assert_int_equal(target->state, ThreadState_Restart);
    assert_true(thread_is_schedulable(target));
    assert_ptr_equal(ks_sched_action, target);          /* woken: schedule() decides */
    assert_int_equal(invoke_tcb(TCBSuspend, 0, NONE, 0, NONE), OK);
    assert_int_equal(target->state, ThreadState_Inactive);
    assert_false(target->in_ready_queue);

    assert_error(invoke_tcb(CNodeCopy, 0, NONE, 0, NONE), seL4_IllegalOperation);
}

/* ---- DomainSet ------------------------------------------------------------------------------------ */

static status_t invoke_domain(word_t label, word_t length, const word_t *mrs, word_t n_extra, const cap_t *caps)
{
    invoke_prepare(domain_cap_new(), label, length, mrs, n_extra, caps);
    return decode_domain_invocation(&inv);
}

static void test_domain_set(void **state)
{
    (void)state;
    assert_error(invoke_domain(TCBSuspend, 1, W(0), 1, C(tcb_cap(target))), seL4_IllegalOperation);
    assert_error(invoke_domain(DomainSetSet, 0, NONE, 1, C(tcb_cap(target))), seL4_TruncatedMessage);
    assert_error_arg(invoke_domain(DomainSetSet, 1, W(1), 1, C(tcb_cap(target))), seL4_InvalidArgument, 0);
    assert_error(invoke_domain(DomainSetSet, 1, W(0), 0, NONE), seL4_TruncatedMessage);
    assert_error_arg(invoke_domain(DomainSetSet, 1, W(0), 1, C(endpoint(RIGHTS_ALL))), seL4_InvalidArgument, 1);
    assert_int_equal(invoke_domain(DomainSetSet, 1, W(0), 1, C(tcb_cap(target))), OK);
    assert_int_equal(target->domain, 0);
}

/* ---- SchedControl ------------------------------------------------------------------------------- */

static status_t configure(word_t budget, word_t period, word_t extra, word_t badge, word_t flags, cap_t sc)
{
    invoke_prepare(sched_control_cap_new(0), SchedControlConfigureFlags, 5,
                   W(budget, period, extra, badge, flags), 1, C(sc));
    return decode_sched_control_invocation(&inv);
}

static void test_sched_control_configure_flags(void **state)
{
    (void)state;
    sched_context_t *sc7 = new_sc(7), *sc8 = new_sc(8);
    cap_t c7 = sc_cap(sc7), c8 = sc_cap(sc8);
    const word_t max = KEEL_MAX_PERIOD_US;

    invoke_prepare(sched_control_cap_new(0), SchedControlConfigureFlags, 4, W(1000, 1000, 0, 0), 1, C(c7));
    assert_error(decode_sched_control_invocation(&inv), seL4_TruncatedMessage);
    invoke_prepare(sched_control_cap_new(0), SchedControlConfigureFlags, 5, W(1000, 1000, 0, 0, 0), 0, NONE);
    assert_error(decode_sched_control_invocation(&inv), seL4_TruncatedMessage);
    invoke_prepare(sched_control_cap_new(0), SchedControlConfigureFlags, 5, W(1000, 1000, 0, 0, 0), 1, C(c7));
    inv.label = SchedContextBind;
    assert_error(decode_sched_control_invocation(&inv), seL4_IllegalOperation);

    assert_range(configure(max + 1, 1000, 0, 0, 0, c7), 20, max);
    assert_range(configure(1000, max + 1, 0, 0, 0, c7), 20, max);
    assert_range(configure(19, 1000, 0, 0, 0, c7), 20, max);
    assert_range(configure(1000, 19, 0, 0, 0, c7), 20, max);
    assert_range(configure(~0ull, ~0ull, 0, 0, 0, c7), 20, max);
    assert_range(configure(2000, 1000, 0, 0, 0, c7), 20, 1000);
    /* the cap is checked after the times (ABI (k)) */
    assert_range(configure(19, 1000, 0, 0, 0, endpoint(RIGHTS_ALL)), 20, max);
    assert_error_arg(configure(1000, 2000, 0, 0, 0, endpoint(RIGHTS_ALL)), seL4_InvalidCapability, 1);
    assert_range(configure(1000, 2000, 1, 0, 0, c7), 0, 0);
    assert_range(configure(1000, 2000, 9, 0, 0, c8), 0, 8);

    assert_range(configure(20, 20, 1, 0, 0, c7), 0, 0);       /* checked for round robin too */
    assert_int_equal(configure(20, 20, 0, 0x77, 0, c7), OK);      /* round robin */
    assert_true(sched_context_is_active(sc7));
    assert_true(sched_context_is_round_robin(sc7));
    assert_int_equal(sc7->refill_max, 2);
    assert_int_equal(sc7->badge, 0x77);
    assert_false(sc7->sporadic);

    assert_int_equal(configure(1000, 5000, 8, 1, seL4_SchedContext_Sporadic | 0x10, c8), OK);
    assert_int_equal(sc8->period, us_to_ticks(5000));
    assert_int_equal(sc8->budget, us_to_ticks(1000));
    assert_int_equal(sc8->refill_max, 10);
    assert_true(sc8->sporadic);
}

static void test_configure_running_thread_keeps_running(void **state)
{
    (void)state;
    sched_context_t *sc = caller->sc;
    assert_true(enter_kernel(US(100)));
    assert_int_equal(configure(2000, 8000, 2, 0, 0, sc_cap(sc)), OK);   /* the caller's own SC */
    assert_int_equal(sc->consumed, US(100));
    assert_int_equal(refill_sum(sc), US(2000));
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, caller);
}

/* ---- SchedContext ---------------------------------------------------------------------------------- */

static status_t invoke_sc(sched_context_t *sc, word_t label, word_t n_extra, const cap_t *caps)
{
    invoke_prepare(sc_cap(sc), label, 0, NONE, n_extra, caps);
    return decode_sched_context_invocation(&inv);
}

static void test_sched_context_bind_unbind(void **state)
{
    (void)state;
    sched_context_t *sc = new_sc(7);
    sched_context_configure(sc, us_to_ticks(1000), us_to_ticks(1000), 0, 0, false);
    cap_t n = ntfn(RIGHTS_ALL);

    assert_error(invoke_sc(sc, SchedContextBind, 0, NONE), seL4_TruncatedMessage);
    assert_error_arg(invoke_sc(sc, SchedContextBind, 1, C(endpoint(RIGHTS_ALL))), seL4_InvalidCapability, 1);
    assert_error(invoke_sc(sc, SchedContextBind, 1, C(tcb_cap(caller))), seL4_IllegalOperation);  /* has one */
    assert_int_equal(invoke_sc(sc, SchedContextBind, 1, C(tcb_cap(target))), OK);
    assert_ptr_equal(target->sc, sc);
    assert_error(invoke_sc(sc, SchedContextBind, 1, C(tcb_cap(new_thread("x", 1)))), seL4_IllegalOperation);
    assert_int_equal(invoke_sc(sc, SchedContextBind, 1, C(n)), OK);
    assert_ptr_equal(((notification_t *)cap_ptr(n))->sc, sc);
    assert_error(invoke_sc(sc, SchedContextBind, 1, C(ntfn(RIGHTS_ALL))), seL4_IllegalOperation);
    assert_error(invoke_sc(new_sc(7), SchedContextBind, 1, C(n)), seL4_IllegalOperation);

    assert_error(invoke_sc(sc, SchedContextUnbindObject, 0, NONE), seL4_TruncatedMessage);
    assert_error_arg(invoke_sc(sc, SchedContextUnbindObject, 1, C(endpoint(RIGHTS_ALL))),
                     seL4_InvalidCapability, 1);
    assert_error(invoke_sc(sc, SchedContextUnbindObject, 1, C(tcb_cap(caller))), seL4_IllegalOperation);
    assert_error(invoke_sc(sc, SchedContextUnbindObject, 1, C(ntfn(RIGHTS_ALL))), seL4_IllegalOperation);
    assert_int_equal(invoke_sc(sc, SchedContextUnbindObject, 1, C(tcb_cap(target))), OK);
    assert_null(target->sc);
    assert_int_equal(invoke_sc(sc, SchedContextUnbindObject, 1, C(n)), OK);
    assert_null(sc->notification);

    /* Unbind refuses the caller's own SC; UnbindObject too */
    assert_error(invoke_sc(caller->sc, SchedContextUnbind, 0, NONE), seL4_IllegalOperation);
    assert_error(invoke_sc(caller->sc, SchedContextUnbindObject, 1, C(tcb_cap(caller))), seL4_IllegalOperation);
    assert_int_equal(invoke_sc(sc, SchedContextBind, 1, C(tcb_cap(target))), OK);
    assert_int_equal(invoke_sc(sc, SchedContextUnbind, 0, NONE), OK);
    assert_null(target->sc);
    assert_error(invoke_sc(sc, SchedContextYieldTo, 0, NONE), seL4_IllegalOperation);
    assert_error(invoke_sc(sc, CNodeCopy, 0, NONE), seL4_IllegalOperation);
}

static void test_sched_context_consumed(void **state)
{
    (void)state;
    sched_context_t *sc = new_sc(7);
    sc->consumed = US(4322);
    assert_int_equal(invoke_sc(sc, SchedContextConsumed, 0, NONE), OK);
    assert_int_equal(inv.reply_length, 1);
    assert_int_equal(get_mr(caller, caller_buf, 0), 4322);
    assert_int_equal(sc->consumed, 0);
}

static void test_yield_to(void **state)
{
    (void)state;
    tcb_t *hi = new_runnable("hi", 120, 1000, 1000, 0, false);
    exit_kernel();                           /* hi runs; the caller waits */
    assert_ptr_equal(ks_cur_thread, hi);
    set_thread_state(hi, ThreadState_BlockedOnReply);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, caller);

    assert_error(invoke_sc(caller->sc, SchedContextYieldTo, 0, NONE), seL4_IllegalOperation);  /* self */
    hi->state = ThreadState_Running;
    assert_error(invoke_sc(hi->sc, SchedContextYieldTo, 0, NONE), seL4_IllegalOperation);      /* mcp 100 < 120 */
    hi->state = ThreadState_BlockedOnReply;

    tcb_t *peer = new_runnable("peer", 100, 1000, 1000, 0, false);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, caller);
    peer->sc->consumed = US(78);
    assert_int_equal(invoke_sc(peer->sc, SchedContextYieldTo, 0, NONE), OK);
    assert_int_equal(inv.reply_length, 0);  /* the answer comes when the caller runs again */
    assert_ptr_equal(caller->yield_to, peer->sc);
    set_thread_state(caller, ThreadState_Running);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, peer);

    set_thread_state(peer, ThreadState_Inactive);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, caller);
    assert_null(caller->yield_to);
    assert_int_equal(get_reg(caller, REG_MSGINFO), 1);
    assert_int_equal(get_mr(caller, caller_buf, 0), 78);

    /* a lower-priority target: answered at once */
    tcb_t *lo = new_runnable("lo", 10, 1000, 1000, 0, false);
    exit_kernel();
    lo->sc->consumed = US(6);
    assert_int_equal(invoke_sc(lo->sc, SchedContextYieldTo, 0, NONE), OK);
    assert_int_equal(inv.reply_length, 1);
    assert_int_equal(get_mr(caller, caller_buf, 0), 6);
    assert_null(caller->yield_to);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_read_registers),
        T(test_write_registers),
        T(test_copy_registers),
        T(test_set_priority),
        T(test_set_sched_params),
        T(test_set_sched_params_blocked_needs_released_sc),
        T(test_set_timeout_endpoint),
        T(test_set_ipc_buffer),
        T(test_lookup_ipc_buffer_rights),
        T(test_configure),
        T(test_set_space),
        T(test_notification_binding),
        T(test_tls_flags_suspend_resume_unknown),
        T(test_domain_set),
        T(test_sched_control_configure_flags),
        T(test_configure_running_thread_keeps_running),
        T(test_sched_context_bind_unbind),
        T(test_sched_context_consumed),
        T(test_yield_to),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
