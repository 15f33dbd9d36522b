/*
 * A fuzz thread: forever, one random system call after another.
 *
 * Each operation picks a syscall (mostly Call and the other sends and receives, now and
 * then Yield, a debug call or a number that is no syscall at all), a cptr (mostly a slot
 * of its own CSpace), and, most of the time, a method of the cap it found there
 * (seL4_DebugCapIdentify tells the type) with arguments of the right kinds: plausible
 * values usually, anything sometimes; the message length and extra caps are right
 * usually, wrong sometimes. Thread 0 (the reaper) also deletes and revokes slots in
 * every other thread's CSpace.
 *
 * This code runs in the fuzz thread's own VSpace, where the root task's image is mapped
 * read-only: it writes nothing but its stack, TLS, IPC buffer and status page.
 */
#include <stddef.h>
#include <sel4/sel4.h>
#include <sel4/keel.h>
#include "fuzz.h"

/* ---- randomness (xorshift64*, state in the status page) ------------------------------- */

static uint64_t rnd(fz_status_t *st)
{
    uint64_t x = st->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    st->rng = x;
    return x * 0x2545f4914f6cdd1dull;
}

static uint64_t below(fz_status_t *st, uint64_t n)
{
    return n ? rnd(st) % n : 0;
}

static int chance(fz_status_t *st, unsigned percent)
{
    return below(st, 100) < percent;
}

/* ---- which labels belong to which cap type ---------------------------------------------- */

int fz_label_belongs(seL4_Word tag, seL4_Word label)
{
    switch (tag) {
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
    case cap_frame_cap:         return label >= ARMPageMap && label <= ARMPageGetAddress;
    case cap_page_table_cap:    return label == ARMPageTableMap || label == ARMPageTableUnmap;
    case cap_vspace_cap:        return label >= ARMVSpaceClean_Data && label <= ARMVSpaceUnify_Instruction;
    case cap_asid_control_cap:  return label == ARMASIDControlMakePool;
    case cap_asid_pool_cap:     return label == ARMASIDPoolAssign;
    default:                    return 0;
    }
}

/*
 * Methods and their arguments. Message-word kinds: T object type, S size bits, I slot
 * index (E of an empty slot, L of an occupied one: in its own CSpace, which it knows),
 * D depth, d Retype node depth, O slot offset, C object count, F flags, N register
 * count, R rights, B badge, P priority, U microseconds, X extra refills, G guard data,
 * V address, A VM attributes, o offset in a page, Q IRQ, M domain, Z small, W any word.
 * Extra-cap kinds: n CNode, t TCB, s SC, f notification, e endpoint, p frame, v VSpace,
 * u untyped, b TCB or notification, a anything. ctx: the CNode of each slot address
 * ('i' the invoked cap, '0'/'1' that extra cap).
 */
typedef struct method {
    seL4_Word label;
    const char *mrs, *caps, *ctx;
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
    { ARMVSpaceClean_Data, "VV", "", "" },
    { ARMVSpaceInvalidate_Data, "VV", "", "" },
    { ARMVSpaceCleanInvalidate_Data, "VV", "", "" },
    { ARMVSpaceUnify_Instruction, "VV", "", "" },
    { ARMPageTableMap, "VA", "v", "" },
    { ARMPageTableUnmap, "", "", "" },
    { ARMPageMap, "VRA", "v", "" },
    { ARMPageUnmap, "", "", "" },
    { ARMPageClean_Data, "oo", "", "" },
    { ARMPageInvalidate_Data, "oo", "", "" },
    { ARMPageCleanInvalidate_Data, "oo", "", "" },
    { ARMPageUnify_Instruction, "oo", "", "" },
    { ARMPageGetAddress, "", "", "" },
    { ARMASIDControlMakePool, "ED", "un", "1" },
    { ARMASIDPoolAssign, "", "v", "" },
};
#define NUM_METHODS (sizeof(methods) / sizeof(methods[0]))

/* ---- choosing ------------------------------------------------------------------------------ */

#define NSLOTS (1ul << FZ_CHILD_RADIX)

static seL4_Word any_word(fz_status_t *st)
{
    switch (below(st, 8)) {
    case 0:  return below(st, 16);
    case 1:  return below(st, 256);
    case 2:  return 1ul << below(st, 64);
    case 3:  return ~0ul - below(st, 4);
    case 4:  return FZ_PLAYGROUND + (below(st, FZ_PLAYGROUND_PAGES) << 12);
    default: return rnd(st);
    }
}

