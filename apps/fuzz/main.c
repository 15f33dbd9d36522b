/*
 * In-QEMU syscall fuzzer: the root task.
 *
 * It runs the fuzz in epochs. Each epoch builds FZ_CHILDREN fuzz threads from one
 * "fuzz untyped": each thread gets its own VSpace (the root's image mapped read-only, a
 * stack, TLS block, IPC buffer and status page of its own), its own CSpace full of real
 * caps (an untyped, CNodes, endpoints, a notification, reply objects, frames, a page
 * table, TCBs and an SC of its own, the next thread's TCB and CNode, the ASID pool), a
 * budget, and the root as fault handler. Thread 0 is the reaper: it also deletes and
 * revokes in the others' CSpaces. Then the root supervises, at the threads' priority:
 *
 *  - it restarts a thread that faulted, and "kicks" (restarts) one that made no progress
 *    for a while (blocked forever, its SC taken away, its IPC buffer moved...);
 *  - it runs the kernel's invariant checker every FZ_CHECK_EVERY operations;
 *  - it prints a progress line every FZ_PROGRESS_EVERY operations, so a hung kernel shows
 *    up as silence (and as the test runner's timeout).
 *
 * At the end of each epoch it stops the threads, revokes the fuzz untyped and retypes
 * its whole size again: anything revoke could not recover fails the run. The run ends
 * after FZ_OPS operations (or FZ_SECONDS of CPU time, if set) and prints the figures
 * and [test] lines (tools/run-qemu-test.py).
 *
 * Build-time parameters (apps/fuzz/app.mk): FZ_SEED, FZ_OPS, FZ_SECONDS, FZ_EPOCH_OPS.
 */
#include <stdio.h>
#include <string.h>
#include <sel4/sel4.h>
#include <sel4/keel.h>
#include <keel/runtime.h>
#include "fuzz.h"

const char *__keel_progname = "fuzz";

#ifndef FZ_SEED
#define FZ_SEED 0x6b65656cul
#endif
#ifndef FZ_OPS
#define FZ_OPS 20000ul
#endif
#ifndef FZ_SECONDS
#define FZ_SECONDS 0ul                     /* 0: no time limit */
#endif
#ifndef FZ_EPOCH_OPS
#define FZ_EPOCH_OPS 10000ul
#endif
#define FZ_CHILDREN        5
#define FZ_CHECK_EVERY     500ul
#define FZ_PROGRESS_EVERY  5000ul
#define FZ_STALL_OPS       400             /* the others' operations while one stalls: kick */
#define FZ_IDLE_ROUNDS     20              /* rounds with nobody making progress: kick all */
#define FZ_EPOCH_ROUNDS    200000ul        /* an epoch ends after this many rounds anyway */
#define FZ_PRIO            100
#define FZ_UT_BITS         23              /* the fuzz untyped: 8 MiB */
#define FZ_CHILD_UT_BITS   18              /* each thread's own untyped: 256 KiB */
#define FZ_AUX_RADIX       8               /* root-held CNode per thread: its mappings */

_Static_assert(FZ_CHILDREN <= FZ_MAX_CHILDREN, "too many fuzz threads");

extern char __keel_image_start[], __keel_stack_bottom[];

static seL4_BootInfo *bi;

/* ---- failing ------------------------------------------------------------------------- */

static unsigned long violations;

static void fatal(const char *what, long err)
{
    printf("fuzz: set-up failed: %s (error %ld)\n", what, err);
    printf("[test] fuzz_setup: FAIL %s\n[test] all done\n", what);
    seL4_DebugHalt();
    for (;;)
        ;
}

#define MUST(expr, what)                                                         \
    do {                                                                         \
        long e_ = (long)(expr);                                                  \
        if (e_ != seL4_NoError)                                                  \
            fatal(what, e_);                                                     \
    } while (0)

/* ---- slots and objects ------------------------------------------------------------------ */

static seL4_CPtr next_slot, epoch_first_slot;
static seL4_CPtr root_ut;      /* page tables of the root's own windows (kept) */
static seL4_CPtr fuzz_ut;      /* everything of the fuzz threads (revoked each epoch) */

