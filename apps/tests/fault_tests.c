/*
 * Fault tests: UserException, CapFault, VMFault delivery and replies, threads
 * without a fault handler.
 */
#include "framework.h"

#define SPSR_MODE_DAIF_MASK 0x3ffull
#define SPSR_EL0T_F 0x40ull
#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_IL (1ull << 25)
#define EC_UNKNOWN 0x00
#define EC_IABT_LOWER 0x20
#define EC_DABT_LOWER 0x24
#define UNMAPPED_VADDR 0x7f0000000000ull /* user range, never mapped by the tests */

void do_udf(void);
seL4_Word do_load(seL4_Word addr);
void do_jump(seL4_Word addr);
extern char udf_insn[], vm_load_insn[], jump_insn[];

__asm__(".text\n"
        ".global do_udf\n"
        ".type do_udf, %function\n"
        "do_udf:\n"
        ".global udf_insn\n"
        "udf_insn:\n"
        "    .inst 0x00000000\n" /* udf #0 */
        "    ret\n"
        ".size do_udf, . - do_udf\n"
        ".global do_load\n"
        ".type do_load, %function\n"
        "do_load:\n"
        ".global vm_load_insn\n"
        "vm_load_insn:\n"
        "    ldr x0, [x0]\n"
        "    ret\n"
        ".size do_load, . - do_load\n"
        ".global do_jump\n"
        ".type do_jump, %function\n"
        "do_jump:\n"
        "    stp x29, x30, [sp, #-16]!\n"
        ".global jump_insn\n"
        "jump_insn:\n"
        "    blr x0\n"
        "    ldp x29, x30, [sp], #16\n"
        "    ret\n"
        ".size do_jump, . - do_jump\n");

struct flag_state {
    volatile int before, after;
};

static void udf_child(seL4_Word arg)
{
    struct flag_state *s = (struct flag_state *)arg;
    s->before = 1;
    do_udf();
    s->after = 1;
}

/* Yield until *flag becomes nonzero (the child got that far), at most `polls` times. */
static int wait_flag(volatile int *flag, unsigned polls)
{
    for (unsigned i = 0; i < polls && !*flag; i++)
        seL4_Yield();
    return *flag ? 0 : -1;
}

/* Give a (supposedly stopped) child plenty of chances to run. */
static void let_others_run(unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        seL4_Yield();
}

/* Common checks of a UserException for `udf #0` at udf_insn by thread t. */
static int check_udf_exception(seL4_MessageInfo_t info, const struct thread *t, seL4_Word *mr)
{
    for (int k = 0; k < 5; k++)
        mr[k] = seL4_GetMR(k);
    CHECK_EQ_R(seL4_MessageInfo_get_label(info), seL4_Fault_UserException, -1);
    CHECK_EQ_R(seL4_MessageInfo_get_length(info), seL4_UserException_Length, -1);
    CHECK_EQ_R(mr[seL4_UserException_FaultIP], (seL4_Word)(uintptr_t)udf_insn, -1);
    CHECK_R(mr[seL4_UserException_SP] > t->stack_base && mr[seL4_UserException_SP] <= t->stack_top,
            -1);
    CHECK_EQ_R(mr[seL4_UserException_SPSR] & SPSR_MODE_DAIF_MASK, SPSR_EL0T_F, -1);
    CHECK_EQ_R(ESR_EC(mr[seL4_UserException_Number]), EC_UNKNOWN, -1);
    /* EC 0: IL is RES1, ISS RES0. */
    CHECK_EQ_R(mr[seL4_UserException_Number], ESR_IL, -1);
    CHECK_EQ_R(mr[seL4_UserException_Code], 0, -1);
    return 0;
}

/*
 * ABI (f) UserException (3): length 5, MR0 = faulting pc, MR1 = SP, MR2 = SPSR,
 * MR3 = ESR (EC 0x00 for an undefined instruction), MR4 = 0. A reply with label 0
 * and FaultIP + 4 resumes the thread after the instruction.
 */
TEST(fault_undefined_instruction)
{
    static struct flag_state s;
    static struct thread t;
    struct fault_ep f;
    seL4_MessageInfo_t info;
    seL4_Word mr[5];

    s.before = s.after = 0;
    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, udf_child, (seL4_Word)(uintptr_t)&s));

    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    TRY(check_udf_exception(info, &t, mr));
    CHECK_EQ(s.before, 1);
    CHECK_EQ(s.after, 0);

    seL4_Word rep[3] = {mr[0] + 4, mr[1], mr[2]};
    fault_reply(&f, 0, 3, rep);
    TRY(fault_wait_exit(&f));
    CHECK_EQ(s.after, 1);
}

