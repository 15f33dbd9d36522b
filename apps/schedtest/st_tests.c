/*
 * Time-dependent scheduler tests (ABI (k)): budgets and periods give CPU shares,
 * round robin by timeslice, the sporadic-server window bound and re-basing on unblock,
 * timeout faults (ABI (f)), SchedContext_Consumed, Yield giving up the head refill,
 * YieldTo, reconfiguring a running SC, and kernel entry costs that do not depend on the
 * number of threads. Shares are measured by the threads themselves with the generic
 * counter (see schedtest.h); -icount makes the numbers repeatable.
 */
#include "schedtest.h"

#include <sel4/keel.h>

#define PERMILLE(part, whole) ((whole) ? (part) * 1000 / (whole) : 0)

/* Check lo <= v <= hi and report v either way (the numbers are worth seeing). */
#define CHECK_RANGE(what, v, lo, hi)                                                   \
    do {                                                                               \
        uint64_t _v = (v);                                                             \
        tinfo("%s = %llu (want %llu..%llu)", what, (unsigned long long)_v,             \
              (unsigned long long)(lo), (unsigned long long)(hi));                     \
        if (_v < (uint64_t)(lo) || _v > (uint64_t)(hi))                                \
            FAIL("%s = %llu, want %llu..%llu", what, (unsigned long long)_v,           \
                 (unsigned long long)(lo), (unsigned long long)(hi));                  \
    } while (0)

static int st_start_worker(struct thread *t, struct st_worker *w, struct fault_ep *f,
                           seL4_Word prio, bool log)
{
    st_worker_init(w, log);
    TRY_R(thread_create(t, seL4_CapInitThreadCNode, 0, f->badged, prio), -1);
    return 0;
}

static int st_go(struct thread *t, struct st_worker *w)
{
    return thread_start(t, st_worker_fn, (seL4_Word)(uintptr_t)w);
}

/* The ticker wakes the root once per ms: 50 sleeps take 50 ms of counter time. */
TEST(st_ticker_period)
{
    uint64_t t0 = st_now();
    st_sleep_ms(50);
    uint64_t us = st_ticks_to_us(st_now() - t0);
    CHECK_RANGE("50 ticker periods (us)", us, 49000, 51000);
}

/*
 * Budget enforcement: threads with budget B per period P get B/P of the CPU. T3: 1/10 ms
 * above everything else (so never preempted: exactly 10 %); T1: 2/10 ms at priority 100
 * and T2: 3/10 ms at 90, both preempted (by T3, each other and the ticker) and with 8
 * extra refills; a round-robin thread at priority 50 gets the rest. Measured over
 * 200 ms; the kernel's Consumed agrees with what the threads saw.
 */
TEST(st_budget_share)
{
    static struct thread t1, t2, t3, tl;
    static struct st_worker w1, w2, w3, wl;
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    TRY(st_start_worker(&t1, &w1, &f, 100, false));
    TRY(st_start_worker(&t2, &w2, &f, 90, false));
    TRY(st_start_worker(&t3, &w3, &f, 250, false));
    TRY(st_start_worker(&tl, &wl, &f, 50, false));
    seL4_CPtr sc1 = st_rebind_sc(&t1, 8, 2000, 10000, 8, 0, 0);
    seL4_CPtr sc2 = st_rebind_sc(&t2, 8, 3000, 10000, 8, 0, 0);
    CHECK(sc1 && sc2);
    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), t3.sc, 1000, 10000, 0, 0, 0));
    TRY(st_go(&t1, &w1));
    TRY(st_go(&t2, &w2));
    TRY(st_go(&t3, &w3));
    TRY(st_go(&tl, &wl));
    st_sleep_ms(5);

    uint64_t s0 = st_now(), r1 = w1.run, r2 = w2.run, r3 = w3.run, rl = wl.run;
    (void)seL4_SchedContext_Consumed(sc1);
    (void)seL4_SchedContext_Consumed(sc2);
    (void)seL4_SchedContext_Consumed(t3.sc);
    st_sleep_ms(200);
    uint64_t s1 = st_now();
    r1 = w1.run - r1;
    r2 = w2.run - r2;
    r3 = w3.run - r3;
    rl = wl.run - rl;
    seL4_SchedContext_Consumed_t c1 = seL4_SchedContext_Consumed(sc1);
    seL4_SchedContext_Consumed_t c2 = seL4_SchedContext_Consumed(sc2);
    seL4_SchedContext_Consumed_t c3 = seL4_SchedContext_Consumed(t3.sc);
    w1.stop = w2.stop = w3.stop = wl.stop = 1;

    uint64_t win = s1 - s0;
    tinfo("window %llu us", (unsigned long long)st_ticks_to_us(win));
    CHECK_RANGE("share of 1ms/10ms, never preempted (permille)", PERMILLE(r3, win), 98, 101);
    CHECK_RANGE("share of 2ms/10ms (permille)", PERMILLE(r1, win), 192, 204);
    CHECK_RANGE("share of 3ms/10ms (permille)", PERMILLE(r2, win), 288, 304);
    CHECK_RANGE("share of round robin at prio 50 (permille)", PERMILLE(rl, win), 370, 410);
    CHECK_OK(c1.error);
    CHECK_OK(c2.error);
    CHECK_OK(c3.error);
    /* The kernel charges its own entry/exit time to the SC as well: a little more. */
    CHECK_RANGE("Consumed vs seen, 1ms/10ms (permille)",
                PERMILLE(c3.consumed, st_ticks_to_us(r3)), 995, 1030);
    CHECK_RANGE("Consumed vs seen, 2ms/10ms (permille)",
                PERMILLE(c1.consumed, st_ticks_to_us(r1)), 995, 1030);
    CHECK_RANGE("Consumed vs seen, 3ms/10ms (permille)",
                PERMILLE(c2.consumed, st_ticks_to_us(r2)), 995, 1030);
    cap_delete(sc1);
    cap_delete(sc2);
}

