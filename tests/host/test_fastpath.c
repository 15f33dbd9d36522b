/*
 * Host test of the IPC fast path (api/fastpath.c): it must have exactly the effect of
 * the general path, or do nothing and leave the syscall to it.
 *
 * Differential: a seeded generator builds a small world (client, server, endpoint,
 * reply objects, scheduling contexts, other ready/released/waiting threads, bound
 * notification, CSpaces, random registers) in a static arena, so that building it again
 * from the same seed gives the same bytes at the same addresses. Each case is run twice
 * from that state: once through handle_syscall (the general path), once through the
 * fast path (fastpath_try_*; if it declines, handle_syscall). Afterwards the whole
 * arena (every object of the world, registers included) and the kernel's global state
 * (current thread and SC, scheduler action, time, timer deadline, ready queues and
 * bitmap, release queue, recorded errors) must be identical.
 *
 * The generator mostly builds the cases the fast path takes, and perturbs them (rights,
 * message lengths, extra caps, faults, priorities, active servers, budgets, queued
 * senders, pending signals, bad cptrs...) so that every check of the fast path is
 * exercised both ways; the test also requires enough cases to have taken the fast path.
 */
#include "ipc_test_util.h"
#include "fake_arch.h"

#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>
#include <keel/fastpath.h>
#include <keel/status.h>

void handle_syscall(sword_t number);

#define CASES 4000
#define MS(x) ((ticks_t)(x) * TICKS_PER_MS)

/* ---- random numbers ---------------------------------------------------------------------- */

static uint64_t rng;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static bool chance(unsigned percent) { return rnd() % 100 < percent; }
static word_t rnd_below(word_t n) { return rnd() % n; }

/* ---- the world --------------------------------------------------------------------------- */

/* Every object of the world, to name a difference. */
#define MAX_OBJECTS 64
static struct { const void *p; size_t bytes; const char *what; } objects[MAX_OBJECTS];
static unsigned nobjects;

static void *track(void *p, size_t bytes, const char *what)
{
    assert_true(nobjects < MAX_OBJECTS);
    objects[nobjects].p = p;
    objects[nobjects].bytes = bytes;
    objects[nobjects++].what = what;
    return p;
}

#define MAX_THREADS 12
static tcb_t *threads[MAX_THREADS];
static unsigned nthreads;

/* CSpace slots every thread gets (the others stay empty). */
enum { SLOT_EP = 1, SLOT_NTFN = 2, SLOT_REPLY = 3, SLOT_EP0 = 4, SLOT_REPLY2 = 5 };

typedef struct world {
    tcb_t *client, *server;
    endpoint_t *ep, *ep0;
    reply_t *reply, *reply2, *reply0;
    notification_t *ntfn;
} world_t;

static tcb_t *thread(const char *name, word_t prio)
{
    tcb_t *t = track(new_thread(name, (uint8_t)prio), BIT(seL4_TCBBits), name);

    assert_true(nthreads < MAX_THREADS);
    threads[nthreads++] = t;
    t->state = ThreadState_Inactive;
    for (unsigned r = 0; r < NUM_CONTEXT_REGS; r++)
        set_reg(t, r, rnd());
    if (chance(80))
        give_ipc_buffer(t);
    return t;
}

static sched_context_t *configured_sc(tcb_t *t)
{
    sched_context_t *sc = track(arena_alloc(BIT(8), BIT(8)), BIT(8), "sc");
    ticks_t budget = chance(10) ? MIN_BUDGET + rnd_below(3 * MIN_BUDGET) : MIN_BUDGET * 50;
    ticks_t period = chance(50) ? budget : budget * 4;

    sched_context_init(sc, 8);
    sched_context_configure(sc, budget, period, rnd_below(3), rnd(), chance(30));
    if (t)
        sched_context_bind_tcb(sc, t);
    return sc;
}

static word_t random_rights(unsigned full_percent)
{
    return chance(full_percent) ? RIGHTS_ALL : rnd_below(16);
}

