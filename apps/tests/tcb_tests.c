/*
 * TCB invocation tests (INVOCATIONS.md labels 2..17, ABI (i), (m)): registers in
 * seL4_UserContext order, CopyRegisters, Suspend/Resume, priorities and the MCP checks,
 * Configure/SetSpace/SetIPCBuffer/SetTimeoutEndpoint, notifications, TLS base, flags
 * (FP/SIMD disabled) and the FP/SIMD state of threads across switches. Also the
 * scheduling order that priorities and Yield give (time-independent).
 *
 * The root task runs at priority 255. Tests that need children to run at lower
 * priorities drop the root's own priority for a while (tt_set_root_prio) and always
 * restore 255 before they end.
 */
#include "framework.h"

#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_IL (1ull << 25)
#define EC_FP_ACCESS 0x07
#define SPSR_SANITISED(v) (((v) & 0xf0000000ull) | 0x40ull)

/* ---- helpers ------------------------------------------------------------------ */

static void tt_set_root_prio(seL4_Word prio)
{
    (void)seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, prio);
}

static void tt_yield(unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        seL4_Yield();
}

/* An event log shared by the children of a test (single core: atomics keep it exact
 * even if a timeslice ends in the middle of an update). */
#define TT_LOG_MAX 64
static volatile seL4_Word tt_log[TT_LOG_MAX];
static volatile unsigned tt_nlog;

static void tt_log_reset(void)
{
    tt_nlog = 0;
    for (unsigned i = 0; i < TT_LOG_MAX; i++)
        tt_log[i] = 0;
}

static void tt_log_add(seL4_Word v)
{
    unsigned i = __atomic_fetch_add(&tt_nlog, 1, __ATOMIC_SEQ_CST);
    if (i < TT_LOG_MAX)
        tt_log[i] = v;
}

/* Compare the log with the expected entries. */
static int tt_check_log(const char *file, int line, const seL4_Word *want, unsigned n)
{
    char got[128];
    int pos = 0;
    for (unsigned i = 0; i < tt_nlog && i < TT_LOG_MAX && pos < 100; i++)
        pos += tsnprintf(got + pos, sizeof(got) - (size_t)pos, "%llx ",
                         (unsigned long long)tt_log[i]);
    got[pos] = 0;
    if (tt_nlog != n) {
        test_fail(file, line, "log has %u entries (%s), want %u", tt_nlog, got, n);
        return -1;
    }
    for (unsigned i = 0; i < n; i++) {
        if (tt_log[i] != want[i]) {
            test_fail(file, line, "log entry %u is %llx, want %llx (log: %s)", i,
                      (unsigned long long)tt_log[i], (unsigned long long)want[i], got);
            return -1;
        }
    }
    return 0;
}
#define CHECK_LOG(...)                                                               \
    TRY(tt_check_log(__FILE__, __LINE__, (const seL4_Word[]){__VA_ARGS__},           \
                     sizeof((const seL4_Word[]){__VA_ARGS__}) / sizeof(seL4_Word)))

/* Timeslices long enough that no timer interrupt (however late QEMU runs without
 * -icount) ends one in the middle of a test that counts on the order of events. */
static int tt_long_timeslice(struct thread *t)
{
    seL4_Error err = seL4_SchedControl_ConfigureFlags(test_bootinfo->schedcontrol.start, t->sc,
                                                      1000000, 1000000, 0, 0, 0);
    if (err)
        FAIL_R(-1, "ConfigureFlags: %s", err_name(err));
    return 0;
}

/* A child that spins, counting, until told to stop. */
struct tt_spin {
    volatile seL4_Word count;
    volatile int stop;
};

static void tt_spin_fn(seL4_Word arg)
{
    struct tt_spin *s = (struct tt_spin *)arg;
    while (!s->stop)
        s->count++;
}

/* Whether a spinning thread at the root's priority makes progress while the root
 * yields `polls` times. */
static bool tt_spinner_progresses(struct tt_spin *s, unsigned polls)
{
    seL4_Word before = s->count;
    for (unsigned i = 0; i < polls; i++) {
        seL4_Yield();
        if (s->count != before)
            return true;
    }
    return false;
}

/* A TCB (no SC) configured in the root's CSpace and VSpace, with the IPC buffer of
 * pool entry `ipc_vaddr`/`ipc_frame` of an existing thread (not used concurrently). */
static seL4_CPtr tt_bare_tcb(seL4_Word prio)
{
    seL4_CPtr tcb = alloc_object(seL4_TCBObject, 0);
    if (!tcb)
        return 0;
    seL4_Error err = seL4_TCB_Configure(tcb, seL4_CapInitThreadCNode, 0,
                                        seL4_CapInitThreadVSpace, 0, 0, 0);
    if (err)
        FAIL_R(0, "TCB_Configure: %s", err_name(err));
    err = seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, seL4_MaxPrio, prio, 0, 0);
    if (err)
        FAIL_R(0, "TCB_SetSchedParams: %s", err_name(err));
    return tcb;
}

/* ---- register stubs ------------------------------------------------------------- */

/* tt_dump_entry: a thread started here with registers from WriteRegisters stores
 * x0..x30, sp, tpidr_el0, tpidrro_el0 and nzcv into tt_dump[0..34] and raises the
 * exit fault. Its sp must point to writable memory (it borrows 16 bytes below). */
seL4_Word tt_dump[40];
void tt_dump_entry(void);
/* tt_set_regs_udf: sets x_i = 0x1000 + i, sp = 0x5550, tpidr_el0 = 0x7a00 and NZCV =
 * 0x60000000, then executes `udf` at tt_udf_insn. */
void tt_set_regs_udf(void);
extern char tt_udf_insn[];
/* tt_fp_double(bits): the double with these bits, doubled (FP instructions). */
seL4_Word tt_fp_double(seL4_Word bits);
extern char tt_fp_insn[];
/* tt_fpu_fill_yield_dump(in, out, n): load q0..q31, fpcr, fpsr from in[0..65], yield
 * n times, store them to out[0..65]. Keeps d8..d15 and fpcr for the caller. */
void tt_fpu_fill_yield_dump(const seL4_Word *in, seL4_Word *out, seL4_Word n);
extern char thread_exit_trampoline[];

