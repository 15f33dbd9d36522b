/*
 * The kernel objects that live in memory retyped from Untyped. Each must fit the ABI's
 * object size (ABI.md (d)); the static asserts below keep us honest.
 */
#pragma once

#include <keel/types.h>
#include <keel/cap.h>
#include <arch/registers.h>

struct tcb;
struct reply;
struct sched_context;
struct notification;

/* ---- Thread control block (2 KiB) --------------------------------------------- */

typedef enum thread_state {
    ThreadState_Inactive = 0,
    ThreadState_Running,
    ThreadState_Restart,               /* runnable; re-executes the trapped instruction */
    ThreadState_BlockedOnReceive,
    ThreadState_BlockedOnSend,
    ThreadState_BlockedOnReply,
    ThreadState_BlockedOnNotification,
    ThreadState_IdleThreadState,
} thread_state_t;

/* The slots a TCB owns (its caps are part of the derivation tree like any other). */
enum tcb_slot {
    TCB_CTABLE = 0,      /* CSpace root */
    TCB_VTABLE,          /* VSpace root */
    TCB_BUFFER,          /* IPC buffer frame */
    TCB_FAULT_HANDLER,   /* fault endpoint (MCS stores the cap itself) */
    TCB_TIMEOUT_HANDLER, /* timeout-fault endpoint */
    TCB_NUM_SLOTS
};

/* A pending fault, kept in the faulting TCB until it is delivered. */
typedef struct fault {
    word_t type;                       /* seL4_Fault_* */
    word_t w[3];                       /* CapFault: addr, in_recv_phase;
                                          VMFault: addr, prefetch, fsr;
                                          UnknownSyscall: number;
                                          UserException: number (ESR), code;
                                          Timeout: badge of the SC */
} fault_t;

/* A lookup failure (ABI (e)); type is seL4_InvalidRoot..seL4_GuardMismatch. */
typedef struct lookup_fault {
    word_t type;
    word_t bits_left;
    word_t guard_found;
    word_t bits_found;
} lookup_fault_t;

typedef struct tcb {
    user_context_t ctx;                /* MUST be first: entry.S saves/restores here */
    cte_t slots[TCB_NUM_SLOTS];        /* 32-byte aligned because ctx is a multiple of 32 */

    thread_state_t state;
    word_t blocking_object;            /* endpoint_t* / notification_t* blocked on */
    word_t blocking_badge;             /* badge of the cap used to send */
    bool   blocking_can_grant;
    bool   blocking_can_grant_reply;
    bool   blocking_is_call;
    uint8_t priority;
    uint8_t mcp;                       /* maximum controlled priority */
    uint8_t domain;
    uint8_t flags;                     /* seL4_TCBFlag_* (bit 0: FPU disabled) */
    struct reply *reply;               /* BlockedOnReceive: reply object to use;
                                          BlockedOnReply: reply object the caller waits on */
    struct notification *bound_notification;
    fault_t fault;
    lookup_fault_t lookup_failure;
    vaddr_t ipc_buffer;                /* user address of the IPC buffer (0 = none) */

    struct sched_context *sc;          /* the SC the thread runs on (own or donated) */
    struct sched_context *yield_to;    /* SC this thread YieldTo'd */

    struct tcb *sched_next, *sched_prev;   /* ready queue / release queue links */
    struct tcb *ep_next, *ep_prev;         /* endpoint / notification queue links */
    struct tcb *debug_next, *debug_prev;   /* list of all live TCBs (sched_dump) */
    bool in_ready_queue;
    bool in_release_queue;

    char name[];                       /* debug name: the rest of the object */
} tcb_t;

#define TCB_NAME_BYTES (BIT(seL4_TCBBits) - offsetof(tcb_t, name))
STATIC_ASSERT(offsetof(tcb_t, ctx) == 0, "context must be first");
STATIC_ASSERT(offsetof(tcb_t, slots) % 32 == 0, "TCB slots are 32-byte aligned");
STATIC_ASSERT(offsetof(tcb_t, name) + 64 <= BIT(seL4_TCBBits), "TCB must fit its object");

static inline cte_t *tcb_slot(tcb_t *t, enum tcb_slot s) { return &t->slots[s]; }
static inline tcb_t *tcb_of_slot(cte_t *slot)   /* TCB that owns a TCB slot */
{
    return (tcb_t *)((word_t)slot & ~MASK(seL4_TCBBits));
}