/*
 * SCs of the minimum size have two refills. When a thread that is preempted often
 * fills its refill queue, used time is merged into the tail refill, which moves back
 * (seL4's rule), so such a thread may get less than B/P; it must never get more, and
 * it must not starve. 2 ms / 10 ms (8 extra refills) at priority 100 above 3 ms /
 * 10 ms (2 refills) at priority 90, both preempted by the ticker every ms.
 */
TEST(st_budget_share_few_refills)
{
    static struct thread t1, t2, tl;
    static struct st_worker w1, w2, wl;
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    TRY(st_start_worker(&t1, &w1, &f, 100, false));
    TRY(st_start_worker(&t2, &w2, &f, 90, false));
    TRY(st_start_worker(&tl, &wl, &f, 50, false));
    seL4_CPtr sc1 = st_rebind_sc(&t1, 8, 2000, 10000, 8, 0, 0);
    CHECK(sc1 != 0);
    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), t2.sc, 3000, 10000, 0, 0, 0));
    TRY(st_go(&t1, &w1));
    TRY(st_go(&t2, &w2));
    TRY(st_go(&tl, &wl));
    st_sleep_ms(5);
    uint64_t s0 = st_now(), r1 = w1.run, r2 = w2.run;
    st_sleep_ms(100);
    uint64_t win = st_now() - s0;
    r1 = w1.run - r1;
    r2 = w2.run - r2;
    w1.stop = w2.stop = wl.stop = 1;
    CHECK_RANGE("share of 2ms/10ms, 2 refills (permille)", PERMILLE(r1, win), 150, 202);
    CHECK_RANGE("share of 3ms/10ms, 2 refills (permille)", PERMILLE(r2, win), 150, 302);
}

/*
 * Round robin within a priority: threads with round-robin SCs (budget == period) of 1, 1
 * and 2 ms share the CPU 1:1:2; a lower-priority thread gets nothing.
 */
TEST(st_round_robin_fairness)
{
    static struct thread t[3], tl;
    static struct st_worker w[3], wl;
    static const seL4_Word slice_us[3] = {1000, 1000, 2000};
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    for (int i = 0; i < 3; i++) {
        TRY(st_start_worker(&t[i], &w[i], &f, 100, false));
        CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), t[i].sc, slice_us[i],
                                                  slice_us[i], 0, 0, 0));
    }
    TRY(st_start_worker(&tl, &wl, &f, 50, false));
    for (int i = 0; i < 3; i++)
        TRY(st_go(&t[i], &w[i]));
    TRY(st_go(&tl, &wl));
    st_sleep_ms(3);
    uint64_t s0 = st_now(), r[3];
    for (int i = 0; i < 3; i++)
        r[i] = w[i].run;
    st_sleep_ms(100);
    uint64_t win = st_now() - s0;
    for (int i = 0; i < 3; i++) {
        r[i] = w[i].run - r[i];
        w[i].stop = 1;
    }
    wl.stop = 1;
    CHECK_RANGE("1 ms slice share (permille)", PERMILLE(r[0], win), 240, 252);
    CHECK_RANGE("1 ms slice share (permille)", PERMILLE(r[1], win), 240, 252);
    CHECK_RANGE("2 ms slice share (permille)", PERMILLE(r[2], win), 485, 502);
    CHECK_EQ(wl.started, 0); /* never ran */
}

