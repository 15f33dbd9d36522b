/*
 * Host tests of the refill arithmetic of scheduling contexts (kernel/object/
 * schedcontext.c): new and updated parameters, charging (split, merge, full queue,
 * minimum budget), unblocking, and invariants under a long random run.
 */
#include "sched_test_util.h"

#define P US(10000)     /* period used by most tests */
#define B US(1000)      /* budget used by most tests */

static ticks_t t0;

static sched_context_t *sporadic_sc(word_t max_refills)
{
    sched_context_t *sc = new_sc(8);
    t0 = ks_cur_time;
    refill_new(sc, max_refills, B, P);
    return sc;
}

static refill_t refill_at(sched_context_t *sc, word_t i)
{
    return sc->refills[(sc->refill_head + i) % sc->refill_max];
}

#define assert_refill(sc, i, rel, amt)                       \
    do {                                                     \
        refill_t r_ = refill_at(sc, i);                      \
        assert_int_equal(r_.release, (rel));                 \
        assert_int_equal(r_.amount, (amt));                  \
    } while (0)

/* The invariants seL4 keeps: amounts add up to the budget, the head can be used, and
 * refills neither overlap nor go out of order. */
static void check_invariants(sched_context_t *sc)
{
    assert_true(sc->refill_count >= 1 && sc->refill_count <= sc->refill_max);
    assert_int_equal(refill_sum(sc), sc->budget);
    assert_true(refill_head(sc)->amount >= MIN_BUDGET);
    for (word_t i = 0; i + 1 < sc->refill_count; i++) {
        refill_t a = refill_at(sc, i), b = refill_at(sc, i + 1);
        assert_true(a.release + a.amount <= b.release);
    }
}

static void test_capacity_for_size(void **state)
{
    (void)state;
    assert_int_equal(sched_context_refill_capacity(7), 2);
    assert_int_equal(sched_context_refill_capacity(8), 10);
    assert_int_equal(sched_context_refill_capacity(8) - MIN_REFILLS, seL4_MaxExtraRefills(8));
}

static void test_new_round_robin(void **state)
{
    (void)state;
    sched_context_t *sc = new_sc(7);
    refill_new(sc, MIN_REFILLS, B, 0);
    assert_true(sched_context_is_round_robin(sc));
    assert_int_equal(sc->refill_count, 2);
    assert_refill(sc, 0, ks_cur_time, B);
    assert_refill(sc, 1, ks_cur_time, 0);
    assert_true(refill_ready(sc));
    assert_true(refill_sufficient(sc, B - MIN_BUDGET));
    assert_false(refill_sufficient(sc, B - MIN_BUDGET + 1));
}

static void test_new_sporadic(void **state)
{
    (void)state;
    sched_context_t *sc = sporadic_sc(4);
    assert_int_equal(sc->refill_count, 1);
    assert_refill(sc, 0, t0, B);
    check_invariants(sc);
}

static void test_partial_charge_splits_head(void **state)
{
    (void)state;
    sched_context_t *sc = sporadic_sc(4);
    refill_budget_check(sc, US(300));
    assert_int_equal(sc->refill_count, 2);
    assert_refill(sc, 0, t0 + US(300), US(700));    /* the rest, starting later */
    assert_refill(sc, 1, t0 + P, US(300));          /* the used part, one period on */
    check_invariants(sc);
}

static void test_consecutive_charges_merge(void **state)
{
    (void)state;
    sched_context_t *sc = sporadic_sc(4);
    refill_budget_check(sc, US(300));
    refill_budget_check(sc, US(200));               /* adjacent to the previous use */
    assert_int_equal(sc->refill_count, 2);
    assert_refill(sc, 0, t0 + US(500), US(500));
    assert_refill(sc, 1, t0 + P, US(500));
    check_invariants(sc);
}

static void test_whole_head_consumed(void **state)
{
    (void)state;
    sched_context_t *sc = sporadic_sc(4);
    refill_budget_check(sc, B);
    assert_int_equal(sc->refill_count, 1);
    assert_refill(sc, 0, t0 + P, B);
    assert_false(refill_ready(sc));
    check_invariants(sc);
}

static void test_overrun_charges_next_refills(void **state)
{
    (void)state;
    sched_context_t *sc = sporadic_sc(4);
    refill_budget_check(sc, US(400));               /* {t0+400, 600} {t0+P, 400} */
    refill_budget_check(sc, US(700));               /* all of the head and 100 more */
    check_invariants(sc);
    assert_false(refill_ready(sc));
}

static void test_full_queue_delays_tail(void **state)
{
    (void)state;
    sched_context_t *sc = sporadic_sc(MIN_REFILLS);
    refill_budget_check(sc, US(100));               /* {t0+100, 900} {t0+P, 100} */
    ks_cur_time = t0 + US(5000);
    sched_context_unblock_check(sc);                /* head re-based to now */
    assert_refill(sc, 0, t0 + US(5000), US(900));
    refill_budget_check(sc, US(100));               /* no room for a third refill */
    assert_int_equal(sc->refill_count, 2);
    assert_refill(sc, 0, t0 + US(5100), US(800));
    assert_refill(sc, 1, t0 + US(5000) + P - US(100), US(200));   /* tail delayed, merged */
    check_invariants(sc);
}

