/*
 * ipcperf: instruction counts of the IPC hot path (Call and ReplyRecv, 0 message words).
 *
 * Run it under `qemu-system-aarch64 -icount shift=0` on a kernel built with
 * CONFIG_EXPORT_PMU_USER=1 (`make ipcperf`): PMCCNTR then advances by exactly one per
 * executed instruction, so the numbers are instruction counts and do not vary from run
 * to run.
 *
 * What is measured (the way sel4bench's ipc benchmark measures one-way IPC):
 *   Call      from the client's counter read just before its `svc` (seL4_Call) to the
 *             server's counter read just after its Recv/ReplyRecv returned;
 *   ReplyRecv from the server's counter read just before its `svc` (seL4_ReplyRecv) to
 *             the client's counter read just after its Call returned.
 * The cost of one counter read (isb; mrs), measured back to back, is subtracted, so a
 * number is: svc + kernel + eret.
 *
 * Scenarios: the client is the root thread (priority 255); the server is a second thread
 * at the same priority, blocked in Recv with a reply object, either
 *   passive  (no SC of its own: the client's SC is donated along the Call), or
 *   active   (its own SC: the Call switches scheduling contexts),
 * and either in its own VSpace (a second VSpace mapping the root task's image frames,
 * so code and data are shared but the address space is switched, with its own ASID) or
 * in the root task's VSpace. In the "FP" scenario both threads touch an FP/SIMD
 * register between IPCs, so each has to take the FP/SIMD registers back (lazy
 * switching: a trap on the first use); "server work" is then the server's instructions
 * from its receive returning to its next ReplyRecv, the trap included (without FP it
 * is just the bookkeeping between the two counter reads).
 *
 * The server thread's code runs in both VSpaces, so it touches only globals (shared
 * frames) and its own stack, never TLS or the IPC buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sel4/sel4.h>
#include <mapping/mapping.h>
#include <simple_alloc/simple_alloc.h>

const char *__keel_progname = "ipcperf";

#define ROUNDS 80                /* measured round trips per scenario */
#define WARMUP 16                /* the first rounds are reported separately */
#define SERVER_PRIO 255
#define SERVER_STACK 8192
#define SERVER_IPC_VADDR 0x20000000ul

extern char __keel_image_start[];

struct scenario {
    const char *name;
    bool own_vspace;
    bool passive;
    bool fp;                     /* both sides use FP/SIMD between IPCs */
    seL4_CPtr ep, reply, tcb, sc;
    /* Filled by the client (root thread); round ROUNDS only completes the last reply */
    uint64_t call_start[ROUNDS + 1];
    uint64_t rr_end[ROUNDS + 1];
    /* Filled by the server (round i of the server loop) */
    volatile uint64_t call_end[ROUNDS + 1];
    volatile uint64_t rr_start[ROUNDS + 1];
    uint8_t stack[SERVER_STACK] __attribute__((aligned(16)));
};

static struct scenario scenarios[] = {
    { .name = "passive server, other VSpace", .own_vspace = true, .passive = true },
    { .name = "active server,  other VSpace", .own_vspace = true, .passive = false },
    { .name = "passive server, same VSpace ", .own_vspace = false, .passive = true },
    { .name = "passive server, other VS, FP", .own_vspace = true, .passive = true, .fp = true },
};
#define NUM_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

static simple_alloc_t alloc;
static seL4_CPtr server_vspace;
static seL4_CPtr server_ipc_frame[NUM_SCENARIOS];

/* ---- counter and raw syscalls ------------------------------------------------------ */

static inline uint64_t ccnt(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, pmccntr_el0" : "=r"(v) : : "memory");
    return v;
}

/* seL4_Call(ep) with an empty message; the counter is read right before and after. */
static inline void timed_call(seL4_CPtr ep, uint64_t *before, uint64_t *after)
{
    register seL4_Word x0 __asm__("x0") = ep;
    register seL4_Word x1 __asm__("x1") = 0;
    register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysCall;
    uint64_t b, a;

    __asm__ volatile("isb\n\tmrs %[b], pmccntr_el0\n\tsvc #0\n\tisb\n\tmrs %[a], pmccntr_el0"
                     : [b] "=&r"(b), [a] "=&r"(a), "+r"(x0), "+r"(x1), "+r"(x7)
                     :
                     : "x2", "x3", "x4", "x5", "x6", "memory");
    *before = b;
    *after = a;
}

