/*
 * Helpers for the IPC and notification tests: scripted child threads making raw
 * system calls, message patterns and checks (see ipc_util.h).
 */
#include "ipc_util.h"

/* ---- ops ------------------------------------------------------------------------------ */

#define OP_POOL_SIZE 64

static struct ipc_op op_pool[OP_POOL_SIZE];
static unsigned op_pool_used;

void ipc_op_reset(struct ipc_op *o)
{
    *o = (struct ipc_op){0};
}

struct ipc_op *ipc_op_new(void)
{
    if (op_pool_used >= OP_POOL_SIZE)
        FAIL_R(NULL, "ipc_op_new: more than %d ops in one test", OP_POOL_SIZE);
    struct ipc_op *o = &op_pool[op_pool_used++];
    ipc_op_reset(o);
    return o;
}

void ipc_op_msg(struct ipc_op *o, seL4_Word sys, seL4_CPtr dest, seL4_Word label, seL4_Word len,
                seL4_Word salt)
{
    ipc_op_reset(o);
    o->sys = sys;
    o->x0 = dest;
    o->label = label;
    o->len = len;
    o->salt = salt;
}

void ipc_op_recv(struct ipc_op *o, seL4_Word sys, seL4_CPtr src, seL4_CPtr reply)
{
    ipc_op_reset(o);
    o->sys = sys;
    o->x0 = src;
    o->x6 = reply;
}

struct ipc_op *op_send(seL4_Word sys, seL4_CPtr dest, seL4_Word label, seL4_Word len, seL4_Word salt)
{
    struct ipc_op *o = ipc_op_new();
    if (o)
        ipc_op_msg(o, sys, dest, label, len, salt);
    return o;
}

struct ipc_op *op_recv(seL4_Word sys, seL4_CPtr src, seL4_CPtr reply)
{
    struct ipc_op *o = ipc_op_new();
    if (o)
        ipc_op_recv(o, sys, src, reply);
    return o;
}

struct ipc_op *op_replyrecv(seL4_CPtr src, seL4_CPtr reply, seL4_Word label, seL4_Word len,
                            seL4_Word salt)
{
    struct ipc_op *o = op_send(seL4_SysReplyRecv, src, label, len, salt);
    if (o)
        o->x6 = reply;
    return o;
}

struct ipc_op *op_nbsendrecv(seL4_CPtr dest, seL4_CPtr src, seL4_CPtr reply, seL4_Word label,
                             seL4_Word len, seL4_Word salt)
{
    struct ipc_op *o = op_send(seL4_SysNBSendRecv, src, label, len, salt);
    if (o) {
        o->x6 = reply;
        o->x8 = dest;
    }
    return o;
}

struct ipc_op *op_nbsendwait(seL4_CPtr dest, seL4_CPtr src, seL4_Word label, seL4_Word len,
                             seL4_Word salt)
{
    struct ipc_op *o = op_send(seL4_SysNBSendWait, src, label, len, salt);
    if (o)
        o->x6 = dest;
    return o;
}

static bool sys_sends(seL4_Word sys)
{
    switch ((seL4_Word)sys) {
    case (seL4_Word)seL4_SysSend:
    case (seL4_Word)seL4_SysNBSend:
    case (seL4_Word)seL4_SysCall:
    case (seL4_Word)seL4_SysReplyRecv:
    case (seL4_Word)seL4_SysNBSendRecv:
    case (seL4_Word)seL4_SysNBSendWait:
        return true;
    default:
        return false;
    }
}

void ipc_spin(unsigned long n)
{
    for (volatile unsigned long i = 0; i < n; i++)
        ;
}

