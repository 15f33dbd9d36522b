/*
 * Keel benchmarks: fault round trip.
 *
 * A thread executes an unknown syscall; the kernel sends an UnknownSyscall fault to its
 * fault handler (a thread of the same priority in the same address space), which
 * replies through its reply object with the resume address advanced past the `svc`
 * (reply MR8 = FaultIP + 4, ABI (f)) and waits for the next fault with ReplyRecv.
 * Measured: fault delivery (faulting thread -> handler's receive returns), the reply
 * (handler's ReplyRecv -> faulting thread runs again) and the whole round trip.
 */
#include <stdio.h>
#include <sel4/sel4.h>
#include "bench.h"
#include "cycles.h"

/* Reply words: x0..x7 and FaultIP. */
#define FAULT_REPLY_LENGTH (seL4_UnknownSyscall_FaultIP + 1)

struct fault_run {
    seL4_CPtr ep, reply;                /* handler's caps */
    seL4_IPCBuffer *handler_buffer;
    struct sync_caps faulter_sync;
    uint64_t faulter_out[BENCH_TOTAL];  /* before the faulting svc */
    uint64_t faulter_in[BENCH_TOTAL];   /* after it was resumed */
    uint64_t handler_in[BENCH_TOTAL + 1];
    uint64_t handler_out[BENCH_TOTAL + 1];
};

static struct fault_run run;

static void handler_fn(seL4_Word arg) __attribute__((noreturn));
static void handler_fn(seL4_Word arg)
{
    struct fault_run *r = (struct fault_run *)arg;
    seL4_CPtr ep = r->ep, reply = r->reply;
    seL4_Word *mrs = r->handler_buffer->msg;
    seL4_Word info = msginfo(FAULT_REPLY_LENGTH);
    uint64_t out = 0;

    sys_recv(ep, reply);
    for (unsigned i = 0;; i++) {
        uint64_t in = read_ccnt();
        if (i > 0 && i <= BENCH_TOTAL + 1) {
            r->handler_out[i - 1] = out;
        }
        if (i <= BENCH_TOTAL) {
            r->handler_in[i] = in;
        }
        mrs[seL4_UnknownSyscall_FaultIP] += 4;     /* resume after the svc */
        out = read_ccnt();
        sys_reply_recv(ep, info, reply);
    }
}

static void faulter_fn(seL4_Word arg) __attribute__((noreturn));
static void faulter_fn(seL4_Word arg)
{
    struct fault_run *r = (struct fault_run *)arg;
    for (unsigned i = 0; i < BENCH_TOTAL; i++) {
        uint64_t out = read_ccnt();
        sys_unknown();
        uint64_t in = read_ccnt();
        r->faulter_out[i] = out;
        r->faulter_in[i] = in;
    }
    sys_unknown();      /* lets the handler store its last timestamp */
    thread_finish(&r->faulter_sync);
}

void run_fault_benchmarks(const struct overheads *o)
{
    static struct thread handler, faulter;
    seL4_CPtr ep = env_alloc_object(seL4_EndpointObject, 0);

    thread_create(&handler, "fault-handler", NULL, PRIO_LOW, 0);
    thread_create(&faulter, "faulter", NULL, PRIO_LOW, ep);
    run.ep = ep;
    run.reply = env_alloc_object(seL4_ReplyObject, 0);
    run.handler_buffer = thread_ipc_buffer(&handler);
    run.faulter_sync = sync_caps_for(NULL);

    /* The handler runs first (started first, same priority) and waits for a fault. */
    thread_start(&handler, handler_fn, (seL4_Word)&run);
    thread_start(&faulter, faulter_fn, (seL4_Word)&run);
    sync_wait_done();
    thread_stop(&faulter);
    thread_stop(&handler);

    report_header("Fault (UnknownSyscall) to a handler thread in the same address space");
    struct stats s = stats_of_deltas(run.faulter_out, run.handler_in, o->fault);
    report("fault_deliver", 0, &s);
    s = stats_of_deltas(run.handler_out, run.faulter_in, o->reply_recv);
    report("fault_reply", FAULT_REPLY_LENGTH, &s);
    s = stats_of_deltas(run.faulter_out, run.faulter_in, o->fault);
    report("fault_roundtrip", 0, &s);
}
