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

/* ---- message sweeps: lengths 0..120 and two above the maximum ----------------------------- */

#define SWEEP_STEPS 123u

static seL4_Word sweep_len(unsigned k)
{
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
static seL4_Word reply_len(unsigned k) { return ((seL4_Word)k * 37u) % 121u; }
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

/* The root Calls a child server already waiting in Recv; every request and reply length. */
static void call_waiting_server(struct thread *t, bool replyrecv)
{
    static struct ipc_script s;
    static struct server_ctx c;
    static struct ipc_op *ops[4];
    seL4_CPtr ep = ipc_new_ep(), reply = ipc_new_reply(), caps[3];
    CHECK(ep && reply);
    TRY(mint_badged(ep, ALL, caps));
    c = (struct server_ctx){.ep = ep, .reply = reply, .replyrecv = replyrecv};
    for (int i = 0; i < 4; i++)
        CHECK((ops[i] = ipc_op_new()) != NULL);
    struct ipc_op *o = ipc_op_new();
    CHECK(o != NULL);
    s = (struct ipc_script){.ops = ops, .nops = 4, .prep = prep_server, .ctx = &c,
                            .steps = replyrecv ? SWEEP_STEPS + 1 : 2 * SWEEP_STEPS};
    TRY(ipc_spawn(t, &s, IPC_HI_PRIO, 0));
    CHECK_EQ(s.pc, 0);

    for (unsigned k = 0; k < SWEEP_STEPS; k++) {
        ipc_op_msg(o, seL4_SysCall, caps[k % 3], sweep_label(k), sweep_len(k), k);
        ipc_run_op(o);
        /* A reply carries badge 0. */
        CHECK_MSG(o, 0, reply_label(k), reply_len(k), reply_salt(k));
        unsigned step = replyrecv ? k : 2 * k;
        CHECK_EQ(s.pc, replyrecv ? k + 1 : 2 * k + 2);
        CHECK_MSG(ops[step % 4], sweep_badges[k % 3], sweep_label(k), sweep_got(k), k);
    }
}

IPC_TEST(ipc_call_waiting_server_all_lengths)
{
    static struct thread t[2];
    call_waiting_server(&t[0], false);
    thread_destroy(&t[0]);
    if (!test_failed())
        call_waiting_server(&t[1], true);
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
