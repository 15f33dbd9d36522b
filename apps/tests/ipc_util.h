/*
 * Helpers for the IPC and notification tests (ipc_tests.c, notification_tests.c).
 *
 * Scheduling model: every IPC test runs with the root task lowered to IPC_ROOT_PRIO
 * (IPC_TEST), so a child at IPC_HI_PRIO runs as soon as it becomes runnable and keeps
 * the CPU until it blocks. When the root's syscall returns, every higher-priority
 * child has therefore already done everything it could: no polling, no timing.
 *
 * A child runs a script: a list of system calls (struct ipc_op), each made with the
 * raw register convention of ABI (a) (x0..x8 in, x0..x8 out; MR4.. in the IPC buffer),
 * and the results recorded in the op. The root runs ops the same way (ipc_run_op).
 * A finished script suspends its thread (no exit fault).
 *
 * Messages: MR i of a message with salt s is ipc_pat(s, i). A receiving op fills the
 * unused part of its IPC buffer with sentinels first and records the buffer before the
 * call (pre[]), so a check can see that the kernel wrote exactly `length` words.
 */
#ifndef KEEL_TESTS_IPC_UTIL_H
#define KEEL_TESTS_IPC_UTIL_H

#include "framework.h"

#include <sel4/keel.h>

#define IPC_ROOT_PRIO 100
#define IPC_HI_PRIO 200
#define IPC_LO_PRIO 50

#define IPC_MAX_LEN seL4_MsgMaxLength
/* Largest label: 52 bits (ABI (b)). */
#define IPC_LABEL_MASK ((1ull << 52) - 1)

/* Values preloaded into registers/buffer words a receive must not change. */
#define IPC_POISON_X1 0x5a5a5a5a00000001ull
#define IPC_POISON_MR(i) (0xa5a5a5a500000000ull | (seL4_Word)(i))
#define IPC_SENTINEL(i) (0x5e47100000000000ull | (seL4_Word)(i))
#define IPC_CB_POISON(i) (0xcb00cb0000000000ull | (seL4_Word)(i))

/* A cptr that does not resolve in the root CSpace (guard mismatch). */
#define BOGUS_CPTR 0x4000000000000123ull

/* Rights as a value (libsel4's seL4_Can* are compound literals). */
#define RIGHTS(w) ((seL4_CapRights_t){{(w)}})
#define R_W 0x1u
#define R_R 0x2u
#define R_G 0x4u
#define R_GR 0x8u

static inline seL4_Word ipc_pat(seL4_Word salt, seL4_Word i)
{
    seL4_Word x = (salt + 1) * 0x9e3779b97f4a7c15ull;
    return x ^ (i * 0x100000001b3ull) ^ (i << 57) ^ (salt << 40);
}

/* One system call of a script. */
struct ipc_op {
    /* in */
    seL4_Word sys;             /* seL4_Sys* number */
    seL4_Word x0, x6, x8;      /* cap registers (meaning per ABI (a)) */
    seL4_Word label, len, salt;
    seL4_Word ncaps;
    seL4_CPtr caps[seL4_MsgMaxExtraCaps];
    bool info_raw;             /* use info_word as x1 instead of (label, ncaps, len) */
    unsigned long spin;        /* busy-loop iterations before the syscall (uses CPU time) */
    seL4_Word info_word;
    /* out */
    volatile bool done;
    seL4_Word in[9];           /* x0..x8 as passed in */
    seL4_Word out[9];          /* x0..x8 after the syscall */
    seL4_Word mr[IPC_MAX_LEN]; /* MR0..3 = x2..x5, MR4.. from the IPC buffer */
    seL4_Word pre[IPC_MAX_LEN];/* the IPC buffer's MRs just before the syscall */
    seL4_Word cb[seL4_MsgMaxExtraCaps]; /* caps_or_badges after */
};

struct ipc_script;
typedef void (*ipc_prep_fn)(struct ipc_script *s, unsigned step, struct ipc_op *op);

struct ipc_script {
    struct ipc_op **ops;       /* step k uses ops[k % nops] */
    unsigned nops;
    unsigned steps;            /* total steps (default nops) */
    ipc_prep_fn prep;          /* if set: fills the op before step k */
    void *ctx;                 /* for prep */
    seL4_CPtr self;            /* the child's TCB (it suspends itself at the end) */
    bool set_recv_path;
    seL4_CPtr recv_cnode, recv_index;
    seL4_Word recv_depth;
    volatile unsigned pc;      /* steps completed */
};

/* ---- ops ------------------------------------------------------------------------ */

/* A fresh op from a pool reset by every IPC_TEST (64 ops), or NULL after a failure. */
struct ipc_op *ipc_op_new(void);
/* Message-sending op: Send/NBSend/Call (x0 = dest), or the send part of
 * ReplyRecv/NBSendRecv/NBSendWait (use ipc_op_set_recv afterwards). */
void ipc_op_msg(struct ipc_op *o, seL4_Word sys, seL4_CPtr dest, seL4_Word label, seL4_Word len,
                seL4_Word salt);
/* Receive op: Recv/NBRecv (reply = x6), Wait/NBWait (reply ignored). */
void ipc_op_recv(struct ipc_op *o, seL4_Word sys, seL4_CPtr src, seL4_CPtr reply);
void ipc_op_reset(struct ipc_op *o);

/* Build ops quickly (returns the op, NULL on pool exhaustion). */
struct ipc_op *op_send(seL4_Word sys, seL4_CPtr dest, seL4_Word label, seL4_Word len, seL4_Word salt);
struct ipc_op *op_recv(seL4_Word sys, seL4_CPtr src, seL4_CPtr reply);
/* ReplyRecv: reply (label, len, salt) through `reply`, then Recv on src with it. */
struct ipc_op *op_replyrecv(seL4_CPtr src, seL4_CPtr reply, seL4_Word label, seL4_Word len,
                            seL4_Word salt);