void ipc_run_op(struct ipc_op *o)
{
    seL4_IPCBuffer *b = seL4_GetIPCBuffer();
    bool sends = sys_sends(o->sys);
    seL4_Word slen = sends ? o->len : 0;
    keel_regs_t r;

    if (o->spin)
        ipc_spin(o->spin);
    for (seL4_Word i = 0; i < 4; i++)
        r.x[2 + i] = i < slen ? ipc_pat(o->salt, i) : IPC_POISON_MR(i);
    for (seL4_Word i = 4; i < IPC_MAX_LEN; i++)
        b->msg[i] = i < slen ? ipc_pat(o->salt, i) : IPC_SENTINEL(i);
    for (seL4_Word i = 0; i < seL4_MsgMaxExtraCaps; i++)
        b->caps_or_badges[i] = i < o->ncaps ? o->caps[i] : IPC_CB_POISON(i);
    for (seL4_Word i = 0; i < IPC_MAX_LEN; i++)
        o->pre[i] = i < 4 ? r.x[2 + i] : b->msg[i];

    r.x[0] = o->x0;
    if (o->info_raw)
        r.x[1] = o->info_word;
    else if (sends)
        r.x[1] = seL4_MessageInfo_new(o->label, 0, o->ncaps, o->len).words[0];
    else
        r.x[1] = IPC_POISON_X1;
    r.x[6] = o->x6;
    r.x[7] = o->sys;
    r.x[8] = o->x8;
    for (int i = 0; i < 9; i++)
        o->in[i] = r.x[i];

    keel_RawSyscall(o->sys, &r);

    for (int i = 0; i < 9; i++)
        o->out[i] = r.x[i];
    for (seL4_Word i = 0; i < IPC_MAX_LEN; i++)
        o->mr[i] = i < 4 ? r.x[2 + i] : b->msg[i];
    for (seL4_Word i = 0; i < seL4_MsgMaxExtraCaps; i++)
        o->cb[i] = b->caps_or_badges[i];
    o->done = true;
}

/* ---- checks --------------------------------------------------------------------------- */

static const char *sys_name(seL4_Word sys)
{
    switch ((long)sys) {
    case seL4_SysCall: return "Call";
    case seL4_SysReplyRecv: return "ReplyRecv";
    case seL4_SysNBSendRecv: return "NBSendRecv";
    case seL4_SysNBSendWait: return "NBSendWait";
    case seL4_SysSend: return "Send";
    case seL4_SysNBSend: return "NBSend";
    case seL4_SysRecv: return "Recv";
    case seL4_SysNBRecv: return "NBRecv";
    case seL4_SysWait: return "Wait";
    case seL4_SysNBWait: return "NBWait";
    default: return "?";
    }
}

int ipc_check_msg_at(const char *file, int line, const struct ipc_op *o, seL4_Word badge,
                     seL4_Word label, seL4_Word len, seL4_Word salt, seL4_Word extra,
                     seL4_Word unwrapped)
{
    const char *n = sys_name(o->sys);

    if (!o->done) {
        test_fail(file, line, "%s did not complete", n);
        return -1;
    }
    if (o->out[0] != badge) {
        test_fail(file, line, "%s: badge 0x%llx, want 0x%llx", n, (unsigned long long)o->out[0],
                  (unsigned long long)badge);
        return -1;
    }
    if (op_label(o) != label || op_len(o) != len || op_extra(o) != extra ||
        op_unwrapped(o) != unwrapped) {
        test_fail(file, line,
                  "%s: msginfo 0x%llx (label 0x%llx len %llu caps %llu unwrapped %llu), "
                  "want label 0x%llx len %llu caps %llu unwrapped %llu",
                  n, (unsigned long long)o->out[1], (unsigned long long)op_label(o),
                  (unsigned long long)op_len(o), (unsigned long long)op_extra(o),
                  (unsigned long long)op_unwrapped(o), (unsigned long long)label,
                  (unsigned long long)len, (unsigned long long)extra,
                  (unsigned long long)unwrapped);
        return -1;
    }
    for (seL4_Word i = 0; i < IPC_MAX_LEN; i++) {
        seL4_Word want = i < len ? ipc_pat(salt, i) : o->pre[i];
        if (o->mr[i] != want) {
            test_fail(file, line, "%s (len %llu): MR%llu = 0x%llx, want 0x%llx%s", n,
                      (unsigned long long)len, (unsigned long long)i,
                      (unsigned long long)o->mr[i], (unsigned long long)want,
                      i < len ? "" : " (unchanged: beyond the message)");
            return -1;
        }
    }
    return 0;
}

int ipc_check_regs_kept_at(const char *file, int line, const struct ipc_op *o)
{
    if (!o->done) {
        test_fail(file, line, "%s did not complete", sys_name(o->sys));
        return -1;
    }
    for (int i = 1; i <= 8; i++) {
        if (o->out[i] != o->in[i]) {
            test_fail(file, line, "%s: x%d changed from 0x%llx to 0x%llx", sys_name(o->sys), i,
                      (unsigned long long)o->in[i], (unsigned long long)o->out[i]);
            return -1;
        }
    }
    return 0;
}

/* ---- children ------------------------------------------------------------------------- */