/*
 * ABI (f): a UserException reply with label != 0 leaves the thread Inactive; it
 * neither continues nor faults again. The reply's words (FaultIP, SP, SPSR) are
 * still taken.
 */
TEST(fault_user_exception_reply_error_stops_thread)
{
    static struct flag_state s;
    static struct thread t;
    struct fault_ep f;
    seL4_MessageInfo_t info;
    seL4_Word mr[5];

    s.before = s.after = 0;
    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, udf_child, (seL4_Word)(uintptr_t)&s));

    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    TRY(check_udf_exception(info, &t, mr));
    seL4_Word rep[3] = {mr[0] + 4, mr[1], mr[2]};
    fault_reply(&f, 1, 3, rep);

    int r = fault_poll(&f, &info, 200);
    CHECK(r >= 0);
    if (r == 0)
        FAIL("thread faulted again (label %llu) after an error reply",
             (unsigned long long)seL4_MessageInfo_get_label(info));
    CHECK_EQ(s.after, 0);
    /* The reply's words are taken even though the thread is not restarted. */
    seL4_UserContext regs;
    TRY(read_regs(t.tcb, &regs));
    CHECK_EQ(regs.pc, (seL4_Word)(uintptr_t)udf_insn + 4);
}

/*
 * ABI (f): without a fault handler the kernel makes the faulting thread Inactive
 * (not restarted); the root task keeps running.
 */
TEST(fault_undefined_instruction_no_handler)
{
    static struct flag_state s;
    static struct thread t;

    s.before = s.after = 0;
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, seL4_CapNull, TEST_CHILD_PRIO));
    TRY(thread_start(&t, udf_child, (seL4_Word)(uintptr_t)&s));
    if (wait_flag(&s.before, FAULT_WAIT_POLLS))
        FAIL("child never ran");
    let_others_run(200);
    CHECK_EQ(s.after, 0);
    seL4_UserContext regs;
    TRY(read_regs(t.tcb, &regs));
    CHECK_EQ(regs.pc, (seL4_Word)(uintptr_t)udf_insn);
    /* Still here: the kernel is alive. */
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadTCB), 12);
}

/* ---- UnknownSyscall replies ----------------------------------------------------------- */

struct one_call {
    seL4_Word in[RAW_IN_REGS];
    seL4_Word out[RAW_OUT_REGS];
    volatile int done;
};

static void one_call_child(seL4_Word arg)
{
    struct one_call *c = (struct one_call *)arg;
    raw_syscall(c->in, c->out);
    c->done = 1;
}

static void one_call_init(struct one_call *c, seL4_Word x0, seL4_Word x6, seL4_Word x7)
{
    for (int k = 0; k < RAW_IN_REGS; k++)
        c->in[k] = 0xfa000000ull + (seL4_Word)k;
    c->in[0] = x0;
    c->in[6] = x6;
    c->in[7] = x7;
    c->done = 0;
}

/*
 * ABI (f) "Replying to a fault": an UnknownSyscall reply with label 0 and no words
 * restarts the thread at FaultIP (the svc), so the same fault arrives again; a
 * reply with FaultIP + 4 then lets it continue.
 */
TEST(fault_unknown_syscall_restart)
{
    static struct one_call c;
    static struct thread t;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    one_call_init(&c, 0x1234, 0x66, 77);
    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, one_call_child, (seL4_Word)(uintptr_t)&c));

    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UnknownSyscall);
    CHECK_MR(seL4_UnknownSyscall_FaultIP, (seL4_Word)(uintptr_t)raw_syscall_svc);
    CHECK_MR(seL4_UnknownSyscall_Syscall, 77);
    fault_reply(&f, 0, 0, NULL);

    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UnknownSyscall);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 13);
    CHECK_MR(seL4_UnknownSyscall_FaultIP, (seL4_Word)(uintptr_t)raw_syscall_svc);
    CHECK_MR(seL4_UnknownSyscall_X0, 0x1234);
    CHECK_MR(seL4_UnknownSyscall_X6, 0x66);
    CHECK_MR(seL4_UnknownSyscall_Syscall, 77);
    CHECK_EQ(c.done, 0);

    seL4_Word rep[9];
    for (int k = 0; k < 8; k++)
        rep[k] = seL4_GetMR(k);
    rep[8] = (seL4_Word)(uintptr_t)raw_syscall_svc + 4;
    fault_reply(&f, 0, 9, rep);
    TRY(fault_wait_exit(&f));
    CHECK_EQ(c.done, 1);
}

