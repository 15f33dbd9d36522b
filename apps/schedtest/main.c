/*
 * schedtest: root task of the time-dependent scheduler tests (see app.mk). Runs every
 * test in TEST_LIST in order with the "[test] <name>: PASS|FAIL" protocol of
 * tools/run-qemu-test.py, after starting the ticker thread that lets the root sleep.
 */
#include "schedtest.h"

const char *__keel_progname = "schedtest";

#define TEST_LIST(X)                        \
    X(st_ticker_period)                     \
    X(st_budget_share)                      \
    X(st_budget_share_few_refills)          \
    X(st_round_robin_fairness)              \
    X(st_sporadic_window_bound)             \
    X(st_sporadic_rebase_on_unblock)        \
    X(st_timeout_fault)                     \
    X(st_round_robin_no_timeout_fault)      \
    X(st_consumed_accounting)               \
    X(st_yield_gives_up_refill)             \
    X(st_yield_to_runs_target)              \
    X(st_reconfigure_running_thread)        \
    X(st_throttled_thread_operations)       \
    X(st_timeout_fault_on_donated_sc)       \
    X(st_kernel_entry_constant_time)        \
    X(st_dump_scheduler)

#define DECLARE(name) TEST(name);
TEST_LIST(DECLARE)
#undef DECLARE

#define ENTRY(name) {#name, test_##name},
static const struct test_desc tests[] = {TEST_LIST(ENTRY)};
#undef ENTRY

/* framework.c */
void test_reset_failure(void);
const char *test_failure_reason(void);

/* ---- helpers (schedtest.h) ------------------------------------------------------------- */

static seL4_CPtr ticker_ntfn;    /* bound to the root; the ticker signals it (badged) */

seL4_CPtr st_schedcontrol(void)
{
    return test_bootinfo->schedcontrol.start;
}

void st_set_root_prio(seL4_Word prio)
{
    (void)seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, prio);
}

void st_sleep_ms(unsigned n)
{
    seL4_Word badge;
    (void)seL4_Poll(ticker_ntfn, &badge); /* forget ticks that came while awake */
    for (unsigned i = 0; i < n; i++)
        seL4_Wait(ticker_ntfn, &badge);
}

int st_recv_timeout(seL4_CPtr ep, seL4_CPtr reply, unsigned max_ms, seL4_MessageInfo_t *info,
                    seL4_Word *badge)
{
    seL4_Word b;
    unsigned ticks = 0;
    (void)seL4_Poll(ticker_ntfn, &b);
    for (;;) {
        seL4_MessageInfo_t mi = seL4_Recv(ep, &b, reply);
        if (b == TICKER_BADGE) { /* the bound notification: a millisecond passed */
            if (++ticks >= max_ms)
                return 1;
            continue;
        }
        *info = mi;
        *badge = b;
        return 0;
    }
}

seL4_CPtr st_rebind_sc(struct thread *t, seL4_Word size_bits, seL4_Word budget_us,
                       seL4_Word period_us, seL4_Word extra_refills, seL4_Word badge,
                       seL4_Word flags)
{
    seL4_CPtr sc = alloc_object(seL4_SchedContextObject, size_bits);
    if (!sc)
        return 0;
    seL4_Error err = seL4_SchedControl_ConfigureFlags(st_schedcontrol(), sc, budget_us,
                                                      period_us, extra_refills, badge, flags);
    if (err)
        FAIL_R(0, "ConfigureFlags(%llu, %llu): %s", (unsigned long long)budget_us,
               (unsigned long long)period_us, err_name(err));
    err = seL4_SchedContext_UnbindObject(t->sc, t->tcb);
    if (err)
        FAIL_R(0, "UnbindObject: %s", err_name(err));
    err = seL4_SchedContext_Bind(sc, t->tcb);
    if (err)
        FAIL_R(0, "Bind: %s", err_name(err));
    return sc;
}

void st_worker_init(struct st_worker *w, bool log_segments)
{
    w->run = 0;
    w->last = 0;
    w->stop = 0;
    w->started = 0;
    w->log_segments = log_segments;
    w->nseg = 0;
    w->wait_ntfn = 0;
    w->burst_ticks = 0;
    w->bursts = 0;
}