static seL4_CPtr next_kept_slot;

static seL4_CPtr new_slot(void)
{
    if (next_slot >= next_kept_slot)
        fatal("out of root CNode slots", 0);
    return next_slot++;
}

/* Slots for what lives across epochs come from the top of the free region down. */
static seL4_CPtr retype_into(seL4_CPtr ut, seL4_Word type, seL4_Word size_bits, seL4_CPtr slot)
{
    MUST(seL4_Untyped_Retype(ut, type, size_bits, seL4_CapInitThreadCNode, 0, 0, slot, 1),
         "Retype");
    return slot;
}

static seL4_CPtr retype_kept(seL4_CPtr ut, seL4_Word type, seL4_Word size_bits)
{
    if (next_kept_slot <= next_slot)
        fatal("out of root CNode slots", 0);
    return retype_into(ut, type, size_bits, --next_kept_slot);
}

static seL4_CPtr retype(seL4_CPtr ut, seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr slot = new_slot();
    MUST(seL4_Untyped_Retype(ut, type, size_bits, seL4_CapInitThreadCNode, 0, 0, slot, 1),
         "Retype");
    return slot;
}

/* The largest RAM untyped from boot. */
static seL4_CPtr largest_untyped(seL4_Word *bits)
{
    seL4_CPtr best = 0;
    *bits = 0;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        seL4_UntypedDesc *d = &bi->untypedList[i];
        if (!d->isDevice && d->sizeBits > *bits) {
            *bits = d->sizeBits;
            best = bi->untyped.start + i;
        }
    }
    return best;
}


/* Map a frame; missing page tables come from 'ut' (their caps into the root CNode). */
static void map_frame(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr, seL4_CapRights_t rights,
                      seL4_Word attr, seL4_CPtr ut, seL4_CPtr *tables, int *ntables)
{
    for (int tries = 0; tries < 4; tries++) {
        seL4_Error e = seL4_ARM_Page_Map(frame, vspace, vaddr, rights, attr);
        if (e == seL4_NoError)
            return;
        if (e != seL4_FailedLookup)
            fatal("Page_Map", e);
        /* The root's own tables stay (from root_ut); a thread's go with its epoch. */
        seL4_CPtr pt = ut == root_ut ? retype_kept(ut, seL4_ARM_PageTableObject, 0)
                                     : retype(ut, seL4_ARM_PageTableObject, 0);
        MUST(seL4_ARM_PageTable_Map(pt, vspace, vaddr, seL4_ARM_Default_VMAttributes),
             "PageTable_Map");
        if (tables)
            tables[(*ntables)++] = pt;
    }
    fatal("Page_Map: tables keep missing", 0);
}

/* ---- the fuzz threads ------------------------------------------------------------------- */

typedef struct child {
    seL4_CPtr tcb, sc, cnode, aux, vspace, ipc_frame, fault_ep;
    fz_status_t *st;
    seL4_Word tp;                   /* its TLS pointer */
    uint64_t last_ops, stall_base;
    unsigned long faults, kicks;
} child_t;

static child_t children[FZ_CHILDREN];
static int have_irq_control = 1;
static seL4_CPtr fault_ep, fault_reply, shared_ep, shared_ep2, shared_ntfn;
static seL4_Word aux_next[FZ_CHILDREN];

/* Put the cap in root slot 'slot' away into thread i's aux CNode (slot becomes free). */
static void stash(int i, seL4_CPtr slot)
{
    if (aux_next[i] >= (1ul << FZ_AUX_RADIX))
        fatal("aux CNode full", 0);
    MUST(seL4_CNode_Move(children[i].aux, aux_next[i]++, FZ_AUX_RADIX, seL4_CapInitThreadCNode,
                         slot, 64), "Move to aux");
}

