/*
 * IPC tests: endpoints (every send/receive syscall, blocking and not), message contents
 * and lengths, badges, capability transfer, reply objects, scheduling-context donation,
 * queue order, and deleting objects in the middle of an IPC (ABI (a), (b), (c), (f), (k)).
 *
 * See ipc_util.h for the scheduling model: the root runs at IPC_ROOT_PRIO, children at
 * IPC_HI_PRIO run until they block before the root continues. Nothing here depends on
 * whether the kernel has an IPC fast path: the same programs must give the same results.
 */
#include "ipc_util.h"

#define ALL (R_W | R_R | R_G | R_GR)
#define NR_RIGHTS (R_W | R_R)

/* ---- message sweeps: lengths 0..120 and two above the maximum ----------------------------- */

#define SWEEP_STEPS 123u

/* After the sweep, SHORT_STEPS messages of 0..4 words (fast-path sized, ABI (a)). */
#define SHORT_STEPS 40u

static seL4_Word sweep_len(unsigned k)
{
    if (k >= SWEEP_STEPS)
        return k % 5;
    return k <= 120 ? k : (k == 121 ? 121 : 127);
}

static seL4_Word sweep_got(unsigned k)
{
    seL4_Word len = sweep_len(k);
    return len > IPC_MAX_LEN ? IPC_MAX_LEN : len;
}

/* Labels use all 52 bits. */
static seL4_Word sweep_label(unsigned k)
{
    return (IPC_LABEL_MASK - (seL4_Word)k * 0x10001ull) & IPC_LABEL_MASK;
}

/* Replies: every length 0..120 in a scrambled order, other labels and contents. */
static seL4_Word reply_len(unsigned k)
{
    return k >= SWEEP_STEPS ? (seL4_Word)k * 3u % 5u : (seL4_Word)k * 37u % 121u;
}
static seL4_Word reply_label(unsigned k) { return ((seL4_Word)k * 0x123456789ull + 7) & IPC_LABEL_MASK; }
static seL4_Word reply_salt(unsigned k) { return 100000u + k; }

static const seL4_Word sweep_badges[3] = {~0ull, 0x8000000000000001ull, 0x1};

static int mint_badged(seL4_CPtr ep, seL4_Word rights, seL4_CPtr caps[3])
{
    for (int i = 0; i < 3; i++) {
        caps[i] = ipc_mint(ep, rights, sweep_badges[i]);
        if (!caps[i])
            return -1;
    }
    return 0;
}

struct sweep_ctx {
    seL4_Word sys;
    seL4_CPtr ep, reply;
    seL4_CPtr caps[3];
};

static void prep_recv(struct ipc_script *s, unsigned k, struct ipc_op *o)
{
    struct sweep_ctx *c = s->ctx;
    (void)k;
    ipc_op_recv(o, c->sys, c->ep, c->reply);
}

static void prep_send(struct ipc_script *s, unsigned k, struct ipc_op *o)
{
    struct sweep_ctx *c = s->ctx;
    ipc_op_msg(o, c->sys, c->caps[k % 3], sweep_label(k), sweep_len(k), k);
}

/* The root sends (send_sys) to a child already waiting in recv_sys. */
static void sweep_to_waiting_receiver(struct thread *t, seL4_Word send_sys, seL4_Word recv_sys)
{
    static struct ipc_script s;
    static struct sweep_ctx c;
    static struct ipc_op *ops[2];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply();
    CHECK(ep && reply);
    c = (struct sweep_ctx){.sys = recv_sys, .ep = ep, .reply = reply};
    TRY(mint_badged(ep, ALL, c.caps));
    ops[0] = ipc_op_new();
    ops[1] = ipc_op_new();
    struct ipc_op *o = ipc_op_new();
    CHECK(ops[0] && ops[1] && o);
    s = (struct ipc_script){.ops = ops, .nops = 2, .steps = SWEEP_STEPS, .prep = prep_recv, .ctx = &c};
    TRY(ipc_spawn(t, &s, IPC_HI_PRIO, 0));
    CHECK_EQ(s.pc, 0);

    for (unsigned k = 0; k < SWEEP_STEPS; k++) {
        ipc_op_msg(o, send_sys, c.caps[k % 3], sweep_label(k), sweep_len(k), k);
        ipc_run_op(o);
        CHECK_EQ(s.pc, k + 1);
        CHECK_MSG(ops[k % 2], sweep_badges[k % 3], sweep_label(k), sweep_got(k), k);
        CHECK_REGS_KEPT(o); /* a send returns nothing */
    }
}

/* A child sends (send_sys: Send) and blocks; the root receives with recv_sys. */
static void sweep_from_waiting_sender(struct thread *t, seL4_Word send_sys, seL4_Word recv_sys)
{
    static struct ipc_script s;
    static struct sweep_ctx c;
    static struct ipc_op *ops[2];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply();
    CHECK(ep && reply);
    c = (struct sweep_ctx){.sys = send_sys, .ep = ep};
    TRY(mint_badged(ep, ALL, c.caps));
    ops[0] = ipc_op_new();
    ops[1] = ipc_op_new();
    struct ipc_op *o = ipc_op_new();
    CHECK(ops[0] && ops[1] && o);
    s = (struct ipc_script){.ops = ops, .nops = 2, .steps = SWEEP_STEPS, .prep = prep_send, .ctx = &c};
    TRY(ipc_spawn(t, &s, IPC_HI_PRIO, 0));
    CHECK_EQ(s.pc, 0);

    for (unsigned k = 0; k < SWEEP_STEPS; k++) {
        ipc_op_recv(o, recv_sys, ep, reply);
        ipc_run_op(o);
        CHECK_MSG(o, sweep_badges[k % 3], sweep_label(k), sweep_got(k), k);
        /* The sender was released, ran (it is above us) and is waiting with the next one. */
        CHECK_EQ(s.pc, k + 1);
    }
}

/* Root Send / NBSend to a child waiting in Recv (with a reply object) or Wait. */
IPC_TEST(ipc_send_to_waiting_receiver_all_lengths)
{
    static struct thread t[4];
    const seL4_Word combos[4][2] = {
        {seL4_SysSend, seL4_SysRecv},
        {seL4_SysNBSend, seL4_SysRecv},
        {seL4_SysSend, seL4_SysWait},
        {seL4_SysNBSend, seL4_SysWait},
    };
    for (int i = 0; i < 4 && !test_failed(); i++) {
        sweep_to_waiting_receiver(&t[i], combos[i][0], combos[i][1]);
        thread_destroy(&t[i]);
    }
}

/* A child blocked in Send; the root takes the message with Recv, NBRecv, Wait, NBWait. */
IPC_TEST(ipc_recv_from_waiting_sender_all_lengths)
{
    static struct thread t[4];
    const seL4_Word recv[4] = {seL4_SysRecv, seL4_SysNBRecv, seL4_SysWait, seL4_SysNBWait};
    for (int i = 0; i < 4 && !test_failed(); i++) {
        sweep_from_waiting_sender(&t[i], seL4_SysSend, recv[i]);
        thread_destroy(&t[i]);
    }
}

/* ---- Call and reply ------------------------------------------------------------------------ */

struct server_ctx {
    seL4_CPtr ep, reply;
    bool replyrecv; /* ReplyRecv loop; else Recv, then Send on the reply cap */
};

/* Server steps. ReplyRecv mode: step 0 Recv, step j ReplyRecv (answers request j-1,
 * receives request j). Send mode: step 2j Recv (request j), step 2j+1 Send reply j. */
static void prep_server(struct ipc_script *s, unsigned k, struct ipc_op *o)
{
    struct server_ctx *c = s->ctx;
    if (c->replyrecv) {
        if (k == 0) {
            ipc_op_recv(o, seL4_SysRecv, c->ep, c->reply);
        } else {
            ipc_op_msg(o, seL4_SysReplyRecv, c->ep, reply_label(k - 1), reply_len(k - 1),
                       reply_salt(k - 1));
            o->x6 = c->reply;
        }
    } else if (k % 2 == 0) {
        ipc_op_recv(o, seL4_SysRecv, c->ep, c->reply);
    } else {
        ipc_op_msg(o, seL4_SysSend, c->reply, reply_label(k / 2), reply_len(k / 2),
                   reply_salt(k / 2));
    }
}

/*
 * The root Calls a child server already waiting in Recv: every request and reply length,
 * then a run of short ones. The server is active (its own SC) or passive (it runs on the
 * root's SC; it must then answer with ReplyRecv). Every other call sets capsUnwrapped
 * bits in its msginfo, which the receiver must not see.
 */
static void call_waiting_server(struct thread *t, bool replyrecv, bool passive, seL4_Word rights)
{
    static struct ipc_script s;
    static struct server_ctx c;
    static struct ipc_op *ops[4];
    const unsigned calls = SWEEP_STEPS + SHORT_STEPS;
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), caps[3];
    CHECK(ep && reply);
    TRY(mint_badged(ep, rights, caps));
    c = (struct server_ctx){.ep = ep, .reply = reply, .replyrecv = replyrecv};
    for (int i = 0; i < 4; i++)
        CHECK((ops[i] = ipc_op_new()) != NULL);
    struct ipc_op *o = ipc_op_new();
    CHECK(o != NULL);
    s = (struct ipc_script){.ops = ops, .nops = 4, .prep = prep_server, .ctx = &c,
                            .steps = replyrecv ? calls + 1 : 2 * calls};
    TRY(ipc_spawn(t, &s, IPC_HI_PRIO, 0));
    CHECK_EQ(s.pc, 0);
    if (passive) {
        TRY(ipc_make_passive(t));
        (void)ipc_consumed(t->sc);
    }

    for (unsigned k = 0; k < calls; k++) {
        ipc_op_msg(o, seL4_SysCall, caps[k % 3], sweep_label(k), sweep_len(k), k);
        if (k % 2) {
            o->info_raw = true;
            o->info_word = seL4_MessageInfo_new(sweep_label(k), 7, 0, sweep_len(k)).words[0];
        }
        ipc_run_op(o);
        /* A reply carries badge 0. */
        CHECK_MSG(o, 0, reply_label(k), reply_len(k), reply_salt(k));
        unsigned step = replyrecv ? k : 2 * k;
        CHECK_EQ(s.pc, replyrecv ? k + 1 : 2 * k + 2);
        CHECK_MSG(ops[step % 4], sweep_badges[k % 3], sweep_label(k), sweep_got(k), k);
    }
    if (passive)
        CHECK_EQ(ipc_consumed(t->sc), 0);
}

IPC_TEST(ipc_call_waiting_server_all_lengths)
{
    static struct thread t[4];
    const struct {
        bool replyrecv, passive;
        seL4_Word rights;
    } v[4] = {
        {false, false, ALL},
        {true, false, ALL},
        {true, true, ALL},
        {true, true, R_W | R_GR},
    };
    for (int i = 0; i < 4 && !test_failed(); i++) {
        call_waiting_server(&t[i], v[i].replyrecv, v[i].passive, v[i].rights);
        thread_destroy(&t[i]);
    }
}

static void prep_caller(struct ipc_script *s, unsigned k, struct ipc_op *o)
{
    struct sweep_ctx *c = s->ctx;
    ipc_op_msg(o, seL4_SysCall, c->caps[k % 3], sweep_label(k), sweep_len(k), k);
}

/*
 * A child Calls; the root is the server. It answers with Send or NBSend on the reply
 * cap followed by Recv (the caller is then already waiting), or with ReplyRecv (the
 * root blocks first and the next Call finds it waiting).
 */
IPC_TEST(ipc_caller_waiting_all_lengths)
{
    static struct thread t;
    static struct ipc_script s;
    static struct sweep_ctx c;
    static struct ipc_op *ops[2];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply();
    CHECK(ep && reply);
    c = (struct sweep_ctx){.ep = ep};
    TRY(mint_badged(ep, ALL, c.caps));
    ops[0] = ipc_op_new();
    ops[1] = ipc_op_new();
    struct ipc_op *o = ipc_op_new();
    CHECK(ops[0] && ops[1] && o);
    s = (struct ipc_script){.ops = ops, .nops = 2, .steps = SWEEP_STEPS, .prep = prep_caller, .ctx = &c};
    TRY(ipc_spawn(&t, &s, IPC_HI_PRIO, 0));
    CHECK_EQ(s.pc, 0);

    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    for (unsigned k = 0; k < SWEEP_STEPS; k++) {
        CHECK_MSG(o, sweep_badges[k % 3], sweep_label(k), sweep_got(k), k);
        CHECK_EQ(s.pc, k);
        bool last = k + 1 == SWEEP_STEPS;
        if (k % 3 == 2 && !last) {
            ipc_op_msg(o, seL4_SysReplyRecv, ep, reply_label(k), reply_len(k), reply_salt(k));
            o->x6 = reply;
            ipc_run_op(o);
        } else {
            ipc_op_msg(o, k % 3 == 1 ? seL4_SysNBSend : seL4_SysSend, reply, reply_label(k),
                       reply_len(k), reply_salt(k));
            ipc_run_op(o);
            CHECK_REGS_KEPT(o);
            if (!last) {
                ipc_op_recv(o, seL4_SysRecv, ep, reply);
                ipc_run_op(o);
            }
        }
        CHECK_EQ(s.pc, k + 1);
        CHECK_MSG(ops[k % 2], 0, reply_label(k), reply_len(k), reply_salt(k));
    }
}

/* ---- non-blocking operations with nobody there ------------------------------------------ */

/* A receive that found nothing: x0 = 0, x1..x8 and the IPC buffer untouched. */
static int check_nothing_at(const char *file, int line, const struct ipc_op *o)
{
    TRY_R(ipc_check_regs_kept_at(file, line, o), -1);
    if (o->out[0] != 0) {
        test_fail(file, line, "receive found nothing but returned badge 0x%llx",
                  (unsigned long long)o->out[0]);
        return -1;
    }
    for (int i = 4; i < IPC_MAX_LEN; i++) {
        if (o->mr[i] != o->pre[i]) {
            test_fail(file, line, "receive found nothing but wrote MR%d", i);
            return -1;
        }
    }
    return 0;
}
#define CHECK_NOTHING(o) TRY(check_nothing_at(__FILE__, __LINE__, o))

/*
 * ABI (a): NBSend without a waiting receiver drops the message; NBRecv and NBWait
 * without a waiting sender write x0 = 0 and nothing else, also while receivers wait.
 */
IPC_TEST(ipc_nonblocking_nobody_waiting)
{
    static struct thread t;
    static struct ipc_script s;
    static struct ipc_op *ops[1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), reply2 = ipc_new_reply();
    CHECK(ep && reply && reply2);
    seL4_CPtr b = ipc_mint(ep, ALL, 0x77);
    struct ipc_op *o = ipc_op_new();
    CHECK(b && o);

    ipc_op_msg(o, seL4_SysNBSend, b, 0x5, 7, 1);
    ipc_run_op(o);
    CHECK_REGS_KEPT(o);
    ipc_op_recv(o, seL4_SysNBRecv, ep, reply);
    ipc_run_op(o);
    CHECK_NOTHING(o);
    ipc_op_recv(o, seL4_SysNBWait, ep, 0);
    ipc_run_op(o);
    CHECK_NOTHING(o);

    /* The dropped message is not kept for a later receiver: this one blocks. */
    ops[0] = op_recv(seL4_SysRecv, ep, reply);
    TRY(ipc_spawn_ops(&t, &s, IPC_HI_PRIO, 0, ops, 1));
    CHECK_EQ(s.pc, 0);

    /* A waiting receiver is not a sender. (Another reply object: reusing the waiting
     * receiver's one would abort its receive.) */
    ipc_op_recv(o, seL4_SysNBRecv, ep, reply2);
    ipc_run_op(o);
    CHECK_NOTHING(o);
    ipc_op_recv(o, seL4_SysNBWait, ep, 0);
    ipc_run_op(o);
    CHECK_NOTHING(o);
    CHECK_EQ(s.pc, 0);

    /* The receiver is still waiting: a Send reaches it. */
    ipc_op_msg(o, seL4_SysSend, b, 0x6, 3, 2);
    ipc_run_op(o);
    CHECK_EQ(s.pc, 1);
    CHECK_MSG(ops[0], 0x77, 0x6, 3, 2);
}

/* ---- NBSendRecv and NBSendWait -------------------------------------------------------------- */


/*
 * NBSendRecv (x8 = send destination, x0 = receive source, x6 = reply object): the send
 * phase is non-blocking, the receive phase a normal Recv. An unresolvable x8 skips the
 * send phase without a fault.
 */
