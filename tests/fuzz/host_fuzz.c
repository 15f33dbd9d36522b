/*
 * Host fuzzer of Keel's portable core: arbitrary bytes become a sequence of kernel entries
 * (system calls with random numbers, caps, labels, lengths, message words, extra caps and
 * receive slots; faults; timer and device interrupts) made by a few threads on a small
 * host-built system, with ASan/UBSan watching memory and the invariant checker run after
 * every entry.
 *
 * The system (rebuilt for every input): a root thread R with a CSpace of 256 slots holding
 * an untyped (256 KiB), SchedControl, IRQControl, DomainSet, shared endpoints and a
 * notification; three threads F0..F2, each with its own 32-slot CSpace (its TCB, CNode,
 * SC, reply object, IPC buffer frame, a 16 KiB untyped, badged endpoint and notification
 * caps, and caps to the next thread's TCB and CNode), all built by R through real
 * invocations. R holds everything, so it is also the thread that deletes and revokes
 * underneath the others.
 *
 * Bytes are read front to back; each entry consumes a few. When the input runs out, the
 * world is torn down: revoking the untyped must destroy everything made from it, a
 * Retype of the untyped's full size must then succeed, and after deleting the remaining
 * caps no thread, queue or IRQ binding may be left in the kernel.
 *
 * Built two ways (tests/fuzz/fuzz.mk): with clang's libFuzzer (coverage-guided), or with
 * any compiler and tests/fuzz/standalone.c (random inputs from a seed).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <keel/abi_gen.h>
#include <keel/arch_api.h>
#include <keel/cnode.h>
#include <keel/cspace.h>
#include <keel/interrupt.h>
#include <keel/invariants.h>
#include <keel/invocation.h>
#include <keel/ipc.h>
#include <keel/sched.h>
#include <keel/state.h>
#include <keel/syscall.h>
#include <keel/tcb.h>
#include "fake_arch.h"
#include "host_objects.h"
#include "host_fuzz.h"

/* The IPC fast path, when the tree has one (weak: absent means the slow path only). */
void fastpath_call(word_t cptr, word_t info, word_t mr0, word_t mr1, word_t mr2, word_t mr3)
    __attribute__((weak));
void fastpath_reply_recv(word_t cptr, word_t info, word_t mr0, word_t mr1, word_t mr2,
                         word_t mr3, word_t reply_cptr) __attribute__((weak));

/* ---- the world's layout ----------------------------------------------------------------- */

#define R_RADIX   8             /* R's CSpace: 256 slots, guard 56: cptr k = slot k */
#define T_RADIX   5             /* F_i's CSpaces: 32 slots, guard 59 */
#define NT        3
#define UT_BITS   18
#define T_UT_BITS 14
#define MAX_OPS   400

enum r_slot {
    R_TCB = 1, R_CNODE = 2, R_UT = 3, R_SC = 4, R_SCHEDCTL = 5, R_IRQCTL = 6, R_DOMAIN = 7,
    R_FRAME = 8, R_VSPACE = 9, R_EP = 10, R_NTFN = 11, R_EP2 = 12, R_REPLY = 13, R_IRQH = 14,
    R_THREADS = 16,             /* thread i's objects at R_THREADS + 8 * i + enum t_obj */
    R_FREE = 48,
};
enum t_obj { O_CNODE, O_TCB, O_SC, O_REPLY, O_FRAME, O_UT };
enum t_slot {
    T_TCB = 1, T_CNODE = 2, T_UT = 3, T_EP = 4, T_NTFN = 5, T_REPLY = 6, T_SC = 7,
    T_NEXT_TCB = 8, T_FRAME = 9, T_EP2 = 10, T_NEXT_CNODE = 11, T_EP_RECV = 12,
    T_NTFN_WAIT = 13, T_VSPACE = 14,
    T_SCHEDCTL = 15, T_IRQCTL = 16, T_DOMAIN = 17, T_IRQHANDLER = 18,   /* F0 only */
    T_FREE = 19,
};

static word_t r_obj(word_t i, enum t_obj o) { return R_THREADS + 8 * i + o; }

#define IPC_VADDR 0x20000000ul

/* ---- input ------------------------------------------------------------------------------ */

static const uint8_t *in_data;
static size_t in_left;

static uint8_t in_u8(void)
{
    if (in_left == 0)
        return 0;
    in_left--;
    return *in_data++;
}

static word_t in_bytes(unsigned n)
{
    word_t w = 0;
    for (unsigned i = 0; i < n; i++)
        w |= (word_t)in_u8() << (8 * i);
    return w;
}

/* ---- statistics and the trace of recent entries ------------------------------------------- */

fuzz_stats_t fuzz_stats;

#define TRACE_LINES 24
static char trace[TRACE_LINES][160];
static word_t trace_next;

static void tracef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void tracef(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(trace[trace_next % TRACE_LINES], sizeof(trace[0]), fmt, ap);
    va_end(ap);
    trace_next++;
}

/* The kernel prints to stdout; it is silenced while fuzzing and restored to report. */
static int saved_stdout = -1;

void fuzz_quiet_kernel(bool quiet)
{
    fflush(stdout);
    if (quiet && saved_stdout < 0) {
        saved_stdout = dup(1);
        int devnull = open("/dev/null", 1);
        if (devnull >= 0) {
            dup2(devnull, 1);
            close(devnull);
        }
    } else if (!quiet && saved_stdout >= 0) {
        dup2(saved_stdout, 1);
        close(saved_stdout);
        saved_stdout = -1;
    }
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;

    fuzz_quiet_kernel(false);
    fprintf(stderr, "\nhost-fuzz: FAILURE: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nhost-fuzz: the last kernel entries (oldest first):\n");
    for (word_t i = trace_next > TRACE_LINES ? trace_next - TRACE_LINES : 0; i < trace_next; i++)
        fprintf(stderr, "  #%lu %s\n", (unsigned long)i, trace[i % TRACE_LINES]);
    fflush(stderr);
    /* Again, with the kernel's own description of the violation on stdout. */
    check_invariants();
    fflush(stdout);
    abort();
}

