/*
 * Host tests of the scheduler (kernel/model/sched.c): the ready queues and their bitmap,
 * the scheduler's choice, preemption by woken threads, round robin, MCS budget expiry,
 * the release queue, the timer deadline and time conversions.
 */
#include "sched_test_util.h"

/* ---- queues and bitmap --------------------------------------------------------------------- */

static void test_highest_priority_first(void **state)
{
    (void)state;
    word_t prios[] = { 3, 200, 64, 255, 0, 63, 128 };
    word_t order[] = { 255, 200, 128, 64, 63, 3, 0 };

    for (size_t i = 0; i < ARRAY_SIZE(prios); i++)
        new_runnable("t", prios[i], 1000, 1000, 0, false);
    for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
        exit_kernel();
        assert_int_equal(ks_cur_thread->priority, order[i]);
        assert_false(ks_cur_thread->in_ready_queue);
        set_thread_state(ks_cur_thread, ThreadState_Inactive);   /* it blocks */
    }
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, ks_idle_thread);
}

/* Walk a priority's queue both ways through the public dequeue/enqueue operations. */
static void test_enqueue_dequeue_invariants(void **state)
{
    (void)state;
    tcb_t *a = new_runnable("a", 7, 1000, 1000, 0, false);
    tcb_t *b = new_runnable("b", 7, 1000, 1000, 0, false);
    tcb_t *c = new_runnable("c", 7, 1000, 1000, 0, false);

    /* bind enqueues at the head: c, b, a */
    assert_ptr_equal(c->sched_next, b);
    assert_ptr_equal(b->sched_next, a);
    assert_null(a->sched_next);
    assert_ptr_equal(a->sched_prev, b);
    assert_null(c->sched_prev);

    sched_enqueue(b);                      /* already queued: no change */
    assert_ptr_equal(c->sched_next, b);
    assert_ptr_equal(b->sched_next, a);

    sched_dequeue(b);                      /* middle */
    assert_false(b->in_ready_queue);
    assert_ptr_equal(c->sched_next, a);
    assert_ptr_equal(a->sched_prev, c);
    sched_dequeue(b);                      /* not queued: no-op */

    sched_append(b);                       /* tail */
    assert_ptr_equal(a->sched_next, b);
    assert_ptr_equal(b->sched_prev, a);

    sched_dequeue(c);                      /* head */
    sched_dequeue(b);                      /* tail */
    assert_null(a->sched_prev);
    assert_null(a->sched_next);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, a);

    /* The queue is empty once a runs: the bitmap must say so. */
    set_thread_state(a, ThreadState_Inactive);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, ks_idle_thread);
}

static void test_round_robin_within_priority(void **state)
{
    (void)state;
    tcb_t *t[3];
    for (int i = 0; i < 3; i++) {
        t[i] = new_runnable("rr", 10, 1000, 1000, 0, false);
        sched_dequeue(t[i]);
        sched_append(t[i]);                /* FIFO order t0, t1, t2 */
    }
    exit_kernel();
    for (int round = 0; round < 7; round++) {
        assert_ptr_equal(ks_cur_thread, t[round % 3]);
        assert_true(enter_kernel(US(100)));
        mcs_yield();                       /* to the back of the queue */
        exit_kernel();
    }
}

static void test_yield_gives_up_budget_but_reports_use(void **state)
{
    (void)state;
    tcb_t *a = new_runnable("a", 10, 1000, 1000, 0, false);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, a);
    assert_true(enter_kernel(US(300)));
    mcs_yield();
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, a);    /* alone at its priority: runs again */
    assert_int_equal(a->sc->consumed, US(300));
    assert_int_equal(refill_head(a->sc)->amount, US(1000));   /* a fresh timeslice */
}

/* ---- preemption by woken threads ------------------------------------------------------------- */

static tcb_t *start_current(word_t prio)
{
    tcb_t *cur = new_runnable("cur", prio, 5000, 5000, 0, false);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, cur);
    return cur;
}

static tcb_t *new_blocked(const char *name, word_t prio)
{
    tcb_t *t = new_runnable(name, prio, 5000, 5000, 0, false);
    sched_dequeue(t);
    t->state = ThreadState_BlockedOnReceive;
    ks_sched_action = SCHED_RESUME_CURRENT;
    return t;
}