static void script_main(seL4_Word arg)
{
    struct ipc_script *s = (struct ipc_script *)(uintptr_t)arg;

    if (s->set_recv_path)
        seL4_SetCapReceivePath(s->recv_cnode, s->recv_index, s->recv_depth);
    while (s->pc < s->steps) {
        struct ipc_op *o = s->ops[s->pc % s->nops];
        if (s->prep)
            s->prep(s, s->pc, o);
        ipc_run_op(o);
        s->pc = s->pc + 1;
    }
    for (;;)
        seL4_TCB_Suspend(s->self);
}

int ipc_create(struct thread *t, seL4_Word prio, seL4_CPtr fault_ep)
{
    return thread_create(t, seL4_CapInitThreadCNode, 0, fault_ep, prio);
}

int ipc_start(struct thread *t, struct ipc_script *s)
{
    if (s->nops == 0)
        FAIL_R(-1, "ipc_start: script without ops");
    s->self = t->tcb;
    s->pc = 0;
    if (s->steps == 0)
        s->steps = s->nops;
    return thread_start(t, script_main, (seL4_Word)(uintptr_t)s);
}

int ipc_spawn(struct thread *t, struct ipc_script *s, seL4_Word prio, seL4_CPtr fault_ep)
{
    TRY_R(ipc_create(t, prio, fault_ep), -1);
    return ipc_start(t, s);
}

int ipc_spawn_ops(struct thread *t, struct ipc_script *s, seL4_Word prio, seL4_CPtr fault_ep,
                  struct ipc_op **ops, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (!ops[i])
            FAIL_R(-1, "ipc_spawn_ops: op %u missing", i);
    s->ops = ops;
    s->nops = n;
    s->steps = n;
    return ipc_spawn(t, s, prio, fault_ep);
}

int ipc_yield_until(volatile unsigned *flag, unsigned want, unsigned max)
{
    for (unsigned i = 0; i < max && *flag < want; i++)
        seL4_Yield();
    return *flag >= want ? 0 : -1;
}

/* ---- objects ---------------------------------------------------------------------------- */

seL4_CPtr ipc_new_ep(void)
{
    return alloc_object(seL4_EndpointObject, 0);
}

seL4_CPtr ipc_new_reply(void)
{
    return alloc_object(seL4_ReplyObject, 0);
}

seL4_CPtr ipc_new_ntfn(void)
{
    return alloc_object(seL4_NotificationObject, 0);
}

seL4_CPtr ipc_mint(seL4_CPtr src, seL4_Word rights, seL4_Word badge)
{
    return cap_mint(src, RIGHTS(rights), badge);
}

int ipc_delete_at(const char *file, int line, seL4_CPtr slot)
{
    seL4_Error e = seL4_CNode_Delete(seL4_CapInitThreadCNode, slot, 64);
    if (e != seL4_NoError) {
        test_fail(file, line, "CNode_Delete(%llu): %s", (unsigned long long)slot, err_name(e));
        return -1;
    }
    return 0;
}

seL4_Word ipc_consumed(seL4_CPtr sc)
{
    seL4_SchedContext_Consumed_t r = seL4_SchedContext_Consumed(sc);
    return r.error ? ~(seL4_Word)0 : r.consumed;
}

seL4_CPtr ipc_new_sc(void)
{
    seL4_CPtr sc = alloc_object(seL4_SchedContextObject, seL4_MinSchedContextBits);
    if (!sc)
        return 0;
    seL4_Error e = seL4_SchedControl_ConfigureFlags(test_bootinfo->schedcontrol.start, sc, 1000,
                                                    1000, 0, 0, 0);
    if (e != seL4_NoError)
        FAIL_R(0, "SchedControl_ConfigureFlags: %s", err_name(e));
    return sc;
}

int ipc_make_passive(struct thread *t)
{
    seL4_Error e = seL4_SchedContext_UnbindObject(t->sc, t->tcb);
    if (e != seL4_NoError)
        FAIL_R(-1, "SchedContext_UnbindObject: %s", err_name(e));
    return 0;
}

/* ---- the wrapper -------------------------------------------------------------------------- */

void ipc_test_run(void (*body)(void))
{
    seL4_Error e;

    op_pool_used = 0;
    e = seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, IPC_ROOT_PRIO);
    if (e != seL4_NoError)
        FAIL("lowering the root task's priority: %s", err_name(e));
    body();
    thread_destroy_all();
    seL4_SetCapReceivePath(0, 0, 0);
    e = seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, seL4_MaxPrio);
    if (keel_DebugCheckInvariants() != 0)
        FAIL("the kernel's invariant check failed after the test");
    if (e != seL4_NoError)
        FAIL("restoring the root task's priority: %s", err_name(e));
}
