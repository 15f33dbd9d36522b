/*
 * MCS scheduling tests that do not depend on exact timing (ABI (k), INVOCATIONS.md
 * labels 30..36): SchedControl_ConfigureFlags checks in their order, SchedContext
 * Bind/Unbind/UnbindObject/Consumed/YieldTo, threads without an SC or with an
 * unconfigured SC, passive threads running on donated or notification SCs, DomainSet,
 * DebugDumpScheduler. Budget enforcement, timeouts and CPU shares are measured in the
 * separate apps/schedtest image, which runs with -icount.
 */
#include "framework.h"

#define MAX_PERIOD_US 36893488147419ull
#define MIN_BUDGET_US 20ull

static seL4_CPtr st_schedcontrol(void)
{
    return test_bootinfo->schedcontrol.start;
}

struct st_spin {
    volatile seL4_Word count;
    volatile int stop;
};

static void st_spin_fn(seL4_Word arg)
{
    struct st_spin *s = (struct st_spin *)arg;
    while (!s->stop)
        s->count++;
}

/* Whether a spinning thread at the root's priority runs while the root yields. */
static bool st_progresses(struct st_spin *s, unsigned polls)
{
    seL4_Word before = s->count;
    for (unsigned i = 0; i < polls; i++) {
        seL4_Yield();
        if (s->count != before)
            return true;
    }
    return false;
}

extern char thread_exit_trampoline[];

/* A TCB without an SC in the root's CSpace and VSpace with t's stack, TLS and IPC
 * buffer, set to run fn(arg) once resumed. */
static int st_make_bare(struct thread *t, seL4_Word prio, seL4_CPtr fault_ep,
                        void (*fn)(seL4_Word), seL4_Word arg)
{
    /* Borrow a pool entry (stack, TLS, IPC buffer) by creating a normal thread and
     * taking its SC away. */
    TRY_R(thread_create(t, seL4_CapInitThreadCNode, 0, fault_ep, prio), -1);
    seL4_Error err = seL4_SchedContext_UnbindObject(t->sc, t->tcb);
    if (err)
        FAIL_R(-1, "UnbindObject: %s", err_name(err));
    seL4_UserContext regs = {0};
    regs.pc = (seL4_Word)(uintptr_t)fn;
    regs.sp = t->stack_top;
    regs.x0 = arg;
    regs.x30 = (seL4_Word)(uintptr_t)thread_exit_trampoline;
    regs.tpidr_el0 = t->tls;
    err = seL4_TCB_WriteRegisters(t->tcb, false, 0, 36, &regs);
    if (err)
        FAIL_R(-1, "WriteRegisters: %s", err_name(err));
    return 0;
}

/* ---- SchedControl_ConfigureFlags ------------------------------------------------------- */

static seL4_MessageInfo_t st_configure(seL4_CPtr sc, seL4_Word budget, seL4_Word period,
                                       seL4_Word extra, seL4_Word badge, seL4_Word flags)
{
    return raw_call(st_schedcontrol(), SchedControlConfigureFlags, 5,
                    (seL4_Word[]){budget, period, extra, badge, flags}, 1, (seL4_CPtr[]){sc});
}

/*
 * ABI (k): budget <= MAX, period <= MAX, budget >= 20 us, period >= 20 us (each
 * RangeError(20, MAX)); budget <= period (RangeError(20, period)); the cap must be an
 * SC (InvalidCapability 1); extra_refills <= (2^size - 96)/16 - 2 (RangeError(0, max)),
 * in that order. TruncatedMessage with fewer than 5 words or no cap.
 */