IPC_TEST(ipc_nbsendrecv)
{
    static struct thread r, snd, snd2, r3, t, t2;
    static struct ipc_script sr, ss, ss2, sr3, st, st2;
    static struct ipc_op *opr[1], *ops_[1], *ops2[1], *opr3[1], *opt[1], *opt2[1];
    struct fault_ep f;
    seL4_CPtr ep1 = ipc_new_ep(), ep2 = ipc_new_ep(), reply = ipc_new_reply();
    seL4_CPtr reply_r = ipc_new_reply(), reply_t = ipc_new_reply(), reply_t2 = ipc_new_reply();
    CHECK(ep1 && ep2 && reply && reply_r && reply_t && reply_t2);
    seL4_CPtr b1 = ipc_mint(ep1, ALL, 0x11), b2 = ipc_mint(ep2, ALL, 0x22);
    CHECK(b1 && b2);
    TRY(fault_ep_create(&f));

    /* Root: the send phase meets a waiting receiver, the receive phase a waiting sender. */
    opr[0] = op_recv(seL4_SysRecv, ep1, reply_r);
    TRY(ipc_spawn_ops(&r, &sr, IPC_HI_PRIO, 0, opr, 1));
    ops_[0] = op_send(seL4_SysSend, b2, 0x222, 9, 20);
    TRY(ipc_spawn_ops(&snd, &ss, IPC_HI_PRIO, 0, ops_, 1));
    CHECK(sr.pc == 0 && ss.pc == 0);
    struct ipc_op *o = op_nbsendrecv(b1, ep2, reply, 0x111, 7, 10);
    CHECK(o != NULL);
    ipc_run_op(o);
    CHECK_EQ(sr.pc, 1);
    CHECK_MSG(opr[0], 0x11, 0x111, 7, 10);
    CHECK_MSG(o, 0x22, 0x222, 9, 20);
    CHECK_EQ(ss.pc, 1);

    /* Nobody receives on ep1 now: the send phase drops the message. */
    ops2[0] = op_send(seL4_SysSend, b2, 0x333, 2, 30);
    TRY(ipc_spawn_ops(&snd2, &ss2, IPC_HI_PRIO, 0, ops2, 1));
    o = op_nbsendrecv(b1, ep2, reply, 0x444, 3, 40);
    CHECK(o != NULL);
    ipc_run_op(o);
    CHECK_MSG(o, 0x22, 0x333, 2, 30);
    opr3[0] = op_recv(seL4_SysRecv, ep1, reply_r);
    TRY(ipc_spawn_ops(&r3, &sr3, IPC_HI_PRIO, 0, opr3, 1));
    CHECK_EQ(sr3.pc, 0);

    /* A child whose receive phase blocks. */
    opt[0] = op_nbsendrecv(b1, ep2, reply_t, 0x555, 11, 50);
    TRY(ipc_spawn_ops(&t, &st, IPC_HI_PRIO, 0, opt, 1));
    CHECK_EQ(sr3.pc, 1);
    CHECK_MSG(opr3[0], 0x11, 0x555, 11, 50);
    CHECK_EQ(st.pc, 0);
    o = op_send(seL4_SysSend, b2, 0x666, 4, 60);
    CHECK(o != NULL);
    ipc_run_op(o);
    CHECK_EQ(st.pc, 1);
    CHECK_MSG(opt[0], 0x22, 0x666, 4, 60);

    /* An unresolvable send destination: no fault, the receive phase still runs. */
    opt2[0] = op_nbsendrecv(BOGUS_CPTR, ep2, reply_t2, 0x777, 1, 70);
    TRY(ipc_spawn_ops(&t2, &st2, IPC_HI_PRIO, f.badged, opt2, 1));
    CHECK_EQ(st2.pc, 0);
    seL4_MessageInfo_t info;
    CHECK_EQ(fault_poll(&f, &info, 1), 1);
    o = op_send(seL4_SysSend, b2, 0x888, 5, 80);
    CHECK(o != NULL);
    ipc_run_op(o);
    CHECK_EQ(st2.pc, 1);
    CHECK_MSG(opt2[0], 0x22, 0x888, 5, 80);
}

/*
 * The send phase of NBSendRecv / NBSendWait on a reply cap answers a caller; the
 * receive phase then uses another reply object (NBSendRecv) or none (NBSendWait).
 */
IPC_TEST(ipc_nbsend_phase_replies)
{
    static struct thread c[2], snd[2];
    static struct ipc_script sc[2], ss[2];
    static struct ipc_op *opc[2][1], *ops_[2][1];
    seL4_CPtr ep1 = ipc_new_ep(), ep2 = ipc_new_ep();
    seL4_CPtr reply_a = ipc_new_reply(), reply_b = ipc_new_reply();
    CHECK(ep1 && ep2 && reply_a && reply_b);
    seL4_CPtr b1 = ipc_mint(ep1, ALL, 0x31), b2 = ipc_mint(ep2, ALL, 0x32);
    struct ipc_op *o = ipc_op_new();
    CHECK(b1 && b2 && o);

    for (int i = 0; i < 2; i++) {
        opc[i][0] = op_send(seL4_SysCall, b1, 0x100 + i, 3 + i, 10 + i);
        TRY(ipc_spawn_ops(&c[i], &sc[i], IPC_HI_PRIO, 0, opc[i], 1));
        ipc_op_recv(o, seL4_SysRecv, ep1, reply_a);
        ipc_run_op(o);
        CHECK_MSG(o, 0x31, 0x100 + i, 3 + i, 10 + i);

        ops_[i][0] = op_send(seL4_SysSend, b2, 0x200 + i, 6, 20 + i);
        TRY(ipc_spawn_ops(&snd[i], &ss[i], IPC_HI_PRIO, 0, ops_[i], 1));
        CHECK(sc[i].pc == 0 && ss[i].pc == 0);

        if (i == 0) {
            ipc_op_msg(o, seL4_SysNBSendRecv, ep2, 0x300, 8, 30);
            o->x8 = reply_a;
            o->x6 = reply_b;
        } else {
            ipc_op_msg(o, seL4_SysNBSendWait, ep2, 0x301, 8, 31);
            o->x6 = reply_a;
        }
        ipc_run_op(o);
        CHECK_EQ(sc[i].pc, 1);
        CHECK_MSG(opc[i][0], 0, 0x300 + i, 8, 30 + i);
        CHECK_MSG(o, 0x32, 0x200 + i, 6, 20 + i);
        CHECK_EQ(ss[i].pc, 1);
    }
}

/* NBSendWait (x6 = send destination, x0 = source): non-blocking send, then Wait. */
IPC_TEST(ipc_nbsendwait)
{
    static struct thread r, snd, r2, t, t2;
    static struct ipc_script sr, ss, sr2, st, st2;
    static struct ipc_op *opr[1], *ops_[1], *opr2[2], *opt[1], *opt2[1];
    struct fault_ep f;
    seL4_CPtr ep1 = ipc_new_ep(), ep2 = ipc_new_ep(), reply_r = ipc_new_reply();
    CHECK(ep1 && ep2 && reply_r);
    seL4_CPtr b1 = ipc_mint(ep1, ALL, 0x41), b2 = ipc_mint(ep2, ALL, 0x42);
    CHECK(b1 && b2);
    TRY(fault_ep_create(&f));

    opr[0] = op_recv(seL4_SysRecv, ep1, reply_r);
    TRY(ipc_spawn_ops(&r, &sr, IPC_HI_PRIO, 0, opr, 1));
    ops_[0] = op_send(seL4_SysSend, b2, 0x42a, 12, 1);
    TRY(ipc_spawn_ops(&snd, &ss, IPC_HI_PRIO, 0, ops_, 1));
    struct ipc_op *o = op_nbsendwait(b1, ep2, 0x41a, 10, 2);
    CHECK(o != NULL);
    ipc_run_op(o);
    CHECK_EQ(sr.pc, 1);
    CHECK_MSG(opr[0], 0x41, 0x41a, 10, 2);
    CHECK_MSG(o, 0x42, 0x42a, 12, 1);
    CHECK_EQ(ss.pc, 1);

    /* A child whose Wait blocks; its send phase reaches a receiver waiting with Wait. */
    opr2[0] = op_recv(seL4_SysWait, ep1, 0);
    opr2[1] = op_recv(seL4_SysWait, ep1, 0);
    TRY(ipc_spawn_ops(&r2, &sr2, IPC_HI_PRIO, 0, opr2, 2));
    opt[0] = op_nbsendwait(b1, ep2, 0x41b, 0, 3);
    TRY(ipc_spawn_ops(&t, &st, IPC_HI_PRIO, 0, opt, 1));
    CHECK_EQ(sr2.pc, 1);
    CHECK_MSG(opr2[0], 0x41, 0x41b, 0, 3);
    CHECK_EQ(st.pc, 0);
    o = op_send(seL4_SysSend, b2, 0x42b, 120, 4);
    CHECK(o != NULL);
    ipc_run_op(o);
    CHECK_EQ(st.pc, 1);
    CHECK_MSG(opt[0], 0x42, 0x42b, 120, 4);

    /* An unresolvable x6: no fault, the Wait still happens. */
    opt2[0] = op_nbsendwait(BOGUS_CPTR, ep2, 0x41c, 1, 5);
    TRY(ipc_spawn_ops(&t2, &st2, IPC_HI_PRIO, f.badged, opt2, 1));
    CHECK_EQ(st2.pc, 0);
    seL4_MessageInfo_t info;
    CHECK_EQ(fault_poll(&f, &info, 1), 1);
    CHECK_EQ(sr2.pc, 1); /* and nothing was sent */
    o = op_send(seL4_SysSend, b2, 0x42c, 2, 6);
    CHECK(o != NULL);
    ipc_run_op(o);
    CHECK_EQ(st2.pc, 1);
    CHECK_MSG(opt2[0], 0x42, 0x42c, 2, 6);
}

/* ---- Call without a reply path ---------------------------------------------------------------- */

/*
 * ABI (a) Wait: a Call received without a reply object leaves the caller Inactive once
 * the message is delivered. It is off the endpoint queue, does not return, and a
 * TCB_Resume restarts its Call.
 */
IPC_TEST(ipc_call_to_wait_leaves_caller_inactive)
{
    static struct thread c, w, c2;
    static struct ipc_script sc, sw, sc2;
    static struct ipc_op *opc[1], *opw[1], *opc2[1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply();
    CHECK(ep && reply);
    seL4_CPtr b = ipc_mint(ep, ALL, 0x51);
    struct ipc_op *o = ipc_op_new();
    CHECK(b && o);

    /* The caller waits first; the root takes the call with Wait. */
    opc[0] = op_send(seL4_SysCall, b, 0x10, 5, 1);
    TRY(ipc_spawn_ops(&c, &sc, IPC_HI_PRIO, 0, opc, 1));
    ipc_op_recv(o, seL4_SysWait, ep, 0);
    ipc_run_op(o);
    CHECK_MSG(o, 0x51, 0x10, 5, 1);
    CHECK_EQ(sc.pc, 0);
    ipc_op_recv(o, seL4_SysNBRecv, ep, reply);
    ipc_run_op(o);
    CHECK_NOTHING(o);
    CHECK_INVARIANTS();
    CHECK_OK(seL4_TCB_Resume(c.tcb));
    CHECK_EQ(sc.pc, 0);
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0x51, 0x10, 5, 1);
    ipc_op_msg(o, seL4_SysSend, reply, 0x20, 2, 3);
    ipc_run_op(o);
    CHECK_EQ(sc.pc, 1);
    CHECK_MSG(opc[0], 0, 0x20, 2, 3);

    /* The receiver waits first (in Wait); the call meets it. */
    opw[0] = op_recv(seL4_SysWait, ep, 0);
    TRY(ipc_spawn_ops(&w, &sw, IPC_HI_PRIO, 0, opw, 1));
    opc2[0] = op_send(seL4_SysCall, b, 0x40, 8, 4);
    TRY(ipc_spawn_ops(&c2, &sc2, IPC_HI_PRIO, 0, opc2, 1));
    CHECK_EQ(sw.pc, 1);
    CHECK_MSG(opw[0], 0x51, 0x40, 8, 4);
    CHECK_EQ(sc2.pc, 0);
    ipc_op_recv(o, seL4_SysNBRecv, ep, reply);
    ipc_run_op(o);
    CHECK_NOTHING(o);
    CHECK_OK(seL4_TCB_Resume(c2.tcb));
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0x51, 0x40, 8, 4);
    ipc_op_msg(o, seL4_SysSend, reply, 0x50, 1, 5);
    ipc_run_op(o);
    CHECK_EQ(sc2.pc, 1);
    CHECK_MSG(opc2[0], 0, 0x50, 1, 5);

    /* A fault message taken with Wait: the faulting thread is left Inactive too. */
    static struct thread ft;
    static struct ipc_script sft;
    static struct ipc_op *opft[1];
    seL4_CPtr handler = ipc_mint(ep, ALL, 0x5f);
    CHECK(handler != 0);
    opft[0] = op_send(seL4_SysSend, BOGUS_CPTR, 0x60, 1, 6);
    TRY(ipc_spawn_ops(&ft, &sft, IPC_HI_PRIO, handler, opft, 1));
    ipc_op_recv(o, seL4_SysWait, ep, 0);
    ipc_run_op(o);
    CHECK_EQ(o->out[0], 0x5f);
    CHECK_EQ(op_label(o), seL4_Fault_CapFault);
    CHECK_EQ(o->mr[seL4_CapFault_Addr], BOGUS_CPTR);
    CHECK_EQ(o->mr[seL4_CapFault_InRecvPhase], 0);
    ipc_op_recv(o, seL4_SysNBRecv, ep, reply);
    ipc_run_op(o);
    CHECK_NOTHING(o);
    CHECK_EQ(sft.pc, 0);
    CHECK_INVARIANTS();
}

/* ---- IPC buffers ------------------------------------------------------------------------------ */

/* Create a child whose IPC buffer is removed (ro = false) or given through a read-only
 * copy of its frame cap (ro = true). */
static int create_buffer_variant(struct thread *t, bool ro)
{
    TRY_R(ipc_create(t, IPC_HI_PRIO, 0), -1);
    seL4_Error e;
    if (ro) {
        seL4_CPtr frame = cap_copy(t->ipc_frame, seL4_CanRead);
        if (!frame)
            return -1;
        e = seL4_TCB_SetIPCBuffer(t->tcb, t->ipc_vaddr, frame);
    } else {
        e = seL4_TCB_SetIPCBuffer(t->tcb, 0, t->ipc_frame);
    }
    if (e != seL4_NoError)
        FAIL_R(-1, "TCB_SetIPCBuffer: %s", err_name(e));
    return 0;
}

/*
 * ABI (b): without an IPC buffer only MR0..MR3 travel and the received length says so.
 * A receiver needs a read-write buffer frame cap; a sender's read-only one is enough.
 */
IPC_TEST(ipc_without_ipc_buffer)
{
    static struct thread s1, s2, r1, r2, c1;
    static struct ipc_script ss1, ss2, sr1, sr2, sc1;
    static struct ipc_op *ops1[2], *ops2[1], *opr1[1], *opr2[1], *opc1[1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply();
    seL4_CPtr reply_r1 = ipc_new_reply(), reply_r2 = ipc_new_reply();
    CHECK(ep && reply && reply_r1 && reply_r2);
    seL4_CPtr b = ipc_mint(ep, ALL, 0x61);
    struct ipc_op *o = ipc_op_new();
    CHECK(b && o);

    /* Sender without a buffer: MR4.. (written to its former buffer page) do not travel. */
    ops1[0] = op_send(seL4_SysSend, b, 0x50, 10, 1);
    ops1[1] = op_send(seL4_SysSend, b, 0x51, 3, 2);
    CHECK(ops1[0] && ops1[1]);
    TRY(create_buffer_variant(&s1, false));
    ss1 = (struct ipc_script){.ops = ops1, .nops = 2};
    TRY(ipc_start(&s1, &ss1));
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0x61, 0x50, 4, 1);
    ipc_run_op(o);
    CHECK_MSG(o, 0x61, 0x51, 3, 2);

    /* Sender with a read-only buffer cap: everything travels. */
    ops2[0] = op_send(seL4_SysSend, b, 0x52, 120, 3);
    CHECK(ops2[0] != NULL);
    TRY(create_buffer_variant(&s2, true));
    ss2 = (struct ipc_script){.ops = ops2, .nops = 1};
    TRY(ipc_start(&s2, &ss2));
    ipc_run_op(o);
    CHECK_MSG(o, 0x61, 0x52, 120, 3);

    /* Receivers without a buffer, or with a read-only one: MR0..MR3 only. */
    opr1[0] = op_recv(seL4_SysRecv, ep, reply_r1);
    opr2[0] = op_recv(seL4_SysRecv, ep, reply_r2);
    CHECK(opr1[0] && opr2[0]);
    TRY(create_buffer_variant(&r1, false));
    sr1 = (struct ipc_script){.ops = opr1, .nops = 1};
    TRY(ipc_start(&r1, &sr1));
    TRY(create_buffer_variant(&r2, true));
    sr2 = (struct ipc_script){.ops = opr2, .nops = 1};
    TRY(ipc_start(&r2, &sr2));
    ipc_op_msg(o, seL4_SysSend, b, 0x53, 10, 4);
    ipc_run_op(o);
    CHECK_EQ(sr1.pc, 1);
    CHECK_MSG(opr1[0], 0x61, 0x53, 4, 4);
    ipc_op_msg(o, seL4_SysSend, b, 0x54, 120, 5);
    ipc_run_op(o);
    CHECK_EQ(sr2.pc, 1);
    CHECK_MSG(opr2[0], 0x61, 0x54, 4, 5);

    /* A caller without a buffer gets four words of a longer reply. */
    opc1[0] = op_send(seL4_SysCall, b, 0x55, 2, 6);
    CHECK(opc1[0] != NULL);
    TRY(create_buffer_variant(&c1, false));
    sc1 = (struct ipc_script){.ops = opc1, .nops = 1};
    TRY(ipc_start(&c1, &sc1));
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0x61, 0x55, 2, 6);
    ipc_op_msg(o, seL4_SysSend, reply, 0x56, 9, 7);
    ipc_run_op(o);
    CHECK_EQ(sc1.pc, 1);
    CHECK_MSG(opc1[0], 0, 0x56, 4, 7);
}