static void give_caps(tcb_t *t, world_t *w, word_t ep_rights)
{
    cspace_slot(t, SLOT_EP)->cap = ep_cap(w->ep, chance(50) ? rnd() : 0, ep_rights);
    cspace_slot(t, SLOT_NTFN)->cap = ntfn_cap(w->ntfn, rnd(), RIGHTS_ALL);
    cspace_slot(t, SLOT_EP0)->cap = ep_cap(w->ep0, 0, RIGHTS_ALL);
}

/* A cptr: usually the slot meant, sometimes another slot or garbage. */
static cptr_t random_cptr(cptr_t meant)
{
    switch (rnd_below(20)) {
    case 0:
        return rnd_below(8);                    /* another (maybe empty) slot */
    case 1:
        return rnd();                           /* guard mismatch, almost surely */
    case 2:                                     /* the right index, a wrong guard */
        return meant | BIT(TEST_CNODE_RADIX + rnd_below(64 - TEST_CNODE_RADIX));
    default:
        return meant;
    }
}

static word_t random_msginfo(void)
{
    word_t length = chance(85) ? rnd_below(5) : rnd_below(128);
    word_t extra = chance(90) ? 0 : 1 + rnd_below(3);
    return msginfo_new(rnd() & 0xfffff, rnd_below(8), extra, length);
}

/* The state every kernel entry starts from; 'now' a little after the last entry. */
static void reset_kernel_state(void)
{
    reset_arena(NULL);
    nthreads = 0;
    nobjects = 0;
    fake_now = MS(1000);
    fake_deadline = 0;
    ks_cur_time = fake_now - rnd_below(MIN_BUDGET);
    ks_consumed = rnd_below(MIN_BUDGET);
    ks_reprogram = false;
    ks_cur_domain = 0;
    ks_sched_action = SCHED_RESUME_CURRENT;
    ks_num_kernel_entries = 0;
    memset(&ks_lookup_fault, 0, sizeof(ks_lookup_fault));
    memset(&ks_syscall_error, 0, sizeof(ks_syscall_error));

    tcb_t *idle = thread("idle", 0);
    idle->state = ThreadState_IdleThreadState;
    configured_sc(idle);
    ks_idle_thread = idle;
}

/* Make t the thread of this kernel entry, running on its SC (as at a syscall). */
static void enter_as(tcb_t *t)
{
    sched_dequeue(t);
    ks_cur_thread = t;
    ks_cur_sc = t->sc;
    ks_sched_action = SCHED_RESUME_CURRENT;
    ks_reprogram = false;
}

/* t did a YieldTo that has not completed yet (an SC of an inactive thread). */
static void pending_yield_to(tcb_t *t)
{
    tcb_t *other = thread("yieldee", rnd_below(256));
    sched_context_t *sc = configured_sc(other);

    t->yield_to = sc;
    sc->yield_from = t;
}

/* A Running thread with an SC, queued ready (or in the release queue if 'released'). */
static void other_ready_thread(bool released)
{
    tcb_t *t = thread("other", rnd_below(256));
    sched_context_t *sc = configured_sc(t);

    t->state = ThreadState_Running;
    t->domain = chance(10) ? 1 : 0;
    if (!released) {
        sched_enqueue(t);
        return;
    }
    /* Waiting for its next refill: due already (awaken would release it) or later. */
    refill_head(sc)->release = fake_now + (chance(50) ? 0 : MS(5));
    sched_postpone(sc);
}

/*
 * The Call world: client (current) about to Call the endpoint on which, usually, a
 * passive server waits with a reply object. If 'clean', no perturbation that would keep
 * the Call from reaching the server with a reply (for the ReplyRecv world).
 */
