/*
 * Helpers for the IPC host tests: kernel objects carved out of a static arena (reset
 * before every test, so nothing leaks), threads with a CSpace and an IPC buffer, and
 * short-hands for the syscall register conventions.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <keel/ipc.h>
#include <keel/sched.h>
#include <keel/tcb.h>
#include <keel/state.h>
#include <keel/cnode.h>
#include <keel/invocation.h>

#define ARENA_BYTES (1u << 20)
static uint8_t arena[ARENA_BYTES] ALIGNED(1 << 13);
static size_t arena_used;

static inline void *arena_alloc(size_t bytes, size_t align)
{
    size_t at = (arena_used + align - 1) & ~(align - 1);
    assert_true(at + bytes <= ARENA_BYTES);
    arena_used = at + bytes;
    return &arena[at];
}

static inline int reset_arena(void **state)
{
    (void)state;
    memset(arena, 0, sizeof(arena));
    arena_used = 0;
    ks_cur_thread = NULL;
    ks_cur_sc = NULL;
    return 0;
}

/* ---- objects ------------------------------------------------------------------------------ */

#define TEST_CNODE_RADIX 8
#define TEST_IPC_BUFFER_VADDR 0x7000400ull      /* 1 KiB into its 4 KiB frame */

/* A thread with a one-level CSpace (radix 8, guard 56 bits of 0) and a state. */
static inline tcb_t *new_thread(const char *name, uint8_t prio)
{
    tcb_t *t = arena_alloc(BIT(seL4_TCBBits), BIT(seL4_TCBBits));
    cte_t *cnode = arena_alloc(BIT(TEST_CNODE_RADIX + seL4_SlotBits), BIT(TEST_CNODE_RADIX + seL4_SlotBits));

    strncpy(t->name, name, 32);
    t->priority = prio;
    t->mcp = prio;
    t->state = ThreadState_Running;
    tcb_slot(t, TCB_CTABLE)->cap =
        cnode_cap_new(paddr_of(cnode), TEST_CNODE_RADIX, 64 - TEST_CNODE_RADIX, 0);
    return t;
}

static inline cte_t *cspace_slot(tcb_t *t, word_t index)
{
    return &cnode_slots(tcb_slot(t, TCB_CTABLE)->cap)[index];
}

/* Give t a read-write IPC buffer; returns the kernel's view of it (word 0 = tag). */
static inline word_t *give_ipc_buffer(tcb_t *t)
{
    uint8_t *frame = arena_alloc(BIT(seL4_PageBits), BIT(seL4_PageBits));

    tcb_slot(t, TCB_BUFFER)->cap = frame_cap_new(paddr_of(frame), FRAME_4K, VM_READ_WRITE, false);
    t->ipc_buffer = TEST_IPC_BUFFER_VADDR;
    return (word_t *)(frame + (TEST_IPC_BUFFER_VADDR & MASK(seL4_PageBits)));
}

static inline endpoint_t *new_endpoint(void)
{
    return arena_alloc(BIT(seL4_EndpointBits), BIT(seL4_EndpointBits));
}

static inline notification_t *new_notification(void)
{
    return arena_alloc(BIT(seL4_NotificationBits), BIT(seL4_NotificationBits));
}

static inline reply_t *new_reply(void)
{
    return arena_alloc(BIT(seL4_ReplyBits), BIT(seL4_ReplyBits));
}

static inline cap_t reply_cap(reply_t *r, bool grant) { return reply_cap_new(paddr_of(r), grant); }

static inline sched_context_t *new_sc(void)
{
    sched_context_t *sc = arena_alloc(BIT(8), BIT(8));
    sched_context_init(sc, 8);
    return sc;
}

static inline cap_t ep_cap(endpoint_t *ep, word_t badge, word_t rights)
{
    return endpoint_cap_new(paddr_of(ep), badge, rights);
}

static inline cap_t ntfn_cap(notification_t *n, word_t badge, word_t rights)
{
    return notification_cap_new(paddr_of(n), badge, rights);
}

/* ---- registers ------------------------------------------------------------------------------ */

static inline void set_msg(tcb_t *t, word_t label, word_t extra_caps, word_t length)
{
    set_reg(t, REG_MSGINFO, msginfo_new(label, 0, extra_caps, length));
}

static inline word_t got_label(tcb_t *t)   { return msginfo_label(get_reg(t, REG_MSGINFO)); }
static inline word_t got_length(tcb_t *t)  { return get_reg(t, REG_MSGINFO) & KEEL_MSGINFO_LENGTH_MASK; }
static inline word_t got_extra(tcb_t *t)   { return msginfo_extra_caps(get_reg(t, REG_MSGINFO)); }
static inline word_t got_unwrapped(tcb_t *t) { return msginfo_caps_unwrapped(get_reg(t, REG_MSGINFO)); }

/* Send as the syscall layer does for a cap with the given rights. */
static inline void do_send(tcb_t *t, cap_t cap, bool blocking, bool call)
{
    word_t r = cap_rights(cap);
    send_ipc(blocking, call, cap_badge(cap), r & RIGHT_GRANT, r & RIGHT_GRANT_REPLY, call, t,
             cap_ptr(cap));
}