TEST(sched_configure_flags_errors)
{
    seL4_CPtr sc7 = alloc_object(seL4_SchedContextObject, 7);
    seL4_CPtr sc8 = alloc_object(seL4_SchedContextObject, 8);
    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    seL4_MessageInfo_t info;
    CHECK(sc7 && sc8 && ep);

    info = st_configure(sc7, MAX_PERIOD_US + 1, 1000, 0, 0, 0);
    CHECK_REPLY(info, seL4_RangeError, MIN_BUDGET_US, MAX_PERIOD_US);
    info = st_configure(sc7, ~0ull, 1000, 0, 0, 0);
    CHECK_REPLY(info, seL4_RangeError, MIN_BUDGET_US, MAX_PERIOD_US);
    info = st_configure(sc7, 1000, MAX_PERIOD_US + 1, 0, 0, 0);
    CHECK_REPLY(info, seL4_RangeError, MIN_BUDGET_US, MAX_PERIOD_US);
    info = st_configure(sc7, 19, 1000, 0, 0, 0);
    CHECK_REPLY(info, seL4_RangeError, MIN_BUDGET_US, MAX_PERIOD_US);
    info = st_configure(sc7, 0, 1000, 0, 0, 0);
    CHECK_REPLY(info, seL4_RangeError, MIN_BUDGET_US, MAX_PERIOD_US);
    /* period below the minimum comes before budget > period */
    info = st_configure(sc7, 1000, 19, 0, 0, 0);
    CHECK_REPLY(info, seL4_RangeError, MIN_BUDGET_US, MAX_PERIOD_US);
    info = st_configure(sc7, 2000, 1000, 0, 0, 0);
    CHECK_REPLY(info, seL4_RangeError, MIN_BUDGET_US, 1000);
    info = st_configure(sc7, 1001, 1000, 0, 0, 0);
    CHECK_REPLY(info, seL4_RangeError, MIN_BUDGET_US, 1000);
    /* the times are checked before the cap's type */
    info = st_configure(ep, 19, 1000, 0, 0, 0);
    CHECK_REPLY(info, seL4_RangeError, MIN_BUDGET_US, MAX_PERIOD_US);
    info = st_configure(ep, 2000, 1000, 0, 0, 0);
    CHECK_REPLY(info, seL4_RangeError, MIN_BUDGET_US, 1000);
    info = st_configure(ep, 1000, 1000, 99, 0, 0);
    CHECK_REPLY(info, seL4_InvalidCapability, 1);
    /* extra refills: size 7 holds 2 refills (0 extra), size 8 holds 10 (8 extra) */
    info = st_configure(sc7, 1000, 2000, 1, 0, 0);
    CHECK_REPLY(info, seL4_RangeError, 0, 0);
    info = st_configure(sc8, 1000, 2000, 9, 0, 0);
    CHECK_REPLY(info, seL4_RangeError, 0, 8);
    info = st_configure(sc8, 1000, 1000, 9, 0, 0); /* also for round robin */
    CHECK_REPLY(info, seL4_RangeError, 0, 8);
    info = st_configure(sc8, 1000, 2000, ~0ull, 0, 0);
    CHECK_REPLY(info, seL4_RangeError, 0, 8);
    info = st_configure(sc8, 1000, 2000, 8, 0, seL4_SchedContext_Sporadic);
    CHECK_REPLY0(info, seL4_NoError);
    /* missing arguments */
    info = raw_call(st_schedcontrol(), SchedControlConfigureFlags, 4,
                    (seL4_Word[]){1000, 1000, 0, 0}, 1, (seL4_CPtr[]){sc7});
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(st_schedcontrol(), SchedControlConfigureFlags, 5,
                    (seL4_Word[]){1000, 1000, 0, 0, 0}, 0, NULL);
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    /* the boundaries are accepted */
    CHECK_REPLY0(st_configure(sc7, 20, 20, 0, 0, 0), seL4_NoError);
    CHECK_REPLY0(st_configure(sc7, 20, MAX_PERIOD_US, 0, 0, 0), seL4_NoError);
    CHECK_REPLY0(st_configure(sc7, MAX_PERIOD_US, MAX_PERIOD_US, 0, 0, 0), seL4_NoError);
    CHECK_REPLY0(st_configure(sc7, 1000, 1000, 0, 0xbadbad, ~0ull), seL4_NoError);
    /* other labels */
    static const seL4_Word labels[] = {0, 2, 30, 32, 35, 36, 37};
    for (unsigned i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        info = raw_call(st_schedcontrol(), labels[i], 5, (seL4_Word[]){1000, 1000, 0, 0, 0}, 1,
                        (seL4_CPtr[]){sc7});
        if (seL4_MessageInfo_get_label(info) != seL4_IllegalOperation)
            FAIL("label %llu on SchedControl: %s, want IllegalOperation",
                 (unsigned long long)labels[i], err_name(seL4_MessageInfo_get_label(info)));
    }
}