static void check(const char *when)
{
    fuzz_stats.checks++;
    if (check_invariants() != OK)
        die("invariant violated %s: %s", when, ks_syscall_error.why ? ks_syscall_error.why : "?");
}

/* ---- the system ---------------------------------------------------------------------------- */

/* The idle thread and its SC live as long as the process (as in the kernel, boot memory). */
static uint8_t idle_tcb_mem[BIT(seL4_TCBBits)] __attribute__((aligned(1 << seL4_TCBBits)));
static uint8_t idle_sc_mem[BIT(seL4_MinSchedContextBits)]
    __attribute__((aligned(1 << seL4_MinSchedContextBits)));

static cte_t *rs;               /* R's CSpace root slots */
static cte_t *keep;             /* the keeper CNode: [0] untyped original, [1] scratch, [2] itself */
static tcb_t *R;
static tcb_t *keeper_thread;
static word_t *r_buffer;
static tcb_t *threads[NT];

static void make_idle(void)
{
    tcb_t *idle = (tcb_t *)idle_tcb_mem;
    sched_context_t *sc = (sched_context_t *)idle_sc_mem;

    if (ks_idle_thread)
        return;
    tcb_init(idle);
    tcb_set_name(idle, "idle", TCB_NAME_BYTES);
    idle->state = ThreadState_IdleThreadState;
    sched_context_init(sc, seL4_MinSchedContextBits);
    sched_context_configure(sc, us_to_ticks(5000), us_to_ticks(5000), 0, 0, false);
    sched_context_bind_tcb(sc, idle);
    ks_idle_thread = idle;
}

static void reset_kernel_globals(void)
{
    ks_cur_thread = ks_idle_thread;
    ks_cur_sc = ks_idle_thread->sc;
    ks_sched_action = SCHED_RESUME_CURRENT;
    ks_consumed = 0;
    ks_cur_time = fake_now;
    ks_reprogram = false;
    fake_irq_pending = false;
}

/* One kernel entry's tail, as the arch code would run it. */
static void finish_entry(void)
{
    schedule();
    activate_thread();
}

/* A frame of host memory with an original cap, for R's IPC buffer. */
static void make_r(void)
{
    cap_t root = host_make_cnode(R_RADIX, seL4_WordBits - R_RADIX, 0);
    void *frame = host_alloc(seL4_PageBits);
    sched_context_t *sc = host_alloc(8);

    rs = cnode_slots(root);
    R = host_alloc(seL4_TCBBits);
    tcb_init(R);
    tcb_set_name(R, "R", TCB_NAME_BYTES);
    host_put_cap(&rs[R_TCB], thread_cap_new(paddr_of(R)));
    host_put_cap(tcb_slot(R, TCB_CTABLE), root);
    cte_insert(root, tcb_slot(R, TCB_CTABLE), &rs[R_CNODE]);

    host_put_cap(&rs[R_FRAME], frame_cap_new(paddr_of(frame), FRAME_4K, VM_READ_WRITE, false));
    cte_insert(cap_clear_mapping(rs[R_FRAME].cap), &rs[R_FRAME], tcb_slot(R, TCB_BUFFER));
    R->ipc_buffer = IPC_VADDR;
    r_buffer = frame;

    host_put_cap(&rs[R_VSPACE], cap_set_mapping(vspace_cap_new(paddr_of(host_alloc(seL4_VSpaceBits))), 1, 0));
    cte_insert(rs[R_VSPACE].cap, &rs[R_VSPACE], tcb_slot(R, TCB_VTABLE));
    host_put_cap(&rs[R_SCHEDCTL], sched_control_cap_new(0));
    host_put_cap(&rs[R_IRQCTL], irq_control_cap_new());
    host_put_cap(&rs[R_DOMAIN], domain_cap_new());

    sched_context_init(sc, 8);
    host_put_cap(&rs[R_SC], sched_context_cap_new(paddr_of(sc), 8));
    sched_context_configure(sc, us_to_ticks(10000), us_to_ticks(10000), 0, 0, false);
    R->priority = 120;
    R->mcp = seL4_MaxPrio;
    set_thread_state(R, ThreadState_Running);
    sched_context_bind_tcb(sc, R);

    /* The untyped lives in the keeper CNode; R gets a copy. Its memory is kept from one
     * input to the next: the last tear-down's Retype left it all zero, as an untyped
     * with watermark 0 must be. */
    static word_t *arena;
    if (!arena && posix_memalign((void **)&arena, BIT(UT_BITS), BIT(UT_BITS)) == 0)
        memset(arena, 0, BIT(UT_BITS));
    if (!arena)
        die("no memory for the untyped");
    for (word_t i = 0; i < BIT(UT_BITS) / sizeof(word_t); i++)
        if (arena[i] != 0)
            die("the untyped's memory is not zero after the last tear-down (word %lu)",
                (unsigned long)i);
    cap_t kc = host_make_cnode(2, seL4_WordBits - 2, 0);
    keep = cnode_slots(kc);
    host_put_cap(&keep[0], untyped_cap_new(paddr_of(arena), UT_BITS, false, 0));
    host_put_cap(&keep[2], kc);
    keeper_thread = host_make_thread(keep[2].cap);
    cte_insert(keep[0].cap, &keep[0], &rs[R_UT]);

    irq_init(&rs[R_IRQCTL]);
    invariants_add_root(rs, BIT(R_RADIX));
    invariants_add_root(keep, 4);
}

