/*
 * Lazy FP/SIMD context switching, and threads with FP/SIMD disabled.
 *
 * The FPU is set up for one thread at a time, arch_fpu_owner; the exit path (entry.S)
 * calls arch_fpu_switch_to() only when the thread about to run is not the owner, so a
 * thread that is interrupted and resumed pays nothing. Switching between two threads
 * costs one save and one restore (~1 KiB of memory traffic); a trap-on-first-use scheme
 * would make IPC between threads that never touch the FPU cheaper.
 * TODO(bench): measure the IPC round trip and decide.
 *
 * Threads with the TCB flag seL4_TCBFlag_fpuDisabled may own the FPU too, but in the
 * trapped state: CPACR_EL1 then traps FP/SIMD instructions at EL0 (EC 0x07, reported as a
 * UserException by arch_handle_user_sync) and the registers hold nobody's live state (the
 * previous owner's were saved when the disabled thread took over; what is left in them
 * cannot be read while the trap is on). So:
 *   owner set, not trapped: the registers are the owner's live FP/SIMD state;
 *   owner set, trapped:     the owner has FP/SIMD disabled, nothing to save;
 *   no owner:               nothing to save.
 * The trap affects EL0 only: the kernel's own fpu_save/fpu_restore keep working.
 */
#include <keel/arch_api.h>
#include <arch/machine.h>
#include <arch/traps.h>

struct tcb *arch_fpu_owner;     /* the thread the FPU is set up for; NULL: nobody */
static bool fpu_trapped;        /* CPACR_EL1 traps EL0 FP/SIMD use */

static void set_fpu_trap(bool trap)
{
    if (trap == fpu_trapped)
        return;
    write_sysreg(cpacr_el1, trap ? CPACR_FPEN_EL0_TRAPPED : CPACR_FPEN_NONE_TRAPPED);
    isb();
    fpu_trapped = trap;
}

/* Put the owner's live registers (if any) back into its TCB. */
static void fpu_save_owner(void)
{
    if (arch_fpu_owner != NULL && !fpu_trapped)
        fpu_save(&tcb_context(arch_fpu_owner)->fpu);
}

void arch_fpu_switch_to(struct tcb *tcb)
{
    if (tcb == arch_fpu_owner)
        return;
    fpu_save_owner();
    if (tcb_fpu_disabled(tcb)) {
        set_fpu_trap(true);
    } else {
        set_fpu_trap(false);
        fpu_restore(&tcb_context(tcb)->fpu);
    }
    arch_fpu_owner = tcb;
}

void arch_fpu_release(struct tcb *tcb)
{
    if (arch_fpu_owner == tcb)
        arch_fpu_owner = NULL;
}

/* The FPU no longer matches the owner's flags: save what is live and give up the
 * ownership, so the next return to the thread comes through arch_fpu_switch_to, which
 * sets the FPU up as the flags now say. */
void arch_tcb_flags_changed(struct tcb *tcb)
{
    if (tcb != arch_fpu_owner || tcb_fpu_disabled(tcb) == fpu_trapped)
        return;
    fpu_save_owner();
    arch_fpu_owner = NULL;
}
