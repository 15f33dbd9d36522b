/*
 * Notification tests: Signal (badge OR), Wait, Poll, waiter order, rights, bound
 * notifications (a thread waiting on its endpoint also receives its bound notification's
 * signals), notifications lending an SC to a passive thread, deletion (ABI (a), (c), (k)).
 *
 * A delivered signal writes only x0 (the badge); x1..x5 keep their values (ABI (a)).
 * Same scheduling model as ipc_tests.c (see ipc_util.h).
 */
#include "ipc_util.h"

#define ALL (R_W | R_R | R_G | R_GR)
#define NR (R_W | R_R)

/* A notification op completed with exactly this badge in x0 and nothing else changed. */
static int check_signal_at(const char *file, int line, const struct ipc_op *o, seL4_Word badge)
{
    TRY_R(ipc_check_regs_kept_at(file, line, o), -1);
    if (o->out[0] != badge) {
        test_fail(file, line, "signal badge 0x%llx, want 0x%llx", (unsigned long long)o->out[0],
                  (unsigned long long)badge);
        return -1;
    }
    for (int i = 4; i < IPC_MAX_LEN; i++) {
        if (o->mr[i] != o->pre[i]) {
            test_fail(file, line, "a signal wrote MR%d", i);
            return -1;
        }
    }
    return 0;
}
#define CHECK_SIGNAL(o, badge) TRY(check_signal_at(__FILE__, __LINE__, o, badge))

static void do_signal(struct ipc_op *o, seL4_Word sys, seL4_CPtr cap)
{
    ipc_op_msg(o, sys, cap, 0, 0, 0);
    ipc_run_op(o);
}

/*
 * Signal / Send / NBSend / Call on a notification cap OR the cap's badge into the word;
 * Wait and Poll (NBWait) take it and clear it; Poll on an idle notification returns 0.
 * Recv/NBRecv work on notifications too and ignore x6.
 */
IPC_TEST(ntfn_signal_wait_poll)
{
    static struct thread w, r;
    static struct ipc_script sw, sr;
    static struct ipc_op *opw[1], *opr[2];
    struct fault_ep f;
    seL4_CPtr n = ipc_new_ntfn();
    CHECK(n != 0);
    seL4_CPtr b1 = ipc_mint(n, NR, 0x1), b2 = ipc_mint(n, NR, 0x2);
    seL4_CPtr bh = ipc_mint(n, NR, 0x8000000000000000ull), b40 = ipc_mint(n, NR, 0x40);
    struct ipc_op *o = ipc_op_new();
    CHECK(b1 && b2 && bh && b40 && o);
    TRY(fault_ep_create(&f));

    ipc_op_recv(o, seL4_SysNBWait, n, 0);
    ipc_run_op(o);
    CHECK_SIGNAL(o, 0);

    do_signal(o, seL4_SysSend, b1);
    CHECK_REGS_KEPT(o);
    ipc_op_recv(o, seL4_SysNBWait, n, 0);
    ipc_run_op(o);
    CHECK_SIGNAL(o, 0x1);
    ipc_run_op(o);
    CHECK_SIGNAL(o, 0);

    do_signal(o, seL4_SysSend, b1);
    do_signal(o, seL4_SysNBSend, b2);
    do_signal(o, seL4_SysCall, bh);
    CHECK_EQ(o->out[0], 0); /* Call: an empty success reply */
    CHECK_EQ(o->out[1], 0);
    do_signal(o, seL4_SysSend, b2);
    ipc_op_recv(o, seL4_SysWait, n, 0); /* Active: does not block */
    ipc_run_op(o);
    CHECK_SIGNAL(o, 0x8000000000000003ull);
    ipc_op_recv(o, seL4_SysNBWait, n, 0);
    ipc_run_op(o);
    CHECK_SIGNAL(o, 0);

    /* A waiter is woken with the badge of the signal, and only x0 changes. */
    opw[0] = op_recv(seL4_SysWait, n, 0);
    TRY(ipc_spawn_ops(&w, &sw, IPC_HI_PRIO, 0, opw, 1));
    CHECK_EQ(sw.pc, 0);
    do_signal(o, seL4_SysSend, b40);
    CHECK_EQ(sw.pc, 1);
    CHECK_SIGNAL(opw[0], 0x40);
    ipc_op_recv(o, seL4_SysNBWait, n, 0);
    ipc_run_op(o);
    CHECK_SIGNAL(o, 0);

    /* Recv / NBRecv on a notification: x6 is not looked at (here it names nothing). */
    opr[0] = op_recv(seL4_SysRecv, n, BOGUS_CPTR);
    opr[1] = op_recv(seL4_SysNBRecv, n, BOGUS_CPTR);
    TRY(ipc_spawn_ops(&r, &sr, IPC_HI_PRIO, f.badged, opr, 2));
    CHECK_EQ(sr.pc, 0);
    do_signal(o, seL4_SysSend, b2);
    CHECK_EQ(sr.pc, 2);
    CHECK_SIGNAL(opr[0], 0x2);
    CHECK_SIGNAL(opr[1], 0);
    seL4_MessageInfo_t info;
    CHECK_EQ(fault_poll(&f, &info, 1), 1);
}

