/*
 * Host test helpers: kernel objects in ordinary host memory.
 *
 * On the host a "physical" address is the host address (tests/host/include/arch/memory.h),
 * so any suitably aligned host memory can hold a kernel object. These helpers allocate
 * it, build CSpaces, and invoke caps the way the syscall layer would, for the tests of
 * every kernel module.
 */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>
#include <keel/invocation.h>

/* ---- memory ---------------------------------------------------------------------------- */

/* 2^size_bits zeroed bytes aligned to their size; freed by host_free_all(). */
void *host_alloc(word_t size_bits);
/* Free everything host_alloc() handed out (call in each test's teardown: the tests run
 * with LeakSanitizer). Also clears ks_cur_thread if it pointed into that memory. */
void host_free_all(void);

/* ---- objects --------------------------------------------------------------------------- */

/* A CNode of 2^radix slots (all empty) and a cap to it with the given guard. */
cap_t host_make_cnode(word_t radix, word_t guard_size, word_t guard);
/* A zeroed TCB (tcb_init is not called) whose CSpace root slot holds cspace_root as an
 * original cap (no parent). Pass the null cap for no CSpace. */
tcb_t *host_make_thread(cap_t cspace_root);
/* An untyped of 2^size_bits bytes of zeroed host memory, put into the empty slot 'slot'
 * as an original cap with the given watermark. Returns the cap. */
cap_t host_make_untyped(cte_t *slot, word_t size_bits, bool device, word_t free_index);
/* Put an original cap into a slot (as boot does). */
void host_put_cap(cte_t *slot, cap_t cap);

/* ---- a standard CSpace ------------------------------------------------------------------- */

/*
 * A thread whose CSpace root is a CNode of 2^radix slots with guard size 64 - radix and
 * guard 0, so cptr i < 2^radix names slot i at depth 64 (like the root task's CSpace).
 * The thread becomes ks_cur_thread (the invoker) and its IPC buffer is a host buffer.
 */
typedef struct host_cspace {
    tcb_t *thread;
    cap_t  root;        /* the root CNode cap (also in the thread's CTABLE slot) */
    cte_t *slots;       /* the root CNode's slots */
    word_t radix;
    word_t *ipc_buffer; /* 128 words, ABI (b) layout */
} host_cspace_t;

void host_cspace_init(host_cspace_t *cs, word_t radix);
/* Put a copy of the root CNode cap into root slot 'slot' (so that it can be invoked and
 * named as an extra cap), as a child of the thread's own root cap. */
void host_cspace_add_root_cap(host_cspace_t *cs, word_t slot);

/* ---- invoking caps ---------------------------------------------------------------------- */

typedef status_t (*host_decoder_t)(invocation_t *inv);

/*
 * Invoke the cap at cptr (looked up at depth 64 in the thread's CSpace, like x0) with
 * 'label', message words mrs[0..length) and the extra caps named by extra[0..n_extra)
 * (looked up like a real invocation's: the count stops at the first that fails).
 * MR0..3 go in the thread's registers, the rest in buffer (or the thread's host_cspace
 * buffer when NULL). Then calls decode. Returns ERR_LOOKUP if cptr does not resolve.
 */
status_t host_invoke(host_decoder_t decode, tcb_t *thread, word_t *buffer, cptr_t cptr,
                     word_t label, const word_t *mrs, word_t length,
                     const cptr_t *extra, word_t n_extra);

/* Fill 'inv' as host_invoke would, without calling a decoder (for tests that need to
 * adjust the invocation first). Returns ERR_LOOKUP if cptr does not resolve. */
status_t host_build_invocation(invocation_t *inv, tcb_t *thread, word_t *buffer, cptr_t cptr,
                               word_t label, const word_t *mrs, word_t length,
                               const cptr_t *extra, word_t n_extra);

/* host_invoke for CNode and Untyped caps of a host_cspace (chooses the decoder). */
status_t host_invoke_cs(host_cspace_t *cs, cptr_t cptr, word_t label, const word_t *mrs,
                        word_t length, const cptr_t *extra, word_t n_extra);

/* Untyped_Retype by the cs thread: the untyped at cptr 'ut' makes 'count' objects into
 * the CNode whose cap is at cptr 'dest_cnode' (named with depth 0), from slot 'offset'. */
status_t host_retype(host_cspace_t *cs, cptr_t ut, word_t type, word_t size_bits,
                     cptr_t dest_cnode, word_t offset, word_t count);

/* Repeat an operation that may be preempted (ERR_PREEMPTED) until it finishes, as a
 * restarted syscall would; at most 'limit' times (then returns ERR_PREEMPTED). */
#define HOST_UNTIL_DONE(expr, limit)                                         \
    ({                                                                       \
        status_t st_;                                                        \
        word_t tries_ = 0;                                                   \
        do {                                                                 \
            st_ = (expr);                                                    \
        } while (st_ == ERR_PREEMPTED && ++tries_ < (limit));                \
        st_;                                                                 \
    })
