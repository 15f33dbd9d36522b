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
/* Record faults in ks_cur_thread->fault (used by the syscall layer and the arch traps). */
void set_cap_fault(tcb_t *t, cptr_t addr, bool in_receive_phase);