/*
 * A signal with badge 0 (unbadged cap) still wakes a waiter, or makes the notification
 * active so that the next Wait returns at once (with x0 = 0).
 */
IPC_TEST(ntfn_unbadged_signal)
{
    static struct thread w, w2;
    static struct ipc_script sw, sw2;
    static struct ipc_op *opw[1], *opw2[1];
    seL4_CPtr n = ipc_new_ntfn();
    struct ipc_op *o = ipc_op_new();
    CHECK(n && o);

    opw[0] = op_recv(seL4_SysWait, n, 0);
    TRY(ipc_spawn_ops(&w, &sw, IPC_HI_PRIO, 0, opw, 1));
    CHECK_EQ(sw.pc, 0);
    do_signal(o, seL4_SysSend, n);
    CHECK_EQ(sw.pc, 1);
    CHECK_SIGNAL(opw[0], 0);

    do_signal(o, seL4_SysSend, n);
    opw2[0] = op_recv(seL4_SysWait, n, 0);
    TRY(ipc_spawn_ops(&w2, &sw2, IPC_HI_PRIO, 0, opw2, 1));
    CHECK_EQ(sw2.pc, 1);
    CHECK_SIGNAL(opw2[0], 0);
}

#define NQ 8
static const seL4_Word queue_prio[NQ] = {150, 200, 150, 180, 200, 150, 120, 180};
static const int queue_order[NQ] = {1, 4, 3, 7, 0, 2, 5, 6};

/* Waiters are woken one per signal, highest priority first, FIFO among equals. */
IPC_TEST(ntfn_waiter_order)
{
    static struct thread w[NQ];
    static struct ipc_script sw[NQ];
    static struct ipc_op *opw[NQ][1];
    seL4_CPtr n = ipc_new_ntfn();
    struct ipc_op *o = ipc_op_new();
    CHECK(n && o);
    for (int i = 0; i < NQ; i++) {
        opw[i][0] = op_recv(i % 2 ? seL4_SysWait : seL4_SysRecv, n, 0);
        TRY(ipc_spawn_ops(&w[i], &sw[i], queue_prio[i], 0, opw[i], 1));
    }
    for (int k = 0; k < NQ; k++) {
        seL4_CPtr b = ipc_mint(n, NR, 0x100u << k);
        CHECK(b != 0);
        do_signal(o, seL4_SysSend, b);
        int i = queue_order[k];
        CHECK_EQ(sw[i].pc, 1);
        CHECK_SIGNAL(opw[i][0], 0x100u << k);
        for (int j = k + 1; j < NQ; j++)
            CHECK_EQ(sw[queue_order[j]].pc, 0);
    }
    ipc_op_recv(o, seL4_SysNBWait, n, 0);
    ipc_run_op(o);
    CHECK_SIGNAL(o, 0);
}

/*
 * Signalling needs Write (Call reports InvalidCapability 0, Send drops it); waiting and
 * polling need Read (else a CapFault in the receive phase).
 */