/* ---- making R's calls during set-up --------------------------------------------------------- */

static word_t msginfo(word_t label, word_t extra, word_t len)
{
    return (label << 12) | ((extra & 3) << 7) | (len & 0x7f);
}

/* R calls 'cptr' with label, message words and extra caps; the call must succeed. */
static void r_call(word_t cptr, word_t label, const word_t *mrs, word_t n, const word_t *caps,
                   word_t ncaps)
{
    tcb_t *t = ks_cur_thread;

    if (t != R)
        die("set-up: R is not the current thread");
    set_reg(t, REG_CAP, cptr);
    set_reg(t, REG_MSGINFO, msginfo(label, ncaps, n));
    for (word_t i = 0; i < n; i++) {
        if (i < NUM_MSG_REGISTERS)
            set_reg(t, REG_MR0 + i, mrs[i]);
        else
            r_buffer[KEEL_IPCBUF_MSG + i] = mrs[i];
    }
    for (word_t i = 0; i < ncaps; i++)
        r_buffer[KEEL_IPCBUF_CAPS_OR_BADGES + i] = caps[i];
    handle_syscall(seL4_SysCall);
    if (get_reg(R, REG_MSGINFO) >> 12 != 0)
        die("set-up: %s on cptr %lu failed with error %lu (%s)", label_name(label),
            (unsigned long)cptr, (unsigned long)(get_reg(R, REG_MSGINFO) >> 12),
            ks_syscall_error.why ? ks_syscall_error.why : "?");
}

static void r_retype(word_t type, word_t bits, word_t slot)
{
    word_t mrs[6] = { type, bits, 0, 0, slot, 1 };
    word_t caps[1] = { R_CNODE };
    r_call(R_UT, UntypedRetype, mrs, 6, caps, 1);
}

/* Copy (badge == ~0) or Mint R's slot src into slot dest of the thread CNode at R's slot
 * cnode (guard 0 there: depth 5). */
static void r_give(word_t cnode, word_t dest, word_t src, word_t rights, word_t badge)
{
    word_t caps[1] = { R_CNODE };
    if (badge == ~(word_t)0) {
        word_t mrs[5] = { dest, T_RADIX, src, seL4_WordBits, rights };
        r_call(cnode, CNodeCopy, mrs, 5, caps, 1);
    } else {
        word_t mrs[6] = { dest, T_RADIX, src, seL4_WordBits, rights, badge };
        r_call(cnode, CNodeMint, mrs, 6, caps, 1);
    }
}

static void r_move(word_t cnode, word_t dest, word_t src)
{
    word_t caps[1] = { R_CNODE };
    word_t mrs[4] = { dest, T_RADIX, src, seL4_WordBits };
    r_call(cnode, CNodeMove, mrs, 4, caps, 1);
}

static void build_world(void)
{
    word_t guard_data = seL4_WordBits - T_RADIX;     /* guard size 59, guard 0 */

    make_r();
    ks_cur_thread = ks_idle_thread;
    ks_cur_sc = ks_idle_thread->sc;
    finish_entry();                                  /* R is chosen, as after boot */

    r_retype(seL4_EndpointObject, 0, R_EP);
    r_retype(seL4_NotificationObject, 0, R_NTFN);
    r_retype(seL4_EndpointObject, 0, R_EP2);
    r_retype(seL4_ReplyObject, 0, R_REPLY);
    for (word_t i = 0; i < NT; i++) {
        r_retype(seL4_CapTableObject, T_RADIX, r_obj(i, O_CNODE));
        r_retype(seL4_TCBObject, 0, r_obj(i, O_TCB));
        r_retype(seL4_SchedContextObject, 8, r_obj(i, O_SC));
        r_retype(seL4_ReplyObject, 0, r_obj(i, O_REPLY));
        r_retype(seL4_ARM_SmallPageObject, 0, r_obj(i, O_FRAME));
        r_retype(seL4_UntypedObject, T_UT_BITS, r_obj(i, O_UT));
        threads[i] = cap_ptr(rs[r_obj(i, O_TCB)].cap);
    }
    for (word_t i = 0; i < NT; i++) {
        word_t cn = r_obj(i, O_CNODE), next = (i + 1) % NT;
        word_t sc_mrs[5] = { 1000 + 500 * i, 2000 + 1000 * i, i, i + 1, i == 1 };
        word_t sc_caps[1] = { r_obj(i, O_SC) };
        word_t cfg_mrs[3] = { guard_data, 0, IPC_VADDR + 0x1000 * i };
        word_t cfg_caps[3] = { cn, R_VSPACE, r_obj(i, O_FRAME) };
        word_t sp_mrs[2] = { 100 + 10 * i, 90 + 10 * i };
        word_t sp_caps[3] = { R_TCB, r_obj(i, O_SC), R_EP };

        r_call(R_SCHEDCTL, SchedControlConfigureFlags, sc_mrs, 5, sc_caps, 1);
        r_call(r_obj(i, O_TCB), TCBConfigure, cfg_mrs, 3, cfg_caps, 3);
        r_call(r_obj(i, O_TCB), TCBSetSchedParams, sp_mrs, 2, sp_caps, 3);

        r_give(cn, T_TCB, r_obj(i, O_TCB), RIGHTS_ALL, ~(word_t)0);
        r_give(cn, T_CNODE, cn, RIGHTS_ALL, guard_data);
        r_move(cn, T_UT, r_obj(i, O_UT));
        r_give(cn, T_EP, R_EP, RIGHTS_ALL, i + 1);
        r_give(cn, T_NTFN, R_NTFN, RIGHT_WRITE, BIT(i));
        r_move(cn, T_REPLY, r_obj(i, O_REPLY));
        r_give(cn, T_SC, r_obj(i, O_SC), RIGHTS_ALL, ~(word_t)0);
        r_give(cn, T_NEXT_TCB, r_obj(next, O_TCB), RIGHTS_ALL, ~(word_t)0);
        r_give(cn, T_FRAME, r_obj(i, O_FRAME), RIGHTS_ALL, ~(word_t)0);
        r_give(cn, T_EP2, R_EP2, RIGHTS_ALL, ~(word_t)0);
        r_give(cn, T_NEXT_CNODE, r_obj(next, O_CNODE), RIGHTS_ALL, 0);   /* guard 0: depth 5 */
        r_give(cn, T_EP_RECV, R_EP, RIGHT_READ | RIGHT_GRANT_REPLY, ~(word_t)0);
        r_give(cn, T_NTFN_WAIT, R_NTFN, RIGHT_READ, ~(word_t)0);
        r_give(cn, T_VSPACE, R_VSPACE, RIGHTS_ALL, ~(word_t)0);
        if (i == 0) {
            r_give(cn, T_SCHEDCTL, R_SCHEDCTL, RIGHTS_ALL, ~(word_t)0);
            /* A handler for IRQ 40 signalling the shared notification, and IRQControl
             * itself (which cannot be copied). */
            word_t get_mrs[3] = { 40, R_IRQH, seL4_WordBits };
            word_t get_caps[1] = { R_CNODE };
            word_t ntfn[1] = { R_NTFN };
            r_call(R_IRQCTL, IRQIssueIRQHandler, get_mrs, 3, get_caps, 1);
            r_call(R_IRQH, IRQSetIRQHandler, get_mrs, 0, ntfn, 1);
            r_move(cn, T_IRQHANDLER, R_IRQH);
            r_move(cn, T_IRQCTL, R_IRQCTL);
            r_give(cn, T_DOMAIN, R_DOMAIN, RIGHTS_ALL, ~(word_t)0);
        }
        tcb_set_name(threads[i], i == 0 ? "F0" : i == 1 ? "F1" : "F2", TCB_NAME_BYTES);
    }
    for (word_t i = 0; i < NT; i++) {
        word_t none[1] = { 0 };
        r_call(r_obj(i, O_TCB), TCBResume, none, 0, none, 0);
    }
    word_t prio[1] = { 100 };
    word_t auth[1] = { R_TCB };
    r_call(R_TCB, TCBSetPriority, prio, 1, auth, 1);   /* F2 (110) preempts R now */
    check("after set-up");
}

