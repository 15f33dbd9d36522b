/*
 * The C side of exception handling (see entry.S for the contract): dispatching
 * synchronous exceptions from user mode to the core, and turning anything the kernel
 * cannot handle into a panic with the registers shown.
 */
#include <keel/kernel.h>
#include <keel/arch_api.h>
#include <arch/machine.h>
#include <arch/traps.h>

/* A synchronous exception from EL0 other than SVC. REG_FAULT_IP is already set. */
void arch_handle_user_sync(word_t esr)
{
    switch (ESR_EC(esr)) {
    case EC_DABT_LOWER:
        handle_vm_fault(false, read_sysreg(far_el1), esr);
        break;
    case EC_IABT_LOWER:
        handle_vm_fault(true, read_sysreg(far_el1), esr);
        break;
    case EC_FP_ACCESS:
        arch_fpu_trap(esr);                 /* lazy FPU switch (or fpuDisabled) */
        break;
    default:
        /* Undefined instruction, BRK, PC/SP alignment, trapped MSR/MRS, FP, ... */
        handle_user_exception(esr);
        break;
    }
}

/* Nothing in Keel routes interrupts to FIQ; note it and carry on. */
void arch_handle_user_fiq(void)
{
    kprintf("keel: unexpected FIQ while in user mode, ignored\n");
}

/* An asynchronous abort while in user mode: blame the thread. */
void arch_handle_user_serror(word_t esr)
{
    kprintf("keel: SError in user mode (ESR %lx, pc %lx)\n", esr,
            tcb_context(ks_cur_thread)->regs[REG_PC]);
    handle_user_exception(esr);
}

static const char *const vector_names[16] = {
    "synchronous exception (EL1, SP0)", "IRQ (EL1, SP0)", "FIQ (EL1, SP0)",
    "SError (EL1, SP0)",
    "synchronous exception in the kernel", "IRQ in the kernel outside the idle loop",
    "FIQ in the kernel", "SError in the kernel",
    "?", "?", "?", "?",
    "synchronous exception from AArch32", "IRQ from AArch32", "FIQ from AArch32",
    "SError from AArch32",
};

/* What kind of synchronous exception an ESR describes, in a few words. */
static const char *exception_class_name(word_t esr)
{
    switch (ESR_EC(esr)) {
    case EC_UNKNOWN:       return "undefined instruction";
    case EC_FP_ACCESS:     return "FP/SIMD access trap";
    case EC_ILLEGAL_STATE: return "illegal execution state";
    case EC_SVC64:         return "SVC";
    case EC_SYSREG:        return "trapped MSR/MRS";
    case EC_IABT_LOWER:
    case EC_IABT_CURRENT:  return "instruction abort";
    case EC_PC_ALIGN:      return "PC alignment fault";
    case EC_DABT_LOWER:
    case EC_DABT_CURRENT:  return "data abort";
    case EC_SP_ALIGN:      return "SP alignment fault";
    case EC_SERROR:        return "SError";
    case EC_BRK64:         return "BRK";
    default:               return "exception";
    }
}

void arch_panic_set_frame(const struct kernel_frame *frame);

NORETURN void arch_kernel_exception(const struct kernel_frame *frame, word_t slot)
{
    arch_panic_set_frame(frame);
    bool sync = (slot & 3) == 0;
    panic("%s%s%s at pc %lx (far %lx)", vector_names[slot & 15], sync ? ": " : "",
          sync ? exception_class_name(frame->esr) : "", frame->elr, frame->far);
}