IPC_TEST(ntfn_rights)
{
    static struct thread c[2];
    static struct ipc_script sc[2];
    static struct ipc_op *opc[2][1];
    struct fault_ep f;
    seL4_MessageInfo_t info;
    seL4_CPtr n = ipc_new_ntfn();
    CHECK(n != 0);
    seL4_CPtr nowrite = ipc_mint(n, R_R, 0x3), noread = ipc_mint(n, R_W, 0x4);
    struct ipc_op *o = ipc_op_new();
    CHECK(nowrite && noread && o);
    TRY(fault_ep_create(&f));

    do_signal(o, seL4_SysSend, nowrite);
    do_signal(o, seL4_SysNBSend, nowrite);
    do_signal(o, seL4_SysCall, nowrite);
    CHECK_EQ(op_label(o), seL4_InvalidCapability);
    CHECK_EQ(op_len(o), 1);
    CHECK_EQ(o->mr[0], 0);
    ipc_op_recv(o, seL4_SysNBWait, nowrite, 0); /* polling needs Read only */
    ipc_run_op(o);
    CHECK_SIGNAL(o, 0);
    do_signal(o, seL4_SysSend, noread);
    ipc_op_recv(o, seL4_SysNBWait, n, 0);
    ipc_run_op(o);
    CHECK_SIGNAL(o, 0x4);

    const seL4_Word sys[2] = {seL4_SysWait, seL4_SysNBWait};
    for (int i = 0; i < 2; i++) {
        opc[i][0] = op_recv(sys[i], noread, 0);
        TRY(ipc_spawn_ops(&c[i], &sc[i], IPC_HI_PRIO, f.badged, opc[i], 1));
        TRY(fault_wait(&f, &info, 1));
        CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
        CHECK_MR(seL4_CapFault_Addr, noread);
        CHECK_MR(seL4_CapFault_InRecvPhase, 1);
        CHECK_EQ(sc[i].pc, 0);
    }
}

/*
 * Bound notifications: a thread waiting on an endpoint is woken by a signal (x0 = badge,
 * nothing else written); a signal pending when it receives is returned first, before a
 * waiting sender; while it waits for a reply (Call) a signal only stays pending. The
 * bound thread can also Wait on the notification itself. After Unbind, signals no longer
 * reach it through the endpoint.
 */