/* A slot with a cap of the given type tag, or any slot. */
static seL4_Word slot_of_type(fz_status_t *st, seL4_Word tag)
{
    seL4_Word found[NSLOTS], n = 0;

    for (seL4_Word i = 0; i < NSLOTS; i++)
        if (st->types[i] == tag)
            found[n++] = i;
    return n ? found[below(st, n)] : below(st, NSLOTS);
}

static seL4_Word pick_cptr(fz_status_t *st)
{
    uint64_t k = below(st, 100);

    if (k < 55) {                                   /* an occupied slot */
        seL4_Word found[NSLOTS], n = 0;
        for (seL4_Word i = 0; i < NSLOTS; i++)
            if (st->types[i] != cap_null_cap)
                found[n++] = i;
        if (n)
            return found[below(st, n)];
    }
    if (k < 97)
        return below(st, NSLOTS);                   /* any slot */
    return any_word(st);                            /* anything */
}

static seL4_Word pick_extra_cap(fz_status_t *st, char kind)
{
    if (chance(st, 5))
        return pick_cptr(st);
    switch (kind) {
    case 'n': return slot_of_type(st, cap_cnode_cap);
    case 't': return slot_of_type(st, cap_thread_cap);
    case 's': return slot_of_type(st, cap_sched_context_cap);
    case 'f': return slot_of_type(st, cap_notification_cap);
    case 'e': return slot_of_type(st, cap_endpoint_cap);
    case 'p': return slot_of_type(st, cap_frame_cap);
    case 'v': return slot_of_type(st, cap_vspace_cap);
    case 'u': return slot_of_type(st, cap_untyped_cap);
    case 'b': return slot_of_type(st, chance(st, 50) ? cap_thread_cap : cap_notification_cap);
    default:  return pick_cptr(st);
    }
}

/* Depth that makes an index in CNode cptr 'cn' resolve: its own root is guard 58 + radix
 * 6; every other CNode the root made has guard 0, radix 6. */
static seL4_Word cnode_depth(seL4_Word cn)
{
    return cn == FZ_S_CNODE ? 64 : FZ_CHILD_RADIX;
}

static seL4_Word pick_arg(fz_status_t *st, char kind, seL4_Word cn)
{
    if (chance(st, 8))
        return any_word(st);
    switch (kind) {
    case 'T': return below(st, seL4_ObjectTypeCount);
    case 'S': {
        static const seL4_Word sizes[] = { 0, 1, 4, 5, 6, 7, 8, 10, 12, 14, 16, 21 };
        return sizes[below(st, sizeof(sizes) / sizeof(sizes[0]))];
    }
    case 'I': return chance(st, 85) ? below(st, NSLOTS) : rnd(st) & 0xffff;
    case 'E':
    case 'L':
        if (cn == FZ_S_CNODE && chance(st, 85)) {
            seL4_Word found[NSLOTS], n = 0;
            for (seL4_Word i = 0; i < NSLOTS; i++)
                if ((st->types[i] == cap_null_cap) == (kind == 'E'))
                    found[n++] = i;
            if (n)
                return found[below(st, n)];
        }
        return below(st, NSLOTS);
    case 'D': return chance(st, 85) ? cnode_depth(cn) : below(st, 70);
    case 'd': return chance(st, 75) ? 0 : cnode_depth(cn);
    case 'O': return chance(st, 80) ? FZ_S_FREE + below(st, FZ_S_OTHER_CNODES - FZ_S_FREE)
                                    : below(st, NSLOTS);
    case 'C': return 1 + below(st, 4);
    case 'F': return below(st, 8);
    case 'N': return 1 + below(st, 40);
    case 'R': return below(st, 16);
    case 'B': return chance(st, 50) ? below(st, 8) : rnd(st) & 0xffff;
    case 'P': return chance(st, 60) ? 100 : chance(st, 50) ? 95 + below(st, 6) : below(st, 256);
    case 'U': return chance(st, 70) ? 200 + 100 * below(st, 50) : rnd(st) & 0xffffff;
    case 'X': return below(st, 8);
    case 'G': return chance(st, 60) ? FZ_CHILD_GUARD : below(st, 64);
    case 'V': return chance(st, 85) ? FZ_PLAYGROUND + (below(st, FZ_PLAYGROUND_PAGES) << 12)
                                    : any_word(st);
    case 'A': return below(st, 8);
    case 'o': return chance(st, 80) ? below(st, 4096) : any_word(st);
    case 'Q': return chance(st, 20) ? 27 : 32 + below(st, 128);
    case 'M': return below(st, 2);
    case 'Z': return chance(st, 50) ? 0 : below(st, 4);
    default:  return any_word(st);
    }
}