/* The most running time w got in any window of `period` ticks starting where one of its
 * segments starts, within [from, to). */
static uint64_t st_max_window(const struct st_worker *w, uint64_t period, uint64_t from,
                              uint64_t to)
{
    uint64_t best = 0;
    for (unsigned i = 0; i <= w->nseg; i++) {
        uint64_t s = w->seg_start[i];
        if (s < from || s + period > to)
            continue;
        uint64_t r = st_worker_run_between(w, s, s + period);
        if (r > best)
            best = r;
    }
    return best;
}

struct st_signaller {
    seL4_CPtr ntfn;
};

static void st_signaller_fn(seL4_Word arg)
{
    struct st_signaller *sg = (struct st_signaller *)arg;
    for (;;) {
        seL4_Signal(sg->ntfn);
        seL4_Yield();
    }
}

/*
 * Sporadic servers (ABI (k), budget < period, sporadic flag): a thread that is woken
 * often and wants more than its budget never runs more than its budget in any window
 * of one period, and still gets its share over time. T: 2 ms / 10 ms, 8 extra refills,
 * runs 0.7 ms bursts, woken every 1.3 ms by a lower-priority signaller; it is the
 * highest-priority thread, so its refills are used as soon as they are released.
 */
TEST(st_sporadic_window_bound)
{
    static struct thread tt, ts, tl;
    static struct st_worker wt, wl;
    static struct st_signaller sg;
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    sg.ntfn = alloc_object(seL4_NotificationObject, 0);
    CHECK(sg.ntfn != 0);
    TRY(st_start_worker(&tt, &wt, &f, 220, true));
    wt.wait_ntfn = sg.ntfn;
    wt.burst_ticks = st_us_to_ticks(700);
    TRY(st_start_worker(&tl, &wl, &f, 50, false));
    TRY(thread_create(&ts, seL4_CapInitThreadCNode, 0, f.badged, 210));
    seL4_CPtr sct = st_rebind_sc(&tt, 8, 2000, 10000, 8, 0, seL4_SchedContext_Sporadic);
    CHECK(sct != 0);
    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), ts.sc, 50, 1300, 0, 0, 0));
    TRY(st_go(&tt, &wt));
    TRY(st_go(&tl, &wl));
    TRY(thread_start(&ts, st_signaller_fn, (seL4_Word)(uintptr_t)&sg));
    st_sleep_ms(2);
    uint64_t s0 = st_now(), r0 = wt.run;
    st_sleep_ms(150);
    uint64_t s1 = st_now();
    uint64_t rt = wt.run - r0;
    wt.stop = wl.stop = 1;
    tinfo("segments: %u, bursts %u", wt.nseg, wt.bursts);
    CHECK(wt.nseg < ST_MAX_SEGMENTS);
    CHECK(wt.nseg > 40);

    uint64_t max_t = st_max_window(&wt, st_us_to_ticks(10000), s0, s1);
    CHECK_RANGE("most running in any 10 ms (us)", st_ticks_to_us(max_t), 1900, 2040);
    CHECK_RANGE("share (permille)", PERMILLE(rt, s1 - s0), 190, 204);
    cap_delete(sct);
}

/* Run the unblock experiment: T (2 ms / 10 ms, flags) and H (priority above T, 3 ms
 * bursts) wait on notifications; both are woken at t_w; H runs first. Returns when T's
 * running resumed after it ran out of budget, relative to t_w, in us (0 on failure). */