IPC_TEST(ntfn_bound_notification)
{
    static struct thread t, s;
    static struct ipc_script st, ss;
    static struct ipc_op *opt[9], *ops_[1];
    seL4_CPtr ep = ipc_new_ep(), ep2 = ipc_new_ep(), n = ipc_new_ntfn();
    seL4_CPtr reply = ipc_new_reply(), reply2 = ipc_new_reply();
    CHECK(ep && ep2 && n && reply && reply2);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x71), via2 = ipc_mint(ep2, ALL, 0x72);
    seL4_CPtr b5 = ipc_mint(n, NR, 0x5), b6 = ipc_mint(n, NR, 0x6), b7 = ipc_mint(n, NR, 0x7);
    seL4_CPtr b8 = ipc_mint(n, NR, 0x8), b9 = ipc_mint(n, NR, 0x9);
    struct ipc_op *o = ipc_op_new();
    CHECK(via && via2 && b5 && b6 && b7 && b8 && b9 && o);

    opt[0] = op_recv(seL4_SysRecv, ep, reply);
    opt[1] = op_send(seL4_SysCall, via2, 0x1, 1, 1);
    opt[2] = op_recv(seL4_SysRecv, ep, reply);
    opt[3] = op_send(seL4_SysCall, via2, 0x2, 1, 2);
    opt[4] = op_recv(seL4_SysNBRecv, ep, reply);
    opt[5] = op_recv(seL4_SysRecv, ep, reply);
    opt[6] = op_recv(seL4_SysNBRecv, ep, reply);
    opt[7] = op_recv(seL4_SysWait, n, 0);
    opt[8] = op_recv(seL4_SysRecv, ep, reply);
    for (int i = 0; i < 9; i++)
        CHECK(opt[i] != NULL);
    TRY(ipc_create(&t, IPC_HI_PRIO, 0));
    CHECK_OK(seL4_TCB_BindNotification(t.tcb, n));
    st = (struct ipc_script){.ops = opt, .nops = 9};
    TRY(ipc_start(&t, &st));
    CHECK_EQ(st.pc, 0);

    /* Waiting in Recv: woken by the signal. */
    do_signal(o, seL4_SysSend, b5);
    CHECK_EQ(st.pc, 1);
    CHECK_SIGNAL(opt[0], 0x5);
    CHECK_INVARIANTS();

    /* In a Call: not woken; the signal waits for the next receive. */
    ipc_op_recv(o, seL4_SysRecv, ep2, reply2);
    ipc_run_op(o);
    CHECK_MSG(o, 0x72, 0x1, 1, 1);
    do_signal(o, seL4_SysSend, b6);
    CHECK_EQ(st.pc, 1);
    ipc_op_msg(o, seL4_SysSend, reply2, 0x11, 1, 11);
    ipc_run_op(o);
    CHECK_EQ(st.pc, 3);
    CHECK_MSG(opt[1], 0, 0x11, 1, 11);
    CHECK_SIGNAL(opt[2], 0x6);

    /* A pending signal comes before a waiting sender, also for NBRecv. */
    ipc_op_recv(o, seL4_SysRecv, ep2, reply2);
    ipc_run_op(o);
    CHECK_MSG(o, 0x72, 0x2, 1, 2);
    do_signal(o, seL4_SysSend, b7);
    ops_[0] = op_send(seL4_SysSend, via, 0x3, 2, 3);
    TRY(ipc_spawn_ops(&s, &ss, IPC_HI_PRIO, 0, ops_, 1));
    CHECK_EQ(ss.pc, 0);
    ipc_op_msg(o, seL4_SysSend, reply2, 0x12, 1, 12);
    ipc_run_op(o);
    /* 3: Call done; 4: NBRecv gets the signal; 5: Recv gets the sender's message;
     * 6: NBRecv finds nothing; 7: Wait on the notification blocks. */
    CHECK_EQ(st.pc, 7);
    CHECK_SIGNAL(opt[4], 0x7);
    CHECK_MSG(opt[5], 0x71, 0x3, 2, 3);
    CHECK_EQ(ss.pc, 1);
    CHECK_EQ(opt[6]->out[0], 0);
    CHECK_REGS_KEPT(opt[6]);

    do_signal(o, seL4_SysSend, b8);
    CHECK_EQ(st.pc, 8);
    CHECK_SIGNAL(opt[7], 0x8);

    /* Unbound: the signal stays in the notification, the thread keeps waiting. */
    CHECK_OK(seL4_TCB_UnbindNotification(t.tcb));
    do_signal(o, seL4_SysSend, b9);
    CHECK_EQ(st.pc, 8);
    ipc_op_msg(o, seL4_SysSend, via, 0x4, 1, 4);
    ipc_run_op(o);
    CHECK_EQ(st.pc, 9);
    CHECK_MSG(opt[8], 0x71, 0x4, 1, 4);
    ipc_op_recv(o, seL4_SysNBWait, n, 0);
    ipc_run_op(o);
    CHECK_SIGNAL(o, 0x9);
}

/*
 * Only the bound thread may wait on a bound notification (others get a CapFault in the
 * receive phase). BindNotification refuses a thread that is already bound, a
 * notification bound elsewhere or with waiters, and a cap without Read.
 */