/* ---- choosing arguments ------------------------------------------------------------------------- */

static word_t cspace_radix(tcb_t *t)
{
    cap_t root = tcb_slot(t, TCB_CTABLE)->cap;
    return cap_type(root) == cap_cnode_cap ? cnode_radix(root) : T_RADIX;
}

static word_t pick_cptr(tcb_t *t)
{
    uint8_t k = in_u8();
    word_t radix = cspace_radix(t);

    switch (k >> 6) {
    case 0:
    case 1:
        return k & MASK(radix);                              /* a slot at depth 64 */
    case 2:
        return (in_u8() & MASK(radix)) | ((word_t)(k & 1) << radix);   /* maybe a bit too far */
    default:
        return (k & 1) ? in_bytes(8) : in_bytes(2);          /* anything */
    }
}

static word_t pick_word(tcb_t *t)
{
    uint8_t k = in_u8();

    switch (k & 15) {
    case 0:  return k >> 4;                                  /* small */
    case 1:  return in_u8();
    case 2:  return in_u8() % seL4_ObjectTypeCount;          /* object type */
    case 3:  return in_u8() % 26;                            /* size bits */
    case 4:  return pick_cptr(t);                            /* a slot / cptr */
    case 5: {                                                /* a depth */
        static const word_t depths[] = { 64, 64, 59, 56, 54, 5, 8, 0, 1, 63, 65, 10 };
        return depths[in_u8() % (sizeof(depths) / sizeof(depths[0]))];
    }
    case 6:  return BIT(in_u8() & 63);
    case 7:  return ~(word_t)0 - (k >> 4);
    case 8:  return in_bytes(8);
    case 9:  return in_bytes(2) * 10;                        /* microseconds */
    case 10: return k >> 4;                                  /* rights, flags */
    case 11: return IPC_VADDR + (in_u8() << 12);             /* an address */
    case 12: return 32 + (in_u8() & 15);                     /* an IRQ */
    case 13: return seL4_WordBits - (in_u8() & 7) * T_RADIX; /* guard data */
    default: return in_bytes(1 + (k >> 6));
    }
}

static const sword_t syscalls[] = {
    seL4_SysCall, seL4_SysCall, seL4_SysCall, seL4_SysCall, seL4_SysSend, seL4_SysNBSend,
    seL4_SysRecv, seL4_SysNBRecv, seL4_SysWait, seL4_SysNBWait, seL4_SysReplyRecv,
    seL4_SysNBSendRecv, seL4_SysNBSendWait, seL4_SysYield, seL4_SysDebugPutChar,
    seL4_SysDebugCapIdentify, seL4_SysDebugNameThread, seL4_SysDebugSendIPI,
    KEEL_SYS_DEBUG_CHECK_INVARIANTS, seL4_SysCall, seL4_SysRecv, seL4_SysCall,
};

static sword_t pick_syscall(void)
{
    uint8_t k = in_u8();

    if (k < 250)
        return syscalls[k % (sizeof(syscalls) / sizeof(syscalls[0]))];
    if (k == 250)
        return seL4_SysDebugDumpScheduler;
    if (k == 251)
        return seL4_SysDebugSnapshot;
    sword_t n = (sword_t)(int8_t)in_u8();                    /* anything else, e.g. 5 or -40 */
    return n == seL4_SysDebugHalt ? seL4_SysYield : n;
}