/* ABI (f): an UnknownSyscall reply with label != 0 leaves the thread Inactive (the
 * reply's register words are still taken). */
TEST(fault_unknown_syscall_reply_error_stops_thread)
{
    static struct one_call c;
    static struct thread t;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    one_call_init(&c, 1, 2, 4242);
    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, one_call_child, (seL4_Word)(uintptr_t)&c));

    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UnknownSyscall);
    seL4_Word rep[9];
    for (int k = 0; k < 8; k++)
        rep[k] = seL4_GetMR(k);
    rep[8] = seL4_GetMR(seL4_UnknownSyscall_FaultIP) + 4;
    fault_reply(&f, 3, 9, rep);

    int r = fault_poll(&f, &info, 200);
    CHECK(r >= 0);
    if (r == 0)
        FAIL("thread faulted again (label %llu, MR12 0x%llx) after an error reply",
             (unsigned long long)seL4_MessageInfo_get_label(info),
             (unsigned long long)seL4_GetMR(12));
    CHECK_EQ(c.done, 0);
    seL4_UserContext regs;
    TRY(read_regs(t.tcb, &regs));
    CHECK_EQ(regs.pc, (seL4_Word)(uintptr_t)raw_syscall_svc + 4);
    CHECK_EQ(regs.x0, 1);
}

/* ---- CapFault ---------------------------------------------------------------------------- */

/*
 * ABI (a), (f) CapFault (1): MR0 = address of the svc, MR1 = the cptr, MR2 =
 * in-receive-phase. Replying restarts the syscall (the same fault arrives again).
 * Cases: Send and Call to a cptr with guard bits set; Recv on one; Recv on a real
 * endpoint with a non-Reply cap in x6 (fault address = x6). The message length and
 * MR3 are checked by fault_cap_fault_message_length.
 */
TEST(fault_cap_fault)
{
    static struct one_call c;
    static struct thread t;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    TRY(fault_ep_create(&f));
    seL4_CPtr ep2 = alloc_object(seL4_EndpointObject, 0);
    CHECK(ep2 != 0);

    const struct {
        seL4_Word x0, x6, x7;
        seL4_Word addr, recv;
    } cases[] = {
        {(seL4_Word)1 << 63, 0, (seL4_Word)seL4_SysSend, (seL4_Word)1 << 63, 0},
        {(seL4_Word)1 << 62, 0, (seL4_Word)seL4_SysCall, (seL4_Word)1 << 62, 0},
        {(seL4_Word)1 << 61, f.reply, (seL4_Word)seL4_SysRecv, (seL4_Word)1 << 61, 1},
        {ep2, seL4_CapInitThreadTCB, (seL4_Word)seL4_SysRecv, seL4_CapInitThreadTCB, 1},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        one_call_init(&c, cases[i].x0, cases[i].x6, cases[i].x7);
        c.in[1] = 0; /* msginfo: no extra caps */
        TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
        TRY(thread_start(&t, one_call_child, (seL4_Word)(uintptr_t)&c));

        for (int rep = 0; rep < 2; rep++) {
            TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
            if (seL4_MessageInfo_get_label(info) != seL4_Fault_CapFault)
                FAIL("case %u: fault label %llu, want CapFault", i,
                     (unsigned long long)seL4_MessageInfo_get_label(info));
            CHECK(seL4_MessageInfo_get_length(info) >= 3);
            CHECK_MR(seL4_CapFault_IP, (seL4_Word)(uintptr_t)raw_syscall_svc);
            CHECK_MR(seL4_CapFault_Addr, cases[i].addr);
            CHECK_MR(seL4_CapFault_InRecvPhase, cases[i].recv);
            CHECK_EQ(c.done, 0);
            if (rep == 0) {
                fault_reply(&f, 0, 0, NULL); /* restart: the same fault again */
            } else {
                seL4_UserContext regs = {0};
                regs.pc = (seL4_Word)(uintptr_t)raw_syscall_svc + 4;
                CHECK_OK(seL4_TCB_WriteRegisters(t.tcb, false, 0, 1, &regs));
                fault_reply(&f, 0, 0, NULL);
            }
        }
        TRY(fault_wait_exit(&f));
        CHECK_EQ(c.done, 1);
        thread_destroy(&t);
    }
}