static void test_woken_higher_priority_preempts(void **state)
{
    (void)state;
    tcb_t *cur = start_current(10);
    tcb_t *hi = new_blocked("hi", 20);

    set_thread_state(hi, ThreadState_Running);
    possible_switch_to(hi);
    assert_ptr_equal(ks_sched_action, hi);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, hi);
    assert_true(cur->in_ready_queue);       /* preempted, first in line at its priority */
}

static void test_woken_lower_priority_waits(void **state)
{
    (void)state;
    tcb_t *cur = start_current(10);
    tcb_t *lo = new_blocked("lo", 5);

    set_thread_state(lo, ThreadState_Running);
    possible_switch_to(lo);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, cur);
    assert_true(lo->in_ready_queue);
}

static void test_woken_equal_priority_goes_behind(void **state)
{
    (void)state;
    tcb_t *cur = start_current(10);
    tcb_t *other = new_runnable("other", 10, 5000, 5000, 0, false);   /* already queued */
    exit_kernel();
    tcb_t *eq = new_blocked("eq", 10);

    set_thread_state(eq, ThreadState_Running);
    possible_switch_to(eq);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, cur);   /* the current thread keeps the CPU */
    assert_ptr_equal(other->sched_next, eq); /* the woken one is at the tail */
}

static void test_two_wakeups_use_the_queues(void **state)
{
    (void)state;
    start_current(10);
    tcb_t *a = new_blocked("a", 20);
    tcb_t *b = new_blocked("b", 30);

    set_thread_state(a, ThreadState_Running);
    possible_switch_to(a);
    set_thread_state(b, ThreadState_Running);
    possible_switch_to(b);
    assert_ptr_equal(ks_sched_action, SCHED_CHOOSE_NEW);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, b);
    assert_true(a->in_ready_queue);
}

static void test_current_blocking_switches(void **state)
{
    (void)state;
    tcb_t *cur = start_current(10);
    tcb_t *next = new_runnable("next", 3, 5000, 5000, 0, false);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, cur);

    set_thread_state(cur, ThreadState_BlockedOnReceive);
    assert_ptr_equal(ks_sched_action, SCHED_CHOOSE_NEW);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, next);
    assert_false(cur->in_ready_queue);
}

static void test_passive_thread_not_queued(void **state)
{
    (void)state;
    tcb_t *p = new_thread("passive", 50);
    set_thread_state(p, ThreadState_Running);
    possible_switch_to(p);
    assert_false(thread_is_schedulable(p));
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, ks_idle_thread);

    /* An unconfigured SC does not make it runnable either. */
    sched_context_bind_tcb(new_sc(7), p);
    assert_false(p->in_ready_queue);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, ks_idle_thread);
}

static void test_set_priority_requeues(void **state)
{
    (void)state;
    tcb_t *cur = start_current(10);
    tcb_t *t = new_runnable("t", 5, 5000, 5000, 0, false);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, cur);

    set_priority(t, 50);
    assert_int_equal(t->priority, 50);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, t);

    set_priority(t, 1);                     /* the current thread lowers itself */
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, cur);
}

/* ---- MCS: budgets, the release queue, the timer ------------------------------------------------ */

static void test_timer_deadline_is_budget_end(void **state)
{
    (void)state;
    tcb_t *a = new_runnable("a", 10, 2000, 2000, 0, false);
    exit_kernel();
    assert_ptr_equal(ks_cur_sc, a->sc);
    assert_int_equal(fake_deadline, ks_cur_time + US(2000));
}

static void test_round_robin_budget_expiry(void **state)
{
    (void)state;
    tcb_t *a = new_runnable("a", 10, 1000, 1000, 0, false);
    tcb_t *b = new_runnable("b", 10, 1000, 1000, 0, false);
    exit_kernel();
    tcb_t *first = ks_cur_thread, *second = first == a ? b : a;

    assert_true(enter_kernel(US(500)));     /* still within budget: nothing happens */
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, first);

    assert_false(enter_kernel(US(500)));    /* the timeslice is over */
    mcs_handle_timer_interrupt();
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, second);
    assert_true(first->in_ready_queue);     /* round robin: back of the queue, full budget */
    assert_int_equal(refill_head(first->sc)->amount, US(1000));
    assert_int_equal(first->sc->consumed, US(1000));
    assert_int_equal(fake_deadline, ks_cur_time + US(1000));
}