/* ---- methods and their arguments ------------------------------------------------------------ */

/*
 * Most invocations are aimed: a method of the invoked cap's type, with arguments of the
 * kinds the method takes (each a plausible value most of the time, anything otherwise).
 * Message-word kinds: T object type, S size bits, I slot index (E of an empty slot, L of
 * an occupied one, mostly), D depth, O slot offset, d Retype node depth, C object count,
 * F flags, N register count, R rights, B badge, P priority, U microseconds, X extra
 * refills, G CNode guard data, V address, Q IRQ, M domain, Z small, W any word.
 * Extra-cap kinds: n CNode, t TCB, s SC, f notification, e endpoint, p frame, v VSpace,
 * b TCB or notification, a anything.
 */
typedef struct method {
    word_t label;
    const char *mrs, *caps;
    const char *ctx;          /* per slot address (I/D pair, O): its CNode, 'i' = the invoked
                                 cap, '0'/'1' = that extra cap */
} method_t;

static const method_t methods[] = {
    { UntypedRetype, "TSIdEC", "n", "00" },
    { TCBReadRegisters, "FN", "", "" },
    { TCBWriteRegisters, "FNWWWWWW", "", "" },
    { TCBCopyRegisters, "F", "t", "" },
    { TCBConfigure, "GZV", "nvp", "" },
    { TCBSetPriority, "P", "t", "" },
    { TCBSetMCPriority, "P", "t", "" },
    { TCBSetSchedParams, "PP", "tse", "" },
    { TCBSetTimeoutEndpoint, "", "e", "" },
    { TCBSetIPCBuffer, "V", "p", "" },
    { TCBSetSpace, "GZ", "env", "" },
    { TCBSuspend, "", "", "" },
    { TCBResume, "", "", "" },
    { TCBBindNotification, "", "f", "" },
    { TCBUnbindNotification, "", "", "" },
    { TCBSetTLSBase, "W", "", "" },
    { TCBSetFlags, "FF", "", "" },
    { CNodeRevoke, "LD", "", "i" },
    { CNodeDelete, "LD", "", "i" },
    { CNodeCancelBadgedSends, "LD", "", "i" },
    { CNodeCopy, "EDLDR", "n", "i0" },
    { CNodeMint, "EDLDRB", "n", "i0" },
    { CNodeMove, "EDLD", "n", "i0" },
    { CNodeMutate, "EDLDB", "n", "i0" },
    { CNodeRotate, "EDBLDBLD", "nn", "i01" },
    { IRQIssueIRQHandler, "QED", "n", "0" },
    { IRQAckIRQ, "", "", "" },
    { IRQSetIRQHandler, "", "f", "" },
    { IRQClearIRQHandler, "", "", "" },
    { DomainSetSet, "M", "t", "" },
    { SchedControlConfigureFlags, "UUXBF", "s", "" },
    { SchedContextBind, "", "b", "" },
    { SchedContextUnbind, "", "", "" },
    { SchedContextUnbindObject, "", "b", "" },
    { SchedContextConsumed, "", "", "" },
    { SchedContextYieldTo, "", "", "" },
    { ARMIRQIssueIRQHandlerTrigger, "QFED", "n", "0" },
    { ARMIRQIssueSGISignal, "QZED", "n", "0" },
};
#define NUM_METHODS (sizeof(methods) / sizeof(methods[0]))

/* Labels invoked on a cap of a type that has them (the invocation reached its decoder). */
static bool label_belongs(word_t type, word_t label)
{
    switch (type) {
    case cap_untyped_cap:       return label == UntypedRetype;
    case cap_thread_cap:        return label >= TCBReadRegisters && label <= TCBSetFlags;
    case cap_cnode_cap:         return label >= CNodeRevoke && label <= CNodeRotate;
    case cap_irq_control_cap:   return label == IRQIssueIRQHandler ||
                                       label == ARMIRQIssueIRQHandlerTrigger ||
                                       label == ARMIRQIssueSGISignal;
    case cap_irq_handler_cap:   return label >= IRQAckIRQ && label <= IRQClearIRQHandler;
    case cap_domain_cap:        return label == DomainSetSet;
    case cap_sched_control_cap: return label == SchedControlConfigureFlags;
    case cap_sched_context_cap: return label >= SchedContextBind && label <= SchedContextYieldTo;
    default:                    return false;
    }
}

/* A method of the cap type (picked by the next byte), or NULL if it has none. */
static const method_t *pick_method(word_t type)
{
    const method_t *found[NUM_METHODS];
    word_t n = 0;

    for (word_t i = 0; i < NUM_METHODS; i++)
        if (label_belongs(type, methods[i].label))
            found[n++] = &methods[i];
    return n ? found[in_u8() % n] : NULL;
}

/* A cptr (depth 64) of a slot of t's CSpace root holding a cap of 'type'. */
static word_t pick_cap_of_type(tcb_t *t, word_t type)
{
    cap_t root = tcb_slot(t, TCB_CTABLE)->cap;
    word_t found[BIT(R_RADIX)], n = 0;

    if (cap_type(root) != cap_cnode_cap || cnode_radix(root) > R_RADIX)
        return pick_cptr(t);
    cte_t *slots = cnode_slots(root);
    for (word_t i = 0; i < BIT(cnode_radix(root)); i++)
        if (cap_type(slots[i].cap) == type)
            found[n++] = i;
    return n ? found[in_u8() % n] : pick_cptr(t);
}