/* seL4_Recv(ep, reply); returns the counter read right after it returned. */
static inline uint64_t timed_recv(seL4_CPtr ep, seL4_CPtr reply)
{
    register seL4_Word x0 __asm__("x0") = ep;
    register seL4_Word x1 __asm__("x1") = 0;
    register seL4_Word x6 __asm__("x6") = reply;
    register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysRecv;
    uint64_t a;

    __asm__ volatile("svc #0\n\tisb\n\tmrs %[a], pmccntr_el0"
                     : [a] "=&r"(a), "+r"(x0), "+r"(x1), "+r"(x6), "+r"(x7)
                     :
                     : "x2", "x3", "x4", "x5", "memory");
    return a;
}

/* seL4_ReplyRecv(ep, empty message, reply); counter read before and after. */
static inline uint64_t timed_reply_recv(seL4_CPtr ep, seL4_CPtr reply, uint64_t *before)
{
    register seL4_Word x0 __asm__("x0") = ep;
    register seL4_Word x1 __asm__("x1") = 0;
    register seL4_Word x6 __asm__("x6") = reply;
    register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysReplyRecv;
    uint64_t b, a;

    __asm__ volatile("isb\n\tmrs %[b], pmccntr_el0\n\tsvc #0\n\tisb\n\tmrs %[a], pmccntr_el0"
                     : [b] "=&r"(b), [a] "=&r"(a), "+r"(x0), "+r"(x1), "+r"(x6), "+r"(x7)
                     :
                     : "x2", "x3", "x4", "x5", "memory");
    *before = b;
    return a;
}

/* Use the FP/SIMD registers (one instruction), as FP code between IPCs would. */
static inline void touch_fp(void)
{
    __asm__ volatile("fmov d0, xzr" : : : "v0");
}

/* ---- the server ---------------------------------------------------------------------- */

static void server_main(seL4_Word index)
{
    struct scenario *s = &scenarios[index];
    uint64_t t = timed_recv(s->ep, s->reply), before;

    for (unsigned i = 0;; i++) {
        if (i <= ROUNDS)
            s->call_end[i] = t;
        if (s->fp)
            touch_fp();
        t = timed_reply_recv(s->ep, s->reply, &before);
        if (i <= ROUNDS)
            s->rr_start[i] = before;
    }
}

/* ---- set-up ------------------------------------------------------------------------------ */

static void die(const char *what, seL4_Error err)
{
    printf("ipcperf: %s failed (error %d)\n", what, (int)err);
    printf("ipcperf: done\n");
    seL4_DebugHalt();
    for (;;)
        ;
}

static seL4_CPtr new_object(seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr cap;
    seL4_Error err = simple_alloc_object(&alloc, type, size_bits, &cap);
    if (err)
        die("Untyped_Retype", err);
    return cap;
}

/* A second VSpace with the root task's image frames at the same addresses. */
static void make_server_vspace(const seL4_BootInfo *bi)
{
    mapping_alloc_t m = simple_alloc_mapping(&alloc);
    seL4_Error err;

    server_vspace = new_object(seL4_ARM_VSpaceObject, 0);
    err = seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, server_vspace);
    if (err)
        die("ASIDPool_Assign", err);
    for (seL4_CPtr f = bi->userImageFrames.start; f < bi->userImageFrames.end; f++) {
        seL4_CPtr copy = simple_alloc_slot(&alloc);
        seL4_Word vaddr = (seL4_Word)__keel_image_start + (f - bi->userImageFrames.start) * 4096;
        err = seL4_CNode_Copy(seL4_CapInitThreadCNode, copy, 64, seL4_CapInitThreadCNode, f, 64,
                              seL4_AllRights);
        if (err)
            die("CNode_Copy", err);
        err = map_frame(seL4_CapInitThreadCNode, &m, server_vspace, copy, vaddr, seL4_ReadWrite,
                        seL4_ARM_Default_VMAttributes);
        if (err)
            die("map_frame (image)", err);
    }
}