/* Map a copy of 'frame' into thread i's VSpace; the copy and any new tables go to aux. */
static void map_into_child(int i, seL4_CPtr frame, seL4_Word vaddr, seL4_CapRights_t rights,
                           seL4_Word attr)
{
    seL4_CPtr copy = new_slot(), tables[4];
    int ntables = 0;

    MUST(seL4_CNode_Copy(seL4_CapInitThreadCNode, copy, 64, seL4_CapInitThreadCNode, frame, 64,
                         seL4_AllRights), "Copy frame");
    map_frame(copy, children[i].vspace, vaddr, rights, attr, fuzz_ut, tables, &ntables);
    stash(i, copy);
    for (int t = 0; t < ntables; t++)
        stash(i, tables[t]);
}

/* A frame of the fuzz untyped mapped into the root (for the root to read) and the thread. */
static void *shared_page(int i, seL4_Word vaddr, int executable)
{
    seL4_CPtr frame = retype(fuzz_ut, seL4_ARM_SmallPageObject, 0);
    map_frame(frame, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite,
              seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever, root_ut, NULL, NULL);
    map_into_child(i, frame, vaddr, seL4_ReadWrite,
                   seL4_ARM_Default_VMAttributes | (executable ? 0 : seL4_ARM_ExecuteNever));
    memset((void *)vaddr, 0, 4096);
    return (void *)vaddr;
}

/* Copy/Mint root slot src into slot dest of thread i's CSpace. */
static void give(int i, seL4_Word dest, seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge)
{
    MUST(seL4_CNode_Mint(children[i].cnode, dest, FZ_CHILD_RADIX, seL4_CapInitThreadCNode, src,
                         64, rights, badge), "Mint into a fuzz CSpace");
}

static void give_new(int i, seL4_Word dest, seL4_Word type, seL4_Word bits)
{
    MUST(seL4_Untyped_Retype(fuzz_ut, type, bits, children[i].cnode, 0, 0, dest, 1),
         "Retype into a fuzz CSpace");
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x ? x : 1;
}