/* ---- SchedContext Bind / Unbind / UnbindObject ------------------------------------------ */

static void st_recv_fn(seL4_Word arg)
{
    seL4_CPtr *caps = (seL4_CPtr *)arg;
    seL4_Word badge;
    seL4_Recv(caps[0], &badge, caps[1]);
}

/*
 * A thread runs only with a configured SC: no SC, or an SC never configured, and it
 * does not run; Bind (32), UnbindObject (34) and Unbind (33) start and stop it.
 * Errors with their codes: TruncatedMessage, InvalidCapability(1), IllegalOperation.
 */
TEST(sched_context_bind_unbind)
{
    static struct thread t, u, r;
    static struct st_spin spin;
    static seL4_CPtr recv_caps[2];
    struct fault_ep f;
    seL4_MessageInfo_t info;

    TRY(fault_ep_create(&f));
    spin.count = 0;
    spin.stop = 0;
    TRY(st_make_bare(&t, TEST_CHILD_PRIO, f.badged, st_spin_fn, (seL4_Word)(uintptr_t)&spin));
    TRY(thread_create(&u, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    seL4_CPtr sc = alloc_object(seL4_SchedContextObject, 7);
    seL4_CPtr sc2 = alloc_object(seL4_SchedContextObject, 7);
    seL4_CPtr ntfn = alloc_object(seL4_NotificationObject, 0);
    seL4_CPtr ntfn2 = alloc_object(seL4_NotificationObject, 0);
    CHECK(sc && sc2 && ntfn && ntfn2);

    /* No SC: resumed, but never runs. */
    CHECK_OK(seL4_TCB_Resume(t.tcb));
    CHECK(!st_progresses(&spin, 20));
    /* An unconfigured SC: still not. */
    CHECK_OK(seL4_SchedContext_Bind(sc, t.tcb));
    CHECK(!st_progresses(&spin, 20));
    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), sc, 1000, 1000, 0, 0, 0));
    CHECK(st_progresses(&spin, 100));

    /* Bind errors. */
    info = raw_call(sc, SchedContextBind, 0, NULL, 0, NULL);
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(sc2, SchedContextBind, 0, NULL, 1, (seL4_CPtr[]){f.ep});
    CHECK_REPLY(info, seL4_InvalidCapability, 1);
    CHECK_ERR(seL4_SchedContext_Bind(sc, u.tcb), seL4_IllegalOperation);  /* sc is bound */
    CHECK_ERR(seL4_SchedContext_Bind(sc2, t.tcb), seL4_IllegalOperation); /* t has one */
    CHECK_OK(seL4_SchedContext_Bind(sc2, ntfn));
    CHECK_ERR(seL4_SchedContext_Bind(sc2, ntfn2), seL4_IllegalOperation); /* sc2 has one */
    CHECK_ERR(seL4_SchedContext_Bind(sc, ntfn), seL4_IllegalOperation);   /* ntfn has one */
    CHECK_OK(seL4_SchedContext_Bind(sc, ntfn2)); /* a TCB and a notification at once */

    /* UnbindObject errors. */
    info = raw_call(sc, SchedContextUnbindObject, 0, NULL, 0, NULL);
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(sc, SchedContextUnbindObject, 0, NULL, 1, (seL4_CPtr[]){f.ep});
    CHECK_REPLY(info, seL4_InvalidCapability, 1);
    CHECK_ERR(seL4_SchedContext_UnbindObject(sc, u.tcb), seL4_IllegalOperation);
    CHECK_ERR(seL4_SchedContext_UnbindObject(sc, ntfn), seL4_IllegalOperation);
    CHECK_ERR(seL4_SchedContext_UnbindObject(seL4_CapInitThreadSC, seL4_CapInitThreadTCB),
              seL4_IllegalOperation);
    CHECK_ERR(seL4_SchedContext_Unbind(seL4_CapInitThreadSC), seL4_IllegalOperation);
    CHECK_OK(seL4_SchedContext_UnbindObject(sc2, ntfn));
    CHECK_OK(seL4_SchedContext_UnbindObject(sc, ntfn2));

    /* UnbindObject / Bind / Unbind stop and start the thread. */
    CHECK(st_progresses(&spin, 100));
    CHECK_OK(seL4_SchedContext_UnbindObject(sc, t.tcb));
    CHECK(!st_progresses(&spin, 20));
    CHECK_OK(seL4_SchedContext_Bind(sc, t.tcb));
    CHECK(st_progresses(&spin, 100));
    CHECK_OK(seL4_SchedContext_Unbind(sc));
    CHECK(!st_progresses(&spin, 20));
    CHECK_OK(seL4_SchedContext_Unbind(sc)); /* nothing bound: fine */
    CHECK_OK(seL4_SchedContext_Bind(sc, t.tcb));
    CHECK(st_progresses(&spin, 100));
    spin.stop = 1;
    TRY(fault_wait_exit(&f));

    /* A blocked thread may only get an SC that is configured (released). */
    recv_caps[0] = alloc_object(seL4_EndpointObject, 0);
    recv_caps[1] = alloc_object(seL4_ReplyObject, 0);
    CHECK(recv_caps[0] && recv_caps[1]);
    TRY(thread_create(&r, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&r, st_recv_fn, (seL4_Word)(uintptr_t)recv_caps));
    for (int i = 0; i < 5; i++)
        seL4_Yield();
    CHECK_OK(seL4_SchedContext_UnbindObject(r.sc, r.tcb));
    seL4_CPtr fresh = alloc_object(seL4_SchedContextObject, 7);
    CHECK(fresh != 0);
    CHECK_ERR(seL4_SchedContext_Bind(fresh, r.tcb), seL4_IllegalOperation);
    info = raw_call(r.tcb, TCBSetSchedParams, 2, (seL4_Word[]){255, 255}, 3,
                    (seL4_CPtr[]){seL4_CapInitThreadTCB, fresh, 0});
    CHECK_REPLY0(info, seL4_IllegalOperation);
    CHECK_OK(seL4_SchedContext_Bind(r.sc, r.tcb));

    /* Other labels. */
    static const seL4_Word labels[] = {0, 2, 30, 31, 37, 1000};
    for (unsigned i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        info = raw_call(sc, labels[i], 0, NULL, 0, NULL);
        if (seL4_MessageInfo_get_label(info) != seL4_IllegalOperation)
            FAIL("label %llu on a SchedContext: %s, want IllegalOperation",
                 (unsigned long long)labels[i], err_name(seL4_MessageInfo_get_label(info)));
    }
}