static word_t pick_extra_cap(tcb_t *t, char kind)
{
    if (in_u8() < 32)
        return pick_cptr(t);
    switch (kind) {
    case 'n': return pick_cap_of_type(t, cap_cnode_cap);
    case 't': return pick_cap_of_type(t, cap_thread_cap);
    case 's': return pick_cap_of_type(t, cap_sched_context_cap);
    case 'f': return pick_cap_of_type(t, cap_notification_cap);
    case 'e': return pick_cap_of_type(t, cap_endpoint_cap);
    case 'p': return pick_cap_of_type(t, cap_frame_cap);
    case 'v': return pick_cap_of_type(t, cap_vspace_cap);
    case 'b': return pick_cap_of_type(t, (in_u8() & 1) ? cap_thread_cap : cap_notification_cap);
    default:  return pick_cptr(t);
    }
}

/* A slot address in CNode cap 'cn' that resolves (guard + radix bits), mostly; for
 * want 'E' or 'L', of an empty or an occupied slot if there is one. */
static word_t cnode_index(cap_t cn, uint8_t k, char want)
{
    if (cap_type(cn) != cap_cnode_cap)
        return k & MASK(T_RADIX);
    word_t radix = MIN(cnode_radix(cn), (word_t)R_RADIX), slot = in_u8() & MASK(radix);
    if (want == 'E' || want == 'L') {
        const cte_t *slots = cnode_slots(cn);
        word_t found[BIT(R_RADIX)], n = 0;
        for (word_t i = 0; i < BIT(radix); i++)
            if (cap_is_null(slots[i].cap) == (want == 'E'))
                found[n++] = i;
        if (n)
            slot = found[in_u8() % n];
    }
    return (cnode_guard(cn) << cnode_radix(cn)) | slot;
}

static word_t cnode_depth(cap_t cn)
{
    if (cap_type(cn) != cap_cnode_cap)
        return seL4_WordBits;
    return cnode_guard_size(cn) + cnode_radix(cn);
}

/* An argument of the given kind; cn is the CNode a slot address (I, D, O, d) is in. */
static word_t pick_arg(tcb_t *t, char kind, cap_t cn)
{
    uint8_t k = in_u8();

    if (k < 24)
        return pick_word(t);                                 /* anything at all */
    switch (kind) {
    case 'T': return k % seL4_ObjectTypeCount;
    case 'S': {
        static const word_t sizes[] = { 0, 1, 4, 5, 7, 8, 10, 12, 14, 16, 3, 2 };
        return sizes[k % (sizeof(sizes) / sizeof(sizes[0]))];
    }
    case 'I':
    case 'E':
    case 'L': return k < 200 ? cnode_index(cn, k, kind) : k & MASK(R_RADIX);
    case 'D': return k < 200 ? cnode_depth(cn) : (word_t)(k & 63) + (k & 1);
    case 'd': return k < 180 ? 0 : cnode_depth(cn);          /* Retype: 0 = the root itself */
    case 'O': return cap_type(cn) == cap_cnode_cap ? k & MASK(cnode_radix(cn)) : k & 31;
    case 'C': return 1 + (k & 3);
    case 'F': return k & 7;
    case 'N': return 1 + k % 40;
    case 'R': return k & 15;
    case 'B': return k & 0x80 ? (word_t)(k & 7) : in_bytes(2);
    case 'P': return k & 0x80 ? (word_t)(80 + (k & 63)) : (word_t)k;
    case 'U': return k & 0x80 ? (word_t)(500 + 100 * (k & 63)) : in_bytes(3);
    case 'X': return k & 7;
    case 'G': return k & 0x80 ? (word_t)(seL4_WordBits - T_RADIX) : (word_t)(k & 63);
    case 'V': return IPC_VADDR + ((word_t)(k & 7) << 12) + (k & 0x80 ? 0x200 : 0);
    case 'Q': return k & 0x80 ? (word_t)(KEEL_CONFIG_KERNEL_TIMER_IRQ + (k & 1)) : (word_t)(32 + (k & 15));
    case 'M': return k & 1;
    case 'Z': return k & 0x80 ? 0 : (word_t)(k & 3);
    default:  return in_bytes(8);
    }
}

static word_t pick_length(void)
{
    uint8_t k = in_u8();
    if (k < 200)
        return k % 8;
    return k & 0x7f;                                         /* up to 127 (clamped to 120) */
}

/* ---- the kernel entries ------------------------------------------------------------------------- */

static void note_invocation(tcb_t *t, word_t cptr, word_t label)
{
    cap_t cap;
    cte_t *slot;

    if (lookup_cap(t, cptr, &cap, &slot) != OK)
        return;
    if (label < nArchInvocationLabels && label_belongs(cap_type(cap), label))
        fuzz_stats.label_hits[label]++;
}

/* A cptr of any occupied slot of t's CSpace root (the caps made along the way too). */
static word_t pick_full_slot(tcb_t *t)
{
    cap_t root = tcb_slot(t, TCB_CTABLE)->cap;
    word_t found[BIT(R_RADIX)], n = 0;

    if (cap_type(root) != cap_cnode_cap || cnode_radix(root) > R_RADIX)
        return pick_cptr(t);
    cte_t *slots = cnode_slots(root);
    for (word_t i = 0; i < BIT(cnode_radix(root)); i++)
        if (!cap_is_null(slots[i].cap))
            found[n++] = i;
    return n ? found[in_u8() % n] : pick_cptr(t);
}