static void test_head_below_min_budget_merges(void **state)
{
    (void)state;
    sched_context_t *sc = sporadic_sc(4);
    refill_budget_check(sc, B - US(10));            /* 10 µs left: below MIN_BUDGET */
    assert_int_equal(sc->refill_count, 1);
    assert_refill(sc, 0, t0 + P - US(10), B);       /* merged; ends where the used one did */
    check_invariants(sc);
}

static void test_unblock_merges_released_refills(void **state)
{
    (void)state;
    sched_context_t *sc = sporadic_sc(4);
    refill_budget_check(sc, US(300));               /* {t0+300, 700} {t0+P, 300} */

    ks_cur_time = t0 + US(1000);                    /* second refill not reachable yet */
    sched_context_unblock_check(sc);
    assert_int_equal(sc->refill_count, 2);
    assert_refill(sc, 0, ks_cur_time, US(700));

    ks_cur_time = t0 + P - US(200);                 /* now the head overlaps the next */
    ks_reprogram = false;
    sched_context_unblock_check(sc);
    assert_true(ks_reprogram);
    assert_int_equal(sc->refill_count, 1);
    assert_refill(sc, 0, ks_cur_time, B);
    check_invariants(sc);
}

static void test_unblock_not_ready_or_round_robin(void **state)
{
    (void)state;
    sched_context_t *sc = sporadic_sc(4);
    refill_budget_check(sc, B);                     /* next release a period away */
    refill_t before = *refill_head(sc);
    sched_context_unblock_check(sc);
    assert_int_equal(refill_head(sc)->release, before.release);

    sched_context_t *rr = new_sc(7);
    refill_new(rr, MIN_REFILLS, B, 0);
    ks_cur_time += MS(5);
    sched_context_unblock_check(rr);
    assert_int_equal(refill_head(rr)->release, t0);
}

static void test_sporadic_unblock_only_for_sporadic(void **state)
{
    (void)state;
    sched_context_t *sc = sporadic_sc(4);
    refill_budget_check(sc, US(300));
    ks_cur_time = t0 + US(1000);
    sched_context_unblock_sporadic(sc);             /* flag clear: nothing */
    assert_refill(sc, 0, t0 + US(300), US(700));
    sc->sporadic = true;
    sched_context_unblock_sporadic(sc);
    assert_refill(sc, 0, t0 + US(1000), US(700));
}

static void test_update_shrinks_and_grows(void **state)
{
    (void)state;
    sched_context_t *sc = sporadic_sc(4);
    refill_budget_check(sc, US(300));               /* {t0+300, 700} {t0+P, 300} */
    ks_cur_time = t0 + US(400);

    refill_update(sc, P, US(500), 4);               /* head trimmed to the new budget */
    assert_int_equal(sc->refill_count, 1);
    assert_refill(sc, 0, ks_cur_time, US(500));
    check_invariants(sc);

    refill_update(sc, 2 * P, US(2000), 6);          /* the extra comes a period later */
    assert_int_equal(sc->refill_count, 2);
    assert_int_equal(sc->refill_max, 6);
    assert_refill(sc, 0, ks_cur_time, US(500));
    assert_refill(sc, 1, ks_cur_time + 2 * P, US(1500));
    check_invariants(sc);
}

static void test_round_robin_commit_moves_time(void **state)
{
    (void)state;
    t0 = ks_cur_time;
    tcb_t *a = new_runnable("a", 10, 1000, 1000, 0, false);
    exit_kernel();
    assert_true(enter_kernel(US(300)));
    mcs_commit_time();
    assert_refill(a->sc, 0, t0, US(700));
    assert_refill(a->sc, 1, t0, US(300));
    assert_int_equal(refill_sum(a->sc), B);
}

/* A long run of a sporadic server the way the kernel drives it: wait for the head,
 * re-base it on starting to run, use some of it, charge. */
static void test_random_run_keeps_invariants(void **state)
{
    (void)state;
    unsigned seed = 12345;
    for (word_t max = MIN_REFILLS; max <= 10; max += 4) {
        sched_context_t *sc = sporadic_sc(max);
        for (int step = 0; step < 3000; step++) {
            seed = seed * 1103515245 + 12345;
            if (!refill_ready(sc))
                ks_cur_time = refill_head(sc)->release;
            sched_context_unblock_check(sc);
            check_invariants(sc);
            ticks_t head = refill_head(sc)->amount;
            ticks_t used = 1 + (seed >> 8) % head;        /* the timer stops it at the end */
            ks_cur_time += used;
            refill_budget_check(sc, used);
            check_invariants(sc);
            ks_cur_time += (seed >> 4) % US(3000);         /* blocked for a while */
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_capacity_for_size),
        TEST(test_new_round_robin),
        TEST(test_new_sporadic),
        TEST(test_partial_charge_splits_head),
        TEST(test_consecutive_charges_merge),
        TEST(test_whole_head_consumed),
        TEST(test_overrun_charges_next_refills),
        TEST(test_full_queue_delays_tail),
        TEST(test_head_below_min_budget_merges),
        TEST(test_unblock_merges_released_refills),
        TEST(test_unblock_not_ready_or_round_robin),
        TEST(test_sporadic_unblock_only_for_sporadic),
        TEST(test_update_shrinks_and_grows),
        TEST(test_round_robin_commit_moves_time),
        TEST(test_random_run_keeps_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
