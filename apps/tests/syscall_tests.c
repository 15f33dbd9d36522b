/*
 * System call tests: debug syscalls, unknown syscall numbers, garbage to every
 * syscall number.
 */
#include "framework.h"

#define SPSR_MODE_DAIF_MASK 0x3ffull /* M[4:0], F, I, A, D */
#define SPSR_EL0T_F 0x40ull

static void fill_pattern(seL4_Word *in, seL4_Word tag)
{
    for (int k = 0; k < RAW_IN_REGS; k++)
        in[k] = ((seL4_Word)0xc0de << 48) | (tag << 16) | (seL4_Word)k;
}

/* Registers [from, RAW_IN_REGS) of out equal those of in. */
static int check_preserved(const seL4_Word *in, const seL4_Word *out, int from, const char *what)
{
    for (int k = from; k < RAW_IN_REGS; k++)
        if (in[k] != out[k])
            FAIL_R(-1, "%s: x%d changed from 0x%llx to 0x%llx", what, k,
                   (unsigned long long)in[k], (unsigned long long)out[k]);
    return 0;
}

/*
 * ABI (l) DebugPutChar (-12): prints a known line (verify it visually in the log) and
 * returns with every register preserved.
 */
TEST(syscall_debug_putchar)
{
    static const char line1[] = "  putchar: Keel DebugPutChar line via libsel4\n";
    static const char line2[] = "  putchar: Keel DebugPutChar line via raw svc, registers kept\n";

    for (const char *p = line1; *p; p++)
        seL4_DebugPutChar(*p);

    seL4_Word in[RAW_IN_REGS], out[RAW_OUT_REGS];
    for (const char *p = line2; *p; p++) {
        fill_pattern(in, (seL4_Word)(p - line2));
        in[0] = (seL4_Word)(uint8_t)*p | 0x7700; /* only the low 8 bits are printed */
        in[7] = (seL4_Word)seL4_SysDebugPutChar;
        raw_syscall(in, out);
        TRY(check_preserved(in, out, 0, "DebugPutChar"));
    }
}

/*
 * ABI (l) DebugCapIdentify (-15): x0 = tag of the cap (0 for empty/unresolvable),
 * all other registers preserved.
 */
TEST(syscall_debug_cap_identify_registers)
{
    seL4_Word in[RAW_IN_REGS], out[RAW_OUT_REGS];
    static const struct {
        seL4_Word cptr, tag;
    } cases[] = {
        {seL4_CapInitThreadTCB, 12},
        {seL4_CapInitThreadCNode, 10},
        {seL4_CapNull, 0},
        {(seL4_Word)1 << 63, 0}, /* guard mismatch */
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fill_pattern(in, 0x100 + i);
        in[0] = cases[i].cptr;
        in[7] = (seL4_Word)seL4_SysDebugCapIdentify;
        raw_syscall(in, out);
        CHECK_EQ(out[0], cases[i].tag);
        TRY(check_preserved(in, out, 1, "DebugCapIdentify"));
    }
}

/* ---- Unknown syscall numbers ------------------------------------------------------- */

#define UNK_CALLS 6
struct unk_state {
    seL4_Word in[UNK_CALLS][RAW_IN_REGS];
    seL4_Word out[UNK_CALLS][RAW_OUT_REGS];
    volatile int done;
};

static void unk_child(seL4_Word arg)
{
    struct unk_state *s = (struct unk_state *)arg;
    for (int i = 0; i < UNK_CALLS; i++) {
        raw_syscall(s->in[i], s->out[i]);
        s->done = i + 1;
    }
}

static seL4_Word unk_reply_word(int i, int k)
{
    return ((seL4_Word)0x5eed << 48) | ((seL4_Word)i << 16) | (seL4_Word)k;
}

/*
 * ABI (a) unknown numbers and (f) UnknownSyscall: label 2, length 13, MR0..7 = x0..x7,
 * MR8 = address of the svc, MR9 = SP, MR10 = svc + 4, MR11 = SPSR, MR12 = number.
 * Replying label 0 with x0..x7 and FaultIP = svc + 4 resumes the thread after the svc
 * with those registers; all other registers are preserved.
 */