static uint64_t st_unblock_experiment(seL4_Word flags)
{
    static struct thread tt, th;
    static struct st_worker wt, wh;
    struct fault_ep f;

    TRY_R(fault_ep_create(&f), 0);
    seL4_CPtr nt = alloc_object(seL4_NotificationObject, 0);
    seL4_CPtr nh = alloc_object(seL4_NotificationObject, 0);
    CHECK_R(nt && nh, 0);
    TRY_R(st_start_worker(&tt, &wt, &f, 100, true), 0);
    TRY_R(st_start_worker(&th, &wh, &f, 150, true), 0);
    wt.wait_ntfn = nt;
    wt.burst_ticks = st_us_to_ticks(4000);
    wh.wait_ntfn = nh;
    wh.burst_ticks = st_us_to_ticks(3000);
    CHECK_OK_R(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), tt.sc, 2000, 10000, 0, 0,
                                                flags), 0);
    CHECK_OK_R(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), th.sc, 5000, 5000, 0, 0, 0),
               0);
    TRY_R(st_go(&tt, &wt), 0);
    TRY_R(st_go(&th, &wh), 0);
    st_sleep_ms(25); /* both wait; whatever their start-up used is replenished */

    uint64_t t_w = st_now();
    seL4_Signal(nt);
    seL4_Signal(nh);
    st_sleep_ms(25);
    wt.stop = wh.stop = 1;
    CHECK_EQ_R(wt.bursts, 1, 0);
    CHECK_EQ_R(wh.bursts, 1, 0);
    /* T's first segment after t_w starts when H is done (~3 ms); it runs out of budget
     * 2 ms later; the next segment at least 1 ms after that is the replenishment. */
    uint64_t first = 0, resumed = 0;
    for (unsigned i = 0; i <= wt.nseg; i++) {
        uint64_t s = wt.seg_start[i];
        if (s < t_w)
            continue;
        if (!first)
            first = s;
        else if (s > first + st_us_to_ticks(3000)) {
            resumed = s;
            break;
        }
    }
    CHECK_R(first && resumed, 0);
    tinfo("flags %llu: T first ran at +%llu us, resumed at +%llu us", (unsigned long long)flags,
          (unsigned long long)st_ticks_to_us(first - t_w),
          (unsigned long long)st_ticks_to_us(resumed - t_w));
    thread_destroy_all();
    return st_ticks_to_us(resumed - t_w);
}

/*
 * The sporadic flag (ABI (k)): a sporadic SC re-bases its refills when its thread is
 * woken, so its budget comes back one period after the wake-up (+10 ms); a
 * constant-bandwidth SC re-bases when the thread first runs (3 ms later, after the
 * higher-priority thread), so its budget comes back at +13 ms.
 */
TEST(st_sporadic_rebase_on_unblock)
{
    uint64_t sporadic = st_unblock_experiment(seL4_SchedContext_Sporadic);
    if (test_failed())
        return;
    uint64_t cbs = st_unblock_experiment(0);
    if (test_failed())
        return;
    CHECK_RANGE("sporadic: budget back after wake-up (us)", sporadic, 9950, 10150);
    CHECK_RANGE("constant bandwidth: budget back after wake-up (us)", cbs, 12950, 13250);
}

/*
 * Timeout faults (ABI (f), (k)): a thread with a timeout endpoint and an SC with
 * budget < period (1 ms / 5 ms, badge 0xbeef) that uses up its budget sends a Timeout
 * fault: label 5,
 * length 2, MR0 = the SC's badge, MR1 = µs consumed since the last report. Replying with
 * label 0 lets it go on (it faults again a period later); any other label stops it.
 */
TEST(st_timeout_fault)
{
    static struct thread t;
    static struct st_worker w;
    struct fault_ep f;
    seL4_MessageInfo_t info;
    seL4_Word badge = 0;

    TRY(fault_ep_create(&f));
    seL4_CPtr tep = alloc_object(seL4_EndpointObject, 0);
    seL4_CPtr reply = alloc_object(seL4_ReplyObject, 0);
    CHECK(tep && reply);
    seL4_CPtr tep_badged = cap_mint(tep, seL4_AllRights, 0x7e0);
    CHECK(tep_badged != 0);
    /* Above the ticker: nothing preempts it, so its budget is used in one piece. */
    TRY(st_start_worker(&t, &w, &f, 250, false));
    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), t.sc, 1000, 5000, 0, 0xbeef, 0));
    CHECK_OK(seL4_TCB_SetTimeoutEndpoint(t.tcb, tep_badged));
    TRY(st_go(&t, &w));

    uint64_t when[3];
    for (int round = 0; round < 3; round++) {
        CHECK_EQ(st_recv_timeout(tep, reply, 50, &info, &badge), 0);
        when[round] = st_now();
        CHECK_EQ(badge, 0x7e0);
        CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
        CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_Timeout_Length);
        CHECK_EQ(seL4_GetMR(seL4_Timeout_Data), 0xbeef);
        CHECK_RANGE("consumed reported by the timeout fault (us)",
                    seL4_GetMR(seL4_Timeout_Consumed), 990, 1040);
        /* the report reset the counter */
        seL4_SchedContext_Consumed_t c = seL4_SchedContext_Consumed(t.sc);
        CHECK_OK(c.error);
        CHECK(c.consumed < 10);
        if (round < 2)
            seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0));
    }
    CHECK_RANGE("time between timeout faults (us)", st_ticks_to_us(when[1] - when[0]), 4950,
                5050);
    CHECK_RANGE("time between timeout faults (us)", st_ticks_to_us(when[2] - when[1]), 4950,
                5050);
    /* A reply with an error label leaves the thread Inactive. */
    seL4_Send(reply, seL4_MessageInfo_new(1, 0, 0, 0));
    uint64_t last = w.last;
    CHECK_EQ(st_recv_timeout(tep, reply, 20, &info, &badge), 1);
    CHECK_EQ(w.last, last);
}