static const method_t *pick_method(fz_status_t *st, seL4_Word tag)
{
    const method_t *found[NUM_METHODS];
    seL4_Word n = 0;

    for (seL4_Word i = 0; i < NUM_METHODS; i++)
        if (fz_label_belongs(tag, methods[i].label))
            found[n++] = &methods[i];
    return n ? found[below(st, n)] : NULL;
}

/* Syscall numbers, weighted. Never DebugHalt; no debug output (PutChar, DumpScheduler,
 * Snapshot) either, which would only flood the console. */
static seL4_Word pick_number(fz_status_t *st)
{
    static const signed char numbers[] = {
        seL4_SysCall, seL4_SysCall, seL4_SysCall, seL4_SysCall, seL4_SysCall, seL4_SysCall,
        seL4_SysCall, seL4_SysCall, seL4_SysSend, seL4_SysSend, seL4_SysNBSend, seL4_SysNBSend,
        seL4_SysRecv, seL4_SysNBRecv, seL4_SysNBRecv, seL4_SysWait, seL4_SysNBWait,
        seL4_SysNBWait, seL4_SysReplyRecv, seL4_SysNBSendRecv, seL4_SysNBSendWait,
        seL4_SysYield,
    };
    static const signed char rare[] = {
        seL4_SysDebugCapIdentify, seL4_SysDebugSendIPI, 0, 1, 5, -19, -63, -65,
        KEEL_SYS_DEBUG_CHECK_INVARIANTS,
    };
    if (chance(st, 2))
        return (seL4_Word)(long)rare[below(st, sizeof(rare))];
    return (seL4_Word)(long)numbers[below(st, sizeof(numbers))];
}

/* ---- one operation ---------------------------------------------------------------------------- */

static void refresh_types(fz_status_t *st, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        seL4_Word slot = below(st, NSLOTS);
        st->types[slot] = seL4_DebugCapIdentify(slot);
    }
}