static void build_call_world(world_t *w, bool clean, bool active_server)
{
    w->ep = track(new_endpoint(), sizeof(endpoint_t), "ep");
    w->ep0 = track(new_endpoint(), sizeof(endpoint_t), "ep0");
    w->reply = track(new_reply(), sizeof(reply_t), "reply");
    w->reply2 = track(new_reply(), sizeof(reply_t), "reply2");
    w->reply0 = track(new_reply(), sizeof(reply_t), "reply0");
    w->ntfn = track(new_notification(), sizeof(notification_t), "ntfn");

    w->client = thread("client", chance(50) ? 200 : rnd_below(256));
    w->server = thread("server", chance(60) ? w->client->priority : rnd_below(256));
    w->server->domain = chance(5) ? 1 : 0;
    give_caps(w->client, w, clean ? RIGHTS_ALL : random_rights(80));
    give_caps(w->server, w, chance(90) ? RIGHTS_ALL : random_rights(50));
    cspace_slot(w->server, SLOT_REPLY)->cap = reply_cap(w->reply, chance(50));
    cspace_slot(w->server, SLOT_REPLY2)->cap = reply_cap(w->reply2, true);

    /* The client runs on its own SC, or (as a passive server itself) on the SC of a
     * grand-client that called it, so that the call stack is not empty. */
    if (chance(30)) {
        tcb_t *grand = thread("grand", rnd_below(256));
        configured_sc(grand);
        grand->state = ThreadState_Running;
        receive_ipc(w->client, ep_cap(w->ep0, 0, RIGHTS_ALL), true, reply_cap(w->reply0, true));
        enter_as(grand);
        set_reg(grand, REG_MSGINFO, 0);
        send_ipc(true, true, 0, true, true, true, grand, w->ep0);
    } else {
        configured_sc(w->client);
        w->client->state = ThreadState_Running;
    }

    /* The server: waiting on ep (passive, sometimes active, sometimes without a reply
     * object), or not there at all, or behind a sender. */
    if (!clean && chance(5)) {
        tcb_t *s = thread("sender", rnd_below(256));
        configured_sc(s);
        s->state = ThreadState_Running;
        enter_as(s);
        send_ipc(true, chance(50), rnd(), true, true, true, s, w->ep);
    } else if (clean || chance(95)) {
        if (active_server) {
            sched_context_t *sc = configured_sc(w->server);
            if (!clean && chance(25))       /* no budget now: it waits for a refill */
                refill_head(sc)->release = fake_now + MS(3);
        }
        receive_ipc(w->server, ep_cap(w->ep, 0, RIGHTS_ALL), true,
                    clean || chance(95) ? reply_cap(w->reply, true) : cap_null());
    }
    if (chance(20)) {
        tcb_t *s2 = thread("server2", rnd_below(256));
        cspace_slot(s2, SLOT_REPLY)->cap = reply_cap(w->reply2, true);
        receive_ipc(s2, ep_cap(w->ep, 0, RIGHTS_ALL), true, reply_cap(w->reply2, true));
    }
    if (chance(20))
        bind_notification(w->server, w->ntfn);
    if (!clean && chance(4))
        pending_yield_to(w->server);

    if (chance(40))
        other_ready_thread(false);
    if (chance(20))
        other_ready_thread(true);

    enter_as(w->client);
    if (!clean && chance(3))
        w->client->fault = (fault_t){ .type = seL4_Fault_UnknownSyscall, .w = { 42 } };
    set_reg(w->client, REG_CAP, clean ? SLOT_EP : random_cptr(SLOT_EP));
    set_reg(w->client, REG_MSGINFO, random_msginfo());
    set_reg(w->client, REG_SYSNO, (word_t)seL4_SysCall);
    fake_now += rnd_below(2 * MIN_BUDGET);
}

/*
 * The ReplyRecv world: the Call world, the call made (through the general path), and
 * the server, now current, about to ReplyRecv. Returns false if the call did not leave
 * the server running.
 */
static bool build_reply_recv_world(world_t *w)
{
    build_call_world(w, true, chance(10));
    set_reg(w->client, REG_MSGINFO, msginfo_new(1, 0, 0, 0));
    handle_syscall(seL4_SysCall);
    if (ks_cur_thread != w->server || w->client->state != ThreadState_BlockedOnReply)
        return false;
    ks_reprogram = false;

    if (chance(8)) {
        tcb_t *s = thread("sender", rnd_below(256));
        configured_sc(s);
        s->state = ThreadState_Running;
        enter_as(s);
        send_ipc(true, chance(50), rnd(), true, true, true, s, w->ep);
        enter_as(w->server);
    }
    if (w->server->bound_notification && chance(50)) {
        w->ntfn->state = NtfnState_Active;
        w->ntfn->badge = rnd();
    }
    if (chance(3))
        w->client->fault = (fault_t){ .type = seL4_Fault_UnknownSyscall, .w = { 42 } };
    if (!w->client->sc && chance(4))
        configured_sc(w->client);       /* SchedContext_Bind while it waits for the reply */
    if (chance(4))
        pending_yield_to(w->client);
    if (chance(5))
        cspace_slot(w->server, SLOT_EP)->cap = ep_cap(w->ep, 0, random_rights(30));

    set_reg(w->server, REG_CAP, random_cptr(SLOT_EP));
    set_reg(w->server, REG_REPLY, chance(5) ? SLOT_REPLY2 : random_cptr(SLOT_REPLY));
    set_reg(w->server, REG_MSGINFO, random_msginfo());
    set_reg(w->server, REG_SYSNO, (word_t)seL4_SysReplyRecv);
    ks_num_kernel_entries = 0;
    fake_now += rnd_below(2 * MIN_BUDGET);
    return true;
}