/* A round-robin SC (budget == period) is never "out of budget": with a timeout endpoint
 * it just starts new timeslices, no Timeout fault. */
TEST(st_round_robin_no_timeout_fault)
{
    static struct thread t, u;
    static struct st_worker w, wu;
    struct fault_ep f;
    seL4_MessageInfo_t info;
    seL4_Word badge;

    TRY(fault_ep_create(&f));
    seL4_CPtr tep = alloc_object(seL4_EndpointObject, 0);
    seL4_CPtr reply = alloc_object(seL4_ReplyObject, 0);
    CHECK(tep && reply);
    TRY(st_start_worker(&t, &w, &f, 100, false));
    TRY(st_start_worker(&u, &wu, &f, 100, false));
    CHECK_OK(seL4_TCB_SetTimeoutEndpoint(t.tcb, tep));
    TRY(st_go(&t, &w));
    TRY(st_go(&u, &wu));
    uint64_t s0 = st_now();
    CHECK_EQ(st_recv_timeout(tep, reply, 20, &info, &badge), 1);
    uint64_t win = st_now() - s0;
    w.stop = wu.stop = 1;
    CHECK_RANGE("round-robin thread's share (permille)", PERMILLE(w.run, win), 480, 500);
}

/*
 * SchedContext_Consumed (35) over 100 ms of a 3 ms / 10 ms thread and a round-robin
 * one: about 30 ms and the rest, matching what the threads measured; the next query
 * gives 0 (the counter was reset and the thread has not run since).
 */
TEST(st_consumed_accounting)
{
    static struct thread t, l;
    static struct st_worker w, wl;
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    TRY(st_start_worker(&t, &w, &f, 100, false));
    TRY(st_start_worker(&l, &wl, &f, 50, false));
    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), t.sc, 3000, 10000, 0, 0, 0));
    CHECK_EQ(seL4_SchedContext_Consumed(t.sc).consumed, 0);
    TRY(st_go(&t, &w));
    TRY(st_go(&l, &wl));
    st_sleep_ms(1);
    (void)seL4_SchedContext_Consumed(t.sc);
    (void)seL4_SchedContext_Consumed(l.sc);
    uint64_t r0 = w.run, l0 = wl.run;
    st_sleep_ms(100);
    seL4_SchedContext_Consumed_t ct = seL4_SchedContext_Consumed(t.sc);
    seL4_SchedContext_Consumed_t cl = seL4_SchedContext_Consumed(l.sc);
    uint64_t rt = st_ticks_to_us(w.run - r0), rl = st_ticks_to_us(wl.run - l0);
    CHECK_OK(ct.error);
    CHECK_OK(cl.error);
    CHECK_RANGE("Consumed of 3ms/10ms over 100 ms (us)", ct.consumed, 29500, 30500);
    CHECK_RANGE("Consumed vs measured (permille)", PERMILLE(ct.consumed, rt), 995, 1030);
    CHECK_RANGE("Consumed vs measured, round robin (permille)", PERMILLE(cl.consumed, rl), 995,
                1030);
    CHECK_EQ(seL4_SchedContext_Consumed(t.sc).consumed, 0);
    CHECK_EQ(seL4_SchedContext_Consumed(l.sc).consumed, 0);
    w.stop = wl.stop = 1;
}

struct st_yielder {
    volatile seL4_Word count;
};

static void st_yielder_fn(seL4_Word arg)
{
    struct st_yielder *y = (struct st_yielder *)arg;
    for (;;) {
        y->count++;
        seL4_Yield();
    }
}

/*
 * Yield (ABI (a)): gives up the rest of the head refill. A 1 ms / 10 ms thread that
 * yields at once runs once per period: about 10 times in 100 ms; Consumed shows only
 * the time it really used.
 */
TEST(st_yield_gives_up_refill)
{
    static struct thread t;
    static struct st_yielder y;
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, 100));
    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), t.sc, 1000, 10000, 0, 0, 0));
    y.count = 0;
    TRY(thread_start(&t, st_yielder_fn, (seL4_Word)(uintptr_t)&y));
    st_sleep_ms(1);
    seL4_Word c0 = y.count;
    (void)seL4_SchedContext_Consumed(t.sc);
    st_sleep_ms(100);
    seL4_Word n = y.count - c0;
    CHECK_RANGE("Yields in 100 ms", n, 9, 11);
    seL4_SchedContext_Consumed_t c = seL4_SchedContext_Consumed(t.sc);
    CHECK_OK(c.error);
    CHECK_RANGE("Consumed by 10 immediate Yields (us)", c.consumed, 1, 200);
}