IPC_TEST(ntfn_bind_rules)
{
    static struct thread t, u, o1, o2, w;
    static struct ipc_script so1, so2, sw;
    static struct ipc_op *opo1[1], *opo2[1], *opw[1];
    struct fault_ep f;
    seL4_MessageInfo_t info;
    seL4_CPtr n = ipc_new_ntfn(), n2 = ipc_new_ntfn(), n3 = ipc_new_ntfn();
    CHECK(n && n2 && n3);
    seL4_CPtr noread = ipc_mint(n2, R_W, 0);
    struct ipc_op *o = ipc_op_new();
    CHECK(noread && o);
    TRY(fault_ep_create(&f));
    TRY(ipc_create(&t, IPC_HI_PRIO, 0));
    TRY(ipc_create(&u, IPC_HI_PRIO, 0));

    CHECK_OK(seL4_TCB_BindNotification(t.tcb, n));
    CHECK_ERR(seL4_TCB_BindNotification(t.tcb, n2), seL4_IllegalOperation);
    CHECK_ERR(seL4_TCB_BindNotification(u.tcb, n), seL4_IllegalOperation);
    CHECK_ERR(seL4_TCB_BindNotification(u.tcb, noread), seL4_IllegalOperation);
    opw[0] = op_recv(seL4_SysWait, n3, 0);
    TRY(ipc_spawn_ops(&w, &sw, IPC_HI_PRIO, 0, opw, 1));
    CHECK_ERR(seL4_TCB_BindNotification(u.tcb, n3), seL4_IllegalOperation);
    CHECK_ERR(seL4_TCB_UnbindNotification(u.tcb), seL4_IllegalOperation);

    opo1[0] = op_recv(seL4_SysWait, n, 0);
    TRY(ipc_spawn_ops(&o1, &so1, IPC_HI_PRIO, f.badged, opo1, 1));
    opo2[0] = op_recv(seL4_SysNBWait, n, 0);
    TRY(ipc_spawn_ops(&o2, &so2, IPC_HI_PRIO, f.badged, opo2, 1));
    for (int i = 0; i < 2; i++) {
        TRY(fault_wait(&f, &info, 1));
        CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
        CHECK_MR(seL4_CapFault_Addr, n);
        CHECK_MR(seL4_CapFault_InRecvPhase, 1);
    }
    CHECK(so1.pc == 0 && so2.pc == 0);
    /* Signalling a bound notification is fine for anyone. */
    do_signal(o, seL4_SysSend, n);
    CHECK_OK(seL4_TCB_UnbindNotification(t.tcb));
    CHECK_OK(seL4_TCB_BindNotification(u.tcb, n));
}

/*
 * Deleting a notification: its waiters re-execute their Wait and fault on the empty
 * slot; a thread bound to it is unbound and keeps waiting on its endpoint undisturbed.
 */
IPC_TEST(ntfn_delete_with_waiters)
{
    static struct thread w[3], t;
    static struct ipc_script sw[3], st;
    static struct ipc_op *opw[3][1], *opt[1];
    struct fault_ep f;
    seL4_CPtr n = ipc_new_ntfn(), nb = ipc_new_ntfn(), ep = ipc_new_ep(), reply = ipc_new_reply();
    CHECK(n && nb && ep && reply);
    seL4_CPtr copy = ipc_mint(n, NR, 0x1), via = ipc_mint(ep, ALL, 0x81);
    struct ipc_op *o = ipc_op_new();
    CHECK(copy && via && o);
    TRY(fault_ep_create(&f));

    for (int i = 0; i < 3; i++) {
        opw[i][0] = op_recv(i == 1 ? seL4_SysRecv : seL4_SysWait, i == 2 ? copy : n, 0);
        TRY(ipc_spawn_ops(&w[i], &sw[i], IPC_HI_PRIO, f.badged, opw[i], 1));
    }
    opt[0] = op_recv(seL4_SysRecv, ep, reply);
    TRY(ipc_create(&t, IPC_HI_PRIO, 0));
    CHECK_OK(seL4_TCB_BindNotification(t.tcb, nb));
    st = (struct ipc_script){.ops = opt, .nops = 1};
    TRY(ipc_start(&t, &st));

    CHECK_OK(seL4_CNode_Revoke(seL4_CapInitThreadCNode, n, 64));
    DELETE(n);
    CHECK_INVARIANTS();
    DELETE(nb);
    CHECK_INVARIANTS();
    for (int k = 0; k < 3; k++) {
        seL4_MessageInfo_t info;
        TRY(fault_wait(&f, &info, 1));
        CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
        seL4_Word addr = seL4_GetMR(seL4_CapFault_Addr);
        CHECK(addr == n || addr == copy);
        CHECK_MR(seL4_CapFault_InRecvPhase, 1);
    }
    for (int i = 0; i < 3; i++)
        CHECK_EQ(sw[i].pc, 0);
    CHECK_EQ(st.pc, 0);
    ipc_op_msg(o, seL4_SysSend, via, 0x2, 2, 2);
    ipc_run_op(o);
    CHECK_EQ(st.pc, 1);
    CHECK_MSG(opt[0], 0x81, 0x2, 2, 2);
}

