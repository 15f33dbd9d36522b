/*
 * Invoking a kernel object: the invoking thread's message, decoded into one structure
 * that every object's decode function receives. Decoding only reads and validates; the
 * object's perform function changes state (seL4's decode-then-perform), so a failed
 * invocation changes nothing.
 */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>
#include <keel/status.h>

typedef struct extra_cap {
    cap_t  cap;
    cte_t *slot;
} extra_cap_t;

typedef struct invocation {
    tcb_t  *thread;        /* the invoker (always ks_cur_thread) */
    word_t  label;         /* msginfo.label */
    word_t  length;        /* number of argument MRs available (clamped as the ABI says) */
    cptr_t  cptr;          /* the invoked cptr */
    cte_t  *slot;          /* slot holding the invoked cap */
    cap_t   cap;           /* the invoked cap */
    bool    call;          /* invoked with Call: a reply is expected */
    bool    block;         /* blocking send (Call/Send), not NBSend or a send phase */
    word_t *buffer;        /* invoker's IPC buffer (kernel address) or NULL */
    word_t  extra_count;   /* extra caps that resolved (lookup stops at the first failure) */
    extra_cap_t extra[seL4_MsgMaxExtraCaps];
    word_t  reply_length;  /* MRs of the success reply written with inv_reply_mr */
} invocation_t;

/* Argument message register i (0-based). The caller must have checked inv->length. */
word_t inv_mr(const invocation_t *inv, word_t i);
/* Set message register i of the success reply (written straight to the invoker). */
void inv_reply_mr(invocation_t *inv, word_t i, word_t value);

/* Message registers of any thread: MR0..3 in x2..x5, the rest in the IPC buffer. */
word_t get_mr(tcb_t *t, const word_t *buffer, word_t i);
void   set_mr(tcb_t *t, word_t *buffer, word_t i, word_t value);

/* Per-object decoders (each in its object's file). Return OK after performing the
 * operation, or an error status with ks_syscall_error filled in. */
status_t decode_untyped_invocation(invocation_t *inv);
status_t decode_cnode_invocation(invocation_t *inv);
status_t decode_tcb_invocation(invocation_t *inv);
status_t decode_domain_invocation(invocation_t *inv);
status_t decode_sched_control_invocation(invocation_t *inv);
status_t decode_sched_context_invocation(invocation_t *inv);
status_t decode_irq_control_invocation(invocation_t *inv);
status_t decode_irq_handler_invocation(invocation_t *inv);
status_t arch_decode_invocation(invocation_t *inv);   /* frames, page tables, VSpaces, ASIDs */

/* Human-readable names for debug messages. */
const char *cap_type_name(word_t tag);
const char *label_name(word_t label);