/* Set the thread's registers to the start of the fuzz loop and let it run. */
static void start_child(int i)
{
    child_t *c = &children[i];
    seL4_UserContext regs;

    memset(&regs, 0, sizeof(regs));
    regs.pc = (seL4_Word)fz_child_main;
    regs.sp = FZ_STACK_TOP(i);
    regs.x0 = FZ_STATUS(i);
    regs.tpidr_el0 = c->tp;
    seL4_TCB_WriteRegisters(c->tcb, 1, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
}

/* Round robin for most; thread 2 is a sporadic server with a shorter budget. */
static seL4_Error configure_sc(int i)
{
    seL4_Word budget = i == 2 ? 500 : 1000, period = i == 2 ? 2000 : 1000;
    return seL4_SchedControl_ConfigureFlags(bi->schedcontrol.start, children[i].sc, budget, period,
                                            i, i, i == 2 ? seL4_SchedContext_Sporadic : 0);
}

/* Restart a thread from scratch: its spaces, scheduling and registers as first set up
 * (whatever the others changed); its random state goes on where it was. */
static void restart_child(int i)
{
    child_t *c = &children[i];

    seL4_TCB_Suspend(c->tcb);
    seL4_TCB_SetFlags(c->tcb, ~0ul, 0);            /* e.g. FPU disabled: the code uses SIMD */
    configure_sc(i);
    seL4_TCB_Configure(c->tcb, c->cnode, FZ_CHILD_GUARD, c->vspace, 0, FZ_IPC(i), c->ipc_frame);
    seL4_TCB_SetSchedParams(c->tcb, seL4_CapInitThreadTCB, FZ_PRIO, FZ_PRIO, c->sc, c->fault_ep);
    start_child(i);
}

static void build_child(int i, unsigned epoch)
{
    child_t *c = &children[i];
    /* Text, read-only data and initialised data; not .bss (the root's stack and heap),
     * which the fuzz code never touches. */
    seL4_Word image_pages = ((seL4_Word)__keel_stack_bottom - (seL4_Word)__keel_image_start + 4095) / 4096;

    memset(c, 0, sizeof(*c));
    aux_next[i] = 0;
    c->tcb = retype(fuzz_ut, seL4_TCBObject, 0);
    c->sc = retype(fuzz_ut, seL4_SchedContextObject, 8);
    c->cnode = retype(fuzz_ut, seL4_CapTableObject, FZ_CHILD_RADIX);
    c->aux = retype(fuzz_ut, seL4_CapTableObject, FZ_AUX_RADIX);
    c->vspace = retype(fuzz_ut, seL4_ARM_VSpaceObject, 0);
    MUST(seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, c->vspace), "ASIDPool_Assign");

    /* The root's image, read-only (and executable): the code the thread runs. */
    for (seL4_Word p = 0; p < image_pages; p++)
        map_into_child(i, bi->userImageFrames.start + p, (seL4_Word)__keel_image_start + p * 4096,
                       seL4_CanRead, seL4_ARM_Default_VMAttributes);
    /* Its own pages. */
    for (int p = 0; p < FZ_STACK_PAGES; p++) {
        seL4_CPtr frame = retype(fuzz_ut, seL4_ARM_SmallPageObject, 0);
        map_into_child(i, frame, FZ_STACK(i) + p * 4096ul, seL4_ReadWrite,
                       seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever);
        stash(i, frame);
    }
    c->ipc_frame = retype(fuzz_ut, seL4_ARM_SmallPageObject, 0);
    map_into_child(i, c->ipc_frame, FZ_IPC(i), seL4_ReadWrite,
                   seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever);
    void *tls = shared_page(i, FZ_TLS(i), 0);
    c->st = shared_page(i, FZ_STATUS(i), 0);
    c->tp = keel_tls_init(tls, 4096);
    if (!c->tp)
        fatal("TLS block does not fit a page", 0);
    keel_tls_set_ipc_buffer(c->tp, (seL4_IPCBuffer *)FZ_IPC(i));

    c->st->index = i;
    c->st->nchildren = FZ_CHILDREN;
    c->st->reaper = i == 0;
    c->st->rng = mix(FZ_SEED ^ ((uint64_t)epoch << 32) ^ (uint64_t)(i + 1));

    /* Its CSpace. */
    seL4_CPtr own_cnode = new_slot();
    MUST(seL4_CNode_Mint(seL4_CapInitThreadCNode, own_cnode, 64, seL4_CapInitThreadCNode, c->cnode,
                         64, seL4_AllRights, FZ_CHILD_GUARD), "Mint CNode guard");
    give(i, FZ_S_TCB, c->tcb, seL4_AllRights, 0);
    MUST(seL4_CNode_Move(c->cnode, FZ_S_CNODE, FZ_CHILD_RADIX, seL4_CapInitThreadCNode, own_cnode,
                         64), "Move CNode");
    give_new(i, FZ_S_UT, seL4_UntypedObject, FZ_CHILD_UT_BITS);
    give(i, FZ_S_EP, shared_ep, seL4_AllRights, i + 1);
    give(i, FZ_S_NTFN, shared_ntfn, seL4_CanWrite, 1ul << i);
    give_new(i, FZ_S_REPLY, seL4_ReplyObject, 0);
    give(i, FZ_S_SC, c->sc, seL4_AllRights, 0);
    give(i, FZ_S_IPC_FRAME, c->ipc_frame, seL4_AllRights, 0);
    give(i, FZ_S_EP2, shared_ep2, seL4_AllRights, 0);
    give(i, FZ_S_EP_RECV, shared_ep, seL4_CapRights_new(1, 0, 1, 0), 0);
    give(i, FZ_S_NTFN_WAIT, shared_ntfn, seL4_CanRead, 0);
    give(i, FZ_S_VSPACE, c->vspace, seL4_AllRights, 0);
    give_new(i, FZ_S_FRAME, seL4_ARM_SmallPageObject, 0);
    give_new(i, FZ_S_PT, seL4_ARM_PageTableObject, 0);
    give(i, FZ_S_ASID_POOL, seL4_CapInitThreadASIDPool, seL4_AllRights, 0);
    give_new(i, FZ_S_REPLY2, seL4_ReplyObject, 0);
    if (i == 1)
        give(i, FZ_S_ASID_CONTROL, seL4_CapASIDControl, seL4_AllRights, 0);
    if (i == 2) {
        give(i, FZ_S_SCHED_CONTROL, bi->schedcontrol.start, seL4_AllRights, 0);
        give(i, FZ_S_DOMAIN, seL4_CapDomain, seL4_AllRights, 0);
    }

    /* Fault handler: the root, badged with the thread's number. */
    c->fault_ep = new_slot();
    MUST(seL4_CNode_Mint(seL4_CapInitThreadCNode, c->fault_ep, 64, seL4_CapInitThreadCNode,
                         fault_ep, 64, seL4_AllRights, i + 1), "Mint fault endpoint");

    MUST(seL4_TCB_Configure(c->tcb, c->cnode, FZ_CHILD_GUARD, c->vspace, 0, FZ_IPC(i), c->ipc_frame),
         "TCB_Configure");
    MUST(configure_sc(i), "SchedControl_ConfigureFlags");
    MUST(seL4_TCB_SetSchedParams(c->tcb, seL4_CapInitThreadTCB, FZ_PRIO, FZ_PRIO, c->sc, c->fault_ep),
         "TCB_SetSchedParams");
    char name[16];
    snprintf(name, sizeof(name), "fuzz%d", i);
    seL4_DebugNameThread(c->tcb, name);
}

