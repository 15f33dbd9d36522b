/*
 * Keel benchmarks: notification signal to a higher-priority waiter, and seL4_Yield
 * between two threads of the same priority.
 *
 * Signal: a low-priority thread reads the counter and signals a notification on which
 * a high-priority thread waits; the waiter runs at once and reads the counter when
 * its Wait returns. Yield: thread A reads the counter and yields; thread B, of the
 * same priority, reads the counter when its own Yield returns and yields back. The
 * second thread is either in the root task's address space or in a space of its own.
 */
#include <stdio.h>
#include <sel4/sel4.h>
#include "bench.h"
#include "cycles.h"

/* Shared by the driver and both threads. The "end" side may record more entries than
 * the "start" side (it runs before the first and after the last measured event). */
struct sched_run {
    seL4_CPtr start_ntfn;               /* signaller's notification cap */
    seL4_CPtr end_ntfn;                 /* waiter's cap for the same notification */
    struct sync_caps start_sync;
    uint64_t start[BENCH_TOTAL];
    uint64_t end[BENCH_TOTAL + 2];
};

static struct sched_run run;

/* ---- Signal to a higher-priority thread ----------------------------------------------- */

static void waiter_fn(seL4_Word arg) __attribute__((noreturn));
static void waiter_fn(seL4_Word arg)
{
    struct sched_run *r = (struct sched_run *)arg;
    seL4_CPtr ntfn = r->end_ntfn;
    for (unsigned i = 0;; i++) {
        sys_wait(ntfn);
        uint64_t t = read_ccnt();
        if (i < BENCH_TOTAL + 2) {
            r->end[i] = t;
        }
    }
}

static void signaller_fn(seL4_Word arg) __attribute__((noreturn));
static void signaller_fn(seL4_Word arg)
{
    struct sched_run *r = (struct sched_run *)arg;
    seL4_CPtr ntfn = r->start_ntfn;
    for (unsigned i = 0; i < BENCH_TOTAL; i++) {
        uint64_t t = read_ccnt();
        sys_signal(ntfn);
        r->start[i] = t;
    }
    thread_finish(&r->start_sync);
}

static void signal_one(struct thread *signaller, struct thread *waiter, seL4_CPtr ntfn,
                       const struct overheads *o)
{
    run.start_ntfn = ntfn;
    run.end_ntfn = space_give_cap(waiter->space, ntfn);
    run.start_sync = sync_caps_for(NULL);

    /* The waiter runs first (higher priority) and blocks; then the signaller runs. */
    thread_start(waiter, waiter_fn, (seL4_Word)&run);
    thread_start(signaller, signaller_fn, (seL4_Word)&run);
    sync_wait_done();
    thread_stop(signaller);
    thread_stop(waiter);

    struct stats s = stats_of_deltas(run.start, run.end, o->signal);
    report(waiter->space ? "signal_hiprio_cross" : "signal_hiprio_same", 0, &s);
}

void run_signal_benchmarks(const struct overheads *o, struct space *other)
{
    static struct thread signaller, waiter_same, waiter_cross;
    seL4_CPtr ntfn = env_alloc_object(seL4_NotificationObject, 0);

    thread_create(&signaller, "signaller", NULL, PRIO_LOW, 0);
    thread_create(&waiter_same, "waiter-same", NULL, PRIO_HIGH, 0);
    thread_create(&waiter_cross, "waiter-cross", other, PRIO_HIGH, 0);

    report_header("Signal to a waiting higher-priority thread (signal -> waiter runs)");
    signal_one(&signaller, &waiter_same, ntfn, o);
    signal_one(&signaller, &waiter_cross, ntfn, o);
}

/* ---- Yield between two threads of the same priority --------------------------------------- */

static void yield_back_fn(seL4_Word arg) __attribute__((noreturn));
static void yield_back_fn(seL4_Word arg)
{
    struct sched_run *r = (struct sched_run *)arg;
    for (unsigned i = 0;; i++) {
        uint64_t t = read_ccnt();
        if (i < BENCH_TOTAL + 2) {
            r->end[i] = t;
        }
        sys_yield();
    }
}

static void yield_fn(seL4_Word arg) __attribute__((noreturn));
static void yield_fn(seL4_Word arg)
{
    struct sched_run *r = (struct sched_run *)arg;
    for (unsigned i = 0; i < BENCH_TOTAL; i++) {
        uint64_t t = read_ccnt();
        sys_yield();
        r->start[i] = t;
    }
    thread_finish(&r->start_sync);
}

/* B may run before A's first Yield: pair A's yield i with the first record of B
 * taken after it. */
static unsigned first_end_after(uint64_t t)
{
    unsigned j = 0;
    while (j < 2 && run.end[j] < t) {
        j++;
    }
    return j;
}

static void yield_one(struct thread *a, struct thread *b, const struct overheads *o)
{
    run.start_sync = sync_caps_for(NULL);
    thread_start(b, yield_back_fn, (seL4_Word)&run);
    thread_start(a, yield_fn, (seL4_Word)&run);
    sync_wait_done();
    thread_stop(a);
    thread_stop(b);

    unsigned off = first_end_after(run.start[0]);
    struct stats s = stats_of_deltas(run.start, run.end + off, o->ccnt);
    report(b->space ? "yield_cross" : "yield_same", 0, &s);
}

void run_yield_benchmarks(const struct overheads *o, struct space *other)
{
    static struct thread a, b_same, b_cross;

    thread_create(&a, "yield-a", NULL, PRIO_LOW, 0);
    thread_create(&b_same, "yield-b-same", NULL, PRIO_LOW, 0);
    thread_create(&b_cross, "yield-b-cross", other, PRIO_LOW, 0);

    report_header("Yield to a thread of the same priority (thread switch)");
    yield_one(&a, &b_same, o);
    yield_one(&a, &b_cross, o);
}