/* ---- passive threads ------------------------------------------------------------------- */

struct st_waiter {
    seL4_CPtr ntfn;
    volatile seL4_Word count;
};

static void st_ntfn_loop_fn(seL4_Word arg)
{
    struct st_waiter *w = (struct st_waiter *)arg;
    for (;;) {
        seL4_Word badge;
        seL4_Wait(w->ntfn, &badge);
        w->count++;
    }
}

/*
 * A passive thread (no SC) waiting on a notification runs on the notification's SC
 * when signalled, and the SC goes back to the notification when it waits again. With
 * no SC on the notification the signalled thread cannot run until it gets one.
 */
TEST(sched_passive_notification)
{
    static struct thread t;
    static struct st_waiter w;
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    w.ntfn = alloc_object(seL4_NotificationObject, 0);
    seL4_CPtr nsc = alloc_object(seL4_SchedContextObject, 7);
    CHECK(w.ntfn && nsc);
    w.count = 0;
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, st_ntfn_loop_fn, (seL4_Word)(uintptr_t)&w));
    for (int i = 0; i < 5; i++)
        seL4_Yield();
    CHECK_EQ(w.count, 0);
    /* Make it passive (it waits on the notification). */
    CHECK_OK(seL4_SchedContext_UnbindObject(t.sc, t.tcb));
    /* A long timeslice: nothing interrupts the thread between its count and its Wait. */
    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), nsc, 1000000, 1000000, 0, 0, 0));
    CHECK_OK(seL4_SchedContext_Bind(nsc, w.ntfn));

    for (seL4_Word round = 1; round <= 3; round++) {
        seL4_Signal(w.ntfn);
        for (int i = 0; i < 10 && w.count < round; i++)
            seL4_Yield();
        CHECK_EQ(w.count, round);
    }
    /* It waits again, so the SC is back with the notification (or UnbindObject would
     * leave it with the thread). */
    for (int i = 0; i < 3; i++)
        seL4_Yield();
    CHECK_OK(seL4_SchedContext_UnbindObject(nsc, w.ntfn));

    /* Without an SC on the notification: woken but not runnable. */
    seL4_Signal(w.ntfn);
    for (int i = 0; i < 20; i++)
        seL4_Yield();
    CHECK_EQ(w.count, 3);
    CHECK_OK(seL4_SchedContext_Bind(nsc, t.tcb));
    for (int i = 0; i < 10 && w.count < 4; i++)
        seL4_Yield();
    CHECK_EQ(w.count, 4);
}

