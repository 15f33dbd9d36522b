/*
 * Keel benchmarks: the measured threads and the driver's done/park notifications.
 *
 * Stacks, TLS blocks and IPC buffers are arrays of this image, so they exist at the
 * same address in every space (space.c); an IPC buffer's frame cap is the image frame
 * cap that backs it in the thread's space.
 */
#include <stdio.h>
#include <string.h>
#include <sel4/sel4.h>
#include <keel/runtime.h>
#include "bench.h"
#include "cycles.h"

#define STACK_SIZE (16 * 1024)
#define TLS_SIZE 512
#define PAGE_SIZE (1ul << seL4_PageBits)

/* Budget = period: a round-robin SC that is never throttled within a run. 1 s of
 * budget is 10^9 instructions under -icount shift=0, far more than a run takes. */
#define THREAD_BUDGET_US 1000000ul

static char stacks[BENCH_MAX_THREADS][STACK_SIZE] __attribute__((aligned(16)));
static char tls_blocks[BENCH_MAX_THREADS][TLS_SIZE] __attribute__((aligned(64)));
static seL4_IPCBuffer ipc_buffers[BENCH_MAX_THREADS] __attribute__((aligned(4096)));
static int threads_used;

_Static_assert(sizeof(seL4_IPCBuffer) <= PAGE_SIZE, "IPC buffer fits a page");

static void configure_sc(seL4_CPtr sc)
{
    seL4_CPtr sched_control = env_bootinfo()->schedcontrol.start;
    check(seL4_SchedControl_Configure(sched_control, sc, THREAD_BUDGET_US, THREAD_BUDGET_US,
                                      0, 0), "SchedControl_Configure");
}

static void setup_tls(struct thread *t)
{
    t->tls = keel_tls_init(tls_blocks[t->idx], TLS_SIZE);
    if (t->tls == 0) {
        bench_die("TLS image larger than a thread's TLS block", seL4_RangeError);
    }
    keel_tls_set_ipc_buffer(t->tls, &ipc_buffers[t->idx]);
}

void thread_create(struct thread *t, const char *name, struct space *space, seL4_Word prio,
                   seL4_CPtr fault_ep)
{
    if (threads_used >= BENCH_MAX_THREADS) {
        bench_die("too many threads", seL4_NotEnoughMemory);
    }
    memset(t, 0, sizeof(*t));
    t->idx = threads_used++;
    t->space = space;
    t->tcb = env_alloc_object(seL4_TCBObject, 0);
    t->sc = env_alloc_object(seL4_SchedContextObject, seL4_MinSchedContextBits);
    configure_sc(t->sc);

    seL4_Word buffer = (seL4_Word)&ipc_buffers[t->idx];
    check(seL4_TCB_Configure(t->tcb, space_cnode(space), space_cnode_data(space),
                             space_vspace(space), 0, buffer, space_frame_cap(space, buffer)),
          "TCB_Configure");
    check(seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, seL4_MaxPrio, prio, t->sc,
                                  fault_ep), "TCB_SetSchedParams");
    seL4_DebugNameThread(t->tcb, name);
    setup_tls(t);
}

void thread_start(struct thread *t, thread_fn_t fn, seL4_Word arg)
{
    seL4_UserContext regs;
    memset(&regs, 0, sizeof(regs));
    regs.pc = (seL4_Word)fn;
    regs.sp = (seL4_Word)&stacks[t->idx][STACK_SIZE];
    regs.x0 = arg;
    regs.tpidr_el0 = t->tls;
    check(seL4_TCB_WriteRegisters(t->tcb, true, 0, sizeof(regs) / sizeof(seL4_Word), &regs),
          "TCB_WriteRegisters");
}

void thread_stop(struct thread *t)
{
    check(seL4_TCB_Suspend(t->tcb), "TCB_Suspend");
}

void thread_set_prio(struct thread *t, seL4_Word prio)
{
    check(seL4_TCB_SetPriority(t->tcb, seL4_CapInitThreadTCB, prio), "TCB_SetPriority");
}

void thread_make_passive(struct thread *t)
{
    check(seL4_SchedContext_Unbind(t->sc), "SchedContext_Unbind");
    t->passive = true;
}

void thread_make_active(struct thread *t)
{
    if (t->passive) {
        check(seL4_SchedContext_Bind(t->sc, t->tcb), "SchedContext_Bind");
        t->passive = false;
    }
}

seL4_IPCBuffer *thread_ipc_buffer(const struct thread *t)
{
    return &ipc_buffers[t->idx];
}

/* ---- done / park ------------------------------------------------------------------------ */

static seL4_CPtr done_ntfn, park_ntfn;

void sync_init(void)
{
    done_ntfn = env_alloc_object(seL4_NotificationObject, 0);
    park_ntfn = env_alloc_object(seL4_NotificationObject, 0);
}

struct sync_caps sync_caps_for(struct space *s)
{
    struct sync_caps c = {
        .done = space_give_cap(s, done_ntfn),
        .park = space_give_cap(s, park_ntfn),
    };
    return c;
}

void sync_wait_done(void)
{
    seL4_Wait(done_ntfn, NULL);
}

void thread_finish(const struct sync_caps *sync)
{
    sys_signal(sync->done);
    for (;;) {
        sys_wait(sync->park);
    }
}

/* ---- Probing what EL0 may do ----------------------------------------------------------- */

#define PROBE_OK_LABEL 0x4f4b

bool probe_in_thread(thread_fn_t fn)
{
    static struct thread probe;
    static seL4_CPtr ep, reply;

    if (!ep) {
        ep = env_alloc_object(seL4_EndpointObject, 0);
        reply = env_alloc_object(seL4_ReplyObject, 0);
        thread_create(&probe, "probe", NULL, PRIO_LOW, ep);
    }
    thread_start(&probe, fn, ep);
    seL4_MessageInfo_t info = seL4_Recv(ep, NULL, reply);
    thread_stop(&probe);
    return seL4_MessageInfo_get_label(info) == PROBE_OK_LABEL;
}

void probe_succeeded(seL4_Word ep)
{
    seL4_Send(ep, seL4_MessageInfo_new(PROBE_OK_LABEL, 0, 0, 0));
    for (;;) {
        seL4_Yield();
    }
}
