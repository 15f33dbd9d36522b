/* Threads (object/tcb.c). */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>
#include <keel/status.h>

static inline word_t get_reg(const tcb_t *t, word_t r) { return t->ctx.regs[r]; }
static inline void set_reg(tcb_t *t, word_t r, word_t v) { t->ctx.regs[r] = v; }
static inline tcb_t *tcb_of_cap(cap_t c) { return (tcb_t *)cap_ptr(c); }

void tcb_init(tcb_t *t);                    /* a freshly retyped (zeroed) TCB */
void tcb_finalise(tcb_t *t);                /* last cap deleted: unlink it from everything */
void suspend(tcb_t *t);                     /* cancel IPC, make Inactive */
void restart(tcb_t *t);                     /* Inactive/blocked → Restart and schedulable */
/* Kernel address of t's IPC buffer if its buffer cap allows the access, else NULL.
 * A receiver needs a writable buffer; a sender a readable one. */
word_t *lookup_ipc_buffer(tcb_t *t, bool is_receiver);
void tcb_set_name(tcb_t *t, const char *name, word_t max);
const char *tcb_name(tcb_t *t);

/* All live TCBs (linked by tcb_init, unlinked by tcb_finalise), for DebugDumpScheduler. */
tcb_t *tcb_debug_list(void);
/* seL4_UserContext index (ABI (i), KEEL_UC_*) -> index into user_context_t.regs. */
word_t user_context_reg(word_t uc_index);
