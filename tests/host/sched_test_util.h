/*
 * Helpers for the scheduler, refill and TCB host tests: a fresh kernel state per test
 * (an idle thread, the fake clock), threads and scheduling contexts in host memory, and
 * a teardown that destroys every thread through the real tcb_finalise (so the ready and
 * release queues are empty again for the next test).
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <keel/kernel.h>
#include <keel/sched.h>
#include <keel/tcb.h>
#include <keel/state.h>
#include <keel/status.h>
#include "fake_arch.h"

#define MS(x) ((ticks_t)(x) * TICKS_PER_MS)
#define US(x) ((ticks_t)(x) * TICKS_PER_MS / 1000)

#define MAX_TEST_ALLOCS 128
static void *test_allocs[MAX_TEST_ALLOCS];
static int test_nallocs;

/* Zeroed memory aligned to its (power-of-two) size, like a retyped object. */
static inline void *test_alloc(size_t size)
{
    assert_true(test_nallocs < MAX_TEST_ALLOCS);
    void *p = aligned_alloc(size, size);
    assert_non_null(p);
    memset(p, 0, size);
    test_allocs[test_nallocs++] = p;
    return p;
}

static inline tcb_t *new_thread(const char *name, word_t prio)
{
    tcb_t *t = test_alloc(BIT(seL4_TCBBits));
    tcb_init(t);
    tcb_set_name(t, name, TCB_NAME_BYTES);
    t->priority = prio;
    t->mcp = prio;
    return t;
}

static inline sched_context_t *new_sc(word_t size_bits)
{
    sched_context_t *sc = test_alloc(BIT(size_bits));
    sched_context_init(sc, size_bits);
    return sc;
}

/* A Running thread with its own configured SC (queued, not yet chosen). */
static inline tcb_t *new_runnable(const char *name, word_t prio, word_t budget_us, word_t period_us,
                                  word_t extra_refills, bool sporadic)
{
    tcb_t *t = new_thread(name, prio);
    sched_context_t *sc = new_sc(8);
    sched_context_configure(sc, us_to_ticks(budget_us), us_to_ticks(period_us), extra_refills, 0, sporadic);
    set_thread_state(t, ThreadState_Running);
    sched_context_bind_tcb(sc, t);
    return t;
}

static inline int kernel_setup(void **state)
{
    (void)state;
    fake_now = MS(1000);
    fake_deadline = 0;
    ks_cur_time = fake_now;
    ks_consumed = 0;
    ks_reprogram = false;
    ks_cur_domain = 0;
    ks_sched_action = SCHED_RESUME_CURRENT;
    tcb_t *idle = new_thread("idle", 0);
    idle->state = ThreadState_IdleThreadState;
    ks_idle_thread = idle;
    ks_cur_thread = idle;
    ks_cur_sc = NULL;
    return 0;
}

static inline int kernel_teardown(void **state)
{
    (void)state;
    /* Threads a test marked blocked without an endpoint to wait on: make them
     * Inactive so that cancel_ipc has nothing to undo. */
    for (tcb_t *t = tcb_debug_list(); t; t = t->debug_next)
        if (thread_is_blocked(t) && !t->blocking_object)
            t->state = ThreadState_Inactive;
    while (tcb_debug_list())
        tcb_finalise(tcb_debug_list());
    assert_null(release_queue_head());
    for (int i = 0; i < test_nallocs; i++)
        free(test_allocs[i]);
    test_nallocs = 0;
    ks_cur_thread = ks_idle_thread = NULL;
    ks_cur_sc = NULL;
    ks_sched_action = SCHED_RESUME_CURRENT;
    return 0;
}

/* The end of a kernel entry. */
static inline void exit_kernel(void)
{
    schedule();
    activate_thread();
}

/* A kernel entry 'elapsed' ticks after the last one: the budget check. */
static inline bool enter_kernel(ticks_t elapsed)
{
    fake_now += elapsed;
    return mcs_entry_check_budget();
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, kernel_setup, kernel_teardown)