/* ---- message info word ---------------------------------------------------------------------- */

/*
 * ABI (b): the receiver's msginfo has the sender's label (all 52 bits) and the copied
 * length; capsUnwrapped and extraCaps are the kernel's (a sender's capsUnwrapped bits
 * are ignored, extra caps over a cap without Grant are not transferred).
 */
IPC_TEST(ipc_msginfo_fields)
{
    static struct thread r;
    static struct ipc_script sr;
    static struct ipc_op *opr[4];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply();
    CHECK(ep && reply);
    seL4_CPtr b = ipc_mint(ep, ALL, 0x71), nogrant = ipc_mint(ep, R_W | R_R | R_GR, 0x72);
    struct ipc_op *o = ipc_op_new();
    CHECK(b && nogrant && o);
    for (int i = 0; i < 4; i++)
        CHECK((opr[i] = op_recv(seL4_SysRecv, ep, reply)) != NULL);
    TRY(ipc_spawn_ops(&r, &sr, IPC_HI_PRIO, 0, opr, 4));

    ipc_op_msg(o, seL4_SysSend, b, 0, 0, 1);
    ipc_run_op(o);
    CHECK_MSG(opr[0], 0x71, 0, 0, 1);

    ipc_op_msg(o, seL4_SysSend, b, 0, 5, 2);
    o->info_raw = true;
    o->info_word = (IPC_LABEL_MASK << 12) | (7u << 9) | 5u;
    ipc_run_op(o);
    CHECK_MSG(opr[1], 0x71, IPC_LABEL_MASK, 5, 2);

    /* Three extra caps (they must resolve: the lookup happens anyway) over no Grant. */
    ipc_op_msg(o, seL4_SysSend, nogrant, 0x123, 6, 3);
    o->ncaps = 3;
    o->caps[0] = o->caps[1] = o->caps[2] = ep;
    ipc_run_op(o);
    CHECK_MSG(opr[2], 0x72, 0x123, 6, 3);

    /* Length field above 120 (with capsUnwrapped bits set): 120 words. */
    ipc_op_msg(o, seL4_SysSend, b, 0x456, 120, 4);
    o->info_raw = true;
    o->info_word = (0x456ull << 12) | (5u << 9) | 0x7fu;
    ipc_run_op(o);
    CHECK_MSG(opr[3], 0x71, 0x456, 120, 4);
    CHECK_EQ(sr.pc, 4);
}

/* ---- rights ---------------------------------------------------------------------------------- */

/*
 * Sending needs Write: Call on an endpoint cap without it fails with InvalidCapability 0
 * (Send/NBSend drop the error). Receiving needs Read, and Recv needs a Reply cap in x6:
 * otherwise a CapFault in the receive phase (ABI (a)).
 */
IPC_TEST(ipc_endpoint_rights)
{
    static struct thread r, f1, f2, f3;
    static struct ipc_script sr, sf1, sf2, sf3;
    static struct ipc_op *opr[1], *opf1[1], *opf2[1], *opf3[1];
    struct fault_ep f;
    seL4_MessageInfo_t info;
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), reply_r = ipc_new_reply();
    CHECK(ep && reply && reply_r);
    seL4_CPtr nowrite = ipc_mint(ep, R_R | R_G | R_GR, 0x81);
    seL4_CPtr noread = ipc_mint(ep, R_W | R_G | R_GR, 0x82);
    seL4_CPtr good = ipc_mint(ep, ALL, 0x83);
    struct ipc_op *o = ipc_op_new();
    CHECK(nowrite && noread && good && o);
    TRY(fault_ep_create(&f));

    ipc_op_msg(o, seL4_SysCall, nowrite, 0x1, 2, 1);
    ipc_run_op(o);
    CHECK_EQ(o->out[0], 0);
    CHECK_EQ(op_label(o), seL4_InvalidCapability);
    CHECK_EQ(op_len(o), 1);
    CHECK_EQ(o->mr[0], 0);

    opr[0] = op_recv(seL4_SysRecv, ep, reply_r);
    TRY(ipc_spawn_ops(&r, &sr, IPC_HI_PRIO, 0, opr, 1));
    ipc_op_msg(o, seL4_SysSend, nowrite, 0x2, 2, 2);
    ipc_run_op(o);
    ipc_op_msg(o, seL4_SysNBSend, nowrite, 0x3, 2, 3);
    ipc_run_op(o);
    CHECK_EQ(sr.pc, 0);
    ipc_op_msg(o, seL4_SysSend, noread, 0x4, 2, 4); /* no Read is fine for sending */
    ipc_run_op(o);
    CHECK_EQ(sr.pc, 1);
    CHECK_MSG(opr[0], 0x82, 0x4, 2, 4);

    /* Recv / Wait on a cap without Read; Recv with an endpoint cap in x6. */
    opf1[0] = op_recv(seL4_SysRecv, noread, reply);
    opf2[0] = op_recv(seL4_SysWait, noread, 0);
    opf3[0] = op_recv(seL4_SysRecv, good, good);
    struct ipc_script *scripts[3] = {&sf1, &sf2, &sf3};
    struct thread *threads[3] = {&f1, &f2, &f3};
    struct ipc_op **opsv[3] = {opf1, opf2, opf3};
    seL4_CPtr addr[3] = {noread, noread, good};
    for (int i = 0; i < 3; i++) {
        TRY(ipc_spawn_ops(threads[i], scripts[i], IPC_HI_PRIO, f.badged, opsv[i], 1));
        TRY(fault_wait(&f, &info, 1));
        CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
        CHECK_MR(seL4_CapFault_Addr, addr[i]);
        CHECK_MR(seL4_CapFault_InRecvPhase, 1);
        CHECK_EQ(scripts[i]->pc, 0);
    }
}

/* ---- capability transfer ------------------------------------------------------------------- */

/* A child that receives `n` messages with Recv on ep into slot `slot` of the root CNode. */
static int spawn_cap_receiver(struct thread *t, struct ipc_script *s, struct ipc_op **ops,
                              unsigned n, seL4_CPtr ep, seL4_CPtr reply, seL4_CPtr cnode,
                              seL4_CPtr index, seL4_Word depth)
{
    for (unsigned i = 0; i < n; i++)
        if (!(ops[i] = op_recv(seL4_SysRecv, ep, reply)))
            return -1;
    *s = (struct ipc_script){.ops = ops, .nops = n, .set_recv_path = true,
                             .recv_cnode = cnode, .recv_index = index, .recv_depth = depth};
    return ipc_spawn(t, s, IPC_HI_PRIO, 0);
}

static void set_caps(struct ipc_op *o, seL4_Word n, seL4_CPtr c0, seL4_CPtr c1, seL4_CPtr c2)
{
    o->ncaps = n;
    o->caps[0] = c0;
    o->caps[1] = c1;
    o->caps[2] = c2;
}

/* The badge a notification cap carries: signal through it, poll the notification. */
static int ntfn_badge_of(seL4_CPtr cap, seL4_CPtr ntfn, seL4_Word *badge)
{
    seL4_Signal(cap);
    seL4_Poll(ntfn, badge);
    return 0;
}

/*
 * ABI (b): over an endpoint cap with Grant, an extra cap is copied into the receiver's
 * receive slot (a CDT child of the sender's cap, badge kept); the receiver's
 * caps_or_badges word for it is not written. Without Grant nothing is transferred and
 * the message still arrives.
 */
IPC_TEST(ipc_cap_transfer_grant)
{
    static struct thread r;
    static struct ipc_script sr;
    static struct ipc_op *opr[3];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), n = ipc_new_ntfn();
    CHECK(ep && reply && n);
    seL4_CPtr grant = ipc_mint(ep, ALL, 0x91), nogrant = ipc_mint(ep, R_W | R_R | R_GR, 0x92);
    seL4_CPtr nb = ipc_mint(n, R_W | R_R, 0xbadbad), slot = alloc_slot();
    struct ipc_op *o = ipc_op_new();
    CHECK(grant && nogrant && nb && slot && o);
    TRY(spawn_cap_receiver(&r, &sr, opr, 3, ep, reply, seL4_CapInitThreadCNode, slot, 64));

    ipc_op_msg(o, seL4_SysSend, nogrant, 0x1, 3, 1);
    set_caps(o, 1, nb, 0, 0);
    ipc_run_op(o);
    CHECK_MSG_CAPS(opr[0], 0x92, 0x1, 3, 1, 0, 0);
    CHECK_EQ(cap_tag(slot), cap_null_cap);

    ipc_op_msg(o, seL4_SysSend, grant, 0x2, 4, 2);
    set_caps(o, 1, nb, 0, 0);
    ipc_run_op(o);
    CHECK_MSG_CAPS(opr[1], 0x91, 0x2, 4, 2, 1, 0);
    CHECK_EQ(opr[1]->cb[0], IPC_CB_POISON(0));
    CHECK_EQ(cap_tag(slot), cap_notification_cap);
    seL4_Word badge = 0;
    TRY(ntfn_badge_of(slot, n, &badge));
    CHECK_EQ(badge, 0xbadbad);
    CHECK_INVARIANTS();
    /* A child of the sent cap: revoking that removes it. */
    CHECK_OK(seL4_CNode_Revoke(seL4_CapInitThreadCNode, nb, 64));
    CHECK_EQ(cap_tag(slot), cap_null_cap);

    /* The receive slot is free again: the next cap lands there. */
    ipc_op_msg(o, seL4_SysSend, grant, 0x3, 0, 3);
    set_caps(o, 1, nb, 0, 0);
    ipc_run_op(o);
    CHECK_MSG_CAPS(opr[2], 0x91, 0x3, 0, 3, 1, 0);
    CHECK_EQ(cap_tag(slot), cap_notification_cap);
}

/*
 * The receive slot (receiveCNode at depth 64, then receiveIndex/receiveDepth): caps go
 * into another CNode; a missing, occupied or unresolvable slot means no cap is
 * transferred (extraCaps 0) while the message is delivered.
 */
IPC_TEST(ipc_cap_transfer_receive_slot)
{
    static struct thread r[5];
    static struct ipc_script sr[5];
    static struct ipc_op *opr[5][1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), n = ipc_new_ntfn();
    seL4_CPtr cnode = alloc_object(seL4_CapTableObject, 4);
    CHECK(ep && reply && n && cnode);
    seL4_CPtr grant = ipc_mint(ep, ALL, 0xa1), nb = ipc_mint(n, R_W | R_R, 0x5), full = alloc_slot();
    seL4_CPtr out = alloc_slot();
    struct ipc_op *o = ipc_op_new();
    CHECK(grant && nb && full && out && o);
    CHECK_OK(seL4_CNode_Copy(seL4_CapInitThreadCNode, full, 64, seL4_CapInitThreadCNode, n, 64,
                             seL4_AllRights));

    const struct {
        seL4_CPtr cnode, index;
        seL4_Word depth, want_caps;
    } cases[5] = {
        {cnode, 5, 4, 1},                       /* slot 5 of a 16-slot CNode */
        {0, 0, 0, 0},                           /* no receive CNode (null cap) */
        {seL4_CapInitThreadCNode, full, 64, 0}, /* occupied */
        {cnode, 5, 3, 0},                       /* depth does not match the CNode */
        {ep, 5, 4, 0},                          /* receiveCNode is not a CNode */
    };
    for (int i = 0; i < 5; i++) {
        TRY(spawn_cap_receiver(&r[i], &sr[i], opr[i], 1, ep, reply, cases[i].cnode,
                               cases[i].index, cases[i].depth));
        ipc_op_msg(o, seL4_SysSend, grant, 0x10 + i, 5, i);
        set_caps(o, 1, nb, 0, 0);
        ipc_run_op(o);
        CHECK_EQ(sr[i].pc, 1);
        CHECK_MSG_CAPS(opr[i][0], 0xa1, 0x10 + i, 5, i, cases[i].want_caps, 0);
        if (i == 0) {
            /* Move it out to the root CNode to look at it. */
            CHECK_OK(seL4_CNode_Move(seL4_CapInitThreadCNode, out, 64, cnode, 5, 4));
            CHECK_EQ(cap_tag(out), cap_notification_cap);
            seL4_Word badge = 0;
            TRY(ntfn_badge_of(out, n, &badge));
            CHECK_EQ(badge, 0x5);
        }
        thread_destroy(&r[i]);
    }
    CHECK_EQ(cap_tag(full), cap_notification_cap);
}

/*
 * ABI (b) unwrapping: an extra cap to the very endpoint of the IPC is not copied; its
 * badge goes to caps_or_badges[i] and bit i of capsUnwrapped is set. Only one cap is
 * copied per message; processing stops at the first cap that cannot be handed over.
 */
IPC_TEST(ipc_cap_transfer_unwrap)
{
    static struct thread r;
    static struct ipc_script sr;
    static struct ipc_op *opr[8];
    seL4_CPtr ep = ipc_new_ep(), ep2 = ipc_new_ep(), reply = ipc_new_reply();
    seL4_CPtr n = ipc_new_ntfn(), n2 = ipc_new_ntfn();
    CHECK(ep && ep2 && reply && n && n2);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x99);
    seL4_CPtr ea = ipc_mint(ep, ALL, 0xa1a1a1a1a1a1a1a1ull), eb = ipc_mint(ep, R_W, 0xb2);
    seL4_CPtr other = ipc_mint(ep2, ALL, 0xc3), nb = ipc_mint(n, R_W | R_R, 0x7);
    seL4_CPtr nb2 = ipc_mint(n2, R_W | R_R, 0x8), slot = alloc_slot();
    struct ipc_op *o = ipc_op_new();
    CHECK(via && ea && eb && other && nb && nb2 && slot && o);
    TRY(spawn_cap_receiver(&r, &sr, opr, 8, ep, reply, seL4_CapInitThreadCNode, slot, 64));

    const struct {
        seL4_Word n;
        seL4_CPtr caps[3];
        seL4_Word want_caps, want_unwrapped;
        seL4_Word badges[3]; /* expected caps_or_badges (poison where untouched) */
        seL4_Word slot_tag;
    } cases[8] = {
        {1, {ea}, 1, 0x1, {0xa1a1a1a1a1a1a1a1ull, IPC_CB_POISON(1), IPC_CB_POISON(2)}, cap_null_cap},
        /* the unbadged original (badge 0); a cap to it without Read or Grant */
        {2, {ep, eb}, 2, 0x3, {0, 0xb2, IPC_CB_POISON(2)}, cap_null_cap},
        {3, {ea, nb, eb}, 3, 0x5, {0xa1a1a1a1a1a1a1a1ull, IPC_CB_POISON(1), 0xb2}, cap_notification_cap},
        /* a second cap to copy finds no slot: stop there */
        {3, {nb, nb2, ea}, 1, 0x0, {IPC_CB_POISON(0), IPC_CB_POISON(1), IPC_CB_POISON(2)}, cap_notification_cap},
        /* unwrapping goes on after the slot was used */
        {2, {nb, ea}, 2, 0x2, {IPC_CB_POISON(0), 0xa1a1a1a1a1a1a1a1ull, IPC_CB_POISON(2)}, cap_notification_cap},
        /* a cap to another endpoint is copied */
        {1, {other}, 1, 0x0, {IPC_CB_POISON(0), IPC_CB_POISON(1), IPC_CB_POISON(2)}, cap_endpoint_cap},
        /* IRQControl cannot be copied: nothing at all */
        {2, {seL4_CapIRQControl, ea}, 0, 0x0, {IPC_CB_POISON(0), IPC_CB_POISON(1), IPC_CB_POISON(2)}, cap_null_cap},
        {2, {ea, seL4_CapIRQControl}, 1, 0x1, {0xa1a1a1a1a1a1a1a1ull, IPC_CB_POISON(1), IPC_CB_POISON(2)}, cap_null_cap},
    };
    for (int i = 0; i < 8; i++) {
        ipc_op_msg(o, seL4_SysSend, via, 0x20 + i, 2, i);
        set_caps(o, cases[i].n, cases[i].caps[0], cases[i].caps[1], cases[i].caps[2]);
        ipc_run_op(o);
        CHECK_EQ(sr.pc, i + 1);
        CHECK_MSG_CAPS(opr[i], 0x99, 0x20 + i, 2, i, cases[i].want_caps, cases[i].want_unwrapped);
        for (int k = 0; k < 3; k++)
            CHECK_EQ(opr[i]->cb[k], cases[i].badges[k]);
        CHECK_EQ(cap_tag(slot), cases[i].slot_tag);
        cap_delete(slot);
    }
}

/*
 * The sender-waiting path: a blocked sender's caps are looked up again when a receiver
 * takes the message (here the root, with its own receive slot). A cap deleted meanwhile
 * is simply not transferred.
 */