static void test_sporadic_postponed_until_refill(void **state)
{
    (void)state;
    tcb_t *a = new_runnable("a", 10, 1000, 10000, 0, false);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, a);
    ticks_t start = ks_cur_time;

    assert_false(enter_kernel(US(1000)));
    assert_true(a->in_release_queue);
    assert_ptr_equal(release_queue_head(), a);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, ks_idle_thread);
    assert_int_equal(fake_deadline, start + US(10000));   /* the refill's release */

    /* The timer fires at the release: a runs again with its full budget. */
    fake_now = fake_deadline;
    enter_kernel(0);
    mcs_handle_timer_interrupt();
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, a);
    assert_false(a->in_release_queue);
    assert_int_equal(refill_head(a->sc)->amount, US(1000));
}

static void test_release_queue_order(void **state)
{
    (void)state;
    tcb_t *t[3];
    ticks_t period[3] = { 30000, 10000, 20000 };
    for (int i = 0; i < 3; i++) {
        t[i] = new_runnable("s", 10 + i, 1000, period[i], 0, false);
        exit_kernel();
        assert_ptr_equal(ks_cur_thread, t[i]);
        assert_false(enter_kernel(US(1000)));  /* uses up its budget */
        exit_kernel();
    }
    tcb_t *h = release_queue_head();
    assert_ptr_equal(h, t[1]);
    assert_ptr_equal(h->sched_next, t[2]);
    assert_ptr_equal(h->sched_next->sched_next, t[0]);

    release_queue_remove(t[2]);             /* from the middle */
    assert_ptr_equal(t[1]->sched_next, t[0]);
    assert_ptr_equal(t[0]->sched_prev, t[1]);
}

/* A thread woken while its SC has no released budget (e.g. an SC that came back along
 * a reply) waits in the release queue instead of being switched to. */
static void test_woken_without_budget_is_postponed(void **state)
{
    (void)state;
    tcb_t *a = new_runnable("a", 10, 1000, 10000, 0, false);
    exit_kernel();
    assert_false(enter_kernel(US(1000)));
    exit_kernel();
    release_queue_remove(a);
    a->state = ThreadState_Inactive;

    set_thread_state(a, ThreadState_Running);
    possible_switch_to(a);
    assert_true(a->in_release_queue);
    assert_ptr_equal(ks_sched_action, SCHED_RESUME_CURRENT);
}

/* A sporadic SC re-bases its head refill when its thread wakes up. */
static void test_sporadic_wakeup_rebases(void **state)
{
    (void)state;
    tcb_t *a = new_runnable("a", 10, 1000, 10000, 0, true);
    exit_kernel();
    assert_true(enter_kernel(US(300)));
    set_thread_state(a, ThreadState_Inactive);        /* blocks after 300 µs */
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, ks_idle_thread);
    assert_int_equal(refill_head(a->sc)->amount, US(700));

    enter_kernel(US(2000));
    set_thread_state(a, ThreadState_Running);
    possible_switch_to(a);
    assert_int_equal(refill_head(a->sc)->release, ks_cur_time);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, a);
}

static void test_idle_is_not_charged(void **state)
{
    (void)state;
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, ks_idle_thread);
    assert_true(enter_kernel(MS(50)));
    tcb_t *a = new_runnable("a", 10, 1000, 1000, 0, false);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, a);
    assert_int_equal(a->sc->consumed, 0);
    assert_int_equal(refill_head(a->sc)->amount, US(1000));
}

static void test_lazy_commit_charges_in_one_piece(void **state)
{
    (void)state;
    tcb_t *a = new_runnable("a", 10, 1000, 10000, 1, false);
    exit_kernel();
    for (int i = 0; i < 5; i++) {            /* five short syscalls */
        assert_true(enter_kernel(US(100)));
        exit_kernel();
    }
    assert_int_equal(a->sc->refill_count, 1);  /* nothing charged yet */
    assert_int_equal(ks_consumed, US(500));

    tcb_t *hi = new_blocked("hi", 20);        /* a switch charges what a used */
    set_thread_state(hi, ThreadState_Running);
    possible_switch_to(hi);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, hi);
    assert_int_equal(a->sc->consumed, US(500));
    assert_int_equal(a->sc->refill_count, 2);
    assert_int_equal(refill_head(a->sc)->amount, US(500));
    assert_int_equal(refill_tail(a->sc)->amount, US(500));
}