/*
 * YieldTo (36) an equal-priority thread: it runs its whole 1 ms timeslice before the
 * caller continues; the answer is its consumed time.
 */
TEST(st_yield_to_runs_target)
{
    static struct thread t;
    static struct st_worker w;
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    TRY(st_start_worker(&t, &w, &f, seL4_MaxPrio, false));
    TRY(st_go(&t, &w));
    seL4_Yield();
    for (int i = 0; i < 5; i++) {
        (void)seL4_SchedContext_Consumed(t.sc);
        uint64_t r0 = w.run, t0 = st_now();
        seL4_SchedContext_YieldTo_t y = seL4_SchedContext_YieldTo(t.sc);
        uint64_t elapsed = st_ticks_to_us(st_now() - t0);
        CHECK_OK(y.error);
        CHECK_RANGE("YieldTo: target ran (us)", st_ticks_to_us(w.run - r0), 950, 1000);
        CHECK_RANGE("YieldTo: reported consumed (us)", y.consumed, 990, 1040);
        CHECK_RANGE("YieldTo: caller waited (us)", elapsed, 990, 1100);
    }
    w.stop = 1;
}

/*
 * SchedControl_ConfigureFlags on the SC of a running thread takes effect at once: a
 * spinning thread with a round-robin SC gets (almost) all the CPU; reconfigured to
 * 1 ms / 4 ms it gets a quarter; back to round robin, all again.
 */
TEST(st_reconfigure_running_thread)
{
    static struct thread t;
    static struct st_worker w;
    struct fault_ep f;
    uint64_t s0, r0;

    TRY(fault_ep_create(&f));
    TRY(st_start_worker(&t, &w, &f, 100, false));
    TRY(st_go(&t, &w));
    st_sleep_ms(2);
    s0 = st_now();
    r0 = w.run;
    st_sleep_ms(20);
    CHECK_RANGE("round robin share (permille)", PERMILLE(w.run - r0, st_now() - s0), 950, 1000);

    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), t.sc, 1000, 4000, 0, 0, 0));
    st_sleep_ms(4);
    s0 = st_now();
    r0 = w.run;
    st_sleep_ms(40);
    CHECK_RANGE("1ms/4ms share (permille)", PERMILLE(w.run - r0, st_now() - s0), 240, 252);

    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), t.sc, 2000, 2000, 0, 0, 0));
    st_sleep_ms(4);
    s0 = st_now();
    r0 = w.run;
    st_sleep_ms(20);
    CHECK_RANGE("round robin again (permille)", PERMILLE(w.run - r0, st_now() - s0), 950, 1000);
    w.stop = 1;
}

#define CHECK_INVARIANTS() CHECK_EQ(keel_DebugCheckInvariants(), 0)

/* Start a worker with budget 1 ms per 20 ms and let it use the budget: it is then in
 * the release queue until about first_run + 20 ms. Returns its first run's start. */
static uint64_t st_throttled_worker(struct thread *t, struct st_worker *w, struct fault_ep *f,
                                    seL4_Word prio)
{
    TRY_R(st_start_worker(t, w, f, prio, true), 0);
    CHECK_OK_R(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), t->sc, 1000, 20000, 0, 0, 0),
               0);
    TRY_R(st_go(t, w), 0);
    st_sleep_ms(3);
    CHECK_R(w->started, 0);
    CHECK_R(w->run >= st_us_to_ticks(950), 0);
    return w->seg_start[0];
}

/* Whether w ran during the next `ms` ms. */
static bool st_runs_within(struct st_worker *w, unsigned ms)
{
    uint64_t r = w->run;
    st_sleep_ms(ms);
    return w->run != r;
}

/*
 * A thread out of budget waits in the release queue until its next refill, whatever is
 * done to it meanwhile: a higher priority, Suspend+Resume, YieldTo, its SC unbound and
 * bound again, DomainSet. Its refill still comes 20 ms after it first ran. Deleting the
 * SC or the TCB of a thread in the release queue takes it out cleanly (the kernel's
 * invariants hold, nothing runs). Reconfiguring such an SC as round robin makes the
 * thread runnable at once.
 */