/* Links between the threads, once all exist. */
static void link_children(void)
{
    for (int i = 0; i < FZ_CHILDREN; i++) {
        int next = (i + 1) % FZ_CHILDREN;
        give(i, FZ_S_NEXT_TCB, children[next].tcb, seL4_AllRights, 0);
        give(i, FZ_S_NEXT_CNODE, children[next].cnode, seL4_AllRights, 0);
        if (i == 0)
            for (int j = 0; j < FZ_CHILDREN; j++)
                give(0, FZ_S_OTHER_CNODES + j, children[j].cnode, seL4_AllRights, 0);
        if (have_irq_control)
            MUST(seL4_IRQControl_Get(seL4_CapIRQControl, 48 + i, children[i].cnode,
                                     FZ_S_IRQ_HANDLER, FZ_CHILD_RADIX), "IRQControl_Get");
    }
    if (have_irq_control)                           /* lent; taken back after the epoch */
        MUST(seL4_CNode_Move(children[3].cnode, FZ_S_IRQ_CONTROL, FZ_CHILD_RADIX,
                             seL4_CapInitThreadCNode, seL4_CapIRQControl, 64), "Move IRQControl");
}

/* ---- statistics ------------------------------------------------------------------------------ */

static uint64_t ops_done, syscalls_done, labels_hit, labels_ok, checks, kicks, faults;
static uint64_t consumed_us;
static uint64_t fault_kinds[8];             /* by seL4_Fault_* label */
static unsigned epochs;

static uint64_t epoch_ops(void)
{
    uint64_t n = 0;
    for (int i = 0; i < FZ_CHILDREN; i++)
        n += children[i].st->ops;
    return n;
}

static int popcount(uint64_t x)
{
    return __builtin_popcountll(x);
}

/* Labels a fuzz thread can reach at all (those of the methods table in child.c). */
static int reachable_labels(void)
{
    static const seL4_Word tags[] = {
        cap_untyped_cap, cap_thread_cap, cap_cnode_cap, cap_irq_control_cap,
        cap_irq_handler_cap, cap_domain_cap, cap_sched_control_cap, cap_sched_context_cap,
        cap_frame_cap, cap_page_table_cap, cap_vspace_cap, cap_asid_control_cap,
        cap_asid_pool_cap,
    };
    uint64_t all = 0;
    for (unsigned t = 0; t < sizeof(tags) / sizeof(tags[0]); t++)
        for (seL4_Word l = 1; l < 64; l++)
            if (fz_label_belongs(tags[t], l))
                all |= 1ul << l;
    return popcount(all);
}