static void test_suspend_removes_from_queues(void **state)
{
    (void)state;
    tcb_t *a = new_runnable("a", 10, 1000, 10000, 0, false);
    exit_kernel();
    assert_false(enter_kernel(US(1000)));
    assert_true(a->in_release_queue);
    suspend(a);
    assert_false(a->in_release_queue);
    assert_null(release_queue_head());
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, ks_idle_thread);

    restart(a);                               /* out of budget: back to the release queue */
    assert_int_equal(a->state, ThreadState_Restart);
    assert_true(a->in_release_queue);
}

static void test_activate_restart_sets_pc(void **state)
{
    (void)state;
    tcb_t *a = new_runnable("a", 10, 1000, 1000, 0, false);
    set_reg(a, REG_FAULT_IP, 0x4000);
    set_reg(a, REG_PC, 0x4004);
    set_thread_state(a, ThreadState_Restart);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, a);
    assert_int_equal(a->state, ThreadState_Running);
    assert_int_equal(get_reg(a, REG_PC), 0x4000);
}

static void test_unbind_current_sc_reschedules(void **state)
{
    (void)state;
    tcb_t *a = new_runnable("a", 10, 1000, 1000, 0, false);
    exit_kernel();
    sched_context_t *sc = a->sc;
    sched_context_unbind_tcb(sc);
    assert_null(a->sc);
    assert_null(sc->tcb);
    exit_kernel();
    assert_ptr_equal(ks_cur_thread, ks_idle_thread);
}

static void test_dump_lists_threads(void **state)
{
    (void)state;
    new_runnable("dumped", 10, 1000, 1000, 0, false);
    exit_kernel();
    sched_dump();                              /* must not crash; prints to stdout */
}

/* ---- time conversions ---------------------------------------------------------------------------- */

static void test_us_ticks_conversions(void **state)
{
    (void)state;
    assert_int_equal(us_to_ticks(1000), 62500);
    assert_int_equal(us_to_ticks(20), KEEL_MIN_BUDGET_TICKS);
    assert_int_equal(us_to_ticks(1), 62);          /* 62.5 rounds down */
    assert_int_equal(ticks_to_us(62500), 1000);
    assert_int_equal(ticks_to_us(62), 0);
    assert_int_equal(ticks_to_us(63), 1);
    assert_int_equal(ticks_to_us(KEEL_MIN_BUDGET_TICKS), 20);
    assert_int_equal(us_to_ticks(KEEL_MAX_PERIOD_US), (ticks_t)KEEL_MAX_PERIOD_US * 62500 / 1000);
    assert_int_equal(us_to_ticks(~(word_t)0), ~(ticks_t)0);     /* saturates */
    /* No overflow for large tick counts: exact ticks * 1000 / 62500. */
    assert_int_equal(ticks_to_us(~(ticks_t)0), (word_t)((unsigned __int128)~(ticks_t)0 * 1000 / 62500));
    /* Both directions round down: an odd µs count loses the half tick. */
    for (word_t us = 0; us < 100000; us += 977)
        assert_int_equal(ticks_to_us(us_to_ticks(us)), us % 2 ? us - 1 : us);
}

static void test_update_consumed_resets(void **state)
{
    (void)state;
    sched_context_t *sc = new_sc(7);
    sc->consumed = US(1234);
    assert_int_equal(sched_context_update_consumed(sc), 1234);
    assert_int_equal(sc->consumed, 0);
    assert_int_equal(sched_context_update_consumed(sc), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_highest_priority_first),
        TEST(test_enqueue_dequeue_invariants),
        TEST(test_round_robin_within_priority),
        TEST(test_yield_gives_up_budget_but_reports_use),
        TEST(test_woken_higher_priority_preempts),
        TEST(test_woken_lower_priority_waits),
        TEST(test_woken_equal_priority_goes_behind),
        TEST(test_two_wakeups_use_the_queues),
        TEST(test_current_blocking_switches),
        TEST(test_passive_thread_not_queued),
        TEST(test_set_priority_requeues),
        TEST(test_timer_deadline_is_budget_end),
        TEST(test_round_robin_budget_expiry),
        TEST(test_sporadic_postponed_until_refill),
        TEST(test_release_queue_order),
        TEST(test_woken_without_budget_is_postponed),
        TEST(test_sporadic_wakeup_rebases),
        TEST(test_idle_is_not_charged),
        TEST(test_lazy_commit_charges_in_one_piece),
        TEST(test_suspend_removes_from_queues),
        TEST(test_activate_restart_sets_pc),
        TEST(test_unbind_current_sc_reschedules),
        TEST(test_dump_lists_threads),
        TEST(test_us_ticks_conversions),
        TEST(test_update_consumed_resets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
