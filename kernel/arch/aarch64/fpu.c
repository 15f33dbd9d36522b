/*
 * Lazy FP/SIMD context switching.
 *
 * FP/SIMD is always enabled for EL0 (CPACR_EL1.FPEN). The registers belong to one thread
 * at a time, arch_fpu_owner; the exit path (entry.S) calls arch_fpu_switch_to() only when
 * the thread about to run is not the owner, so a thread that is interrupted and resumed
 * pays nothing. Switching between two threads costs one save and one restore (~1 KiB of
 * memory traffic); a trap-on-first-use scheme would make IPC between threads that never
 * touch the FPU cheaper. TODO(bench): measure the IPC round trip and decide.
 */
#include <keel/arch_api.h>
#include <arch/traps.h>

struct tcb *arch_fpu_owner;     /* whose registers the FPU holds; NULL: nobody's */

void arch_fpu_switch_to(struct tcb *tcb)
{
    if (tcb == arch_fpu_owner)
        return;
    if (arch_fpu_owner != NULL)
        fpu_save(&tcb_context(arch_fpu_owner)->fpu);
    fpu_restore(&tcb_context(tcb)->fpu);
    arch_fpu_owner = tcb;
}

void arch_fpu_release(struct tcb *tcb)
{
    if (arch_fpu_owner == tcb)
        arch_fpu_owner = NULL;
}