static void one_op(fz_status_t *st)
{
    seL4_Word number = pick_number(st);
    seL4_Word cptr = pick_cptr(st);
    seL4_Word tag = seL4_DebugCapIdentify(cptr);
    seL4_Word label, len, extra, args[16] = { 0 }, caps[3] = { 0 };
    const method_t *m = chance(st, 85) ? pick_method(st, tag) : NULL;
    keel_regs_t regs;

    if (cptr < NSLOTS)
        st->types[cptr] = tag;
    /* A thread that blocks or faults waits for the root to notice (a whole round of the
     * others' timeslices): mostly use caps that exist, and non-blocking IPC. */
    if (tag == cap_null_cap && chance(st, 80)) {
        cptr = slot_of_type(st, st->types[below(st, NSLOTS)]);
        tag = seL4_DebugCapIdentify(cptr);
    }
    long n = (long)number;
    int receives = n == seL4_SysRecv || n == seL4_SysNBRecv || n == seL4_SysWait ||
                   n == seL4_SysNBWait || n == seL4_SysReplyRecv || n == seL4_SysNBSendRecv ||
                   n == seL4_SysNBSendWait;
    if (receives && tag != cap_endpoint_cap && tag != cap_notification_cap && chance(st, 85)) {
        if (chance(st, 60))
            cptr = chance(st, 50) ? FZ_S_EP_RECV : slot_of_type(st, cap_endpoint_cap);
        else                                        /* the readable one, mostly */
            cptr = chance(st, 70) ? FZ_S_NTFN_WAIT : slot_of_type(st, cap_notification_cap);
        tag = seL4_DebugCapIdentify(cptr);
    }
    if (chance(st, 70)) {                          /* mostly without blocking */
        if (n == seL4_SysRecv || n == seL4_SysReplyRecv)
            number = (seL4_Word)seL4_SysNBRecv;
        else if (n == seL4_SysWait)
            number = (seL4_Word)seL4_SysNBWait;
        else if ((n == seL4_SysCall || n == seL4_SysSend) &&
                 (tag == cap_endpoint_cap || tag == cap_notification_cap))
            number = (seL4_Word)seL4_SysNBSend;
    }
    if (st->reaper && chance(st, 30)) {
        /* Underneath the others: delete or revoke a slot of some thread's CSpace. */
        static const seL4_Word reaper_labels[] = { CNodeDelete, CNodeRevoke, CNodeRevoke,
                                                   CNodeDelete, CNodeCancelBadgedSends };
        number = seL4_SysCall;
        cptr = FZ_S_OTHER_CNODES + below(st, st->nchildren);
        tag = cap_cnode_cap;
        m = NULL;
        label = reaper_labels[below(st, 5)];
        len = 2;
        extra = 0;
        args[0] = chance(st, 30) ? FZ_S_UT : below(st, NSLOTS);
        args[1] = FZ_CHILD_RADIX;
    } else if (m) {
        seL4_Word pair = 0;
        label = m->label;
        len = __builtin_strlen(m->mrs);
        extra = __builtin_strlen(m->caps);
        for (seL4_Word i = 0; i < extra; i++)
            caps[i] = pick_extra_cap(st, m->caps[i]);
        for (seL4_Word i = 0; i < len; i++) {
            char c = pair < __builtin_strlen(m->ctx) ? m->ctx[pair] : 'i';
            seL4_Word cn = c == 'i' ? cptr : caps[c - '0'];
            args[i] = pick_arg(st, m->mrs[i], cn);
            if (m->mrs[i] == 'D' || m->mrs[i] == 'd')
                pair++;
        }
        if (chance(st, 8)) {                       /* too short or too long, now and then */
            len = below(st, 10);
            extra = below(st, 4);
        }
    } else {
        label = chance(st, 90) ? below(st, nArchInvocationLabels) : rnd(st) & 0xfffff;
        len = chance(st, 90) ? below(st, 8) : below(st, 128);
        extra = below(st, 4);
        for (seL4_Word i = 0; i < 16; i++)
            args[i] = any_word(st);
        for (seL4_Word i = 0; i < extra; i++)
            caps[i] = pick_cptr(st);
    }

    for (seL4_Word i = 4; i < 16 && i < len; i++)
        seL4_SetMR(i, args[i]);
    for (seL4_Word i = 0; i < 3; i++)
        seL4_SetCap(i, caps[i]);
    if (chance(st, 30)) {                          /* where a received cap should go */
        seL4_IPCBuffer *b = seL4_GetIPCBuffer();
        b->receiveCNode = chance(st, 80) ? FZ_S_CNODE : pick_cptr(st);
        b->receiveIndex = chance(st, 80) ? FZ_S_FREE + below(st, 28) : any_word(st);
        b->receiveDepth = chance(st, 80) ? 64 : below(st, 70);
    }

    seL4_Word info = seL4_MessageInfo_new(label, chance(st, 5) ? below(st, 8) : 0, extra, len).words[0];
    regs.x[0] = cptr;
    regs.x[1] = info;
    for (int i = 0; i < 4; i++)
        regs.x[2 + i] = args[i];
    regs.x[6] = chance(st, 95) ? slot_of_type(st, cap_reply_cap) : pick_cptr(st);
    regs.x[7] = number;
    regs.x[8] = chance(st, 80) ? slot_of_type(st, cap_endpoint_cap) : pick_cptr(st);

    st->cur_number = number;
    st->cur_cptr = cptr;
    st->cur_info = info;
    for (int i = 0; i < 4; i++)
        st->cur_mr[i] = args[i];
    for (int i = 0; i < 3; i++)
        st->cur_caps[i] = caps[i];

    int invocation = number == (seL4_Word)seL4_SysCall || number == (seL4_Word)seL4_SysSend ||
                     number == (seL4_Word)seL4_SysNBSend;
    int belongs = invocation && label < 64 && fz_label_belongs(tag, label);
    if (belongs)
        st->labels_hit |= 1ul << label;

    keel_RawSyscall(number, &regs);
    st->syscalls++;

    if (belongs && number == (seL4_Word)seL4_SysCall && (regs.x[1] >> 12) == 0)
        st->labels_ok |= 1ul << label;
}

void fz_child_main(fz_status_t *st)
{
    if (st->syscalls == 0)                          /* first start (not a restart) */
        refresh_types(st, NSLOTS);
    for (;;) {
        one_op(st);
        refresh_types(st, 2);
        st->ops++;
    }
}