__asm__(".text\n"
        ".global tt_dump_entry\n"
        ".type tt_dump_entry, %function\n"
        "tt_dump_entry:\n"
        "    stp x0, x1, [sp, #-16]!\n"
        "    adrp x0, tt_dump\n"
        "    add x0, x0, :lo12:tt_dump\n"
        "    stp x2, x3, [x0, #16]\n"
        "    stp x4, x5, [x0, #32]\n"
        "    stp x6, x7, [x0, #48]\n"
        "    stp x8, x9, [x0, #64]\n"
        "    stp x10, x11, [x0, #80]\n"
        "    stp x12, x13, [x0, #96]\n"
        "    stp x14, x15, [x0, #112]\n"
        "    stp x16, x17, [x0, #128]\n"
        "    stp x18, x19, [x0, #144]\n"
        "    stp x20, x21, [x0, #160]\n"
        "    stp x22, x23, [x0, #176]\n"
        "    stp x24, x25, [x0, #192]\n"
        "    stp x26, x27, [x0, #208]\n"
        "    stp x28, x29, [x0, #224]\n"
        "    str x30, [x0, #240]\n"
        "    ldp x2, x3, [sp], #16\n"
        "    stp x2, x3, [x0, #0]\n"
        "    mov x2, sp\n"
        "    str x2, [x0, #248]\n"
        "    mrs x2, tpidr_el0\n"
        "    str x2, [x0, #256]\n"
        "    mrs x2, tpidrro_el0\n"
        "    str x2, [x0, #264]\n"
        "    mrs x2, nzcv\n"
        "    str x2, [x0, #272]\n"
        "    mov x7, #0x4b45\n"
        "    svc #0\n"
        "    b .\n"
        ".size tt_dump_entry, . - tt_dump_entry\n"
        "\n"
        ".global tt_set_regs_udf\n"
        ".type tt_set_regs_udf, %function\n"
        "tt_set_regs_udf:\n"
        "    mov x9, #0x7a00\n"
        "    msr tpidr_el0, x9\n"
        "    movz x9, #0x6000, lsl #16\n"
        "    msr nzcv, x9\n"
        "    mov x9, #0x5550\n"
        "    mov sp, x9\n"
        "    mov x0, #0x1000\n    mov x1, #0x1001\n    mov x2, #0x1002\n"
        "    mov x3, #0x1003\n    mov x4, #0x1004\n    mov x5, #0x1005\n"
        "    mov x6, #0x1006\n    mov x7, #0x1007\n    mov x8, #0x1008\n"
        "    mov x9, #0x1009\n    mov x10, #0x100a\n    mov x11, #0x100b\n"
        "    mov x12, #0x100c\n    mov x13, #0x100d\n    mov x14, #0x100e\n"
        "    mov x15, #0x100f\n    mov x16, #0x1010\n    mov x17, #0x1011\n"
        "    mov x18, #0x1012\n    mov x19, #0x1013\n    mov x20, #0x1014\n"
        "    mov x21, #0x1015\n    mov x22, #0x1016\n    mov x23, #0x1017\n"
        "    mov x24, #0x1018\n    mov x25, #0x1019\n    mov x26, #0x101a\n"
        "    mov x27, #0x101b\n    mov x28, #0x101c\n    mov x29, #0x101d\n"
        "    mov x30, #0x101e\n"
        ".global tt_udf_insn\n"
        "tt_udf_insn:\n"
        "    .inst 0x00000000\n"
        "    b .\n"
        ".size tt_set_regs_udf, . - tt_set_regs_udf\n"
        "\n"
        ".global tt_fp_double\n"
        ".type tt_fp_double, %function\n"
        "tt_fp_double:\n"
        ".global tt_fp_insn\n"
        "tt_fp_insn:\n"
        "    fmov d0, x0\n"
        "    fadd d0, d0, d0\n"
        "    fmov x0, d0\n"
        "    ret\n"
        ".size tt_fp_double, . - tt_fp_double\n"
        "\n"
        ".global tt_fpu_fill_yield_dump\n"
        ".type tt_fpu_fill_yield_dump, %function\n"
        "tt_fpu_fill_yield_dump:\n"
        "    stp x29, x30, [sp, #-112]!\n"
        "    mov x29, sp\n"
        "    stp x19, x20, [sp, #16]\n"
        "    str x21, [sp, #32]\n"
        "    mrs x9, fpcr\n"
        "    str x9, [sp, #40]\n"
        "    stp d8, d9, [sp, #48]\n"
        "    stp d10, d11, [sp, #64]\n"
        "    stp d12, d13, [sp, #80]\n"
        "    stp d14, d15, [sp, #96]\n"
        "    mov x19, x0\n"
        "    mov x20, x1\n"
        "    mov x21, x2\n"
        "    ldp q0, q1, [x19, #0]\n      ldp q2, q3, [x19, #32]\n"
        "    ldp q4, q5, [x19, #64]\n     ldp q6, q7, [x19, #96]\n"
        "    ldp q8, q9, [x19, #128]\n    ldp q10, q11, [x19, #160]\n"
        "    ldp q12, q13, [x19, #192]\n  ldp q14, q15, [x19, #224]\n"
        "    ldp q16, q17, [x19, #256]\n  ldp q18, q19, [x19, #288]\n"
        "    ldp q20, q21, [x19, #320]\n  ldp q22, q23, [x19, #352]\n"
        "    ldp q24, q25, [x19, #384]\n  ldp q26, q27, [x19, #416]\n"
        "    ldp q28, q29, [x19, #448]\n  ldp q30, q31, [x19, #480]\n"
        "    ldr x9, [x19, #512]\n"
        "    ldr x10, [x19, #520]\n"
        "    msr fpcr, x9\n"
        "    msr fpsr, x10\n"
        "1:  cbz x21, 2f\n"
        "    mov x7, #-11\n" /* Yield */
        "    svc #0\n"
        "    sub x21, x21, #1\n"
        "    b 1b\n"
        "2:  stp q0, q1, [x20, #0]\n      stp q2, q3, [x20, #32]\n"
        "    stp q4, q5, [x20, #64]\n     stp q6, q7, [x20, #96]\n"
        "    stp q8, q9, [x20, #128]\n    stp q10, q11, [x20, #160]\n"
        "    stp q12, q13, [x20, #192]\n  stp q14, q15, [x20, #224]\n"
        "    stp q16, q17, [x20, #256]\n  stp q18, q19, [x20, #288]\n"
        "    stp q20, q21, [x20, #320]\n  stp q22, q23, [x20, #352]\n"
        "    stp q24, q25, [x20, #384]\n  stp q26, q27, [x20, #416]\n"
        "    stp q28, q29, [x20, #448]\n  stp q30, q31, [x20, #480]\n"
        "    mrs x9, fpcr\n"
        "    mrs x10, fpsr\n"
        "    str x9, [x20, #512]\n"
        "    str x10, [x20, #520]\n"
        "    ldr x9, [sp, #40]\n"
        "    msr fpcr, x9\n"
        "    ldp d8, d9, [sp, #48]\n"
        "    ldp d10, d11, [sp, #64]\n"
        "    ldp d12, d13, [sp, #80]\n"
        "    ldp d14, d15, [sp, #96]\n"
        "    ldr x21, [sp, #32]\n"
        "    ldp x19, x20, [sp, #16]\n"
        "    ldp x29, x30, [sp], #112\n"
        "    ret\n"
        ".size tt_fpu_fill_yield_dump, . - tt_fpu_fill_yield_dump\n");

/* seL4_UserContext as an array of its 36 words (ABI (i) order). */
static seL4_Word *uc_words(seL4_UserContext *uc)
{
    return (seL4_Word *)uc;
}

/* A recognisable value for register index i of context `k`. */
static seL4_Word tt_pattern(unsigned k, unsigned i)
{
    return 0xa5a5000000000000ull | ((seL4_Word)k << 32) | ((seL4_Word)i << 8) | i;
}

/* ---- ReadRegisters / WriteRegisters ------------------------------------------------ */

/*
 * ABI (i): 36 words in seL4_UserContext order, written and read back unchanged except
 * spsr, which is sanitised to (v & 0xf0000000) | 0x40. Partial counts, the reply length,
 * and the error cases with their exact codes and MRs (INVOCATIONS.md labels 2, 3).
 */
TEST(tcb_read_write_registers)
{
    static struct thread t;
    struct fault_ep f;
    seL4_UserContext in, out;
    seL4_Word *iw = uc_words(&in), *ow = uc_words(&out);

    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));

    for (unsigned i = 0; i < 36; i++)
        iw[i] = tt_pattern(1, i);
    in.spsr = ~0ull;
    CHECK_OK(seL4_TCB_WriteRegisters(t.tcb, false, 0, 36, &in));
    CHECK_OK(seL4_TCB_ReadRegisters(t.tcb, false, 0, 36, &out));
    for (unsigned i = 0; i < 36; i++) {
        seL4_Word want = i == 2 ? SPSR_SANITISED(~0ull) : iw[i];
        if (ow[i] != want)
            FAIL("register %u read back as 0x%llx, want 0x%llx", i, (unsigned long long)ow[i],
                 (unsigned long long)want);
    }

    /* The reply carries exactly `count` words, MR i = register i. */
    seL4_MessageInfo_t info = raw_call(t.tcb, TCBReadRegisters, 2, (seL4_Word[]){0, 36}, 0, NULL);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 0);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 36);
    CHECK_MR(35, iw[35]);
    CHECK_MR(20, iw[20]);
    info = raw_call(t.tcb, TCBReadRegisters, 2, (seL4_Word[]){0, 3}, 0, NULL);
    CHECK_REPLY(info, 0, iw[0], iw[1], SPSR_SANITISED(~0ull));

    /* A partial write changes only the first `count` registers. */
    seL4_Word part[2 + 5] = {0, 5};
    for (unsigned i = 0; i < 5; i++)
        part[2 + i] = tt_pattern(2, i);
    part[2 + 2] = 0x30000000;
    info = raw_call(t.tcb, TCBWriteRegisters, 7, part, 0, NULL);
    CHECK_REPLY0(info, seL4_NoError);
    TRY(read_regs(t.tcb, &out));
    CHECK_EQ(out.pc, tt_pattern(2, 0));
    CHECK_EQ(out.sp, tt_pattern(2, 1));
    CHECK_EQ(out.spsr, 0x30000040);
    CHECK_EQ(out.x0, tt_pattern(2, 3));
    CHECK_EQ(out.x1, tt_pattern(2, 4));
    CHECK_EQ(out.x2, iw[5]);
    CHECK_EQ(out.tpidrro_el0, iw[35]);

    /* count beyond 36 but within the message is clamped to 36. */
    seL4_Word big[2 + 37] = {0, 37};
    for (unsigned i = 0; i < 37; i++)
        big[2 + i] = tt_pattern(3, i);
    info = raw_call(t.tcb, TCBWriteRegisters, 39, big, 0, NULL);
    CHECK_REPLY0(info, seL4_NoError);
    TRY(read_regs(t.tcb, &out));
    CHECK_EQ(out.tpidrro_el0, tt_pattern(3, 35));
    CHECK_EQ(out.x28, tt_pattern(3, 33));

    /* Errors. ReadRegisters: length, count range (1..36), the caller itself. */
    info = raw_call(t.tcb, TCBReadRegisters, 1, (seL4_Word[]){0}, 0, NULL);
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(t.tcb, TCBReadRegisters, 2, (seL4_Word[]){0, 0}, 0, NULL);
    CHECK_REPLY(info, seL4_RangeError, 1, 36);
    info = raw_call(t.tcb, TCBReadRegisters, 2, (seL4_Word[]){0, 37}, 0, NULL);
    CHECK_REPLY(info, seL4_RangeError, 1, 36);
    /* The count is checked before the target. */
    info = raw_call(seL4_CapInitThreadTCB, TCBReadRegisters, 2, (seL4_Word[]){0, 0}, 0, NULL);
    CHECK_REPLY(info, seL4_RangeError, 1, 36);
    info = raw_call(seL4_CapInitThreadTCB, TCBReadRegisters, 2, (seL4_Word[]){0, 1}, 0, NULL);
    CHECK_REPLY0(info, seL4_IllegalOperation);

    /* WriteRegisters: length, count against the message (before clamping), self. */
    info = raw_call(t.tcb, TCBWriteRegisters, 1, (seL4_Word[]){0}, 0, NULL);
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(t.tcb, TCBWriteRegisters, 6, (seL4_Word[]){0, 5, 1, 2, 3, 4}, 0, NULL);
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    big[1] = 100;
    info = raw_call(t.tcb, TCBWriteRegisters, 38, big, 0, NULL);
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(seL4_CapInitThreadTCB, TCBWriteRegisters, 3, (seL4_Word[]){0, 1, 0}, 0, NULL);
    CHECK_REPLY0(info, seL4_IllegalOperation);
    /* Failed writes changed nothing. */
    TRY(read_regs(t.tcb, &out));
    CHECK_EQ(out.pc, tt_pattern(3, 0));
}