static void check_invariants(const char *when)
{
    checks++;
    if (keel_DebugCheckInvariants() != 0) {
        violations++;
        printf("fuzz: INVARIANT VIOLATION %s (epoch %u, %lu operations)\n", when, epochs,
               (unsigned long)(ops_done + epoch_ops()));
        for (int i = 0; i < FZ_CHILDREN; i++) {
            fz_status_t *s = children[i].st;
            printf("fuzz:   thread %d's last operation: syscall %ld cptr 0x%lx info 0x%lx "
                   "mr 0x%lx 0x%lx 0x%lx 0x%lx caps 0x%lx 0x%lx 0x%lx\n", i, (long)s->cur_number,
                   (unsigned long)s->cur_cptr, (unsigned long)s->cur_info,
                   (unsigned long)s->cur_mr[0], (unsigned long)s->cur_mr[1],
                   (unsigned long)s->cur_mr[2], (unsigned long)s->cur_mr[3],
                   (unsigned long)s->cur_caps[0], (unsigned long)s->cur_caps[1],
                   (unsigned long)s->cur_caps[2]);
        }
    }
}

/* CPU time used (all SCs), from SchedContext_Consumed (which resets each counter). */
static void account_time(void)
{
    consumed_us += seL4_SchedContext_Consumed(seL4_CapInitThreadSC).consumed;
    for (int i = 0; i < FZ_CHILDREN; i++)
        consumed_us += seL4_SchedContext_Consumed(children[i].sc).consumed;
}

/* ---- one epoch ----------------------------------------------------------------------------------- */

static int time_is_up(void)
{
    uint64_t limit = (uint64_t)FZ_SECONDS * 1000000ul;
    return limit != 0 && consumed_us >= limit;
}

static void supervise(void)
{
    uint64_t next_check = FZ_CHECK_EVERY, next_progress = FZ_PROGRESS_EVERY;
    uint64_t epoch_target = FZ_EPOCH_OPS, last_round_ops = 0;
    unsigned idle_rounds = 0;

    if (ops_done + epoch_target > FZ_OPS)
        epoch_target = FZ_OPS - ops_done;
    for (unsigned long round = 0; round < FZ_EPOCH_ROUNDS; round++) {
        seL4_Word badge = 0;

        seL4_Yield();
        /* Faults: restart the thread. */
        for (int n = 0; n < 2 * FZ_CHILDREN; n++) {
            seL4_MessageInfo_t info = seL4_NBRecv(fault_ep, &badge, fault_reply);
            if (badge == 0 || badge > FZ_CHILDREN)
                break;
            seL4_Word kind = seL4_MessageInfo_get_label(info);
            fault_kinds[kind < 8 ? kind : 7]++;
            children[badge - 1].faults++;
            faults++;
            restart_child((int)badge - 1);
        }
        /* A thread that made no progress while the others made FZ_STALL_OPS, or all of
         * them when nobody made any for FZ_IDLE_ROUNDS rounds: restart ("kick"). */
        uint64_t ops = epoch_ops();
        idle_rounds = ops == last_round_ops ? idle_rounds + 1 : 0;
        last_round_ops = ops;
        for (int i = 0; i < FZ_CHILDREN; i++) {
            child_t *c = &children[i];
            if (c->st->ops != c->last_ops) {
                c->last_ops = c->st->ops;
                c->stall_base = ops;
            } else if (ops - c->stall_base >= FZ_STALL_OPS || idle_rounds >= FZ_IDLE_ROUNDS) {
                c->kicks++;
                kicks++;
                c->stall_base = ops;
                restart_child(i);
            }
        }
        if (idle_rounds >= FZ_IDLE_ROUNDS)
            idle_rounds = 0;
        if (ops >= next_check) {
            check_invariants("during the epoch");
            next_check = ops + FZ_CHECK_EVERY;
            if (violations)
                return;
        }
        if (ops_done + ops >= next_progress) {
            printf("fuzz: progress: epoch %u, %lu operations, %lu restarts after faults, "
                   "%lu kicks\n", epochs, (unsigned long)(ops_done + ops), (unsigned long)faults,
                   (unsigned long)kicks);
            next_progress = ops_done + ops + FZ_PROGRESS_EVERY;
        }
        if ((round & 63) == 0) {
            account_time();
            if (time_is_up())
                return;
        }
        if (ops >= epoch_target)
            return;
    }
    printf("fuzz: epoch %u ended after %lu supervisor rounds\n", epochs, (unsigned long)FZ_EPOCH_ROUNDS);
}

