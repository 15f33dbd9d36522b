/* Message passing: endpoints, notifications, replies, faults (object/endpoint.c,
 * notification.c, reply.c, ipc.c, api/faults.c). */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>
#include <keel/status.h>

/* ---- endpoints --------------------------------------------------------------------------- */
void send_ipc(bool blocking, bool do_call, word_t badge, bool can_grant, bool can_grant_reply,
              bool can_donate, tcb_t *thread, endpoint_t *ep);
/* reply_cap is the null cap for Wait/NBWait. */
void receive_ipc(tcb_t *thread, cap_t ep_cap, bool blocking, cap_t reply_cap);
void cancel_ipc(tcb_t *t);                  /* t stops waiting on whatever it waits on */
void endpoint_cancel_all(endpoint_t *ep);   /* endpoint deleted: waiters Restart */
void endpoint_cancel_badged_sends(endpoint_t *ep, word_t badge);

/* ---- notifications ----------------------------------------------------------------------- */
void send_signal(notification_t *n, word_t badge);
void receive_signal(tcb_t *thread, cap_t ntfn_cap, bool blocking);
void notification_cancel_all(notification_t *n);
void notification_finalise(notification_t *n);
void bind_notification(tcb_t *t, notification_t *n);
void unbind_notification(tcb_t *t);

/* ---- replies ---------------------------------------------------------------------------- */
/* Invoke a reply cap: deliver sender's message (or restart a faulted caller). */
void do_reply_transfer(tcb_t *sender, reply_t *reply, bool grant);
void reply_push(tcb_t *caller, tcb_t *callee, reply_t *reply, bool can_donate);
void reply_remove(reply_t *reply, tcb_t *caller);
void reply_finalise(reply_t *reply);

/* ---- faults ----------------------------------------------------------------------------- */
/* Deliver t->fault to t's fault handler, or print a line and make t Inactive. */
void handle_fault(tcb_t *t);
/* Budget exhausted and t has a timeout handler (MCS). */
void handle_timeout(tcb_t *t);
/* Record a CapFault in t->fault (used by the syscall layer and the arch traps). The
 * caller records the lookup failure in t->lookup_failure (usually ks_lookup_fault). */
void set_cap_fault(tcb_t *t, cptr_t addr, bool in_receive_phase);
/* Does t have a timeout handler (an endpoint cap in its TCB_TIMEOUT_HANDLER slot)? */
bool valid_timeout_handler(tcb_t *t);

/* ==== Below: helpers shared by the IPC files (and the scheduler, tests) ================ */

/* ---- seL4_MessageInfo word (ABI (b)) ------------------------------------------------------ */
static inline word_t msginfo_new(word_t label, word_t caps_unwrapped, word_t extra_caps, word_t length)
{
    return ((label & KEEL_MSGINFO_LABEL_MASK) << KEEL_MSGINFO_LABEL_SHIFT) |
           ((caps_unwrapped & KEEL_MSGINFO_CAPS_UNWRAPPED_MASK) << KEEL_MSGINFO_CAPS_UNWRAPPED_SHIFT) |
           ((extra_caps & KEEL_MSGINFO_EXTRA_CAPS_MASK) << KEEL_MSGINFO_EXTRA_CAPS_SHIFT) |
           ((length & KEEL_MSGINFO_LENGTH_MASK) << KEEL_MSGINFO_LENGTH_SHIFT);
}
static inline word_t msginfo_label(word_t mi)
{
    return (mi >> KEEL_MSGINFO_LABEL_SHIFT) & KEEL_MSGINFO_LABEL_MASK;
}
static inline word_t msginfo_caps_unwrapped(word_t mi)
{
    return (mi >> KEEL_MSGINFO_CAPS_UNWRAPPED_SHIFT) & KEEL_MSGINFO_CAPS_UNWRAPPED_MASK;
}
static inline word_t msginfo_extra_caps(word_t mi)
{
    return (mi >> KEEL_MSGINFO_EXTRA_CAPS_SHIFT) & KEEL_MSGINFO_EXTRA_CAPS_MASK;
}
/* Length as the kernel uses it: a sent length above seL4_MsgMaxLength counts as the max. */
static inline word_t msginfo_length(word_t mi)
{
    word_t len = (mi >> KEEL_MSGINFO_LENGTH_SHIFT) & KEEL_MSGINFO_LENGTH_MASK;
    return len > seL4_MsgMaxLength ? seL4_MsgMaxLength : len;
}

/* ---- thread queues of endpoints and notifications (endpoint.c) ------------------------- */
/* Ordered by priority, FIFO among equal priorities (ABI (a)); linked through ep_next/prev. */
void tcb_queue_insert(tcb_t **head, tcb_t **tail, tcb_t *t);
void tcb_queue_remove(tcb_t **head, tcb_t **tail, tcb_t *t);
/* t's priority changed while it waits on an endpoint or notification: re-sort it.
 * (set_priority calls this after writing t->priority.) */
void ipc_reorder_waiter(tcb_t *t);

/* ---- message transfer (ipc.c) ------------------------------------------------------------ */
/* Deliver sender's message (or its pending fault) to receiver. ep is the endpoint used
 * (NULL for replies: nothing is unwrapped); grant allows extra caps to be transferred. */
void do_ipc_transfer(tcb_t *sender, endpoint_t *ep, word_t badge, bool grant, tcb_t *receiver);
/* A non-blocking receive found nothing: x0 = 0, nothing else is written. */
void do_nb_recv_failed_transfer(tcb_t *t);

/* ---- notifications (notification.c) ------------------------------------------------------ */
void complete_signal(notification_t *n, tcb_t *t);        /* n is Active: deliver to t */
void cancel_signal(tcb_t *t, notification_t *n);          /* t stops waiting on n */
/* A thread about to wait gives back an SC it had borrowed from its bound notification. */
void maybe_return_sched_context(notification_t *n, tcb_t *t);

/* ---- replies (reply.c) ------------------------------------------------------------------- */
/* Forget the link between reply and t (caller or waiting receiver); t becomes Inactive. */
void reply_unlink(reply_t *reply, tcb_t *t);
/* t (BlockedOnReply) is cancelled: take its reply out of the call stack without
 * returning the SC (the callee keeps running on it). */
void reply_remove_tcb(tcb_t *t);

/* ---- faults (faults.c) -------------------------------------------------------------------- */
#define FAULT_MSG_MAX_WORDS seL4_UnknownSyscall_Length   /* the longest fault message */
/* The message words of t's pending fault (ABI (f)); returns the length. Reading a
 * Timeout fault resets the SC's consumed-time counter. */
word_t fault_message(tcb_t *t, word_t msg[FAULT_MSG_MAX_WORDS]);
/* Deliver sender's pending fault to receiver as a message (label = fault type). */
void do_fault_transfer(word_t badge, tcb_t *sender, tcb_t *receiver, word_t *receive_buffer);
/* The fault handler replied (sender = replier): apply the reply to receiver's registers.
 * Returns true if receiver should restart, false if it becomes Inactive. */
bool handle_fault_reply(tcb_t *receiver, tcb_t *sender);