/*
 * WriteRegisters with resume_target: the thread starts with exactly the written
 * registers, including sp, x0..x30, tpidr_el0, tpidrro_el0 and the NZCV flags of spsr.
 * SetTLSBase (label 16) overrides tpidr_el0 before the thread runs.
 */
TEST(tcb_write_registers_reach_thread)
{
    static struct thread t;
    struct fault_ep f;
    seL4_UserContext in;
    seL4_Word *iw = uc_words(&in);

    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    for (unsigned i = 0; i < 36; i++)
        iw[i] = tt_pattern(4, i);
    in.pc = (seL4_Word)(uintptr_t)tt_dump_entry;
    in.sp = t.stack_top;
    in.spsr = 0x90000000 | 0x3c5; /* N, V; the mode/mask bits are the kernel's */
    for (unsigned i = 0; i < 40; i++)
        tt_dump[i] = 0;

    CHECK_OK(seL4_TCB_WriteRegisters(t.tcb, false, 0, 36, &in));
    CHECK_OK(seL4_TCB_SetTLSBase(t.tcb, 0x5e7715));
    CHECK_OK(seL4_TCB_Resume(t.tcb));
    TRY(fault_wait_exit(&f));

    static const uint8_t xreg_index[31] = {
        3, 4, 5, 6, 7, 8, 9, 10, 11, 17, 18, 19, 20, 21, 22, 23, /* x0..x15 */
        12, 13, 14, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 15, 16, /* x16..x30 */
    };
    for (unsigned r = 0; r < 31; r++) {
        seL4_Word want = iw[xreg_index[r]];
        if (tt_dump[r] != want)
            FAIL("x%u = 0x%llx in the thread, want 0x%llx", r, (unsigned long long)tt_dump[r],
                 (unsigned long long)want);
    }
    CHECK_EQ(tt_dump[31], t.stack_top);
    CHECK_EQ(tt_dump[32], 0x5e7715);
    CHECK_EQ(tt_dump[33], in.tpidrro_el0);
    CHECK_EQ(tt_dump[34], 0x90000000);

    /* SetTLSBase: length check; the value is ReadRegisters index 34. */
    seL4_MessageInfo_t info = raw_call(t.tcb, TCBSetTLSBase, 0, NULL, 0, NULL);
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    CHECK_OK(seL4_TCB_SetTLSBase(t.tcb, 0xdead0000beef));
    seL4_UserContext out;
    TRY(read_regs(t.tcb, &out));
    CHECK_EQ(out.tpidr_el0, 0xdead0000beef);
}

/*
 * ReadRegisters of a thread stopped by a fault returns what it had in its registers:
 * x_i, sp, tpidr_el0, NZCV in spsr (EL0t, F masked), pc = the faulting instruction.
 * With suspend_source the thread is also suspended (its fault IPC is cancelled).
 */
TEST(tcb_read_registers_of_stopped_thread)
{
    static struct thread t;
    struct fault_ep f;
    seL4_MessageInfo_t info;
    seL4_UserContext out;

    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&t, (void (*)(seL4_Word))tt_set_regs_udf, 0));
    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);

    CHECK_OK(seL4_TCB_ReadRegisters(t.tcb, true, 0, 36, &out));
    seL4_Word *ow = uc_words(&out);
    CHECK_EQ(out.pc, (seL4_Word)(uintptr_t)tt_udf_insn);
    CHECK_EQ(out.sp, 0x5550);
    CHECK_EQ(out.spsr & 0xf00003ffull, 0x60000040);
    CHECK_EQ(out.tpidr_el0, 0x7a00);
    static const uint8_t xreg_index[31] = {
        3, 4, 5, 6, 7, 8, 9, 10, 11, 17, 18, 19, 20, 21, 22, 23,
        12, 13, 14, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 15, 16,
    };
    for (unsigned r = 0; r < 31; r++)
        if (ow[xreg_index[r]] != 0x1000 + r)
            FAIL("x%u read as 0x%llx, want 0x%x", r, (unsigned long long)ow[xreg_index[r]],
                 0x1000 + r);

    /* Suspended by the read: replying to the (cancelled) fault does nothing, and the
     * thread does not fault again when resumed... until resumed: then it re-executes
     * the udf and faults again. */
    fault_reply(&f, 0, 0, NULL);
    CHECK_EQ(fault_poll(&f, &info, 20), 1);
    CHECK_OK(seL4_TCB_Resume(t.tcb));
    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
    CHECK_MR(seL4_UserException_FaultIP, (seL4_Word)(uintptr_t)tt_udf_insn);
}

/* ---- CopyRegisters ------------------------------------------------------------------------ */

static int tt_write_pattern(seL4_CPtr tcb, unsigned k)
{
    seL4_UserContext uc;
    seL4_Word *w = uc_words(&uc);
    for (unsigned i = 0; i < 36; i++)
        w[i] = tt_pattern(k, i);
    w[2] = 0x40;
    seL4_Error err = seL4_TCB_WriteRegisters(tcb, false, 0, 36, &uc);
    if (err)
        FAIL_R(-1, "WriteRegisters: %s", err_name(err));
    return 0;
}

/* Registers 0..16 (frame) come from context `frame_k`, 17..35 (integer) from
 * `int_k`. */
static int tt_check_copy(seL4_CPtr tcb, unsigned frame_k, unsigned int_k)
{
    seL4_UserContext uc;
    TRY_R(read_regs(tcb, &uc), -1);
    seL4_Word *w = uc_words(&uc);
    for (unsigned i = 0; i < 36; i++) {
        seL4_Word want = i == 2 ? 0x40 : tt_pattern(i < 17 ? frame_k : int_k, i);
        if (w[i] != want)
            FAIL_R(-1, "after CopyRegisters register %u = 0x%llx, want 0x%llx", i,
                   (unsigned long long)w[i], (unsigned long long)want);
    }
    return 0;
}

struct tt_flag {
    volatile int set;
    volatile seL4_Word value;
};

static void tt_set_flag_fn(seL4_Word arg)
{
    struct tt_flag *fl = (struct tt_flag *)arg;
    fl->value = 0xc0b1ed;
    fl->set = 1;
}

/*
 * CopyRegisters (label 4): transfer_frame copies indices 0..16 (pc, sp, spsr, x0..x8,
 * x16..x18, x29, x30), transfer_integer 17..35 (x9..x15, x19..x28, tpidr_el0,
 * tpidrro_el0); suspend_source stops the source, resume_target starts the target with
 * the copied registers. Errors: TruncatedMessage, InvalidCapability(1).
 */