TEST(syscall_unknown_syscall_fault)
{
    static const seL4_Word nums[UNK_CALLS] = {
        (seL4_Word)-18, (seL4_Word)-19, (seL4_Word)-33, 5, 1000, (seL4_Word)INT64_MIN,
    };
    static struct unk_state s;
    static struct thread t;
    struct fault_ep f;
    seL4_Word sp_seen[UNK_CALLS];

    for (int i = 0; i < UNK_CALLS; i++) {
        fill_pattern(s.in[i], (seL4_Word)i);
        s.in[i][7] = nums[i];
        for (int k = 0; k < RAW_OUT_REGS; k++)
            s.out[i][k] = 0;
    }
    s.done = 0;

    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, unk_child, (seL4_Word)(uintptr_t)&s));

    for (int i = 0; i < UNK_CALLS; i++) {
        seL4_MessageInfo_t info;
        TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
        seL4_Word mr[13];
        for (int k = 0; k < 13; k++)
            mr[k] = seL4_GetMR(k);
        CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UnknownSyscall);
        CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_UnknownSyscall_Length);
        CHECK_EQ(seL4_MessageInfo_get_extraCaps(info), 0);
        for (int k = 0; k < 7; k++)
            CHECK_EQ(mr[k], s.in[i][k]);
        CHECK_EQ(mr[seL4_UnknownSyscall_X7], nums[i]);
        CHECK_EQ(mr[seL4_UnknownSyscall_FaultIP], (seL4_Word)(uintptr_t)raw_syscall_svc);
        CHECK(mr[seL4_UnknownSyscall_SP] > t.stack_base && mr[seL4_UnknownSyscall_SP] <= t.stack_top);
        CHECK_EQ(mr[seL4_UnknownSyscall_LR], (seL4_Word)(uintptr_t)raw_syscall_svc + 4);
        CHECK_EQ(mr[seL4_UnknownSyscall_SPSR] & SPSR_MODE_DAIF_MASK, SPSR_EL0T_F);
        CHECK_EQ(mr[seL4_UnknownSyscall_Syscall], nums[i]);
        CHECK_EQ(s.done, i);
        sp_seen[i] = mr[seL4_UnknownSyscall_SP];

        seL4_Word rep[9];
        for (int k = 0; k < 8; k++)
            rep[k] = unk_reply_word(i, k);
        rep[8] = mr[seL4_UnknownSyscall_FaultIP] + 4;
        fault_reply(&f, 0, 9, rep);
    }
    TRY(fault_wait_exit(&f));
    CHECK_EQ(s.done, UNK_CALLS);

    for (int i = 0; i < UNK_CALLS; i++) {
        for (int k = 0; k < 8; k++)
            if (s.out[i][k] != unk_reply_word(i, k))
                FAIL("call %d (x7 = %lld): x%d after resume = 0x%llx, want reply word 0x%llx", i,
                     (long long)nums[i], k, (unsigned long long)s.out[i][k],
                     (unsigned long long)unk_reply_word(i, k));
        for (int k = 8; k < RAW_IN_REGS; k++)
            if (s.out[i][k] != s.in[i][k])
                FAIL("call %d: x%d not preserved across the fault (0x%llx -> 0x%llx)", i, k,
                     (unsigned long long)s.in[i][k], (unsigned long long)s.out[i][k]);
        CHECK_EQ(sp_seen[i], s.out[i][29]);
    }
}

/* ---- Garbage to every syscall number ------------------------------------------------ */

#define GARBAGE_MIN (-40)
#define GARBAGE_MAX 5
#define GARBAGE_ROUNDS 3
#define GARBAGE_MAX_CALLS ((GARBAGE_MAX - GARBAGE_MIN + 1) * GARBAGE_ROUNDS)

struct garbage_state {
    int n;
    seL4_Word in[GARBAGE_MAX_CALLS][RAW_IN_REGS];
    seL4_Word out[GARBAGE_MAX_CALLS][RAW_OUT_REGS];
    volatile int cur;  /* call in progress */
    volatile int done; /* calls completed */
};

static void garbage_child(seL4_Word arg)
{
    struct garbage_state *s = (struct garbage_state *)arg;
    for (int i = 0; i < s->n; i++) {
        s->cur = i;
        raw_syscall(s->in[i], s->out[i]);
        s->done = i + 1;
    }
}