/* Take every thread out of the scheduler's (static) queues for the next case. */
static void teardown_world(void)
{
    for (unsigned i = 0; i < nthreads; i++) {
        sched_dequeue(threads[i]);
        release_queue_remove(threads[i]);
    }
    ks_cur_thread = NULL;
    ks_cur_sc = NULL;
}

/* The general path prints a line for every failed invocation and fault; the generator
 * makes thousands. Keep them off the test's output (FP_VERBOSE=1 shows them). */
static int saved_stdout = -1;

static void quiet_begin(void)
{
    if (getenv("FP_VERBOSE"))
        return;
    fflush(stdout);
    saved_stdout = dup(STDOUT_FILENO);
    int null = open("/dev/null", O_WRONLY);
    assert_true(saved_stdout >= 0 && null >= 0);
    dup2(null, STDOUT_FILENO);
    close(null);
}

static void quiet_end(void)
{
    if (saved_stdout < 0)
        return;
    fflush(stdout);
    dup2(saved_stdout, STDOUT_FILENO);
    close(saved_stdout);
    saved_stdout = -1;
}

/* ---- comparing ---------------------------------------------------------------------------- */

typedef struct outcome {
    tcb_t *cur, *action, *release_head;
    sched_context_t *sc;
    ticks_t time, consumed, deadline;
    bool reprogram;
    word_t entries;
    lookup_fault_t lookup_fault;
    syscall_error_t syscall_error;
    tcb_t *rq_head[KEEL_NUM_PRIORITIES], *rq_tail[KEEL_NUM_PRIORITIES];
    bool rq_marked[KEEL_NUM_PRIORITIES];
} outcome_t;

static uint8_t arena_after_slow[ARENA_BYTES];
static outcome_t slow, fast;

static void capture(outcome_t *o)
{
    memset(o, 0, sizeof(*o));
    o->cur = ks_cur_thread;
    o->action = ks_sched_action;
    o->release_head = release_queue_head();
    o->sc = ks_cur_sc;
    o->time = ks_cur_time;
    o->consumed = ks_consumed;
    o->deadline = fake_deadline;
    o->reprogram = ks_reprogram;
    o->entries = ks_num_kernel_entries;
    o->lookup_fault = ks_lookup_fault;
    o->syscall_error = ks_syscall_error;
    for (word_t p = 0; p < KEEL_NUM_PRIORITIES; p++)
        sched_debug_ready_queue(p, &o->rq_head[p], &o->rq_tail[p], &o->rq_marked[p]);
}

/* Name the object a differing arena byte belongs to. */
static void report_difference(size_t off)
{
    const uint8_t *p = &arena[off];
    for (unsigned i = 0; i < nobjects; i++) {
        const uint8_t *o = objects[i].p;
        if (p >= o && p < o + objects[i].bytes) {
            print_error("  differs in %s %p at offset %zu: %02x (general path %02x)\n",
                        objects[i].what, (const void *)o, (size_t)(p - o), *p,
                        arena_after_slow[off]);
            return;
        }
    }
    print_error("  differs at arena offset %zu (a CNode or IPC buffer)\n", off);
}

static size_t used_after_slow;