/* A waiting thread deleted: it leaves the queue, the others are woken in order. */
IPC_TEST(ntfn_delete_waiting_tcb)
{
    static struct thread w[3];
    static struct ipc_script sw[3];
    static struct ipc_op *opw[3][1];
    seL4_CPtr n = ipc_new_ntfn();
    struct ipc_op *o = ipc_op_new();
    CHECK(n && o);
    seL4_CPtr b1 = ipc_mint(n, NR, 0x10), b2 = ipc_mint(n, NR, 0x20);
    CHECK(b1 && b2);
    for (int i = 0; i < 3; i++) {
        opw[i][0] = op_recv(seL4_SysWait, n, 0);
        TRY(ipc_spawn_ops(&w[i], &sw[i], IPC_HI_PRIO, 0, opw[i], 1));
    }
    thread_destroy(&w[0]);
    CHECK_INVARIANTS();
    do_signal(o, seL4_SysSend, b1);
    CHECK_EQ(sw[1].pc, 1);
    CHECK_SIGNAL(opw[1][0], 0x10);
    CHECK_EQ(sw[2].pc, 0);
    thread_destroy(&w[2]);
    CHECK_INVARIANTS();
    do_signal(o, seL4_SysSend, b2);
    ipc_op_recv(o, seL4_SysNBWait, n, 0);
    ipc_run_op(o);
    CHECK_SIGNAL(o, 0x20);
}

/*
 * NBSendWait / NBSendRecv with a notification as send destination: the send phase
 * signals it; the receive phase waits on another object.
 */
IPC_TEST(ntfn_combined_send_phase)
{
    static struct thread w, s;
    static struct ipc_script sw, ss;
    static struct ipc_op *opw[2], *ops_[1];
    seL4_CPtr n1 = ipc_new_ntfn(), n2 = ipc_new_ntfn(), ep = ipc_new_ep(), reply = ipc_new_reply();
    CHECK(n1 && n2 && ep && reply);
    seL4_CPtr b1 = ipc_mint(n1, NR, 0xa1), b2 = ipc_mint(n2, NR, 0xb2), via = ipc_mint(ep, ALL, 0x91);
    struct ipc_op *o = ipc_op_new();
    CHECK(b1 && b2 && via && o);

    opw[0] = op_recv(seL4_SysWait, n1, 0);
    opw[1] = op_recv(seL4_SysWait, n1, 0);
    TRY(ipc_spawn_ops(&w, &sw, IPC_HI_PRIO, 0, opw, 2));
    do_signal(o, seL4_SysSend, b2);
    ipc_op_msg(o, seL4_SysNBSendWait, n2, 0, 0, 0);
    o->x6 = b1;
    ipc_run_op(o);
    CHECK_EQ(sw.pc, 1);
    CHECK_SIGNAL(opw[0], 0xa1);
    CHECK_EQ(o->out[0], 0xb2);

    ops_[0] = op_send(seL4_SysSend, via, 0x5, 3, 5);
    TRY(ipc_spawn_ops(&s, &ss, IPC_HI_PRIO, 0, ops_, 1));
    ipc_op_msg(o, seL4_SysNBSendRecv, ep, 0x6, 2, 6);
    o->x8 = b1;
    o->x6 = reply;
    ipc_run_op(o);
    CHECK_EQ(sw.pc, 2);
    CHECK_SIGNAL(opw[1], 0xa1);
    CHECK_MSG(o, 0x91, 0x5, 3, 5);
}

/*
 * ABI (k): an SC bound to a notification is lent to a passive thread that receives a
 * signal from it (by Wait, or through its bound notification while waiting on an
 * endpoint); it runs on it and gives it back when it blocks again.
 */