TEST(st_throttled_thread_operations)
{
    static struct thread t, u, v;
    static struct st_worker w, wu, wv;
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    uint64_t first = st_throttled_worker(&t, &w, &f, 100);
    if (test_failed())
        return;
    CHECK_INVARIANTS();
    CHECK_OK(seL4_TCB_SetPriority(t.tcb, seL4_CapInitThreadTCB, 150));
    CHECK(!st_runs_within(&w, 2));
    CHECK_OK(seL4_TCB_Suspend(t.tcb));
    CHECK_OK(seL4_TCB_Resume(t.tcb));
    CHECK(!st_runs_within(&w, 2));
    seL4_SchedContext_YieldTo_t y = seL4_SchedContext_YieldTo(t.sc);
    CHECK_OK(y.error);
    CHECK(!st_runs_within(&w, 1));
    CHECK_OK(seL4_SchedContext_UnbindObject(t.sc, t.tcb));
    CHECK_OK(seL4_SchedContext_Bind(t.sc, t.tcb));
    CHECK(!st_runs_within(&w, 2));
    CHECK_OK(seL4_DomainSet_Set(seL4_CapDomain, 0, t.tcb));
    CHECK_INVARIANTS();
    unsigned nseg = w.nseg;
    st_sleep_ms(14);
    CHECK(w.nseg > nseg);
    CHECK_RANGE("refill came after first run + (us)", st_ticks_to_us(w.seg_start[nseg + 1] - first),
                19990, 20100);

    /* Out of budget again; its SC is deleted. */
    st_sleep_ms(2);
    CHECK(!st_runs_within(&w, 1));
    cap_delete(t.sc);
    t.sc = 0;
    CHECK_INVARIANTS();
    CHECK(!st_runs_within(&w, 25));
    CHECK_INVARIANTS();

    /* A throttled thread's TCB is deleted (no Suspend first). */
    (void)st_throttled_worker(&u, &wu, &f, 100);
    if (test_failed())
        return;
    cap_delete(u.tcb);
    u.tcb = 0;
    CHECK_INVARIANTS();
    st_sleep_ms(25); /* past its release time */
    CHECK_INVARIANTS();

    /* Reconfigured as round robin while throttled: runs at once. */
    (void)st_throttled_worker(&v, &wv, &f, 100);
    if (test_failed())
        return;
    CHECK(!st_runs_within(&wv, 1));
    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), v.sc, 1000, 1000, 0, 0, 0));
    CHECK(st_runs_within(&wv, 1));
    CHECK_INVARIANTS();
    w.stop = wu.stop = wv.stop = 1;
}

struct st_server {
    seL4_CPtr ep, reply;
    volatile int received;
};

static void st_spinning_server_fn(seL4_Word arg)
{
    struct st_server *s = (struct st_server *)arg;
    seL4_Word badge;
    seL4_Recv(s->ep, &badge, s->reply);
    s->received = 1;
    for (;;)
        ;
}

static void st_client_fn(seL4_Word ep)
{
    seL4_SetMR(0, 1);
    seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 1));
}

/*
 * A passive server that runs on a client's donated SC and uses up its budget gets the
 * Timeout fault itself (it is the thread running on the SC), with the SC's badge.
 */
TEST(st_timeout_fault_on_donated_sc)
{
    static struct thread srv, cli;
    static struct st_server s;
    struct fault_ep f;
    seL4_MessageInfo_t info;
    seL4_Word badge = 0;

    TRY(fault_ep_create(&f));
    s.ep = alloc_object(seL4_EndpointObject, 0);
    s.reply = alloc_object(seL4_ReplyObject, 0);
    seL4_CPtr tep = alloc_object(seL4_EndpointObject, 0);
    seL4_CPtr treply = alloc_object(seL4_ReplyObject, 0);
    CHECK(s.ep && s.reply && tep && treply);
    seL4_CPtr tep_badged = cap_mint(tep, seL4_AllRights, 0x5e);
    CHECK(tep_badged != 0);
    s.received = 0;

    TRY(thread_create(&srv, seL4_CapInitThreadCNode, 0, f.badged, 150));
    CHECK_OK(seL4_TCB_SetTimeoutEndpoint(srv.tcb, tep_badged));
    TRY(thread_start(&srv, st_spinning_server_fn, (seL4_Word)(uintptr_t)&s));
    st_sleep_ms(1); /* it waits in Recv */
    CHECK_OK(seL4_SchedContext_UnbindObject(srv.sc, srv.tcb));

    TRY(thread_create(&cli, seL4_CapInitThreadCNode, 0, f.badged, 100));
    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), cli.sc, 1000, 10000, 0, 0xc11e,
                                              0));
    TRY(thread_start(&cli, st_client_fn, s.ep));
    CHECK_EQ(st_recv_timeout(tep, treply, 20, &info, &badge), 0);
    CHECK_EQ(s.received, 1);
    CHECK_EQ(badge, 0x5e);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
    CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_Timeout_Length);
    CHECK_EQ(seL4_GetMR(seL4_Timeout_Data), 0xc11e);
    CHECK_RANGE("consumed on the donated SC (us)", seL4_GetMR(seL4_Timeout_Consumed), 990, 1040);
    CHECK_EQ(keel_DebugCheckInvariants(), 0);
}

