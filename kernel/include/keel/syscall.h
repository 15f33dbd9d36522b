/* The syscall layer (api/syscall.c, api/invocation.c). */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>
#include <keel/status.h>

/* Keel's own debug syscall, outside seL4's numbers: run the invariant checker. */
#define KEEL_SYS_DEBUG_CHECK_INVARIANTS (-64)

/* Invoke the cap at cptr with the current thread's message (Call, Send, NBSend and the
 * send phase of ReplyRecv/NBSendRecv/NBSendWait). */
status_t handle_invocation(bool call, bool block, bool can_donate, bool first_phase, cptr_t cptr);
/* Write a lookup failure (ABI (e) encoding) from MR 'first' on; returns words written. */
word_t set_lookup_fault_mrs(tcb_t *t, word_t *buffer, word_t first, const lookup_fault_t *lf);

/* DebugSnapshot: print the caller's CSpace in a capDL-like listing (api/debug.c). */
void debug_snapshot(tcb_t *t);