static int reclaim_ok = 1;

/* IRQControl cannot be copied: the root lends its only cap to thread 3 and takes it back
 * from wherever in the fuzz threads' CSpaces it ended up (else it goes with the epoch). */
static void take_back_irq_control(void)
{
    seL4_CPtr scratch = new_slot();

    if (seL4_CNode_Move(seL4_CapInitThreadCNode, seL4_CapIRQControl, 64, children[3].cnode,
                        FZ_S_IRQ_CONTROL, FZ_CHILD_RADIX) == seL4_NoError)
        return;
    for (int i = 0; i < FZ_CHILDREN; i++) {
        for (seL4_Word k = 0; k < (1ul << FZ_CHILD_RADIX); k++) {
            if (seL4_CNode_Move(seL4_CapInitThreadCNode, scratch, 64, children[i].cnode, k,
                                FZ_CHILD_RADIX) != seL4_NoError)
                continue;
            if (seL4_DebugCapIdentify(scratch) == cap_irq_control_cap) {
                seL4_CNode_Move(seL4_CapInitThreadCNode, seL4_CapIRQControl, 64,
                                seL4_CapInitThreadCNode, scratch, 64);
                return;
            }
            seL4_CNode_Delete(seL4_CapInitThreadCNode, scratch, 64);
        }
    }
    have_irq_control = 0;
    printf("fuzz: IRQControl is not in the fuzz CSpaces; it goes with epoch %u\n", epochs);
}

static void run_epoch(void)
{
    epoch_first_slot = next_slot;
    fault_ep = retype(fuzz_ut, seL4_EndpointObject, 0);
    fault_reply = retype(fuzz_ut, seL4_ReplyObject, 0);
    shared_ep = retype(fuzz_ut, seL4_EndpointObject, 0);
    shared_ep2 = retype(fuzz_ut, seL4_EndpointObject, 0);
    shared_ntfn = retype(fuzz_ut, seL4_NotificationObject, 0);
    for (int i = 0; i < FZ_CHILDREN; i++)
        build_child(i, epochs);
    link_children();
    check_invariants("after building the fuzz threads");
    for (int i = 0; i < FZ_CHILDREN; i++)
        start_child(i);

    supervise();

    /* Stop everything; keep the figures; give all the memory back. */
    for (int i = 0; i < FZ_CHILDREN; i++)
        seL4_TCB_Suspend(children[i].tcb);
    for (int i = 0; i < FZ_CHILDREN; i++) {
        fz_status_t *s = children[i].st;
        printf("fuzz:   thread %d: %lu operations, %lu faults, %lu kicks; last: syscall %ld "
               "cptr 0x%lx info 0x%lx mr 0x%lx 0x%lx\n", i, (unsigned long)s->ops,
               children[i].faults, children[i].kicks, (long)s->cur_number,
               (unsigned long)s->cur_cptr, (unsigned long)s->cur_info, (unsigned long)s->cur_mr[0],
               (unsigned long)s->cur_mr[1]);
    }
    account_time();
    for (int i = 0; i < FZ_CHILDREN; i++) {
        fz_status_t *s = children[i].st;
        ops_done += s->ops;
        syscalls_done += s->syscalls;
        labels_hit |= s->labels_hit;
        labels_ok |= s->labels_ok;
    }
    check_invariants("with the fuzz threads stopped");
    if (have_irq_control)
        take_back_irq_control();
    MUST(seL4_CNode_Revoke(seL4_CapInitThreadCNode, fuzz_ut, 64), "Revoke of the fuzz untyped");
    check_invariants("after revoking the fuzz untyped");
    next_slot = epoch_first_slot;
    seL4_CPtr whole = new_slot();
    seL4_Error e = seL4_Untyped_Retype(fuzz_ut, seL4_UntypedObject, FZ_UT_BITS,
                                       seL4_CapInitThreadCNode, 0, 0, whole, 1);
    if (e != seL4_NoError) {
        reclaim_ok = 0;
        printf("fuzz: after Revoke, the fuzz untyped's %lu bytes cannot be retyped again "
               "(error %d)\n", 1ul << FZ_UT_BITS, (int)e);
    }
    seL4_CNode_Delete(seL4_CapInitThreadCNode, whole, 64);
    next_slot = epoch_first_slot;
    check_invariants("after retyping the whole fuzz untyped");
    epochs++;
}