enum expect { EXPECT_RETURN, EXPECT_CAPFAULT_SEND, EXPECT_CAPFAULT_RECV, EXPECT_UNKNOWN };

/* What the kernel must do with number `num` when no cptr resolves (ABI (a), (f), (l)). */
static enum expect garbage_expect(long num)
{
    switch (num) {
    case -1: /* Call */
    case -5: /* Send */
        return EXPECT_CAPFAULT_SEND;
    case -2: /* ReplyRecv: send phase skipped, Recv on x0 fails */
    case -3: /* NBSendRecv */
    case -4: /* NBSendWait */
    case -7: /* Recv */
    case -8: /* NBRecv */
    case -9: /* Wait */
    case -10: /* NBWait */
        return EXPECT_CAPFAULT_RECV;
    case -6:  /* NBSend: failed lookup ignored */
    case -11: /* Yield */
    case -12: /* DebugPutChar */
    case -13: /* DebugDumpScheduler */
    case -15: /* DebugCapIdentify */
    case -16: /* DebugSnapshot */
        return EXPECT_RETURN;
    default:
        return EXPECT_UNKNOWN;
    }
}

/*
 * ABI (a) every syscall number, (f) CapFault / UnknownSyscall messages and replies,
 * (l) debug syscalls: a child in an empty CSpace (so no random cptr can name a cap)
 * issues every number in [-40, 5] except -14 (DebugHalt) and -17 (DebugNameThread,
 * halts on garbage) with random registers (fixed seed). The root task checks each
 * fault message against the registers the child used, moves the child past the svc
 * (reply to UnknownSyscall with FaultIP + 4; CapFault: WriteRegisters pc + 4, then
 * reply) and finally checks the kernel is alive.
 */
static void garbage_body(void);

TEST(syscall_garbage_every_number)
{
    garbage_body();
    if (test_failed())
        tprintf("\n"); /* end the line of DebugPutChar characters */
}