/* NBSendRecv: NBSend to dest (x8), Recv on src with reply (x6). */
struct ipc_op *op_nbsendrecv(seL4_CPtr dest, seL4_CPtr src, seL4_CPtr reply, seL4_Word label,
                             seL4_Word len, seL4_Word salt);
/* NBSendWait: NBSend to dest (x6), Wait on src. */
struct ipc_op *op_nbsendwait(seL4_CPtr dest, seL4_CPtr src, seL4_Word label, seL4_Word len,
                             seL4_Word salt);

/* Burn CPU time: n iterations of a loop the compiler keeps. */
void ipc_spin(unsigned long n);

/* Perform the op in the calling thread. */
void ipc_run_op(struct ipc_op *o);

static inline seL4_Word op_label(const struct ipc_op *o) { return o->out[1] >> 12; }
static inline seL4_Word op_len(const struct ipc_op *o) { return o->out[1] & 0x7f; }
static inline seL4_Word op_extra(const struct ipc_op *o) { return (o->out[1] >> 7) & 3; }
static inline seL4_Word op_unwrapped(const struct ipc_op *o) { return (o->out[1] >> 9) & 7; }

/* ---- checks ----------------------------------------------------------------------- */

/* The op completed and received: badge, label, length, no caps, MR i = pat(salt, i) for
 * i < len, and the IPC buffer untouched from MR max(4, len) on. */
int ipc_check_msg_at(const char *file, int line, const struct ipc_op *o, seL4_Word badge,
                     seL4_Word label, seL4_Word len, seL4_Word salt, seL4_Word extra,
                     seL4_Word unwrapped);
#define CHECK_MSG_R(rv, o, badge, label, len, salt)                                      \
    TRY_R(ipc_check_msg_at(__FILE__, __LINE__, o, badge, label, len, salt, 0, 0), rv)
#define CHECK_MSG(o, badge, label, len, salt) CHECK_MSG_R(, o, badge, label, len, salt)
/* The same with the expected extraCaps and capsUnwrapped fields. */
#define CHECK_MSG_CAPS(o, badge, label, len, salt, extra, unwrapped)                     \
    TRY(ipc_check_msg_at(__FILE__, __LINE__, o, badge, label, len, salt, extra, unwrapped))

/* x1..x5 of the op are what it passed in (a notification delivery or a failed
 * non-blocking receive writes only x0). */
int ipc_check_regs_kept_at(const char *file, int line, const struct ipc_op *o);
#define CHECK_REGS_KEPT(o) TRY(ipc_check_regs_kept_at(__FILE__, __LINE__, o))

/* ---- children --------------------------------------------------------------------------- */

/* Create a child at `prio` (fault handler fault_ep, 0 = none) running script s. With the
 * root at IPC_ROOT_PRIO, a child above it has run until it blocked when this returns. */
int ipc_spawn(struct thread *t, struct ipc_script *s, seL4_Word prio, seL4_CPtr fault_ep);
/* Same, with the ops given directly (steps = n). */
int ipc_spawn_ops(struct thread *t, struct ipc_script *s, seL4_Word prio, seL4_CPtr fault_ep,
                  struct ipc_op **ops, unsigned n);
/* Create the thread but do not start it. */
int ipc_create(struct thread *t, seL4_Word prio, seL4_CPtr fault_ep);
int ipc_start(struct thread *t, struct ipc_script *s);

/* Give lower-priority threads a chance: yield until *flag != 0 (at most `max` times). */
int ipc_yield_until(volatile unsigned *flag, unsigned want, unsigned max);

/* ---- objects ------------------------------------------------------------------------ */

seL4_CPtr ipc_new_ep(void);
seL4_CPtr ipc_new_reply(void);
seL4_CPtr ipc_new_ntfn(void);
/* cap_mint with rights as a word. */
seL4_CPtr ipc_mint(seL4_CPtr src, seL4_Word rights, seL4_Word badge);
/* Delete a root CNode slot, checking success. */
int ipc_delete_at(const char *file, int line, seL4_CPtr slot);
#define DELETE(slot) TRY(ipc_delete_at(__FILE__, __LINE__, slot))
/* Is the slot empty (DebugCapIdentify)? Type tag of the cap otherwise. */
static inline seL4_Word cap_tag(seL4_CPtr slot) { return seL4_DebugCapIdentify(slot); }
/* SchedContext_Consumed in µs (resets the counter); ~0 on error. */
seL4_Word ipc_consumed(seL4_CPtr sc);
/* A new SC configured with 1 ms budget every 1 ms, or 0 after a failure. */
seL4_CPtr ipc_new_sc(void);
/* Make a child passive (take its own SC away; it must not be running). */
int ipc_make_passive(struct thread *t);

/* The kernel's invariant checker (Keel debug syscall) finds nothing wrong. */
#define CHECK_INVARIANTS() CHECK_EQ(keel_DebugCheckInvariants(), 0)

/* ---- test wrapper ------------------------------------------------------------------------ */

void ipc_test_run(void (*body)(void));
/* An IPC test: root at IPC_ROOT_PRIO, children destroyed and invariants checked after. */
#define IPC_TEST(name)                                                                   \
    static void name##_body(void);                                                       \
    TEST(name) { ipc_test_run(name##_body); }                                            \
    static void name##_body(void)

#endif /* KEEL_TESTS_IPC_UTIL_H */