int main(void)
{
    seL4_Word bits;

    bi = seL4_GetBootInfo();
    next_slot = bi->empty.start;
    next_kept_slot = bi->empty.end;
    printf("fuzz: seed 0x%lx, %lu operations, %lu s, %d fuzz threads, %lu operations per epoch\n",
           (unsigned long)FZ_SEED, (unsigned long)FZ_OPS, (unsigned long)FZ_SECONDS, FZ_CHILDREN,
           (unsigned long)FZ_EPOCH_OPS);

    seL4_CPtr big = largest_untyped(&bits);
    if (bits < FZ_UT_BITS + 1)
        fatal("no untyped big enough", (long)bits);
    root_ut = retype_kept(big, seL4_UntypedObject, 21);
    fuzz_ut = retype_kept(big, seL4_UntypedObject, FZ_UT_BITS);
    check_invariants("at the start");

    /* The root supervises at the fuzz threads' priority (round robin with them). */
    MUST(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, FZ_PRIO), "SetPriority");

    while (ops_done < FZ_OPS && !violations && !time_is_up())
        run_epoch();

    int labels_total = reachable_labels();
    printf("fuzz: done: %u epochs, %lu operations (%lu system calls), %lu ms of CPU time\n",
           epochs, (unsigned long)ops_done, (unsigned long)syscalls_done,
           (unsigned long)(consumed_us / 1000));
    printf("fuzz: distinct invocation labels hit: %d of %d (%d succeeded at least once)\n",
           popcount(labels_hit), labels_total, popcount(labels_ok));
    printf("fuzz: restarts after faults: %lu (cap %lu, unknown syscall %lu, user exception "
           "%lu, timeout %lu, VM %lu), kicks of stalled threads: %lu\n", (unsigned long)faults,
           (unsigned long)fault_kinds[seL4_Fault_CapFault],
           (unsigned long)fault_kinds[seL4_Fault_UnknownSyscall],
           (unsigned long)fault_kinds[seL4_Fault_UserException],
           (unsigned long)fault_kinds[seL4_Fault_Timeout], (unsigned long)fault_kinds[seL4_Fault_VMFault],
           (unsigned long)kicks);
    printf("fuzz: invariant checks: %lu, violations found: %lu\n", (unsigned long)checks,
           (unsigned long)violations);
    printf("fuzz: fuzz untyped reclaimed in full after every epoch: %s\n", reclaim_ok ? "yes" : "NO");

    if (violations)
        printf("[test] fuzz_invariants: FAIL %lu violation(s)\n", violations);
    else
        printf("[test] fuzz_invariants: PASS\n");
    if (reclaim_ok)
        printf("[test] fuzz_memory_reclaimed: PASS\n");
    else
        printf("[test] fuzz_memory_reclaimed: FAIL revoke did not recover the fuzz untyped\n");
    if (ops_done >= FZ_OPS || time_is_up())
        printf("[test] fuzz_progress: PASS\n");
    else
        printf("[test] fuzz_progress: FAIL only %lu of %lu operations\n", (unsigned long)ops_done,
               (unsigned long)FZ_OPS);
    printf("[test] all done\n");
    seL4_DebugHalt();
    return 0;
}