static void make_server(const seL4_BootInfo *bi, unsigned index)
{
    struct scenario *s = &scenarios[index];
    seL4_CPtr vspace = s->own_vspace ? server_vspace : seL4_CapInitThreadVSpace;
    seL4_Word ipc_vaddr = SERVER_IPC_VADDR + index * 4096;
    mapping_alloc_t m = simple_alloc_mapping(&alloc);
    seL4_UserContext regs;
    seL4_Error err;

    s->ep = new_object(seL4_EndpointObject, 0);
    s->reply = new_object(seL4_ReplyObject, 0);
    s->tcb = new_object(seL4_TCBObject, 0);
    s->sc = new_object(seL4_SchedContextObject, seL4_MinSchedContextBits);
    server_ipc_frame[index] = new_object(seL4_ARM_SmallPageObject, 0);
    err = map_frame(seL4_CapInitThreadCNode, &m, vspace, server_ipc_frame[index], ipc_vaddr,
                    seL4_ReadWrite, seL4_ARM_Default_VMAttributes);
    if (err)
        die("map_frame (IPC buffer)", err);

    err = seL4_SchedControl_ConfigureFlags(bi->schedcontrol.start, s->sc, 10000, 10000, 0, 0, 0);
    if (err)
        die("SchedControl_ConfigureFlags", err);
    err = seL4_TCB_Configure(s->tcb, seL4_CapInitThreadCNode, 0, vspace, 0, ipc_vaddr,
                             server_ipc_frame[index]);
    if (err)
        die("TCB_Configure", err);
    err = seL4_TCB_SetSchedParams(s->tcb, seL4_CapInitThreadTCB, SERVER_PRIO, SERVER_PRIO, s->sc, 0);
    if (err)
        die("TCB_SetSchedParams", err);
    seL4_DebugNameThread(s->tcb, "ipcperf-server");

    memset(&regs, 0, sizeof(regs));
    regs.pc = (seL4_Word)(uintptr_t)server_main;
    regs.sp = (seL4_Word)(uintptr_t)(s->stack + SERVER_STACK);
    regs.x0 = index;
    err = seL4_TCB_WriteRegisters(s->tcb, true, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
    if (err)
        die("TCB_WriteRegisters", err);
    /* Same priority: let it run until it blocks in Recv. */
    seL4_Yield();
    if (s->passive) {
        err = seL4_SchedContext_Unbind(s->sc);
        if (err)
            die("SchedContext_Unbind", err);
    }
}

/* ---- statistics ---------------------------------------------------------------------------- */

static void sort(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

static void report(const char *scenario, const char *what, uint64_t *v, unsigned n,
                   uint64_t first)
{
    uint64_t sum = 0;
    sort(v, n);
    for (unsigned i = 0; i < n; i++)
        sum += v[i];
    printf("ipcperf: %s %-9s min %4lu median %4lu max %4lu mean %4lu (first round %lu)\n",
           scenario, what, v[0], v[n / 2], v[n - 1], sum / n, first);
}

static uint64_t overhead(void)
{
    uint64_t best = ~0ull;
    for (int i = 0; i < 16; i++) {
        uint64_t a = ccnt();
        uint64_t b = ccnt();
        if (b - a < best)
            best = b - a;
    }
    return best;
}

static void run(unsigned index, uint64_t ovh)
{
    struct scenario *s = &scenarios[index];
    uint64_t call[ROUNDS], rr[ROUNDS], work[ROUNDS];
    unsigned n = 0;

    for (unsigned i = 0; i <= ROUNDS; i++) {
        if (s->fp)
            touch_fp();
        timed_call(s->ep, &s->call_start[i], &s->rr_end[i]);
    }
    for (unsigned i = WARMUP; i < ROUNDS; i++, n++) {
        call[n] = s->call_end[i] - s->call_start[i] - ovh;
        rr[n] = s->rr_end[i] - s->rr_start[i] - ovh;
        work[n] = s->rr_start[i] - s->call_end[i] - ovh;
    }
    report(s->name, "Call", call, n, s->call_end[0] - s->call_start[0] - ovh);
    report(s->name, "ReplyRecv", rr, n, s->rr_end[0] - s->rr_start[0] - ovh);
    if (s->own_vspace && s->passive)
        report(s->name, "srv work", work, n, s->rr_start[0] - s->call_end[0] - ovh);
}

int main(void)
{
    seL4_BootInfo *bi = seL4_GetBootInfo();
    uint64_t ovh;

    simple_alloc_init(&alloc, bi);
    make_server_vspace(bi);
    for (unsigned i = 0; i < NUM_SCENARIOS; i++)
        make_server(bi, i);

    ovh = overhead();
    printf("ipcperf: counter read overhead %lu (subtracted); %u rounds after %u warm-up\n", ovh,
           ROUNDS - WARMUP, WARMUP);
    for (unsigned i = 0; i < NUM_SCENARIOS; i++)
        run(i, ovh);
    printf("ipcperf: done\n");
    seL4_DebugHalt();
    return 0;
}
