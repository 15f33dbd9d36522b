/*
 * Lazy FP/SIMD context switching (trap on first use), and threads with FP/SIMD disabled.
 *
 * The FP/SIMD registers hold the live state of at most one thread, arch_fpu_owner. The
 * exit path (entry.S) lets EL0 use FP/SIMD only when the thread it returns to is that
 * owner; for any other thread CPACR_EL1 traps FP/SIMD at EL0 (FPEN = 0b01; EL1 is not
 * trapped, so fpu_save/fpu_restore keep working). arch_fpu_trapped records what CPACR_EL1
 * is set to, so the exit path writes it only when that changes.
 *
 * A thread's first FP/SIMD instruction after another thread owned the registers traps
 * (EC 0x07) to arch_fpu_trap: the owner's registers are saved into its TCB, the thread's
 * are loaded from its TCB, it becomes the owner and the instruction runs again. So
 * threads that do not use FP/SIMD (most servers, and IPC between them) never pay for
 * it, and a thread that is interrupted and resumed pays nothing either.
 *
 * Measured with apps/ipcperf (instructions under -icount shift=0, passive server in
 * another VSpace, fast path): switching the FPU eagerly whenever the thread is not the
 * owner cost 370 (Call) / 409 (ReplyRecv); trapping on first use costs about 60 fewer
 * each way (see README.md, "Performance"). A thread that does use FP/SIMD pays one trap
 * (~100 instructions plus the save and restore) after each switch that lost it the
 * registers.
 *
 * Threads with the TCB flag seL4_TCBFlag_fpuDisabled never own the registers: their
 * FP/SIMD instructions always trap, and arch_fpu_trap reports a UserException
 * (ESR EC 0x07) for them.
 */
#include <keel/arch_api.h>
#include <arch/machine.h>
#include <arch/traps.h>

STATIC_ASSERT(CPACR_FPEN_NONE_TRAPPED == (3 << 20) && CPACR_FPEN_EL0_TRAPPED == (1 << 20),
              "entry.S writes these CPACR_EL1 values");

struct tcb *arch_fpu_owner;     /* whose FP/SIMD state the registers hold; NULL: nobody's */
bool arch_fpu_trapped;          /* CPACR_EL1 traps EL0 FP/SIMD (boot: not trapped) */

/* Make the registers tcb's: save the owner's live state, load tcb's. */
void arch_fpu_switch_to(struct tcb *tcb)
{
    if (tcb == arch_fpu_owner)
        return;
    if (arch_fpu_owner != NULL)
        fpu_save(&tcb_context(arch_fpu_owner)->fpu);
    fpu_restore(&tcb_context(tcb)->fpu);
    arch_fpu_owner = tcb;
}

/* EL0 used FP/SIMD while CPACR_EL1 trapped it (EC 0x07). */
void arch_fpu_trap(word_t esr)
{
    struct tcb *t = ks_cur_thread;

    if (tcb_fpu_disabled(t)) {
        handle_user_exception(esr);          /* a kernel entry like any fault */
        return;
    }
    /* Take the registers; the exit path then lifts the trap and the instruction is
     * executed again. Nothing else happens: no time is charged, no scheduling. */
    arch_fpu_switch_to(t);
}

void arch_fpu_release(struct tcb *tcb)
{
    if (arch_fpu_owner == tcb)
        arch_fpu_owner = NULL;
}

/* FP/SIMD was disabled for the owner: save its live state and give up the ownership,
 * so that its next FP/SIMD instruction traps. (A thread whose FP/SIMD is enabled again
 * owns nothing; its first use traps and loads its state.) */
void arch_tcb_flags_changed(struct tcb *tcb)
{
    if (tcb != arch_fpu_owner || !tcb_fpu_disabled(tcb))
        return;
    fpu_save(&tcb_context(tcb)->fpu);
    arch_fpu_owner = NULL;
}