static void syscall_entry(tcb_t *t)
{
    sword_t number = pick_syscall();
    word_t cptr = in_u8() < 96 ? pick_full_slot(t) : pick_cptr(t);
    word_t *buffer = lookup_ipc_buffer(t, false);
    word_t label, len, extra;
    word_t args[KEEL_IPCBUF_MSG_COUNT] = { 0 }, caps[3] = { 0 };
    const method_t *m = NULL;
    cap_t cap;
    cte_t *slot;

    if (in_u8() >= 48 && lookup_cap(t, cptr, &cap, &slot) == OK)
        m = pick_method(cap_type(cap));
    if (m) {                                             /* aimed at the cap's methods */
        cap_t xcap[3] = { cap_null(), cap_null(), cap_null() };
        word_t pair = 0;

        label = m->label;
        len = strlen(m->mrs);
        extra = strlen(m->caps);
        for (word_t i = 0; i < extra; i++) {
            caps[i] = pick_extra_cap(t, m->caps[i]);
            if (lookup_cap(t, caps[i], &xcap[i], &slot) != OK)
                xcap[i] = cap_null();
        }
        for (word_t i = 0; i < len; i++) {
            char c = pair < strlen(m->ctx) ? m->ctx[pair] : 'i';
            cap_t cn = c == 'i' ? cap : xcap[c - '0'];
            args[i] = pick_arg(t, m->mrs[i], cn);
            if (m->mrs[i] == 'D' || m->mrs[i] == 'd')
                pair++;
        }
        if (in_u8() < 24) {                              /* now and then, too short or long */
            len = pick_length();
            extra = in_u8() & 3;
        }
    } else {
        label = in_u8() < 240 ? in_u8() % nArchInvocationLabels : in_bytes(3);
        len = pick_length();
        extra = in_u8() & 3;
        for (word_t i = 0; i < len && i < 12; i++)
            args[i] = pick_word(t);
        for (word_t i = 0; i < extra; i++)
            caps[i] = pick_extra_cap(t, 'a');
    }
    word_t info = msginfo(label, extra, len) | ((word_t)(in_u8() & 7) << 9);
    bool preempt = in_u8() < 16, fast = in_u8() & 1;

    set_reg(t, REG_CAP, cptr);
    set_reg(t, REG_MSGINFO, info);
    for (word_t i = 0; i < NUM_MSG_REGISTERS; i++)
        set_reg(t, REG_MR0 + i, args[i]);
    set_reg(t, REG_REPLY, pick_cptr(t));
    set_reg(t, REG_NBSEND_DEST, pick_cptr(t));
    if (buffer) {
        for (word_t i = NUM_MSG_REGISTERS; i < len && i < KEEL_IPCBUF_MSG_COUNT; i++)
            buffer[KEEL_IPCBUF_MSG + i] = args[i];
        for (word_t i = 0; i < 3; i++)
            buffer[KEEL_IPCBUF_CAPS_OR_BADGES + i] = caps[i];
        if (in_u8() & 1) {
            buffer[KEEL_IPCBUF_RECEIVE_CNODE] = pick_cptr(t);
            buffer[KEEL_IPCBUF_RECEIVE_INDEX] = pick_cptr(t);
            buffer[KEEL_IPCBUF_RECEIVE_DEPTH] = pick_word(t);
        }
    }
    if (number == seL4_SysCall || number == seL4_SysSend || number == seL4_SysNBSend)
        note_invocation(t, cptr, label);

    tracef("'%s' syscall %ld cptr 0x%lx label %lu (%s) len %lu extra %lu [0x%lx 0x%lx 0x%lx] "
           "mr 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx%s%s", tcb_name(t), (long)number,
           (unsigned long)cptr, (unsigned long)label,
           label < nArchInvocationLabels ? label_name(label) : "?", (unsigned long)len,
           (unsigned long)extra, (unsigned long)caps[0], (unsigned long)caps[1],
           (unsigned long)caps[2], (unsigned long)args[0], (unsigned long)args[1],
           (unsigned long)args[2], (unsigned long)args[3], (unsigned long)args[4],
           (unsigned long)args[5], preempt ? " (preempted)" : "", fast ? " (fast path)" : "");
    fake_now += in_u8() & 31;
    fake_irq_pending = preempt;
    if (fast && number == seL4_SysCall && fastpath_call)
        fastpath_call(cptr, info, args[0], args[1], args[2], args[3]);
    else if (fast && number == seL4_SysReplyRecv && fastpath_reply_recv)
        fastpath_reply_recv(cptr, info, args[0], args[1], args[2], args[3], get_reg(t, REG_REPLY));
    else
        handle_syscall(number);
    fake_irq_pending = false;
    fuzz_stats.syscalls++;
    if (m && number == seL4_SysCall && t->state == ThreadState_Running &&
        (get_reg(t, REG_MSGINFO) >> 12) == 0 && label < nArchInvocationLabels)
        fuzz_stats.label_ok[label]++;
}

static void interrupt_entry(word_t irq)
{
    ks_num_kernel_entries++;
    mcs_entry_check_budget();
    handle_irq(irq);
    finish_entry();
}

/* As if another agent resumed a stopped thread (TCB_Resume): what the idle system
 * needs to go on, and now and then anyway. */
static void rescue_entry(void)
{
    tcb_t *pick = NULL;
    word_t n = 0, want = in_u8();

    for (tcb_t *t = tcb_debug_list(); t; t = t->debug_next)
        if (t != ks_idle_thread && thread_is_stopped(t) && t->sc && n++ <= want)
            pick = t;
    if (!pick)
        return;
    tracef("rescue: resume '%s'", tcb_name(pick));
    ks_num_kernel_entries++;
    mcs_entry_check_budget();
    restart(pick);
    finish_entry();
}