/* The best of 5 runs of `n` invocations of op(), in ticks. */
static uint64_t st_time_op(void (*op)(seL4_CPtr), seL4_CPtr arg, unsigned n)
{
    uint64_t best = ~0ull;
    for (int rep = 0; rep < 5; rep++) {
        uint64_t t0 = st_now();
        for (unsigned i = 0; i < n; i++)
            op(arg);
        uint64_t d = st_now() - t0;
        if (d < best)
            best = d;
    }
    return best;
}

static void st_op_yield(seL4_CPtr unused)
{
    (void)unused;
    seL4_Yield();
}

static void st_op_consumed(seL4_CPtr sc)
{
    (void)seL4_SchedContext_Consumed(sc);
}

static void st_op_set_prio(seL4_CPtr tcb)
{
    (void)seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, 20);
}

static void st_block_fn(seL4_Word ep)
{
    seL4_Word badge;
    seL4_Wait(ep, &badge);
}

/*
 * Kernel entry and exit cost the same whatever the number of threads: Yield, an
 * invocation and a SetPriority (which touches the ready queues) take as long with 14
 * more threads (7 ready at a lower priority, 7 blocked) as without.
 */
TEST(st_kernel_entry_constant_time)
{
    static struct thread extra[14], probe;
    static struct st_worker wp;
    struct fault_ep f;
    const unsigned n = 300;

    TRY(fault_ep_create(&f));
    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    CHECK(ep != 0);
    /* A ready thread (it spins when it gets the chance) whose priority is set. */
    TRY(st_start_worker(&probe, &wp, &f, 20, false));
    TRY(st_go(&probe, &wp));
    uint64_t y0 = st_time_op(st_op_yield, 0, n);
    uint64_t c0 = st_time_op(st_op_consumed, probe.sc, n);
    uint64_t p0 = st_time_op(st_op_set_prio, probe.tcb, n);

    for (int i = 0; i < 14; i++) {
        TRY(thread_create(&extra[i], seL4_CapInitThreadCNode, 0, f.badged, i < 7 ? 10 : 200));
        TRY(thread_start(&extra[i], st_block_fn, ep));
    }
    st_sleep_ms(2); /* the priority-200 ones block; the others stay ready */
    uint64_t y1 = st_time_op(st_op_yield, 0, n);
    uint64_t c1 = st_time_op(st_op_consumed, probe.sc, n);
    uint64_t p1 = st_time_op(st_op_set_prio, probe.tcb, n);
    tinfo("per call, 1 vs 15 threads (ns): Yield %llu/%llu, Consumed %llu/%llu, SetPriority "
          "%llu/%llu", (unsigned long long)(y0 * 16 / n), (unsigned long long)(y1 * 16 / n),
          (unsigned long long)(c0 * 16 / n), (unsigned long long)(c1 * 16 / n),
          (unsigned long long)(p0 * 16 / n), (unsigned long long)(p1 * 16 / n));
    CHECK_RANGE("Yield, 15 vs 1 thread (permille)", PERMILLE(y1, y0), 980, 1020);
    CHECK_RANGE("Consumed, 15 vs 1 thread (permille)", PERMILLE(c1, c0), 980, 1020);
    CHECK_RANGE("SetPriority, 15 vs 1 thread (permille)", PERMILLE(p1, p0), 980, 1020);
    wp.stop = 1;
}

/* DebugDumpScheduler (ABI (l)) lists every thread with its name, priority, state and SC
 * budget, period and consumed time (checked by eye in the log; here: it returns). */
TEST(st_dump_scheduler)
{
    static struct thread t[2];
    static struct st_worker w[2];
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    TRY(st_start_worker(&t[0], &w[0], &f, 100, false));
    TRY(st_start_worker(&t[1], &w[1], &f, 90, false));
    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), t[0].sc, 1000, 3000, 0, 0, 0));
    TRY(st_go(&t[0], &w[0]));
    TRY(st_go(&t[1], &w[1]));
    st_sleep_ms(10);
    seL4_DebugDumpScheduler();
    w[0].stop = w[1].stop = 1;
}