/*
 * CapFault carries the real lookup failure (issue "Address spaces and faults"; seL4's
 * non-MCS path and newer seL4 do the same): MR3 = failure type, MR4.. its details,
 * length 4..7. ABI (f) records that the pinned MCS commit always sent InvalidRoot with
 * length 4; Keel deliberately reports what actually went wrong. Here cptr 2^63 in the
 * root CNode (guard 0 of 51 bits) is a guard mismatch: bitsLeft 64, guard found 0,
 * guard size 51.
 */
TEST(fault_cap_fault_message_length)
{
    static struct one_call c;
    static struct thread t;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    one_call_init(&c, (seL4_Word)1 << 63, 0, (seL4_Word)seL4_SysSend);
    c.in[1] = 0;
    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, one_call_child, (seL4_Word)(uintptr_t)&c));
    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    CHECK_MR(seL4_CapFault_Addr, (seL4_Word)1 << 63);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 7);
    CHECK_MR(seL4_CapFault_LookupFailureType, seL4_GuardMismatch);
    CHECK_MR(seL4_CapFault_BitsLeft, 64);
    CHECK_MR(seL4_CapFault_GuardMismatch_GuardFound, 0);
    CHECK_MR(seL4_CapFault_GuardMismatch_BitsFound, 64 - seL4_GetBootInfo()->initThreadCNodeSizeBits);
}

/* ---- VMFault ------------------------------------------------------------------------------- */

struct vm_state {
    seL4_Word addr;
    volatile int done;
};

static void load_child(seL4_Word arg)
{
    struct vm_state *s = (struct vm_state *)arg;
    (void)do_load(s->addr);
    s->done = 1;
}

static void jump_child(seL4_Word arg)
{
    struct vm_state *s = (struct vm_state *)arg;
    do_jump(s->addr);
    s->done = 1;
}

/*
 * ABI (f) VMFault (6), data abort: length 4, MR0 = pc of the load, MR1 = FAR,
 * MR2 = 0, MR3 = ESR with EC 0x24. Restarting re-executes the load, so the root
 * task moves the pc past it before replying.
 */
TEST(fault_vm_fault_data)
{
    static struct vm_state s;
    static struct thread t;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    s.addr = UNMAPPED_VADDR + 0x18;
    s.done = 0;
    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, load_child, (seL4_Word)(uintptr_t)&s));

    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault);
    CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_VMFault_Length);
    CHECK_MR(seL4_VMFault_IP, (seL4_Word)(uintptr_t)vm_load_insn);
    CHECK_MR(seL4_VMFault_Addr, s.addr);
    CHECK_MR(seL4_VMFault_PrefetchFault, 0);
    CHECK_EQ(ESR_EC(seL4_GetMR(seL4_VMFault_FSR)), EC_DABT_LOWER);
    CHECK(seL4_GetMR(seL4_VMFault_FSR) & ESR_IL);
    CHECK_EQ(seL4_GetMR(seL4_VMFault_FSR) >> 32, 0);

    seL4_UserContext regs = {0};
    regs.pc = (seL4_Word)(uintptr_t)vm_load_insn + 4;
    CHECK_OK(seL4_TCB_WriteRegisters(t.tcb, false, 0, 1, &regs));
    fault_reply(&f, 0, 0, NULL);
    TRY(fault_wait_exit(&f));
    CHECK_EQ(s.done, 1);
}

/*
 * ABI (f) VMFault (6), instruction abort: MR0 = MR1 = the target pc, MR2 = 1,
 * MR3 = ESR with EC 0x20. The root task sets pc = x30 (return address) and replies.
 */
TEST(fault_vm_fault_instruction)
{
    static struct vm_state s;
    static struct thread t;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    s.addr = UNMAPPED_VADDR + 0x2000;
    s.done = 0;
    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, jump_child, (seL4_Word)(uintptr_t)&s));

    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault);
    CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_VMFault_Length);
    CHECK_MR(seL4_VMFault_IP, s.addr);
    CHECK_MR(seL4_VMFault_Addr, s.addr);
    CHECK_MR(seL4_VMFault_PrefetchFault, 1);
    CHECK_EQ(ESR_EC(seL4_GetMR(seL4_VMFault_FSR)), EC_IABT_LOWER);

    seL4_UserContext regs;
    TRY(read_regs(t.tcb, &regs));
    CHECK_EQ(regs.pc, s.addr);
    CHECK_EQ(regs.x30, (seL4_Word)(uintptr_t)jump_insn + 4);
    regs.pc = regs.x30;
    CHECK_OK(seL4_TCB_WriteRegisters(t.tcb, false, 0, 1, &regs));
    fault_reply(&f, 0, 0, NULL);
    TRY(fault_wait_exit(&f));
    CHECK_EQ(s.done, 1);
}