static void one_entry(void)
{
    tcb_t *t = ks_cur_thread;
    uint8_t k = in_u8();

    if (t == ks_idle_thread) {
        if (k & 1) {
            fake_now += us_to_ticks(100 * (1 + (k >> 1)));
            tracef("idle: time passes, timer interrupt");
            interrupt_entry(KEEL_CONFIG_KERNEL_TIMER_IRQ);
        } else {
            rescue_entry();
        }
        fuzz_stats.other_entries++;
        return;
    }
    switch (k % 64) {
    case 59:
        rescue_entry();
        break;
    case 60: {
        word_t addr = pick_word(t);
        tracef("'%s' VM fault at 0x%lx", tcb_name(t), (unsigned long)addr);
        handle_vm_fault(k & 0x80, addr, in_bytes(4));
        break;
    }
    case 61:
        tracef("'%s' user exception", tcb_name(t));
        handle_user_exception(in_bytes(4));
        break;
    case 62:
        fake_now += us_to_ticks(in_bytes(2));
        tracef("'%s' timer interrupt", tcb_name(t));
        interrupt_entry(KEEL_CONFIG_KERNEL_TIMER_IRQ);
        break;
    case 63: {
        word_t irq = (k & 0x80) ? 40 : 32 + (in_u8() & 15);
        tracef("'%s' device interrupt %lu", tcb_name(t), (unsigned long)irq);
        interrupt_entry(irq);
        break;
    }
    default:
        syscall_entry(t);
        return;
    }
    fuzz_stats.other_entries++;
}

/* ---- tearing down -------------------------------------------------------------------------- */

static void until_done(status_t (*op)(cte_t *), cte_t *slot, const char *what)
{
    status_t st;
    word_t tries = 0;

    do {
        st = op(slot);
    } while (st == ERR_PREEMPTED && ++tries < 100000);
    if (st != OK)
        die("tear-down: %s failed (%d)", what, (int)st);
}

static status_t delete_exposed(cte_t *slot) { return cte_delete(slot, true); }

static void tear_down(void)
{
    fake_irq_pending = false;
    invariants_check_entry_state(false);      /* no longer between kernel entries */
    tracef("tear-down: revoke the untyped");
    until_done(cte_revoke, &keep[0], "revoking the untyped");
    check("after revoking the untyped");
    if (cte_has_children(&keep[0]))
        die("the untyped still has children after Revoke");

    /* All of its memory can be retyped again, as one untyped of the full size. */
    word_t mrs[6] = { seL4_UntypedObject, UT_BITS, 0, 0, 1, 1 };
    cptr_t root = 2;
    status_t st = host_invoke(decode_untyped_invocation, keeper_thread,
                              host_alloc(seL4_IPCBufferSizeBits), 0, UntypedRetype, mrs, 6, &root, 1);
    if (st != OK)
        die("Retype of the untyped's whole %lu bytes after Revoke failed: %s",
            (unsigned long)BIT(UT_BITS), ks_syscall_error.why ? ks_syscall_error.why : "?");
    fuzz_stats.reclaims++;
    until_done(delete_exposed, &keep[1], "deleting the full-size untyped");

    tracef("tear-down: delete every cap");
    for (word_t i = 0; i < BIT(R_RADIX); i++)
        until_done(delete_exposed, &rs[i], "deleting R's caps");
    for (word_t i = 0; i < TCB_NUM_SLOTS; i++)
        until_done(delete_exposed, tcb_slot(R, i), "deleting R's TCB slots");
    until_done(delete_exposed, &keep[2], "deleting the keeper CNode cap");
    until_done(delete_exposed, &keep[0], "deleting the untyped");
    check("after deleting everything");

    /* Nothing may be left in the kernel: only the idle thread, empty queues. */
    if (tcb_debug_list() != ks_idle_thread || ks_idle_thread->debug_next)
        die("a thread outlived its objects: '%s'", tcb_name(tcb_debug_list()));
    if (release_queue_head())
        die("the release queue is not empty after tear-down");
    for (word_t p = 0; p < KEEL_NUM_PRIORITIES; p++) {
        tcb_t *h, *tl;
        bool marked;
        sched_debug_ready_queue(p, &h, &tl, &marked);
        if (h || marked)
            die("ready queue %lu is not empty after tear-down", (unsigned long)p);
    }
    invariants_clear_roots();
    host_free_all();
    reset_kernel_globals();
}

/* ---- one input ------------------------------------------------------------------------------ */

int fuzz_one_input(const uint8_t *data, size_t size)
{
    in_data = data;
    in_left = size;
    trace_next = 0;

    make_idle();
    reset_kernel_globals();
    invariants_clear_roots();
    invariants_check_entry_state(true);
    build_world();

    for (word_t op = 0; op < MAX_OPS && in_left > 0; op++) {
        one_entry();
        check("after the last entry");
        fuzz_stats.ops++;
    }
    tear_down();
    fuzz_stats.runs++;
    return 0;
}

void fuzz_print_stats(FILE *f)
{
    word_t distinct = 0;

    for (word_t l = 0; l < nArchInvocationLabels; l++)
        distinct += fuzz_stats.label_hits[l] != 0;
    fprintf(f, "host-fuzz: %lu inputs, %lu kernel entries (%lu syscalls), %lu invariant checks, "
            "%lu full-size retypes after revoke, %lu distinct invocation labels hit, "
            "0 violations\n", (unsigned long)fuzz_stats.runs, (unsigned long)fuzz_stats.ops,
            (unsigned long)fuzz_stats.syscalls, (unsigned long)fuzz_stats.checks,
            (unsigned long)fuzz_stats.reclaims, (unsigned long)distinct);
    word_t ok = 0;
    for (word_t l = 0; l < nArchInvocationLabels; l++)
        ok += fuzz_stats.label_ok[l] != 0;
    fprintf(f, "host-fuzz: %lu distinct labels invoked successfully; never successful:",
            (unsigned long)ok);
    for (word_t l = 1; l < nInvocationLabels; l++)
        if (!fuzz_stats.label_ok[l])
            fprintf(f, " %s", label_name(l));
    fprintf(f, "\n");
    fprintf(f, "host-fuzz: labels not hit:");
    for (word_t l = 1; l < nInvocationLabels; l++)     /* arch methods are not on the host */
        if (!fuzz_stats.label_hits[l])
            fprintf(f, " %s", label_name(l));
    fprintf(f, "\n");
}