void st_worker_fn(seL4_Word arg)
{
    struct st_worker *w = (struct st_worker *)arg;
    uint64_t last = st_now();
    uint64_t burst_start_run = 0;

    w->seg_start[0] = last;
    w->last = last;
    w->started = 1;
    if (w->wait_ntfn) {
        seL4_Word badge;
        seL4_Wait(w->wait_ntfn, &badge);
    }
    while (!w->stop) {
        uint64_t t = st_now();
        uint64_t d = t - last;
        if (d < ST_GAP_TICKS) {
            w->run += d;
        } else if (w->log_segments && w->nseg < ST_MAX_SEGMENTS) {
            unsigned n = w->nseg;
            w->seg_end[n] = last;
            w->seg_start[n + 1] = t;
            w->nseg = n + 1;
        }
        last = t;
        w->last = t;
        if (w->wait_ntfn && w->run - burst_start_run >= w->burst_ticks) {
            seL4_Word badge;
            w->bursts++;
            seL4_Wait(w->wait_ntfn, &badge);
            burst_start_run = w->run; /* the wait shows as a gap: a new segment */
        }
    }
}

uint64_t st_worker_run_between(const struct st_worker *w, uint64_t from, uint64_t to)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i <= w->nseg; i++) {
        uint64_t s = w->seg_start[i], e = i < w->nseg ? w->seg_end[i] : w->last;
        if (s < from)
            s = from;
        if (e > to)
            e = to;
        if (e > s)
            sum += e - s;
    }
    return sum;
}

/* ---- the ticker ------------------------------------------------------------------------- */

static uint8_t ticker_stack[4096] __attribute__((aligned(16)));

static void ticker_fn(seL4_Word ntfn)
{
    for (;;) {
        seL4_Signal(ntfn);
        seL4_Yield(); /* gives up the rest of its budget: runs again next period */
    }
}

static int start_ticker(void)
{
    seL4_CPtr ntfn = alloc_object(seL4_NotificationObject, 0);
    seL4_CPtr tcb = alloc_object(seL4_TCBObject, 0);
    seL4_CPtr sc = alloc_object(seL4_SchedContextObject, seL4_MinSchedContextBits);
    if (!ntfn || !tcb || !sc)
        return -1;
    seL4_CPtr badged = cap_mint(ntfn, seL4_AllRights, TICKER_BADGE);
    if (!badged)
        return -1;
    ticker_ntfn = ntfn;
    seL4_Error err = seL4_TCB_BindNotification(seL4_CapInitThreadTCB, ntfn);
    if (!err)
        err = seL4_SchedControl_ConfigureFlags(st_schedcontrol(), sc, 50, TICKER_PERIOD_US, 0,
                                               0, 0);
    if (!err)
        err = seL4_TCB_Configure(tcb, seL4_CapInitThreadCNode, 0, seL4_CapInitThreadVSpace, 0,
                                 0, 0);
    if (!err)
        err = seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, TICKER_PRIO, TICKER_PRIO, sc,
                                      0);
    if (err)
        FAIL_R(-1, "ticker: %s", err_name(err));
    seL4_DebugNameThread(tcb, "ticker");
    seL4_UserContext regs = {0};
    regs.pc = (seL4_Word)(uintptr_t)ticker_fn;
    regs.sp = (seL4_Word)(uintptr_t)(ticker_stack + sizeof(ticker_stack));
    regs.x0 = badged;
    err = seL4_TCB_WriteRegisters(tcb, true, 0, 36, &regs);
    if (err)
        FAIL_R(-1, "ticker: WriteRegisters: %s", err_name(err));
    return 0;
}

int main(void)
{
    unsigned n = sizeof(tests) / sizeof(tests[0]);
    unsigned failed = 0;

    test_bootinfo = seL4_GetBootInfo();
    if (test_bootinfo == NULL) {
        tprintf("[test] environment: FAIL no bootinfo\n[test] all done\n");
        return 1;
    }
    alloc_init(test_bootinfo);
    test_reset_failure();
    if (start_ticker() != 0) {
        tprintf("[test] environment: FAIL %s\n[test] all done\n", test_failure_reason());
        seL4_DebugHalt();
        return 1;
    }
    tprintf("schedtest: %u tests\n", n);

    for (unsigned i = 0; i < n; i++) {
        test_reset_failure();
        test_current_name = tests[i].name;
        uint64_t t0 = st_now();
        tests[i].fn();
        thread_destroy_all();
        st_set_root_prio(seL4_MaxPrio);
        uint64_t ms = st_ticks_to_us(st_now() - t0) / 1000;
        if (test_failed()) {
            failed++;
            tprintf("[test] %s: FAIL %s\n", tests[i].name, test_failure_reason());
        } else {
            tprintf("[test] %s: PASS (%llu ms)\n", tests[i].name, (unsigned long long)ms);
        }
    }
    tprintf("schedtest: %u of %u failed\n", failed, n);
    tprintf("[test] all done\n");
    seL4_DebugHalt();
    return failed ? 1 : 0;
}