IPC_TEST(ntfn_sched_context_lent_to_passive_waiter)
{
    static struct thread p, q;
    static struct ipc_script sp, sq;
    static struct ipc_op *opp[3], *opq[3];
    seL4_CPtr n = ipc_new_ntfn(), n2 = ipc_new_ntfn(), ep = ipc_new_ep(), reply = ipc_new_reply();
    seL4_CPtr x = ipc_new_sc(), y = ipc_new_sc();
    CHECK(n && n2 && ep && reply && x && y);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x99);
    struct ipc_op *o = ipc_op_new();
    CHECK(via && o);

    opp[0] = op_recv(seL4_SysWait, n, 0);
    opp[1] = op_recv(seL4_SysWait, n, 0);
    opp[2] = op_recv(seL4_SysWait, n, 0);
    CHECK(opp[1] && opp[2]);
    opp[1]->spin = opp[2]->spin = 200000;
    TRY(ipc_spawn_ops(&p, &sp, IPC_HI_PRIO, 0, opp, 3));
    TRY(ipc_make_passive(&p));
    CHECK_OK(seL4_SchedContext_Bind(x, n));
    (void)ipc_consumed(x);
    (void)ipc_consumed(p.sc);

    do_signal(o, seL4_SysSend, n);
    CHECK_EQ(sp.pc, 1); /* ran on x, waits again (x given back) */
    do_signal(o, seL4_SysSend, n);
    CHECK_EQ(sp.pc, 2);
    seL4_Word used = ipc_consumed(x);
    CHECK(used != ~(seL4_Word)0 && used > 0);
    CHECK_EQ(ipc_consumed(p.sc), 0);
    CHECK_INVARIANTS();
    /* x went back to the notification: p is not bound to it. */
    CHECK_ERR(seL4_SchedContext_UnbindObject(x, p.tcb), seL4_IllegalOperation);

    /* Through a bound notification while waiting on an endpoint. */
    opq[0] = op_recv(seL4_SysRecv, ep, reply);
    opq[1] = op_recv(seL4_SysRecv, ep, reply);
    opq[2] = op_recv(seL4_SysRecv, ep, reply);
    for (int i = 0; i < 3; i++)
        CHECK(opq[i] != NULL);
    opq[1]->spin = 200000;
    TRY(ipc_create(&q, IPC_HI_PRIO, 0));
    CHECK_OK(seL4_TCB_BindNotification(q.tcb, n2));
    sq = (struct ipc_script){.ops = opq, .nops = 3};
    TRY(ipc_start(&q, &sq));
    TRY(ipc_make_passive(&q));
    CHECK_OK(seL4_SchedContext_Bind(y, n2));
    (void)ipc_consumed(y);
    do_signal(o, seL4_SysSend, n2);
    CHECK_EQ(sq.pc, 1);
    CHECK_SIGNAL(opq[0], 0);
    used = ipc_consumed(y);
    CHECK(used != ~(seL4_Word)0 && used > 0);
    /* Back in Recv, passive again: a message wakes it but it cannot run. */
    ipc_op_msg(o, seL4_SysSend, via, 0x1, 1, 1);
    ipc_run_op(o);
    CHECK_EQ(sq.pc, 1);
    CHECK_INVARIANTS();
}

/*
 * An SC lent by a notification travels on: the passive thread that got it calls a
 * passive server, which runs on it and gives it back with the reply; when the thread
 * waits on its notification again the SC goes back to the notification.
 */