IPC_TEST(ipc_cap_transfer_from_waiting_sender)
{
    static struct thread s;
    static struct ipc_script ss;
    static struct ipc_op *ops[3];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), n = ipc_new_ntfn();
    CHECK(ep && reply && n);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x55), ea = ipc_mint(ep, ALL, 0xea);
    seL4_CPtr nb = ipc_mint(n, R_W | R_R, 0x9), gone = ipc_mint(n, R_W | R_R, 0xa);
    seL4_CPtr slot = alloc_slot();
    struct ipc_op *o = ipc_op_new();
    CHECK(via && ea && nb && gone && slot && o);
    for (int i = 0; i < 3; i++)
        CHECK((ops[i] = op_send(seL4_SysSend, via, 0x30 + i, 6, i)) != NULL);
    set_caps(ops[0], 2, nb, ea, 0);
    set_caps(ops[1], 1, gone, 0, 0);
    set_caps(ops[2], 2, ea, nb, 0);
    TRY(ipc_spawn_ops(&s, &ss, IPC_HI_PRIO, 0, ops, 3));
    seL4_SetCapReceivePath(seL4_CapInitThreadCNode, slot, 64);

    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG_CAPS(o, 0x55, 0x30, 6, 0, 2, 0x2);
    CHECK_EQ(o->cb[1], 0xea);
    CHECK_EQ(cap_tag(slot), cap_notification_cap);
    cap_delete(slot);

    /* The second message is queued now; delete its cap before taking it. */
    CHECK_EQ(ss.pc, 1);
    cap_delete(gone);
    ipc_run_op(o);
    CHECK_MSG_CAPS(o, 0x55, 0x31, 6, 1, 0, 0);
    CHECK_EQ(cap_tag(slot), cap_null_cap);

    ipc_run_op(o);
    CHECK_MSG_CAPS(o, 0x55, 0x32, 6, 2, 2, 0x1);
    CHECK_EQ(o->cb[0], 0xea);
    CHECK_EQ(cap_tag(slot), cap_notification_cap);
}

/*
 * ABI (a): an extra cap that does not resolve makes a blocking Send or Call raise a
 * CapFault on the sender (even over a cap without Grant), and nothing is sent; NBSend
 * drops the message silently.
 */
IPC_TEST(ipc_cap_transfer_unresolvable_extra_cap)
{
    static struct thread r, c[3];
    static struct ipc_script sr, sc[3];
    static struct ipc_op *opr[2], *opc[3][1];
    struct fault_ep f;
    seL4_MessageInfo_t info;
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), slot = alloc_slot();
    CHECK(ep && reply && slot);
    seL4_CPtr grant = ipc_mint(ep, ALL, 0x61), nogrant = ipc_mint(ep, R_W | R_R, 0x62);
    struct ipc_op *o = ipc_op_new();
    CHECK(grant && nogrant && o);
    TRY(fault_ep_create(&f));
    TRY(spawn_cap_receiver(&r, &sr, opr, 2, ep, reply, seL4_CapInitThreadCNode, slot, 64));

    const seL4_Word sys[3] = {seL4_SysSend, seL4_SysCall, seL4_SysSend};
    const seL4_CPtr via[3] = {grant, grant, nogrant};
    for (int i = 0; i < 3; i++) {
        opc[i][0] = op_send(sys[i], via[i], 0x40 + i, 3, i);
        CHECK(opc[i][0] != NULL);
        set_caps(opc[i][0], 2, ep, BOGUS_CPTR + (seL4_Word)i, 0);
        TRY(ipc_spawn_ops(&c[i], &sc[i], IPC_HI_PRIO, f.badged, opc[i], 1));
        TRY(fault_wait(&f, &info, 1));
        CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
        CHECK_MR(seL4_CapFault_Addr, BOGUS_CPTR + (seL4_Word)i);
        CHECK_MR(seL4_CapFault_InRecvPhase, 0);
        CHECK_EQ(sr.pc, 0);
        thread_destroy(&c[i]);
    }

    ipc_op_msg(o, seL4_SysNBSend, grant, 0x50, 3, 10);
    set_caps(o, 1, BOGUS_CPTR, 0, 0);
    ipc_run_op(o);
    CHECK_EQ(sr.pc, 0);
    ipc_op_msg(o, seL4_SysSend, grant, 0x51, 3, 11);
    ipc_run_op(o);
    CHECK_EQ(sr.pc, 1);
    CHECK_MSG(opr[0], 0x61, 0x51, 3, 11);
}

/*
 * Caps in replies: they travel if the reply cap has Grant (a new Reply cap has it; a
 * copy without Grant does not carry caps). No unwrapping in replies: a cap to the
 * endpoint the Call came through is copied.
 */
IPC_TEST(ipc_cap_transfer_in_reply)
{
    static struct thread c[3];
    static struct ipc_script sc[3];
    static struct ipc_op *opc[3][1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), n = ipc_new_ntfn();
    CHECK(ep && reply && n);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x71), nb = ipc_mint(n, R_W | R_R, 0xd);
    seL4_CPtr reply_ng = cap_copy(reply, RIGHTS(R_W | R_R | R_GR));
    seL4_CPtr slots[3] = {alloc_slot(), alloc_slot(), alloc_slot()};
    struct ipc_op *o = ipc_op_new();
    CHECK(via && nb && reply_ng && slots[0] && slots[1] && slots[2] && o);

    const struct {
        seL4_CPtr reply_cap, cap;
        seL4_Word want_caps, tag;
    } cases[3] = {
        {reply, nb, 1, cap_notification_cap},
        {reply_ng, nb, 0, cap_null_cap},
        {reply, via, 1, cap_endpoint_cap},
    };
    for (int i = 0; i < 3; i++) {
        opc[i][0] = op_send(seL4_SysCall, via, 0x80 + i, 1, i);
        CHECK(opc[i][0] != NULL);
        sc[i] = (struct ipc_script){.ops = opc[i], .nops = 1, .set_recv_path = true,
                                    .recv_cnode = seL4_CapInitThreadCNode,
                                    .recv_index = slots[i], .recv_depth = 64};
        TRY(ipc_spawn(&c[i], &sc[i], IPC_HI_PRIO, 0));
        /* Receiving works through either reply cap. */
        ipc_op_recv(o, seL4_SysRecv, ep, i == 1 ? reply_ng : reply);
        ipc_run_op(o);
        CHECK_MSG(o, 0x71, 0x80 + i, 1, i);
        ipc_op_msg(o, seL4_SysSend, cases[i].reply_cap, 0x90 + i, 2, 10 + i);
        set_caps(o, 1, cases[i].cap, 0, 0);
        ipc_run_op(o);
        CHECK_EQ(sc[i].pc, 1);
        CHECK_MSG_CAPS(opc[i][0], 0, 0x90 + i, 2, 10 + i, cases[i].want_caps, 0);
        CHECK_EQ(cap_tag(slots[i]), cases[i].tag);
    }
}

/*
 * The reply path of a Call needs Grant or GrantReply on the caller's endpoint cap
 * (ABI (a)). GrantReply alone: the reply arrives (and may carry caps: the reply cap has
 * Grant) but the call's own caps are not transferred. Neither: the caller is left
 * Inactive and the reply object stays unused.
 */
IPC_TEST(ipc_grant_reply_rights)
{
    static struct thread c[3];
    static struct ipc_script sc[3];
    static struct ipc_op *opc[3][1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), n = ipc_new_ntfn();
    CHECK(ep && reply && n);
    seL4_CPtr nb = ipc_mint(n, R_W | R_R, 0xe), root_slot = alloc_slot();
    seL4_CPtr slots[3] = {alloc_slot(), alloc_slot(), alloc_slot()};
    struct ipc_op *o = ipc_op_new();
    CHECK(nb && root_slot && slots[0] && slots[1] && slots[2] && o);
    seL4_SetCapReceivePath(seL4_CapInitThreadCNode, root_slot, 64);

    const struct {
        seL4_Word rights;
        seL4_Word call_caps; /* caps of the call the root receives */
        bool replied;
    } cases[3] = {
        {R_W | R_GR, 0, true},
        {R_W | R_G, 1, true},
        {R_W | R_R, 0, false},
    };
    for (int i = 0; i < 3; i++) {
        seL4_CPtr via = ipc_mint(ep, cases[i].rights, 0x100 + i);
        CHECK(via != 0);
        opc[i][0] = op_send(seL4_SysCall, via, 0xa0 + i, 2, i);
        CHECK(opc[i][0] != NULL);
        set_caps(opc[i][0], 1, nb, 0, 0);
        sc[i] = (struct ipc_script){.ops = opc[i], .nops = 1, .set_recv_path = true,
                                    .recv_cnode = seL4_CapInitThreadCNode,
                                    .recv_index = slots[i], .recv_depth = 64};
        TRY(ipc_spawn(&c[i], &sc[i], IPC_HI_PRIO, 0));
        ipc_op_recv(o, seL4_SysRecv, ep, reply);
        ipc_run_op(o);
        CHECK_MSG_CAPS(o, 0x100 + i, 0xa0 + i, 2, i, cases[i].call_caps, 0);
        CHECK_EQ(cap_tag(root_slot), cases[i].call_caps ? cap_notification_cap : cap_null_cap);
        cap_delete(root_slot);

        ipc_op_msg(o, seL4_SysSend, reply, 0xb0 + i, 3, 10 + i);
        set_caps(o, 1, nb, 0, 0);
        ipc_run_op(o);
        CHECK_REGS_KEPT(o);
        if (cases[i].replied) {
            CHECK_EQ(sc[i].pc, 1);
            CHECK_MSG_CAPS(opc[i][0], 0, 0xb0 + i, 3, 10 + i, 1, 0);
            CHECK_EQ(cap_tag(slots[i]), cap_notification_cap);
        } else {
            CHECK_EQ(sc[i].pc, 0);
            CHECK_EQ(cap_tag(slots[i]), cap_null_cap);
            /* Nobody waits on the reply object: Call on it is an empty success. */
            ipc_op_msg(o, seL4_SysCall, reply, 0xc0, 2, 20);
            ipc_run_op(o);
            CHECK_EQ(o->out[0], 0);
            CHECK_EQ(o->out[1], 0);
            CHECK_EQ(sc[i].pc, 0);
        }
    }

    /* The same with the server waiting first (the call meets a waiting receiver). */
    static struct thread s2[3], c2[3];
    static struct ipc_script ss2[3], sc2[3];
    static struct ipc_op *ops2[3][1], *opc2[3][1];
    for (int i = 0; i < 3; i++) {
        seL4_CPtr via = ipc_mint(ep, cases[i].rights, 0x200 + i), rs = ipc_new_reply();
        seL4_CPtr slot = alloc_slot();
        CHECK(via && rs && slot);
        ops2[i][0] = op_recv(seL4_SysRecv, ep, rs);
        CHECK(ops2[i][0] != NULL);
        ss2[i] = (struct ipc_script){.ops = ops2[i], .nops = 1, .set_recv_path = true,
                                     .recv_cnode = seL4_CapInitThreadCNode, .recv_index = slot,
                                     .recv_depth = 64};
        TRY(ipc_spawn(&s2[i], &ss2[i], IPC_HI_PRIO, 0));
        opc2[i][0] = op_send(seL4_SysCall, via, 0xd0 + i, 2, 30 + i);
        CHECK(opc2[i][0] != NULL);
        set_caps(opc2[i][0], 1, nb, 0, 0);
        TRY(ipc_spawn_ops(&c2[i], &sc2[i], IPC_HI_PRIO, 0, opc2[i], 1));
        CHECK_EQ(ss2[i].pc, 1);
        CHECK_MSG_CAPS(ops2[i][0], 0x200 + i, 0xd0 + i, 2, 30 + i, cases[i].call_caps, 0);
        CHECK_EQ(cap_tag(slot), cases[i].call_caps ? cap_notification_cap : cap_null_cap);
        CHECK_EQ(sc2[i].pc, 0);
        ipc_op_msg(o, seL4_SysSend, rs, 0xe0 + i, 1, 40 + i);
        ipc_run_op(o);
        CHECK_EQ(sc2[i].pc, cases[i].replied ? 1 : 0);
        if (cases[i].replied)
            CHECK_MSG(opc2[i][0], 0, 0xe0 + i, 1, 40 + i);
        thread_destroy(&s2[i]);
        thread_destroy(&c2[i]);
    }
}

/* ---- reply objects -------------------------------------------------------------------------- */

/*
 * One outstanding call per reply object (ABI (k)): receiving again with a reply object
 * whose caller has not been answered aborts that caller (it becomes Inactive and is
 * never answered); even an NBRecv that finds nothing does so. The newer caller gets the
 * reply.
 */
IPC_TEST(ipc_reply_object_reuse_aborts_caller)
{
    static struct thread a, b, c;
    static struct ipc_script sa, sb, sc;
    static struct ipc_op *opa[1], *opb[1], *opc[1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), reply2 = ipc_new_reply();
    CHECK(ep && reply && reply2);
    seL4_CPtr via = ipc_mint(ep, ALL, 0xd1);
    struct ipc_op *o = ipc_op_new();
    CHECK(via && o);

    opa[0] = op_send(seL4_SysCall, via, 0xa, 2, 1);
    TRY(ipc_spawn_ops(&a, &sa, IPC_HI_PRIO, 0, opa, 1));
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0xd1, 0xa, 2, 1);

    opb[0] = op_send(seL4_SysCall, via, 0xb, 3, 2);
    TRY(ipc_spawn_ops(&b, &sb, IPC_HI_PRIO, 0, opb, 1));
    ipc_run_op(o); /* Recv with the same reply object: A's call is aborted */
    CHECK_MSG(o, 0xd1, 0xb, 3, 2);
    CHECK_INVARIANTS();
    ipc_op_msg(o, seL4_SysSend, reply, 0x1b, 4, 3);
    ipc_run_op(o);
    CHECK_EQ(sb.pc, 1);
    CHECK_MSG(opb[0], 0, 0x1b, 4, 3);
    CHECK_EQ(sa.pc, 0);

    /* A is Inactive: Resume makes it call again, and this time it is answered. */
    CHECK_OK(seL4_TCB_Resume(a.tcb));
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0xd1, 0xa, 2, 1);
    ipc_op_msg(o, seL4_SysSend, reply, 0x1a, 5, 4);
    ipc_run_op(o);
    CHECK_EQ(sa.pc, 1);
    CHECK_MSG(opa[0], 0, 0x1a, 5, 4);

    /* An NBRecv that finds nothing still takes the reply object away from C. */
    opc[0] = op_send(seL4_SysCall, via, 0xc, 1, 5);
    TRY(ipc_spawn_ops(&c, &sc, IPC_HI_PRIO, 0, opc, 1));
    ipc_op_recv(o, seL4_SysRecv, ep, reply2);
    ipc_run_op(o);
    CHECK_MSG(o, 0xd1, 0xc, 1, 5);
    ipc_op_recv(o, seL4_SysNBRecv, ep, reply2);
    ipc_run_op(o);
    CHECK_NOTHING(o);
    ipc_op_msg(o, seL4_SysSend, reply2, 0x1c, 1, 6);
    ipc_run_op(o);
    CHECK_EQ(sc.pc, 0);
}

/*
 * A reply object also names at most one waiting receiver: a second thread receiving
 * with it aborts the first one's receive (Inactive, off the endpoint queue).
 */
IPC_TEST(ipc_reply_object_two_receivers)
{
    static struct thread s1, s2;
    static struct ipc_script ss1, ss2;
    static struct ipc_op *ops1[1], *ops2[1];
    seL4_CPtr ep1 = ipc_new_ep(), ep2 = ipc_new_ep(), reply = ipc_new_reply();
    CHECK(ep1 && ep2 && reply);
    seL4_CPtr b1 = ipc_mint(ep1, ALL, 0xe1), b2 = ipc_mint(ep2, ALL, 0xe2);
    struct ipc_op *o = ipc_op_new();
    CHECK(b1 && b2 && o);

    ops1[0] = op_recv(seL4_SysRecv, ep1, reply);
    TRY(ipc_spawn_ops(&s1, &ss1, IPC_HI_PRIO, 0, ops1, 1));
    ops2[0] = op_recv(seL4_SysRecv, ep2, reply);
    TRY(ipc_spawn_ops(&s2, &ss2, IPC_HI_PRIO, 0, ops2, 1));
    CHECK_INVARIANTS();
    ipc_op_msg(o, seL4_SysNBSend, b1, 0x1, 1, 1);
    ipc_run_op(o);
    CHECK_EQ(ss1.pc, 0); /* nobody was waiting on ep1 any more */
    ipc_op_msg(o, seL4_SysSend, b2, 0x2, 2, 2);
    ipc_run_op(o);
    CHECK_EQ(ss2.pc, 1);
    CHECK_MSG(ops2[0], 0xe2, 0x2, 2, 2);

    /* S1 was Inactive: resumed, it receives again (the reply object is free now). */
    CHECK_OK(seL4_TCB_Resume(s1.tcb));
    CHECK_EQ(ss1.pc, 0);
    ipc_op_msg(o, seL4_SysSend, b1, 0x3, 3, 3);
    ipc_run_op(o);
    CHECK_EQ(ss1.pc, 1);
    CHECK_MSG(ops1[0], 0xe1, 0x3, 3, 3);
}