static void compare(uint64_t seed, const char *what)
{
    assert_int_equal(arena_used, used_after_slow);
    if (memcmp(arena, arena_after_slow, arena_used) != 0) {
        size_t i = 0;
        while (arena[i] == arena_after_slow[i])
            i++;
        print_error("seed %llu (%s): memory differs from the general path's\n",
                    (unsigned long long)seed, what);
        report_difference(i);
        quiet_end();
        fail();
    }
    if (memcmp(&slow, &fast, sizeof(slow)) != 0) {
        print_error("seed %llu (%s): kernel state differs: cur %p/%p sc %p/%p action %p/%p "
                    "time %llu/%llu consumed %llu/%llu deadline %llu/%llu entries %lu/%lu\n",
                    (unsigned long long)seed, what, (void *)slow.cur, (void *)fast.cur,
                    (void *)slow.sc, (void *)fast.sc, (void *)slow.action, (void *)fast.action,
                    (unsigned long long)slow.time, (unsigned long long)fast.time,
                    (unsigned long long)slow.consumed, (unsigned long long)fast.consumed,
                    (unsigned long long)slow.deadline, (unsigned long long)fast.deadline,
                    (unsigned long)slow.entries, (unsigned long)fast.entries);
        quiet_end();
        fail();
    }
}

/* FP_SEED=n prints case n's world before the general path runs, then calls
 * fp_debug_break (a place for a debugger's breakpoint). */
__attribute__((noinline)) void fp_debug_break(void);
__attribute__((noinline)) void fp_debug_break(void) { __asm__ volatile(""); }

static void debug_case(uint64_t seed)
{
    quiet_end();
    printf("seed %llu: current '%s' (prio %u), SC %p, time %llu, now %llu\n",
           (unsigned long long)seed, ks_cur_thread->name, ks_cur_thread->priority,
           (void *)ks_cur_sc, (unsigned long long)ks_cur_time, (unsigned long long)fake_now);
    for (unsigned i = 0; i < nthreads; i++)
        printf("  %-8s prio %3u state %d sc %p%s%s\n", threads[i]->name, threads[i]->priority,
               threads[i]->state, (void *)threads[i]->sc,
               threads[i]->in_ready_queue ? " ready" : "",
               threads[i]->in_release_queue ? " released-later" : "");
    fp_debug_break();
}

/* ---- the cases ----------------------------------------------------------------------------- */

static unsigned run_cases(bool reply_recv)
{
    sword_t number = reply_recv ? seL4_SysReplyRecv : seL4_SysCall;
    unsigned hits = 0, cases = 0;
    world_t w;

    quiet_begin();

    for (uint64_t seed = 1; seed <= CASES; seed++) {
        bool built;

        rng = seed * 0x9e3779b97f4a7c15ull;
        reset_kernel_state();
        if (reply_recv) {
            built = build_reply_recv_world(&w);
        } else {
            build_call_world(&w, false, chance(15));
            built = true;
        }
        if (!built) {
            teardown_world();
            continue;
        }
        if (getenv("FP_SEED") && strtoull(getenv("FP_SEED"), NULL, 0) == seed)
            debug_case(seed);
        handle_syscall(number);
        capture(&slow);
        memcpy(arena_after_slow, arena, arena_used);
        used_after_slow = arena_used;
        teardown_world();

        rng = seed * 0x9e3779b97f4a7c15ull;
        reset_kernel_state();
        if (reply_recv)
            assert_true(build_reply_recv_world(&w));
        else
            build_call_world(&w, false, chance(15));
        bool taken = reply_recv ? fastpath_try_reply_recv() : fastpath_try_call();
        if (!taken)
            handle_syscall(number);
        capture(&fast);
        compare(seed, taken ? "fast path taken" : "fast path declined");
        teardown_world();
        hits += taken;
        cases++;
    }
    quiet_end();
    printf("  %s: %u cases, fast path taken in %u\n", reply_recv ? "ReplyRecv" : "Call", cases,
           hits);
    assert_true(cases > CASES / 2);
    return hits * 100 / cases;
}

static void test_call_same_as_general_path(void **state)
{
    (void)state;
    /* The generator makes most cases fast-path cases; each check is hit both ways. */
    assert_true(run_cases(false) >= 25);
}

static void test_reply_recv_same_as_general_path(void **state)
{
    (void)state;
    assert_true(run_cases(true) >= 25);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_call_same_as_general_path),
        cmocka_unit_test(test_reply_recv_same_as_general_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