struct st_server {
    seL4_CPtr ep, reply;
    volatile int ready;
};

static void st_server_fn(seL4_Word arg)
{
    struct st_server *s = (struct st_server *)arg;
    seL4_Word badge;
    s->ready = 1;
    seL4_MessageInfo_t info = seL4_Recv(s->ep, &badge, s->reply);
    for (;;) {
        seL4_Word v = seL4_GetMR(0);
        (void)info;
        seL4_SetMR(0, v + 1);
        info = seL4_ReplyRecv(s->ep, seL4_MessageInfo_new(0, 0, 0, 1), &badge, s->reply);
    }
}

/*
 * A passive server (no SC, lower priority than the client) runs on the SC a Call
 * donates and gives it back with its reply.
 */
TEST(sched_passive_server)
{
    static struct thread t;
    static struct st_server s;
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    s.ep = alloc_object(seL4_EndpointObject, 0);
    s.reply = alloc_object(seL4_ReplyObject, 0);
    CHECK(s.ep && s.reply);
    s.ready = 0;
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, st_server_fn, (seL4_Word)(uintptr_t)&s));
    for (int i = 0; i < 10 && !s.ready; i++)
        seL4_Yield();
    CHECK_EQ(s.ready, 1);
    seL4_Yield(); /* into its Recv */
    CHECK_OK(seL4_SchedContext_UnbindObject(t.sc, t.tcb));
    CHECK_OK(seL4_TCB_SetPriority(t.tcb, seL4_CapInitThreadTCB, 100));

    for (seL4_Word v = 40; v < 43; v++) {
        seL4_SetMR(0, v);
        seL4_MessageInfo_t info = seL4_Call(s.ep, seL4_MessageInfo_new(0, 0, 0, 1));
        CHECK_EQ(seL4_MessageInfo_get_length(info), 1);
        CHECK_MR(0, v + 1);
    }
    /* The server's own SC is unbound and the server waits without one. */
    CHECK_OK(seL4_SchedContext_Bind(t.sc, t.tcb));
}

/* ---- Consumed and YieldTo --------------------------------------------------------------- */

/*
 * SchedContext_Consumed (35): label 0, length 1, MR0 = µs used since the last query;
 * the counter resets. A thread that ran ten 1 ms timeslices shows at least 9 ms.
 */