static void garbage_body(void)
{
    static struct garbage_state s;
    static struct thread t;
    struct fault_ep f;
    uint64_t seed = 0x6b65656c5eedull;
    unsigned n_unknown = 0, n_capfault = 0, n_return = 0;

    s.n = 0;
    for (int round = 0; round < GARBAGE_ROUNDS; round++) {
        for (long num = GARBAGE_MIN; num <= GARBAGE_MAX; num++) {
            if (num == -14 || num == -17)
                continue;
            if (round > 0 && (num == -13 || num == -16))
                continue; /* long printouts: once is enough */
            seL4_Word *in = s.in[s.n];
            for (int k = 0; k < RAW_IN_REGS; k++)
                in[k] = trand_next(&seed);
            in[7] = (seL4_Word)num;
            if (num == -12) /* keep the console readable: a printable character */
                in[0] = (in[0] & ~0xffull) | (seL4_Word)('a' + in[0] % 26);
            s.n++;
        }
    }
    s.cur = -1;
    s.done = 0;

    /* An empty CNode: radix 4, guard size 60 (resolves all 64 bits, nothing in it). */
    seL4_CPtr cnode = alloc_object(seL4_CapTableObject, 4);
    CHECK(cnode != 0);
    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, cnode, 60, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, garbage_child, (seL4_Word)(uintptr_t)&s));

    for (;;) {
        seL4_MessageInfo_t info;
        TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
        seL4_Word label = seL4_MessageInfo_get_label(info);
        seL4_Word len = seL4_MessageInfo_get_length(info);
        int i = s.cur;
        if (i < 0 || i >= s.n)
            FAIL("fault (label %llu) while no call is in progress (cur %d)",
                 (unsigned long long)label, i);
        const seL4_Word *in = s.in[i];
        long num = (long)in[7];
        enum expect ex = garbage_expect(num);

        if (label == seL4_Fault_UnknownSyscall) {
            seL4_Word mr[13];
            for (int k = 0; k < 13; k++)
                mr[k] = seL4_GetMR(k);
            if (mr[seL4_UnknownSyscall_Syscall] == THREAD_EXIT_SYSCALL &&
                mr[seL4_UnknownSyscall_FaultIP] == (seL4_Word)(uintptr_t)thread_exit_svc)
                break;
            if (ex != EXPECT_UNKNOWN)
                FAIL("call %d (x7 = %ld): UnknownSyscall fault, expected %s", i, num,
                     ex == EXPECT_RETURN ? "a normal return" : "a CapFault");
            CHECK_EQ(len, 13);
            for (int k = 0; k < 8; k++)
                if (mr[k] != in[k])
                    FAIL("call %d (x7 = %ld): UnknownSyscall MR%d = 0x%llx, want x%d = 0x%llx", i,
                         num, k, (unsigned long long)mr[k], k, (unsigned long long)in[k]);
            CHECK_EQ(mr[seL4_UnknownSyscall_FaultIP], (seL4_Word)(uintptr_t)raw_syscall_svc);
            CHECK_EQ(mr[seL4_UnknownSyscall_Syscall], (seL4_Word)num);
            seL4_Word rep[9];
            for (int k = 0; k < 8; k++)
                rep[k] = mr[k];
            rep[8] = mr[seL4_UnknownSyscall_FaultIP] + 4;
            fault_reply(&f, 0, 9, rep);
            n_unknown++;
        } else if (label == seL4_Fault_CapFault) {
            seL4_Word mr[4];
            for (int k = 0; k < 4; k++)
                mr[k] = seL4_GetMR(k);
            if (ex != EXPECT_CAPFAULT_SEND && ex != EXPECT_CAPFAULT_RECV)
                FAIL("call %d (x7 = %ld): CapFault (addr 0x%llx), expected %s", i, num,
                     (unsigned long long)mr[1],
                     ex == EXPECT_RETURN ? "a normal return" : "an UnknownSyscall fault");
            /* Length and MR3: see fault_cap_fault_message_length. */
            CHECK(len >= 3);
            CHECK_EQ(mr[seL4_CapFault_IP], (seL4_Word)(uintptr_t)raw_syscall_svc);
            CHECK_EQ(mr[seL4_CapFault_Addr], in[0]);
            CHECK_EQ(mr[seL4_CapFault_InRecvPhase], ex == EXPECT_CAPFAULT_RECV ? 1 : 0);
            /* A CapFault reply restarts the svc: move the child past it first. */
            seL4_UserContext regs = {0};
            regs.pc = mr[seL4_CapFault_IP] + 4;
            CHECK_OK(seL4_TCB_WriteRegisters(t.tcb, false, 0, 1, &regs));
            fault_reply(&f, 0, 0, NULL);
            n_capfault++;
        } else {
            FAIL("call %d (x7 = %ld): unexpected fault label %llu (length %llu, MR0 0x%llx)", i,
                 num, (unsigned long long)label, (unsigned long long)len,
                 (unsigned long long)seL4_GetMR(0));
        }
    }
    tprintf("\n"); /* end the line of DebugPutChar characters */
    CHECK_EQ(s.done, s.n);

    for (int i = 0; i < s.n; i++) {
        long num = (long)s.in[i][7];
        if (garbage_expect(num) == EXPECT_RETURN)
            n_return++;
        if (num == -15 && s.out[i][0] != 0)
            FAIL("call %d: DebugCapIdentify(0x%llx) in an empty CSpace returned %llu", i,
                 (unsigned long long)s.in[i][0], (unsigned long long)s.out[i][0]);
        /* No path writes a register here except x0 of DebugCapIdentify (unknown
         * syscalls were answered with their own x0..x7). */
        for (int k = (num == -15 ? 1 : 0); k < RAW_IN_REGS; k++)
            if (s.out[i][k] != s.in[i][k])
                FAIL("call %d (x7 = %ld): x%d changed 0x%llx -> 0x%llx", i, num, k,
                     (unsigned long long)s.in[i][k], (unsigned long long)s.out[i][k]);
    }
    tinfo("%d calls: %u UnknownSyscall faults, %u CapFaults, %u plain returns", s.n, n_unknown,
          n_capfault, n_return);
    CHECK_EQ(n_unknown + n_capfault + n_return, (unsigned)s.n);

    /* The kernel is alive and the root CSpace intact. */
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadTCB), 12);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadCNode), 10);
}