TEST(tcb_copy_registers)
{
    static struct thread src, dst;
    static struct tt_spin spin;
    static struct tt_flag flag;
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    TRY(thread_create(&src, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_create(&dst, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));

    TRY(tt_write_pattern(src.tcb, 5));
    TRY(tt_write_pattern(dst.tcb, 6));
    CHECK_OK(seL4_TCB_CopyRegisters(dst.tcb, src.tcb, false, false, true, false, 0));
    TRY(tt_check_copy(dst.tcb, 5, 6));

    TRY(tt_write_pattern(dst.tcb, 6));
    CHECK_OK(seL4_TCB_CopyRegisters(dst.tcb, src.tcb, false, false, false, true, 0));
    TRY(tt_check_copy(dst.tcb, 6, 5));

    TRY(tt_write_pattern(dst.tcb, 6));
    CHECK_OK(seL4_TCB_CopyRegisters(dst.tcb, src.tcb, false, false, false, false, 0));
    TRY(tt_check_copy(dst.tcb, 6, 6));
    CHECK_OK(seL4_TCB_CopyRegisters(dst.tcb, src.tcb, false, false, true, true, 0));
    TRY(tt_check_copy(dst.tcb, 5, 5));

    /* Errors: no source cap, no flags word, a source that is not a TCB. */
    seL4_MessageInfo_t info = raw_call(dst.tcb, TCBCopyRegisters, 1, (seL4_Word[]){0xc}, 0, NULL);
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(dst.tcb, TCBCopyRegisters, 0, NULL, 1, (seL4_CPtr[]){src.tcb});
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(dst.tcb, TCBCopyRegisters, 1, (seL4_Word[]){0xc}, 1, (seL4_CPtr[]){f.ep});
    CHECK_REPLY(info, seL4_InvalidCapability, 1);

    /* resume_target: the target runs from the copied frame (pc, sp, x0, x30) with the
     * copied integer registers (tpidr_el0, for libsel4's TLS). */
    seL4_UserContext uc = {0};
    uc.pc = (seL4_Word)(uintptr_t)tt_set_flag_fn;
    uc.sp = dst.stack_top;
    uc.x0 = (seL4_Word)(uintptr_t)&flag;
    uc.x30 = (seL4_Word)(uintptr_t)thread_exit_trampoline;
    uc.tpidr_el0 = dst.tls;
    flag.set = 0;
    CHECK_OK(seL4_TCB_WriteRegisters(src.tcb, false, 0, 36, &uc));
    CHECK_OK(seL4_TCB_CopyRegisters(dst.tcb, src.tcb, false, true, true, true, 0));
    TRY(fault_wait_exit(&f));
    CHECK_EQ(flag.set, 1);
    CHECK_EQ(flag.value, 0xc0b1ed);

    /* suspend_source: a running source stops. */
    spin.count = 0;
    spin.stop = 0;
    TRY(thread_start(&src, tt_spin_fn, (seL4_Word)(uintptr_t)&spin));
    CHECK(tt_spinner_progresses(&spin, 100));
    CHECK_OK(seL4_TCB_CopyRegisters(dst.tcb, src.tcb, true, false, false, false, 0));
    CHECK(!tt_spinner_progresses(&spin, 20));
}

/* ---- Suspend / Resume --------------------------------------------------------------------- */

struct tt_recv {
    seL4_CPtr ep, reply;
    volatile int received;
    volatile seL4_Word mr0;
};

static void tt_recv_fn(seL4_Word arg)
{
    struct tt_recv *r = (struct tt_recv *)arg;
    seL4_Word badge;
    seL4_Recv(r->ep, &badge, r->reply);
    r->mr0 = seL4_GetMR(0);
    r->received = 1;
}

/*
 * Suspend (12) stops a running thread; Resume (13) lets it go on where it was. Both
 * are idempotent. Suspending a thread blocked in Recv cancels the IPC (a message sent
 * meanwhile is not delivered); Resume restarts the Recv.
 */
TEST(tcb_suspend_resume)
{
    static struct thread t, r;
    static struct tt_spin spin;
    static struct tt_recv rcv;
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    spin.count = 0;
    spin.stop = 0;
    TRY(thread_start(&t, tt_spin_fn, (seL4_Word)(uintptr_t)&spin));
    CHECK(tt_spinner_progresses(&spin, 100));

    CHECK_OK(seL4_TCB_Suspend(t.tcb));
    CHECK(!tt_spinner_progresses(&spin, 20));
    CHECK_OK(seL4_TCB_Suspend(t.tcb));
    CHECK(!tt_spinner_progresses(&spin, 20));
    CHECK_OK(seL4_TCB_Resume(t.tcb));
    CHECK(tt_spinner_progresses(&spin, 100));
    CHECK_OK(seL4_TCB_Resume(t.tcb));
    CHECK(tt_spinner_progresses(&spin, 100));
    spin.stop = 1;
    TRY(fault_wait_exit(&f));

    /* A blocked receiver. */
    rcv.ep = alloc_object(seL4_EndpointObject, 0);
    rcv.reply = alloc_object(seL4_ReplyObject, 0);
    CHECK(rcv.ep && rcv.reply);
    rcv.received = 0;
    TRY(thread_create(&r, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_start(&r, tt_recv_fn, (seL4_Word)(uintptr_t)&rcv));
    tt_yield(5); /* it blocks in Recv */
    CHECK_OK(seL4_TCB_Suspend(r.tcb));
    seL4_SetMR(0, 0x111);
    seL4_NBSend(rcv.ep, seL4_MessageInfo_new(0, 0, 0, 1)); /* nobody waits: dropped */
    tt_yield(5);
    CHECK_EQ(rcv.received, 0);
    CHECK_OK(seL4_TCB_Resume(r.tcb));
    tt_yield(5); /* Recv again */
    CHECK_EQ(rcv.received, 0);
    seL4_SetMR(0, 0x222);
    seL4_NBSend(rcv.ep, seL4_MessageInfo_new(0, 0, 0, 1));
    TRY(fault_wait_exit(&f));
    CHECK_EQ(rcv.received, 1);
    CHECK_EQ(rcv.mr0, 0x222);
}

/* ---- priorities and the MCP ------------------------------------------------------------------ */

struct tt_self_prio {
    seL4_CPtr self;
    volatile seL4_Word err, mr0, mr1, err_ok;
    volatile int done;
};

static void tt_self_prio_fn(seL4_Word arg)
{
    struct tt_self_prio *s = (struct tt_self_prio *)arg;
    s->err = seL4_TCB_SetPriority(s->self, s->self, 60);
    s->mr0 = seL4_GetMR(0);
    s->mr1 = seL4_GetMR(1);
    s->err_ok = seL4_TCB_SetPriority(s->self, s->self, 50);
    s->done = 1;
}

static void tt_priority_mcp_body(void)
{
    static struct thread a, auth, self;
    static struct tt_self_prio sp;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    TRY(fault_ep_create(&f));
    TRY(thread_create(&a, seL4_CapInitThreadCNode, 0, f.badged, 10));
    TRY(thread_create(&auth, seL4_CapInitThreadCNode, 0, f.badged, 10));
    CHECK_OK(seL4_TCB_SetMCPriority(auth.tcb, seL4_CapInitThreadTCB, 100));

    info = raw_call(a.tcb, TCBSetPriority, 1, (seL4_Word[]){101}, 1, (seL4_CPtr[]){auth.tcb});
    CHECK_REPLY(info, seL4_RangeError, 0, 100);
    CHECK_OK(seL4_TCB_SetPriority(a.tcb, auth.tcb, 100));
    info = raw_call(a.tcb, TCBSetMCPriority, 1, (seL4_Word[]){101}, 1, (seL4_CPtr[]){auth.tcb});
    CHECK_REPLY(info, seL4_RangeError, 0, 100);
    CHECK_OK(seL4_TCB_SetMCPriority(a.tcb, auth.tcb, 100));
    CHECK_OK(seL4_TCB_SetMCPriority(a.tcb, auth.tcb, 0));

    /* SetSchedParams checks the MCP first, then the priority. */
    info = raw_call(a.tcb, TCBSetSchedParams, 2, (seL4_Word[]){101, 0}, 3,
                    (seL4_CPtr[]){auth.tcb, 0, 0});
    CHECK_REPLY(info, seL4_RangeError, 0, 100);
    info = raw_call(a.tcb, TCBSetSchedParams, 2, (seL4_Word[]){100, 101}, 3,
                    (seL4_CPtr[]){auth.tcb, 0, 0});
    CHECK_REPLY(info, seL4_RangeError, 0, 100);

    /* The root's MCP is 255: 256 is out of range for everybody. */
    info = raw_call(a.tcb, TCBSetPriority, 1, (seL4_Word[]){256}, 1,
                    (seL4_CPtr[]){seL4_CapInitThreadTCB});
    CHECK_REPLY(info, seL4_RangeError, 0, 255);
    info = raw_call(a.tcb, TCBSetMCPriority, 1, (seL4_Word[]){~0ull}, 1,
                    (seL4_CPtr[]){seL4_CapInitThreadTCB});
    CHECK_REPLY(info, seL4_RangeError, 0, 255);

    /* Authority that is not a TCB; missing words or caps. */
    info = raw_call(a.tcb, TCBSetPriority, 1, (seL4_Word[]){1}, 1, (seL4_CPtr[]){f.ep});
    CHECK_REPLY(info, seL4_InvalidCapability, 1);
    info = raw_call(a.tcb, TCBSetMCPriority, 1, (seL4_Word[]){1}, 1, (seL4_CPtr[]){f.ep});
    CHECK_REPLY(info, seL4_InvalidCapability, 1);
    info = raw_call(a.tcb, TCBSetSchedParams, 2, (seL4_Word[]){1, 1}, 3,
                    (seL4_CPtr[]){f.ep, 0, 0});
    CHECK_REPLY(info, seL4_InvalidCapability, 1);
    /* The authority's type is checked before the priorities. */
    info = raw_call(a.tcb, TCBSetPriority, 1, (seL4_Word[]){999}, 1, (seL4_CPtr[]){f.ep});
    CHECK_REPLY(info, seL4_InvalidCapability, 1);
    info = raw_call(a.tcb, TCBSetPriority, 0, NULL, 1, (seL4_CPtr[]){auth.tcb});
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(a.tcb, TCBSetPriority, 1, (seL4_Word[]){1}, 0, NULL);
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(a.tcb, TCBSetMCPriority, 0, NULL, 1, (seL4_CPtr[]){auth.tcb});
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(a.tcb, TCBSetSchedParams, 1, (seL4_Word[]){1}, 3,
                    (seL4_CPtr[]){auth.tcb, 0, 0});
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(a.tcb, TCBSetSchedParams, 2, (seL4_Word[]){1, 1}, 2,
                    (seL4_CPtr[]){auth.tcb, 0});
    CHECK_REPLY0(info, seL4_TruncatedMessage);

    /* A thread whose MCP is 50 acting on itself. */
    TRY(thread_create(&self, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    CHECK_OK(seL4_TCB_SetMCPriority(self.tcb, seL4_CapInitThreadTCB, 50));
    sp.self = self.tcb;
    sp.done = 0;
    TRY(thread_start(&self, tt_self_prio_fn, (seL4_Word)(uintptr_t)&sp));
    /* It drops itself to 50: it finishes once the root gets out of its way. */
    tt_set_root_prio(1);
    tt_set_root_prio(255);
    TRY(fault_wait_exit(&f));
    CHECK_EQ(sp.done, 1);
    CHECK_ERR(sp.err, seL4_RangeError);
    CHECK_EQ(sp.mr0, 0);
    CHECK_EQ(sp.mr1, 50);
    CHECK_ERR(sp.err_ok, seL4_NoError);
}

/*
 * ABI (k): a priority or MCP may only be set up to the authority's MCP; beyond it
 * RangeError(0, mcp). Authority not a TCB: InvalidCapability(1). Missing arguments:
 * TruncatedMessage. A thread with MCP 50 cannot raise itself above 50.
 */
TEST(tcb_priority_mcp_checks)
{
    tt_priority_mcp_body();
    tt_set_root_prio(255);
}

/* ---- scheduling order --------------------------------------------------------------------- */

struct tt_actor {
    seL4_Word id;
    seL4_CPtr other;      /* a TCB the actor acts on */
    seL4_Word prio;
    int action;
};

enum { TT_LOG_ONLY, TT_RESUME_OTHER, TT_RAISE_OTHER, TT_LOWER_SELF };

static void tt_actor_fn(seL4_Word arg)
{
    struct tt_actor *a = (struct tt_actor *)arg;
    tt_log_add(a->id);
    switch (a->action) {
    case TT_RESUME_OTHER:
        (void)seL4_TCB_Resume(a->other);
        break;
    case TT_RAISE_OTHER:
    case TT_LOWER_SELF:
        (void)seL4_TCB_SetPriority(a->other, seL4_CapInitThreadTCB, a->prio);
        break;
    default:
        return;
    }
    tt_log_add(a->id + 1);
}

static int tt_actor_start(struct thread *t, struct tt_actor *a, struct fault_ep *f,
                          seL4_Word prio, seL4_Word id, int action, bool run)
{
    a->id = id;
    a->action = action;
    TRY_R(thread_create(t, seL4_CapInitThreadCNode, 0, f->badged, prio), -1);
    TRY_R(tt_long_timeslice(t), -1);
    if (!run) {
        seL4_UserContext regs = {0};
        regs.pc = (seL4_Word)(uintptr_t)tt_actor_fn;
        regs.sp = t->stack_top;
        regs.x0 = (seL4_Word)(uintptr_t)a;
        regs.x30 = (seL4_Word)(uintptr_t)thread_exit_trampoline;
        regs.tpidr_el0 = t->tls;
        seL4_Error err = seL4_TCB_WriteRegisters(t->tcb, false, 0, 36, &regs);
        if (err)
            FAIL_R(-1, "WriteRegisters: %s", err_name(err));
        return 0;
    }
    return thread_start(t, tt_actor_fn, (seL4_Word)(uintptr_t)a);
}

static void tt_priority_order_body(void)
{
    static struct thread t[3];
    static struct tt_actor a[3];
    struct fault_ep f;

    TRY(fault_ep_create(&f));

    /* All ready at once: strictly by priority. */
    tt_log_reset();
    TRY(tt_actor_start(&t[0], &a[0], &f, 10, 0x10, TT_LOG_ONLY, true));
    TRY(tt_actor_start(&t[1], &a[1], &f, 30, 0x30, TT_LOG_ONLY, true));
    TRY(tt_actor_start(&t[2], &a[2], &f, 20, 0x20, TT_LOG_ONLY, true));
    CHECK_EQ(tt_nlog, 0); /* the root (255) kept the CPU */
    tt_set_root_prio(1);
    tt_set_root_prio(255);
    CHECK_LOG(0x30, 0x20, 0x10);
    thread_destroy_all();

    /* A thread that resumes a higher-priority one is preempted at once. */
    tt_log_reset();
    TRY(tt_actor_start(&t[1], &a[1], &f, 30, 0x30, TT_LOG_ONLY, false));
    a[0].other = t[1].tcb;
    TRY(tt_actor_start(&t[0], &a[0], &f, 10, 0x10, TT_RESUME_OTHER, true));
    tt_set_root_prio(1);
    tt_set_root_prio(255);
    CHECK_LOG(0x10, 0x30, 0x11);
    thread_destroy_all();

    /* ... but not by one of its own priority (it goes behind the current thread). */
    tt_log_reset();
    TRY(tt_actor_start(&t[1], &a[1], &f, 10, 0x30, TT_LOG_ONLY, false));
    a[0].other = t[1].tcb;
    TRY(tt_actor_start(&t[0], &a[0], &f, 10, 0x10, TT_RESUME_OTHER, true));
    tt_set_root_prio(1);
    tt_set_root_prio(255);
    CHECK_LOG(0x10, 0x11, 0x30);
    thread_destroy_all();

    /* Raising a ready thread above the current one preempts it. */
    tt_log_reset();
    TRY(tt_actor_start(&t[1], &a[1], &f, 5, 0x30, TT_LOG_ONLY, true));
    a[0].other = t[1].tcb;
    a[0].prio = 20;
    TRY(tt_actor_start(&t[0], &a[0], &f, 10, 0x10, TT_RAISE_OTHER, true));
    tt_set_root_prio(1);
    tt_set_root_prio(255);
    CHECK_LOG(0x10, 0x30, 0x11);
    thread_destroy_all();

    /* Lowering oneself below a ready thread hands the CPU over. */
    tt_log_reset();
    TRY(tt_actor_start(&t[1], &a[1], &f, 15, 0x30, TT_LOG_ONLY, true));
    TRY(tt_actor_start(&t[0], &a[0], &f, 20, 0x10, TT_LOWER_SELF, true));
    a[0].other = t[0].tcb;
    a[0].prio = 10;
    tt_set_root_prio(1);
    tt_set_root_prio(255);
    CHECK_LOG(0x10, 0x30, 0x11);
}

/*
 * 256 priorities: a higher-priority runnable thread always runs first. Waking (Resume)
 * or raising (SetPriority) a thread above the current one preempts it immediately;
 * lowering oneself below a ready thread yields to it; a woken thread of the same
 * priority waits for the current one.
 */
TEST(sched_priority_order)
{
    tt_priority_order_body();
    tt_set_root_prio(255);
}

static void tt_yielder_fn(seL4_Word arg)
{
    for (int i = 0; i < 5; i++) {
        tt_log_add(arg);
        seL4_Yield();
    }
}

static void tt_yield_rr_body(void)
{
    static struct thread t[3];
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    tt_log_reset();
    for (int i = 0; i < 3; i++) {
        TRY(thread_create(&t[i], seL4_CapInitThreadCNode, 0, f.badged, 40));
        TRY(tt_long_timeslice(&t[i]));
        TRY(thread_start(&t[i], tt_yielder_fn, 0xa + (seL4_Word)i));
    }
    tt_set_root_prio(1);
    tt_set_root_prio(255);
    CHECK_EQ(tt_nlog, 15);
    /* Strict rotation: each thread once per round, in the same order every round. */
    CHECK(tt_log[0] != tt_log[1] && tt_log[1] != tt_log[2] && tt_log[0] != tt_log[2]);
    for (unsigned i = 3; i < 15; i++)
        if (tt_log[i] != tt_log[i - 3])
            FAIL("Yield rotation broken at entry %u: %llx after %llx %llx %llx", i,
                 (unsigned long long)tt_log[i], (unsigned long long)tt_log[i - 3],
                 (unsigned long long)tt_log[i - 2], (unsigned long long)tt_log[i - 1]);
}

/* Yield (-11) within one priority level: the threads take turns, round robin. */
TEST(sched_yield_round_robin)
{
    tt_yield_rr_body();
    tt_set_root_prio(255);
}

/* ---- Configure / SetSpace / SetIPCBuffer / SetTimeoutEndpoint ------------------------------ */

struct tt_ident {
    seL4_CPtr probe[3];
    volatile seL4_Word tag[3];
    volatile int done;
};

static void tt_ident_fn(seL4_Word arg)
{
    struct tt_ident *id = (struct tt_ident *)arg;
    for (int i = 0; i < 3; i++)
        id->tag[i] = seL4_DebugCapIdentify(id->probe[i]);
    id->done = 1;
}

#define CAP_TAG_ENDPOINT 4
#define CAP_TAG_NOTIFICATION 6

/*
 * Configure (5): argument order of the checks (IPC buffer first, then CSpace, then
 * VSpace) with their exact errors; buffer 0 ignores the frame cap; a new CSpace with
 * guard data is the one the thread's cptrs resolve in.
 */
TEST(tcb_configure)
{
    static struct thread t;
    static struct tt_ident id;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    seL4_CPtr cn = seL4_CapInitThreadCNode, vs = seL4_CapInitThreadVSpace;
    seL4_CPtr frame = t.ipc_frame;
    seL4_CPtr loose_vspace = alloc_object(seL4_ARM_VSpaceObject, 0); /* no ASID */
    CHECK(loose_vspace != 0);

#define CONFIGURE(w0, w1, buf, c0, c1, c2)                                           \
    raw_call(t.tcb, TCBConfigure, 3, (seL4_Word[]){w0, w1, buf}, 3, (seL4_CPtr[]){c0, c1, c2})

    info = raw_call(t.tcb, TCBConfigure, 2, (seL4_Word[]){0, 0}, 3, (seL4_CPtr[]){cn, vs, frame});
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(t.tcb, TCBConfigure, 3, (seL4_Word[]){0, 0, 0}, 2, (seL4_CPtr[]){cn, vs});
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    /* IPC buffer: alignment, then the frame; both before the CSpace is looked at. */
    info = CONFIGURE(0, 0, t.ipc_vaddr + 8, f.ep, vs, frame);
    CHECK_REPLY0(info, seL4_AlignmentError);
    info = CONFIGURE(0, 0, t.ipc_vaddr, f.ep, vs, f.ep);
    CHECK_REPLY0(info, seL4_IllegalOperation);
    /* CSpace: not a CNode; guard data that does not fit (guard size 60 + radix 13). */
    info = CONFIGURE(0, 0, t.ipc_vaddr, f.ep, vs, frame);
    CHECK_REPLY0(info, seL4_IllegalOperation);
    info = CONFIGURE(60, 0, t.ipc_vaddr, cn, vs, frame);
    CHECK_REPLY0(info, seL4_IllegalOperation);
    /* VSpace: not a VSpace; a VSpace without an ASID. */
    info = CONFIGURE(0, 0, t.ipc_vaddr, cn, cn, frame);
    CHECK_REPLY0(info, seL4_IllegalOperation);
    info = CONFIGURE(0, 0, t.ipc_vaddr, cn, loose_vspace, frame);
    CHECK_REPLY0(info, seL4_IllegalOperation);
    /* Buffer 0: the frame cap is not looked at. */
    info = CONFIGURE(0, 0, 0, cn, vs, f.ep);
    CHECK_REPLY0(info, seL4_NoError);
    info = CONFIGURE(0, 0, t.ipc_vaddr, cn, vs, frame);
    CHECK_REPLY0(info, seL4_NoError);

    /* A new CSpace: a 16-slot CNode with guard size 60 (depth 64 as usual), an
     * endpoint in slot 3 and a notification in slot 5. */
    seL4_CPtr cnode = alloc_object(seL4_CapTableObject, 4);
    seL4_CPtr ntfn = alloc_object(seL4_NotificationObject, 0);
    CHECK(cnode && ntfn);
    CHECK_OK(seL4_CNode_Copy(cnode, 3, 4, seL4_CapInitThreadCNode, f.ep, 64, seL4_AllRights));
    CHECK_OK(seL4_CNode_Copy(cnode, 5, 4, seL4_CapInitThreadCNode, ntfn, 64, seL4_AllRights));
    info = CONFIGURE(60, 0, t.ipc_vaddr, cnode, vs, frame);
    CHECK_REPLY0(info, seL4_NoError);
    id.probe[0] = 3;
    id.probe[1] = 5;
    id.probe[2] = seL4_CapInitThreadTCB; /* empty in the new CSpace */
    id.done = 0;
    /* The thread has no fault handler cap in its new CSpace; it needs none: MCS keeps
     * the fault endpoint cap in the TCB. */
    TRY(thread_start(&t, tt_ident_fn, (seL4_Word)(uintptr_t)&id));
    TRY(fault_wait_exit(&f));
    CHECK_EQ(id.done, 1);
    CHECK_EQ(id.tag[0], CAP_TAG_ENDPOINT);
    CHECK_EQ(id.tag[1], CAP_TAG_NOTIFICATION);
    CHECK_EQ(id.tag[2], 0);

    /* With the root's cap deleted, the thread holds the last cap to that CNode:
     * replacing it would start a long-running delete, which Configure and SetSpace
     * refuse (IllegalOperation) before looking at anything else. */
    cap_delete(cnode);
    info = CONFIGURE(0, 0, t.ipc_vaddr, cn, vs, frame);
    CHECK_REPLY0(info, seL4_IllegalOperation);
    info = raw_call(t.tcb, TCBSetSpace, 2, (seL4_Word[]){0, 0}, 3,
                    (seL4_CPtr[]){f.badged, cn, vs});
    CHECK_REPLY0(info, seL4_IllegalOperation);
    /* The IPC buffer is checked before that. */
    info = CONFIGURE(0, 0, t.ipc_vaddr + 8, cn, vs, frame);
    CHECK_REPLY0(info, seL4_AlignmentError);
#undef CONFIGURE
}

static void tt_udf_fn(seL4_Word arg)
{
    (void)arg;
    __asm__ volatile(".inst 0x00000000");
}

/*
 * SetSpace (11, MCS: C0 fault endpoint, C1 CSpace, C2 VSpace): CSpace and VSpace are
 * checked before the fault endpoint (IllegalOperation), which must be an endpoint with
 * Write and Grant or GrantReply, or null (InvalidCapability 1). The new fault handler
 * receives the thread's next fault.
 */
TEST(tcb_set_space)
{
    static struct thread t;
    struct fault_ep f, f2;
    seL4_MessageInfo_t info;
    seL4_CPtr cn = seL4_CapInitThreadCNode, vs = seL4_CapInitThreadVSpace;

    TRY(fault_ep_create(&f));
    TRY(fault_ep_create(&f2));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    seL4_CPtr ntfn = alloc_object(seL4_NotificationObject, 0);
    seL4_CPtr ep_write = cap_mint(f2.ep, seL4_CapRights_new(0, 0, 0, 1), 0x5e7);
    seL4_CPtr ep_no_write = cap_mint(f2.ep, seL4_CapRights_new(1, 1, 1, 0), 0x5e8);
    seL4_CPtr ep_grant_reply = cap_mint(f2.ep, seL4_CapRights_new(1, 0, 0, 1), 0x5e9);
    CHECK(ntfn && ep_write && ep_no_write && ep_grant_reply);

#define SET_SPACE(w0, w1, c0, c1, c2)                                                \
    raw_call(t.tcb, TCBSetSpace, 2, (seL4_Word[]){w0, w1}, 3, (seL4_CPtr[]){c0, c1, c2})

    info = raw_call(t.tcb, TCBSetSpace, 1, (seL4_Word[]){0}, 3, (seL4_CPtr[]){f2.badged, cn, vs});
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(t.tcb, TCBSetSpace, 2, (seL4_Word[]){0, 0}, 2, (seL4_CPtr[]){f2.badged, cn});
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = SET_SPACE(0, 0, ntfn, f2.ep, vs);
    CHECK_REPLY0(info, seL4_IllegalOperation);
    info = SET_SPACE(0, 0, ntfn, cn, ntfn);
    CHECK_REPLY0(info, seL4_IllegalOperation);
    info = SET_SPACE(0, 0, ntfn, cn, vs);
    CHECK_REPLY(info, seL4_InvalidCapability, 1);
    info = SET_SPACE(0, 0, ep_write, cn, vs);
    CHECK_REPLY(info, seL4_InvalidCapability, 1);
    info = SET_SPACE(0, 0, ep_no_write, cn, vs);
    CHECK_REPLY(info, seL4_InvalidCapability, 1);
    info = SET_SPACE(0, 0, ep_grant_reply, cn, vs);
    CHECK_REPLY0(info, seL4_NoError);
    info = SET_SPACE(0, 0, seL4_CapNull, cn, vs);
    CHECK_REPLY0(info, seL4_NoError);
    info = SET_SPACE(0, 0, f2.badged, cn, vs);
    CHECK_REPLY0(info, seL4_NoError);
#undef SET_SPACE

    TRY(thread_start(&t, tt_udf_fn, 0));
    TRY(fault_wait(&f2, &info, FAULT_WAIT_POLLS));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
    CHECK_EQ(fault_poll(&f, &info, 5), 1);
}

struct tt_sender {
    seL4_CPtr ep;
    volatile int done;
};

static void tt_send6_fn(seL4_Word arg)
{
    struct tt_sender *s = (struct tt_sender *)arg;
    for (int i = 0; i < 6; i++)
        seL4_SetMR(i, 0x600 + (seL4_Word)i);
    seL4_Send(s->ep, seL4_MessageInfo_new(0x77, 0, 0, 6));
    s->done = 1;
}

static int tt_receive6(seL4_CPtr ep, seL4_CPtr reply, seL4_Word want_len)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    CHECK_EQ_R(seL4_MessageInfo_get_label(info), 0x77, -1);
    CHECK_EQ_R(seL4_MessageInfo_get_length(info), want_len, -1);
    for (seL4_Word i = 0; i < want_len; i++)
        CHECK_EQ_R(seL4_GetMR((int)i), 0x600 + i, -1);
    return 0;
}

/*
 * SetIPCBuffer (10): address 0 removes the buffer (only MR0..MR3, in registers, are
 * sent then); a 1024-aligned address with a frame cap installs it. Errors:
 * TruncatedMessage, AlignmentError, IllegalOperation (not a frame; a device frame).
 */
TEST(tcb_set_ipc_buffer)
{
    static struct thread t;
    static struct tt_sender snd;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    seL4_CPtr ep = alloc_object(seL4_EndpointObject, 0);
    seL4_CPtr reply = alloc_object(seL4_ReplyObject, 0);
    CHECK(ep && reply);

    info = raw_call(t.tcb, TCBSetIPCBuffer, 0, NULL, 1, (seL4_CPtr[]){t.ipc_frame});
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(t.tcb, TCBSetIPCBuffer, 1, (seL4_Word[]){t.ipc_vaddr}, 0, NULL);
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(t.tcb, TCBSetIPCBuffer, 1, (seL4_Word[]){t.ipc_vaddr + 512}, 1,
                    (seL4_CPtr[]){t.ipc_frame});
    CHECK_REPLY0(info, seL4_AlignmentError);
    info = raw_call(t.tcb, TCBSetIPCBuffer, 1, (seL4_Word[]){t.ipc_vaddr}, 1, (seL4_CPtr[]){ep});
    CHECK_REPLY0(info, seL4_IllegalOperation);
    seL4_Word dev_paddr, dev_bits;
    seL4_CPtr dev_ut = find_device_untyped(12, &dev_paddr, &dev_bits);
    if (dev_ut) {
        seL4_CPtr dev_frame = alloc_slot();
        CHECK(dev_frame != 0);
        CHECK_OK(seL4_Untyped_Retype(dev_ut, seL4_ARM_SmallPageObject, 0,
                                     seL4_CapInitThreadCNode, 0, 0, dev_frame, 1));
        info = raw_call(t.tcb, TCBSetIPCBuffer, 1, (seL4_Word[]){t.ipc_vaddr}, 1,
                        (seL4_CPtr[]){dev_frame});
        CHECK_REPLY0(info, seL4_IllegalOperation);
    } else {
        tinfo("no device untyped left: device-frame case skipped");
    }

    /* No IPC buffer: the six-word message arrives as four words. */
    CHECK_OK(seL4_TCB_SetIPCBuffer(t.tcb, 0, seL4_CapNull));
    snd.ep = ep;
    snd.done = 0;
    TRY(thread_start(&t, tt_send6_fn, (seL4_Word)(uintptr_t)&snd));
    TRY(tt_receive6(ep, reply, 4));
    TRY(fault_wait_exit(&f));

    /* With the buffer back, all six arrive. */
    CHECK_OK(seL4_TCB_SetIPCBuffer(t.tcb, t.ipc_vaddr, t.ipc_frame));
    TRY(thread_start(&t, tt_send6_fn, (seL4_Word)(uintptr_t)&snd));
    TRY(tt_receive6(ep, reply, 6));
    TRY(fault_wait_exit(&f));
}

/*
 * SetTimeoutEndpoint (9): an endpoint with Write and Grant/GrantReply or the null cap;
 * anything else InvalidCapability(1); no cap TruncatedMessage.
 */
TEST(tcb_set_timeout_endpoint)
{
    static struct thread t;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    seL4_CPtr ntfn = alloc_object(seL4_NotificationObject, 0);
    seL4_CPtr ep_write = cap_mint(f.ep, seL4_CapRights_new(0, 0, 0, 1), 0x70);
    seL4_CPtr ep_grant = cap_mint(f.ep, seL4_CapRights_new(0, 1, 0, 1), 0x71);
    CHECK(ntfn && ep_write && ep_grant);

    info = raw_call(t.tcb, TCBSetTimeoutEndpoint, 0, NULL, 0, NULL);
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(t.tcb, TCBSetTimeoutEndpoint, 0, NULL, 1, (seL4_CPtr[]){ntfn});
    CHECK_REPLY(info, seL4_InvalidCapability, 1);
    info = raw_call(t.tcb, TCBSetTimeoutEndpoint, 0, NULL, 1, (seL4_CPtr[]){ep_write});
    CHECK_REPLY(info, seL4_InvalidCapability, 1);
    info = raw_call(t.tcb, TCBSetTimeoutEndpoint, 0, NULL, 1, (seL4_CPtr[]){t.tcb});
    CHECK_REPLY(info, seL4_InvalidCapability, 1);
    CHECK_OK(seL4_TCB_SetTimeoutEndpoint(t.tcb, ep_grant));
    CHECK_OK(seL4_TCB_SetTimeoutEndpoint(t.tcb, f.badged));
    CHECK_OK(seL4_TCB_SetTimeoutEndpoint(t.tcb, seL4_CapNull));
}

/* ---- notifications ------------------------------------------------------------------------- */

struct tt_bound {
    seL4_CPtr ep, reply, ntfn;
    volatile seL4_Word badge;
    volatile int done;
};

static void tt_bound_recv_fn(seL4_Word arg)
{
    struct tt_bound *b = (struct tt_bound *)arg;
    seL4_Word badge = 0;
    seL4_Recv(b->ep, &badge, b->reply);
    b->badge = badge;
    b->done = 1;
}

static void tt_wait_fn(seL4_Word arg)
{
    struct tt_bound *b = (struct tt_bound *)arg;
    seL4_Word badge = 0;
    seL4_Wait(b->ntfn, &badge);
    b->badge = badge;
    b->done = 1;
}

/*
 * BindNotification (14) / UnbindNotification (15): a signal to the bound notification
 * is delivered to the thread while it waits on an endpoint. Errors, all
 * IllegalOperation: already bound, not a notification, no Read right, notification
 * bound elsewhere or with waiters, nothing to unbind; TruncatedMessage without a cap.
 */
TEST(tcb_bind_notification)
{
    static struct thread t, u, w;
    static struct tt_bound b, bw;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_create(&u, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    TRY(thread_create(&w, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    seL4_CPtr ntfn = alloc_object(seL4_NotificationObject, 0);
    seL4_CPtr ntfn2 = alloc_object(seL4_NotificationObject, 0);
    seL4_CPtr ntfn3 = alloc_object(seL4_NotificationObject, 0);
    CHECK(ntfn && ntfn2 && ntfn3);
    seL4_CPtr ntfn_wo = cap_mint(ntfn2, seL4_CapRights_new(0, 0, 0, 1), 0);
    seL4_CPtr ntfn_badged = cap_mint(ntfn, seL4_AllRights, 0x4242);
    CHECK(ntfn_wo && ntfn_badged);

    info = raw_call(t.tcb, TCBBindNotification, 0, NULL, 0, NULL);
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    CHECK_ERR(seL4_TCB_UnbindNotification(t.tcb), seL4_IllegalOperation);
    CHECK_ERR(seL4_TCB_BindNotification(t.tcb, f.ep), seL4_IllegalOperation);
    CHECK_ERR(seL4_TCB_BindNotification(t.tcb, ntfn_wo), seL4_IllegalOperation);
    CHECK_OK(seL4_TCB_BindNotification(t.tcb, ntfn));
    CHECK_ERR(seL4_TCB_BindNotification(t.tcb, ntfn2), seL4_IllegalOperation);
    CHECK_ERR(seL4_TCB_BindNotification(u.tcb, ntfn), seL4_IllegalOperation);
    CHECK_OK(seL4_TCB_UnbindNotification(t.tcb));
    CHECK_ERR(seL4_TCB_UnbindNotification(t.tcb), seL4_IllegalOperation);
    CHECK_OK(seL4_TCB_BindNotification(u.tcb, ntfn));
    CHECK_OK(seL4_TCB_UnbindNotification(u.tcb));

    /* A notification with a waiter cannot be bound. */
    bw.ntfn = ntfn3;
    bw.done = 0;
    TRY(thread_start(&w, tt_wait_fn, (seL4_Word)(uintptr_t)&bw));
    tt_yield(5);
    CHECK_EQ(bw.done, 0);
    CHECK_ERR(seL4_TCB_BindNotification(t.tcb, ntfn3), seL4_IllegalOperation);
    seL4_Signal(ntfn3);
    TRY(fault_wait_exit(&f));
    CHECK_EQ(bw.done, 1);

    /* Delivery to a bound thread that waits on an endpoint. */
    b.ep = alloc_object(seL4_EndpointObject, 0);
    b.reply = alloc_object(seL4_ReplyObject, 0);
    CHECK(b.ep && b.reply);
    b.done = 0;
    CHECK_OK(seL4_TCB_BindNotification(t.tcb, ntfn));
    TRY(thread_start(&t, tt_bound_recv_fn, (seL4_Word)(uintptr_t)&b));
    tt_yield(5);
    CHECK_EQ(b.done, 0);
    seL4_Signal(ntfn_badged);
    TRY(fault_wait_exit(&f));
    CHECK_EQ(b.done, 1);
    CHECK_EQ(b.badge, 0x4242);
}

/* ---- SetSchedParams and the scheduling context -------------------------------------------- */

/*
 * SetSchedParams (8, MCS): C1 = SC to bind or null to unbind, C2 = fault endpoint.
 * Errors: thread already has an SC, SC bound elsewhere, unbinding the caller's own SC
 * (IllegalOperation); C1 not an SC or null (InvalidCapability 2); C2 not a valid fault
 * handler (InvalidCapability 3). A thread whose SC is removed stops; with an SC again
 * it runs.
 */
TEST(tcb_set_sched_params)
{
    static struct thread t;
    static struct tt_spin spin;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    seL4_CPtr bare = tt_bare_tcb(TEST_CHILD_PRIO);
    seL4_CPtr sc2 = alloc_object(seL4_SchedContextObject, seL4_MinSchedContextBits);
    seL4_CPtr ntfn = alloc_object(seL4_NotificationObject, 0);
    CHECK(bare && sc2 && ntfn);
    seL4_CPtr root = seL4_CapInitThreadTCB;

#define SSP(target, c1, c2)                                                          \
    raw_call(target, TCBSetSchedParams, 2, (seL4_Word[]){255, 200}, 3,               \
             (seL4_CPtr[]){root, c1, c2})

    info = SSP(t.tcb, sc2, 0);
    CHECK_REPLY0(info, seL4_IllegalOperation); /* t has an SC */
    info = SSP(bare, t.sc, 0);
    CHECK_REPLY0(info, seL4_IllegalOperation); /* t.sc is bound to t */
    info = SSP(bare, f.ep, 0);
    CHECK_REPLY(info, seL4_InvalidCapability, 2);
    info = SSP(bare, sc2, ntfn);
    CHECK_REPLY(info, seL4_InvalidCapability, 3);
    info = SSP(bare, sc2, cap_mint(f.ep, seL4_CapRights_new(0, 0, 0, 1), 0x99));
    CHECK_REPLY(info, seL4_InvalidCapability, 3);
    info = SSP(root, seL4_CapNull, 0);
    CHECK_REPLY0(info, seL4_IllegalOperation); /* the caller's own SC */
    info = SSP(bare, sc2, f.badged);
    CHECK_REPLY0(info, seL4_NoError);
#undef SSP

    spin.count = 0;
    spin.stop = 0;
    TRY(thread_start(&t, tt_spin_fn, (seL4_Word)(uintptr_t)&spin));
    CHECK(tt_spinner_progresses(&spin, 100));
    CHECK_OK(seL4_TCB_SetSchedParams(t.tcb, root, 255, TEST_CHILD_PRIO, seL4_CapNull, f.badged));
    CHECK(!tt_spinner_progresses(&spin, 20));
    CHECK_OK(seL4_TCB_SetSchedParams(t.tcb, root, 255, TEST_CHILD_PRIO, t.sc, f.badged));
    CHECK(tt_spinner_progresses(&spin, 100));
    spin.stop = 1;
    TRY(fault_wait_exit(&f));
    cap_delete(bare);
    cap_delete(sc2);
}

/* ---- flags and the FPU --------------------------------------------------------------------- */

struct tt_fp {
    volatile seL4_Word in, out;
    volatile int before, after;
    seL4_CPtr self;       /* set: the thread disables its own FPU first */
    volatile seL4_Word own_flags;
};

static void tt_fp_fn(seL4_Word arg)
{
    struct tt_fp *s = (struct tt_fp *)arg;
    if (s->self) {
        seL4_TCB_SetFlags_t r = seL4_TCB_SetFlags(s->self, 0, seL4_TCBFlag_fpuDisabled);
        s->own_flags = r.flags;
    }
    s->before = 1;
    s->out = tt_fp_double(s->in);
    s->after = 1;
}

#define DOUBLE_1_5 0x3ff8000000000000ull
#define DOUBLE_3_0 0x4008000000000000ull

/* A thread with FP disabled stops at tt_fp_insn with a UserException (EC 0x07). */
static int tt_expect_fp_trap(struct fault_ep *f, struct tt_fp *s)
{
    seL4_MessageInfo_t info;
    TRY_R(fault_wait(f, &info, FAULT_WAIT_POLLS), -1);
    CHECK_EQ_R(seL4_MessageInfo_get_label(info), seL4_Fault_UserException, -1);
    CHECK_EQ_R(seL4_MessageInfo_get_length(info), seL4_UserException_Length, -1);
    CHECK_EQ_R(seL4_GetMR(seL4_UserException_FaultIP), (seL4_Word)(uintptr_t)tt_fp_insn, -1);
    CHECK_EQ_R(ESR_EC(seL4_GetMR(seL4_UserException_Number)), EC_FP_ACCESS, -1);
    CHECK_EQ_R(seL4_GetMR(seL4_UserException_Number) & ESR_IL, ESR_IL, -1);
    CHECK_EQ_R(seL4_GetMR(seL4_UserException_Code), 0, -1);
    CHECK_EQ_R(s->before, 1, -1);
    CHECK_EQ_R(s->after, 0, -1);
    return 0;
}

/*
 * SetFlags (17): new = (old & ~clear) | (set & 1), reply MR0 = the flags. With
 * seL4_TCBFlag_fpuDisabled an FP/SIMD instruction raises a UserException with ESR EC
 * 0x07 (ABI (m)); once the flag is cleared, the restarted instruction works. A thread
 * may disable its own FPU.
 */
TEST(tcb_set_flags_fpu_disabled)
{
    static struct thread t;
    static struct tt_fp s;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));

    info = raw_call(t.tcb, TCBSetFlags, 1, (seL4_Word[]){0}, 0, NULL);
    CHECK_REPLY0(info, seL4_TruncatedMessage);
    info = raw_call(t.tcb, TCBSetFlags, 2, (seL4_Word[]){0, 0}, 0, NULL);
    CHECK_REPLY(info, seL4_NoError, 0);
    info = raw_call(t.tcb, TCBSetFlags, 2, (seL4_Word[]){0, ~0ull}, 0, NULL);
    CHECK_REPLY(info, seL4_NoError, seL4_TCBFlag_fpuDisabled); /* unknown bits ignored */
    info = raw_call(t.tcb, TCBSetFlags, 2, (seL4_Word[]){0, 0}, 0, NULL);
    CHECK_REPLY(info, seL4_NoError, seL4_TCBFlag_fpuDisabled);
    info = raw_call(t.tcb, TCBSetFlags, 2, (seL4_Word[]){~0ull, 0}, 0, NULL);
    CHECK_REPLY(info, seL4_NoError, 0);
    info = raw_call(t.tcb, TCBSetFlags, 2, (seL4_Word[]){1, 1}, 0, NULL);
    CHECK_REPLY(info, seL4_NoError, seL4_TCBFlag_fpuDisabled); /* set wins over clear */

    s.in = DOUBLE_1_5;
    s.before = s.after = 0;
    s.self = 0;
    TRY(thread_start(&t, tt_fp_fn, (seL4_Word)(uintptr_t)&s));
    TRY(tt_expect_fp_trap(&f, &s));
    /* Re-enable and restart the instruction. */
    seL4_TCB_SetFlags_t r = seL4_TCB_SetFlags(t.tcb, seL4_TCBFlag_fpuDisabled, 0);
    CHECK_OK(r.error);
    CHECK_EQ(r.flags, 0);
    fault_reply(&f, 0, 0, NULL); /* restart at FaultIP with the registers as they are */
    TRY(fault_wait_exit(&f));
    CHECK_EQ(s.after, 1);
    CHECK_EQ(s.out, DOUBLE_3_0);

    /* The thread disables its own FPU. */
    s.before = s.after = 0;
    s.self = t.tcb;
    s.own_flags = 0;
    TRY(thread_start(&t, tt_fp_fn, (seL4_Word)(uintptr_t)&s));
    TRY(tt_expect_fp_trap(&f, &s));
    CHECK_EQ(s.own_flags, seL4_TCBFlag_fpuDisabled);
    CHECK_OK(seL4_TCB_SetFlags(t.tcb, seL4_TCBFlag_fpuDisabled, 0).error);
    fault_reply(&f, 0, 0, NULL);
    TRY(fault_wait_exit(&f));
    CHECK_EQ(s.out, DOUBLE_3_0);
}

struct tt_fp_loop {
    volatile seL4_Word rounds;
    volatile seL4_Word last;
};

static void tt_fp_loop_fn(seL4_Word arg)
{
    struct tt_fp_loop *l = (struct tt_fp_loop *)arg;
    for (;;) {
        l->last = tt_fp_double(DOUBLE_1_5);
        l->rounds++;
        seL4_Yield();
    }
}

/*
 * A thread that has been using the FPU (and may still own its registers) loses it
 * when another thread sets its fpuDisabled flag: its next FP instruction traps.
 */
TEST(tcb_fpu_disabled_while_owner)
{
    static struct thread t;
    static struct tt_fp_loop l;
    struct fault_ep f;
    seL4_MessageInfo_t info;

    TRY(fault_ep_create(&f));
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, f.badged, TEST_CHILD_PRIO));
    l.rounds = 0;
    TRY(thread_start(&t, tt_fp_loop_fn, (seL4_Word)(uintptr_t)&l));
    for (int i = 0; i < 100 && l.rounds < 3; i++)
        seL4_Yield();
    CHECK(l.rounds >= 3);
    CHECK_EQ(l.last, DOUBLE_3_0);
    CHECK_OK(seL4_TCB_SetFlags(t.tcb, 0, seL4_TCBFlag_fpuDisabled).error);
    seL4_Word rounds = l.rounds;
    TRY(fault_wait(&f, &info, FAULT_WAIT_POLLS));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
    CHECK_EQ(ESR_EC(seL4_GetMR(seL4_UserException_Number)), EC_FP_ACCESS);
    CHECK_EQ(seL4_GetMR(seL4_UserException_FaultIP), (seL4_Word)(uintptr_t)tt_fp_insn);
    CHECK_EQ(l.rounds, rounds);
}

#define TT_FPU_WORDS 66 /* q0..q31 (64 words), fpcr, fpsr */

struct tt_fpu_run {
    const seL4_Word *in;
    seL4_Word *out;
    volatile int done;
};

static void tt_fpu_run_fn(seL4_Word arg)
{
    struct tt_fpu_run *r = (struct tt_fpu_run *)arg;
    tt_fpu_fill_yield_dump(r->in, r->out, 25);
    r->done = 1;
}

static void tt_fpu_preserved_body(void)
{
    static struct thread t[2];
    static seL4_Word in[3][TT_FPU_WORDS] __attribute__((aligned(16)));
    static seL4_Word out[3][TT_FPU_WORDS] __attribute__((aligned(16)));
    static struct tt_fpu_run run[3];
    static const seL4_Word fpcr[3] = {0x00400000, 0x01800000, 0x06c00000};
    static const seL4_Word fpsr[3] = {0x00000001, 0x08000012, 0x0000008c};
    struct fault_ep f;

    TRY(fault_ep_create(&f));
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 64; i++)
            in[k][i] = 0x0f0f000000000000ull * (seL4_Word)(k + 1) + (seL4_Word)i * 0x10001ull;
        in[k][64] = fpcr[k];
        in[k][65] = fpsr[k];
        for (int i = 0; i < TT_FPU_WORDS; i++)
            out[k][i] = 0;
        run[k].in = in[k];
        run[k].out = out[k];
        run[k].done = 0;
    }
    for (int k = 1; k < 3; k++) {
        TRY(thread_create(&t[k - 1], seL4_CapInitThreadCNode, 0, f.badged, 40));
        TRY(thread_start(&t[k - 1], tt_fpu_run_fn, (seL4_Word)(uintptr_t)&run[k]));
    }
    /* The root joins the two at their priority; all three take turns with Yield. */
    tt_set_root_prio(40);
    tt_fpu_fill_yield_dump(in[0], out[0], 25);
    for (int i = 0; i < 200 && !(run[1].done && run[2].done); i++)
        seL4_Yield();
    tt_set_root_prio(255);
    CHECK(run[1].done && run[2].done);
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < TT_FPU_WORDS; i++)
            if (out[k][i] != in[k][i])
                FAIL("thread %d: FP word %d (%s) is 0x%llx after switches, want 0x%llx", k, i,
                     i < 64 ? "q" : i == 64 ? "fpcr" : "fpsr", (unsigned long long)out[k][i],
                     (unsigned long long)in[k][i]);
}

/*
 * ABI (m): the FP/SIMD registers (q0..q31, fpcr, fpsr) are per thread: three threads
 * load different values, switch among themselves 25 times each, and find their own.
 */
TEST(tcb_fpu_state_preserved)
{
    tt_fpu_preserved_body();
    tt_set_root_prio(255);
}

/* Labels that are not TCB methods: IllegalOperation. */
TEST(tcb_invalid_labels)
{
    static struct thread t;
    TRY(thread_create(&t, seL4_CapInitThreadCNode, 0, 0, TEST_CHILD_PRIO));
    static const seL4_Word labels[] = {0, 1, 18, 30, 31, 32, 36, 37, 42, 54, 55, 1000};
    for (unsigned i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        seL4_MessageInfo_t info = raw_call(t.tcb, labels[i], 2, (seL4_Word[]){0, 1}, 0, NULL);
        if (seL4_MessageInfo_get_label(info) != seL4_IllegalOperation)
            FAIL("label %llu on a TCB: %s, want IllegalOperation",
                 (unsigned long long)labels[i], err_name(seL4_MessageInfo_get_label(info)));
    }
}