TEST(sched_consumed)
{
    static struct thread t;
    static struct st_spin spin;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    info = raw_call(t.sc, SchedContextConsumed, 0, NULL, 0, NULL);
    CHECK_REPLY(info, seL4_NoError, 0);

    spin.count = 0;
    spin.stop = 0;
    TRY(thread_start(&t, st_spin_fn, (seL4_Word)(uintptr_t)&spin));
    for (int i = 0; i < 10; i++)
        seL4_Yield(); /* the spinner gets a full 1 ms timeslice each time */
    CHECK_OK(seL4_TCB_Suspend(t.tcb)); /* so that it cannot run between the queries */
    seL4_SchedContext_Consumed_t c = seL4_SchedContext_Consumed(t.sc);
    CHECK_OK(c.error);
    tinfo("10 timeslices of 1000 us: consumed %llu us", (unsigned long long)c.consumed);
    /* Each timeslice lasts at least its budget; without -icount QEMU may deliver the
     * timer interrupt late, so there is no useful upper bound here (apps/schedtest
     * measures it exactly). */
    CHECK(c.consumed >= 9000);
    c = seL4_SchedContext_Consumed(t.sc);
    CHECK_OK(c.error);
    CHECK_EQ(c.consumed, 0);
}

struct st_yield_to {
    seL4_CPtr target;
    volatile seL4_Word err;
    volatile int done;
};

/* Counts and yields, forever. */
static void st_count_yield_fn(seL4_Word arg)
{
    struct st_spin *s = (struct st_spin *)arg;
    while (!s->stop) {
        s->count++;
        seL4_Yield();
    }
}

static void st_yield_to_fn(seL4_Word arg)
{
    struct st_yield_to *y = (struct st_yield_to *)arg;
    y->err = seL4_SchedContext_YieldTo(y->target).error;
    y->done = 1;
}

/*
 * SchedContext_YieldTo (36): the SC's thread, if not of lower priority, runs right
 * away in the caller's place; the answer (label 0, MR0 = its consumed µs) comes when
 * the caller runs again. A lower-priority target only moves to the head of its queue
 * and the answer is immediate. Errors (IllegalOperation): no thread, the caller's own
 * SC, target priority above the caller's MCP.
 */