/* ---- Endpoint (16 bytes): a FIFO of blocked threads, all sending or all receiving.
 * The state (idle/send/recv) follows from the first waiter's thread state. ---------- */
typedef struct endpoint {
    tcb_t *head, *tail;
} endpoint_t;
STATIC_ASSERT(sizeof(endpoint_t) <= BIT(seL4_EndpointBits), "endpoint size");

/* ---- Notification (64 bytes in MCS) --------------------------------------------- */
typedef enum { NtfnState_Idle = 0, NtfnState_Waiting, NtfnState_Active } ntfn_state_t;
typedef struct notification {
    tcb_t *head, *tail;                /* waiters (state Waiting) */
    word_t state;                      /* ntfn_state_t */
    word_t badge;                      /* OR of pending badges (state Active) */
    tcb_t *bound_tcb;
    struct sched_context *sc;          /* SC lent to the passive thread that receives */
} notification_t;
STATIC_ASSERT(sizeof(notification_t) <= BIT(seL4_NotificationBits), "notification size");

/* ---- Reply (32 bytes, MCS) --------------------------------------------------------
 * While a call is outstanding, 'caller' is the thread BlockedOnReply. While a server
 * waits in Recv with this reply object, 'receiver' is that server (BlockedOnReceive).
 * At most one of the two is set; the thread's 'reply' field points back here.
 * The replies along a chain of donated calls form the SC's call stack: 'prev' points
 * towards the bottom (older call), 'next' towards the top; the top reply's 'next' is the
 * SC itself (reply_next_is_sc). A reply that is in no call stack has prev = next = 0. */
typedef struct reply {
    tcb_t *caller;
    struct reply *prev;
    word_t next;                       /* struct reply* or struct sched_context* | 1 */
    tcb_t *receiver;
} reply_t;
STATIC_ASSERT(sizeof(reply_t) <= BIT(seL4_ReplyBits), "reply size");

#define REPLY_NEXT_SC 1ull             /* tag bit of reply_t.next: it names the SC */
static inline bool reply_next_is_sc(const reply_t *r) { return r->next & REPLY_NEXT_SC; }
static inline struct sched_context *reply_next_sc(const reply_t *r)
{
    return reply_next_is_sc(r) ? (struct sched_context *)(uintptr_t)(r->next & ~REPLY_NEXT_SC) : NULL;
}
static inline reply_t *reply_next_reply(const reply_t *r)
{
    return reply_next_is_sc(r) ? NULL : (reply_t *)(uintptr_t)r->next;
}

/* ---- Scheduling context (2^size_bits bytes: 96-byte core + refills) --------------- */
typedef struct refill {
    ticks_t release;                   /* when the amount becomes available */
    ticks_t amount;
} refill_t;

typedef struct sched_context {
    ticks_t period;                    /* 0 for round-robin SCs (budget == period) */
    ticks_t consumed;                  /* since the last Consumed query / timeout fault */
    tcb_t *tcb;                        /* thread running on this SC (bound or donated) */
    notification_t *notification;      /* bound notification (passive signal receiver) */
    reply_t *reply;                    /* top of the call stack this SC was donated along */
    tcb_t *yield_from;                 /* thread that YieldTo'd this SC */
    word_t badge;                      /* delivered in Timeout faults */
    ticks_t budget;                    /* configured budget (sum of all refill amounts) */
    uint32_t refill_max;               /* refills in use at most (extra + 2); 0: unconfigured */
    uint32_t refill_head;              /* index of the first refill */
    uint32_t refill_count;             /* number of refills in use */
    uint8_t  size_bits;
    bool     sporadic;                 /* seL4_SchedContext_Sporadic: re-base on unblock */
    bool     configured;               /* == (refill_max > 0) */
    uint8_t  pad[1];
    word_t   spare[2];
    refill_t refills[];                /* at offset 96; capacity (2^size_bits - 96) / 16 */
} sched_context_t;
STATIC_ASSERT(offsetof(sched_context_t, refills) == seL4_CoreSchedContextBytes - 2 * seL4_RefillSizeBytes,
              "SC core is 96 bytes; refills follow (ABI (k))");

/* ---- Untyped and CNode have no header: an untyped is its memory; a CNode is an array
 * of 2^radix slots. ----------------------------------------------------------------- */
static inline cte_t *cnode_slots(cap_t cnode_cap) { return (cte_t *)cap_ptr(cnode_cap); }