/*
 * Replying twice: the second reply finds nobody and does nothing; ReplyRecv with an
 * unused reply object just receives; Call on an unused reply cap gets an empty reply.
 */
IPC_TEST(ipc_reply_twice_and_unused)
{
    static struct thread c, s;
    static struct ipc_script sc, ss;
    static struct ipc_op *opc[2], *ops_[1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply();
    CHECK(ep && reply);
    seL4_CPtr via = ipc_mint(ep, ALL, 0xf1);
    struct ipc_op *o = ipc_op_new();
    CHECK(via && o);

    opc[0] = op_send(seL4_SysCall, via, 0x1, 1, 1);
    opc[1] = op_send(seL4_SysCall, via, 0x2, 2, 2);
    TRY(ipc_spawn_ops(&c, &sc, IPC_HI_PRIO, 0, opc, 2));
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0xf1, 0x1, 1, 1);
    ipc_op_msg(o, seL4_SysSend, reply, 0x11, 1, 11);
    ipc_run_op(o);
    CHECK_EQ(sc.pc, 1);
    CHECK_MSG(opc[0], 0, 0x11, 1, 11);
    /* C is now blocked in its second Call, still unanswered (not received yet). */
    ipc_op_msg(o, seL4_SysSend, reply, 0x12, 1, 12);
    ipc_run_op(o);
    CHECK_EQ(sc.pc, 1);
    ipc_op_msg(o, seL4_SysCall, reply, 0x13, 1, 13);
    ipc_run_op(o);
    CHECK_EQ(o->out[0], 0);
    CHECK_EQ(o->out[1], 0);

    /* ReplyRecv: nobody to answer, the receive takes C's second call. */
    ipc_op_msg(o, seL4_SysReplyRecv, ep, 0x14, 1, 14);
    o->x6 = reply;
    ipc_run_op(o);
    CHECK_MSG(o, 0xf1, 0x2, 2, 2);
    CHECK_EQ(sc.pc, 1);
    ops_[0] = op_send(seL4_SysSend, via, 0x3, 3, 3);
    TRY(ipc_spawn_ops(&s, &ss, IPC_HI_PRIO, 0, ops_, 1));
    /* ReplyRecv answers C, then receives S's message (S is waiting). */
    ipc_op_msg(o, seL4_SysReplyRecv, ep, 0x15, 2, 15);
    o->x6 = reply;
    ipc_run_op(o);
    CHECK_EQ(sc.pc, 2);
    CHECK_MSG(opc[1], 0, 0x15, 2, 15);
    CHECK_MSG(o, 0xf1, 0x3, 3, 3);
    CHECK_EQ(ss.pc, 1);
}

/* ---- deleting objects in the middle of an IPC ------------------------------------------------- */

/* Collect `n` CapFaults on f (any order); each must match one of want_addr/want_recv. */
static int collect_cap_faults(struct fault_ep *f, unsigned n, const seL4_Word *want_addr,
                              const seL4_Word *want_recv)
{
    bool seen[8] = {false};
    for (unsigned k = 0; k < n; k++) {
        seL4_MessageInfo_t info;
        TRY_R(fault_wait(f, &info, 1), -1);
        CHECK_EQ_R(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault, -1);
        unsigned i;
        for (i = 0; i < n; i++) {
            if (!seen[i] && seL4_GetMR(seL4_CapFault_Addr) == want_addr[i] &&
                seL4_GetMR(seL4_CapFault_InRecvPhase) == want_recv[i])
                break;
        }
        if (i == n)
            FAIL_R(-1, "unexpected CapFault: addr 0x%llx, receive phase %llu",
                   (unsigned long long)seL4_GetMR(seL4_CapFault_Addr),
                   (unsigned long long)seL4_GetMR(seL4_CapFault_InRecvPhase));
        seen[i] = true;
    }
    seL4_MessageInfo_t info;
    if (fault_poll(f, &info, 1) == 0)
        FAIL_R(-1, "one fault too many: label %llu, addr 0x%llx",
               (unsigned long long)seL4_MessageInfo_get_label(info),
               (unsigned long long)seL4_GetMR(seL4_CapFault_Addr));
    return 0;
}

/*
 * Deleting an endpoint with queued threads: waiting senders, callers and receivers
 * restart their syscall (and then find the slot empty); a thread that was delivering a
 * fault becomes Inactive (the fault is lost). The reply objects of cancelled receivers
 * are free again.
 */
IPC_TEST(ipc_delete_endpoint_with_waiters)
{
    static struct thread a, b, c, d, e;
    static struct ipc_script sa, sb, sc, sd, se;
    static struct ipc_op *opa[1], *opb[1], *opc[1], *opd[1], *ope[1];
    struct fault_ep f;
    seL4_CPtr ep = ipc_new_ep(), ep2 = ipc_new_ep(), ep3 = ipc_new_ep(), reply_d = ipc_new_reply();
    CHECK(ep && ep2 && ep3 && reply_d);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x101), via2 = ipc_mint(ep2, ALL, 0x102);
    seL4_CPtr handler = ipc_mint(ep, ALL, 0x1fa);
    struct ipc_op *o = ipc_op_new();
    CHECK(via && via2 && handler && o);
    TRY(fault_ep_create(&f));

    /* G's call was received already: it waits on a reply object, not on ep. */
    static struct thread g;
    static struct ipc_script sg;
    static struct ipc_op *opg[1];
    seL4_CPtr reply_g = ipc_new_reply();
    CHECK(reply_g != 0);
    opg[0] = op_send(seL4_SysCall, via, 0x7, 2, 7);
    TRY(ipc_spawn_ops(&g, &sg, IPC_HI_PRIO, f.badged, opg, 1));
    ipc_op_recv(o, seL4_SysRecv, ep, reply_g);
    ipc_run_op(o);
    CHECK_MSG(o, 0x101, 0x7, 2, 7);

    opa[0] = op_send(seL4_SysSend, via, 0x1, 1, 1);
    TRY(ipc_spawn_ops(&a, &sa, IPC_HI_PRIO, f.badged, opa, 1));
    opb[0] = op_send(seL4_SysCall, via, 0x2, 2, 2);
    TRY(ipc_spawn_ops(&b, &sb, IPC_HI_PRIO, f.badged, opb, 1));
    /* C faults (Send on a cptr that does not resolve) to a handler on ep. */
    opc[0] = op_send(seL4_SysSend, BOGUS_CPTR, 0x3, 0, 3);
    TRY(ipc_spawn_ops(&c, &sc, IPC_HI_PRIO, handler, opc, 1));
    /* Now point C's fault handler at f: if C were restarted, f would see its fault. */
    CHECK_OK(seL4_TCB_SetSpace(c.tcb, f.badged, seL4_CapInitThreadCNode, 0,
                               seL4_CapInitThreadVSpace, 0));

    opd[0] = op_recv(seL4_SysRecv, ep2, reply_d);
    TRY(ipc_spawn_ops(&d, &sd, IPC_HI_PRIO, f.badged, opd, 1));
    ope[0] = op_recv(seL4_SysWait, ep2, 0);
    TRY(ipc_spawn_ops(&e, &se, IPC_HI_PRIO, f.badged, ope, 1));
    CHECK_INVARIANTS();

    /* Delete every cap to ep (the badged copies are its CDT children), then ep2. */
    CHECK_OK(seL4_CNode_Revoke(seL4_CapInitThreadCNode, ep, 64));
    DELETE(ep);
    CHECK_INVARIANTS();
    CHECK_OK(seL4_CNode_Revoke(seL4_CapInitThreadCNode, ep2, 64));
    DELETE(ep2);
    CHECK_INVARIANTS();

    /* The receivers fault on the empty slot (a receive needs an endpoint cap). */
    const seL4_Word addr[2] = {ep2, ep2};
    const seL4_Word recv[2] = {1, 1};
    TRY(collect_cap_faults(&f, 2, addr, recv));
    CHECK(sd.pc == 0 && se.pc == 0);
    /* The senders re-sent on the empty slot: that is an invocation of a null cap
     * (InvalidCapability 0, dropped for Send, the reply for Call). */
    CHECK_EQ(sa.pc, 1);
    CHECK_EQ(sb.pc, 1);
    CHECK_EQ(opb[0]->out[0], 0);
    CHECK_EQ(op_label(opb[0]), seL4_InvalidCapability);
    CHECK_EQ(op_len(opb[0]), 1);
    CHECK_EQ(opb[0]->mr[0], 0);
    /* C, which was delivering a fault, is Inactive: no fault to f, no progress. */
    CHECK_EQ(sc.pc, 0);
    /* G still waits for its reply, which still reaches it. */
    CHECK_EQ(sg.pc, 0);
    ipc_op_msg(o, seL4_SysSend, reply_g, 0x17, 3, 17);
    ipc_run_op(o);
    CHECK_EQ(sg.pc, 1);
    CHECK_MSG(opg[0], 0, 0x17, 3, 17);

    /* D's reply object is no longer linked to D: using it disturbs nobody. */
    ipc_op_recv(o, seL4_SysNBRecv, ep3, reply_d);
    ipc_run_op(o);
    CHECK_NOTHING(o);
    CHECK_INVARIANTS();
}

/*
 * CNode_CancelBadgedSends: senders with exactly that badge restart (and, still having
 * their caps, queue again at the back); others, and receivers, are untouched. An
 * unbadged cap cancels nothing; a cap without all rights is refused.
 */
IPC_TEST(ipc_cancel_badged_sends)
{
    static struct thread s[5], r;
    static struct ipc_script ss[5], sr;
    static struct ipc_op *ops_[5][1], *opr[1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), reply_r = ipc_new_reply();
    CHECK(ep && reply && reply_r);
    seL4_CPtr ba = ipc_mint(ep, ALL, 0xa), bb = ipc_mint(ep, ALL, 0xb), baa = ipc_mint(ep, ALL, 0xaa);
    seL4_CPtr weak = ipc_mint(ep, R_W | R_R | R_G, 0xa);
    struct ipc_op *o = ipc_op_new();
    CHECK(ba && bb && baa && weak && o);

    const seL4_CPtr via[5] = {ba, bb, ba, baa, bb};
    const seL4_Word sys[5] = {seL4_SysSend, seL4_SysSend, seL4_SysCall, seL4_SysSend, seL4_SysCall};
    for (int i = 0; i < 5; i++) {
        ops_[i][0] = op_send(sys[i], via[i], 0x10 + i, 1, i);
        TRY(ipc_spawn_ops(&s[i], &ss[i], IPC_HI_PRIO, 0, ops_[i], 1));
    }
    /* F's fault message waits on ep with badge 0xa too: cancelled, F is left Inactive. */
    static struct thread fth;
    static struct ipc_script sf;
    static struct ipc_op *opf[1];
    opf[0] = op_send(seL4_SysSend, BOGUS_CPTR, 0x1f, 0, 0);
    TRY(ipc_spawn_ops(&fth, &sf, IPC_HI_PRIO, ba, opf, 1));
    CHECK_ERR(seL4_CNode_CancelBadgedSends(seL4_CapInitThreadCNode, weak, 64), seL4_IllegalOperation);
    CHECK_OK(seL4_CNode_CancelBadgedSends(seL4_CapInitThreadCNode, ep, 64)); /* unbadged */
    CHECK_OK(seL4_CNode_CancelBadgedSends(seL4_CapInitThreadCNode, ba, 64));
    CHECK_INVARIANTS();

    /* Queue was 0(a) 1(b) 2(a) 3(aa) 4(b); 0 and 2 went to the back (in the order the
     * scheduler ran them again, which this test does not prescribe). */
    const int order[5] = {1, 3, 4, -1, -1};
    const seL4_Word badge[5] = {0xa, 0xb, 0xa, 0xaa, 0xb};
    bool served[5] = {false};
    for (int k = 0; k < 5; k++) {
        ipc_op_recv(o, seL4_SysRecv, ep, reply);
        ipc_run_op(o);
        int i = order[k] >= 0 ? order[k] : (int)(op_label(o) - 0x10);
        if (order[k] < 0)
            CHECK(i == 0 || i == 2);
        CHECK(!served[i]);
        served[i] = true;
        CHECK_MSG(o, badge[i], 0x10 + i, 1, i);
        if (sys[i] == (seL4_Word)seL4_SysCall) {
            ipc_op_msg(o, seL4_SysSend, reply, 0x20 + i, 0, 0);
            ipc_run_op(o);
        }
        CHECK_EQ(ss[i].pc, 1);
    }
    /* F did not fault again: nothing more is queued. */
    ipc_op_recv(o, seL4_SysNBRecv, ep, reply);
    ipc_run_op(o);
    CHECK_NOTHING(o);
    CHECK_EQ(sf.pc, 0);

    /* With receivers queued, nothing happens to them. */
    opr[0] = op_recv(seL4_SysRecv, ep, reply_r);
    TRY(ipc_spawn_ops(&r, &sr, IPC_HI_PRIO, 0, opr, 1));
    CHECK_OK(seL4_CNode_CancelBadgedSends(seL4_CapInitThreadCNode, ba, 64));
    CHECK_EQ(sr.pc, 0);
    ipc_op_msg(o, seL4_SysSend, ba, 0x30, 2, 30);
    ipc_run_op(o);
    CHECK_EQ(sr.pc, 1);
    CHECK_MSG(opr[0], 0xa, 0x30, 2, 30);
}

/*
 * Deleting a TCB in the middle of an IPC: a queued sender or receiver leaves the queue
 * (the others are served in order); a caller waiting for its reply leaves the reply
 * object unused; a server that holds a call leaves the caller waiting, and whoever holds
 * the reply cap can still answer.
 */
IPC_TEST(ipc_delete_tcb_mid_ipc)
{
    static struct thread s[3], r[2], c, d, srv, c2;
    static struct ipc_script ss[3], sr[2], sc, sd, ssrv, sc2;
    static struct ipc_op *ops_[3][1], *opr[2][1], *opc[1], *opd[1], *opsrv[2], *opc2[1];
    seL4_CPtr ep = ipc_new_ep(), ep2 = ipc_new_ep(), ep4 = ipc_new_ep(), n = ipc_new_ntfn();
    seL4_CPtr reply = ipc_new_reply(), reply_a = ipc_new_reply(), reply_b = ipc_new_reply();
    seL4_CPtr reply_s = ipc_new_reply();
    CHECK(ep && ep2 && ep4 && n && reply && reply_a && reply_b && reply_s);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x111), via2 = ipc_mint(ep2, ALL, 0x112);
    seL4_CPtr via4 = ipc_mint(ep4, ALL, 0x114);
    struct ipc_op *o = ipc_op_new();
    CHECK(via && via2 && via4 && o);

    /* Senders 0, 1, 2 queued; 1 is deleted. */
    for (int i = 0; i < 3; i++) {
        ops_[i][0] = op_send(seL4_SysSend, via, 0x10 + i, 2, i);
        TRY(ipc_spawn_ops(&s[i], &ss[i], IPC_HI_PRIO, 0, ops_[i], 1));
    }
    thread_destroy(&s[1]);
    CHECK_INVARIANTS();
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0x111, 0x10, 2, 0);
    ipc_run_op(o);
    CHECK_MSG(o, 0x111, 0x12, 2, 2);
    ipc_op_recv(o, seL4_SysNBRecv, ep, reply);
    ipc_run_op(o);
    CHECK_NOTHING(o);

    /* Receivers 0 and 1 queued; 0 is deleted and its reply object is free. */
    opr[0][0] = op_recv(seL4_SysRecv, ep2, reply_a);
    opr[1][0] = op_recv(seL4_SysRecv, ep2, reply_b);
    TRY(ipc_spawn_ops(&r[0], &sr[0], IPC_HI_PRIO, 0, opr[0], 1));
    TRY(ipc_spawn_ops(&r[1], &sr[1], IPC_HI_PRIO, 0, opr[1], 1));
    thread_destroy(&r[0]);
    CHECK_INVARIANTS();
    ipc_op_msg(o, seL4_SysSend, via2, 0x20, 3, 20);
    ipc_run_op(o);
    CHECK_EQ(sr[1].pc, 1);
    CHECK_MSG(opr[1][0], 0x112, 0x20, 3, 20);
    ipc_op_recv(o, seL4_SysNBRecv, ep2, reply_a);
    ipc_run_op(o);
    CHECK_NOTHING(o);

    /* A caller waiting for its reply is deleted: the reply finds nobody; the reply
     * object serves the next caller. */
    opc[0] = op_send(seL4_SysCall, via, 0x30, 1, 30);
    TRY(ipc_spawn_ops(&c, &sc, IPC_HI_PRIO, 0, opc, 1));
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0x111, 0x30, 1, 30);
    thread_destroy(&c);
    CHECK_INVARIANTS();
    ipc_op_msg(o, seL4_SysSend, reply, 0x31, 1, 31);
    ipc_run_op(o);
    CHECK_REGS_KEPT(o);
    opd[0] = op_send(seL4_SysCall, via, 0x32, 1, 32);
    TRY(ipc_spawn_ops(&d, &sd, IPC_HI_PRIO, 0, opd, 1));
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0x111, 0x32, 1, 32);
    ipc_op_msg(o, seL4_SysSend, reply, 0x33, 2, 33);
    ipc_run_op(o);
    CHECK_EQ(sd.pc, 1);
    CHECK_MSG(opd[0], 0, 0x33, 2, 33);

    /* A server holding a call (it waits on a notification) is deleted. */
    opsrv[0] = op_recv(seL4_SysRecv, ep4, reply_s);
    opsrv[1] = op_recv(seL4_SysWait, n, 0);
    TRY(ipc_spawn_ops(&srv, &ssrv, IPC_HI_PRIO, 0, opsrv, 2));
    opc2[0] = op_send(seL4_SysCall, via4, 0x40, 4, 40);
    TRY(ipc_spawn_ops(&c2, &sc2, IPC_HI_PRIO, 0, opc2, 1));
    CHECK_EQ(ssrv.pc, 1);
    CHECK_MSG(opsrv[0], 0x114, 0x40, 4, 40);
    thread_destroy(&srv);
    CHECK_INVARIANTS();
    CHECK_EQ(sc2.pc, 0);
    ipc_op_msg(o, seL4_SysSend, reply_s, 0x41, 5, 41);
    ipc_run_op(o);
    CHECK_EQ(sc2.pc, 1);
    CHECK_MSG(opc2[0], 0, 0x41, 5, 41);
}