TEST(sched_yield_to)
{
    static struct thread t, low, caller, high;
    static struct st_spin spin, spin_low;
    static struct st_yield_to y;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    TRY(fault_ep_create(&f));
    /* A thread that counts and yields, with a timeslice no timer interrupt ends (so
     * each turn it gets is one count, however QEMU's timing goes without -icount). */
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), t.sc, 1000000, 1000000, 0, 0,
                                              0));
    spin.count = 0;
    spin.stop = 0;
    TRY(thread_start(&t, st_count_yield_fn, (seL4_Word)(uintptr_t)&spin));
    seL4_Yield();
    CHECK(spin.count >= 1);
    for (int round = 0; round < 3; round++) {
        seL4_Word before = spin.count;
        info = raw_call(t.sc, SchedContextYieldTo, 0, NULL, 0, NULL);
        CHECK_EQ(seL4_MessageInfo_get_label(info), 0);
        CHECK_EQ(seL4_MessageInfo_get_length(info), 1); /* MR0: its consumed time */
        if (spin.count == before) {
            seL4_DebugDumpScheduler();
            FAIL("YieldTo: the target did not run first (count %llu)",
                 (unsigned long long)before);
        }
    }

    /* A lower-priority target does not run. */
    TRY(thread_create(&low, seL4_CapInitThreadCNode, 0, f.badged, 100));
    spin_low.count = 0;
    spin_low.stop = 0;
    TRY(thread_start(&low, st_spin_fn, (seL4_Word)(uintptr_t)&spin_low));
    info = raw_call(low.sc, SchedContextYieldTo, 0, NULL, 0, NULL);
    CHECK_REPLY(info, seL4_NoError, 0);
    CHECK_EQ(spin_low.count, 0);

    /* Errors. */
    seL4_CPtr lonely = alloc_object(seL4_SchedContextObject, 7);
    CHECK(lonely != 0);
    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), lonely, 1000, 1000, 0, 0, 0));
    info = raw_call(lonely, SchedContextYieldTo, 0, NULL, 0, NULL);
    CHECK_REPLY0(info, seL4_IllegalOperation);
    info = raw_call(seL4_CapInitThreadSC, SchedContextYieldTo, 0, NULL, 0, NULL);
    CHECK_REPLY0(info, seL4_IllegalOperation);
    /* A caller whose MCP (100) is below the target's priority (200). */
    TRY(thread_create(&high, seL4_CapInitThreadCNode, 0, f.badged, 200));
    TRY(thread_create(&caller, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    CHECK_OK(seL4_TCB_SetMCPriority(caller.tcb, seL4_CapInitThreadTCB, 100));
    y.target = high.sc;
    y.done = 0;
    TRY(thread_start(&caller, st_yield_to_fn, (seL4_Word)(uintptr_t)&y));
    TRY(fault_wait_exit(&f));
    CHECK_EQ(y.done, 1);
    CHECK_ERR(y.err, seL4_IllegalOperation);
    spin.stop = 1;
    spin_low.stop = 1;
}

/* ---- domains, debug --------------------------------------------------------------------- */

/*
 * DomainSet_Set (30): only domain 0 exists (ABI (k)). Errors: no word or no cap
 * TruncatedMessage, domain >= 1 InvalidArgument(0) (whole word read, checked before the
 * cap), not a TCB InvalidArgument(1), other labels IllegalOperation.
 */
TEST(sched_domain_set)
{
    static struct thread t;
    seL4_MessageInfo_t info;
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, 0, TEST_CHILD_PRIO));

    CHECK_OK(seL4_DomainSet_Set(seL4_CapDomain, 0, t.tcb));
    CHECK_OK(seL4_DomainSet_Set(seL4_CapDomain, 0, seL4_CapInitThreadTCB));
    info = raw_call(seL4_CapDomain, DomainSetSet, 1, (seL4_Word[]){1}, 1, (seL4_CPtr[]){t.tcb});
    CHECK_REPLY(info, seL4_InvalidArgument, 0);
    info = raw_call(seL4_CapDomain, DomainSetSet, 1, (seL4_Word[]){256}, 1, (seL4_CPtr[]){t.tcb});
    CHECK_REPLY(info, seL4_InvalidArgument, 0);
    info = raw_call(seL4_CapDomain, DomainSetSet, 1, (seL4_Word[]){0}, 1,
                    (seL4_CPtr[]){seL4_CapInitThreadCNode});
    CHECK_REPLY(info, seL4_InvalidArgument, 1);
    info = raw_call(seL4_CapDomain, DomainSetSet, 0, NULL, 1, (seL4_CPtr[]){t.tcb});
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(seL4_CapDomain, DomainSetSet, 1, (seL4_Word[]){0}, 0, NULL);
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(seL4_CapDomain, DomainSetSet, 1, (seL4_Word[]){1}, 0, NULL);
    CHECK_REPLY(info, seL4_InvalidArgument, 0);
    static const seL4_Word labels[] = {0, 29, 31, 32};
    for (unsigned i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        info = raw_call(seL4_CapDomain, labels[i], 1, (seL4_Word[]){0}, 1, (seL4_CPtr[]){t.tcb});
        if (seL4_MessageInfo_get_label(info) != seL4_IllegalOperation)
            FAIL("label %llu on the domain cap: %s, want IllegalOperation",
                 (unsigned long long)labels[i], err_name(seL4_MessageInfo_get_label(info)));
    }
}

/* DebugDumpScheduler (-13) with named threads in several states returns normally (the
 * listing itself goes to the kernel console). */
TEST(sched_debug_dump_scheduler)
{
    static struct thread t[3];
    static struct st_spin spin;
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    for (int i = 0; i < 3; i++)
        TRY(thread_create(&t[i], seL4_CapInitThreadCNode, 0, f.badged, 100 + (seL4_Word)i));
    spin.count = 0;
    spin.stop = 0;
    TRY(thread_start(&t[0], st_spin_fn, (seL4_Word)(uintptr_t)&spin));
    CHECK_OK(seL4_SchedContext_UnbindObject(t[1].sc, t[1].tcb));
    CHECK_OK(seL4_SchedControl_ConfigureFlags(st_schedcontrol(), t[2].sc, 500, 3000, 0, 0x1,
                                              seL4_SchedContext_Sporadic));
    seL4_DebugDumpScheduler();
    spin.stop = 1;
}