IPC_TEST(ntfn_lent_sc_donated_along_call)
{
    static struct thread p, srv;
    static struct ipc_script sp, ssrv;
    static struct ipc_op *opp[3], *opsrv[3];
    seL4_CPtr n = ipc_new_ntfn(), ep = ipc_new_ep(), reply = ipc_new_reply(), x = ipc_new_sc();
    CHECK(n && ep && reply && x);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x6b0);
    CHECK(via != 0);

    opsrv[0] = op_recv(seL4_SysRecv, ep, reply);
    opsrv[1] = op_replyrecv(ep, reply, 0x11, 1, 11);
    opsrv[2] = op_replyrecv(ep, reply, 0x12, 1, 12);
    TRY(ipc_spawn_ops(&srv, &ssrv, 210, 0, opsrv, 3));
    TRY(ipc_make_passive(&srv));

    opp[0] = op_recv(seL4_SysWait, n, 0);
    opp[1] = op_send(seL4_SysCall, via, 0x1, 1, 1);
    opp[2] = op_recv(seL4_SysWait, n, 0);
    TRY(ipc_spawn_ops(&p, &sp, IPC_HI_PRIO, 0, opp, 3));
    TRY(ipc_make_passive(&p));
    CHECK_OK(seL4_SchedContext_Bind(x, n));
    (void)ipc_consumed(x);

    seL4_Signal(n);
    CHECK_EQ(sp.pc, 2);
    CHECK_EQ(ssrv.pc, 1);
    CHECK_MSG(opsrv[0], 0x6b0, 0x1, 1, 1);
    CHECK_MSG(opp[1], 0, 0x11, 1, 11);
    CHECK_INVARIANTS();
    /* x is back with the notification: p is not bound to it, nor is the server. */
    CHECK_ERR(seL4_SchedContext_UnbindObject(x, p.tcb), seL4_IllegalOperation);
    CHECK_ERR(seL4_SchedContext_UnbindObject(x, srv.tcb), seL4_IllegalOperation);
    seL4_Word used = ipc_consumed(x);
    CHECK(used != ~(seL4_Word)0 && used > 0);

    /* Once more: the same path works again. */
    seL4_Signal(n);
    CHECK_EQ(sp.pc, 3);
    CHECK_INVARIANTS();
}

/*
 * A bound thread blocked elsewhere (waiting on another notification, or in a Send) is not
 * woken by its bound notification: the signal stays pending for its next receive.
 */
IPC_TEST(ntfn_bound_thread_blocked_elsewhere)
{
    static struct thread t;
    static struct ipc_script st;
    static struct ipc_op *opt[4];
    seL4_CPtr n = ipc_new_ntfn(), n2 = ipc_new_ntfn(), ep = ipc_new_ep(), reply = ipc_new_reply();
    seL4_CPtr reply2 = ipc_new_reply();
    CHECK(n && n2 && ep && reply && reply2);
    seL4_CPtr b1 = ipc_mint(n, R_W | R_R, 0x1), b2 = ipc_mint(n2, R_W | R_R, 0x2);
    seL4_CPtr b3 = ipc_mint(n, R_W | R_R, 0x4), via = ipc_mint(ep, ALL, 0x6d);
    struct ipc_op *o = ipc_op_new();
    CHECK(b1 && b2 && b3 && via && o);

    opt[0] = op_recv(seL4_SysWait, n2, 0);
    opt[1] = op_recv(seL4_SysRecv, ep, reply);
    opt[2] = op_send(seL4_SysSend, via, 0x5, 1, 5);
    opt[3] = op_recv(seL4_SysRecv, ep, reply);
    for (int i = 0; i < 4; i++)
        CHECK(opt[i] != NULL);
    TRY(ipc_create(&t, IPC_HI_PRIO, 0));
    CHECK_OK(seL4_TCB_BindNotification(t.tcb, n));
    st = (struct ipc_script){.ops = opt, .nops = 4};
    TRY(ipc_start(&t, &st));

    seL4_Signal(b1);
    CHECK_EQ(st.pc, 0);
    seL4_Signal(b2);
    /* 0: Wait on n2 woken by n2; 1: Recv returns the pending 0x1; 2: Send blocks. */
    CHECK_EQ(st.pc, 2);
    CHECK_EQ(opt[0]->out[0], 0x2);
    CHECK_EQ(opt[1]->out[0], 0x1);
    CHECK_REGS_KEPT(opt[1]);
    seL4_Signal(b3);
    CHECK_EQ(st.pc, 2);
    ipc_op_recv(o, seL4_SysRecv, ep, reply2);
    ipc_run_op(o);
    CHECK_MSG(o, 0x6d, 0x5, 1, 5);
    CHECK_EQ(st.pc, 4);
    CHECK_EQ(opt[3]->out[0], 0x4);
}