/*
 * Deleting a reply object: a caller waiting on it becomes Inactive (Resume makes it call
 * again); a server waiting in Recv with it has its receive aborted (resumed, it faults
 * on the empty reply slot).
 */
IPC_TEST(ipc_delete_reply_object)
{
    static struct thread a, s;
    static struct ipc_script sa, ss;
    static struct ipc_op *opa[1], *ops_[1];
    struct fault_ep f;
    seL4_MessageInfo_t info;
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), reply2 = ipc_new_reply();
    seL4_CPtr reply3 = ipc_new_reply();
    CHECK(ep && reply && reply2 && reply3);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x121);
    struct ipc_op *o = ipc_op_new();
    CHECK(via && o);
    TRY(fault_ep_create(&f));

    opa[0] = op_send(seL4_SysCall, via, 0x1, 3, 1);
    TRY(ipc_spawn_ops(&a, &sa, IPC_HI_PRIO, 0, opa, 1));
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0x121, 0x1, 3, 1);
    DELETE(reply);
    CHECK_INVARIANTS();
    CHECK_EQ(sa.pc, 0);
    CHECK_OK(seL4_TCB_Resume(a.tcb));
    ipc_op_recv(o, seL4_SysRecv, ep, reply2);
    ipc_run_op(o);
    CHECK_MSG(o, 0x121, 0x1, 3, 1);
    ipc_op_msg(o, seL4_SysSend, reply2, 0x2, 1, 2);
    ipc_run_op(o);
    CHECK_EQ(sa.pc, 1);
    CHECK_MSG(opa[0], 0, 0x2, 1, 2);

    ops_[0] = op_recv(seL4_SysRecv, ep, reply3);
    TRY(ipc_spawn_ops(&s, &ss, IPC_HI_PRIO, f.badged, ops_, 1));
    DELETE(reply3);
    CHECK_INVARIANTS();
    ipc_op_msg(o, seL4_SysNBSend, via, 0x3, 1, 3);
    ipc_run_op(o);
    CHECK_EQ(ss.pc, 0);
    CHECK_EQ(fault_poll(&f, &info, 1), 1);
    CHECK_OK(seL4_TCB_Resume(s.tcb));
    TRY(fault_wait(&f, &info, 1));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    CHECK_MR(seL4_CapFault_Addr, reply3);
    CHECK_MR(seL4_CapFault_InRecvPhase, 1);
}

/*
 * Suspending a thread in the middle of an IPC cancels the IPC as deleting it would (a
 * queued sender or receiver leaves the queue, a caller leaves its reply object);
 * Resume makes it redo its syscall. Deleting one of two caps to a reply object
 * changes nothing.
 */
IPC_TEST(ipc_suspend_resume_mid_ipc)
{
    static struct thread snd, c, rv;
    static struct ipc_script ssnd, sc, srv;
    static struct ipc_op *opsnd[1], *opc[1], *oprv[1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), reply2 = ipc_new_reply();
    CHECK(ep && reply && reply2);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x131), reply_copy = cap_copy(reply, seL4_AllRights);
    struct ipc_op *o = ipc_op_new();
    CHECK(via && reply_copy && o);

    opsnd[0] = op_send(seL4_SysSend, via, 0x1, 2, 1);
    TRY(ipc_spawn_ops(&snd, &ssnd, IPC_HI_PRIO, 0, opsnd, 1));
    CHECK_OK(seL4_TCB_Suspend(snd.tcb));
    CHECK_INVARIANTS();
    ipc_op_recv(o, seL4_SysNBRecv, ep, reply);
    ipc_run_op(o);
    CHECK_NOTHING(o);
    CHECK_OK(seL4_TCB_Resume(snd.tcb));
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0x131, 0x1, 2, 1);
    CHECK_EQ(ssnd.pc, 1);

    opc[0] = op_send(seL4_SysCall, via, 0x2, 3, 2);
    TRY(ipc_spawn_ops(&c, &sc, IPC_HI_PRIO, 0, opc, 1));
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0x131, 0x2, 3, 2);
    DELETE(reply_copy); /* not the last cap: the call is still answerable */
    CHECK_OK(seL4_TCB_Suspend(c.tcb));
    CHECK_INVARIANTS();
    ipc_op_msg(o, seL4_SysSend, reply, 0x3, 1, 3);
    ipc_run_op(o);
    CHECK_EQ(sc.pc, 0);
    CHECK_OK(seL4_TCB_Resume(c.tcb));
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0x131, 0x2, 3, 2);
    ipc_op_msg(o, seL4_SysSend, reply, 0x4, 4, 4);
    ipc_run_op(o);
    CHECK_EQ(sc.pc, 1);
    CHECK_MSG(opc[0], 0, 0x4, 4, 4);

    oprv[0] = op_recv(seL4_SysRecv, ep, reply2);
    TRY(ipc_spawn_ops(&rv, &srv, IPC_HI_PRIO, 0, oprv, 1));
    CHECK_OK(seL4_TCB_Suspend(rv.tcb));
    CHECK_INVARIANTS();
    ipc_op_msg(o, seL4_SysNBSend, via, 0x5, 1, 5);
    ipc_run_op(o);
    CHECK_EQ(srv.pc, 0);
    CHECK_OK(seL4_TCB_Resume(rv.tcb));
    ipc_op_msg(o, seL4_SysSend, via, 0x6, 1, 6);
    ipc_run_op(o);
    CHECK_EQ(srv.pc, 1);
    CHECK_MSG(oprv[0], 0x131, 0x6, 1, 6);
}

/*
 * Who runs after an IPC wakes a thread: a partner of lower or equal priority is made
 * ready but the waker goes on (MCS: equal priority queues behind the running thread);
 * one of higher priority runs at once. A blocking root lets lower threads run.
 */
IPC_TEST(ipc_wakeup_priority)
{
    static struct thread lo, eq, srv, snd, c;
    static struct ipc_script slo, seq, ssrv, ssnd, sc;
    static struct ipc_op *oplo[1], *opeq[1], *opsrv[2], *opsnd[1], *opc[1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), r1 = ipc_new_reply();
    seL4_CPtr r2 = ipc_new_reply(), r3 = ipc_new_reply();
    CHECK(ep && reply && r1 && r2 && r3);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x151);
    struct ipc_op *o = ipc_op_new();
    CHECK(via && o);

    /* Lower and equal priority receivers: the root's Send returns first. */
    oplo[0] = op_recv(seL4_SysRecv, ep, r1);
    TRY(ipc_create(&lo, IPC_LO_PRIO, 0));
    slo = (struct ipc_script){.ops = oplo, .nops = 1};
    CHECK(oplo[0] != NULL);
    TRY(ipc_start(&lo, &slo));
    seL4_Yield(); /* it runs and blocks in Recv */
    CHECK_EQ(slo.pc, 0);
    ipc_op_msg(o, seL4_SysSend, via, 0x1, 5, 1);
    ipc_run_op(o);
    CHECK_EQ(slo.pc, 0);
    TRY(ipc_yield_until(&slo.pc, 1, 20));
    CHECK_MSG(oplo[0], 0x151, 0x1, 5, 1);

    opeq[0] = op_recv(seL4_SysRecv, ep, r2);
    TRY(ipc_create(&eq, IPC_ROOT_PRIO, 0));
    seq = (struct ipc_script){.ops = opeq, .nops = 1};
    CHECK(opeq[0] != NULL);
    TRY(ipc_start(&eq, &seq));
    seL4_Yield();
    CHECK_EQ(seq.pc, 0);
    ipc_op_msg(o, seL4_SysSend, via, 0x2, 6, 2);
    ipc_run_op(o);
    CHECK_EQ(seq.pc, 0);
    TRY(ipc_yield_until(&seq.pc, 1, 20));
    CHECK_MSG(opeq[0], 0x151, 0x2, 6, 2);

    /* The root calls a lower-priority server: it runs while the root waits, and its
     * reply lets the root run again at once. */
    opsrv[0] = op_recv(seL4_SysRecv, ep, r3);
    opsrv[1] = op_replyrecv(ep, r3, 0x3, 7, 3);
    CHECK(opsrv[0] && opsrv[1]);
    TRY(ipc_create(&srv, IPC_LO_PRIO, 0));
    ssrv = (struct ipc_script){.ops = opsrv, .nops = 2};
    TRY(ipc_start(&srv, &ssrv));
    seL4_Yield();
    CHECK_EQ(ssrv.pc, 0);
    ipc_op_msg(o, seL4_SysCall, via, 0x4, 8, 4);
    ipc_run_op(o);
    CHECK_MSG(o, 0, 0x3, 7, 3);
    CHECK_EQ(ssrv.pc, 1);
    CHECK_MSG(opsrv[0], 0x151, 0x4, 8, 4);
    thread_destroy(&srv);

    /* The root receives from a lower-priority sender that runs only once the root waits;
     * the message wakes the root, which preempts the sender. */
    opsnd[0] = op_send(seL4_SysSend, via, 0x5, 9, 5);
    CHECK(opsnd[0] != NULL);
    TRY(ipc_create(&snd, IPC_LO_PRIO, 0));
    ssnd = (struct ipc_script){.ops = opsnd, .nops = 1};
    TRY(ipc_start(&snd, &ssnd));
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0x151, 0x5, 9, 5);
    CHECK_EQ(ssnd.pc, 0);
    TRY(ipc_yield_until(&ssnd.pc, 1, 20));

    /* A lower-priority caller: the root's reply makes it ready, the root goes on. */
    opc[0] = op_send(seL4_SysCall, via, 0x6, 2, 6);
    CHECK(opc[0] != NULL);
    TRY(ipc_create(&c, IPC_LO_PRIO, 0));
    sc = (struct ipc_script){.ops = opc, .nops = 1};
    TRY(ipc_start(&c, &sc));
    ipc_op_recv(o, seL4_SysRecv, ep, reply);
    ipc_run_op(o);
    CHECK_MSG(o, 0x151, 0x6, 2, 6);
    ipc_op_msg(o, seL4_SysSend, reply, 0x7, 3, 7);
    ipc_run_op(o);
    CHECK_EQ(sc.pc, 0);
    TRY(ipc_yield_until(&sc.pc, 1, 20));
    CHECK_MSG(opc[0], 0, 0x7, 3, 7);
}

/* ---- libsel4 wrappers ----------------------------------------------------------------------- */

struct lib_server {
    seL4_CPtr ep, reply;
    volatile unsigned count;
    volatile seL4_Word badge;
};

/* Echo server written with libsel4: answers label+1 and every MR plus one. */
static void lib_server_main(seL4_Word arg)
{
    struct lib_server *c = (struct lib_server *)(uintptr_t)arg;
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(c->ep, &badge, c->reply);
    for (;;) {
        c->badge = badge;
        c->count = c->count + 1;
        seL4_Word n = seL4_MessageInfo_get_length(info);
        for (seL4_Word i = 0; i < n; i++)
            seL4_SetMR((int)i, seL4_GetMR((int)i) + 1);
        info = seL4_ReplyRecv(c->ep,
                              seL4_MessageInfo_new(seL4_MessageInfo_get_label(info) + 1, 0, 0, n),
                              &badge, c->reply);
    }
}

/* The same exchanges through libsel4's stubs (plain and *WithMRs variants). */
IPC_TEST(ipc_libsel4_stubs)
{
    static struct thread t;
    static struct lib_server c;
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), n = ipc_new_ntfn();
    CHECK(ep && reply && n);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x141), nb = ipc_mint(n, NR_RIGHTS, 0x3);
    CHECK(via && nb);
    c = (struct lib_server){.ep = ep, .reply = reply};
    TRY(ipc_create(&t, IPC_HI_PRIO, 0));
    TRY(thread_start(&t, lib_server_main, (seL4_Word)(uintptr_t)&c));

    for (int i = 0; i < 10; i++)
        seL4_SetMR(i, 100 + i);
    seL4_MessageInfo_t info = seL4_Call(via, seL4_MessageInfo_new(0x10, 0, 0, 10));
    CHECK_EQ(c.count, 1);
    CHECK_EQ(c.badge, 0x141);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 0x11);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 10);
    for (int i = 0; i < 10; i++)
        CHECK_EQ(seL4_GetMR(i), 101 + i);

    seL4_Word m0 = 7, m1 = 8, m2 = 9, m3 = 10;
    info = seL4_CallWithMRs(via, seL4_MessageInfo_new(0x20, 0, 0, 3), &m0, &m1, &m2, &m3);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 0x21);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 3);
    CHECK(m0 == 8 && m1 == 9 && m2 == 10);

    /* Signal / Poll / Wait / NBWait. */
    seL4_Word badge = 1;
    seL4_Poll(n, &badge);
    CHECK_EQ(badge, 0);
    seL4_Signal(nb);
    seL4_Signal(nb);
    seL4_Wait(n, &badge);
    CHECK_EQ(badge, 0x3);
    seL4_NBWait(n, &badge);
    CHECK_EQ(badge, 0);

    /* NBSendRecv / NBSendWait: a signal in the send phase, a pending one in the receive. */
    seL4_Signal(nb);
    badge = 0;
    seL4_NBSendWait(nb, seL4_MessageInfo_new(0, 0, 0, 0), n, &badge);
    CHECK_EQ(badge, 0x3);
    seL4_NBSendWaitWithMRs(nb, seL4_MessageInfo_new(0, 0, 0, 0), n, &badge, NULL, NULL, NULL, NULL);
    CHECK_EQ(badge, 0x3);
    seL4_Signal(nb);
    badge = 0;
    seL4_NBSendRecv(nb, seL4_MessageInfo_new(0, 0, 0, 0), n, &badge, reply);
    CHECK_EQ(badge, 0x3);

    /* Send / NBSend reach the server (it replies to nobody). */
    seL4_SetMR(0, 1);
    seL4_Send(via, seL4_MessageInfo_new(0x30, 0, 0, 1));
    CHECK_EQ(c.count, 3);
    seL4_NBSend(via, seL4_MessageInfo_new(0x31, 0, 0, 1));
    CHECK_EQ(c.count, 4);
}

/* ---- queue order ------------------------------------------------------------------------------ */

#define NQ 8
static const seL4_Word queue_prio[NQ] = {150, 200, 150, 180, 200, 150, 120, 180};
/* Highest priority first, first come first served among equals. */
static const int queue_order[NQ] = {1, 4, 3, 7, 0, 2, 5, 6};

/* ABI (a): senders are served by priority, FIFO among equal priorities. */
IPC_TEST(ipc_send_queue_order)
{
    static struct thread s[NQ];
    static struct ipc_script ss[NQ];
    static struct ipc_op *ops_[NQ][1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply();
    CHECK(ep && reply);
    struct ipc_op *o = ipc_op_new();
    CHECK(o != NULL);
    for (int i = 0; i < NQ; i++) {
        seL4_CPtr via = ipc_mint(ep, ALL, 0x200 + i);
        CHECK(via != 0);
        ops_[i][0] = op_send(i % 2 ? seL4_SysCall : seL4_SysSend, via, 0x10 + i, i, i);
        TRY(ipc_spawn_ops(&s[i], &ss[i], queue_prio[i], 0, ops_[i], 1));
    }
    for (int k = 0; k < NQ; k++) {
        int i = queue_order[k];
        ipc_op_recv(o, seL4_SysRecv, ep, reply);
        ipc_run_op(o);
        CHECK_MSG(o, 0x200 + i, 0x10 + i, i, i);
        if (i % 2) {
            ipc_op_msg(o, seL4_SysSend, reply, 0x30 + i, 1, 30 + i);
            ipc_run_op(o);
            CHECK_MSG(ops_[i][0], 0, 0x30 + i, 1, 30 + i);
        }
        CHECK_EQ(ss[i].pc, 1);
    }
}

/* ABI (a): receivers too. */
IPC_TEST(ipc_recv_queue_order)
{
    static struct thread r[NQ];
    static struct ipc_script sr[NQ];
    static struct ipc_op *opr[NQ][1];
    seL4_CPtr ep = ipc_new_ep();
    CHECK(ep != 0);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x300);
    struct ipc_op *o = ipc_op_new();
    CHECK(via && o);
    for (int i = 0; i < NQ; i++) {
        seL4_CPtr reply = ipc_new_reply();
        CHECK(reply != 0);
        opr[i][0] = op_recv(i % 2 ? seL4_SysWait : seL4_SysRecv, ep, reply);
        TRY(ipc_spawn_ops(&r[i], &sr[i], queue_prio[i], 0, opr[i], 1));
    }
    for (int k = 0; k < NQ; k++) {
        int i = queue_order[k];
        ipc_op_msg(o, seL4_SysSend, via, 0x40 + k, 3, k);
        ipc_run_op(o);
        CHECK_EQ(sr[i].pc, 1);
        CHECK_MSG(opr[i][0], 0x300, 0x40 + k, 3, k);
    }
}

/*
 * A queued thread whose priority changes moves to its new place (behind the threads of
 * its new priority already there).
 */
IPC_TEST(ipc_queue_reorder_on_priority_change)
{
    static struct thread s[4], r[4];
    static struct ipc_script ss[4], sr[4];
    static struct ipc_op *ops_[4][1], *opr[4][1];
    seL4_CPtr ep = ipc_new_ep(), ep2 = ipc_new_ep(), reply = ipc_new_reply();
    CHECK(ep && ep2 && reply);
    seL4_CPtr via2 = ipc_mint(ep2, ALL, 0x400);
    struct ipc_op *o = ipc_op_new();
    CHECK(via2 && o);
    for (int i = 0; i < 4; i++) {
        seL4_CPtr via = ipc_mint(ep, ALL, 0x500 + i), rep = ipc_new_reply();
        CHECK(via && rep);
        ops_[i][0] = op_send(seL4_SysSend, via, 0x10 + i, 1, i);
        TRY(ipc_spawn_ops(&s[i], &ss[i], 150, 0, ops_[i], 1));
        opr[i][0] = op_recv(seL4_SysRecv, ep2, rep);
        TRY(ipc_spawn_ops(&r[i], &sr[i], 150, 0, opr[i], 1));
    }
    const int order[4] = {2, 1, 3, 0};
    CHECK_OK(seL4_TCB_SetPriority(s[2].tcb, seL4_CapInitThreadTCB, 190));
    CHECK_OK(seL4_TCB_SetPriority(s[0].tcb, seL4_CapInitThreadTCB, 120));
    CHECK_OK(seL4_TCB_SetPriority(s[3].tcb, seL4_CapInitThreadTCB, 150)); /* unchanged */
    CHECK_OK(seL4_TCB_SetPriority(r[2].tcb, seL4_CapInitThreadTCB, 190));
    CHECK_OK(seL4_TCB_SetPriority(r[0].tcb, seL4_CapInitThreadTCB, 120));
    CHECK_INVARIANTS();
    for (int k = 0; k < 4; k++) {
        int i = order[k];
        ipc_op_recv(o, seL4_SysRecv, ep, reply);
        ipc_run_op(o);
        CHECK_MSG(o, 0x500 + i, 0x10 + i, 1, i);
        ipc_op_msg(o, seL4_SysSend, via2, 0x20 + k, 1, 20 + k);
        ipc_run_op(o);
        CHECK_EQ(sr[i].pc, 1);
        CHECK_MSG(opr[i][0], 0x400, 0x20 + k, 1, 20 + k);
    }
}

/* ---- passive servers: scheduling-context donation (ABI (k)) ------------------------------------ */

/*
 * Measuring donated time. QEMU's speed follows the host's load: a spin can take several
 * times longer when QEMU is descheduled in the middle of it, never much shorter. So a
 * reference thread (with its own SC) does the same spins, interleaved with the
 * experiment, each one measured on its own; the SC under test must have been charged at
 * least half the fastest reference spin per donated spin. (A thread's time reaches its
 * SC when it blocks: the reference spins, then blocks in Wait.)
 */
#define SPIN_ITERS 400000ul
#define REF_MAX_SPINS 8

struct spin_ref {
    struct thread t;
    struct ipc_script s;
    struct ipc_op *ops[REF_MAX_SPINS + 1];
    seL4_CPtr n;
    unsigned spins;
    seL4_Word min_us;
};

static int ref_start(struct spin_ref *r, unsigned spins)
{
    r->n = ipc_new_ntfn();
    if (!r->n)
        return -1;
    for (unsigned i = 0; i <= spins && i <= REF_MAX_SPINS; i++) {
        if (!(r->ops[i] = op_recv(seL4_SysWait, r->n, 0)))
            return -1;
        r->ops[i]->spin = i ? SPIN_ITERS : 0;
    }
    r->spins = 0;
    r->min_us = ~(seL4_Word)0;
    r->s = (struct ipc_script){.ops = r->ops, .nops = spins + 1};
    TRY_R(ipc_spawn(&r->t, &r->s, IPC_HI_PRIO, 0), -1);
    return 0;
}

/* One reference spin, done when this returns (the reference is above the root). */
static void ref_spin(struct spin_ref *r)
{
    (void)ipc_consumed(r->t.sc);
    seL4_Signal(r->n);
    r->spins++;
    seL4_Word us = ipc_consumed(r->t.sc);
    if (us < r->min_us)
        r->min_us = us;
}

static int check_charged_at(const char *file, int line, seL4_Word used, unsigned spins,
                            struct spin_ref *r)
{
    /* Signal k completes Wait k-1; spin k follows before Wait k blocks. */
    if (r->s.pc != r->spins || r->spins == 0) {
        test_fail(file, line, "reference spinner did %u spins, want %u", r->s.pc, r->spins);
        return -1;
    }
    seL4_Word want = r->min_us * spins / 2;
    tinfo("%u donated spins charged %llu us; fastest of %u reference spins %llu us", spins,
          (unsigned long long)used, r->spins, (unsigned long long)r->min_us);
    if (used == ~(seL4_Word)0 || r->min_us == ~(seL4_Word)0 || want == 0 || used < want) {
        test_fail(file, line, "SC consumed %llu us for %u spins, want >= %llu",
                  (unsigned long long)used, spins, (unsigned long long)want);
        return -1;
    }
    return 0;
}
#define CHECK_CHARGED(used, spins, ref) TRY(check_charged_at(__FILE__, __LINE__, used, spins, ref))

#define PASSIVE_CALLS 4

/*
 * A passive server (no SC of its own) runs on its caller's SC during a Call and gives it
 * back with the reply: the caller's SchedContext_Consumed includes the server's work,
 * the server's own (unbound) SC consumes nothing. A message without donation wakes the
 * passive server, but it cannot run until it gets an SC again.
 */
IPC_TEST(ipc_passive_server)
{
    static struct thread srv, cli;
    static struct ipc_script ssrv, scli;
    static struct ipc_op *opsrv[PASSIVE_CALLS + 2], *opcli[2 * PASSIVE_CALLS];
    static struct spin_ref ref;
    seL4_CPtr nc = ipc_new_ntfn();
    CHECK(nc != 0);
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply();
    CHECK(ep && reply);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x600);
    struct ipc_op *o = ipc_op_new();
    CHECK(via && o);

    CHECK((opsrv[0] = op_recv(seL4_SysRecv, ep, reply)) != NULL);
    for (int k = 1; k <= PASSIVE_CALLS + 1; k++) {
        CHECK((opsrv[k] = op_replyrecv(ep, reply, 0x700 + k - 1, k, 700 + k - 1)) != NULL);
        if (k <= PASSIVE_CALLS)
            opsrv[k]->spin = SPIN_ITERS;
    }
    /* The client calls, then waits for the root's go-ahead for the next call. */
    for (int k = 0; k < PASSIVE_CALLS; k++) {
        CHECK((opcli[2 * k] = op_send(seL4_SysCall, via, 0x680 + k, 3, 680 + k)) != NULL);
        CHECK((opcli[2 * k + 1] = op_recv(seL4_SysWait, nc, 0)) != NULL);
    }
    TRY(ref_start(&ref, PASSIVE_CALLS));

    TRY(ipc_spawn_ops(&srv, &ssrv, IPC_HI_PRIO, 0, opsrv, PASSIVE_CALLS + 2));
    CHECK_EQ(ssrv.pc, 0);
    TRY(ipc_make_passive(&srv));
    (void)ipc_consumed(srv.sc);

    TRY(ipc_create(&cli, 150, 0));
    (void)ipc_consumed(cli.sc);
    scli = (struct ipc_script){.ops = opcli, .nops = 2 * PASSIVE_CALLS - 1};
    TRY(ipc_start(&cli, &scli));
    for (int k = 0; k < PASSIVE_CALLS; k++) {
        CHECK_EQ(scli.pc, 2 * k + 1);
        CHECK_EQ(ssrv.pc, k + 1);
        ref_spin(&ref);
        if (k + 1 < PASSIVE_CALLS)
            seL4_Signal(nc);
    }
    for (int k = 0; k < PASSIVE_CALLS; k++) {
        CHECK_MSG(opsrv[k], 0x600, 0x680 + k, 3, 680 + k);
        CHECK_MSG(opcli[2 * k], 0, 0x700 + k, k + 1, 700 + k);
    }
    seL4_Word used = ipc_consumed(cli.sc), srv_used = ipc_consumed(srv.sc);
    CHECK_EQ(srv_used, 0);
    CHECK_CHARGED(used, PASSIVE_CALLS, &ref);

    /* NBSend does not donate: the server gets the message but cannot run. */
    ipc_op_msg(o, seL4_SysNBSend, via, 0x690, 2, 690);
    ipc_run_op(o);
    CHECK_EQ(ssrv.pc, PASSIVE_CALLS);
    CHECK_INVARIANTS();
    /* With its SC back it runs and sees that message. */
    CHECK_OK(seL4_SchedContext_Bind(srv.sc, srv.tcb));
    CHECK_EQ(ssrv.pc, PASSIVE_CALLS + 1);
    CHECK_MSG(opsrv[PASSIVE_CALLS], 0x600, 0x690, 2, 690);
}

/*
 * Donation along a chain: C calls passive S1, which calls passive S2; the SC travels
 * C -> S1 -> S2 and back along the replies.
 */
IPC_TEST(ipc_passive_server_chain)
{
    static struct thread s1, s2, c;
    static struct ipc_script ss1, ss2, sc;
    static struct ipc_op *ops1[5], *ops2[3], *opc[3];
    static struct spin_ref ref;
    seL4_CPtr nc = ipc_new_ntfn();
    CHECK(nc != 0);
    seL4_CPtr ep1 = ipc_new_ep(), ep2 = ipc_new_ep(), r1 = ipc_new_reply(), r2 = ipc_new_reply();
    CHECK(ep1 && ep2 && r1 && r2);
    seL4_CPtr via1 = ipc_mint(ep1, ALL, 0x610), via2 = ipc_mint(ep2, ALL, 0x620);
    CHECK(via1 && via2);

    ops1[0] = op_recv(seL4_SysRecv, ep1, r1);
    ops1[1] = op_send(seL4_SysCall, via2, 0x21, 2, 21);
    ops1[2] = op_replyrecv(ep1, r1, 0x31, 3, 31);
    ops1[3] = op_send(seL4_SysCall, via2, 0x22, 2, 22);
    ops1[4] = op_replyrecv(ep1, r1, 0x32, 3, 32);
    ops2[0] = op_recv(seL4_SysRecv, ep2, r2);
    ops2[1] = op_replyrecv(ep2, r2, 0x41, 4, 41);
    ops2[2] = op_replyrecv(ep2, r2, 0x42, 4, 42);
    CHECK(ops2[1] && ops2[2]);
    ops2[1]->spin = ops2[2]->spin = SPIN_ITERS;
    opc[0] = op_send(seL4_SysCall, via1, 0x11, 1, 11);
    opc[1] = op_recv(seL4_SysWait, nc, 0);
    opc[2] = op_send(seL4_SysCall, via1, 0x12, 1, 12);
    TRY(ref_start(&ref, 2));

    TRY(ipc_spawn_ops(&s2, &ss2, 210, 0, ops2, 3));
    TRY(ipc_spawn_ops(&s1, &ss1, IPC_HI_PRIO, 0, ops1, 5));
    TRY(ipc_make_passive(&s1));
    TRY(ipc_make_passive(&s2));
    (void)ipc_consumed(s1.sc);
    (void)ipc_consumed(s2.sc);
    TRY(ipc_create(&c, 150, 0));
    (void)ipc_consumed(c.sc);
    CHECK(opc[0] && opc[1] && opc[2]);
    sc = (struct ipc_script){.ops = opc, .nops = 3};
    TRY(ipc_start(&c, &sc));
    CHECK_EQ(sc.pc, 1);
    ref_spin(&ref);
    seL4_Signal(nc);
    ref_spin(&ref);
    CHECK_EQ(sc.pc, 3);
    CHECK_MSG(ops1[0], 0x610, 0x11, 1, 11);
    CHECK_MSG(ops1[2], 0x610, 0x12, 1, 12);
    CHECK_MSG(ops2[0], 0x620, 0x21, 2, 21);
    CHECK_MSG(opc[0], 0, 0x31, 3, 31);
    CHECK_MSG(opc[2], 0, 0x32, 3, 32);
    CHECK_MSG(ops1[1], 0, 0x41, 4, 41);
    CHECK_MSG(ops1[3], 0, 0x42, 4, 42);
    CHECK_MSG(ops2[1], 0x620, 0x22, 2, 22);
    CHECK_EQ(ss1.pc, 4);
    CHECK_EQ(ss2.pc, 2);
    CHECK_EQ(ipc_consumed(s1.sc), 0);
    CHECK_EQ(ipc_consumed(s2.sc), 0);
    CHECK_CHARGED(ipc_consumed(c.sc), 2, &ref);
}

/*
 * A passive server holding a call (waiting on a notification) and its reply object is
 * deleted: the SC goes back to the caller, which is left Inactive; resumed, it runs on
 * its SC again. The server, woken later, has no SC and cannot run.
 */
IPC_TEST(ipc_passive_delete_reply_returns_sc)
{
    static struct thread srv, c;
    static struct ipc_script ssrv, sc;
    static struct ipc_op *opsrv[3], *opc[1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), reply2 = ipc_new_reply();
    seL4_CPtr n = ipc_new_ntfn();
    CHECK(ep && reply && reply2 && n);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x630);
    struct ipc_op *o = ipc_op_new();
    CHECK(via && o);

    opsrv[0] = op_recv(seL4_SysRecv, ep, reply);
    opsrv[1] = op_recv(seL4_SysWait, n, 0);
    opsrv[2] = op_replyrecv(ep, reply, 0x1, 1, 1);
    TRY(ipc_spawn_ops(&srv, &ssrv, IPC_HI_PRIO, 0, opsrv, 3));
    TRY(ipc_make_passive(&srv));
    opc[0] = op_send(seL4_SysCall, via, 0x2, 2, 2);
    TRY(ipc_spawn_ops(&c, &sc, 150, 0, opc, 1));
    CHECK_EQ(ssrv.pc, 1);
    CHECK_EQ(sc.pc, 0);

    DELETE(reply);
    CHECK_INVARIANTS();
    CHECK_EQ(sc.pc, 0);
    seL4_Signal(n);
    CHECK_EQ(ssrv.pc, 1); /* woken, but without an SC */

    /* The caller has its SC again: resumed, it calls again (the root answers). */
    CHECK_OK(seL4_TCB_Resume(c.tcb));
    ipc_op_recv(o, seL4_SysNBRecv, ep, reply2);
    ipc_run_op(o);
    CHECK_MSG(o, 0x630, 0x2, 2, 2);
    ipc_op_msg(o, seL4_SysSend, reply2, 0x3, 3, 3);
    ipc_run_op(o);
    CHECK_EQ(sc.pc, 1);
    CHECK_MSG(opc[0], 0, 0x3, 3, 3);
    CHECK_EQ(ssrv.pc, 1);
}

/*
 * A passive server holding a call is deleted: the caller keeps waiting on the reply
 * object, the donated SC stays on the reply's call stack, and a reply sent by whoever
 * holds the reply cap brings caller and SC back together.
 */
IPC_TEST(ipc_passive_server_deleted)
{
    static struct thread srv, c;
    static struct ipc_script ssrv, sc;
    static struct ipc_op *opsrv[2], *opc[1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), n = ipc_new_ntfn();
    CHECK(ep && reply && n);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x640);
    struct ipc_op *o = ipc_op_new();
    CHECK(via && o);

    opsrv[0] = op_recv(seL4_SysRecv, ep, reply);
    opsrv[1] = op_recv(seL4_SysWait, n, 0);
    TRY(ipc_spawn_ops(&srv, &ssrv, IPC_HI_PRIO, 0, opsrv, 2));
    TRY(ipc_make_passive(&srv));
    opc[0] = op_send(seL4_SysCall, via, 0x4, 4, 4);
    TRY(ipc_spawn_ops(&c, &sc, 150, 0, opc, 1));
    CHECK_EQ(ssrv.pc, 1);

    thread_destroy(&srv);
    CHECK_INVARIANTS();
    CHECK_EQ(sc.pc, 0);
    ipc_op_msg(o, seL4_SysSend, reply, 0x5, 5, 5);
    ipc_run_op(o);
    CHECK_EQ(sc.pc, 1);
    CHECK_MSG(opc[0], 0, 0x5, 5, 5);
    CHECK(ipc_consumed(c.sc) != ~(seL4_Word)0);
}

/*
 * The caller of a passive server is deleted while the server holds its SC: the server
 * keeps the SC (nothing to return it to) and goes on running on it, until that SC is
 * deleted; then it is passive again.
 */
IPC_TEST(ipc_passive_caller_deleted)
{
    static struct thread srv, c;
    static struct ipc_script ssrv, sc;
    static struct ipc_op *opsrv[4], *opc[1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), n = ipc_new_ntfn();
    CHECK(ep && reply && n);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x650);
    struct ipc_op *o = ipc_op_new();
    CHECK(via && o);

    opsrv[0] = op_recv(seL4_SysRecv, ep, reply);
    opsrv[1] = op_recv(seL4_SysWait, n, 0);
    opsrv[2] = op_replyrecv(ep, reply, 0x6, 1, 6);
    opsrv[3] = op_replyrecv(ep, reply, 0x7, 1, 7);
    TRY(ipc_spawn_ops(&srv, &ssrv, IPC_HI_PRIO, 0, opsrv, 4));
    TRY(ipc_make_passive(&srv));
    opc[0] = op_send(seL4_SysCall, via, 0x8, 1, 8);
    TRY(ipc_spawn_ops(&c, &sc, 150, 0, opc, 1));
    CHECK_EQ(ssrv.pc, 1);

    DELETE(c.tcb); /* the TCB only; its SC object stays (with the server) */
    CHECK_INVARIANTS();
    seL4_Signal(n);
    CHECK_EQ(ssrv.pc, 2); /* ran on the SC, replied to nobody, waits again */
    ipc_op_msg(o, seL4_SysNBSend, via, 0x9, 2, 9);
    ipc_run_op(o);
    CHECK_EQ(ssrv.pc, 3);
    CHECK_MSG(opsrv[2], 0x650, 0x9, 2, 9);

    DELETE(c.sc);
    CHECK_INVARIANTS();
    ipc_op_msg(o, seL4_SysNBSend, via, 0xa, 2, 10);
    ipc_run_op(o);
    CHECK_EQ(ssrv.pc, 3);
}

/*
 * Deleting the reply object at the bottom of a donation chain (C -> S1 -> S2, S2 holding
 * the SC): C is left Inactive, the chain is cut there; S2's reply still returns the SC
 * to S1, which then finds its reply object gone (a CapFault in its next receive).
 */
IPC_TEST(ipc_passive_chain_delete_bottom_reply)
{
    static struct thread s1, s2, c;
    static struct ipc_script ss1, ss2, sc;
    static struct ipc_op *ops1[3], *ops2[3], *opc[1];
    struct fault_ep f;
    seL4_MessageInfo_t info;
    seL4_CPtr ep1 = ipc_new_ep(), ep2 = ipc_new_ep(), r1 = ipc_new_reply(), r2 = ipc_new_reply();
    seL4_CPtr n = ipc_new_ntfn();
    CHECK(ep1 && ep2 && r1 && r2 && n);
    seL4_CPtr via1 = ipc_mint(ep1, ALL, 0x660), via2 = ipc_mint(ep2, ALL, 0x670);
    CHECK(via1 && via2);
    TRY(fault_ep_create(&f));

    ops1[0] = op_recv(seL4_SysRecv, ep1, r1);
    ops1[1] = op_send(seL4_SysCall, via2, 0x2, 1, 2);
    ops1[2] = op_replyrecv(ep1, r1, 0x3, 1, 3);
    ops2[0] = op_recv(seL4_SysRecv, ep2, r2);
    ops2[1] = op_recv(seL4_SysWait, n, 0);
    ops2[2] = op_replyrecv(ep2, r2, 0x4, 1, 4);
    opc[0] = op_send(seL4_SysCall, via1, 0x1, 1, 1);
    TRY(ipc_spawn_ops(&s2, &ss2, 210, 0, ops2, 3));
    TRY(ipc_spawn_ops(&s1, &ss1, IPC_HI_PRIO, f.badged, ops1, 3));
    TRY(ipc_make_passive(&s1));
    TRY(ipc_make_passive(&s2));
    TRY(ipc_spawn_ops(&c, &sc, 150, 0, opc, 1));
    CHECK(ss1.pc == 1 && ss2.pc == 1 && sc.pc == 0);

    DELETE(r1);
    CHECK_INVARIANTS();
    seL4_Signal(n);
    CHECK_EQ(ss2.pc, 2);
    CHECK_EQ(ss1.pc, 2);
    CHECK_MSG(ops1[1], 0, 0x4, 1, 4);
    TRY(fault_wait(&f, &info, 1));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    CHECK_MR(seL4_CapFault_Addr, r1);
    CHECK_MR(seL4_CapFault_InRecvPhase, 1);
    CHECK_EQ(sc.pc, 0);
    CHECK_INVARIANTS();
}

/*
 * ABI (k): the send phase of NBSendRecv donates the sender's SC to a passive receiver
 * (a plain send, so there is no way back): the receiver runs on it, the sender is left
 * passive in its receive phase.
 */
IPC_TEST(ipc_nbsendrecv_donates_to_passive_receiver)
{
    static struct thread srv, t;
    static struct ipc_script ssrv, st;
    static struct ipc_op *opsrv[3], *opt[1];
    static struct spin_ref ref;
    seL4_CPtr ep1 = ipc_new_ep(), ep2 = ipc_new_ep(), r1 = ipc_new_reply(), r2 = ipc_new_reply();
    CHECK(ep1 && ep2 && r1 && r2);
    seL4_CPtr via1 = ipc_mint(ep1, ALL, 0x680), via2 = ipc_mint(ep2, ALL, 0x690);
    struct ipc_op *o = ipc_op_new();
    CHECK(via1 && via2 && o);

    opsrv[0] = op_recv(seL4_SysRecv, ep1, r1);
    opsrv[1] = op_replyrecv(ep1, r1, 0x1, 1, 1);
    opsrv[2] = op_replyrecv(ep1, r1, 0x2, 1, 2);
    CHECK(opsrv[1] != NULL);
    opsrv[1]->spin = SPIN_ITERS;
    TRY(ref_start(&ref, 2));
    ref_spin(&ref);
    TRY(ipc_spawn_ops(&srv, &ssrv, IPC_HI_PRIO, 0, opsrv, 3));
    TRY(ipc_make_passive(&srv));

    opt[0] = op_nbsendrecv(via1, ep2, r2, 0x10, 5, 10);
    TRY(ipc_create(&t, 150, 0));
    (void)ipc_consumed(t.sc);
    CHECK(opt[0] != NULL);
    st = (struct ipc_script){.ops = opt, .nops = 1};
    TRY(ipc_start(&t, &st));
    /* The server ran (on t's SC) and waits again, keeping the SC. */
    CHECK_EQ(ssrv.pc, 1);
    CHECK_MSG(opsrv[0], 0x680, 0x10, 5, 10);
    CHECK_EQ(st.pc, 0);
    /* t is passive now: a message wakes it but it cannot run. */
    ipc_op_msg(o, seL4_SysSend, via2, 0x20, 1, 20);
    ipc_run_op(o);
    CHECK_EQ(st.pc, 0);
    /* The server still has the SC: it runs when a message comes. */
    ipc_op_msg(o, seL4_SysNBSend, via1, 0x30, 1, 30);
    ipc_run_op(o);
    CHECK_EQ(ssrv.pc, 2);
    CHECK_MSG(opsrv[1], 0x680, 0x30, 1, 30);
    ref_spin(&ref);
    CHECK_CHARGED(ipc_consumed(t.sc), 1, &ref);
    CHECK_INVARIANTS();
}

/*
 * A passive server that receives again with the reply object of an unanswered call
 * aborts that call: the caller is left Inactive and its SC stays with the server, which
 * from then on is active (a later caller's SC is not donated, the server answers it on
 * the SC it kept). The caller, resumed, has no SC and cannot run.
 */
IPC_TEST(ipc_passive_server_abandons_call)
{
    static struct thread srv, c, d;
    static struct ipc_script ssrv, sc, sd;
    static struct ipc_op *opsrv[3], *opc[1], *opd[1];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply();
    CHECK(ep && reply);
    seL4_CPtr via = ipc_mint(ep, ALL, 0x6a0);
    CHECK(via != 0);

    opsrv[0] = op_recv(seL4_SysRecv, ep, reply);
    opsrv[1] = op_recv(seL4_SysRecv, ep, reply); /* no reply: C's call is dropped */
    opsrv[2] = op_replyrecv(ep, reply, 0x3, 3, 3);
    TRY(ipc_spawn_ops(&srv, &ssrv, IPC_HI_PRIO, 0, opsrv, 3));
    TRY(ipc_make_passive(&srv));
    (void)ipc_consumed(srv.sc);

    opc[0] = op_send(seL4_SysCall, via, 0x1, 1, 1);
    TRY(ipc_spawn_ops(&c, &sc, 150, 0, opc, 1));
    CHECK_EQ(ssrv.pc, 1);
    CHECK_MSG(opsrv[0], 0x6a0, 0x1, 1, 1);
    CHECK_EQ(sc.pc, 0);
    CHECK_INVARIANTS();

    opd[0] = op_send(seL4_SysCall, via, 0x2, 2, 2);
    TRY(ipc_create(&d, 150, 0));
    (void)ipc_consumed(d.sc);
    CHECK(opd[0] != NULL);
    sd = (struct ipc_script){.ops = opd, .nops = 1};
    TRY(ipc_start(&d, &sd));
    CHECK_EQ(ssrv.pc, 2);
    CHECK_MSG(opsrv[1], 0x6a0, 0x2, 2, 2);
    CHECK_EQ(sd.pc, 1);
    CHECK_MSG(opd[0], 0, 0x3, 3, 3);
    CHECK_EQ(ipc_consumed(srv.sc), 0);
    CHECK_INVARIANTS();

    CHECK_OK(seL4_TCB_Resume(c.tcb));
    CHECK_EQ(sc.pc, 0);
    /* Take C's SC back from the server: C runs, and calls again. */
    CHECK_OK(seL4_SchedContext_UnbindObject(c.sc, srv.tcb));
    CHECK_OK(seL4_SchedContext_Bind(c.sc, c.tcb));
    CHECK_EQ(sc.pc, 0);
    CHECK_INVARIANTS();
}

/*
 * Deleting a reply object in the middle of a donation chain (C -> S1 -> S2 -> S3, S3
 * holding the SC): S1's call is aborted and the chain is cut on both sides of it. S3's
 * reply still brings the SC back to S2; the root, holding C's reply cap, can still answer
 * C (which then has no SC to run on: it stayed with S2).
 */
IPC_TEST(ipc_passive_chain_delete_middle_reply)
{
    static struct thread s1, s2, s3, c;
    static struct ipc_script ss1, ss2, ss3, sc;
    static struct ipc_op *ops1[2], *ops2[3], *ops3[3], *opc[1];
    struct fault_ep f;
    seL4_MessageInfo_t info;
    seL4_CPtr ep1 = ipc_new_ep(), ep2 = ipc_new_ep(), ep3 = ipc_new_ep(), n = ipc_new_ntfn();
    seL4_CPtr r1 = ipc_new_reply(), r2 = ipc_new_reply(), r3 = ipc_new_reply();
    CHECK(ep1 && ep2 && ep3 && n && r1 && r2 && r3);
    seL4_CPtr via1 = ipc_mint(ep1, ALL, 0x6c1), via2 = ipc_mint(ep2, ALL, 0x6c2);
    seL4_CPtr via3 = ipc_mint(ep3, ALL, 0x6c3);
    struct ipc_op *o = ipc_op_new();
    CHECK(via1 && via2 && via3 && o);
    TRY(fault_ep_create(&f));

    ops1[0] = op_recv(seL4_SysRecv, ep1, r1);
    ops1[1] = op_send(seL4_SysCall, via2, 0x2, 1, 2);
    ops2[0] = op_recv(seL4_SysRecv, ep2, r2);
    ops2[1] = op_send(seL4_SysCall, via3, 0x3, 1, 3);
    ops2[2] = op_replyrecv(ep2, r2, 0x22, 1, 22);
    ops3[0] = op_recv(seL4_SysRecv, ep3, r3);
    ops3[1] = op_recv(seL4_SysWait, n, 0);
    ops3[2] = op_replyrecv(ep3, r3, 0x33, 1, 33);
    opc[0] = op_send(seL4_SysCall, via1, 0x1, 1, 1);
    TRY(ipc_spawn_ops(&s3, &ss3, 220, 0, ops3, 3));
    TRY(ipc_spawn_ops(&s2, &ss2, 210, f.badged, ops2, 3));
    TRY(ipc_spawn_ops(&s1, &ss1, IPC_HI_PRIO, 0, ops1, 2));
    TRY(ipc_make_passive(&s1));
    TRY(ipc_make_passive(&s2));
    TRY(ipc_make_passive(&s3));
    TRY(ipc_spawn_ops(&c, &sc, 150, 0, opc, 1));
    CHECK(ss1.pc == 1 && ss2.pc == 1 && ss3.pc == 1 && sc.pc == 0);

    DELETE(r2);
    CHECK_INVARIANTS();
    seL4_Signal(n);
    /* S3 answered S2 (SC back to S2), S2 ran on and found r2 gone. */
    CHECK_EQ(ss3.pc, 2);
    CHECK_EQ(ss2.pc, 2);
    CHECK_MSG(ops2[1], 0, 0x33, 1, 33);
    TRY(fault_wait(&f, &info, 1));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    CHECK_MR(seL4_CapFault_Addr, r2);
    CHECK_EQ(ss1.pc, 1);
    CHECK_INVARIANTS();

    /* C's call is still answerable; C is Running but has no SC. */
    ipc_op_msg(o, seL4_SysSend, r1, 0x11, 1, 11);
    ipc_run_op(o);
    CHECK_EQ(sc.pc, 0);
    CHECK_INVARIANTS();
}

/* ---- faults to a passive handler ------------------------------------------------------------ */

struct pager_ctx {
    seL4_CPtr ep, reply;
    volatile unsigned faults;
    volatile seL4_Word label, badge, number;
};

/* A fault handler that emulates an unknown syscall: x0 = 0x1234, resume after the svc. */
static void emulating_handler(seL4_Word arg)
{
    struct pager_ctx *c = (struct pager_ctx *)(uintptr_t)arg;
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(c->ep, &badge, c->reply);
    for (;;) {
        c->badge = badge;
        c->label = seL4_MessageInfo_get_label(info);
        c->number = seL4_GetMR(seL4_UnknownSyscall_Syscall);
        c->faults = c->faults + 1;
        seL4_SetMR(seL4_UnknownSyscall_FaultIP, seL4_GetMR(seL4_UnknownSyscall_FaultIP) + 4);
        seL4_SetMR(seL4_UnknownSyscall_X0, 0x1234);
        info = seL4_ReplyRecv(c->ep, seL4_MessageInfo_new(0, 0, 0, seL4_UnknownSyscall_SPSR + 1),
                              &badge, c->reply);
    }
}

/*
 * A fault is an IPC on the thread's behalf: a passive fault handler runs on the faulting
 * thread's SC, and the reply (which restarts the thread) gives it back.
 */
IPC_TEST(ipc_passive_fault_handler)
{
    static struct thread h, t;
    static struct pager_ctx c;
    static struct ipc_script st;
    static struct ipc_op *opt[3];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply();
    CHECK(ep && reply);
    seL4_CPtr handler = ipc_mint(ep, R_W | R_GR, 0x6e0);
    CHECK(handler != 0);

    c = (struct pager_ctx){.ep = ep, .reply = reply};
    TRY(ipc_create(&h, IPC_HI_PRIO, 0));
    TRY(thread_start(&h, emulating_handler, (seL4_Word)(uintptr_t)&c));
    TRY(ipc_make_passive(&h));
    (void)ipc_consumed(h.sc);

    for (int i = 0; i < 3; i++) {
        CHECK((opt[i] = ipc_op_new()) != NULL);
        opt[i]->sys = 0x4b46 + (seL4_Word)i; /* unknown syscall numbers */
        opt[i]->x0 = 7;
    }
    TRY(ipc_create(&t, 150, handler));
    (void)ipc_consumed(t.sc);
    st = (struct ipc_script){.ops = opt, .nops = 3};
    TRY(ipc_start(&t, &st));
    CHECK_EQ(st.pc, 3);
    CHECK_EQ(c.faults, 3);
    CHECK_EQ(c.badge, 0x6e0);
    CHECK_EQ(c.label, seL4_Fault_UnknownSyscall);
    CHECK_EQ(c.number, 0x4b48);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(opt[i]->out[0], 0x1234);
    CHECK_EQ(ipc_consumed(h.sc), 0);
    CHECK(ipc_consumed(t.sc) != ~(seL4_Word)0);
    CHECK_INVARIANTS();
}
